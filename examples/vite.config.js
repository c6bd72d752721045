// vite-plugin-wasm loads the main entry's .wasm import, which Vite does not do alone.
// Workers are bundled as ES modules, as `new Worker(url, { type: "module" })` expects.
import { defineConfig } from "vite";
import wasm from "vite-plugin-wasm";

export default defineConfig({
  plugins: [wasm()],
  worker: { format: "es", plugins: () => [wasm()] },
  // The dev server's dependency pre-bundling moves the "web" entry away from its .wasm
  // file, so init() would fetch a file that is not there.
  optimizeDeps: { exclude: ["pds-backup-web"] },
  // `vite` (dev) forwards the calls to the grpc-web endpoint, so the page and the API
  // share an origin and need no CORS. 127.0.0.1:8080 is where `npm start` serves the
  // dev server of the pds-backup-web repository.
  server: {
    proxy: {
      "/public.portworx.pds.backup.v1.BackupService": process.env.PDS_GRPC_WEB_URL ?? "http://127.0.0.1:8080",
    },
  },
});
