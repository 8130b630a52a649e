//! [`StripeError`]: Stripe's error object, and [`decode_error`], the transport's error decoder for
//! Stripe.
//!
//! Every non-2xx answer of Stripe's API carries `{"error": {...}}` (docs.stripe.com/api/errors):
//! `type` (one of `api_error`, `card_error`, `idempotency_error`, `invalid_request_error`; any
//! other value is kept as [`ErrorType::Unknown`]), and the nullable `code`, `decline_code`,
//! `message`, `param`, `doc_url`, `request_log_url`, `advice_code`, `charge`,
//! `network_advice_code`, `network_decline_code`, `payment_method_type`. The payment objects an
//! error may carry (`payment_intent`, `payment_method`, `setup_intent`, `source`) and anything
//! newer are kept in [`StripeError::extra`].
//!
//! The HTTP statuses Stripe documents, and how they are classified
//! ([`ApiErrorKind`] from the status; [`decode_error`] refines one case):
//!
//! | status | Stripe's meaning | [`ApiErrorKind`] | retried by the transport |
//! |---|---|---|---|
//! | 400 | Bad Request: often a missing required parameter | `BadRequest` (`Conflict` for `idempotency_error`) | no |
//! | 401 | Unauthorized: no valid API key | `Unauthorized` | no |
//! | 402 | Request Failed: valid parameters, failed request | `Other` | no |
//! | 403 | Forbidden: the key lacks permission | `Forbidden` | no |
//! | 404 | Not Found | `NotFound` | no |
//! | 409 | Conflict: e.g. the same idempotency key in use concurrently | `Conflict` | no |
//! | 424 | External Dependency Failed | `Other` | no |
//! | 429 | Too Many Requests | `RateLimited` | yes (idempotent requests) |
//! | 500 | Server error | `ServerError` | no |
//! | 502, 503, 504 | Server errors | `BadGateway`, `ServiceUnavailable`, `GatewayTimeout` | yes (idempotent requests) |
//!
//! An `idempotency_error` ("an `Idempotency-Key` re-used on a request that does not match the
//! first request's API endpoint and parameters") is classified `Conflict` whatever its status,
//! so `Error::is_conflict` means the same thing for Stripe as for the other providers.

use std::any::Any;
use std::fmt;

use hookbridge_core::redact::{ExtraFields, redact_secrets};
use hookbridge_core::reexports::http::StatusCode;
use hookbridge_core::{ApiErrorKind, DecodedError, ProviderErrorBody};
use serde::{Deserialize, Serialize};

hookbridge_core::wire_enum! {
    /// The type of a Stripe error (`type`).
    pub enum ErrorType {
        /// Any other problem (for example a temporary problem with Stripe's servers); extremely uncommon.
        ApiError = "api_error",
        /// A card that cannot be charged.
        CardError = "card_error",
        /// An `Idempotency-Key` re-used on a request that does not match the first one.
        IdempotencyError = "idempotency_error",
        /// The request has invalid parameters.
        InvalidRequestError = "invalid_request_error",
    }
}

/// Stripe's error object (the value of `error` in an error response).
///
/// `Debug` and `Display` never print [`StripeError::extra`] unredacted: it may hold payment
/// objects with secret-named values (`client_secret`).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StripeError {
    /// The type of error (`type`).
    #[serde(rename = "type")]
    pub error_type: ErrorType,
    /// A short string naming the error, for errors that can be handled programmatically
    /// (`resource_missing`, `parameter_missing`, `idempotency_key_in_use`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For card errors from an issuer decline, the issuer's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The parameter the error relates to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// A URL to more information about the error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// A URL to the request's log entry in the Dashboard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_log_url: Option<String>,
    /// For card errors from an issuer decline, how to proceed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advice_code: Option<String>,
    /// For card errors, the id of the failed charge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge: Option<String>,
    /// For issuer declines, the card network's advice code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_advice_code: Option<String>,
    /// For issuer declines, the card network's decline code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_decline_code: Option<String>,
    /// For payment-method-specific errors, the payment method type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_type: Option<String>,
    /// Everything else (`payment_intent`, `payment_method`, `setup_intent`, `source`, newer
    /// attributes), by wire name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

#[derive(Deserialize)]
struct Envelope {
    error: StripeError,
}

impl StripeError {
    /// Reads an error response body (`{"error": {...}}`); `None` when it is not one (a proxy's
    /// HTML page, an empty body, truncated JSON).
    pub fn from_slice(body: &[u8]) -> Option<Self> {
        serde_json::from_slice::<Envelope>(body).ok().map(|envelope| envelope.error)
    }

    /// The [`ApiErrorKind`] for an answer with `status` and this body (see the module docs).
    pub fn kind(&self, status: StatusCode) -> ApiErrorKind {
        match self.error_type {
            ErrorType::IdempotencyError => ApiErrorKind::Conflict,
            _ => ApiErrorKind::from_status(status),
        }
    }
}

impl fmt::Debug for StripeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeError")
            .field("error_type", &self.error_type)
            .field("code", &self.code)
            .field("decline_code", &self.decline_code)
            .field("message", &self.message)
            .field("param", &self.param)
            .field("doc_url", &self.doc_url)
            .field("request_log_url", &self.request_log_url)
            .field("advice_code", &self.advice_code)
            .field("charge", &self.charge)
            .field("network_advice_code", &self.network_advice_code)
            .field("network_decline_code", &self.network_decline_code)
            .field("payment_method_type", &self.payment_method_type)
            .field("extra", &format_args!("{}", redact_secrets(&serde_json::to_vec(&self.extra).unwrap_or_default())))
            .finish()
    }
}

impl fmt::Display for StripeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.error_type.as_str())?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        let details: Vec<String> = [("code", &self.code), ("param", &self.param), ("decline_code", &self.decline_code)]
            .into_iter()
            .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
            .collect();
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        Ok(())
    }
}

impl ProviderErrorBody for StripeError {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The [`hookbridge_core::ErrorDecoder`] for Stripe: the typed [`StripeError`] when the body is
/// Stripe's error object, with the classification of [`StripeError::kind`]. Other bodies yield
/// no typed body (the raw bytes stay in `ApiError::raw`).
pub fn decode_error(status: StatusCode, body: &[u8]) -> DecodedError {
    match StripeError::from_slice(body) {
        Some(error) => {
            let kind = error.kind(status);
            DecodedError::body(Box::new(error)).with_kind(kind)
        }
        None => DecodedError::default(),
    }
}
