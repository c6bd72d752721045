// The package's performance targets, each judged met, not met, or not measured (null).

import { formatMs } from "./stats.mjs";

/** 70 KB, taken as 70,000 bytes. */
const SIZE_BUDGET_BYTES = 70_000;
const DECODE_SIZE = 1000;
const MAX_RATIO_TO_JSON_PARSE = 2;
const MIN_PREFETCH_SPEEDUP = 2.5;
const MAX_MEMORY_GROWTH_BYTES = 1024 * 1024;

const ms = formatMs;

/** Returns the targets with the measured value of each. */
export function evaluateTargets(results) {
  const targets = [];

  const size = results.sizes.package.wasmPlusGlue.gzip;
  targets.push({
    target: ".wasm + JS glue ≤ 70 KB (70,000 bytes) gzip",
    value: `${size.toLocaleString("en-US")} bytes`,
    met: size <= SIZE_BUDGET_BYTES,
  });

  const decode = results.decode[DECODE_SIZE]?.decoders;
  const decodeTarget = (target, peer, isMet, describe) =>
    targets.push(
      decode
        ? { target, value: describe(decode.package.median, decode[peer].median), met: isMet(decode.package.median, decode[peer].median) }
        : { target, value: `not measured: no run with ${DECODE_SIZE} backups`, met: null },
    );
  const faster = (own, peer) => `${ms(own)} vs ${ms(peer)} (${(peer / own).toFixed(2)}x)`;
  decodeTarget("decode 1,000 backups faster than Connect-ES", "connect", (own, peer) => own < peer, faster);
  decodeTarget("decode 1,000 backups faster than protobuf-ts", "protobuf-ts", (own, peer) => own < peer, faster);
  decodeTarget(
    "decode 1,000 backups within 2x of JSON.parse",
    "JSON.parse",
    (own, floor) => own <= MAX_RATIO_TO_JSON_PARSE * floor,
    (own, floor) => `${ms(own)} vs ${ms(floor)} (${(own / floor).toFixed(2)}x JSON.parse)`,
  );

  const sequential = results.pager.variants["package sequential"];
  const prefetch = results.pager.variants["package concurrent"];
  const prefetchTarget = "listing with prefetch ≥ 2.5x faster than sequential (20 ms latency)";
  if (prefetch.unavailable) {
    targets.push({ target: prefetchTarget, value: "not measured: pager.all() has no concurrency option", met: null });
  } else {
    const speedup = sequential.median / prefetch.median;
    targets.push({
      target: prefetchTarget,
      value: `${ms(prefetch.median)} vs ${ms(sequential.median)} (${speedup.toFixed(2)}x)`,
      met: speedup >= MIN_PREFETCH_SPEEDUP,
    });
  }

  const memory = results.memory.package;
  const calls = results.settings.memory.calls.toLocaleString("en-US");
  targets.push({
    target: `memory growth after warm-up < 1 MiB over ${calls} calls (wasm + JS heap)`,
    value: `${memory.totalGrowth.toLocaleString("en-US")} bytes (wasm ${memory.wasmGrowth.toLocaleString("en-US")}, JS heap ${memory.jsHeapGrowth.toLocaleString("en-US")})`,
    met: memory.totalGrowth < MAX_MEMORY_GROWTH_BYTES,
  });
  return targets;
}
