//! The HTTP transport: requests are data ([`Request`]); one place ([`HttpClient`]) authenticates,
//! sends, retries, bounds and decodes them.
//!
//! # Redirects are never followed
//!
//! The `reqwest::Client` the transport builds has redirects switched off ([`redirect_policy`]). A
//! 3xx answer is returned as [`Error::Redirect`] naming why it was not followed
//! ([`RedirectReason`]): to another origin (the request's credentials — `Authorization`, BLAZE's
//! `x-api-key`, Bitnob's `X-Auth-*` signature headers — would go with it; reqwest itself strips
//! only `Authorization` and `Cookie` on a cross-host hop), from `https` to `http`, or within the
//! configured origin. Same-origin redirects are not followed either: the documented management
//! APIs do not redirect, so one means the base URL needs correcting, which the caller should do
//! knowingly rather than have every request make two round trips (and re-send a signature
//! computed for another path).
//!
//! A `reqwest::Client` supplied with [`ClientConfig::http_client`] keeps its own redirect policy;
//! build it with `.redirect(hookbridge_core::transport::redirect_policy())`. If it follows a
//! redirect anyway, the response is refused ([`Error::Redirect`]) rather than trusted.

mod client;
mod config;
mod request;
mod response;

pub use client::HttpClient;
pub use config::{ClientConfig, classify_redirect, redirect_policy};
pub use request::Request;
pub use response::{DecodedError, ErrorDecoder, Response};

use http::header::HeaderName;

/// The `User-Agent` every hookbridge client sends.
pub const USER_AGENT_VALUE: &str = concat!("hookbridge/", env!("CARGO_PKG_VERSION"));

/// Default cap on a response body (4 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// The header carrying an idempotency key.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-correlation-id"];
