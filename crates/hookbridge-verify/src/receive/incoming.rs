//! [`Incoming`]: one delivery request as received, for every provider.

use bytes::Bytes;
use http::{HeaderMap, Method, Uri};

use super::error::ReceiveError;
use crate::{Verified, Verifier};

/// One delivery request as received: method, URI (path and query), headers and the raw body
/// bytes, unchanged. The one input type of the pipeline for every provider.
///
/// Build it from an [`http::Request<Bytes>`] (`From`), or from parts. The body must already be
/// bounded by whoever read it (the tower / axum integrations enforce the pipeline's limit while
/// reading); [`Receive::accept`](super::Receive::accept) checks the limit again.
#[derive(Clone, Debug)]
pub struct Incoming {
    /// The request method (deliveries are `POST`ed).
    pub method: Method,
    /// The request URI as received (path and query are enough; BLAZE's URL token is in the query).
    pub uri: Uri,
    /// The request headers.
    pub headers: HeaderMap,
    /// The raw body, exactly as received.
    pub body: Bytes,
}

impl Incoming {
    /// A `POST` to `uri` with `headers` and `body`.
    pub fn post(uri: Uri, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Self { method: Method::POST, uri, headers, body: body.into() }
    }

    /// A request from its parts.
    pub fn new(method: Method, uri: Uri, headers: HeaderMap, body: impl Into<Bytes>) -> Self {
        Self { method, uri, headers, body: body.into() }
    }
}

impl Incoming {
    /// Checks this request with `verifier` at `now` (unix seconds): the `authenticate` step of
    /// every [`ReceiverSpec`](super::ReceiverSpec) built on a [`Verifier`].
    ///
    /// # Errors
    /// [`ReceiveError::Verification`].
    pub fn verify_with(&self, verifier: &dyn Verifier, now: i64) -> Result<Verified, ReceiveError> {
        Ok(verifier.verify_request_at(&self.uri, &self.body, &self.headers, now)?)
    }
}

impl From<http::Request<Bytes>> for Incoming {
    fn from(request: http::Request<Bytes>) -> Self {
        let (parts, body) = request.into_parts();
        Self { method: parts.method, uri: parts.uri, headers: parts.headers, body }
    }
}
