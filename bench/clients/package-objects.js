// The package built with the `bench-boundary` feature: the same client, but decoding with
// decodeListBackupsResponseAsObjects, which builds the JS objects with serde-wasm-bindgen
// instead of parsing a JSON string.
export { load, createClient } from "./package.js";
export { decodeListBackupsResponseAsObjects as decodeListBackupsResponse } from "pds-backup-web";
