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

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use http::{HeaderMap, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::auth::{Auth, AuthContext};
use crate::error::{
    ApiError, ApiErrorKind, DecodeError, DecodeErrorKind, Error, InvalidInput, ProviderErrorBody, RedirectError,
    RedirectReason, Result, excerpt,
};
use crate::intercept::{Attempt, AttemptOutcome, Interceptor};
use crate::model::{IdempotencyKey, validate_path_id};
use crate::provider::ProviderId;
use crate::retry::{RetryPolicy, parse_retry_after};

/// The `User-Agent` every hookbridge client sends.
pub const USER_AGENT_VALUE: &str = concat!("hookbridge/", env!("CARGO_PKG_VERSION"));

/// Default cap on a response body (4 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// The header carrying an idempotency key.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "x-correlation-id"];

/// Connection settings shared by every provider client.
///
/// ```
/// use std::time::Duration;
/// use hookbridge_core::{ClientConfig, RetryPolicy};
///
/// let config = ClientConfig::new("https://api.example.com/api/v1/")?
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_attempts(5));
/// assert_eq!(config.base_url().as_str(), "https://api.example.com/api/v1/");
/// # Ok::<(), hookbridge_core::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientConfig {
    base_url: Url,
    /// Time limit for one attempt (connect, send, and read the whole body).
    pub timeout: Duration,
    /// Time limit for establishing a connection.
    pub connect_timeout: Duration,
    /// Time limit for a whole operation, retries and waits included.
    pub overall_timeout: Option<Duration>,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Largest response body read; larger success bodies are a decode error.
    pub max_response_bytes: usize,
    /// A prebuilt `reqwest::Client` to share connection pools with the rest of an application.
    /// Build it with `.redirect(`[`redirect_policy`]`())`: hookbridge never follows redirects.
    /// See [`ClientConfig::http_client`] for what such a client does not get from this config.
    pub http_client: Option<reqwest::Client>,
    /// Per-attempt middleware, run in this order (see [`crate::intercept`]).
    pub interceptors: Vec<Arc<dyn Interceptor>>,
}

impl ClientConfig {
    /// Settings for a base URL (`http` or `https`, no query or fragment).
    pub fn new(base_url: &str) -> Result<Self, InvalidInput> {
        let url = Url::parse(base_url)
            .map_err(|e| InvalidInput::new("base_url", format!("`{base_url}` is not a URL: {e}")))?;
        Self::from_url(url)
    }

    /// Settings for an already parsed base URL.
    pub fn from_url(mut base_url: Url) -> Result<Self, InvalidInput> {
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(InvalidInput::new(
                "base_url",
                format!("scheme must be http or https, got `{}`", base_url.scheme()),
            ));
        }
        if base_url.cannot_be_a_base() || base_url.host().is_none() {
            return Err(InvalidInput::new("base_url", "must be an absolute URL with a host"));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(InvalidInput::new("base_url", "must not have a query or fragment"));
        }
        if !base_url.username().is_empty() || base_url.password().is_some() {
            return Err(InvalidInput::new("base_url", "must not embed credentials"));
        }
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        Ok(Self {
            base_url,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            overall_timeout: Some(Duration::from_secs(120)),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http_client: None,
            interceptors: Vec::new(),
        })
    }

    /// The base URL (always ending in `/`).
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Sets the overall timeout (`None`: no overall limit).
    pub fn overall_timeout(mut self, t: Option<Duration>) -> Self {
        self.overall_timeout = t;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the response-size cap.
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = n;
        self
    }

    /// Uses a prebuilt `reqwest::Client`, to share its connection pool.
    ///
    /// Still applied to every request: [`timeout`](Self::timeout) (per attempt),
    /// [`overall_timeout`](Self::overall_timeout), the retry policy, the response-size cap, the
    /// `User-Agent` header and the interceptors. **Not** applied, because they are fixed when a
    /// `reqwest::Client` is built: [`connect_timeout`](Self::connect_timeout) (set
    /// `.connect_timeout(..)` on your builder, or a dead host waits for the per-attempt timeout),
    /// the redirect policy (build with `.redirect(`[`redirect_policy`]`())`; a redirect it
    /// follows anyway is refused) and the TLS backend chosen by this crate's features. The
    /// client's own timeouts apply in addition to these.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds per-attempt middleware (see [`crate::intercept`]); interceptors run in the order
    /// they were added.
    pub fn interceptor(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.interceptors.push(interceptor);
        self
    }
}

/// The redirect policy of every `reqwest::Client` hookbridge builds: follow nothing. A 3xx answer
/// becomes [`Error::Redirect`] (see the [module docs](self)).
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::none()
}

/// Why a redirect from `from` to the `Location` value `location` is not followed.
///
/// ```
/// use hookbridge_core::RedirectReason;
/// use hookbridge_core::transport::classify_redirect;
///
/// let from = "https://api.example.com/v1/webhooks".parse()?;
/// assert_eq!(classify_redirect(&from, Some("https://evil.example/")).0, RedirectReason::CrossOrigin);
/// assert_eq!(classify_redirect(&from, Some("http://api.example.com/v1/")).0, RedirectReason::InsecureDowngrade);
/// assert_eq!(classify_redirect(&from, Some("/v2/webhooks?token=x")).0, RedirectReason::SameOrigin);
/// // The location is reported without its query.
/// assert_eq!(classify_redirect(&from, Some("/v2/webhooks?token=x")).1.as_deref(), Some("https://api.example.com/v2/webhooks"));
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn classify_redirect(from: &Url, location: Option<&str>) -> (RedirectReason, Option<String>) {
    let Some(target) = location.and_then(|l| from.join(l).ok()) else {
        return (RedirectReason::NoLocation, None);
    };
    let reason = if from.scheme() == "https" && target.scheme() == "http" {
        RedirectReason::InsecureDowngrade
    } else if target.origin() != from.origin() {
        RedirectReason::CrossOrigin
    } else {
        RedirectReason::SameOrigin
    };
    (reason, Some(location_for_display(&target)))
}

/// `scheme://host[:port]/path` of a URL: no user info, query or fragment (they may hold tokens).
fn location_for_display(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Where a request goes.
#[derive(Clone, Debug)]
enum Target {
    /// Path segments under the base URL.
    Path { segments: Vec<Cow<'static, str>>, trailing_slash: bool },
    /// An absolute URL from the provider (CHIP's `next`); must share the base URL's origin.
    Absolute(Url),
}

/// One API request, as data. Provider crates build these; [`HttpClient`] executes them.
#[derive(Clone, Debug)]
pub struct Request {
    method: Method,
    operation: &'static str,
    target: Target,
    query: Vec<(&'static str, String)>,
    headers: HeaderMap,
    body: Option<Bytes>,
    retry_safe: bool,
    retry: Option<RetryPolicy>,
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
        self.body = Some(Bytes::from(bytes));
        Ok(self)
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
    /// A refined classification (for example AbbeyCross's "outside working hours").
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
                ApiErrorKind::OutsideWorkingHours => policy.retry_outside_working_hours,
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
