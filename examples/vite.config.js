// vite-plugin-wasm loads the main entry's .wasm import, which Vite does not do alone.
// Workers are bundled as ES modules, as `new Worker(url, { type: "module" })` expects.
import { defineConfig } from "vite";
import wasm from "vite-plugin-wasm";

export default defineConfig({
  plugins: [wasm()],
  worker: { format: "es", plugins: () => [wasm()] },
});
