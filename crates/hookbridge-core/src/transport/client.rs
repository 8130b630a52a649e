//! [`HttpClient`]: authenticates, sends, retries, bounds and decodes [`Request`]s.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::auth::{Auth, AuthContext};
use crate::error::{
    ApiError, ApiErrorKind, DecodeError, DecodeErrorKind, Error, InvalidInput, RedirectError, RedirectReason, Result,
    excerpt,
};
use crate::intercept::{Attempt, AttemptOutcome, Interceptor};
use crate::model::validate_path_id;
use crate::provider::ProviderId;
use crate::retry::{RetryPolicy, parse_retry_after};

use super::config::{ClientConfig, classify_redirect, redirect_policy};
use super::request::Request;
use super::request::Target;
use super::response::{ErrorDecoder, Response};
use super::{REQUEST_ID_HEADERS, USER_AGENT_VALUE};

struct Inner {
    provider: ProviderId,
    http: reqwest::Client,
    base_url: Url,
    auth: Arc<dyn Auth>,
    retry: RetryPolicy,
    timeout: Duration,
    overall_timeout: Option<Duration>,
    max_response_bytes: usize,
    error_decoder: Option<ErrorDecoder>,
    user_agent: HeaderValue,
    interceptors: Vec<Arc<dyn Interceptor>>,
}

/// The transport every provider client is built on. Cheap to clone (one shared connection pool).
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("provider", &self.inner.provider)
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// Builds the transport for `provider`. Builds the `reqwest::Client` once, unless one was supplied.
    pub fn new(provider: ProviderId, config: ClientConfig, auth: Arc<dyn Auth>) -> Result<Self> {
        let http = match config.http_client {
            Some(c) => c,
            None => reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .redirect(redirect_policy())
                .user_agent(USER_AGENT_VALUE)
                .build()
                .map_err(|e| Error::Transport { provider, operation: "build_client", connect: false, source: e })?,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                provider,
                http,
                base_url: config.base_url,
                auth,
                retry: config.retry,
                timeout: config.timeout,
                overall_timeout: config.overall_timeout,
                max_response_bytes: config.max_response_bytes,
                error_decoder: None,
                user_agent: HeaderValue::from_static(USER_AGENT_VALUE),
                interceptors: config.interceptors,
            }),
        })
    }

    /// Installs the provider's error-body decoder. Call right after [`HttpClient::new`].
    pub fn with_error_decoder(mut self, decoder: ErrorDecoder) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.error_decoder = Some(decoder);
        }
        self
    }

    /// The provider this transport talks to.
    pub fn provider(&self) -> ProviderId {
        self.inner.provider
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The URL a request will be sent to (validating dynamic path segments and absolute URLs).
    pub fn url_for(&self, req: &Request) -> Result<Url> {
        let mut url = match &req.target {
            Target::Path { segments, trailing_slash } => {
                let mut url = self.inner.base_url.clone();
                {
                    let mut path =
                        url.path_segments_mut().map_err(|()| InvalidInput::new("base_url", "cannot be a base"))?;
                    path.pop_if_empty();
                    for seg in segments {
                        validate_path_id("id", seg)?;
                        path.push(seg);
                    }
                    if *trailing_slash {
                        path.push("");
                    }
                }
                url
            }
            Target::Absolute(url) => {
                if url.origin() != self.inner.base_url.origin() {
                    return Err(self.decode_error(
                        req.operation,
                        None,
                        DecodeErrorKind::Invalid("next-page URL leaves the configured origin".into()),
                        format!(
                            "refusing to follow {}://{} (configured origin {})",
                            url.scheme(),
                            url.host_str().unwrap_or(""),
                            self.inner.base_url.origin().ascii_serialization()
                        ),
                        b"",
                        None,
                    ));
                }
                url.clone()
            }
        };
        if !req.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &req.query {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// Sends a request (retrying per policy) and returns the 2xx response.
    pub async fn send(&self, req: Request) -> Result<Response> {
        let span = tracing::debug_span!(
            "hookbridge.request",
            provider = self.inner.provider.as_str(),
            operation = req.operation,
            method = %req.method,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            request_id = tracing::field::Empty,
        );
        let started = Instant::now();
        // The overall limit is enforced without a timer of its own: each attempt's timeout is cut
        // to the time left, and no wait between attempts may cross the deadline.
        let deadline = self.inner.overall_timeout.map(|limit| started + limit);
        let result = self.send_with_retries(&req, started, deadline).instrument(span.clone()).await;
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        result
    }

    /// Sends a request and decodes a JSON response into `T`.
    pub async fn json<T: DeserializeOwned>(&self, req: Request) -> Result<T> {
        let op = req.operation;
        let resp = self.send(req).await?;
        self.decode(op, &resp)
    }

    /// Sends a request whose success response has no useful body (204, or a body to ignore).
    pub async fn empty(&self, req: Request) -> Result<()> {
        self.send(req).await.map(|_| ())
    }

    /// Decodes a JSON response, checking the declared content type first.
    pub fn decode<T: DeserializeOwned>(&self, operation: &'static str, resp: &Response) -> Result<T> {
        if let Some(ct) = resp.headers.get(CONTENT_TYPE) {
            let ct = ct.to_str().unwrap_or("");
            let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if !(essence == "application/json" || essence.ends_with("+json") || essence.is_empty()) {
                return Err(self.decode_error(
                    operation,
                    Some(resp.status),
                    DecodeErrorKind::ContentType(ct.to_owned()),
                    format!("expected JSON, got content type `{ct}`"),
                    &resp.body,
                    None,
                ));
            }
        }
        // `decode_error` redacts the value serde's message quotes.
        serde_json::from_slice(&resp.body).map_err(|e| {
            let detail = e.to_string();
            self.decode_error(operation, Some(resp.status), DecodeErrorKind::Json, detail, &resp.body, Some(e))
        })
    }

    /// Builds a decode error for this provider (for provider crates' own checks). When `source`
    /// is a serde error, `detail` is taken as serde's message and the value it quotes is redacted
    /// ([`crate::redact::redact_serde_message`]); the serde error itself is kept only as a
    /// [`crate::JsonError`] (category, position, redacted message).
    pub fn decode_error(
        &self,
        operation: &'static str,
        status: Option<StatusCode>,
        kind: DecodeErrorKind,
        detail: String,
        body: &[u8],
        source: Option<serde_json::Error>,
    ) -> Error {
        let detail = if source.is_some() { crate::redact::redact_serde_message(&detail) } else { detail };
        Error::Decode(Box::new(DecodeError {
            provider: self.inner.provider,
            operation,
            status,
            kind,
            detail,
            excerpt: excerpt(body),
            source: source.map(crate::error::JsonError::from),
        }))
    }

    async fn send_with_retries(&self, req: &Request, started: Instant, deadline: Option<Instant>) -> Result<Response> {
        let policy = req.retry.as_ref().unwrap_or(&self.inner.retry);
        let mut waits = policy.schedule();
        let url = self.url_for(req)?;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let attempt_timeout = match deadline {
                None => self.inner.timeout,
                Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => left.min(self.inner.timeout),
                    _ => {
                        return Err(Error::Timeout {
                            provider: self.inner.provider,
                            operation: req.operation,
                            elapsed: started.elapsed(),
                            source: None,
                        });
                    }
                },
            };
            let result = self.attempt(req, &url, attempt, attempt_timeout).await;
            let err = match result {
                Ok(resp) => {
                    tracing::Span::current().record("attempts", attempt).record("status", resp.status.as_u16());
                    return Ok(resp);
                }
                Err(e) => e,
            };
            tracing::Span::current().record("attempts", attempt);
            if let Some(status) = err.status() {
                tracing::Span::current().record("status", status.as_u16());
            }
            let Some(backoff) = waits.next() else { return Err(err) };
            if !self.should_retry(req, &err, policy) {
                return Err(err);
            }
            let wait = match err.as_api().and_then(|a| a.retry_after) {
                Some(asked) if asked > policy.max_retry_after => return Err(err),
                Some(asked) => asked.max(backoff.min(policy.max_backoff)).min(policy.max_retry_after),
                None => backoff,
            };
            if policy.max_elapsed.is_some_and(|budget| started.elapsed() + wait > budget)
                || deadline.is_some_and(|deadline| Instant::now() + wait >= deadline)
            {
                return Err(err);
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, error = %err, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    fn should_retry(&self, req: &Request, err: &Error, policy: &RetryPolicy) -> bool {
        let safe = req.retry_safe || matches!(err, Error::Transport { connect: true, .. });
        if !safe {
            return false;
        }
        match err {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(api) => match api.kind {
                ApiErrorKind::Closed => policy.retry_when_closed,
                k => k.is_retryable(),
            },
            _ => false,
        }
    }

    async fn attempt(&self, req: &Request, url: &Url, attempt: u32, timeout: Duration) -> Result<Response> {
        let inner = &*self.inner;
        let body = req.body.as_deref().unwrap_or(&[]);
        let mut headers = HeaderMap::with_capacity(req.headers.len() + 4);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, inner.user_agent.clone());
        if req.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        // The request's own headers come last, so its `Content-Type` (a form body's) wins.
        for (k, v) in &req.headers {
            headers.insert(k.clone(), v.clone());
        }
        inner.auth.apply(&AuthContext::new(&req.method, url, body), &mut headers)?;
        let info = Attempt { provider: inner.provider, operation: req.operation, attempt, method: &req.method, url };
        for interceptor in &inner.interceptors {
            interceptor.on_request(&info, &mut headers);
        }

        let mut builder = inner.http.request(req.method.clone(), url.clone()).headers(headers).timeout(timeout);
        if let Some(b) = &req.body {
            builder = builder.body(b.clone());
        }
        let t0 = Instant::now();
        let sent = builder.send().await;
        if !inner.interceptors.is_empty() {
            let outcome = match &sent {
                Ok(resp) => {
                    AttemptOutcome { status: Some(resp.status()), headers: Some(resp.headers()), latency: t0.elapsed() }
                }
                Err(e) => AttemptOutcome { status: e.status(), headers: None, latency: t0.elapsed() },
            };
            for interceptor in &inner.interceptors {
                interceptor.on_response(&info, &outcome);
            }
        }
        let mut resp = sent.map_err(|e| self.transport_error(req.operation, e, t0))?;
        let status = resp.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = resp.headers().get(http::header::LOCATION).and_then(|v| v.to_str().ok());
            let (reason, location) = classify_redirect(url, location);
            tracing::debug!(attempt, status = status.as_u16(), %reason, "redirect not followed");
            return Err(self.redirect_error(req.operation, status, reason, location));
        }
        if resp.url() != url {
            // Only a caller-supplied `reqwest::Client` follows redirects; do not trust its answer.
            let (reason, location) = classify_redirect(url, Some(resp.url().as_str()));
            return Err(self.redirect_error(req.operation, status, reason, location));
        }
        // Take the headers rather than cloning them; the body stream does not need them.
        let headers = std::mem::take(resp.headers_mut());
        let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        let request_id = REQUEST_ID_HEADERS
            .iter()
            .find_map(|h| headers.get(*h))
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(128).collect::<String>());
        if let Some(id) = &request_id {
            tracing::Span::current().record("request_id", id.as_str());
        }
        let body = self.read_body(req.operation, status, declared, resp, t0).await?;
        tracing::debug!(
            attempt,
            status = status.as_u16(),
            latency_ms = t0.elapsed().as_millis() as u64,
            request_id = request_id.as_deref().unwrap_or(""),
            "response"
        );
        if status.is_success() {
            return Ok(Response { status, headers, body });
        }
        let decoded = inner.error_decoder.map(|d| d(status, &body)).unwrap_or_default();
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, jiff::Timestamp::now()));
        Err(ApiError {
            provider: inner.provider,
            operation: req.operation,
            status,
            kind: decoded.kind.unwrap_or_else(|| ApiErrorKind::from_status(status)),
            body: decoded.body,
            raw: body,
            request_id,
            retry_after,
        }
        .into())
    }
}

impl HttpClient {
    /// Reads the body within the size cap. A body that arrives in one chunk (the usual case for
    /// small JSON answers) is returned without copying.
    async fn read_body(
        &self,
        operation: &'static str,
        status: StatusCode,
        declared: Option<u64>,
        mut resp: reqwest::Response,
        t0: Instant,
    ) -> Result<Bytes> {
        let limit = self.inner.max_response_bytes;
        if status.is_success() && declared.is_some_and(|n| n > limit as u64) {
            return Err(self.too_large(operation, status, b""));
        }
        let map = |e| self.transport_error(operation, e, t0);
        let Some(first) = resp.chunk().await.map_err(map)? else { return Ok(Bytes::new()) };
        let mut buf = BytesMut::new();
        if first.len() > limit {
            self.append_bounded(&mut buf, &first);
            return self.finish_oversized(operation, status, buf);
        }
        match resp.chunk().await.map_err(map)? {
            None => return Ok(first),
            Some(second) => {
                buf.reserve(declared.map_or(first.len() + second.len(), |n| n.min(limit as u64) as usize));
                buf.extend_from_slice(&first);
                if !self.append_bounded(&mut buf, &second) {
                    return self.finish_oversized(operation, status, buf);
                }
            }
        }
        while let Some(chunk) = resp.chunk().await.map_err(map)? {
            if !self.append_bounded(&mut buf, &chunk) {
                return self.finish_oversized(operation, status, buf);
            }
        }
        Ok(buf.freeze())
    }

    /// Appends `chunk` if it fits under the cap; otherwise appends what fits and returns `false`.
    fn append_bounded(&self, buf: &mut BytesMut, chunk: &[u8]) -> bool {
        let room = self.inner.max_response_bytes.saturating_sub(buf.len());
        if chunk.len() <= room {
            buf.extend_from_slice(chunk);
            true
        } else {
            buf.extend_from_slice(&chunk[..room]);
            false
        }
    }

    /// A body over the cap: an error for a success status, the truncated body for an error status.
    fn finish_oversized(&self, operation: &'static str, status: StatusCode, buf: BytesMut) -> Result<Bytes> {
        if status.is_success() { Err(self.too_large(operation, status, &buf)) } else { Ok(buf.freeze()) }
    }

    fn too_large(&self, operation: &'static str, status: StatusCode, body: &[u8]) -> Error {
        let limit = self.inner.max_response_bytes;
        self.decode_error(
            operation,
            Some(status),
            DecodeErrorKind::TooLarge { limit },
            format!("response body exceeds the {limit}-byte cap"),
            body,
            None,
        )
    }

    fn redirect_error(
        &self,
        operation: &'static str,
        status: StatusCode,
        reason: RedirectReason,
        location: Option<String>,
    ) -> Error {
        RedirectError { provider: self.inner.provider, operation, status, reason, location }.into()
    }

    fn transport_error(&self, operation: &'static str, e: reqwest::Error, t0: Instant) -> Error {
        if e.is_timeout() {
            Error::Timeout { provider: self.inner.provider, operation, elapsed: t0.elapsed(), source: Some(e) }
        } else {
            Error::Transport { provider: self.inner.provider, operation, connect: e.is_connect(), source: e }
        }
    }
}
