//! [`RedisDedupeStore`]: a [`DedupeStore`] shared by a fleet through Redis.

use std::fmt;
use std::future::Future;
use std::sync::LazyLock;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Script, Value};

use super::key::ReplayKey;
use super::store::{BoxFuture, DedupeStore, LeaseToken, Reservation, StoreError};
use super::url_text::{redact_url, scheme_of};

/// Default key prefix of a [`RedisDedupeStore`].
pub const DEFAULT_REDIS_KEY_PREFIX: &str = "hookbridge:dedupe:";

/// Default bound on one store operation of a [`RedisDedupeStore`] (connecting included): 2 s.
pub const DEFAULT_REDIS_TIMEOUT: Duration = Duration::from_secs(2);

/// The value of a completed key.
const DONE: &str = "done";
/// The prefix of a reserved key's value: `p:<lease token>`.
const PENDING: &str = "p:";

/// Reserve: `SET NX PX`, else report what holds the key — in one atomic step, so that a key
/// freed between the two never reads as "nothing there".
const RESERVE_LUA: &str = r"
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 'reserved'
end
return redis.call('GET', KEYS[1])
";

/// Release: compare-and-delete, so that only the holder of the lease frees the key.
const RELEASE_LUA: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

static RESERVE: LazyLock<Script> = LazyLock::new(|| Script::new(RESERVE_LUA));
static RELEASE: LazyLock<Script> = LazyLock::new(|| Script::new(RELEASE_LUA));

/// Durations are clamped to 100 years (Redis refuses expiries that overflow).
const MAX_MILLIS: u64 = 100 * 365 * 24 * 3600 * 1000;

/// A [`DedupeStore`] in Redis, shared by every receiver instance given the same server and
/// prefix. Each replay key is one Redis string, `<prefix><replay key>`:
///
/// * reserve — `SET key "p:<token>" NX PX <lease>` in a small Lua script that otherwise
///   returns the current value (`done` → completed, `p:…` → in flight), atomically;
/// * complete — `SET key done PX <retain>` (unconditional: the application did handle it);
/// * release — a compare-and-delete Lua script: deletes the key only if it still holds
///   `p:<token>`.
///
/// Expiry is Redis's own (`PX`): a crashed instance's reservation disappears with its lease
/// and handled keys with their retention, so nothing needs purging. Use a Redis that does not
/// evict these keys under memory pressure (`maxmemory-policy noeviction` or a `volatile-*`
/// policy with room to spare): an evicted completed key lets a duplicate be handled again.
///
/// Every operation is bounded by [`timeout`](RedisDedupeStoreBuilder::timeout) (default
/// [`DEFAULT_REDIS_TIMEOUT`]); an outage answers [`StoreError::Unavailable`] within it (the
/// pipeline answers 503) and the connection is re-established in the background once the
/// server is back. Anything unexpected at a key (another type, an unknown value) fails closed
/// with [`StoreError::Unexpected`]. An operation that times out may still have been applied by
/// the server: a reservation made that way blocks its key until its lease ends, never longer.
///
/// `Debug` shows the URL without its password.
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use hookbridge_verify::receive::RedisDedupeStore;
///
/// # async fn run() -> Result<(), hookbridge_verify::receive::StoreError> {
/// let store = RedisDedupeStore::builder("redis://:secret@redis.internal:6379/0")
///     .key_prefix("payments:dedupe:")
///     .timeout(Duration::from_secs(1))
///     .connect()
///     .await?;
/// println!("{store:?}"); // RedisDedupeStore { url: "redis://:***@redis.internal:6379/0", .. }
/// // Pipeline::new(spec).with_store(Arc::new(store))
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub struct RedisDedupeStore {
    conn: ConnectionManager,
    prefix: Box<str>,
    timeout: Duration,
    url: String,
}

/// Configures and connects a [`RedisDedupeStore`]; see [`RedisDedupeStore::builder`].
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub struct RedisDedupeStoreBuilder {
    url: String,
    prefix: String,
    timeout: Duration,
}

impl RedisDedupeStoreBuilder {
    /// Prefixes every Redis key (default [`DEFAULT_REDIS_KEY_PREFIX`]). Receivers that must
    /// share dedupe use the same prefix; separate applications on one Redis use different ones.
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// Bounds each store operation, connecting included (default [`DEFAULT_REDIS_TIMEOUT`]):
    /// also the connection and response timeouts of the underlying connection.
    /// A zero duration is replaced by the default.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = if timeout.is_zero() { DEFAULT_REDIS_TIMEOUT } else { timeout };
        self
    }

    /// Connects (within the timeout) and returns the store.
    ///
    /// # Errors
    /// [`StoreError::InvalidConfig`] for a malformed URL or a `rediss://` URL without the
    /// `rustls` cargo feature; [`StoreError::Unavailable`] when the server cannot be reached
    /// or refuses the credentials. Errors never contain the URL.
    pub async fn connect(self) -> Result<RedisDedupeStore, StoreError> {
        let scheme = scheme_of(&self.url);
        match scheme.as_deref() {
            Some("redis") => {}
            Some("rediss") => install_tls_provider()?,
            Some(other) => return Err(StoreError::UnknownScheme { scheme: other.to_owned() }),
            None => return Err(invalid_url()),
        }
        let client = redis::Client::open(self.url.as_str()).map_err(|_| invalid_url())?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // Reconnect quickly once the server is back; operations are bounded by `timeout`.
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(50))
            .set_max_delay(Duration::from_millis(500));
        let conn = bounded(self.timeout, async {
            ConnectionManager::new_with_config(client, config).await.map_err(unavailable)
        })
        .await?;
        Ok(RedisDedupeStore {
            conn,
            prefix: self.prefix.into_boxed_str(),
            timeout: self.timeout,
            url: redact_url(&self.url),
        })
    }
}

impl fmt::Debug for RedisDedupeStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDedupeStoreBuilder")
            .field("url", &redact_url(&self.url))
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(feature = "rustls")]
fn install_tls_provider() -> Result<(), StoreError> {
    // The redis client builds its TLS configuration from the process-wide default provider;
    // make sure there is one (an application's own choice, installed earlier, is kept).
    let _already_installed = rustls::crypto::aws_lc_rs::default_provider().install_default();
    Ok(())
}

#[cfg(not(feature = "rustls"))]
fn install_tls_provider() -> Result<(), StoreError> {
    Err(StoreError::FeatureDisabled { scheme: "rediss".to_owned(), feature: "rustls" })
}

fn invalid_url() -> StoreError {
    StoreError::InvalidConfig {
        detail: "the Redis URL is malformed (expected redis://[user:password@]host[:port][/db])".to_owned(),
    }
}

fn unavailable(err: redis::RedisError) -> StoreError {
    // The server refused the store's own commands (another type under a key, a script
    // error): not an outage, but still fail closed. Everything else (I/O, timeouts, LOADING,
    // READONLY, OOM, authentication) is an unavailable store.
    let refused = matches!(
        err.kind(),
        redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError)
            | redis::ErrorKind::UnexpectedReturnType
            | redis::ErrorKind::Parse
    ) || err.code() == Some("WRONGTYPE");
    if refused {
        return StoreError::Unexpected {
            detail: format!("Redis refused a command of this store ({})", err.code().unwrap_or("no error code")),
        };
    }
    StoreError::unavailable(err)
}

/// Runs `op` within `timeout`; past it, [`StoreError::Unavailable`].
async fn bounded<T>(timeout: Duration, op: impl Future<Output = Result<T, StoreError>>) -> Result<T, StoreError> {
    match tokio::time::timeout(timeout, op).await {
        Ok(result) => result,
        Err(elapsed) => Err(StoreError::unavailable(std::io::Error::new(std::io::ErrorKind::TimedOut, elapsed))),
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).clamp(1, MAX_MILLIS)
}

impl RedisDedupeStore {
    /// Connects to `url` (`redis://[user:password@]host[:port][/db]`, or `rediss://` with the
    /// `rustls` feature) with the default prefix and timeout.
    ///
    /// # Errors
    /// See [`RedisDedupeStoreBuilder::connect`].
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::builder(url).connect().await
    }

    /// A builder for a store at `url`, to set the key prefix and the timeout.
    #[must_use]
    pub fn builder(url: &str) -> RedisDedupeStoreBuilder {
        RedisDedupeStoreBuilder {
            url: url.to_owned(),
            prefix: DEFAULT_REDIS_KEY_PREFIX.to_owned(),
            timeout: DEFAULT_REDIS_TIMEOUT,
        }
    }

    /// The key prefix.
    #[must_use]
    pub fn key_prefix(&self) -> &str {
        &self.prefix
    }

    /// The bound on each operation.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    fn redis_key(&self, key: &ReplayKey) -> String {
        let mut out = String::with_capacity(self.prefix.len() + key.as_str().len());
        out.push_str(&self.prefix);
        out.push_str(key.as_str());
        out
    }

    async fn reserve_now(&self, key: &ReplayKey, lease: Duration) -> Result<Reservation, StoreError> {
        let token = LeaseToken::generate()?;
        let value = format!("{PENDING}{token}");
        let mut conn = self.conn.clone();
        let answer: Value = RESERVE
            .key(self.redis_key(key))
            .arg(&value)
            .arg(millis(lease))
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        let text = match &answer {
            Value::BulkString(bytes) => std::str::from_utf8(bytes).ok(),
            Value::SimpleString(text) => Some(text.as_str()),
            _ => None,
        };
        match text {
            Some("reserved") => Ok(Reservation::Reserved(token)),
            Some(DONE) => Ok(Reservation::Completed),
            Some(held) if held.starts_with(PENDING) => Ok(Reservation::InFlight),
            // `Nil` cannot happen inside the script (the failed `SET NX` saw the key); any
            // other value was not written by this store.
            _ => Err(StoreError::Unexpected { detail: "a Redis key of this store holds an unknown value".to_owned() }),
        }
    }

    async fn complete_now(&self, key: &ReplayKey, retain: Duration) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        let answer: Value = redis::cmd("SET")
            .arg(self.redis_key(key))
            .arg(DONE)
            .arg("PX")
            .arg(millis(retain))
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        match answer {
            Value::Okay => Ok(()),
            Value::SimpleString(text) if text == "OK" => Ok(()),
            _ => Err(StoreError::Unexpected { detail: "Redis did not acknowledge SET".to_owned() }),
        }
    }

    async fn release_now(&self, key: &ReplayKey, token: &LeaseToken) -> Result<(), StoreError> {
        let mut conn = self.conn.clone();
        let _deleted: i64 = RELEASE
            .key(self.redis_key(key))
            .arg(format!("{PENDING}{token}"))
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

impl fmt::Debug for RedisDedupeStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDedupeStore")
            .field("url", &self.url)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl DedupeStore for RedisDedupeStore {
    fn reserve<'a>(&'a self, key: &'a ReplayKey, lease: Duration) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        Box::pin(bounded(self.timeout, self.reserve_now(key, lease)))
    }

    fn complete<'a>(
        &'a self,
        key: &'a ReplayKey,
        _token: &'a LeaseToken,
        retain: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(bounded(self.timeout, self.complete_now(key, retain)))
    }

    fn release<'a>(&'a self, key: &'a ReplayKey, token: &'a LeaseToken) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(bounded(self.timeout, self.release_now(key, token)))
    }
}
