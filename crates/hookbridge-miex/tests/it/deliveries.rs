//! Receiving deliveries: `MiexReceiver` (the pipeline over `MiexSpec`) verifies, parses, checks
//! headers, keys deliveries on signed data and deduplicates them; the unified conversion.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use hookbridge_core::{Delivery, EventType, Subject};
use hookbridge_miex::{MiexDelivery, MiexEvent, MiexReceiver, MiexSpec};
use hookbridge_verify::receive::{
    AppError, Application, InMemoryDedupeStore, Incoming, Receive as _, ReceiveError, ReplayKey, app_fn,
};
use hookbridge_verify::{DeliveryError, HmacSecret, KeyRing, MalformedReason, VerifyError, sign::HmacSigner};
use serde_json::{Value, json};

const SECRET: &str = "miex secretKey for tests";
const NOW: i64 = 1_735_689_600;

fn verify_fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../hookbridge-testkit/data/verify/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The openssl-signed fixture: body, headers, secret, verification time.
fn fixture_delivery() -> (Vec<u8>, HeaderMap, HmacSecret, i64) {
    let meta: Value = serde_json::from_slice(&verify_fixture("miex-order-created.json")).unwrap();
    let secrets: Value = serde_json::from_slice(&verify_fixture("secrets.json")).unwrap();
    let body = verify_fixture(meta["body_file"].as_str().unwrap());
    let mut headers = HeaderMap::new();
    for (name, value) in meta["headers"].as_object().unwrap() {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
        );
    }
    let secret = HmacSecret::from_str_bytes(secrets["miex"].as_str().unwrap()).unwrap();
    (body, headers, secret, meta["verify_at"].as_i64().unwrap())
}

fn secret() -> HmacSecret {
    HmacSecret::from_str_bytes(SECRET).unwrap()
}

/// Headers MIEX would send for `body`: signature, event and (optionally) delivery id.
fn signed(body: &[u8], event: Option<&str>, delivery: Option<&str>) -> HeaderMap {
    let mut headers = HmacSigner::new(hookbridge_miex::delivery_scheme(), secret()).sign(body, NOW, delivery).unwrap();
    if let Some(event) = event {
        headers.insert(hookbridge_miex::headers::EVENT, HeaderValue::from_str(event).unwrap());
    }
    headers
}

fn receiver() -> MiexReceiver {
    MiexReceiver::new(MiexSpec::with_secret(secret()))
}

/// The request a receiver sees: a POST of `body` with `headers`.
fn request(body: &[u8], headers: HeaderMap) -> Incoming {
    Incoming::post(Uri::from_static("/hooks/miex"), headers, Bytes::copy_from_slice(body))
}

/// Runs the pipeline up to the application at `now` and marks the delivery handled.
async fn receive_at(
    receiver: &MiexReceiver,
    body: &[u8],
    headers: &HeaderMap,
    now: i64,
) -> Result<MiexDelivery, ReceiveError> {
    let (delivery, ticket) = receiver.accept_at(request(body, headers.clone()), now).await?.into_parts();
    ticket.complete().await.unwrap();
    Ok(delivery)
}

/// An application counting its calls; it fails while `fail` is set.
fn counting_app(calls: &Arc<AtomicUsize>, fail: bool) -> impl Application<MiexDelivery> + use<> {
    let calls = calls.clone();
    app_fn(move |_delivery: MiexDelivery| {
        calls.fetch_add(1, Ordering::SeqCst);
        async move { if fail { Err(AppError::new("the ledger is read-only")) } else { Ok(()) } }
    })
}

const BODY: &[u8] =
    br#"{"event":"order.status_changed","data":{"id":77,"uuid":"3f6c2a9e","status":"done"},"sentAt":"x"}"#;

#[tokio::test]
async fn openssl_fixture_verifies_and_parses() {
    let (body, headers, secret, at) = fixture_delivery();
    let spec = || MiexSpec::new(KeyRing::single("fixture", secret.clone())).unwrap();
    let receiver = MiexReceiver::new(spec());
    let delivery = receive_at(&receiver, &body, &headers, at).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::OrderCreated);
    assert!(delivery.event_signed);
    assert_eq!(delivery.data["id"], 1284);
    assert_eq!(delivery.data["fromCurrency"], "USDT");
    assert_eq!(delivery.delivery_id.as_deref(), Some("1284"));
    assert_eq!(delivery.verified.key_id().as_str(), "fixture");
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("miex", None, &body));
    assert_eq!(&delivery.raw[..], &body[..]);
    // MIEX signs no timestamp: any clock accepts it.
    assert!(receive_at(&MiexReceiver::new(spec()), &body, &headers, 0).await.is_ok());
    // One byte more and it no longer verifies.
    let mut tampered = body.clone();
    tampered.push(b'\n');
    let err = receive_at(&MiexReceiver::new(spec()), &tampered, &headers, at).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
}

#[tokio::test]
async fn signer_delivery_is_accepted_field_by_field() {
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let delivery = receive_at(&receiver(), BODY, &headers, NOW).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::OrderStatusChanged);
    assert!(delivery.event_signed);
    assert_eq!(delivery.data, json!({"id": 77, "uuid": "3f6c2a9e", "status": "done"}));
    assert_eq!(delivery.delivery_id.as_deref(), Some("job-77"));
    assert_eq!(delivery.verified.key_id().as_str(), "default");
    assert_eq!(delivery.verified.timestamp(), None);
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("miex", None, BODY));
    assert_eq!(&delivery.raw[..], BODY);
}

#[tokio::test]
async fn the_event_header_is_optional() {
    let delivery = receive_at(&receiver(), BODY, &signed(BODY, None, None), NOW).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::OrderStatusChanged);
    assert!(delivery.event_signed);
    assert_eq!(delivery.delivery_id, None);
}

#[tokio::test]
async fn tampered_body_is_rejected() {
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let tampered = String::from_utf8(BODY.to_vec()).unwrap().replace("done", "paid");
    let err = receive_at(&receiver(), tampered.as_bytes(), &headers, NOW).await.unwrap_err();
    assert!(
        matches!(err, ReceiveError::Verification(VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 })),
        "{err:?}"
    );
    assert!(err.is_verification());
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn wrong_key_is_rejected_and_rotation_reports_the_key() {
    let headers = signed(BODY, None, None);
    let other = MiexReceiver::new(MiexSpec::with_secret(HmacSecret::from_str_bytes("another secret").unwrap()));
    assert!(matches!(
        receive_at(&other, BODY, &headers, NOW).await,
        Err(ReceiveError::Verification(VerifyError::NoMatch { .. }))
    ));
    let ring = KeyRing::new().with("old", HmacSecret::from_str_bytes("another secret").unwrap()).with("new", secret());
    let rotating = MiexReceiver::new(MiexSpec::new(ring).unwrap());
    assert_eq!(receive_at(&rotating, BODY, &headers, NOW).await.unwrap().verified.key_id().as_str(), "new");
    assert!(MiexSpec::new(KeyRing::new()).is_err());
}

#[tokio::test]
async fn missing_signature_is_rejected() {
    let mut headers = signed(BODY, Some("order.status_changed"), None);
    headers.remove(hookbridge_miex::headers::SIGNATURE);
    let err = receive_at(&receiver(), BODY, &headers, NOW).await.unwrap_err();
    assert!(
        matches!(&err, ReceiveError::Verification(VerifyError::MissingHeader { name }) if name == hookbridge_miex::headers::SIGNATURE),
        "{err:?}"
    );
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn event_header_must_match_the_body() {
    let headers = signed(BODY, Some("order.cancelled"), None);
    let err = receive_at(&receiver(), BODY, &headers, NOW).await.unwrap_err();
    match &err {
        ReceiveError::Delivery(DeliveryError::HeaderMismatch { name }) => {
            assert_eq!(name, &hookbridge_miex::headers::EVENT)
        }
        other => panic!("expected HeaderMismatch, got {other:?}"),
    }
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    // The message names the header but quotes neither the header's nor the body's event.
    let text = format!("{err} | {} | {err:?}", err.reason());
    assert!(text.contains("x-webhook-event"), "{text}");
    for value in ["order.cancelled", "order.status_changed"] {
        assert!(!text.contains(value), "{text}");
    }

    let mut repeated = signed(BODY, Some("order.status_changed"), None);
    repeated.append(hookbridge_miex::headers::EVENT, HeaderValue::from_static("order.status_changed"));
    let err = receive_at(&receiver(), BODY, &repeated, NOW).await.unwrap_err();
    assert!(
        matches!(
            &err,
            ReceiveError::Delivery(DeliveryError::MalformedHeader {
                name,
                reason: MalformedReason::Repeated { count: 2 }
            }) if name == hookbridge_miex::headers::EVENT
        ),
        "{err:?}"
    );
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn malformed_json_is_a_parse_error_without_body_content() {
    for body in [
        &br#"{"event":"order.created","data":{"id":1,"card":"4111111111111111"}"#[..],
        br#"{"event":42,"data":{}}"#,
        br#"["order.created"]"#,
        b"not json sk_live_should_not_leak",
    ] {
        let headers = signed(body, None, None);
        let err = receive_at(&receiver(), body, &headers, NOW).await.unwrap_err();
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        match &err {
            ReceiveError::Delivery(DeliveryError::Parse { provider, detail }) => {
                assert_eq!(*provider, "miex");
                assert!(!detail.is_empty());
                for secret in ["4111111111111111", "sk_live_should_not_leak", "42"] {
                    assert!(!detail.contains(secret) && !err.reason().contains(secret), "{detail}");
                }
            }
            other => panic!("expected Parse, got {other:?}"),
        }
    }
    // No event anywhere.
    let body = br#"{"data":{"id":1}}"#;
    assert!(matches!(
        receive_at(&receiver(), body, &signed(body, None, None), NOW).await,
        Err(ReceiveError::Delivery(DeliveryError::Parse { provider: "miex", .. }))
    ));
}

#[tokio::test]
async fn an_event_only_in_the_header_is_reported_unsigned() {
    // The body names no event: the unsigned header's is taken, and marked unsigned.
    let body = br#"{"data":{"id":"off-1"}}"#;
    let delivery = receive_at(&receiver(), body, &signed(body, Some("offer.updated"), None), NOW).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::OfferUpdated);
    assert!(!delivery.event_signed);
    let unified = delivery.into_delivery();
    assert_eq!(unified.event_type, Some(EventType::new("offer.updated")));
    assert!(!unified.event_type_signed);
    // The same body naming the event itself: signed.
    let body = br#"{"event":"offer.updated","data":{"id":"off-1"}}"#;
    let delivery = receive_at(&receiver(), body, &signed(body, Some("offer.updated"), None), NOW).await.unwrap();
    assert!(delivery.event_signed);
    assert!(delivery.into_delivery().event_type_signed);
}

#[tokio::test]
async fn unknown_events_decode_as_unknown() {
    let body = br#"{"event":"order.refunded","data":{"orderId":"ord-9"}}"#;
    let delivery = receive_at(&receiver(), body, &signed(body, Some("order.refunded"), None), NOW).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::Unknown("order.refunded".into()));
    let unified = delivery.into_delivery();
    assert_eq!(unified.event_type, Some(EventType::new("order.refunded")));
    assert_eq!(unified.subject, Some(Subject::new("order", "ord-9")));
}

#[tokio::test]
async fn handled_deliveries_are_duplicates_until_the_retention_ends() {
    let millis = Arc::new(AtomicU64::new(0));
    let clock = millis.clone();
    let store = Arc::new(InMemoryDedupeStore::new().with_clock(move || clock.load(Ordering::SeqCst)));
    let receiver = receiver().with_store(store.clone()).retention(Duration::from_secs(3600));
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let key = ReplayKey::signed_digest("miex", None, BODY);
    assert!(key.as_str().starts_with("miex:sha256:") && key.as_str().len() == "miex:sha256:".len() + 64);

    assert_eq!(receive_at(&receiver, BODY, &headers, NOW).await.unwrap().replay_key, key);
    let err = receive_at(&receiver, BODY, &headers, NOW + 10).await.unwrap_err();
    assert!(matches!(&err, ReceiveError::Duplicate { key: k } if *k == key), "{err:?}");
    assert!(err.is_duplicate());
    assert_eq!(err.replay_key(), Some(&key));
    assert_eq!(err.status(), StatusCode::OK);
    // Without a delivery id, the same body is the same delivery.
    let bare = signed(BODY, None, None);
    assert!(receive_at(&receiver, BODY, &bare, NOW).await.unwrap_err().is_duplicate());
    // Retention over: accepted again.
    millis.store(3_600_000, Ordering::SeqCst);
    assert_eq!(receive_at(&receiver, BODY, &headers, NOW).await.unwrap().replay_key, key);
    // Another body is another delivery.
    let other = br#"{"event":"order.created","data":{"id":78}}"#;
    assert!(receive_at(&receiver, other, &signed(other, None, Some("job-77")), NOW).await.is_ok());
}

#[tokio::test]
async fn a_replay_under_fresh_unsigned_headers_is_a_duplicate_and_not_handled_again() {
    let receiver = receiver();
    let calls = Arc::new(AtomicUsize::new(0));
    let app = counting_app(&calls, false);
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let key = receiver.receive(request(BODY, headers), &app).await.unwrap();
    assert_eq!(key, ReplayKey::signed_digest("miex", None, BODY));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // A captured delivery resent with a fresh X-Webhook-Delivery (and without X-Webhook-Event).
    for (event, job) in [(Some("order.status_changed"), "job-9999"), (None, "attacker-chosen")] {
        let replay = signed(BODY, event, Some(job));
        let err = receiver.receive(request(BODY, replay), &app).await.unwrap_err();
        assert!(matches!(&err, ReceiveError::Duplicate { key: k } if *k == key), "{err:?}");
        assert_eq!(err.status(), StatusCode::OK);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the application must not see a replay");
}

#[tokio::test]
async fn a_delivery_being_handled_is_in_flight_and_a_released_ticket_frees_it() {
    let receiver = receiver();
    let headers = signed(BODY, None, Some("job-77"));
    let (_delivery, ticket) = receiver.accept_at(request(BODY, headers.clone()), NOW).await.unwrap().into_parts();
    let err = receiver.accept_at(request(BODY, signed(BODY, None, Some("job-78"))), NOW).await.unwrap_err();
    assert!(matches!(err, ReceiveError::InFlight { .. }), "{err:?}");
    assert_eq!(err.status(), StatusCode::CONFLICT);
    ticket.release().await.unwrap();
    let (_delivery, ticket) = receiver.accept_at(request(BODY, headers), NOW).await.unwrap().into_parts();
    ticket.complete().await.unwrap();
}

#[tokio::test]
async fn rejected_deliveries_do_not_consume_replay_keys() {
    let store = Arc::new(InMemoryDedupeStore::new());
    let receiver = receiver().with_store(store.clone());
    let mut forged = signed(BODY, None, Some("job-1"));
    forged.insert(hookbridge_miex::headers::SIGNATURE, HeaderValue::from_static("sha256=00"));
    assert!(receive_at(&receiver, BODY, &forged, NOW).await.unwrap_err().is_verification());
    let mismatch = signed(BODY, Some("order.created"), Some("job-1"));
    assert!(matches!(
        receive_at(&receiver, BODY, &mismatch, NOW).await,
        Err(ReceiveError::Delivery(DeliveryError::HeaderMismatch { .. }))
    ));
    assert!(store.is_empty());
    assert!(receive_at(&receiver, BODY, &signed(BODY, None, Some("job-1")), NOW).await.is_ok());
    assert_eq!(store.len(), 1);
}

#[tokio::test]
async fn method_and_body_size_are_checked_before_the_signature() {
    let receiver = receiver().max_body_bytes(16);
    let headers = signed(BODY, None, None);
    let err = receiver.accept_at(request(BODY, headers.clone()), NOW).await.unwrap_err();
    assert!(matches!(err, ReceiveError::PayloadTooLarge { limit: 16 }), "{err:?}");
    assert_eq!(err.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let get = Incoming::new(Method::GET, Uri::from_static("/hooks/miex"), headers, Bytes::from_static(BODY));
    let err = receiver.accept_at(get, NOW).await.unwrap_err();
    assert!(matches!(err, ReceiveError::MethodNotAllowed { .. }), "{err:?}");
    assert_eq!(err.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn into_delivery_field_by_field() {
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let typed: MiexDelivery = receive_at(&receiver(), BODY, &headers, NOW).await.unwrap();
    let key = ReplayKey::signed_digest("miex", None, BODY);
    let unified = Delivery::from(typed.clone());
    assert_eq!(unified.provider, hookbridge_miex::PROVIDER);
    assert_eq!(unified.event_type, Some(EventType::new("order.status_changed")));
    assert!(unified.event_type_signed);
    assert_eq!(unified.delivery_id.as_deref(), Some("job-77"));
    assert_eq!(unified.event_id, None);
    assert_eq!(unified.occurred_at, None);
    assert_eq!(unified.signed_at, None);
    assert_eq!(unified.replay_key.as_deref(), Some(key.as_str()));
    assert_eq!(unified.subject, Some(Subject::new("order", "77")));
    assert_eq!(unified.key_id.as_deref(), Some("default"));
    assert_eq!(unified.payload, serde_json::from_slice::<Value>(BODY).unwrap());
    assert_eq!(&unified.raw[..], BODY);
    // Dedupe on the signed body, never on the unsigned job id.
    assert_eq!(unified.dedupe_key(), Some(key.as_str()));
    assert_eq!(typed.into_delivery().payload, unified.payload);

    // offer.updated: `data.id` is the offer.
    let body = br#"{"event":"offer.updated","data":{"id":"off-3"}}"#;
    let offer = receive_at(&receiver(), body, &signed(body, None, None), NOW).await.unwrap();
    assert_eq!(offer.subject(), Some(Subject::new("offer", "off-3")));
    let body = br#"{"event":"order.created","data":null}"#;
    let bare = receive_at(&receiver(), body, &signed(body, None, None), NOW).await.unwrap();
    assert_eq!(bare.data, Value::Null);
    assert_eq!(bare.into_delivery().subject, None);
}

#[tokio::test]
async fn receivers_do_not_print_secrets() {
    let receiver = receiver().with_store(Arc::new(InMemoryDedupeStore::new()));
    let text = format!("{receiver:?} {receiver:#?}");
    assert!(!text.contains(SECRET), "{text}");
    let accepted = receiver.accept_at(request(BODY, signed(BODY, None, None)), NOW).await.unwrap();
    assert!(!format!("{accepted:?}").contains(SECRET));
    let (delivery, ticket) = accepted.into_parts();
    assert!(!format!("{delivery:?} {ticket:?}").contains(SECRET));
    ticket.complete().await.unwrap();
}
