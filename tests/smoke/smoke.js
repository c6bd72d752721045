// Loads the release build of the package and makes one call to the server that served
// this page, under a Content-Security-Policy without 'unsafe-eval'.
import init, { BackupClient } from "/pkg/pds_backup_web.js";

const result = document.getElementById("result");
try {
  await init();
  const client = new BackupClient(location.origin);
  const response = await client.listBackups({ pagination: { pageNumber: 1, pageSize: 3 } });
  result.textContent = JSON.stringify({
    backups: response.backups.length,
    totalRecords: response.pagination.totalRecords,
  });
} catch (error) {
  result.textContent = `error: ${error.message}`;
}
