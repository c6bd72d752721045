// Serves the interop page (target/interop/www) and the package (pkg/, or PDS_PKG_DIR at
// /pkg/) on 127.0.0.1, and opens it in headless Chromium.

import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";

import { launchBrowser } from "../../e2e/helpers/browser.mjs";
import { INTEROP_DIR, REPO_ROOT } from "./processes.mjs";

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** Maps a GET path to a file: /pkg/... to the package folder, anything else to www/. */
function fileFor(urlPath) {
  const pkgDir = path.resolve(REPO_ROOT, process.env.PDS_PKG_DIR ?? "pkg");
  const [root, relative] = urlPath.startsWith("/pkg/") ? [pkgDir, urlPath.slice(5)] : [path.join(INTEROP_DIR, "www"), urlPath.slice(1) || "index.html"];
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : undefined;
}

/**
 * Starts an HTTP server for the page. `handle(request, response, body)` gets every
 * non-GET request with its body as a Buffer. Resolves to `{ url, close }`.
 */
export async function startPageServer(handle = undefined) {
  const server = http.createServer(async (request, response) => {
    try {
      if (request.method === "GET") {
        const file = fileFor(new URL(request.url, "http://localhost").pathname);
        const body = file && (await readFile(file).catch(() => undefined));
        if (!body) {
          response.writeHead(404).end();
          return;
        }
        response.writeHead(200, { "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
        response.end(body);
        return;
      }
      const chunks = [];
      for await (const chunk of request) chunks.push(chunk);
      if (!handle) {
        response.writeHead(405).end();
        return;
      }
      await handle(request, response, Buffer.concat(chunks));
    } catch (error) {
      console.error(`[page-server] ${request.method} ${request.url} failed: ${error.stack ?? error}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * Launches headless Chromium from `CHROMIUM_BIN` (default /usr/bin/chromium), opens the
 * page at `url` and waits until the package has loaded. Returns `{ browser, page, problems }`;
 * `problems` collects page errors and console errors.
 */
export async function openPage(url) {
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  await page.goto(`${url}/`);
  await page.evaluate(() => window.interop.ready);
  return { browser, page, problems };
}

/** Runs `window.interop.callConnect(options)` in the page and parses the JSON it returns. */
export async function callConnect(page, options) {
  return parsed(await page.evaluate((options) => window.interop.callConnect(options), options));
}

/** Runs `window.interop.callPackage(options)` in the page and parses the JSON it returns. */
export async function callPackage(page, options) {
  return parsed(await page.evaluate((options) => window.interop.callPackage(options), options));
}

function parsed(result) {
  return result.ok ? { ok: true, value: result.json === undefined ? undefined : JSON.parse(result.json) } : result;
}
