//! Real services for tests, named by environment variables: what a test needs to run against
//! the Redis and PostgreSQL servers a CI script (or a developer) started.
//!
//! * `HOOKBRIDGE_TEST_REDIS_URL` — a Redis (`redis://127.0.0.1:6379/0`);
//! * `HOOKBRIDGE_TEST_DATABASE_URL` — a PostgreSQL database the role may create tables in.
//!
//! When one is unset, a test asking for it **fails** in CI (environment variable `CI` set and
//! not `false` / `0`) — tests of real services must never be skipped there — and is skipped
//! locally with a visible `SKIPPED` notice written straight to the process's stderr.
//!
//! ```
//! # fn main() {
//! if let Some(url) = hookbridge_testkit::services::redis_url("my_redis_test") {
//!     // connect to `url` and test against the real server
//!     # let _ = url;
//! }
//! # }
//! ```

use std::io::Write as _;

/// The environment variable naming the test Redis.
pub const REDIS_URL_VAR: &str = "HOOKBRIDGE_TEST_REDIS_URL";
/// The environment variable naming the test PostgreSQL database.
pub const DATABASE_URL_VAR: &str = "HOOKBRIDGE_TEST_DATABASE_URL";

/// Whether this run is CI: `CI` set to anything but empty, `0` or `false`.
#[must_use]
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

/// The URL in `var`, or `None` (with a `SKIPPED` notice on stderr) when unset outside CI.
///
/// # Panics
/// In CI when `var` is unset: a test of a real service must never be skipped there.
#[must_use]
pub fn service_url(var: &str, what: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if in_ci() => panic!(
            "{test}: {var} is not set, and tests of real services must not be skipped in CI: start {what} \
             (`.ci/run` does) and set {var}"
        ),
        _ => {
            let notice = format!(
                "SKIPPED ({test}): set {var} to a {what} URL to run this test (see the README, \
                 \"Tests that need Redis and Postgres\")\n"
            );
            let _ = std::io::stderr().lock().write_all(notice.as_bytes());
            None
        }
    }
}

/// The test Redis URL ([`REDIS_URL_VAR`]); see [`service_url`].
#[must_use]
pub fn redis_url(test: &str) -> Option<String> {
    service_url(REDIS_URL_VAR, "Redis", test)
}

/// The test PostgreSQL URL ([`DATABASE_URL_VAR`]); see [`service_url`].
#[must_use]
pub fn database_url(test: &str) -> Option<String> {
    service_url(DATABASE_URL_VAR, "PostgreSQL", test)
}

/// `label` followed by `-` and 16 random hex digits: a name of its own for each test run (keys,
/// schemas, prefixes), as runs may share one server, in parallel and repeatedly.
#[must_use]
pub fn unique(label: &str) -> String {
    format!("{label}-{}", crate::server::random_hex::<8>())
}
