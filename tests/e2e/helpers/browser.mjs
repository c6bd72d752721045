// Headless Chromium for the dashboard tests, plus helpers that read the page.
// Debian's /usr/bin/chromium is used because playwright's own browser download is not
// available on the machines these tests run on.

import { chromium } from "playwright-core";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches headless Chromium from `CHROMIUM_BIN` (default /usr/bin/chromium). */
export function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/**
 * Opens the dashboard at `url` in a new context and waits for the first table load.
 * Returns `{ page, context, problems }`. `problems` collects page errors, console
 * errors (CSP violations among them) and any alert/confirm/prompt dialogs, which the
 * dashboard never opens.
 */
export async function openDashboard(browser, url, { viewport = { width: 1280, height: 900 }, waitForTable = true } = {}) {
  const context = await browser.newContext({ viewport, timezoneId: "UTC", locale: "en-US", acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("dialog", async (dialog) => {
    problems.push(`${dialog.type()} dialog: ${dialog.message()}`);
    await dialog.dismiss();
  });

  await page.goto(url);
  if (waitForTable) await waitForTableIdle(page);
  return { page, context, problems };
}

/** Waits until the table region is no longer busy (aria-busy="false"). */
export async function waitForTableIdle(page) {
  await page.waitForFunction(() => document.querySelector("#table-region")?.getAttribute("aria-busy") === "false");
}

/** Waits until the summary has loaded figures for the current filter. */
export async function waitForSummary(page) {
  await page.waitForFunction(() => {
    const panel = document.querySelector("#summary");
    return panel.getAttribute("aria-busy") === "false" && panel.querySelector('[data-stat="total"]').textContent !== "—";
  });
}

/** Reads the table rows: uid, and the text of each visible column. */
export function readRows(page) {
  return page.$$eval("#backups tbody tr", (rows) =>
    rows.map((row) => {
      const text = (label) => row.querySelector(`td[data-label="${label}"]`).textContent;
      return {
        uid: row.dataset.uid,
        name: text("Name"),
        uidTitle: row.querySelector('td[data-label="UID"] code').title,
        phase: text("Phase"),
        created: text("Created"),
        createdTitle: row.querySelector('td[data-label="Created"] time')?.title ?? "",
        size: text("Size"),
        sizeTitle: row.querySelector('td[data-label="Size"] span').title,
        duration: text("Duration"),
        capability: text("Capability"),
        error: text("Error"),
      };
    }),
  );
}

/** Calls `pds.client.listBackups(request)` in the page and returns the response. */
export function listInPage(page, request) {
  return page.evaluate((listRequest) => window.pds.client.listBackups(listRequest), request);
}

/** Calls the pager's all() in the page and returns every backup for `request`. */
export function allInPage(page, request, pageSize = 1000) {
  return page.evaluate(
    ({ listRequest, size }) => window.pds.client.pager(listRequest, { pageSize: size }).all(),
    { listRequest: request, size: pageSize },
  );
}

/** Returns the text of the page label, the record count and the visible error, trimmed. */
export function readChrome(page) {
  return page.evaluate(() => ({
    pageLabel: document.querySelector("#page-label").textContent,
    recordCount: document.querySelector("#record-count").textContent,
    error: document.querySelector("#error").hidden ? "" : document.querySelector("#error").textContent.replace(/\s+/g, " ").trim(),
    search: location.search,
  }));
}
