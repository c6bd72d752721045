// Pure aggregation and chart geometry for the summary panel. No DOM access.

import { PHASES, parseInt64, phaseOf } from "./format.js";

/**
 * Summarizes backups: the count per phase (every phase present, zero when absent),
 * the total file size as a BigInt, and one chart point per backup that has a create time.
 */
export function summarizeBackups(backups) {
  const countByPhase = Object.fromEntries(PHASES.map((phase) => [phase, 0]));
  let totalBytes = 0n;
  const points = [];

  for (const backup of backups) {
    const phase = phaseOf(backup);
    countByPhase[phase] = (countByPhase[phase] ?? 0) + 1;

    const bytes = parseInt64(backup.status?.fileSize ?? "0") ?? 0n;
    totalBytes += bytes;

    const time = Date.parse(backup.meta?.createTime ?? "");
    if (!Number.isNaN(time)) points.push({ time, bytes: Number(bytes), phase });
  }

  return { count: backups.length, countByPhase, totalBytes, points };
}

// Height at the bottom of the plot kept for backups of size 0 (failed or queued), so
// they do not sit on the smallest size tick.
const ZERO_BAND = 14;

// Vertical distance between two tick labels, in plot units, below which they overlap.
const MIN_LABEL_GAP = 14;

/**
 * Lays out chart points in a `width` x `height` plot area: x is linear in time, y is
 * logarithmic in bytes, because sizes span from kilobytes to terabytes. The y axis runs
 * from the power of 1024 at or below the smallest size to the largest size, with a tick
 * at each power of 1024 and at the largest size. Points of size 0 sit on the bottom
 * edge, below the log axis.
 * Returns `{ minTime, maxTime, ticks: [{ y, bytes }], byPhase: { PHASE: [[x, y], ...] } }`
 * with coordinates rounded to 0.1. One point (or one distinct time) is centered horizontally.
 */
export function layoutChart(points, width, height) {
  if (points.length === 0) return { minTime: null, maxTime: null, ticks: [], byPhase: {} };

  let minTime = Infinity;
  let maxTime = -Infinity;
  let minBytes = Infinity;
  let maxBytes = 0;
  for (const point of points) {
    minTime = Math.min(minTime, point.time);
    maxTime = Math.max(maxTime, point.time);
    if (point.bytes > 0) minBytes = Math.min(minBytes, point.bytes);
    maxBytes = Math.max(maxBytes, point.bytes);
  }

  // The axis in exponents of 1024 (1 = KiB, 2 = MiB, ...), at least one power tall.
  const hasPositive = maxBytes > 0;
  const low = hasPositive ? Math.floor(Math.log(minBytes) / Math.log(1024)) : 0;
  const high = Math.max(hasPositive ? Math.log(maxBytes) / Math.log(1024) : 1, low + 1);
  const logHeight = height - ZERO_BAND;
  const yForBytes = (bytes) => {
    if (bytes <= 0) return height;
    const exponent = Math.log(bytes) / Math.log(1024);
    return logHeight - ((exponent - low) / (high - low)) * logHeight;
  };

  const round = (value) => Math.round(value * 10) / 10;
  const timeSpan = maxTime - minTime;
  const byPhase = {};
  for (const point of points) {
    const x = timeSpan === 0 ? width / 2 : ((point.time - minTime) / timeSpan) * width;
    (byPhase[point.phase] ??= []).push([round(x), round(yForBytes(point.bytes))]);
  }

  const ticks = [];
  for (let exponent = low; exponent <= Math.floor(high + 1e-9); exponent += 1) {
    ticks.push({ y: round(yForBytes(1024 ** exponent)), bytes: 1024 ** exponent });
  }
  // A tick at the largest size, unless its label would overlap the last power's label.
  const lastPowerY = ticks.length > 0 ? ticks[ticks.length - 1].y : height;
  if (hasPositive && lastPowerY >= MIN_LABEL_GAP) ticks.push({ y: 0, bytes: maxBytes });
  if (points.some((point) => point.bytes <= 0)) ticks.push({ y: height, bytes: 0 });
  return { minTime, maxTime, ticks, byPhase };
}

/**
 * Builds an SVG path that draws each coordinate as a dot: a zero-length segment,
 * made visible by a round line cap. One path per phase keeps the DOM small for
 * tens of thousands of points.
 */
export function dotsPath(coordinates) {
  return coordinates.map(([x, y]) => `M${x} ${y}h0`).join("");
}
