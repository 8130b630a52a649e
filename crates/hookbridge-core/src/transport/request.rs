//! [`Request`]: one API call as data (method, path, query, headers, body, retry safety).

use std::borrow::Cow;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use serde::Serialize;
use url::Url;

use super::IDEMPOTENCY_KEY;
use crate::error::{InvalidInput, Result};
use crate::model::IdempotencyKey;
use crate::retry::RetryPolicy;

/// Where a request goes.
#[derive(Clone, Debug)]
pub(super) enum Target {
    /// Path segments under the base URL.
    Path { segments: Vec<Cow<'static, str>>, trailing_slash: bool },
    /// An absolute URL from the provider (CHIP's `next`); must share the base URL's origin.
    Absolute(Url),
}

/// One API request, as data. Provider crates build these; [`HttpClient`] executes them.
#[derive(Clone, Debug)]
pub struct Request {
    pub(super) method: Method,
    pub(super) operation: &'static str,
    pub(super) target: Target,
    pub(super) query: Vec<(&'static str, String)>,
    pub(super) headers: HeaderMap,
    pub(super) body: Option<Bytes>,
    pub(super) retry_safe: bool,
    pub(super) retry: Option<RetryPolicy>,
}

impl Request {
    /// A request for `segments` under the base URL. Each segment is percent-encoded, and dynamic
    /// segments are validated (no empty, `.`, `..`, whitespace or control characters).
    pub fn new<I, S>(method: Method, operation: &'static str, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Cow<'static, str>>,
    {
        let retry_safe = matches!(method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS);
        Self {
            method,
            operation,
            target: Target::Path { segments: segments.into_iter().map(Into::into).collect(), trailing_slash: false },
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            retry_safe,
            retry: None,
        }
    }

    /// A GET request.
    pub fn get<I: IntoIterator<Item = S>, S: Into<Cow<'static, str>>>(operation: &'static str, segments: I) -> Self {
        Self::new(Method::GET, operation, segments)
    }

    /// A POST request (not retried unless it carries an idempotency key).
    pub fn post<I: IntoIterator<Item = S>, S: Into<Cow<'static, str>>>(operation: &'static str, segments: I) -> Self {
        Self::new(Method::POST, operation, segments)
    }

    /// A PUT request.
    pub fn put<I: IntoIterator<Item = S>, S: Into<Cow<'static, str>>>(operation: &'static str, segments: I) -> Self {
        Self::new(Method::PUT, operation, segments)
    }

    /// A PATCH request (not retried unless marked [`Request::retry_safe`]).
    pub fn patch<I: IntoIterator<Item = S>, S: Into<Cow<'static, str>>>(operation: &'static str, segments: I) -> Self {
        Self::new(Method::PATCH, operation, segments)
    }

    /// A DELETE request.
    pub fn delete<I: IntoIterator<Item = S>, S: Into<Cow<'static, str>>>(operation: &'static str, segments: I) -> Self {
        Self::new(Method::DELETE, operation, segments)
    }

    /// A request to an absolute URL the provider returned (a next-page link). The transport
    /// refuses it unless it has the base URL's origin, so credentials never go to another host.
    pub fn absolute(method: Method, operation: &'static str, url: Url) -> Self {
        let mut r = Self::new(method, operation, Vec::<&'static str>::new());
        r.target = Target::Absolute(url);
        r
    }

    /// Ends the path with `/` (CHIP's `webhooks/` style).
    pub fn trailing_slash(mut self) -> Self {
        if let Target::Path { trailing_slash, .. } = &mut self.target {
            *trailing_slash = true;
        }
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    /// Adds a query parameter when `value` is `Some`.
    pub fn query_opt(self, key: &'static str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, InvalidInput> {
        let bytes = serde_json::to_vec(body).map_err(|e| InvalidInput::new("body", e.to_string()))?;
        self.headers.remove(CONTENT_TYPE);
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    /// Sets a body of another media type (a form, for example), sent byte for byte with
    /// `Content-Type: content_type` instead of the JSON default.
    ///
    /// ```
    /// use hookbridge_core::Request;
    /// use hookbridge_core::reexports::http::HeaderValue;
    ///
    /// let form = HeaderValue::from_static("application/x-www-form-urlencoded");
    /// let req = Request::post("create", ["v1", "things"]).body_bytes(form, &b"name=a+b&tags[]=x"[..]);
    /// assert_eq!(req.body(), Some(&b"name=a+b&tags[]=x"[..]));
    /// ```
    pub fn body_bytes(mut self, content_type: HeaderValue, bytes: impl Into<Bytes>) -> Self {
        self.headers.insert(CONTENT_TYPE, content_type);
        self.body = Some(bytes.into());
        self
    }

    /// Sets a header.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sends `Idempotency-Key: <key>` on every attempt and marks the request safe to retry.
    pub fn idempotency_key(mut self, key: &IdempotencyKey) -> Self {
        if let Ok(v) = HeaderValue::from_str(key.as_str()) {
            self.headers.insert(IDEMPOTENCY_KEY, v);
            self.retry_safe = true;
        }
        self
    }

    /// Declares whether repeating the request is safe (defaults: GET/PUT/DELETE yes, POST/PATCH no).
    pub fn retry_safe(mut self, safe: bool) -> Self {
        self.retry_safe = safe;
        self
    }

    /// Overrides the client's retry policy for this request.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The operation name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The body bytes, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }
}
