//! Reading a unary grpc-web response: the head decides whether a body is read at all,
//! then the body yields one message and ends with the call's status.

use std::task::{Context, Poll};

use bytes::Bytes;

use super::base64::TextDecoder;
use super::frame::{Frame, FrameDecoder, HEADER_LEN};
use super::status::{parse_trailer_block, read_status};
use crate::code::Code;
use crate::metadata::Metadata;
use crate::status::Status;

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

/// The outcome of a response's status line and headers, decided before its body is read.
#[derive(Debug)]
pub(crate) struct ResponseHead {
    encoding: Encoding,
    /// The response headers, attached to every error as metadata.
    headers: Metadata,
    /// True when the headers carried `grpc-status: 0`, so a body without a trailer frame
    /// still ends the call with OK.
    status_in_headers: bool,
}

/// Checks the HTTP status, the headers and the content type of a response, in that order.
///
/// A non-OK `grpc-status` in the headers (a trailers-only response) wins over the HTTP
/// status and the content type. Without one, a status other than 200 maps to a gRPC code
/// by [`Code::from_http_status`], and the body of such a response is never parsed.
pub(crate) fn check_head(http_status: u16, mut headers: Metadata) -> Result<ResponseHead, Status> {
    let mut metadata = headers.clone();
    metadata.insert(HTTP_STATUS_KEY, http_status.to_string());

    let header_status = read_status(&headers, &metadata);
    let status_in_headers = header_status.is_some();
    if let Some(status) = header_status.filter(|status| status.code() != Code::OK) {
        return Err(status);
    }
    if http_status != 200 {
        let message = format!(
            "HTTP status {http_status} without grpc-status; the endpoint or a proxy in front of it did not answer with grpc-web"
        );
        return Err(
            Status::new(Code::from_http_status(http_status), message).with_metadata(&metadata)
        );
    }

    let media_type = headers.get("content-type").map(|value| {
        value
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let encoding = match media_type.as_deref() {
        Some("application/grpc-web" | "application/grpc-web+proto") => Encoding::Binary,
        Some("application/grpc-web-text" | "application/grpc-web-text+proto") => Encoding::Text,
        _ if status_in_headers => Encoding::Binary,
        other => {
            let shown = other.map_or("none".to_owned(), |value| format!("\"{value}\""));
            let message = format!(
                "unexpected content type {shown}; expected application/grpc-web+proto, so the base URL may point at something other than a grpc-web endpoint"
            );
            return Err(Status::unknown(message).with_metadata(&metadata));
        }
    };

    headers.remove("grpc-status-details-bin");
    Ok(ResponseHead {
        encoding,
        headers,
        status_in_headers,
    })
}

/// A source of response body chunks, such as a fetch `ReadableStream`.
pub(crate) trait ChunkSource {
    /// Returns the next chunk, or `None` at the end of the body.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Vec<u8>, Status>>>;
}

/// Reads the body of a unary response: exactly one message, then an OK status.
pub(crate) struct UnaryReader {
    head: ResponseHead,
    text: Option<TextDecoder>,
    frames: FrameDecoder,
    message: Option<Bytes>,
}

impl UnaryReader {
    /// Creates a reader for a response whose head passed [`check_head`].
    pub(crate) fn new(head: ResponseHead, max_frame_len: usize) -> Self {
        Self {
            text: (head.encoding == Encoding::Text).then(TextDecoder::default),
            frames: FrameDecoder::new(max_frame_len),
            head,
            message: None,
        }
    }

    /// Reads chunks from `source` until the call's outcome is known, and returns the
    /// message's payload on success.
    pub(crate) fn poll_read(
        &mut self,
        source: &mut impl ChunkSource,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Bytes, Status>> {
        loop {
            match self.frames.next_frame() {
                Err(error) => return Poll::Ready(Err(error.with_metadata(&self.head.headers))),
                Ok(Some(Frame::Message(frame))) => {
                    if self.message.is_some() {
                        let error = Status::internal(
                            "the response has more than one message, but the method is unary",
                        );
                        return Poll::Ready(Err(error.with_metadata(&self.head.headers)));
                    }
                    self.message = Some(frame.slice(HEADER_LEN..));
                    continue;
                }
                Ok(Some(Frame::Trailers(payload))) => {
                    return Poll::Ready(self.finish(Some(&payload)))
                }
                Ok(None) => {}
            }

            let chunk = match source.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(self.finish(None)),
                Poll::Ready(Some(Err(error))) => {
                    return Poll::Ready(Err(error.with_metadata(&self.head.headers)))
                }
                Poll::Ready(Some(Ok(chunk))) => chunk,
            };
            match self.text.as_mut() {
                None => self.frames.push(&chunk),
                Some(text) => match text.push(&chunk) {
                    Ok(decoded) => self.frames.push(&decoded),
                    Err(_) => {
                        let error =
                            Status::internal("the grpc-web-text response body is not valid base64");
                        return Poll::Ready(Err(error.with_metadata(&self.head.headers)));
                    }
                },
            }
        }
    }

    /// Decides the outcome once the trailer frame arrived (`Some`) or the body ended
    /// without one (`None`).
    fn finish(&mut self, trailer_payload: Option<&[u8]>) -> Result<Bytes, Status> {
        let headers = &self.head.headers;
        if trailer_payload.is_none() {
            self.frames
                .finish()
                .map_err(|error| error.with_metadata(headers))?;
            if self
                .text
                .as_ref()
                .is_some_and(|text| text.finish().is_err())
            {
                return Err(Status::internal(
                    "the grpc-web-text response body ended inside a base64 group",
                )
                .with_metadata(headers));
            }
        }

        let trailers = trailer_payload.map(parse_trailer_block).unwrap_or_default();
        let mut metadata = headers.clone();
        metadata.extend(trailers.clone());
        match read_status(&trailers, &metadata) {
            Some(status) if status.code() != Code::OK => return Err(status),
            Some(_) => {}
            None if self.head.status_in_headers => {}
            None if trailer_payload.is_some() => {
                return Err(Status::unknown(
                    "the trailer frame has no grpc-status, so the call has no outcome",
                )
                .with_metadata(&metadata));
            }
            None => {
                return Err(Status::unknown(
                    "the response has no grpc-status in its headers or trailers; a cross-origin endpoint must list grpc-status and grpc-message in Access-Control-Expose-Headers",
                )
                .with_metadata(&metadata));
            }
        }

        self.message.take().ok_or_else(|| {
            Status::internal("the call ended with OK but without a response message")
                .with_metadata(&metadata)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;
    use std::task::Waker;

    /// Chunks from memory, delivered one per poll.
    struct Chunks(VecDeque<Vec<u8>>);

    impl ChunkSource for Chunks {
        fn poll_chunk(&mut self, _cx: &mut Context<'_>) -> Poll<Option<Result<Vec<u8>, Status>>> {
            Poll::Ready(self.0.pop_front().map(Ok))
        }
    }

    fn headers(pairs: &[(&str, &str)]) -> Metadata {
        let mut map = Metadata::default();
        for (name, value) in pairs {
            map.append(name, *value);
        }
        map
    }

    fn grpc_headers(extra: &[(&str, &str)]) -> Metadata {
        let mut map = headers(&[("content-type", "application/grpc-web+proto")]);
        map.extend(headers(extra));
        map
    }

    /// Reads a whole body given as chunks.
    fn read(head: ResponseHead, chunks: Vec<&[u8]>) -> Result<Bytes, Status> {
        let mut reader = UnaryReader::new(head, 1024);
        let mut source = Chunks(chunks.into_iter().map(<[u8]>::to_vec).collect());
        match reader.poll_read(&mut source, &mut Context::from_waker(Waker::noop())) {
            Poll::Ready(result) => result,
            Poll::Pending => panic!("a memory source never pends"),
        }
    }

    /// Message `0a 02 'h' 'i'` (field 1, the string "hi"), then the trailers `grpc-status:0`.
    const OK_BODY: &[u8] = b"\x00\x00\x00\x00\x04\x0a\x02hi\x80\x00\x00\x00\x0fgrpc-status:0\r\n";

    #[test]
    fn every_split_of_ok_body_succeeds() {
        for split in 0..=OK_BODY.len() {
            let head = check_head(200, grpc_headers(&[])).unwrap();
            let message = read(head, vec![&OK_BODY[..split], &OK_BODY[split..]]).unwrap();
            assert_eq!(message.as_ref(), b"\x0a\x02hi", "split at {split}");
        }
    }

    #[test]
    fn one_byte_chunks_succeed() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        let message = read(head, OK_BODY.chunks(1).collect()).unwrap();
        assert_eq!(message.as_ref(), b"\x0a\x02hi");
    }

    #[test]
    fn error_trailer_after_message_wins() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        let body = b"\x00\x00\x00\x00\x04\x0a\x02hi\x80\x00\x00\x00\x22grpc-status:5\r\ngrpc-message:gone\r\n";
        let error = read(head, vec![body]).unwrap_err();
        assert_eq!(error.code(), Code::NOT_FOUND);
        assert_eq!(error.message(), "gone");
        assert_eq!(
            error.metadata().get("content-type"),
            Some("application/grpc-web+proto")
        );
    }

    #[test]
    fn trailers_only_error_comes_from_head() {
        let error = check_head(
            200,
            grpc_headers(&[("grpc-status", "16"), ("grpc-message", "bad%20token")]),
        )
        .unwrap_err();
        assert_eq!(error.code(), Code::UNAUTHENTICATED);
        assert_eq!(error.message(), "bad token");
        assert_eq!(error.metadata().get(HTTP_STATUS_KEY), Some("200"));
    }

    #[test]
    fn header_status_beats_http_status() {
        let error = check_head(503, grpc_headers(&[("grpc-status", "8")])).unwrap_err();
        assert_eq!(error.code(), Code::RESOURCE_EXHAUSTED);
    }

    #[test]
    fn ok_header_then_error_trailer_gives_error() {
        let head = check_head(200, grpc_headers(&[("grpc-status", "0")])).unwrap();
        let error = read(head, vec![b"\x80\x00\x00\x00\x0fgrpc-status:9\r\n"]).unwrap_err();
        assert_eq!(error.code(), Code::FAILED_PRECONDITION);
    }

    #[test]
    fn http_error_maps_before_content_type() {
        let error = check_head(502, headers(&[("content-type", "text/html")])).unwrap_err();
        assert_eq!(error.code(), Code::UNAVAILABLE);
        assert_eq!(error.metadata().get(HTTP_STATUS_KEY), Some("502"));
    }

    #[test]
    fn content_type_matches_case_insensitively() {
        let head = check_head(
            200,
            headers(&[("content-type", "Application/GRPC-Web+Proto; charset=utf-8")]),
        )
        .unwrap();
        assert_eq!(head.encoding, Encoding::Binary);
    }

    #[test]
    fn html_content_type_is_unknown() {
        let error = check_head(200, headers(&[("content-type", "text/html")])).unwrap_err();
        assert_eq!(error.code(), Code::UNKNOWN);
        assert!(
            error.message().contains("\"text/html\""),
            "{}",
            error.message()
        );
    }

    #[test]
    fn body_without_status_fails() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        let error = read(head, vec![&OK_BODY[..9]]).unwrap_err();
        assert_eq!(error.code(), Code::UNKNOWN);
    }

    #[test]
    fn truncated_body_fails() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        let error = read(head, vec![&OK_BODY[..7]]).unwrap_err();
        assert_eq!(error.code(), Code::INTERNAL);
    }

    #[test]
    fn ok_without_message_fails() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        let error = read(head, vec![&OK_BODY[9..]]).unwrap_err();
        assert_eq!(error.code(), Code::INTERNAL);
    }

    #[test]
    fn two_messages_fail() {
        let head = check_head(200, grpc_headers(&[])).unwrap();
        let error = read(head, vec![&OK_BODY[..9], OK_BODY]).unwrap_err();
        assert_eq!(error.code(), Code::INTERNAL);
    }

    #[test]
    fn ok_in_headers_completes_body_without_trailers() {
        let head = check_head(200, grpc_headers(&[("grpc-status", "0")])).unwrap();
        assert_eq!(
            read(head, vec![&OK_BODY[..9]]).unwrap().as_ref(),
            b"\x0a\x02hi"
        );
    }

    #[test]
    fn text_body_decodes_across_splits() {
        // OK_BODY as two padded base64 strings, one per frame.
        let text = b"AAAAAAQKAmhpgAAAAA9ncnBjLXN0YXR1czowDQo=";
        for split in 0..=text.len() {
            let head = check_head(
                200,
                headers(&[("content-type", "application/grpc-web-text")]),
            )
            .unwrap();
            let message = read(head, vec![&text[..split], &text[split..]]).unwrap();
            assert_eq!(message.as_ref(), b"\x0a\x02hi", "split at {split}");
        }
    }
}
