//! Receiving deliveries: `MiexReceiver` (the pipeline over `MiexSpec`) verifies, parses, checks
//! headers and keys deliveries on signed data; the unified conversion. What every receiver does
//! (refusing forged, wrong-key and unsigned deliveries, deduplicating replays under fresh
//! unsigned headers, in-flight copies, method and size checks, no secret in `Debug`) is the
//! receiver contract of `hookbridge_testkit::conformance`, run for the `miex` preset by the
//! workspace's `tests/it/receiving.rs`.

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use hookbridge_core::{Delivery, EventType, Subject};
use hookbridge_miex::{MiexDelivery, MiexEvent, MiexReceiver, MiexSpec};
use hookbridge_testkit::fixtures::SignedSample;
use hookbridge_testkit::receiving::receive_at;
use hookbridge_verify::receive::{Incoming, ReceiveError, ReplayKey};
use hookbridge_verify::{DeliveryError, HmacSecret, KeyRing, MalformedReason, VerifyError, sign::HmacSigner};
use serde_json::{Value, json};

const SECRET: &str = "miex secretKey for tests";
const NOW: i64 = 1_735_689_600;

/// The openssl-signed sample: body, headers, secret, verification time.
fn fixture_delivery() -> (Vec<u8>, HeaderMap, HmacSecret, i64) {
    let sample = SignedSample::load("miex-order-created").unwrap();
    let secret = HmacSecret::from_str_bytes(sample.secret_text().unwrap()).unwrap();
    (sample.body.to_vec(), sample.headers, secret, sample.verify_at)
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
fn request(body: &[u8], headers: &HeaderMap) -> Incoming {
    Incoming::post(Uri::from_static("/hooks/miex"), headers.clone(), Bytes::copy_from_slice(body))
}

const BODY: &[u8] =
    br#"{"event":"order.status_changed","data":{"id":77,"uuid":"3f6c2a9e","status":"done"},"sentAt":"x"}"#;

#[tokio::test]
async fn openssl_fixture_verifies_and_parses() {
    let (body, headers, secret, at) = fixture_delivery();
    let spec = || MiexSpec::new(KeyRing::single("fixture", secret.clone())).unwrap();
    let receiver = MiexReceiver::new(spec());
    let delivery = receive_at(&receiver, request(&body, &headers), at).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::OrderCreated);
    assert!(delivery.event_signed);
    assert_eq!(delivery.data["id"], 1284);
    assert_eq!(delivery.data["fromCurrency"], "USDT");
    assert_eq!(delivery.delivery_id.as_deref(), Some("1284"));
    assert_eq!(delivery.verified.key_id().as_str(), "fixture");
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("miex", None, &body));
    assert_eq!(&delivery.raw[..], &body[..]);
    // MIEX signs no timestamp: any clock accepts it.
    assert!(receive_at(&MiexReceiver::new(spec()), request(&body, &headers), 0).await.is_ok());
    // One byte more and it no longer verifies.
    let mut tampered = body.clone();
    tampered.push(b'\n');
    let err = receive_at(&MiexReceiver::new(spec()), request(&tampered, &headers), at).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
}

#[tokio::test]
async fn signer_delivery_is_accepted_field_by_field() {
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let delivery = receive_at(&receiver(), request(BODY, &headers), NOW).await.unwrap();
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
    let delivery = receive_at(&receiver(), request(BODY, &signed(BODY, None, None)), NOW).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::OrderStatusChanged);
    assert!(delivery.event_signed);
    assert_eq!(delivery.delivery_id, None);
    // Neither the unsigned event header nor the unsigned job id enters the key: the same body
    // is the same delivery, with or without them.
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("miex", None, BODY));
}

#[tokio::test]
async fn a_repeated_event_header_is_400() {
    let mut repeated = signed(BODY, Some("order.status_changed"), None);
    repeated.append(hookbridge_miex::headers::EVENT, HeaderValue::from_static("order.status_changed"));
    let err = receive_at(&receiver(), request(BODY, &repeated), NOW).await.unwrap_err();
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
        let err = receive_at(&receiver(), request(body, &headers), NOW).await.unwrap_err();
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
        receive_at(&receiver(), request(body, &signed(body, None, None)), NOW).await,
        Err(ReceiveError::Delivery(DeliveryError::Parse { provider: "miex", .. }))
    ));
}

#[tokio::test]
async fn an_event_only_in_the_header_is_reported_unsigned() {
    // The body names no event: the unsigned header's is taken, and marked unsigned.
    let body = br#"{"data":{"id":"off-1"}}"#;
    let delivery =
        receive_at(&receiver(), request(body, &signed(body, Some("offer.updated"), None)), NOW).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::OfferUpdated);
    assert!(!delivery.event_signed);
    let unified = delivery.into_delivery();
    assert_eq!(unified.event_type, Some(EventType::new("offer.updated")));
    assert!(!unified.event_type_signed);
    // The same body naming the event itself: signed.
    let body = br#"{"event":"offer.updated","data":{"id":"off-1"}}"#;
    let delivery =
        receive_at(&receiver(), request(body, &signed(body, Some("offer.updated"), None)), NOW).await.unwrap();
    assert!(delivery.event_signed);
    assert!(delivery.into_delivery().event_type_signed);
}

#[tokio::test]
async fn unknown_events_decode_as_unknown() {
    let body = br#"{"event":"order.refunded","data":{"orderId":"ord-9"}}"#;
    let delivery =
        receive_at(&receiver(), request(body, &signed(body, Some("order.refunded"), None)), NOW).await.unwrap();
    assert_eq!(delivery.event, MiexEvent::Unknown("order.refunded".into()));
    let unified = delivery.into_delivery();
    assert_eq!(unified.event_type, Some(EventType::new("order.refunded")));
    assert_eq!(unified.subject, Some(Subject::new("order", "ord-9")));
}

#[tokio::test]
async fn into_delivery_field_by_field() {
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let typed: MiexDelivery = receive_at(&receiver(), request(BODY, &headers), NOW).await.unwrap();
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
    let offer = receive_at(&receiver(), request(body, &signed(body, None, None)), NOW).await.unwrap();
    assert_eq!(offer.subject(), Some(Subject::new("offer", "off-3")));
    let body = br#"{"event":"order.created","data":null}"#;
    let bare = receive_at(&receiver(), request(body, &signed(body, None, None)), NOW).await.unwrap();
    assert_eq!(bare.data, Value::Null);
    assert_eq!(bare.into_delivery().subject, None);
}
