//! The grpc-web transport: a tonic `GrpcService` over the browser's `fetch`.
//!
//! It binds the global `fetch`, so it works in windows and in workers alike.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use http_body_util::BodyExt;
use js_sys::{Promise, Reflect, Uint8Array};
use tonic::Status;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, ReadableStreamDefaultReader, RequestCredentials, RequestInit, RequestMode,
};

use super::convert::js_failure;
use crate::grpc_web::response::{check_head, ChunkSource, ResponseBody};
use crate::options::{ClientConfig, Credentials};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn fetch_request(request: &web_sys::Request) -> Promise;
}

/// Value of the `x-user-agent` header, which grpc-web clients send in place of the
/// `user-agent` that browsers do not let a page set.
const USER_AGENT: &str = concat!("pds-backup-web/", env!("CARGO_PKG_VERSION"));

/// Request headers that tonic adds for HTTP/2 gRPC and that a grpc-web request over fetch
/// must not carry.
const DROPPED_HEADERS: [&str; 3] = ["te", "user-agent", "content-type"];

/// Sends one call with `fetch`. Each call gets its own transport, because the abort
/// signal belongs to the call.
#[derive(Clone)]
pub(crate) struct FetchTransport {
    pub(crate) config: Rc<ClientConfig>,
    pub(crate) signal: AbortSignal,
}

impl tower_service::Service<http::Request<tonic::body::Body>> for FetchTransport {
    type Response = http::Response<ResponseBody<FetchChunks>>;
    type Error = Status;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Status>>>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Status>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let transport = self.clone();
        Box::pin(async move { transport.send(request).await })
    }
}

impl FetchTransport {
    async fn send(
        self,
        request: http::Request<tonic::body::Body>,
    ) -> Result<http::Response<ResponseBody<FetchChunks>>, Status> {
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|error| Status::internal(format!("encoding the request failed: {error}")))?
            .to_bytes();
        let url = format!("{}{}", self.config.base_url, parts.uri.path());

        let request = self.build_request(&url, &parts.headers, &body)?;
        let response: web_sys::Response = JsFuture::from(fetch_request(&request))
            .await
            .map_err(|error| js_failure(&format!("fetch of {url} failed"), &error))?
            .unchecked_into(); // fetch resolves to a Response.

        let status = response.status();
        let head = match check_head(status, read_headers(&response.headers())) {
            Ok(head) => head,
            Err(error) => {
                // The body of a rejected response is never read; release the connection.
                if let Some(stream) = response.body() {
                    ignore_rejection(&stream.cancel());
                }
                return Err(error);
            }
        };

        let chunks = FetchChunks::new(response.body());
        let body = ResponseBody::new(chunks, &head, self.config.max_response_bytes);
        let mut http_response = http::Response::new(body);
        *http_response.headers_mut() = head.headers;
        Ok(http_response)
    }

    fn build_request(
        &self,
        url: &str,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Result<web_sys::Request, Status> {
        let fetch_headers = web_sys::Headers::new()
            .map_err(|error| js_failure("creating request headers failed", &error))?;
        let append = |name: &str, value: &str| {
            fetch_headers.append(name, value).map_err(|error| {
                js_failure(
                    &format!("the browser rejected request header {name:?}"),
                    &error,
                )
            })
        };
        append("content-type", "application/grpc-web+proto")?;
        append("x-grpc-web", "1")?;
        append("x-user-agent", USER_AGENT)?;
        for (name, value) in headers {
            if DROPPED_HEADERS.contains(&name.as_str()) {
                continue;
            }
            append(name.as_str(), value.to_str().unwrap_or_default())?;
        }

        let init = RequestInit::new();
        init.set_method("POST");
        init.set_mode(RequestMode::Cors);
        init.set_credentials(match self.config.credentials {
            Credentials::Omit => RequestCredentials::Omit,
            Credentials::SameOrigin => RequestCredentials::SameOrigin,
            Credentials::Include => RequestCredentials::Include,
        });
        init.set_headers(&fetch_headers);
        init.set_body(&Uint8Array::from(body.as_ref()));
        init.set_signal(Some(&self.signal));
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
fn read_headers(headers: &web_sys::Headers) -> HeaderMap {
    let mut map = HeaderMap::new();
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return map;
    };
    for entry in entries.flatten() {
        let pair: js_sys::Array = entry.unchecked_into(); // Headers iterates [name, value] pairs.
        let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            map.append(name, value);
        }
    }
    map
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
pub(crate) struct FetchChunks {
    reader: Option<ReadableStreamDefaultReader>,
    pending: Option<JsFuture>,
    finished: bool,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs on one thread, so the
// JS handles inside never move between threads. tonic requires `Send` for response bodies.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Send for FetchChunks {}

impl FetchChunks {
    fn new(stream: Option<web_sys::ReadableStream>) -> Self {
        let reader = stream.map(|stream| stream.get_reader().unchecked_into()); // getReader() without options returns a default reader.
        Self {
            reader,
            pending: None,
            finished: false,
        }
    }
}

impl ChunkSource for FetchChunks {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Status>>> {
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
                return Poll::Ready(Some(Err(js_failure(
                    "reading the response body failed",
                    &error,
                ))));
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
        Poll::Ready(Some(Ok(Bytes::from(bytes))))
    }
}

impl Drop for FetchChunks {
    fn drop(&mut self) {
        if let (false, Some(reader)) = (self.finished, &self.reader) {
            ignore_rejection(&reader.cancel());
        }
    }
}
