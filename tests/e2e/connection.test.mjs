// Connection settings and their error messages: an unreachable endpoint, a rejected
// token, and where the token is (and is not) stored.

import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, test } from "node:test";

import { launchBrowser, openDashboard, readChrome, readRows, waitForTableIdle } from "./helpers/browser.mjs";
import { startDevServer } from "./helpers/devserver.mjs";

const TOKEN = "e2e-secret-token";

let openServer;
let tokenServer;
let corsServer;
let browser;

before(async () => {
  [openServer, tokenServer, browser] = await Promise.all([
    startDevServer(),
    startDevServer(["--token", TOKEN]),
    launchBrowser(),
  ]);
  // A second origin that allows pages from openServer, as a real endpoint would.
  corsServer = await startDevServer(["--allow-origin", openServer.url]);
});

after(async () => {
  await browser?.close();
  await Promise.all([openServer?.stop(), tokenServer?.stop(), corsServer?.stop()]);
});

// Returns a loopback port with nothing listening: bind port 0, then close it.
async function closedPort() {
  const probe = net.createServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function connect(page, { endpoint, token, remember = false }) {
  if (!(await page.isVisible("#endpoint"))) await page.click("#connection-panel > summary");
  if (endpoint !== undefined) await page.fill("#endpoint", endpoint);
  if (token !== undefined) await page.fill("#token", token);
  await page.setChecked("#remember", remember);
  await page.click("#connection-form button[type=submit]");
  await waitForTableIdle(page);
}

describe("unreachable endpoint", () => {
  test("explains UNAVAILABLE", async () => {
    const { page, context } = await openDashboard(browser, `${openServer.url}/`);
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await connect(page, { endpoint });

    assert.equal(await page.textContent("#error [data-error-title]"), `Cannot reach the endpoint ${endpoint}.`);
    assert.equal(await page.textContent("#error [data-error-code]"), "UNAVAILABLE (14)");
    assert.equal((await readRows(page)).length, 0);
    assert.equal(await page.getAttribute("#connection-state", "data-state"), "error");
    await context.close();
  });
});

describe("cross-origin endpoint", () => {
  test("lists backups when CORS allows the page", async () => {
    const { page, context } = await openDashboard(browser, `${openServer.url}/`);
    await connect(page, { endpoint: corsServer.url });
    assert.equal((await readChrome(page)).error, "");
    const rows = await readRows(page);
    assert.equal(rows.length, 25);
    const expected = await page.evaluate(() =>
      window.pds.client.listBackups({ sort: { sortBy: "CREATED_AT", sortOrder: "DESC" }, pagination: { pageNumber: 1, pageSize: 25 } }),
    );
    assert.equal(await page.evaluate(() => window.pds.client.baseUrl), corsServer.url);
    assert.deepEqual(rows.map((row) => row.uid), expected.backups.map((backup) => backup.meta.uid));
    await context.close();
  });

  test("explains UNAVAILABLE when CORS blocks the page", async () => {
    // tokenServer sends no CORS headers, so the browser blocks calls from openServer's pages.
    const { page, context } = await openDashboard(browser, `${openServer.url}/`);
    await connect(page, { endpoint: tokenServer.url });
    assert.equal(await page.textContent("#error [data-error-code]"), "UNAVAILABLE (14)");
    assert.match(await page.textContent("#error [data-error-hint]"), /CORS/);
    await context.close();
  });

  test("explains a grpc-status hidden by CORS", async () => {
    const { page, context } = await openDashboard(browser, `${openServer.url}/`);
    // A 200 grpc-web response whose status headers the browser did not expose, and no trailer frame.
    await page.route("**/public.portworx.pds.backup.v1.BackupService/ListBackups", (route) =>
      route.fulfill({ status: 200, headers: { "content-type": "application/grpc-web+proto" }, body: "" }),
    );
    await page.reload();
    await waitForTableIdle(page);
    assert.equal(await page.textContent("#error [data-error-title]"), "The endpoint answered, but the browser could not read the gRPC status.");
    assert.equal(await page.textContent("#error [data-error-code]"), "UNKNOWN (2)");
    assert.match(await page.textContent("#error [data-error-hint]"), /Access-Control-Expose-Headers: grpc-status, grpc-message/);
    await context.close();
  });
});

describe("bearer token", () => {
  test("missing token is rejected", async () => {
    const { page, context } = await openDashboard(browser, `${tokenServer.url}/`);
    assert.equal(await page.textContent("#error [data-error-title]"), "The endpoint requires a valid bearer token.");
    assert.equal(await page.textContent("#error [data-error-code]"), "UNAUTHENTICATED (16)");
    assert.equal(await page.isVisible("#token"), true, "the connection form opens");
    await context.close();
  });

  test("wrong token is rejected", async () => {
    const { page, context } = await openDashboard(browser, `${tokenServer.url}/`);
    await connect(page, { token: "not-the-token" });
    assert.equal(await page.textContent("#error [data-error-code]"), "UNAUTHENTICATED (16)");
    assert.equal((await readRows(page)).length, 0);
    await context.close();
  });

  test("right token lists backups and stays in memory", async () => {
    const { page, context } = await openDashboard(browser, `${tokenServer.url}/`);
    await connect(page, { token: TOKEN });
    assert.equal((await readChrome(page)).error, "");
    assert.equal((await readRows(page)).length, 25);

    const stored = await page.evaluate(() => ({
      session: JSON.stringify(sessionStorage),
      local: JSON.stringify(localStorage),
      url: location.href,
    }));
    assert.equal(stored.session.includes(TOKEN), false);
    assert.equal(stored.local.includes(TOKEN), false);
    assert.equal(stored.url.includes(TOKEN), false);

    // Without "remember", the token is gone after a reload.
    await page.reload();
    await waitForTableIdle(page);
    assert.equal(await page.textContent("#error [data-error-code]"), "UNAUTHENTICATED (16)");
    await context.close();
  });

  test("remember keeps the token in sessionStorage only", async () => {
    const { page, context, problems } = await openDashboard(browser, `${tokenServer.url}/`);
    await connect(page, { token: TOKEN, remember: true });
    await page.reload();
    await waitForTableIdle(page);
    assert.equal((await readChrome(page)).error, "");
    assert.equal((await readRows(page)).length, 25);

    const stored = await page.evaluate(() => ({ session: JSON.stringify(sessionStorage), local: JSON.stringify(localStorage) }));
    assert.equal(stored.session.includes(TOKEN), true);
    assert.equal(stored.local.includes(TOKEN), false);
    assert.equal(problems.some((problem) => problem.includes(TOKEN)), false, "the token is never logged");
    await context.close();
  });
});
