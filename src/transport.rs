//! The seam between the generated client and the grpc-web transport.

use std::future::Future;

use bytes::{BufMut, Bytes};

use crate::status::Status;

/// Sends unary calls. Implementors provide [`UnaryTransport::send`], which moves bytes and
/// is not generic, so the module contains one copy of the transport however many message
/// types there are.
pub trait UnaryTransport {
    /// Sends a framed request body to `path` (such as
    /// `/public.portworx.pds.backup.v1.BackupService/GetBackup`) and returns the payload
    /// of the one response message.
    fn send(&self, path: &'static str, body: Bytes) -> impl Future<Output = Result<Bytes, Status>>;

    /// Encodes `request`, sends it to `path` and decodes the response.
    fn unary<Req, Resp>(
        &self,
        path: &'static str,
        request: Req,
    ) -> impl Future<Output = Result<Resp, Status>>
    where
        Req: prost::Message,
        Resp: prost::Message + Default,
    {
        let sent = self.send(path, encode_frame(&request));
        async move { decode_message(&sent.await?) }
    }
}

/// Encodes a request as one uncompressed grpc-web message frame.
pub fn encode_frame(request: &impl prost::Message) -> Bytes {
    let len = request.encoded_len();
    let mut frame = Vec::with_capacity(5 + len);
    frame.put_u8(0);
    // A message is far below 4 GiB: the client builds requests from a few short fields.
    frame.put_u32(len as u32);
    // `encode` fails only when the buffer is too small, and `with_capacity` reserved
    // `encoded_len` bytes after the header.
    let _ = request.encode(&mut frame);
    Bytes::from(frame)
}

/// Decodes a response message, naming its type on failure.
pub fn decode_message<Resp: prost::Message + Default>(payload: &[u8]) -> Result<Resp, Status> {
    Resp::decode(payload).map_err(|error| {
        Status::internal(format!(
            "the response message is not a valid {}: {error}",
            short_type_name::<Resp>()
        ))
    })
}

fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rfind(':').map_or(full, |colon| &full[colon + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::backup::{Backup, GetBackupRequest};

    #[test]
    fn frame_has_flag_length_and_message() {
        let frame = encode_frame(&GetBackupRequest { id: "b1".into() });
        assert_eq!(frame.as_ref(), b"\x00\x00\x00\x00\x04\x0a\x02b1");
    }

    #[test]
    fn invalid_message_names_type() {
        let error = decode_message::<Backup>(&[0x0a, 0x05, 0x01]).unwrap_err();
        assert_eq!(error.code(), crate::code::Code::INTERNAL);
        assert!(
            error
                .message()
                .starts_with("the response message is not a valid Backup"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn unknown_fields_decode() {
        // Backup with field 99 (varint 7) that the schema does not define.
        let backup = decode_message::<Backup>(&[0x98, 0x06, 0x07]).unwrap();
        assert_eq!(backup, Backup::default());
    }
}
