//! Receiving CHIP deliveries: verify `X-Signature` over the raw body, then parse it, in one call.
//!
//! CHIP (docs.chip-in.asia, webhook signatures) signs every delivery with RSA: `X-Signature` is
//! the base64 RSA PKCS#1 v1.5 signature of the SHA-256 digest of the **raw body** (CHIP Send,
//! a sibling product, uses SHA-512 — [`ChipSpec::with_hash`]). There is no timestamp and no
//! delivery id; CHIP retries failed deliveries for 36 h 26 min (attempt *n* waits
//! `3^(n-1) - 1` minutes) and says duplicates happen.
//!
//! Which key signs what:
//!
//! * **webhook deliveries** — that webhook's own `public_key` ([`ChipWebhook::public_key`]):
//!   [`ChipSpec::from_webhooks`] builds a ring keyed by webhook id;
//! * **Purchase `success_callback` deliveries** — the company key from `GET /public_key/`:
//!   [`ChipKeySource`] fetches it once, caches it, and refetches on rotation (rate-limited).
//!
//! Both are CHIP's contribution to the receiver pipeline ([`hookbridge_verify::receive`]):
//! [`ChipSpec`] for a fixed ring, [`ChipKeySource`] for the fetched company key; [`ChipReceiver`]
//! is the pipeline over [`ChipSpec`], and `Pipeline::new(key_source)` the one over the key source.
//!
//! The body is the related object (a [`Purchase`](crate::Purchase) for `purchase.*`, a
//! [`Payment`](crate::Payment) for `payment.*`, other objects as JSON) plus a top-level
//! `event_type`, which is required. CHIP signs no id or timestamp: the replay key is derived
//! from the signed body ([`VerifiedChipDelivery::replay_key`]). Unknown event names decode as [`ChipEvent::Unknown`](crate::ChipEvent::Unknown).

use std::fmt;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::{Delivery, EventType, Subject, Timestamp};
use hookbridge_verify::receive::{Identified, Incoming, Parsed, Pipeline, ReceiveError, ReceiverSpec, ReplayKey};
use hookbridge_verify::{
    DeliveryError, KeyError, KeyRing, RsaHash, RsaPublicKey, RsaScheme, RsaVerifier, Verified, VerifyError,
};
use serde_json::Value;

use crate::client::ChipClient;
use crate::model::{ChipDelivery, ChipWebhook, DeliveryObject};

/// Key id of the company public key in [`ChipKeySource`]'s deliveries ([`Verified::key_id`]).
pub const COMPANY_KEY_ID: &str = "chip-company";

/// Default time [`ChipKeySource`] keeps the company key before fetching it again: 1 hour.
pub const DEFAULT_KEY_TTL: Duration = Duration::from_secs(3600);

/// Default minimum time between two refetches of the company key caused by deliveries that do
/// not verify (and between fetch attempts after a failed fetch): 60 seconds — shorter than
/// CHIP's first retry delay (2 minutes), so a delivery signed with a freshly rotated key is
/// accepted at the latest on its retry.
pub const DEFAULT_MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// How long handled CHIP keys are remembered: 48 hours, above CHIP's documented retry horizon
/// (8 attempts over 36 h 26 min).
pub const CHIP_RETENTION: Duration = Duration::from_secs(48 * 3600);

// ---------------------------------------------------------------------------------------------
// ChipSpec
// ---------------------------------------------------------------------------------------------

/// The receiver pipeline for CHIP deliveries verified with a fixed key ring.
pub type ChipReceiver = Pipeline<ChipSpec>;

/// CHIP's contribution to the receiver pipeline with a fixed ring of public keys. Build it once
/// (keys are parsed and prepared here) and share it.
///
/// ```
/// use hookbridge_chip::ChipSpec;
/// use hookbridge_verify::{KeyRing, RsaHash, RsaPublicKey};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pem = include_str!("../../hookbridge-testkit/data/keys/rsa2048-public-spki.pem");
/// // Webhook deliveries: the webhook's `public_key`, here under the webhook's id.
/// let spec = ChipSpec::new(KeyRing::single("7f1c2a9e-webhook", RsaPublicKey::from_pem(pem)?))?;
/// // CHIP Send callbacks: SHA-512.
/// let send = ChipSpec::with_hash(KeyRing::single("send", RsaPublicKey::from_pem(pem)?), RsaHash::Sha512)?;
/// # let _ = (spec, send);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ChipSpec {
    verifier: RsaVerifier,
}

impl ChipSpec {
    /// CHIP Collect ([`delivery_scheme`](crate::delivery_scheme): SHA-256) with a ring of public keys.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn new(keys: KeyRing<RsaPublicKey>) -> Result<Self, KeyError> {
        Ok(Self::with_verifier(RsaVerifier::new(crate::delivery_scheme(), keys)?))
    }

    /// One public key (key id [`DEFAULT_KEY_ID`](hookbridge_verify::DEFAULT_KEY_ID)).
    #[must_use]
    pub fn with_key(key: RsaPublicKey) -> Self {
        Self::with_verifier(RsaVerifier::with_key(crate::delivery_scheme(), key))
    }

    /// `X-Signature` with another digest: [`RsaHash::Sha512`] for CHIP Send.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn with_hash(keys: KeyRing<RsaPublicKey>, hash: RsaHash) -> Result<Self, KeyError> {
        let scheme = RsaScheme::new(crate::headers::SIGNATURE, hash);
        Ok(Self::with_verifier(RsaVerifier::new(scheme, keys)?))
    }

    /// A verifier you built.
    #[must_use]
    pub fn with_verifier(verifier: RsaVerifier) -> Self {
        Self { verifier }
    }

    /// The deliveries of these webhooks: each one's `public_key`, under its id as key id (so
    /// [`Verified::key_id`] says which webhook a delivery came through). Webhooks without a
    /// `public_key` are skipped.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] when no webhook has a key, or the key's parse error
    /// ([`KeyError::InvalidRsaKey`], [`KeyError::RsaKeyTooSmall`], ...).
    pub fn from_webhooks<'a>(webhooks: impl IntoIterator<Item = &'a ChipWebhook>) -> Result<Self, KeyError> {
        let mut ring = KeyRing::new();
        for webhook in webhooks {
            if let Some(pem) = &webhook.public_key {
                ring.push(webhook.id.as_str(), RsaPublicKey::from_pem(pem)?);
            }
        }
        Self::new(ring)
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &RsaVerifier {
        &self.verifier
    }
}

impl From<RsaVerifier> for ChipSpec {
    fn from(verifier: RsaVerifier) -> Self {
        Self::with_verifier(verifier)
    }
}

impl ReceiverSpec for ChipSpec {
    type Delivery = VerifiedChipDelivery;

    fn provider(&self) -> &'static str {
        crate::PROVIDER.as_str()
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        request.verify_with(&self.verifier, now)
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<VerifiedChipDelivery>, ReceiveError> {
        parse_delivery(verified, &request.body)
    }

    fn default_retention(&self) -> Duration {
        CHIP_RETENTION
    }
}

/// Parses a verified body and derives its replay key. One pass over the bytes (no intermediate
/// JSON map); a missing or non-string `event_type` is a parse error like any other.
fn parse_delivery(verified: Verified, body: &Bytes) -> Result<Parsed<VerifiedChipDelivery>, ReceiveError> {
    let delivery = ChipDelivery::from_slice(body).map_err(|e| DeliveryError::parse(crate::PROVIDER.as_str(), e))?;
    let mut delivery = VerifiedChipDelivery {
        delivery,
        verified,
        replay_key: ReplayKey::signed_digest(crate::PROVIDER.as_str(), None, body),
        raw: body.clone(),
    };
    delivery.replay_key = delivery.object_state_key();
    Ok(delivery.into())
}

// ---------------------------------------------------------------------------------------------
// VerifiedChipDelivery
// ---------------------------------------------------------------------------------------------

/// A verified, parsed CHIP delivery: the existing [`ChipDelivery`] model plus what verification
/// established and the raw bytes. Dereferences to the [`ChipDelivery`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct VerifiedChipDelivery {
    /// The delivery: `event_type` and the related object.
    pub delivery: ChipDelivery,
    /// Which key matched (a webhook id, [`COMPANY_KEY_ID`], or your ring's id).
    pub verified: Verified,
    /// The delivery's identity, from the signed body (see [`replay_key`](Self::replay_key)).
    pub replay_key: ReplayKey,
    /// The raw body, exactly as received and verified.
    pub raw: Bytes,
}

impl Deref for VerifiedChipDelivery {
    type Target = ChipDelivery;

    fn deref(&self) -> &ChipDelivery {
        &self.delivery
    }
}

impl VerifiedChipDelivery {
    /// The delivery model, dropping the verification details and raw bytes.
    #[must_use]
    pub fn into_inner(self) -> ChipDelivery {
        self.delivery
    }

    /// The object's `updated_on`, else its `created_on` (epoch seconds on the wire).
    #[must_use]
    pub fn occurred_at(&self) -> Option<Timestamp> {
        match &self.delivery.object {
            DeliveryObject::Purchase(p) => p.updated_on.or(p.created_on),
            DeliveryObject::Payment(p) => p.updated_on.or(p.created_on),
            DeliveryObject::Other(map) => ["updated_on", "created_on"]
                .iter()
                .find_map(|field| map.get(*field).and_then(Value::as_i64))
                .and_then(|secs| Timestamp::from_second(secs).ok()),
        }
    }

    /// The object the delivery is about: `purchase` / `payment` and its id, or for other objects
    /// their `type` (else the event's prefix: `payout` for `payout.success`) and `id` (string or
    /// number).
    #[must_use]
    pub fn subject(&self) -> Option<Subject> {
        match &self.delivery.object {
            DeliveryObject::Purchase(p) => {
                p.id.as_deref().filter(|id| !id.is_empty()).map(|id| Subject::new("purchase", id))
            }
            DeliveryObject::Payment(p) => {
                p.id.as_deref().filter(|id| !id.is_empty()).map(|id| Subject::new("payment", id))
            }
            DeliveryObject::Other(map) => {
                let id = match map.get("id")? {
                    Value::String(s) if !s.is_empty() => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                let kind = match map.get("type").and_then(Value::as_str).filter(|t| !t.is_empty()) {
                    Some(kind) => kind,
                    None => self.delivery.event_type.as_str().split('.').next().filter(|k| !k.is_empty())?,
                };
                Some(Subject::new(kind, id))
            }
        }
    }

    /// The replay key, built from the signed body (CHIP sends no delivery or event id):
    /// `chip:object:<event_type>:<object type>:<object id>:<updated_on>` (`created_on` when
    /// there is no `updated_on`) — a retry carries the same object state, a new event or a
    /// later change does not. Without an object id or time, or when they are not visible
    /// ASCII, a digest of the body.
    #[must_use]
    pub fn replay_key(&self) -> &ReplayKey {
        &self.replay_key
    }

    fn object_state_key(&self) -> ReplayKey {
        let state = match (self.subject(), self.occurred_at()) {
            (Some(subject), Some(at)) => Some(format!(
                "{}:{}:{}:{}",
                self.delivery.event_type.as_str(),
                subject.kind,
                subject.id,
                at.as_second()
            )),
            _ => None,
        };
        state
            .and_then(|value| ReplayKey::signed_id(crate::PROVIDER.as_str(), "object", &value).ok())
            .unwrap_or_else(|| ReplayKey::signed_digest(crate::PROVIDER.as_str(), None, &self.raw))
    }

    /// The unified [`Delivery`]: provider `chip`, the (signed) event type, the replay key, no
    /// delivery or event id (CHIP sends neither), `occurred_at` ([`occurred_at`](Self::occurred_at)), the subject
    /// ([`subject`](Self::subject)), the matching key id, the whole body as `payload` and the raw
    /// bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let occurred_at = self.occurred_at();
        let subject = self.subject();
        // `Delivery::new` parses the raw body into `payload`, exactly as CHIP sent it.
        let mut delivery = Delivery::new(crate::PROVIDER, self.raw);
        delivery.event_type = Some(EventType::new(self.delivery.event_type.as_str()));
        delivery.event_type_signed = true;
        delivery.occurred_at = occurred_at;
        delivery.replay_key = Some(self.replay_key.to_string());
        delivery.subject = subject;
        delivery.key_id = Some(self.verified.key_id().as_str().to_owned());
        delivery
    }
}

impl Identified for VerifiedChipDelivery {
    fn replay_key(&self) -> &ReplayKey {
        &self.replay_key
    }
}

impl From<VerifiedChipDelivery> for Delivery {
    fn from(delivery: VerifiedChipDelivery) -> Self {
        delivery.into_delivery()
    }
}

impl From<VerifiedChipDelivery> for ChipDelivery {
    fn from(delivery: VerifiedChipDelivery) -> Self {
        delivery.delivery
    }
}

// ---------------------------------------------------------------------------------------------
// ChipKeySource
// ---------------------------------------------------------------------------------------------

/// Why [`ChipKeySource`] has no key to verify with: answered 503 (CHIP retries later) as
/// [`ReceiveError::KeyUnavailable`] with this as its source.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFetchError {
    /// `GET /public_key/` failed, and no key is cached.
    #[error("fetching the CHIP company public key failed")]
    Fetch(#[source] hookbridge_core::Error),
    /// CHIP returned a key that is not a usable RSA public key (or one under 2048 bits).
    #[error("the CHIP company public key could not be used")]
    InvalidKey(#[source] KeyError),
    /// No key is cached and the last fetch failed less than the minimum refetch interval ago,
    /// so no new fetch was attempted.
    #[error("the CHIP company public key is unavailable: the last fetch failed, next attempt in {retry_in:?}")]
    Unavailable {
        /// Time until a fetch is attempted again.
        retry_in: Duration,
    },
}

impl From<KeyFetchError> for ReceiveError {
    fn from(err: KeyFetchError) -> Self {
        ReceiveError::KeyUnavailable(Box::new(err))
    }
}

/// Counters of a [`ChipKeySource`], for monitoring and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChipKeySourceStats {
    /// `GET /public_key/` requests made (successful or not).
    pub fetches: u64,
    /// Keys parsed from PEM (once per successful fetch, never per delivery).
    pub key_parses: u64,
    /// Fetches that failed (HTTP error or unusable key).
    pub fetch_failures: u64,
    /// Fetches that returned a different key than the cached one.
    pub rotations: u64,
    /// Refetches caused by a delivery that did not verify with the cached key.
    pub refetches_on_mismatch: u64,
    /// Such refetches skipped because one happened less than the minimum interval ago.
    pub refetches_suppressed: u64,
}

#[derive(Default)]
struct Counters {
    fetches: AtomicU64,
    key_parses: AtomicU64,
    fetch_failures: AtomicU64,
    rotations: AtomicU64,
    refetches_on_mismatch: AtomicU64,
    refetches_suppressed: AtomicU64,
}

fn bump(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// The cached company key, prepared once.
struct CachedKey {
    key: RsaPublicKey,
    verifier: RsaVerifier,
    fetched_at: Instant,
    /// Changes when the key changes (not when the same key is fetched again).
    generation: u64,
}

/// Bookkeeping of fetches, guarded by the single-flight mutex.
#[derive(Default)]
struct FetchState {
    last_mismatch_refetch: Option<Instant>,
    last_failure: Option<Instant>,
}

/// Verifies Purchase `success_callback` deliveries with CHIP's company public key, fetched from
/// `GET /public_key/` through a [`ChipClient`] and cached.
///
/// * The key is fetched on first use, parsed **once** into an [`RsaPublicKey`] (and prepared into
///   a verifier), and kept for the TTL ([`DEFAULT_KEY_TTL`], [`with_ttl`](Self::with_ttl)).
/// * Concurrent callers share one fetch (a `tokio::sync::Mutex` single flight); while an expired
///   key is being refreshed, other callers keep using it.
/// * When a delivery does not verify with the cached key (`NoMatch`), the key is fetched again
///   **once** — CHIP may have rotated it — and the delivery is checked against the new key. Such
///   refetches happen at most once per [minimum interval](Self::with_min_refetch_interval)
///   ([`DEFAULT_MIN_REFETCH_INTERVAL`]), so a stream of forged deliveries cannot make it hammer
///   the API; the same interval spaces fetch attempts after a failure.
/// * If a refresh fails while a key is cached, the cached key keeps being used.
/// * The `X-Signature` header is decoded **before** any fetch: a request without a usable
///   signature never triggers or waits on one, and a delivery that does not verify never waits
///   on a refetch another delivery started (it is refused at once; CHIP retries).
/// * The fetched key must be a valid RSA key of at least 2048 bits; anything else is refused
///   and answered 503 until a usable key is served.
///
/// It is CHIP's contribution to the receiver pipeline: `Pipeline::new(source)`. Failures to
/// obtain a key are [`ReceiveError::KeyUnavailable`] (503) with a [`KeyFetchError`] source.
///
/// ```
/// use std::time::Duration;
/// use hookbridge_chip::{ChipClient, ChipKeySource};
/// use hookbridge_core::Secret;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = ChipClient::new(Secret::new("test-secret-key"))?;
/// let source = ChipKeySource::new(client)
///     .with_ttl(Duration::from_secs(6 * 3600))
///     .with_min_refetch_interval(Duration::from_secs(30));
/// assert_eq!(source.stats().fetches, 0); // nothing fetched until the first delivery
/// let receiver = hookbridge_verify::receive::Pipeline::new(source);
/// # let _ = receiver;
/// # Ok(())
/// # }
/// ```
pub struct ChipKeySource {
    client: ChipClient,
    ttl: Duration,
    min_refetch_interval: Duration,
    current: RwLock<Option<Arc<CachedKey>>>,
    fetch: tokio::sync::Mutex<FetchState>,
    counters: Counters,
}

impl ChipKeySource {
    /// A key source fetching through `client`, with the default TTL and refetch interval.
    #[must_use]
    pub fn new(client: ChipClient) -> Self {
        Self {
            client,
            ttl: DEFAULT_KEY_TTL,
            min_refetch_interval: DEFAULT_MIN_REFETCH_INTERVAL,
            current: RwLock::new(None),
            fetch: tokio::sync::Mutex::new(FetchState::default()),
            counters: Counters::default(),
        }
    }

    /// How long a fetched key is used before it is fetched again.
    #[must_use]
    pub fn with_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The minimum time between two refetches caused by deliveries that do not verify, and
    /// between fetch attempts after a failed fetch.
    #[must_use]
    pub fn with_min_refetch_interval(mut self, interval: Duration) -> Self {
        self.min_refetch_interval = interval;
        self
    }

    /// The TTL.
    #[must_use]
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The minimum refetch interval.
    #[must_use]
    pub fn min_refetch_interval(&self) -> Duration {
        self.min_refetch_interval
    }

    /// The counters so far.
    #[must_use]
    pub fn stats(&self) -> ChipKeySourceStats {
        let c = &self.counters;
        ChipKeySourceStats {
            fetches: c.fetches.load(Ordering::Relaxed),
            key_parses: c.key_parses.load(Ordering::Relaxed),
            fetch_failures: c.fetch_failures.load(Ordering::Relaxed),
            rotations: c.rotations.load(Ordering::Relaxed),
            refetches_on_mismatch: c.refetches_on_mismatch.load(Ordering::Relaxed),
            refetches_suppressed: c.refetches_suppressed.load(Ordering::Relaxed),
        }
    }

    /// The cached key, if one was fetched.
    #[must_use]
    pub fn cached_key(&self) -> Option<RsaPublicKey> {
        self.cached().map(|c| c.key.clone())
    }

    /// Verifies `request` with the company key at `now`. The signature header is decoded
    /// **before** any key fetch, so requests without a usable signature never cause or wait on
    /// one. A delivery that does not verify triggers at most one refetch per minimum interval,
    /// and never waits on a fetch another delivery started.
    async fn verify_request(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        crate::delivery_scheme().check_signature_header(&request.headers)?;
        let cached = self.current_key().await?;
        match cached.verifier.verify_at(&request.body, &request.headers, now) {
            Ok(verified) => Ok(verified),
            Err(no_match @ VerifyError::NoMatch { .. }) => {
                match self.refetch_after_mismatch(cached.generation).await? {
                    Some(newer) => Ok(newer.verifier.verify_at(&request.body, &request.headers, now)?),
                    None => Err(no_match.into()),
                }
            }
            Err(other) => Err(other.into()),
        }
    }

    fn cached(&self) -> Option<Arc<CachedKey>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn is_fresh(&self, key: &CachedKey) -> bool {
        key.fetched_at.elapsed() < self.ttl
    }

    /// A usable key: the cached one while fresh; otherwise one fetch shared by every caller.
    async fn current_key(&self) -> Result<Arc<CachedKey>, KeyFetchError> {
        let stale = match self.cached() {
            Some(cached) if self.is_fresh(&cached) => return Ok(cached),
            other => other,
        };
        let mut state = match (&stale, self.fetch.try_lock()) {
            (_, Ok(guard)) => guard,
            // A refresh is under way: keep using the expired key meanwhile.
            (Some(stale), Err(_)) => return Ok(stale.clone()),
            (None, Err(_)) => self.fetch.lock().await,
        };
        // Another caller may have fetched while this one waited.
        let stale = match self.cached() {
            Some(cached) if self.is_fresh(&cached) => return Ok(cached),
            other => other,
        };
        if let Some(failed) = state.last_failure
            && failed.elapsed() < self.min_refetch_interval
        {
            return stale.ok_or(KeyFetchError::Unavailable {
                retry_in: self.min_refetch_interval.saturating_sub(failed.elapsed()),
            });
        }
        match self.fetch_key(&mut state).await {
            Ok(key) => Ok(self.install(key)),
            Err(err) => stale.ok_or(err),
        }
    }

    /// After a `NoMatch` with the key of `seen_generation`: the newer key if another caller
    /// already installed one, else one rate-limited refetch. `None` when no different key is
    /// available.
    async fn refetch_after_mismatch(&self, seen_generation: u64) -> Result<Option<Arc<CachedKey>>, KeyFetchError> {
        // Never wait on a fetch in flight: a forged delivery must not queue behind it.
        let Ok(mut state) = self.fetch.try_lock() else {
            bump(&self.counters.refetches_suppressed);
            return Ok(self.cached().filter(|c| c.generation != seen_generation));
        };
        if let Some(cached) = self.cached()
            && cached.generation != seen_generation
        {
            return Ok(Some(cached));
        }
        if let Some(last) = state.last_mismatch_refetch
            && last.elapsed() < self.min_refetch_interval
        {
            bump(&self.counters.refetches_suppressed);
            return Ok(None);
        }
        state.last_mismatch_refetch = Some(Instant::now());
        bump(&self.counters.refetches_on_mismatch);
        let key = self.fetch_key(&mut state).await?;
        let installed = self.install(key);
        Ok((installed.generation != seen_generation).then_some(installed))
    }

    /// `GET /public_key/` and one parse. Call with the single-flight lock held.
    async fn fetch_key(&self, state: &mut FetchState) -> Result<RsaPublicKey, KeyFetchError> {
        bump(&self.counters.fetches);
        let result = match self.client.public_key().get().await {
            Ok(pem) => {
                bump(&self.counters.key_parses);
                RsaPublicKey::from_pem(pem.as_str()).map_err(KeyFetchError::InvalidKey)
            }
            Err(err) => Err(KeyFetchError::Fetch(err)),
        };
        match &result {
            Ok(_) => state.last_failure = None,
            Err(_) => {
                bump(&self.counters.fetch_failures);
                state.last_failure = Some(Instant::now());
            }
        }
        result
    }

    /// Caches `key` (a new generation only when it differs from the cached key).
    fn install(&self, key: RsaPublicKey) -> Arc<CachedKey> {
        let mut current = self.current.write().unwrap_or_else(PoisonError::into_inner);
        let cached = match current.as_ref() {
            Some(old) if old.key == key => CachedKey {
                key,
                verifier: old.verifier.clone(),
                fetched_at: Instant::now(),
                generation: old.generation,
            },
            old => {
                if old.is_some() {
                    bump(&self.counters.rotations);
                }
                let generation = old.map_or(1, |o| o.generation + 1);
                // A one-key ring cannot be refused (not empty, no duplicate id).
                let verifier =
                    match RsaVerifier::new(crate::delivery_scheme(), KeyRing::single(COMPANY_KEY_ID, key.clone())) {
                        Ok(verifier) => verifier,
                        Err(_) => RsaVerifier::with_key(crate::delivery_scheme(), key.clone()),
                    };
                CachedKey { key, verifier, fetched_at: Instant::now(), generation }
            }
        };
        let cached = Arc::new(cached);
        *current = Some(cached.clone());
        cached
    }
}

impl fmt::Debug for ChipKeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChipKeySource")
            .field("client", &self.client)
            .field("ttl", &self.ttl)
            .field("min_refetch_interval", &self.min_refetch_interval)
            .field("key", &self.cached().map(|c| c.key.clone()))
            .field("stats", &self.stats())
            .finish()
    }
}

impl ReceiverSpec for ChipKeySource {
    type Delivery = VerifiedChipDelivery;

    fn provider(&self) -> &'static str {
        crate::PROVIDER.as_str()
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        self.verify_request(request, now).await
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<VerifiedChipDelivery>, ReceiveError> {
        parse_delivery(verified, &request.body)
    }

    fn default_retention(&self) -> Duration {
        CHIP_RETENTION
    }
}
