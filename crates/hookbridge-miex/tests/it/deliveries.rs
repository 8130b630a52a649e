//! Receiving deliveries: `MiexReceiver` verifies, parses, checks headers and replays; the
//! unified conversion.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_core::reexports::http::{HeaderMap, HeaderName, HeaderValue};
use hookbridge_core::{Delivery, EventType, ProviderId, Subject};
use hookbridge_miex::{MiexDelivery, MiexEvent, MiexReceiver};
use hookbridge_verify::{
    DeliveryError, HmacScheme, HmacSecret, InMemoryReplayStore, KeyRing, MalformedReason, VerifyError, headers,
    sign::HmacSigner,
};
use serde_json::{Value, json};

const SECRET: &str = "miex secretKey for tests";
const NOW: i64 = 1_735_689_600;

fn verify_fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../fixtures/verify/{name}", env!("CARGO_MANIFEST_DIR"));
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
    let mut headers = HmacSigner::new(HmacScheme::miex(), secret()).sign(body, NOW, delivery).unwrap();
    if let Some(event) = event {
        headers.insert(headers::MIEX_EVENT, HeaderValue::from_str(event).unwrap());
    }
    headers
}

fn receiver() -> MiexReceiver {
    MiexReceiver::with_secret(secret())
}

const BODY: &[u8] =
    br#"{"event":"order.status_changed","data":{"id":77,"uuid":"3f6c2a9e","status":"done"},"sentAt":"x"}"#;

#[test]
fn openssl_fixture_verifies_and_parses() {
    let (body, headers, secret, at) = fixture_delivery();
    let receiver = MiexReceiver::new(KeyRing::single("fixture", secret)).unwrap();
    let delivery = receiver.receive_at(&body, &headers, at).unwrap();
    assert_eq!(delivery.event, MiexEvent::OrderCreated);
    assert_eq!(delivery.data["id"], 1284);
    assert_eq!(delivery.data["fromCurrency"], "USDT");
    assert_eq!(delivery.delivery_id.as_deref(), Some("1284"));
    assert_eq!(delivery.verified.key_id().as_str(), "fixture");
    assert_eq!(&delivery.raw[..], &body[..]);
    // MIEX signs no timestamp: any clock accepts it.
    assert!(receiver.receive_at(&body, &headers, 0).is_ok());
    // One byte more and it no longer verifies.
    let mut tampered = body.clone();
    tampered.push(b'\n');
    assert!(matches!(
        receiver.receive_at(&tampered, &headers, at),
        Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))
    ));
}

#[test]
fn signer_delivery_is_accepted_field_by_field() {
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let delivery = receiver().receive_at(BODY, &headers, NOW).unwrap();
    assert_eq!(delivery.event, MiexEvent::OrderStatusChanged);
    assert_eq!(delivery.data, json!({"id": 77, "uuid": "3f6c2a9e", "status": "done"}));
    assert_eq!(delivery.delivery_id.as_deref(), Some("job-77"));
    assert_eq!(delivery.verified.key_id().as_str(), "default");
    assert_eq!(delivery.verified.timestamp(), None);
    assert_eq!(&delivery.raw[..], BODY);
}

#[test]
fn the_event_header_is_optional() {
    let delivery = receiver().receive_at(BODY, &signed(BODY, None, None), NOW).unwrap();
    assert_eq!(delivery.event, MiexEvent::OrderStatusChanged);
    assert_eq!(delivery.delivery_id, None);
}

#[test]
fn tampered_body_is_rejected() {
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let tampered = String::from_utf8(BODY.to_vec()).unwrap().replace("done", "paid");
    let err = receiver().receive_at(tampered.as_bytes(), &headers, NOW).unwrap_err();
    assert_eq!(err, DeliveryError::Verification(VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 }));
    assert!(err.is_verification());
    assert_eq!(err.http_status().as_u16(), 401);
}

#[test]
fn wrong_key_is_rejected_and_rotation_reports_the_key() {
    let headers = signed(BODY, None, None);
    let other = MiexReceiver::with_secret(HmacSecret::from_str_bytes("another secret").unwrap());
    assert!(matches!(
        other.receive_at(BODY, &headers, NOW),
        Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))
    ));
    let ring = KeyRing::new().with("old", HmacSecret::from_str_bytes("another secret").unwrap()).with("new", secret());
    let rotating = MiexReceiver::new(ring).unwrap();
    assert_eq!(rotating.receive_at(BODY, &headers, NOW).unwrap().verified.key_id().as_str(), "new");
    assert!(MiexReceiver::new(KeyRing::new()).is_err());
}

#[test]
fn missing_signature_is_rejected() {
    let mut headers = signed(BODY, Some("order.status_changed"), None);
    headers.remove(headers::MIEX_SIGNATURE);
    assert_eq!(
        receiver().receive_at(BODY, &headers, NOW),
        Err(DeliveryError::Verification(VerifyError::MissingHeader { name: headers::MIEX_SIGNATURE }))
    );
}

#[test]
fn event_header_must_match_the_body() {
    let headers = signed(BODY, Some("order.cancelled"), None);
    let err = receiver().receive_at(BODY, &headers, NOW).unwrap_err();
    match &err {
        DeliveryError::HeaderMismatch { name, detail } => {
            assert_eq!(name, &headers::MIEX_EVENT);
            assert!(detail.contains("order.cancelled") && detail.contains("order.status_changed"), "{detail}");
        }
        other => panic!("expected HeaderMismatch, got {other:?}"),
    }
    assert_eq!(err.http_status().as_u16(), 400);

    let mut repeated = signed(BODY, Some("order.status_changed"), None);
    repeated.append(headers::MIEX_EVENT, HeaderValue::from_static("order.status_changed"));
    assert_eq!(
        receiver().receive_at(BODY, &repeated, NOW),
        Err(DeliveryError::MalformedHeader {
            name: headers::MIEX_EVENT,
            reason: MalformedReason::Repeated { count: 2 }
        })
    );
}

#[test]
fn malformed_json_is_a_parse_error_without_body_content() {
    for body in [
        &br#"{"event":"order.created","data":{"id":1,"card":"4111111111111111"}"#[..],
        br#"{"event":42,"data":{}}"#,
        br#"["order.created"]"#,
        b"not json sk_live_should_not_leak",
    ] {
        let headers = signed(body, None, None);
        let err = receiver().receive_at(body, &headers, NOW).unwrap_err();
        match &err {
            DeliveryError::Parse { provider, detail } => {
                assert_eq!(*provider, "miex");
                assert!(!detail.is_empty());
                for secret in ["4111111111111111", "sk_live_should_not_leak", "42"] {
                    assert!(!detail.contains(secret) && !err.to_string().contains(secret), "{detail}");
                }
            }
            other => panic!("expected Parse, got {other:?}"),
        }
    }
    // No event anywhere.
    let body = br#"{"data":{"id":1}}"#;
    assert!(matches!(
        receiver().receive_at(body, &signed(body, None, None), NOW),
        Err(DeliveryError::Parse { provider: "miex", .. })
    ));
    // A body without `event` takes the header's.
    let delivery = receiver().receive_at(body, &signed(body, Some("offer.updated"), None), NOW).unwrap();
    assert_eq!(delivery.event, MiexEvent::OfferUpdated);
}

#[test]
fn unknown_events_decode_as_unknown() {
    let body = br#"{"event":"order.refunded","data":{"orderId":"ord-9"}}"#;
    let delivery = receiver().receive_at(body, &signed(body, Some("order.refunded"), None), NOW).unwrap();
    assert_eq!(delivery.event, MiexEvent::Unknown("order.refunded".into()));
    let unified = delivery.into_delivery();
    assert_eq!(unified.event_type, Some(EventType::new("order.refunded")));
    assert_eq!(unified.subject, Some(Subject::new("order", "ord-9")));
}

#[test]
fn replay_store_refuses_repeats() {
    let store = Arc::new(InMemoryReplayStore::new());
    let receiver = receiver().with_replay_store(store.clone(), Duration::from_secs(3600));
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    assert!(receiver.receive_at(BODY, &headers, NOW).is_ok());
    let err = receiver.receive_at(BODY, &headers, NOW + 10).unwrap_err();
    assert_eq!(err, DeliveryError::Replay { key: "miex:delivery:job-77".into() });
    assert!(err.is_replay());
    assert_eq!(err.http_status().as_u16(), 200);
    // Expired: accepted again.
    assert!(receiver.receive_at(BODY, &headers, NOW + 3600).is_ok());

    // Without a delivery id the body is the key.
    let headers = signed(BODY, None, None);
    assert!(receiver.receive_at(BODY, &headers, NOW).is_ok());
    assert!(matches!(
        receiver.receive_at(BODY, &headers, NOW),
        Err(DeliveryError::Replay { key }) if key.starts_with("miex:body:") && key.len() == "miex:body:".len() + 64
    ));
}

#[test]
fn rejected_deliveries_do_not_consume_replay_keys() {
    let store = Arc::new(InMemoryReplayStore::new());
    let receiver = receiver().with_replay_store(store.clone(), Duration::from_secs(3600));
    let mut forged = signed(BODY, None, Some("job-1"));
    forged.insert(headers::MIEX_SIGNATURE, HeaderValue::from_static("sha256=00"));
    assert!(receiver.receive_at(BODY, &forged, NOW).unwrap_err().is_verification());
    let mismatch = signed(BODY, Some("order.created"), Some("job-1"));
    assert!(matches!(receiver.receive_at(BODY, &mismatch, NOW), Err(DeliveryError::HeaderMismatch { .. })));
    assert!(store.is_empty());
    assert!(receiver.receive_at(BODY, &signed(BODY, None, Some("job-1")), NOW).is_ok());
    assert_eq!(store.len(), 1);
}

#[test]
fn into_delivery_field_by_field() {
    let headers = signed(BODY, Some("order.status_changed"), Some("job-77"));
    let typed: MiexDelivery = receiver().receive_at(BODY, &headers, NOW).unwrap();
    let unified = Delivery::from(typed.clone());
    assert_eq!(unified.provider, ProviderId::Miex);
    assert_eq!(unified.event_type, Some(EventType::new("order.status_changed")));
    assert_eq!(unified.delivery_id.as_deref(), Some("job-77"));
    assert_eq!(unified.event_id, None);
    assert_eq!(unified.occurred_at, None);
    assert_eq!(unified.subject, Some(Subject::new("order", "77")));
    assert_eq!(unified.key_id.as_deref(), Some("default"));
    assert_eq!(unified.payload, serde_json::from_slice::<Value>(BODY).unwrap());
    assert_eq!(&unified.raw[..], BODY);
    assert_eq!(unified.dedupe_key(), Some("job-77"));
    assert_eq!(typed.into_delivery().payload, unified.payload);

    // offer.updated: `data.id` is the offer.
    let body = br#"{"event":"offer.updated","data":{"id":"off-3"}}"#;
    let offer = receiver().receive_at(body, &signed(body, None, None), NOW).unwrap();
    assert_eq!(offer.subject(), Some(Subject::new("offer", "off-3")));
    let body = br#"{"event":"order.created","data":null}"#;
    let bare = receiver().receive_at(body, &signed(body, None, None), NOW).unwrap();
    assert_eq!(bare.data, Value::Null);
    assert_eq!(bare.into_delivery().subject, None);
}

#[test]
fn receivers_do_not_print_secrets() {
    let receiver = receiver().with_replay_store(Arc::new(InMemoryReplayStore::new()), Duration::from_secs(60));
    let text = format!("{receiver:?} {receiver:#?}");
    assert!(!text.contains(SECRET), "{text}");
    let delivery = receiver.receive_at(BODY, &signed(BODY, None, None), NOW).unwrap();
    assert!(!format!("{delivery:?}").contains(SECRET));
}
