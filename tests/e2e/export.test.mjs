// CSV and JSON export of the current filter through the pager, read back from the
// browser's download. The server adds latency so the Cancel button has time to act.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";

import { allInPage, launchBrowser, openDashboard, waitForTableIdle } from "./helpers/browser.mjs";
import { parseCsv } from "./helpers/csv-parse.mjs";
import { startDevServer } from "./helpers/devserver.mjs";

const DEFAULT_SORT = { sortBy: "CREATED_AT", sortOrder: "DESC" };

let server;
let browser;
let page;
let namespaceId;

before(async () => {
  [server, browser] = await Promise.all([startDevServer(["--latency-ms", "150"]), launchBrowser()]);
  ({ page } = await openDashboard(browser, `${server.url}/`));
  namespaceId = await page.evaluate(async () => (await (await fetch("/devserver/catalog.json")).json()).namespaces[0].id);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function exportAndRead(buttonSelector) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(buttonSelector)]);
  const text = await readFile(await download.path(), "utf8");
  return { fileName: download.suggestedFilename(), text };
}

describe("export", () => {
  test("CSV holds every backup of the filter", async () => {
    await page.goto(`${server.url}/?by=namespace&id=${encodeURIComponent(namespaceId)}`);
    await waitForTableIdle(page);
    const expected = await allInPage(page, { namespaceId, sort: DEFAULT_SORT });
    const { fileName, text } = await exportAndRead("#export-csv");

    assert.match(fileName, /^pds-backups-namespace-[A-Za-z0-9._-]+-\d{8}-\d{6}\.csv$/);
    const [header, ...records] = parseCsv(text);
    const column = (name) => records.map((record) => record[header.indexOf(name)]);
    assert.equal(records.length, expected.length);
    assert.deepEqual(column("uid"), expected.map((backup) => backup.meta.uid));
    assert.deepEqual(column("name"), expected.map((backup) => backup.meta.name));
    assert.deepEqual(column("file_size_bytes"), expected.map((backup) => backup.status?.fileSize ?? "0"));
    assert.deepEqual(column("phase"), expected.map((backup) => backup.status?.phase ?? "PHASE_UNSPECIFIED"));
    assert.deepEqual(column("error_message"), expected.map((backup) => backup.status?.errorMessage ?? ""));
    assert.equal(await page.textContent("#export-text"), `Exported ${expected.length.toLocaleString("en-US")} backups to ${fileName}.`);
  });

  test("JSON holds the API objects unchanged", async () => {
    await page.goto(`${server.url}/?sort=name&order=asc`);
    await waitForTableIdle(page);
    const expected = await allInPage(page, { sort: { sortBy: "NAME", sortOrder: "ASC" } });
    const { fileName, text } = await exportAndRead("#export-json");
    assert.match(fileName, /^pds-backups-\d{8}-\d{6}\.json$/);
    assert.deepEqual(JSON.parse(text), expected);
  });

  test("cancel stops the export", async () => {
    await page.goto(`${server.url}/?size=10`);
    await waitForTableIdle(page);
    let downloaded = false;
    page.on("download", () => {
      downloaded = true;
    });
    await page.click("#export-csv");
    await page.waitForSelector("#export-cancel", { state: "visible" });
    await page.click("#export-cancel");
    await page.waitForFunction(() => document.querySelector("#export-text").textContent === "Export canceled.");
    assert.equal(await page.isDisabled("#export-csv"), false);
    assert.equal(await page.isVisible("#export-cancel"), false);
    await page.waitForTimeout(500);
    assert.equal(downloaded, false);
  });
});
