//! [`Incoming`]: one delivery request as received, for every provider.

use std::fmt;

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
///
/// `Debug` shows the method, the path, the query's parameter names (values as `***`: a URL
/// token is a key), the header names and the body's length — never a value that may be a
/// credential or personal data.
///
/// ```
/// use hookbridge_verify::receive::Incoming;
/// use http::{HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-signature", HeaderValue::from_static("sha256=abc"));
/// let request = Incoming::post("/hooks/blaze?hb_token=s3cr3t".parse().unwrap(), headers, &b"{}"[..]);
/// let shown = format!("{request:?}");
/// assert!(shown.contains("/hooks/blaze?hb_token=***") && shown.contains("x-signature"));
/// assert!(!shown.contains("s3cr3t") && !shown.contains("sha256=abc"));
/// ```
#[derive(Clone)]
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

impl fmt::Debug for Incoming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Incoming")
            .field("method", &self.method)
            .field("uri", &format_args!("{}", RedactedTarget(&self.uri)))
            .field("headers", &HeaderNames(&self.headers))
            .field("body", &format_args!("{} bytes", self.body.len()))
            .finish()
    }
}

/// A request target for `Debug`: the path, and the query with every value replaced by `***`.
struct RedactedTarget<'a>(&'a Uri);

impl fmt::Display for RedactedTarget<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.path())?;
        let Some(query) = self.0.query() else { return Ok(()) };
        f.write_str("?")?;
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                f.write_str("&")?;
            }
            match pair.split_once('=') {
                Some((name, _)) => write!(f, "{name}=***")?,
                None if pair.is_empty() => {}
                None => f.write_str("***")?,
            }
        }
        Ok(())
    }
}

/// Header names only, for `Debug`.
struct HeaderNames<'a>(&'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys().map(http::HeaderName::as_str)).finish()
    }
}

impl From<http::Request<Bytes>> for Incoming {
    fn from(request: http::Request<Bytes>) -> Self {
        let (parts, body) = request.into_parts();
        Self { method: parts.method, uri: parts.uri, headers: parts.headers, body }
    }
}
