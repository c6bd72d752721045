// Backups whose name, labels and error message contain HTML and script markup
// (the dev server's --seed-markup) must show as text and run nothing.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { allInPage, launchBrowser, openDashboard, readRows, waitForTableIdle } from "./helpers/browser.mjs";
import { startDevServer } from "./helpers/devserver.mjs";

const NAME_ASC = { sortBy: "NAME", sortOrder: "ASC" };
const PAGE_SIZE = 100;

let server;
let browser;
let dashboard;
let markupBackups;

before(async () => {
  [server, browser] = await Promise.all([startDevServer(["--seed-markup"]), launchBrowser()]);
  dashboard = await openDashboard(browser, `${server.url}/`);
  const all = await allInPage(dashboard.page, { sort: NAME_ASC });
  markupBackups = all
    .map((backup, index) => ({ backup, index }))
    .filter(({ backup }) => /[<>]/.test(backup.meta.name) || /[<>]/.test(backup.status?.errorMessage ?? ""));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Counts elements that only injected markup could have created, and attributes that run script.
function countInjected(page) {
  return page.evaluate(() => {
    const suspicious = document.querySelectorAll(
      "main script, main img, main iframe, main object, main embed, main svg:not(.chart, .icon-svg), main style, main a, dialog script, dialog img, dialog iframe",
    ).length;
    const handlers = [...document.querySelectorAll("*")].filter((element) =>
      [...element.attributes].some((attribute) => attribute.name.startsWith("on")),
    ).length;
    return { suspicious, handlers, flagged: Object.keys(window).filter((key) => /^(xss|pwned|__xss)/i.test(key)) };
  });
}

describe("server markup", () => {
  test("seed contains markup backups", () => {
    assert.ok(markupBackups.length > 0, "--seed-markup adds backups with markup");
  });

  test("names and errors render as exact text", async () => {
    const { page } = dashboard;
    for (const { backup, index } of markupBackups) {
      await page.goto(`${server.url}/?sort=name&order=asc&size=${PAGE_SIZE}&page=${Math.floor(index / PAGE_SIZE) + 1}`);
      await waitForTableIdle(page);
      const row = (await readRows(page)).find((candidate) => candidate.uid === backup.meta.uid);
      assert.ok(row, `row for ${backup.meta.uid} is on its page`);
      assert.equal(row.name, backup.meta.name);
      const error = [backup.status?.errorCode, backup.status?.errorMessage].filter(Boolean).join(": ");
      assert.equal(row.error, error);
    }
    assert.deepEqual(await countInjected(page), { suspicious: 0, handlers: 0, flagged: [] });
  });

  test("detail panel shows labels as text", async () => {
    const { page } = dashboard;
    const { backup, index } = markupBackups[0];
    await page.goto(`${server.url}/?sort=name&order=asc&size=${PAGE_SIZE}&page=${Math.floor(index / PAGE_SIZE) + 1}`);
    await waitForTableIdle(page);
    await page.click(`#backups tbody tr[data-uid="${backup.meta.uid}"] td[data-label="Name"] button`);
    await page.waitForFunction(() => document.querySelector("#detail-dialog").getAttribute("aria-busy") === "false");

    assert.equal(await page.textContent("#detail-title"), backup.meta.name);
    const labels = await page.$$eval('#detail-dialog [data-field="labels"] tbody tr', (rows) =>
      Object.fromEntries(rows.map((row) => [row.cells[0].textContent, row.cells[1].textContent])),
    );
    assert.deepEqual(labels, backup.meta.labels ?? {});
    assert.deepEqual(await countInjected(page), { suspicious: 0, handlers: 0, flagged: [] });
    await page.keyboard.press("Escape");
  });

  test("no script ran", () => {
    assert.deepEqual(dashboard.problems, []);
  });
});
