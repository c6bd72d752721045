// Writes OUT_DIR/package.json from npm/package.json.in, with the crate's version from
// Cargo.toml, so the published package and the crate cannot disagree.
//
//   node scripts/write-package-json.mjs OUT_DIR
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Returns the `version` of the `[package]` table of a Cargo.toml. */
export function cargoVersion(manifest) {
  const table = manifest.match(/^\[package\]\n([\s\S]*?)(?=^\[|(?![\s\S]))/m);
  const version = table?.[1].match(/^version\s*=\s*"([^"]+)"/m);
  if (!version) throw new Error("Cargo.toml has no version in its [package] table");
  return version[1];
}

/** Returns the published package.json: the template with `version` after `name`. */
export function packageJson(template, version) {
  if ("version" in template) {
    throw new Error("npm/package.json.in must not set a version; Cargo.toml's version is used");
  }
  const { name, ...rest } = template;
  return { name, version, ...rest };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error("usage: node scripts/write-package-json.mjs OUT_DIR");
    process.exit(2);
  }
  const version = cargoVersion(readFileSync(path.join(root, "Cargo.toml"), "utf8"));
  const template = JSON.parse(readFileSync(path.join(root, "npm/package.json.in"), "utf8"));
  const json = `${JSON.stringify(packageJson(template, version), null, 2)}\n`;
  writeFileSync(path.join(outDir, "package.json"), json);
}
