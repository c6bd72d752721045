// The summary panel for the current filter: count per phase, total size and an inline
// SVG chart of backup size by creation time. The data comes from the pager's all().

import { el, svg } from "./dom.js";
import { PHASES, formatBytes, formatExactBytes } from "./format.js";
import { dotsPath, layoutChart, summarizeBackups } from "./summary-data.js";

const CHART = { width: 560, height: 180, left: 72, right: 12, top: 8, bottom: 24 };

/**
 * Loads all backups for `request` through the pager and renders the summary into `panel`.
 * Resolves when rendered. Rejects with the pager's error, and on abort does nothing more.
 */
export async function loadSummary(panel, client, request, { pageSize, signal }) {
  const progress = panel.querySelector("[data-summary-progress]");
  panel.setAttribute("aria-busy", "true");
  progress.textContent = "Loading…";

  try {
    const pager = client.pager(request, { pageSize });
    const backups = await pager.all({
      signal,
      onProgress: ({ backupsDone, totalRecords }) => {
        progress.textContent = `Loading ${Number(backupsDone).toLocaleString()} of ${Number(totalRecords).toLocaleString()}…`;
      },
    });
    if (signal.aborted) return;
    renderSummary(panel, summarizeBackups(backups));
    progress.textContent = "";
  } finally {
    if (!signal.aborted) panel.setAttribute("aria-busy", "false");
  }
}

/** Clears the summary figures, for example after a failed load. */
export function clearSummary(panel, message) {
  for (const output of panel.querySelectorAll("[data-stat]")) output.textContent = "—";
  panel.querySelector("[data-summary-progress]").textContent = message;
  panel.querySelector("[data-summary-chart]").replaceChildren();
  panel.setAttribute("aria-busy", "false");
}

function renderSummary(panel, summary) {
  const stat = (name) => panel.querySelector(`[data-stat="${name}"]`);
  stat("total").textContent = summary.count.toLocaleString();
  for (const phase of PHASES) stat(phase).textContent = summary.countByPhase[phase].toLocaleString();

  const totalSize = stat("size");
  totalSize.textContent = formatBytes(summary.totalBytes);
  totalSize.title = formatExactBytes(summary.totalBytes);

  panel.querySelector("[data-summary-chart]").replaceChildren(renderChart(summary.points));
}

function renderChart(points) {
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const layout = layoutChart(points, plotWidth, plotHeight);
  const title = `Backup size by creation time, ${points.length.toLocaleString()} backups`;

  const chart = svg("svg", {
    viewBox: `0 0 ${CHART.width} ${CHART.height}`,
    role: "img",
    "aria-label": title,
    className: "chart",
  });
  chart.append(svg("title", {}, title));
  if (points.length === 0) {
    chart.append(svg("text", { x: CHART.width / 2, y: CHART.height / 2, "text-anchor": "middle", className: "chart-label" }, "No backups"));
    return chart;
  }

  const plot = svg("g", { transform: `translate(${CHART.left} ${CHART.top})` });
  plot.append(...gridAndAxes(layout, plotWidth, plotHeight));
  for (const phase of PHASES) {
    const coordinates = layout.byPhase[phase];
    if (coordinates) plot.append(svg("path", { d: dotsPath(coordinates), className: `dots phase-${phase.toLowerCase()}` }));
  }
  chart.append(plot);
  return chart;
}

// Horizontal grid lines at each power of 1024 (and at 0 when present), and the
// first and last dates.
function gridAndAxes(layout, plotWidth, plotHeight) {
  const elements = [];
  for (const { y, bytes } of layout.ticks) {
    elements.push(
      svg("line", { x1: 0, x2: plotWidth, y1: y, y2: y, className: "grid" }),
      svg("text", { x: -8, y: y + 4, "text-anchor": "end", className: "chart-label" }, formatBytes(Math.round(bytes)).replace(".0 ", " ")),
    );
  }
  const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
  elements.push(
    svg("text", { x: 0, y: plotHeight + 18, className: "chart-label" }, dateFormat.format(layout.minTime)),
    svg("text", { x: plotWidth, y: plotHeight + 18, "text-anchor": "end", className: "chart-label" }, dateFormat.format(layout.maxTime)),
  );
  return elements;
}
