//! Enforces the `grpc-timeout` request header: a handler that does not finish in time
//! gets a DEADLINE_EXCEEDED response.
//!
//! The header is `<value><unit>` with a value of 1 to 8 ASCII digits and a unit of `H`
//! (hours), `M` (minutes), `S` (seconds), `m` (milliseconds), `u` (microseconds) or `n`
//! (nanoseconds), as the gRPC over HTTP/2 protocol specification defines it. A header that
//! does not parse is ignored, as that specification requires.
//!
//! tonic 0.14's transport server also applies the header, but reports an expired deadline
//! as CANCELLED ("Timeout expired"). A grpc-web client that compares codes needs
//! DEADLINE_EXCEEDED, so this server runs on axum with this layer instead.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use tonic::body::Body;
use tonic::Status;
use tower::{BoxError, Layer, Service};

/// Wraps a gRPC service in [`Deadline`].
#[derive(Clone, Copy, Debug, Default)]
pub struct DeadlineLayer;

impl<S> Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Deadline { inner }
    }
}

/// Returns DEADLINE_EXCEEDED when the inner service takes longer than the request's
/// `grpc-timeout`.
#[derive(Clone, Debug)]
pub struct Deadline<S> {
    inner: S,
}

impl<S, RequestBody, ResponseBody> Service<Request<RequestBody>> for Deadline<S>
where
    S: Service<Request<RequestBody>, Response = Response<ResponseBody>>,
    S::Future: Send + 'static,
    ResponseBody: http_body::Body<Data = Bytes> + Send + 'static,
    ResponseBody::Error: Into<BoxError>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<RequestBody>) -> Self::Future {
        let timeout = grpc_timeout(request.headers());
        let response = self.inner.call(request);
        Box::pin(async move {
            let Some(timeout) = timeout else {
                return Ok(response.await?.map(Body::new));
            };
            match tokio::time::timeout(timeout, response).await {
                Ok(result) => Ok(result?.map(Body::new)),
                Err(_) => Ok(Status::deadline_exceeded(format!(
                    "deadline exceeded: the call did not finish within its grpc-timeout of \
                     {timeout:?}"
                ))
                .into_http()),
            }
        })
    }
}

/// Returns the duration in the `grpc-timeout` header, or `None` when it is absent or
/// malformed.
fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = text.split_at(text.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let value: u64 = digits.parse().ok()?;
    match unit {
        "H" => Some(Duration::from_secs(value * 3600)),
        "M" => Some(Duration::from_secs(value * 60)),
        "S" => Some(Duration::from_secs(value)),
        "m" => Some(Duration::from_millis(value)),
        "u" => Some(Duration::from_micros(value)),
        "n" => Some(Duration::from_nanos(value)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use http_body_util::BodyExt;
    use tonic::Code;
    use tower::ServiceExt;

    use super::*;

    fn parse(value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert("grpc-timeout", value.parse().unwrap());
        grpc_timeout(&headers)
    }

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse("4S"), Some(Duration::from_secs(4)));
        assert_eq!(parse("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse("99999999n"), Some(Duration::from_nanos(99_999_999)));
    }

    #[test]
    fn ignores_malformed_values() {
        for value in ["", "m", "123456789m", "10", "10x", "-1S", "1.5S", " 1S"] {
            assert_eq!(parse(value), None, "{value:?}");
        }
    }

    #[test]
    fn absent_header_means_no_deadline() {
        assert_eq!(grpc_timeout(&HeaderMap::new()), None);
    }

    #[tokio::test]
    async fn slow_call_gets_deadline_exceeded() {
        let slow = tower::service_fn(|_: Request<()>| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok::<_, Infallible>(Response::new(Body::empty()))
        });
        let request = Request::builder()
            .header("grpc-timeout", "20m")
            .body(())
            .unwrap();
        let response = DeadlineLayer.layer(slow).oneshot(request).await.unwrap();
        let status = Status::from_header_map(response.headers()).unwrap();
        assert_eq!(status.code(), Code::DeadlineExceeded);
    }

    #[tokio::test]
    async fn fast_call_passes_through() {
        let fast = tower::service_fn(|_: Request<()>| async {
            Ok::<_, Infallible>(Response::new(Body::new("body".to_owned())))
        });
        let request = Request::builder()
            .header("grpc-timeout", "5S")
            .body(())
            .unwrap();
        let response = DeadlineLayer.layer(fast).oneshot(request).await.unwrap();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "body");
    }
}
