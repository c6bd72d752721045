// The measurements. Each one drives bench/page/harness.js in headless Chromium through
// `window.bench` and returns plain data; bench/run.mjs decides the sizes and counts.

import { summarize } from "./stats.mjs";

/** Clients that make calls, in the order of the tables. */
export const CALLERS = ["package", "connect", "protobuf-ts"];
/** Decoders: both builds of the package, the peers, and JSON.parse (added by the page). */
export const DECODERS = ["package", "package-objects", "connect", "protobuf-ts"];
/** Pages in flight for the concurrent listings. */
export const CONCURRENCY = 6;

/**
 * Opens the benchmark page at `url` in a new browser context, so that nothing loaded by
 * an earlier page stays in memory. Page errors make every later step fail.
 */
export async function openBenchPage(browser, url, file = "index.html") {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  await page.goto(`${url}/${file}`);
  if (file === "index.html") await page.waitForFunction(() => window.bench !== undefined);
  return {
    page,
    /** Closes the context; rejects if the page reported an error. */
    close: async () => {
      await context.close();
      if (problems.length) throw new Error(`the benchmark page reported:\n${problems.join("\n")}`);
    },
  };
}

function failOnDifferences(what, differences) {
  const lines = Object.entries(differences).map(([name, difference]) => `  ${name}: ${difference}`);
  if (lines.length) throw new Error(`${what} differ from Connect-ES's, so the timings would not compare like with like:\n${lines.join("\n")}`);
}

/**
 * Decodes page 1 of each size with every decoder: checks that all of them produce equal
 * JSON, then times them. Resolves to { [size]: { input, decoders: { [name]: summary } } }.
 */
export async function measureDecode(page, { sizes, warmupMs, rounds, minSampleMs }) {
  const result = {};
  for (const size of sizes) {
    console.error(`[bench] decode: ${size} backups`);
    const input = await page.evaluate((options) => window.bench.checkDecoders(options), { names: DECODERS, size });
    if (input.backups !== size) throw new Error(`page 1 of ${size} backups contains ${input.backups}; start the dev server with more --records`);
    failOnDifferences(`decoded ListBackupsResponses of ${size} backups`, input.differences);
    const timing = await page.evaluate((options) => window.bench.timeDecoders(options), { names: DECODERS, size, warmupMs, rounds, minSampleMs });
    const decoders = {};
    for (const [name, samples] of Object.entries(timing.samples)) {
      decoders[name] = { runsPerSample: timing.batch[name], ...summarize(samples), samples };
    }
    result[size] = { input: { bytes: input.bytes, jsonChars: input.jsonChars, backups: input.backups }, decoders };
  }
  return result;
}

/**
 * Times sequential getBackup calls with each client and raw fetches of the same request
 * bytes. After a warm-up, the calls run in blocks, one block per client in a rotating
 * order, so a change in the machine's load affects every client alike.
 */
export async function measureUnary(page, ids, { warmupCalls, calls, blocks }) {
  const callers = [...CALLERS, "fetch"];
  failOnDifferences("getBackup results", await page.evaluate((options) => window.bench.checkGetBackup(options), { names: CALLERS, id: ids[0] }));
  if (!(await page.evaluate((id) => window.bench.checkRawGetBackup(id), ids[0]))) {
    throw new Error("a raw fetch of GetBackup did not return the backup that was requested");
  }

  for (const name of callers) {
    await page.evaluate((options) => window.bench.timeUnary(options), { name, ids, calls: warmupCalls });
  }
  const times = Object.fromEntries(callers.map((name) => [name, []]));
  const perBlock = Math.ceil(calls / blocks);
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < callers.length; i++) {
      const name = callers[(block + i) % callers.length];
      times[name].push(...(await page.evaluate((options) => window.bench.timeUnary(options), { name, ids, calls: perBlock })));
    }
  }
  return Object.fromEntries(callers.map((name) => [name, { ...summarize(times[name]), samples: times[name] }]));
}

/**
 * Reads the memory of each client in a page of its own: after `warmupCalls` getBackup
 * calls and after `calls` more, with garbage collected before each reading.
 */
export async function measureMemory(browser, url, ids, { warmupCalls, calls }) {
  const result = {};
  for (const name of CALLERS) {
    console.error(`[bench] memory: ${name}, ${calls} calls`);
    const { page, close } = await openBenchPage(browser, url);
    const reading = await page.evaluate((options) => window.bench.measureMemory(options), { name, ids, warmupCalls, calls });
    await close();
    const { afterWarmup, afterCalls } = reading;
    const wasmGrowth = afterWarmup.wasmBytes === null ? null : afterCalls.wasmBytes - afterWarmup.wasmBytes;
    const jsHeapGrowth = afterCalls.jsHeapBytes - afterWarmup.jsHeapBytes;
    result[name] = { ...reading, wasmGrowth, jsHeapGrowth, totalGrowth: (wasmGrowth ?? 0) + jsHeapGrowth };
  }
  return result;
}

/**
 * Times start-up: in a new browser context per sample, from the dynamic import of the
 * client's bundle to its first getBackup call resolved. Clients take turns.
 */
export async function measureStartup(browser, url, id, { samples }) {
  const times = Object.fromEntries(CALLERS.map((name) => [name, []]));
  for (let sample = 0; sample < samples; sample++) {
    for (let i = 0; i < CALLERS.length; i++) {
      const name = CALLERS[(sample + i) % CALLERS.length];
      const { page, close } = await openBenchPage(browser, url, "startup.html");
      const ms = await page.evaluate(
        async ({ name, id }) => {
          const start = performance.now();
          const module = await import(`/clients/${name}/client.js`);
          await module.load();
          const client = module.createClient(location.origin);
          await client.getBackup(id);
          return performance.now() - start;
        },
        { name, id },
      );
      await close();
      times[name].push(ms);
    }
  }
  return Object.fromEntries(CALLERS.map((name) => [name, { ...summarize(times[name]), samples: times[name] }]));
}

/**
 * Lists every backup, sequentially and with CONCURRENCY pages in flight, with each client.
 * The package uses its pager, and its concurrent listing is recorded as unavailable when
 * the pager has no concurrency option. Checks that every listing returns all `records` backups in the same order.
 */
export async function measurePager(page, { records, pageSize, samples }) {
  const variants = CALLERS.flatMap((name) => [`${name} sequential`, `${name} concurrent`]);
  const unavailable = {};
  const calls = {};
  const checksums = new Set();
  const listOnce = async (variant) => {
    const [name, mode] = variant.split(" ");
    const listing = await page.evaluate((options) => window.bench.listAll(options), { name, pageSize, mode, concurrency: CONCURRENCY });
    if (listing.unavailable) return listing;
    if (listing.count !== records) throw new Error(`${variant} listing returned ${listing.count} backups instead of ${records}`);
    checksums.add(listing.uids);
    if (checksums.size > 1) throw new Error(`${variant} listing returned the backups in another order than the other listings`);
    return listing;
  };

  // Warm-up round, which also finds out whether the pager takes the concurrency option.
  for (const variant of variants) {
    const listing = await listOnce(variant);
    if (listing.unavailable) unavailable[variant] = listing.unavailable;
    else calls[variant] = listing.call;
  }
  const measured = variants.filter((variant) => !unavailable[variant]);
  const times = Object.fromEntries(measured.map((variant) => [variant, []]));
  for (let sample = 0; sample < samples; sample++) {
    for (let i = 0; i < measured.length; i++) {
      const variant = measured[(sample + i) % measured.length];
      times[variant].push((await listOnce(variant)).ms);
    }
  }
  return {
    concurrency: CONCURRENCY,
    variants: Object.fromEntries(
      variants.map((variant) => [
        variant,
        unavailable[variant] ? { unavailable: unavailable[variant] } : { call: calls[variant], ...summarize(times[variant]), samples: times[variant] },
      ]),
    ),
  };
}
