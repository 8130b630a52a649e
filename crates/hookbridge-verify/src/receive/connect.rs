//! [`connect_store`]: a [`DedupeStore`] from a URL (`memory`, `redis://…`, `postgres://…`).

use std::sync::Arc;

use super::memory::InMemoryDedupeStore;
use super::store::{DedupeStore, StoreError};
use super::url_text::scheme_of;

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
