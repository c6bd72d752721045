// Lists the five newest backups with the package's main entry, which bundlers load.
import { BackupClient } from "pds-backup-web";

// The grpc-web endpoint: here the server that serves this page, elsewhere a URL such as
// "https://pds.example.com". Pass `token` and `accountId` for a PDS control plane.
const client = new BackupClient(location.origin, { timeoutMs: 15_000 });

const response = await client.listBackups({
  sort: { sortBy: "CREATED_AT", sortOrder: "DESC" },
  pagination: { pageNumber: 1, pageSize: 5 },
});
for (const backup of response.backups ?? []) {
  // Fields that hold their default value are left out, hence the fallbacks.
  const phase = backup.status?.phase ?? "PHASE_UNSPECIFIED";
  const bytes = backup.status?.fileSize ?? "0";
  console.log(`${backup.meta?.name}: ${phase}, ${bytes} bytes`);
}
console.log(`${response.pagination?.totalRecords ?? "0"} backups in all`);
