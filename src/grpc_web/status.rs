//! Reading the gRPC status of a grpc-web response from its headers and trailer frame.
//!
//! tonic's own status parsing panics on a `grpc-status-details-bin` that is not padded
//! base64 and replaces a `grpc-message` with an invalid escape by its own text, so this
//! module reads the status fields itself and hands tonic only a clean `grpc-status: 0`.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use tonic::metadata::MetadataMap;
use tonic::{Code, Status};

use super::base64;

pub(crate) const GRPC_STATUS: &str = "grpc-status";
pub(crate) const GRPC_MESSAGE: &str = "grpc-message";
pub(crate) const GRPC_STATUS_DETAILS: &str = "grpc-status-details-bin";
pub(crate) const GRPC_ENCODING: &str = "grpc-encoding";

/// The status fields found in a header block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawStatus {
    pub(crate) code: Code,
    pub(crate) message: String,
    pub(crate) details: Bytes,
}

/// Reads `grpc-status`, `grpc-message` and `grpc-status-details-bin` from `headers`.
/// Returns `None` when `grpc-status` is absent.
pub(crate) fn read_status(headers: &HeaderMap) -> Option<RawStatus> {
    let status = headers.get(GRPC_STATUS)?;
    let text = String::from_utf8_lossy(status.as_bytes());
    let trimmed = text.trim();

    let (code, mut message) = match trimmed.parse::<u32>() {
        Ok(number) if number <= 16 => (Code::from(number as i32), String::new()),
        Ok(number) => (Code::Unknown, format!("unknown grpc-status {number}")),
        Err(_) => (Code::Unknown, format!("invalid grpc-status {trimmed:?}")),
    };
    if let Some(value) = headers.get(GRPC_MESSAGE) {
        let decoded = percent_decode(value.as_bytes());
        message = if message.is_empty() {
            decoded
        } else {
            format!("{message}: {decoded}")
        };
    }

    // Undecodable details are dropped so that the code and the message still reach the
    // caller; the raw header stays in the error's metadata.
    let details = headers
        .get(GRPC_STATUS_DETAILS)
        .and_then(|value| base64::decode(value.as_bytes().trim_ascii()))
        .map(Bytes::from)
        .unwrap_or_default();
    Some(RawStatus {
        code,
        message,
        details,
    })
}

/// Decodes a `grpc-message` value: `%XX` escapes of UTF-8 bytes.
///
/// An escape that is not two hex digits stays as written, and a value whose decoded
/// bytes are not UTF-8 is returned as the raw text, so no message is lost.
pub(crate) fn percent_decode(raw: &[u8]) -> String {
    let hex = |byte: u8| (byte as char).to_digit(16).map(|digit| digit as u8);
    let mut decoded = Vec::with_capacity(raw.len());
    let mut index = 0;
    while index < raw.len() {
        let escaped = match raw.get(index..index + 3) {
            Some([b'%', high, low]) => hex(*high).zip(hex(*low)).map(|(h, l)| h << 4 | l),
            _ => None,
        };
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(raw[index]);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

/// Parses the payload of a trailer frame: `name: value` lines separated by CRLF.
///
/// Names are lowercased. Lines without a colon, and names or values that HTTP does not
/// allow, are skipped. A name that repeats keeps every value.
pub(crate) fn parse_trailer_block(payload: &[u8]) -> HeaderMap {
    let mut trailers = HeaderMap::new();
    for line in payload.split(|&byte| byte == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&byte| byte == b':') else {
            continue;
        };
        let name = line[..colon].trim_ascii().to_ascii_lowercase();
        let value = line[colon + 1..].trim_ascii();
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&name),
            HeaderValue::from_bytes(value),
        ) {
            trailers.append(name, value);
        }
    }
    trailers
}

/// Builds the caller's error from a status and the metadata that came with it.
pub(crate) fn error_status(raw: RawStatus, metadata: HeaderMap) -> Status {
    Status::with_details_and_metadata(
        raw.code,
        raw.message,
        raw.details,
        MetadataMap::from_headers(metadata),
    )
}

/// Attaches response metadata to an error raised by this client.
pub(crate) fn with_metadata(status: Status, metadata: &HeaderMap) -> Status {
    if metadata.is_empty() {
        return status;
    }
    let mut merged = metadata.clone();
    merged.extend(status.metadata().clone().into_headers());
    Status::with_details_and_metadata(
        status.code(),
        status.message().to_owned(),
        Bytes::copy_from_slice(status.details()),
        MetadataMap::from_headers(merged),
    )
}

/// Removes the status fields from response headers before they reach tonic, which would
/// otherwise read them again with its own parser.
pub(crate) fn strip_status_fields(headers: &mut HeaderMap) {
    for name in [
        GRPC_STATUS,
        GRPC_MESSAGE,
        GRPC_STATUS_DETAILS,
        GRPC_ENCODING,
    ] {
        headers.remove(name);
    }
}

/// Trailers that tell tonic the call ended with OK.
pub(crate) fn ok_trailers() -> HeaderMap {
    let mut trailers = HeaderMap::new();
    trailers.insert(GRPC_STATUS, HeaderValue::from_static("0"));
    trailers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn percent_decodes_utf8() {
        assert_eq!(percent_decode(b"caf%C3%A9 %25 done"), "café % done");
    }

    #[test]
    fn percent_keeps_invalid_escapes() {
        assert_eq!(percent_decode(b"100%"), "100%");
        assert_eq!(percent_decode(b"50%zz off"), "50%zz off");
        assert_eq!(percent_decode(b"%4"), "%4");
    }

    #[test]
    fn percent_keeps_raw_text_on_invalid_utf8() {
        assert_eq!(percent_decode(b"bad %FF byte"), "bad %FF byte");
    }

    #[test]
    fn reads_code_message_and_details() {
        let status = read_status(&headers(&[
            ("grpc-status", "5"),
            ("grpc-message", "backup%20b1%20not%20found"),
            ("grpc-status-details-bin", "CAU"),
        ]))
        .unwrap();
        assert_eq!(status.code, Code::NotFound);
        assert_eq!(status.message, "backup b1 not found");
        assert_eq!(status.details.as_ref(), [0x08, 0x05]);
    }

    #[test]
    fn undecodable_details_keep_code_and_message() {
        let status = read_status(&headers(&[
            ("grpc-status", "7"),
            ("grpc-message", "denied"),
            ("grpc-status-details-bin", "not base64!"),
        ]))
        .unwrap();
        assert_eq!(status.code, Code::PermissionDenied);
        assert_eq!(status.message, "denied");
        assert!(status.details.is_empty());
    }

    #[test]
    fn out_of_range_status_is_unknown() {
        let status = read_status(&headers(&[("grpc-status", "42")])).unwrap();
        assert_eq!(status.code, Code::Unknown);
        assert_eq!(status.message, "unknown grpc-status 42");
        let status = read_status(&headers(&[("grpc-status", "ok")])).unwrap();
        assert_eq!(status.code, Code::Unknown);
    }

    #[test]
    fn missing_status_is_none() {
        assert_eq!(read_status(&headers(&[("grpc-message", "x")])), None);
    }

    #[test]
    fn trailer_block_lowercases_and_skips_junk() {
        let trailers = parse_trailer_block(b"Grpc-Status: 3\r\ngrpc-message:bad%20id\r\nno colon here\r\nx-multi: a\r\nx-multi: b\r\n");
        assert_eq!(trailers.get("grpc-status").unwrap(), "3");
        assert_eq!(trailers.get("grpc-message").unwrap(), "bad%20id");
        assert_eq!(trailers.get_all("x-multi").iter().count(), 2);
        assert_eq!(trailers.len(), 4);
    }
}
