// Starts the servers that the interop tests talk to, each on 127.0.0.1 port 0, and stops
// them by the PID this module started.

import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const INTEROP_DIR = path.join(REPO_ROOT, "target/interop");

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const LISTENING_LINE = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/;

/** Path of the dev server binary: `PDS_DEVSERVER_BIN`, default target/debug/pds-devserver. */
export function devserverBinary() {
  return path.resolve(REPO_ROOT, process.env.PDS_DEVSERVER_BIN ?? "target/debug/pds-devserver");
}

/**
 * Starts the Rust dev server with `flags`, such as ["--token", "t"]. Resolves to
 * `{ url, stop }` once it prints its "listening on" line.
 */
export function startDevserver(flags = []) {
  return startServer(devserverBinary(), ["--addr", "127.0.0.1:0", ...flags]);
}

/**
 * Starts tests/interop/connect-server.mjs with `flags`, such as ["--token", "t"]. Resolves
 * to `{ url, stop }` once it prints its "listening on" line.
 */
export function startConnectServer(flags = []) {
  const script = path.join(REPO_ROOT, "tests/interop/connect-server.mjs");
  return startServer(process.execPath, [script, "--addr", "127.0.0.1:0", ...flags]);
}

/** Runs `command` to completion and rejects with its stderr if it exits non-zero. */
export function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.once("error", (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} failed (code ${code}, signal ${signal}):\n${stderr}`));
    });
  });
}

async function startServer(command, args) {
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${command} printed no "listening on" line within ${STARTUP_TIMEOUT_MS} ms. stderr:\n${stderr}`));
    }, STARTUP_TIMEOUT_MS);
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      const match = LISTENING_LINE.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${command}: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (code ${code}, signal ${signal}) before listening. stderr:\n${stderr}`));
    });
  });

  return { url, stop: () => stopProcess(child) };
}

// SIGTERM, then SIGKILL if the process has not exited after STOP_TIMEOUT_MS.
async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
