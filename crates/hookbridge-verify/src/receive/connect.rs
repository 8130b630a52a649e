//! [`connect_store`]: a [`DedupeStore`] from a URL (`memory`, `redis://…`, `postgres://…`).

use std::sync::Arc;

use super::memory::InMemoryDedupeStore;
use super::store::{DedupeStore, StoreError};

/// Opens the dedupe store named by `url`, for configuration from a flag or an environment
/// variable (`hookbridge listen --replay-store URL`):
///
/// | URL | store | cargo feature |
/// |---|---|---|
/// | `memory` | [`InMemoryDedupeStore`] (this process only) | — |
/// | `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS) | `RedisDedupeStore` | `redis` (+ `rustls` for `rediss`) |
/// | `postgres://…`, `postgresql://…` | `PostgresDedupeStore` (creates its table on first use) | `postgres` (+ `rustls` for TLS) |
///
/// Redis and Postgres stores are shared by every process given the same URL; they are
/// connected (and the Postgres table created) before this returns, so a wrong URL or an
/// unreachable server is reported at startup.
///
/// ```
/// use hookbridge_verify::receive::{StoreError, connect_store};
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let store = connect_store("memory").await?;
/// # let _ = store;
/// assert!(matches!(connect_store("mongodb://db.internal").await, Err(StoreError::UnknownScheme { .. })));
/// # Ok::<_, StoreError>(())
/// # }).unwrap();
/// ```
///
/// ```no_run
/// use hookbridge_verify::receive::connect_store;
///
/// # async fn run() -> Result<(), hookbridge_verify::receive::StoreError> {
/// let url = std::env::var("HOOKBRIDGE_REPLAY_STORE").unwrap_or_else(|_| "memory".to_owned());
/// let store = connect_store(&url).await?; // Arc<dyn DedupeStore>, for Pipeline::with_store
/// # let _ = store;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// [`StoreError::UnknownScheme`] for another scheme, [`StoreError::FeatureDisabled`] when the
/// backend's cargo feature is off, [`StoreError::InvalidConfig`] for a malformed URL, and
/// [`StoreError::Unavailable`] when the server cannot be reached. No error repeats the URL.
pub async fn connect_store(url: &str) -> Result<Arc<dyn DedupeStore>, StoreError> {
    let url = url.trim();
    if url.eq_ignore_ascii_case("memory") || url.eq_ignore_ascii_case("memory://") {
        return Ok(Arc::new(InMemoryDedupeStore::new()));
    }
    let Some(scheme) = scheme_of(url) else {
        return Err(StoreError::InvalidConfig {
            detail: "a dedupe store URL is `memory` or `<scheme>://…` (redis, rediss, postgres, postgresql)".to_owned(),
        });
    };
    match scheme.as_str() {
        "redis" | "rediss" => connect_redis(url, scheme).await,
        "postgres" | "postgresql" => connect_postgres(url, scheme).await,
        _ => Err(StoreError::UnknownScheme { scheme }),
    }
}

#[cfg(feature = "redis")]
async fn connect_redis(url: &str, _scheme: String) -> Result<Arc<dyn DedupeStore>, StoreError> {
    Ok(Arc::new(super::redis::RedisDedupeStore::connect(url).await?))
}

#[cfg(not(feature = "redis"))]
async fn connect_redis(_url: &str, scheme: String) -> Result<Arc<dyn DedupeStore>, StoreError> {
    Err(StoreError::FeatureDisabled { scheme, feature: "redis" })
}

#[cfg(feature = "postgres")]
async fn connect_postgres(url: &str, _scheme: String) -> Result<Arc<dyn DedupeStore>, StoreError> {
    Ok(Arc::new(super::postgres::PostgresDedupeStore::connect(url).await?))
}

#[cfg(not(feature = "postgres"))]
async fn connect_postgres(_url: &str, scheme: String) -> Result<Arc<dyn DedupeStore>, StoreError> {
    Err(StoreError::FeatureDisabled { scheme, feature: "postgres" })
}

/// The lowercased scheme of `url` when it has the form `<scheme>://…` with an RFC 3986
/// scheme; `None` otherwise (so that nothing else of the URL ends up in an error).
pub(crate) fn scheme_of(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once("://")?;
    let mut chars = scheme.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (first_ok && rest_ok && scheme.len() <= 32).then(|| scheme.to_ascii_lowercase())
}

/// `url` safe to print: the password of the user info is replaced by `***`, and the query
/// (which may hold `password=`) and fragment by `?…`. Used by the stores' `Debug`.
#[cfg(any(feature = "redis", feature = "postgres", test))]
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<not a URL>".to_owned();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let mut out = String::with_capacity(url.len());
    out.push_str(scheme);
    out.push_str("://");
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            match userinfo.split_once(':') {
                Some((user, _password)) => {
                    out.push_str(user);
                    out.push_str(":***");
                }
                // `redis://secret@host`: Redis reads a lone user info as the password.
                None => out.push_str("***"),
            }
            out.push('@');
            out.push_str(host);
        }
        None => out.push_str(authority),
    }
    let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
    out.push_str(&tail[..path_end]);
    if path_end < tail.len() {
        out.push_str("?…");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(redact_url("redis://127.0.0.1:6379/0"), "redis://127.0.0.1:6379/0");
        assert_eq!(redact_url("redis://:hunter2@h:6379"), "redis://:***@h:6379");
        assert_eq!(redact_url("redis://hunter2@h"), "redis://***@h");
        assert_eq!(redact_url("postgres://app:p%40ss@db/x?sslmode=require"), "postgres://app:***@db/x?…");
        assert_eq!(redact_url("postgres://db/x?password=hunter2"), "postgres://db/x?…");
        assert_eq!(redact_url("postgres://a:b@c@db"), "postgres://a:***@db");
        assert_eq!(redact_url("hunter2"), "<not a URL>");
    }

    #[test]
    fn schemes_are_checked() {
        assert_eq!(scheme_of("Redis://h").as_deref(), Some("redis"));
        assert_eq!(scheme_of("postgresql://h").as_deref(), Some("postgresql"));
        assert_eq!(scheme_of("user:pass@host://x"), None);
        assert_eq!(scheme_of("memory"), None);
    }
}
