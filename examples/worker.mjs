// A module worker that lists backups off the main thread. It sets its message handler
// before anything is awaited, so no message that arrives during init() is missed.
import init, { BackupClient } from "pds-backup-web/web";

const ready = init().then(() => new BackupClient(location.origin));

self.onmessage = async (event) => {
  try {
    const client = await ready;
    const response = await client.listBackups(event.data);
    self.postMessage({ response });
  } catch (error) {
    // postMessage clones an Error without its extra fields such as `code`, so copy them.
    self.postMessage({ error: { code: error.code, message: error.message } });
  }
};
