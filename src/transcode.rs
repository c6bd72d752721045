//! One-pass transcoding of response messages from protobuf binary to proto3 JSON text.
//!
//! `build/transcode.rs` generates a transcoder per response message from the protos. It
//! reads the fields in wire order and writes JSON without building the prost struct. On
//! 1,000 seeded backups, a native release build took 3.2 ms against 5.9 ms for decoding
//! with prost and printing with pbjson.
//!
//! A transcoder returns `None` for anything outside the common form: a field repeated where
//! the schema has one value, a repeated field split by other fields, a wrong wire type,
//! invalid UTF-8 or a timestamp out of range. [`to_json`] then decodes with prost and
//! prints with pbjson, which implement every rule of both formats, so the output is the
//! same either way.

use serde::Serialize;

use crate::status::Status;
use crate::timestamp::Timestamp;
use crate::transport::decode_message;

/// A message that the JS API returns as proto3 JSON.
pub trait ProtoJson: prost::Message + Default + Serialize {
    /// Transcodes the message in `reader` to JSON, or returns `None` when it must go
    /// through the full decoder.
    fn transcode(reader: &mut Reader<'_>, out: &mut String) -> Option<()>;
}

impl ProtoJson for pbjson_types::Empty {
    fn transcode(reader: &mut Reader<'_>, out: &mut String) -> Option<()> {
        while let Some((_, wire)) = reader.tag()? {
            reader.skip(wire)?;
        }
        out.push_str("{}");
        Some(())
    }
}

include!(concat!(env!("OUT_DIR"), "/transcode.rs"));

/// Converts a serialized message to its proto3 JSON text.
pub fn to_json<T: ProtoJson>(payload: &[u8]) -> Result<String, Status> {
    let mut out = String::with_capacity(payload.len() + payload.len() / 2);
    if T::transcode(&mut Reader::new(payload), &mut out).is_some() {
        return Ok(out);
    }
    let message: T = decode_message(payload)?;
    serde_json::to_string(&message)
        .map_err(|_| Status::internal("the response contains a value that proto3 JSON cannot represent, such as a timestamp outside years 1 to 9999"))
}

/// Reads protobuf wire format. Every method returns `None` on malformed input.
pub struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Reader<'a> {
    /// Creates a reader over one message.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, position: 0 }
    }

    /// Reads a base-128 varint of at most ten bytes, rejecting one whose tenth byte
    /// overflows 64 bits, as prost does.
    pub fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for index in 0..10 {
            let byte = *self.bytes.get(self.position)?;
            self.position += 1;
            if index == 9 && byte > 1 {
                return None;
            }
            value |= u64::from(byte & 0x7f) << (7 * index);
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// Reads the next field's number and wire type: `Some(None)` at the end of the message.
    pub fn tag(&mut self) -> Option<Option<(u32, u8)>> {
        if self.position == self.bytes.len() {
            return Some(None);
        }
        let tag = u32::try_from(self.varint()?).ok()?;
        let field = Some(tag >> 3).filter(|field| *field != 0)?;
        Some(Some((field, (tag & 7) as u8)))
    }

    /// Checks a field's wire type against the schema's.
    pub fn expect(&self, wire: u8, expected: u8) -> Option<()> {
        (wire == expected).then_some(())
    }

    /// Reads a length-delimited value.
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        let end = self.position.checked_add(len)?;
        let value = self.bytes.get(self.position..end)?;
        self.position = end;
        Some(value)
    }

    /// Reads a length-delimited UTF-8 string.
    pub fn string(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    /// Reads an embedded message.
    pub fn sub(&mut self) -> Option<Reader<'a>> {
        Some(Reader::new(self.bytes()?))
    }

    /// Skips a field that the schema does not name. Groups are left to the full decoder.
    pub fn skip(&mut self, wire: u8) -> Option<()> {
        match wire {
            0 => self.varint().map(drop),
            1 => self.advance(8),
            2 => self.bytes().map(drop),
            5 => self.advance(4),
            _ => None,
        }
    }

    fn advance(&mut self, len: usize) -> Option<()> {
        let end = self
            .position
            .checked_add(len)
            .filter(|end| *end <= self.bytes.len())?;
        self.position = end;
        Some(())
    }
}

/// Writes one JSON object field by field, and tracks which fields were seen so that a
/// message the transcoder cannot represent goes to the full decoder.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    empty: bool,
    /// Fields seen, by their index in the message.
    seen: u64,
    /// The repeated field whose array or object is open, and its closing character.
    open: Option<(usize, char)>,
}

impl<'a> ObjectWriter<'a> {
    /// Starts an object.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        Self {
            out,
            empty: true,
            seen: 0,
            open: None,
        }
    }

    /// Returns the output, for writing a value.
    pub fn out(&mut self) -> &mut String {
        self.out
    }

    /// Writes `key` (such as `"name":`), after a comma unless it is the first field.
    pub fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push_str(key);
    }

    fn close_open(&mut self) {
        if let Some((_, closing)) = self.open.take() {
            self.out.push(closing);
        }
    }

    /// Records a field with one value. Returns `None` if it was seen before, because the
    /// full decoder must then merge or replace the values.
    pub fn single(&mut self, index: usize) -> Option<()> {
        self.close_open();
        let bit = 1u64 << index;
        if self.seen & bit != 0 {
            return None;
        }
        self.seen |= bit;
        Some(())
    }

    /// Starts the next element of a repeated or map field, opening its array (`[`) or
    /// object (`{`) at the first. Returns `None` if the field's elements are split by
    /// other fields.
    pub fn repeated(&mut self, index: usize, key: &str, opening: u8) -> Option<()> {
        if self.open.is_some_and(|(open, _)| open == index) {
            self.out.push(',');
            return Some(());
        }
        self.single(index)?;
        self.key(key);
        self.out.push(opening as char);
        self.open = Some((index, if opening == b'[' { ']' } else { '}' }));
        Some(())
    }

    /// Writes one `map<string, string>` entry as `"key":"value"`.
    pub fn map_entry(&mut self, entry: &mut Reader<'_>) -> Option<()> {
        let (mut key, mut value) = (None, None);
        while let Some((field, wire)) = entry.tag()? {
            match field {
                1 if key.is_none() && wire == 2 => key = Some(entry.string()?),
                2 if value.is_none() && wire == 2 => value = Some(entry.string()?),
                1 | 2 => return None,
                _ => entry.skip(wire)?,
            }
        }
        write_string(self.out, key.unwrap_or(""));
        self.out.push(':');
        write_string(self.out, value.unwrap_or(""));
        Some(())
    }

    /// Closes the object.
    pub fn finish(mut self) {
        self.close_open();
        self.out.push('}');
    }
}

/// Writes a JSON string literal, escaping quotes, backslashes and control characters.
pub fn write_string(out: &mut String, value: &str) {
    out.push('"');
    let bytes = value.as_bytes();
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&value[start..index]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        } else {
            out.push_str(escape);
        }
        start = index + 1;
    }
    out.push_str(&value[start..]);
    out.push('"');
}

/// Writes an int64 as proto3 JSON does: a decimal string.
pub fn write_int64(out: &mut String, value: i64) {
    out.push('"');
    write_decimal(out, value);
    out.push('"');
}

/// Writes an enum number that the schema does not name, as a JSON number.
pub fn write_int32(out: &mut String, value: i32) {
    write_decimal(out, i64::from(value));
}

fn write_decimal(out: &mut String, value: i64) {
    let mut digits = [0u8; 20];
    let mut magnitude = value.unsigned_abs();
    let mut index = digits.len();
    loop {
        index -= 1;
        digits[index] = b'0' + (magnitude % 10) as u8;
        magnitude /= 10;
        if magnitude == 0 {
            break;
        }
    }
    if value < 0 {
        out.push('-');
    }
    for &digit in &digits[index..] {
        out.push(digit as char);
    }
}

/// Writes a `google.protobuf.Timestamp` as an RFC 3339 string. Returns `None` for a
/// timestamp outside years 1 to 9999, which proto3 JSON cannot print.
pub fn write_timestamp(reader: &mut Reader<'_>, out: &mut String) -> Option<()> {
    let mut timestamp = Timestamp::default();
    while let Some((field, wire)) = reader.tag()? {
        match (field, wire) {
            (1, 0) => timestamp.seconds = reader.varint()? as i64,
            (2, 0) => timestamp.nanos = reader.varint()? as i32,
            (1 | 2, _) => return None,
            _ => reader.skip(wire)?,
        }
    }
    let text = timestamp.to_rfc3339().ok()?;
    out.push('"');
    out.push_str(&text);
    out.push('"');
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::backup::{
        status::Phase, Backup, Config, ListBackupsResponse, References, Status as BackupStatus,
    };
    use crate::proto::common::{Meta, PageBasedPaginationResponse, Reference};
    use prost::Message;

    /// Transcodes `bytes` and checks the result against prost and pbjson.
    fn check<T: ProtoJson>(bytes: &[u8]) -> Option<serde_json::Value> {
        let mut out = String::new();
        let transcoded = T::transcode(&mut Reader::new(bytes), &mut out).map(|()| out);
        let reference = T::decode(bytes)
            .ok()
            .and_then(|message| serde_json::to_value(&message).ok());
        if let Some(text) = &transcoded {
            let value: serde_json::Value =
                serde_json::from_str(text).expect("transcoder wrote valid JSON");
            assert_eq!(Some(&value), reference.as_ref(), "transcoded {text}");
        }
        transcoded.map(|text| serde_json::from_str(&text).unwrap())
    }

    fn sample(index: i64) -> Backup {
        Backup {
            meta: Some(Meta {
                uid: format!("uid-{index}"),
                name: format!("name \"quoted\" \\ {index}\n\u{1}"),
                description: String::new(),
                resource_version: "7".into(),
                create_time: Some(Timestamp {
                    seconds: -62_135_596_800,
                    nanos: 0,
                }),
                update_time: Some(Timestamp {
                    seconds: 253_402_300_799,
                    nanos: 999_999_999,
                }),
                labels: [
                    ("env".to_owned(), "prod".to_owned()),
                    ("empty".to_owned(), String::new()),
                ]
                .into(),
                annotations: Default::default(),
                parent_reference: Some(Reference {
                    r#type: "backupconfig".into(),
                    version: "v1".into(),
                    uid: "cfg".into(),
                }),
                resource_names: [("caf\u{e9}".to_owned(), "\u{1F600}".to_owned())].into(),
            }),
            config: Some(Config {
                references: Some(References {
                    image_id: String::new(),
                }),
                backup_capability: "cloudsnap".into(),
            }),
            status: Some(BackupStatus {
                cloud_snap_id: String::new(),
                start_time: Some(Timestamp {
                    seconds: 1_700_000_000,
                    nanos: 500_000_000,
                }),
                completion_time: None,
                phase: if index % 2 == 0 {
                    Phase::Failed as i32
                } else {
                    7
                },
                error_code: "E".into(),
                error_message: String::new(),
                file_size: if index == 0 { i64::MAX } else { -index },
            }),
        }
    }

    #[test]
    fn matches_prost_and_pbjson() {
        let response = ListBackupsResponse {
            backups: (0..5).map(sample).collect(),
            pagination: Some(PageBasedPaginationResponse {
                total_records: 5,
                current_page: 1,
                page_size: 10,
                total_pages: 1,
                next_page: -1,
                prev_page: -1,
            }),
        };
        let value = check::<ListBackupsResponse>(&response.encode_to_vec())
            .expect("the transcoder handles a plain response");
        assert_eq!(value["backups"][1]["status"]["phase"], 7);
        assert_eq!(
            value["backups"][0]["status"]["fileSize"],
            "9223372036854775807"
        );
        assert_eq!(
            value["backups"][0]["meta"]["createTime"],
            "0001-01-01T00:00:00Z"
        );
        assert!(check::<Backup>(&Backup::default().encode_to_vec()).is_some());
        assert!(check::<ListBackupsResponse>(&[]).is_some());
    }

    #[test]
    fn unknown_fields_are_skipped() {
        let mut bytes = sample(1).encode_to_vec();
        bytes.extend_from_slice(&[
            0x98, 0x06, 0x07, 0xa2, 0x06, 0x02, b'h', b'i', 0xad, 0x06, 1, 2, 3, 4,
        ]);
        assert!(check::<Backup>(&bytes).is_some());
    }

    #[test]
    fn repeated_single_field_goes_to_full_decoder() {
        let mut bytes = sample(1).encode_to_vec();
        bytes.extend(
            Backup {
                meta: Some(Meta {
                    name: "second".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }
            .encode_to_vec(),
        );
        assert!(check::<Backup>(&bytes).is_none());
        let json = to_json::<Backup>(&bytes).unwrap();
        assert!(json.contains("\"name\":\"second\""), "{json}");
        assert!(json.contains("\"uid\":\"uid-1\""), "merged: {json}");
    }

    #[test]
    fn split_repeated_field_goes_to_full_decoder() {
        let mut bytes = ListBackupsResponse {
            backups: vec![sample(1)],
            pagination: Some(Default::default()),
        }
        .encode_to_vec();
        bytes.extend(
            ListBackupsResponse {
                backups: vec![sample(2)],
                pagination: None,
            }
            .encode_to_vec(),
        );
        assert!(check::<ListBackupsResponse>(&bytes).is_none());
        assert_eq!(
            to_json::<ListBackupsResponse>(&bytes)
                .unwrap()
                .matches("\"uid-")
                .count(),
            2
        );
    }

    #[test]
    fn timestamp_out_of_range_is_an_error() {
        let backup = Backup {
            meta: Some(Meta {
                create_time: Some(Timestamp {
                    seconds: i64::MAX,
                    nanos: 0,
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let error = to_json::<Backup>(&backup.encode_to_vec()).unwrap_err();
        assert_eq!(error.code(), crate::code::Code::INTERNAL);
    }

    #[test]
    fn invalid_bytes_are_an_error() {
        assert!(to_json::<Backup>(&[0x0a, 0x05, 0x01]).is_err());
        assert!(to_json::<Backup>(&[0x0a, 0x02, 0xff, 0xfe]).is_err());
    }

    #[test]
    fn escapes_control_characters() {
        let mut out = String::new();
        write_string(&mut out, "a\"b\\c\nd\u{1f}\u{e9}");
        assert_eq!(out, "\"a\\\"b\\\\c\\nd\\u001f\u{e9}\"");
    }

    #[test]
    fn writes_extreme_integers() {
        let mut out = String::new();
        write_int64(&mut out, i64::MIN);
        write_int32(&mut out, -1);
        assert_eq!(out, "\"-9223372036854775808\"-1");
    }
}

/// Differential properties: wherever the transcoder returns JSON, it agrees with prost and
/// pbjson, on arbitrary bytes and on arbitrary valid messages.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::proto::backup::{Backup, ListBackupsResponse};
    use crate::proto::common::Meta;
    use proptest::prelude::*;
    use prost::Message;

    fn agree<T: ProtoJson>(bytes: &[u8]) -> Result<(), TestCaseError> {
        let mut out = String::new();
        let transcoded = T::transcode(&mut Reader::new(bytes), &mut out).map(|()| out);
        let reference = T::decode(bytes)
            .ok()
            .and_then(|message| serde_json::to_value(&message).ok());
        if let Some(text) = transcoded {
            if reference.is_none() {
                let decoded = T::decode(bytes).map(|message| {
                    serde_json::to_value(&message).map_err(|error| error.to_string())
                });
                return Err(TestCaseError::fail(format!(
                    "transcoded {text} but the reference gives {decoded:?} for {bytes:02x?}"
                )));
            }
            let value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|error| TestCaseError::fail(format!("invalid JSON {text}: {error}")))?;
            prop_assert_eq!(Some(value), reference);
        }
        let _ = to_json::<T>(bytes);
        Ok(())
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![Just(String::new()), "[a-z0-9-]{1,12}", any::<String>()]
    }

    prop_compose! {
        fn backup()(uid in text(), name in text(), seconds in any::<i64>(), nanos in 0i32..1_000_000_000, phase in -2i32..6, size in any::<i64>(), labels in proptest::collection::btree_map(text(), text(), 0..3)) -> Backup {
            let mut backup = Backup::default();
            backup.meta = Some(Meta { uid, name, labels, create_time: Some(Timestamp { seconds: crate::timestamp::MIN_SECONDS + seconds.rem_euclid(crate::timestamp::MAX_SECONDS - crate::timestamp::MIN_SECONDS), nanos }), ..Default::default() });
            backup.status = Some(crate::proto::backup::Status { phase, file_size: size, ..Default::default() });
            backup
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_agree(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            agree::<Backup>(&bytes)?;
            agree::<ListBackupsResponse>(&bytes)?;
        }

        #[test]
        fn valid_messages_agree(backups in proptest::collection::vec(backup(), 0..4)) {
            let response = ListBackupsResponse { backups, pagination: None };
            let bytes = response.encode_to_vec();
            let mut out = String::new();
            prop_assert!(ListBackupsResponse::transcode(&mut Reader::new(&bytes), &mut out).is_some());
            agree::<ListBackupsResponse>(&bytes)?;
        }

        #[test]
        fn mutated_messages_agree(backups in proptest::collection::vec(backup(), 1..3), position in any::<usize>(), byte in any::<u8>()) {
            let mut bytes = ListBackupsResponse { backups, pagination: None }.encode_to_vec();
            let index = position % bytes.len();
            bytes[index] = byte;
            agree::<ListBackupsResponse>(&bytes)?;
        }
    }
}
