// Pages through a listing one page at a time, then collects all of it at once.
import { BackupClient } from "pds-backup-web";

const client = new BackupClient(location.origin);

// Each turn of the loop fetches the next page, and `break` stops the fetching.
const pager = client.pager({ sort: { sortBy: "NAME" } }, { pageSize: 25 });
for await (const page of pager) {
  const names = (page.backups ?? []).map((backup) => backup.meta?.name);
  console.log(`page ${pager.currentPage} of ${pager.totalPages}: ${names.length} backups`);
  if (pager.currentPage === 2) break;
}

// all() follows the pages to the end. The signal stops it, for example when the user
// leaves the view.
const controller = new AbortController();
const everything = await client.pager({}, { pageSize: 100 }).all({
  signal: controller.signal,
  onProgress: ({ pagesDone, totalPages, backupsDone, totalRecords }) => {
    console.log(`page ${pagesDone} of ${totalPages}: ${backupsDone} of ${totalRecords} backups`);
  },
});
console.log(`all() returned ${everything.length} backups`);
