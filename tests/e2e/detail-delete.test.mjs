// The detail panel and the delete confirmation, against a dev server of its own
// because the delete tests remove backups.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { launchBrowser, listInPage, openDashboard, readChrome, readRows, waitForTableIdle } from "./helpers/browser.mjs";
import { startDevServer } from "./helpers/devserver.mjs";

const FIRST_PAGE = { sort: { sortBy: "CREATED_AT", sortOrder: "DESC" }, pagination: { pageNumber: 1, pageSize: 25 } };

let server;
let browser;
let page;

before(async () => {
  [server, browser] = await Promise.all([startDevServer(), launchBrowser()]);
  ({ page } = await openDashboard(browser, `${server.url}/`));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Returns the row index and backup of the first listed backup for which `predicate` holds.
async function findOnFirstPage(predicate) {
  const { backups } = await listInPage(page, FIRST_PAGE);
  const index = backups.findIndex(predicate);
  assert.ok(index >= 0, "the first page has a matching backup");
  return { index, backup: backups[index] };
}

function getInPage(uid) {
  return page.evaluate(
    (id) => window.pds.client.getBackup(id).then(
      (backup) => ({ backup }),
      (error) => ({ error: { name: error.name, code: error.code, codeName: error.codeName } }),
    ),
    uid,
  );
}

describe("detail panel", () => {
  test("shows every field the API returned", async () => {
    const { index, backup } = await findOnFirstPage((candidate) => candidate.meta.labels && candidate.meta.parentReference);
    await page.click(`#backups tbody tr:nth-child(${index + 1}) td[data-label="Name"] button`);
    await page.waitForFunction(() => document.querySelector("#detail-dialog").getAttribute("aria-busy") === "false");

    const fresh = (await getInPage(backup.meta.uid)).backup;
    const field = (name) => page.textContent(`#detail-dialog [data-field="${name}"]`);
    assert.equal(await page.textContent("#detail-title"), fresh.meta.name);
    assert.equal(await field("name"), fresh.meta.name);
    assert.equal((await field("uid")).startsWith(fresh.meta.uid), true);
    assert.equal(await field("parentUid"), fresh.meta.parentReference.uid);
    assert.equal(await field("parentType"), fresh.meta.parentReference.type);
    assert.equal(await field("imageId"), fresh.config.references.imageId);
    assert.equal(await field("backupCapability"), fresh.config.backupCapability);
    assert.deepEqual(JSON.parse(await field("raw")), fresh);

    const labels = await page.$$eval('#detail-dialog [data-field="labels"] tbody tr', (rows) =>
      Object.fromEntries(rows.map((row) => [row.cells[0].textContent, row.cells[1].textContent])),
    );
    assert.deepEqual(labels, fresh.meta.labels);
    if (fresh.meta.resourceNames) {
      const names = await page.$$eval('#detail-dialog [data-field="resourceNames"] tbody tr', (rows) =>
        Object.fromEntries(rows.map((row) => [row.cells[0].textContent, row.cells[1].textContent])),
      );
      assert.deepEqual(names, fresh.meta.resourceNames);
    }
  });

  test("keeps focus inside and closes with Escape", async () => {
    assert.equal(await page.isVisible("#detail-dialog"), true);
    for (let step = 0; step < 12; step += 1) await page.keyboard.press("Tab");
    const focusInside = await page.evaluate(() => document.querySelector("#detail-dialog").contains(document.activeElement));
    assert.equal(focusInside, true);
    await page.keyboard.press("Escape");
    assert.equal(await page.isVisible("#detail-dialog"), false);
  });
});

describe("delete", () => {
  test("cancel keeps the backup", async () => {
    const rowsBefore = await readRows(page);
    const target = rowsBefore[0];
    await page.click('#backups tbody tr:first-child td[data-label="Actions"] button');
    assert.equal(await page.isVisible("#delete-dialog"), true);
    assert.equal(await page.textContent("#delete-dialog [data-delete-name]"), target.name);
    assert.equal(await page.textContent("#delete-dialog [data-delete-uid]"), target.uid);
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Cancel");

    await page.click("#delete-dialog [data-delete-cancel]");
    assert.equal(await page.isVisible("#delete-dialog"), false);
    assert.deepEqual((await readRows(page)).map((row) => row.uid), rowsBefore.map((row) => row.uid));
    assert.equal((await getInPage(target.uid)).backup.meta.uid, target.uid);
  });

  test("confirm deletes and refills the page", async () => {
    const totalBefore = Number((await listInPage(page, FIRST_PAGE)).pagination.totalRecords);
    const target = (await readRows(page))[3];
    await page.click('#backups tbody tr:nth-child(4) td[data-label="Actions"] button');
    await page.click("#delete-dialog [data-delete-confirm]");
    await page.waitForSelector("#delete-dialog", { state: "hidden" });
    await waitForTableIdle(page);

    const rows = await readRows(page);
    assert.equal(rows.some((row) => row.uid === target.uid), false);
    assert.equal(rows.length, 25);
    const expected = await listInPage(page, FIRST_PAGE);
    assert.deepEqual(rows.map((row) => row.uid), expected.backups.map((backup) => backup.meta.uid));
    assert.equal(Number(expected.pagination.totalRecords), totalBefore - 1);
    assert.equal((await readChrome(page)).recordCount, `${(totalBefore - 1).toLocaleString("en-US")} backups`);
    assert.deepEqual((await getInPage(target.uid)).error, { name: "GrpcError", code: 5, codeName: "NOT_FOUND" });
    assert.equal(await page.textContent("#status"), `Deleted backup ${target.name} (${target.uid}).`);
  });

  test("failure shows the gRPC code and message", async () => {
    const target = (await readRows(page))[0];
    // Delete it behind the dashboard's back, so the confirmed delete finds nothing.
    await page.evaluate((uid) => window.pds.client.deleteBackup(uid), target.uid);
    const serverError = await page.evaluate(
      (uid) => window.pds.client.deleteBackup(uid).catch((error) => error.rawMessage),
      target.uid,
    );

    await page.click('#backups tbody tr:first-child td[data-label="Actions"] button');
    await page.click("#delete-dialog [data-delete-confirm]");
    await page.waitForSelector("#delete-dialog [data-delete-error]", { state: "visible" });
    assert.equal(await page.textContent("#delete-dialog [data-delete-error]"), `Delete failed: NOT_FOUND (5) ${serverError}`);
    assert.equal(await page.isVisible("#delete-dialog"), true);
    await page.click("#delete-dialog [data-delete-cancel]");
    await page.reload();
    await waitForTableIdle(page);
  });

  test("delete from the detail panel closes both", async () => {
    await page.click('#backups tbody tr:first-child td[data-label="Name"] button');
    await page.waitForFunction(() => document.querySelector("#detail-dialog").getAttribute("aria-busy") === "false");
    const uid = await page.$eval("#backups tbody tr:first-child", (row) => row.dataset.uid);
    await page.click("#detail-dialog [data-detail-delete]");
    await page.click("#delete-dialog [data-delete-confirm]");
    await page.waitForSelector("#detail-dialog", { state: "hidden" });
    await waitForTableIdle(page);
    assert.equal((await readRows(page)).some((row) => row.uid === uid), false);
    assert.equal((await getInPage(uid)).error.code, 5);
  });
});
