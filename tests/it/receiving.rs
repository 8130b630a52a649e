//! The receiver pipeline's conformance suite for all five providers: the same contract through
//! `Arc<dyn Receive<Delivery>>`, whatever the provider's dialect, against a dedupe store given
//! by the caller (the shared Redis / Postgres stores run it too, see `stores`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bytes::Bytes;
use hookbridge::abbeycross::{AbbeyCrossReceiver, AbbeyCrossSpec};
use hookbridge::bitnob::{BitnobReceiver, BitnobSpec};
use hookbridge::blaze::{BlazeReceiver, BlazeSpec};
use hookbridge::chip::{ChipReceiver, ChipSpec};
use hookbridge::miex::{MiexReceiver, MiexSpec};
use hookbridge::verify::receive::{
    AppError, Application, BoxFuture, DedupeStore, InMemoryDedupeStore, Incoming, Receive, ReceiveError,
    ReceiveExt as _,
};
use hookbridge::verify::sign::{HmacSigner, RsaSigner};
use hookbridge::verify::{HmacScheme, HmacSecret, HmacVerifier, KeyRing, UrlToken, UrlTokenVerifier, unix_now};
use hookbridge::{Delivery, ProviderId};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

const CHIP_PRIVATE_KEY: &str = include_str!("../../crates/hookbridge-testkit/data/keys/rsa2048-private.pem");
const BLAZE_TOKEN: &str = "blaze-callback-token-0123456789abcdef";
const ABBEYCROSS_HEADER: HeaderName = HeaderName::from_static("x-hookbridge-assumed-signature");

/// One provider: its pipeline (unified), a way to sign a fresh delivery, and how a replayer would
/// resend a captured one (changing whatever the provider does not sign).
pub(crate) struct Case {
    pub(crate) provider: ProviderId,
    pub(crate) receiver: Arc<dyn Receive<Delivery>>,
    /// A signed delivery whose body contains `marker`.
    pub(crate) sign: Box<dyn Fn(&str) -> Incoming + Send + Sync>,
    /// The captured delivery as a replayer would resend it.
    pub(crate) replay: Box<dyn Fn(&Incoming) -> Incoming + Send + Sync>,
}

fn secret(text: &str) -> HmacSecret {
    HmacSecret::from_str_bytes(text).unwrap()
}

/// The five providers, each with a pipeline over `store`.
pub(crate) fn cases(store: &Arc<dyn DedupeStore>) -> Vec<Case> {
    let chip_signer = Arc::new(RsaSigner::from_pem(hookbridge::chip::delivery_scheme(), CHIP_PRIVATE_KEY).unwrap());
    let chip_key = chip_signer.public_key().clone();
    let abbeycross_scheme = HmacScheme::hex_of_body(ABBEYCROSS_HEADER, Some("sha256="));
    vec![
        Case {
            provider: hookbridge::miex::PROVIDER,
            receiver: Arc::new(
                MiexReceiver::new(MiexSpec::with_secret(secret("miex"))).with_store(store.clone()).map(Delivery::from),
            ),
            sign: Box::new(|marker| {
                let body = format!(r#"{{"event":"order.created","data":{{"id":"{marker}"}}}}"#);
                let mut headers = HmacSigner::new(hookbridge::miex::delivery_scheme(), secret("miex"))
                    .sign(body.as_bytes(), 0, Some("job-1"))
                    .unwrap();
                headers.insert("x-webhook-event", HeaderValue::from_static("order.created"));
                Incoming::post("/hooks/miex".parse().unwrap(), headers, body)
            }),
            replay: Box::new(|captured| {
                let mut again = captured.clone();
                again.headers.insert("x-webhook-delivery", HeaderValue::from_static("a-fresh-job-id"));
                again
            }),
        },
        Case {
            provider: hookbridge::bitnob::PROVIDER,
            receiver: Arc::new(
                BitnobReceiver::new(BitnobSpec::new(KeyRing::single("k", secret("bitnob"))).unwrap())
                    .with_store(store.clone())
                    .map(Delivery::from),
            ),
            sign: Box::new(|marker| {
                let body = format!(r#"{{"event":"transfer.success","event_id":"evt_{marker}","data":{{"id":"trf"}}}}"#);
                let headers = HmacSigner::new(hookbridge::bitnob::delivery_scheme(), secret("bitnob"))
                    .sign(body.as_bytes(), unix_now(), None)
                    .unwrap();
                Incoming::post("/hooks/bitnob".parse().unwrap(), headers, body)
            }),
            // Bitnob signs the timestamp: a retry is re-signed, with the same signed event_id.
            replay: Box::new(|captured| {
                let headers = HmacSigner::new(hookbridge::bitnob::delivery_scheme(), secret("bitnob"))
                    .sign(&captured.body, unix_now() + 1, None)
                    .unwrap();
                Incoming::post(captured.uri.clone(), headers, captured.body.clone())
            }),
        },
        Case {
            provider: hookbridge::blaze::PROVIDER,
            receiver: Arc::new(
                BlazeReceiver::new(BlazeSpec::new(UrlTokenVerifier::with_token(
                    UrlToken::from_string(BLAZE_TOKEN).unwrap(),
                )))
                .with_store(store.clone())
                .map(Delivery::from),
            ),
            sign: Box::new(|marker| {
                let body = format!(r#"{{"webHookType":"NEW_MEMBER","member":{{"id":"{marker}"}}}}"#);
                Incoming::post(format!("/hooks/blaze?hb_token={BLAZE_TOKEN}").parse().unwrap(), HeaderMap::new(), body)
            }),
            replay: Box::new(|captured| {
                let mut again = captured.clone();
                again.headers.insert("x-request-id", HeaderValue::from_static("another"));
                again
            }),
        },
        Case {
            provider: hookbridge::abbeycross::PROVIDER,
            receiver: Arc::new(
                AbbeyCrossReceiver::new(AbbeyCrossSpec::new(Arc::new(HmacVerifier::with_secret(
                    abbeycross_scheme.clone(),
                    secret("abbeycross"),
                ))))
                .with_store(store.clone())
                .map(Delivery::from),
            ),
            sign: Box::new(move |marker| {
                let body = format!(r#"{{"event":"trade.settled","tradeId":"{marker}"}}"#);
                let headers = HmacSigner::new(abbeycross_scheme.clone(), secret("abbeycross"))
                    .sign(body.as_bytes(), 0, None)
                    .unwrap();
                Incoming::post("/hooks/abbeycross".parse().unwrap(), headers, body)
            }),
            replay: Box::new(Clone::clone),
        },
        Case {
            provider: hookbridge::chip::PROVIDER,
            receiver: Arc::new(
                ChipReceiver::new(ChipSpec::with_key(chip_key)).with_store(store.clone()).map(Delivery::from),
            ),
            sign: Box::new(move |marker| {
                let body = format!(
                    r#"{{"id":"{marker}","type":"purchase","event_type":"purchase.paid","created_on":1735689000,"updated_on":1735689540}}"#
                );
                let headers = chip_signer.sign(body.as_bytes()).unwrap();
                Incoming::post("/hooks/chip".parse().unwrap(), headers, body)
            }),
            replay: Box::new(|captured| {
                let mut again = captured.clone();
                again.headers.insert("x-request-id", HeaderValue::from_static("another"));
                again
            }),
        },
    ]
}

/// An application that records what it handled and can be made to fail.
#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) handled: std::sync::Mutex<Vec<Delivery>>,
    pub(crate) calls: AtomicUsize,
    pub(crate) fail: AtomicBool,
}

impl Application<Delivery> for Recorder {
    fn handle(&self, delivery: Delivery) -> BoxFuture<'_, Result<(), AppError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let fail = self.fail.load(Ordering::SeqCst);
        if !fail {
            self.handled.lock().unwrap().push(delivery);
        }
        Box::pin(async move { if fail { Err(AppError::new("application down")) } else { Ok(()) } })
    }
}

/// A marker unique to this run, so the suite can run repeatedly against a shared store.
pub(crate) fn unique(label: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{label}-{}-{nanos}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

/// The contract every provider's pipeline keeps, whatever the store.
pub(crate) async fn conformance(store: Arc<dyn DedupeStore>) {
    for case in cases(&store) {
        let name = case.provider.as_str();
        let app = Recorder::default();

        // Sign → receive → unified.
        let request = (case.sign)(&unique("ok"));
        let key =
            case.receiver.receive(request.clone(), &app).await.unwrap_or_else(|e| panic!("{name}: {}", e.reason()));
        let delivery = app.handled.lock().unwrap().pop().unwrap();
        assert_eq!(delivery.provider, case.provider, "{name}");
        assert!(delivery.event_type.is_some() && delivery.event_type_signed, "{name}: {:?}", delivery.event_type);
        assert_eq!(delivery.replay_key.as_deref(), Some(key.as_str()), "{name}");
        assert!(key.as_str().starts_with(&format!("{name}:")), "{name}: {key}");
        assert_eq!(delivery.raw, request.body, "{name}");

        // The same delivery resent, and replayed with fresh unsigned headers: 200, not handled again.
        for again in [request.clone(), (case.replay)(&request)] {
            let err = case.receiver.receive(again, &app).await.unwrap_err();
            assert!(err.is_duplicate(), "{name}: {}", err.reason());
            assert_eq!(err.status(), StatusCode::OK, "{name}");
        }
        assert_eq!(app.calls.load(Ordering::SeqCst), 1, "{name}");

        // Forged: refused before the store or the application.
        let mut forged = (case.sign)(&unique("forged"));
        if case.provider == hookbridge::blaze::PROVIDER {
            forged.uri = "/hooks/blaze?hb_token=guessed-token-guessed-token-guessed".parse().unwrap();
        } else {
            let mut body = forged.body.to_vec();
            body.insert(1, b' ');
            forged.body = Bytes::from(body);
        }
        let err = case.receiver.receive(forged, &app).await.unwrap_err();
        assert!(err.is_verification(), "{name}: {}", err.reason());
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "{name}");

        // Oversized: 413 before anything else.
        let mut big = (case.sign)(&unique("big"));
        big.body = Bytes::from(vec![b' '; case.receiver.max_body_bytes() + 1]);
        assert_eq!(case.receiver.receive(big, &app).await.unwrap_err().status(), StatusCode::PAYLOAD_TOO_LARGE);

        // The application fails: released, and the provider's retry is handled.
        let flaky = (case.sign)(&unique("flaky"));
        app.fail.store(true, Ordering::SeqCst);
        let err = case.receiver.receive(flaky.clone(), &app).await.unwrap_err();
        assert!(matches!(err, ReceiveError::Application(_)), "{name}: {}", err.reason());
        assert!(err.provider_should_retry());
        app.fail.store(false, Ordering::SeqCst);
        case.receiver.receive((case.replay)(&flaky), &app).await.unwrap_or_else(|e| panic!("{name}: {}", e.reason()));
        assert_eq!(app.calls.load(Ordering::SeqCst), 3, "{name}");
    }
}

#[tokio::test]
async fn every_provider_keeps_the_receiver_contract_with_the_memory_store() {
    conformance(Arc::new(InMemoryDedupeStore::new())).await;
}

#[tokio::test]
async fn every_provider_keeps_the_receiver_contract_with_the_redis_store() {
    let Some(url) = hookbridge_testkit::services::redis_url("receiving::redis") else { return };
    conformance(hookbridge::verify::receive::connect_store(&url).await.unwrap()).await;
}

#[tokio::test]
async fn every_provider_keeps_the_receiver_contract_with_the_postgres_store() {
    let Some(url) = hookbridge_testkit::services::database_url("receiving::postgres") else { return };
    conformance(hookbridge::verify::receive::connect_store(&url).await.unwrap()).await;
}

#[tokio::test]
async fn the_five_receivers_are_interchangeable_behind_one_trait() {
    let store: Arc<dyn DedupeStore> = Arc::new(InMemoryDedupeStore::new());
    let cases = cases(&store);
    let receivers: Vec<Arc<dyn Receive<Delivery>>> = cases.iter().map(|c| c.receiver.clone()).collect();
    let providers: Vec<&str> = receivers.iter().map(|r| r.provider()).collect();
    assert_eq!(providers, ["miex", "bitnob", "blaze", "abbeycross", "chip"]);
    let app = Recorder::default();
    for (receiver, case) in receivers.iter().zip(&cases) {
        receiver.receive((case.sign)(&unique("dyn")), &app).await.unwrap();
    }
    let handled: Vec<ProviderId> = app.handled.lock().unwrap().iter().map(|d| d.provider).collect();
    assert_eq!(handled, cases.iter().map(|c| c.provider).collect::<Vec<_>>());
}
