//! Infrastructure shared by the simulators: the loopback server, the request log, fault
//! injection, and small helpers (ids, secrets, timestamps, JSON bodies, query strings).

use std::collections::VecDeque;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::Response;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::{Error, Result};

/// Largest request body a simulator reads; larger bodies are answered with 413.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

/// How long [`shutdown`](crate::Simulator::shutdown) waits for open connections to finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Text that replaces credential header values in the request log.
pub const REDACTED: &str = "<redacted>";

/// Locks a mutex, recovering the data if another thread panicked while holding it (the
/// simulators' state stays consistent between statements, so it is still usable).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One request a simulator received, as it arrived (credential values redacted).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The HTTP method, e.g. `POST`.
    pub method: String,
    /// The path, percent-encoded as received, e.g. `/api/v1/webhooks/`.
    pub path: String,
    /// The raw query string without the `?`, if any.
    pub query: Option<String>,
    /// Every header in arrival order, names in lower case. Values of credential headers
    /// (`authorization`, the API-key headers, `x-auth-signature`, cookies) are replaced by
    /// `<redacted>` — or `Bearer <redacted>` when the value used the `Bearer` scheme.
    pub headers: Vec<(String, String)>,
    /// The raw body bytes.
    pub body: Bytes,
    /// The status of the injected fault that answered this request, if one did
    /// (see `fail_next`); `None` when the simulator handled it normally.
    pub injected_fault: Option<u16>,
}

impl RecordedRequest {
    /// The first value of a header (name matched case-insensitively).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, or `None` when it is empty or not JSON.
    #[must_use]
    pub fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The decoded query parameters, in order.
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        query_pairs(self.query.as_deref())
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("injected_fault", &self.injected_fault)
            .finish()
    }
}

/// A queued fault: answer the next `remaining` requests with `status`.
#[derive(Clone, Debug)]
struct Fault {
    status: StatusCode,
    remaining: usize,
    retry_after: Option<Duration>,
}

/// Renders a provider-shaped error response.
pub(crate) type ErrorRenderer = fn(StatusCode, &str) -> Response;

/// Produces the message of a 404 for an unknown route.
pub(crate) type NotFoundMessage = fn(&Method, &str) -> String;

/// State shared by every simulator: request log, faults, error rendering.
pub(crate) struct Core {
    log: Mutex<Vec<RecordedRequest>>,
    faults: Mutex<VecDeque<Fault>>,
    redact: Vec<HeaderName>,
    render: ErrorRenderer,
    not_found_message: NotFoundMessage,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("requests", &lock(&self.log).len())
            .field("queued_faults", &lock(&self.faults).len())
            .finish_non_exhaustive()
    }
}

fn default_not_found(method: &Method, path: &str) -> String {
    format!("no route for {method} {path}")
}

impl Core {
    pub(crate) fn new(render: ErrorRenderer, extra_redacted: &[HeaderName]) -> Self {
        let mut redact = vec![
            axum::http::header::AUTHORIZATION,
            axum::http::header::PROXY_AUTHORIZATION,
            axum::http::header::COOKIE,
            HeaderName::from_static("x-api-key"),
            HeaderName::from_static("x-auth-signature"),
        ];
        for name in extra_redacted {
            if !redact.contains(name) {
                redact.push(name.clone());
            }
        }
        Self {
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(VecDeque::new()),
            redact,
            render,
            not_found_message: default_not_found,
        }
    }

    pub(crate) fn with_not_found_message(mut self, f: NotFoundMessage) -> Self {
        self.not_found_message = f;
        self
    }

    pub(crate) fn error(&self, status: StatusCode, message: &str) -> Response {
        (self.render)(status, message)
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.log).clone()
    }

    pub(crate) fn request_count(&self) -> usize {
        lock(&self.log).len()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    pub(crate) fn fail_next(&self, status: StatusCode, n: usize, retry_after: Option<Duration>) {
        if n > 0 {
            lock(&self.faults).push_back(Fault { status, remaining: n, retry_after });
        }
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    fn take_fault(&self) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let front = faults.front_mut()?;
        let fault = front.clone();
        front.remaining = front.remaining.saturating_sub(1);
        if front.remaining == 0 {
            faults.pop_front();
        }
        Some(fault)
    }

    fn redacted_headers(&self, headers: &HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| {
                let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
                let shown = if self.redact.contains(name) {
                    if text.len() > 7 && text.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("bearer ")) {
                        format!("Bearer {REDACTED}")
                    } else {
                        REDACTED.to_owned()
                    }
                } else {
                    text
                };
                (name.as_str().to_owned(), shown)
            })
            .collect()
    }
}

/// Outermost middleware: buffers the body, records the request, answers injected faults.
async fn record_and_inject(State(core): State<Arc<Core>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_REQUEST_BODY).await;
    let fault = core.take_fault();
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: core.redacted_headers(&parts.headers),
        body: body.as_ref().map(Bytes::clone).unwrap_or_default(),
        injected_fault: fault.as_ref().map(|f| f.status.as_u16()),
    };
    lock(&core.log).push(recorded);
    if let Some(fault) = fault {
        let mut response = core.error(fault.status, "injected fault (testkit fail_next)");
        if let Some(after) = fault.retry_after {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(after.as_secs()));
        }
        return response;
    }
    let Ok(bytes) = body else {
        return core.error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than the simulator accepts or could not be read",
        );
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// Simulator state that carries the shared [`Core`].
pub(crate) trait HasCore {
    fn core(&self) -> &Core;
}

/// The single `{id}` path parameter, percent-decoded. Unlike axum's `Path`, a segment that
/// does not decode to UTF-8 is refused in the provider's error shape (400).
#[derive(Debug, Clone)]
pub(crate) struct PathId(pub(crate) String);

impl<S> FromRequestParts<Arc<S>> for PathId
where
    S: HasCore + Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<S>) -> Result<Self, Self::Rejection> {
        match Path::<String>::from_request_parts(parts, state).await {
            Ok(Path(id)) => Ok(Self(id)),
            Err(e) => {
                Err(state.core().error(StatusCode::BAD_REQUEST, &format!("invalid path parameter: {}", e.body_text())))
            }
        }
    }
}

/// Adds the provider-shaped 404 (unknown route) and 405 (wrong method) fallbacks.
pub(crate) fn with_fallbacks<S>(router: Router<S>, core: &Arc<Core>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let nf = Arc::clone(core);
    let mna = Arc::clone(core);
    router
        .fallback(move |method: Method, uri: Uri| {
            let core = Arc::clone(&nf);
            async move { core.error(StatusCode::NOT_FOUND, &(core.not_found_message)(&method, uri.path())) }
        })
        .method_not_allowed_fallback(move |method: Method, uri: Uri| {
            let core = Arc::clone(&mna);
            async move {
                core.error(StatusCode::METHOD_NOT_ALLOWED, &format!("method {method} is not allowed on {}", uri.path()))
            }
        })
}

/// Adds the outermost middleware: request recording and fault injection.
pub(crate) fn with_recording(router: Router, core: &Arc<Core>) -> Router {
    router.layer(middleware::from_fn_with_state(Arc::clone(core), record_and_inject))
}

/// A running loopback server; signals shutdown when dropped.
pub(crate) struct Server {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).field("running", &self.shutdown.is_some()).finish()
    }
}

impl Server {
    /// Binds `127.0.0.1:<ephemeral port>`; serve on it with [`Server::serve`].
    pub(crate) async fn bind() -> Result<(tokio::net::TcpListener, SocketAddr)> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.map_err(Error::Bind)?;
        let addr = listener.local_addr().map_err(Error::Bind)?;
        Ok((listener, addr))
    }

    /// Serves `router` on a listener from [`Server::bind`], on a spawned task.
    pub(crate) fn serve(listener: tokio::net::TcpListener, addr: SocketAddr, router: Router) -> Self {
        let (tx, rx) = oneshot::channel::<()>();
        let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
            // Either an explicit signal or the sender being dropped ends the server.
            let _ = rx.await;
        });
        let task = tokio::spawn(async move {
            // An accept-loop error ends the server; there is nobody to report it to, and
            // requests then fail with connection errors, which tests see.
            let _ = serve.await;
        });
        Self { addr, shutdown: Some(tx), task: Some(task) }
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections, closes idle ones and waits (bounded) for the rest.
    pub(crate) async fn shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Randomness, ids, secrets
// ---------------------------------------------------------------------------------------

static FALLBACK_COUNTER: AtomicU64 = AtomicU64::new(0);

/// `N` random bytes from the operating system. Should the OS generator ever fail, a
/// SHA-256 of a counter and the clock is used instead: these are throwaway test values, and
/// the simulators must not panic.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    if getrandom::fill(&mut buf).is_err() {
        for chunk in buf.chunks_mut(32) {
            let mut hasher = Sha256::new();
            hasher.update(FALLBACK_COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
            hasher.update(jiff::Timestamp::now().as_nanosecond().to_le_bytes());
            let digest = hasher.finalize();
            for (dst, src) in chunk.iter_mut().zip(digest.iter()) {
                *dst = *src;
            }
        }
    }
    buf
}

/// A random RFC 4122 version-4 UUID, lower-case hyphenated.
pub(crate) fn uuid_v4() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// `2 * N` random lower-case hex characters.
pub(crate) fn random_hex<const N: usize>() -> String {
    hex::encode(random_bytes::<N>())
}

/// `len` random characters from `A-Z a-z 0-9`.
pub(crate) fn random_alnum(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for byte in random_bytes::<32>() {
            // Rejection sampling keeps the distribution uniform (248 = 4 * 62).
            if byte < 248 && out.len() < len {
                let idx = usize::from(byte) % ALPHABET.len();
                if let Some(&c) = ALPHABET.get(idx) {
                    out.push(char::from(c));
                }
            }
        }
    }
    out
}

/// A 24-hex-character id in the style of a MongoDB ObjectId (BLAZE ids look like this).
pub(crate) fn object_id() -> String {
    let secs = u32::try_from(jiff::Timestamp::now().as_second()).unwrap_or(u32::MAX);
    let tail = random_bytes::<8>();
    format!("{}{}", hex::encode(secs.to_be_bytes()), hex::encode(tail))
}

// ---------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------

/// RFC 3339 in UTC with whole seconds, e.g. `2023-11-07T05:31:56Z`.
pub(crate) fn rfc3339_seconds(ts: jiff::Timestamp) -> String {
    jiff::Timestamp::from_second(ts.as_second()).map_or_else(|_| ts.to_string(), |t| t.to_string())
}

/// RFC 3339 in UTC with milliseconds, e.g. `2023-11-07T05:31:56.123Z`.
pub(crate) fn rfc3339_millis(ts: jiff::Timestamp) -> String {
    format!("{ts:.3}")
}

// ---------------------------------------------------------------------------------------
// Request parsing
// ---------------------------------------------------------------------------------------

/// Why a request body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// No body at all.
    Missing,
    /// A `Content-Type` other than JSON.
    UnsupportedMediaType,
    /// Not valid JSON (the parser's message).
    Malformed(String),
    /// Valid JSON but not an object.
    NotObject,
}

impl BodyError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            Self::Missing => "a JSON request body is required".to_owned(),
            Self::UnsupportedMediaType => "the request body must be sent as application/json".to_owned(),
            Self::Malformed(e) => format!("the request body is not valid JSON: {e}"),
            Self::NotObject => "the request body must be a JSON object".to_owned(),
        }
    }
}

/// Parses a JSON-object request body. A `Content-Type` header, when present, must be JSON
/// (`application/json` or `application/*+json`, parameters allowed).
pub(crate) fn json_object(headers: &HeaderMap, body: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::Missing);
    }
    if let Some(ct) = headers.get(CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or_default();
        let essence = ct.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let is_json =
            essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"));
        if !is_json {
            return Err(BodyError::UnsupportedMediaType);
        }
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::NotObject),
        Err(e) => Err(BodyError::Malformed(e.to_string())),
    }
}

/// Decodes a query string into pairs, in order.
pub(crate) fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    raw.map(|q| url::form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
        .unwrap_or_default()
}

/// The last value of a query parameter.
pub(crate) fn query_param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Whether `text` is an absolute `http`/`https` URL with a host.
pub(crate) fn is_http_url(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// The `Bearer` token of an `Authorization` header, if that is its form.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// A JSON response with the given status.
pub(crate) fn json_response(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An empty response with the given status.
pub(crate) fn empty_response(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn uuid_shape() {
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        let parts: Vec<_> = id.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(uuid_v4(), id);
    }

    #[test]
    fn random_text_shapes() {
        let key = random_alnum(32);
        assert_eq!(key.len(), 32);
        assert!(key.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(random_hex::<32>().len(), 64);
        let oid = object_id();
        assert_eq!(oid.len(), 24);
        assert!(oid.bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn timestamps() {
        let ts = jiff::Timestamp::from_millisecond(1_699_335_116_120).unwrap();
        assert_eq!(rfc3339_seconds(ts), "2023-11-07T05:31:56Z");
        assert_eq!(rfc3339_millis(ts), "2023-11-07T05:31:56.120Z");
    }

    #[test]
    fn json_bodies() {
        let mut h = HeaderMap::new();
        assert_eq!(json_object(&h, b""), Err(BodyError::Missing));
        assert!(matches!(json_object(&h, b"{"), Err(BodyError::Malformed(_))));
        assert_eq!(json_object(&h, b"[1]"), Err(BodyError::NotObject));
        assert!(json_object(&h, b"{\"a\":1}").is_ok());
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
        assert!(json_object(&h, b"{}").is_ok());
        h.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(json_object(&h, b"{}"), Err(BodyError::UnsupportedMediaType));
    }

    #[test]
    fn bearer_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert("authorization", HeaderValue::from_static("Bearer abc"));
        assert_eq!(bearer(&h), Some("abc"));
        h.insert("authorization", HeaderValue::from_static("bearer   abc "));
        assert_eq!(bearer(&h), Some("abc"));
        h.insert("authorization", HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        h.insert("authorization", HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&h), None);
    }
}
