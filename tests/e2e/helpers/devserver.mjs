// Starts and stops the PDS dev server for a test file. Each file runs its own server on
// a free port, so files can run in parallel and delete backups without affecting others.

import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * Starts `PDS_DEVSERVER_BIN` (default target/debug/pds-devserver) on 127.0.0.1 port 0,
 * serving www/ and `PDS_PKG_DIR` (default pkg/), with extra `flags` such as
 * ["--token", "secret"]. Resolves to `{ url, stop }` once the server prints its
 * "listening on http://127.0.0.1:PORT" line.
 */
export async function startDevServer(flags = []) {
  const binary = path.resolve(REPO_ROOT, process.env.PDS_DEVSERVER_BIN ?? "target/debug/pds-devserver");
  const pkgDir = path.resolve(REPO_ROOT, process.env.PDS_PKG_DIR ?? "pkg");
  const args = ["--addr", "127.0.0.1:0", "--www", path.join(REPO_ROOT, "www"), "--pkg", pkgDir, ...flags];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });

  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${binary} printed no "listening on" line within ${STARTUP_TIMEOUT_MS} ms. stderr:\n${stderr}`));
    }, STARTUP_TIMEOUT_MS);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${binary}: ${error.message}. Build it with cargo build -p pds-devserver.`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${binary} exited (code ${code}, signal ${signal}) before listening. stderr:\n${stderr}`));
    });
  });

  return { url, stop: () => stopProcess(child) };
}

// Stops the server by the PID this module started: SIGTERM, then SIGKILL after 5 s.
async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
