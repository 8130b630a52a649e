//! [axum](https://docs.rs/axum/0.8) integration (cargo feature `axum`): the [`VerifiedBody`]
//! extractor verifies a delivery **before** the handler runs.
//!
//! The extractor takes its configuration, a [`WebhookReceiver`], from the router state
//! (through [`FromRef`], so the receiver can be the whole state or one field of it). For every
//! request it:
//!
//! 1. refuses a `Content-Length` over the limit, then reads the raw body, stopping as soon as
//!    it passes [`WebhookReceiver::max_body_bytes`] (default [`DEFAULT_MAX_BODY_BYTES`],
//!    1 MiB) — **413**. The limit is the receiver's own: axum's `DefaultBodyLimit` does not
//!    apply to this extractor;
//! 2. verifies the raw bytes against the request headers (and the URI, for
//!    [`UrlTokenVerifier`](crate::UrlTokenVerifier)) with the system clock — **401** or **400**,
//!    see the status table below;
//! 3. if a [`ReplayStore`] is configured, records the delivery's replay key, and answers a
//!    key already seen per the [`DuplicatePolicy`] — by default **200 without running the
//!    handler**;
//! 4. hands the handler the raw [`Bytes`], the [`Verified`] result and the headers.
//!
//! Rejections are [`VerifiedBodyRejection`]s: plain-text responses whose body is the error's
//! `Display` text. They name headers and problems, never a secret, a header value or an
//! expected signature.
//!
//! | outcome | status |
//! |---|---|
//! | body over the limit | 413 Payload Too Large |
//! | body could not be read (client disconnected, invalid chunked encoding, ...) | 400 |
//! | required signature header or token parameter absent ([`VerifyError::MissingHeader`], [`VerifyError::MissingQueryParameter`]) | 401 |
//! | signature header, timestamp or token present but unparseable ([`VerifyError::MalformedHeader`], [`VerifyError::BadEncoding`], [`VerifyError::MalformedQueryParameter`]) | 400 |
//! | wrong signature, stale or future timestamp ([`VerifyError::NoMatch`], [`VerifyError::TimestampTooOld`], [`VerifyError::TimestampInFuture`]) | 401 |
//! | verifier misconfigured ([`VerifyError::NoKeys`], [`VerifyError::UriRequired`]) | 500 |
//! | duplicate (replay key already accepted) | 200 ([`DuplicatePolicy::Acknowledge`], default) or 409 ([`DuplicatePolicy::Conflict`]) |
//! | no replay key could be derived ([`ReplayKey::Id`] without an id, or [`ReplayKey::Custom`] returning `None`), or the store refused the key as empty / too long | 400 |
//! | replay store full or unavailable | 503 (fail closed: the provider retries later) |
//!
//! To log or shape rejections yourself, extract `Result<VerifiedBody, VerifiedBodyRejection>`
//! instead (axum supports that for every extractor); [`VerifiedBodyRejection::status`] gives
//! the status the default response would use.
//!
//! # Replay protection and duplicates
//!
//! The key is recorded **before** the handler runs. A key stays recorded for the TTL even if
//! the handler then fails, so a provider retry of that delivery is treated as a duplicate:
//! processing is *at most once* per key. Make the handler durable — store or enqueue the
//! delivery, then answer 2xx — or leave the store out of the extractor and deduplicate in
//! your own storage after processing.
//!
//! The default key ([`ReplayKey::IdOrBodyDigest`]) is the scheme's delivery id
//! ([`Verified::id`], e.g. MIEX's `X-Webhook-Delivery`, Standard Webhooks' `webhook-id`) and,
//! for schemes without one (Bitnob, Stripe, CHIP, URL tokens), `sha256:` + the hex SHA-256 of
//! the raw body. Note that MIEX's and GitHub's ids are not signed ([`Verified::id_is_signed`]):
//! they absorb honest retries, but a replayer can change them — use [`ReplayKey::BodyDigest`]
//! to key on the signed bytes instead.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use axum::{Router, routing::post, http::StatusCode};
//! use hookbridge_verify::axum::{VerifiedBody, WebhookReceiver};
//! use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, InMemoryReplayStore, sign::HmacSigner};
//!
//! async fn miex_hook(delivery: VerifiedBody) -> StatusCode {
//!     // Only verified deliveries get here; parse the raw bytes as you like.
//!     assert_eq!(&delivery.body[..], br#"{"event":"order.created"}"#);
//!     StatusCode::NO_CONTENT
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = HmacSecret::from_str_bytes("miex secretKey")?;
//! let receiver = WebhookReceiver::new(HmacVerifier::with_secret(HmacScheme::miex(), secret.clone()))
//!     .max_body_bytes(256 * 1024)
//!     .replay_store(Arc::new(InMemoryReplayStore::new()), Duration::from_secs(24 * 3600));
//! let app: Router = Router::new().route("/hooks/miex", post(miex_hook)).with_state(receiver);
//!
//! // Drive it in-process (a server would `axum::serve` it instead).
//! let body = br#"{"event":"order.created"}"#;
//! let signed = HmacSigner::new(HmacScheme::miex(), secret).sign(body, 0, Some("job-1"))?;
//! let mut request = axum::http::Request::post("/hooks/miex").body(axum::body::Body::from(&body[..]))?;
//! request.headers_mut().extend(signed);
//! # let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! # rt.block_on(async {
//! use tower::ServiceExt as _;
//! let response = app.oneshot(request).await?;
//! assert_eq!(response.status(), StatusCode::NO_CONTENT);
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok(())
//! # }
//! ```
//!
//! # Several providers
//!
//! Each route's verifier comes from its router's state, so give every provider its own
//! router and merge them:
//!
//! ```
//! # use axum::{Router, routing::post, http::StatusCode};
//! # use hookbridge_verify::axum::{VerifiedBody, WebhookReceiver};
//! # use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier};
//! # async fn handle(_d: VerifiedBody) -> StatusCode { StatusCode::OK }
//! # fn main() -> Result<(), hookbridge_verify::KeyError> {
//! let miex = WebhookReceiver::new(HmacVerifier::with_secret(HmacScheme::miex(), HmacSecret::from_str_bytes("m")?));
//! let bitnob = WebhookReceiver::new(HmacVerifier::with_secret(HmacScheme::bitnob(), HmacSecret::from_str_bytes("b")?));
//! let app: Router = Router::new()
//!     .merge(Router::new().route("/hooks/miex", post(handle)).with_state(miex))
//!     .merge(Router::new().route("/hooks/bitnob", post(handle)).with_state(bitnob));
//! # let _ = app;
//! # Ok(())
//! # }
//! ```
//!
//! With an application state of your own, implement `FromRef<AppState> for WebhookReceiver`
//! (return a clone of the field; cloning is a few reference-count increments).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ::axum::body::Body;
use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::{HeaderMap, StatusCode, header};
use ::axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt as _;
use sha2::{Digest as _, Sha256};

use crate::{ReplayError, ReplayStore, Verified, Verifier, VerifyError};

/// Default body limit of a [`WebhookReceiver`]: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Derives a custom replay key; see [`ReplayKey::Custom`].
pub type ReplayKeyFn = dyn Fn(&Verified, &HeaderMap, &[u8]) -> Option<String> + Send + Sync;

/// Which string a [`WebhookReceiver`] records in its [`ReplayStore`] for a verified delivery.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum ReplayKey {
    /// [`Verified::id`] when the delivery carries one, else `sha256:` + the hex SHA-256 of
    /// the raw body. The default: every delivery gets a key.
    #[default]
    IdOrBodyDigest,
    /// [`Verified::id`] only; a verified delivery without an id is rejected with 400
    /// ([`VerifiedBodyRejection::MissingReplayKey`]).
    Id,
    /// `sha256:` + the hex SHA-256 of the raw body (identical bodies are duplicates).
    BodyDigest,
    /// Your own key, for example an event id read from the body. `None` rejects the delivery
    /// with 400 ([`VerifiedBodyRejection::MissingReplayKey`]).
    Custom(Arc<ReplayKeyFn>),
}

impl ReplayKey {
    /// A [`ReplayKey::Custom`] from a closure.
    pub fn custom(f: impl Fn(&Verified, &HeaderMap, &[u8]) -> Option<String> + Send + Sync + 'static) -> Self {
        Self::Custom(Arc::new(f))
    }

    fn derive(&self, verified: &Verified, headers: &HeaderMap, body: &[u8]) -> Option<String> {
        match self {
            Self::IdOrBodyDigest => Some(verified.id().map_or_else(|| body_digest(body), str::to_owned)),
            Self::Id => verified.id().map(str::to_owned),
            Self::BodyDigest => Some(body_digest(body)),
            Self::Custom(f) => f(verified, headers, body),
        }
    }
}

impl fmt::Debug for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::IdOrBodyDigest => "IdOrBodyDigest",
            Self::Id => "Id",
            Self::BodyDigest => "BodyDigest",
            Self::Custom(_) => "Custom(..)",
        })
    }
}

fn body_digest(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

/// How a [`WebhookReceiver`] answers a delivery whose replay key was already accepted.
/// Either way the handler does not run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DuplicatePolicy {
    /// 200 OK (default): the first copy was accepted, so acknowledge the repeat and stop the
    /// provider from retrying it.
    #[default]
    Acknowledge,
    /// 409 Conflict: report the repeat as an error (the provider may retry it).
    Conflict,
}

/// Configuration of the [`VerifiedBody`] extractor: the [`Verifier`], the body limit and an
/// optional [`ReplayStore`]. Put it in the router state (or make it reachable with
/// [`FromRef`]). Cloning is cheap.
///
/// `Debug` shows the verifier (which prints no secret) and the settings, not the store.
#[derive(Clone)]
pub struct WebhookReceiver {
    verifier: Arc<dyn Verifier>,
    max_body_bytes: usize,
    replay_store: Option<(Arc<dyn ReplayStore>, Duration)>,
    replay_key: ReplayKey,
    on_duplicate: DuplicatePolicy,
}

impl WebhookReceiver {
    /// A receiver verifying with `verifier`, a body limit of [`DEFAULT_MAX_BODY_BYTES`] and
    /// no replay store.
    pub fn new(verifier: impl Verifier + 'static) -> Self {
        Self::from_arc(Arc::new(verifier))
    }

    /// As [`new`](Self::new), sharing a verifier the application already holds.
    #[must_use]
    pub fn from_arc(verifier: Arc<dyn Verifier>) -> Self {
        Self {
            verifier,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            replay_store: None,
            replay_key: ReplayKey::default(),
            on_duplicate: DuplicatePolicy::default(),
        }
    }

    /// Sets the largest accepted body, in bytes; larger requests get 413 before verification.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Records every verified delivery's replay key (see [`replay_key`](Self::replay_key)) in
    /// `store` for `ttl`, and answers repeats per [`on_duplicate`](Self::on_duplicate). Pass
    /// an `Arc<InMemoryReplayStore>` to keep a handle on the store.
    ///
    /// Choose `ttl` at least as long as a repeat is possible: twice the timestamp tolerance for
    /// timestamped schemes, the provider's retry horizon otherwise (CHIP: 36 h 26 min).
    #[must_use]
    pub fn replay_store(mut self, store: impl ReplayStore + 'static, ttl: Duration) -> Self {
        self.replay_store = Some((Arc::new(store), ttl));
        self
    }

    /// Sets how the replay key is derived (default [`ReplayKey::IdOrBodyDigest`]). Used only
    /// with a [`replay_store`](Self::replay_store).
    #[must_use]
    pub fn replay_key(mut self, key: ReplayKey) -> Self {
        self.replay_key = key;
        self
    }

    /// Sets the answer to duplicates (default [`DuplicatePolicy::Acknowledge`]). Used only
    /// with a [`replay_store`](Self::replay_store).
    #[must_use]
    pub fn on_duplicate(mut self, policy: DuplicatePolicy) -> Self {
        self.on_duplicate = policy;
        self
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &Arc<dyn Verifier> {
        &self.verifier
    }

    /// The body limit in bytes.
    #[must_use]
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Whether deliveries are checked against a replay store.
    #[must_use]
    pub fn has_replay_store(&self) -> bool {
        self.replay_store.is_some()
    }

    /// Runs the extractor's checks on an already-read request: verification against the
    /// system clock, then the replay check. Returns the verification result and the recorded
    /// replay key. Useful outside axum's extractor machinery (and used by it).
    ///
    /// # Errors
    /// A [`VerifiedBodyRejection`] (verification, replay key, duplicate or store failure).
    pub fn check(
        &self,
        uri: &::axum::http::Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(Verified, Option<String>), VerifiedBodyRejection> {
        let verified = self.verifier.verify_request(uri, body, headers).map_err(VerifiedBodyRejection::Verification)?;
        let Some((store, ttl)) = &self.replay_store else {
            return Ok((verified, None));
        };
        let key = self.replay_key.derive(&verified, headers, body).ok_or(VerifiedBodyRejection::MissingReplayKey)?;
        match store.check_and_insert(&key, crate::unix_now(), *ttl) {
            Ok(()) => Ok((verified, Some(key))),
            Err(ReplayError::Replayed { .. }) => {
                Err(VerifiedBodyRejection::Duplicate { key, policy: self.on_duplicate })
            }
            Err(other) => Err(VerifiedBodyRejection::Replay(other)),
        }
    }
}

impl From<Arc<dyn Verifier>> for WebhookReceiver {
    fn from(verifier: Arc<dyn Verifier>) -> Self {
        Self::from_arc(verifier)
    }
}

impl fmt::Debug for WebhookReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookReceiver")
            .field("verifier", &self.verifier)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("replay_ttl", &self.replay_store.as_ref().map(|(_, ttl)| ttl))
            .field("replay_key", &self.replay_key)
            .field("on_duplicate", &self.on_duplicate)
            .finish()
    }
}

/// A verified delivery: extracting it runs the [`WebhookReceiver`] from the router state
/// (see the [module docs](self) for the steps and the rejection statuses).
///
/// It consumes the body, so it must be the handler's last argument.
///
/// ```
/// use axum::http::StatusCode;
/// use hookbridge_verify::axum::VerifiedBody;
///
/// async fn handler(VerifiedBody { body, verified, headers, .. }: VerifiedBody) -> StatusCode {
///     let _event = headers.get("x-webhook-event");
///     let _signed_with = verified.key_id();
///     let _payload: &[u8] = &body;
///     StatusCode::NO_CONTENT
/// }
/// # let _ = handler;
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct VerifiedBody {
    /// The raw request body, exactly as received and verified.
    pub body: Bytes,
    /// What verification established (matching key, signed timestamp, delivery id).
    pub verified: Verified,
    /// The request headers.
    pub headers: HeaderMap,
    /// The key recorded in the replay store, when the receiver has one.
    pub replay_key: Option<String>,
}

impl<S> FromRequest<S> for VerifiedBody
where
    S: Send + Sync,
    WebhookReceiver: FromRef<S>,
{
    type Rejection = VerifiedBodyRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let receiver = WebhookReceiver::from_ref(state);
        let (parts, body) = req.into_parts();
        let limit = receiver.max_body_bytes;
        if let Some(declared) = declared_length(&parts.headers)
            && declared > limit
        {
            return Err(VerifiedBodyRejection::PayloadTooLarge { limit });
        }
        let body = read_limited(body, limit).await?;
        let (verified, replay_key) = receiver.check(&parts.uri, &parts.headers, &body)?;
        Ok(Self { body, verified, headers: parts.headers, replay_key })
    }
}

/// The `Content-Length` value, when present and a plain number (anything else is left to
/// the body reader, which enforces the limit on the bytes actually received).
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    let value = headers.get(header::CONTENT_LENGTH)?.to_str().ok()?;
    // A number too large for usize is certainly over the limit.
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Some(value.parse().unwrap_or(usize::MAX))
    } else {
        None
    }
}

/// Reads at most `limit` bytes; one received chunk is returned without copying.
async fn read_limited(body: Body, limit: usize) -> Result<Bytes, VerifiedBodyRejection> {
    let mut stream = body.into_data_stream();
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(VerifiedBodyRejection::BodyRead)?;
        total = total.saturating_add(chunk.len());
        if total > limit {
            return Err(VerifiedBodyRejection::PayloadTooLarge { limit });
        }
        if chunk.is_empty() {
            continue;
        }
        match (&mut joined, first.take()) {
            (Some(buf), _) => buf.extend_from_slice(&chunk),
            (None, None) => first = Some(chunk),
            (None, Some(prev)) => {
                let mut buf = BytesMut::with_capacity(prev.len() + chunk.len());
                buf.extend_from_slice(&prev);
                buf.extend_from_slice(&chunk);
                joined = Some(buf);
            }
        }
    }
    Ok(match joined {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
}

/// Why [`VerifiedBody`] did not reach the handler. As a response: the status from
/// [`status`](Self::status) and the `Display` text as a `text/plain` body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifiedBodyRejection {
    /// The body (or its declared `Content-Length`) is over the receiver's limit: 413.
    #[error("the request body is over the {limit}-byte limit")]
    PayloadTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The body could not be read: 400.
    #[error("the request body could not be read")]
    BodyRead(#[source] ::axum::Error),
    /// The delivery failed verification: 401, 400 or 500 (see [`status`](Self::status)).
    #[error("{0}")]
    Verification(#[source] VerifyError),
    /// The replay key was accepted before: 200 or 409 per `policy`; the handler did not run.
    #[error("duplicate delivery: it was already accepted and is not processed again")]
    Duplicate {
        /// The repeated key.
        key: String,
        /// The receiver's policy.
        policy: DuplicatePolicy,
    },
    /// No replay key could be derived for a verified delivery: 400.
    #[error("the delivery carries no id to check for replays")]
    MissingReplayKey,
    /// The replay store refused the key: 400 for an empty or over-long key, 503 when the
    /// store is full or unavailable (fail closed; the provider retries later).
    #[error("{0}")]
    Replay(#[source] ReplayError),
}

impl VerifiedBodyRejection {
    /// The HTTP status of the response.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyRead(_) | Self::MissingReplayKey => StatusCode::BAD_REQUEST,
            Self::Verification(e) => verify_status(e),
            Self::Duplicate { policy: DuplicatePolicy::Acknowledge, .. } => StatusCode::OK,
            Self::Duplicate { policy: DuplicatePolicy::Conflict, .. } => StatusCode::CONFLICT,
            Self::Replay(ReplayError::EmptyKey | ReplayError::KeyTooLong { .. }) => StatusCode::BAD_REQUEST,
            Self::Replay(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Whether this is a duplicate delivery (answered without running the handler).
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::Duplicate { .. })
    }
}

fn verify_status(e: &VerifyError) -> StatusCode {
    match e {
        VerifyError::MalformedHeader { .. }
        | VerifyError::BadEncoding { .. }
        | VerifyError::MalformedQueryParameter { .. } => StatusCode::BAD_REQUEST,
        VerifyError::NoKeys | VerifyError::UriRequired => StatusCode::INTERNAL_SERVER_ERROR,
        // Missing credentials, wrong signature, stale timestamp, and anything added later.
        _ => StatusCode::UNAUTHORIZED,
    }
}

impl IntoResponse for VerifiedBodyRejection {
    fn into_response(self) -> Response {
        (self.status(), self.to_string()).into_response()
    }
}
