//! Replay protection: remember accepted delivery ids for a while and refuse repeats.
//!
//! A signature proves who sent a delivery, not that it is the first time you see it.
//! Timestamped schemes (Bitnob, Stripe, Standard Webhooks) bound the replay window to the
//! tolerance; inside it, and for schemes without a timestamp (MIEX, GitHub, CHIP), a store
//! of recently seen ids closes the gap and also absorbs the duplicates providers send on
//! retry. Use a TTL at least as long as the window in which a repeat is possible: twice the
//! timestamp tolerance for timestamped schemes, the provider's retry horizon otherwise
//! (CHIP retries for 36 h 26 min).
//!
//! Check the store **after** the signature: otherwise anyone could fill it with ids.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Longest key an [`InMemoryReplayStore`] accepts, in bytes.
pub const MAX_REPLAY_KEY_LEN: usize = 1024;

/// Default capacity of [`InMemoryReplayStore::new`].
pub const DEFAULT_REPLAY_CAPACITY: usize = 100_000;

/// Inserts between two sweeps of expired entries.
const SWEEP_EVERY: usize = 1024;

/// Why a replay check refused a delivery.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// The key was accepted before and has not expired: a replay or a duplicate delivery.
    /// Usually answered with a 2xx (the first copy was processed) without processing again.
    #[error("delivery `{key}` was already accepted (duplicate or replay)")]
    Replayed {
        /// The repeated key.
        key: String,
    },
    /// The store is full of unexpired keys. It refuses rather than evicting a live key,
    /// which would let that delivery be replayed.
    #[error(
        "the replay store holds {capacity} unexpired keys and refuses new ones; raise the capacity or shorten the TTL"
    )]
    CapacityExceeded {
        /// The store's capacity.
        capacity: usize,
    },
    /// The key is empty.
    #[error("the replay key is empty")]
    EmptyKey,
    /// The key is too long to store.
    #[error("the replay key is {len} bytes, over the {max}-byte limit")]
    KeyTooLong {
        /// Length of the key.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// An external store (database, cache) failed. Fail closed: reject the delivery so the
    /// provider retries it later.
    #[error("the replay store is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// A set of recently accepted delivery keys with expiry. Implement it over a shared cache
/// (Redis `SET key 1 NX EX ttl`, a database unique index) when several processes receive
/// deliveries.
pub trait ReplayStore: Send + Sync {
    /// Atomically: if `key` is present and unexpired at `now` (unix seconds), fail with
    /// [`ReplayError::Replayed`]; otherwise record it until `now + ttl`.
    ///
    /// # Errors
    /// [`ReplayError`]; every error means "do not process this delivery".
    fn check_and_insert(&self, key: &str, now: i64, ttl: Duration) -> Result<(), ReplayError>;
}

impl<T: ReplayStore + ?Sized> ReplayStore for Arc<T> {
    fn check_and_insert(&self, key: &str, now: i64, ttl: Duration) -> Result<(), ReplayError> {
        (**self).check_and_insert(key, now, ttl)
    }
}

impl<T: ReplayStore + ?Sized> ReplayStore for Box<T> {
    fn check_and_insert(&self, key: &str, now: i64, ttl: Duration) -> Result<(), ReplayError> {
        (**self).check_and_insert(key, now, ttl)
    }
}

impl<T: ReplayStore + ?Sized> ReplayStore for &T {
    fn check_and_insert(&self, key: &str, now: i64, ttl: Duration) -> Result<(), ReplayError> {
        (**self).check_and_insert(key, now, ttl)
    }
}

#[derive(Default)]
struct State {
    /// Key → expiry (unix seconds, exclusive).
    entries: HashMap<Box<str>, i64>,
    inserts_since_sweep: usize,
}

impl State {
    fn sweep(&mut self, now: i64) -> usize {
        let before = self.entries.len();
        self.entries.retain(|_, expires| *expires > now);
        self.inserts_since_sweep = 0;
        before - self.entries.len()
    }
}

/// A process-local [`ReplayStore`]: a `Mutex<HashMap>` with expiry sweeps and an optional
/// capacity. Fine for one process; use a shared store behind a load balancer.
///
/// ```
/// use std::time::Duration;
/// use hookbridge_verify::{InMemoryReplayStore, ReplayError, ReplayStore};
///
/// let store = InMemoryReplayStore::new();
/// let ttl = Duration::from_secs(600);
/// assert!(store.check_and_insert("msg_1", 1_000, ttl).is_ok());
/// assert!(matches!(store.check_and_insert("msg_1", 1_100, ttl), Err(ReplayError::Replayed { .. })));
/// assert!(store.check_and_insert("msg_1", 1_600, ttl).is_ok()); // expired, accepted again
/// ```
pub struct InMemoryReplayStore {
    state: Mutex<State>,
    capacity: Option<usize>,
}

impl InMemoryReplayStore {
    /// A store holding at most [`DEFAULT_REPLAY_CAPACITY`] unexpired keys.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_REPLAY_CAPACITY)
    }

    /// A store holding at most `capacity` unexpired keys; when full (after sweeping expired
    /// ones) new keys are refused with [`ReplayError::CapacityExceeded`].
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self { state: Mutex::new(State::default()), capacity: Some(capacity) }
    }

    /// A store without a capacity limit (memory grows with the delivery rate × TTL).
    #[must_use]
    pub fn unbounded() -> Self {
        Self { state: Mutex::new(State::default()), capacity: None }
    }

    /// The capacity, if bounded.
    #[must_use]
    pub fn capacity(&self) -> Option<usize> {
        self.capacity
    }

    /// Number of stored keys (including expired ones not yet swept).
    #[must_use]
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no key is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops keys expired at `now`; returns how many were removed.
    pub fn sweep(&self, now: i64) -> usize {
        self.lock().sweep(now)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The map stays consistent even if a holder panicked (no multi-step invariants).
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for InMemoryReplayStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for InMemoryReplayStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryReplayStore").field("len", &self.len()).field("capacity", &self.capacity).finish()
    }
}

impl ReplayStore for InMemoryReplayStore {
    fn check_and_insert(&self, key: &str, now: i64, ttl: Duration) -> Result<(), ReplayError> {
        if key.is_empty() {
            return Err(ReplayError::EmptyKey);
        }
        if key.len() > MAX_REPLAY_KEY_LEN {
            return Err(ReplayError::KeyTooLong { len: key.len(), max: MAX_REPLAY_KEY_LEN });
        }
        let expires = now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX));
        let mut state = self.lock();
        if let Some(existing) = state.entries.get_mut(key) {
            if *existing > now {
                return Err(ReplayError::Replayed { key: key.to_owned() });
            }
            *existing = expires;
            return Ok(());
        }
        state.inserts_since_sweep += 1;
        if state.inserts_since_sweep >= SWEEP_EVERY {
            state.sweep(now);
        }
        if let Some(capacity) = self.capacity
            && state.entries.len() >= capacity
        {
            state.sweep(now);
            if state.entries.len() >= capacity {
                return Err(ReplayError::CapacityExceeded { capacity });
            }
        }
        state.entries.insert(key.into(), expires);
        Ok(())
    }
}
