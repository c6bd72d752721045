//! Validation of the JS arguments of each RPC, before anything is sent.
//!
//! Every failure is INVALID_ARGUMENT with a message that names the field, the value and
//! the accepted form. Field names follow the proto3 JSON mapping: the lowerCamelCase
//! name and the original proto name are both accepted.

use crate::status::Status;

use crate::input::Input;
use crate::proto::backup::list_backups_request::ListBy;
use crate::proto::backup::ListBackupsRequest;
use crate::proto::common::{sort_by, sort_order, PageBasedPaginationRequest, Sort};

/// Maximum length of a backup id or filter id, in bytes. Real ids are 36-byte UUIDs.
pub(crate) const MAX_ID_BYTES: usize = 1024;

/// The largest integer that a JS number represents exactly (2^53 - 1).
pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Builds an INVALID_ARGUMENT status.
pub(crate) fn invalid(message: impl Into<String>) -> Status {
    Status::invalid_argument(message)
}

/// Validates a backup id: a non-blank string of at most [`MAX_ID_BYTES`] bytes without
/// control characters.
pub(crate) fn parse_id(field: &str, value: &Input) -> Result<String, Status> {
    let text = match value {
        Input::String(text) => text,
        Input::LongString(_) => {
            return Err(invalid(format!(
                "{field} is {}; an id is at most {MAX_ID_BYTES} bytes",
                value.describe()
            )))
        }
        other => {
            return Err(invalid(format!(
                "{field} must be a string such as \"5f3b1c9e-...\", got {}",
                other.describe()
            )))
        }
    };
    if text.trim().is_empty() {
        return Err(invalid(format!("{field} must not be empty or blank")));
    }
    if text.len() > MAX_ID_BYTES {
        return Err(invalid(format!(
            "{field} is {} bytes long; an id is at most {MAX_ID_BYTES} bytes",
            text.len()
        )));
    }
    if text.chars().any(char::is_control) {
        return Err(invalid(format!(
            "{field} {} contains a control character; remove it",
            crate::input::quote(text)
        )));
    }
    Ok(text.clone())
}

/// Looks up a field by its JSON name or its proto name. Rejects an object that sets both.
fn field<'a>(
    entries: &'a [(String, Input)],
    message: &str,
    json_name: &str,
    proto_name: &str,
) -> Result<Option<&'a Input>, Status> {
    let mut found: Option<(&str, &Input)> = None;
    for (key, value) in entries {
        if key != json_name && key != proto_name {
            continue;
        }
        if let Some((previous, _)) = found {
            return Err(invalid(format!(
                "{message} sets both {previous} and {key}; they name the same field, so set one"
            )));
        }
        found = Some((key, value));
    }
    Ok(found
        .map(|(_, value)| value)
        .filter(|value| !value.is_absent()))
}

/// Rejects keys that are not fields of the message, so a misspelling such as `pageSzie`
/// does not pass unnoticed.
fn reject_unknown_fields(
    entries: &[(String, Input)],
    message: &str,
    fields: &[(&str, &str)],
) -> Result<(), Status> {
    for (key, _) in entries {
        if !fields
            .iter()
            .any(|(json, proto)| key == json || key == proto)
        {
            let known: Vec<&str> = fields.iter().map(|(json, _)| *json).collect();
            return Err(invalid(format!(
                "unknown field \"{key}\" in {message}; known fields are {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// Requires a plain object, or returns `None` for `undefined` and `null`.
pub(crate) fn object<'a>(
    value: &'a Input,
    name: &str,
    example: &str,
) -> Result<Option<&'a [(String, Input)]>, Status> {
    if value.is_absent() {
        return Ok(None);
    }
    value.entries().map(Some).ok_or_else(|| {
        invalid(format!(
            "{name} must be a plain object such as {example}, got {}",
            value.describe()
        ))
    })
}

/// Validates a positive integer: a JS number, a decimal string (the proto3 JSON form of
/// int64) or a BigInt, from 1 to 2^53 - 1.
pub(crate) fn parse_positive_integer(field: &str, value: &Input) -> Result<i64, Status> {
    let parsed = match value {
        Input::Number(number)
            if number.fract() == 0.0 && *number >= 1.0 && *number <= MAX_SAFE_INTEGER =>
        {
            Some(*number as i64)
        }
        Input::String(text) | Input::BigInt(text) => text
            .parse::<i64>()
            .ok()
            .filter(|number| (1..=MAX_SAFE_INTEGER as i64).contains(number)),
        _ => None,
    };
    parsed.ok_or_else(|| {
        invalid(format!(
            "{field} must be a positive integer from 1 to 9007199254740991, got {}",
            value.describe()
        ))
    })
}

/// Validates an enum value given by name or by number.
fn parse_enum<T: Copy>(
    field: &str,
    value: &Input,
    by_name: fn(&str) -> Option<T>,
    by_number: fn(i32) -> Option<T>,
    names: &[&str],
) -> Result<T, Status> {
    let parsed = match value {
        Input::String(text) => by_name(text),
        Input::Number(number) if number.fract() == 0.0 && number.abs() <= f64::from(i32::MAX) => {
            by_number(*number as i32)
        }
        _ => None,
    };
    parsed.ok_or_else(|| {
        let quoted: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
        invalid(format!(
            "{field} must be one of {}, got {}",
            quoted.join(", "),
            value.describe()
        ))
    })
}

const LIST_FIELDS: [(&str, &str); 6] = [
    ("deploymentId", "deployment_id"),
    ("targetClusterId", "target_cluster_id"),
    ("namespaceId", "namespace_id"),
    ("backupConfigId", "backup_config_id"),
    ("pagination", "pagination"),
    ("sort", "sort"),
];

/// Validates the JS form of a ListBackupsRequest. `undefined` and `null` give an empty
/// request, which lists every backup.
pub(crate) fn parse_list_request(value: &Input) -> Result<ListBackupsRequest, Status> {
    let Some(entries) = object(
        value,
        "request",
        "{ deploymentId: \"...\", pagination: { pageNumber: 1, pageSize: 50 } }",
    )?
    else {
        return Ok(ListBackupsRequest::default());
    };
    reject_unknown_fields(entries, "ListBackupsRequest", &LIST_FIELDS)?;

    let mut list_by: Option<(&str, ListBy)> = None;
    for (index, (json_name, proto_name)) in LIST_FIELDS[..4].iter().enumerate() {
        let Some(value) = field(entries, "ListBackupsRequest", json_name, proto_name)? else {
            continue;
        };
        let id = parse_id(json_name, value)?;
        if let Some((previous, _)) = list_by {
            return Err(invalid(format!(
                "{previous} and {json_name} are both set; list by at most one of deploymentId, targetClusterId, namespaceId and backupConfigId"
            )));
        }
        let filter = match index {
            0 => ListBy::DeploymentId(id),
            1 => ListBy::TargetClusterId(id),
            2 => ListBy::NamespaceId(id),
            _ => ListBy::BackupConfigId(id),
        };
        list_by = Some((json_name, filter));
    }

    let pagination = match field(entries, "ListBackupsRequest", "pagination", "pagination")? {
        Some(value) => Some(parse_pagination(value)?),
        None => None,
    };
    let sort = match field(entries, "ListBackupsRequest", "sort", "sort")? {
        Some(value) => Some(parse_sort(value)?),
        None => None,
    };

    Ok(ListBackupsRequest {
        list_by: list_by.map(|(_, filter)| filter),
        pagination,
        sort,
    })
}

const PAGINATION_FIELDS: [(&str, &str); 2] =
    [("pageNumber", "page_number"), ("pageSize", "page_size")];

fn parse_pagination(value: &Input) -> Result<PageBasedPaginationRequest, Status> {
    let entries =
        object(value, "pagination", "{ pageNumber: 1, pageSize: 50 }")?.unwrap_or_default();
    reject_unknown_fields(entries, "pagination", &PAGINATION_FIELDS)?;
    let mut pagination = PageBasedPaginationRequest::default();
    if let Some(value) = field(entries, "pagination", "pageNumber", "page_number")? {
        pagination.page_number = parse_positive_integer("pagination.pageNumber", value)?;
    }
    if let Some(value) = field(entries, "pagination", "pageSize", "page_size")? {
        pagination.page_size = parse_positive_integer("pagination.pageSize", value)?;
    }
    Ok(pagination)
}

const SORT_FIELDS: [(&str, &str); 2] = [("sortBy", "sort_by"), ("sortOrder", "sort_order")];
const SORT_BY_NAMES: [&str; 4] = ["NAME", "CREATED_AT", "UPDATED_AT", "PHASE"];
const SORT_ORDER_NAMES: [&str; 2] = ["ASC", "DESC"];

fn parse_sort(value: &Input) -> Result<Sort, Status> {
    let entries = object(
        value,
        "sort",
        "{ sortBy: \"CREATED_AT\", sortOrder: \"DESC\" }",
    )?
    .unwrap_or_default();
    reject_unknown_fields(entries, "sort", &SORT_FIELDS)?;
    let mut sort = Sort::default();
    if let Some(value) = field(entries, "sort", "sortBy", "sort_by")? {
        let parsed = parse_enum(
            "sort.sortBy",
            value,
            sort_by::Field::from_str_name,
            |number| sort_by::Field::try_from(number).ok(),
            &SORT_BY_NAMES,
        )?;
        sort.sort_by = parsed as i32;
    }
    if let Some(value) = field(entries, "sort", "sortOrder", "sort_order")? {
        let parsed = parse_enum(
            "sort.sortOrder",
            value,
            sort_order::Value::from_str_name,
            |number| sort_order::Value::try_from(number).ok(),
            &SORT_ORDER_NAMES,
        )?;
        sort.sort_order = parsed as i32;
    }
    Ok(sort)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::input::{test_object as object, test_string as string};

    fn list_error(value: Input) -> String {
        let error = parse_list_request(&value).unwrap_err();
        assert_eq!(error.code(), Code::INVALID_ARGUMENT);
        error.message().to_owned()
    }

    #[test]
    fn id_accepts_uuid() {
        let id = "0b6f4f2e-6a0c-4d0e-9a57-0f0f63f9a1c2";
        assert_eq!(parse_id("id", &string(id)).unwrap(), id);
    }

    #[test]
    fn id_rejects_blank_and_wrong_types() {
        for value in [
            string(""),
            string("  \t"),
            Input::Undefined,
            Input::Null,
            Input::Number(5.0),
        ] {
            let error = parse_id("id", &value).unwrap_err();
            assert_eq!(error.code(), Code::INVALID_ARGUMENT, "{value:?}");
            assert!(error.message().starts_with("id "), "{}", error.message());
        }
    }

    #[test]
    fn id_rejects_overlong_and_control_characters() {
        assert!(parse_id("id", &string(&"a".repeat(MAX_ID_BYTES + 1)))
            .unwrap_err()
            .message()
            .contains("1025 bytes"));
        assert!(parse_id("id", &Input::LongString(1 << 20)).is_err());
        assert!(parse_id("id", &string("a\nb"))
            .unwrap_err()
            .message()
            .contains("control character"));
    }

    #[test]
    fn empty_request_lists_everything() {
        assert_eq!(
            parse_list_request(&Input::Undefined).unwrap(),
            ListBackupsRequest::default()
        );
        assert_eq!(
            parse_list_request(&object(&[])).unwrap(),
            ListBackupsRequest::default()
        );
    }

    #[test]
    fn full_request_maps_every_field() {
        let request = parse_list_request(&object(&[
            ("namespaceId", string("ns-1")),
            (
                "pagination",
                object(&[
                    ("pageNumber", Input::Number(2.0)),
                    ("pageSize", string("25")),
                ]),
            ),
            (
                "sort",
                object(&[
                    ("sortBy", string("CREATED_AT")),
                    ("sortOrder", Input::Number(2.0)),
                ]),
            ),
        ]))
        .unwrap();
        assert_eq!(request.list_by, Some(ListBy::NamespaceId("ns-1".into())));
        assert_eq!(
            request.pagination,
            Some(PageBasedPaginationRequest {
                page_number: 2,
                page_size: 25
            })
        );
        assert_eq!(
            request.sort,
            Some(Sort {
                sort_by: 2,
                sort_order: 2
            })
        );
    }

    #[test]
    fn proto_field_names_are_accepted() {
        let request = parse_list_request(&object(&[("backup_config_id", string("cfg"))])).unwrap();
        assert_eq!(request.list_by, Some(ListBy::BackupConfigId("cfg".into())));
    }

    #[test]
    fn undefined_filters_are_absent() {
        let request = parse_list_request(&object(&[
            ("deploymentId", Input::Undefined),
            ("namespaceId", string("n")),
        ]))
        .unwrap();
        assert_eq!(request.list_by, Some(ListBy::NamespaceId("n".into())));
    }

    #[test]
    fn two_filters_name_both() {
        let message = list_error(object(&[
            ("deploymentId", string("d")),
            ("targetClusterId", string("c")),
        ]));
        assert!(
            message.contains("deploymentId and targetClusterId are both set"),
            "{message}"
        );
    }

    #[test]
    fn misspelled_field_is_named() {
        let message = list_error(object(&[(
            "pagination",
            object(&[("pageSzie", Input::Number(10.0))]),
        )]));
        assert!(message.contains("\"pageSzie\""), "{message}");
        let message = list_error(object(&[("deploymentID", string("d"))]));
        assert!(message.contains("\"deploymentID\""), "{message}");
    }

    #[test]
    fn page_values_must_be_positive_integers() {
        for bad in [
            Input::Number(0.0),
            Input::Number(-1.0),
            Input::Number(2.5),
            Input::Number(f64::NAN),
            Input::Number(f64::INFINITY),
            Input::Number(9_007_199_254_740_992.0),
            string("ten"),
            string("0"),
            Input::Bool(true),
        ] {
            let message = list_error(object(&[(
                "pagination",
                object(&[("pageSize", bad.clone())]),
            )]));
            assert!(
                message.starts_with("pagination.pageSize must be a positive integer"),
                "{bad:?}: {message}"
            );
        }
    }

    #[test]
    fn wrong_types_name_field_and_type() {
        let message = list_error(object(&[("namespaceId", Input::Number(7.0))]));
        assert!(
            message.contains("namespaceId must be a string"),
            "{message}"
        );
        let message = list_error(object(&[("sort", string("NAME"))]));
        assert!(message.contains("sort must be a plain object"), "{message}");
        let message = list_error(Input::Other("a Date".into()));
        assert!(message.contains("got a Date"), "{message}");
        let message = list_error(Input::Array(vec![]));
        assert!(message.contains("got an array"), "{message}");
    }

    #[test]
    fn sort_names_are_checked() {
        let message = list_error(object(&[("sort", object(&[("sortBy", string("name"))]))]));
        assert!(
            message.contains("sort.sortBy must be one of \"NAME\""),
            "{message}"
        );
        let message = list_error(object(&[(
            "sort",
            object(&[("sortOrder", Input::Number(7.0))]),
        )]));
        assert!(
            message.contains("sort.sortOrder must be one of"),
            "{message}"
        );
    }

    #[test]
    fn same_field_twice_is_rejected() {
        let message = list_error(object(&[(
            "pagination",
            object(&[
                ("pageSize", Input::Number(1.0)),
                ("page_size", Input::Number(2.0)),
            ]),
        )]));
        assert!(message.contains("both pageSize and page_size"), "{message}");
    }
}
