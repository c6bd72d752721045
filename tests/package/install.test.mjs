// Packs the built package (pkg/, or PDS_PKG_DIR) with npm pack and installs the tarball into
// a fresh Vite app and into a plain HTML page. The examples from examples/ are type-checked
// with tsc, and each one runs in headless Chromium against the PDS dev server: from the
// Vite build, under the Vite dev server, and in the plain page.
//
// The apps' tools (Vite, vite-plugin-wasm, TypeScript) are installed once, from
// tests/package/app-deps/package-lock.json, into target/package-test/ and reused. The apps
// themselves are made anew in target/package-test/run/ on every run. That folder is below
// the tools' folder, so Node finds the tools in its node_modules.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { launchBrowser } from "../e2e/helpers/browser.mjs";
import {
  REPO_ROOT,
  openRecordedPage,
  run,
  startDevserver,
  startServer,
  waitForLogs,
} from "./helpers.mjs";

const PKG_DIR = path.resolve(REPO_ROOT, process.env.PDS_PKG_DIR ?? "pkg");
const TOOLS_DIR = path.join(REPO_ROOT, "target/package-test");
const RUN_DIR = path.join(TOOLS_DIR, "run");
const VITE_APP = path.join(RUN_DIR, "vite-app");
const PLAIN_APP = path.join(RUN_DIR, "plain-app");
const EXAMPLES = path.join(REPO_ROOT, "examples");
const TOOL_BIN = path.join(TOOLS_DIR, "node_modules/.bin");
/** Backups that the dev servers of these tests seed. */
const RECORDS = 120;

let tarball;
let packed;
let browser;

/** Installs the apps' tools from the lock file, unless the same lock file is installed. */
async function installTools() {
  const lock = await readFile(path.join(import.meta.dirname, "app-deps/package-lock.json"), "utf8");
  const stamp = path.join(TOOLS_DIR, "node_modules/.installed-package-lock.json");
  if (existsSync(stamp) && (await readFile(stamp, "utf8")) === lock) return;

  await mkdir(TOOLS_DIR, { recursive: true });
  await cp(path.join(import.meta.dirname, "app-deps/package.json"), path.join(TOOLS_DIR, "package.json"));
  await writeFile(path.join(TOOLS_DIR, "package-lock.json"), lock);
  await run("npm", ["ci", "--no-audit", "--no-fund"], { cwd: TOOLS_DIR });
  await writeFile(stamp, lock);
}

/** Makes an empty app folder with a package.json and installs the tarball into it. */
async function createApp(dir) {
  await mkdir(dir, { recursive: true });
  const manifest = { name: path.basename(dir), private: true, type: "module" };
  await writeFile(path.join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: dir });
}

async function copyExamples(dir, names) {
  await mkdir(dir, { recursive: true });
  for (const name of names) await cp(path.join(EXAMPLES, name), path.join(dir, name));
}

before(async () => {
  assert.ok(
    existsSync(path.join(PKG_DIR, "package.json")),
    `${PKG_DIR} holds no built package; run scripts/build-package.sh first`,
  );
  await installTools();
  await rm(RUN_DIR, { recursive: true, force: true });
  await mkdir(RUN_DIR, { recursive: true });

  const output = await run("npm", ["pack", PKG_DIR, "--pack-destination", RUN_DIR, "--json"], { cwd: RUN_DIR });
  [packed] = JSON.parse(output);
  tarball = path.join(RUN_DIR, packed.filename);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

test("tarball holds both builds and nothing else", async (t) => {
  t.diagnostic(`${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} bytes unpacked`);
  const files = packed.files.map((file) => file.path.replace(/snippets\/[^/]+\//, "snippets/HASH/")).sort();
  const build = [
    "pds_backup_web.d.ts",
    "pds_backup_web_bg.wasm",
    "pds_backup_web_bg.wasm.d.ts",
    "snippets/HASH/inline0.js",
  ];
  const expected = [
    "LICENSE",
    "README.md",
    "package.json",
    "pds_backup_web.js",
    ...build,
    "bundler/pds_backup_web.js",
    "bundler/pds_backup_web_bg.js",
    ...build.map((file) => `bundler/${file}`),
  ].sort();
  assert.deepEqual(files, expected);
});

test("every export of package.json is in the tarball", async () => {
  const manifest = JSON.parse(await readFile(path.join(PKG_DIR, "package.json"), "utf8"));
  const names = new Set(packed.files.map((file) => `./${file.path}`));
  const targets = Object.values(manifest.exports).flatMap((target) =>
    typeof target === "string" ? [target] : Object.values(target),
  );
  for (const target of [...targets, manifest.module, manifest.types]) {
    assert.ok(names.has(target), `${target} is exported but not packed`);
  }
});

test("declarations carry the proto comments", async () => {
  // A message, a field with a note on its JSON form, an enum value and a oneof, each
  // with the comment that the protos give it.
  const dts = await readFile(path.join(PKG_DIR, "pds_backup_web.d.ts"), "utf8");
  const expected = [
    /\/\*\* Resource representing a Data Service Backup\. \*\/\nexport interface Backup \{/,
    /\* FileSize of the CloudSnap image, in bytes\.\n\s+\*\n\s+\* A 64-bit integer, as a decimal string such as `"42"`\.\n\s+\*\/\n\s+fileSize\?: string;/,
    /\* - `"COMPLETED"`: Backup is completed\./,
    /\* Resource whose backups are listed\. At most one may be set\.\n[\s\S]*?\nexport type ListBackupsRequest_ListBy =/,
  ];
  for (const pattern of expected) assert.match(dts, pattern);
});

/**
 * What each example of the Vite app logs, checked line by line, with the dev server seeded
 * with RECORDS backups.
 */
const EXAMPLE_LOGS = {
  quickstart: [
    ...Array(5).fill(/^\S+: (PHASE_UNSPECIFIED|QUEUED|COMPLETED|FAILED), \d+ bytes$/),
    `${RECORDS} backups in all`,
  ],
  pager: [
    "page 1 of 5: 25 backups",
    "page 2 of 5: 25 backups",
    "page 1 of 2: 100 of 120 backups",
    "page 2 of 2: 120 of 120 backups",
    "all() returned 120 backups",
  ],
  errors: [
    'NOT_FOUND: backup "00000000-0000-0000-0000-000000000000" not found',
    /^\[invalid_argument\] pagination\.pageSize must be a positive integer/,
    "CANCELLED is code 1: true",
  ],
  typed: [
    new RegExp(`^\\d+ of 20 failed, \\d+ bytes, ${RECORDS} in all$`),
    /^NOT_FOUND: /,
    /^\[invalid_argument\] sort\.sortBy must be one of /,
    /^\[invalid_argument\] deploymentId and namespaceId are both set/,
    /^\[invalid_argument\] id must be a string/,
  ],
  worker: [`the worker listed 10 of ${RECORDS} backups`],
};

/** Runs one example through the Vite app's index.html at `baseUrl` and checks its logs. */
async function checkExample(baseUrl, name) {
  const { page, logs, problems } = await openRecordedPage(browser);
  try {
    await page.goto(`${baseUrl}/?example=${name}`);
    await page.waitForSelector("body[data-status]", { state: "attached", timeout: 30_000 });
    assert.deepEqual(problems, []);
    assert.equal(await page.evaluate(() => document.body.dataset.status), "done");
  } finally {
    await page.close();
  }
  const expected = EXAMPLE_LOGS[name];
  assert.equal(logs.length, expected.length, JSON.stringify(logs));
  for (const [index, line] of expected.entries()) {
    if (typeof line === "string") assert.equal(logs[index], line);
    else assert.match(logs[index], line);
  }
}

/**
 * Starts `vite` (the dev server) in the Vite app on a free port from 5173 up, with its
 * proxy pointed at `apiUrl`, and returns its URL and a function that stops it.
 */
function startVite(apiUrl) {
  return startServer(path.join(TOOL_BIN, "vite"), ["--host", "127.0.0.1", "--clearScreen", "false"], {
    cwd: VITE_APP,
    env: { ...process.env, PDS_GRPC_WEB_URL: apiUrl, NO_COLOR: "1" },
    urlPattern: /Local:\s+(http:\/\/127\.0\.0\.1:\d+)\//,
  });
}

describe("Vite app", () => {
  let server;

  before(async () => {
    await createApp(VITE_APP);
    await copyExamples(path.join(VITE_APP, "examples"), await readdir(EXAMPLES));
    await cp(path.join(EXAMPLES, "vite.config.js"), path.join(VITE_APP, "vite.config.js"));
    await cp(path.join(import.meta.dirname, "types.ts"), path.join(VITE_APP, "types.ts"));
    await cp(path.join(import.meta.dirname, "vite-app"), VITE_APP, { recursive: true });

    await run(path.join(TOOL_BIN, "vite"), ["build", "--logLevel", "warn"], { cwd: VITE_APP });
    server = await startDevserver(["--www", path.join(VITE_APP, "dist"), "--records", String(RECORDS)]);
  });

  after(async () => {
    await server?.stop();
  });

  test("examples and type checks pass tsc", async () => {
    // Strict TypeScript for typed.ts and types.ts, plain checkJs for the JavaScript examples,
    // and the worker with the worker's globals.
    for (const project of ["tsconfig.json", "tsconfig.js.json", "tsconfig.worker.json"]) {
      await run(path.join(TOOL_BIN, "tsc"), ["-p", project], { cwd: VITE_APP });
    }
  });

  for (const name of Object.keys(EXAMPLE_LOGS)) {
    test(`${name} example runs from the build`, () => checkExample(server.url, name));
  }

  describe("under the Vite dev server", () => {
    let vite;

    before(async () => {
      vite = await startVite(server.url);
    });

    after(async () => {
      await vite?.stop();
    });

    for (const name of Object.keys(EXAMPLE_LOGS)) {
      test(`${name} example runs`, () => checkExample(vite.url, name));
    }
  });
});

describe("plain HTML page", () => {
  let server;

  before(async () => {
    await createApp(PLAIN_APP);
    await copyExamples(PLAIN_APP, ["index.html", "web.mjs", "worker-main.mjs"]);
    // A worker does not see the page's import map, so without a bundler it imports the
    // module by its path.
    const worker = await readFile(path.join(EXAMPLES, "worker.mjs"), "utf8");
    const bareImport = '"pds-backup-web/web"';
    assert.ok(worker.includes(bareImport), `examples/worker.mjs no longer imports ${bareImport}`);
    const pathImport = '"./node_modules/pds-backup-web/pds_backup_web.js"';
    await writeFile(path.join(PLAIN_APP, "worker.mjs"), worker.replace(bareImport, pathImport));
    await cp(path.join(import.meta.dirname, "plain-app"), PLAIN_APP, { recursive: true });

    server = await startDevserver(["--www", PLAIN_APP, "--records", String(RECORDS)]);
  });

  after(async () => {
    await server?.stop();
  });

  test("web example gets a backup after init()", async () => {
    const { page, logs, problems } = await openRecordedPage(browser);
    try {
      await page.goto(`${server.url}/`);
      await waitForLogs(logs, problems, 1);
      assert.deepEqual(problems, []);
      assert.equal(logs.length, 1, JSON.stringify(logs));
      assert.match(logs[0], /^getBackup returned \S+, created \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    } finally {
      await page.close();
    }
  });

  test("worker lists backups without a bundler", async () => {
    const { page, logs, problems } = await openRecordedPage(browser);
    try {
      await page.goto(`${server.url}/worker.html`);
      await waitForLogs(logs, problems, 1);
      assert.deepEqual(problems, []);
      assert.deepEqual(logs, [`the worker listed 10 of ${RECORDS} backups`]);
    } finally {
      await page.close();
    }
  });
});
