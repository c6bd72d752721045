// Takes docs/dashboard.png: the dashboard at 1280 px against a fresh dev server.
// Not part of the test suite. Run: node tests/e2e/screenshot.mjs

import path from "node:path";

import { launchBrowser, openDashboard, waitForSummary } from "./helpers/browser.mjs";
import { REPO_ROOT, startDevServer } from "./helpers/devserver.mjs";

const OUTPUT = path.join(REPO_ROOT, "docs", "dashboard.png");

const server = await startDevServer();
const browser = await launchBrowser();
try {
  // A deployment's backups show a mix of phases, sizes and a failure or two; the
  // unfiltered newest page is all queued backups.
  const catalog = await (await fetch(`${server.url}/devserver/catalog.json`)).json();
  const deployment = catalog.deployments.find((candidate) => candidate.name === "pg-orders") ?? catalog.deployments[0];
  const query = `?by=deployment&id=${encodeURIComponent(deployment.id)}&size=25`;
  const { page } = await openDashboard(browser, `${server.url}/${query}`, { viewport: { width: 1280, height: 900 } });
  await waitForSummary(page);
  await page.screenshot({ path: OUTPUT, fullPage: true });
  console.log(`wrote ${path.relative(REPO_ROOT, OUTPUT)}`);
} finally {
  await browser.close();
  await server.stop();
}
