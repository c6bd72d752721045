//! A plain model of a JS value, so request and option validation runs and is tested
//! natively. The wasm layer builds it from a `JsValue`.

/// A JS value in the form that validation reads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Input {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    /// A BigInt, as its decimal text.
    BigInt(String),
    String(String),
    /// A string too long to copy into the module, by its length in UTF-16 units.
    LongString(u32),
    Array(Vec<Input>),
    /// A plain object (prototype `Object.prototype` or `null`) and its own enumerable
    /// string keys in order.
    Object(Vec<(String, Input)>),
    /// Any other value, by a description such as `"a function"` or `"a Date"`.
    Other(String),
}

/// Strings longer than this many UTF-16 units are not copied out of JS.
pub(crate) const MAX_STRING_UNITS: u32 = 64 * 1024;

impl Input {
    /// Describes the value for an error message, such as `a number (NaN)`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Input::Undefined => "undefined".to_owned(),
            Input::Null => "null".to_owned(),
            Input::Bool(value) => format!("a boolean ({value})"),
            Input::Number(value) => format!("a number ({})", format_number(*value)),
            Input::BigInt(value) => format!("a bigint ({value}n)"),
            Input::String(value) if value.chars().count() > 40 => {
                format!("a string of {} characters", value.chars().count())
            }
            Input::String(value) => format!("a string ({})", quote(value)),
            Input::LongString(units) => format!("a string of {units} characters"),
            Input::Array(items) if items.len() == 1 => "an array of 1 item".to_owned(),
            Input::Array(items) => format!("an array of {} items", items.len()),
            Input::Object(_) => "an object".to_owned(),
            Input::Other(description) => description.clone(),
        }
    }

    /// True for `undefined` and `null`, which mean "not set" in proto3 JSON.
    pub(crate) fn is_absent(&self) -> bool {
        matches!(self, Input::Undefined | Input::Null)
    }

    /// Returns the entries of a plain object, or `None` for anything else.
    pub(crate) fn entries(&self) -> Option<&[(String, Input)]> {
        match self {
            Input::Object(entries) => Some(entries),
            _ => None,
        }
    }
}

/// Quotes text for a message: double quotes around it, and backslash escapes for quotes,
/// backslashes and control characters, so the text cannot break the message's layout.
pub(crate) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            control if control.is_control() => {
                quoted.push_str(&format!("\\u{{{:x}}}", control as u32))
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

/// Formats a number the way JS prints it. In the browser, JS itself formats it, which
/// keeps Rust's float formatting out of the module.
#[cfg(target_arch = "wasm32")]
fn format_number(value: f64) -> String {
    js_sys::Number::from(value)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// Formats a number the way JS prints it for the common cases.
#[cfg(not(target_arch = "wasm32"))]
fn format_number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else if value == value.trunc() && value.abs() < 1e21 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// Builds a plain object from `(key, value)` pairs, for tests.
#[cfg(test)]
pub(crate) fn test_object(entries: &[(&str, Input)]) -> Input {
    Input::Object(
        entries
            .iter()
            .map(|(key, value)| (key.to_string(), value.clone()))
            .collect(),
    )
}

/// Builds a string value, for tests.
#[cfg(test)]
pub(crate) fn test_string(text: &str) -> Input {
    Input::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_numbers_like_js() {
        assert_eq!(Input::Number(f64::NAN).describe(), "a number (NaN)");
        assert_eq!(Input::Number(3.0).describe(), "a number (3)");
        assert_eq!(Input::Number(2.5).describe(), "a number (2.5)");
        assert_eq!(
            Input::Number(f64::NEG_INFINITY).describe(),
            "a number (-Infinity)"
        );
        assert_eq!(
            Input::Number(9007199254740993.0).describe(),
            "a number (9007199254740992)"
        );
    }

    #[test]
    fn quote_escapes_only_what_breaks_layout() {
        assert_eq!(
            quote("caf\u{e9} \"x\"\n\u{7}"),
            "\"caf\u{e9} \\\"x\\\"\\n\\u{7}\""
        );
    }

    #[test]
    fn describes_long_strings_by_length() {
        assert_eq!(
            Input::String("x".repeat(50)).describe(),
            "a string of 50 characters"
        );
        assert_eq!(Input::String("ab".into()).describe(), "a string (\"ab\")");
    }
}
