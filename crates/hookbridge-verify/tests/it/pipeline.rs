//! The receiver pipeline (`hookbridge_verify::receive`) with two small specs of its own: the
//! steps in order, the status table, at-least-once dedupe, identity from signed data only, and
//! object safety.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use hookbridge_verify::receive::{
    AppError, Application, BoxFuture, DedupeStore, InMemoryDedupeStore, Incoming, LeaseToken, Parsed, Pipeline,
    Receive, ReceiveError, ReceiveExt as _, ReceiverSpec, ReplayKey, Reservation, StoreError, app_fn,
};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, Verified};
use http::{HeaderMap, HeaderValue, Method, StatusCode};

pub(crate) const GITHUB_SECRET: &str = "github-secret-do-not-print";
pub(crate) const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
pub(crate) const NOW: i64 = 1_750_000_000;

/// GitHub-style: HMAC of the body, an **unsigned** `X-GitHub-Delivery` id.
#[derive(Debug)]
pub(crate) struct GithubSpec(pub(crate) HmacVerifier);

impl ReceiverSpec for GithubSpec {
    type Delivery = (Bytes, Option<String>);

    fn provider(&self) -> &'static str {
        "github"
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        Ok(self.0.verify_at(&request.body, &request.headers, now)?)
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<Self::Delivery>, ReceiveError> {
        let key = ReplayKey::from_verified("github", &verified, &request.body)?;
        Ok(Parsed::new((request.body.clone(), verified.id().map(str::to_owned)), key))
    }
}

/// Standard Webhooks: a signed `webhook-id` and timestamp.
#[derive(Debug)]
pub(crate) struct StandardSpec(pub(crate) HmacVerifier);

impl ReceiverSpec for StandardSpec {
    type Delivery = String;

    fn provider(&self) -> &'static str {
        "standard"
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        Ok(self.0.verify_at(&request.body, &request.headers, now)?)
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<String>, ReceiveError> {
        let key = ReplayKey::from_verified("standard", &verified, &request.body)?;
        Ok(Parsed::new(String::from_utf8_lossy(&request.body).into_owned(), key))
    }
}

pub(crate) fn github_secret() -> HmacSecret {
    HmacSecret::from_str_bytes(GITHUB_SECRET).unwrap()
}

pub(crate) fn github_pipeline() -> Pipeline<GithubSpec> {
    Pipeline::new(GithubSpec(HmacVerifier::with_secret(HmacScheme::github(), github_secret())))
}

pub(crate) fn github_request(body: &'static [u8], delivery_id: &str) -> Incoming {
    let headers = HmacSigner::new(HmacScheme::github(), github_secret()).sign(body, 0, Some(delivery_id)).unwrap();
    Incoming::post("/hooks/github".parse().unwrap(), headers, body)
}

fn standard_pipeline() -> Pipeline<StandardSpec> {
    let secret = HmacSecret::from_standard_webhooks(WHSEC).unwrap();
    Pipeline::new(StandardSpec(HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret)))
}

fn standard_request(body: &'static [u8], id: &str, ts: i64) -> Incoming {
    let secret = HmacSecret::from_standard_webhooks(WHSEC).unwrap();
    let headers = HmacSigner::new(HmacScheme::standard_webhooks(), secret).sign(body, ts, Some(id)).unwrap();
    Incoming::post("/hooks/standard".parse().unwrap(), headers, body)
}

/// An application counting its calls, failing while `fail` is set.
#[derive(Default)]
pub(crate) struct Counter {
    pub(crate) calls: AtomicUsize,
    pub(crate) fail: std::sync::atomic::AtomicBool,
}

impl<D: Send + 'static> Application<D> for Counter {
    fn handle(&self, _delivery: D) -> BoxFuture<'_, Result<(), AppError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let fail = self.fail.load(Ordering::SeqCst);
        Box::pin(async move {
            if fail {
                Err(AppError::new("the ledger is down").with_status(StatusCode::SERVICE_UNAVAILABLE))
            } else {
                Ok(())
            }
        })
    }
}

#[tokio::test]
async fn a_delivery_is_handled_once_and_its_duplicates_are_acknowledged() {
    let pipeline = github_pipeline();
    let app = Counter::default();
    let key = pipeline.receive(github_request(b"{\"a\":1}", "guid-1"), &app).await.unwrap();
    assert!(key.as_str().starts_with("github:sha256:"));
    let again = pipeline.receive(github_request(b"{\"a\":1}", "guid-1"), &app).await.unwrap_err();
    assert!(again.is_duplicate());
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.replay_key(), Some(&key));
    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unsigned_delivery_id_never_decides_identity() {
    // A captured delivery resent under a fresh, unsigned X-GitHub-Delivery is the same delivery.
    let pipeline = github_pipeline();
    let app = Counter::default();
    pipeline.receive(github_request(b"{\"push\":1}", "guid-1"), &app).await.unwrap();
    let replay = pipeline.receive(github_request(b"{\"push\":1}", "a-fresh-guid"), &app).await.unwrap_err();
    assert!(replay.is_duplicate(), "{replay:?}");
    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
    // Another body is another delivery, whatever its id says.
    pipeline.receive(github_request(b"{\"push\":2}", "guid-1"), &app).await.unwrap();
    assert_eq!(app.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_signed_id_is_the_identity() {
    let pipeline = standard_pipeline();
    let app = Counter::default();
    let key = pipeline.receive_at_now(standard_request(b"{}", "msg_1", NOW)).await;
    assert_eq!(key.unwrap().as_str(), "standard:id:msg_1");
    // The same message re-signed later with the same id: a duplicate.
    let err = pipeline.accept_at(standard_request(b"{}", "msg_1", NOW + 60), NOW + 60).await.unwrap_err();
    assert!(err.is_duplicate());
    // A signed id that cannot be a key is 400, never 503.
    let err = pipeline.accept_at(standard_request(b"{}", "msg 2", NOW), NOW).await.unwrap_err();
    assert!(matches!(err, ReceiveError::ReplayKey(_)), "{err:?}");
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    let long: &'static str = Box::leak("m".repeat(600).into_boxed_str());
    let err = pipeline.accept_at(standard_request(b"{}", long, NOW), NOW).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    let _ = app;
}

trait ReceiveNow {
    async fn receive_at_now(&self, request: Incoming) -> Result<ReplayKey, ReceiveError>;
}

impl ReceiveNow for Pipeline<StandardSpec> {
    async fn receive_at_now(&self, request: Incoming) -> Result<ReplayKey, ReceiveError> {
        let (_delivery, ticket) = self.accept_at(request, NOW).await?.into_parts();
        Ok(ticket.complete().await?)
    }
}

#[tokio::test]
async fn a_failed_application_releases_the_key_so_the_retry_is_handled() {
    let pipeline = github_pipeline();
    let app = Counter::default();
    app.fail.store(true, Ordering::SeqCst);
    let err = pipeline.receive(github_request(b"{\"b\":1}", "g"), &app).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Application(_)));
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(err.provider_should_retry());
    assert_eq!(err.reason(), "the application did not handle the delivery: the ledger is down");
    app.fail.store(false, Ordering::SeqCst);
    pipeline.receive(github_request(b"{\"b\":1}", "g"), &app).await.unwrap();
    assert_eq!(app.calls.load(Ordering::SeqCst), 2);
    assert!(pipeline.receive(github_request(b"{\"b\":1}", "g"), &app).await.unwrap_err().is_duplicate());
}

#[tokio::test]
async fn a_handled_delivery_is_a_duplicate_until_the_retention_ends() {
    let millis = Arc::new(AtomicU64::new(0));
    let clock = Arc::clone(&millis);
    let store = Arc::new(InMemoryDedupeStore::new().with_clock(move || clock.load(Ordering::SeqCst)));
    let pipeline = github_pipeline().with_store(store).retention(Duration::from_secs(600));
    let app = Counter::default();
    let key = pipeline.receive(github_request(b"{\"r\":1}", "g"), &app).await.unwrap();
    millis.store(599_999, Ordering::SeqCst);
    let err = pipeline.receive(github_request(b"{\"r\":1}", "g"), &app).await.unwrap_err();
    assert_eq!(err.replay_key(), Some(&key), "{err:?}");
    assert!(err.is_duplicate());
    // Retention over: the same delivery is handled again.
    millis.store(600_000, Ordering::SeqCst);
    pipeline.receive(github_request(b"{\"r\":1}", "g"), &app).await.unwrap();
    assert_eq!(app.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_delivery_in_flight_elsewhere_gets_409() {
    let pipeline = github_pipeline();
    let (_first, _ticket) = pipeline.accept(github_request(b"{\"c\":1}", "g")).await.unwrap().into_parts();
    let err = pipeline.accept(github_request(b"{\"c\":1}", "g")).await.unwrap_err();
    assert!(matches!(err, ReceiveError::InFlight { .. }));
    assert_eq!(err.status(), StatusCode::CONFLICT);
    assert!(err.provider_should_retry());
}

#[tokio::test]
async fn a_dropped_ticket_is_released_in_the_background() {
    let pipeline = github_pipeline();
    let accepted = pipeline.accept(github_request(b"{\"d\":1}", "g")).await.unwrap();
    drop(accepted);
    // The release runs on the runtime; give it a chance.
    for _ in 0..100 {
        if pipeline.accept(github_request(b"{\"d\":1}", "g")).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the dropped reservation was never released");
}

#[tokio::test]
async fn an_expired_lease_frees_a_key_a_crashed_instance_held() {
    let store = Arc::new(InMemoryDedupeStore::new());
    let a = github_pipeline().with_store(store.clone()).lease(Duration::from_millis(50));
    let b = github_pipeline().with_store(store);
    let held = a.accept(github_request(b"{\"e\":1}", "g")).await.unwrap();
    std::mem::forget(held); // "crashed": never completed nor released
    assert!(matches!(b.accept(github_request(b"{\"e\":1}", "g")).await, Err(ReceiveError::InFlight { .. })));
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(b.accept(github_request(b"{\"e\":1}", "g")).await.is_ok());
}

#[tokio::test]
async fn checks_run_in_order_method_size_signature() {
    let pipeline = github_pipeline().max_body_bytes(16);
    let mut request = github_request(b"{}", "g");
    request.method = Method::GET;
    let err = pipeline.accept(request).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::METHOD_NOT_ALLOWED);
    // Too large, even unsigned: 413 before any verification.
    let big = Incoming::post("/".parse().unwrap(), HeaderMap::new(), vec![b'x'; 17]);
    assert_eq!(pipeline.accept(big).await.unwrap_err().status(), StatusCode::PAYLOAD_TOO_LARGE);
    // Tampered: 401; unsigned: 401; malformed signature header: 400.
    let mut tampered = github_request(b"{}", "g");
    tampered.body = Bytes::from_static(b"{ }");
    let err = pipeline.accept(tampered).await.unwrap_err();
    assert!(err.is_verification());
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    let unsigned = Incoming::post("/".parse().unwrap(), HeaderMap::new(), &b"{}"[..]);
    assert_eq!(pipeline.accept(unsigned).await.unwrap_err().status(), StatusCode::UNAUTHORIZED);
    let mut malformed = github_request(b"{}", "g");
    malformed.headers.insert("x-hub-signature-256", HeaderValue::from_static("sha256=zz"));
    assert_eq!(pipeline.accept(malformed).await.unwrap_err().status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn stale_timestamps_are_401() {
    let pipeline = standard_pipeline();
    let err = pipeline.accept_at(standard_request(b"{}", "msg_s", NOW - 3600), NOW).await.unwrap_err();
    assert!(err.is_verification());
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

/// A store that fails every call (an outage).
#[derive(Debug, Default)]
struct DownStore {
    calls: AtomicUsize,
}

impl DedupeStore for DownStore {
    fn reserve<'a>(&'a self, _key: &'a ReplayKey, _lease: Duration) -> BoxFuture<'a, Result<Reservation, StoreError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Err(StoreError::unavailable(std::io::Error::other("connection refused"))) })
    }

    fn complete<'a>(
        &'a self,
        _key: &'a ReplayKey,
        _token: &'a LeaseToken,
        _retain: Duration,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async { Err(StoreError::unavailable(std::io::Error::other("connection refused"))) })
    }

    fn release<'a>(&'a self, _key: &'a ReplayKey, _token: &'a LeaseToken) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async { Err(StoreError::unavailable(std::io::Error::other("connection refused"))) })
    }
}

#[tokio::test]
async fn a_store_outage_fails_closed_with_503_and_the_application_is_not_called() {
    let store = Arc::new(DownStore::default());
    let pipeline = github_pipeline().with_store(store.clone());
    let app = Counter::default();
    let err = pipeline.receive(github_request(b"{\"f\":1}", "g"), &app).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Store(StoreError::Unavailable(_))));
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
    assert_eq!(store.calls.load(Ordering::SeqCst), 1);
    // Forged deliveries never reach the store.
    let mut forged = github_request(b"{\"f\":1}", "g");
    forged.body = Bytes::from_static(b"{\"f\":2}");
    assert!(pipeline.receive(forged, &app).await.unwrap_err().is_verification());
    assert_eq!(store.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_full_memory_store_fails_closed() {
    let pipeline = github_pipeline().with_store(Arc::new(InMemoryDedupeStore::with_capacity(1)));
    let app = Counter::default();
    pipeline.receive(github_request(b"{\"g\":1}", "g"), &app).await.unwrap();
    let err = pipeline.receive(github_request(b"{\"g\":2}", "g"), &app).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Store(StoreError::Full { capacity: 1 })));
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn receivers_of_different_providers_are_interchangeable_behind_one_trait() {
    let receivers: Vec<Arc<dyn Receive<String>>> = vec![
        Arc::new(
            github_pipeline().map(|(body, _id): (Bytes, Option<String>)| String::from_utf8_lossy(&body).into_owned()),
        ),
        Arc::new(standard_pipeline()),
    ];
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let app = app_fn(move |delivery: String| {
        sink.lock().unwrap().push(delivery);
        async { Ok(()) }
    });
    let requests =
        [github_request(b"{\"from\":\"github\"}", "g"), standard_request(b"{\"from\":\"standard\"}", "msg_x", NOW)];
    for (receiver, request) in receivers.iter().zip(requests) {
        let now = if receiver.provider() == "standard" { NOW } else { 0 };
        let (delivery, ticket) = receiver.accept_at(request, now).await.unwrap().into_parts();
        app.handle(delivery).await.unwrap();
        ticket.complete().await.unwrap();
    }
    assert_eq!(*seen.lock().unwrap(), ["{\"from\":\"github\"}", "{\"from\":\"standard\"}"]);
    assert_eq!(receivers.iter().map(|r| r.provider()).collect::<Vec<_>>(), ["github", "standard"]);
}

#[test]
fn every_error_has_one_status() {
    use hookbridge_verify::{DeliveryError, VerifyError};
    let key = ReplayKey::signed_digest("p", None, b"");
    let table: Vec<(ReceiveError, u16)> = vec![
        (ReceiveError::MethodNotAllowed { method: Method::PUT }, 405),
        (ReceiveError::PayloadTooLarge { limit: 1 }, 413),
        (ReceiveError::BodyRead(Box::new(std::io::Error::other("reset"))), 400),
        (ReceiveError::Verification(VerifyError::NoKeys), 500),
        (ReceiveError::KeyUnavailable(Box::new(std::io::Error::other("down"))), 503),
        (ReceiveError::Delivery(DeliveryError::parse("p", "bad")), 400),
        (ReceiveError::ReplayKey(hookbridge_verify::receive::ReplayKeyError::Empty), 400),
        (ReceiveError::Duplicate { key: key.clone() }, 200),
        (ReceiveError::InFlight { key }, 409),
        (ReceiveError::Store(StoreError::Full { capacity: 1 }), 503),
        (ReceiveError::Application(AppError::new("x")), 500),
    ];
    for (err, status) in table {
        assert_eq!(err.status().as_u16(), status, "{err:?}");
        // Display names this level only; the cause is in source(), printed once by reason().
        if let Some(source) = std::error::Error::source(&err) {
            assert!(!err.to_string().contains(&source.to_string()), "{err}");
            assert_eq!(err.reason().matches(&source.to_string()).count(), 1);
        }
    }
}

#[tokio::test]
async fn debug_output_holds_no_secret() {
    let pipeline = github_pipeline();
    let text = format!("{pipeline:?}");
    assert!(!text.contains(GITHUB_SECRET), "{text}");
    let mut tampered = github_request(b"{}", "g");
    tampered.body = Bytes::from_static(b"[]");
    let err = pipeline.accept(tampered).await.unwrap_err();
    assert!(!format!("{err:?} {}", err.reason()).contains(GITHUB_SECRET));
}
