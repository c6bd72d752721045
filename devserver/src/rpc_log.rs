//! One log line per RPC: method, gRPC status code, duration and the caller's account id.
//!
//! The layer sits between tonic-web and the gRPC service, so it handles native gRPC for both
//! protocols. The status arrives either in the response headers (a trailers-only error
//! response) or in the trailers at the end of the body, so the body is wrapped until its
//! trailers pass. Headers are never logged, so neither is the bearer token.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body::{Body, Frame, SizeHint};
use tonic::Code;
use tower::{Layer, Service};

/// Metadata header that selects the PDS account of a call.
const ACCOUNT_HEADER: &str = "px-account-id";

/// Maximum number of account id characters written to the log.
const MAX_ACCOUNT_CHARS: usize = 64;

/// Wraps a gRPC service in [`RpcLog`].
#[derive(Clone, Copy, Debug, Default)]
pub struct RpcLogLayer;

impl<S> Layer<S> for RpcLogLayer {
    type Service = RpcLog<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcLog { inner }
    }
}

/// Logs each call to the inner gRPC service when its status is known.
#[derive(Clone, Debug)]
pub struct RpcLog<S> {
    inner: S,
}

impl<S, RequestBody, ResponseBody> Service<Request<RequestBody>> for RpcLog<S>
where
    S: Service<Request<RequestBody>, Response = Response<ResponseBody>>,
    S::Future: Send + 'static,
{
    type Response = Response<LoggedBody<ResponseBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<RequestBody>) -> Self::Future {
        let mut call = CallRecord::start(&request);
        let response = self.inner.call(request);
        Box::pin(async move {
            let response = response.await?;
            if let Some(code) = grpc_status(response.headers()) {
                call.finish(code, grpc_message(response.headers()));
            }
            Ok(response.map(|inner| LoggedBody { inner, call }))
        })
    }
}

/// Call details kept until the call's log line is written.
#[derive(Debug)]
struct CallRecord {
    method: String,
    account_id: Option<String>,
    started: Instant,
    logged: bool,
}

impl CallRecord {
    fn start<B>(request: &Request<B>) -> Self {
        let path = request.uri().path();
        let method = path.rsplit('/').next().unwrap_or(path).to_owned();
        let account_id = request
            .headers()
            .get(ACCOUNT_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.chars().take(MAX_ACCOUNT_CHARS).collect());
        Self {
            method,
            account_id,
            started: Instant::now(),
            logged: false,
        }
    }

    /// Logs the call once, with the grpc-message of a failed call, which names the ids
    /// involved.
    fn finish(&mut self, code: Code, message: Option<String>) {
        if self.logged {
            return;
        }
        self.logged = true;
        tracing::info!(
            method = %self.method,
            code = ?code,
            code_number = code as i32,
            duration_ms = format_args!("{:.3}", self.started.elapsed().as_secs_f64() * 1000.0),
            account_id = self.account_id.as_deref().unwrap_or("-"),
            grpc_message = message.as_deref().unwrap_or("-"),
            "rpc"
        );
    }
}

impl Drop for CallRecord {
    fn drop(&mut self) {
        if !self.logged {
            tracing::warn!(
                method = %self.method,
                duration_ms = format_args!("{:.3}", self.started.elapsed().as_secs_f64() * 1000.0),
                account_id = self.account_id.as_deref().unwrap_or("-"),
                "rpc ended without a grpc-status: the client cancelled it or the response \
                 body failed"
            );
        }
    }
}

/// Returns the grpc-message in `headers` as sent, percent-encoded.
fn grpc_message(headers: &HeaderMap) -> Option<String> {
    headers
        .get("grpc-message")
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// Returns the gRPC status code in `headers`, which are response headers or trailers.
fn grpc_status(headers: &HeaderMap) -> Option<Code> {
    headers
        .get("grpc-status")
        .map(|value| Code::from_bytes(value.as_bytes()))
}

pin_project_lite::pin_project! {
    /// A response body that logs its call once the trailers pass.
    pub struct LoggedBody<B> {
        #[pin]
        inner: B,
        call: CallRecord,
    }
}

impl<B> Body for LoggedBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = std::task::ready!(this.inner.poll_frame(cx));
        if let Some(Ok(frame)) = &frame {
            if let Some(trailers) = frame.trailers_ref() {
                if let Some(code) = grpc_status(trailers) {
                    this.call.finish(code, grpc_message(trailers));
                }
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_from_headers() {
        let mut headers = HeaderMap::new();
        assert_eq!(grpc_status(&headers), None);
        headers.insert("grpc-status", "5".parse().unwrap());
        assert_eq!(grpc_status(&headers), Some(Code::NotFound));
    }

    #[test]
    fn record_takes_method_and_account() {
        let request = Request::builder()
            .uri("/public.portworx.pds.backup.v1.BackupService/GetBackup")
            .header(ACCOUNT_HEADER, "acct-1")
            .header("authorization", "Bearer hidden")
            .body(())
            .unwrap();
        let mut record = CallRecord::start(&request);
        assert_eq!(record.method, "GetBackup");
        assert_eq!(record.account_id.as_deref(), Some("acct-1"));
        record.finish(Code::Ok, None);
        assert!(record.logged);
    }

    #[test]
    fn long_account_id_is_truncated() {
        let request = Request::builder()
            .uri("/x/ListBackups")
            .header(ACCOUNT_HEADER, "a".repeat(500))
            .body(())
            .unwrap();
        let mut record = CallRecord::start(&request);
        assert_eq!(
            record.account_id.as_ref().map(String::len),
            Some(MAX_ACCOUNT_CHARS)
        );
        record.finish(Code::Ok, None);
    }
}
