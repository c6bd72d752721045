// Listing, filters, sorting, paging, the URL and the summary, checked against the
// dev server's responses to calls made through `window.pds.client` in the page.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { allInPage, launchBrowser, listInPage, openDashboard, readChrome, readRows, waitForSummary, waitForTableIdle } from "./helpers/browser.mjs";
import { startDevServer } from "./helpers/devserver.mjs";

const DEFAULT_SORT = { sortBy: "CREATED_AT", sortOrder: "DESC" };

let server;
let browser;
let dashboard;
let page;

before(async () => {
  [server, browser] = await Promise.all([startDevServer(["--records", "2345"]), launchBrowser()]);
  dashboard = await openDashboard(browser, `${server.url}/`);
  page = dashboard.page;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Loads a URL in the shared page and waits for the table.
async function visit(query) {
  await page.goto(`${server.url}/${query}`);
  await waitForTableIdle(page);
}

function uids(response) {
  return (response.backups ?? []).map((backup) => backup.meta.uid);
}

describe("first load", () => {
  test("shows the newest 25 backups", async () => {
    const expected = await listInPage(page, { sort: DEFAULT_SORT, pagination: { pageNumber: 1, pageSize: 25 } });
    const rows = await readRows(page);
    assert.equal(rows.length, 25);
    assert.deepEqual(rows.map((row) => row.uid), uids(expected));
    assert.deepEqual(rows.map((row) => row.name), expected.backups.map((backup) => backup.meta.name));
  });

  test("shows page count and total records", async () => {
    const expected = await listInPage(page, { pagination: { pageNumber: 1, pageSize: 25 } });
    const total = Number(expected.pagination.totalRecords);
    const chrome = await readChrome(page);
    assert.equal(chrome.pageLabel, `Page 1 of ${Math.ceil(total / 25).toLocaleString("en-US")}`);
    assert.equal(chrome.recordCount, `${total.toLocaleString("en-US")} backups`);
  });

  // The newest backups are queued and have no size yet, so this reads the oldest ones.
  test("formats cells from the server values", async () => {
    await visit("?order=asc");
    const expected = await listInPage(page, { sort: { sortBy: "CREATED_AT", sortOrder: "ASC" }, pagination: { pageNumber: 1, pageSize: 25 } });
    const rows = await readRows(page);
    const sized = expected.backups.findIndex((backup) => backup.status?.fileSize);
    assert.ok(sized >= 0, "the first page has a backup with a size");
    const backup = expected.backups[sized];
    const bytes = BigInt(backup.status.fileSize);
    assert.equal(rows[sized].sizeTitle, `${bytes.toLocaleString("en-US")} ${bytes === 1n ? "byte" : "bytes"}`);
    assert.equal(rows[sized].uidTitle, backup.meta.uid);
    // The context runs in UTC, so local time and the UTC title show the same clock time.
    assert.equal(rows[sized].created, backup.meta.createTime.slice(0, 16).replace("T", " "));
    // proto3 JSON writes 0, 3, 6 or 9 fraction digits, and the title shows milliseconds.
    const exactUtc = backup.meta.createTime.replace("T", " ").replace(/(\.\d{3})?\d*Z$/, "$1");
    assert.equal(rows[sized].createdTitle, `${exactUtc} UTC`);
    assert.equal(rows[sized].capability, backup.config.backupCapability.replace(/^pds_backup_capability_/, ""));
  });

  test("shows error code and message of failed backups", async () => {
    const failed = (await allInPage(page, { sort: DEFAULT_SORT })).find((backup) => backup.status?.phase === "FAILED");
    assert.ok(failed, "the dev server seeds failed backups");
    const listed = await listInPage(page, { sort: DEFAULT_SORT, pagination: { pageNumber: 1, pageSize: 1000 } });
    const index = uids(listed).indexOf(failed.meta.uid);
    assert.ok(index >= 0, "a failed backup is among the newest 1000");
    await visit(`?size=10&page=${Math.floor(index / 10) + 1}`);
    const row = (await readRows(page)).find((candidate) => candidate.uid === failed.meta.uid);
    assert.equal(row.phase, "Failed");
    assert.equal(row.error, [failed.status.errorCode, failed.status.errorMessage].filter(Boolean).join(": "));
  });

  test("exposes the package as window.pds", async () => {
    const exposed = await page.evaluate(() => ({
      hasClient: typeof window.pds.client?.getBackup === "function",
      isConstructor: typeof window.pds.BackupClient === "function",
      notFound: window.pds.Code.NOT_FOUND,
      moduleClient: window.pds.module.BackupClient === window.pds.BackupClient,
    }));
    assert.deepEqual(exposed, { hasClient: true, isConstructor: true, notFound: 5, moduleClient: true });
  });

  test("loads without errors or CSP violations", () => {
    assert.deepEqual(dashboard.problems, []);
  });
});

describe("filters", () => {
  const kinds = [
    ["deployment", "deploymentId"],
    ["target-cluster", "targetClusterId"],
    ["namespace", "namespaceId"],
    ["backup-config", "backupConfigId"],
  ];

  for (const [kind, field] of kinds) {
    test(`filters by ${kind} from the picker`, async () => {
      await visit("");
      await page.selectOption("#filter-kind", kind);
      const option = await page.$eval("#filter-select", (select) => ({ id: select.options[1].value, text: select.options[1].textContent }));
      await page.selectOption("#filter-select", option.id);
      await waitForTableIdle(page);

      const expected = await listInPage(page, { [field]: option.id, sort: DEFAULT_SORT, pagination: { pageNumber: 1, pageSize: 25 } });
      const unfiltered = await listInPage(page, { pagination: { pageNumber: 1, pageSize: 1 } });
      assert.ok(Number(expected.pagination.totalRecords) > 0, "the filter matches backups");
      assert.ok(Number(expected.pagination.totalRecords) < Number(unfiltered.pagination.totalRecords), "the filter narrows the list");
      assert.deepEqual((await readRows(page)).map((row) => row.uid), uids(expected));

      const chrome = await readChrome(page);
      assert.equal(chrome.search, `?by=${kind}&id=${encodeURIComponent(option.id)}`);
      assert.equal(chrome.recordCount, `${Number(expected.pagination.totalRecords).toLocaleString("en-US")} backups`);
      assert.match(await page.textContent("#results-scope"), new RegExp(option.text.replace(/[()]/g, "\\$&")));
    });
  }

  test("falls back to an ID input without a catalog", async () => {
    await visit("");
    const namespaceId = await page.evaluate(async () => (await (await fetch("/devserver/catalog.json")).json()).namespaces[0].id);
    await page.route("**/devserver/catalog.json", (route) => route.fulfill({ status: 404, body: "not found" }));
    try {
      await visit("");
      await page.selectOption("#filter-kind", "namespace");
      assert.equal(await page.isVisible("#filter-select"), false);
      await page.fill("#filter-input", namespaceId);
      await page.press("#filter-input", "Enter");
      await waitForTableIdle(page);
      const expected = await listInPage(page, { namespaceId, sort: DEFAULT_SORT, pagination: { pageNumber: 1, pageSize: 25 } });
      assert.deepEqual((await readRows(page)).map((row) => row.uid), uids(expected));
    } finally {
      await page.unroute("**/devserver/catalog.json");
    }
  });
});

describe("sorting", () => {
  for (const order of ["asc", "desc"]) {
    test(`sorts by name ${order}`, async () => {
      await visit("");
      await page.selectOption("#sort", "name");
      await waitForTableIdle(page);
      await page.selectOption("#order", order);
      await waitForTableIdle(page);
      const expected = await listInPage(page, {
        sort: { sortBy: "NAME", sortOrder: order.toUpperCase() },
        pagination: { pageNumber: 1, pageSize: 25 },
      });
      const rows = await readRows(page);
      assert.deepEqual(rows.map((row) => row.uid), uids(expected));
      assert.deepEqual(rows.map((row) => row.name), expected.backups.map((backup) => backup.meta.name));
    });
  }

  test("name orders differ", async () => {
    await visit("?sort=name&order=asc");
    const ascending = (await readRows(page)).map((row) => row.name);
    await visit("?sort=name&order=desc");
    const descending = (await readRows(page)).map((row) => row.name);
    assert.notDeepEqual(ascending, descending);
    assert.ok(ascending[0] <= descending[0], `${ascending[0]} sorts before ${descending[0]}`);
  });

  test("sorts by phase ascending", async () => {
    await visit("?sort=phase&order=asc&size=50");
    const expected = await listInPage(page, { sort: { sortBy: "PHASE", sortOrder: "ASC" }, pagination: { pageNumber: 1, pageSize: 50 } });
    assert.deepEqual((await readRows(page)).map((row) => row.uid), uids(expected));
  });
});

describe("paging", () => {
  test("goes to the last page and back", async () => {
    await visit("?size=100");
    const first = await listInPage(page, { sort: DEFAULT_SORT, pagination: { pageNumber: 1, pageSize: 100 } });
    const totalPages = Number(first.pagination.totalPages);
    assert.ok(totalPages > 2, "the seed spans more than two pages of 100");

    await page.click("#page-last");
    await waitForTableIdle(page);
    const last = await listInPage(page, { sort: DEFAULT_SORT, pagination: { pageNumber: totalPages, pageSize: 100 } });
    assert.deepEqual((await readRows(page)).map((row) => row.uid), uids(last));
    assert.equal((await readChrome(page)).pageLabel, `Page ${totalPages} of ${totalPages}`);
    assert.equal(await page.isDisabled("#page-next"), true);
    assert.equal(await page.isDisabled("#page-last"), true);

    await page.click("#page-previous");
    await waitForTableIdle(page);
    const previous = await listInPage(page, { sort: DEFAULT_SORT, pagination: { pageNumber: totalPages - 1, pageSize: 100 } });
    assert.deepEqual((await readRows(page)).map((row) => row.uid), uids(previous));
    assert.equal((await readChrome(page)).search, `?page=${totalPages - 1}&size=100`);

    await page.click("#page-first");
    await waitForTableIdle(page);
    assert.deepEqual((await readRows(page)).map((row) => row.uid), uids(first));
    assert.equal(await page.isDisabled("#page-previous"), true);
  });

  test("browser back returns to the previous page", async () => {
    await visit("?size=10");
    await page.click("#page-next");
    await waitForTableIdle(page);
    assert.equal((await readChrome(page)).pageLabel.startsWith("Page 2 of"), true);
    await page.goBack();
    await waitForTableIdle(page);
    assert.equal((await readChrome(page)).pageLabel.startsWith("Page 1 of"), true);
  });

  // 2345 records make a short last page of 45 rows.
  test("keeps the table height on the last page", async () => {
    await visit("?size=100");
    const fullHeight = await page.$eval("#table-region", (region) => region.getBoundingClientRect().height);
    await page.click("#page-last");
    await waitForTableIdle(page);
    const lastHeight = await page.$eval("#table-region", (region) => region.getBoundingClientRect().height);
    assert.equal(lastHeight, fullHeight);
  });

  test("max page size lists the server maximum", async () => {
    await visit("");
    await page.selectOption("#page-size", "max");
    await waitForTableIdle(page);
    assert.equal((await readRows(page)).length, 1000);
    assert.equal((await readChrome(page)).search, "?size=max");
  });
});

describe("URL state", () => {
  test("reload restores filter, sort, page and size", async () => {
    await visit("");
    await page.selectOption("#filter-kind", "target-cluster");
    const clusterId = await page.$eval("#filter-select", (select) => select.options[1].value);
    await page.selectOption("#filter-select", clusterId);
    await waitForTableIdle(page);
    await page.selectOption("#sort", "updated");
    await waitForTableIdle(page);
    await page.selectOption("#order", "asc");
    await waitForTableIdle(page);
    await page.selectOption("#page-size", "10");
    await waitForTableIdle(page);
    await page.click("#page-next");
    await waitForTableIdle(page);

    const search = (await readChrome(page)).search;
    assert.equal(search, `?by=target-cluster&id=${encodeURIComponent(clusterId)}&sort=updated&order=asc&page=2&size=10`);
    const before = (await readRows(page)).map((row) => row.uid);

    await page.reload();
    await waitForTableIdle(page);
    const controls = await page.evaluate(() =>
      ["#filter-kind", "#filter-select", "#sort", "#order", "#page-size"].map((selector) => document.querySelector(selector).value),
    );
    assert.deepEqual(controls, ["target-cluster", clusterId, "updated", "asc", "10"]);
    assert.deepEqual((await readRows(page)).map((row) => row.uid), before);

    const expected = await listInPage(page, {
      targetClusterId: clusterId,
      sort: { sortBy: "UPDATED_AT", sortOrder: "ASC" },
      pagination: { pageNumber: 2, pageSize: 10 },
    });
    assert.deepEqual(before, uids(expected));
  });

  test("a page past the end shows the last page", async () => {
    await visit("?size=100&page=9999");
    const expected = await listInPage(page, { pagination: { pageNumber: 1, pageSize: 100 } });
    const totalPages = Number(expected.pagination.totalPages);
    const chrome = await readChrome(page);
    assert.equal(chrome.pageLabel, `Page ${totalPages} of ${totalPages}`);
    assert.equal(chrome.search, `?page=${totalPages}&size=100`);
  });
});

describe("summary", () => {
  test("counts phases and sums sizes for the filter", async () => {
    await visit("");
    await page.selectOption("#filter-kind", "deployment");
    const deploymentId = await page.$eval("#filter-select", (select) => select.options[1].value);
    await page.selectOption("#filter-select", deploymentId);
    await waitForTableIdle(page);
    await waitForSummary(page);

    const backups = await allInPage(page, { deploymentId });
    const count = (phase) => backups.filter((backup) => (backup.status?.phase ?? "PHASE_UNSPECIFIED") === phase).length;
    const totalBytes = backups.reduce((sum, backup) => sum + BigInt(backup.status?.fileSize ?? "0"), 0n);

    const stats = await page.$$eval("[data-stat]", (outputs) =>
      Object.fromEntries(outputs.map((output) => [output.dataset.stat, { text: output.textContent, title: output.title }])),
    );
    assert.equal(stats.total.text, backups.length.toLocaleString("en-US"));
    assert.equal(stats.COMPLETED.text, count("COMPLETED").toLocaleString("en-US"));
    assert.equal(stats.FAILED.text, count("FAILED").toLocaleString("en-US"));
    assert.equal(stats.QUEUED.text, count("QUEUED").toLocaleString("en-US"));
    assert.equal(stats.size.title, `${totalBytes.toLocaleString("en-US")} bytes`);
  });

  test("draws one dot per backup", async () => {
    const dots = await page.$$eval("[data-summary-chart] path.dots", (paths) =>
      paths.reduce((sum, path) => sum + (path.getAttribute("d").match(/M/g) ?? []).length, 0),
    );
    const total = Number((await page.textContent('[data-stat="total"]')).replaceAll(",", ""));
    assert.equal(dots, total);
  });
});
