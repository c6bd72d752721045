// Reads what the results depend on besides the code: the machine, its load, and the
// version of every package and tool measured.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { REPO_ROOT } from "./build.mjs";

const NPM_PACKAGES = [
  "@connectrpc/connect",
  "@connectrpc/connect-web",
  "@bufbuild/protobuf",
  "@bufbuild/protoc-gen-es",
  "@bufbuild/buf",
  "@protobuf-ts/runtime",
  "@protobuf-ts/runtime-rpc",
  "@protobuf-ts/grpcweb-transport",
  "@protobuf-ts/plugin",
  "esbuild",
  "binaryen",
  "playwright-core",
];

/** Runs a command and returns its first output line, or "unavailable: <reason>". */
function firstLine(command, args) {
  try {
    const env = { ...process.env, PATH: `${os.homedir()}/.cargo/bin:${process.env.PATH}` };
    return execFileSync(command, args, { cwd: REPO_ROOT, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim().split("\n")[0];
  } catch (error) {
    return `unavailable: ${error.message.split("\n")[0]}`;
  }
}

/** Reads the CPU model, core count, memory and load from /proc and os. */
export function machine() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const field = (name) => new RegExp(`^${name}\\s*:\\s*(.*)$`, "m").exec(cpuinfo)?.[1];
  const meminfo = readFileSync("/proc/meminfo", "utf8");
  const kib = (name) => Number(new RegExp(`^${name}:\\s*(\\d+) kB$`, "m").exec(meminfo)?.[1]) * 1024;
  return {
    cpuModel: field("model name") ?? "unknown",
    cpuMHz: field("cpu MHz") ? Number(field("cpu MHz")) : null,
    logicalCpus: (cpuinfo.match(/^processor\s*:/gm) ?? []).length,
    nproc: Number(firstLine("nproc", [])),
    memTotalBytes: kib("MemTotal"),
    memAvailableBytes: kib("MemAvailable"),
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: loadAverage(),
  };
}

/** Returns the 1, 5 and 15 minute load averages, which show how busy the machine was. */
export function loadAverage() {
  return os.loadavg().map((load) => Math.round(load * 100) / 100);
}

function npmVersion(name) {
  const file = path.join(REPO_ROOT, "node_modules", name, "package.json");
  return JSON.parse(readFileSync(file, "utf8")).version;
}

function sha256(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/**
 * Returns the versions of this package (crate version, commit, and the uncommitted
 * changes that the build included), of the peers and of the tools.
 */
export function versions({ pkgDir, objectsDir, browserVersion }) {
  const cargoVersion = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(path.join(REPO_ROOT, "Cargo.toml"), "utf8"))[1];
  const buildInputs = ["src", "build", "build.rs", "Cargo.toml", "Cargo.lock", "proto"];
  const status = execFileSync("git", ["status", "--porcelain", "--", ...buildInputs], { cwd: REPO_ROOT, encoding: "utf8" });
  const changedFiles = status.split("\n").filter(Boolean).map((line) => line.slice(3));
  return {
    package: {
      name: "pds-backup-web",
      version: cargoVersion,
      commit: firstLine("git", ["rev-parse", "HEAD"]),
      uncommittedChanges: changedFiles,
      wasmSha256: sha256(path.join(pkgDir, "pds_backup_web_bg.wasm")),
      objectsWasmSha256: sha256(path.join(objectsDir, "pds_backup_web_bg.wasm")),
    },
    npm: Object.fromEntries(NPM_PACKAGES.map((name) => [name, npmVersion(name)])),
    tools: {
      chromium: browserVersion,
      node: process.version,
      rustc: firstLine("rustc", ["--version"]),
      wasmPack: firstLine("wasm-pack", ["--version"]),
      wasmBindgen: firstLine("wasm-bindgen", ["--version"]),
      wasmOpt: firstLine(path.join(REPO_ROOT, "node_modules/.bin/wasm-opt"), ["--version"]),
    },
  };
}
