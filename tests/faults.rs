//! Browser tests of the client against `pds-faultserver`, through the public JS API only.
//!
//! `scripts/test.sh` starts the fault server and passes its URL at build time as
//! `PDS_FAULT_URL`. The server picks its response from the case spec in the
//! `x-fault-case` request header, or from the path `/case/<spec>` of the client's base
//! URL; docs/faults.md lists every case and the result the client must give.
//!
//! Most tests send their fault through one shared client and then make a normal call
//! on it, which must succeed: no fault may leave the client or the module unusable.
//! Every call runs under a watchdog, so a call that never settles fails its own test
//! instead of stalling the suite.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use js_sys::{Array, Object, Promise, Reflect, JSON};
use pds_backup_web::BackupClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{AbortController, AbortSignal};

wasm_bindgen_test_configure!(run_in_browser);

const FAULT_URL: &str = env!("PDS_FAULT_URL");

/// The uid of the backup in every successful GetBackup and ListBackups response.
const BACKUP_UID: &str = "fault-b1";
/// Maximum time one call may take before its test fails, in milliseconds.
const WATCHDOG_MS: u32 = 5000;

#[wasm_bindgen(inline_js = r#"
export function settle(promise, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ state: "pending" }), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve({ state: "fulfilled", value }); },
      (error) => { clearTimeout(timer); resolve({ state: "rejected", error }); },
    );
  });
}
export function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
export function fetchJson(url) {
  return fetch(url, { cache: "no-store" }).then((response) => response.json());
}
export function isError(value) { return value instanceof Error; }
// JSON with the keys of every object sorted, so that key order does not matter.
export function canonical(value) {
  const byKey = ([a], [b]) => a.localeCompare(b);
  return JSON.stringify(value, (key, item) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(byKey));
  });
}
export function json(text) { return JSON.parse(text); }

// Runs `total` getBackup calls, `concurrency` at a time, and counts the failures.
export async function hammer(client, total, concurrency) {
  let started = 0;
  let failures = 0;
  let firstError = null;
  async function worker() {
    while (started < total) {
      started += 1;
      try {
        await client.getBackup("fault-b1");
      } catch (error) {
        failures += 1;
        firstError ??= String(error && error.message);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failures, firstError };
}

// Calls client[method](...args) and reports a synchronous throw instead of raising it.
export function invoke(client, method, args) {
  try {
    return { promise: client[method](...args) };
  } catch (error) {
    return { threw: error };
  }
}

class Thing { constructor() { this.id = "x"; this.deploymentId = "d"; } }
const throwAll = () => { throw new Error("trap failed"); };
const throwingGetter = (target) => new Proxy(target, { get: throwAll });
const throwingTraps = () => new Proxy({}, {
  get: throwAll, getPrototypeOf: throwAll, ownKeys: throwAll, has: throwAll,
  getOwnPropertyDescriptor: throwAll,
});

// [label, value]: each value is an invalid backup id.
export function badIds() {
  return [
    ["a number", 42], ["null", null], ["undefined", undefined], ["a boolean", true],
    ["an empty string", ""], ["a blank string", "   "], ["NaN", NaN],
    ["2^53 + 2", 2 ** 53 + 2], ["a bigint", 2n ** 64n], ["a 2000-character string", "x".repeat(2000)],
    ["a 100000-character string", "x".repeat(100000)], ["a control character", "a\u0000b"],
    ["a Date", new Date(0)], ["a Map", new Map([["id", "x"]])], ["a class instance", new Thing()],
    ["Object.create(null)", Object.create(null)], ["a Proxy whose getter throws", throwingGetter({ id: "x" })],
    ["a Proxy whose traps throw", throwingTraps()], ["an array", ["x"]], ["a function", () => "x"],
    ["a symbol", Symbol("x")], ["a String object", new String("x")],
  ];
}

// [label, request, field named in the message].
export function badListRequests() {
  const nullPrototype = Object.create(null);
  nullPrototype.pagination = Object.create(null);
  nullPrototype.pagination.pageSzie = 5;
  return [
    ["a string", "deployment", "request"], ["a number", 5, "request"], ["an array", [], "request"],
    ["a boolean", true, "request"], ["a Date", new Date(0), "request"], ["a Map", new Map(), "request"],
    ["a class instance", new Thing(), "request"], ["a Proxy whose traps throw", throwingTraps(), "request"],
    ["a number id", { deploymentId: 5 }, "deploymentId"],
    ["a null-prototype object with a misspelled field", nullPrototype, "pageSzie"],
    ["a symbol id", { namespaceId: Symbol("n") }, "namespaceId"],
    ["a 100000-character id", { deploymentId: "x".repeat(100000) }, "deploymentId"],
    ["a Proxy whose getter throws", throwingGetter({ deploymentId: "d" }), "deploymentId"],
    ["two filters", { deploymentId: "a", namespaceId: "b" }, "deploymentId"],
    ["pageSize 2^53", { pagination: { pageSize: 2 ** 53 } }, "pagination.pageSize"],
    ["pageSize NaN", { pagination: { pageSize: NaN } }, "pagination.pageSize"],
    ["pageSize Infinity", { pagination: { pageSize: Infinity } }, "pagination.pageSize"],
    ["pageSize -1", { pagination: { pageSize: -1 } }, "pagination.pageSize"],
    ["pageSize 2.5", { pagination: { pageSize: 2.5 } }, "pagination.pageSize"],
    ["pageSize as a string beyond 2^53", { pagination: { pageSize: "9007199254740993" } }, "pagination.pageSize"],
    ["pageSize as a bigint beyond 2^53", { pagination: { pageSize: 10n ** 20n } }, "pagination.pageSize"],
    ["pageNumber 2^53 + 2", { pagination: { pageNumber: 2 ** 53 + 2 } }, "pagination.pageNumber"],
    ["pagination as a Date", { pagination: new Date(0) }, "pagination"],
    ["sort as a Map", { sort: new Map() }, "sort"],
    ["an unknown sortBy", { sort: { sortBy: "nope" } }, "sort.sortBy"],
    ["sortOrder NaN", { sort: { sortOrder: NaN } }, "sort.sortOrder"],
    ["an unknown field", { deploymentID: "d" }, "deploymentID"],
  ];
}

// [label, callOptions, field named in the message].
export function badCallOptions() {
  return [
    ["a string", "fast", "callOptions"], ["a number", 5, "callOptions"],
    ["a Date", new Date(0), "callOptions"], ["a Proxy whose traps throw", throwingTraps(), "callOptions"],
    ["timeoutMs -1", { timeoutMs: -1 }, "callOptions.timeoutMs"],
    ["timeoutMs 0", { timeoutMs: 0 }, "callOptions.timeoutMs"],
    ["timeoutMs NaN", { timeoutMs: NaN }, "callOptions.timeoutMs"],
    ["timeoutMs Infinity", { timeoutMs: Infinity }, "callOptions.timeoutMs"],
    ["timeoutMs 2^53", { timeoutMs: 2 ** 53 }, "callOptions.timeoutMs"],
    ["timeoutMs as a string", { timeoutMs: "100" }, "callOptions.timeoutMs"],
    ["timeoutMs as an object", { timeoutMs: {} }, "callOptions.timeoutMs"],
    ["a Proxy whose getter throws", throwingGetter({ timeoutMs: 5 }), "callOptions.timeoutMs"],
    ["an unknown option", { timeout: 100 }, "timeout"],
    ["headers as a Map", { headers: new Map([["x-a", "1"]]) }, "callOptions.headers"],
    ["a number header value", { headers: { "x-a": 5 } }, "callOptions.headers"],
    ["a header value with a line break", { headers: { "x-a": "a\nb" } }, "callOptions.headers"],
    ["a reserved header", { headers: { "content-type": "text/plain" } }, "callOptions.headers"],
    ["an invalid header name", { headers: { "bad name": "x" } }, "callOptions.headers"],
    ["a plain object as signal", { signal: {} }, "callOptions.signal"],
    ["a string as signal", { signal: "abort" }, "callOptions.signal"],
  ];
}

// [label, baseUrl, options, field named in the message], for the constructor.
export function badClientOptions(url) {
  return [
    ["a number base URL", 5, undefined, "baseUrl"], ["a null base URL", null, undefined, "baseUrl"],
    ["an ftp base URL", "ftp://127.0.0.1", undefined, "baseUrl"],
    ["options as a string", url, "fast", "options"],
    ["maxResponseBytes NaN", url, { maxResponseBytes: NaN }, "maxResponseBytes"],
    ["maxResponseBytes 0", url, { maxResponseBytes: 0 }, "maxResponseBytes"],
    ["maxResponseBytes 2^53", url, { maxResponseBytes: 2 ** 53 }, "maxResponseBytes"],
    ["timeoutMs 2^53", url, { timeoutMs: 2 ** 53 }, "timeoutMs"],
    ["an unknown credentials mode", url, { credentials: "all" }, "credentials"],
    ["headers as a Map", url, { headers: new Map() }, "headers"],
    ["a number token", url, { token: 5 }, "token"],
    ["a Proxy whose getter throws", url, throwingGetter({ token: "t" }), "token"],
  ];
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = settle)]
    fn settle_js(promise: &Promise, ms: u32) -> Promise;
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_js(ms: u32) -> Promise;
    #[wasm_bindgen(js_name = fetchJson)]
    fn fetch_json(url: &str) -> Promise;
    #[wasm_bindgen(js_name = isError)]
    fn is_error(value: &JsValue) -> bool;
    fn canonical(value: &JsValue) -> String;
    fn json(text: &str) -> JsValue;
    fn hammer(client: &JsValue, total: u32, concurrency: u32) -> Promise;
    fn invoke(client: &JsValue, method: &str, args: &Array) -> JsValue;
    #[wasm_bindgen(js_name = badIds)]
    fn bad_ids() -> Array;
    #[wasm_bindgen(js_name = badListRequests)]
    fn bad_list_requests() -> Array;
    #[wasm_bindgen(js_name = badCallOptions)]
    fn bad_call_options() -> Array;
    #[wasm_bindgen(js_name = badClientOptions)]
    fn bad_client_options(url: &str) -> Array;
}

// ---------------------------------------------------------------------------------------
// Helpers

thread_local! {
    /// The client that every fault goes through unless a test needs other options.
    static SHARED: BackupClient = new_client(&format!("{FAULT_URL}/case/ok"), JsValue::UNDEFINED);
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

fn new_client(base_url: &str, options: JsValue) -> BackupClient {
    BackupClient::new(base_url.into(), options)
        .unwrap_or_else(|error| panic!("client options rejected: {}", text(&error, "message")))
}

/// Creates a client whose base URL selects the case by path, `FAULT_URL/case/<spec>`.
fn case_client(spec: &str, options_json: &str) -> BackupClient {
    new_client(&format!("{FAULT_URL}/case/{spec}"), json(options_json))
}

/// Returns an id that no other test or run uses, for the server's per-id and per-case
/// records.
fn unique(label: &str) -> String {
    let serial = NEXT_ID.with(|next| next.replace(next.get() + 1));
    format!("{label}-{}-{serial}", js_sys::Date::now() as u64)
}

fn prop(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |value, key| {
        if value.is_undefined() || value.is_null() {
            return JsValue::UNDEFINED;
        }
        Reflect::get(&value, &key.into()).unwrap_or(JsValue::UNDEFINED)
    })
}

fn text(value: &JsValue, path: &str) -> String {
    prop(value, path).as_string().unwrap_or_default()
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Formats an error as `CODE_NAME (code): rawMessage` for assertion messages.
fn describe(error: &JsValue) -> String {
    format!(
        "{} ({:?}): {}",
        text(error, "codeName"),
        prop(error, "code").as_f64(),
        text(error, "rawMessage")
    )
}

fn now() -> f64 {
    js_sys::Date::now()
}

async fn sleep(ms: u32) {
    JsFuture::from(sleep_js(ms))
        .await
        .expect("setTimeout never rejects");
}

/// Call options with the given headers, deadline and signal.
fn options(
    headers: &[(&str, &str)],
    timeout_ms: Option<u32>,
    signal: Option<&AbortSignal>,
) -> JsValue {
    let options = Object::new();
    let header_object = Object::new();
    for (name, value) in headers {
        Reflect::set(&header_object, &(*name).into(), &(*value).into()).unwrap();
    }
    Reflect::set(&options, &"headers".into(), &header_object).unwrap();
    if let Some(ms) = timeout_ms {
        Reflect::set(&options, &"timeoutMs".into(), &ms.into()).unwrap();
    }
    if let Some(signal) = signal {
        Reflect::set(&options, &"signal".into(), signal).unwrap();
    }
    options.into()
}

/// Call options that select a case through the `x-fault-case` header.
fn case(spec: &str) -> JsValue {
    options(&[("x-fault-case", spec)], None, None)
}

#[derive(Debug, Clone, Copy)]
enum Rpc {
    Get,
    List,
    Delete,
}

const ALL_RPCS: [Rpc; 3] = [Rpc::Get, Rpc::List, Rpc::Delete];

impl Rpc {
    fn call(self, client: &BackupClient, options: JsValue) -> Promise {
        match self {
            Rpc::Get => client.get_backup(BACKUP_UID.into(), options),
            Rpc::List => client.list_backups(JsValue::UNDEFINED, options),
            Rpc::Delete => client.delete_backup(BACKUP_UID.into(), options),
        }
    }

    /// The method name in the request path.
    fn method(self) -> &'static str {
        match self {
            Rpc::Get => "GetBackup",
            Rpc::List => "ListBackups",
            Rpc::Delete => "DeleteBackup",
        }
    }

    /// Checks that `value` is the successful result of this RPC against the fault server.
    fn is_expected_result(self, value: &JsValue) -> bool {
        match self {
            Rpc::Get => text(value, "meta.uid") == BACKUP_UID,
            Rpc::List => {
                let backups = prop(value, "backups");
                Array::is_array(&backups)
                    && text(&backups.unchecked_ref::<Array>().get(0), "meta.uid") == BACKUP_UID
            }
            Rpc::Delete => value.is_undefined(),
        }
    }
}

/// Calls `rpc` on the shared client.
fn shared(rpc: Rpc, options: JsValue) -> Promise {
    SHARED.with(|client| rpc.call(client, options))
}

/// Waits for a promise under the watchdog. Panics if it has not settled by then.
async fn settle(promise: Promise, limit_ms: u32) -> Result<JsValue, JsValue> {
    let outcome = JsFuture::from(settle_js(&promise, limit_ms))
        .await
        .expect("settle() never rejects");
    match text(&outcome, "state").as_str() {
        "fulfilled" => Ok(prop(&outcome, "value")),
        "rejected" => Err(prop(&outcome, "error")),
        _ => panic!("the call did not settle within {limit_ms} ms"),
    }
}

/// The rejection of a call that must fail.
async fn fails(promise: Promise, context: &str) -> JsValue {
    match settle(promise, WATCHDOG_MS).await {
        Ok(value) => panic!("{context}: the call succeeded with {}", stringify(&value)),
        Err(error) => error,
    }
}

/// The result of a call that must succeed.
async fn succeeds(promise: Promise, context: &str) -> JsValue {
    match settle(promise, WATCHDOG_MS).await {
        Ok(value) => value,
        Err(error) => panic!("{context}: the call failed with {}", describe(&error)),
    }
}

/// Asserts the code of a rejection, by name and by number.
fn assert_code(error: &JsValue, name: &str, number: u32, context: &str) {
    assert_eq!(
        text(error, "codeName"),
        name,
        "{context}: {}",
        describe(error)
    );
    assert_eq!(
        prop(error, "code").as_f64(),
        Some(f64::from(number)),
        "{context}: {}",
        describe(error)
    );
}

/// Checks that a normal call on the shared client succeeds, so the last fault left it
/// usable.
async fn assert_recovers() {
    let value = succeeds(
        shared(Rpc::Get, JsValue::UNDEFINED),
        "good call after the fault",
    )
    .await;
    assert_eq!(text(&value, "meta.uid"), BACKUP_UID);
}

async fn control(path_and_query: &str) -> JsValue {
    JsFuture::from(fetch_json(&format!("{FAULT_URL}/control/{path_and_query}")))
        .await
        .unwrap_or_else(|error| panic!("control/{path_and_query} failed: {error:?}"))
}

/// Polls a control endpoint until `done` returns true or `limit_ms` passes, and returns
/// the last reply.
async fn control_until(
    path_and_query: &str,
    limit_ms: f64,
    done: impl Fn(&JsValue) -> bool,
) -> JsValue {
    let started = now();
    loop {
        let reply = control(path_and_query).await;
        if done(&reply) || now() - started > limit_ms {
            return reply;
        }
        sleep(20).await;
    }
}

fn number(value: &JsValue, path: &str) -> f64 {
    prop(value, path).as_f64().unwrap_or(f64::NAN)
}

/// Byte lengths of the OK body of `rpc`: the whole body, its message frame and its
/// grpc-web-text form.
async fn body_lengths(rpc: Rpc) -> (usize, usize, usize) {
    let reply = control(&format!("body?method={}", rpc.method())).await;
    (
        number(&reply, "len") as usize,
        number(&reply, "messageFrameLen") as usize,
        number(&reply, "textLen") as usize,
    )
}

/// Runs `rpc` once per spec and lists every call that did not give the expected result.
async fn unexpected_results(rpc: Rpc, specs: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut wrong = Vec::new();
    for spec in specs {
        match settle(shared(rpc, case(&spec)), WATCHDOG_MS).await {
            Ok(value) if rpc.is_expected_result(&value) => {}
            Ok(value) => wrong.push(format!("{spec}: resolved to {}", stringify(&value))),
            Err(error) => wrong.push(format!("{spec}: {}", describe(&error))),
        }
    }
    wrong
}

// ---------------------------------------------------------------------------------------
// Framing

#[wasm_bindgen_test]
async fn every_two_way_split_succeeds() {
    for rpc in ALL_RPCS {
        let (len, _, _) = body_lengths(rpc).await;
        let wrong = unexpected_results(rpc, (0..=len).map(|split| format!("split/{split}"))).await;
        assert!(wrong.is_empty(), "{rpc:?}:\n{}", wrong.join("\n"));
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn split_inside_frame_headers_succeeds() {
    let (_, message_len, _) = body_lengths(Rpc::Get).await;
    let specs = [
        "split/1".to_owned(),
        "split/4".to_owned(),
        format!("split/{}", message_len + 1),
        format!("split/{}", message_len + 4),
        format!("split/2,{}", message_len + 3),
    ];
    let wrong = unexpected_results(Rpc::Get, specs).await;
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn split_inside_message_succeeds() {
    let (_, message_len, _) = body_lengths(Rpc::Get).await;
    let specs = [
        "split/6".to_owned(),
        format!("split/{}", message_len - 1),
        "split/8,12,20".to_owned(),
    ];
    let wrong = unexpected_results(Rpc::Get, specs).await;
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn split_inside_trailer_frame_succeeds() {
    let (len, message_len, _) = body_lengths(Rpc::Get).await;
    let specs = [
        format!("split/{}", message_len + 6),
        format!("split/{}", message_len + 12),
        format!("split/{}", len - 1),
        format!("split/{},{}", message_len + 7, len - 2),
    ];
    let wrong = unexpected_results(Rpc::Get, specs).await;
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn one_byte_chunks_succeed() {
    for rpc in ALL_RPCS {
        let wrong = unexpected_results(rpc, ["bytes".to_owned()]).await;
        assert!(wrong.is_empty(), "{rpc:?}: {}", wrong.join("\n"));
    }
    assert_recovers().await;
}

// ---------------------------------------------------------------------------------------
// Status

const CODE_NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

#[wasm_bindgen_test]
async fn trailers_only_gives_its_status() {
    for code in 1..=16u32 {
        let context = format!("trailers-only/{code}");
        let error = fails(shared(Rpc::Get, case(&context)), &context).await;
        assert_code(&error, CODE_NAMES[code as usize], code, &context);
        assert_eq!(
            text(&error, "rawMessage"),
            format!("trailers-only status {code}")
        );
        assert_eq!(text(&error, "metadata.http-status"), "200", "{context}");
        assert_eq!(
            text(&error, "metadata.grpc-status"),
            code.to_string(),
            "{context}"
        );
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn rejection_is_grpc_error() {
    let error = fails(shared(Rpc::Get, case("trailers-only/5")), "trailers-only/5").await;
    assert!(is_error(&error), "instanceof Error");
    assert_eq!(text(&error, "name"), "GrpcError");
    assert_eq!(
        text(&error, "message"),
        "[not_found] trailers-only status 5"
    );
    assert!(
        Array::is_array(&prop(&error, "details")),
        "details is an array"
    );
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn ok_without_message_fails() {
    for rpc in ALL_RPCS {
        for spec in ["trailers-only/0", "empty-ok"] {
            let context = format!("{rpc:?} {spec}");
            let error = fails(shared(rpc, case(spec)), &context).await;
            assert_code(&error, "INTERNAL", 13, &context);
        }
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn error_trailer_after_message_wins() {
    for rpc in ALL_RPCS {
        let context = format!("{rpc:?} status/5");
        let error = fails(shared(rpc, case("status/5")), &context).await;
        assert_code(&error, "NOT_FOUND", 5, &context);
        assert_eq!(
            text(&error, "rawMessage"),
            "status 5 from the trailer frame",
            "{context}"
        );
        assert_eq!(text(&error, "metadata.grpc-status"), "5", "{context}");
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn missing_status_is_unknown() {
    for rpc in ALL_RPCS {
        let context = format!("{rpc:?} no-status");
        let error = fails(shared(rpc, case("no-status")), &context).await;
        assert_code(&error, "UNKNOWN", 2, &context);
        assert!(
            text(&error, "rawMessage").contains("grpc-status"),
            "{context}: {}",
            describe(&error)
        );
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn body_ending_mid_frame_fails() {
    let (len, message_len, _) = body_lengths(Rpc::Get).await;
    let mut wrong = Vec::new();
    for cut in 0..len {
        let spec = format!("truncated/{cut}");
        // A body that ends between frames has no status; inside a frame it is cut.
        let expected = if cut == 0 || cut == message_len {
            "UNKNOWN"
        } else {
            "INTERNAL"
        };
        match settle(shared(Rpc::Get, case(&spec)), WATCHDOG_MS).await {
            Ok(value) => wrong.push(format!("{spec}: succeeded with {}", stringify(&value))),
            Err(error) if text(&error, "codeName") == expected => {}
            Err(error) => wrong.push(format!(
                "{spec}: expected {expected}, got {}",
                describe(&error)
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn connection_cut_mid_body_fails() {
    let (len, message_len, _) = body_lengths(Rpc::Get).await;
    for cut in [0, 3, 12, message_len, message_len + 8, len - 1] {
        let spec = format!("cut/{cut}");
        let error = fails(shared(Rpc::Get, case(&spec)), &spec).await;
        assert_code(&error, "UNAVAILABLE", 14, &spec);
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn header_error_beats_trailer_status() {
    for spec in ["conflict/7,0", "conflict/7,5"] {
        let error = fails(shared(Rpc::Get, case(spec)), spec).await;
        assert_code(&error, "PERMISSION_DENIED", 7, spec);
        assert_eq!(
            text(&error, "rawMessage"),
            "status from the headers",
            "{spec}"
        );
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn trailer_status_beats_ok_header() {
    let error = fails(shared(Rpc::Get, case("conflict/0,5")), "conflict/0,5").await;
    assert_code(&error, "NOT_FOUND", 5, "conflict/0,5");
    assert_eq!(text(&error, "rawMessage"), "status from the trailer frame");
    let value = succeeds(shared(Rpc::Get, case("conflict/0,0")), "conflict/0,0").await;
    assert_eq!(text(&value, "meta.uid"), BACKUP_UID);
    assert_recovers().await;
}

// ---------------------------------------------------------------------------------------
// HTTP and proxies

#[wasm_bindgen_test]
async fn http_errors_map_by_table() {
    let table = [
        (400, "UNKNOWN", 2),
        (401, "UNAUTHENTICATED", 16),
        (403, "PERMISSION_DENIED", 7),
        (404, "UNIMPLEMENTED", 12),
        (429, "UNAVAILABLE", 14),
        (500, "UNKNOWN", 2),
        (502, "UNAVAILABLE", 14),
        (503, "UNAVAILABLE", 14),
        (504, "UNAVAILABLE", 14),
    ];
    for (status, name, number) in table {
        let spec = format!("http/{status}");
        let error = fails(shared(Rpc::Get, case(&spec)), &spec).await;
        assert_code(&error, name, number, &spec);
        assert_eq!(
            text(&error, "metadata.http-status"),
            status.to_string(),
            "{spec}"
        );
        assert!(
            text(&error, "rawMessage").contains(&status.to_string()),
            "{spec}: {}",
            describe(&error)
        );
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn content_type_ignores_case_and_parameters() {
    let specs = [
        "application/grpc-web+proto",
        "application/grpc-web",
        "Application/GRPC-Web+Proto; charset=utf-8",
        "APPLICATION/GRPC-WEB;foo=bar",
        "application/grpc-web-text",
        "Application/GRPC-Web-Text+Proto; charset=utf-8",
    ]
    .map(|content_type| format!("content-type/{content_type}"));
    let wrong = unexpected_results(Rpc::Get, specs).await;
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn non_grpc_content_type_is_unknown() {
    for spec in [
        "content-type/text/html; charset=utf-8",
        "content-type/application/json",
        "no-content-type",
    ] {
        let error = fails(shared(Rpc::Get, case(spec)), spec).await;
        assert_code(&error, "UNKNOWN", 2, spec);
        assert!(
            text(&error, "rawMessage").contains("content type"),
            "{spec}: {}",
            describe(&error)
        );
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn refused_connection_is_unavailable() {
    let port = number(&control("closed-port").await, "port");
    let url = format!("http://127.0.0.1:{port}");
    let client = new_client(&url, JsValue::UNDEFINED);
    let error = fails(Rpc::Get.call(&client, JsValue::UNDEFINED), "closed port").await;
    assert_code(&error, "UNAVAILABLE", 14, "closed port");
    let message = text(&error, "rawMessage");
    assert!(message.contains(&url), "URL missing from {message:?}");
    // The TypeError messages of fetch for a refused connection in Chromium, Firefox and
    // Safari.
    let reasons = ["Failed to fetch", "NetworkError", "Load failed"];
    assert!(
        reasons.iter().any(|reason| message.contains(reason)),
        "no browser reason in {message:?}"
    );
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn hidden_grpc_status_never_succeeds() {
    for rpc in [Rpc::Get, Rpc::List] {
        for spec in ["hidden-status/error", "hidden-status/ok"] {
            let context = format!("{rpc:?} {spec}");
            let error = fails(shared(rpc, case(spec)), &context).await;
            assert_code(&error, "UNKNOWN", 2, &context);
            assert!(
                text(&error, "rawMessage").contains("Access-Control-Expose-Headers"),
                "{context}: {}",
                describe(&error)
            );
        }
    }
    assert_recovers().await;
}

// ---------------------------------------------------------------------------------------
// Messages and details

#[wasm_bindgen_test]
async fn grpc_message_is_percent_decoded() {
    for place in ["message", "trailer-message"] {
        let spec = format!("{place}/caf%C3%A9%20%E2%9C%93%20100%25");
        let error = fails(shared(Rpc::Get, case(&spec)), &spec).await;
        assert_code(&error, "INVALID_ARGUMENT", 3, &spec);
        assert_eq!(text(&error, "rawMessage"), "café ✓ 100%", "{spec}");
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn invalid_escape_keeps_raw_text() {
    let cases = [
        ("100%", "100%"),
        ("50%zz%20off", "50%zz off"),
        ("%4", "%4"),
        // Escapes that decode to invalid UTF-8 leave the whole value as sent.
        ("bad%20%FF%20byte", "bad%20%FF%20byte"),
        ("cut%E2%9C", "cut%E2%9C"),
    ];
    for place in ["message", "trailer-message"] {
        for (sent, expected) in cases {
            let spec = format!("{place}/{sent}");
            let error = fails(shared(Rpc::Get, case(&spec)), &spec).await;
            assert_code(&error, "INVALID_ARGUMENT", 3, &spec);
            assert_eq!(text(&error, "rawMessage"), expected, "{spec}");
        }
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn details_decode_into_plain_objects() {
    let error = fails(shared(Rpc::Get, case("details/padded")), "details/padded").await;
    assert_code(&error, "RESOURCE_EXHAUSTED", 8, "details/padded");
    assert_eq!(text(&error, "rawMessage"), "quota exceeded");
    let details = prop(&error, "details");
    let expected = json(
        r#"[
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "QUOTA_EXCEEDED",
           "domain": "pds.portworx.com", "metadata": {"account": "acct-1"}},
          {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
            {"field": "pagination.page_size", "description": "must be at most 1000"}]},
          {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2s"}
        ]"#,
    );
    assert_eq!(canonical(&details), canonical(&expected));
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn unpadded_details_match_padded() {
    let padded = fails(shared(Rpc::Get, case("details/padded")), "details/padded").await;
    let unpadded = fails(
        shared(Rpc::Get, case("details/unpadded")),
        "details/unpadded",
    )
    .await;
    assert_eq!(
        Array::from(&prop(&unpadded, "details")).length(),
        3,
        "{}",
        stringify(&prop(&unpadded, "details"))
    );
    assert_eq!(
        stringify(&prop(&unpadded, "details")),
        stringify(&prop(&padded, "details"))
    );
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn retry_delay_uses_proto3_json_form() {
    let error = fails(
        shared(Rpc::Get, case("details/retry-fraction")),
        "details/retry-fraction",
    )
    .await;
    let detail = Array::from(&prop(&error, "details")).get(0);
    assert_eq!(
        text(&detail, "@type"),
        "type.googleapis.com/google.rpc.RetryInfo"
    );
    // proto3 JSON writes a Duration with 0, 3, 6 or 9 fractional digits.
    assert_eq!(text(&detail, "retryDelay"), "1.500s");
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn undecodable_details_keep_code_message() {
    for spec in ["details/not-base64", "details/not-status"] {
        let error = fails(shared(Rpc::Get, case(spec)), spec).await;
        assert_code(&error, "RESOURCE_EXHAUSTED", 8, spec);
        assert_eq!(text(&error, "rawMessage"), "quota exceeded", "{spec}");
        assert_eq!(Array::from(&prop(&error, "details")).length(), 0, "{spec}");
        assert!(
            !text(&error, "metadata.grpc-status-details-bin").is_empty(),
            "{spec}: raw header kept"
        );
    }
    assert_recovers().await;
}

// ---------------------------------------------------------------------------------------
// Limits

#[wasm_bindgen_test]
async fn oversized_frame_fails_before_body() {
    let started = now();
    let error = fails(shared(Rpc::Get, case("huge-frame")), "huge-frame").await;
    let elapsed = now() - started;
    assert_code(&error, "RESOURCE_EXHAUSTED", 8, "huge-frame");
    let message = text(&error, "rawMessage");
    assert!(
        message.contains("67108864"),
        "frame length missing: {message}"
    );
    assert!(message.contains("4194304"), "limit missing: {message}");
    assert!(
        elapsed < 1500.0,
        "failed after {elapsed} ms; the server sent only the frame header"
    );
    let error = fails(
        shared(Rpc::Get, case("huge-frame/4194305")),
        "huge-frame/4194305",
    )
    .await;
    assert_code(
        &error,
        "RESOURCE_EXHAUSTED",
        8,
        "one byte over the default limit",
    );
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn oversized_frame_releases_connection() {
    let id = unique("huge");
    let call = shared(
        Rpc::Get,
        options(
            &[("x-fault-case", "huge-frame"), ("x-fault-id", &id)],
            None,
            None,
        ),
    );
    let error = fails(call, "huge-frame").await;
    assert_code(&error, "RESOURCE_EXHAUSTED", 8, "huge-frame");
    let seen = control_until(&format!("seen?id={id}"), 3000.0, |reply| {
        prop(reply, "disconnected").as_bool() == Some(true)
    })
    .await;
    assert_eq!(
        prop(&seen, "disconnected").as_bool(),
        Some(true),
        "the connection of the abandoned response was still open after 3 s"
    );
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn max_response_bytes_is_inclusive() {
    let (_, message_len, _) = body_lengths(Rpc::Get).await;
    let payload = message_len - 5;
    let exact = case_client("ok", &format!(r#"{{"maxResponseBytes": {payload}}}"#));
    let value = succeeds(
        Rpc::Get.call(&exact, JsValue::UNDEFINED),
        "limit equal to the message",
    )
    .await;
    assert_eq!(text(&value, "meta.uid"), BACKUP_UID);

    let small = case_client("ok", &format!(r#"{{"maxResponseBytes": {}}}"#, payload - 1));
    let error = fails(
        Rpc::Get.call(&small, JsValue::UNDEFINED),
        "limit one byte below",
    )
    .await;
    assert_code(&error, "RESOURCE_EXHAUSTED", 8, "limit one byte below");
    assert!(
        text(&error, "rawMessage").contains("maxResponseBytes"),
        "{}",
        describe(&error)
    );
    // The empty DeleteBackup response fits, so the same client still works.
    succeeds(
        Rpc::Delete.call(&small, JsValue::UNDEFINED),
        "delete after the fault",
    )
    .await;
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn compressed_frame_is_internal() {
    for spec in ["compressed", "compressed/gzip"] {
        let error = fails(shared(Rpc::Get, case(spec)), spec).await;
        assert_code(&error, "INTERNAL", 13, spec);
        assert!(
            text(&error, "rawMessage").contains("compressed"),
            "{spec}: {}",
            describe(&error)
        );
    }
    assert_recovers().await;
}

// ---------------------------------------------------------------------------------------
// grpc-web-text

#[wasm_bindgen_test]
async fn text_every_split_succeeds() {
    for rpc in [Rpc::Get, Rpc::List] {
        let (_, _, text_len) = body_lengths(rpc).await;
        let wrong =
            unexpected_results(rpc, (0..=text_len).map(|split| format!("text/{split}"))).await;
        assert!(wrong.is_empty(), "{rpc:?}:\n{}", wrong.join("\n"));
    }
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn text_one_character_chunks_succeed() {
    for rpc in ALL_RPCS {
        let wrong = unexpected_results(rpc, ["text/bytes".to_owned()]).await;
        assert!(wrong.is_empty(), "{rpc:?}: {}", wrong.join("\n"));
    }
    assert_recovers().await;
}

// ---------------------------------------------------------------------------------------
// Deadlines and cancellation

/// Calls a stalling case with a 300 ms deadline and checks the local timer ends it.
async fn assert_deadline_ends_stall(spec: &str) {
    let id = unique(spec);
    let started = now();
    let call = shared(
        Rpc::Get,
        options(
            &[("x-fault-case", spec), ("x-fault-id", &id)],
            Some(300),
            None,
        ),
    );
    let error = fails(call, spec).await;
    let elapsed = now() - started;
    assert_code(&error, "DEADLINE_EXCEEDED", 4, spec);
    assert!(
        (290.0..1500.0).contains(&elapsed),
        "{spec}: ended after {elapsed} ms"
    );

    let seen = control_until(&format!("seen?id={id}"), 3000.0, |reply| {
        prop(reply, "disconnected").as_bool() == Some(true)
    })
    .await;
    assert_eq!(
        text(&seen, "grpcTimeout"),
        "300m",
        "{spec}: grpc-timeout sent"
    );
    assert_eq!(
        prop(&seen, "disconnected").as_bool(),
        Some(true),
        "{spec}: fetch aborted"
    );
}

#[wasm_bindgen_test]
async fn silent_server_hits_deadline() {
    assert_deadline_ends_stall("stall").await;
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn stall_after_headers_hits_deadline() {
    assert_deadline_ends_stall("stall-headers").await;
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn stall_mid_body_hits_deadline() {
    assert_deadline_ends_stall("stall-body").await;
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn request_carries_grpc_timeout() {
    let value = succeeds(
        shared(
            Rpc::Get,
            options(&[("x-fault-case", "echo")], Some(5000), None),
        ),
        "echo with a call deadline",
    )
    .await;
    assert_eq!(text(&value, "meta.labels.grpc-timeout"), "5000m");
    assert_eq!(text(&value, "meta.labels.x-grpc-web"), "1");
    assert_eq!(
        text(&value, "meta.labels.content-type"),
        "application/grpc-web+proto"
    );

    let client = case_client("echo", r#"{"timeoutMs": 7000}"#);
    let value = succeeds(
        Rpc::Get.call(&client, JsValue::UNDEFINED),
        "echo with a client deadline",
    )
    .await;
    assert_eq!(text(&value, "meta.labels.grpc-timeout"), "7000m");
    let value = succeeds(
        Rpc::Get.call(&client, json(r#"{"timeoutMs": 900}"#)),
        "call deadline wins",
    )
    .await;
    assert_eq!(text(&value, "meta.labels.grpc-timeout"), "900m");
    assert_recovers().await;
}

/// Starts a call to a stalling case, aborts it once the server has it, and checks that
/// it rejects with CANCELLED and that the server records the connection close.
async fn assert_abort_cancels(spec: &str, reason: Option<&str>) {
    let id = unique(spec);
    let controller = AbortController::new().unwrap();
    let signal = controller.signal();
    let call = shared(
        Rpc::Get,
        options(
            &[("x-fault-case", spec), ("x-fault-id", &id)],
            None,
            Some(&signal),
        ),
    );
    let seen = control_until(&format!("seen?id={id}"), 3000.0, |reply| {
        number(reply, "requests") >= 1.0
    })
    .await;
    assert_eq!(
        number(&seen, "requests"),
        1.0,
        "{spec}: the server got the call"
    );

    let started = now();
    match reason {
        Some(reason) => controller.abort_with_reason(&reason.into()),
        None => controller.abort(),
    }
    let error = fails(call, spec).await;
    let elapsed = now() - started;
    assert_code(&error, "CANCELLED", 1, spec);
    assert!(
        elapsed < 500.0,
        "{spec}: rejected {elapsed} ms after abort()"
    );
    if let Some(reason) = reason {
        assert!(
            text(&error, "rawMessage").contains(reason),
            "{spec}: {}",
            describe(&error)
        );
    }

    let seen = control_until(&format!("seen?id={id}"), 3000.0, |reply| {
        prop(reply, "disconnected").as_bool() == Some(true)
    })
    .await;
    assert_eq!(
        prop(&seen, "disconnected").as_bool(),
        Some(true),
        "{spec}: the fetch itself was aborted"
    );
}

#[wasm_bindgen_test]
async fn abort_cancels_and_disconnects() {
    assert_abort_cancels("stall", None).await;
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn abort_after_headers_disconnects() {
    assert_abort_cancels("stall-headers", Some("user left the page")).await;
    assert_abort_cancels("stall-body", None).await;
    assert_recovers().await;
}

#[wasm_bindgen_test]
async fn abort_spares_other_calls() {
    let first = shared(Rpc::Get, case("delay/400"));
    let second = shared(Rpc::List, case("delay/400"));
    assert_abort_cancels("stall", None).await;
    let value = succeeds(first, "GetBackup in flight during the abort").await;
    assert!(Rpc::Get.is_expected_result(&value), "{}", stringify(&value));
    let value = succeeds(second, "ListBackups in flight during the abort").await;
    assert!(
        Rpc::List.is_expected_result(&value),
        "{}",
        stringify(&value)
    );
    assert_recovers().await;
}

// ---------------------------------------------------------------------------------------
// Invalid input at the JS boundary

/// Sends one normal call on `client` and checks that the server received exactly that
/// one for `spec`, so none of the rejected calls before it was sent.
async fn assert_only_good_call_sent(client: &JsValue, spec: &str) {
    let outcome = invoke(client, "getBackup", &Array::of1(&BACKUP_UID.into()));
    let promise: Promise = prop(&outcome, "promise").unchecked_into(); // a valid call returns a Promise.
    succeeds(promise, "good call after the rejected ones").await;
    let count = control(&format!("count?case={spec}")).await;
    assert_eq!(number(&count, "posts"), 1.0, "requests received for {spec}");
}

/// Checks that a JS call rejected with INVALID_ARGUMENT whose message names `field`.
async fn check_rejected(outcome: &JsValue, label: &str, field: &str, wrong: &mut Vec<String>) {
    let promise = prop(outcome, "promise");
    if !promise.is_instance_of::<Promise>() {
        let thrown = prop(outcome, "threw");
        wrong.push(format!(
            "{label}: threw {} instead of rejecting",
            describe(&thrown)
        ));
        return;
    }
    match settle(promise.unchecked_into(), WATCHDOG_MS).await {
        Ok(value) => wrong.push(format!("{label}: resolved to {}", stringify(&value))),
        Err(error) if text(&error, "codeName") != "INVALID_ARGUMENT" => {
            wrong.push(format!("{label}: {}", describe(&error)))
        }
        Err(error) if !text(&error, "rawMessage").contains(field) => wrong.push(format!(
            "{label}: message does not name {field}: {}",
            describe(&error)
        )),
        Err(_) => {}
    }
}

#[wasm_bindgen_test]
async fn bad_ids_rejected_before_sending() {
    let spec = format!("ok/{}", unique("bad-ids"));
    let client: JsValue = case_client(&spec, "{}").into();
    let mut wrong = Vec::new();
    for entry in bad_ids().iter() {
        let entry: Array = entry.unchecked_into();
        let label = entry.get(0).as_string().unwrap();
        for method in ["getBackup", "deleteBackup"] {
            let outcome = invoke(&client, method, &Array::of1(&entry.get(1)));
            check_rejected(&outcome, &format!("{method}({label})"), "id ", &mut wrong).await;
        }
    }
    let outcome = invoke(&client, "getBackup", &Array::new());
    check_rejected(&outcome, "getBackup()", "id ", &mut wrong).await;
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_only_good_call_sent(&client, &spec).await;
}

#[wasm_bindgen_test]
async fn bad_list_requests_rejected_before_sending() {
    let spec = format!("ok/{}", unique("bad-lists"));
    let client: JsValue = case_client(&spec, "{}").into();
    let mut wrong = Vec::new();
    for entry in bad_list_requests().iter() {
        let entry: Array = entry.unchecked_into();
        let label = entry.get(0).as_string().unwrap();
        let field = entry.get(2).as_string().unwrap();
        let outcome = invoke(&client, "listBackups", &Array::of1(&entry.get(1)));
        check_rejected(&outcome, &label, &field, &mut wrong).await;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_only_good_call_sent(&client, &spec).await;
}

#[wasm_bindgen_test]
async fn bad_call_options_rejected_before_sending() {
    let spec = format!("ok/{}", unique("bad-options"));
    let client: JsValue = case_client(&spec, "{}").into();
    let mut wrong = Vec::new();
    for entry in bad_call_options().iter() {
        let entry: Array = entry.unchecked_into();
        let label = entry.get(0).as_string().unwrap();
        let field = entry.get(2).as_string().unwrap();
        for (method, first) in [
            ("getBackup", JsValue::from(BACKUP_UID)),
            ("listBackups", JsValue::UNDEFINED),
        ] {
            let outcome = invoke(&client, method, &Array::of2(&first, &entry.get(1)));
            check_rejected(
                &outcome,
                &format!("{method} with {label}"),
                &field,
                &mut wrong,
            )
            .await;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_only_good_call_sent(&client, &spec).await;
}

#[wasm_bindgen_test]
fn bad_client_options_throw() {
    for entry in bad_client_options(FAULT_URL).iter() {
        let entry: Array = entry.unchecked_into();
        let label = entry.get(0).as_string().unwrap();
        let field = entry.get(3).as_string().unwrap();
        let error = BackupClient::new(entry.get(1), entry.get(2))
            .err()
            .unwrap_or_else(|| panic!("{label}: the constructor accepted it"));
        assert_code(&error, "INVALID_ARGUMENT", 3, &label);
        assert!(
            text(&error, "rawMessage").contains(&field),
            "{label}: {}",
            describe(&error)
        );
    }
}

// ---------------------------------------------------------------------------------------
// Memory

fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into(); // memory() returns the module's WebAssembly.Memory.
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64 // a non-shared memory's buffer is an ArrayBuffer.
}

#[wasm_bindgen_test]
async fn ten_thousand_calls_keep_memory_flat() {
    let client: JsValue = case_client("ok", "{}").into();
    let warm_up = JsFuture::from(hammer(&client, 500, 6)).await.unwrap();
    assert_eq!(number(&warm_up, "failures"), 0.0, "{}", stringify(&warm_up));
    let before = wasm_memory_bytes();

    let run = JsFuture::from(hammer(&client, 10_000, 6)).await.unwrap();
    assert_eq!(number(&run, "failures"), 0.0, "{}", stringify(&run));
    let growth = wasm_memory_bytes() - before;
    assert!(
        growth < 1024.0 * 1024.0,
        "wasm memory grew by {growth} bytes over 10000 calls"
    );
}

// ---------------------------------------------------------------------------------------
// Retries: the `retry` client option, off by default, retries UNAVAILABLE, and
// RESOURCE_EXHAUSTED that carries RetryInfo, for getBackup and listBackups only.

fn retry_client(spec: &str, retry_json: &str) -> BackupClient {
    case_client(spec, &format!(r#"{{"retry": {retry_json}}}"#))
}

const QUICK_RETRY: &str = r#"{"maxAttempts": 3, "initialBackoffMs": 10, "maxBackoffMs": 50}"#;

async fn posts(spec: &str) -> f64 {
    number(&control(&format!("count?case={spec}")).await, "posts")
}

#[wasm_bindgen_test]
async fn retry_is_off_by_default() {
    for rpc in [Rpc::Get, Rpc::List] {
        let spec = format!("flaky/2/unavailable/{}", unique("default"));
        let client = case_client(&spec, "{}");
        let error = fails(rpc.call(&client, JsValue::UNDEFINED), &spec).await;
        assert_code(&error, "UNAVAILABLE", 14, &spec);
        assert_eq!(
            posts(&spec).await,
            1.0,
            "{rpc:?}: attempts without the retry option"
        );
    }
}

#[wasm_bindgen_test]
async fn retry_options_are_validated() {
    retry_client("ok", QUICK_RETRY);
    for (retry, field) in [
        (r#""yes""#, "retry"),
        (r#"{"maxAttempts": 0}"#, "retry.maxAttempts"),
        (r#"{"maxAttempts": 2.5}"#, "retry.maxAttempts"),
        (
            r#"{"maxAttempts": 3, "initialBackoffMs": -1}"#,
            "retry.initialBackoffMs",
        ),
        (
            r#"{"maxAttempts": 3, "maxBackoffMs": "50"}"#,
            "retry.maxBackoffMs",
        ),
        (r#"{"maxAtempts": 3}"#, "maxAtempts"),
    ] {
        let error = BackupClient::new(FAULT_URL.into(), json(&format!(r#"{{"retry": {retry}}}"#)))
            .err()
            .unwrap_or_else(|| panic!("retry {retry} accepted"));
        assert_code(&error, "INVALID_ARGUMENT", 3, retry);
        let message = text(&error, "rawMessage");
        assert!(message.contains(field), "retry {retry}: {message}");
    }
}

#[wasm_bindgen_test]
async fn retry_recovers_from_unavailable() {
    for rpc in [Rpc::Get, Rpc::List] {
        let spec = format!("flaky/2/unavailable/{}", unique("recovers"));
        let client = retry_client(&spec, QUICK_RETRY);
        let value = succeeds(rpc.call(&client, JsValue::UNDEFINED), &spec).await;
        assert!(rpc.is_expected_result(&value), "{}", stringify(&value));
        assert_eq!(posts(&spec).await, 3.0, "{rpc:?}: attempts");
    }
}

#[wasm_bindgen_test]
async fn retry_recovers_from_http_503() {
    let spec = format!("flaky/1/http-503/{}", unique("http-503"));
    let client = retry_client(&spec, QUICK_RETRY);
    succeeds(Rpc::Get.call(&client, JsValue::UNDEFINED), &spec).await;
    assert_eq!(posts(&spec).await, 2.0, "attempts");
}

#[wasm_bindgen_test]
async fn retry_stops_at_max_attempts() {
    let spec = format!("flaky/10/unavailable/{}", unique("max-attempts"));
    let client = retry_client(&spec, QUICK_RETRY);
    let error = fails(Rpc::Get.call(&client, JsValue::UNDEFINED), &spec).await;
    assert_code(&error, "UNAVAILABLE", 14, &spec);
    assert_eq!(posts(&spec).await, 3.0, "attempts");
}

#[wasm_bindgen_test]
async fn retry_honours_retry_info() {
    let spec = format!("flaky/1/exhausted-retry-info/{}", unique("retry-info"));
    let client = retry_client(&spec, QUICK_RETRY);
    succeeds(Rpc::List.call(&client, JsValue::UNDEFINED), &spec).await;
    assert_eq!(posts(&spec).await, 2.0, "attempts");
}

#[wasm_bindgen_test]
async fn other_errors_are_not_retried() {
    for (kind, name, number) in [
        ("exhausted", "RESOURCE_EXHAUSTED", 8),
        ("internal", "INTERNAL", 13),
    ] {
        let spec = format!("flaky/1/{kind}/{}", unique("not-retried"));
        let client = retry_client(&spec, QUICK_RETRY);
        let error = fails(Rpc::Get.call(&client, JsValue::UNDEFINED), &spec).await;
        assert_code(&error, name, number, &spec);
        assert_eq!(posts(&spec).await, 1.0, "{kind}: attempts");
    }
}

#[wasm_bindgen_test]
async fn delete_is_never_retried() {
    let spec = format!("flaky/1/unavailable/{}", unique("delete"));
    let client = retry_client(&spec, QUICK_RETRY);
    let error = fails(Rpc::Delete.call(&client, JsValue::UNDEFINED), &spec).await;
    assert_code(&error, "UNAVAILABLE", 14, &spec);
    assert_eq!(posts(&spec).await, 1.0, "attempts");
}

#[wasm_bindgen_test]
async fn retry_backoff_stays_capped() {
    let spec = format!("flaky/5/unavailable/{}", unique("backoff"));
    let client = retry_client(
        &spec,
        r#"{"maxAttempts": 6, "initialBackoffMs": 20, "maxBackoffMs": 60}"#,
    );
    succeeds(Rpc::Get.call(&client, JsValue::UNDEFINED), &spec).await;
    let count = control(&format!("count?case={spec}")).await;
    assert_eq!(number(&count, "posts"), 6.0, "attempts");
    let gaps = Array::from(&prop(&count, "attemptGapsMs"));
    for gap in gaps.iter() {
        // Each wait is at most maxBackoffMs, plus the request's own time on a busy machine.
        assert!(
            gap.as_f64().unwrap() <= 60.0 + 150.0,
            "gaps {}",
            stringify(&gaps)
        );
    }
}

#[wasm_bindgen_test]
async fn retry_stays_within_deadline() {
    let spec = format!("flaky/1000/unavailable/{}", unique("deadline"));
    let client = retry_client(
        &spec,
        r#"{"maxAttempts": 10, "initialBackoffMs": 100, "maxBackoffMs": 200}"#,
    );
    let started = now();
    let error = fails(Rpc::Get.call(&client, json(r#"{"timeoutMs": 400}"#)), &spec).await;
    let elapsed = now() - started;
    let name = text(&error, "codeName");
    assert!(
        name == "DEADLINE_EXCEEDED" || name == "UNAVAILABLE",
        "{}",
        describe(&error)
    );
    assert!(
        elapsed < 400.0 + 300.0,
        "ended {elapsed} ms after the start, past its 400 ms deadline"
    );
    assert!(posts(&spec).await >= 2.0, "the call was retried");
}

#[wasm_bindgen_test]
async fn abort_stops_retry_backoff() {
    let spec = format!("flaky/1000/unavailable/{}", unique("abort-retry"));
    let client = retry_client(
        &spec,
        r#"{"maxAttempts": 10, "initialBackoffMs": 300, "maxBackoffMs": 300}"#,
    );
    let controller = AbortController::new().unwrap();
    let call = Rpc::Get.call(&client, options(&[], None, Some(&controller.signal())));
    let count = control_until(&format!("count?case={spec}"), 3000.0, |reply| {
        number(reply, "posts") >= 1.0
    })
    .await;
    assert!(number(&count, "posts") >= 1.0, "the first attempt arrived");

    let started = now();
    controller.abort();
    let error = fails(call, &spec).await;
    assert_code(&error, "CANCELLED", 1, &spec);
    assert!(
        now() - started < 200.0,
        "rejected {} ms after abort()",
        now() - started
    );
    let attempts = posts(&spec).await;
    sleep(400).await;
    assert_eq!(posts(&spec).await, attempts, "attempts after the abort");
}
