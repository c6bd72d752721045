// Gets one backup with the "web" entry, which needs no bundler: init() fetches the
// .wasm file that sits next to the module.
import init, { BackupClient } from "pds-backup-web/web";

await init();

const client = new BackupClient(location.origin);
const { backups = [] } = await client.listBackups({ pagination: { pageSize: 1 } });
const backup = await client.getBackup(backups[0].meta.uid);
console.log(`getBackup returned ${backup.meta.name}, created ${backup.meta.createTime}`);
