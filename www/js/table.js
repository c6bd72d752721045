// The backups table: one row per backup, built from text nodes only.

import { copyIcon, copyText, el } from "./dom.js";
import {
  durationBetween,
  formatBytes,
  formatCapability,
  formatDuration,
  formatExactBytes,
  formatLocalTime,
  formatUtc,
  phaseLabel,
  phaseOf,
  shortenUid,
} from "./format.js";

/** Column headers, in order. Each cell carries its header as `data-label` for the narrow layout. */
export const COLUMNS = [
  "Name",
  "UID",
  "Phase",
  "Created",
  "Started",
  "Completed",
  "Duration",
  "Size",
  "Capability",
  "Error",
  "Actions",
];

/**
 * Replaces the rows of `tbody` with one row per backup. `onOpen(backup, button)` and
 * `onDelete(backup, button)` are called from the row's buttons.
 */
export function renderRows(tbody, backups, { onOpen, onDelete }) {
  const rows = backups.map((backup) => renderRow(backup, onOpen, onDelete));
  tbody.replaceChildren(...rows);
}

/** Builds a phase badge: a span with the phase label and a class for its color. */
export function phaseBadge(phase) {
  return el("span", { className: `badge phase-${phase.toLowerCase()}` }, phaseLabel(phase));
}

/**
 * Builds a <time> element showing local time, with exact UTC as its title. The table
 * leaves out seconds (`seconds: false`) to keep its columns narrow.
 */
export function timeCell(timestamp, { seconds = true } = {}) {
  if (!timestamp) return el("span", { className: "muted" }, "—");
  return el("time", { datetime: timestamp, title: formatUtc(timestamp) }, formatLocalTime(timestamp, { seconds }));
}

/** Builds a size element in binary units, with the exact byte count as its title. */
export function sizeCell(fileSize) {
  const value = fileSize ?? "0";
  return el("span", { title: formatExactBytes(value) }, formatBytes(value));
}

/**
 * Lets ArrowUp and ArrowDown move focus to the same column of the previous or next
 * row, so a keyboard user can walk the table without tabbing through every button.
 */
export function enableRowNavigation(tbody) {
  tbody.addEventListener("keydown", (event) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const cell = event.target.closest("td");
    if (!cell) return;
    const row = cell.parentElement;
    const target = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
    const focusable = target?.cells[cell.cellIndex]?.querySelector("button");
    if (!focusable) return;
    event.preventDefault();
    focusable.focus();
  });
}

function renderRow(backup, onOpen, onDelete) {
  const meta = backup.meta ?? {};
  const status = backup.status ?? {};
  const uid = meta.uid ?? "";
  const name = meta.name ?? "";
  const phase = phaseOf(backup);
  const duration = durationBetween(status.startTime, status.completionTime);

  const openButton = el("button", { type: "button", className: "link", title: name }, name || "(no name)");
  openButton.addEventListener("click", () => onOpen(backup, openButton));

  const copyButton = el("button", { type: "button", className: "icon", "aria-label": `Copy UID ${uid}`, title: "Copy UID" }, copyIcon());
  copyButton.addEventListener("click", () => copyText(copyButton, uid));

  const deleteButton = el(
    "button",
    { type: "button", className: "danger-quiet", "aria-label": `Delete backup ${name || uid}` },
    "Delete",
  );
  deleteButton.addEventListener("click", () => onDelete(backup, deleteButton));

  const error = [status.errorCode, status.errorMessage].filter(Boolean).join(": ");

  const cells = [
    [openButton],
    [el("code", { title: uid }, shortenUid(uid)), copyButton],
    [phaseBadge(phase)],
    [timeCell(meta.createTime, { seconds: false })],
    [timeCell(status.startTime, { seconds: false })],
    [timeCell(status.completionTime, { seconds: false })],
    [duration === null ? el("span", { className: "muted" }, "—") : formatDuration(duration)],
    [sizeCell(status.fileSize)],
    [el("span", { title: backup.config?.backupCapability ?? "" }, formatCapability(backup.config?.backupCapability))],
    [error ? el("span", { className: "error-text", title: error }, error) : ""],
    [deleteButton],
  ];

  const row = el("tr", { dataset: { uid, phase } });
  cells.forEach((content, index) => {
    row.append(el("td", { dataset: { label: COLUMNS[index] } }, ...content));
  });
  return row;
}
