//! [`Inbox`]: the PostgreSQL store — schema, the receive path, claims, life-cycle updates and
//! administration.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
pub use hookbridge_verify::receive::pg_store::redact_url;
use hookbridge_verify::receive::pg_store::{self, Migration, PgFailure, PgPoolConfig, PgStoreBase, PgUrlError, millis};
use hookbridge_verify::receive::{Incoming, Receive, ReceiveError, ReplayKey, StoreError};
use http::HeaderMap;
use sqlx::Row as _;
use sqlx::postgres::{PgPool, PgRow};

use crate::error::InboxError;
use crate::handler::truncate;
use crate::model::{DeliveryRecord, Described, State, StoredDelivery, decode_headers, encode_headers, timestamp};

/// The inbox schema (`migrations/0001_inbox.sql` in this crate): table `hookbridge_inbox` and
/// its indexes. Idempotent. Every [`Inbox`] applies it itself on first use; it is public for
/// deployments that apply schema changes with their own migration tool.
pub const INBOX_MIGRATION: &str = include_str!("../migrations/0001_inbox.sql");

/// Default bound on one inbox operation (taking a pooled connection included), also the
/// server-side `statement_timeout`: 5 s.
pub const DEFAULT_INBOX_TIMEOUT: Duration = Duration::from_secs(5);

/// Default size of an [`Inbox`]'s connection pool.
pub const DEFAULT_INBOX_MAX_CONNECTIONS: u32 = 10;

/// [`INBOX_MIGRATION`] under its `pg_advisory_xact_lock` key (`"hbinbox1"` in ASCII, distinct
/// from the dedupe store's), which serialises concurrent first uses.
const MIGRATION: Migration = Migration::new(0x6862_696e_626f_7831, INBOX_MIGRATION);

/// Rows deleted per statement by [`Inbox::purge_done`].
const PURGE_BATCH: i64 = 10_000;

/// The longest `last_error` stored (the schema's bound is 1024 characters).
const MAX_STORED_ERROR: usize = 1000;

const RECORD_COLUMNS: &str = "id, provider, replay_key, event_type, subject_kind, subject_id, \
    (extract(epoch FROM received_at) * 1000)::bigint AS received_ms, state, attempts, \
    (extract(epoch FROM next_attempt_at) * 1000)::bigint AS next_ms, lease_owner, \
    (extract(epoch FROM lease_expires_at) * 1000)::bigint AS lease_ms, last_error, \
    (extract(epoch FROM completed_at) * 1000)::bigint AS completed_ms";

const INSERT_SQL: &str = "\
INSERT INTO hookbridge_inbox (provider, replay_key, header_names, header_values, body, event_type, subject_kind, subject_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (provider, replay_key) DO NOTHING
RETURNING id";

const EXISTING_SQL: &str = "SELECT id FROM hookbridge_inbox WHERE provider = $1 AND replay_key = $2";

fn claim_sql() -> String {
    format!(
        "WITH buried AS (
    -- Rows whose last allowed attempt's lease expired (the worker died) go dead, not again.
    -- (A data-modifying WITH always runs to completion, unreferenced.)
    UPDATE hookbridge_inbox SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL,
        last_error = 'the lease of the last attempt expired (the worker stopped or lost the database)'
    WHERE id IN (
        SELECT id FROM hookbridge_inbox
        WHERE state = 'processing' AND next_attempt_at <= now() AND attempts >= $3
        LIMIT 100 FOR UPDATE SKIP LOCKED
    )
    RETURNING id
), due AS (
    SELECT id FROM hookbridge_inbox
    WHERE state IN ('pending', 'failed', 'processing') AND next_attempt_at <= now()
      AND NOT (state = 'processing' AND attempts >= $3)
    ORDER BY next_attempt_at
    LIMIT $4
    FOR UPDATE SKIP LOCKED
)
UPDATE hookbridge_inbox AS i
SET state = 'processing', attempts = i.attempts + 1, lease_owner = $1,
    lease_expires_at = now() + make_interval(secs => $2::double precision / 1000.0),
    next_attempt_at = now() + make_interval(secs => $2::double precision / 1000.0)
FROM due WHERE i.id = due.id
RETURNING i.header_names, i.header_values, i.body, {}",
        RECORD_COLUMNS.replace("id, provider", "i.id, i.provider")
    )
}

const COMPLETE_SQL: &str = "\
UPDATE hookbridge_inbox SET state = 'done', lease_owner = NULL, lease_expires_at = NULL, completed_at = now(),
    next_attempt_at = now()
WHERE id = $1 AND state = 'processing' AND lease_owner = $2";

const FAIL_SQL: &str = "\
UPDATE hookbridge_inbox
SET state = CASE WHEN attempts >= $3 THEN 'dead' ELSE 'failed' END,
    next_attempt_at = now() + make_interval(secs => $4::double precision / 1000.0),
    lease_owner = NULL, lease_expires_at = NULL, last_error = $5
WHERE id = $1 AND state = 'processing' AND lease_owner = $2
RETURNING state";

const RELEASE_SQL: &str = "\
UPDATE hookbridge_inbox
SET state = CASE WHEN attempts <= 1 THEN 'pending' ELSE 'failed' END, attempts = greatest(attempts - 1, 0),
    next_attempt_at = now(), lease_owner = NULL, lease_expires_at = NULL
WHERE id = $1 AND state = 'processing' AND lease_owner = $2";

const RETRY_ONE_SQL: &str = "\
UPDATE hookbridge_inbox SET state = 'pending', attempts = 0, next_attempt_at = now(), completed_at = NULL
WHERE id = $1 AND state IN ('pending', 'failed', 'dead', 'done')
RETURNING id";

const RETRY_DEAD_SQL: &str = "\
UPDATE hookbridge_inbox SET state = 'pending', attempts = 0, next_attempt_at = now() WHERE state = 'dead'";

const PURGE_SQL: &str = "\
DELETE FROM hookbridge_inbox WHERE id IN (
    SELECT id FROM hookbridge_inbox
    WHERE state = 'done' AND completed_at < now() - make_interval(secs => $1::double precision / 1000.0)
    LIMIT $2 FOR UPDATE SKIP LOCKED
)";

const COUNTS_SQL: &str = "SELECT state, count(*) FROM hookbridge_inbox GROUP BY state";

/// What [`Inbox::insert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Inserted {
    /// The row's id.
    pub id: i64,
    /// `false` when the provider and replay key were already stored: the delivery is a retry
    /// (or a replay) of a stored one, and no second row was written.
    pub new: bool,
}

/// Filters of [`Inbox::list`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListFilter {
    /// Only deliveries in this state.
    pub state: Option<State>,
    /// Only deliveries of this provider.
    pub provider: Option<String>,
    /// At most this many (newest first); `None`: 100.
    pub limit: Option<u32>,
}

impl ListFilter {
    /// Every delivery (the newest 100).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Only this state.
    #[must_use]
    pub fn state(mut self, state: State) -> Self {
        self.state = Some(state);
        self
    }

    /// Only this provider.
    #[must_use]
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// At most `limit` rows.
    #[must_use]
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// What a worker should do with a claimed delivery whose handler failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailOutcome {
    /// Due again after the backoff.
    Retrying,
    /// Attempts exhausted: `dead`.
    Dead,
    /// The lease was lost (expired and reclaimed, or retried by hand): nothing recorded.
    LeaseLost,
}

/// The durable inbox: one row per delivery in table `hookbridge_inbox` of a PostgreSQL database
/// (see [`INBOX_MIGRATION`]), shared by every receiver and worker given the same database.
///
/// * **Receiving** — [`receive`](Self::receive) runs a receiver's pipeline up to its dedupe
///   reservation, commits the raw delivery, and only then completes the reservation: the
///   provider is answered 2xx once the row is durable. A retry of a stored delivery (same
///   provider and replay key) is acknowledged without a second row. A database outage is
///   [`ReceiveError::Store`] (503): the provider retries.
/// * **Processing** — [`Worker`](crate::Worker)s [`claim`](Self::claim) due rows with
///   `SELECT … FOR UPDATE SKIP LOCKED` under a lease, and record the outcome
///   ([`complete`](Self::complete), [`fail`](Self::fail), [`release`](Self::release)), each
///   conditioned on still holding the lease.
/// * **Operating** — [`list`](Self::list), [`get`](Self::get), [`retry`](Self::retry),
///   [`retry_dead`](Self::retry_dead), [`purge_done`](Self::purge_done), [`counts`](Self::counts).
///
/// **Schema**: an empty database just works — on first use the inbox applies
/// [`INBOX_MIGRATION`] in one transaction holding `pg_advisory_xact_lock` (its own lock id), so
/// processes starting together apply it one after the other. To use another schema, set the
/// search path in the URL: `?options=-c%20search_path%3Dwebhooks`.
///
/// **Timeouts**: every operation is bounded by [`timeout`](InboxBuilder::timeout) (pool
/// acquisition, and the server's `statement_timeout`); an unreachable database answers
/// [`InboxError::Unavailable`] within it.
///
/// All times are the database server's (`now()`). `Debug` shows the URL without its password;
/// errors never contain it.
///
/// ```no_run
/// use hookbridge_inbox::{Inbox, ListFilter, State};
///
/// # async fn run() -> Result<(), hookbridge_inbox::InboxError> {
/// let inbox = Inbox::connect("postgres://app:secret@db.internal/payments").await?;
/// for record in inbox.list(&ListFilter::new().state(State::Dead)).await? {
///     println!("{} {} {:?}", record.id, record.provider, record.last_error);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Inbox {
    base: PgStoreBase,
}

/// Configures and connects an [`Inbox`]; see [`Inbox::builder`].
pub struct InboxBuilder {
    config: PgPoolConfig,
}

impl InboxBuilder {
    /// Bounds each operation (default [`DEFAULT_INBOX_TIMEOUT`]); zero means the default.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config = self.config.with_timeout(timeout);
        self
    }

    /// The largest number of connections (default [`DEFAULT_INBOX_MAX_CONNECTIONS`]; at least 1).
    #[must_use]
    pub fn max_connections(mut self, max: u32) -> Self {
        self.config = self.config.with_max_connections(max);
        self
    }

    /// Connects and applies the schema if needed (both within the timeout).
    ///
    /// # Errors
    /// [`InboxError::InvalidConfig`] for a malformed URL, or an `sslmode` that requires TLS
    /// without the `rustls` cargo feature; [`InboxError::Unavailable`] when the database
    /// cannot be reached or refuses the credentials; [`InboxError::Refused`] when the schema
    /// cannot be applied.
    pub async fn connect(self) -> Result<Inbox, InboxError> {
        let inbox = self.connect_lazy()?;
        inbox.migrate().await?;
        Ok(inbox)
    }

    /// Builds the inbox without connecting: the first operation connects and applies the
    /// schema. For receivers that must start while the database is down (they answer 503
    /// until it is back).
    ///
    /// # Errors
    /// [`InboxError::InvalidConfig`] for a malformed URL, or an `sslmode` that requires TLS
    /// without the `rustls` cargo feature.
    pub fn connect_lazy(self) -> Result<Inbox, InboxError> {
        let base = PgStoreBase::connect_lazy(&self.config, MIGRATION).map_err(|err| InboxError::InvalidConfig {
            detail: match err {
                PgUrlError::UnknownScheme { .. } => {
                    "the inbox URL must start with postgres:// or postgresql://".to_owned()
                }
                PgUrlError::Malformed => err.to_string(),
                PgUrlError::TlsDisabled => "sslmode require, verify-ca or verify-full needs TLS: this build lacks \
                                            hookbridge-inbox's `rustls` cargo feature"
                    .to_owned(),
            },
        })?;
        Ok(Inbox { base })
    }
}

impl fmt::Debug for InboxBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config.fmt_as("InboxBuilder", f)
    }
}

fn db_error(err: sqlx::Error) -> InboxError {
    let failure = PgFailure::from(err);
    let detail = failure.detail("hookbridge_inbox");
    match failure {
        // Only the SQLSTATE, never the server's message: it may quote a value.
        PgFailure::Refused { code } => InboxError::Refused { code },
        PgFailure::Unavailable(err) => InboxError::unavailable(err),
        PgFailure::OtherShape => InboxError::Corrupt { detail },
        PgFailure::InvalidConfig => InboxError::InvalidConfig { detail },
    }
}

/// Runs `op` within `timeout`; past it, [`InboxError::Unavailable`].
async fn bounded<T>(timeout: Duration, op: impl Future<Output = Result<T, InboxError>>) -> Result<T, InboxError> {
    pg_store::bounded(timeout, op, InboxError::unavailable).await
}

fn opt_timestamp(ms: Option<i64>) -> Result<Option<jiff::Timestamp>, InboxError> {
    ms.map(timestamp).transpose()
}

fn record(row: &PgRow) -> Result<DeliveryRecord, InboxError> {
    let get = |e: sqlx::Error| db_error(e);
    let state: String = row.try_get("state").map_err(get)?;
    let attempts: i32 = row.try_get("attempts").map_err(get)?;
    let kind: Option<String> = row.try_get("subject_kind").map_err(get)?;
    let subject_id: Option<String> = row.try_get("subject_id").map_err(get)?;
    Ok(DeliveryRecord {
        id: row.try_get("id").map_err(get)?,
        provider: row.try_get("provider").map_err(get)?,
        replay_key: row.try_get("replay_key").map_err(get)?,
        event_type: row.try_get("event_type").map_err(get)?,
        subject: kind.zip(subject_id),
        received_at: timestamp(row.try_get("received_ms").map_err(get)?)?,
        state: state.parse().map_err(|_| InboxError::Corrupt { detail: "a row has an unknown state".to_owned() })?,
        attempts: u32::try_from(attempts).unwrap_or(0),
        next_attempt_at: timestamp(row.try_get("next_ms").map_err(get)?)?,
        lease_owner: row.try_get("lease_owner").map_err(get)?,
        lease_expires_at: opt_timestamp(row.try_get("lease_ms").map_err(get)?)?,
        last_error: row.try_get("last_error").map_err(get)?,
        completed_at: opt_timestamp(row.try_get("completed_ms").map_err(get)?)?,
    })
}

fn stored(row: &PgRow) -> Result<StoredDelivery, InboxError> {
    let names: Vec<String> = row.try_get("header_names").map_err(db_error)?;
    let values: Vec<Vec<u8>> = row.try_get("header_values").map_err(db_error)?;
    let body: Vec<u8> = row.try_get("body").map_err(db_error)?;
    Ok(StoredDelivery { record: record(row)?, headers: decode_headers(names, values)?, body: Bytes::from(body) })
}

impl Inbox {
    /// Connects to `url` (`postgres://…`, libpq URL syntax) with the default timeout and pool
    /// size, and applies the schema if needed.
    ///
    /// # Errors
    /// See [`InboxBuilder::connect`].
    pub async fn connect(url: &str) -> Result<Self, InboxError> {
        Self::builder(url).connect().await
    }

    /// A builder for an inbox at `url`.
    #[must_use]
    pub fn builder(url: &str) -> InboxBuilder {
        InboxBuilder { config: PgPoolConfig::new(url, DEFAULT_INBOX_TIMEOUT, DEFAULT_INBOX_MAX_CONNECTIONS) }
    }

    /// An inbox on a pool the application already has; the schema is applied on first use and
    /// every operation is bounded by `timeout` (zero: the default).
    #[must_use]
    pub fn from_pool(pool: PgPool, timeout: Duration) -> Self {
        Self { base: PgStoreBase::from_pool(pool, timeout, DEFAULT_INBOX_TIMEOUT, MIGRATION) }
    }

    /// The connection pool.
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        self.base.pool()
    }

    /// The bound on each operation.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.base.timeout()
    }

    /// Applies [`INBOX_MIGRATION`] unless this inbox already did (every operation does it on
    /// first use; call it to fail at startup instead). Safe when several processes do it at
    /// once.
    ///
    /// # Errors
    /// [`InboxError::Unavailable`] or [`InboxError::Refused`].
    pub async fn migrate(&self) -> Result<(), InboxError> {
        bounded(self.timeout(), self.ensure_schema()).await
    }

    async fn ensure_schema(&self) -> Result<(), InboxError> {
        self.base.ensure_schema().await.map_err(db_error)
    }

    /// Runs `op` after the schema, bounded by the timeout.
    async fn run<T, F: Future<Output = Result<T, InboxError>>>(&self, op: F) -> Result<T, InboxError> {
        bounded(self.timeout(), async {
            self.ensure_schema().await?;
            op.await
        })
        .await
    }

    /// Stores one delivery: `provider`, its replay key, the headers and body as received, and
    /// its unified fields. Returns once the row is committed; a delivery already stored under
    /// the same provider and key is not stored again ([`Inserted::new`] is `false`).
    ///
    /// # Errors
    /// [`InboxError::Unavailable`] (retry later: nothing may have been committed — or it was,
    /// and the retry finds it), [`InboxError::Refused`].
    pub async fn insert(
        &self,
        provider: &str,
        replay_key: &str,
        headers: &HeaderMap,
        body: &[u8],
        described: &Described,
    ) -> Result<Inserted, InboxError> {
        let (names, values) = encode_headers(headers);
        let (kind, subject_id) = described.subject.clone().unzip();
        self.run(async {
            let id: Option<i64> = sqlx::query_scalar(INSERT_SQL)
                .bind(provider)
                .bind(replay_key)
                .bind(&names)
                .bind(&values)
                .bind(body)
                .bind(described.event_type.as_deref())
                .bind(kind.as_deref())
                .bind(subject_id.as_deref())
                .fetch_optional(self.pool())
                .await
                .map_err(db_error)?;
            if let Some(id) = id {
                return Ok(Inserted { id, new: true });
            }
            let id: i64 = sqlx::query_scalar(EXISTING_SQL)
                .bind(provider)
                .bind(replay_key)
                .fetch_one(self.pool())
                .await
                .map_err(db_error)?;
            Ok(Inserted { id, new: false })
        })
        .await
    }

    /// The receive path: runs `receiver`'s pipeline on `request` up to its dedupe reservation
    /// ([`Receive::accept`]), stores the raw request with `describe(&delivery)`'s fields, and
    /// completes the reservation once the row is committed. Answer the provider 2xx on `Ok`.
    ///
    /// # Errors
    /// Every [`ReceiveError`] of the pipeline — notably [`ReceiveError::Duplicate`] (answer
    /// 200). A database failure releases the reservation and is [`ReceiveError::Store`] (503):
    /// the provider retries, and nothing is recorded as handled.
    pub async fn receive<D: Send + 'static>(
        &self,
        receiver: &dyn Receive<D>,
        request: Incoming,
        describe: impl FnOnce(&D) -> Described,
    ) -> Result<(ReplayKey, Inserted), ReceiveError> {
        let headers = request.headers.clone();
        let body = request.body.clone();
        let (delivery, ticket) = receiver.accept(request).await?.into_parts();
        let described = describe(&delivery);
        match self.insert(receiver.provider(), ticket.key().as_str(), &headers, &body, &described).await {
            Ok(inserted) => {
                // The row is durable: a failure to complete the reservation only means that a
                // retry finds the row (and writes no second one).
                let key = ticket.key().clone();
                if let Err(err) = ticket.complete().await {
                    tracing::warn!(error = %err, "inbox: delivery stored, its dedupe reservation not completed");
                }
                Ok((key, inserted))
            }
            Err(err) => {
                let _released = ticket.release().await;
                Err(ReceiveError::Store(StoreError::unavailable(err)))
            }
        }
    }

    /// Claims up to `limit` due deliveries for `owner` (a token unique to this claim) for
    /// `lease`: `pending` and `failed` ones whose time has come, and `processing` ones whose
    /// lease expired (a crashed worker's) unless their attempts reached `max_attempts` — those
    /// become `dead` instead. Each claim counts as an attempt. Concurrent claimers never get the
    /// same row (`FOR UPDATE SKIP LOCKED`).
    ///
    /// # Errors
    /// [`InboxError`].
    pub async fn claim(
        &self,
        owner: &str,
        lease: Duration,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<StoredDelivery>, InboxError> {
        let max = i32::try_from(max_attempts.max(1)).unwrap_or(i32::MAX);
        let sql = claim_sql();
        self.run(async {
            let rows = sqlx::query(&sql)
                .bind(owner)
                .bind(millis(lease))
                .bind(max)
                .bind(i64::from(limit.max(1)))
                .fetch_all(self.pool())
                .await
                .map_err(db_error)?;
            rows.iter().map(stored).collect()
        })
        .await
    }

    /// Records a claimed delivery as handled (`done`). `false` when `owner` no longer holds its
    /// lease (it expired and another worker claimed it, or it was retried by hand).
    ///
    /// # Errors
    /// [`InboxError`]: the row stays `processing` until its lease expires, then is handled again.
    pub async fn complete(&self, id: i64, owner: &str) -> Result<bool, InboxError> {
        self.run(async {
            let done = sqlx::query(COMPLETE_SQL).bind(id).bind(owner).execute(self.pool()).await.map_err(db_error)?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    /// Records a failed attempt of a claimed delivery: `failed`, due again after `retry_in`, or
    /// `dead` when its attempts reached `max_attempts`. `error` is stored as `last_error`
    /// (truncated).
    ///
    /// # Errors
    /// [`InboxError`]: the row stays `processing` until its lease expires.
    pub async fn fail(
        &self,
        id: i64,
        owner: &str,
        max_attempts: u32,
        retry_in: Duration,
        error: &str,
    ) -> Result<FailOutcome, InboxError> {
        let mut error = truncate(error.to_owned());
        if let Some((cut, _)) = error.char_indices().nth(MAX_STORED_ERROR) {
            error.truncate(cut);
        }
        let max = i32::try_from(max_attempts.max(1)).unwrap_or(i32::MAX);
        self.run(async {
            let state: Option<String> = sqlx::query_scalar(FAIL_SQL)
                .bind(id)
                .bind(owner)
                .bind(max)
                .bind(millis(retry_in))
                .bind(&error)
                .fetch_optional(self.pool())
                .await
                .map_err(db_error)?;
            Ok(match state.as_deref() {
                None => FailOutcome::LeaseLost,
                Some("dead") => FailOutcome::Dead,
                Some(_) => FailOutcome::Retrying,
            })
        })
        .await
    }

    /// Gives a claimed delivery back without counting the attempt (graceful shutdown): due
    /// immediately for another worker. `false` when the lease was already lost.
    ///
    /// # Errors
    /// [`InboxError`]: the row is reclaimed when its lease expires.
    pub async fn release(&self, id: i64, owner: &str) -> Result<bool, InboxError> {
        self.run(async {
            let done = sqlx::query(RELEASE_SQL).bind(id).bind(owner).execute(self.pool()).await.map_err(db_error)?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    /// The newest deliveries matching `filter`, without bodies and headers.
    ///
    /// # Errors
    /// [`InboxError`].
    pub async fn list(&self, filter: &ListFilter) -> Result<Vec<DeliveryRecord>, InboxError> {
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM hookbridge_inbox \
             WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR provider = $2) \
             ORDER BY id DESC LIMIT $3"
        );
        self.run(async {
            let rows = sqlx::query(&sql)
                .bind(filter.state.map(State::as_str))
                .bind(filter.provider.as_deref())
                .bind(i64::from(filter.limit.unwrap_or(100)))
                .fetch_all(self.pool())
                .await
                .map_err(db_error)?;
            rows.iter().map(record).collect()
        })
        .await
    }

    /// One delivery with its body and headers.
    ///
    /// # Errors
    /// [`InboxError::NotFound`], or another [`InboxError`].
    pub async fn get(&self, id: i64) -> Result<StoredDelivery, InboxError> {
        let sql =
            format!("SELECT header_names, header_values, body, {RECORD_COLUMNS} FROM hookbridge_inbox WHERE id = $1");
        self.run(async {
            let row = sqlx::query(&sql).bind(id).fetch_optional(self.pool()).await.map_err(db_error)?;
            stored(&row.ok_or(InboxError::NotFound { id })?)
        })
        .await
    }

    /// Makes one delivery due again now with a fresh attempt budget: `dead`, `failed` or `done`
    /// (a re-delivery) become `pending`.
    ///
    /// # Errors
    /// [`InboxError::NotFound`]; [`InboxError::Busy`] when a worker holds it.
    pub async fn retry(&self, id: i64) -> Result<(), InboxError> {
        self.run(async {
            let updated: Option<i64> =
                sqlx::query_scalar(RETRY_ONE_SQL).bind(id).fetch_optional(self.pool()).await.map_err(db_error)?;
            if updated.is_some() {
                return Ok(());
            }
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM hookbridge_inbox WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await
                .map_err(db_error)?;
            Err(if exists.is_some() { InboxError::Busy { id } } else { InboxError::NotFound { id } })
        })
        .await
    }

    /// Makes every `dead` delivery `pending` again with a fresh attempt budget; returns how many.
    ///
    /// # Errors
    /// [`InboxError`].
    pub async fn retry_dead(&self) -> Result<u64, InboxError> {
        self.run(async {
            let done = sqlx::query(RETRY_DEAD_SQL).execute(self.pool()).await.map_err(db_error)?;
            Ok(done.rows_affected())
        })
        .await
    }

    /// Deletes `done` deliveries handled more than `older_than` ago, in batches; returns how
    /// many. Other states are never purged.
    ///
    /// # Errors
    /// [`InboxError`]; rows deleted by earlier batches stay deleted.
    pub async fn purge_done(&self, older_than: Duration) -> Result<u64, InboxError> {
        let mut total = 0;
        loop {
            let deleted = self
                .run(async {
                    let done = sqlx::query(PURGE_SQL)
                        .bind(millis(older_than))
                        .bind(PURGE_BATCH)
                        .execute(self.pool())
                        .await
                        .map_err(db_error)?;
                    Ok(done.rows_affected())
                })
                .await?;
            total += deleted;
            if deleted < u64::try_from(PURGE_BATCH).unwrap_or(u64::MAX) {
                return Ok(total);
            }
        }
    }

    /// How many deliveries are in each state (states without any are absent): monitor `dead`
    /// and the `pending` + `failed` backlog.
    ///
    /// # Errors
    /// [`InboxError`].
    pub async fn counts(&self) -> Result<Vec<(State, u64)>, InboxError> {
        self.run(async {
            let rows = sqlx::query(COUNTS_SQL).fetch_all(self.pool()).await.map_err(db_error)?;
            rows.iter()
                .map(|row| {
                    let state: String = row.try_get(0).map_err(db_error)?;
                    let count: i64 = row.try_get(1).map_err(db_error)?;
                    Ok((state.parse()?, u64::try_from(count).unwrap_or(0)))
                })
                .collect()
        })
        .await
    }
}

impl fmt::Debug for Inbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.base.fmt_as("Inbox", f)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/pay?options=-c%20search_path%3Dx&password=p"),
            "postgres://app:***@db:5432/pay?…"
        );
        assert_eq!(redact_url("postgres://db/pay"), "postgres://db/pay");
    }

    #[test]
    fn debug_hides_the_password() {
        let builder = Inbox::builder("postgres://app:s3cret@db/pay?password=hunter2");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("s3cret") && !shown.contains("hunter2"), "{shown}");
    }

    #[tokio::test]
    async fn urls_are_checked_before_connecting() {
        let detail = |url: &str| match Inbox::builder(url).connect_lazy().unwrap_err() {
            InboxError::InvalidConfig { detail } => detail,
            other => panic!("{other:?}"),
        };
        assert_eq!(detail("mysql://app:s3cret@db/pay"), "the inbox URL must start with postgres:// or postgresql://");
        assert!(detail("postgres://app:s3cret@db:port/pay").contains("malformed"));
        let tls = Inbox::builder("postgres://app:s3cret@db/pay?sslmode=verify-full").connect_lazy();
        if pg_store::tls_available() {
            assert!(tls.is_ok());
        } else {
            let err = tls.unwrap_err().to_string();
            assert!(err.contains("`rustls` cargo feature") && !err.contains("s3cret"), "{err}");
        }
        let inbox = Inbox::builder("postgres://app:s3cret@db/pay").timeout(Duration::ZERO).connect_lazy().unwrap();
        assert_eq!(inbox.timeout(), DEFAULT_INBOX_TIMEOUT);
        assert!(!format!("{inbox:?}").contains("s3cret"));
    }
}
