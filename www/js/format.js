// Pure formatting helpers for backup values. No DOM access, so `node --test` can
// import this module directly.

const BINARY_UNITS = ["KiB", "MiB", "GiB", "TiB"];

/**
 * Parses an int64 value as proto3 JSON carries it (a decimal string) into a BigInt.
 * Returns null for a missing or non-integer value. A missing fileSize means 0 in
 * proto3, so callers decide whether null shows as "0 B" or as a dash.
 */
export function parseInt64(value) {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : null;
  if (typeof value !== "string" || !/^-?\d+$/.test(value)) return null;
  return BigInt(value);
}

/**
 * Formats a byte count in binary units: "512 B", "1.5 KiB", up to TiB, with one
 * decimal for KiB and above. Larger values stay in TiB ("2048.0 TiB").
 * Accepts a BigInt, a number or an int64 decimal string. Returns "" for an invalid value.
 */
export function formatBytes(value) {
  const bytes = parseInt64(value);
  if (bytes === null) return "";
  if (bytes < 0n) return `-${formatBytes(-bytes)}`;
  if (bytes < 1024n) return `${bytes} B`;

  // Number keeps 53 bits, which is exact enough for one decimal place.
  let scaled = Number(bytes);
  let unit = -1;
  while (unit < BINARY_UNITS.length - 1 && scaled >= 1024) {
    scaled /= 1024;
    unit += 1;
  }
  // 1023.96 KiB would round to "1024.0 KiB"; show it as the next unit instead.
  if (scaled.toFixed(1) === "1024.0" && unit < BINARY_UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  return `${scaled.toFixed(1)} ${BINARY_UNITS[unit]}`;
}

/** Formats an exact byte count with digit grouping: "1,048,576 bytes". */
export function formatExactBytes(value, locale = "en-US") {
  const bytes = parseInt64(value);
  if (bytes === null) return "";
  const unit = bytes === 1n ? "byte" : "bytes";
  return `${bytes.toLocaleString(locale)} ${unit}`;
}

/**
 * Formats a duration in milliseconds: "850 ms", "42s", "3m 05s", "1h 02m 03s",
 * "2d 04h 10m". Returns "" for a negative or non-finite value.
 */
export function formatDuration(milliseconds) {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return "";
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;

  const totalSeconds = Math.floor(milliseconds / 1000);
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (n) => String(n).padStart(2, "0");

  if (days > 0) return `${days}d ${pad(hours)}h ${pad(minutes)}m`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m ${pad(seconds)}s`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds}s`;
}

/**
 * Returns the milliseconds between two RFC 3339 timestamps, or null when either is
 * missing or invalid.
 */
export function durationBetween(startTime, endTime) {
  if (!startTime || !endTime) return null;
  const start = Date.parse(startTime);
  const end = Date.parse(endTime);
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return end - start;
}

/** Formats an RFC 3339 timestamp as exact UTC: "2024-03-01 12:00:05.250 UTC". */
export function formatUtc(timestamp) {
  if (!timestamp) return "";
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) return String(timestamp);
  const iso = new Date(millis).toISOString(); // 2024-03-01T12:00:05.250Z
  const withoutZeroMillis = iso.endsWith(".000Z") ? iso.slice(0, -5) : iso.slice(0, -1);
  return `${withoutZeroMillis.replace("T", " ")} UTC`;
}

/**
 * Formats an RFC 3339 timestamp in a time zone (the viewer's by default) as
 * "2024-03-01 13:00:05", or "2024-03-01 13:00" with `seconds: false`. The fixed
 * layout keeps table columns narrow and sorts as text. Returns the input unchanged
 * when it does not parse.
 */
export function formatLocalTime(timestamp, { timeZone, seconds = true } = {}) {
  if (!timestamp) return "";
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) return String(timestamp);
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const parts = Object.fromEntries(format.formatToParts(new Date(millis)).map((part) => [part.type, part.value]));
  const minutes = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  return seconds ? `${minutes}:${parts.second}` : minutes;
}

const CAPABILITY_PREFIX = "pds_backup_capability_";

/** Shortens a backup capability for the table: "pds_backup_capability_cloudsnap" becomes "cloudsnap". */
export function formatCapability(capability) {
  if (typeof capability !== "string") return "";
  return capability.startsWith(CAPABILITY_PREFIX) && capability.length > CAPABILITY_PREFIX.length
    ? capability.slice(CAPABILITY_PREFIX.length)
    : capability;
}

/** Shortens a UID to its first 8 characters plus an ellipsis; short values stay whole. */
export function shortenUid(uid, length = 8) {
  if (typeof uid !== "string") return "";
  return uid.length > length + 1 ? `${uid.slice(0, length)}…` : uid;
}

/** Backup phases, as the API names them. proto3 JSON omits PHASE_UNSPECIFIED. */
export const PHASES = ["COMPLETED", "FAILED", "QUEUED", "PHASE_UNSPECIFIED"];

/** Returns a backup's phase, with an omitted phase read as PHASE_UNSPECIFIED. */
export function phaseOf(backup) {
  return backup?.status?.phase || "PHASE_UNSPECIFIED";
}

/** Human label for a phase: "Completed", "Failed", "Queued", "Unspecified". */
export function phaseLabel(phase) {
  switch (phase) {
    case "COMPLETED":
      return "Completed";
    case "FAILED":
      return "Failed";
    case "QUEUED":
      return "Queued";
    case "PHASE_UNSPECIFIED":
    case undefined:
    case "":
      return "Unspecified";
    default:
      return String(phase);
  }
}
