//! The company key for Purchase `success_callback`s: [`ChipKeySource`] fetches it from
//! `GET /public_key/`, caches it for a TTL, refetches it on rotation (rate-limited, single flight)
//! and counts what it did ([`ChipKeySourceStats`]).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use hookbridge_verify::receive::{DeliveryParser as _, Incoming, Parsed, ReceiveError, ReceiverSpec};
use hookbridge_verify::{KeyError, KeyRing, RsaPublicKey, RsaVerifier, Verified, VerifyError};

use super::receiver::{ChipParser, VerifiedChipDelivery};
use crate::client::ChipClient;

/// Key id of the company public key in [`ChipKeySource`]'s deliveries ([`Verified::key_id`]).
pub const COMPANY_KEY_ID: &str = "chip-company";

/// Default time [`ChipKeySource`] keeps the company key before fetching it again: 1 hour.
pub const DEFAULT_KEY_TTL: Duration = Duration::from_secs(3600);

/// Default minimum time between two refetches of the company key caused by deliveries that do
/// not verify (and between fetch attempts after a failed fetch): 60 seconds — shorter than
/// CHIP's first retry delay (2 minutes), so a delivery signed with a freshly rotated key is
/// accepted at the latest on its retry.
pub const DEFAULT_MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

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
        ChipParser::PROVIDER
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        self.verify_request(request, now).await
    }

    /// As [`ChipParser`] parses (the company key signs the same bodies).
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<VerifiedChipDelivery>, ReceiveError> {
        ChipParser::new().parse(verified, request).map(Parsed::from)
    }

    fn default_retention(&self) -> Duration {
        ChipParser::new().default_retention()
    }
}
