// Layout at a phone width (375 px) and a laptop width (1280 px): the page body never
// scrolls sideways, and the controls stay reachable.

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { launchBrowser, openDashboard, readRows, waitForSummary } from "./helpers/browser.mjs";
import { startDevServer } from "./helpers/devserver.mjs";

let server;
let browser;

before(async () => {
  [server, browser] = await Promise.all([startDevServer(["--seed-markup"]), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function horizontalOverflow(page) {
  return page.evaluate(() => ({
    documentWidth: document.documentElement.scrollWidth,
    bodyWidth: document.body.scrollWidth,
    viewportWidth: document.documentElement.clientWidth,
  }));
}

for (const width of [375, 1280]) {
  describe(`${width} px wide`, () => {
    test("page body does not scroll sideways", async () => {
      const { page, context } = await openDashboard(browser, `${server.url}/?sort=name&order=asc`, {
        viewport: { width, height: 800 },
      });
      await waitForSummary(page);
      const sizes = await horizontalOverflow(page);
      assert.equal(sizes.documentWidth, sizes.viewportWidth);
      assert.equal(sizes.bodyWidth, sizes.viewportWidth);
      assert.equal((await readRows(page)).length, 25);
      await context.close();
    });

    test("detail panel fits the screen", async () => {
      const { page, context } = await openDashboard(browser, `${server.url}/`, { viewport: { width, height: 800 } });
      await page.click('#backups tbody tr:first-child td[data-label="Name"] button');
      await page.waitForFunction(() => document.querySelector("#detail-dialog").getAttribute("aria-busy") === "false");
      const box = await page.$eval("#detail-dialog", (dialog) => {
        const rect = dialog.getBoundingClientRect();
        return { left: rect.left, right: rect.right, scrollWidth: dialog.scrollWidth, clientWidth: dialog.clientWidth };
      });
      assert.ok(box.left >= 0, `dialog starts at ${box.left}`);
      assert.ok(box.right <= width, `dialog ends at ${box.right}`);
      assert.equal(box.scrollWidth, box.clientWidth);
      await context.close();
    });
  });
}

describe("keyboard", () => {
  test("arrow keys move between rows", async () => {
    const { page, context } = await openDashboard(browser, `${server.url}/`);
    await page.focus('#backups tbody tr:first-child td[data-label="Name"] button');
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.closest("tr").rowIndex);
    assert.equal(focused, 3); // rowIndex counts the header row
    await context.close();
  });
});
