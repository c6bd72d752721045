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
fn read_split(content_type: &str, body: &[u8], cuts: &[usize], max_frame_len: usize) -> Result<Bytes, Status> {
    let mut headers = Metadata::default();
    headers.append("content-type", content_type);
    let head = check_head(200, headers)?;

    let mut points: Vec<usize> = cuts.iter().map(|cut| if body.is_empty() { 0 } else { cut % (body.len() + 1) }).collect();
    points.push(0);
    points.push(body.len());
    points.sort_unstable();
    let chunks = points.windows(2).map(|pair| body[pair[0]..pair[1]].to_vec()).collect();

    let mut reader = UnaryReader::new(head, max_frame_len);
    match reader.poll_read(&mut Chunks(chunks), &mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => panic!("a memory source never pends"),
    }
}

/// A valid body: one message frame with `payload`, then a trailer frame with `status`.
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
