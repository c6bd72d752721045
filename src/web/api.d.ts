// Option, pager and error types of the JS API. The protos do not define them, so they are
// written by hand; src/web/api.rs adds this file to the package's .d.ts.

/**
 * Options of `new BackupClient(baseUrl, options)`. An unknown option name or an invalid
 * value throws a {@link GrpcError} with code `INVALID_ARGUMENT` that names the option.
 */
export interface BackupClientOptions {
  /** Bearer token, sent as `authorization: Bearer <token>` with every call. */
  token?: string;
  /** PDS account id, sent as `px-account-id` with every call. */
  accountId?: string;
  /**
   * Metadata sent with every call, by header name, such as `{ "x-request-id": "abc" }`.
   * Names that the client sets itself, such as `content-type` and `grpc-timeout`, throw.
   */
  headers?: { [name: string]: string | undefined };
  /**
   * Deadline of every call in milliseconds, from 1 to 2147483647, sent as `grpc-timeout`
   * and enforced by a local timer. Default: no deadline.
   */
  timeoutMs?: number;
  /** Credentials mode of every `fetch`. Default: `"same-origin"`. */
  credentials?: "omit" | "same-origin" | "include";
  /** Largest response message accepted, in bytes. Default: 4194304 (4 MiB). */
  maxResponseBytes?: number;
  /**
   * Retries of `getBackup` and `listBackups`, and of the pages that a pager fetches, on
   * `UNAVAILABLE` and on `RESOURCE_EXHAUSTED` with a server's retry delay. `deleteBackup`
   * is never retried. Default: no retries; `{}` takes the defaults of every field.
   */
  retry?: RetryOptions;
}

/** The client's `retry` option: exponential backoff with jitter, within each call's deadline. */
export interface RetryOptions {
  /** Attempts in all, the first one included, from 1 to 10. Default: 3. */
  maxAttempts?: number;
  /** Backoff before the first retry, in milliseconds, up to 60000. Default: 100. */
  initialBackoffMs?: number;
  /** Largest backoff, in milliseconds, from `initialBackoffMs` to 60000. Default: 5000. */
  maxBackoffMs?: number;
}

/** Options of one call, passed last to `getBackup`, `deleteBackup` and `listBackups`. */
export interface CallOptions {
  /**
   * Deadline of this call in milliseconds, from 1 to 2147483647; overrides the client's
   * `timeoutMs`. A call past its deadline rejects with `Code.DEADLINE_EXCEEDED`.
   */
  timeoutMs?: number;
  /** Aborts the call: the fetch is cut and the call rejects with `Code.CANCELLED`. */
  signal?: AbortSignal;
  /** Metadata for this call, added to the client's `headers` and overriding them by name. */
  headers?: { [name: string]: string | undefined };
}

/** Options of `client.pager(request, options)`. */
export interface PagerOptions {
  /**
   * Backups per page, a positive integer: a number or a decimal string. Default: the
   * request's `pagination.pageSize`, or else the server's default page size.
   */
  pageSize?: number | string;
}

/** Options of `pager.all(options)`. */
export interface PagerAllOptions {
  /**
   * Called after each page. When it returns a promise, the walk waits for it. An exception
   * that it throws, or a rejection of its promise, stops the walk and rejects `all()` with
   * a `GrpcError` of code `UNKNOWN` whose `cause` is the thrown value.
   */
  onProgress?: (progress: PagerProgress) => unknown;
  /** Aborts the walk: the fetches are cut and `all()` rejects with `Code.CANCELLED`. */
  signal?: AbortSignal;
  /** Pages fetched at once, from 1 to 16; they are still checked and collected in order. Default: 6. */
  concurrency?: number;
}

/** Progress of `pager.all()`, passed to `onProgress` after each page. */
export interface PagerProgress {
  /** Pages fetched so far. */
  pagesDone: number;
  /** Pages in the listing, as the first response announced. */
  totalPages: number;
  /** Backups collected so far. */
  backupsDone: number;
  /** Backups in the listing, as the latest response reported. */
  totalRecords: number;
}

/**
 * A pager is an async iterable over the pages after its current one:
 * `for await (const page of pager)` calls `next()` until it resolves to `null`.
 */
export interface BackupPager {
  [Symbol.asyncIterator](): AsyncIterator<ListBackupsResponse>;
}

/** The name of a gRPC status code, such as `"NOT_FOUND"`. */
export type CodeName = keyof typeof Code;

/**
 * The error that calls reject with, and that `new BackupClient()` and `client.pager()`
 * throw for invalid arguments. It is an `Error` whose `message` starts with the code in
 * lower case, such as `"[not_found] backup 42 not found"`.
 *
 * Recognise it by its name: `error instanceof Error && error.name === "GrpcError"`.
 */
export interface GrpcError extends Error {
  name: "GrpcError";
  /** The gRPC status code, for comparisons such as `error.code === Code.NOT_FOUND`. */
  code: Code;
  /** The name of `code`, such as `"NOT_FOUND"`. */
  codeName: CodeName;
  /** The server's `grpc-message`, decoded, or the client's own message. */
  rawMessage: string;
  /**
   * Response headers and trailers by lowercase name; repeated names are joined with
   * `", "`. A failed HTTP response keeps its status under `"http-status"`.
   */
  metadata: { [name: string]: string };
  /** The decoded `grpc-status-details-bin` trailer, or an empty array. */
  details: ErrorDetail[];
}

/**
 * One entry of a {@link GrpcError}'s `details`: a `google.protobuf.Any` in its proto3 JSON
 * form. An entry of a standard `google.rpc` error detail type carries that message's
 * fields. The types are `ErrorInfo`, `RetryInfo`, `DebugInfo`, `QuotaFailure`,
 * `PreconditionFailure`, `BadRequest`, `RequestInfo`, `ResourceInfo`, `Help` and
 * `LocalizedMessage`. An entry of any other type carries its bytes in `value`, base64-encoded.
 */
export interface ErrorDetail {
  /** The type URL, such as `"type.googleapis.com/google.rpc.BadRequest"`. */
  "@type": string;
  [field: string]: unknown;
}
