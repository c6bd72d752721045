// The detail panel: every field of one backup, fetched fresh with getBackup, plus the
// raw JSON. It is a modal <dialog>, so the browser keeps focus inside it.

import { el, copyText } from "./dom.js";
import { describeError, formatCode } from "./errors.js";
import { durationBetween, formatDuration, phaseOf } from "./format.js";
import { phaseBadge, sizeCell, timeCell } from "./table.js";

/**
 * Connects the detail dialog. Returns `open(backup)`, which shows `backup` at once,
 * then replaces it with the server's current copy from `getClient().getBackup`.
 * The panel's Delete button calls `onDelete(backup, button, closePanel)`.
 */
export function createDetailPanel(dialog, { getClient, getEndpoint, onDelete }) {
  const body = dialog.querySelector("[data-detail-body]");
  const title = dialog.querySelector("[data-detail-title]");
  const deleteButton = dialog.querySelector("[data-detail-delete]");
  let current = null;
  let controller = null;

  dialog.querySelector("[data-detail-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => controller?.abort());
  deleteButton.addEventListener("click", () => {
    if (current) onDelete(current, deleteButton, () => dialog.close());
  });

  return async function open(backup) {
    current = backup;
    render(backup, "Loading the current version…");
    if (!dialog.open) dialog.showModal();

    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    dialog.setAttribute("aria-busy", "true");
    try {
      const fresh = await getClient().getBackup(backup.meta?.uid ?? "", { signal });
      if (signal.aborted) return;
      current = fresh;
      render(fresh, "");
    } catch (error) {
      if (signal.aborted) return;
      const description = describeError(error, getEndpoint());
      render(backup, `Showing the listed version. ${description.title} ${formatCode(description)}: ${description.message}`);
    } finally {
      if (!signal.aborted) dialog.setAttribute("aria-busy", "false");
    }
  };

  function render(backup, notice) {
    title.textContent = backup.meta?.name || backup.meta?.uid || "Backup";
    body.replaceChildren(...renderSections(backup, notice).filter(Boolean));
  }
}

function renderSections(backup, notice) {
  const meta = backup.meta ?? {};
  const status = backup.status ?? {};
  const config = backup.config ?? {};
  const duration = durationBetween(status.startTime, status.completionTime);
  const json = JSON.stringify(backup, null, 2);

  const uidCopy = el("button", { type: "button", className: "icon", "aria-label": "Copy UID" }, "Copy");
  uidCopy.addEventListener("click", () => copyText(uidCopy, meta.uid ?? ""));
  const jsonCopy = el("button", { type: "button" }, "Copy JSON");
  jsonCopy.addEventListener("click", () => copyText(jsonCopy, json));

  return [
    notice ? el("p", { className: "notice", role: "status" }, notice) : null,
    section("Overview", [
      ["Name", "name", meta.name],
      ["UID", "uid", meta.uid ? [el("code", {}, meta.uid), uidCopy] : null],
      ["Description", "description", meta.description],
      ["Phase", "phase", phaseBadge(phaseOf(backup))],
      ["Created", "createTime", timeCell(meta.createTime)],
      ["Updated", "updateTime", timeCell(meta.updateTime)],
      ["Resource version", "resourceVersion", meta.resourceVersion],
    ]),
    section("Status", [
      ["Started", "startTime", timeCell(status.startTime)],
      ["Completed", "completionTime", timeCell(status.completionTime)],
      ["Duration", "duration", duration === null ? null : formatDuration(duration)],
      ["Size", "fileSize", sizeCell(status.fileSize)],
      ["Cloud snapshot ID", "cloudSnapId", status.cloudSnapId],
      ["Error code", "errorCode", status.errorCode],
      ["Error message", "errorMessage", status.errorMessage],
    ]),
    section("Configuration", [
      ["Backup capability", "backupCapability", config.backupCapability],
      ["Image ID", "imageId", config.references?.imageId],
    ]),
    section("Parent reference", [
      ["Type", "parentType", meta.parentReference?.type],
      ["Version", "parentVersion", meta.parentReference?.version],
      ["UID", "parentUid", meta.parentReference?.uid],
    ]),
    mapSection("Related resources", "resourceNames", meta.resourceNames, ["ID", "Name"]),
    mapSection("Labels", "labels", meta.labels, ["Key", "Value"]),
    mapSection("Annotations", "annotations", meta.annotations, ["Key", "Value"]),
    el(
      "section",
      { className: "detail-section" },
      el("div", { className: "section-heading" }, el("h3", {}, "Raw JSON"), jsonCopy),
      el("pre", { className: "raw-json", tabindex: "0", "data-field": "raw" }, json),
    ),
  ];
}

// Renders a titled definition list. A row whose value is missing shows a dash.
function section(heading, rows) {
  const list = el("dl", { className: "detail-list" });
  for (const [label, field, value] of rows) {
    const empty = value === null || value === undefined || value === "";
    const content = empty ? el("span", { className: "muted" }, "—") : value;
    list.append(el("dt", {}, label), el("dd", { "data-field": field }, content));
  }
  return el("section", { className: "detail-section" }, el("h3", {}, heading), list);
}

// Renders a string map (labels, annotations, resource names) as a two-column table.
function mapSection(heading, field, map, [keyHeader, valueHeader]) {
  const entries = Object.entries(map ?? {});
  const content =
    entries.length === 0
      ? el("p", { className: "muted" }, "None")
      : el(
          "table",
          { className: "map-table", "data-field": field },
          el("thead", {}, el("tr", {}, el("th", { scope: "col" }, keyHeader), el("th", { scope: "col" }, valueHeader))),
          el("tbody", {}, entries.map(([key, value]) => el("tr", {}, el("td", {}, el("code", {}, key)), el("td", {}, value)))),
        );
  return el("section", { className: "detail-section" }, el("h3", {}, heading), content);
}
