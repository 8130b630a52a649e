//! Receiving deliveries with `ChipReceiver`: the openssl-signed fixture, `RsaSigner`-signed
//! payloads, rejections, replays and the unified conversion.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hookbridge_chip::{ChipEvent, ChipReceiver, ChipWebhook, DeliveryObject, VerifiedChipDelivery};
use hookbridge_core::reexports::http::{HeaderMap, HeaderValue};
use hookbridge_core::{Delivery, EventType, ProviderId, Subject};
use hookbridge_verify::sign::RsaSigner;
use hookbridge_verify::{
    DeliveryError, InMemoryReplayStore, KeyRing, RsaHash, RsaPublicKey, RsaScheme, VerifyError, headers,
};
use serde_json::{Value, json};

use crate::common::*;

fn key_file(name: &str) -> String {
    let path = format!("{}/../../fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn verify_fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../fixtures/verify/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The 2048-bit test key pair's signer (parsed once: RSA key parsing is slow in debug builds).
pub(crate) fn signer_a() -> &'static RsaSigner {
    static SIGNER: OnceLock<RsaSigner> = OnceLock::new();
    SIGNER.get_or_init(|| RsaSigner::from_pem(RsaScheme::chip(), &key_file("rsa2048-private.pem")).unwrap())
}

/// The 4096-bit test key pair's signer.
pub(crate) fn signer_b() -> &'static RsaSigner {
    static SIGNER: OnceLock<RsaSigner> = OnceLock::new();
    SIGNER.get_or_init(|| RsaSigner::from_pem(RsaScheme::chip(), &key_file("rsa4096-private.pem")).unwrap())
}

pub(crate) fn public_a() -> RsaPublicKey {
    RsaPublicKey::from_pem(&key_file("rsa2048-public-spki.pem")).unwrap()
}

pub(crate) fn public_b() -> RsaPublicKey {
    RsaPublicKey::from_pem(&key_file("rsa4096-public-spki.pem")).unwrap()
}

pub(crate) fn public_pem_a() -> String {
    key_file("rsa2048-public-spki.pem")
}

pub(crate) fn public_pem_b() -> String {
    key_file("rsa4096-public-spki.pem")
}

fn receiver() -> ChipReceiver {
    ChipReceiver::new(KeyRing::single(WEBHOOK_ID, public_a())).unwrap()
}

/// A fixture body from `fixtures/chip/` and its `X-Signature` by key A.
fn signed_fixture(name: &str) -> (Vec<u8>, HeaderMap) {
    let body = fixture(name).into_bytes();
    let headers = signer_a().sign(&body).unwrap();
    (body, headers)
}

#[test]
fn openssl_signed_fixture_verifies_through_chip_receiver() {
    let meta: Value = serde_json::from_slice(&verify_fixture("chip-purchase-paid.json")).unwrap();
    assert_eq!(meta["public_key"], "keys/rsa2048-public-spki.pem");
    let body = verify_fixture("chip-purchase-paid.body");
    let mut headers = HeaderMap::new();
    headers.insert("x-signature", HeaderValue::from_str(meta["headers"]["X-Signature"].as_str().unwrap()).unwrap());

    let delivery = receiver().receive_at(&body, &headers, meta["verify_at"].as_i64().unwrap()).unwrap();
    assert_eq!(delivery.event_type, ChipEvent::PurchasePaid);
    let purchase = delivery.purchase().unwrap();
    assert_eq!(purchase.id.as_deref(), Some("d6c3f1a0-2b5e-4c8d-9f71-3e6a4b2c8d10"));
    assert_eq!(purchase.reference.as_deref(), Some("ORDER-1042"));
    assert_eq!(purchase.purchase.as_ref().unwrap().total, Some(29900));
    assert_eq!(delivery.verified.key_id().as_str(), WEBHOOK_ID);
    assert_eq!(delivery.verified.timestamp(), None);
    assert_eq!(&delivery.raw[..], &body[..]);
    assert_eq!(delivery.occurred_at(), Some(ts(1_735_689_540)));

    // The raw bytes matter: the same JSON re-serialized compactly does not verify.
    let reserialized = serde_json::to_vec(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    assert!(matches!(
        receiver().receive(&reserialized, &headers),
        Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))
    ));
}

#[test]
fn openssl_signed_chip_send_fixture_verifies_with_sha512() {
    let meta: Value = serde_json::from_slice(&verify_fixture("chip-send-instruction-completed.json")).unwrap();
    let body = verify_fixture("chip-send-instruction-completed.body");
    let mut headers = HeaderMap::new();
    headers.insert("x-signature", HeaderValue::from_str(meta["headers"]["X-Signature"].as_str().unwrap()).unwrap());
    let key = RsaPublicKey::from_pem(&key_file("rsa4096-public-pkcs1.pem")).unwrap();

    let send = ChipReceiver::with_hash(KeyRing::single("send", key.clone()), RsaHash::Sha512).unwrap();
    let delivery = send.receive(&body, &headers).unwrap();
    assert_eq!(delivery.event_type, ChipEvent::Unknown("send_instruction.completed".into()));
    assert!(matches!(&delivery.object, DeliveryObject::Other(map) if map["reference"] == "PAYOUT-0042"));
    assert_eq!(delivery.subject(), Some(Subject::new("send_instruction", "5817")));
    // The SHA-256 (Collect) receiver refuses it.
    let collect = ChipReceiver::new(KeyRing::single("send", key)).unwrap();
    assert!(collect.receive(&body, &headers).unwrap_err().is_verification());
}

#[test]
fn signer_deliveries_of_each_object_kind() {
    let (body, headers) = signed_fixture("purchase_paid.json");
    let d = receiver().receive(&body, &headers).unwrap();
    assert_eq!(d.event_type, ChipEvent::PurchasePaid);
    assert_eq!(d.subject(), Some(Subject::new("purchase", "c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46")));
    assert_eq!(d.occurred_at(), Some(ts(1_718_000_460)));

    let (body, headers) = signed_fixture("payment_refunded.json");
    let d = receiver().receive(&body, &headers).unwrap();
    assert_eq!(d.event_type, ChipEvent::PaymentRefunded);
    assert!(d.payment().is_some());
    assert_eq!(d.subject(), Some(Subject::new("payment", "8a6b4c2d-0e1f-4a3b-9c5d-7e9f1a3b5c7d")));

    let (body, headers) = signed_fixture("payout_success.json");
    let d = receiver().receive(&body, &headers).unwrap();
    assert_eq!(d.event_type, ChipEvent::PayoutSuccess);
    assert!(matches!(d.object, DeliveryObject::Other(_)));
    assert_eq!(d.subject(), Some(Subject::new("payout", "2b4d6f8a-0c1e-4a3c-9e5a-7c9e1a3c5e7a")));
    assert_eq!(d.occurred_at(), Some(ts(1_718_390_000)));
    assert_eq!(d.clone().into_inner(), hookbridge_chip::ChipDelivery::from_slice(&body).unwrap());
}

#[test]
fn unknown_event_types_decode_as_unknown() {
    let (body, headers) = signed_fixture("purchase_subscription_charge_failure.json");
    let d = receiver().receive(&body, &headers).unwrap();
    assert_eq!(d.event_type, ChipEvent::Unknown("purchase.subscription_charge_failure".into()));
    assert!(d.purchase().is_some());
    assert_eq!(d.into_delivery().event_type, Some(EventType::new("purchase.subscription_charge_failure")));
}

#[test]
fn tampered_wrong_key_missing_and_malformed_signatures_are_rejected() {
    let (body, headers) = signed_fixture("purchase_paid.json");
    let tampered = String::from_utf8(body.clone()).unwrap().replacen("8900", "1", 1);
    assert_eq!(
        receiver().receive(tampered.as_bytes(), &headers),
        Err(DeliveryError::Verification(VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 }))
    );
    let wrong = ChipReceiver::with_key(public_b());
    assert!(matches!(wrong.receive(&body, &headers), Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))));
    assert_eq!(
        receiver().receive(&body, &HeaderMap::new()),
        Err(DeliveryError::Verification(VerifyError::MissingHeader { name: headers::CHIP_SIGNATURE }))
    );
    let mut garbage = HeaderMap::new();
    garbage.insert("x-signature", HeaderValue::from_static("not base64 !!"));
    assert!(matches!(
        receiver().receive(&body, &garbage),
        Err(DeliveryError::Verification(VerifyError::BadEncoding { .. }))
    ));
}

#[test]
fn a_ring_of_webhook_keys_reports_which_webhook_matched() {
    let webhook = |id: &str, pem: Option<String>| -> ChipWebhook {
        serde_json::from_value(json!({
            "type": "webhook", "id": id, "title": "t", "all_events": true, "events": [],
            "callback": "https://shop.example.com/chip", "public_key": pem,
        }))
        .unwrap()
    };
    let hooks = [
        webhook("11111111-1111-4111-8111-111111111111", Some(public_pem_b())),
        webhook("22222222-2222-4222-8222-222222222222", None),
        webhook(WEBHOOK_ID, Some(public_pem_a())),
    ];
    let receiver = ChipReceiver::from_webhooks(&hooks).unwrap();
    assert_eq!(receiver.verifier().key_ids().count(), 2);
    let (body, headers) = signed_fixture("purchase_paid.json");
    assert_eq!(receiver.receive(&body, &headers).unwrap().verified.key_id().as_str(), WEBHOOK_ID);
    let headers = signer_b().sign(&body).unwrap();
    assert_eq!(
        receiver.receive(&body, &headers).unwrap().verified.key_id().as_str(),
        "11111111-1111-4111-8111-111111111111"
    );
    assert!(ChipReceiver::from_webhooks(&hooks[1..2]).is_err(), "no key at all");
    let bad = webhook(WEBHOOK_ID, Some("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".into()));
    assert!(ChipReceiver::from_webhooks([&bad]).is_err());
}

#[test]
fn malformed_bodies_are_parse_errors_without_body_content() {
    let cases: [&[u8]; 5] = [
        br#"{"event_type":"purchase.paid","client":{"email":"siti@example.com""#,
        br#"{"type":"purchase","id":"p-1","client":{"email":"siti@example.com"}}"#,
        br#"{"event_type":42,"client":{"email":"siti@example.com"}}"#,
        br#"{"event_type":"purchase.paid","type":"purchase","refundable_amount":"siti@example.com"}"#,
        br#"["purchase.paid"]"#,
    ];
    for body in cases {
        let headers = signer_a().sign(body).unwrap();
        let err = receiver().receive(body, &headers).unwrap_err();
        match &err {
            DeliveryError::Parse { provider, detail } => {
                assert_eq!(*provider, "chip");
                assert!(!detail.contains("siti@example.com") && !detail.contains("42"), "{detail}");
            }
            other => panic!("expected Parse for {}, got {other:?}", String::from_utf8_lossy(body)),
        }
    }
    let body = br#"{"type":"purchase","id":"p-1"}"#;
    match receiver().receive(body, &signer_a().sign(body).unwrap()) {
        Err(DeliveryError::Parse { detail, .. }) => assert!(detail.contains("missing field `event_type`"), "{detail}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn replay_store_keys_on_event_object_and_time() {
    let store = Arc::new(InMemoryReplayStore::new());
    let receiver = receiver().with_replay_store(store.clone(), Duration::from_secs(37 * 3600));
    let (body, headers) = signed_fixture("purchase_paid.json");
    let first = receiver.receive_at(&body, &headers, 1_718_000_500).unwrap();
    assert_eq!(first.replay_key(), "chip:purchase.paid:purchase:c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46:1718000460");
    // CHIP's retry of the same delivery, an hour later.
    assert_eq!(
        receiver.receive_at(&body, &headers, 1_718_004_100),
        Err(DeliveryError::Replay { key: first.replay_key() })
    );
    // The same purchase, changed later: a new key.
    let mut later: Value = serde_json::from_slice(&body).unwrap();
    later["updated_on"] = json!(1_718_000_999);
    let later = serde_json::to_vec(&later).unwrap();
    assert!(receiver.receive_at(&later, &signer_a().sign(&later).unwrap(), 1_718_001_000).is_ok());
    // No id: the body is the key.
    let bare = br#"{"event_type":"purchase.viewed"}"#;
    let headers = signer_a().sign(bare).unwrap();
    assert!(receiver.receive_at(bare, &headers, 1).is_ok());
    assert!(matches!(
        receiver.receive_at(bare, &headers, 2),
        Err(DeliveryError::Replay { key }) if key.starts_with("chip:body:")
    ));
    assert_eq!(store.len(), 3);
}

#[test]
fn into_delivery_field_by_field() {
    let (body, headers) = signed_fixture("payment_refunded.json");
    let typed: VerifiedChipDelivery = receiver().receive(&body, &headers).unwrap();
    let unified = Delivery::from(typed);
    assert_eq!(unified.provider, ProviderId::Chip);
    assert_eq!(unified.event_type, Some(EventType::new("payment.refunded")));
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id, None);
    assert_eq!(unified.occurred_at, Some(ts(1_718_200_000)));
    assert_eq!(unified.subject, Some(Subject::new("payment", "8a6b4c2d-0e1f-4a3b-9c5d-7e9f1a3b5c7d")));
    assert_eq!(unified.key_id.as_deref(), Some(WEBHOOK_ID));
    assert_eq!(unified.payload, fixture_json("payment_refunded.json"));
    assert_eq!(&unified.raw[..], &body[..]);
}
