// This package behind the benchmark's client interface. The build step resolves
// "pds-backup-web" to the web-target build under test, and this file is also the tiny
// entry whose minified bundle is the package's JS in the bundle-size table.
import init, { BackupClient, decodeListBackupsResponse } from "pds-backup-web";

export { decodeListBackupsResponse };

/** Loads the module; resolves to the wasm linear memory, for the memory measurement. */
export async function load() {
  const exports = await init();
  return { memory: exports.memory };
}

/** Creates a client whose calls resolve to proto3 JSON objects. */
export function createClient(baseUrl) {
  const client = new BackupClient(baseUrl);
  return {
    getBackup: (id) => client.getBackup(id),
    deleteBackup: (id) => client.deleteBackup(id),
    listBackups: (pageNumber, pageSize) => client.listBackups({ pagination: { pageNumber, pageSize } }),
    pager: (pageSize) => client.pager({}, { pageSize }),
  };
}
