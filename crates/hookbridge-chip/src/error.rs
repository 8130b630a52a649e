//! [`ChipError`]: CHIP Collect's error body, decoded tolerantly.
//!
//! CHIP documents two shapes, and its Django REST backend produces variants of both:
//!
//! * the API reference's `400` response (`docs.chip-in.asia/chip-collect/api-reference/*`):
//!   `{"__all__": {"message": "descriptive error message", "code": "error_code"}}` — a map from a
//!   field name (or `__all__` for errors not tied to one field) to `{message, code}`; Django also
//!   sends a list of those, or a list of plain strings, per field, and nests objects for nested fields;
//! * the error reference (`docs.chip-in.asia/chip-collect/overview/errors`): a top-level
//!   `{"code": "invalid_request", "message": "..."}` (also for 401/403/404/409/422/429/5xx).
//!
//! [`ChipError`] reads all of them: string-valued top-level `code`, `message` and `detail` keys,
//! and every other key as a field with its list of [`ChipFieldError`]s (nested fields joined with
//! `.`). A body that is not a JSON object (an HTML error page, an empty 404) yields no typed body;
//! the raw bytes stay in [`hookbridge_core::ApiError::raw`].

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

use hookbridge_core::reexports::http::StatusCode;
use hookbridge_core::{DecodedError, ProviderErrorBody};
use serde_json::{Map, Value};

/// The key CHIP uses for errors that concern the request as a whole.
pub const NON_FIELD_ERRORS: &str = "__all__";

/// One error message, as CHIP reports it for a field or for `__all__`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChipFieldError {
    /// Human-readable message.
    pub message: Option<String>,
    /// Machine-readable code (`invalid`, `required`, ...).
    pub code: Option<String>,
}

impl fmt::Display for ChipFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.message, &self.code) {
            (Some(m), Some(c)) => write!(f, "{m} ({c})"),
            (Some(m), None) => f.write_str(m),
            (None, Some(c)) => f.write_str(c),
            (None, None) => f.write_str("error"),
        }
    }
}

/// CHIP's error body, in any of its documented shapes (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChipError {
    /// Top-level `code` (error reference shape), e.g. `invalid_request`, `unauthorized`.
    pub code: Option<String>,
    /// Top-level `message` (error reference shape) or `detail` (Django REST default).
    pub message: Option<String>,
    /// Errors by field name; [`NON_FIELD_ERRORS`] (`__all__`) holds those about the whole request.
    pub fields: BTreeMap<String, Vec<ChipFieldError>>,
}

impl ChipError {
    /// Reads an error body; `None` unless it is a JSON object with at least one recognisable entry.
    pub fn from_slice(body: &[u8]) -> Option<Self> {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else { return None };
        let mut err = ChipError::default();
        for (key, value) in map {
            match (key.as_str(), value) {
                ("code", Value::String(code)) => err.code = Some(code),
                ("message" | "detail", Value::String(message)) if err.message.is_none() => err.message = Some(message),
                (_, value) => collect(&mut err.fields, key, value),
            }
        }
        let empty = err.code.is_none() && err.message.is_none() && err.fields.is_empty();
        (!empty).then_some(err)
    }

    /// Errors about the request as a whole (`__all__`).
    pub fn non_field_errors(&self) -> &[ChipFieldError] {
        self.field(NON_FIELD_ERRORS)
    }

    /// Errors for one field (empty when none).
    pub fn field(&self, name: &str) -> &[ChipFieldError] {
        self.fields.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The most useful single message: the top-level one, else the first `__all__` message, else
    /// the first field message.
    pub fn first_message(&self) -> Option<&str> {
        self.message
            .as_deref()
            .or_else(|| self.non_field_errors().iter().find_map(|e| e.message.as_deref()))
            .or_else(|| self.fields.values().flatten().find_map(|e| e.message.as_deref()))
    }
}

fn collect(fields: &mut BTreeMap<String, Vec<ChipFieldError>>, key: String, value: Value) {
    match value {
        Value::Array(items) => {
            for item in items {
                collect(fields, key.clone(), item);
            }
        }
        Value::Object(map) if is_message_object(&map) => {
            let text = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
            fields.entry(key).or_default().push(ChipFieldError { message: text("message"), code: text("code") });
        }
        Value::Object(map) => {
            for (sub, v) in map {
                collect(fields, format!("{key}.{sub}"), v);
            }
        }
        Value::String(message) => {
            fields.entry(key).or_default().push(ChipFieldError { message: Some(message), code: None })
        }
        Value::Null => {}
        other => fields.entry(key).or_default().push(ChipFieldError { message: Some(other.to_string()), code: None }),
    }
}

fn is_message_object(map: &Map<String, Value>) -> bool {
    !map.is_empty() && map.keys().all(|k| k == "message" || k == "code")
}

impl fmt::Display for ChipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => parts.push(format!("{c}: {m}")),
            (Some(c), None) => parts.push(c.clone()),
            (None, Some(m)) => parts.push(m.clone()),
            (None, None) => {}
        }
        for (field, errors) in &self.fields {
            for e in errors {
                parts.push(format!("{field}: {e}"));
            }
        }
        f.write_str(&parts.join("; "))
    }
}

impl ProviderErrorBody for ChipError {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The [`hookbridge_core::ErrorDecoder`] installed on every [`crate::ChipClient`].
pub fn decode_error(_status: StatusCode, body: &[u8]) -> DecodedError {
    match ChipError::from_slice(body) {
        Some(err) => DecodedError::body(Box::new(err)),
        None => DecodedError::default(),
    }
}
