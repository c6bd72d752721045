// The package's types in use: requests, responses and errors are checked by tsc.
import { BackupClient, Code } from "pds-backup-web";
import type { Backup, GrpcError, ListBackupsRequest } from "pds-backup-web";

function isGrpcError(error: unknown): error is GrpcError {
  return error instanceof Error && error.name === "GrpcError";
}

const client = new BackupClient(location.origin, { timeoutMs: 15_000 });

const request: ListBackupsRequest = {
  sort: { sortBy: "UPDATED_AT", sortOrder: "DESC" },
  pagination: { pageNumber: 1, pageSize: "20" },
};
const { backups = [], pagination } = await client.listBackups(request);
const failed: Backup[] = backups.filter((backup) => backup.status?.phase === "FAILED");
// int64 fields such as fileSize are decimal strings, so BigInt adds them exactly.
const bytes = backups.reduce((sum, backup) => sum + BigInt(backup.status?.fileSize ?? "0"), 0n);
console.log(`${failed.length} of ${backups.length} failed, ${bytes} bytes, ${pagination?.totalRecords} in all`);

try {
  await client.getBackup("00000000-0000-0000-0000-000000000000");
} catch (error) {
  if (!isGrpcError(error) || error.code !== Code.NOT_FOUND) throw error;
  console.log(`${error.codeName}: ${error.rawMessage}`);
}

// Each call below is a type error, and the client also rejects it at run time.
async function expectInvalidArgument(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (isGrpcError(error) && error.code === Code.INVALID_ARGUMENT) {
      console.log(error.message);
      return;
    }
    throw error;
  }
  throw new Error("the call was expected to fail with INVALID_ARGUMENT");
}

// @ts-expect-error: sortBy takes upper-case field names such as "NAME".
await expectInvalidArgument(() => client.listBackups({ sort: { sortBy: "name" } }));
// @ts-expect-error: the filters form a oneof, so at most one of them may be set.
await expectInvalidArgument(() => client.listBackups({ deploymentId: "d-1", namespaceId: "n-1" }));
// @ts-expect-error: getBackup needs the id of the backup.
await expectInvalidArgument(() => client.getBackup());
