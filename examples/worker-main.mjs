// Starts the worker in worker.mjs and sends it a request for one page of backups.
const worker = new Worker(new URL("./worker.mjs", import.meta.url), { type: "module" });

const reply = new Promise((resolve, reject) => {
  worker.addEventListener("message", (event) => resolve(event.data), { once: true });
  worker.addEventListener("error", (event) => reject(new Error(event.message)), { once: true });
});
worker.postMessage({ pagination: { pageNumber: 1, pageSize: 10 } });

const { response, error } = await reply;
if (error) throw new Error(`the worker failed: ${error.message}`);
console.log(`the worker listed ${response.backups.length} of ${response.pagination.totalRecords} backups`);
worker.terminate();
