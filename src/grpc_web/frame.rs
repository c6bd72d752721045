//! Incremental decoder for the frames of a grpc-web response body.
//!
//! A frame is a flags byte, a 4-byte big-endian length and that many bytes of payload.
//! Flag bit 0x80 marks the trailer frame, whose payload is an HTTP/1 header block, and
//! flag bit 0x01 marks a compressed message. The decoder accepts the body split at any
//! byte and checks each frame's header before it stores the payload.

use crate::status::Status;
use bytes::{Buf, Bytes, BytesMut};

/// Size of the flags byte plus the length.
pub(crate) const HEADER_LEN: usize = 5;

const TRAILER_FLAG: u8 = 0x80;
const COMPRESSED_FLAG: u8 = 0x01;

/// One decoded frame.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Frame {
    /// A message frame, with its 5-byte header, ready for tonic's decoder.
    Message(Bytes),
    /// The payload of the trailer frame: `name: value` lines separated by CRLF.
    Trailers(Bytes),
}

/// Splits a grpc-web body into frames.
#[derive(Debug)]
pub(crate) struct FrameDecoder {
    buffer: BytesMut,
    max_frame_len: usize,
    /// Payload length of the frame being read, once its header has been checked.
    expected_len: Option<usize>,
}

impl FrameDecoder {
    /// Creates a decoder that rejects any frame whose payload exceeds `max_frame_len`.
    pub(crate) fn new(max_frame_len: usize) -> Self {
        Self {
            buffer: BytesMut::new(),
            max_frame_len,
            expected_len: None,
        }
    }

    /// Appends body bytes. Call [`Self::next_frame`] until it returns `None` after each push.
    pub(crate) fn push(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
    }

    /// Returns the next complete frame, or `None` when more bytes are needed.
    pub(crate) fn next_frame(&mut self) -> Result<Option<Frame>, Status> {
        let len = match self.expected_len {
            Some(len) => len,
            None => {
                if self.buffer.len() < HEADER_LEN {
                    return Ok(None);
                }
                let len = self.check_header()?;
                self.expected_len = Some(len);
                len
            }
        };
        if self.buffer.len() < HEADER_LEN + len {
            // Reserve once, so a frame arriving in many chunks is not copied repeatedly.
            self.buffer.reserve(HEADER_LEN + len - self.buffer.len());
            return Ok(None);
        }

        self.expected_len = None;
        let frame = self.buffer.split_to(HEADER_LEN + len).freeze();
        if frame[0] & TRAILER_FLAG != 0 {
            let mut payload = frame;
            payload.advance(HEADER_LEN);
            Ok(Some(Frame::Trailers(payload)))
        } else {
            Ok(Some(Frame::Message(frame)))
        }
    }

    /// Checks the flags and length of the frame at the start of the buffer.
    fn check_header(&self) -> Result<usize, Status> {
        let flags = self.buffer[0];
        let len = u32::from_be_bytes([
            self.buffer[1],
            self.buffer[2],
            self.buffer[3],
            self.buffer[4],
        ]);
        let len = usize::try_from(len).unwrap_or(usize::MAX);

        if flags & !(TRAILER_FLAG | COMPRESSED_FLAG) != 0 {
            return Err(Status::internal(format!(
                "invalid grpc-web frame: flags byte 0x{flags:02x} has bits other than 0x80 (trailers) and 0x01 (compressed)"
            )));
        }
        if flags & COMPRESSED_FLAG != 0 {
            let kind = if flags & TRAILER_FLAG != 0 {
                "trailer frame"
            } else {
                "message"
            };
            return Err(Status::internal(format!(
                "received a compressed {kind}, but this client supports no grpc-encoding and did not send grpc-accept-encoding; configure the server to send uncompressed responses"
            )));
        }
        if len > self.max_frame_len {
            return Err(Status::resource_exhausted(format!(
                "response frame of {len} bytes exceeds the limit of {} bytes; raise the client's maxResponseBytes option if such responses are expected",
                self.max_frame_len
            )));
        }
        Ok(len)
    }

    /// Checks that the body ended between frames.
    pub(crate) fn finish(&self) -> Result<(), Status> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let detail = match self.expected_len {
            Some(len) => format!("{} of {len} payload bytes", self.buffer.len() - HEADER_LEN),
            None => format!("{} of {HEADER_LEN} header bytes", self.buffer.len()),
        };
        Err(Status::internal(format!(
            "response body ended inside a grpc-web frame after {detail}; the connection was cut or a proxy truncated the response"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;

    /// A message frame holding the bytes `0x0a 0x02 'h' 'i'` (field 1, the string "hi").
    const MESSAGE: &[u8] = &[0x00, 0, 0, 0, 4, 0x0a, 0x02, b'h', b'i'];
    /// The trailer frame `grpc-status:0\r\n`.
    const TRAILERS: &[u8] = b"\x80\x00\x00\x00\x0fgrpc-status:0\r\n";

    fn decode_all(decoder: &mut FrameDecoder, chunks: &[&[u8]]) -> Result<Vec<Frame>, Status> {
        let mut frames = Vec::new();
        for chunk in chunks {
            decoder.push(chunk);
            while let Some(frame) = decoder.next_frame()? {
                frames.push(frame);
            }
        }
        decoder.finish()?;
        Ok(frames)
    }

    fn expected_frames() -> Vec<Frame> {
        vec![
            Frame::Message(Bytes::from_static(MESSAGE)),
            Frame::Trailers(Bytes::from_static(b"grpc-status:0\r\n")),
        ]
    }

    #[test]
    fn every_two_way_split_gives_same_frames() {
        let body = [MESSAGE, TRAILERS].concat();
        for split in 0..=body.len() {
            let mut decoder = FrameDecoder::new(1024);
            let frames = decode_all(&mut decoder, &[&body[..split], &body[split..]]).unwrap();
            assert_eq!(frames, expected_frames(), "split at {split}");
        }
    }

    #[test]
    fn one_byte_chunks_give_same_frames() {
        let body = [MESSAGE, TRAILERS].concat();
        let chunks: Vec<&[u8]> = body.chunks(1).collect();
        let mut decoder = FrameDecoder::new(1024);
        assert_eq!(
            decode_all(&mut decoder, &chunks).unwrap(),
            expected_frames()
        );
    }

    #[test]
    fn oversized_frame_fails_on_header() {
        let mut decoder = FrameDecoder::new(3);
        decoder.push(&MESSAGE[..HEADER_LEN]);
        let error = decoder.next_frame().unwrap_err();
        assert_eq!(error.code(), Code::RESOURCE_EXHAUSTED);
        assert!(
            error.message().contains("4 bytes exceeds the limit of 3"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn compressed_message_fails_before_payload() {
        let mut decoder = FrameDecoder::new(1024);
        decoder.push(&[0x01, 0, 0, 0, 100]);
        assert_eq!(decoder.next_frame().unwrap_err().code(), Code::INTERNAL);
    }

    #[test]
    fn unknown_flag_bits_fail() {
        let mut decoder = FrameDecoder::new(1024);
        decoder.push(&[0x40, 0, 0, 0, 0]);
        assert_eq!(decoder.next_frame().unwrap_err().code(), Code::INTERNAL);
    }

    #[test]
    fn truncated_body_fails_on_finish() {
        for cut in 1..MESSAGE.len() {
            let mut decoder = FrameDecoder::new(1024);
            let error = decode_all(&mut decoder, &[&MESSAGE[..cut]]).unwrap_err();
            assert_eq!(error.code(), Code::INTERNAL, "cut at {cut}");
        }
    }

    #[test]
    fn empty_message_frame_is_complete() {
        let mut decoder = FrameDecoder::new(1024);
        let frames = decode_all(&mut decoder, &[&[0, 0, 0, 0, 0]]).unwrap();
        assert_eq!(
            frames,
            vec![Frame::Message(Bytes::from_static(&[0, 0, 0, 0, 0]))]
        );
    }
}
