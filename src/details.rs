//! Decoding of `grpc-status-details-bin`: a `google.rpc.Status` whose `details` are `Any`
//! messages, usually the standard error payloads of `google/rpc/error_details.proto`.
//!
//! The message definitions below follow the field numbers of googleapis'
//! `google/rpc/status.proto` and `google/rpc/error_details.proto`.

use std::collections::BTreeMap;

use serde::Serialize;

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
struct Duration {
    #[prost(int64, tag = "1")]
    seconds: i64,
    #[prost(int32, tag = "2")]
    nanos: i32,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorInfo {
    #[prost(string, tag = "1")]
    reason: String,
    #[prost(string, tag = "2")]
    domain: String,
    #[prost(btree_map = "string, string", tag = "3")]
    metadata: BTreeMap<String, String>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct RetryInfo {
    #[prost(message, optional, tag = "1")]
    retry_delay: Option<Duration>,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct DebugInfo {
    #[prost(string, repeated, tag = "1")]
    stack_entries: Vec<String>,
    #[prost(string, tag = "2")]
    detail: String,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct QuotaViolation {
    #[prost(string, tag = "1")]
    subject: String,
    #[prost(string, tag = "2")]
    description: String,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct QuotaFailure {
    #[prost(message, repeated, tag = "1")]
    violations: Vec<QuotaViolation>,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct PreconditionViolation {
    #[prost(string, tag = "1")]
    #[serde(rename = "type")]
    kind: String,
    #[prost(string, tag = "2")]
    subject: String,
    #[prost(string, tag = "3")]
    description: String,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct PreconditionFailure {
    #[prost(message, repeated, tag = "1")]
    violations: Vec<PreconditionViolation>,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct FieldViolation {
    #[prost(string, tag = "1")]
    field: String,
    #[prost(string, tag = "2")]
    description: String,
    #[prost(string, tag = "3")]
    reason: String,
    #[prost(message, optional, tag = "4")]
    localized_message: Option<LocalizedMessage>,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct BadRequest {
    #[prost(message, repeated, tag = "1")]
    field_violations: Vec<FieldViolation>,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestInfo {
    #[prost(string, tag = "1")]
    request_id: String,
    #[prost(string, tag = "2")]
    serving_data: String,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
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

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct Link {
    #[prost(string, tag = "1")]
    description: String,
    #[prost(string, tag = "2")]
    url: String,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct Help {
    #[prost(message, repeated, tag = "1")]
    links: Vec<Link>,
}

#[derive(Clone, PartialEq, prost::Message, Serialize)]
#[serde(rename_all = "camelCase")]
struct LocalizedMessage {
    #[prost(string, tag = "1")]
    locale: String,
    #[prost(string, tag = "2")]
    message: String,
}

/// One decoded detail: its type name and its fields, or the raw bytes of a type this
/// client does not know.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Detail {
    /// The type URL, such as `type.googleapis.com/google.rpc.ErrorInfo`.
    #[serde(rename = "@type")]
    pub(crate) type_url: String,
    /// The fields in proto3 JSON form.
    #[serde(flatten)]
    pub(crate) fields: serde_json::Map<String, serde_json::Value>,
}

/// Decodes the details of a status. Returns an empty list for empty or undecodable bytes,
/// so that the code and the message of the error still reach the caller.
pub(crate) fn decode_details(bytes: &[u8]) -> Vec<Detail> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let Ok(status) = <RpcStatus as prost::Message>::decode(bytes) else {
        return Vec::new();
    };
    status.details.iter().map(decode_any).collect()
}

fn type_name(type_url: &str) -> &str {
    type_url.rsplit('/').next().unwrap_or(type_url)
}

fn fields_of<T: prost::Message + Default + Serialize>(
    value: &[u8],
) -> Option<serde_json::Map<String, serde_json::Value>> {
    let message = T::decode(value).ok()?;
    match serde_json::to_value(&message).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

fn decode_any(any: &Any) -> Detail {
    let value = any.value.as_slice();
    let fields = match type_name(&any.type_url) {
        "google.rpc.ErrorInfo" => fields_of::<ErrorInfo>(value),
        "google.rpc.RetryInfo" => <RetryInfo as prost::Message>::decode(value)
            .ok()
            .map(|info| {
                let delay = info.retry_delay.unwrap_or_default();
                let mut map = serde_json::Map::new();
                map.insert("retryDelay".into(), duration_json(&delay).into());
                map
            }),
        "google.rpc.DebugInfo" => fields_of::<DebugInfo>(value),
        "google.rpc.QuotaFailure" => fields_of::<QuotaFailure>(value),
        "google.rpc.PreconditionFailure" => fields_of::<PreconditionFailure>(value),
        "google.rpc.BadRequest" => fields_of::<BadRequest>(value),
        "google.rpc.RequestInfo" => fields_of::<RequestInfo>(value),
        "google.rpc.ResourceInfo" => fields_of::<ResourceInfo>(value),
        "google.rpc.Help" => fields_of::<Help>(value),
        "google.rpc.LocalizedMessage" => fields_of::<LocalizedMessage>(value),
        _ => None,
    };
    let fields = fields.unwrap_or_else(|| {
        let mut map = serde_json::Map::new();
        map.insert("value".into(), base64_encode(value).into());
        map
    });
    Detail {
        type_url: any.type_url.clone(),
        fields,
    }
}

/// A Duration in its proto3 JSON form, such as `"1.500s"`.
fn duration_json(duration: &Duration) -> String {
    if duration.nanos == 0 {
        format!("{}s", duration.seconds)
    } else {
        let sign = if duration.seconds < 0 || duration.nanos < 0 {
            "-"
        } else {
            ""
        };
        let fraction = format!("{:09}", duration.nanos.unsigned_abs());
        format!(
            "{sign}{}.{}s",
            duration.seconds.unsigned_abs(),
            fraction.trim_end_matches('0')
        )
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
        let details = decode_details(&status.encode_to_vec());
        let json = serde_json::to_value(&details).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{
                        "field": "pagination.page_size",
                        "description": "must be at most 1000",
                        "reason": "",
                        "localizedMessage": null
                    }]
                },
                { "@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "1.5s" }
            ])
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
        let details = decode_details(&status.encode_to_vec());
        assert_eq!(details[0].fields["value"], "AQID");
    }

    #[test]
    fn garbage_gives_no_details() {
        assert!(decode_details(&[0xff, 0xff, 0xff]).is_empty());
        assert!(decode_details(&[]).is_empty());
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64_encode(b"hi"), "aGk=");
        assert_eq!(base64_encode(b"h"), "aA==");
        assert_eq!(base64_encode(b"hey"), "aGV5");
    }
}
