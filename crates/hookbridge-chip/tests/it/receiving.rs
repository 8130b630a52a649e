//! Receiving deliveries with `ChipReceiver` (the pipeline over `ChipSpec`): the openssl-signed
//! fixture, `RsaSigner`-signed payloads, CHIP's rejections, replay keys from the signed object
//! state and the unified conversion. What every receiver does (refusing tampered, wrong-key and
//! unsigned deliveries, deduplicating replays under fresh unsigned headers, no key material in
//! `Debug`) is the receiver contract of `hookbridge_testkit::conformance`, run for the `chip` and
//! `chip-send` presets by the workspace's `tests/it/receiving.rs`.

use std::sync::{Arc, OnceLock};

use hookbridge_chip::delivery::CHIP_RETENTION;
use hookbridge_chip::{
    ChipEvent, ChipParser, ChipReceiver, ChipSpec, ChipWebhook, DeliveryObject, VerifiedChipDelivery, webhook_keys,
};
use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use hookbridge_core::{Delivery, EventType, Subject};
use hookbridge_testkit::fixtures::SignedSample;
use hookbridge_testkit::receiving::receive_at;
use hookbridge_verify::receive::{InMemoryDedupeStore, Incoming, Receive as _, ReceiveError, ReplayKey};
use hookbridge_verify::sign::RsaSigner;
use hookbridge_verify::{DeliveryError, KeyRing, RsaHash, RsaPublicKey, VerifyError};
use serde_json::{Value, json};

use crate::common::*;

/// Any time: CHIP signs no timestamp.
const NOW: i64 = 1_718_000_500;

fn key_file(name: &str) -> String {
    let path = format!("{}/../hookbridge-testkit/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The 2048-bit test key pair's signer (parsed once: RSA key parsing is slow in debug builds).
pub(crate) fn signer_a() -> &'static RsaSigner {
    static SIGNER: OnceLock<RsaSigner> = OnceLock::new();
    SIGNER.get_or_init(|| {
        RsaSigner::from_pem(hookbridge_chip::delivery_scheme(), &key_file("rsa2048-private.pem")).unwrap()
    })
}

/// The 4096-bit test key pair's signer.
pub(crate) fn signer_b() -> &'static RsaSigner {
    static SIGNER: OnceLock<RsaSigner> = OnceLock::new();
    SIGNER.get_or_init(|| {
        RsaSigner::from_pem(hookbridge_chip::delivery_scheme(), &key_file("rsa4096-private.pem")).unwrap()
    })
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

/// The public half of a throwaway 1024-bit key (`crates/hookbridge-testkit/data/keys/rsa1024-public-spki.pem`).
pub(crate) fn public_pem_1024() -> String {
    key_file("rsa1024-public-spki.pem")
}

/// A POST of `body` with `headers`, as the pipeline receives it.
pub(crate) fn request(body: &[u8], headers: &HeaderMap) -> Incoming {
    Incoming::post(Uri::from_static("/hooks/chip"), headers.clone(), Bytes::copy_from_slice(body))
}

fn receiver() -> ChipReceiver {
    ChipReceiver::new(ChipSpec::new(KeyRing::single(WEBHOOK_ID, public_a())).unwrap())
}

/// [`receive_at`] with a fresh receiver.
async fn receive(body: &[u8], headers: &HeaderMap) -> Result<VerifiedChipDelivery, ReceiveError> {
    receive_at(&receiver(), request(body, headers), NOW).await
}

/// A fixture body from `crates/hookbridge-testkit/data/chip/` and its `X-Signature` by key A.
fn signed_fixture(name: &str) -> (Vec<u8>, HeaderMap) {
    let body = fixture(name).into_bytes();
    let headers = signer_a().sign(&body).unwrap();
    (body, headers)
}

#[tokio::test]
async fn openssl_signed_fixture_verifies_through_chip_receiver() {
    let sample = SignedSample::load("chip-purchase-paid").unwrap();
    assert_eq!(sample.public_key_pem(), Some(public_pem_a().as_str()));
    let (body, headers) = (sample.body, &sample.headers);

    let delivery = receive_at(&receiver(), request(body, headers), sample.verify_at).await.unwrap();
    assert_eq!(delivery.event_type, ChipEvent::PurchasePaid);
    let purchase = delivery.purchase().unwrap();
    assert_eq!(purchase.id.as_deref(), Some("d6c3f1a0-2b5e-4c8d-9f71-3e6a4b2c8d10"));
    assert_eq!(purchase.reference.as_deref(), Some("ORDER-1042"));
    assert_eq!(purchase.purchase.as_ref().unwrap().total, Some(29900));
    assert_eq!(delivery.verified.key_id().as_str(), WEBHOOK_ID);
    assert_eq!(delivery.verified.timestamp(), None);
    assert_eq!(&delivery.raw[..], body);
    assert_eq!(delivery.occurred_at(), Some(ts(1_735_689_540)));
    assert_eq!(
        delivery.replay_key().as_str(),
        "chip:object:purchase.paid:purchase:d6c3f1a0-2b5e-4c8d-9f71-3e6a4b2c8d10:1735689540"
    );

    // The raw bytes matter: the same JSON re-serialized compactly does not verify.
    let reserialized = serde_json::to_vec(&serde_json::from_slice::<Value>(body).unwrap()).unwrap();
    let err = receive(&reserialized, headers).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
}

#[tokio::test]
async fn openssl_signed_chip_send_fixture_verifies_with_sha512() {
    let sample = SignedSample::load("chip-send-instruction-completed").unwrap();
    let (body, headers) = (sample.body, &sample.headers);
    let key = RsaPublicKey::from_pem(sample.public_key_pem().unwrap()).unwrap();

    let send = ChipReceiver::new(
        ChipSpec::with_parser(ChipParser::with_hash(RsaHash::Sha512), KeyRing::single("send", key.clone())).unwrap(),
    );
    let delivery = receive_at(&send, request(body, headers), NOW).await.unwrap();
    assert_eq!(delivery.event_type, ChipEvent::Unknown("send_instruction.completed".into()));
    assert!(matches!(&delivery.object, DeliveryObject::Other(map) if map["reference"] == "PAYOUT-0042"));
    assert_eq!(delivery.subject(), Some(Subject::new("send_instruction", "5817")));
    // The SHA-256 (Collect) receiver refuses it.
    let collect = ChipReceiver::new(ChipSpec::new(KeyRing::single("send", key)).unwrap());
    assert!(receive_at(&collect, request(body, headers), NOW).await.unwrap_err().is_verification());
}

#[tokio::test]
async fn signer_deliveries_of_each_object_kind() {
    let (body, headers) = signed_fixture("purchase_paid.json");
    let d = receive(&body, &headers).await.unwrap();
    assert_eq!(d.event_type, ChipEvent::PurchasePaid);
    assert_eq!(d.subject(), Some(Subject::new("purchase", "c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46")));
    assert_eq!(d.occurred_at(), Some(ts(1_718_000_460)));

    let (body, headers) = signed_fixture("payment_refunded.json");
    let d = receive(&body, &headers).await.unwrap();
    assert_eq!(d.event_type, ChipEvent::PaymentRefunded);
    assert!(d.payment().is_some());
    assert_eq!(d.subject(), Some(Subject::new("payment", "8a6b4c2d-0e1f-4a3b-9c5d-7e9f1a3b5c7d")));

    let (body, headers) = signed_fixture("payout_success.json");
    let d = receive(&body, &headers).await.unwrap();
    assert_eq!(d.event_type, ChipEvent::PayoutSuccess);
    assert!(matches!(d.object, DeliveryObject::Other(_)));
    assert_eq!(d.subject(), Some(Subject::new("payout", "2b4d6f8a-0c1e-4a3c-9e5a-7c9e1a3c5e7a")));
    assert_eq!(d.occurred_at(), Some(ts(1_718_390_000)));
    assert_eq!(d.clone().into_inner(), hookbridge_chip::ChipDelivery::from_slice(&body).unwrap());
}

#[tokio::test]
async fn unknown_event_types_decode_as_unknown() {
    let (body, headers) = signed_fixture("purchase_subscription_charge_failure.json");
    let d = receive(&body, &headers).await.unwrap();
    assert_eq!(d.event_type, ChipEvent::Unknown("purchase.subscription_charge_failure".into()));
    assert!(d.purchase().is_some());
    assert_eq!(d.into_delivery().event_type, Some(EventType::new("purchase.subscription_charge_failure")));
}

#[tokio::test]
async fn a_signature_that_is_not_base64_is_400() {
    let (body, _) = signed_fixture("purchase_paid.json");
    let mut garbage = HeaderMap::new();
    garbage.insert("x-signature", HeaderValue::from_static("not base64 !!"));
    let err = receive(&body, &garbage).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::BadEncoding { .. })), "{err:?}");
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_ring_of_webhook_keys_reports_which_webhook_matched() {
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
    let receiver = ChipReceiver::new(ChipSpec::new(webhook_keys(&hooks).unwrap()).unwrap());
    assert_eq!(receiver.spec().verifier().key_ids().count(), 2);
    let (body, headers) = signed_fixture("purchase_paid.json");
    let (delivery, ticket) = receiver.accept_at(request(&body, &headers), NOW).await.unwrap().into_parts();
    assert_eq!(delivery.verified.key_id().as_str(), WEBHOOK_ID);
    // Released: the same delivery, signed by the other webhook's key, is handled again.
    ticket.release().await.unwrap();
    let headers = signer_b().sign(&body).unwrap();
    assert_eq!(
        receive_at(&receiver, request(&body, &headers), NOW).await.unwrap().verified.key_id().as_str(),
        "11111111-1111-4111-8111-111111111111"
    );
    assert!(ChipSpec::new(webhook_keys(&hooks[1..2]).unwrap()).is_err(), "no key at all");
    let bad = webhook(WEBHOOK_ID, Some("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".into()));
    assert!(webhook_keys([&bad]).is_err());
    // A webhook key under 2048 bits is refused when the ring is built.
    let small = webhook(WEBHOOK_ID, Some(public_pem_1024()));
    assert!(matches!(webhook_keys([&small]), Err(hookbridge_verify::KeyError::RsaKeyTooSmall { bits: 1024, .. })));
}

#[tokio::test]
async fn malformed_bodies_are_parse_errors_without_body_content() {
    let cases: [&[u8]; 5] = [
        br#"{"event_type":"purchase.paid","client":{"email":"siti@example.com""#,
        br#"{"type":"purchase","id":"p-1","client":{"email":"siti@example.com"}}"#,
        br#"{"event_type":42,"client":{"email":"siti@example.com"}}"#,
        br#"{"event_type":"purchase.paid","type":"purchase","refundable_amount":"siti@example.com"}"#,
        br#"["purchase.paid"]"#,
    ];
    for body in cases {
        let headers = signer_a().sign(body).unwrap();
        let err = receive(body, &headers).await.unwrap_err();
        match &err {
            ReceiveError::Delivery(DeliveryError::Parse { provider, detail }) => {
                assert_eq!(*provider, "chip");
                assert!(!detail.contains("siti@example.com") && !detail.contains("42"), "{detail}");
            }
            other => panic!("expected Parse for {}, got {other:?}", String::from_utf8_lossy(body)),
        }
        assert!(!err.reason().contains("siti@example.com"), "{}", err.reason());
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    }
    let body = br#"{"type":"purchase","id":"p-1"}"#;
    match receive(body, &signer_a().sign(body).unwrap()).await {
        Err(ReceiveError::Delivery(DeliveryError::Parse { detail, .. })) => {
            assert!(detail.contains("missing field `event_type`"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn replay_keys_are_the_event_object_and_time() {
    let store = Arc::new(InMemoryDedupeStore::new());
    let receiver = receiver().with_store(store.clone());
    // Remembered longer than CHIP retries (36 h 26 min).
    assert_eq!(receiver.retention_duration(), CHIP_RETENTION);
    assert!(CHIP_RETENTION.as_secs() > 36 * 3600 + 26 * 60);
    let (body, headers) = signed_fixture("purchase_paid.json");
    let first = receive_at(&receiver, request(&body, &headers), NOW).await.unwrap();
    assert_eq!(
        first.replay_key().as_str(),
        "chip:object:purchase.paid:purchase:c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46:1718000460"
    );
    // CHIP's retry of the same delivery, an hour later.
    let err = receive_at(&receiver, request(&body, &headers), NOW + 3600).await.unwrap_err();
    assert!(matches!(&err, ReceiveError::Duplicate { key } if key == first.replay_key()), "{err:?}");
    assert_eq!(err.status(), StatusCode::OK);
    // The same state re-serialized differently (signed again): still the same delivery.
    let reformatted = serde_json::to_vec(&serde_json::from_slice::<Value>(&body).unwrap()).unwrap();
    let err =
        receive_at(&receiver, request(&reformatted, &signer_a().sign(&reformatted).unwrap()), NOW).await.unwrap_err();
    assert!(err.is_duplicate(), "{err:?}");
    // The same purchase, changed later: a new key.
    let mut later: Value = serde_json::from_slice(&body).unwrap();
    later["updated_on"] = json!(1_718_000_999);
    let later = serde_json::to_vec(&later).unwrap();
    let changed = receive_at(&receiver, request(&later, &signer_a().sign(&later).unwrap()), NOW).await.unwrap();
    assert_ne!(changed.replay_key(), first.replay_key());
    // No id: a digest of the signed body is the key.
    let bare = br#"{"event_type":"purchase.viewed"}"#;
    let headers = signer_a().sign(bare).unwrap();
    let delivery = receive_at(&receiver, request(bare, &headers), 1).await.unwrap();
    assert_eq!(delivery.replay_key(), &ReplayKey::signed_digest("chip", None, bare));
    let err = receive_at(&receiver, request(bare, &headers), 2).await.unwrap_err();
    assert!(matches!(&err, ReceiveError::Duplicate { key } if key.as_str().starts_with("chip:sha256:")), "{err:?}");
    assert_eq!(store.len(), 3);
}

#[tokio::test]
async fn into_delivery_field_by_field() {
    let (body, headers) = signed_fixture("payment_refunded.json");
    let typed: VerifiedChipDelivery = receive(&body, &headers).await.unwrap();
    let key = "chip:object:payment.refunded:payment:8a6b4c2d-0e1f-4a3b-9c5d-7e9f1a3b5c7d:1718200000";
    assert_eq!(typed.replay_key().as_str(), key);
    let unified = Delivery::from(typed);
    assert_eq!(unified.provider, hookbridge_chip::PROVIDER);
    assert_eq!(unified.event_type, Some(EventType::new("payment.refunded")));
    assert!(unified.event_type_signed);
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id, None);
    assert_eq!(unified.occurred_at, Some(ts(1_718_200_000)));
    assert_eq!(unified.signed_at, None);
    assert_eq!(unified.replay_key.as_deref(), Some(key));
    assert_eq!(unified.dedupe_key(), Some(key));
    assert_eq!(unified.subject, Some(Subject::new("payment", "8a6b4c2d-0e1f-4a3b-9c5d-7e9f1a3b5c7d")));
    assert_eq!(unified.key_id.as_deref(), Some(WEBHOOK_ID));
    assert_eq!(unified.payload, fixture_json("payment_refunded.json"));
    assert_eq!(&unified.raw[..], &body[..]);
}
