//! Decoding of `grpc-status-details-bin`: a `google.rpc.Status` whose `details` are `Any`
//! messages, usually the standard error payloads of `google/rpc/error_details.proto`.
//!
//! The message definitions below follow the field numbers of googleapis'
//! `google/rpc/status.proto` and `google/rpc/error_details.proto`.

/// `google.rpc.Status`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct RpcStatus {
    #[prost(int32, tag = "1")]
    pub(crate) code: i32,
    #[prost(string, tag = "2")]
    pub(crate) message: String,
    #[prost(message, repeated, tag = "3")]
    pub(crate) details: Vec<Any>,
}

/// `google.protobuf.Any`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Any {
    #[prost(string, tag = "1")]
    pub(crate) type_url: String,
    #[prost(bytes = "vec", tag = "2")]
    pub(crate) value: Vec<u8>,
}

/// `google.protobuf.Duration`.
#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct Duration {
    #[prost(int64, tag = "1")]
    pub(crate) seconds: i64,
    #[prost(int32, tag = "2")]
    pub(crate) nanos: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct ErrorInfo {
    #[prost(string, tag = "1")]
    pub(crate) reason: String,
    #[prost(string, tag = "2")]
    pub(crate) domain: String,
    #[prost(btree_map = "string, string", tag = "3")]
    pub(crate) metadata: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    pub(crate) retry_delay: Option<Duration>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct DebugInfo {
    #[prost(string, repeated, tag = "1")]
    stack_entries: Vec<String>,
    #[prost(string, tag = "2")]
    detail: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct QuotaViolation {
    #[prost(string, tag = "1")]
    subject: String,
    #[prost(string, tag = "2")]
    description: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct QuotaFailure {
    #[prost(message, repeated, tag = "1")]
    violations: Vec<QuotaViolation>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PreconditionViolation {
    #[prost(string, tag = "1")]
    kind: String,
    #[prost(string, tag = "2")]
    subject: String,
    #[prost(string, tag = "3")]
    description: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PreconditionFailure {
    #[prost(message, repeated, tag = "1")]
    violations: Vec<PreconditionViolation>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct FieldViolation {
    #[prost(string, tag = "1")]
    pub(crate) field: String,
    #[prost(string, tag = "2")]
    pub(crate) description: String,
    #[prost(string, tag = "3")]
    pub(crate) reason: String,
    #[prost(message, optional, tag = "4")]
    pub(crate) localized_message: Option<LocalizedMessage>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct BadRequest {
    #[prost(message, repeated, tag = "1")]
    pub(crate) field_violations: Vec<FieldViolation>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct RequestInfo {
    #[prost(string, tag = "1")]
    request_id: String,
    #[prost(string, tag = "2")]
    serving_data: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ResourceInfo {
    #[prost(string, tag = "1")]
    resource_type: String,
    #[prost(string, tag = "2")]
    resource_name: String,
    #[prost(string, tag = "3")]
    owner: String,
    #[prost(string, tag = "4")]
    description: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Link {
    #[prost(string, tag = "1")]
    description: String,
    #[prost(string, tag = "2")]
    url: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Help {
    #[prost(message, repeated, tag = "1")]
    links: Vec<Link>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub(crate) struct LocalizedMessage {
    #[prost(string, tag = "1")]
    pub(crate) locale: String,
    #[prost(string, tag = "2")]
    pub(crate) message: String,
}

/// Decodes the details of a status into a JSON array in proto3 JSON form: one object per
/// detail with its `@type` and its fields, default values omitted. A detail of a type
/// this client does not know keeps its bytes as base64 in `value`. Empty or undecodable
/// bytes give `[]`, so the code and the message of the error still reach the caller.
pub(crate) fn details_json(bytes: &[u8]) -> String {
    let mut out = String::from("[");
    let status = if bytes.is_empty() {
        None
    } else {
        <RpcStatus as prost::Message>::decode(bytes).ok()
    };
    for (index, any) in status.iter().flat_map(|status| &status.details).enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_any(&mut out, any);
    }
    out.push(']');
    out
}

/// Returns the retry delay of the first `RetryInfo` detail, in milliseconds.
pub(crate) fn retry_delay_ms(bytes: &[u8]) -> Option<f64> {
    let status = <RpcStatus as prost::Message>::decode(bytes).ok()?;
    status.details.iter().find_map(|any| {
        if type_name(&any.type_url) != "google.rpc.RetryInfo" {
            return None;
        }
        let info: RetryInfo = prost::Message::decode(any.value.as_slice()).ok()?;
        let delay = info.retry_delay.unwrap_or_default();
        Some(delay.seconds as f64 * 1000.0 + f64::from(delay.nanos) / 1e6)
    })
}

fn type_name(type_url: &str) -> &str {
    type_url.rsplit('/').next().unwrap_or(type_url)
}

fn decode<T: prost::Message + Default>(value: &[u8]) -> Option<T> {
    T::decode(value).ok()
}

fn write_any(out: &mut String, any: &Any) {
    let mut object = ObjectWriter::new(out);
    object.string("@type", &any.type_url);
    let value = any.value.as_slice();
    let known = match type_name(&any.type_url) {
        "google.rpc.ErrorInfo" => decode::<ErrorInfo>(value).map(|info| {
            object.string("reason", &info.reason);
            object.string("domain", &info.domain);
            if !info.metadata.is_empty() {
                let mut map = object.object("metadata");
                for (key, value) in &info.metadata {
                    map.string(key, value);
                }
                map.finish();
            }
        }),
        "google.rpc.RetryInfo" => decode::<RetryInfo>(value).map(|info| {
            if let Some(delay) = &info.retry_delay {
                object.string("retryDelay", &duration_json(delay));
            }
        }),
        "google.rpc.DebugInfo" => decode::<DebugInfo>(value).map(|info| {
            object.strings("stackEntries", &info.stack_entries);
            object.string("detail", &info.detail);
        }),
        "google.rpc.QuotaFailure" => decode::<QuotaFailure>(value).map(|info| {
            object.objects("violations", &info.violations, |item, violation| {
                item.string("subject", &violation.subject);
                item.string("description", &violation.description);
            });
        }),
        "google.rpc.PreconditionFailure" => decode::<PreconditionFailure>(value).map(|info| {
            object.objects("violations", &info.violations, |item, violation| {
                item.string("type", &violation.kind);
                item.string("subject", &violation.subject);
                item.string("description", &violation.description);
            });
        }),
        "google.rpc.BadRequest" => decode::<BadRequest>(value).map(|info| {
            object.objects(
                "fieldViolations",
                &info.field_violations,
                |item, violation| {
                    item.string("field", &violation.field);
                    item.string("description", &violation.description);
                    item.string("reason", &violation.reason);
                    if let Some(localized) = &violation.localized_message {
                        let mut nested = item.object("localizedMessage");
                        nested.string("locale", &localized.locale);
                        nested.string("message", &localized.message);
                        nested.finish();
                    }
                },
            );
        }),
        "google.rpc.RequestInfo" => decode::<RequestInfo>(value).map(|info| {
            object.string("requestId", &info.request_id);
            object.string("servingData", &info.serving_data);
        }),
        "google.rpc.ResourceInfo" => decode::<ResourceInfo>(value).map(|info| {
            object.string("resourceType", &info.resource_type);
            object.string("resourceName", &info.resource_name);
            object.string("owner", &info.owner);
            object.string("description", &info.description);
        }),
        "google.rpc.Help" => decode::<Help>(value).map(|info| {
            object.objects("links", &info.links, |item, link| {
                item.string("description", &link.description);
                item.string("url", &link.url);
            });
        }),
        "google.rpc.LocalizedMessage" => decode::<LocalizedMessage>(value).map(|info| {
            object.string("locale", &info.locale);
            object.string("message", &info.message);
        }),
        _ => None,
    };
    if known.is_none() {
        object.string("value", &base64_encode(value));
    }
    object.finish();
}

/// Formats a Duration in its proto3 JSON form: seconds with 0, 3, 6 or 9 fractional
/// digits and an `s` suffix, such as `"1.500s"`.
fn duration_json(duration: &Duration) -> String {
    let nanos = duration.nanos.unsigned_abs();
    if nanos == 0 {
        return format!("{}s", duration.seconds);
    }
    let sign = if duration.seconds < 0 || duration.nanos < 0 {
        "-"
    } else {
        ""
    };
    let seconds = duration.seconds.unsigned_abs();
    if nanos % 1_000_000 == 0 {
        format!("{sign}{seconds}.{:03}s", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!("{sign}{seconds}.{:06}s", nanos / 1_000)
    } else {
        format!("{sign}{seconds}.{nanos:09}s")
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(bits >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Writes a JSON object field by field, leaving out empty strings and lists as the
/// proto3 JSON form does.
struct ObjectWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    fn new(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, empty: true }
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        write_json_string(self.out, key);
        self.out.push(':');
    }

    fn string(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            self.key(key);
            write_json_string(self.out, value);
        }
    }

    fn strings(&mut self, key: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        self.key(key);
        self.out.push('[');
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.out.push(',');
            }
            write_json_string(self.out, value);
        }
        self.out.push(']');
    }

    fn object(&mut self, key: &str) -> ObjectWriter<'_> {
        self.key(key);
        ObjectWriter::new(self.out)
    }

    fn objects<T>(
        &mut self,
        key: &str,
        items: &[T],
        mut write: impl FnMut(&mut ObjectWriter<'_>, &T),
    ) {
        if items.is_empty() {
            return;
        }
        self.key(key);
        self.out.push('[');
        for (index, item) in items.iter().enumerate() {
            if index > 0 {
                self.out.push(',');
            }
            let mut object = ObjectWriter::new(self.out);
            write(&mut object, item);
            object.finish();
        }
        self.out.push(']');
    }

    fn finish(self) {
        self.out.push('}');
    }
}

/// Writes a JSON string literal, escaping quotes, backslashes and control characters.
fn write_json_string(out: &mut String, value: &str) {
    out.push('"');
    for character in value.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if (control as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let code = control as usize;
                out.push_str("\\u00");
                out.push(HEX[code >> 4] as char);
                out.push(HEX[code & 15] as char);
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    fn any<T: Message>(name: &str, message: &T) -> Any {
        Any {
            type_url: format!("type.googleapis.com/{name}"),
            value: message.encode_to_vec(),
        }
    }

    fn json(bytes: &[u8]) -> serde_json::Value {
        serde_json::from_str(&details_json(bytes)).expect("valid JSON")
    }

    #[test]
    fn decodes_bad_request_and_retry_info() {
        let status = RpcStatus {
            code: 3,
            message: "bad".into(),
            details: vec![
                any(
                    "google.rpc.BadRequest",
                    &BadRequest {
                        field_violations: vec![FieldViolation {
                            field: "pagination.page_size".into(),
                            description: "must be at most 1000".into(),
                            ..Default::default()
                        }],
                    },
                ),
                any(
                    "google.rpc.RetryInfo",
                    &RetryInfo {
                        retry_delay: Some(Duration {
                            seconds: 1,
                            nanos: 500_000_000,
                        }),
                    },
                ),
            ],
        };
        assert_eq!(
            json(&status.encode_to_vec()),
            serde_json::json!([
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{ "field": "pagination.page_size", "description": "must be at most 1000" }]
                },
                { "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.500s" }
            ])
        );
        assert_eq!(retry_delay_ms(&status.encode_to_vec()), Some(1500.0));
    }

    #[test]
    fn error_info_metadata_is_sorted_object() {
        let info = ErrorInfo {
            reason: "QUOTA".into(),
            domain: "pds.portworx.com".into(),
            metadata: [
                ("b".to_owned(), "2".to_owned()),
                ("a".to_owned(), "\"1\"\n".to_owned()),
            ]
            .into(),
        };
        let status = RpcStatus {
            code: 8,
            message: String::new(),
            details: vec![any("google.rpc.ErrorInfo", &info)],
        };
        assert_eq!(
            details_json(&status.encode_to_vec()),
            r#"[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"QUOTA","domain":"pds.portworx.com","metadata":{"a":"\"1\"\n","b":"2"}}]"#
        );
    }

    #[test]
    fn unknown_detail_keeps_bytes() {
        let status = RpcStatus {
            code: 5,
            message: String::new(),
            details: vec![Any {
                type_url: "type.example.com/x.Y".into(),
                value: vec![1, 2, 3],
            }],
        };
        assert_eq!(json(&status.encode_to_vec())[0]["value"], "AQID");
    }

    #[test]
    fn garbage_gives_no_details() {
        assert_eq!(details_json(&[0xff, 0xff, 0xff]), "[]");
        assert_eq!(details_json(&[]), "[]");
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut out = String::new();
        write_json_string(&mut out, "a\u{1}b\\");
        assert_eq!(out, "\"a\\u0001b\\\\\"");
    }

    #[test]
    fn duration_uses_groups_of_three_digits() {
        let format = |seconds, nanos| duration_json(&Duration { seconds, nanos });
        assert_eq!(format(2, 0), "2s");
        assert_eq!(format(1, 500_000_000), "1.500s");
        assert_eq!(format(0, 1_000), "0.000001s");
        assert_eq!(format(0, 1), "0.000000001s");
        assert_eq!(format(-1, -500_000_000), "-1.500s");
        assert_eq!(format(0, -250_000_000), "-0.250s");
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64_encode(b"hi"), "aGk=");
        assert_eq!(base64_encode(b"h"), "aA==");
        assert_eq!(base64_encode(b"hey"), "aGV5");
    }
}
