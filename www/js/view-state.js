// The dashboard view (filter, sort, page, page size) and its query-string form.
// Pure: reading and writing `location` is main.js's job, so `node --test` can import this.

/**
 * Filter kinds: the URL value, the ListBackupsRequest field (one member of the
 * `list_by` oneof), and the label shown in the picker.
 */
export const FILTER_KINDS = [
  { kind: "deployment", field: "deploymentId", label: "Deployment" },
  { kind: "target-cluster", field: "targetClusterId", label: "Target cluster" },
  { kind: "namespace", field: "namespaceId", label: "Namespace" },
  { kind: "backup-config", field: "backupConfigId", label: "Backup configuration" },
];

/** Sort fields: the URL value and the API's SortBy.Field name. */
export const SORT_FIELDS = [
  { key: "name", sortBy: "NAME", label: "Name" },
  { key: "created", sortBy: "CREATED_AT", label: "Created" },
  { key: "updated", sortBy: "UPDATED_AT", label: "Updated" },
  { key: "phase", sortBy: "PHASE", label: "Phase" },
];

/** Page sizes offered. "max" stands for the server's maximum page size. */
export const PAGE_SIZES = ["10", "25", "50", "100", "max"];

export const DEFAULT_VIEW = Object.freeze({
  filterKind: "",
  filterId: "",
  sort: "created",
  order: "desc",
  page: 1,
  pageSize: "25",
});

/**
 * Reads a view from a query string ("?by=namespace&id=ns-1&sort=name&order=asc&page=2&size=50").
 * Unknown or invalid values fall back to the defaults, so a hand-edited link still opens.
 */
export function parseView(search) {
  const params = new URLSearchParams(search);
  const view = { ...DEFAULT_VIEW };

  const kind = params.get("by") ?? "";
  const id = (params.get("id") ?? "").trim();
  if (FILTER_KINDS.some((filter) => filter.kind === kind) && id !== "") {
    view.filterKind = kind;
    view.filterId = id;
  }

  const sort = params.get("sort");
  if (SORT_FIELDS.some((field) => field.key === sort)) view.sort = sort;

  const order = params.get("order");
  if (order === "asc" || order === "desc") view.order = order;

  const page = Number(params.get("page"));
  if (Number.isSafeInteger(page) && page >= 1) view.page = page;

  const size = params.get("size");
  if (PAGE_SIZES.includes(size)) view.pageSize = size;

  return view;
}

/** Writes a view as a query string, leaving out values equal to the defaults. */
export function formatView(view) {
  const params = new URLSearchParams();
  if (view.filterKind && view.filterId) {
    params.set("by", view.filterKind);
    params.set("id", view.filterId);
  }
  if (view.sort !== DEFAULT_VIEW.sort) params.set("sort", view.sort);
  if (view.order !== DEFAULT_VIEW.order) params.set("order", view.order);
  if (view.page !== DEFAULT_VIEW.page) params.set("page", String(view.page));
  if (view.pageSize !== DEFAULT_VIEW.pageSize) params.set("size", view.pageSize);
  const query = params.toString();
  return query === "" ? "" : `?${query}`;
}

/** Resolves the view's page size to a number, with "max" read as `maxPageSize`. */
export function resolvePageSize(view, maxPageSize) {
  return view.pageSize === "max" ? maxPageSize : Number(view.pageSize);
}

/** Builds the ListBackupsRequest filter and sort for a view, without pagination. */
export function filterAndSort(view) {
  const request = {};
  const filter = FILTER_KINDS.find((candidate) => candidate.kind === view.filterKind);
  if (filter && view.filterId) request[filter.field] = view.filterId;

  const field = SORT_FIELDS.find((candidate) => candidate.key === view.sort) ?? SORT_FIELDS[1];
  request.sort = { sortBy: field.sortBy, sortOrder: view.order === "asc" ? "ASC" : "DESC" };
  return request;
}

/** Builds the full ListBackupsRequest for the view's current page. */
export function listRequest(view, maxPageSize) {
  return {
    ...filterAndSort(view),
    pagination: { pageNumber: view.page, pageSize: resolvePageSize(view, maxPageSize) },
  };
}
