// Renders the results as docs/BENCHMARKS.md, and as a short summary for the terminal.

import { formatMs } from "./stats.mjs";

const NAMES = {
  package: "pds-backup-web",
  "package-objects": "pds-backup-web, serde-wasm-bindgen build",
  connect: "Connect-ES",
  "protobuf-ts": "protobuf-ts",
  "JSON.parse": "JSON.parse (floor)",
  fetch: "raw fetch (floor)",
};

const ms = formatMs;

function bytes(value) {
  return value === null || value === undefined ? "–" : value.toLocaleString("en-US");
}

function signedBytes(value) {
  return value > 0 ? `+${bytes(value)}` : bytes(value);
}

function ratio(value) {
  return `${value.toFixed(2)}x`;
}

const LINE_WIDTH = 90;

/** Wraps `text` at spaces to LINE_WIDTH columns, indenting continuation lines by `indent`. */
function wrapLines(text, indent = "") {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > LINE_WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

/**
 * Rewraps the prose of a Markdown document: paragraphs and "- " list items. Headings,
 * tables and other blocks stay as they are.
 */
function reflow(markdown) {
  return markdown
    .split("\n\n")
    .map((block) => {
      if (/^(#|\|)/.test(block)) return block;
      if (block.startsWith("- ")) {
        return block
          .split(/\n(?=- )/)
          .map((item) => wrapLines(item, "  "))
          .join("\n");
      }
      return wrapLines(block);
    })
    .join("\n\n");
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

function met(target) {
  if (target.met === null) return "not measured";
  return target.met ? "met" : "not met";
}

function targetsTable(results) {
  return table(
    ["target", "measured", "result"],
    results.targets.map((target) => [target.target, target.value, met(target)]),
  );
}

/** Renders the one table that puts every client side by side. */
function sideBySide(results) {
  const { sizes, decode, unary, memory, startup, pager, settings } = results;
  const columns = ["package", "connect", "protobuf-ts"];
  const rows = [];

  const own = sizes.package;
  rows.push([
    "bundle, gzip bytes",
    `${bytes(own.wasmPlusBundle.gzip)} (.wasm ${bytes(own.wasm.gzip)} + JS ${bytes(own.bundle.gzip)})`,
    bytes(sizes.connect.bundle.gzip),
    bytes(sizes["protobuf-ts"].bundle.gzip),
    "–",
  ]);

  for (const size of settings.decode.sizes) {
    const decoders = decode[size].decoders;
    rows.push([
      `decode ${size.toLocaleString("en-US")} backups, median`,
      `${ms(decoders.package.median)} (serde-wasm-bindgen build: ${ms(decoders["package-objects"].median)})`,
      ms(decoders.connect.median),
      ms(decoders["protobuf-ts"].median),
      `${ms(decoders["JSON.parse"].median)} (JSON.parse)`,
    ]);
  }

  const unaryCell = (summary) => `${ms(summary.median)} / ${ms(summary.p99)}`;
  rows.push(["getBackup, median / p99", ...columns.map((name) => unaryCell(unary[name])), `${unaryCell(unary.fetch)} (raw fetch)`]);

  const listed = `list ${settings.records.toLocaleString("en-US")}, ${settings.pager.pageSize} a page, ${settings.latencyMs} ms latency`;
  const listingCell = (variant) => (variant.unavailable ? "not available" : ms(variant.median));
  rows.push([`${listed}: sequential`, ...columns.map((name) => listingCell(pager.variants[`${name} sequential`])), "–"]);
  rows.push([`${listed}: ${pager.concurrency} pages in flight`, ...columns.map((name) => listingCell(pager.variants[`${name} concurrent`])), "–"]);

  const calls = settings.memory.calls.toLocaleString("en-US");
  rows.push([`memory growth over ${calls} calls, bytes`, ...columns.map((name) => signedBytes(memory[name].totalGrowth)), "–"]);
  rows.push(["start-up to first call, median", ...columns.map((name) => ms(startup[name].median)), "–"]);

  return table(["measure", NAMES.package, NAMES.connect, NAMES["protobuf-ts"], "floor"], rows);
}

function sizeSection(results) {
  const { sizes } = results;
  const row = (label, size) => [label, bytes(size.raw), bytes(size.gzip), bytes(size.brotli)];
  const own = sizes.package;
  const objects = sizes["package-objects"];
  const rows = [
    row("pds-backup-web: .wasm", own.wasm),
    row(`pds-backup-web: JS glue as built (${own.glueFiles.length} files)`, own.glue),
    row("pds-backup-web: .wasm + JS glue", own.wasmPlusGlue),
    row("pds-backup-web: bundle of bench/clients/package.js", own.bundle),
    row("pds-backup-web: .wasm + bundle", own.wasmPlusBundle),
    row("serde-wasm-bindgen build: .wasm", objects.wasm),
    row("serde-wasm-bindgen build: .wasm + bundle", objects.wasmPlusBundle),
    row("Connect-ES: bundle of bench/clients/connect.js", sizes.connect.bundle),
    row("protobuf-ts: bundle of bench/clients/protobuf-ts.js", sizes["protobuf-ts"].bundle),
  ];
  const sections = Object.entries(own.wasmSections)
    .sort((a, b) => b[1] - a[1])
    .map(([name, size]) => `${name} ${bytes(size)}`)
    .join(", ");
  const inputs = (name) =>
    Object.entries(sizes[name].bundleInputs)
      .slice(0, 5)
      .map(([group, size]) => `${group} ${bytes(size)}`)
      .join(", ");
  return `Each client is an entry file in bench/clients/ that creates a client with the three
RPCs and converts responses to proto3 JSON. esbuild bundles it for production: bundled,
minified, ESM, target es2022. Sizes are in bytes; gzip is level 9 and brotli quality 11,
both from Node's zlib. Files that a page downloads separately are compressed one by one
and their sizes added. The package's glue is what wasm-pack writes (\`pds_backup_web.js\` and
its inline snippets), unminified; the bundle is the same glue minified together with the
entry.

${table(["what", "raw", "gzip", "brotli"], rows)}

Where the bytes go:

- pds-backup-web .wasm, raw bytes by section: ${sections}.
- Connect-ES bundle, raw minified bytes by source: ${inputs("connect")}.
- protobuf-ts bundle, raw minified bytes by source: ${inputs("protobuf-ts")}.`;
}

function decodeSection(results) {
  const { decode, settings } = results;
  const parts = [];
  for (const size of settings.decode.sizes) {
    const { input, decoders } = decode[size];
    const own = decoders.package.median;
    const rows = ["package", "package-objects", "connect", "protobuf-ts", "JSON.parse"].map((name) => {
      const summary = decoders[name];
      return [NAMES[name], ms(summary.median), ms(summary.min), ms(summary.max), String(summary.runsPerSample), ratio(summary.median / own)];
    });
    parts.push(`**${size.toLocaleString("en-US")} backups** (${bytes(input.bytes)} bytes of protobuf, ${bytes(input.jsonChars)} characters of JSON)

${table(["decoder", "median", "min", "max", "runs per sample", "time relative to pds-backup-web"], rows)}`);
  }
  return `Input: page 1 of a ListBackups call with \`pageSize\` ${settings.decode.sizes.join(", ")}, fetched once from
the dev server with a raw grpc-web request, with the framing removed, so every decoder
reads the same bytes. Output: proto3 JSON objects. pds-backup-web runs
\`decodeListBackupsResponse\` (prost decodes, serde_json writes a string, \`JSON.parse\`
builds the objects) and, in the build with \`--features bench-boundary\`,
\`decodeListBackupsResponseAsObjects\` (serde-wasm-bindgen builds the objects field by field).
Connect-ES and protobuf-ts run \`fromBinary\` and then \`toJson\`. The floor is \`JSON.parse\` of
the same page's JSON text (\`JSON.stringify\` of Connect-ES's \`toJson\`).

Before timing, every decoder's output is compared with \`JSON.parse\` of that JSON text, and
the run stops on the first difference. Then each decoder warms up for
${settings.decode.warmupMs} ms, and ${settings.decode.rounds} rounds take one sample of each decoder,
in a rotating order. A sample is the mean of a batch of runs that lasts at least
${settings.decode.minSampleMs} ms, because Chromium coarsens \`performance.now()\` to 0.1 ms on a page that is not
cross-origin isolated. Garbage is collected (\`gc()\`) before each sample, so each sample
includes the collections of its own garbage and none of another decoder's. The last
column divides each median by pds-backup-web's: above 1 is slower than the package.

${parts.join("\n\n")}`;
}

function unarySection(results) {
  const { unary, settings } = results;
  const fetchMedian = unary.fetch.median;
  const rows = ["package", "connect", "protobuf-ts", "fetch"].map((name) => [
    NAMES[name],
    ms(unary[name].median),
    ms(unary[name].p99),
    ms(unary[name].mean),
    ms(unary[name].max),
    name === "fetch" ? "–" : ms(unary[name].median - fetchMedian),
  ]);
  return `${settings.unary.calls.toLocaleString("en-US")} sequential \`getBackup\` calls per client, each timed alone, cycling through 100 ids, after
${settings.unary.warmupCalls} warm-up calls per client. The calls run in ${settings.unary.blocks} blocks per client, the clients
taking turns in a rotating order. Every client's result is compared with Connect-ES's
before timing. The raw fetch posts the same grpc-web request bytes and reads the body
without decoding it. Times have 0.1 ms resolution.

${table(["client", "median", "p99", "mean", "max", "median over raw fetch"], rows)}`;
}

function pagerSection(results) {
  const { pager, settings } = results;
  const rows = [];
  for (const name of ["package", "connect", "protobuf-ts"]) {
    const sequential = pager.variants[`${name} sequential`];
    for (const mode of ["sequential", "concurrent"]) {
      const variant = pager.variants[`${name} ${mode}`];
      const label = `${NAMES[name]}, ${mode === "sequential" ? "sequential" : `${pager.concurrency} pages in flight`}`;
      if (variant.unavailable) {
        rows.push([label, "not available", "–", "–", "–", "–"]);
        continue;
      }
      const call = variant.call.startsWith("all(") ? `\`${variant.call}\`` : variant.call;
      rows.push([label, call, ms(variant.median), ms(variant.min), ms(variant.max), ratio(sequential.median / variant.median)]);
    }
  }
  const unavailable = pager.variants["package concurrent"].unavailable;
  const note = unavailable
    ? `\n\nThe package's pager has no concurrency option yet: \`all({ concurrency: ${pager.concurrency} })\` rejected with
"${unavailable}".`
    : "";
  return `Every one of ${settings.records.toLocaleString("en-US")} backups, ${settings.pager.pageSize} a page, from a dev server started with
\`--latency-ms ${settings.latencyMs}\`, into an array of proto3 JSON objects. pds-backup-web uses its pager,
\`client.pager({}, { pageSize })\`: \`all({ concurrency: 1 })\` for sequential and
\`all({ concurrency: ${pager.concurrency} })\` for prefetch. A pager without the concurrency option rejects it; then
the sequential listing is plain \`all()\`, and prefetch is recorded as not available.
Connect-ES and protobuf-ts use a loop in bench/page/harness.js: one page at a time
following \`nextPage\`, or page 1 and then the other pages with ${pager.concurrency} calls in flight. Each listing is checked to contain every backup in the same order. One
warm-up round, then ${settings.pager.samples} samples of each, taking turns.

${table(["client", "call", "median", "min", "max", "speed-up over the same client's sequential"], rows)}${note}`;
}

function memorySection(results) {
  const { memory, settings } = results;
  const rows = ["package", "connect", "protobuf-ts"].map((name) => {
    const reading = memory[name];
    return [
      NAMES[name],
      bytes(reading.afterWarmup.wasmBytes),
      bytes(reading.afterCalls.wasmBytes),
      bytes(reading.afterWarmup.jsHeapBytes),
      bytes(reading.afterCalls.jsHeapBytes),
      signedBytes(reading.totalGrowth),
    ];
  });
  const collected = Object.values(memory).every((reading) => reading.gc);
  return `Each client in a page of its own: ${settings.memory.warmupCalls.toLocaleString("en-US")} warm-up \`getBackup\` calls, then a reading, then
${settings.memory.calls.toLocaleString("en-US")} more calls and a second reading. Before each reading, garbage is
${collected ? "collected (`gc()`, twice, with a task in between for finalizers)" : "**not** collected: `gc()` was unavailable"}.
wasm memory is \`memory.buffer.byteLength\` of the object that \`init()\` resolves to; it never
shrinks, so growth there is a new high-water mark. JS heap is
\`performance.memory.usedJSHeapSize\`, exact with \`--enable-precise-memory-info\`. Bytes:

${table(["client", "wasm after warm-up", "wasm after calls", "JS heap after warm-up", "JS heap after calls", "growth (wasm + JS heap)"], rows)}`;
}

function startupSection(results) {
  const { startup, settings } = results;
  const rows = ["package", "connect", "protobuf-ts"].map((name) => [NAMES[name], ms(startup[name].median), ms(startup[name].min), ms(startup[name].max)]);
  return `From \`import()\` of the client's bundle to its first \`getBackup\` call resolved, in a new
browser context per sample (an empty page, nothing cached: the dev server sends
\`Cache-Control: no-store\`). For pds-backup-web this includes fetching, compiling and
instantiating the .wasm in \`init()\`. ${settings.startup.samples} samples per client, taking turns.

${table(["client", "median", "min", "max"], rows)}`;
}

function environmentSection(results) {
  const { machine, versions, build } = results;
  const gib = (value) => `${(value / 2 ** 30).toFixed(1)} GiB`;
  const own = versions.package;
  const uncommitted = own.uncommittedChanges.length
    ? `built from the working tree, with uncommitted changes to ${own.uncommittedChanges.map((file) => `\`${file}\``).join(", ")}`
    : "built from the commit, without uncommitted changes";
  const npm = Object.entries(versions.npm).map(([name, version]) => `\`${name}\` ${version}`).join(", ");
  return `- Command: \`${results.command}\`, started ${results.startedAt}, ${results.durationSeconds} s including builds.
- Machine: ${machine.cpuModel}, ${machine.logicalCpus} logical CPUs (\`nproc\` ${machine.nproc}), ${gib(machine.memTotalBytes)} memory
  (${gib(machine.memAvailableBytes)} available at the start), ${machine.kernel}. Load average (1, 5, 15 min):
  ${machine.loadAverage.join(", ")} at the start, ${results.loadAverageAtEnd.join(", ")} at the end. Other work on the machine
  during the run shows up in these numbers.
- pds-backup-web ${own.version}, commit \`${own.commit.slice(0, 12)}\`, ${uncommitted}. .wasm SHA-256
  \`${own.wasmSha256}\`.
- npm packages: ${npm}.
- Tools: Chromium ${versions.tools.chromium} (headless, through playwright-core), Node.js ${versions.tools.node},
  ${versions.tools.rustc}, ${versions.tools.wasmPack}, ${versions.tools.wasmBindgen}, ${versions.tools.wasmOpt}.
- Dev server: \`${build.devserver}\` with \`--records ${results.settings.records}\`, per-call log off, on 127.0.0.1, on the
  same machine as the browser. The page is served by the same server, so calls are same-origin.
- Chromium flags: ${results.chromiumArgs.map((arg) => `\`${arg}\``).join(" ")}.`;
}

/** Renders docs/BENCHMARKS.md. */
export function renderMarkdown(results) {
  return reflow(`# Benchmarks

This page compares pds-backup-web with two JavaScript grpc-web clients generated from the
same BackupService protos, Connect-ES and protobuf-ts, and with the floors that no client
can beat: \`JSON.parse\` and a raw \`fetch\`. All of them run in one headless Chromium, in one
run, against dev servers on 127.0.0.1 that serve the same seeded data. \`npm run bench\`
(bench/run.mjs) produced this page and the raw numbers in [benchmarks.json](benchmarks.json);
run it again to update both. The numbers are from one run on the machine below, so read
small differences as noise.

## Targets

${targetsTable(results)}

## Side by side

${sideBySide(results)}

## Environment

${environmentSection(results)}

## 1. Bundle size

${sizeSection(results)}

## 2. Decode to objects

${decodeSection(results)}

## 3. Unary call overhead

${unarySection(results)}

## 4. Listing everything

${pagerSection(results)}

## 5. Memory

${memorySection(results)}

## 6. Start-up

${startupSection(results)}
`);
}

/** Renders the targets and the side-by-side table for the terminal. */
export function renderSummary(results) {
  return `${results.quick ? "Quick run (small sizes, few iterations; docs not written)" : "Full run"}\n\n${targetsTable(results)}\n\n${sideBySide(results)}\n`;
}
