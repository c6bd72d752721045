// Loads the release build (pkg/, built by scripts/build-package.sh) in headless Chromium
// and makes a call: the optimizer step can produce a module that fails only when a
// browser loads it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chromium } from "playwright-core";

const devserverBin = process.env.PDS_DEVSERVER_BIN ?? "target/debug/pds-devserver";
const pkgDir = process.env.PDS_PKG_DIR ?? "pkg";

async function startDevserver(args) {
  const child = spawn(devserverBin, ["--addr", "127.0.0.1:0", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  for await (const chunk of child.stdout) {
    output += chunk;
    const match = output.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
    if (match) return { child, url: match[1] };
  }
  throw new Error(`the dev server exited before it listened: ${output}`);
}

test("release build loads and lists backups", async (t) => {
  const { child, url } = await startDevserver(["--www", "tests/smoke", "--pkg", pkgDir, "--records", "30"]);
  t.after(async () => {
    child.kill();
    await once(child, "exit");
  });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  t.after(() => browser.close());

  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    // Resource errors are checked by URL below, so the browser's favicon probe is ignored.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(message.text());
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().endsWith("/favicon.ico")) problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`${url}/`);
  const result = page.locator("#result");
  await result.filter({ hasNotText: "pending" }).waitFor({ timeout: 20_000 });

  assert.deepEqual(JSON.parse(await result.textContent()), { backups: 3, totalRecords: "30" });
  assert.deepEqual(problems, []);
});
