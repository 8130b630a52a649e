//! Receiving deliveries: `BitnobReceiver` (the pipeline over `BitnobSpec`, current and legacy
//! schemes) verifies, parses, checks headers and keys deliveries on signed data; the unified
//! conversion. What every receiver does (refusing forged, wrong-key, unsigned, stale and future
//! deliveries, deduplicating replays under fresh unsigned headers, no secret in `Debug`) is the
//! receiver contract of `hookbridge_testkit::conformance`, run for the `bitnob` and
//! `bitnob-legacy` presets by the workspace's `tests/it/receiving.rs`.

use hookbridge_bitnob::{BitnobDelivery, BitnobParser, BitnobReceiver, BitnobSpec};
use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use hookbridge_core::{Delivery, EventType, Subject, Timestamp};
use hookbridge_testkit::fixtures::SignedSample;
use hookbridge_testkit::receiving::receive_at;
use hookbridge_verify::receive::{Incoming, ReceiveError, ReplayKey};
use hookbridge_verify::{DeliveryError, HmacSecret, KeyRing, MalformedReason, VerifyError, sign::HmacSigner};
use serde_json::{Value, json};

const SECRET: &str = "bitnob webhook secret for tests";
const TS: i64 = 1_735_689_600;

/// An openssl-signed sample: body, headers, secret, verification time.
fn fixture_delivery(name: &str) -> (Vec<u8>, HeaderMap, HmacSecret, i64) {
    let sample = SignedSample::load(name).unwrap();
    let secret = HmacSecret::from_str_bytes(sample.secret_text().unwrap()).unwrap();
    (sample.body.to_vec(), sample.headers, secret, sample.verify_at)
}

fn secret() -> HmacSecret {
    HmacSecret::from_str_bytes(SECRET).unwrap()
}

/// Headers of the current scheme for `body`, signed at `ts`, with an optional event header.
fn signed(body: &[u8], ts: i64, event: Option<&str>) -> HeaderMap {
    let mut headers = HmacSigner::new(hookbridge_bitnob::delivery_scheme(), secret()).sign(body, ts, None).unwrap();
    if let Some(event) = event {
        headers.insert(hookbridge_bitnob::headers::EVENT, HeaderValue::from_str(event).unwrap());
    }
    headers
}

fn receiver() -> BitnobReceiver {
    BitnobReceiver::new(BitnobSpec::new(KeyRing::single("2025-01", secret())).unwrap())
}

/// The request a receiver sees: a POST of `body` with `headers`.
fn request(body: &[u8], headers: &HeaderMap) -> Incoming {
    Incoming::post(Uri::from_static("/hooks/bitnob"), headers.clone(), Bytes::copy_from_slice(body))
}

const BODY: &[u8] = br#"{"event":"virtualcard.transaction.debit","event_id":"evt_01JH","data":{"id":"txn_9","object":"card_transaction","amount":2500000,"status":"completed"}}"#;

#[tokio::test]
async fn current_fixture_verifies_and_parses() {
    let (body, headers, secret, at) = fixture_delivery("bitnob-transfer-success");
    let receiver = || BitnobReceiver::new(BitnobSpec::new(KeyRing::single("fixture", secret.clone())).unwrap());
    let delivery = receive_at(&receiver(), request(&body, &headers), at).await.unwrap();
    assert_eq!(delivery.event_type, EventType::new("transfer.success"));
    assert!(delivery.event_signed);
    assert_eq!(delivery.event_id, None);
    assert_eq!(delivery.timestamp, Some(Timestamp::from_second(1_735_689_600).unwrap()));
    assert_eq!(delivery.data().unwrap()["reference"], "payout-7741");
    assert_eq!(delivery.subject(), Some(Subject::new("transfer", "trf_01JH2Q8Y6M3V9R7C4K5T2N8B1D")));
    assert_eq!(delivery.verified.key_id().as_str(), "fixture");
    // No event_id: the key is a digest of the signed timestamp and body.
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("bitnob", Some(1_735_689_600), &body));
    assert_eq!(&delivery.raw[..], &body[..]);
    // The recommended 5-minute window, from the signed timestamp.
    assert!(receive_at(&receiver(), request(&body, &headers), 1_735_689_600 + 300).await.is_ok());
    let err = receive_at(&receiver(), request(&body, &headers), 1_735_689_600 + 301).await.unwrap_err();
    assert!(
        matches!(err, ReceiveError::Verification(VerifyError::TimestampTooOld { age_secs: 301, tolerance_secs: 300 })),
        "{err:?}"
    );
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn legacy_fixture_verifies_and_parses() {
    let (body, headers, secret, at) = fixture_delivery("bitnob-legacy-deposit");
    let receiver = || {
        BitnobReceiver::new(
            BitnobSpec::with_parser(BitnobParser::Legacy, KeyRing::single("legacy", secret.clone())).unwrap(),
        )
    };
    let delivery = receive_at(&receiver(), request(&body, &headers), at).await.unwrap();
    assert_eq!(delivery.event_type, EventType::new("btc.lightning.onchain.received"));
    assert_eq!(delivery.timestamp, None, "the legacy scheme signs no timestamp");
    assert_eq!(delivery.subject(), Some(Subject::new("btc.lightning.onchain", "e1b4c7d2-5a8f-4e3b-9c6d-1f2a3b4c5d6e")));
    // No event_id, no timestamp: the key is a digest of the body.
    assert_eq!(delivery.event_id, None);
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("bitnob", None, &body));
    // No clock involved.
    assert!(receive_at(&receiver(), request(&body, &headers), 0).await.is_ok());
    // Tampered.
    let tampered = String::from_utf8(body.clone()).unwrap().replace("0.0015", "1.0015");
    assert!(matches!(
        receive_at(&receiver(), request(tampered.as_bytes(), &headers), at).await,
        Err(ReceiveError::Verification(VerifyError::NoMatch { .. }))
    ));
    // The current-scheme receiver does not accept a legacy delivery (no timestamp, SHA-512).
    let current = BitnobReceiver::new(BitnobSpec::new(KeyRing::single("k", secret)).unwrap());
    assert!(receive_at(&current, request(&body, &headers), at).await.unwrap_err().is_verification());
}

#[tokio::test]
async fn signer_delivery_is_accepted_field_by_field() {
    let headers = signed(BODY, TS, Some("virtualcard.transaction.debit"));
    let delivery = receive_at(&receiver(), request(BODY, &headers), TS + 1).await.unwrap();
    assert_eq!(delivery.event_type, EventType::new("virtualcard.transaction.debit"));
    assert!(delivery.event_signed);
    assert_eq!(delivery.event_id.as_deref(), Some("evt_01JH"));
    assert_eq!(delivery.timestamp, Some(Timestamp::from_second(TS).unwrap()));
    assert_eq!(delivery.payload, serde_json::from_slice::<Value>(BODY).unwrap());
    assert_eq!(delivery.data().unwrap()["amount"], 2_500_000);
    assert_eq!(delivery.subject(), Some(Subject::new("card_transaction", "txn_9")));
    assert_eq!(delivery.verified.key_id().as_str(), "2025-01");
    assert_eq!(delivery.verified.timestamp(), Some(TS));
    assert_eq!(delivery.replay_key.as_str(), "bitnob:event:evt_01JH");
}

#[tokio::test]
async fn without_an_event_or_with_a_repeated_event_header_it_is_400() {
    // Without an event in the body or the header, the event is missing.
    let body = br#"{"data":{"id":"w_1"}}"#;
    let err = receive_at(&receiver(), request(body, &signed(body, TS, None)), TS).await.unwrap_err();
    assert!(
        matches!(&err, ReceiveError::Delivery(DeliveryError::MissingHeader { name }) if *name == hookbridge_bitnob::headers::EVENT),
        "{err:?}"
    );
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    let mut repeated = signed(BODY, TS, Some("virtualcard.transaction.debit"));
    repeated.append(hookbridge_bitnob::headers::EVENT, HeaderValue::from_static("virtualcard.transaction.debit"));
    let err = receive_at(&receiver(), request(BODY, &repeated), TS).await.unwrap_err();
    assert!(
        matches!(
            &err,
            ReceiveError::Delivery(DeliveryError::MalformedHeader {
                name,
                reason: MalformedReason::Repeated { count: 2 }
            }) if *name == hookbridge_bitnob::headers::EVENT
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_event_only_in_the_header_is_reported_unsigned() {
    let body = br#"{"data":{"id":"w_1"}}"#;
    let delivery = receive_at(&receiver(), request(body, &signed(body, TS, Some("wallet.created"))), TS).await.unwrap();
    assert_eq!(delivery.event_type, EventType::new("wallet.created"));
    assert!(!delivery.event_signed);
    assert_eq!(delivery.subject(), Some(Subject::new("wallet", "w_1")));
    // The unsigned header does not enter the key: a replay under another event header is the
    // same delivery.
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("bitnob", Some(TS), body));
    for other in ["wallet.deleted", "transfer.success"] {
        let replay = receive_at(&receiver(), request(body, &signed(body, TS, Some(other))), TS).await.unwrap();
        assert_eq!(replay.replay_key, delivery.replay_key, "{other}");
    }
    let unified = delivery.into_delivery();
    assert_eq!(unified.event_type, Some(EventType::new("wallet.created")));
    assert!(!unified.event_type_signed);
    // Named by the body: signed.
    let body = br#"{"event":"wallet.created","data":{"id":"w_1"}}"#;
    let delivery = receive_at(&receiver(), request(body, &signed(body, TS, Some("wallet.created"))), TS).await.unwrap();
    assert!(delivery.event_signed);
    assert!(delivery.into_delivery().event_type_signed);
}

#[tokio::test]
async fn malformed_json_is_a_parse_error_without_body_content() {
    for body in [
        &br#"{"event":"transfer.success","data":{"account_number":"0123456789""#[..],
        br#"["transfer.success"]"#,
        br#"{"event":{"name":"transfer.success"}}"#,
        br#"{"event":"transfer.success","event_id":["evt-secret-1"]}"#,
        b"account_number=0123456789",
    ] {
        let err = receive_at(&receiver(), request(body, &signed(body, TS, None)), TS).await.unwrap_err();
        match &err {
            ReceiveError::Delivery(DeliveryError::Parse { provider, detail }) => {
                assert_eq!(*provider, "bitnob");
                assert!(!detail.contains("0123456789") && !detail.contains("evt-secret-1"), "{detail}");
            }
            other => panic!("expected Parse, got {other:?}"),
        }
        let reason = err.reason();
        assert!(!reason.contains("0123456789") && !reason.contains("evt-secret-1"), "{reason}");
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    }
}

#[tokio::test]
async fn unknown_events_are_accepted() {
    let body = br#"{"event":"stablecoin.pyusd.received.success","data":{"id":17}}"#;
    let delivery = receive_at(&receiver(), request(body, &signed(body, TS, None)), TS).await.unwrap();
    assert_eq!(delivery.event_type.as_str(), "stablecoin.pyusd.received.success");
    assert_eq!(delivery.subject(), Some(Subject::new("stablecoin.pyusd.received", "17")));
}

#[tokio::test]
async fn a_signed_event_id_survives_re_signing_and_a_digest_does_not() {
    // Bitnob's retry: the same event_id, re-signed a minute later, is the same delivery.
    let first = receive_at(&receiver(), request(BODY, &signed(BODY, TS, None)), TS).await.unwrap();
    let retry = receive_at(&receiver(), request(BODY, &signed(BODY, TS + 60, None)), TS + 60).await.unwrap();
    assert_eq!(first.replay_key.as_str(), "bitnob:event:evt_01JH");
    assert_eq!(retry.replay_key, first.replay_key);
    // Without event_id, the key is a digest of the signed timestamp and body: a copy re-signed
    // under another timestamp is another delivery (nothing signed says it is the same event).
    let body = br#"{"event":"transfer.success","data":{"id":"trf_2"}}"#;
    let first = receive_at(&receiver(), request(body, &signed(body, TS, None)), TS).await.unwrap();
    assert_eq!(first.replay_key, ReplayKey::signed_digest("bitnob", Some(TS), body));
    let resigned = receive_at(&receiver(), request(body, &signed(body, TS + 30, None)), TS + 30).await.unwrap();
    assert_ne!(resigned.replay_key, first.replay_key);
}

#[tokio::test]
async fn into_delivery_field_by_field() {
    let typed: BitnobDelivery = receive_at(&receiver(), request(BODY, &signed(BODY, TS, None)), TS).await.unwrap();
    let unified = Delivery::from(typed);
    assert_eq!(unified.provider, hookbridge_bitnob::PROVIDER);
    assert_eq!(unified.event_type, Some(EventType::new("virtualcard.transaction.debit")));
    assert!(unified.event_type_signed);
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id.as_deref(), Some("evt_01JH"));
    assert_eq!(unified.occurred_at, Some(Timestamp::from_second(TS).unwrap()));
    assert_eq!(unified.signed_at, Some(Timestamp::from_second(TS).unwrap()));
    assert_eq!(unified.replay_key.as_deref(), Some("bitnob:event:evt_01JH"));
    assert_eq!(unified.subject, Some(Subject::new("card_transaction", "txn_9")));
    assert_eq!(unified.key_id.as_deref(), Some("2025-01"));
    assert_eq!(unified.payload, serde_json::from_slice::<Value>(BODY).unwrap());
    assert_eq!(&unified.raw[..], BODY);
    assert_eq!(unified.dedupe_key(), Some("bitnob:event:evt_01JH"));

    let body = br#"{"event":"wallet.created","data":null}"#;
    let bare = receive_at(&receiver(), request(body, &signed(body, TS, None)), TS).await.unwrap();
    assert_eq!(bare.data(), None);
    let unified = bare.into_delivery();
    assert_eq!(unified.subject, None);
    assert_eq!(unified.payload, json!({"event": "wallet.created", "data": null}));
    let digest = ReplayKey::signed_digest("bitnob", Some(TS), body);
    assert_eq!(unified.dedupe_key(), Some(digest.as_str()));
}
