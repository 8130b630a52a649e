//! [`PostgresDedupeStore`]: a [`DedupeStore`] shared by a fleet through PostgreSQL.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use sqlx::postgres::PgPool;

use super::key::ReplayKey;
use super::pg_store::{self, Migration, PgFailure, PgPoolConfig, PgStoreBase, PgUrlError, millis};
use super::store::{BoxFuture, DedupeStore, LeaseToken, Reservation, StoreError};

/// The schema of [`PostgresDedupeStore`] (`migrations/0001_dedupe.sql` in this crate): the
/// `hookbridge_dedupe` table and its expiry index. Idempotent. The store applies it itself
/// on first use; it is public for deployments that apply schema changes from their own
/// migration tool (the store's own application of it then changes nothing).
pub const POSTGRES_MIGRATION: &str = include_str!("../../migrations/0001_dedupe.sql");

/// Default bound on one store operation of a [`PostgresDedupeStore`] (taking a connection
/// from the pool included), also the server-side `statement_timeout`: 5 s.
pub const DEFAULT_POSTGRES_TIMEOUT: Duration = Duration::from_secs(5);

/// Default size of a [`PostgresDedupeStore`]'s connection pool.
pub const DEFAULT_POSTGRES_MAX_CONNECTIONS: u32 = 10;

/// [`POSTGRES_MIGRATION`] under its `pg_advisory_xact_lock` key (`"hbdedupe"` in ASCII), which
/// serialises concurrent first uses.
const MIGRATION: Migration = Migration::new(0x6862_6465_6475_7065, POSTGRES_MIGRATION);

/// Expired rows deleted per statement by [`PostgresDedupeStore::purge_expired`].
const PURGE_BATCH: i64 = 10_000;

/// A reserve that finds the key held, then free again before it can read who held it,
/// tries again this many times, then answers in flight (retryable).
const RESERVE_ATTEMPTS: usize = 3;

const RESERVE_SQL: &str = "\
INSERT INTO hookbridge_dedupe AS d (key, state, token, expires_at)
VALUES ($1, 'reserved', $2, now() + make_interval(secs => $3::double precision / 1000.0))
ON CONFLICT (key) DO UPDATE
    SET state = 'reserved', token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
    WHERE d.expires_at <= now()
RETURNING d.token";

const HOLDER_SQL: &str = "SELECT state FROM hookbridge_dedupe WHERE key = $1 AND expires_at > now()";

const COMPLETE_SQL: &str = "\
INSERT INTO hookbridge_dedupe AS d (key, state, token, expires_at)
VALUES ($1, 'completed', NULL, now() + make_interval(secs => $2::double precision / 1000.0))
ON CONFLICT (key) DO UPDATE
    SET state = 'completed', token = NULL, expires_at = EXCLUDED.expires_at";

const RELEASE_SQL: &str = "DELETE FROM hookbridge_dedupe WHERE key = $1 AND state = 'reserved' AND token = $2";

const PURGE_SQL: &str = "\
DELETE FROM hookbridge_dedupe WHERE key IN (
    SELECT key FROM hookbridge_dedupe WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED
)";

/// A [`DedupeStore`] in PostgreSQL, shared by every receiver instance given the same
/// database. One row per replay key in table `hookbridge_dedupe` (see [`POSTGRES_MIGRATION`]):
///
/// * reserve — `INSERT … ON CONFLICT (key) DO UPDATE … WHERE expires_at <= now() RETURNING`:
///   a new key, or one whose lease or retention has passed, becomes reserved by the caller in
///   one atomic statement; otherwise the row's state says completed or in flight;
/// * complete — an upsert to `completed` until `now() + retain` (unconditional: the
///   application did handle it);
/// * release — `DELETE … WHERE state = 'reserved' AND token = <the holder's token>`.
///
/// All times are the server's (`now()`), so receiver clocks do not matter.
///
/// **Schema**: pointing the store at an empty database just works — on first use it applies
/// [`POSTGRES_MIGRATION`] (`CREATE TABLE IF NOT EXISTS`, `CREATE INDEX IF NOT EXISTS`) in a
/// transaction holding `pg_advisory_xact_lock`, so processes starting together apply it one
/// after the other. The role needs `CREATE` on its schema the first time (or apply the SQL
/// yourself), then `SELECT`, `INSERT`, `UPDATE`, `DELETE` on the table. To use another schema,
/// set the search path in the URL: `?options=-c%20search_path%3Dwebhooks`.
///
/// **Purging**: expired rows are taken over by later reservations of the same key but are
/// otherwise kept; call [`purge_expired`](Self::purge_expired) periodically (hourly is plenty),
/// or run `DELETE FROM hookbridge_dedupe WHERE expires_at <= now()` from a scheduler.
///
/// **Outages**: every operation is bounded by [`timeout`](PostgresDedupeStoreBuilder::timeout)
/// (pool acquisition, and as the server's `statement_timeout`); an unreachable database
/// answers [`StoreError::Unavailable`] within it (the pipeline answers 503). Broken
/// connections are replaced by the pool once the server is back. A statement the server
/// refuses (a table of another shape, a check violation) fails closed with
/// [`StoreError::Unexpected`].
///
/// `Debug` shows the URL without its password.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use hookbridge_verify::receive::PostgresDedupeStore;
///
/// # async fn run() -> Result<(), hookbridge_verify::receive::StoreError> {
/// let store = PostgresDedupeStore::builder("postgres://app:secret@db.internal/payments")
///     .timeout(Duration::from_secs(2))
///     .connect()
///     .await?; // the table exists from here on
/// // Pipeline::new(spec).with_store(Arc::new(store.clone()))
/// // and, from a periodic task:
/// let purged = store.purge_expired().await?;
/// # let _ = purged;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub struct PostgresDedupeStore {
    base: PgStoreBase,
}

/// Configures and connects a [`PostgresDedupeStore`]; see [`PostgresDedupeStore::builder`].
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub struct PostgresDedupeStoreBuilder {
    config: PgPoolConfig,
}

impl PostgresDedupeStoreBuilder {
    /// Bounds each store operation (default [`DEFAULT_POSTGRES_TIMEOUT`]): waiting for a pooled
    /// connection, and each statement (`statement_timeout`). A zero duration is replaced by
    /// the default.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config = self.config.with_timeout(timeout);
        self
    }

    /// The largest number of connections the store opens (default
    /// [`DEFAULT_POSTGRES_MAX_CONNECTIONS`]; at least 1).
    #[must_use]
    pub fn max_connections(mut self, max: u32) -> Self {
        self.config = self.config.with_max_connections(max);
        self
    }

    /// Connects, applies the schema if needed (both within the timeout) and returns the store.
    ///
    /// # Errors
    /// [`StoreError::InvalidConfig`] for a malformed URL; [`StoreError::FeatureDisabled`] for an
    /// `sslmode` that requires TLS without the `rustls` cargo feature;
    /// [`StoreError::Unavailable`] when the
    /// database cannot be reached or refuses the credentials; [`StoreError::Unexpected`] when
    /// the schema cannot be applied (no `CREATE` right, a table of another shape). Errors never
    /// contain the URL.
    pub async fn connect(self) -> Result<PostgresDedupeStore, StoreError> {
        let base = PgStoreBase::connect_lazy(&self.config, MIGRATION).map_err(|err| match err {
            PgUrlError::UnknownScheme { scheme } => StoreError::UnknownScheme { scheme },
            PgUrlError::Malformed => StoreError::InvalidConfig { detail: err.to_string() },
            PgUrlError::TlsDisabled => StoreError::FeatureDisabled {
                scheme: "postgres (sslmode=require, verify-ca or verify-full)".to_owned(),
                feature: "rustls",
            },
        })?;
        let store = PostgresDedupeStore { base };
        store.migrate().await?;
        Ok(store)
    }
}

impl fmt::Debug for PostgresDedupeStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config.fmt_as("PostgresDedupeStoreBuilder", f)
    }
}

fn store_error(err: sqlx::Error) -> StoreError {
    let failure = PgFailure::from(err);
    // Never the server's message: it may quote a key.
    let detail = failure.detail("hookbridge_dedupe");
    match failure {
        PgFailure::Unavailable(err) => StoreError::unavailable(err),
        PgFailure::InvalidConfig => StoreError::InvalidConfig { detail },
        PgFailure::Refused { .. } | PgFailure::OtherShape => StoreError::Unexpected { detail },
    }
}

/// Runs `op` within `timeout`; past it, [`StoreError::Unavailable`].
async fn bounded<T>(timeout: Duration, op: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
    pg_store::bounded(timeout, op, StoreError::unavailable).await
}

impl PostgresDedupeStore {
    /// Connects to `url` (`postgres://…` or `postgresql://…`, libpq URL syntax; TLS with the
    /// `rustls` feature and `sslmode=require` / `verify-full`) with the default timeout and
    /// pool size, and applies the schema if needed.
    ///
    /// # Errors
    /// See [`PostgresDedupeStoreBuilder::connect`].
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::builder(url).connect().await
    }

    /// A builder for a store at `url`, to set the timeout and the pool size.
    #[must_use]
    pub fn builder(url: &str) -> PostgresDedupeStoreBuilder {
        PostgresDedupeStoreBuilder {
            config: PgPoolConfig::new(url, DEFAULT_POSTGRES_TIMEOUT, DEFAULT_POSTGRES_MAX_CONNECTIONS),
        }
    }

    /// A store on a pool the application already has. The schema is applied on first use.
    /// Configure the pool's `acquire_timeout` (and the connections' `statement_timeout`) as
    /// you want them; every store operation is also bounded by `timeout`.
    #[must_use]
    pub fn from_pool(pool: PgPool, timeout: Duration) -> Self {
        Self { base: PgStoreBase::from_pool(pool, timeout, DEFAULT_POSTGRES_TIMEOUT, MIGRATION) }
    }

    /// The bound on each operation.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.base.timeout()
    }

    /// The connection pool.
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        self.base.pool()
    }

    /// Applies [`POSTGRES_MIGRATION`] unless this store already did; done by every operation
    /// on first use, so calling it is only a way to fail at startup rather than at the first
    /// delivery. Safe when several processes do it at once.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] (database unreachable) or [`StoreError::Unexpected`]
    /// (the schema could not be applied).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        bounded(self.timeout(), self.ensure_schema()).await
    }

    /// Deletes the rows whose lease or retention has passed (they already count as absent),
    /// in batches, and returns how many. Safe to run from several processes and while
    /// receivers run.
    ///
    /// # Errors
    /// [`StoreError`] when a batch fails; rows deleted by earlier batches stay deleted.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        bounded(self.timeout(), self.ensure_schema()).await?;
        let mut total = 0;
        loop {
            let deleted = bounded(self.timeout(), async {
                let done = sqlx::query(PURGE_SQL).bind(PURGE_BATCH).execute(self.pool()).await.map_err(store_error)?;
                Ok(done.rows_affected())
            })
            .await?;
            total += deleted;
            if deleted < u64::try_from(PURGE_BATCH).unwrap_or(u64::MAX) {
                return Ok(total);
            }
        }
    }

    async fn ensure_schema(&self) -> Result<(), StoreError> {
        self.base.ensure_schema().await.map_err(store_error)
    }

    async fn reserve_now(&self, key: &ReplayKey, lease: Duration) -> Result<Reservation, StoreError> {
        self.ensure_schema().await?;
        let token = LeaseToken::generate()?;
        for _ in 0..RESERVE_ATTEMPTS {
            let reserved: Option<String> = sqlx::query_scalar(RESERVE_SQL)
                .bind(key.as_str())
                .bind(token.as_str())
                .bind(millis(lease))
                .fetch_optional(self.pool())
                .await
                .map_err(store_error)?;
            match reserved {
                Some(held) if held == token.as_str() => return Ok(Reservation::Reserved(token)),
                Some(_) => {
                    return Err(StoreError::Unexpected {
                        detail: "PostgreSQL returned another lease token".to_owned(),
                    });
                }
                None => {}
            }
            // Held by someone else (unexpired). Which state? Read with a fresh snapshot: the
            // conflicting row may have been committed after the insert's snapshot was taken.
            let state: Option<String> = sqlx::query_scalar(HOLDER_SQL)
                .bind(key.as_str())
                .fetch_optional(self.pool())
                .await
                .map_err(store_error)?;
            match state.as_deref() {
                Some("completed") => return Ok(Reservation::Completed),
                Some("reserved") => return Ok(Reservation::InFlight),
                Some(_) => {
                    return Err(StoreError::Unexpected {
                        detail: "a hookbridge_dedupe row has an unknown state".to_owned(),
                    });
                }
                // Released or expired in between: try again.
                None => {}
            }
        }
        // The key keeps changing hands: someone is handling it; the provider retries later.
        Ok(Reservation::InFlight)
    }

    async fn complete_now(&self, key: &ReplayKey, retain: Duration) -> Result<(), StoreError> {
        self.ensure_schema().await?;
        sqlx::query(COMPLETE_SQL)
            .bind(key.as_str())
            .bind(millis(retain))
            .execute(self.pool())
            .await
            .map_err(store_error)?;
        Ok(())
    }

    async fn release_now(&self, key: &ReplayKey, token: &LeaseToken) -> Result<(), StoreError> {
        self.ensure_schema().await?;
        sqlx::query(RELEASE_SQL)
            .bind(key.as_str())
            .bind(token.as_str())
            .execute(self.pool())
            .await
            .map_err(store_error)?;
        Ok(())
    }
}

impl fmt::Debug for PostgresDedupeStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.base.fmt_as("PostgresDedupeStore", f)
    }
}

impl DedupeStore for PostgresDedupeStore {
    fn reserve<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(bounded(self.timeout(), self.reserve_now(key, lease)))
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        _token: &'a LeaseToken,
        retain: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(bounded(self.timeout(), self.complete_now(key, retain)))
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a LeaseToken) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(bounded(self.timeout(), self.release_now(key, token)))
    }
}
