// Pure CSV and JSON serialization of backups for export. No DOM access.

import { durationBetween, phaseOf } from "./format.js";

// Spreadsheet programs evaluate a cell that starts with one of these characters as a
// formula. OWASP's CSV injection guidance lists tab and carriage return as well.
const FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"];

/**
 * Prefixes a cell with a single quote when a spreadsheet would read it as a formula,
 * so "=HYPERLINK(...)" from a backup name stays text when the file is opened.
 */
export function neutralizeFormula(text) {
  const value = String(text);
  return FORMULA_PREFIXES.some((prefix) => value.startsWith(prefix)) ? `'${value}` : value;
}

/**
 * Quotes one field per RFC 4180: a field that contains a double quote, comma, CR or
 * LF is enclosed in double quotes, and each double quote inside it is doubled.
 */
export function quoteCsvField(text) {
  const value = String(text);
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Serializes rows of cells to CSV text: formula guard first, then RFC 4180 quoting,
 * CRLF between records and after the last one. null and undefined become empty cells.
 */
export function toCsv(rows) {
  return rows
    .map((row) =>
      row
        .map((cell) => (cell === null || cell === undefined ? "" : cell))
        .map((cell) => quoteCsvField(neutralizeFormula(cell)))
        .join(","),
    )
    .map((line) => `${line}\r\n`)
    .join("");
}

/** CSV columns: header text and how to read the cell from a Backup (proto3 JSON). */
export const CSV_COLUMNS = [
  ["uid", (b) => b.meta?.uid],
  ["name", (b) => b.meta?.name],
  ["phase", (b) => phaseOf(b)],
  ["create_time", (b) => b.meta?.createTime],
  ["update_time", (b) => b.meta?.updateTime],
  ["start_time", (b) => b.status?.startTime],
  ["completion_time", (b) => b.status?.completionTime],
  ["duration_seconds", (b) => formatSeconds(durationBetween(b.status?.startTime, b.status?.completionTime))],
  ["file_size_bytes", (b) => b.status?.fileSize ?? "0"],
  ["backup_capability", (b) => b.config?.backupCapability],
  ["image_id", (b) => b.config?.references?.imageId],
  ["cloud_snap_id", (b) => b.status?.cloudSnapId],
  ["error_code", (b) => b.status?.errorCode],
  ["error_message", (b) => b.status?.errorMessage],
  ["parent_type", (b) => b.meta?.parentReference?.type],
  ["parent_uid", (b) => b.meta?.parentReference?.uid],
  ["labels", (b) => jsonOrEmpty(b.meta?.labels)],
  ["annotations", (b) => jsonOrEmpty(b.meta?.annotations)],
  ["resource_names", (b) => jsonOrEmpty(b.meta?.resourceNames)],
];

/** Serializes backups to CSV with a header row and one record per backup. */
export function backupsToCsv(backups) {
  const header = CSV_COLUMNS.map(([name]) => name);
  const records = backups.map((backup) => CSV_COLUMNS.map(([, read]) => read(backup)));
  return toCsv([header, ...records]);
}

/** Serializes backups to JSON text: the API's proto3 JSON objects, unchanged, in an array. */
export function backupsToJson(backups) {
  return `${JSON.stringify(backups, null, 2)}\n`;
}

function formatSeconds(milliseconds) {
  return milliseconds === null ? "" : String(milliseconds / 1000);
}

function jsonOrEmpty(map) {
  return map && Object.keys(map).length > 0 ? JSON.stringify(map) : "";
}
