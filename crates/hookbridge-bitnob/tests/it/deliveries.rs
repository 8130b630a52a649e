//! Receiving deliveries: `BitnobReceiver` (current and legacy schemes) verifies, parses, checks
//! headers and replays; the unified conversion.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_bitnob::{BitnobDelivery, BitnobReceiver};
use hookbridge_core::reexports::http::{HeaderMap, HeaderName, HeaderValue};
use hookbridge_core::{Delivery, EventType, ProviderId, Subject, Timestamp};
use hookbridge_verify::{
    DeliveryError, HmacScheme, HmacSecret, InMemoryReplayStore, KeyRing, MalformedReason, VerifyError, headers,
    sign::HmacSigner,
};
use serde_json::{Value, json};

const SECRET: &str = "bitnob webhook secret for tests";
const TS: i64 = 1_735_689_600;

fn verify_fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../fixtures/verify/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// An openssl-signed fixture: body, headers, secret, verification time.
fn fixture_delivery(name: &str) -> (Vec<u8>, HeaderMap, HmacSecret, i64) {
    let meta: Value = serde_json::from_slice(&verify_fixture(&format!("{name}.json"))).unwrap();
    let secrets: Value = serde_json::from_slice(&verify_fixture("secrets.json")).unwrap();
    let body = verify_fixture(meta["body_file"].as_str().unwrap());
    let mut headers = HeaderMap::new();
    for (name, value) in meta["headers"].as_object().unwrap() {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
        );
    }
    let secret_name = meta["secret"]["name"].as_str().unwrap();
    let secret = HmacSecret::from_str_bytes(secrets[secret_name].as_str().unwrap()).unwrap();
    (body, headers, secret, meta["verify_at"].as_i64().unwrap())
}

fn secret() -> HmacSecret {
    HmacSecret::from_str_bytes(SECRET).unwrap()
}

/// Headers of the current scheme for `body`, signed at `ts`, with an optional event header.
fn signed(body: &[u8], ts: i64, event: Option<&str>) -> HeaderMap {
    let mut headers = HmacSigner::new(HmacScheme::bitnob(), secret()).sign(body, ts, None).unwrap();
    if let Some(event) = event {
        headers.insert(headers::BITNOB_EVENT, HeaderValue::from_str(event).unwrap());
    }
    headers
}

fn receiver() -> BitnobReceiver {
    BitnobReceiver::new(KeyRing::single("2025-01", secret())).unwrap()
}

const BODY: &[u8] = br#"{"event":"virtualcard.transaction.debit","event_id":"evt_01JH","data":{"id":"txn_9","object":"card_transaction","amount":2500000,"status":"completed"}}"#;

#[test]
fn current_fixture_verifies_and_parses() {
    let (body, headers, secret, at) = fixture_delivery("bitnob-transfer-success");
    let receiver = BitnobReceiver::new(KeyRing::single("fixture", secret)).unwrap();
    let delivery = receiver.receive_at(&body, &headers, at).unwrap();
    assert_eq!(delivery.event_type, EventType::new("transfer.success"));
    assert_eq!(delivery.event_id, None);
    assert_eq!(delivery.timestamp, Some(Timestamp::from_second(1_735_689_600).unwrap()));
    assert_eq!(delivery.data().unwrap()["reference"], "payout-7741");
    assert_eq!(delivery.subject(), Some(Subject::new("transfer", "trf_01JH2Q8Y6M3V9R7C4K5T2N8B1D")));
    assert_eq!(delivery.verified.key_id().as_str(), "fixture");
    assert_eq!(&delivery.raw[..], &body[..]);
    // The recommended 5-minute window, from the signed timestamp.
    assert!(receiver.receive_at(&body, &headers, 1_735_689_600 + 300).is_ok());
    assert!(matches!(
        receiver.receive_at(&body, &headers, 1_735_689_600 + 301),
        Err(DeliveryError::Verification(VerifyError::TimestampTooOld { age_secs: 301, tolerance_secs: 300 }))
    ));
}

#[test]
fn legacy_fixture_verifies_and_parses() {
    let (body, headers, secret, at) = fixture_delivery("bitnob-legacy-deposit");
    let receiver = BitnobReceiver::legacy(KeyRing::single("legacy", secret.clone())).unwrap();
    let delivery = receiver.receive_at(&body, &headers, at).unwrap();
    assert_eq!(delivery.event_type, EventType::new("btc.lightning.onchain.received"));
    assert_eq!(delivery.timestamp, None, "the legacy scheme signs no timestamp");
    assert_eq!(delivery.subject(), Some(Subject::new("btc.lightning.onchain", "e1b4c7d2-5a8f-4e3b-9c6d-1f2a3b4c5d6e")));
    // No clock involved.
    assert!(receiver.receive_at(&body, &headers, 0).is_ok());
    // Tampered.
    let tampered = String::from_utf8(body.clone()).unwrap().replace("0.0015", "1.0015");
    assert!(matches!(
        receiver.receive_at(tampered.as_bytes(), &headers, at),
        Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))
    ));
    // The current-scheme receiver does not accept a legacy delivery (no timestamp, SHA-512).
    let current = BitnobReceiver::new(KeyRing::single("k", secret)).unwrap();
    assert!(current.receive_at(&body, &headers, at).unwrap_err().is_verification());
}

#[test]
fn signer_delivery_is_accepted_field_by_field() {
    let headers = signed(BODY, TS, Some("virtualcard.transaction.debit"));
    let delivery = receiver().receive_at(BODY, &headers, TS + 1).unwrap();
    assert_eq!(delivery.event_type, EventType::new("virtualcard.transaction.debit"));
    assert_eq!(delivery.event_id.as_deref(), Some("evt_01JH"));
    assert_eq!(delivery.timestamp, Some(Timestamp::from_second(TS).unwrap()));
    assert_eq!(delivery.payload, serde_json::from_slice::<Value>(BODY).unwrap());
    assert_eq!(delivery.data().unwrap()["amount"], 2_500_000);
    assert_eq!(delivery.subject(), Some(Subject::new("card_transaction", "txn_9")));
    assert_eq!(delivery.verified.key_id().as_str(), "2025-01");
    assert_eq!(delivery.verified.timestamp(), Some(TS));
}

#[test]
fn tampered_body_wrong_key_and_missing_headers_are_rejected() {
    let headers = signed(BODY, TS, None);
    let tampered = String::from_utf8(BODY.to_vec()).unwrap().replace("2500000", "9500000");
    assert_eq!(
        receiver().receive_at(tampered.as_bytes(), &headers, TS),
        Err(DeliveryError::Verification(VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 }))
    );
    let other = BitnobReceiver::new(KeyRing::single("x", HmacSecret::from_str_bytes("other").unwrap())).unwrap();
    assert!(matches!(
        other.receive_at(BODY, &headers, TS),
        Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))
    ));
    for missing in [headers::BITNOB_SIGNATURE, headers::BITNOB_TIMESTAMP] {
        let mut without = headers.clone();
        without.remove(&missing);
        assert_eq!(
            receiver().receive_at(BODY, &without, TS),
            Err(DeliveryError::Verification(VerifyError::MissingHeader { name: missing }))
        );
    }
}

#[test]
fn stale_and_future_timestamps_are_rejected() {
    let headers = signed(BODY, TS, None);
    assert!(matches!(
        receiver().receive_at(BODY, &headers, TS + 3600),
        Err(DeliveryError::Verification(VerifyError::TimestampTooOld { .. }))
    ));
    assert!(matches!(
        receiver().receive_at(BODY, &headers, TS - 3600),
        Err(DeliveryError::Verification(VerifyError::TimestampInFuture { .. }))
    ));
    // A timestamp changed in the header no longer matches the signature.
    let mut moved = headers.clone();
    moved.insert(headers::BITNOB_TIMESTAMP, HeaderValue::from(TS + 60));
    assert!(matches!(
        receiver().receive_at(BODY, &moved, TS + 60),
        Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))
    ));
}

#[test]
fn event_header_and_body_must_agree() {
    let headers = signed(BODY, TS, Some("virtualcard.transaction.reversed"));
    match receiver().receive_at(BODY, &headers, TS) {
        Err(DeliveryError::HeaderMismatch { name, detail }) => {
            assert_eq!(name, headers::BITNOB_EVENT);
            assert!(detail.contains("virtualcard.transaction.reversed"), "{detail}");
        }
        other => panic!("expected HeaderMismatch, got {other:?}"),
    }
    // Body without `event`: the header names it; without either it is missing.
    let body = br#"{"data":{"id":"w_1"}}"#;
    let delivery = receiver().receive_at(body, &signed(body, TS, Some("wallet.created")), TS).unwrap();
    assert_eq!(delivery.event_type, EventType::new("wallet.created"));
    assert_eq!(delivery.subject(), Some(Subject::new("wallet", "w_1")));
    assert_eq!(
        receiver().receive_at(body, &signed(body, TS, None), TS),
        Err(DeliveryError::MissingHeader { name: headers::BITNOB_EVENT })
    );
    let mut repeated = signed(BODY, TS, Some("virtualcard.transaction.debit"));
    repeated.append(headers::BITNOB_EVENT, HeaderValue::from_static("virtualcard.transaction.debit"));
    assert_eq!(
        receiver().receive_at(BODY, &repeated, TS),
        Err(DeliveryError::MalformedHeader {
            name: headers::BITNOB_EVENT,
            reason: MalformedReason::Repeated { count: 2 }
        })
    );
}

#[test]
fn malformed_json_is_a_parse_error_without_body_content() {
    for body in [
        &br#"{"event":"transfer.success","data":{"account_number":"0123456789""#[..],
        br#"["transfer.success"]"#,
        br#"{"event":{"name":"transfer.success"}}"#,
        br#"{"event":"transfer.success","event_id":["evt-secret-1"]}"#,
        b"account_number=0123456789",
    ] {
        let err = receiver().receive_at(body, &signed(body, TS, None), TS).unwrap_err();
        match &err {
            DeliveryError::Parse { provider, detail } => {
                assert_eq!(*provider, "bitnob");
                assert!(!detail.contains("0123456789") && !detail.contains("evt-secret-1"), "{detail}");
            }
            other => panic!("expected Parse, got {other:?}"),
        }
        assert_eq!(err.http_status().as_u16(), 400);
    }
}

#[test]
fn unknown_events_are_accepted() {
    let body = br#"{"event":"stablecoin.pyusd.received.success","data":{"id":17}}"#;
    let delivery = receiver().receive_at(body, &signed(body, TS, None), TS).unwrap();
    assert_eq!(delivery.event_type.as_str(), "stablecoin.pyusd.received.success");
    assert_eq!(delivery.subject(), Some(Subject::new("stablecoin.pyusd.received", "17")));
}

#[test]
fn replay_store_refuses_repeats() {
    let store = Arc::new(InMemoryReplayStore::new());
    let receiver = receiver().with_replay_store(store.clone(), Duration::from_secs(3600));
    assert!(receiver.receive_at(BODY, &signed(BODY, TS, None), TS).is_ok());
    // Bitnob's retry: same event_id, re-signed a minute later.
    let err = receiver.receive_at(BODY, &signed(BODY, TS + 60, None), TS + 60).unwrap_err();
    assert_eq!(err, DeliveryError::Replay { key: "bitnob:event:evt_01JH".into() });

    // Without event_id, the body is the key — also across re-signing.
    let body = br#"{"event":"transfer.success","data":{"id":"trf_2"}}"#;
    assert!(receiver.receive_at(body, &signed(body, TS, None), TS).is_ok());
    assert!(matches!(
        receiver.receive_at(body, &signed(body, TS + 30, None), TS + 30),
        Err(DeliveryError::Replay { key }) if key.starts_with("bitnob:body:")
    ));
    // A stale or forged copy fails verification before it reaches the store.
    let before = store.len();
    assert!(receiver.receive_at(body, &signed(body, TS, None), TS + 3600).unwrap_err().is_verification());
    assert_eq!(store.len(), before);
}

#[test]
fn into_delivery_field_by_field() {
    let typed: BitnobDelivery = receiver().receive_at(BODY, &signed(BODY, TS, None), TS).unwrap();
    let unified = Delivery::from(typed);
    assert_eq!(unified.provider, ProviderId::Bitnob);
    assert_eq!(unified.event_type, Some(EventType::new("virtualcard.transaction.debit")));
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id.as_deref(), Some("evt_01JH"));
    assert_eq!(unified.occurred_at, Some(Timestamp::from_second(TS).unwrap()));
    assert_eq!(unified.subject, Some(Subject::new("card_transaction", "txn_9")));
    assert_eq!(unified.key_id.as_deref(), Some("2025-01"));
    assert_eq!(unified.payload, serde_json::from_slice::<Value>(BODY).unwrap());
    assert_eq!(&unified.raw[..], BODY);
    assert_eq!(unified.dedupe_key(), Some("evt_01JH"));

    let body = br#"{"event":"wallet.created","data":null}"#;
    let bare = receiver().receive_at(body, &signed(body, TS, None), TS).unwrap();
    assert_eq!(bare.data(), None);
    let unified = bare.into_delivery();
    assert_eq!(unified.subject, None);
    assert_eq!(unified.payload, json!({"event": "wallet.created", "data": null}));
}

#[test]
fn receivers_do_not_print_secrets() {
    let receiver = receiver().with_replay_store(Arc::new(InMemoryReplayStore::new()), Duration::from_secs(60));
    let legacy = BitnobReceiver::legacy(KeyRing::single("l", secret())).unwrap();
    let text = format!("{receiver:?} {legacy:#?}");
    assert!(!text.contains(SECRET), "{text}");
}
