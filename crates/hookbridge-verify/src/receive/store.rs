//! The dedupe store: at-least-once reservations shared by every receiver instance.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::key::ReplayKey;

/// A boxed, `Send` future: what the object-safe traits of this module return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Proof that one caller holds the reservation of a key: only its holder can
/// [`release`](DedupeStore::release) it, so an instance whose lease expired cannot free a
/// key that another instance has reserved since.
///
/// 128 bits (a random per-process prefix and a counter), printed in full by `Display` (it is not
/// a secret: it grants nothing but releasing one reservation) and by `Debug`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LeaseToken(Box<str>);

impl LeaseToken {
    /// A fresh token (32 hex characters): a random 64-bit prefix drawn once per process from the
    /// operating system, then a per-process counter — unique across the instances sharing a
    /// store, without a system call per delivery.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when the operating system's random source fails (only on the
    /// first call of the process).
    pub fn generate() -> Result<Self, StoreError> {
        static PREFIX: OnceLock<u64> = OnceLock::new();
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let prefix = match PREFIX.get() {
            Some(prefix) => *prefix,
            None => {
                let mut bytes = [0u8; 8];
                getrandom::fill(&mut bytes)
                    .map_err(|e| StoreError::unavailable(std::io::Error::other(e.to_string())))?;
                *PREFIX.get_or_init(|| u64::from_le_bytes(bytes))
            }
        };
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Ok(Self(format!("{prefix:016x}{n:016x}").into_boxed_str()))
    }

    /// A token from text a store kept (for store implementations reading one back).
    pub fn from_stored(text: impl Into<Box<str>>) -> Self {
        Self(text.into())
    }

    /// The token as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LeaseToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LeaseToken").field(&&*self.0).finish()
    }
}

impl fmt::Display for LeaseToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What [`DedupeStore::reserve`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reservation {
    /// The key was free (never seen, released, or its lease expired): the caller now holds it
    /// until the lease ends and must [`complete`](DedupeStore::complete) or
    /// [`release`](DedupeStore::release) it.
    Reserved(LeaseToken),
    /// A delivery with this key was handled: acknowledge the duplicate, do not handle it again.
    Completed,
    /// Another caller holds an unexpired reservation: the delivery is being handled right now.
    /// Answer with a retryable status; the provider's retry will find it completed or free.
    InFlight,
}

/// A dedupe store failed, or could not be set up. Every variant fails closed: the delivery is
/// not handled, nothing is recorded as done, and the provider is asked to retry (503).
///
/// No variant carries a password: URLs are never part of an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be reached or answered with an error.
    #[error("the dedupe store is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A bounded store is full of live keys and refuses new ones rather than forgetting a live
    /// key (which would let that delivery be handled twice).
    #[error("the dedupe store holds {capacity} live keys and refuses new ones")]
    Full {
        /// The store's capacity.
        capacity: usize,
    },
    /// The store answered something this client does not understand (a corrupted entry, a
    /// schema from another version).
    #[error("the dedupe store answered unexpectedly: {detail}")]
    Unexpected {
        /// What was unexpected (never a key's value or a secret).
        detail: String,
    },
    /// A store URL names a backend this build does not know (see
    /// [`connect_store`](super::connect_store)).
    #[error(
        "`{scheme}` is not a dedupe store URL scheme (expected `memory`, `redis://`, `rediss://`, `postgres://` or `postgresql://`)"
    )]
    UnknownScheme {
        /// The URL's scheme (never the rest of the URL: it may hold a password).
        scheme: String,
    },
    /// A store URL names a backend whose cargo feature is off in this build.
    #[error("`{scheme}` dedupe stores need hookbridge-verify's `{feature}` cargo feature, which is off in this build")]
    FeatureDisabled {
        /// The URL's scheme.
        scheme: String,
        /// The cargo feature that enables it.
        feature: &'static str,
    },
    /// A store's configuration is invalid (a malformed URL, an unusable option).
    #[error("invalid dedupe store configuration: {detail}")]
    InvalidConfig {
        /// What is wrong (never the URL itself or a password).
        detail: String,
    },
}

impl StoreError {
    /// [`StoreError::Unavailable`] from any error.
    pub fn unavailable(err: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Unavailable(Box::new(err))
    }
}

/// At-least-once deduplication of deliveries, shared by every receiver instance that uses the
/// same backend (after Stripe's idempotency keys: a key is *in flight* until the request
/// completes, and a failure releases it).
///
/// The pipeline calls, for every authentic delivery:
///
/// 1. [`reserve`](Self::reserve) — atomically: a free key becomes reserved by the caller for
///    `lease`; a completed key reports [`Reservation::Completed`]; a key reserved by someone
///    else (lease not expired) reports [`Reservation::InFlight`];
/// 2. after the application handled the delivery, [`complete`](Self::complete) — the key is
///    done for `retain` (duplicates within it are acknowledged without handling);
/// 3. or, when the application failed, [`release`](Self::release) — the key is free again so
///    the provider's retry is handled. Only the holder's token releases it.
///
/// A crashed instance never blocks a key for longer than its lease. Implementations must be
/// atomic across processes and fail closed: on any doubt return an error, never
/// [`Reservation::Reserved`] for a key that is done.
///
/// Shipped backends: [`InMemoryDedupeStore`](super::InMemoryDedupeStore) (one process), and
/// behind cargo features `redis` and `postgres`, stores shared by a fleet.
pub trait DedupeStore: fmt::Debug + Send + Sync {
    /// Reserves `key` for `lease` unless it is completed or reserved by someone else.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails (fail closed).
    fn reserve<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> BoxFuture<'a, Result<Reservation, StoreError>>;

    /// Marks `key` handled for `retain` (whoever holds it: the application did handle it).
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; the key then stays reserved until its lease
    /// expires, and a retry after that is handled again (at-least-once).
    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a LeaseToken,
        retain: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Frees `key` if `token` still holds its reservation (otherwise does nothing).
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; the key is then freed by its lease expiry.
    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a LeaseToken) -> BoxFuture<'a, Result<(), StoreError>>;
}

impl<T: DedupeStore + ?Sized> DedupeStore for std::sync::Arc<T> {
    fn reserve<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        (**self).reserve(key, lease)
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        token: &'a LeaseToken,
        retain: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).complete(key, token, retain)
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a LeaseToken) -> BoxFuture<'a, Result<(), StoreError>> {
        (**self).release(key, token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_share_the_process_prefix() {
        let a = LeaseToken::generate().ok();
        let b = LeaseToken::generate().ok();
        assert!(a.is_some() && b.is_some());
        let (a, b) =
            (a.unwrap_or_else(|| LeaseToken::from_stored("")), b.unwrap_or_else(|| LeaseToken::from_stored("")));
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 32);
        assert_eq!(a.as_str()[..16], b.as_str()[..16]);
    }
}
