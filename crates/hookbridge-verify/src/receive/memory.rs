//! [`InMemoryDedupeStore`]: a bounded, process-local [`DedupeStore`] with ordered expiry.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::key::ReplayKey;
use super::store::{BoxFuture, DedupeStore, LeaseToken, Reservation, StoreError};

/// Default capacity of [`InMemoryDedupeStore::new`]: 100 000 live keys.
pub const DEFAULT_MEMORY_CAPACITY: usize = 100_000;

/// A clock in milliseconds since an arbitrary origin (monotonic).
pub type MillisClock = dyn Fn() -> u64 + Send + Sync;

#[derive(Debug)]
enum State {
    Reserved(LeaseToken),
    Completed,
}

#[derive(Debug)]
struct Entry {
    state: State,
    expires_at: u64,
    /// Orders entries with the same expiry and identifies this entry in `expiry`.
    seq: u64,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<Box<str>, Entry>,
    /// (expires_at, seq) → key, so expired entries are dropped from the front, never by a scan.
    expiry: BTreeMap<(u64, u64), Box<str>>,
    next_seq: u64,
}

impl Inner {
    /// Drops every entry expired at `now`: O(expired · log n).
    fn expire(&mut self, now: u64) {
        while let Some(entry) = self.expiry.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let ((_, seq), key) = entry.remove_entry();
            if self.entries.get(&key).is_some_and(|e| e.seq == seq) {
                self.entries.remove(&key);
            }
        }
    }

    fn set(&mut self, key: &str, state: State, expires_at: u64) {
        self.next_seq += 1;
        let seq = self.next_seq;
        let boxed: Box<str> = key.into();
        if let Some(old) = self.entries.insert(boxed.clone(), Entry { state, expires_at, seq }) {
            self.expiry.remove(&(old.expires_at, old.seq));
        }
        self.expiry.insert((expires_at, seq), boxed);
    }

    fn remove(&mut self, key: &str) {
        if let Some(old) = self.entries.remove(key) {
            self.expiry.remove(&(old.expires_at, old.seq));
        }
    }
}

/// A [`DedupeStore`] for one process: a map plus an expiry index, behind one mutex held for
/// microseconds (no await inside).
///
/// * **Ordered expiry**: entries are dropped in expiry order as time passes; no operation
///   scans the whole map.
/// * **Bounded**: at most [`capacity`](Self::capacity) live keys; when full, new keys are
///   refused with [`StoreError::Full`] (fail closed: the provider retries later) rather than
///   forgetting a live key.
///
/// Several processes behind a load balancer each keep their own copy: use the Redis or
/// Postgres store for a fleet.
///
/// ```
/// use std::time::Duration;
/// use hookbridge_verify::receive::{DedupeStore, InMemoryDedupeStore, Reservation, ReplayKey};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = InMemoryDedupeStore::new();
/// let key = ReplayKey::signed_digest("miex", None, b"{}");
/// let Reservation::Reserved(token) = store.reserve(&key, Duration::from_secs(30)).await? else { panic!() };
/// assert_eq!(store.reserve(&key, Duration::from_secs(30)).await?, Reservation::InFlight);
/// store.complete(&key, &token, Duration::from_secs(3600)).await?;
/// assert_eq!(store.reserve(&key, Duration::from_secs(30)).await?, Reservation::Completed);
/// # Ok::<_, hookbridge_verify::receive::StoreError>(())
/// # }).unwrap();
/// ```
pub struct InMemoryDedupeStore {
    inner: Mutex<Inner>,
    capacity: usize,
    clock: Arc<MillisClock>,
}

impl InMemoryDedupeStore {
    /// A store holding at most [`DEFAULT_MEMORY_CAPACITY`] live keys.
    #[must_use]
    pub fn new() -> Self {
        Self::with_capacity(DEFAULT_MEMORY_CAPACITY)
    }

    /// A store holding at most `capacity` live keys.
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        let origin = Instant::now();
        let clock = move || u64::try_from(origin.elapsed().as_millis()).unwrap_or(u64::MAX);
        Self { inner: Mutex::new(Inner::default()), capacity, clock: Arc::new(clock) }
    }

    /// Replaces the clock (milliseconds, monotonic), for tests of lease expiry.
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The capacity.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Number of live keys (reserved or completed, unexpired as of the last operation).
    #[must_use]
    pub fn len(&self) -> usize {
        let now = (self.clock)();
        let mut inner = self.lock();
        inner.expire(now);
        inner.entries.len()
    }

    /// Whether no key is live.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Every mutation keeps the map and the index consistent before it can panic.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn reserve_now(&self, key: &ReplayKey, lease: Duration) -> Result<Reservation, StoreError> {
        let now = (self.clock)();
        let token = LeaseToken::generate()?;
        let mut inner = self.lock();
        inner.expire(now);
        match inner.entries.get(key.as_str()).map(|e| &e.state) {
            Some(State::Completed) => return Ok(Reservation::Completed),
            Some(State::Reserved(_)) => return Ok(Reservation::InFlight),
            None => {}
        }
        if inner.entries.len() >= self.capacity {
            return Err(StoreError::Full { capacity: self.capacity });
        }
        inner.set(key.as_str(), State::Reserved(token.clone()), now.saturating_add(millis(lease)));
        Ok(Reservation::Reserved(token))
    }

    fn complete_now(&self, key: &ReplayKey, retain: Duration) -> Result<(), StoreError> {
        let now = (self.clock)();
        let mut inner = self.lock();
        inner.expire(now);
        if !inner.entries.contains_key(key.as_str()) && inner.entries.len() >= self.capacity {
            return Err(StoreError::Full { capacity: self.capacity });
        }
        inner.set(key.as_str(), State::Completed, now.saturating_add(millis(retain)));
        Ok(())
    }

    fn release_now(&self, key: &ReplayKey, token: &LeaseToken) {
        let now = (self.clock)();
        let mut inner = self.lock();
        inner.expire(now);
        let held =
            matches!(inner.entries.get(key.as_str()), Some(Entry { state: State::Reserved(t), .. }) if t == token);
        if held {
            inner.remove(key.as_str());
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Default for InMemoryDedupeStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for InMemoryDedupeStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InMemoryDedupeStore").field("capacity", &self.capacity).finish_non_exhaustive()
    }
}

impl DedupeStore for InMemoryDedupeStore {
    fn reserve<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        let result = self.reserve_now(key, lease);
        Box::pin(std::future::ready(result))
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        _token: &'a LeaseToken,
        retain: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        let result = self.complete_now(key, retain);
        Box::pin(std::future::ready(result))
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a LeaseToken) -> BoxFuture<'a, Result<(), StoreError>> {
        self.release_now(key, token);
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    #[test]
    fn expiry_is_ordered_and_bounded() {
        let now = Arc::new(AtomicU64::new(0));
        let clock = now.clone();
        let store = InMemoryDedupeStore::with_capacity(2).with_clock(move || clock.load(Ordering::SeqCst));
        let a = ReplayKey::signed_digest("t", None, b"a");
        let b = ReplayKey::signed_digest("t", None, b"b");
        let c = ReplayKey::signed_digest("t", None, b"c");
        let lease = Duration::from_millis(100);
        assert!(matches!(block_on(store.reserve(&a, lease)), Ok(Reservation::Reserved(_))));
        assert!(matches!(block_on(store.reserve(&b, Duration::from_millis(200))), Ok(Reservation::Reserved(_))));
        assert!(matches!(block_on(store.reserve(&c, lease)), Err(StoreError::Full { capacity: 2 })));
        now.store(100, Ordering::SeqCst);
        // `a`'s lease ended: it is free again and there is room for `c`.
        assert_eq!(store.len(), 1);
        assert!(matches!(block_on(store.reserve(&c, lease)), Ok(Reservation::Reserved(_))));
        assert!(matches!(block_on(store.reserve(&a, lease)), Err(StoreError::Full { .. })));
        now.store(200, Ordering::SeqCst);
        assert!(matches!(block_on(store.reserve(&a, lease)), Ok(Reservation::Reserved(_))));
    }

    #[test]
    fn only_the_holder_releases() {
        let store = InMemoryDedupeStore::new();
        let key = ReplayKey::signed_digest("t", None, b"k");
        let Ok(Reservation::Reserved(token)) = block_on(store.reserve(&key, Duration::from_secs(60))) else {
            unreachable!("a fresh key is reserved")
        };
        let other = LeaseToken::from_stored("someone-else");
        assert!(block_on(store.release(&key, &other)).is_ok());
        assert_eq!(block_on(store.reserve(&key, Duration::from_secs(60))).ok(), Some(Reservation::InFlight));
        assert!(block_on(store.release(&key, &token)).is_ok());
        assert!(matches!(block_on(store.reserve(&key, Duration::from_secs(60))), Ok(Reservation::Reserved(_))));
    }
}
