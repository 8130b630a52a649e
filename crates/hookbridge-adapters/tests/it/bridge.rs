//! The Standard Webhooks bridge: its output verifies with hookbridge-verify's Standard Webhooks
//! verifier; tampering fails; ids are stable per delivery.

use bytes::Bytes;
use hookbridge_adapters::bridge::{EVENT_TYPE_HEADER, PROVIDER_HEADER, envelope};
use hookbridge_adapters::{BridgeBody, BridgeError, MessageIdPolicy, StandardWebhooksBridge};
use hookbridge_core::{Delivery, EventType, Subject, Timestamp};
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, KeyRing, VerifyError};
use http::HeaderValue;

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const NOW: i64 = 1_750_000_000;

fn verifier() -> HmacVerifier {
    HmacVerifier::with_secret(HmacScheme::standard_webhooks(), HmacSecret::from_standard_webhooks(WHSEC).unwrap())
}

fn at() -> Timestamp {
    Timestamp::from_second(NOW).unwrap()
}

fn chip_delivery() -> Delivery {
    let mut d = Delivery::new(
        hookbridge_chip::PROVIDER,
        Bytes::from_static(br#"{"id":"p-1","type":"purchase","event_type":"purchase.paid","status":"paid"}"#),
    );
    d.event_type = Some(EventType::new("purchase.paid"));
    d.event_type_signed = true;
    d.subject = Some(Subject::new("purchase", "p-1"));
    d.key_id = Some("default".into());
    d
}

fn bitnob_delivery() -> Delivery {
    let mut d = Delivery::new(
        hookbridge_bitnob::PROVIDER,
        Bytes::from_static(br#"{"event":"transfer.success","data":{"id":"t"}}"#),
    );
    d.event_type = Some(EventType::new("transfer.success"));
    d.event_type_signed = true;
    d.event_id = Some("evt_123".into());
    d.replay_key = Some("bitnob:event:evt_123".into());
    d.occurred_at = Some(Timestamp::from_second(NOW - 5).unwrap());
    d
}

#[test]
fn output_verifies_and_tampering_fails() {
    let bridge = StandardWebhooksBridge::from_whsec(WHSEC).unwrap();
    for delivery in [chip_delivery(), bitnob_delivery()] {
        let request = bridge.to_request(&delivery, None, at()).unwrap();
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.headers()["content-type"], "application/json");
        let verified = verifier().verify_at(request.body(), request.headers(), NOW).unwrap();
        assert_eq!(verified.id(), request.headers()["webhook-id"].to_str().ok());
        assert!(verified.id_is_signed());
        assert_eq!(verified.timestamp(), Some(NOW));

        // Body tampering.
        let mut body = request.body().to_vec();
        body[10] ^= 1;
        assert!(matches!(verifier().verify_at(&body, request.headers(), NOW), Err(VerifyError::NoMatch { .. })));
        // Id tampering.
        let mut headers = request.headers().clone();
        headers.insert("webhook-id", HeaderValue::from_static("msg_other"));
        assert!(verifier().verify_at(request.body(), &headers, NOW).is_err());
        // Timestamp tampering.
        let mut headers = request.headers().clone();
        headers.insert("webhook-timestamp", HeaderValue::from_str(&(NOW + 1).to_string()).unwrap());
        assert!(verifier().verify_at(request.body(), &headers, NOW).is_err());
        // Another secret.
        let other = HmacVerifier::with_secret(
            HmacScheme::standard_webhooks(),
            HmacSecret::from_bytes(b"other".to_vec()).unwrap(),
        );
        assert!(other.verify_at(request.body(), request.headers(), NOW).is_err());
        // Too old for the default tolerance.
        assert!(matches!(
            verifier().verify_at(request.body(), request.headers(), NOW + 3600),
            Err(VerifyError::TimestampTooOld { .. })
        ));
    }
}

#[test]
fn envelope_carries_the_unified_delivery() {
    let bridge = StandardWebhooksBridge::from_whsec(WHSEC).unwrap();
    let message = bridge.to_message(&chip_delivery(), Some("msg_1"), at()).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&message.body).unwrap();
    assert_eq!(body["type"], "chip.purchase.paid");
    assert_eq!(body["timestamp"], "2025-06-15T15:06:40Z"); // no occurred_at: the message time
    assert_eq!(body["data"]["provider"], "chip");
    assert_eq!(body["data"]["subject"], serde_json::json!({"kind": "purchase", "id": "p-1"}));
    assert_eq!(body["data"]["payload"]["status"], "paid");
    assert_eq!(body["data"]["key_id"], "default");
    assert!(body["data"].get("raw_base64").is_none());
    assert_eq!(message.id, "msg_1");
    assert_eq!(message.timestamp, NOW);
    assert_eq!(message.headers[PROVIDER_HEADER], "chip");
    assert_eq!(message.headers[EVENT_TYPE_HEADER], "purchase.paid");

    let bitnob = envelope(&bitnob_delivery(), at());
    assert_eq!(bitnob["timestamp"], "2025-06-15T15:06:35Z", "occurred_at wins");
    assert_eq!(bitnob["data"]["event_id"], "evt_123");

    // An event named only by an unsigned header is reported, never made the signed type.
    let mut unsigned = chip_delivery();
    unsigned.event_type_signed = false;
    let message = bridge.to_message(&unsigned, Some("msg_2"), at()).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&message.body).unwrap();
    assert_eq!(body["type"], "chip");
    assert_eq!(body["data"]["event_type"], "purchase.paid");
    assert_eq!(body["data"]["event_type_signed"], false);
    assert!(message.headers.get(EVENT_TYPE_HEADER).is_none());

    // A body that is not JSON travels as base64.
    let raw = Delivery::new(hookbridge_blaze::PROVIDER, Bytes::from_static(b"\xff\x00 not json"));
    let env = envelope(&raw, at());
    assert_eq!(env["type"], "blaze");
    assert!(env["data"]["payload"].is_null());
    assert_eq!(env["data"]["raw_base64"], "/wAgbm90IGpzb24=");
}

#[test]
fn raw_mode_forwards_the_bytes() {
    let bridge = StandardWebhooksBridge::from_whsec(WHSEC).unwrap().body(BridgeBody::Raw);
    let d = chip_delivery();
    let request = bridge.to_request(&d, None, at()).unwrap();
    assert_eq!(request.body(), &d.raw);
    assert!(verifier().verify_at(request.body(), request.headers(), NOW).is_ok());
    let raw = Delivery::new(hookbridge_blaze::PROVIDER, Bytes::from_static(b"\xffbinary"));
    let request = bridge.to_request(&raw, None, at()).unwrap();
    assert_eq!(request.headers()["content-type"], "application/octet-stream");
    assert!(request.headers().get(EVENT_TYPE_HEADER).is_none());
    assert!(verifier().verify_at(request.body(), request.headers(), NOW).is_ok());
}

#[test]
fn message_ids_are_stable_per_delivery() {
    let bridge = StandardWebhooksBridge::from_whsec(WHSEC).unwrap();
    let d = bitnob_delivery();
    let id = bridge.message_id(&d);
    assert!(id.starts_with("msg_") && id.len() == 36, "{id}");
    assert_eq!(bridge.message_id(&d.clone()), id, "same delivery, same id");
    let first = bridge.to_request(&d, None, at()).unwrap();
    let resent = bridge.to_request(&d, None, Timestamp::from_second(NOW + 60).unwrap()).unwrap();
    assert_eq!(first.headers()["webhook-id"], resent.headers()["webhook-id"]);
    // Another provider with the same key gets another id.
    let mut other = d.clone();
    other.provider = hookbridge_miex::PROVIDER;
    assert_ne!(bridge.message_id(&other), id);
    // The key is the pipeline's replay key (signed data), never an unsigned delivery id.
    let mut by_delivery = Delivery::new(hookbridge_miex::PROVIDER, d.raw.clone());
    by_delivery.delivery_id = Some("bitnob:event:evt_123".into());
    assert_ne!(bridge.message_id(&by_delivery), bridge.message_id(&other));
    let mut relabelled = d.clone();
    relabelled.delivery_id = Some("job-2".into());
    assert_eq!(bridge.message_id(&relabelled), id);
    // The message timestamp is the provider's signed one when there is one.
    let mut signed = d.clone();
    signed.signed_at = Some(Timestamp::from_second(NOW - 30).unwrap());
    assert_eq!(StandardWebhooksBridge::message_timestamp(&signed, at()).as_second(), NOW - 30);
    assert_eq!(StandardWebhooksBridge::message_timestamp(&d, at()).as_second(), NOW);

    // Without a key: random by default, the body hash on request.
    let chip = chip_delivery();
    assert_ne!(bridge.message_id(&chip), bridge.message_id(&chip));
    let hashing = bridge.clone().message_ids(MessageIdPolicy::DedupeKeyOrBodyHash);
    assert_eq!(hashing.message_id(&chip), hashing.message_id(&chip));
    assert_ne!(hashing.message_id(&chip), hashing.message_id(&bitnob_delivery()));
}

#[test]
fn errors_and_rotation() {
    let bridge = StandardWebhooksBridge::from_whsec(WHSEC).unwrap();
    let d = chip_delivery();
    assert!(matches!(bridge.to_message(&d, Some(""), at()), Err(BridgeError::InvalidMessageId)));
    assert!(matches!(bridge.to_message(&d, Some("has space"), at()), Err(BridgeError::InvalidMessageId)));
    assert!(matches!(bridge.to_message(&d, Some("é"), at()), Err(BridgeError::InvalidMessageId)));
    assert!(matches!(bridge.to_message(&d, None, Timestamp::from_second(-1).unwrap()), Err(BridgeError::Sign(_))));
    assert!(StandardWebhooksBridge::from_whsec("whsec_!!!").is_err());
    let dbg = format!("{bridge:?}");
    assert!(!dbg.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "{dbg}");

    // Rotation: two signatures, each secret verifies.
    let next = HmacSecret::from_bytes(b"next-secret-bytes".to_vec()).unwrap();
    let rotating = bridge.with_additional_secret(next.clone()).uri("https://receiver.example.com/in".parse().unwrap());
    let request = rotating.to_request(&d, None, at()).unwrap();
    assert_eq!(request.uri(), "https://receiver.example.com/in");
    assert_eq!(request.headers()["webhook-signature"].to_str().unwrap().split(' ').count(), 2);
    assert!(verifier().verify_at(request.body(), request.headers(), NOW).is_ok());
    let v2 = HmacVerifier::new(HmacScheme::standard_webhooks(), KeyRing::single("next", next)).unwrap();
    assert!(v2.verify_at(request.body(), request.headers(), NOW).is_ok());
}
