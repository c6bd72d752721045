//! The grpc-web transport: unary calls over the browser's `fetch`.
//!
//! It binds the global `fetch`, so it works in windows and in workers alike.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use bytes::Bytes;
use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, ReadableStreamDefaultReader, RequestCredentials, RequestInit, RequestMode,
};

use super::call::{run_call, sleep};
use super::convert::{describe_js_error, js_failure};
use crate::grpc_web::response::{check_head, ChunkSource, UnaryReader};
use crate::metadata::Metadata;
use crate::options::{grpc_timeout, ClientConfig, Credentials};
use crate::retry::{retry_delay, RetryPolicy};
use crate::status::Status;
use crate::transport::UnaryTransport;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_request(request: &web_sys::Request) -> Promise;
}

/// Value of the `x-user-agent` header, which grpc-web clients send in place of the
/// `user-agent` that browsers do not let a page set.
const USER_AGENT: &str = concat!("pds-backup-web/", env!("CARGO_PKG_VERSION"));

/// Sends the calls of one client method invocation with `fetch`: the client's settings,
/// the call's metadata and deadline, the caller's abort signal, and retries when the
/// method may be repeated.
pub(crate) struct FetchTransport {
    pub(crate) config: Rc<ClientConfig>,
    /// Metadata of this call: the client's headers, overridden by the call's.
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) timeout_ms: Option<u32>,
    pub(crate) signal: Option<AbortSignal>,
    /// Retries allowed for this method; `None` for methods that are never repeated.
    pub(crate) retry: Option<RetryPolicy>,
}

impl UnaryTransport for FetchTransport {
    async fn send(&self, path: &'static str, body: Bytes) -> Result<Bytes, Status> {
        let url = format!("{}{path}", self.config.base_url);
        run_call(
            self.signal.as_ref(),
            self.timeout_ms,
            |abort_signal| async move {
                let mut attempt = 1;
                loop {
                    let error = match self.fetch_once(&url, &body, &abort_signal).await {
                        Ok(payload) => return Ok(payload),
                        Err(error) => error,
                    };
                    let Some(policy) = self.retry.filter(|policy| attempt < policy.max_attempts)
                    else {
                        return Err(error);
                    };
                    let Some(server_delay) = retry_delay(&error) else {
                        return Err(error);
                    };
                    sleep(
                        policy.backoff_ms(attempt, js_sys::Math::random(), server_delay),
                        &abort_signal,
                    )
                    .await;
                    attempt += 1;
                }
            },
        )
        .await
    }
}

impl FetchTransport {
    /// Sends the request once and reads the response message's payload.
    async fn fetch_once(
        &self,
        url: &str,
        body: &[u8],
        signal: &AbortSignal,
    ) -> Result<Bytes, Status> {
        let request = self.build_request(url, body, signal)?;
        let response: web_sys::Response = JsFuture::from(fetch_request(&request))
            .await
            .map_err(|error| js_failure(&format!("fetch of {url} failed"), &error))?
            .unchecked_into(); // fetch resolves to a Response.

        let head = match check_head(response.status(), read_headers(&response.headers())) {
            Ok(head) => head,
            Err(error) => {
                // The body of a rejected response is never read; release the connection.
                if let Some(stream) = response.body() {
                    ignore_rejection(&stream.cancel());
                }
                return Err(error);
            }
        };

        let mut chunks = FetchChunks::new(response.body());
        let mut reader = UnaryReader::new(head, self.config.max_response_bytes);
        poll_fn(|cx| reader.poll_read(&mut chunks, cx)).await
    }

    fn build_request(
        &self,
        url: &str,
        body: &[u8],
        signal: &AbortSignal,
    ) -> Result<web_sys::Request, Status> {
        let headers = web_sys::Headers::new()
            .map_err(|error| js_failure("creating request headers failed", &error))?;
        let append = |name: &str, value: &str| {
            headers.append(name, value).map_err(|error| {
                js_failure(
                    &format!("the browser rejected request header \"{name}\""),
                    &error,
                )
            })
        };
        append("content-type", "application/grpc-web+proto")?;
        append("x-grpc-web", "1")?;
        append("x-user-agent", USER_AGENT)?;
        if let Some(timeout) = self.timeout_ms {
            append("grpc-timeout", &grpc_timeout(timeout))?;
        }
        for (name, value) in &self.headers {
            append(name, value)?;
        }

        let init = RequestInit::new();
        init.set_method("POST");
        init.set_mode(RequestMode::Cors);
        init.set_credentials(match self.config.credentials {
            Credentials::Omit => RequestCredentials::Omit,
            Credentials::SameOrigin => RequestCredentials::SameOrigin,
            Credentials::Include => RequestCredentials::Include,
        });
        init.set_headers(&headers);
        init.set_body(&Uint8Array::from(body));
        init.set_signal(Some(signal));
        web_sys::Request::new_with_str_and_init(url, &init).map_err(|error| {
            js_failure(
                &format!("the browser rejected the request to {url}"),
                &error,
            )
        })
    }
}

/// Copies the response headers that the page may read. Cross-origin, that is the
/// CORS-safelisted ones and those listed in `Access-Control-Expose-Headers`.
fn read_headers(headers: &web_sys::Headers) -> Metadata {
    let mut metadata = Metadata::default();
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return metadata;
    };
    for entry in entries.flatten() {
        let pair: js_sys::Array = entry.unchecked_into(); // Headers iterates [name, value] pairs.
        if let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            metadata.append(&name, value);
        }
    }
    metadata
}

thread_local! {
    /// One handler for promises whose rejection is expected and of no interest, created
    /// once so that no closure is made or leaked per call.
    static IGNORE: Closure<dyn FnMut(JsValue)> = Closure::new(|_: JsValue| {});
}

/// Marks a promise's rejection as handled, so the browser does not report it.
pub(crate) fn ignore_rejection(promise: &Promise) {
    IGNORE.with(|handler| {
        let _ = promise.catch(handler);
    });
}

/// The chunks of a fetch response body, read through its `ReadableStream`.
struct FetchChunks {
    reader: Option<ReadableStreamDefaultReader>,
    pending: Option<JsFuture>,
    finished: bool,
}

impl FetchChunks {
    fn new(stream: Option<web_sys::ReadableStream>) -> Self {
        // getReader() without options returns a default reader.
        let reader = stream.map(|stream| stream.get_reader().unchecked_into());
        Self {
            reader,
            pending: None,
            finished: false,
        }
    }
}

impl ChunkSource for FetchChunks {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<u8>, Status>>> {
        let Some(reader) = &self.reader else {
            self.finished = true;
            return Poll::Ready(None);
        };
        let pending = self
            .pending
            .get_or_insert_with(|| JsFuture::from(reader.read()));
        let result = match Pin::new(pending).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        self.pending = None;

        let chunk = match result {
            Ok(chunk) => chunk,
            Err(error) => {
                self.finished = true;
                return Poll::Ready(Some(Err(body_failure(&error))));
            }
        };
        let done = Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|done| done.as_bool())
            .unwrap_or(true);
        if done {
            self.finished = true;
            return Poll::Ready(None);
        }
        let value = Reflect::get(&chunk, &"value".into()).unwrap_or(JsValue::UNDEFINED);
        let bytes = value
            .dyn_into::<Uint8Array>()
            .map(|array| array.to_vec())
            .unwrap_or_default();
        Poll::Ready(Some(Ok(bytes)))
    }
}

/// Turns a failed body read into a status: CANCELLED when the call was aborted, otherwise
/// UNAVAILABLE, because the connection closed before the response ended.
fn body_failure(error: &JsValue) -> Status {
    let status = js_failure("reading the response body failed", error);
    if status.code() == crate::code::Code::CANCELLED {
        return status;
    }
    Status::unavailable(format!(
        "reading the response body failed: {}; the connection closed before the response ended",
        describe_js_error(error)
    ))
}

impl Drop for FetchChunks {
    fn drop(&mut self) {
        if let (false, Some(reader)) = (self.finished, &self.reader) {
            ignore_rejection(&reader.cancel());
        }
    }
}
