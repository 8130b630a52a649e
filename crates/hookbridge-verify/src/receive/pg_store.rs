//! Building blocks of a store kept in PostgreSQL, shared by hookbridge's PostgreSQL stores (the
//! [`PostgresDedupeStore`](super::PostgresDedupeStore) and the durable inbox of
//! `hookbridge-inbox`), so that they connect, time out, classify failures and apply their
//! schema the same way:
//!
//! * [`PgPoolConfig`] — a URL, a bound per operation and a pool size: checks the URL and builds
//!   a lazily connecting [`PgPool`] whose connections use the bound as `statement_timeout`;
//! * [`PgStoreBase`] — what every such store keeps: the pool, its schema guard, the bound, and
//!   the URL it shows;
//! * [`PgFailure`] — what a failed sqlx operation means for a store (unavailable, refused,
//!   misconfigured, a table of another shape), which each store maps onto its own typed error;
//! * [`bounded`] and [`millis`] — one operation within the bound, and durations as SQL
//!   milliseconds;
//! * [`Migration`] and [`SchemaOnce`] — a schema applied in one transaction holding an
//!   advisory lock, at most once per store;
//! * [`redact_url`] — a URL safe to print.
//!
//! Nothing here puts a password in an error, in `Debug` or in a log: URLs are checked without
//! quoting them, and the messages of refused statements are never kept (they may quote values).
//!
//! ```
//! use std::time::Duration;
//! use hookbridge_verify::receive::pg_store::{PgPoolConfig, PgUrlError};
//!
//! let config = PgPoolConfig::new("postgres://app:secret@db.internal/payments", Duration::from_secs(5), 10)
//!     .with_timeout(Duration::from_secs(2))
//!     .with_max_connections(0); // at least 1
//! assert_eq!(config.max_connections(), 1);
//! assert_eq!(config.redacted_url(), "postgres://app:***@db.internal/payments");
//! assert!(!format!("{config:?}").contains("secret"));
//!
//! let mysql = PgPoolConfig::new("mysql://app:secret@db/payments", Duration::from_secs(5), 10);
//! assert_eq!(mysql.connect_options().unwrap_err(), PgUrlError::UnknownScheme { scheme: "mysql".to_owned() });
//! ```

use std::fmt;
use std::future::Future;
use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use sqlx::ConnectOptions as _;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};

use super::url_text::scheme_of;

/// The longest duration [`millis`] returns: 100 years, in milliseconds.
pub const MAX_MILLIS: u64 = 100 * 365 * 24 * 3600 * 1000;

/// Why a PostgreSQL URL cannot be used. No variant holds the URL or any part of it but its
/// scheme. Exhaustive on purpose: a store decides what each case is in its own error type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PgUrlError {
    /// The URL has another scheme than `postgres://` or `postgresql://`.
    #[error("`{scheme}` is not a PostgreSQL URL scheme (expected postgres:// or postgresql://)")]
    UnknownScheme {
        /// The URL's scheme, lowercased.
        scheme: String,
    },
    /// The URL has no recognisable scheme, or PostgreSQL's URL syntax rejects it.
    #[error("the PostgreSQL URL is malformed (expected postgres://[user[:password]@]host[:port]/database[?…])")]
    Malformed,
    /// The URL asks for TLS (`sslmode=require`, `verify-ca` or `verify-full`) and this build has
    /// none: hookbridge-verify's `rustls` cargo feature is off. Never silently downgraded.
    #[error("sslmode require, verify-ca or verify-full needs TLS: hookbridge-verify's `rustls` cargo feature is off")]
    TlsDisabled,
}

/// Whether this build can open TLS connections to PostgreSQL (hookbridge-verify's `rustls`
/// cargo feature).
#[must_use]
pub const fn tls_available() -> bool {
    cfg!(feature = "rustls")
}

/// The connection settings of a PostgreSQL store: its URL, the bound on each operation (taking
/// a pooled connection, and each statement as the server's `statement_timeout`), and the size
/// of its pool. A store's builder keeps one and exposes its setters.
///
/// `Debug` shows the URL through [`redact_url`].
#[derive(Clone)]
pub struct PgPoolConfig {
    url: String,
    default_timeout: Duration,
    timeout: Duration,
    max_connections: u32,
}

impl PgPoolConfig {
    /// Settings for `url` with a store's defaults (a zero `default_timeout` counts as 1 ms,
    /// `default_max_connections` as at least 1).
    #[must_use]
    pub fn new(url: impl Into<String>, default_timeout: Duration, default_max_connections: u32) -> Self {
        let default_timeout = default_timeout.max(Duration::from_millis(1));
        Self {
            url: url.into(),
            default_timeout,
            timeout: default_timeout,
            max_connections: default_max_connections.max(1),
        }
    }

    /// The bound on each operation; a zero duration is replaced by the default.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = non_zero_or(timeout, self.default_timeout);
        self
    }

    /// The largest number of connections the pool opens (at least 1).
    #[must_use]
    pub fn with_max_connections(mut self, max: u32) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// The bound on each operation.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The largest number of connections.
    #[must_use]
    pub fn max_connections(&self) -> u32 {
        self.max_connections
    }

    /// The URL safe to print ([`redact_url`]).
    #[must_use]
    pub fn redacted_url(&self) -> String {
        redact_url(&self.url)
    }

    /// The checked connection options: the scheme is `postgres` or `postgresql`, the URL
    /// parses, a TLS `sslmode` has TLS in this build; each statement is bounded by the
    /// timeout (`statement_timeout`), and statements are not logged (they may carry values).
    ///
    /// # Errors
    /// [`PgUrlError`]; it never contains the URL.
    pub fn connect_options(&self) -> Result<PgConnectOptions, PgUrlError> {
        match scheme_of(&self.url).as_deref() {
            Some("postgres" | "postgresql") => {}
            Some(other) => return Err(PgUrlError::UnknownScheme { scheme: other.to_owned() }),
            None => return Err(PgUrlError::Malformed),
        }
        let options = PgConnectOptions::from_str(&self.url).map_err(|_| PgUrlError::Malformed)?;
        let tls_required =
            matches!(options.get_ssl_mode(), PgSslMode::Require | PgSslMode::VerifyCa | PgSslMode::VerifyFull);
        if tls_required && !tls_available() {
            return Err(PgUrlError::TlsDisabled);
        }
        Ok(options.options([("statement_timeout", self.timeout.as_millis().to_string())]).disable_statement_logging())
    }

    /// A pool on [`connect_options`](Self::connect_options) that connects on first use, opens
    /// at most [`max_connections`](Self::max_connections), keeps none open when idle, and waits
    /// at most the timeout for a connection. Must be called within a tokio runtime.
    ///
    /// # Errors
    /// [`PgUrlError`]; it never contains the URL.
    pub fn connect_lazy(&self) -> Result<PgPool, PgUrlError> {
        let options = self.connect_options()?;
        Ok(PgPoolOptions::new()
            .max_connections(self.max_connections)
            .min_connections(0)
            .acquire_timeout(self.timeout)
            .connect_lazy_with(options))
    }
}

impl PgPoolConfig {
    /// Writes these settings as `Debug` does, under the name `name` (a store builder's `Debug`).
    ///
    /// # Errors
    /// The formatter's.
    pub fn fmt_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name)
            .field("url", &self.redacted_url())
            .field("timeout", &self.timeout)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

impl fmt::Debug for PgPoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_as("PgPoolConfig", f)
    }
}

/// What every PostgreSQL store keeps: its pool, the guard applying its schema once, the bound
/// on each operation, and its URL as shown (redacted; none for a pool the application gave).
/// Clones share the pool and the guard.
///
/// `Debug` shows the redacted URL (or `<application pool>`) and the bound.
///
/// ```
/// use std::time::Duration;
/// use hookbridge_verify::receive::pg_store::{Migration, PgPoolConfig, PgStoreBase};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), hookbridge_verify::receive::pg_store::PgUrlError> {
/// const SCHEMA: Migration = Migration::new(0x6578_616d_706c_6531, "CREATE TABLE IF NOT EXISTS example (id bigint);");
/// let config = PgPoolConfig::new("postgres://app:secret@db.internal/payments", Duration::from_secs(5), 10);
/// let base = PgStoreBase::connect_lazy(&config, SCHEMA)?; // nothing connected yet
/// assert_eq!(base.shown_url(), "postgres://app:***@db.internal/payments");
/// // Each operation: `bounded(base.timeout(), async { base.ensure_schema().await?; … }, …)`.
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct PgStoreBase {
    pool: PgPool,
    schema: SchemaOnce,
    timeout: Duration,
    url: Option<String>,
}

impl PgStoreBase {
    /// A lazily connecting pool on `config` ([`PgPoolConfig::connect_lazy`]), with `migration`
    /// applied on first use. Must be called within a tokio runtime.
    ///
    /// # Errors
    /// [`PgUrlError`]; it never contains the URL.
    pub fn connect_lazy(config: &PgPoolConfig, migration: Migration) -> Result<Self, PgUrlError> {
        Ok(Self {
            pool: config.connect_lazy()?,
            schema: SchemaOnce::new(migration),
            timeout: config.timeout(),
            url: Some(config.redacted_url()),
        })
    }

    /// A pool the application already has, with `migration` applied on first use and each
    /// operation bounded by `timeout` (a zero duration is replaced by `default_timeout`).
    #[must_use]
    pub fn from_pool(pool: PgPool, timeout: Duration, default_timeout: Duration, migration: Migration) -> Self {
        Self { pool, schema: SchemaOnce::new(migration), timeout: non_zero_or(timeout, default_timeout), url: None }
    }

    /// The connection pool.
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The bound on each operation.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The URL as `Debug` shows it: redacted, or `<application pool>` for [`from_pool`](Self::from_pool).
    #[must_use]
    pub fn shown_url(&self) -> &str {
        self.url.as_deref().unwrap_or("<application pool>")
    }

    /// Applies the store's migration unless it was applied through this base or a clone
    /// ([`SchemaOnce::ensure`]).
    ///
    /// # Errors
    /// The [`sqlx::Error`]; classify it with [`PgFailure`].
    pub async fn ensure_schema(&self) -> Result<(), sqlx::Error> {
        self.schema.ensure(&self.pool).await
    }

    /// Writes the base as `Debug` does, under the name `name` (a store's `Debug`).
    ///
    /// # Errors
    /// The formatter's.
    pub fn fmt_as(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(name).field("url", &self.shown_url()).field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

impl fmt::Debug for PgStoreBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_as("PgStoreBase", f)
    }
}

/// `timeout`, or `default` when it is zero: how the stores read a timeout given to them.
#[must_use]
pub fn non_zero_or(timeout: Duration, default: Duration) -> Duration {
    if timeout.is_zero() { default } else { timeout }
}

/// What a failed sqlx operation means for a store. Exhaustive on purpose: each store maps every
/// class onto its own error type and wording.
///
/// ```
/// use hookbridge_verify::receive::pg_store::PgFailure;
///
/// let failure = PgFailure::from(sqlx::Error::ColumnNotFound("state".to_owned()));
/// assert!(matches!(failure, PgFailure::OtherShape));
/// assert!(!failure.is_transient());
/// ```
#[derive(Debug)]
pub enum PgFailure {
    /// The database cannot be used right now (unreachable, refused credentials, shutting down,
    /// a timeout, a serialization failure: see [`is_transient`]): retry later. The error is
    /// kept as a source; sqlx's connection errors do not contain the URL.
    Unavailable(sqlx::Error),
    /// The server refused a statement for another reason (a table of another shape, missing
    /// rights, a violated constraint). Only the SQLSTATE is kept, never the message: it may
    /// quote a value.
    Refused {
        /// The SQLSTATE code (empty when the server sent none).
        code: String,
    },
    /// sqlx refused the connection options.
    InvalidConfig,
    /// A column could not be found or decoded, or a type is unknown: the table has another
    /// shape than the store's.
    OtherShape,
}

impl PgFailure {
    /// Whether retrying later may succeed ([`PgFailure::Unavailable`]).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }

    /// What went wrong, for a store's error, naming its `table`: never a value, a URL or the
    /// server's message.
    ///
    /// ```
    /// use hookbridge_verify::receive::pg_store::PgFailure;
    ///
    /// let refused = PgFailure::Refused { code: "42501".to_owned() };
    /// assert_eq!(refused.detail("hookbridge_inbox"), "PostgreSQL refused a statement on table hookbridge_inbox (SQLSTATE 42501)");
    /// ```
    #[must_use]
    pub fn detail(&self, table: &str) -> String {
        match self {
            Self::Unavailable(_) => "the PostgreSQL database is unavailable".to_owned(),
            Self::Refused { code } => format!("PostgreSQL refused a statement on table {table} (SQLSTATE {code})"),
            Self::InvalidConfig => "the PostgreSQL connection options are invalid".to_owned(),
            Self::OtherShape => format!("the {table} table has another shape than this version's"),
        }
    }
}

impl From<sqlx::Error> for PgFailure {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                if is_transient(&code) { Self::Unavailable(err) } else { Self::Refused { code } }
            }
            sqlx::Error::Configuration(_) => Self::InvalidConfig,
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::ColumnNotFound(_) | sqlx::Error::TypeNotFound { .. } => {
                Self::OtherShape
            }
            _ => Self::Unavailable(err),
        }
    }
}

/// Whether a SQLSTATE says the database is unusable rather than that it refused a statement:
/// connection exceptions (class 08), refused credentials (28), an unknown database (3D),
/// serialization failures and deadlocks (40), insufficient resources (53), operator
/// intervention (57: shutdown, `statement_timeout`), system errors (58).
///
/// ```
/// use hookbridge_verify::receive::pg_store::is_transient;
///
/// assert!(is_transient("57014")); // statement_timeout
/// assert!(!is_transient("42P01")); // undefined table
/// ```
#[must_use]
pub fn is_transient(sqlstate: &str) -> bool {
    ["08", "28", "3D", "40", "53", "57", "58"].iter().any(|class| sqlstate.starts_with(class))
}

/// Runs `op` within `timeout`; past it, `timed_out` turns an [`std::io::ErrorKind::TimedOut`]
/// error into the store's "unavailable" error.
///
/// # Errors
/// `op`'s error, or `timed_out`'s.
///
/// ```
/// use std::time::Duration;
/// use hookbridge_verify::receive::pg_store::bounded;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let slow = async {
///     tokio::time::sleep(Duration::from_secs(60)).await;
///     Ok::<_, std::io::Error>(())
/// };
/// let err = bounded(Duration::from_millis(10), slow, |e| e).await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
/// # }
/// ```
pub async fn bounded<T, E>(
    timeout: Duration,
    op: impl Future<Output = Result<T, E>>,
    timed_out: impl FnOnce(std::io::Error) -> E,
) -> Result<T, E> {
    match tokio::time::timeout(timeout, op).await {
        Ok(result) => result,
        Err(elapsed) => Err(timed_out(std::io::Error::new(std::io::ErrorKind::TimedOut, elapsed))),
    }
}

/// `d` in whole milliseconds for SQL (`make_interval(secs => $n::double precision / 1000.0)`),
/// clamped to at least 1 ms and at most [`MAX_MILLIS`] (100 years).
///
/// ```
/// use std::time::Duration;
/// use hookbridge_verify::receive::pg_store::{MAX_MILLIS, millis};
///
/// assert_eq!(millis(Duration::from_secs(2)), 2_000);
/// assert_eq!(millis(Duration::ZERO), 1);
/// assert_eq!(millis(Duration::MAX), MAX_MILLIS as i64);
/// ```
#[must_use]
pub fn millis(d: Duration) -> i64 {
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX).clamp(1, MAX_MILLIS);
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// A store's schema: idempotent SQL (`CREATE TABLE IF NOT EXISTS …`) applied in one
/// transaction that first takes a transaction-level advisory lock, so that processes starting
/// together apply it one after the other. Each store has its own lock key.
///
/// ```
/// use hookbridge_verify::receive::pg_store::Migration;
///
/// let migration = Migration::new(42, "CREATE TABLE IF NOT EXISTS t (id bigint);");
/// assert_eq!(migration.script(), "SELECT pg_advisory_xact_lock(42);\nCREATE TABLE IF NOT EXISTS t (id bigint);");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Migration {
    lock: i64,
    sql: &'static str,
}

impl Migration {
    /// The schema `sql` (one or more statements, no transaction control of its own) under the
    /// advisory lock `lock`.
    #[must_use]
    pub const fn new(lock: i64, sql: &'static str) -> Self {
        Self { lock, sql }
    }

    /// The advisory lock key.
    #[must_use]
    pub const fn lock(&self) -> i64 {
        self.lock
    }

    /// The schema's SQL.
    #[must_use]
    pub const fn sql(&self) -> &'static str {
        self.sql
    }

    /// What [`apply`](Self::apply) sends: `SELECT pg_advisory_xact_lock(<lock>);` then the SQL.
    #[must_use]
    pub fn script(&self) -> String {
        format!("SELECT pg_advisory_xact_lock({});\n{}", self.lock, self.sql)
    }

    /// Applies the schema: [`script`](Self::script) as one multi-statement simple query, which
    /// PostgreSQL runs as a single implicit transaction (rolled back as a whole on any error;
    /// the lock is held to its end).
    ///
    /// # Errors
    /// The [`sqlx::Error`]; classify it with [`PgFailure`].
    pub async fn apply(&self, pool: &PgPool) -> Result<(), sqlx::Error> {
        let script = self.script();
        sqlx::raw_sql(&script).execute(pool).await?;
        Ok(())
    }
}

/// Applies a [`Migration`] at most once for a store and its clones: the first operation
/// applies it, concurrent ones wait for it, later ones go straight on. A failed application is
/// tried again by the next operation.
#[derive(Clone, Debug)]
pub struct SchemaOnce {
    migration: Migration,
    applied: Arc<tokio::sync::OnceCell<()>>,
}

impl SchemaOnce {
    /// Not applied yet.
    #[must_use]
    pub fn new(migration: Migration) -> Self {
        Self { migration, applied: Arc::default() }
    }

    /// Applies the migration on `pool` unless this guard (or a clone) already did.
    ///
    /// # Errors
    /// The [`sqlx::Error`] of [`Migration::apply`].
    pub async fn ensure(&self, pool: &PgPool) -> Result<(), sqlx::Error> {
        self.applied.get_or_try_init(|| self.migration.apply(pool)).await?;
        Ok(())
    }

    /// Whether the migration was applied through this guard.
    #[must_use]
    pub fn is_applied(&self) -> bool {
        self.applied.initialized()
    }
}

/// `url` safe to print in logs, errors and `Debug`: the password of the user info replaced by
/// `***` (a lone user info too: Redis reads it as the password), the query — which may hold
/// `password=` — and the fragment by `?…`.
///
/// ```
/// use hookbridge_verify::receive::pg_store::redact_url;
///
/// assert_eq!(redact_url("postgres://app:s3cret@db:5432/pay?sslmode=require"), "postgres://app:***@db:5432/pay?…");
/// assert_eq!(redact_url("postgres://db/pay"), "postgres://db/pay");
/// ```
#[must_use]
pub fn redact_url(url: &str) -> String {
    super::url_text::redact_url(url)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn config(url: &str) -> PgPoolConfig {
        PgPoolConfig::new(url, Duration::from_secs(5), 10)
    }

    #[test]
    fn urls_are_checked_without_quoting_them() {
        assert_eq!(
            config("MySQL://app:pw@db/x").connect_options().unwrap_err(),
            PgUrlError::UnknownScheme { scheme: "mysql".to_owned() }
        );
        assert_eq!(config("app:pw@db/x").connect_options().unwrap_err(), PgUrlError::Malformed);
        assert_eq!(config("postgres://app:pw@db:notaport/x").connect_options().unwrap_err(), PgUrlError::Malformed);
        for err in [PgUrlError::Malformed, PgUrlError::TlsDisabled] {
            assert!(!err.to_string().contains("pw"), "{err}");
        }
        let options = config("postgresql://app:pw@db:6543/x?sslmode=disable").connect_options().unwrap();
        assert_eq!((options.get_host(), options.get_port(), options.get_database()), ("db", 6543, Some("x")));
    }

    #[test]
    fn tls_modes_need_the_rustls_feature() {
        for mode in ["require", "verify-ca", "verify-full"] {
            let result = config(&format!("postgres://db/x?sslmode={mode}")).connect_options();
            if tls_available() {
                let mode = result.unwrap().get_ssl_mode();
                assert!(matches!(mode, PgSslMode::Require | PgSslMode::VerifyCa | PgSslMode::VerifyFull), "{mode:?}");
            } else {
                assert_eq!(result.unwrap_err(), PgUrlError::TlsDisabled);
            }
        }
        assert!(config("postgres://db/x?sslmode=prefer").connect_options().is_ok());
    }

    #[test]
    fn every_statement_is_bounded_by_the_timeout() {
        let options = config("postgres://db/x").with_timeout(Duration::from_millis(1500)).connect_options().unwrap();
        assert_eq!(options.get_options(), Some("-c statement_timeout=1500"));
    }

    #[test]
    fn settings_keep_their_bounds() {
        let c = config("postgres://db/x").with_timeout(Duration::ZERO).with_max_connections(0);
        assert_eq!((c.timeout(), c.max_connections()), (Duration::from_secs(5), 1));
        let c = c.with_timeout(Duration::from_millis(250)).with_max_connections(3);
        assert_eq!((c.timeout(), c.max_connections()), (Duration::from_millis(250), 3));
        let c = PgPoolConfig::new("postgres://db/x", Duration::ZERO, 0);
        assert_eq!((c.timeout(), c.max_connections()), (Duration::from_millis(1), 1));
        assert_eq!(non_zero_or(Duration::ZERO, Duration::from_secs(1)), Duration::from_secs(1));
        assert_eq!(non_zero_or(Duration::from_secs(2), Duration::from_secs(1)), Duration::from_secs(2));
    }

    #[test]
    fn debug_hides_the_password_and_the_query() {
        let shown = format!("{:?}", config("postgres://app:s3cret@db/x?password=hunter2"));
        assert!(!shown.contains("s3cret") && !shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://app:***@db/x?…"), "{shown}");
    }

    #[test]
    fn failures_are_classified() {
        assert!(matches!(PgFailure::from(sqlx::Error::PoolTimedOut), PgFailure::Unavailable(_)));
        assert!(matches!(PgFailure::from(sqlx::Error::Configuration("bad".into())), PgFailure::InvalidConfig));
        assert!(matches!(
            PgFailure::from(sqlx::Error::ColumnDecode { index: "0".to_owned(), source: "bad".into() }),
            PgFailure::OtherShape
        ));
        assert!(matches!(
            PgFailure::from(sqlx::Error::TypeNotFound { type_name: "t".to_owned() }),
            PgFailure::OtherShape
        ));
        for (code, transient) in
            [("08006", true), ("28P01", true), ("3D000", true), ("40001", true), ("57014", true), ("42P01", false)]
        {
            assert_eq!(is_transient(code), transient, "{code}");
        }
        assert!(!is_transient(""));
        assert_eq!(PgFailure::OtherShape.detail("t"), "the t table has another shape than this version's");
        assert_eq!(PgFailure::InvalidConfig.detail("t"), "the PostgreSQL connection options are invalid");
        assert!(!PgFailure::from(sqlx::Error::PoolTimedOut).detail("t").contains("pool"));
    }

    #[test]
    fn millis_are_clamped() {
        assert_eq!(millis(Duration::from_micros(10)), 1);
        assert_eq!(millis(Duration::from_millis(1234)), 1234);
        assert_eq!(millis(Duration::from_secs(u64::MAX)), i64::try_from(MAX_MILLIS).unwrap());
    }

    #[tokio::test]
    async fn bounded_times_out_into_the_stores_error() {
        let slow = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<_, String>(1)
        };
        let err = bounded(Duration::from_millis(5), slow, |e| format!("unavailable: {:?}", e.kind())).await;
        assert_eq!(err, Err("unavailable: TimedOut".to_owned()));
        assert_eq!(bounded(Duration::from_secs(5), async { Ok::<_, String>(2) }, |e| e.to_string()).await, Ok(2));
    }

    #[tokio::test]
    async fn a_base_shows_no_password_and_keeps_its_bound() {
        let settings = config("postgres://app:s3cret@db/x?password=hunter2").with_timeout(Duration::from_millis(700));
        let base = PgStoreBase::connect_lazy(&settings, Migration::new(1, "SELECT 1;")).unwrap();
        assert_eq!((base.timeout(), base.shown_url()), (Duration::from_millis(700), "postgres://app:***@db/x?…"));
        let shown = format!("{base:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("hunter2"), "{shown}");
        let other =
            PgStoreBase::from_pool(base.pool().clone(), Duration::ZERO, Duration::from_secs(3), Migration::new(1, ""));
        assert_eq!((other.timeout(), other.shown_url()), (Duration::from_secs(3), "<application pool>"));
        assert!(matches!(
            PgStoreBase::connect_lazy(&config("redis://h"), Migration::new(1, "")),
            Err(PgUrlError::UnknownScheme { .. })
        ));
    }

    #[tokio::test]
    async fn a_lazy_pool_does_not_connect() {
        let pool = config("postgres://app:pw@127.0.0.1:1/x")
            .with_timeout(Duration::from_millis(300))
            .with_max_connections(4)
            .connect_lazy()
            .unwrap();
        assert_eq!((pool.size(), pool.options().get_max_connections()), (0, 4));
        let guard = SchemaOnce::new(Migration::new(1, "SELECT 1;"));
        assert!(!guard.is_applied());
        let err = bounded(Duration::from_secs(5), guard.ensure(&pool), sqlx::Error::Io).await.unwrap_err();
        assert!(PgFailure::from(err).is_transient());
        assert!(!guard.is_applied());
    }
}
