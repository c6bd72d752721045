// Tells failures apart by their gRPC status code.
import { BackupClient, Code } from "pds-backup-web";

const client = new BackupClient(location.origin);

try {
  await client.getBackup("00000000-0000-0000-0000-000000000000");
} catch (error) {
  if (error.code !== Code.NOT_FOUND) throw error;
  console.log(`${error.codeName}: ${error.rawMessage}`);
}

// Invalid arguments reject before anything is sent, with a message that names the field.
try {
  await client.listBackups({ pagination: { pageSize: 0 } });
} catch (error) {
  console.log(error.message);
}

// A deadline rejects with DEADLINE_EXCEEDED, an aborted signal with CANCELLED.
const controller = new AbortController();
const call = client.listBackups({}, { timeoutMs: 10_000, signal: controller.signal });
controller.abort();
try {
  await call;
} catch (error) {
  console.log(`${error.codeName} is code ${error.code}: ${error.code === Code.CANCELLED}`);
}
