//! One conformance suite for every [`DedupeStore`]: the in-memory store, Redis and PostgreSQL
//! (real servers, see `hookbridge_testkit::services`). Each run uses fresh random keys, so runs can share a
//! server, in parallel and repeatedly. Every wait is bounded.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hookbridge_verify::receive::{
    DedupeStore, InMemoryDedupeStore, LeaseToken, MAX_REPLAY_KEY_LEN, ReplayKey, Reservation, StoreError, connect_store,
};

#[cfg(feature = "postgres")]
use hookbridge_testkit::services::database_url;
#[cfg(feature = "redis")]
use hookbridge_testkit::services::redis_url;
use hookbridge_testkit::services::unique;

/// Bound on every single store call of the suite.
const CALL: Duration = Duration::from_secs(10);
/// A lease or retention long enough to outlast the test.
const LONG: Duration = Duration::from_secs(600);
/// A lease or retention that ends during the test.
const SHORT: Duration = Duration::from_millis(300);
/// How long the suite waits for a short lease or retention to end (no assertion on speed).
const EXPIRY_DEADLINE: Duration = Duration::from_secs(15);

/// Awaits `f`, failing the test if it takes longer than `limit`.
pub(crate) async fn within<F: Future>(limit: Duration, what: &str, f: F) -> F::Output {
    match tokio::time::timeout(limit, f).await {
        Ok(v) => v,
        Err(_) => panic!("{what}: no answer within {limit:?}"),
    }
}

struct Suite {
    store: Arc<dyn DedupeStore>,
    run: String,
}

impl Suite {
    fn key(&self, name: &str) -> ReplayKey {
        ReplayKey::signed_id("conformance", &self.run, name).unwrap()
    }

    async fn reserve(&self, key: &ReplayKey, lease: Duration) -> Reservation {
        within(CALL, "reserve", self.store.reserve(key, lease)).await.unwrap()
    }

    async fn reserved(&self, key: &ReplayKey, lease: Duration) -> LeaseToken {
        match self.reserve(key, lease).await {
            Reservation::Reserved(token) => token,
            other => panic!("{key}: expected Reserved, got {other:?}"),
        }
    }

    async fn complete(&self, key: &ReplayKey, token: &LeaseToken, retain: Duration) {
        within(CALL, "complete", self.store.complete(key, token, retain)).await.unwrap();
    }

    async fn release(&self, key: &ReplayKey, token: &LeaseToken) {
        within(CALL, "release", self.store.release(key, token)).await.unwrap();
    }

    /// Polls `key` until it can be reserved again (its lease or retention ended); the
    /// token of that new reservation.
    async fn wait_until_free(&self, key: &ReplayKey) -> LeaseToken {
        let deadline = tokio::time::Instant::now() + EXPIRY_DEADLINE;
        loop {
            if let Reservation::Reserved(token) = self.reserve(key, LONG).await {
                return token;
            }
            assert!(tokio::time::Instant::now() < deadline, "{key} still held {EXPIRY_DEADLINE:?} after expiry");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The contract of [`DedupeStore`], checked on `store`.
pub(crate) async fn conformance(store: Arc<dyn DedupeStore>, label: &str) {
    let suite = Suite { store, run: unique(label) };

    // New → reserved; again → in flight; completed → completed.
    let key = suite.key("lifecycle");
    let token = suite.reserved(&key, LONG).await;
    assert_eq!(suite.reserve(&key, LONG).await, Reservation::InFlight);
    suite.complete(&key, &token, LONG).await;
    assert_eq!(suite.reserve(&key, LONG).await, Reservation::Completed);
    // Releasing a completed key (a late release by its former holder) changes nothing.
    suite.release(&key, &token).await;
    assert_eq!(suite.reserve(&key, LONG).await, Reservation::Completed);

    // Release by the holder frees the key; the next reservation gets another token.
    let key = suite.key("release-by-holder");
    let first = suite.reserved(&key, LONG).await;
    suite.release(&key, &first).await;
    let second = suite.reserved(&key, LONG).await;
    assert_ne!(first, second, "every reservation has its own token");

    // Release with another token does nothing.
    let key = suite.key("release-by-other");
    let holder = suite.reserved(&key, LONG).await;
    suite.release(&key, &LeaseToken::from_stored("0123456789abcdef0123456789abcdef")).await;
    assert_eq!(suite.reserve(&key, LONG).await, Reservation::InFlight);
    suite.release(&key, &holder).await;
    suite.reserved(&key, LONG).await;

    // Complete marks done whoever holds the key (the application did handle it), and also a
    // key nobody holds any more.
    let key = suite.key("complete-other-token");
    let _holder = suite.reserved(&key, LONG).await;
    suite.complete(&key, &LeaseToken::from_stored("another-instance"), LONG).await;
    assert_eq!(suite.reserve(&key, LONG).await, Reservation::Completed);
    let key = suite.key("complete-unreserved");
    suite.complete(&key, &LeaseToken::from_stored("lease-expired-long-ago"), LONG).await;
    assert_eq!(suite.reserve(&key, LONG).await, Reservation::Completed);

    // A lease ends: the key is free again, and the former holder can no longer release the
    // new holder's reservation.
    let key = suite.key("lease-expiry");
    let stale = suite.reserved(&key, SHORT).await;
    tokio::time::sleep(SHORT).await;
    let fresh = suite.wait_until_free(&key).await;
    assert_ne!(stale, fresh);
    suite.release(&key, &stale).await;
    assert_eq!(suite.reserve(&key, LONG).await, Reservation::InFlight, "a stale token released a live reservation");
    suite.complete(&key, &fresh, LONG).await;
    assert_eq!(suite.reserve(&key, LONG).await, Reservation::Completed);

    // Retention ends: a completed key is forgotten.
    let key = suite.key("retention-expiry");
    let token = suite.reserved(&key, LONG).await;
    suite.complete(&key, &token, SHORT).await;
    tokio::time::sleep(SHORT).await;
    suite.wait_until_free(&key).await;

    // 100 concurrent reservations of one key: exactly one wins, the others see it in flight.
    let key = suite.key("race");
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let store = suite.store.clone();
        let key = key.clone();
        racers.spawn(async move { within(CALL, "concurrent reserve", store.reserve(&key, LONG)).await });
    }
    let (mut reserved, mut in_flight) = (0, 0);
    while let Some(result) = within(CALL * 2, "concurrent reserves", racers.join_next()).await {
        match result.unwrap().unwrap() {
            Reservation::Reserved(_) => reserved += 1,
            Reservation::InFlight => in_flight += 1,
            other => panic!("concurrent reserve of a fresh key: {other:?}"),
        }
    }
    assert_eq!((reserved, in_flight), (1, 99));

    // Keys are independent.
    let (a, b) = (suite.key("independent-a"), suite.key("independent-b"));
    let token_a = suite.reserved(&a, LONG).await;
    let token_b = suite.reserved(&b, LONG).await;
    suite.complete(&a, &token_a, LONG).await;
    assert_eq!(suite.reserve(&b, LONG).await, Reservation::InFlight);
    suite.release(&b, &token_b).await;
    assert_eq!(suite.reserve(&a, LONG).await, Reservation::Completed);
    suite.reserved(&b, LONG).await;

    // Keys of the maximum length, differing in their last byte only.
    let fill = MAX_REPLAY_KEY_LEN - "conformance".len() - 2;
    let long_id = |last: char| {
        let mut id = suite.run.clone();
        id.push(':');
        while id.len() < fill - 1 {
            id.push('k');
        }
        id.push(last);
        id
    };
    let long_a = ReplayKey::signed_id("conformance", "", &long_id('a')).unwrap_or_else(|e| panic!("512-byte key: {e}"));
    let long_b = ReplayKey::signed_id("conformance", "", &long_id('b')).unwrap();
    assert_eq!(long_a.as_str().len(), MAX_REPLAY_KEY_LEN);
    let token = suite.reserved(&long_a, LONG).await;
    suite.complete(&long_a, &token, LONG).await;
    assert_eq!(suite.reserve(&long_a, LONG).await, Reservation::Completed);
    suite.reserved(&long_b, LONG).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_conforms() {
    within(Duration::from_secs(120), "suite", conformance(Arc::new(InMemoryDedupeStore::new()), "memory")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_from_url_conforms() {
    let store = connect_store("memory").await.unwrap();
    within(Duration::from_secs(120), "suite", conformance(store, "memory-url")).await;
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_store_conforms() {
    let Some(url) = redis_url("redis_store_conforms") else { return };
    let store = within(CALL, "connect", connect_store(&url)).await.unwrap();
    within(Duration::from_secs(120), "suite", conformance(store, "redis")).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_conforms() {
    let Some(url) = database_url("postgres_store_conforms") else { return };
    let store = within(CALL, "connect", connect_store(&url)).await.unwrap();
    within(Duration::from_secs(120), "suite", conformance(store, "postgres")).await;
}

#[tokio::test]
async fn unknown_and_malformed_store_urls_are_typed_errors() {
    let err = connect_store("mongodb://user:hunter2@db").await.unwrap_err();
    assert!(matches!(&err, StoreError::UnknownScheme { scheme } if scheme == "mongodb"), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("hunter2"));
    let err = connect_store("user:hunter2@db").await.unwrap_err();
    assert!(matches!(err, StoreError::InvalidConfig { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("hunter2"));
}

/// Without the `rustls` feature, URLs that require TLS are refused up front, by name.
#[cfg(all(feature = "redis", feature = "postgres", not(feature = "rustls")))]
#[tokio::test]
async fn tls_urls_need_the_rustls_feature() {
    for url in ["rediss://:hunter2@127.0.0.1:1/0", "postgres://u:hunter2@127.0.0.1:1/db?sslmode=require"] {
        let err = within(CALL, "connect", connect_store(url)).await.unwrap_err();
        assert!(matches!(err, StoreError::FeatureDisabled { feature: "rustls", .. }), "{url}: {err:?}");
        assert!(!format!("{err} {err:?}").contains("hunter2"));
    }
}

#[cfg(feature = "redis")]
mod redis_backend {
    use hookbridge_verify::receive::{RedisDedupeStore, StoreError};

    use super::*;

    #[tokio::test]
    async fn debug_and_errors_hide_the_password() {
        // Nothing listens on port 1: the connection is refused.
        let builder =
            RedisDedupeStore::builder("redis://user:hunter2@127.0.0.1:1/0").timeout(Duration::from_millis(500));
        assert!(!format!("{builder:?}").contains("hunter2"));
        let err = within(CALL, "connect", builder.connect()).await.unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        let shown = format!("{err} {err:?} {}", error_chain(&err));
        assert!(!shown.contains("hunter2"), "{shown}");
        let err = RedisDedupeStore::connect("redis://:hunter2@[::1").await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidConfig { .. }), "{err:?}");
        assert!(!format!("{err} {err:?}").contains("hunter2"));
    }

    #[tokio::test]
    async fn store_debug_hides_the_password() {
        let Some(url) = redis_url("store_debug_hides_the_password") else { return };
        // Redis 6+ accepts `default` with any password when none is configured.
        let with_password = url.replacen("redis://", "redis://default:hunter2@", 1);
        let store = within(CALL, "connect", RedisDedupeStore::connect(&with_password)).await.unwrap();
        let shown = format!("{store:?}");
        assert!(shown.contains("default:***@"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[tokio::test]
    async fn foreign_values_fail_closed() {
        let Some(url) = redis_url("foreign_values_fail_closed") else { return };
        let prefix = format!("{}:", unique("hookbridge-test-foreign"));
        let store =
            within(CALL, "connect", RedisDedupeStore::builder(&url).key_prefix(&prefix).connect()).await.unwrap();
        let client = redis::Client::open(url.as_str()).unwrap();
        let mut conn = within(CALL, "connect", client.get_multiplexed_async_connection()).await.unwrap();

        let garbage = ReplayKey::signed_id("t", "id", "garbage").unwrap();
        let _: () = redis::cmd("SET")
            .arg(format!("{prefix}{garbage}"))
            .arg("not-a-state")
            .arg("PX")
            .arg(60_000)
            .query_async(&mut conn)
            .await
            .unwrap();
        let err = within(CALL, "reserve", store.reserve(&garbage, LONG)).await.unwrap_err();
        assert!(matches!(err, StoreError::Unexpected { .. }), "{err:?}");

        let hash = ReplayKey::signed_id("t", "id", "hash").unwrap();
        let _: () =
            redis::cmd("HSET").arg(format!("{prefix}{hash}")).arg("f").arg("v").query_async(&mut conn).await.unwrap();
        let _: () =
            redis::cmd("PEXPIRE").arg(format!("{prefix}{hash}")).arg(60_000).query_async(&mut conn).await.unwrap();
        let err = within(CALL, "reserve", store.reserve(&hash, LONG)).await.unwrap_err();
        assert!(matches!(err, StoreError::Unexpected { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn the_key_prefix_separates_stores() {
        let Some(url) = redis_url("the_key_prefix_separates_stores") else { return };
        let run = unique("hookbridge-test-prefix");
        let a = RedisDedupeStore::builder(&url).key_prefix(format!("{run}:a:")).connect();
        let a = within(CALL, "connect", a).await.unwrap();
        let b = RedisDedupeStore::builder(&url).key_prefix(format!("{run}:b:")).connect();
        let b = within(CALL, "connect", b).await.unwrap();
        let key = ReplayKey::signed_id("t", "id", &run).unwrap();
        assert!(matches!(within(CALL, "reserve", a.reserve(&key, LONG)).await.unwrap(), Reservation::Reserved(_)));
        assert!(matches!(within(CALL, "reserve", b.reserve(&key, LONG)).await.unwrap(), Reservation::Reserved(_)));
        assert_eq!(a.key_prefix(), format!("{run}:a:"));
    }
}

#[cfg(feature = "postgres")]
mod postgres_backend {
    use hookbridge_verify::receive::{PostgresDedupeStore, StoreError};

    use super::*;

    /// `url` with its search path set to `schema` (as the store's docs say to do).
    fn in_schema(url: &str, schema: &str) -> String {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}options=-c%20search_path%3D{schema}")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn an_empty_database_is_set_up_by_concurrent_first_uses() {
        let Some(url) = database_url("an_empty_database_is_set_up_by_concurrent_first_uses") else { return };
        // A fresh, empty schema stands for an empty database (other tests share the database).
        let schema = unique("hb_test").replace('-', "_");
        let admin = within(CALL, "connect", sqlx::PgPool::connect(&url)).await.unwrap();
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();

        let scoped = in_schema(&url, &schema);
        let mut starts = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let scoped = scoped.clone();
            starts.spawn(async move { PostgresDedupeStore::connect(&scoped).await });
        }
        let mut stores = Vec::new();
        while let Some(started) = within(Duration::from_secs(30), "concurrent connects", starts.join_next()).await {
            stores.push(started.unwrap().unwrap_or_else(|e| panic!("concurrent first use: {e:?}")));
        }
        let tables: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'hookbridge_dedupe'",
        )
        .bind(&schema)
        .fetch_one(&admin)
        .await
        .unwrap();
        assert_eq!(tables, 1);
        // Applying the migration again changes nothing, and the stores work.
        within(CALL, "migrate", stores[0].migrate()).await.unwrap();
        let key = ReplayKey::signed_id("t", "id", &schema).unwrap();
        assert!(matches!(
            within(CALL, "reserve", stores[1].reserve(&key, LONG)).await.unwrap(),
            Reservation::Reserved(_)
        ));
        assert_eq!(within(CALL, "reserve", stores[2].reserve(&key, LONG)).await.unwrap(), Reservation::InFlight);

        for store in &stores {
            store.pool().close().await;
        }
        sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await.unwrap();
    }

    #[tokio::test]
    async fn purge_expired_deletes_expired_rows_only() {
        let Some(url) = database_url("purge_expired_deletes_expired_rows_only") else { return };
        // Its own schema, so that purges by parallel runs do not change the count.
        let schema = unique("hb_purge").replace('-', "_");
        let admin = within(CALL, "connect", sqlx::PgPool::connect(&url)).await.unwrap();
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
        let store = within(CALL, "connect", PostgresDedupeStore::connect(&in_schema(&url, &schema))).await.unwrap();

        let expiring = ReplayKey::signed_id("t", "id", "lease").unwrap();
        let retained = ReplayKey::signed_id("t", "id", "retention").unwrap();
        let live = ReplayKey::signed_id("t", "id", "live").unwrap();
        let _lease = within(CALL, "reserve", store.reserve(&expiring, SHORT)).await.unwrap();
        let token = LeaseToken::from_stored("t");
        within(CALL, "complete", store.complete(&retained, &token, SHORT)).await.unwrap();
        within(CALL, "complete", store.complete(&live, &token, LONG)).await.unwrap();
        tokio::time::sleep(SHORT).await;

        let deadline = tokio::time::Instant::now() + EXPIRY_DEADLINE;
        let mut purged = 0;
        while purged < 2 {
            assert!(tokio::time::Instant::now() < deadline, "expired rows were not purged ({purged} of 2)");
            purged += within(CALL, "purge", store.purge_expired()).await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(purged, 2);
        let keys: Vec<String> =
            sqlx::query_scalar("SELECT key FROM hookbridge_dedupe").fetch_all(store.pool()).await.unwrap();
        assert_eq!(keys, [live.as_str()]);
        assert_eq!(within(CALL, "reserve", store.reserve(&live, LONG)).await.unwrap(), Reservation::Completed);

        store.pool().close().await;
        sqlx::raw_sql(&format!("DROP SCHEMA {schema} CASCADE")).execute(&admin).await.unwrap();
    }

    #[tokio::test]
    async fn debug_and_errors_hide_the_password() {
        let Some(url) = database_url("postgres_backend::debug_and_errors_hide_the_password") else { return };
        let wrong = with_password(&url, "hunter2-wrong");
        let builder = PostgresDedupeStore::builder(&wrong).timeout(Duration::from_secs(3));
        assert!(!format!("{builder:?}").contains("hunter2"));
        let err = within(CALL, "connect", builder.connect()).await.unwrap_err();
        assert!(matches!(err, StoreError::Unavailable(_)), "a refused password is an unavailable store: {err:?}");
        let shown = format!("{err} {err:?} {}", error_chain(&err));
        assert!(!shown.contains("hunter2"), "{shown}");

        let store = within(CALL, "connect", PostgresDedupeStore::connect(&url)).await.unwrap();
        let shown = format!("{store:?}");
        assert!(shown.contains(":***@"), "{shown}");
        assert!(!shown.contains(&password_of(&url)), "{shown}");

        let err = PostgresDedupeStore::connect("postgres://u:hunter2@db:notaport/x").await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidConfig { .. }), "{err:?}");
        assert!(!format!("{err} {err:?}").contains("hunter2"));
    }

    fn password_of(url: &str) -> String {
        let rest = url.split_once("://").unwrap().1;
        let userinfo = rest.split_once('@').map(|(u, _)| u).unwrap_or_default();
        userinfo.split_once(':').map(|(_, p)| p.to_owned()).unwrap_or_else(|| "<no password in the URL>".to_owned())
    }

    fn with_password(url: &str, password: &str) -> String {
        let (scheme, rest) = url.split_once("://").unwrap();
        let (userinfo, host) = rest.split_once('@').unwrap_or(("postgres", rest));
        let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
        format!("{scheme}://{user}:{password}@{host}")
    }
}

/// `err` and its causes, as a user printing the chain would see them.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&format!("{cause} / {cause:?}"));
        source = cause.source();
    }
    out
}
