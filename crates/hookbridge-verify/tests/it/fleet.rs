//! Two receiver instances (two `Pipeline`s, each with its own client of one shared Redis or
//! PostgreSQL store), as two processes behind a load balancer would run:
//!
//! * the same signed delivery sent to both, 100 times concurrently → handled exactly once;
//! * a failing application → the reservation is released and the provider's retry is handled;
//! * the store server going away mid-test → 503 and nothing recorded as done; once it is
//!   back, the delivery is handled.
//!
//! Every wait is bounded.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use hookbridge_verify::receive::{
    AppError, DedupeStore, Incoming, Parsed, Pipeline, PostgresDedupeStore, Receive, ReceiveError, ReceiverSpec,
    RedisDedupeStore, ReplayKey, app_fn,
};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, Verified};
use http::{StatusCode, Uri};

use crate::stores::within;
use hookbridge_testkit::proxy::TcpProxy;
use hookbridge_testkit::services::{database_url, redis_url, unique};

const SECRET: &str = "fleet test secret";
/// Store timeout of the instances that talk to the server directly: generous, because 100
/// concurrent deliveries on a busy test machine first open their connections (a debug-built
/// SCRAM handshake each, for Postgres).
const STORE_TIMEOUT: Duration = Duration::from_secs(10);
/// Store timeout of the instances behind the proxy: an outage answers within it.
const OUTAGE_TIMEOUT: Duration = Duration::from_secs(3);
/// Bound on one delivery through a pipeline.
const DELIVERY: Duration = Duration::from_secs(15);
/// Bound on waiting for recovery (reconnection, a lease ending).
const RECOVERY: Duration = Duration::from_secs(30);
/// Bound on a whole test.
const TEST: Duration = Duration::from_secs(120);

/// A tiny provider: GitHub-style HMAC over the body, replay key from the signed bytes.
#[derive(Debug)]
struct TestSpec(HmacVerifier);

impl ReceiverSpec for TestSpec {
    type Delivery = Bytes;

    fn provider(&self) -> &'static str {
        "fleet"
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        Ok(self.0.verify_at(&request.body, &request.headers, now)?)
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<Bytes>, ReceiveError> {
        let key = ReplayKey::from_verified("fleet", &verified, &request.body)?;
        Ok(Parsed::new(request.body.clone(), key))
    }
}

fn secret() -> HmacSecret {
    HmacSecret::from_str_bytes(SECRET).unwrap()
}

fn pipeline(store: Arc<dyn DedupeStore>, lease: Duration) -> Pipeline<TestSpec> {
    let spec = TestSpec(HmacVerifier::with_secret(HmacScheme::github(), secret()));
    Pipeline::new(spec).with_store(store).lease(lease).retention(Duration::from_secs(600))
}

/// A signed delivery, unique to this run.
fn delivery(run: &str, name: &str) -> Incoming {
    let body = format!(r#"{{"run":"{run}","delivery":"{name}"}}"#);
    let headers = HmacSigner::new(HmacScheme::github(), secret()).sign(body.as_bytes(), 0, None).unwrap();
    Incoming::post(Uri::from_static("/hooks/fleet"), headers, body)
}

/// What the application saw: how many deliveries it was handed.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Counter {
    fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Sends `request` to `receiver` (as a provider would) with `app`.
async fn send(
    receiver: &Pipeline<TestSpec>,
    request: Incoming,
    app: &dyn hookbridge_verify::receive::Application<Bytes>,
) -> Result<ReplayKey, ReceiveError> {
    within(DELIVERY, "delivery", receiver.receive(request, app)).await
}

/// Resends `request` until it is handled (the provider retrying), within [`RECOVERY`].
async fn send_until_handled(
    receiver: &Pipeline<TestSpec>,
    request: &Incoming,
    app: &dyn hookbridge_verify::receive::Application<Bytes>,
) {
    let deadline = tokio::time::Instant::now() + RECOVERY;
    loop {
        match send(receiver, request.clone(), app).await {
            Ok(_) => return,
            Err(err) => {
                assert!(err.provider_should_retry(), "not retryable: {err:?}");
                assert!(tokio::time::Instant::now() < deadline, "not handled within {RECOVERY:?}: {}", err.reason());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// Both instances get the same delivery, 100 times concurrently: handled exactly once.
async fn handled_exactly_once(a: Arc<Pipeline<TestSpec>>, b: Arc<Pipeline<TestSpec>>) {
    let run = unique("once");
    let handled = Counter::default();
    let counter = handled.clone();
    let app = Arc::new(app_fn(move |_delivery: Bytes| {
        let counter = counter.clone();
        async move {
            counter.0.fetch_add(1, Ordering::SeqCst);
            // Handling takes a while, so that deliveries overlap it.
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(())
        }
    }));
    let request = delivery(&run, "d");
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..100 {
        let receiver = if i % 2 == 0 { a.clone() } else { b.clone() };
        let (request, app) = (request.clone(), app.clone());
        sends.spawn(async move { within(DELIVERY, "delivery", receiver.receive(request, &*app)).await });
    }
    let (mut ok, mut duplicate, mut in_flight) = (0, 0, 0);
    while let Some(result) = within(DELIVERY * 2, "deliveries", sends.join_next()).await {
        match result.unwrap() {
            Ok(_) => ok += 1,
            Err(ReceiveError::Duplicate { .. }) => duplicate += 1,
            Err(ReceiveError::InFlight { .. }) => in_flight += 1,
            Err(err) => panic!("unexpected outcome: {}", err.reason()),
        }
    }
    assert_eq!(handled.get(), 1, "the application was called {} times", handled.get());
    assert_eq!(ok, 1);
    assert_eq!(duplicate + in_flight, 99);
    // Later, a duplicate is acknowledged (200) without handling.
    let err = send(&b, request, &*app).await.unwrap_err();
    assert!(err.is_duplicate(), "{err:?}");
    assert_eq!(err.status(), StatusCode::OK);
    assert_eq!(handled.get(), 1);
}

/// The application fails on one instance: the key is released, the retry (on the other
/// instance) is handled, and later duplicates are not.
async fn failure_releases(a: Arc<Pipeline<TestSpec>>, b: Arc<Pipeline<TestSpec>>) {
    let run = unique("failure");
    let calls = Counter::default();
    let counter = calls.clone();
    let flaky = app_fn(move |_delivery: Bytes| {
        let n = counter.0.fetch_add(1, Ordering::SeqCst);
        async move { if n == 0 { Err(AppError::new("the ledger is read-only")) } else { Ok(()) } }
    });
    let request = delivery(&run, "d");
    let err = send(&a, request.clone(), &flaky).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Application(_)), "{err:?}");
    assert!(err.provider_should_retry());
    send(&b, request.clone(), &flaky).await.unwrap_or_else(|e| panic!("the retry was not handled: {}", e.reason()));
    assert_eq!(calls.get(), 2);
    assert!(send(&a, request, &flaky).await.unwrap_err().is_duplicate());
    assert_eq!(calls.get(), 2);
}

/// The store's server goes away (the proxy stops) and comes back.
async fn outage(proxy: &TcpProxy, a: Arc<Pipeline<TestSpec>>, b: Arc<Pipeline<TestSpec>>) {
    let run = unique("outage");
    let handled = Counter::default();
    let counter = handled.clone();
    let app = app_fn(move |_delivery: Bytes| {
        counter.0.fetch_add(1, Ordering::SeqCst);
        async { Ok(()) }
    });
    let before = delivery(&run, "before");
    send(&a, before.clone(), &app).await.unwrap_or_else(|e| panic!("before the outage: {}", e.reason()));
    assert_eq!(handled.get(), 1);

    proxy.stop().await;
    let during = delivery(&run, "during");
    for receiver in [&a, &b] {
        let err = send(receiver, during.clone(), &app).await.unwrap_err();
        assert!(matches!(err, ReceiveError::Store(_)), "{}", err.reason());
        assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(err.provider_should_retry());
    }
    assert_eq!(handled.get(), 1, "nothing is handled while the store is down");

    proxy.resume().await.unwrap();
    // The provider retries until the receivers have reconnected: handled once, not lost.
    send_until_handled(&b, &during, &app).await;
    assert_eq!(handled.get(), 2);
    assert!(send(&a, during, &app).await.unwrap_err().is_duplicate());
    assert!(send(&b, before, &app).await.unwrap_err().is_duplicate(), "the store kept what was done before");
    assert_eq!(handled.get(), 2);
}

/// The store's server goes away while the application handles a delivery: the application
/// did its work but it cannot be recorded as done, so the provider gets 503 and — once the
/// store is back and the lease has ended — the retry is handled again (at-least-once: a
/// delivery may be handled twice, never lost).
async fn outage_while_handling(proxy: Arc<TcpProxy>, a: Arc<Pipeline<TestSpec>>, b: Arc<Pipeline<TestSpec>>) {
    let run = unique("mid");
    let handled = Counter::default();
    let counter = handled.clone();
    let stopper = proxy.clone();
    let app = app_fn(move |_delivery: Bytes| {
        let n = counter.0.fetch_add(1, Ordering::SeqCst);
        let stopper = stopper.clone();
        async move {
            if n == 0 {
                stopper.stop().await;
            }
            Ok(())
        }
    });
    let request = delivery(&run, "d");
    let err = send(&a, request.clone(), &app).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Store(_)), "{}", err.reason());
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(handled.get(), 1);

    proxy.resume().await.unwrap();
    send_until_handled(&b, &request, &app).await;
    assert_eq!(handled.get(), 2, "the delivery was not recorded as done, so its retry was handled");
    assert!(send(&a, request, &app).await.unwrap_err().is_duplicate());
}

/// Runs the fleet scenarios with `connect` opening one client of the shared store at a URL.
async fn fleet<F, Fut>(url: &str, connect: F)
where
    F: Fn(String, Duration) -> Fut,
    Fut: std::future::Future<Output = Arc<dyn DedupeStore>>,
{
    // Two instances, each with its own client of the store, straight to the server.
    let a = Arc::new(pipeline(connect(url.to_owned(), STORE_TIMEOUT).await, Duration::from_secs(60)));
    let b = Arc::new(pipeline(connect(url.to_owned(), STORE_TIMEOUT).await, Duration::from_secs(60)));
    handled_exactly_once(a.clone(), b.clone()).await;
    failure_releases(a, b).await;

    // Two instances reaching the server through a proxy the test can stop.
    let proxy = Arc::new(TcpProxy::start_for_url(url).await.unwrap());
    let proxied = proxy.url_through(url).unwrap();
    let lease = Duration::from_secs(2);
    let a = Arc::new(pipeline(connect(proxied.clone(), OUTAGE_TIMEOUT).await, lease));
    let b = Arc::new(pipeline(connect(proxied, OUTAGE_TIMEOUT).await, lease));
    outage(&proxy, a.clone(), b.clone()).await;
    outage_while_handling(proxy, a, b).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_fleet_handles_each_delivery_once_and_survives_an_outage() {
    let Some(url) = redis_url("redis_fleet_handles_each_delivery_once_and_survives_an_outage") else { return };
    let connect = |url: String, timeout: Duration| async move {
        let store = RedisDedupeStore::builder(&url).key_prefix("hookbridge-test:fleet:").timeout(timeout).connect();
        Arc::new(within(DELIVERY, "connect", store).await.unwrap()) as Arc<dyn DedupeStore>
    };
    within(TEST, "fleet", fleet(&url, connect)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_fleet_handles_each_delivery_once_and_survives_an_outage() {
    let Some(url) = database_url("postgres_fleet_handles_each_delivery_once_and_survives_an_outage") else { return };
    let connect = |url: String, timeout: Duration| async move {
        let store = PostgresDedupeStore::builder(&url).timeout(timeout).max_connections(5).connect();
        Arc::new(within(DELIVERY, "connect", store).await.unwrap()) as Arc<dyn DedupeStore>
    };
    within(TEST, "fleet", fleet(&url, connect)).await;
}
