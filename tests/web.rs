//! Browser tests of the JS API against a running dev server.
//!
//! `scripts/test.sh` starts two dev servers and passes their URLs at build time:
//! `PDS_DEVSERVER_URL` (token `PDS_DEVSERVER_TOKEN`, any origin allowed) and
//! `PDS_SLOW_DEVSERVER_URL` (every call delayed by two seconds).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use pds_backup_web::BackupClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SERVER_URL: &str = env!("PDS_DEVSERVER_URL");
const SERVER_TOKEN: &str = env!("PDS_DEVSERVER_TOKEN");
const SLOW_SERVER_URL: &str = env!("PDS_SLOW_DEVSERVER_URL");

#[wasm_bindgen(inline_js = "
export function collectPages(pager) {
  return (async () => {
    const pages = [];
    for await (const page of pager) pages.push(page);
    return pages;
  })();
}
export function isError(value) { return value instanceof Error; }
export function json(value) { return JSON.parse(value); }
export function fetchCatalog(url) { return fetch(url + '/devserver/catalog.json').then((r) => r.json()); }
export function abortLater(controller, ms, message) { setTimeout(() => controller.abort(new Error(message)), ms); }
export function timeoutSignal(ms) { return AbortSignal.timeout(ms); }
export function throwingProgress() { return { onProgress: () => { throw new Error('progress boom'); } }; }
")]
extern "C" {
    #[wasm_bindgen(js_name = collectPages)]
    fn collect_pages(pager: &JsValue) -> js_sys::Promise;
    #[wasm_bindgen(js_name = isError)]
    fn is_error(value: &JsValue) -> bool;
    fn json(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = fetchCatalog)]
    fn fetch_catalog(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = abortLater)]
    fn abort_later(controller: &web_sys::AbortController, ms: u32, message: &str);
    #[wasm_bindgen(js_name = timeoutSignal)]
    fn timeout_signal(ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = throwingProgress)]
    fn throwing_progress() -> JsValue;
}

fn get(value: &JsValue, path: &str) -> JsValue {
    path.split('.').fold(value.clone(), |value, key| {
        Reflect::get(&value, &key.into()).unwrap_or(JsValue::UNDEFINED)
    })
}

fn text(value: &JsValue, path: &str) -> String {
    get(value, path).as_string().unwrap_or_default()
}

/// Reads an int64 field, which proto3 JSON writes as a decimal string and omits when 0.
fn int64(value: &JsValue, path: &str) -> i64 {
    let field = get(value, path);
    if field.is_undefined() {
        return 0;
    }
    field
        .as_string()
        .expect("int64 as a string")
        .parse()
        .expect("decimal int64")
}

fn client() -> BackupClient {
    client_with(&format!(r#"{{"token": "{SERVER_TOKEN}"}}"#))
}

fn client_with(options_json: &str) -> BackupClient {
    BackupClient::new(SERVER_URL.into(), json(options_json)).expect("valid options")
}

async fn ok(promise: js_sys::Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => value,
        Err(error) => panic!("call failed: {}", text(&error, "message")),
    }
}

async fn failure(promise: js_sys::Promise) -> JsValue {
    match JsFuture::from(promise).await {
        Ok(value) => panic!("call succeeded with {value:?}"),
        Err(error) => error,
    }
}

fn backups(response: &JsValue) -> Vec<JsValue> {
    let list = get(response, "backups");
    if list.is_undefined() {
        return Vec::new();
    }
    list.unchecked_into::<Array>().iter().collect()
}

async fn first_page(request_json: &str) -> JsValue {
    ok(client().list_backups(json(request_json), JsValue::UNDEFINED)).await
}

#[wasm_bindgen_test]
async fn get_returns_listed_backup() {
    let listed =
        backups(&first_page(r#"{"pagination": {"pageNumber": 1, "pageSize": 5}}"#).await).remove(0);
    let uid = text(&listed, "meta.uid");
    let fetched = ok(client().get_backup(uid.clone().into(), JsValue::UNDEFINED)).await;
    assert_eq!(text(&fetched, "meta.uid"), uid);
    assert_eq!(text(&fetched, "meta.name"), text(&listed, "meta.name"));
}

#[wasm_bindgen_test]
async fn values_follow_proto3_json() {
    let response = first_page(r#"{"sort": {"sortBy": "CREATED_AT", "sortOrder": "DESC"}, "pagination": {"pageSize": 100}}"#).await;
    let completed = backups(&response)
        .into_iter()
        .find(|backup| text(backup, "status.phase") == "COMPLETED")
        .expect("a completed backup on the first page");
    assert!(text(&completed, "meta.createTime").ends_with('Z'));
    assert!(text(&completed, "status.completionTime").ends_with('Z'));
    assert!(get(&completed, "status.fileSize").is_string());
    assert!(get(&response, "pagination.totalRecords").is_string());
}

#[wasm_bindgen_test]
async fn delete_then_get_is_not_found() {
    let target = backups(
        &first_page(r#"{"sort": {"sortBy": "NAME"}, "pagination": {"pageSize": 1}}"#).await,
    )
    .remove(0);
    let uid = text(&target, "meta.uid");
    let deleted = ok(client().delete_backup(uid.clone().into(), JsValue::UNDEFINED)).await;
    assert!(deleted.is_undefined());

    let error = failure(client().get_backup(uid.clone().into(), JsValue::UNDEFINED)).await;
    assert_eq!(get(&error, "code"), 5);
    let error = failure(client().delete_backup(uid.into(), JsValue::UNDEFINED)).await;
    assert_eq!(get(&error, "codeName"), "NOT_FOUND");
}

#[wasm_bindgen_test]
async fn each_filter_narrows_listing() {
    let catalog = ok(fetch_catalog(SERVER_URL)).await;
    let everything = int64(&first_page("{}").await, "pagination.totalRecords");
    for (kind, field) in [
        ("deployments", "deploymentId"),
        ("targetClusters", "targetClusterId"),
        ("namespaces", "namespaceId"),
        ("backupConfigs", "backupConfigId"),
    ] {
        let id = text(&get(&catalog, kind).unchecked_into::<Array>().get(0), "id");
        assert!(!id.is_empty(), "catalog lists {kind}");
        let response = first_page(&format!(
            r#"{{"{field}": "{id}", "pagination": {{"pageSize": 1000}}}}"#
        ))
        .await;
        let total = int64(&response, "pagination.totalRecords");
        assert!(
            total > 0 && total < everything,
            "{field}: {total} of {everything}"
        );
        for backup in backups(&response) {
            let names = get(&backup, "meta.resourceNames");
            assert!(
                Reflect::has(&names, &id.clone().into()).unwrap(),
                "{field} {id} in resourceNames"
            );
        }
    }
}

#[wasm_bindgen_test]
async fn each_sort_orders_page() {
    for sort_by in ["NAME", "CREATED_AT", "UPDATED_AT", "PHASE"] {
        for order in ["ASC", "DESC"] {
            let response = first_page(&format!(
                r#"{{"sort": {{"sortBy": "{sort_by}", "sortOrder": "{order}"}}, "pagination": {{"pageSize": 200}}}}"#
            ))
            .await;
            let keys: Vec<String> = backups(&response)
                .iter()
                .map(|backup| match sort_by {
                    "NAME" => text(backup, "meta.name"),
                    "CREATED_AT" => text(backup, "meta.createTime"),
                    "UPDATED_AT" => text(backup, "meta.updateTime"),
                    _ => {
                        let phase = text(backup, "status.phase");
                        ["", "QUEUED", "COMPLETED", "FAILED"]
                            .iter()
                            .position(|name| *name == phase)
                            .unwrap()
                            .to_string()
                    }
                })
                .collect();
            assert_eq!(keys.len(), 200);
            for pair in keys.windows(2) {
                let in_order = if order == "ASC" {
                    pair[0] <= pair[1]
                } else {
                    pair[0] >= pair[1]
                };
                assert!(
                    in_order,
                    "{sort_by} {order}: {:?} then {:?}",
                    pair[0], pair[1]
                );
            }
        }
    }
}

#[wasm_bindgen_test]
async fn pager_walks_to_the_end() {
    let pager = client()
        .pager(
            json(r#"{"sort": {"sortBy": "NAME"}}"#),
            json(r#"{"pageSize": 400}"#),
        )
        .unwrap();
    let mut pages = 0;
    let mut seen = 0.0;
    loop {
        let page = ok(pager.next()).await;
        if page.is_null() {
            break;
        }
        pages += 1;
        seen += backups(&page).len() as f64;
        assert_eq!(pager.current_page(), Some(pages as f64));
    }
    assert_eq!(Some(pages as f64), pager.total_pages());
    assert_eq!(Some(seen), pager.total_records());
    let previous = ok(pager.previous()).await;
    assert_eq!(int64(&previous, "pagination.currentPage"), pages - 1);
}

#[wasm_bindgen_test]
async fn pager_all_matches_total_records() {
    let pager = client()
        .pager(JsValue::UNDEFINED, json(r#"{"pageSize": 500}"#))
        .unwrap();
    let progress = Array::new();
    let options = Object::new();
    let recorder = Closure::<dyn FnMut(JsValue)>::new({
        let progress = progress.clone();
        move |update: JsValue| {
            progress.push(&update);
        }
    });
    Reflect::set(&options, &"onProgress".into(), recorder.as_ref()).unwrap();
    let all: Array = ok(pager.all(options.into())).await.unchecked_into();

    let total = int64(&first_page("{}").await, "pagination.totalRecords");
    assert_eq!(all.length() as i64, total);
    let last = progress.get(progress.length() - 1);
    assert_eq!(get(&last, "backupsDone").as_f64(), Some(total as f64));
    assert_eq!(get(&last, "pagesDone"), get(&last, "totalPages"));
}

#[wasm_bindgen_test]
async fn pager_is_async_iterable() {
    let pager = client()
        .pager(
            json(r#"{"sort": {"sortBy": "PHASE"}}"#),
            json(r#"{"pageSize": 1000}"#),
        )
        .unwrap();
    let pages: Array = ok(collect_pages(&JsValue::from(pager)))
        .await
        .unchecked_into();
    let total = int64(&first_page("{}").await, "pagination.totalRecords");
    assert_eq!(pages.length() as i64, (total + 999) / 1000);
}

#[wasm_bindgen_test]
async fn rejection_is_grpc_error() {
    let error = failure(client().get_backup("no-such-backup".into(), JsValue::UNDEFINED)).await;
    assert!(is_error(&error));
    assert_eq!(text(&error, "name"), "GrpcError");
    assert_eq!(get(&error, "code"), 5);
    assert!(
        text(&error, "message").starts_with("[not_found] "),
        "{}",
        text(&error, "message")
    );
    assert!(text(&error, "rawMessage").contains("no-such-backup"));
    assert!(get(&error, "metadata").is_object());
}

#[wasm_bindgen_test]
async fn bad_token_is_unauthenticated() {
    let error = failure(
        client_with(r#"{"token": "wrong"}"#).list_backups(JsValue::UNDEFINED, JsValue::UNDEFINED),
    )
    .await;
    assert_eq!(text(&error, "codeName"), "UNAUTHENTICATED");
    assert!(!text(&error, "message").contains("wrong"));
    let error =
        failure(client_with("{}").list_backups(JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(get(&error, "code"), 16);
}

#[wasm_bindgen_test]
async fn client_validation_sends_nothing() {
    let error = failure(client().get_backup("  ".into(), JsValue::UNDEFINED)).await;
    assert_eq!(get(&error, "code"), 3);
    let error = failure(client().list_backups(
        json(r#"{"deploymentId": "a", "namespaceId": "b"}"#),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(text(&error, "message").contains("deploymentId and namespaceId"));
    let error = failure(client().list_backups(
        json(r#"{"pagination": {"pageSzie": 5}}"#),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(text(&error, "message").contains("pageSzie"));
    let error = failure(client().list_backups(
        json(r#"{"pagination": {"pageSize": "x"}}"#),
        JsValue::UNDEFINED,
    ))
    .await;
    assert!(text(&error, "message").contains("pagination.pageSize must be a positive integer"));
}

#[wasm_bindgen_test]
async fn server_rejects_oversized_page() {
    let error = failure(client().list_backups(
        json(r#"{"pagination": {"pageSize": 100000}}"#),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(text(&error, "codeName"), "INVALID_ARGUMENT");
    assert!(
        text(&error, "rawMessage").contains("1000"),
        "{}",
        text(&error, "rawMessage")
    );
}

#[wasm_bindgen_test]
fn invalid_options_throw() {
    let error = BackupClient::new("pds.example.com".into(), JsValue::UNDEFINED)
        .err()
        .expect("relative URL rejected");
    assert_eq!(get(&error, "code"), 3);
    assert!(text(&error, "message").contains("baseUrl"));
    let error = BackupClient::new(SERVER_URL.into(), json(r#"{"timeoutMs": -5}"#))
        .err()
        .expect("negative timeout rejected");
    assert!(text(&error, "message").contains("timeoutMs"));
    let error = BackupClient::new(SERVER_URL.into(), json(r#"{"token": "a\nb"}"#))
        .err()
        .expect("line break rejected");
    assert!(text(&error, "message").contains("token"));
}

#[wasm_bindgen_test]
async fn abort_signal_cancels_call() {
    let controller = web_sys::AbortController::new().unwrap();
    let options = Object::new();
    Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let slow = BackupClient::new(SLOW_SERVER_URL.into(), JsValue::UNDEFINED).unwrap();
    let pending = slow.list_backups(JsValue::UNDEFINED, options.clone().into());
    controller.abort();
    let error = failure(pending).await;
    assert_eq!(text(&error, "codeName"), "CANCELLED");

    let error = failure(slow.list_backups(JsValue::UNDEFINED, options.into())).await;
    assert_eq!(
        get(&error, "code"),
        1,
        "an already aborted signal sends nothing"
    );
}

#[wasm_bindgen_test]
async fn timeout_is_deadline_exceeded() {
    let slow = BackupClient::new(SLOW_SERVER_URL.into(), json(r#"{"timeoutMs": 300}"#)).unwrap();
    let error = failure(slow.list_backups(JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(text(&error, "codeName"), "DEADLINE_EXCEEDED");

    let error = failure(slow.get_backup("any".into(), json(r#"{"timeoutMs": 50}"#))).await;
    assert_eq!(get(&error, "code"), 4);
}

fn uids(list: &Array) -> Vec<String> {
    list.iter()
        .map(|backup| text(&backup, "meta.uid"))
        .collect()
}

#[wasm_bindgen_test]
async fn prefetch_keeps_page_order() {
    let request = r#"{"sort": {"sortBy": "UPDATED_AT", "sortOrder": "DESC"}}"#;
    let sequential = client()
        .pager(json(request), json(r#"{"pageSize": 300}"#))
        .unwrap();
    let sequential: Array = ok(sequential.all(json(r#"{"concurrency": 1}"#)))
        .await
        .unchecked_into();
    let prefetched = client()
        .pager(json(request), json(r#"{"pageSize": 300}"#))
        .unwrap();
    let prefetched: Array = ok(prefetched.all(json(r#"{"concurrency": 6}"#)))
        .await
        .unchecked_into();
    assert!(
        sequential.length() > 300 * 3,
        "several pages: {}",
        sequential.length()
    );
    assert_eq!(uids(&prefetched), uids(&sequential));
}

#[wasm_bindgen_test]
async fn all_rejects_invalid_concurrency() {
    let pager = client()
        .pager(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .unwrap();
    let error = failure(pager.all(json(r#"{"concurrency": 0}"#))).await;
    assert_eq!(get(&error, "code"), 3);
    assert!(text(&error, "message").contains("concurrency must be a whole number"));
}

#[wasm_bindgen_test]
async fn all_stops_on_abort() {
    let controller = web_sys::AbortController::new().unwrap();
    let options = Object::new();
    Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let slow = BackupClient::new(SLOW_SERVER_URL.into(), JsValue::UNDEFINED).unwrap();
    let pending = slow
        .pager(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .unwrap()
        .all(options.into());
    controller.abort();
    let error = failure(pending).await;
    assert_eq!(text(&error, "codeName"), "CANCELLED");
}

#[wasm_bindgen_test]
async fn all_abort_keeps_caller_reason() {
    let controller = web_sys::AbortController::new().unwrap();
    let options = Object::new();
    Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let slow = BackupClient::new(SLOW_SERVER_URL.into(), JsValue::UNDEFINED).unwrap();
    let pending = slow
        .pager(JsValue::UNDEFINED, JsValue::UNDEFINED)
        .unwrap()
        .all(options.into());
    abort_later(&controller, 100, "user left page");
    let error = failure(pending).await;
    assert_eq!(text(&error, "codeName"), "CANCELLED");
    assert!(
        text(&error, "message").ends_with("user left page"),
        "{}",
        text(&error, "message")
    );
}

#[wasm_bindgen_test]
async fn throwing_progress_is_grpc_error() {
    let pager = client()
        .pager(JsValue::UNDEFINED, json(r#"{"pageSize": 1000}"#))
        .unwrap();
    let error = failure(pager.all(throwing_progress())).await;
    assert!(is_error(&error));
    assert_eq!(text(&error, "name"), "GrpcError");
    assert_eq!(text(&error, "codeName"), "UNKNOWN");
    assert_eq!(text(&get(&error, "cause"), "message"), "progress boom");
}

#[wasm_bindgen_test]
async fn timeout_signal_is_deadline_exceeded() {
    let options = Object::new();
    Reflect::set(&options, &"signal".into(), &timeout_signal(100)).unwrap();
    let slow = BackupClient::new(SLOW_SERVER_URL.into(), JsValue::UNDEFINED).unwrap();
    let error = failure(slow.list_backups(JsValue::UNDEFINED, options.into())).await;
    assert_eq!(text(&error, "codeName"), "DEADLINE_EXCEEDED");
}

#[wasm_bindgen_test]
fn decode_rejects_non_bytes() {
    for value in [JsValue::NULL, JsValue::from(5), JsValue::from_str("abc")] {
        let error = pds_backup_web::decode_list_backups_response(value)
            .err()
            .expect("rejected");
        assert_eq!(get(&error, "code"), 3);
        assert!(
            text(&error, "message").contains("bytes must be a Uint8Array"),
            "{}",
            text(&error, "message")
        );
    }
    let empty =
        pds_backup_web::decode_list_backups_response(js_sys::Uint8Array::new_with_length(0).into())
            .unwrap();
    assert!(get(&empty, "backups").is_undefined());
}
