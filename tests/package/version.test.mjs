// Checks that the crate, the repository's package.json and the published package.json carry
// one version. scripts/write-package-json.mjs copies the crate's version into the published
// one, so the last check needs a built package (pkg/, or PDS_PKG_DIR).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { cargoVersion, packageJson } from "../../scripts/write-package-json.mjs";
import { REPO_ROOT } from "./helpers.mjs";

const readJson = (file) => JSON.parse(readFileSync(path.join(REPO_ROOT, file), "utf8"));
const crateVersion = cargoVersion(readFileSync(path.join(REPO_ROOT, "Cargo.toml"), "utf8"));
const pkgDir = path.resolve(REPO_ROOT, process.env.PDS_PKG_DIR ?? "pkg");

test("root package.json has the crate version", () => {
  assert.equal(readJson("package.json").version, crateVersion);
});

test("template leaves the version to Cargo.toml", () => {
  const template = readJson("npm/package.json.in");
  assert.equal("version" in template, false);
  assert.equal(packageJson(template, crateVersion).version, crateVersion);
});

test("built package.json has the crate version", { skip: !existsSync(path.join(pkgDir, "package.json")) && `${pkgDir} is not built` }, () => {
  const built = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  assert.equal(built.version, crateVersion);
});

test("cargoVersion reads only the package table", () => {
  const manifest = [
    "[package]",
    'name = "x"',
    'version = "1.2.3"',
    "",
    "[dependencies]",
    'serde = { version = "1" }',
    "",
    "[workspace.package]",
    'version = "9.9.9"',
  ].join("\n");
  assert.equal(cargoVersion(manifest), "1.2.3");
  assert.throws(() => cargoVersion('[dependencies]\nversion = "1"\n'), /no version/);
});
