// Builds everything the benchmark loads, under target/bench/:
//
//   pkg/          the release package, from scripts/build-package.sh (or a folder given
//                 with --pkg, such as the pkg/ that scripts/test.sh has just built)
//   pkg-objects/  the same crate with the `bench-boundary` feature, web target, optimized
//                 with the same wasm-opt flags
//   gen/es/       Connect-ES code for proto/, from protoc-gen-es through buf
//   gen/ts/       protobuf-ts code for proto/, from @protobuf-ts/plugin through buf
//   www/          the page (index.html, startup.html, harness.js) and one minified ESM
//                 bundle per client in clients/<name>/client.js, with the package's .wasm
//                 beside its bundle
//
// Code is generated on every run from proto/ as it is, as the interop tests do.

import { spawn } from "node:child_process";
import { cp, mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BENCH_DIR = path.join(REPO_ROOT, "target/bench");
export const WWW_DIR = path.join(BENCH_DIR, "www");

/** The clients measured, by folder under www/clients/. */
export const CLIENTS = ["package", "package-objects", "connect", "protobuf-ts"];

const PACKAGE_MODULE = "pds_backup_web.js";
const PACKAGE_WASM = "pds_backup_web_bg.wasm";
const BIN = path.join(REPO_ROOT, "node_modules/.bin");

// The flags of the wasm-opt step in scripts/build-package.sh; keep the two the same, so
// both builds of the package are optimized alike.
const WASM_OPT_FLAGS = [
  "-Oz",
  "--strip-debug",
  "--strip-producers",
  "--enable-bulk-memory",
  "--enable-bulk-memory-opt",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-reference-types",
  "--enable-multivalue",
  "--enable-mutable-globals",
];

/** Runs `command` with its output on stderr, and rejects if it exits non-zero. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", process.stderr, process.stderr], ...options });
    child.once("error", (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} failed (exit code ${code}, signal ${signal})`));
    });
  });
}

function log(message) {
  console.error(`[bench] ${message}`);
}

/** Builds the package with the `bench-boundary` feature into `outDir`. */
async function buildObjectsPackage(outDir) {
  const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
  await rm(outDir, { recursive: true, force: true });
  await run(
    "wasm-pack",
    ["build", "--mode", "no-install", "--no-opt", "--no-pack", "--target", "web", "--out-dir", outDir, "--profile", "wasm-release", "--", "--features", "bench-boundary"],
    { env },
  );
  const module = path.join(outDir, PACKAGE_WASM);
  await run(path.join(BIN, "wasm-opt"), [...WASM_OPT_FLAGS, module, "-o", `${module}.opt`]);
  await rename(`${module}.opt`, module);
}

/**
 * Checks that a build exports the boundary decoder exactly when it should. Another build
 * of the crate in this checkout, with other features, can overwrite cargo's output between
 * cargo and wasm-bindgen, and this check catches that.
 */
async function checkBoundaryExport(pkgDir, expected) {
  const glue = await readFile(path.join(pkgDir, PACKAGE_MODULE), "utf8");
  const present = /export function decodeListBackupsResponseAsObjects\b/.test(glue);
  if (present !== expected) {
    throw new Error(
      `${path.relative(REPO_ROOT, pkgDir)} ${present ? "exports" : "does not export"} decodeListBackupsResponseAsObjects; ` +
        "another build of the crate may have run at the same time, so run the benchmark again",
    );
  }
}

/** Generates Connect-ES and protobuf-ts code for proto/ with one `buf generate`. */
async function generateCode() {
  const gen = path.join(BENCH_DIR, "gen");
  await rm(gen, { recursive: true, force: true });
  const template = {
    version: "v2",
    plugins: [
      { local: path.join(BIN, "protoc-gen-es"), out: path.join(gen, "es"), opt: ["target=js", "import_extension=js"] },
      // protobuf-ts with its default options (int64 as bigint, optimized for speed).
      { local: path.join(BIN, "protoc-gen-ts"), out: path.join(gen, "ts") },
    ],
  };
  await run(path.join(BIN, "buf"), ["generate", path.join(REPO_ROOT, "proto"), "--template", JSON.stringify(template)]);
}

/** Creates an esbuild plugin that resolves the import "pds-backup-web" to the glue in `pkgDir`. */
function packageAlias(pkgDir) {
  return {
    name: "pds-backup-web",
    setup(builder) {
      builder.onResolve({ filter: /^pds-backup-web$/ }, () => ({ path: path.join(pkgDir, PACKAGE_MODULE) }));
    },
  };
}

/**
 * Bundles one client entry from bench/clients/ for production: minified ESM. Resolves to
 * esbuild's metafile, which records how many output bytes each input file contributes.
 */
async function bundleClient(name, pkgDir) {
  const outDir = path.join(WWW_DIR, "clients", name);
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [path.join(REPO_ROOT, "bench/clients", `${name}.js`)],
    outfile: path.join(outDir, "client.js"),
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    metafile: true,
    plugins: pkgDir ? [packageAlias(pkgDir)] : [],
    logLevel: "warning",
  });
  if (pkgDir) {
    // The glue finds the module at new URL("pds_backup_web_bg.wasm", import.meta.url).
    await cp(path.join(pkgDir, PACKAGE_WASM), path.join(outDir, PACKAGE_WASM));
  }
  return result.metafile;
}

async function bundlePage() {
  await mkdir(WWW_DIR, { recursive: true });
  for (const file of ["index.html", "startup.html"]) {
    await cp(path.join(REPO_ROOT, "bench/page", file), path.join(WWW_DIR, file));
  }
  await build({
    entryPoints: [path.join(REPO_ROOT, "bench/page/harness.js")],
    outfile: path.join(WWW_DIR, "harness.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    logLevel: "warning",
  });
}

/** Lists the files of the package's JS glue: the module and its inline snippets. */
export async function glueFiles(pkgDir) {
  const files = [path.join(pkgDir, PACKAGE_MODULE)];
  const snippets = path.join(pkgDir, "snippets");
  const entries = await readdir(snippets, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith(".js")) files.push(path.join(entry.parentPath ?? entry.path, entry.name));
  }
  return files.sort();
}

/**
 * Builds everything. `pkgDir` is a release package built already, or undefined to build
 * one with scripts/build-package.sh. Resolves to { pkgDir, objectsDir, metafiles,
 * seconds } where seconds times each step.
 */
export async function buildAll({ pkgDir } = {}) {
  const seconds = {};
  const timed = async (step, work) => {
    const start = performance.now();
    const result = await work();
    seconds[step] = Math.round((performance.now() - start) / 100) / 10;
    return result;
  };
  await mkdir(BENCH_DIR, { recursive: true });

  let releaseDir = pkgDir && path.resolve(REPO_ROOT, pkgDir);
  if (!releaseDir) {
    releaseDir = path.join(BENCH_DIR, "pkg");
    log("building the release package (scripts/build-package.sh target/bench/pkg)");
    await timed("releasePackage", () => run("bash", ["scripts/build-package.sh", path.relative(REPO_ROOT, releaseDir)]));
  }
  await checkBoundaryExport(releaseDir, false);

  const objectsDir = path.join(BENCH_DIR, "pkg-objects");
  log("building the package with --features bench-boundary (target/bench/pkg-objects)");
  await timed("objectsPackage", () => buildObjectsPackage(objectsDir));
  await checkBoundaryExport(objectsDir, true);

  log("generating Connect-ES and protobuf-ts code (target/bench/gen)");
  await timed("generate", generateCode);

  log("bundling the page and the clients (target/bench/www)");
  await rm(WWW_DIR, { recursive: true, force: true });
  const metafiles = await timed("bundle", async () => {
    await bundlePage();
    const packageDirs = { package: releaseDir, "package-objects": objectsDir };
    const result = {};
    for (const name of CLIENTS) result[name] = await bundleClient(name, packageDirs[name]);
    return result;
  });
  await writeFile(path.join(BENCH_DIR, "metafiles.json"), JSON.stringify(metafiles));
  return { pkgDir: releaseDir, objectsDir, metafiles, seconds };
}

/**
 * Resolves to the dev server binary: `explicit` (from --devserver or PDS_DEVSERVER_BIN)
 * as it is, or else target/release/pds-devserver (target/debug/ when `debug`), built
 * with cargo first. The full run uses the release build, so the server's share of each
 * call is small.
 */
export async function buildDevserver({ explicit, debug }) {
  if (explicit) return path.resolve(REPO_ROOT, explicit);
  const profile = debug ? "debug" : "release";
  const args = ["build", "--locked", "-p", "pds-devserver", ...(debug ? [] : ["--release"])];
  const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
  await run("cargo", args, { env });
  return path.join(REPO_ROOT, "target", profile, "pds-devserver");
}
