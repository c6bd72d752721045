//! Conversion between JS values and the crate's types.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::input::{Input, MAX_STRING_UNITS};
use crate::status::Status;

/// Objects nested deeper than this are not walked: no request needs more than two levels.
const MAX_DEPTH: usize = 4;
/// Objects with more keys than this are not walked: no request message has that many.
const MAX_KEYS: u32 = 64;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> Result<Array, JsValue>;
}

/// Builds the validation model of a JS value without running user code other than
/// getters, whose exceptions are caught.
pub(crate) fn input_from_js(value: &JsValue) -> Input {
    input_at_depth(value, 0)
}

fn input_at_depth(value: &JsValue, depth: usize) -> Input {
    if value.is_undefined() {
        return Input::Undefined;
    }
    if value.is_null() {
        return Input::Null;
    }
    if let Some(flag) = value.as_bool() {
        return Input::Bool(flag);
    }
    if let Some(number) = value.as_f64() {
        return Input::Number(number);
    }
    if let Some(text) = value.dyn_ref::<js_sys::JsString>() {
        if text.length() > MAX_STRING_UNITS {
            return Input::LongString(text.length());
        }
        return Input::String(String::from(text));
    }
    if value.is_bigint() {
        let text = value
            .dyn_ref::<js_sys::BigInt>()
            .and_then(|big| big.to_string(10).ok())
            .map(String::from);
        return Input::BigInt(text.unwrap_or_default());
    }
    if value.is_function() {
        return Input::Other("a function".to_owned());
    }
    if value.is_symbol() {
        return Input::Other("a symbol".to_owned());
    }
    if depth >= MAX_DEPTH {
        return Input::Other("an object nested too deeply".to_owned());
    }
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref(); // Array::is_array checked the type.
        if array.length() > MAX_KEYS {
            return Input::Other(format!("an array of {} items", array.length()));
        }
        return Input::Array(
            array
                .iter()
                .map(|item| input_at_depth(&item, depth + 1))
                .collect(),
        );
    }
    object_input(value, depth)
}

/// Walks a plain object, or describes another kind of object by its constructor.
fn object_input(value: &JsValue, depth: usize) -> Input {
    let constructor = constructor_name(value);
    if !matches!(constructor.as_deref(), None | Some("Object")) {
        let name = constructor.unwrap_or_default();
        // "a URL", "a Uint8Array": names that start with U are read with a "you" sound.
        let article = if name.starts_with(['A', 'E', 'I', 'O']) {
            "an"
        } else {
            "a"
        };
        return Input::Other(format!("{article} {name}"));
    }

    let Ok(keys) = object_keys(value) else {
        return Input::Other("an object whose keys cannot be read".to_owned());
    };
    if keys.length() > MAX_KEYS {
        return Input::Other(format!("an object with {} keys", keys.length()));
    }
    let mut entries = Vec::with_capacity(keys.length() as usize);
    for key in keys.iter() {
        let name = key.as_string().unwrap_or_default();
        let field = match Reflect::get(value, &key) {
            Ok(field) => input_at_depth(&field, depth + 1),
            Err(_) => Input::Other("a value whose getter threw".to_owned()),
        };
        entries.push((name, field));
    }
    Input::Object(entries)
}

/// The name of an object's constructor, or `None` for an object without a prototype.
fn constructor_name(value: &JsValue) -> Option<String> {
    let prototype = Reflect::get_prototype_of(value).ok()?;
    if prototype.is_null() {
        return None;
    }
    let constructor = Reflect::get(&prototype, &"constructor".into()).ok()?;
    let name = Reflect::get(&constructor, &"name".into())
        .ok()?
        .as_string()?;
    Some(if name.is_empty() {
        "anonymous class instance".to_owned()
    } else {
        name
    })
}

/// Sets a property on an object created by this module. Setting a plain data property on
/// a fresh object cannot throw, so the result is ignored.
pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Turns a status into the JS `Error` that promises reject with: `name` "GrpcError",
/// numeric `code`, `codeName`, `rawMessage`, `metadata` and `details`.
pub(crate) fn status_to_js(status: &Status) -> JsValue {
    let code = status.code();
    let raw_message = status.message();
    let label = code.name().to_ascii_lowercase();
    let message = if raw_message.is_empty() {
        format!("[{label}]")
    } else {
        format!("[{label}] {raw_message}")
    };

    let error = js_sys::Error::new(&message);
    error.set_name("GrpcError");
    let error = JsValue::from(error);
    set(&error, "code", &JsValue::from(code as i32));
    set(&error, "codeName", &JsValue::from_str(code.name()));
    set(&error, "rawMessage", &JsValue::from_str(raw_message));
    set(&error, "metadata", &metadata_to_js(status));
    let details = js_sys::JSON::parse(&crate::details::details_json(status.details()));
    set(
        &error,
        "details",
        &details.unwrap_or_else(|_| Array::new().into()),
    );
    error
}

/// Response headers and trailers as a plain object with lowercase keys. Repeated names
/// are joined with ", " as `Headers.get` does.
fn metadata_to_js(status: &Status) -> JsValue {
    let object = Object::new();
    for (name, value) in status.metadata().joined() {
        if name != "authorization" {
            set(&object, &name, &JsValue::from_str(&value));
        }
    }
    object.into()
}

/// Turns proto3 JSON text into JS objects with `JSON.parse`.
pub(crate) fn parse_json(text: &str) -> Result<JsValue, Status> {
    js_sys::JSON::parse(text)
        .map_err(|error| js_failure("parsing the response's JSON form failed", &error))
}

/// Turns a JS exception caught from a browser API into a status. Every call site that
/// catches a JS failure goes through here.
pub(crate) fn js_failure(context: &str, error: &JsValue) -> Status {
    let name = Reflect::get(error, &"name".into())
        .ok()
        .and_then(|name| name.as_string());
    let reason = describe_js_error(error);
    match name.as_deref() {
        Some("AbortError") => Status::cancelled(format!("{context}: the call was aborted")),
        Some("TimeoutError") => Status::deadline_exceeded(format!("{context}: {reason}")),
        Some("TypeError") => Status::unavailable(format!(
            "{context}: {reason}; the endpoint is unreachable, or it rejected the CORS preflight"
        )),
        _ => Status::unknown(format!("{context}: {reason}")),
    }
}

/// Returns the message of a JS error, or the value's string form.
pub(crate) fn describe_js_error(error: &JsValue) -> String {
    if let Some(message) = Reflect::get(error, &"message".into())
        .ok()
        .and_then(|value| value.as_string())
    {
        return message;
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}
