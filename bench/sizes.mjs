// Bundle sizes: raw, gzip (level 9) and brotli (quality 11), both from Node's zlib.

import { readFile } from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";

import { CLIENTS, REPO_ROOT, WWW_DIR, glueFiles } from "./build.mjs";

/** Measures the raw, gzip and brotli sizes of `bytes`. */
function sizesOf(bytes) {
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}

/** Adds sizes field by field, for files that a page downloads and compresses one by one. */
function sum(...sizes) {
  return {
    raw: sizes.reduce((total, size) => total + size.raw, 0),
    gzip: sizes.reduce((total, size) => total + size.gzip, 0),
    brotli: sizes.reduce((total, size) => total + size.brotli, 0),
  };
}

async function fileSizes(file) {
  return sizesOf(await readFile(file));
}

const SECTION_NAMES = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "data count", "tag"];

/** Reads an unsigned LEB128 at `offset` and returns [value, next offset]. */
function leb128(bytes, offset) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, offset];
    shift += 7;
  }
}

/** Returns the raw size of each section of a wasm module, by section name. */
export function wasmSections(bytes) {
  const sections = {};
  for (let offset = 8; offset < bytes.length; ) {
    const id = bytes[offset];
    const [size, payload] = leb128(bytes, offset + 1);
    const name = SECTION_NAMES[id] ?? `section ${id}`;
    sections[name] = (sections[name] ?? 0) + size;
    offset = payload + size;
  }
  return sections;
}

/**
 * Groups the output bytes of a bundle by where they come from: an npm package, the
 * generated code, the package's glue or the benchmark's client entry.
 */
function bundleInputs(metafile) {
  const [output] = Object.values(metafile.outputs);
  const groups = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    let group;
    const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    if (npm) group = npm[1];
    else if (input.includes("target/bench/gen/")) group = "generated code";
    else if (input.includes("bench/clients/")) group = "client entry (bench/clients)";
    else group = "package glue";
    groups[group] = (groups[group] ?? 0) + bytesInOutput;
  }
  return Object.fromEntries(Object.entries(groups).sort((a, b) => b[1] - a[1]));
}

/**
 * Measures every client's production bundle and, for the two package builds, the .wasm
 * and the glue as wasm-pack writes them.
 */
export async function measureSizes({ pkgDir, objectsDir, metafiles }) {
  const result = {};
  for (const name of CLIENTS) {
    const bundle = await fileSizes(path.join(WWW_DIR, "clients", name, "client.js"));
    const entry = { bundle, bundleInputs: bundleInputs(metafiles[name]) };
    const packageDir = { package: pkgDir, "package-objects": objectsDir }[name];
    if (packageDir) {
      const wasmBytes = await readFile(path.join(packageDir, "pds_backup_web_bg.wasm"));
      const files = await glueFiles(packageDir);
      entry.wasm = sizesOf(wasmBytes);
      entry.wasmSections = wasmSections(wasmBytes);
      entry.glue = sum(...(await Promise.all(files.map(fileSizes))));
      entry.glueFiles = files.map((file) => path.relative(REPO_ROOT, file));
      entry.wasmPlusGlue = sum(entry.wasm, entry.glue);
      entry.wasmPlusBundle = sum(entry.wasm, bundle);
    }
    result[name] = entry;
  }
  return result;
}
