//! [`AbbeyCrossError`]: the error body shared by every documented error status, and the decoder
//! installed on the client.

use std::any::Any;
use std::fmt;

use hookbridge_core::reexports::http::StatusCode;
use hookbridge_core::{ApiErrorKind, DecodedError, ProviderErrorBody};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The error body AbbeyCross documents for 400, 401, 404, 500 and 503:
/// `{errorId, code, text, parameter_name, parameter_value}` (note the mixed casing).
///
/// Read it from an error with
/// [`ApiError::provider_error`](hookbridge_core::ApiError::provider_error):
///
/// ```
/// # fn show(err: &hookbridge_core::Error) {
/// use hookbridge_abbeycross::AbbeyCrossError;
///
/// if let Some(body) = err.as_api().and_then(|api| api.provider_error::<AbbeyCrossError>()) {
///     eprintln!("AbbeyCross {:?}: {:?} (errorId {:?})", body.code, body.text, body.error_id);
/// }
/// # }
/// ```
///
/// No field is marked required, so all are optional; a body counts as this type only when it is a
/// JSON object carrying at least one of the five fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AbbeyCrossError {
    /// Links the error message to a specific event in AbbeyCross's system (`errorId`).
    #[serde(rename = "errorId", default, skip_serializing_if = "Option::is_none")]
    pub error_id: Option<String>,
    /// The code of the error (`code`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The text of the error (`text`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The parameter the error is about, usually for input validation errors (`parameter_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_name: Option<String>,
    /// The input value of that parameter, any JSON (`parameter_value`; JSON `null` reads as `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_value: Option<Value>,
}

impl AbbeyCrossError {
    /// Whether any documented field is present.
    pub fn is_empty(&self) -> bool {
        self.error_id.is_none()
            && self.code.is_none()
            && self.text.is_none()
            && self.parameter_name.is_none()
            && self.parameter_value.is_none()
    }
}

impl fmt::Display for AbbeyCrossError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.text) {
            (Some(code), Some(text)) => write!(f, "{code}: {text}")?,
            (Some(one), None) | (None, Some(one)) => f.write_str(one)?,
            (None, None) => f.write_str("error")?,
        }
        match (&self.parameter_name, &self.parameter_value) {
            (Some(name), Some(value)) => write!(f, " (parameter `{name}` = {value})")?,
            (Some(name), None) => write!(f, " (parameter `{name}`)")?,
            (None, Some(value)) => write!(f, " (parameter value {value})")?,
            (None, None) => {}
        }
        if let Some(id) = &self.error_id {
            write!(f, " [errorId {id}]")?;
        }
        Ok(())
    }
}

impl ProviderErrorBody for AbbeyCrossError {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The error decoder installed on [`crate::AbbeyCrossClient`]'s transport.
///
/// * The body becomes an [`AbbeyCrossError`] when it is a JSON object with at least one documented
///   field; otherwise the typed body is `None` and the raw body is still kept in the `ApiError`.
/// * Every 503 is classified [`ApiErrorKind::Closed`]: AbbeyCross documents 503 only as
///   "The server is currently unavailable due to non-working hours". It is retryable later
///   ([`hookbridge_core::Error::is_retryable`]); the transport waits it out only when
///   [`hookbridge_core::RetryPolicy::retry_when_closed`] is set and the request is safe to
///   repeat (a register POST is not).
pub fn decode_error(status: StatusCode, body: &[u8]) -> DecodedError {
    let typed = match serde_json::from_slice::<Value>(body) {
        Ok(object @ Value::Object(_)) => serde_json::from_value::<AbbeyCrossError>(object).ok(),
        _ => None,
    };
    let mut decoded = match typed {
        Some(err) if !err.is_empty() => DecodedError::body(Box::new(err)),
        _ => DecodedError::default(),
    };
    if status == StatusCode::SERVICE_UNAVAILABLE {
        decoded = decoded.with_kind(ApiErrorKind::Closed);
    }
    decoded
}
