//! Client and call options: validation of their JS form and their defaults.

use crate::metadata::{is_valid_name, is_valid_value};
use crate::status::Status;

use crate::input::Input;
use crate::request::{invalid, object};
use crate::retry::RetryPolicy;

/// Default limit on one response frame: 4 MiB, as in gRPC's defaults.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// The largest delay `setTimeout` honours, in milliseconds (2^31 - 1).
pub const MAX_TIMEOUT_MS: f64 = 2_147_483_647.0;

/// The fetch credentials mode of every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Credentials {
    /// Never send cookies or HTTP authentication.
    Omit,
    /// Send them to the page's own origin only. The default, as in `fetch`.
    #[default]
    SameOrigin,
    /// Send them cross-origin too; the endpoint must allow credentials in its CORS reply.
    Include,
}

/// Validated client options.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// Base URL without a trailing slash, such as `https://pds.example.com/grpc`.
    pub base_url: String,
    /// Metadata sent with every call, the bearer token and account id included.
    pub headers: Vec<(String, String)>,
    /// Default deadline of every call, in milliseconds.
    pub timeout_ms: Option<u32>,
    /// Fetch credentials mode.
    pub credentials: Credentials,
    /// Largest response frame accepted, in bytes.
    pub max_response_bytes: usize,
    /// Retries of getBackup and listBackups; `None` sends each call once.
    pub retry: Option<RetryPolicy>,
}

/// Validated per-call options, apart from the abort signal that the wasm layer reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallConfig {
    /// Deadline of this call, in milliseconds; overrides the client's default.
    pub timeout_ms: Option<u32>,
    /// Metadata for this call, added to and overriding the client's headers.
    pub headers: Vec<(String, String)>,
}

const CLIENT_OPTIONS: [&str; 7] = [
    "token",
    "accountId",
    "headers",
    "timeoutMs",
    "credentials",
    "maxResponseBytes",
    "retry",
];
const CALL_OPTIONS: [&str; 3] = ["timeoutMs", "signal", "headers"];

/// Header names that the client sets itself.
const RESERVED_HEADERS: [&str; 7] = [
    "content-type",
    "x-grpc-web",
    "x-user-agent",
    "grpc-timeout",
    "grpc-encoding",
    "grpc-accept-encoding",
    "te",
];

/// Header names that browsers do not let a page set: fetch drops them without an error.
/// The list is the Fetch standard's forbidden request-header names; names starting with
/// `proxy-` or `sec-` are forbidden too.
const FORBIDDEN_HEADERS: [&str; 20] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

fn reject_unknown_options(
    entries: &[(String, Input)],
    what: &str,
    known: &[&str],
) -> Result<(), Status> {
    for (key, _) in entries {
        if !known.contains(&key.as_str()) {
            return Err(invalid(format!(
                "unknown {what} option \"{key}\"; known options are {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

fn option<'a>(entries: &'a [(String, Input)], name: &str) -> Option<&'a Input> {
    entries
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_absent())
}

/// Validates the `baseUrl` argument: an absolute http or https URL without query or
/// fragment.
pub fn parse_base_url(value: &Input) -> Result<String, Status> {
    let Input::String(text) = value else {
        return Err(invalid(format!(
            "baseUrl must be an absolute http(s) URL string such as \"https://pds.example.com\", got {}",
            value.describe()
        )));
    };
    if !is_absolute_http_url(text) {
        return Err(invalid(format!(
            "baseUrl \"{text}\" is not an absolute http(s) URL; use the grpc-web endpoint's origin and optional path prefix, such as \"https://pds.example.com\" or \"http://127.0.0.1:8080\""
        )));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

/// Checks for `http://` or `https://`, a host with an optional port, and an optional
/// path, with no user info, query, fragment, whitespace or control characters.
fn is_absolute_http_url(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
    else {
        return false;
    };
    if text
        .chars()
        .any(|character| character.is_whitespace() || character.is_control())
        || text.contains(['?', '#', '@', '\\'])
    {
        return false;
    }
    let authority = rest.split('/').next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        // An IPv6 literal such as [::1] has colons of its own.
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let port_ok = port.is_none_or(|port| port.parse::<u16>().is_ok_and(|number| number > 0));
    let host_ok = if let Some(literal) = host.strip_prefix('[') {
        literal.strip_suffix(']').is_some_and(|address| {
            !address.is_empty()
                && address
                    .bytes()
                    .all(|byte| byte.is_ascii_hexdigit() || byte == b':' || byte == b'.')
        })
    } else {
        host.bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'.')
    };
    !host.is_empty() && host_ok && port_ok
}

/// Validates a string that goes out as a header value: no line breaks, only characters
/// that HTTP header values can carry. The value itself is never put in the message,
/// because it may be a secret.
fn parse_header_text(field: &str, value: &Input) -> Result<String, Status> {
    let text = match value {
        Input::String(text) => text,
        Input::LongString(units) => {
            return Err(invalid(format!(
                "{field} is {units} characters long; header values are at most {} characters",
                crate::input::MAX_STRING_UNITS
            )))
        }
        other => {
            return Err(invalid(format!(
                "{field} must be a string, got {}",
                describe_secret(other)
            )))
        }
    };
    if text.contains(['\r', '\n']) {
        return Err(invalid(format!(
            "{field} contains a line break, which HTTP headers cannot carry; remove it"
        )));
    }
    if text.trim().is_empty() {
        return Err(invalid(format!(
            "{field} must not be empty; omit the option instead"
        )));
    }
    if !is_valid_value(text) {
        return Err(invalid(format!(
            "{field} contains a character that HTTP headers cannot carry; use printable ASCII only"
        )));
    }
    Ok(text.clone())
}

/// Describes a value without showing a string's content.
fn describe_secret(value: &Input) -> String {
    match value {
        Input::String(_) | Input::LongString(_) => "a string".to_owned(),
        other => other.describe(),
    }
}

/// Validates a `headers` option: a plain object of header names to string values.
fn parse_headers(field: &str, value: &Input) -> Result<Vec<(String, String)>, Status> {
    let entries = object(value, field, "{ \"x-request-id\": \"abc\" }")?.unwrap_or_default();
    let mut headers = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let lower = key.to_ascii_lowercase();
        if !is_valid_name(&lower) {
            return Err(invalid(format!(
                "{field} has an invalid header name \"{key}\"; use letters, digits and '-'"
            )));
        }
        if RESERVED_HEADERS.contains(&lower.as_str()) || lower.starts_with("grpc-") {
            return Err(invalid(format!(
                "{field} sets \"{key}\", which the client sets itself; remove it"
            )));
        }
        if FORBIDDEN_HEADERS.contains(&lower.as_str())
            || lower.starts_with("proxy-")
            || lower.starts_with("sec-")
        {
            return Err(invalid(format!(
                "{field} sets \"{key}\", which browsers do not let a page send; remove it"
            )));
        }
        if value.is_absent() {
            continue;
        }
        let value = parse_header_text(&format!("{field}[\"{key}\"]"), value)?;
        headers.push((lower, value));
    }
    Ok(headers)
}

/// Validates a timeout: a positive number of milliseconds up to [`MAX_TIMEOUT_MS`].
/// Fractions round up to the next millisecond.
fn parse_timeout(field: &str, value: &Input) -> Result<u32, Status> {
    match value {
        Input::Number(number) if *number > 0.0 && *number <= MAX_TIMEOUT_MS => Ok(number.ceil() as u32),
        other => Err(invalid(format!(
            "{field} must be a positive number of milliseconds up to 2147483647, got {}; omit it for no deadline",
            other.describe()
        ))),
    }
}

/// Validates the options of `new BackupClient(baseUrl, options)`.
pub fn parse_client_options(base_url: &Input, options: &Input) -> Result<ClientConfig, Status> {
    let base_url = parse_base_url(base_url)?;
    let entries =
        object(options, "options", "{ token: \"...\", timeoutMs: 10000 }")?.unwrap_or_default();
    reject_unknown_options(entries, "client", &CLIENT_OPTIONS)?;

    let mut headers = match option(entries, "headers") {
        Some(value) => parse_headers("headers", value)?,
        None => Vec::new(),
    };
    if let Some(value) = option(entries, "token") {
        if headers.iter().any(|(name, _)| name == "authorization") {
            return Err(invalid(
                "token and headers.authorization are both set; set the token only",
            ));
        }
        let token = parse_header_text("token", value)?;
        headers.push(("authorization".to_owned(), format!("Bearer {token}")));
    }
    if let Some(value) = option(entries, "accountId") {
        if headers.iter().any(|(name, _)| name == "px-account-id") {
            return Err(invalid(
                "accountId and headers[\"px-account-id\"] are both set; set accountId only",
            ));
        }
        headers.push((
            "px-account-id".to_owned(),
            parse_header_text("accountId", value)?,
        ));
    }

    let timeout_ms = option(entries, "timeoutMs")
        .map(|value| parse_timeout("timeoutMs", value))
        .transpose()?;
    let credentials = match option(entries, "credentials") {
        None => Credentials::default(),
        Some(Input::String(mode)) if mode == "omit" => Credentials::Omit,
        Some(Input::String(mode)) if mode == "same-origin" => Credentials::SameOrigin,
        Some(Input::String(mode)) if mode == "include" => Credentials::Include,
        Some(other) => {
            return Err(invalid(format!(
                "credentials must be \"omit\", \"same-origin\" or \"include\", got {}",
                other.describe()
            )))
        }
    };
    let max_response_bytes = match option(entries, "maxResponseBytes") {
        None => DEFAULT_MAX_RESPONSE_BYTES,
        Some(Input::Number(number))
            if number.fract() == 0.0 && *number >= 1.0 && *number <= f64::from(u32::MAX) =>
        {
            *number as usize
        }
        Some(other) => {
            return Err(invalid(format!(
            "maxResponseBytes must be a positive whole number of bytes up to 4294967295, got {}",
            other.describe()
        )))
        }
    };

    let retry = match option(entries, "retry") {
        Some(value) => RetryPolicy::parse(value)?,
        None => None,
    };

    Ok(ClientConfig {
        base_url,
        retry,
        headers,
        timeout_ms,
        credentials,
        max_response_bytes,
    })
}

/// Validates the options of one call. The `signal` entry is only checked for presence
/// here; the wasm layer checks that it is an `AbortSignal`.
pub fn parse_call_options(options: &Input) -> Result<CallConfig, Status> {
    let entries = object(
        options,
        "callOptions",
        "{ timeoutMs: 5000, signal: controller.signal }",
    )?
    .unwrap_or_default();
    reject_unknown_options(entries, "call", &CALL_OPTIONS)?;
    let timeout_ms = option(entries, "timeoutMs")
        .map(|value| parse_timeout("callOptions.timeoutMs", value))
        .transpose()?;
    let headers = match option(entries, "headers") {
        Some(value) => parse_headers("callOptions.headers", value)?,
        None => Vec::new(),
    };
    Ok(CallConfig {
        timeout_ms,
        headers,
    })
}

/// Formats a `grpc-timeout` value: at most 8 digits and a unit.
pub fn grpc_timeout(timeout_ms: u32) -> String {
    if timeout_ms <= 99_999_999 {
        format!("{timeout_ms}m")
    } else {
        format!("{}S", timeout_ms.div_ceil(1000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::input::{test_object as object, test_string as string};

    fn client_error(url: &str, options: Input) -> String {
        let error = parse_client_options(&string(url), &options).unwrap_err();
        assert_eq!(error.code(), Code::INVALID_ARGUMENT);
        error.message().to_owned()
    }

    #[test]
    fn defaults_without_options() {
        let config =
            parse_client_options(&string("http://127.0.0.1:8080/"), &Input::Undefined).unwrap();
        assert_eq!(config.base_url, "http://127.0.0.1:8080");
        assert!(config.headers.is_empty());
        assert_eq!(config.timeout_ms, None);
        assert_eq!(config.credentials, Credentials::SameOrigin);
        assert_eq!(config.max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES);
    }

    #[test]
    fn token_and_account_become_headers() {
        let config = parse_client_options(
            &string("https://pds.example.com/api"),
            &object(&[
                ("token", string("abc.def")),
                ("accountId", string("acct-1")),
                ("headers", object(&[("X-Trace", string("t1"))])),
            ]),
        )
        .unwrap();
        let pairs = config.headers.clone();
        assert_eq!(
            pairs,
            [
                ("x-trace".to_owned(), "t1".to_owned()),
                ("authorization".to_owned(), "Bearer abc.def".to_owned()),
                ("px-account-id".to_owned(), "acct-1".to_owned()),
            ]
        );
        assert_eq!(config.base_url, "https://pds.example.com/api");
    }

    #[test]
    fn base_url_must_be_absolute_http() {
        for url in [
            "",
            "pds.example.com",
            "/grpc",
            "ftp://host",
            "http://",
            "https://host/?q=1",
            "https://host/#x",
            "http://ho st",
            "http://127.0.0.1:99999",
            "http://host:0",
            "http://%41",
            "http://[zz]",
        ] {
            assert!(
                client_error(url, Input::Undefined).starts_with("baseUrl"),
                "{url}"
            );
        }
        let error = parse_client_options(&Input::Number(1.0), &Input::Undefined).unwrap_err();
        assert!(error.message().contains("got a number (1)"));
    }

    #[test]
    fn token_with_line_break_is_rejected_without_echo() {
        let message = client_error(
            "http://h",
            object(&[("token", string("secret\r\nx-evil: 1"))]),
        );
        assert!(message.contains("token contains a line break"), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }

    #[test]
    fn header_value_with_line_break_is_rejected() {
        let message = client_error(
            "http://h",
            object(&[("headers", object(&[("x-a", string("1\n2"))]))]),
        );
        assert!(
            message.contains("headers[\"x-a\"] contains a line break"),
            "{message}"
        );
    }

    #[test]
    fn valid_hosts_are_accepted() {
        for url in [
            "http://127.0.0.1:8080",
            "https://pds.example.com/grpc/",
            "http://[::1]:8080",
            "HTTPS://Host-1.example.com",
        ] {
            assert!(parse_base_url(&string(url)).is_ok(), "{url}");
        }
    }

    #[test]
    fn forbidden_headers_are_rejected() {
        for name in [
            "cookie",
            "Referer",
            "origin",
            "proxy-authorization",
            "sec-fetch-mode",
        ] {
            let message = client_error(
                "http://h",
                object(&[("headers", object(&[(name, string("x"))]))]),
            );
            assert!(
                message.contains("browsers do not let a page send"),
                "{name}: {message}"
            );
        }
    }

    #[test]
    fn long_token_names_its_length() {
        let message = client_error("http://h", object(&[("token", Input::LongString(1 << 20))]));
        assert!(
            message.starts_with("token is 1048576 characters long"),
            "{message}"
        );
    }

    #[test]
    fn reserved_headers_are_rejected() {
        let message = client_error(
            "http://h",
            object(&[("headers", object(&[("Content-Type", string("text/plain"))]))]),
        );
        assert!(
            message.contains("\"Content-Type\", which the client sets itself"),
            "{message}"
        );
        let message = client_error(
            "http://h",
            object(&[("headers", object(&[("grpc-status", string("0"))]))]),
        );
        assert!(message.contains("grpc-status"), "{message}");
    }

    #[test]
    fn timeout_must_be_positive_number() {
        for bad in [
            Input::Number(-1.0),
            Input::Number(0.0),
            Input::Number(f64::NAN),
            string("100"),
            Input::Number(3e9),
        ] {
            let message = client_error("http://h", object(&[("timeoutMs", bad.clone())]));
            assert!(
                message.starts_with("timeoutMs must be a positive number"),
                "{bad:?}: {message}"
            );
        }
        let config = parse_client_options(
            &string("http://h"),
            &object(&[("timeoutMs", Input::Number(1.5))]),
        )
        .unwrap();
        assert_eq!(config.timeout_ms, Some(2));
    }

    #[test]
    fn credentials_modes() {
        let config = parse_client_options(
            &string("http://h"),
            &object(&[("credentials", string("include"))]),
        )
        .unwrap();
        assert_eq!(config.credentials, Credentials::Include);
        let message = client_error("http://h", object(&[("credentials", string("all"))]));
        assert!(message.starts_with("credentials must be"), "{message}");
    }

    #[test]
    fn unknown_option_is_named() {
        let message = client_error("http://h", object(&[("timeoutMS", Input::Number(5.0))]));
        assert!(
            message.contains("unknown client option \"timeoutMS\""),
            "{message}"
        );
    }

    #[test]
    fn call_options_parse() {
        let config = parse_call_options(&object(&[
            ("timeoutMs", Input::Number(250.0)),
            ("signal", Input::Other("an AbortSignal".into())),
            ("headers", object(&[("x-a", string("b"))])),
        ]))
        .unwrap();
        assert_eq!(config.timeout_ms, Some(250));
        assert_eq!(config.headers.len(), 1);
        let error = parse_call_options(&object(&[("timeout", Input::Number(1.0))])).unwrap_err();
        assert!(error.message().contains("unknown call option \"timeout\""));
    }

    #[test]
    fn grpc_timeout_fits_eight_digits() {
        assert_eq!(grpc_timeout(1500), "1500m");
        assert_eq!(grpc_timeout(99_999_999), "99999999m");
        assert_eq!(grpc_timeout(100_000_001), "100001S");
    }
}
