// The browser side of the benchmark. bench/run.mjs drives it with page.evaluate through
// `window.bench`; every function returns plain data (times in milliseconds).
//
// Clients are the bundles in /clients/<name>/client.js, built from bench/clients/. Each one
// exports load(), createClient(baseUrl) and decodeListBackupsResponse(bytes), and its calls
// resolve to proto3 JSON objects.

const SERVICE_PATH = "/public.portworx.pds.backup.v1.BackupService";
const GRPC_WEB_HEADERS = { "content-type": "application/grpc-web+proto", "x-grpc-web": "1" };

const modules = new Map();
const clients = new Map();
const inputs = new Map();
/** Keeps each decoded value reachable, so the engine cannot skip the work. */
let sink;

async function clientModule(name) {
  if (!modules.has(name)) {
    const module = await import(`/clients/${name}/client.js`);
    modules.set(name, { module, loaded: await module.load() });
  }
  return modules.get(name);
}

async function client(name) {
  if (!clients.has(name)) {
    const { module } = await clientModule(name);
    clients.set(name, module.createClient(location.origin));
  }
  return clients.get(name);
}

/** Collects garbage, when the browser runs with --js-flags=--expose-gc. */
async function collectGarbage() {
  if (typeof globalThis.gc !== "function") return false;
  globalThis.gc();
  // Finalizers (wasm-bindgen frees Rust objects from a FinalizationRegistry) run in a
  // later task, and a second collection reclaims what they released.
  await new Promise((resolve) => setTimeout(resolve, 0));
  globalThis.gc();
  return true;
}

// --- grpc-web by hand, for the raw bytes and the raw fetch baseline ---------------------

function varint(value) {
  const bytes = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

/** Encodes a length-delimited field. */
function lengthDelimited(fieldNumber, payload) {
  return [...varint((fieldNumber << 3) | 2), ...varint(payload.length), ...payload];
}

/** Encodes GetBackupRequest { id }. */
function getBackupRequest(id) {
  return lengthDelimited(1, [...new TextEncoder().encode(id)]);
}

/** Encodes ListBackupsRequest { pagination: { page_number, page_size } }. */
function listBackupsRequest(pageNumber, pageSize) {
  const pagination = [0x08, ...varint(pageNumber), 0x10, ...varint(pageSize)];
  return lengthDelimited(5, pagination);
}

/** Prefixes a message with the grpc-web data frame header: flag 0, big-endian length. */
function frame(message) {
  const body = new Uint8Array(5 + message.length);
  new DataView(body.buffer).setUint32(1, message.length);
  body.set(message, 5);
  return body;
}

/**
 * Splits a grpc-web response body into its message and its trailers. Throws unless it
 * contains exactly one message and a grpc-status of 0.
 */
function unframe(body, headers) {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const messages = [];
  let trailers = "";
  for (let offset = 0; offset < body.length; ) {
    const flag = body[offset];
    const length = view.getUint32(offset + 1);
    const payload = body.subarray(offset + 5, offset + 5 + length);
    if (flag === 0) messages.push(payload);
    else if (flag === 0x80) trailers += new TextDecoder().decode(payload);
    else throw new Error(`unexpected grpc-web frame flag ${flag}`);
    offset += 5 + length;
  }
  const status = /^grpc-status:\s*(\d+)/im.exec(trailers)?.[1] ?? headers.get("grpc-status");
  if (status !== "0") throw new Error(`grpc-status ${status}: ${trailers || headers.get("grpc-message")}`);
  if (messages.length !== 1) throw new Error(`expected one message, got ${messages.length}`);
  return messages[0];
}

async function rawCall(method, message) {
  const response = await fetch(`${SERVICE_PATH}/${method}`, { method: "POST", headers: GRPC_WEB_HEADERS, body: frame(message) });
  if (!response.ok) throw new Error(`${method} returned HTTP ${response.status}`);
  return unframe(new Uint8Array(await response.arrayBuffer()), response.headers);
}

// --- decode ---------------------------------------------------------------------------

/** Fetches page 1 of `size` backups once: its serialized message and its JSON text. */
async function decodeInput(size) {
  if (!inputs.has(size)) {
    const bytes = await rawCall("ListBackups", new Uint8Array(listBackupsRequest(1, size)));
    const { module } = await clientModule("connect");
    // The JSON text is Connect-ES's toJson output: JSON.parse of it is the floor.
    const json = JSON.stringify(module.decodeListBackupsResponse(bytes));
    inputs.set(size, { bytes, json });
  }
  return inputs.get(size);
}

/** Returns the path of the first difference between two JSON values, or null. */
function firstDifference(actual, expected, path = "$") {
  if (typeof actual !== typeof expected || Array.isArray(actual) !== Array.isArray(expected) || (actual === null) !== (expected === null)) {
    return `${path}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`;
  }
  if (typeof actual !== "object" || actual === null) {
    return actual === expected ? null : `${path}: ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`;
  }
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  for (const key of keys) {
    if (!(key in actual)) return `${path}.${key}: missing, expected ${JSON.stringify(expected[key])}`;
    if (!(key in expected)) return `${path}.${key}: unexpected ${JSON.stringify(actual[key])}`;
    const difference = firstDifference(actual[key], expected[key], `${path}.${key}`);
    if (difference) return difference;
  }
  return null;
}

/** Returns the decoder functions: one per client, plus JSON.parse of the JSON text. */
async function decoders(names, input) {
  const result = {};
  for (const name of names) {
    const { module } = await clientModule(name);
    result[name] = () => module.decodeListBackupsResponse(input.bytes);
  }
  result["JSON.parse"] = () => JSON.parse(input.json);
  return result;
}

/**
 * Decodes page 1 of `size` backups with every client and compares each result with
 * JSON.parse of the JSON text. Resolves to { bytes, jsonChars, backups, differences },
 * where differences maps a decoder to its first difference.
 */
async function checkDecoders({ names, size }) {
  const input = await decodeInput(size);
  const expected = JSON.parse(input.json);
  const differences = {};
  for (const [name, decode] of Object.entries(await decoders(names, input))) {
    const difference = firstDifference(decode(), expected);
    if (difference) differences[name] = difference;
  }
  return { bytes: input.bytes.length, jsonChars: input.json.length, backups: expected.backups?.length ?? 0, differences };
}

/** Runs `decode` `count` times and returns the mean time of one run. */
function timeBatch(decode, count) {
  const start = performance.now();
  for (let i = 0; i < count; i++) sink = decode();
  return (performance.now() - start) / count;
}

/**
 * Times every decoder on page 1 of `size` backups. Each sample is the mean of a batch of
 * runs that lasts at least `minSampleMs`, because performance.now() is coarsened to
 * 0.1 ms on a page that is not cross-origin isolated. The decoders take turns, one sample
 * each per round in a rotating order. Garbage is collected before each sample, so each
 * decoder pays for the garbage it makes and none for another's.
 */
async function timeDecoders({ names, size, warmupMs, rounds, minSampleMs }) {
  const input = await decodeInput(size);
  const entries = Object.entries(await decoders(names, input));
  const batch = {};
  for (const [name, decode] of entries) {
    // Warm-up: lets the JIT tiers (and wasm's optimizing tier) settle, and sizes the batch.
    let runs = 0;
    const start = performance.now();
    while (performance.now() - start < warmupMs || runs < 5) {
      sink = decode();
      runs++;
    }
    const mean = (performance.now() - start) / runs;
    batch[name] = Math.max(1, Math.ceil(minSampleMs / mean));
  }
  const samples = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < entries.length; i++) {
      const [name, decode] = entries[(round + i) % entries.length];
      await collectGarbage();
      samples[name].push(timeBatch(decode, batch[name]));
    }
  }
  sink = undefined;
  return { batch, samples };
}

// --- unary calls ----------------------------------------------------------------------

/** Resolves to the uids of page 1 of `count` backups, for getBackup calls. */
async function backupIds(count) {
  const input = await decodeInput(count);
  return JSON.parse(input.json).backups.map((backup) => backup.meta.uid);
}

/**
 * Makes `calls` sequential getBackup calls with client `name`, or raw fetches of the same
 * request bytes when `name` is "fetch", cycling through `ids`. Resolves to the time of
 * each call.
 */
async function timeUnary({ name, ids, calls }) {
  let call;
  if (name === "fetch") {
    const bodies = ids.map((id) => frame(new Uint8Array(getBackupRequest(id))));
    call = async (i) => {
      const response = await fetch(`${SERVICE_PATH}/GetBackup`, { method: "POST", headers: GRPC_WEB_HEADERS, body: bodies[i % bodies.length] });
      sink = await response.arrayBuffer();
    };
  } else {
    const target = await client(name);
    call = async (i) => {
      sink = await target.getBackup(ids[i % ids.length]);
    };
  }
  const times = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await call(i);
    times.push(performance.now() - start);
  }
  sink = undefined;
  return times;
}

/**
 * Calls getBackup(id) with every client and compares each result with Connect-ES's.
 * Resolves to the first difference of each client that differs.
 */
async function checkGetBackup({ names, id }) {
  const expected = await (await client("connect")).getBackup(id);
  const differences = {};
  for (const name of names) {
    const difference = firstDifference(await (await client(name)).getBackup(id), expected);
    if (difference) differences[name] = difference;
  }
  return differences;
}

/** Checks that a raw fetch of GetBackup succeeds and returns the backup with that uid. */
async function checkRawGetBackup(id) {
  const message = await rawCall("GetBackup", new Uint8Array(getBackupRequest(id)));
  const { module } = await clientModule("connect");
  // A Backup wrapped as field 1 is a ListBackupsResponse that contains that one backup.
  return module.decodeListBackupsResponse(new Uint8Array(lengthDelimited(1, [...message]))).backups[0].meta.uid === id;
}

// --- listing everything ---------------------------------------------------------------

/** Converts a proto3 JSON int64 `value` (a string, or absent for 0) to a number. */
function int64(value) {
  return value === undefined ? 0 : Number(value);
}

/** Lists every page with `listBackups`, one call at a time, following nextPage. */
async function listSequential(target, pageSize) {
  const backups = [];
  for (let page = 1; page > 0; ) {
    const response = await target.listBackups(page, pageSize);
    backups.push(...(response.backups ?? []));
    page = int64(response.pagination?.nextPage);
  }
  return backups;
}

/**
 * Lists page 1, then pages 2 to totalPages with up to `concurrency` calls in flight, and
 * concatenates the pages in order.
 */
async function listConcurrent(target, pageSize, concurrency) {
  const first = await target.listBackups(1, pageSize);
  const totalPages = int64(first.pagination?.totalPages);
  const pages = [first.backups ?? []];
  let nextPage = 2;
  const worker = async () => {
    while (nextPage <= totalPages) {
      const page = nextPage++;
      const response = await target.listBackups(page, pageSize);
      pages[page - 1] = response.backups ?? [];
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, totalPages) }, worker));
  return pages.flat();
}

function rejectsConcurrency(error) {
  return error?.codeName === "INVALID_ARGUMENT" && /concurrency/.test(error.message);
}

/**
 * Lists every backup with the package's pager, and names the call it made. Sequential is
 * `all({ concurrency: 1 })`, or plain `all()` on a pager without the concurrency option,
 * which fetches one page at a time. Resolves to { unavailable } for "concurrent" on such
 * a pager.
 */
async function listWithPager(target, pageSize, mode, concurrency) {
  const options = { concurrency: mode === "concurrent" ? concurrency : 1 };
  let start = performance.now();
  try {
    const backups = await target.pager(pageSize).all(options);
    return { ms: performance.now() - start, backups, call: `all({ concurrency: ${options.concurrency} })` };
  } catch (error) {
    if (!rejectsConcurrency(error)) throw error;
    if (mode === "concurrent") return { unavailable: error.message };
  }
  start = performance.now();
  const backups = await target.pager(pageSize).all();
  return { ms: performance.now() - start, backups, call: "all()" };
}

/**
 * Lists every backup with client `name` and `pageSize` backups a page. `mode` is
 * "sequential" or "concurrent": the package uses its pager, the other clients the loops
 * above. Resolves to { ms, count, uids, call }, or { unavailable } when the package's
 * pager has no concurrency option.
 */
async function listAll({ name, pageSize, mode, concurrency }) {
  const target = await client(name);
  let listing;
  if (target.pager) {
    listing = await listWithPager(target, pageSize, mode, concurrency);
    if (listing.unavailable) return listing;
  } else {
    const start = performance.now();
    const backups = mode === "concurrent" ? await listConcurrent(target, pageSize, concurrency) : await listSequential(target, pageSize);
    listing = { ms: performance.now() - start, backups, call: mode === "concurrent" ? `loop, ${concurrency} pages in flight` : "loop" };
  }
  const uids = checksum(listing.backups.map((backup) => backup.meta.uid).join("\n"));
  return { ms: listing.ms, count: listing.backups.length, uids, call: listing.call };
}

/** Hashes `text` with 32-bit FNV-1a, to compare listings without sending them to Node. */
function checksum(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

// --- memory ---------------------------------------------------------------------------

function memorySnapshot(memory) {
  return {
    wasmBytes: memory ? memory.buffer.byteLength : null,
    jsHeapBytes: performance.memory ? performance.memory.usedJSHeapSize : null,
  };
}

/**
 * Makes `warmupCalls` getBackup calls, collects garbage and reads the memory, then makes
 * `calls` more and reads it again. Resolves to { gc, afterWarmup, afterCalls }.
 */
async function measureMemory({ name, ids, warmupCalls, calls }) {
  const { loaded } = await clientModule(name);
  const target = await client(name);
  for (let i = 0; i < warmupCalls; i++) sink = await target.getBackup(ids[i % ids.length]);
  const gc = await collectGarbage();
  const afterWarmup = memorySnapshot(loaded.memory);
  for (let i = 0; i < calls; i++) sink = await target.getBackup(ids[i % ids.length]);
  sink = undefined;
  await collectGarbage();
  const afterCalls = memorySnapshot(loaded.memory);
  return { gc, afterWarmup, afterCalls };
}

window.bench = {
  backupIds,
  checkDecoders,
  checkGetBackup,
  checkRawGetBackup,
  listAll,
  measureMemory,
  timeDecoders,
  timeUnary,
};
