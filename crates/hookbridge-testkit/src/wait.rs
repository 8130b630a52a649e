//! Waiting in a test for something that happens in the background (a worker, a process, a
//! store's expiry), with a bound: a hang guard, not a timing assertion.
//!
//! ```
//! use std::sync::atomic::{AtomicU32, Ordering};
//! use std::time::Duration;
//!
//! use hookbridge_testkit::wait::eventually;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), hookbridge_testkit::wait::TimedOut> {
//! let polls = AtomicU32::new(0);
//! let third = eventually("the third poll", Duration::from_secs(5), || async {
//!     (polls.fetch_add(1, Ordering::SeqCst) == 2).then_some("done")
//! })
//! .await?;
//! assert_eq!(third, "done");
//! let never = eventually("nothing", Duration::from_millis(50), || async { None::<()> }).await;
//! assert_eq!(never.unwrap_err().to_string(), "timed out after 50ms waiting for nothing");
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::time::Duration;

/// How long [`eventually`] waits between two checks.
pub const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Calls `check` every [`POLL_INTERVAL`] until it returns `Some`, for at most `within`.
///
/// # Errors
/// [`TimedOut`] naming `what` when `within` has passed without a value.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> Result<T, TimedOut>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return Ok(value);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(TimedOut { what: what.to_owned(), within });
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

/// [`eventually`] gave up: what it waited for, and for how long.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimedOut {
    /// What was waited for.
    pub what: String,
    /// How long.
    pub within: Duration,
}

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?} waiting for {}", self.within, self.what)
    }
}

impl std::error::Error for TimedOut {}
