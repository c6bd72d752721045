//! The JS API: every `#[wasm_bindgen]` export of the package is in this file.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

use super::convert::{input_from_js, parse_json, status_to_js};
use super::fetch::FetchTransport;
use super::pager::PagerState;
use crate::input::Input;
use crate::options::{parse_call_options, parse_client_options, CallConfig, ClientConfig};
use crate::proto::backup::backup_service_client::BackupServiceClient;
use crate::proto::backup::{DeleteBackupRequest, GetBackupRequest, ListBackupsResponse};
use crate::request::{invalid, parse_id, parse_list_request, parse_positive_integer};
use crate::status::Status;
use crate::transcode::to_json;

// TypeScript declarations of the messages in their proto3 JSON form, generated from the
// protos by build.rs.
#[wasm_bindgen(typescript_custom_section)]
const MESSAGE_TYPES: &str = include_str!(concat!(env!("OUT_DIR"), "/types.ts"));

// TypeScript declarations of the options, the pager's async iterator and the error, which
// the protos do not define.
#[wasm_bindgen(typescript_custom_section)]
const API_TYPES: &str = include_str!("api.d.ts");

#[wasm_bindgen(inline_js = "
export function installAsyncIterator(prototype) {
  Object.defineProperty(prototype, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: async function* () {
      for (;;) {
        const page = await this.next();
        if (page === null) return;
        yield page;
      }
    },
  });
}
")]
extern "C" {
    #[wasm_bindgen(js_name = installAsyncIterator)]
    fn install_async_iterator(prototype: &JsValue);
}

/// Sets up the module when it loads: panic messages go to the console, and pagers become
/// async iterables.
#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
    install_pager_iterator();
}

thread_local! {
    static ITERATOR_INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Makes `BackupPager` async iterable, once. Runs from `start` and again from the client
/// constructor, because a module linked into another one (a test harness, for example)
/// does not run its own start function.
fn install_pager_iterator() {
    if ITERATOR_INSTALLED.with(|installed| installed.replace(true)) {
        return;
    }
    let sample = JsValue::from(BackupPager {
        state: Rc::new(PagerState::placeholder()),
    });
    if let Ok(prototype) = js_sys::Reflect::get_prototype_of(&sample) {
        install_async_iterator(&prototype);
    }
}

/// Decodes a serialized `ListBackupsResponse` (protobuf binary, without grpc-web framing)
/// into its proto3 JSON form, the same value `listBackups` resolves to.
///
/// Throws a GrpcError with code INVALID_ARGUMENT when `bytes` is not a `Uint8Array` or an
/// `ArrayBuffer`, and with code INTERNAL when the bytes are not a valid message.
#[wasm_bindgen(js_name = decodeListBackupsResponse, unchecked_return_type = "ListBackupsResponse")]
pub fn decode_list_backups_response(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer")] bytes: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = if let Some(array) = bytes.dyn_ref::<js_sys::Uint8Array>() {
        array.to_vec()
    } else if let Some(buffer) = bytes.dyn_ref::<js_sys::ArrayBuffer>() {
        js_sys::Uint8Array::new(buffer).to_vec()
    } else {
        let status = invalid(format!(
            "bytes must be a Uint8Array or an ArrayBuffer holding a serialized ListBackupsResponse, got {}",
            input_from_js(&bytes).describe()
        ));
        return Err(status_to_js(&status));
    };
    let json = to_json::<ListBackupsResponse>(&bytes).map_err(|status| status_to_js(&status))?;
    parse_json(&json).map_err(|status| status_to_js(&status))
}

/// Decodes like `decodeListBackupsResponse`, but builds the JS objects field by field with
/// serde-wasm-bindgen. Only in builds with the `bench-boundary` feature, for comparison.
#[cfg(feature = "bench-boundary")]
#[wasm_bindgen(js_name = decodeListBackupsResponseAsObjects, unchecked_return_type = "ListBackupsResponse")]
pub fn decode_list_backups_response_as_objects(bytes: &[u8]) -> Result<JsValue, JsValue> {
    use serde::Serialize;

    let response: ListBackupsResponse =
        crate::transport::decode_message(bytes).map_err(|status| status_to_js(&status))?;
    let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    response
        .serialize(&serializer)
        .map_err(|error| JsValue::from_str(&error.to_string()))
}

/// A BackupService client that speaks grpc-web over `fetch`.
#[wasm_bindgen]
pub struct BackupClient {
    config: Rc<ClientConfig>,
}

#[wasm_bindgen]
impl BackupClient {
    /// Creates a client for the grpc-web endpoint at `baseUrl`, such as
    /// `"https://pds.example.com"`; calls go to `baseUrl + "/public.portworx.pds.backup.v1.BackupService/<Method>"`.
    ///
    /// Throws a GrpcError with code INVALID_ARGUMENT that names the option at fault.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = baseUrl, unchecked_param_type = "string")] base_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "BackupClientOptions")] options: JsValue,
    ) -> Result<BackupClient, JsValue> {
        install_pager_iterator();
        let config = parse_client_options(&input_from_js(&base_url), &input_from_js(&options))
            .map_err(|status| status_to_js(&status))?;
        Ok(BackupClient {
            config: Rc::new(config),
        })
    }

    /// Returns the base URL, without a trailing slash.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.config.base_url.clone()
    }

    /// Fetches one backup by its id.
    #[wasm_bindgen(js_name = getBackup, unchecked_return_type = "Promise<Backup>")]
    pub fn get_backup(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(js_name = callOptions, unchecked_optional_param_type = "CallOptions")]
        call_options: JsValue,
    ) -> Promise {
        let ((call, signal), id) = match prepare_with_id(&id, &call_options) {
            Ok(prepared) => prepared,
            Err(status) => return Promise::reject(&status_to_js(&status)),
        };
        let config = self.config.clone();
        spawn(async move {
            let backup = unary(
                config,
                call,
                signal.as_ref(),
                Idempotent::Yes,
                |client| async move { client.get_backup_json(GetBackupRequest { id }).await },
            )
            .await?;
            parse_json(&backup)
        })
    }

    /// Deletes one backup by its id. Resolves to `undefined`.
    #[wasm_bindgen(js_name = deleteBackup, unchecked_return_type = "Promise<void>")]
    pub fn delete_backup(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(js_name = callOptions, unchecked_optional_param_type = "CallOptions")]
        call_options: JsValue,
    ) -> Promise {
        let ((call, signal), id) = match prepare_with_id(&id, &call_options) {
            Ok(prepared) => prepared,
            Err(status) => return Promise::reject(&status_to_js(&status)),
        };
        let config = self.config.clone();
        spawn(async move {
            unary(
                config,
                call,
                signal.as_ref(),
                Idempotent::No,
                |client| async move { client.delete_backup(DeleteBackupRequest { id }).await },
            )
            .await?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Lists backups. `request` is the proto3 JSON form of ListBackupsRequest.
    #[wasm_bindgen(js_name = listBackups, unchecked_return_type = "Promise<ListBackupsResponse>")]
    pub fn list_backups(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListBackupsRequest")] request: JsValue,
        #[wasm_bindgen(js_name = callOptions, unchecked_optional_param_type = "CallOptions")]
        call_options: JsValue,
    ) -> Promise {
        let prepared = prepare(&call_options)
            .and_then(|call| Ok((call, parse_list_request(&input_from_js(&request))?)));
        let ((call, signal), request) = match prepared {
            Ok(prepared) => prepared,
            Err(status) => return Promise::reject(&status_to_js(&status)),
        };
        let config = self.config.clone();
        spawn(async move { parse_json(&list_json(config, call, signal.as_ref(), request).await?) })
    }

    /// Creates a pager over the backups that `request` selects, `pageSize` per page.
    ///
    /// Throws a GrpcError with code INVALID_ARGUMENT for an invalid request or page size.
    pub fn pager(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListBackupsRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PagerOptions")] options: JsValue,
    ) -> Result<BackupPager, JsValue> {
        let state = pager_state(self.config.clone(), &request, &options)
            .map_err(|status| status_to_js(&status))?;
        Ok(BackupPager {
            state: Rc::new(state),
        })
    }
}

fn pager_state(
    config: Rc<ClientConfig>,
    request: &JsValue,
    options: &JsValue,
) -> Result<PagerState, Status> {
    let mut request = parse_list_request(&input_from_js(request))?;
    let options = input_from_js(options);
    let entries =
        crate::request::object(&options, "pager options", "{ pageSize: 100 }")?.unwrap_or_default();
    let mut page_size = request
        .pagination
        .as_ref()
        .map_or(0, |pagination| pagination.page_size);
    for (key, value) in entries {
        match (key.as_str(), value) {
            (_, Input::Undefined) => {}
            ("pageSize", value) => page_size = parse_positive_integer("pageSize", value)?,
            (other, _) => {
                return Err(invalid(format!(
                    "unknown pager option {other:?}; the only option is pageSize"
                )))
            }
        }
    }
    if request
        .pagination
        .as_ref()
        .is_some_and(|pagination| pagination.page_number != 0)
    {
        return Err(invalid(
            "pagination.pageNumber is set, but the pager chooses the pages itself; remove it and call page(n)",
        ));
    }
    request.pagination = None;
    Ok(PagerState::new(config, request, page_size))
}

/// A cursor over the pages of one listing.
#[wasm_bindgen]
pub struct BackupPager {
    state: Rc<PagerState>,
}

#[wasm_bindgen]
impl BackupPager {
    /// Fetches page `n`, numbered from 1, and makes it the current page. `n` may also be a
    /// decimal string, such as a response's `pagination.nextPage`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ListBackupsResponse>")]
    pub fn page(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number | string")] n: JsValue,
    ) -> Promise {
        match parse_positive_integer("page number", &input_from_js(&n)) {
            Ok(number) => self.state.clone().page(number),
            Err(status) => Promise::reject(&status_to_js(&status)),
        }
    }

    /// Fetches the page after the current one (page 1 on the first call). Resolves to
    /// `null` after the last page.
    #[wasm_bindgen(unchecked_return_type = "Promise<ListBackupsResponse | null>")]
    pub fn next(&self) -> Promise {
        self.state.clone().next()
    }

    /// Fetches the page before the current one. Resolves to `null` on page 1 and before
    /// the first fetch.
    #[wasm_bindgen(unchecked_return_type = "Promise<ListBackupsResponse | null>")]
    pub fn previous(&self) -> Promise {
        self.state.clone().previous()
    }

    /// Resolves to every backup that matches, following `nextPage` from page 1 until it
    /// is -1. Fails rather than loops if the server repeats a page or returns more pages
    /// than it announced.
    #[wasm_bindgen(unchecked_return_type = "Promise<Backup[]>")]
    pub fn all(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "PagerAllOptions")] options: JsValue,
    ) -> Promise {
        self.state.clone().all(options)
    }

    /// Returns the page fetched last, or `undefined` before the first fetch.
    #[wasm_bindgen(getter, js_name = currentPage)]
    pub fn current_page(&self) -> Option<f64> {
        self.state.cursor().current_page.map(|page| page as f64)
    }

    /// Pages in the listing, known after the first fetch.
    #[wasm_bindgen(getter, js_name = totalPages)]
    pub fn total_pages(&self) -> Option<f64> {
        self.state.cursor().total_pages.map(|pages| pages as f64)
    }

    /// Backups in the listing, known after the first fetch.
    #[wasm_bindgen(getter, js_name = totalRecords)]
    pub fn total_records(&self) -> Option<f64> {
        self.state
            .cursor()
            .total_records
            .map(|records| records as f64)
    }
}

/// Reads the call options and the abort signal.
pub(crate) fn prepare(call_options: &JsValue) -> Result<(CallConfig, Option<AbortSignal>), Status> {
    let call = parse_call_options(&input_from_js(call_options))?;
    let signal = optional_signal(call_options, "callOptions.signal")?;
    Ok((call, signal))
}

/// Reads the call options and the backup id of `getBackup` and `deleteBackup`.
fn prepare_with_id(
    id: &JsValue,
    call_options: &JsValue,
) -> Result<((CallConfig, Option<AbortSignal>), String), Status> {
    let call = prepare(call_options)?;
    Ok((call, parse_id("id", &input_from_js(id))?))
}

/// Reads an optional `signal` property that must be an `AbortSignal`.
pub(crate) fn optional_signal(
    options: &JsValue,
    field: &str,
) -> Result<Option<AbortSignal>, Status> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let value = js_sys::Reflect::get(options, &"signal".into()).unwrap_or(JsValue::UNDEFINED);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value.dyn_into::<AbortSignal>().map(Some).map_err(|value| {
        invalid(format!(
            "{field} must be an AbortSignal, got {}",
            input_from_js(&value).describe()
        ))
    })
}

/// Turns a call's future into a promise that rejects with a GrpcError.
///
/// The future is boxed so that the module contains one copy of the promise glue instead of
/// one per method.
fn spawn(future: impl Future<Output = Result<JsValue, Status>> + 'static) -> Promise {
    promise(Box::pin(async move {
        future.await.map_err(|status| status_to_js(&status))
    }))
}

/// Turns a boxed future into a promise.
pub(crate) fn promise(future: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>) -> Promise {
    future_to_promise(future)
}

/// Lists one page with the given options and returns its proto3 JSON text.
pub(crate) async fn list_json(
    config: Rc<ClientConfig>,
    call: CallConfig,
    signal: Option<&AbortSignal>,
    request: crate::proto::backup::ListBackupsRequest,
) -> Result<String, Status> {
    unary(config, call, signal, Idempotent::Yes, |client| async move {
        client.list_backups_json(request).await
    })
    .await
}

/// Whether a method may be sent again after a failure. Deleting is never retried
/// automatically: the first attempt may have deleted the backup before the reply was lost.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Idempotent {
    Yes,
    No,
}

/// Runs one call of the generated client over a fetch transport that carries the
/// client's and the call's metadata, the deadline, the abort signal and, for an
/// idempotent method, the client's retry policy.
async fn unary<Resp, F, Fut>(
    config: Rc<ClientConfig>,
    call: CallConfig,
    signal: Option<&AbortSignal>,
    idempotent: Idempotent,
    method: F,
) -> Result<Resp, Status>
where
    F: FnOnce(BackupServiceClient<FetchTransport>) -> Fut,
    Fut: Future<Output = Result<Resp, Status>>,
{
    let mut headers = config.headers.clone();
    for (name, value) in call.headers {
        headers.retain(|(existing, _)| *existing != name);
        headers.push((name, value));
    }
    let transport = FetchTransport {
        timeout_ms: call.timeout_ms.or(config.timeout_ms),
        retry: config.retry.filter(|_| idempotent == Idempotent::Yes),
        signal: signal.cloned(),
        headers,
        config,
    };
    method(BackupServiceClient::new(transport)).await
}
