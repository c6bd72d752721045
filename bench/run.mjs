// Benchmarks this package beside Connect-ES, protobuf-ts and JSON.parse, in one headless
// Chromium, against dev servers on 127.0.0.1 that serve the same seeded data.
//
//   npm run bench                 full run: writes docs/BENCHMARKS.md and docs/benchmarks.json
//   npm run bench -- --quick      a few iterations on small data, to prove the harness works;
//                                 writes only target/bench/results.json
//
// Options:
//   --quick             the quick mode; PDS_BENCH_QUICK=1 does the same
//   --pkg DIR           use the release package already built in DIR instead of building
//                       one with scripts/build-package.sh
//   --devserver PATH    the dev server binary (also PDS_DEVSERVER_BIN); default: built
//                       with cargo, release profile for a full run, debug for --quick
//
// Chromium comes from CHROMIUM_BIN (default /usr/bin/chromium).

import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

import { chromium } from "playwright-core";

import { startDevserver } from "../tests/interop/helpers/processes.mjs";
import { BENCH_DIR, REPO_ROOT, buildAll, buildDevserver } from "./build.mjs";
import { loadAverage, machine, versions } from "./environment.mjs";
import { measureDecode, measureMemory, measurePager, measureStartup, measureUnary, openBenchPage } from "./measure.mjs";
import { renderMarkdown, renderSummary } from "./report.mjs";
import { measureSizes } from "./sizes.mjs";
import { evaluateTargets } from "./targets.mjs";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // For the memory measurement: exact performance.memory values, and gc().
  "--enable-precise-memory-info",
  "--js-flags=--expose-gc",
];

/**
 * Sizes and counts of the full run. One took about 3 minutes, cached builds included, on
 * the 2-core machine that docs/BENCHMARKS.md describes.
 */
const FULL = {
  records: 10_000,
  latencyMs: 20,
  decode: { sizes: [1000, 100, 10], warmupMs: 500, rounds: 40, minSampleMs: 20 },
  unary: { warmupCalls: 100, calls: 1000, blocks: 10 },
  memory: { warmupCalls: 1000, calls: 10_000 },
  startup: { samples: 11 },
  pager: { pageSize: 500, samples: 7 },
};

/** Sizes and counts of --quick: enough to run every step once, in about 40 s. */
const QUICK = {
  records: 300,
  latencyMs: 20,
  decode: { sizes: [100, 10], warmupMs: 20, rounds: 3, minSampleMs: 2 },
  unary: { warmupCalls: 5, calls: 20, blocks: 2 },
  memory: { warmupCalls: 20, calls: 100 },
  startup: { samples: 1 },
  pager: { pageSize: 50, samples: 1 },
};

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      pkg: { type: "string" },
      devserver: { type: "string" },
    },
  });
  return {
    quick: values.quick || process.env.PDS_BENCH_QUICK === "1",
    pkg: values.pkg,
    devserver: values.devserver ?? process.env.PDS_DEVSERVER_BIN,
  };
}

/** Returns the command line as a person would type it, for the report. */
function commandLine() {
  const args = process.argv.slice(2);
  if (process.env.npm_lifecycle_event === "bench") return ["npm run bench", ...(args.length ? ["--", ...args] : [])].join(" ");
  return ["node bench/run.mjs", ...args].join(" ");
}

async function main() {
  const options = parseOptions();
  const settings = options.quick ? QUICK : FULL;
  const startedAt = new Date();
  const cleanups = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error(`[bench] cleanup failed: ${error.message}`));
    cleanups.length = 0;
  };
  process.once("SIGINT", () => cleanUp().then(() => process.exit(130)));

  try {
    const results = { command: commandLine(), quick: options.quick, startedAt: startedAt.toISOString(), settings, machine: machine() };
    const built = await buildAll({ pkgDir: options.pkg });
    const binary = await buildDevserver({ explicit: options.devserver, debug: options.quick });
    results.build = { seconds: built.seconds, devserver: path.relative(REPO_ROOT, binary) };
    results.sizes = await measureSizes(built);

    // The interop tests' helper starts PDS_DEVSERVER_BIN with this process's environment.
    // RUST_LOG=warn turns off the per-call log, so writing it does not add to the calls.
    process.env.PDS_DEVSERVER_BIN = binary;
    process.env.RUST_LOG = "warn";
    const www = path.join(BENCH_DIR, "www");
    const fast = await startDevserver(["--records", String(settings.records), "--www", www]);
    cleanups.push(fast.stop);
    const slow = await startDevserver(["--records", String(settings.records), "--latency-ms", String(settings.latencyMs), "--www", www]);
    cleanups.push(slow.stop);
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    results.chromiumArgs = CHROMIUM_ARGS;
    results.versions = versions({ ...built, browserVersion: browser.version() });

    const bench = await openBenchPage(browser, fast.url);
    const ids = await bench.page.evaluate(() => window.bench.backupIds(100));
    results.decode = await measureDecode(bench.page, settings.decode);
    console.error("[bench] unary calls");
    results.unary = await measureUnary(bench.page, ids, settings.unary);
    await bench.close();

    results.memory = await measureMemory(browser, fast.url, ids, settings.memory);
    console.error("[bench] start-up");
    results.startup = await measureStartup(browser, fast.url, ids[0], settings.startup);

    console.error(`[bench] listing ${settings.records} backups, ${settings.pager.pageSize} a page, ${settings.latencyMs} ms latency`);
    const listing = await openBenchPage(browser, slow.url);
    results.pager = await measurePager(listing.page, { records: settings.records, ...settings.pager });
    await listing.close();

    results.loadAverageAtEnd = loadAverage();
    results.durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 1000);
    results.targets = evaluateTargets(results);

    await writeFile(path.join(BENCH_DIR, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
    if (!options.quick) {
      await writeFile(path.join(REPO_ROOT, "docs/benchmarks.json"), `${JSON.stringify(results, null, 2)}\n`);
      await writeFile(path.join(REPO_ROOT, "docs/BENCHMARKS.md"), renderMarkdown(results));
      console.error("[bench] wrote docs/BENCHMARKS.md and docs/benchmarks.json");
    }
    console.log(renderSummary(results));
  } finally {
    await cleanUp();
  }
}

main().catch((error) => {
  console.error(`[bench] failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
