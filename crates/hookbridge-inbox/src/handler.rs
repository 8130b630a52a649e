//! [`Handler`] (what processes a stored delivery), [`HandlerError`] and [`Backoff`].

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

pub use hookbridge_verify::receive::BoxFuture;

use crate::model::StoredDelivery;

/// The longest `last_error` stored, in characters.
pub const MAX_ERROR_CHARS: usize = 500;

/// Why a handler did not handle a delivery: it is retried after a backoff, or goes `dead` once
/// its attempts are exhausted. The message is stored as `last_error` (truncated to
/// [`MAX_ERROR_CHARS`]) and shown by `inbox list` / `show`: never put a secret or the body in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerError {
    message: String,
}

impl HandlerError {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: truncate(message.into()) }
    }

    /// The message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HandlerError {}

pub(crate) fn truncate(mut message: String) -> String {
    if let Some((cut, _)) = message.char_indices().nth(MAX_ERROR_CHARS) {
        message.truncate(cut);
    }
    message
}

/// Processes one stored delivery. Return `Ok` only once it is durably handled: the row then
/// becomes `done` and is never handed out again (unless retried by hand).
///
/// **At-least-once**: a handler may see the same delivery more than once — after a worker
/// crashed (or lost its lease) between handling and recording it, or after `inbox retry`. Make
/// it idempotent, for example keyed on [`StoredDelivery::replay_key`].
///
/// Closures implement it through [`handler_fn`].
pub trait Handler: Send + Sync + 'static {
    /// Handles one delivery (attempt [`StoredDelivery::attempt`]).
    fn handle<'a>(&'a self, delivery: &'a StoredDelivery) -> BoxFuture<'a, Result<(), HandlerError>>;
}

impl<H: Handler + ?Sized> Handler for Arc<H> {
    fn handle<'a>(&'a self, delivery: &'a StoredDelivery) -> BoxFuture<'a, Result<(), HandlerError>> {
        (**self).handle(delivery)
    }
}

/// A [`Handler`] from an async closure taking the delivery by value (a cheap clone: the body is
/// reference counted).
///
/// ```
/// use hookbridge_inbox::{HandlerError, StoredDelivery, handler_fn};
///
/// let handler = handler_fn(|delivery: StoredDelivery| async move {
///     if delivery.body.is_empty() { Err(HandlerError::new("empty body")) } else { Ok(()) }
/// });
/// # let _ = &handler as &dyn hookbridge_inbox::Handler;
/// ```
pub fn handler_fn<F, Fut>(f: F) -> HandlerFn<F>
where
    F: Fn(StoredDelivery) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    HandlerFn(f)
}

/// See [`handler_fn`].
#[derive(Clone, Copy)]
pub struct HandlerFn<F>(F);

impl<F> fmt::Debug for HandlerFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HandlerFn(..)")
    }
}

impl<F, Fut> Handler for HandlerFn<F>
where
    F: Fn(StoredDelivery) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    fn handle<'a>(&'a self, delivery: &'a StoredDelivery) -> BoxFuture<'a, Result<(), HandlerError>> {
        Box::pin((self.0)(delivery.clone()))
    }
}

/// Exponential backoff with jitter between the attempts of a delivery.
///
/// The delay before attempt `n + 1`, after `n` failed attempts, is drawn uniformly from
/// `[d/2, d]` with `d = min(max, min · 2^(n-1))` ("equal jitter"): it still grows
/// exponentially, never drops below half the nominal delay, and spreads the retries of
/// deliveries that failed together (an application outage) instead of sending them back in
/// one burst.
///
/// The delay is computed from the attempt count stored in the row — not from an iterator
/// held by one process — because the next attempt may be made by any worker on any machine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    min: Duration,
    max: Duration,
}

impl Backoff {
    /// Delays from `min` (the first retry) up to `max` (at least `min`; a zero `min` is 1 ms).
    #[must_use]
    pub fn new(min: Duration, max: Duration) -> Self {
        let min = min.max(Duration::from_millis(1));
        Self { min, max: max.max(min) }
    }

    /// The smallest nominal delay.
    #[must_use]
    pub fn min(&self) -> Duration {
        self.min
    }

    /// The largest delay.
    #[must_use]
    pub fn max(&self) -> Duration {
        self.max
    }

    /// The nominal delay after `failed` attempts (before jitter).
    #[must_use]
    pub fn nominal(&self, failed: u32) -> Duration {
        let doublings = failed.saturating_sub(1).min(62);
        self.min.checked_mul(1_u32.checked_shl(doublings.min(31)).unwrap_or(u32::MAX)).unwrap_or(self.max).min(self.max)
    }

    /// The delay after `failed` attempts, jittered within `[nominal/2, nominal]`.
    #[must_use]
    pub fn delay(&self, failed: u32) -> Duration {
        let nominal = self.nominal(failed);
        let half = nominal / 2;
        let spread = u64::try_from((nominal - half).as_nanos()).unwrap_or(u64::MAX);
        // Without randomness (it never fails on supported systems) the nominal delay is used.
        let random = getrandom::u64().unwrap_or(u64::MAX);
        let jitter = if spread == 0 { 0 } else { random % (spread + 1) };
        half + Duration::from_nanos(jitter)
    }
}

impl Default for Backoff {
    /// 1 second, doubling up to 1 hour.
    fn default() -> Self {
        Self::new(Duration::from_secs(1), Duration::from_secs(3600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(backoff.nominal(1), Duration::from_millis(100));
        assert_eq!(backoff.nominal(2), Duration::from_millis(200));
        assert_eq!(backoff.nominal(4), Duration::from_millis(800));
        assert_eq!(backoff.nominal(5), Duration::from_secs(1));
        assert_eq!(backoff.nominal(u32::MAX), Duration::from_secs(1));
        for failed in 1..10 {
            let delay = backoff.delay(failed);
            let nominal = backoff.nominal(failed);
            assert!(delay >= nominal / 2 && delay <= nominal, "{failed}: {delay:?}");
        }
    }

    #[test]
    fn errors_are_bounded() {
        let long = "é".repeat(MAX_ERROR_CHARS * 2);
        assert_eq!(HandlerError::new(long).message().chars().count(), MAX_ERROR_CHARS);
    }
}
