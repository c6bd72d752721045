// Export of every backup for the current filter and sort, as CSV or JSON, through
// the pager's all() with a progress bar and a Cancel button.

import { backupsToCsv, backupsToJson } from "./csv.js";
import { describeError, formatCode } from "./errors.js";

const FORMATS = {
  csv: { type: "text/csv;charset=utf-8", serialize: backupsToCsv },
  json: { type: "application/json", serialize: backupsToJson },
};

/**
 * Connects the export controls. Returns `startExport(format)`, where format is "csv"
 * or "json". `getExportSource()` returns `{ client, request, pageSize, fileStem, endpoint }`
 * for the current view. One export runs at a time, and the buttons are disabled while it runs.
 */
export function createExporter(controls, getExportSource) {
  const { panel, bar, text, cancelButton, startButtons } = controls;
  let controller = null;

  cancelButton.addEventListener("click", () => controller?.abort());

  return async function startExport(format) {
    if (controller) return;
    const { client, request, pageSize, fileStem, endpoint } = getExportSource();
    controller = new AbortController();
    const { signal } = controller;
    setRunning(true);
    bar.removeAttribute("value"); // indeterminate until the first page arrives
    text.textContent = "Starting export…";

    try {
      const backups = await client.pager(request, { pageSize }).all({
        signal,
        onProgress: ({ pagesDone, totalPages, backupsDone, totalRecords }) => {
          bar.max = Math.max(Number(totalPages), 1);
          bar.value = Number(pagesDone);
          text.textContent = `Fetched ${Number(backupsDone).toLocaleString()} of ${Number(totalRecords).toLocaleString()} backups`;
        },
      });
      const { type, serialize } = FORMATS[format];
      download(new Blob([serialize(backups)], { type }), `${fileStem}.${format}`);
      text.textContent = `Exported ${backups.length.toLocaleString()} backups to ${fileStem}.${format}.`;
    } catch (error) {
      if (signal.aborted) {
        text.textContent = "Export canceled.";
      } else {
        const description = describeError(error, endpoint);
        text.textContent = `Export failed: ${description.title} ${formatCode(description)} ${description.message}`;
      }
    } finally {
      controller = null;
      setRunning(false);
    }
  };

  function setRunning(running) {
    panel.hidden = false;
    panel.setAttribute("aria-busy", String(running));
    bar.hidden = !running;
    cancelButton.hidden = !running;
    for (const button of startButtons) button.disabled = running;
  }
}

/**
 * Builds a file name stem from the view: "pds-backups-namespace-ns-1-20240301-120005".
 * Characters outside [A-Za-z0-9._-] in the filter ID become "_".
 */
export function exportFileStem(view, now = new Date()) {
  const stamp = now.toISOString().slice(0, 19).replaceAll("-", "").replace("T", "-").replaceAll(":", "");
  const filter = view.filterKind ? `-${view.filterKind}-${view.filterId.replace(/[^A-Za-z0-9._-]/g, "_")}` : "";
  return `pds-backups${filter}-${stamp}`;
}

function download(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: Chromium reads the blob asynchronously after the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
