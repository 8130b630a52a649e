//! Per-attempt middleware for [`HttpClient`](crate::HttpClient): [`Interceptor`]s see every
//! attempt of every operation — retries included — after authentication and before the request is
//! sent, and then how that attempt ended.
//!
//! Use them for tracing or metrics (status and latency per attempt), correlation headers, or
//! request logging. Install them on the [`ClientConfig`](crate::ClientConfig) a client is built
//! from; they run in the order they were added.
//!
//! ```
//! use std::sync::Arc;
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use hookbridge_core::ClientConfig;
//! use hookbridge_core::intercept::{Attempt, AttemptOutcome, Interceptor};
//! use hookbridge_core::reexports::http::{HeaderMap, HeaderValue};
//!
//! /// Tags each attempt and counts the failed ones.
//! #[derive(Debug, Default)]
//! struct Tagging {
//!     failures: AtomicU32,
//! }
//!
//! impl Interceptor for Tagging {
//!     fn on_request(&self, attempt: &Attempt<'_>, headers: &mut HeaderMap) {
//!         headers.insert("x-attempt", HeaderValue::from(attempt.attempt));
//!     }
//!     fn on_response(&self, _attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
//!         if !outcome.status.is_some_and(|s| s.is_success()) {
//!             self.failures.fetch_add(1, Ordering::Relaxed);
//!         }
//!     }
//! }
//!
//! let config = ClientConfig::new("https://api.example.com/")?.interceptor(Arc::new(Tagging::default()));
//! assert_eq!(config.interceptors.len(), 1);
//! # Ok::<(), hookbridge_core::InvalidInput>(())
//! ```
//!
//! Hooks are synchronous and cannot answer in place of the server: asynchronous credential
//! refresh belongs in an [`Auth`](crate::auth::Auth) implementation, retries in the
//! [`RetryPolicy`](crate::RetryPolicy). A header an interceptor adds is not covered by a request
//! signature the provider's auth computed before it (Bitnob's HMAC signs the method, path and
//! body, not extra headers); an interceptor must not change the ones auth set.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};
use url::Url;

use crate::ProviderId;

/// One attempt of one operation, as an [`Interceptor`] sees it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The provider the client talks to.
    pub provider: ProviderId,
    /// The operation (`create`, `list`, `get`, ...).
    pub operation: &'static str,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// The HTTP method.
    pub method: &'a Method,
    /// The full request URL (query included). It may carry a provider's query credentials:
    /// redact before logging it.
    pub url: &'a Url,
}

/// How one attempt ended.
#[derive(Debug)]
#[non_exhaustive]
pub struct AttemptOutcome<'a> {
    /// The response status; `None` when no response arrived (connect failure, timeout, broken
    /// connection).
    pub status: Option<StatusCode>,
    /// The response headers, when a response arrived.
    pub headers: Option<&'a HeaderMap>,
    /// From handing the request to the HTTP client to the response headers (or the failure).
    pub latency: Duration,
}

/// Middleware that sees every attempt: [`on_request`](Interceptor::on_request) after auth and
/// before sending, [`on_response`](Interceptor::on_response) once the attempt has an answer or
/// failed. Both default to doing nothing.
pub trait Interceptor: Send + Sync + fmt::Debug {
    /// Called before each attempt is sent, with the headers auth has already set.
    fn on_request(&self, attempt: &Attempt<'_>, headers: &mut HeaderMap) {
        let _ = (attempt, headers);
    }

    /// Called after each attempt, before hookbridge reads the body or decides to retry.
    fn on_response(&self, attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
        let _ = (attempt, outcome);
    }
}
