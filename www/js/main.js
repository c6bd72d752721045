// Dashboard entry point: loads the wasm package, connects the modules and keeps the
// view, the URL and the server's data in step.

import { loadCatalog } from "./catalog.js";
import { bindConnectionForm, createClient, loadSettings } from "./connection.js";
import { createDeleteDialog } from "./delete.js";
import { createDetailPanel } from "./detail.js";
import { describeError, formatCode } from "./errors.js";
import { createExporter, exportFileStem } from "./export.js";
import { createQueryControls } from "./query-controls.js";
import { clearSummary, loadSummary } from "./summary.js";
import { enableRowNavigation, renderRows } from "./table.js";
import { FILTER_KINDS, filterAndSort, formatView, listRequest, parseView, resolvePageSize } from "./view-state.js";

const PACKAGE_URL = "/pkg/pds_backup_web.js";

// NOTE: the grpc-web API does not report its maximum page size. 1000 is the dev
// server's default; a catalog with `maxPageSize` overrides it.
const DEFAULT_MAX_PAGE_SIZE = 1000;

const $ = (selector) => document.querySelector(selector);
const elements = {
  connectionPanel: $("#connection-panel"),
  connectionForm: $("#connection-form"),
  connectionState: $("#connection-state"),
  status: $("#status"),
  error: $("#error"),
  queryForm: $("#query-form"),
  summary: $("#summary"),
  summaryScope: $("#summary-scope"),
  resultsScope: $("#results-scope"),
  timeZone: $("#time-zone"),
  tableRegion: $("#table-region"),
  tbody: $("#backups tbody"),
  empty: $("#empty"),
  pageLabel: $("#page-label"),
  recordCount: $("#record-count"),
  pageFirst: $("#page-first"),
  pagePrevious: $("#page-previous"),
  pageNext: $("#page-next"),
  pageLast: $("#page-last"),
};

let pkg = null;
let client = null;
let settings = null;
let catalog = null;
let maxPageSize = DEFAULT_MAX_PAGE_SIZE;
let view = parseView(location.search);
let pagination = { totalRecords: 0, totalPages: 0 };
let currentBackups = [];
let listController = null;
let summaryController = null;

const queryControls = createQueryControls(elements.queryForm, { onChange: changeView });
const openDetail = createDetailPanel($("#detail-dialog"), {
  getClient: () => client,
  getEndpoint: () => settings.endpoint,
  onDelete: (backup, opener, closePanel) => confirmDelete(backup, opener, closePanel),
});
const confirmDelete = createDeleteDialog($("#delete-dialog"), {
  getClient: () => client,
  getEndpoint: () => settings.endpoint,
  onDeleted: removeDeletedBackup,
});
const startExport = createExporter(
  {
    panel: $("#export-progress"),
    bar: $("#export-bar"),
    text: $("#export-text"),
    cancelButton: $("#export-cancel"),
    startButtons: [$("#export-csv"), $("#export-json")],
  },
  () => ({
    client,
    request: filterAndSort(view),
    pageSize: maxPageSize,
    fileStem: exportFileStem(view),
    endpoint: settings.endpoint,
  }),
);

start();

async function start() {
  elements.timeZone.textContent = `Times in ${Intl.DateTimeFormat().resolvedOptions().timeZone}`;
  queryControls.setView(view);
  bindPageButtons();
  enableRowNavigation(elements.tbody);
  $("#export-csv").addEventListener("click", () => client && startExport("csv"));
  $("#export-json").addEventListener("click", () => client && startExport("json"));
  window.addEventListener("popstate", () => applyView(parseView(location.search), { push: false }));

  try {
    pkg = await import(PACKAGE_URL);
    await pkg.default();
  } catch (error) {
    setBusy(false);
    setConnectionState("Not connected", "error");
    showError({
      title: `Could not load the WebAssembly package from ${PACKAGE_URL}.`,
      hint: "Build it with wasm-pack and serve it at /pkg/.",
      code: null,
      message: String(error?.message ?? error),
    });
    return;
  }
  exposeConsoleApi();

  settings = loadSettings(location.origin);
  bindConnectionForm(elements.connectionForm, settings, connect);
  await connect(settings);
}

// Exposes the package and the live client as `window.pds` for devtools, for example
// `await pds.client.getBackup("...")`.
function exposeConsoleApi() {
  window.pds = {
    module: pkg,
    BackupClient: pkg.BackupClient,
    Code: pkg.Code,
    get client() {
      return client;
    },
    get view() {
      return { ...view };
    },
  };
}

async function connect(nextSettings) {
  settings = nextSettings;
  clearError();
  setBusy(true);
  try {
    client = createClient(pkg.BackupClient, settings);
  } catch (error) {
    client = null;
    listController?.abort();
    summaryController?.abort();
    clearTable();
    clearSummary(elements.summary, "");
    setBusy(false);
    setConnectionState("Not connected", "error");
    showError(describeError(error, settings.endpoint));
    return;
  }
  setConnectionState(`Connecting to ${settings.endpoint}…`, "pending");

  catalog = await loadCatalog(settings.endpoint);
  maxPageSize = catalog?.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
  queryControls.setCatalog(catalog, maxPageSize);
  await Promise.all([loadPage(), refreshSummary()]);
}

function changeView(changes) {
  applyView({ ...view, page: 1, ...changes }, { push: true });
}

function applyView(next, { push }) {
  const filterChanged = next.filterKind !== view.filterKind || next.filterId !== view.filterId;
  view = next;
  if (push) history.pushState(null, "", `${location.pathname}${formatView(view)}`);
  queryControls.setView(view);
  loadPage();
  if (filterChanged) refreshSummary();
}

async function loadPage() {
  if (!client) return;
  listController?.abort();
  listController = new AbortController();
  const { signal } = listController;
  setBusy(true);

  try {
    const response = await client.listBackups(listRequest(view, maxPageSize), { signal });
    if (signal.aborted) return;
    const nextPagination = readPagination(response.pagination);
    const backups = response.backups ?? [];

    // A deleted last row or a stale link can point past the last page: go to the last one.
    if (backups.length === 0 && view.page > 1 && view.page > nextPagination.totalPages) {
      view = { ...view, page: Math.max(nextPagination.totalPages, 1) };
      history.replaceState(null, "", `${location.pathname}${formatView(view)}`);
      loadPage();
      return;
    }

    pagination = nextPagination;
    currentBackups = backups;
    renderRows(elements.tbody, backups, { onOpen: openDetail, onDelete: confirmDelete });
    updatePageControls();
    setConnectionState(`Connected to ${settings.endpoint}`, "ok");
    clearError();
  } catch (error) {
    if (signal.aborted) return;
    clearTable();
    const description = describeError(error, settings.endpoint);
    setConnectionState("Not connected", "error");
    showError(description);
    if (description.code === pkg.Code.UNAUTHENTICATED || description.code === pkg.Code.UNAVAILABLE) {
      elements.connectionPanel.open = true;
    }
  } finally {
    if (!signal.aborted) setBusy(false);
  }
}

async function refreshSummary() {
  if (!client) return;
  summaryController?.abort();
  summaryController = new AbortController();
  const { signal } = summaryController;
  elements.summaryScope.textContent = describeFilter();

  // Oldest first, so the chart's points arrive in time order.
  const request = filterAndSort({ ...view, sort: "created", order: "asc" });
  try {
    await loadSummary(elements.summary, client, request, { pageSize: maxPageSize, signal });
  } catch (error) {
    if (signal.aborted) return;
    const description = describeError(error, settings.endpoint);
    clearSummary(elements.summary, `Summary unavailable: ${description.title}`);
  }
}

// Removes the deleted backup's row at once, then refills the page and the summary.
function removeDeletedBackup(backup) {
  const uid = backup.meta?.uid ?? "";
  elements.tbody.querySelector(`tr[data-uid="${CSS.escape(uid)}"]`)?.remove();
  showStatus(`Deleted backup ${backup.meta?.name || uid} (${uid}).`);
  loadPage();
  refreshSummary();
}

function bindPageButtons() {
  const goTo = (page) => {
    if (page !== view.page) applyView({ ...view, page }, { push: true });
  };
  elements.pageFirst.addEventListener("click", () => goTo(1));
  elements.pagePrevious.addEventListener("click", () => goTo(Math.max(view.page - 1, 1)));
  elements.pageNext.addEventListener("click", () => goTo(Math.min(view.page + 1, Math.max(pagination.totalPages, 1))));
  elements.pageLast.addEventListener("click", () => goTo(Math.max(pagination.totalPages, 1)));
}

function updatePageControls() {
  const totalPages = Math.max(pagination.totalPages, 1);
  elements.pageLabel.textContent = `Page ${view.page.toLocaleString()} of ${totalPages.toLocaleString()}`;
  const records = pagination.totalRecords;
  elements.recordCount.textContent = `${records.toLocaleString()} ${records === 1 ? "backup" : "backups"}`;
  elements.pageFirst.disabled = view.page <= 1;
  elements.pagePrevious.disabled = view.page <= 1;
  elements.pageNext.disabled = view.page >= totalPages;
  elements.pageLast.disabled = view.page >= totalPages;
  elements.empty.hidden = currentBackups.length > 0;
  elements.resultsScope.textContent = describeFilter();

  // Reserve the height of a full page, so the last page and the next load do not
  // make the layout jump.
  const reservedRows = Math.min(resolvePageSize(view, maxPageSize), Math.max(records, 1));
  elements.tableRegion.style.setProperty("--reserved-rows", String(reservedRows));
}

// Describes the active filter: "Deployment pg-prod (a1b2...)" or "All backups".
function describeFilter() {
  const filter = FILTER_KINDS.find((candidate) => candidate.kind === view.filterKind);
  if (!filter || !view.filterId) return "All backups";
  const fromCatalog = catalog?.itemsByKind[filter.kind]?.find((item) => item.id === view.filterId)?.name;
  const fromBackups = currentBackups.find((backup) => backup.meta?.resourceNames?.[view.filterId])?.meta
    ?.resourceNames?.[view.filterId];
  const name = fromCatalog ?? fromBackups;
  return name && name !== view.filterId ? `${filter.label} ${name} (${view.filterId})` : `${filter.label} ${view.filterId}`;
}

function clearTable() {
  pagination = { totalRecords: 0, totalPages: 0 };
  currentBackups = [];
  elements.tbody.replaceChildren();
  updatePageControls();
}

function readPagination(raw = {}) {
  // int64 values arrive as decimal strings, and proto3 JSON omits zeros.
  const read = (value) => (value === undefined ? 0 : Number(value));
  return { totalRecords: read(raw.totalRecords), totalPages: read(raw.totalPages) };
}

function setBusy(busy) {
  elements.tableRegion.setAttribute("aria-busy", String(busy));
}

function setConnectionState(text, state) {
  elements.connectionState.textContent = text;
  elements.connectionState.dataset.state = state;
}

function showStatus(text) {
  elements.status.textContent = text;
  elements.status.hidden = false;
}

function showError(description) {
  const { error } = elements;
  error.querySelector("[data-error-title]").textContent = description.title;
  error.querySelector("[data-error-hint]").textContent = description.hint;
  error.querySelector("[data-error-code]").textContent = formatCode(description);
  error.querySelector("[data-error-message]").textContent = description.message;
  error.hidden = false;
}

function clearError() {
  elements.error.hidden = true;
}
