// Helpers of the package tests: child processes, the dev server and recorded browser pages.
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { promisify } from "node:util";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");

const execFileAsync = promisify(execFile);

/** Runs a command and returns its stdout; a failure names the command and shows its output. */
export async function run(command, args, options = {}) {
  try {
    const { stdout } = await execFileAsync(command, args, { maxBuffer: 64 * 1024 * 1024, ...options });
    return stdout;
  } catch (error) {
    const output = [error.stdout, error.stderr].filter(Boolean).join("\n");
    throw new Error(`${command} ${args.join(" ")} failed (exit code ${error.code}):\n${output}`);
  }
}

/**
 * Starts a server and returns the URL that its output names, matched by the first group of
 * `urlPattern`, and a function that stops it. Fails when the server exits or prints no URL
 * within `timeoutMs`.
 */
export async function startServer(command, args, { urlPattern, cwd, env, timeoutMs = 20_000 }) {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
      await once(child, "exit");
    }
  };

  const timer = setTimeout(() => child.kill(), timeoutMs);
  let output = "";
  try {
    for await (const chunk of child.stdout) {
      output += chunk;
      const match = output.match(urlPattern);
      if (match) return { url: match[1], stop };
    }
  } finally {
    clearTimeout(timer);
  }
  await stop();
  throw new Error(`${command} ${args.join(" ")} printed no URL within ${timeoutMs} ms or exited:\n${output}\n${stderr}`);
}

/**
 * Starts the dev server on a free port with `args` and returns its URL and a function that
 * stops it. The tests in tests/e2e/ start it with www/ and pkg/, which these tests do not
 * serve.
 */
export function startDevserver(args) {
  const bin = path.resolve(REPO_ROOT, process.env.PDS_DEVSERVER_BIN ?? "target/debug/pds-devserver");
  return startServer(bin, ["--addr", "127.0.0.1:0", ...args], {
    urlPattern: /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m,
  });
}

/**
 * Opens a page that records what it logs: `logs` collects the text of each `console.log`,
 * and `problems` every uncaught exception, console error and HTTP error response. The
 * browser's favicon request is ignored.
 */
export async function openRecordedPage(browser) {
  const page = await browser.newPage();
  const logs = [];
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "log") logs.push(message.text());
    // Failed requests are recorded by URL below.
    else if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(message.text());
    }
  });
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico")) {
      problems.push(`${response.status()} ${response.url()}`);
    }
  });
  return { page, logs, problems };
}

/** Waits until `logs` has at least `count` lines, or fails after `timeoutMs`. */
export async function waitForLogs(logs, problems, count, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (logs.length < count && problems.length === 0) {
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} log lines within ${timeoutMs} ms, got ${JSON.stringify(logs)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
