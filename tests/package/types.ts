// Type-level checks of the package's .d.ts, run by tsc --strict in install.test.mjs. A
// failed check is a compile error on its line.
import { BackupClient, BackupPager, Code } from "pds-backup-web";
import type {
  Backup,
  CodeName,
  GrpcError,
  ListBackupsRequest,
  ListBackupsResponse,
  PagerProgress,
  SortBy_Field,
  SortOrder_Value,
  Status_Phase,
} from "pds-backup-web";
import initWeb, { BackupClient as WebBackupClient } from "pds-backup-web/web";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

// Response fields are optional and follow proto3 JSON.
assertType<Equal<Backup["status"], import("pds-backup-web").Status | undefined>>();
assertType<Equal<NonNullable<Backup["status"]>["fileSize"], string | undefined>>();
assertType<Equal<NonNullable<Backup["status"]>["startTime"], string | undefined>>();
assertType<Equal<NonNullable<Backup["status"]>["phase"], Status_Phase | number | undefined>>();
assertType<Equal<NonNullable<Backup["meta"]>["labels"], { [key: string]: string } | undefined>>();
assertType<Equal<ListBackupsResponse["backups"], Backup[] | undefined>>();
assertType<Equal<NonNullable<ListBackupsResponse["pagination"]>["nextPage"], string | undefined>>();

// Enum unions.
assertType<Equal<Status_Phase, "PHASE_UNSPECIFIED" | "QUEUED" | "COMPLETED" | "FAILED">>();
assertType<Equal<SortBy_Field, "FIELD_UNSPECIFIED" | "NAME" | "CREATED_AT" | "UPDATED_AT" | "PHASE">>();
assertType<Equal<SortOrder_Value, "VALUE_UNSPECIFIED" | "ASC" | "DESC">>();

// Requests take int64 values as numbers or decimal strings, and one filter at most.
const byNumber: ListBackupsRequest = { namespaceId: "n", pagination: { pageNumber: 2, pageSize: 50 } };
const byString: ListBackupsRequest = { backupConfigId: "c", pagination: { pageNumber: "2", pageSize: "50" } };
const empty: ListBackupsRequest = {};
// @ts-expect-error: two filters of the oneof.
const twoFilters: ListBackupsRequest = { targetClusterId: "t", backupConfigId: "c" };
// @ts-expect-error: a misspelled field.
const misspelled: ListBackupsRequest = { pagination: { pageSzie: 10 } };
// @ts-expect-error: sortOrder takes "ASC" or "DESC".
const lowerCase: ListBackupsRequest = { sort: { sortOrder: "desc" } };

// Optional parameters may be left out, and options are checked.
declare const client: BackupClient;
new BackupClient("https://pds.example.com");
new BackupClient("https://pds.example.com", { token: "t", accountId: "a", credentials: "include" });
// @ts-expect-error: credentials is a fetch credentials mode.
new BackupClient("https://pds.example.com", { credentials: "always" });
// @ts-expect-error: an unknown option.
new BackupClient("https://pds.example.com", { timeout: 5 });
client.listBackups();
client.listBackups(undefined, { timeoutMs: 1000, signal: new AbortController().signal });
client.getBackup("id", { headers: { "x-request-id": "abc" } });
// @ts-expect-error: timeoutMs is a number of milliseconds.
client.deleteBackup("id", { timeoutMs: "5s" });

// The pager: cursor getters, page(n) with a number or a string, async iteration, all().
async function pagerTypes(pager: BackupPager): Promise<void> {
  assertType<Equal<typeof pager.currentPage, number | undefined>>();
  assertType<Equal<Awaited<ReturnType<BackupPager["next"]>>, ListBackupsResponse | null>>();
  await pager.page(2);
  await pager.page("3");
  for await (const page of pager) {
    assertType<Equal<typeof page, ListBackupsResponse>>();
  }
  const backups = await pager.all({
    onProgress: (progress) => assertType<Equal<typeof progress, PagerProgress>>(),
  });
  assertType<Equal<typeof backups, Backup[]>>();
}
client.pager({ deploymentId: "d" }, { pageSize: 100 });

// Errors: GrpcError is an Error, and its code compares with Code.
function errorTypes(error: GrpcError): void {
  const asError: Error = error;
  assertType<Equal<typeof error.codeName, CodeName>>();
  const notFound: boolean = error.code === Code.NOT_FOUND;
  const numeric: number = error.code;
  const name: CodeName = "UNAUTHENTICATED";
  void [asError, notFound, numeric, name];
}
assertType<Equal<typeof Code.NOT_FOUND, Code.NOT_FOUND>>();
const five: 5 = Code.NOT_FOUND;

// The web entry has init() and the same classes.
async function webEntry(): Promise<void> {
  await initWeb();
  new WebBackupClient("https://pds.example.com").listBackups({ pagination: { pageSize: 10 } });
}

void [byNumber, byString, empty, twoFilters, misspelled, lowerCase, pagerTypes, errorTypes, five, webEntry];
