//! What comes back: the [`Response`] as received and a provider's [`DecodedError`].

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::error::{ApiErrorKind, ProviderErrorBody, excerpt};

/// A successful (2xx) response, body read in full within the size cap.
///
/// `Debug` shows the body as a bounded excerpt with secret-named JSON values redacted (a create
/// response carries the one-time signing secret).
#[derive(Clone)]
pub struct Response {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("body", &excerpt(&self.body))
            .finish()
    }
}

/// What a provider's error decoder makes of a non-2xx body.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct DecodedError {
    /// A refined classification (for example [`ApiErrorKind::Closed`] for a status the provider documents as scheduled unavailability).
    pub kind: Option<ApiErrorKind>,
    /// The provider's typed error body.
    pub body: Option<Box<dyn ProviderErrorBody>>,
}

impl DecodedError {
    /// A decoded error body with the status's default classification.
    pub fn body(body: Box<dyn ProviderErrorBody>) -> Self {
        Self { kind: None, body: Some(body) }
    }

    /// Overrides the classification.
    pub fn with_kind(mut self, kind: ApiErrorKind) -> Self {
        self.kind = Some(kind);
        self
    }
}

/// Turns a provider's non-2xx response body into its typed error.
pub type ErrorDecoder = fn(StatusCode, &[u8]) -> DecodedError;
