//! One error type for every client operation, split by the phase that failed.
//!
//! | phase | variant | retryable |
//! |---|---|---|
//! | before sending: the caller's input | [`Error::InvalidInput`] | never |
//! | before sending: the provider lacks the operation | [`Error::Unsupported`] | never |
//! | sending: connect / I/O failure | [`Error::Transport`] | connect failures and broken connections |
//! | sending: a time limit elapsed | [`Error::Timeout`] | yes |
//! | response: non-2xx status | [`Error::Api`] | 429, 502, 503, 504 (see [`ApiErrorKind`]) |
//! | response: a redirect (never followed) | [`Error::Redirect`] | never |
//! | response: 2xx but undecodable | [`Error::Decode`] | never |
//! | listing: paging stopped before the end | [`Error::Paging`] | never |
//!
//! The source chain is kept (`std::error::Error::source`); nothing is flattened to a string, and
//! no variant carries a credential: request headers are never stored in errors.

use std::any::Any;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;

use crate::capability::Operation;
use crate::provider::ProviderId;

/// Result alias used throughout hookbridge.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How many bytes of a response body an error message quotes.
pub const BODY_EXCERPT_LEN: usize = 512;

/// Every way a hookbridge client operation can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller's input was refused before any request was sent.
    #[error(transparent)]
    InvalidInput(#[from] InvalidInput),

    /// The provider does not document this operation.
    #[error(transparent)]
    Unsupported(#[from] Unsupported),

    /// The request could not be sent or the response could not be read.
    #[error("{provider} {operation}: transport error")]
    Transport {
        /// Provider the request was for.
        provider: ProviderId,
        /// Operation name (for example `create`).
        operation: &'static str,
        /// Whether the failure happened while connecting (so the request never left).
        connect: bool,
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },

    /// A time limit elapsed (per attempt or overall).
    #[error("{provider} {operation}: timed out after {elapsed:?}")]
    Timeout {
        /// Provider the request was for.
        provider: ProviderId,
        /// Operation name.
        operation: &'static str,
        /// Time spent before giving up.
        elapsed: Duration,
        /// The underlying HTTP client error, when the client reported the timeout.
        #[source]
        source: Option<reqwest::Error>,
    },

    /// The provider answered with a non-success status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The provider answered 2xx but the body could not be decoded.
    #[error(transparent)]
    Decode(Box<DecodeError>),

    /// The provider answered with a redirect. hookbridge never follows one (see
    /// [`RedirectError`]): the request's credentials would go to the new location.
    #[error(transparent)]
    Redirect(Box<RedirectError>),

    /// A listing was stopped before its end: the page cap was reached or the server repeated
    /// itself (see [`PagingStop`]). Items before it were yielded.
    #[error(transparent)]
    Paging(Box<PagingError>),
}

impl Error {
    /// Whether repeating the same request later may succeed (rate limits, gateway errors,
    /// timeouts, connection failures, a provider that is closed for now).
    ///
    /// This says nothing about whether repeating is *safe*: a create without an idempotency key
    /// is never retried automatically, whatever this returns.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(api) => api.kind.is_retryable(),
            _ => false,
        }
    }

    /// Whether the error is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the input was refused before sending.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput(_))
    }

    /// Whether the provider does not support the operation.
    pub fn is_unsupported(&self) -> bool {
        matches!(self, Error::Unsupported(_))
    }

    /// Whether the provider reported a conflict (HTTP 409, e.g. an idempotency-key reuse with a different body).
    pub fn is_conflict(&self) -> bool {
        self.api_kind() == Some(ApiErrorKind::Conflict)
    }

    /// Whether the provider answered 404.
    pub fn is_not_found(&self) -> bool {
        self.api_kind() == Some(ApiErrorKind::NotFound)
    }

    /// Whether the provider rejected the credentials (401 or 403).
    pub fn is_auth(&self) -> bool {
        matches!(self.api_kind(), Some(ApiErrorKind::Unauthorized | ApiErrorKind::Forbidden))
    }

    /// Whether the provider answered that it is closed ([`ApiErrorKind::Closed`]: scheduled
    /// unavailability such as service hours, as its error decoder classifies it).
    pub fn is_closed(&self) -> bool {
        self.api_kind() == Some(ApiErrorKind::Closed)
    }

    /// The API error, if the provider answered with a non-success status.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Whether the provider answered with a redirect (never followed).
    pub fn is_redirect(&self) -> bool {
        matches!(self, Error::Redirect(_))
    }

    /// The redirect error, if the provider answered with a redirect.
    pub fn as_redirect(&self) -> Option<&RedirectError> {
        match self {
            Error::Redirect(r) => Some(r),
            _ => None,
        }
    }

    /// The HTTP status of an API, decode or redirect error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(d) => d.status,
            Error::Redirect(r) => Some(r.status),
            _ => None,
        }
    }

    fn api_kind(&self) -> Option<ApiErrorKind> {
        self.as_api().map(|a| a.kind)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

impl From<RedirectError> for Error {
    fn from(e: RedirectError) -> Self {
        Error::Redirect(Box::new(e))
    }
}

/// Why a listing was stopped before the server said it was complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PagingStop {
    /// The page cap ([`crate::PageLimits::max_pages`]) was reached and the server offered another page.
    PageCap {
        /// The cap.
        max_pages: u64,
    },
    /// The server pointed at a page that was already fetched (the same cursor, offset or URL).
    RepeatedRequest {
        /// `cursor`, `offset` or `url` (never the value, which may carry a token).
        kind: &'static str,
    },
    /// Page `page` holds the same item ids as page `first_seen`: the server hands out a new
    /// cursor, offset or URL but the same page.
    RepeatedPage {
        /// The repeated page's number (1-based).
        page: u64,
        /// The earlier page it repeats.
        first_seen: u64,
    },
}

impl fmt::Display for PagingStop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagingStop::PageCap { max_pages } => {
                write!(f, "the page cap of {max_pages} pages was reached and the server offered more")
            }
            PagingStop::RepeatedRequest { kind } => write!(f, "the server repeated a {kind} already followed"),
            PagingStop::RepeatedPage { page, first_seen } => {
                write!(f, "page {page} repeats the items of page {first_seen}")
            }
        }
    }
}

/// A listing stopped before its end (see [`crate::page`]). Names no cursor or URL.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}{operation}: listing stopped after {pages} page{}: {reason}", provider.map(|p| format!("{p} ")).unwrap_or_default(), if *pages == 1 { "" } else { "s" })]
#[non_exhaustive]
pub struct PagingError {
    /// Provider listed, when the paginator was told ([`crate::page::paginate_for`]).
    pub provider: Option<ProviderId>,
    /// Operation name (`list`, `list_webhooks`, ...).
    pub operation: &'static str,
    /// Pages fetched.
    pub pages: u64,
    /// Why the listing stopped.
    pub reason: PagingStop,
}

impl Error {
    /// The paging error, if a listing was stopped before its end.
    pub fn as_paging(&self) -> Option<&PagingError> {
        match self {
            Error::Paging(p) => Some(p),
            _ => None,
        }
    }
}

/// Why a redirect was not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RedirectReason {
    /// The location is on another origin (scheme, host or port): following it would hand the
    /// request's credentials (`Authorization`, BLAZE's `x-api-key`, Bitnob's `X-Auth-*`) to that host.
    CrossOrigin,
    /// The location downgrades `https` to `http`.
    InsecureDowngrade,
    /// The location is on the configured origin. Not followed either: a management API does not
    /// redirect in normal operation, and a redirect usually means the base URL needs correcting
    /// (for example a missing path prefix), which the caller should do explicitly.
    SameOrigin,
    /// The response carried no usable `Location` header.
    NoLocation,
}

impl RedirectReason {
    /// The reason in a few words.
    pub const fn as_str(self) -> &'static str {
        match self {
            RedirectReason::CrossOrigin => "to another origin",
            RedirectReason::InsecureDowngrade => "from https to http",
            RedirectReason::SameOrigin => "within the configured origin",
            RedirectReason::NoLocation => "without a usable Location",
        }
    }
}

impl fmt::Display for RedirectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The provider answered with a 3xx redirect, which was not followed.
///
/// hookbridge never follows redirects: credentials and signed headers must not reach another
/// origin, an `https` → `http` downgrade would expose them on the wire, and a same-origin redirect
/// is reported too so the caller can fix the base URL. [`RedirectError::location`] holds only the
/// scheme, host, port and path of the location (its query may carry tokens).
#[derive(Clone, Debug, thiserror::Error)]
#[error("{provider} {operation}: HTTP {status} redirect {reason} not followed{}", location.as_deref().map(|l| format!(" (location {l})")).unwrap_or_default())]
#[non_exhaustive]
pub struct RedirectError {
    /// Provider that answered.
    pub provider: ProviderId,
    /// Operation name.
    pub operation: &'static str,
    /// The redirect status (301, 302, 303, 307, 308, ...).
    pub status: StatusCode,
    /// Why it was not followed.
    pub reason: RedirectReason,
    /// The location without query, fragment or user info, when it was a URL.
    pub location: Option<String>,
}

/// Input refused before any request was sent. Nothing was lost: the caller still owns the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {reason}")]
#[non_exhaustive]
pub struct InvalidInput {
    /// The parameter that was refused (`url`, `events`, `api_key`, `id`, `idempotency_key`, ...).
    pub field: &'static str,
    /// Why, in words a caller can act on. Never contains a secret value.
    pub reason: String,
}

/// An infallible conversion never refuses: lets `From` conversions stand where a `TryFrom` with
/// an [`InvalidInput`] is expected (as in [`TypedDialect`](crate::descriptor::TypedDialect)).
impl From<std::convert::Infallible> for InvalidInput {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

impl InvalidInput {
    /// Builds an input error.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into() }
    }
}

/// The provider does not document the requested operation.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{provider} does not support `{operation}`")]
#[non_exhaustive]
pub struct Unsupported {
    /// The provider.
    pub provider: ProviderId,
    /// The operation.
    pub operation: Operation,
}

impl Unsupported {
    /// Builds the error for `operation` on `provider`.
    pub fn new(provider: ProviderId, operation: Operation) -> Self {
        Self { provider, operation }
    }
}

/// A classification of non-success responses that is stable across providers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the provider rejected a parameter.
    BadRequest,
    /// 401: missing, expired or invalid credentials.
    Unauthorized,
    /// 403: the credentials lack permission.
    Forbidden,
    /// 404: no such endpoint or entity.
    NotFound,
    /// 409: conflict (for Bitnob: the idempotency key was reused with a different body).
    Conflict,
    /// 422: semantically invalid request.
    Unprocessable,
    /// 429: rate limited.
    RateLimited,
    /// 500 and other 5xx not listed below.
    ServerError,
    /// 502.
    BadGateway,
    /// 503.
    ServiceUnavailable,
    /// 504.
    GatewayTimeout,
    /// The provider is closed: an answer it documents as scheduled unavailability (outside its
    /// service hours, for example), decided by the provider's error decoder. A later request may
    /// succeed, but not soon: [`crate::RetryPolicy::retry_when_closed`] decides whether to wait.
    Closed,
    /// Any other non-success status.
    Other,
}

impl ApiErrorKind {
    /// Classifies a status code.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            409 => Self::Conflict,
            422 => Self::Unprocessable,
            429 => Self::RateLimited,
            502 => Self::BadGateway,
            503 => Self::ServiceUnavailable,
            504 => Self::GatewayTimeout,
            500..=599 => Self::ServerError,
            _ => Self::Other,
        }
    }

    /// Whether a later identical request may succeed (429, 502, 503, 504, closed).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Self::RateLimited | Self::BadGateway | Self::ServiceUnavailable | Self::GatewayTimeout | Self::Closed
        )
    }
}

/// A provider's typed error body (for example AbbeyCross's `{errorId, code, text, ...}`).
///
/// Provider crates implement it for their error types and install a decoder on their client;
/// callers read it back with [`ApiError::provider_error`].
pub trait ProviderErrorBody: fmt::Debug + fmt::Display + Send + Sync + 'static {
    /// Upcast for downcasting with [`ApiError::provider_error`].
    fn as_any(&self) -> &dyn Any;
}

/// The provider answered with a non-success HTTP status.
///
/// `Debug` shows [`ApiError::raw`] as its bounded, redacted excerpt (like `Display`), so printing
/// the error never prints a secret-named value the body may carry.
#[non_exhaustive]
pub struct ApiError {
    /// Provider that answered.
    pub provider: ProviderId,
    /// Operation name.
    pub operation: &'static str,
    /// HTTP status.
    pub status: StatusCode,
    /// Stable classification of the status (possibly refined by the provider's decoder).
    pub kind: ApiErrorKind,
    /// The provider's typed error body, when it decoded.
    pub body: Option<Box<dyn ProviderErrorBody>>,
    /// The raw response body, as received (bounded by the client's response-size cap).
    pub raw: Bytes,
    /// The provider's request id, when a response header carried one.
    pub request_id: Option<String>,
    /// The delay the provider asked for (`Retry-After`), if any.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// The typed error body as `T`, if the provider's decoder produced one of that type.
    pub fn provider_error<T: ProviderErrorBody>(&self) -> Option<&T> {
        self.body.as_deref().and_then(|b| b.as_any().downcast_ref::<T>())
    }

    /// A bounded, lossy UTF-8 excerpt of the raw body.
    pub fn body_excerpt(&self) -> String {
        excerpt(&self.raw)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("kind", &self.kind)
            .field("body", &self.body)
            .field("raw", &self.body_excerpt())
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: HTTP {}", self.provider, self.operation, self.status)?;
        if self.kind == ApiErrorKind::Closed {
            f.write_str(" (closed: outside the provider's service hours)")?;
        }
        match &self.body {
            Some(body) => write!(f, ": {body}"),
            None if self.raw.is_empty() => Ok(()),
            None => write!(f, ": {}", self.body_excerpt()),
        }
    }
}

impl std::error::Error for ApiError {}

/// What went wrong while decoding a success response.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body is not valid JSON, is truncated, or does not match the documented shape.
    Json,
    /// The response declared a content type that is not JSON (an HTML error page, for example).
    ContentType(String),
    /// The body exceeded the client's response-size cap.
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The body decoded but broke a documented rule (for example a missing required field).
    Invalid(String),
}

/// A 2xx response whose body could not be decoded. Carries a bounded excerpt of the body.
#[derive(Debug, thiserror::Error)]
#[error("{provider} {operation}: cannot decode response{}: {detail}; body starts: {excerpt:?}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
#[non_exhaustive]
pub struct DecodeError {
    /// Provider that answered.
    pub provider: ProviderId,
    /// Operation name.
    pub operation: &'static str,
    /// HTTP status, when the response had one.
    pub status: Option<StatusCode>,
    /// What failed.
    pub kind: DecodeErrorKind,
    /// Human-readable detail (serde's message with line and column, for example). A serde
    /// message never quotes a body value here ([`crate::redact::redact_serde_message`]).
    pub detail: String,
    /// At most [`BODY_EXCERPT_LEN`] bytes of the body, lossily decoded.
    pub excerpt: String,
    /// What serde reported, when decoding failed in serde (the value it quoted removed).
    #[source]
    pub source: Option<JsonError>,
}

/// A serde_json decoding failure without the body value serde's message quotes: its category,
/// position and redacted message. (serde_json's own error would print the value from `Display`
/// and `Debug`, so it is not kept.)
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct JsonError {
    /// Syntax, data (wrong type or value), unexpected end of input, or I/O.
    pub category: JsonErrorCategory,
    /// 1-based line of the failure (0 when unknown).
    pub line: usize,
    /// 1-based column of the failure (0 when unknown).
    pub column: usize,
    /// serde's message with the quoted value replaced by `[REDACTED]`.
    pub message: String,
}

/// The kind of a [`JsonError`] (serde_json's `Category`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JsonErrorCategory {
    /// Not valid JSON.
    Syntax,
    /// Valid JSON of the wrong shape (type, value, missing field).
    Data,
    /// The input ended early.
    Eof,
    /// Reading failed.
    Io,
}

impl From<serde_json::Error> for JsonError {
    fn from(e: serde_json::Error) -> Self {
        use serde_json::error::Category;
        let category = match e.classify() {
            Category::Syntax => JsonErrorCategory::Syntax,
            Category::Data => JsonErrorCategory::Data,
            Category::Eof => JsonErrorCategory::Eof,
            Category::Io => JsonErrorCategory::Io,
        };
        Self {
            category,
            line: e.line(),
            column: e.column(),
            message: crate::redact::redact_serde_message(&e.to_string()),
        }
    }
}

/// A bounded, lossy UTF-8 excerpt of `bytes` (at most [`BODY_EXCERPT_LEN`] bytes of the body), with
/// secret-looking JSON values redacted ([`crate::redact::redact_secrets`]).
pub fn excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(BODY_EXCERPT_LEN)];
    let mut s = crate::redact::redact_secrets(cut);
    if bytes.len() > BODY_EXCERPT_LEN {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(ApiErrorKind::from_status(StatusCode::CONFLICT), ApiErrorKind::Conflict);
        assert_eq!(ApiErrorKind::from_status(StatusCode::INTERNAL_SERVER_ERROR), ApiErrorKind::ServerError);
        assert!(ApiErrorKind::RateLimited.is_retryable());
        assert!(!ApiErrorKind::ServerError.is_retryable());
        assert!(!ApiErrorKind::BadRequest.is_retryable());
    }

    #[test]
    fn debug_redacts_the_raw_body() {
        let err = ApiError {
            provider: crate::ProviderId::new("bravo"),
            operation: "get",
            status: StatusCode::CONFLICT,
            kind: ApiErrorKind::Conflict,
            body: None,
            raw: Bytes::from_static(br#"{"error":"conflict","signing_secret":"whsec_abc123"}"#),
            request_id: None,
            retry_after: None,
        };
        for shown in [format!("{err:?}"), format!("{err:#?}"), err.to_string()] {
            assert!(!shown.contains("whsec_abc123") && shown.contains("[REDACTED]"), "{shown}");
        }
    }

    #[test]
    fn excerpt_is_bounded_and_lossy() {
        let long = vec![b'a'; 4000];
        assert_eq!(excerpt(&long).chars().count(), BODY_EXCERPT_LEN + 1);
        assert_eq!(excerpt(br#"{"secretKey":"abc"}"#), r#"{"secretKey":"[REDACTED]"}"#);
        assert_eq!(excerpt(&[0xff, b'x']), "\u{fffd}x");
    }
}
