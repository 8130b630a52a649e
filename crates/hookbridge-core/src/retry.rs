//! Retry policy: which failures are retried, how often, and how long to wait.
//!
//! The rules, after the Stripe SDKs and svix:
//! * only connection failures, timeouts, 429, 502, 503 and 504 are retried; other 4xx and 500 are not;
//! * a request is retried only when repeating it is safe: GET, PUT and DELETE, or a create that
//!   carries an idempotency key (kept identical across attempts). A connection that failed before
//!   the request left is always safe to retry;
//! * `Retry-After` (seconds or an HTTP date) is honoured, up to [`RetryPolicy::max_retry_after`];
//! * waits grow exponentially with jitter, within `max_attempts` and `max_elapsed`.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};

use crate::Timestamp;

/// How a client retries failed requests. Set per client in [`crate::ClientConfig`] and override per request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Wait before the first retry.
    pub initial_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// Stop retrying once this much time has passed since the first attempt.
    pub max_elapsed: Option<Duration>,
    /// Randomise waits (recommended: avoids synchronised retries).
    pub jitter: bool,
    /// Longest `Retry-After` honoured; a provider asking for more makes the error final.
    pub max_retry_after: Duration,
    /// Whether a "closed" answer ([`crate::ApiErrorKind::Closed`]: scheduled unavailability such
    /// as service hours) is waited out (`true`) or returned at once (`false`, the default).
    pub retry_when_closed: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Some(Duration::from_secs(60)),
            jitter: true,
            max_retry_after: Duration::from_secs(60),
            retry_when_closed: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Sets the total number of attempts (at least 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets the initial and maximum backoff.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the overall retry budget.
    pub fn max_elapsed(mut self, max: Option<Duration>) -> Self {
        self.max_elapsed = max;
        self
    }

    /// Enables or disables jitter.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// Sets the longest honoured `Retry-After`.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Whether to wait out "closed" answers ([`crate::ApiErrorKind::Closed`]).
    pub fn retry_when_closed(mut self, on: bool) -> Self {
        self.retry_when_closed = on;
        self
    }

    /// The schedule of waits between attempts (`max_attempts - 1` of them).
    pub fn schedule(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        let mut builder = ExponentialBuilder::new()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(2.0)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize);
        if self.jitter {
            builder = builder.with_jitter();
        }
        builder.build()
    }
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP date (RFC 9110), relative to `now`.
/// Returns `None` for anything else; a date in the past gives zero.
pub fn parse_retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() || value.len() > 64 {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let secs = when.as_second().saturating_sub(now.as_second());
    Some(Duration::from_secs(secs.max(0).unsigned_abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now: Timestamp = "2015-10-21T07:27:00Z".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(60)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("99999999999999999999999", now), None);
    }

    #[test]
    fn schedule_is_bounded_and_grows() {
        let p = RetryPolicy::default().jitter(false).max_attempts(4);
        let waits: Vec<_> = p.schedule().collect();
        assert_eq!(waits, vec![Duration::from_millis(250), Duration::from_millis(500), Duration::from_secs(1)]);
        assert_eq!(RetryPolicy::none().schedule().count(), 0);
    }
}
