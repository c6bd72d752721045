// The query semantics of the dev server's BackupService, written again in JavaScript on
// Connect-ES messages so that the Connect server responds as the dev server does:
//
// - list_by filters by deployment, target cluster, namespace or backup configuration. An
//   unknown id matches nothing, and an empty id is INVALID_ARGUMENT.
// - Sorting by NAME (UTF-8 byte order), CREATED_AT, UPDATED_AT or PHASE (enum number) is
//   ascending unless sort_order is DESC. Ties are broken by UID ascending. No sort, or
//   FIELD_UNSPECIFIED, orders by creation time, newest first, and ignores sort_order.
//   Enum numbers that the schema does not define are INVALID_ARGUMENT.
// - page_number counts from 1, and 0 means 1. page_size 0 means 50, and sizes above
//   MAX_PAGE_SIZE are INVALID_ARGUMENT. Negative values are INVALID_ARGUMENT.
// - A page past the last has no backups, next_page -1 and prev_page the last page.
//   Without matches, total_pages is 0 and next_page and prev_page are -1.
//
// Error messages are the dev server's, word for word, so tests can compare them.

import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";

import { ListBackupsResponseSchema } from "../../target/interop/gen/current/public/portworx/pds/backup/apiv1/backup_pb.js";
import { PageBasedPaginationResponseSchema } from "../../target/interop/gen/current/public/portworx/common/apiv1/pagination_pb.js";
import { SortBy_Field, SortOrder_Value } from "../../target/interop/gen/current/public/portworx/common/apiv1/sort_pb.js";
import { BadRequestSchema } from "../../target/interop/gen/rpc/google/rpc/error_details_pb.js";

/** Largest page_size a list request may ask for, as the dev server's --max-page-size default. */
export const MAX_PAGE_SIZE = 1000n;
/** page_size used when a request leaves it at 0. */
export const DEFAULT_PAGE_SIZE = 50n;

/** Filter fields of ListBackupsRequest.list_by: the oneof case, its proto name and catalog list. */
const FILTERS = {
  deploymentId: { field: "deployment_id", kind: "deployments" },
  targetClusterId: { field: "target_cluster_id", kind: "targetClusters" },
  namespaceId: { field: "namespace_id", kind: "namespaces" },
  backupConfigId: { field: "backup_config_id", kind: "backupConfigs" },
};

/** Builds the dev server's INVALID_ARGUMENT error, with a google.rpc.BadRequest detail. */
function invalidArgument(field, description) {
  return new ConnectError(`invalid ${field}: ${description}`, Code.InvalidArgument, undefined, [
    { desc: BadRequestSchema, value: { fieldViolations: [{ field, description }] } },
  ]);
}

/** Rust's `{:?}` form of a string without control characters: quoted, with `"` and `\` escaped. */
function debugString(text) {
  return JSON.stringify(text);
}

function compareBytes(a, b) {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function compareBigInt(a, b) {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/** Orders timestamps by seconds, then nanos; a missing timestamp sorts first. */
function compareTimestamps(a, b) {
  if (a === undefined || b === undefined) return (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1);
  return compareBigInt(a.seconds, b.seconds) || a.nanos - b.nanos;
}

/**
 * Backups keyed by UID, with the ids each can be listed by. `catalog` is the dev server's
 * /devserver/catalog.json: it names which key of meta.resource_names is the deployment,
 * the target cluster, the namespace and the backup configuration.
 */
export class BackupStore {
  constructor(backups, catalog) {
    const kindOf = new Map();
    for (const [caseName, { kind }] of Object.entries(FILTERS)) {
      for (const item of catalog[kind]) kindOf.set(item.id, caseName);
    }
    this.records = new Map();
    for (const backup of backups) {
      const ids = {};
      for (const key of Object.keys(backup.meta?.resourceNames ?? {})) {
        const caseName = kindOf.get(key);
        if (caseName) ids[caseName] = key;
      }
      this.records.set(backup.meta.uid, { backup, ids });
    }
  }

  get size() {
    return this.records.size;
  }

  get(id) {
    requireId(id);
    const record = this.records.get(id);
    if (!record) throw new ConnectError(`backup ${debugString(id)} not found`, Code.NotFound);
    return record.backup;
  }

  delete(id) {
    requireId(id);
    if (!this.records.delete(id)) throw new ConnectError(`backup ${debugString(id)} not found`, Code.NotFound);
  }

  list(request) {
    const filter = parseFilter(request.listBy);
    const compare = parseOrder(request.sort);
    const page = parsePage(request.pagination);

    const matches = [...this.records.values()].filter((record) => !filter || record.ids[filter.case] === filter.value);
    matches.sort(compare);

    const totalRecords = BigInt(matches.length);
    const offset = (page.number - 1n) * page.size;
    const backups = offset >= totalRecords ? [] : matches.slice(Number(offset), Number(offset + page.size)).map((record) => record.backup);
    return create(ListBackupsResponseSchema, { backups, pagination: paginationResponse(page, totalRecords) });
  }
}

function requireId(id) {
  if (id === "") throw invalidArgument("id", "missing backup id: set id to the UID of a backup");
}

function parseFilter(listBy) {
  if (listBy.case === undefined) return undefined;
  if (listBy.value === "") {
    const { field } = FILTERS[listBy.case];
    throw invalidArgument(field, `${field} is set but empty: set it to a UID, or leave list_by unset to list all backups`);
  }
  return listBy;
}

function parseOrder(sort) {
  const field = sort?.sortBy ?? SortBy_Field.FIELD_UNSPECIFIED;
  const order = sort?.sortOrder ?? SortOrder_Value.VALUE_UNSPECIFIED;
  if (!(field in SortBy_Field)) {
    throw invalidArgument(
      "sort.sort_by",
      `unknown sort field ${field}: expected 0 (FIELD_UNSPECIFIED), 1 (NAME), 2 (CREATED_AT), 3 (UPDATED_AT) or 4 (PHASE)`,
    );
  }
  if (!(order in SortOrder_Value)) {
    throw invalidArgument("sort.sort_order", `unknown sort order ${order}: expected 0 (VALUE_UNSPECIFIED), 1 (ASC) or 2 (DESC)`);
  }

  const primary = {
    [SortBy_Field.FIELD_UNSPECIFIED]: (a, b) => compareTimestamps(b.backup.meta?.createTime, a.backup.meta?.createTime),
    [SortBy_Field.NAME]: (a, b) => compareBytes(a.backup.meta?.name ?? "", b.backup.meta?.name ?? ""),
    [SortBy_Field.CREATED_AT]: (a, b) => compareTimestamps(a.backup.meta?.createTime, b.backup.meta?.createTime),
    [SortBy_Field.UPDATED_AT]: (a, b) => compareTimestamps(a.backup.meta?.updateTime, b.backup.meta?.updateTime),
    [SortBy_Field.PHASE]: (a, b) => (a.backup.status?.phase ?? 0) - (b.backup.status?.phase ?? 0),
  }[field];
  const sign = order === SortOrder_Value.DESC && field !== SortBy_Field.FIELD_UNSPECIFIED ? -1 : 1;
  return (a, b) => sign * primary(a, b) || compareBytes(a.backup.meta.uid, b.backup.meta.uid);
}

function parsePage(pagination) {
  const number = pagination?.pageNumber ?? 0n;
  const size = pagination?.pageSize ?? 0n;
  if (number < 0n) {
    throw invalidArgument(
      "pagination.page_number",
      `page_number must not be negative, got ${number}: pages are numbered from 1, and 0 means the first page`,
    );
  }
  if (size < 0n) {
    throw invalidArgument("pagination.page_size", `page_size must not be negative, got ${size}: use 0 for the default of ${DEFAULT_PAGE_SIZE}`);
  }
  if (size > MAX_PAGE_SIZE) {
    throw invalidArgument("pagination.page_size", `page_size ${size} exceeds the maximum of ${MAX_PAGE_SIZE}`);
  }
  return { number: number === 0n ? 1n : number, size: size === 0n ? DEFAULT_PAGE_SIZE : size };
}

function paginationResponse(page, totalRecords) {
  const totalPages = (totalRecords + page.size - 1n) / page.size;
  const nextPage = page.number < totalPages ? page.number + 1n : -1n;
  let prevPage = page.number - 1n;
  if (totalPages === 0n || page.number === 1n) prevPage = -1n;
  else if (page.number > totalPages) prevPage = totalPages;
  return create(PageBasedPaginationResponseSchema, {
    totalRecords,
    currentPage: page.number,
    pageSize: page.size,
    totalPages,
    nextPage,
    prevPage,
  });
}
