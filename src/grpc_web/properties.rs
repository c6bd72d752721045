//! Property tests of response decoding: arbitrary bytes, arbitrary chunkings.
//!
//! `PROPTEST_CASES=1000000 cargo test --lib grpc_web::properties` runs a long fuzzing
//! session; failures are kept in `proptest-regressions/` and replayed on every run.

use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use proptest::prelude::*;

use super::response::{check_head, ChunkSource, UnaryReader};
use crate::metadata::Metadata;
use crate::status::Status;

struct Chunks(VecDeque<Vec<u8>>);

impl ChunkSource for Chunks {
    fn poll_chunk(&mut self, _cx: &mut Context<'_>) -> Poll<Option<Result<Vec<u8>, Status>>> {
        Poll::Ready(self.0.pop_front().map(Ok))
    }
}

/// Splits `body` at the given cut points (taken modulo its length) and reads it.
fn read_split(
    content_type: &str,
    body: &[u8],
    cuts: &[usize],
    max_frame_len: usize,
) -> Result<Bytes, Status> {
    let mut headers = Metadata::default();
    headers.append("content-type", content_type);
    let head = check_head(200, headers)?;

    let mut points: Vec<usize> = cuts
        .iter()
        .map(|cut| {
            if body.is_empty() {
                0
            } else {
                cut % (body.len() + 1)
            }
        })
        .collect();
    points.push(0);
    points.push(body.len());
    points.sort_unstable();
    let chunks = points
        .windows(2)
        .map(|pair| body[pair[0]..pair[1]].to_vec())
        .collect();

    let mut reader = UnaryReader::new(head, max_frame_len);
    match reader.poll_read(&mut Chunks(chunks), &mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => panic!("a memory source never pends"),
    }
}

/// Builds a valid body: one message frame with `payload`, then a trailer frame with `status`.
fn valid_body(payload: &[u8], status: u8) -> Vec<u8> {
    let trailer = format!("grpc-status:{status}\r\ngrpc-message:m%20{status}\r\n");
    let mut body = vec![0];
    body.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    body.extend_from_slice(payload);
    body.push(0x80);
    body.extend_from_slice(&(trailer.len() as u32).to_be_bytes());
    body.extend_from_slice(trailer.as_bytes());
    body
}

fn outcome(result: Result<Bytes, Status>) -> Result<Bytes, (crate::code::Code, String)> {
    result.map_err(|status| (status.code(), status.message().to_owned()))
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..512), cuts in proptest::collection::vec(any::<usize>(), 0..8)) {
        let _ = read_split("application/grpc-web+proto", &body, &cuts, 256);
        let _ = read_split("application/grpc-web-text", &body, &cuts, 256);
    }

    #[test]
    fn every_chunking_gives_same_outcome(payload in proptest::collection::vec(any::<u8>(), 0..64), status in 0u8..17, cuts in proptest::collection::vec(any::<usize>(), 0..12)) {
        let body = valid_body(&payload, status);
        let whole = outcome(read_split("application/grpc-web+proto", &body, &[], 1024));
        let split = outcome(read_split("application/grpc-web+proto", &body, &cuts, 1024));
        prop_assert_eq!(&split, &whole);
        if status == 0 {
            prop_assert_eq!(whole, Ok(Bytes::from(payload)));
        } else {
            prop_assert!(whole.is_err());
        }
    }

    #[test]
    fn truncated_valid_body_is_an_error(payload in proptest::collection::vec(any::<u8>(), 0..64), cut in any::<usize>(), cuts in proptest::collection::vec(any::<usize>(), 0..6)) {
        let body = valid_body(&payload, 0);
        let end = cut % body.len();
        prop_assert!(read_split("application/grpc-web+proto", &body[..end], &cuts, 1024).is_err());
    }
}

// Properties over whole responses: status headers, trailer contents, grpc-web-text, frame
// limits and HTTP errors, beside the chunkings above.

use proptest::collection::vec;

use crate::code::Code;

const GRPC_WEB: (&str, &str) = ("content-type", "application/grpc-web+proto");
const GRPC_WEB_TEXT: (&str, &str) = ("content-type", "application/grpc-web-text");
/// Frame limit of every decode below, in bytes.
const MAX_FRAME: usize = 1024;

/// A call's outcome in a form that compares: the message payload, or code and message.
type Outcome = Result<Vec<u8>, (Code, String)>;

/// Reads a response as the fetch transport does: HTTP status, readable headers, then the
/// body in `chunks`.
fn decode(http_status: u16, headers: &[(&str, &str)], chunks: &[&[u8]]) -> Outcome {
    let mut metadata = Metadata::default();
    for (name, value) in headers {
        metadata.append(name, *value);
    }
    let result = check_head(http_status, metadata).and_then(|head| {
        let mut reader = UnaryReader::new(head, MAX_FRAME);
        let mut source = Chunks(chunks.iter().map(|chunk| chunk.to_vec()).collect());
        match reader.poll_read(&mut source, &mut Context::from_waker(Waker::noop())) {
            Poll::Ready(result) => result.map(|payload| payload.to_vec()),
            Poll::Pending => panic!("a memory source never pends"),
        }
    });
    result.map_err(|status| (status.code(), status.message().to_owned()))
}

fn frame(flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![flags];
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

fn trailer_frame(fields: &[(&str, &str)]) -> Vec<u8> {
    let block: String = fields
        .iter()
        .map(|(name, value)| format!("{name}:{value}\r\n"))
        .collect();
    frame(0x80, block.as_bytes())
}

/// Splits `bytes` at `points`, each taken modulo the length plus one.
fn split_at_points<'a>(bytes: &'a [u8], points: &[usize]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = points
        .iter()
        .map(|point| point % (bytes.len() + 1))
        .collect();
    points.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for point in points {
        chunks.push(&bytes[start..point]);
        start = point;
    }
    chunks.push(&bytes[start..]);
    chunks
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for group in bytes.chunks(3) {
        let bits = group.iter().enumerate().fold(0u32, |bits, (index, &byte)| {
            bits | u32::from(byte) << (16 - 8 * index)
        });
        for index in 0..4 {
            if index <= group.len() {
                out.push(ALPHABET[(bits >> (18 - 6 * index) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Percent-encodes a `grpc-message` as gRPC servers do: bytes outside printable ASCII,
/// and `%`.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b' '..=b'~' if byte != b'%' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Bodies that are mostly almost-valid: frames with any flags, declared lengths off by up
/// to two bytes, and trailer blocks with or without a status, plus plain random bytes.
fn any_body() -> impl Strategy<Value = Vec<u8>> {
    let payload = prop_oneof![
        vec(any::<u8>(), 0..40),
        "(grpc-status: ?[0-9]{1,2}\r\n)?(grpc-message:[ -~]{0,12}\r\n)?[a-z-]{0,6}(:[ -~]{0,6})?(\r\n)?"
            .prop_map(String::into_bytes),
    ];
    let flags = prop_oneof![
        Just(0x00u8),
        Just(0x80),
        Just(0x01),
        Just(0x81),
        any::<u8>()
    ];
    let framed = vec((flags, payload, -2i64..=2), 0..4).prop_map(|frames| {
        let mut body = Vec::new();
        for (flags, payload, delta) in frames {
            let declared = (payload.len() as i64 + delta).max(0) as u32;
            body.push(flags);
            body.extend_from_slice(&declared.to_be_bytes());
            body.extend_from_slice(&payload);
        }
        body
    });
    prop_oneof![framed, vec(any::<u8>(), 0..120)]
}

proptest! {
    #[test]
    fn chunking_never_changes_outcome(
        body in any_body(),
        points in vec(any::<usize>(), 0..6),
        status_header in prop_oneof![Just(None), Just(Some("0")), Just(Some("5"))],
    ) {
        let mut headers = vec![GRPC_WEB];
        if let Some(status) = status_header {
            headers.push(("grpc-status", status));
        }
        let whole = decode(200, &headers, &[&body]);
        let chunked = decode(200, &headers, &split_at_points(&body, &points));
        prop_assert_eq!(whole, chunked);
    }

    #[test]
    fn error_trailer_gives_its_status(
        code in 1u32..=16,
        text in "\\PC{0,40}",
        message in vec(any::<u8>(), 0..50),
        points in vec(any::<usize>(), 0..4),
    ) {
        let encoded = percent_encode(&text);
        let mut body = frame(0, &message);
        body.extend(trailer_frame(&[("grpc-status", &code.to_string()), ("grpc-message", &encoded)]));
        // Spaces around a header value are not part of it in HTTP, so they do not survive.
        let expected = Err((Code::from_number(code).unwrap(), text.trim_matches(' ').to_owned()));
        prop_assert_eq!(decode(200, &[GRPC_WEB], &split_at_points(&body, &points)), expected);
    }

    #[test]
    fn text_body_matches_binary(
        message in vec(any::<u8>(), 0..200),
        points in vec(any::<usize>(), 0..6),
    ) {
        // Each frame is base64-encoded with its own padding, as frame-by-frame encoders do.
        let mut text = base64(&frame(0, &message));
        text.push_str(&base64(&trailer_frame(&[("grpc-status", "0")])));
        let chunks = split_at_points(text.as_bytes(), &points);
        prop_assert_eq!(decode(200, &[GRPC_WEB_TEXT], &chunks), Ok(message));
    }

    #[test]
    fn oversized_frame_fails_on_header(len in (MAX_FRAME as u32 + 1)..=u32::MAX, flags in prop_oneof![Just(0u8), Just(0x80)]) {
        let mut header = vec![flags];
        header.extend_from_slice(&len.to_be_bytes());
        let outcome = decode(200, &[GRPC_WEB], &[&header]);
        prop_assert_eq!(outcome.map_err(|(code, _)| code), Err(Code::RESOURCE_EXHAUSTED));
    }

    #[test]
    fn any_details_keep_code_and_message(code in 1u32..=16, details in "[ -~]{0,80}") {
        let code_text = code.to_string();
        let headers = [GRPC_WEB, ("grpc-status", code_text.as_str()), ("grpc-message", "failed"), ("grpc-status-details-bin", details.as_str())];
        let expected = Err((Code::from_number(code).unwrap(), "failed".to_owned()));
        prop_assert_eq!(decode(200, &headers, &[]), expected);
    }

    #[test]
    fn http_status_maps_by_table(status in 100u16..600) {
        prop_assume!(status != 200);
        let outcome = decode(status, &[("content-type", "text/html")], &[b"<html></html>"]);
        prop_assert_eq!(outcome.map_err(|(code, _)| code), Err(Code::from_http_status(status)));
    }

    #[test]
    fn arbitrary_response_never_panics(
        status in prop_oneof![Just(200u16), any::<u16>()],
        headers in vec(("(content-type|grpc-status|grpc-message|grpc-status-details-bin|grpc-encoding|x-[a-z]{1,4})", "[ -~]{0,30}"), 0..5),
        body in vec(any::<u8>(), 0..200),
        points in vec(any::<usize>(), 0..4),
    ) {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        let _ = decode(status, &headers, &split_at_points(&body, &points));
    }
}
