//! Turns a grpc-web HTTP response into what tonic's decoder expects: message frames as
//! body data and the status as HTTP trailers, or a typed error.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use http_body::{Body, Frame as BodyFrame};
use tonic::{Code, Status};

use super::base64::TextDecoder;
use super::frame::{Frame, FrameDecoder};
use super::status::{
    self, error_status, ok_trailers, parse_trailer_block, read_status, with_metadata,
};
use crate::code::code_from_http_status;

/// Metadata key under which an error keeps the HTTP status of the response.
pub(crate) const HTTP_STATUS_KEY: &str = "http-status";

/// The body encoding that the response's content type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// `application/grpc-web` or `application/grpc-web+proto`: raw frames.
    Binary,
    /// `application/grpc-web-text` or `application/grpc-web-text+proto`: base64 frames.
    Text,
}

/// What the status line and headers of a response decide before its body is read.
#[derive(Debug)]
pub(crate) struct ResponseHead {
    pub(crate) encoding: Encoding,
    /// The response headers without the status fields, which tonic must not read.
    pub(crate) headers: HeaderMap,
    /// True when the headers carried `grpc-status: 0`, so a body without a trailer frame
    /// still ends the call with OK.
    pub(crate) status_in_headers: bool,
}

/// Checks the HTTP status, the headers and the content type of a response, in that order.
///
/// A non-OK `grpc-status` in the headers (a trailers-only response) wins over the HTTP
/// status and the content type. Without one, a status other than 200 maps to a gRPC code
/// by [`code_from_http_status`], and the body of such a response is never parsed.
pub(crate) fn check_head(http_status: u16, mut headers: HeaderMap) -> Result<ResponseHead, Status> {
    let metadata = {
        let mut metadata = headers.clone();
        metadata.insert(HTTP_STATUS_KEY, HeaderValue::from(http_status));
        metadata
    };

    let header_status = read_status(&headers);
    if let Some(raw) = header_status.clone().filter(|raw| raw.code != Code::Ok) {
        return Err(error_status(raw, metadata));
    }
    if http_status != 200 {
        let code = code_from_http_status(http_status);
        return Err(with_metadata(
            Status::new(
                code,
                format!("HTTP status {http_status} without grpc-status; the endpoint or a proxy in front of it did not answer with grpc-web"),
            ),
            &metadata,
        ));
    }

    let content_type = headers
        .get(http::header::CONTENT_TYPE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());
    let encoding = match content_type.as_deref().map(media_type).as_deref() {
        Some("application/grpc-web" | "application/grpc-web+proto") => Encoding::Binary,
        Some("application/grpc-web-text" | "application/grpc-web-text+proto") => Encoding::Text,
        _ if header_status.is_some() => Encoding::Binary,
        other => {
            let shown = other.map_or("none".to_owned(), |value| format!("{value:?}"));
            return Err(with_metadata(
                Status::unknown(format!(
                    "unexpected content type {shown}; expected application/grpc-web+proto, so the base URL may point at something other than a grpc-web endpoint"
                )),
                &metadata,
            ));
        }
    };

    status::strip_status_fields(&mut headers);
    Ok(ResponseHead {
        encoding,
        headers,
        status_in_headers: header_status.is_some(),
    })
}

/// The media type of a content type, lowercased and without parameters.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A source of response body chunks, such as a fetch `ReadableStream`.
pub(crate) trait ChunkSource {
    /// Returns the next chunk, or `None` at the end of the body.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Status>>>;
}

/// A grpc-web response body as tonic reads it.
pub(crate) struct ResponseBody<S> {
    source: S,
    text: Option<TextDecoder>,
    frames: FrameDecoder,
    /// Response headers, attached to every error as metadata.
    headers: HeaderMap,
    status_in_headers: bool,
    done: bool,
}

impl<S: ChunkSource> ResponseBody<S> {
    /// Creates the body of a response whose head passed [`check_head`].
    pub(crate) fn new(source: S, head: &ResponseHead, max_frame_len: usize) -> Self {
        Self {
            source,
            text: (head.encoding == Encoding::Text).then(TextDecoder::default),
            frames: FrameDecoder::new(max_frame_len),
            headers: head.headers.clone(),
            status_in_headers: head.status_in_headers,
            done: false,
        }
    }

    fn fail(&mut self, status: Status) -> Poll<Option<Result<BodyFrame<Bytes>, Status>>> {
        self.done = true;
        Poll::Ready(Some(Err(with_metadata(status, &self.headers))))
    }

    /// Ends the call with the status of the trailer frame.
    fn finish_with_trailers(
        &mut self,
        payload: &[u8],
    ) -> Poll<Option<Result<BodyFrame<Bytes>, Status>>> {
        self.done = true;
        let trailers = parse_trailer_block(payload);
        let mut metadata = self.headers.clone();
        metadata.extend(trailers.clone());

        match read_status(&trailers) {
            Some(raw) if raw.code == Code::Ok => {
                let mut clean = trailers;
                status::strip_status_fields(&mut clean);
                clean.extend(ok_trailers());
                Poll::Ready(Some(Ok(BodyFrame::trailers(clean))))
            }
            Some(raw) => Poll::Ready(Some(Err(error_status(raw, metadata)))),
            None if self.status_in_headers => Poll::Ready(Some(Ok(BodyFrame::trailers(ok_trailers())))),
            None => self.fail(Status::unknown(
                "the trailer frame has no grpc-status; the server did not end the call with a status",
            )),
        }
    }

    /// Ends the call at the end of the body, which had no trailer frame.
    fn finish_at_end(&mut self) -> Poll<Option<Result<BodyFrame<Bytes>, Status>>> {
        if let Err(error) = self.frames.finish() {
            return self.fail(error);
        }
        if self
            .text
            .as_ref()
            .is_some_and(|text| text.finish().is_err())
        {
            return self.fail(Status::internal(
                "grpc-web-text response body ended inside a base64 group",
            ));
        }
        if self.status_in_headers {
            self.done = true;
            return Poll::Ready(Some(Ok(BodyFrame::trailers(ok_trailers()))));
        }
        self.fail(Status::unknown(
            "response has no grpc-status in its headers or trailers; a cross-origin endpoint must list grpc-status and grpc-message in Access-Control-Expose-Headers",
        ))
    }
}

impl<S: ChunkSource + Unpin> Body for ResponseBody<S> {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<BodyFrame<Bytes>, Status>>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }

            match this.frames.next_frame() {
                Err(error) => return this.fail(error),
                Ok(Some(Frame::Message(bytes))) => {
                    return Poll::Ready(Some(Ok(BodyFrame::data(bytes))))
                }
                Ok(Some(Frame::Trailers(payload))) => return this.finish_with_trailers(&payload),
                Ok(None) => {}
            }

            match this.source.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return this.finish_at_end(),
                Poll::Ready(Some(Err(error))) => return this.fail(error),
                Poll::Ready(Some(Ok(chunk))) => match this.text.as_mut() {
                    None => this.frames.push(&chunk),
                    Some(text) => match text.push(&chunk) {
                        Ok(decoded) => this.frames.push(&decoded),
                        Err(_) => {
                            return this.fail(Status::internal(
                                "grpc-web-text response body is not valid base64",
                            ))
                        }
                    },
                },
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderName;
    use std::collections::VecDeque;
    use std::task::Waker;

    /// Chunks from memory, delivered one per poll.
    struct Chunks(VecDeque<Bytes>);

    impl ChunkSource for Chunks {
        fn poll_chunk(&mut self, _cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Status>>> {
            Poll::Ready(self.0.pop_front().map(Ok))
        }
    }

    fn grpc_headers(extra: &[(&str, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_static("application/grpc-web+proto"),
        );
        for (name, value) in extra {
            headers.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        headers
    }

    /// Reads a whole body: the message frames and the trailers, or the error.
    fn read_body(head: &ResponseHead, chunks: Vec<Bytes>) -> Result<(Vec<u8>, HeaderMap), Status> {
        let mut body = ResponseBody::new(Chunks(chunks.into()), head, 1024);
        let mut cx = Context::from_waker(Waker::noop());
        let mut data = Vec::new();
        loop {
            match Pin::new(&mut body).poll_frame(&mut cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(bytes) => data.extend_from_slice(&bytes),
                    Err(frame) => return Ok((data, frame.into_trailers().unwrap())),
                },
                Poll::Ready(Some(Err(error))) => return Err(error),
                Poll::Ready(None) => panic!("body ended without trailers or error"),
                Poll::Pending => panic!("memory source never pends"),
            }
        }
    }

    /// Message `0a 02 'h' 'i'`, then the trailers `grpc-status:0`.
    const OK_BODY: &[u8] = b"\x00\x00\x00\x00\x04\x0a\x02hi\x80\x00\x00\x00\x0fgrpc-status:0\r\n";

    #[test]
    fn every_split_of_ok_body_succeeds() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        for split in 0..=OK_BODY.len() {
            let chunks = vec![
                Bytes::copy_from_slice(&OK_BODY[..split]),
                Bytes::copy_from_slice(&OK_BODY[split..]),
            ];
            let (data, trailers) = read_body(&head, chunks).unwrap();
            assert_eq!(data, &OK_BODY[..9], "split at {split}");
            assert_eq!(trailers.get("grpc-status").unwrap(), "0");
        }
    }

    #[test]
    fn error_trailer_after_message_wins() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        let body = b"\x00\x00\x00\x00\x04\x0a\x02hi\x80\x00\x00\x00\x22grpc-status:5\r\ngrpc-message:gone\r\n";
        let mut body_frames =
            ResponseBody::new(Chunks(vec![Bytes::from_static(body)].into()), &head, 1024);
        let mut cx = Context::from_waker(Waker::noop());
        let first = Pin::new(&mut body_frames).poll_frame(&mut cx);
        assert!(matches!(first, Poll::Ready(Some(Ok(_)))));
        let Poll::Ready(Some(Err(error))) = Pin::new(&mut body_frames).poll_frame(&mut cx) else {
            panic!("expected the trailer's error");
        };
        assert_eq!(error.code(), Code::NotFound);
        assert_eq!(error.message(), "gone");
    }

    #[test]
    fn trailers_only_error_comes_from_head() {
        let error = check_head(
            200,
            grpc_headers(&[("grpc-status", "16"), ("grpc-message", "bad%20token")]),
        )
        .unwrap_err();
        assert_eq!(error.code(), Code::Unauthenticated);
        assert_eq!(error.message(), "bad token");
        assert_eq!(error.metadata().get(HTTP_STATUS_KEY).unwrap(), "200");
    }

    #[test]
    fn header_status_beats_http_status() {
        let error = check_head(503, grpc_headers(&[("grpc-status", "8")])).unwrap_err();
        assert_eq!(error.code(), Code::ResourceExhausted);
    }

    #[test]
    fn http_error_maps_before_content_type() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("text/html"));
        let error = check_head(502, headers).unwrap_err();
        assert_eq!(error.code(), Code::Unavailable);
        assert_eq!(error.metadata().get(HTTP_STATUS_KEY).unwrap(), "502");
    }

    #[test]
    fn content_type_matches_case_insensitively() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            HeaderValue::from_static("Application/GRPC-Web+Proto; charset=utf-8"),
        );
        assert_eq!(check_head(200, headers).unwrap().encoding, Encoding::Binary);
    }

    #[test]
    fn html_content_type_is_unknown() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("text/html"));
        assert_eq!(check_head(200, headers).unwrap_err().code(), Code::Unknown);
    }

    #[test]
    fn body_without_status_fails() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        let error = read_body(&head, vec![Bytes::from_static(&OK_BODY[..9])]).unwrap_err();
        assert_eq!(error.code(), Code::Unknown);
    }

    #[test]
    fn ok_in_headers_completes_body_without_trailers() {
        let head = check_head(200, grpc_headers(&[("grpc-status", "0")])).unwrap();
        let (data, trailers) = read_body(&head, vec![Bytes::from_static(&OK_BODY[..9])]).unwrap();
        assert_eq!(data.len(), 9);
        assert_eq!(trailers.get("grpc-status").unwrap(), "0");
    }

    #[test]
    fn text_body_decodes_across_splits() {
        let head = check_head(200, {
            let mut headers = HeaderMap::new();
            headers.insert(
                "content-type",
                HeaderValue::from_static("application/grpc-web-text"),
            );
            headers
        })
        .unwrap();
        // OK_BODY as two padded base64 strings, one per frame.
        let text = b"AAAAAAQKAmhp".to_vec();
        let trailer = b"gAAAAA9ncnBjLXN0YXR1czowDQo=".to_vec();
        let whole = [text, trailer].concat();
        for split in 0..=whole.len() {
            let chunks = vec![
                Bytes::copy_from_slice(&whole[..split]),
                Bytes::copy_from_slice(&whole[split..]),
            ];
            let (data, _) = read_body(&head, chunks).unwrap();
            assert_eq!(data, &OK_BODY[..9], "split at {split}");
        }
    }
}
