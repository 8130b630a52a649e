//! The real servers the store tests run against, named by environment variables:
//!
//! * `HOOKBRIDGE_TEST_REDIS_URL` — a Redis (`redis://127.0.0.1:6379/0`);
//! * `HOOKBRIDGE_TEST_DATABASE_URL` — a PostgreSQL database the role may create a table in
//!   (`postgres://hookbridge:hookbridge-test-password@127.0.0.1:5432/hookbridge_test`).
//!
//! `.ci/run` installs and starts both and sets the variables. When one is unset, its tests
//! **fail** in CI (environment variable `CI` set, not `false`) — a store test must never be
//! skipped there — and are skipped locally with a visible `SKIPPED` notice on stderr.

/// Whether this run is CI (`CI` set to anything but empty, `0` or `false`).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}

fn service_url(var: &str, what: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if in_ci() => panic!(
            "{test}: {var} is not set, and store tests must not be skipped in CI: start {what} \
             (`.ci/run` does) and set {var}"
        ),
        _ => {
            // Straight to the process's stderr: the test harness captures `eprintln!`, and this
            // notice must be seen.
            use std::io::Write as _;
            let notice = format!(
                "SKIPPED ({test}): set {var} to a {what} URL to run this test (see the README, \
                 \"Tests that need Redis and Postgres\")\n"
            );
            let _ = std::io::stderr().lock().write_all(notice.as_bytes());
            None
        }
    }
}

/// The Redis URL, or `None` (test skipped, with a notice) when unset outside CI.
///
/// # Panics
/// In CI when `HOOKBRIDGE_TEST_REDIS_URL` is unset.
pub(crate) fn redis_url(test: &str) -> Option<String> {
    service_url("HOOKBRIDGE_TEST_REDIS_URL", "Redis", test)
}

/// The PostgreSQL URL, or `None` (test skipped, with a notice) when unset outside CI.
///
/// # Panics
/// In CI when `HOOKBRIDGE_TEST_DATABASE_URL` is unset.
pub(crate) fn database_url(test: &str) -> Option<String> {
    service_url("HOOKBRIDGE_TEST_DATABASE_URL", "PostgreSQL", test)
}

/// A random hex string, to give each test run its own keys (runs may share one server, in
/// parallel and repeatedly).
pub(crate) fn unique(label: &str) -> String {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    format!("{label}-{}", hex::encode(bytes))
}

/// Replaces host and port of `url` (`scheme://[userinfo@]host:port/rest`) by `addr`.
pub(crate) fn with_addr(url: &str, addr: std::net::SocketAddr) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let userinfo = authority.rsplit_once('@').map(|(u, _)| format!("{u}@")).unwrap_or_default();
    format!("{scheme}://{userinfo}{addr}{tail}")
}

/// `host:port` of `url`.
pub(crate) fn addr_of(url: &str) -> String {
    let rest = url.split_once("://").unwrap().1;
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.contains(':') {
        return host_port.to_owned();
    }
    let port = if url.starts_with("redis") { 6379 } else { 5432 };
    format!("{host_port}:{port}")
}
