//! The pipeline's errors and their HTTP statuses.

use std::borrow::Cow;
use std::fmt;

use http::{Method, StatusCode};

use super::key::{ReplayKey, ReplayKeyError};
use super::store::StoreError;
use crate::{DeliveryError, VerifyError};

/// Why the pipeline did not hand a delivery to the application, or what became of it.
///
/// Every variant has one HTTP status ([`status`](Self::status)) — the table in the
/// [module docs](super) — and says whether the provider should send the delivery again
/// ([`provider_should_retry`](Self::provider_should_retry)). `Display` states this level only;
/// the cause is in [`source`](std::error::Error::source) (print the chain with
/// [`reason`](Self::reason)). No variant carries a secret, a header value or body content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiveError {
    /// Deliveries are `POST`ed: 405.
    #[error("deliveries are POSTed, not sent with {method}")]
    MethodNotAllowed {
        /// The method received.
        method: Method,
    },
    /// The body is over the pipeline's limit: 413.
    #[error("the request body is over the {limit}-byte limit")]
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body could not be read (client disconnected, bad chunked encoding): 400.
    #[error("the request body could not be read")]
    BodyRead(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The signature (or URL token) check failed: 401 (400 for a malformed signature header,
    /// 500 for a misconfigured verifier).
    #[error("delivery verification failed")]
    Verification(#[source] VerifyError),
    /// The verification key could not be obtained (CHIP's `/public_key/` unreachable): 503.
    #[error("the verification key is unavailable")]
    KeyUnavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The delivery is authentic but unusable (body not the documented JSON, a header
    /// contradicting the signed body): 400.
    #[error("the delivery was refused")]
    Delivery(#[source] DeliveryError),
    /// The delivery's signed id cannot serve as a replay key: 400.
    #[error("no replay key could be derived from the delivery")]
    ReplayKey(#[source] ReplayKeyError),
    /// A delivery with this key was already handled: 200, and it is not handled again.
    #[error("duplicate delivery: `{key}` was already handled")]
    Duplicate {
        /// The replay key.
        key: ReplayKey,
    },
    /// A delivery with this key is being handled right now (by this or another instance): 409,
    /// so the provider retries later.
    #[error("duplicate delivery: `{key}` is being handled right now")]
    InFlight {
        /// The replay key.
        key: ReplayKey,
    },
    /// The dedupe store failed: 503 (fail closed — nothing was handled or recorded as done).
    #[error("the dedupe store failed")]
    Store(#[source] StoreError),
    /// The application failed to handle the delivery; its reservation was released so the
    /// provider's retry is handled: the application's status (default 500).
    #[error("the application did not handle the delivery")]
    Application(#[source] AppError),
}

impl ReceiveError {
    /// The HTTP status to answer the provider with.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyRead(_) | Self::Delivery(_) | Self::ReplayKey(_) => StatusCode::BAD_REQUEST,
            Self::Verification(e) => verification_status(e),
            Self::KeyUnavailable(_) | Self::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Duplicate { .. } => StatusCode::OK,
            Self::InFlight { .. } => StatusCode::CONFLICT,
            Self::Application(e) => e.status(),
        }
    }

    /// Whether this is a duplicate of a delivery already handled (answered 2xx).
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::Duplicate { .. })
    }

    /// Whether the provider should send the delivery again later: it was authentic but could
    /// not be handled now (in flight elsewhere, store or key unavailable, application failure).
    #[must_use]
    pub fn provider_should_retry(&self) -> bool {
        matches!(self, Self::InFlight { .. } | Self::Store(_) | Self::KeyUnavailable(_) | Self::Application(_))
    }

    /// Whether the signature / token check failed.
    #[must_use]
    pub fn is_verification(&self) -> bool {
        matches!(self, Self::Verification(_))
    }

    /// The replay key, for duplicates.
    #[must_use]
    pub fn replay_key(&self) -> Option<&ReplayKey> {
        match self {
            Self::Duplicate { key } | Self::InFlight { key } => Some(key),
            _ => None,
        }
    }

    /// One line: this error and each of its causes, joined by `: `. Safe to log and to send
    /// back to the provider (no secret, header value or body content).
    #[must_use]
    pub fn reason(&self) -> String {
        let mut out = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            out.push_str(": ");
            out.push_str(&cause.to_string());
            source = cause.source();
        }
        out
    }
}

fn verification_status(e: &VerifyError) -> StatusCode {
    match e {
        VerifyError::MalformedHeader { .. }
        | VerifyError::BadEncoding { .. }
        | VerifyError::MalformedQueryParameter { .. } => StatusCode::BAD_REQUEST,
        VerifyError::NoKeys | VerifyError::UriRequired => StatusCode::INTERNAL_SERVER_ERROR,
        // Missing credentials, wrong signature, stale timestamp, and anything added later.
        _ => StatusCode::UNAUTHORIZED,
    }
}

impl From<VerifyError> for ReceiveError {
    fn from(err: VerifyError) -> Self {
        Self::Verification(err)
    }
}

impl From<DeliveryError> for ReceiveError {
    fn from(err: DeliveryError) -> Self {
        Self::Delivery(err)
    }
}

impl From<ReplayKeyError> for ReceiveError {
    fn from(err: ReplayKeyError) -> Self {
        Self::ReplayKey(err)
    }
}

impl From<StoreError> for ReceiveError {
    fn from(err: StoreError) -> Self {
        Self::Store(err)
    }
}

impl From<AppError> for ReceiveError {
    fn from(err: AppError) -> Self {
        Self::Application(err)
    }
}

/// The application could not handle a delivery. The pipeline releases the delivery's
/// reservation and answers [`status`](Self::status) (default 500), so the provider retries.
///
/// ```
/// use hookbridge_verify::receive::AppError;
/// use http::StatusCode;
///
/// let err = AppError::new("the ledger is read-only");
/// assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
/// let err = AppError::new("upstream busy").with_status(StatusCode::SERVICE_UNAVAILABLE);
/// assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
/// // A success status cannot report a failure.
/// assert_eq!(AppError::new("x").with_status(StatusCode::OK).status(), StatusCode::INTERNAL_SERVER_ERROR);
/// ```
pub struct AppError {
    message: Cow<'static, str>,
    status: StatusCode,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl AppError {
    /// A failure described by `message` (shown to the provider: keep secrets out of it).
    pub fn new(message: impl Into<Cow<'static, str>>) -> Self {
        Self { message: message.into(), status: StatusCode::INTERNAL_SERVER_ERROR, source: None }
    }

    /// A failure caused by `source`.
    pub fn from_source(
        message: impl Into<Cow<'static, str>>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self { source: Some(Box::new(source)), ..Self::new(message) }
    }

    /// Answers `status` instead of 500. Only error statuses (4xx, 5xx) are kept: the provider
    /// must retry a delivery the application did not handle.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        if status.is_client_error() || status.is_server_error() {
            self.status = status;
        }
        self
    }

    /// The status answered.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppError")
            .field("message", &self.message)
            .field("status", &self.status)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}
