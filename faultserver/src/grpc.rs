//! grpc-web bodies and the protobuf messages inside them, encoded by hand so that a case
//! can send any byte sequence, valid or not.

/// The BackupService methods, from the last segment of the request path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    GetBackup,
    ListBackups,
    DeleteBackup,
}

impl Method {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "GetBackup" => Some(Self::GetBackup),
            "ListBackups" => Some(Self::ListBackups),
            "DeleteBackup" => Some(Self::DeleteBackup),
            _ => None,
        }
    }
}

/// The uid of the backup that every successful GetBackup and ListBackups returns.
pub const BACKUP_UID: &str = "fault-b1";
/// The name of that backup.
pub const BACKUP_NAME: &str = "fault-backup";

/// Frame flag of the trailer frame.
const TRAILER_FLAG: u8 = 0x80;
/// Frame flag of a compressed message.
pub const COMPRESSED_FLAG: u8 = 0x01;

/// A frame: the flags byte, the big-endian payload length and the payload.
pub fn frame(flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + payload.len());
    out.push(flags);
    out.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A trailer frame holding `name:value` lines separated by CRLF.
pub fn trailer_frame(fields: &[(&str, &str)]) -> Vec<u8> {
    let block: String = fields
        .iter()
        .map(|(name, value)| format!("{name}:{value}\r\n"))
        .collect();
    frame(TRAILER_FLAG, block.as_bytes())
}

/// The response message of a successful call. `labels` go into the backup's
/// `meta.labels`, which lets a case show the client what the server received.
pub fn response_message(method: Method, labels: &[(String, String)]) -> Vec<u8> {
    match method {
        Method::GetBackup => backup(labels),
        Method::ListBackups => {
            let mut pagination = Vec::new();
            for tag in 1..=4 {
                // total_records, current_page, page_size and total_pages are all 1.
                varint_field(&mut pagination, tag, 1);
            }
            let mut out = Vec::new();
            bytes_field(&mut out, 1, &backup(labels));
            bytes_field(&mut out, 2, &pagination);
            out
        }
        // google.protobuf.Empty.
        Method::DeleteBackup => Vec::new(),
    }
}

/// A `Backup` whose meta has the fixed uid and name and the given labels.
fn backup(labels: &[(String, String)]) -> Vec<u8> {
    let mut meta = Vec::new();
    bytes_field(&mut meta, 1, BACKUP_UID.as_bytes());
    bytes_field(&mut meta, 2, BACKUP_NAME.as_bytes());
    for (key, value) in labels {
        bytes_field(&mut meta, 7, &map_entry(key, value));
    }
    let mut out = Vec::new();
    bytes_field(&mut out, 1, &meta);
    out
}

/// The message frame and the OK trailer frame of a successful call.
pub fn ok_body(method: Method, labels: &[(String, String)]) -> Vec<u8> {
    let mut body = frame(0, &response_message(method, labels));
    body.extend(trailer_frame(&[("grpc-status", "0")]));
    body
}

/// Length of the message frame at the start of [`ok_body`].
pub fn message_frame_len(method: Method) -> usize {
    5 + response_message(method, &[]).len()
}

/// A grpc-web-text body: each frame of `body` base64-encoded on its own, with padding,
/// as servers that encode frame by frame send it.
pub fn text_body(body: &[u8], message_frame_len: usize) -> Vec<u8> {
    let (message, trailers) = body.split_at(message_frame_len.min(body.len()));
    let mut text = base64(message, true);
    text.push_str(&base64(trailers, true));
    text.into_bytes()
}

/// Which `grpc-status-details-bin` value a case sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Details {
    /// ErrorInfo, BadRequest and a RetryInfo of 2 s, as padded base64.
    Padded,
    /// The same bytes as unpadded base64.
    Unpadded,
    /// Only a RetryInfo of 1.5 s, as padded base64.
    RetryFraction,
    /// Only a RetryInfo of 20 ms, for retry cases.
    RetrySoon,
    /// Text that is not base64.
    NotBase64,
    /// Valid base64 of bytes that are not a google.rpc.Status.
    NotStatus,
}

impl Details {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "padded" => Some(Self::Padded),
            "unpadded" => Some(Self::Unpadded),
            "retry-fraction" => Some(Self::RetryFraction),
            "not-base64" => Some(Self::NotBase64),
            "not-status" => Some(Self::NotStatus),
            _ => None,
        }
    }

    /// The header value.
    pub fn header_value(self, code: u32, message: &str) -> String {
        match self {
            Self::Padded => base64(&rpc_status(code, message, &full_details()), true),
            Self::Unpadded => base64(&rpc_status(code, message, &full_details()), false),
            Self::RetryFraction => base64(
                &rpc_status(code, message, &[retry_info(1, 500_000_000)]),
                true,
            ),
            Self::RetrySoon => base64(
                &rpc_status(code, message, &[retry_info(0, 20_000_000)]),
                true,
            ),
            Self::NotBase64 => "not base64!".to_owned(),
            Self::NotStatus => base64(&[0xff, 0xff, 0xff], true),
        }
    }
}

/// The `google.protobuf.Any` details of [`Details::Padded`].
fn full_details() -> Vec<Vec<u8>> {
    let mut error_info = Vec::new();
    bytes_field(&mut error_info, 1, b"QUOTA_EXCEEDED");
    bytes_field(&mut error_info, 2, b"pds.portworx.com");
    bytes_field(&mut error_info, 3, &map_entry("account", "acct-1"));

    let mut violation = Vec::new();
    bytes_field(&mut violation, 1, b"pagination.page_size");
    bytes_field(&mut violation, 2, b"must be at most 1000");
    let mut bad_request = Vec::new();
    bytes_field(&mut bad_request, 1, &violation);

    vec![
        any("google.rpc.ErrorInfo", &error_info),
        any("google.rpc.BadRequest", &bad_request),
        retry_info(2, 0),
    ]
}

/// A `google.rpc.RetryInfo` inside an `Any`.
fn retry_info(seconds: u64, nanos: u64) -> Vec<u8> {
    let mut duration = Vec::new();
    varint_field(&mut duration, 1, seconds);
    varint_field(&mut duration, 2, nanos);
    let mut info = Vec::new();
    bytes_field(&mut info, 1, &duration);
    any("google.rpc.RetryInfo", &info)
}

fn any(type_name: &str, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    bytes_field(
        &mut out,
        1,
        format!("type.googleapis.com/{type_name}").as_bytes(),
    );
    bytes_field(&mut out, 2, value);
    out
}

/// A `google.rpc.Status` with the given `Any` details.
fn rpc_status(code: u32, message: &str, details: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    varint_field(&mut out, 1, u64::from(code));
    bytes_field(&mut out, 2, message.as_bytes());
    for detail in details {
        bytes_field(&mut out, 3, detail);
    }
    out
}

/// An entry of a `map<string, string>` field.
fn map_entry(key: &str, value: &str) -> Vec<u8> {
    let mut entry = Vec::new();
    bytes_field(&mut entry, 1, key.as_bytes());
    bytes_field(&mut entry, 2, value.as_bytes());
    entry
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A varint field; zero is omitted, as proto3 encoders do.
fn varint_field(out: &mut Vec<u8>, tag: u32, value: u64) {
    if value != 0 {
        varint(out, u64::from(tag << 3));
        varint(out, value);
    }
}

/// A length-delimited field: bytes, a string or a nested message.
fn bytes_field(out: &mut Vec<u8>, tag: u32, bytes: &[u8]) {
    varint(out, u64::from(tag << 3 | 2));
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// Standard base64, with or without `=` padding.
pub fn base64(bytes: &[u8], padded: bool) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let bits = group.iter().enumerate().fold(0u32, |bits, (index, &byte)| {
            bits | u32::from(byte) << (16 - 8 * index)
        });
        for index in 0..4 {
            if index <= group.len() {
                out.push(ALPHABET[(bits >> (18 - 6 * index) & 63) as usize] as char);
            } else if padded {
                out.push('=');
            }
        }
    }
    out
}

/// Percent-encodes a `grpc-message` value: every byte outside printable ASCII, and `%`.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b' '..=b'~' if byte != b'%' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads_or_not() {
        assert_eq!(base64(b"hi", true), "aGk=");
        assert_eq!(base64(b"hi", false), "aGk");
        assert_eq!(base64(b"hey", true), "aGV5");
    }

    #[test]
    fn ok_body_frames() {
        let body = ok_body(Method::DeleteBackup, &[]);
        assert_eq!(
            body,
            b"\x00\x00\x00\x00\x00\x80\x00\x00\x00\x0fgrpc-status:0\r\n"
        );
        assert_eq!(message_frame_len(Method::DeleteBackup), 5);
    }

    #[test]
    fn text_body_has_two_padded_segments() {
        let method = Method::GetBackup;
        let text = text_body(&ok_body(method, &[]), message_frame_len(method));
        let text = String::from_utf8(text).unwrap();
        let first_pad = text.find('=').expect("padding after the message frame");
        assert!(first_pad < text.len() - 1, "{text}");
        assert!(text.ends_with('='), "{text}");
    }

    #[test]
    fn padded_details_have_padding() {
        assert!(Details::Padded.header_value(8, "quota").ends_with('='));
        assert!(!Details::Unpadded.header_value(8, "quota").ends_with('='));
    }

    #[test]
    fn grpc_message_escapes_utf8_and_percent() {
        assert_eq!(percent_encode("café 100%"), "caf%C3%A9 100%25");
    }
}
