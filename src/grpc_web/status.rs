//! Reading the gRPC status of a grpc-web response from its headers and trailer frame.

use crate::code::Code;
use crate::metadata::Metadata;
use crate::status::Status;

use super::base64;

pub(crate) const GRPC_STATUS: &str = "grpc-status";
pub(crate) const GRPC_MESSAGE: &str = "grpc-message";
pub(crate) const GRPC_STATUS_DETAILS: &str = "grpc-status-details-bin";

/// Reads `grpc-status`, `grpc-message` and `grpc-status-details-bin` into a status that
/// carries `metadata`. Returns `None` when `grpc-status` is absent.
pub(crate) fn read_status(fields: &Metadata, metadata: &Metadata) -> Option<Status> {
    let text = fields.get(GRPC_STATUS)?.trim();
    let (code, mut message) = match text
        .parse::<u32>()
        .ok()
        .map(|number| (number, Code::from_number(number)))
    {
        Some((_, Some(code))) => (code, String::new()),
        Some((number, None)) => (Code::UNKNOWN, format!("unknown grpc-status {number}")),
        None => (Code::UNKNOWN, format!("invalid grpc-status \"{text}\"")),
    };
    if let Some(value) = fields.get(GRPC_MESSAGE) {
        let decoded = percent_decode(value.as_bytes());
        message = if message.is_empty() {
            decoded
        } else {
            format!("{message}: {decoded}")
        };
    }

    // Undecodable details are dropped so that the code and the message still reach the
    // caller; the raw header stays in the metadata.
    let details = fields
        .get(GRPC_STATUS_DETAILS)
        .and_then(|value| base64::decode(value.trim().as_bytes()))
        .unwrap_or_default();
    Some(
        Status::new(code, message)
            .with_details(details)
            .with_metadata(metadata),
    )
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
/// Names are lowercased and values trimmed. Lines without a colon are skipped. A name
/// that repeats keeps every value.
pub(crate) fn parse_trailer_block(payload: &[u8]) -> Metadata {
    let mut trailers = Metadata::default();
    for line in payload.split(|&byte| byte == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&byte| byte == b':') else {
            continue;
        };
        let name = String::from_utf8_lossy(line[..colon].trim_ascii());
        let value = String::from_utf8_lossy(line[colon + 1..].trim_ascii());
        if !name.is_empty() {
            trailers.append(&name, value.into_owned());
        }
    }
    trailers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Metadata {
        let mut map = Metadata::default();
        for (name, value) in pairs {
            map.append(name, *value);
        }
        map
    }

    fn status(pairs: &[(&str, &str)]) -> Option<Status> {
        let map = fields(pairs);
        read_status(&map, &map)
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
        let status = status(&[
            ("grpc-status", "5"),
            ("grpc-message", "backup%20b1%20not%20found"),
            ("grpc-status-details-bin", "CAU"),
        ])
        .unwrap();
        assert_eq!(status.code(), Code::NOT_FOUND);
        assert_eq!(status.message(), "backup b1 not found");
        assert_eq!(status.details(), [0x08, 0x05]);
        assert_eq!(status.metadata().get("grpc-status"), Some("5"));
    }

    #[test]
    fn undecodable_details_keep_code_and_message() {
        let status = status(&[
            ("grpc-status", "7"),
            ("grpc-message", "denied"),
            ("grpc-status-details-bin", "not base64!"),
        ])
        .unwrap();
        assert_eq!(status.code(), Code::PERMISSION_DENIED);
        assert_eq!(status.message(), "denied");
        assert!(status.details().is_empty());
    }

    #[test]
    fn out_of_range_status_is_unknown() {
        let out_of_range = status(&[("grpc-status", "42")]).unwrap();
        assert_eq!(out_of_range.code(), Code::UNKNOWN);
        assert_eq!(out_of_range.message(), "unknown grpc-status 42");
        let text = status(&[("grpc-status", "ok")]).unwrap();
        assert_eq!(text.code(), Code::UNKNOWN);
        assert_eq!(text.message(), "invalid grpc-status \"ok\"");
    }

    #[test]
    fn missing_status_is_none() {
        assert_eq!(status(&[("grpc-message", "x")]), None);
    }

    #[test]
    fn trailer_block_lowercases_and_skips_junk() {
        let trailers = parse_trailer_block(b"Grpc-Status: 3\r\ngrpc-message:bad%20id\r\nno colon here\r\nx-multi: a\r\nx-multi: b\r\n");
        assert_eq!(trailers.get("grpc-status"), Some("3"));
        assert_eq!(trailers.get("grpc-message"), Some("bad%20id"));
        assert_eq!(
            trailers
                .iter()
                .filter(|(name, _)| *name == "x-multi")
                .count(),
            2
        );
        assert_eq!(trailers.len(), 4);
    }
}
