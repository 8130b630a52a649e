//! Receiving deliveries: `StripeReceiver` (the pipeline over `StripeSpec`) verifies
//! `Stripe-Signature`, parses the Event, keys it on the signed event id, and converts it into the
//! unified `Delivery`. What every receiver does (refusing tampered, wrong-key, unsigned, stale and
//! future deliveries, a key ring during a rotation, deduplicating replays, no secret in `Debug`)
//! is the receiver contract of `hookbridge_testkit::conformance`, run for the `stripe` preset by
//! the workspace's `tests/it/receiving.rs`.

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, StatusCode, Uri};
use hookbridge_core::{Delivery, EventType, Secret, Subject};
use hookbridge_stripe::{StripeReceiver, StripeSpec, endpoint_key_ring};
use hookbridge_testkit::fixtures::SignedSample;
use hookbridge_testkit::receiving::receive_at;
use hookbridge_verify::receive::{InMemoryDedupeStore, Incoming, ReceiveError, ReplayKey};
use hookbridge_verify::{DeliveryError, HmacScheme, HmacSecret, KeyRing, VerifyError, sign::HmacSigner};
use serde_json::Value;

use crate::common::{fixture, ts};

const WHSEC: &str = "whsec_wRNftLajMZNeslQOP6vEPm4iVx5NlZ6z";
const TS: i64 = 1_735_689_650;

fn signer(secret: &str) -> HmacSigner {
    HmacSigner::new(HmacScheme::stripe(), HmacSecret::from_str_bytes(secret).unwrap())
}

fn signed(body: &[u8], at: i64) -> HeaderMap {
    signer(WHSEC).sign(body, at, None).unwrap()
}

fn receiver() -> StripeReceiver {
    StripeReceiver::new(StripeSpec::new(endpoint_key_ring(&Secret::new(WHSEC)).unwrap()).unwrap())
}

fn request(body: &[u8], headers: &HeaderMap) -> Incoming {
    Incoming::post(Uri::from_static("/hooks/stripe"), headers.clone(), Bytes::copy_from_slice(body))
}

#[tokio::test]
async fn a_signed_event_is_accepted_and_unified() {
    let body = fixture("event_payment_intent_succeeded.json");
    let event: Value = serde_json::from_str(&body).unwrap();
    let headers = signed(body.as_bytes(), TS);
    let delivery = receive_at(&receiver(), request(body.as_bytes(), &headers), TS + 1).await.unwrap();
    assert_eq!(delivery.event.id.as_str(), event["id"]);
    assert_eq!(delivery.event.event_type, hookbridge_stripe::EventType::PaymentIntentSucceeded);
    assert_eq!(delivery.verified.key_id().as_str(), "endpoint");
    assert_eq!(delivery.verified.timestamp(), Some(TS));
    let id = event["id"].as_str().unwrap();
    assert_eq!(delivery.replay_key, ReplayKey::signed_id("stripe", "event", id).unwrap());
    assert_eq!(delivery.replay_key.as_str(), format!("stripe:event:{id}"));
    assert_eq!(&delivery.raw[..], body.as_bytes());
    let object = &event["data"]["object"];
    let subject = Subject::new(object["object"].as_str().unwrap(), object["id"].as_str().unwrap());
    assert_eq!(delivery.subject(), Some(subject.clone()));

    let unified = Delivery::from(delivery);
    assert_eq!(unified.provider, hookbridge_stripe::PROVIDER);
    assert_eq!(unified.event_type, Some(EventType::new("payment_intent.succeeded")));
    assert!(unified.event_type_signed);
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id.as_deref(), Some(id));
    assert_eq!(unified.occurred_at, Some(ts(event["created"].as_i64().unwrap())));
    assert_eq!(unified.signed_at, Some(ts(TS)));
    assert_eq!(unified.replay_key.as_deref(), Some(format!("stripe:event:{id}").as_str()));
    assert_eq!(unified.dedupe_key(), unified.replay_key.as_deref());
    assert_eq!(unified.subject, Some(subject));
    assert_eq!(unified.key_id.as_deref(), Some("endpoint"));
    assert_eq!(unified.payload, event);
    assert_eq!(&unified.raw[..], body.as_bytes());
}

#[tokio::test]
async fn the_openssl_signed_fixture_verifies() {
    // Computed outside hookbridge from the documented algorithm (see its .json).
    let sample = SignedSample::load("stripe-payment-intent-succeeded").unwrap();
    let secret = Secret::new(sample.secret_text().unwrap());
    let receiver = StripeReceiver::new(StripeSpec::new(endpoint_key_ring(&secret).unwrap()).unwrap());
    let delivery = receive_at(&receiver, request(sample.body, &sample.headers), sample.verify_at).await.unwrap();
    assert_eq!(delivery.event.id.as_str(), "evt_1QbT4nLkdIwHu7ix0cXjVh2s");
    assert_eq!(delivery.subject(), Some(Subject::new("payment_intent", "pi_3QbT4mLkdIwHu7ix1Vq8Zk0a")));
}

#[tokio::test]
async fn the_secret_is_its_text_not_its_base64_reading() {
    let body = fixture("event_customer_updated.json");
    let headers = signed(body.as_bytes(), TS);
    // The secret text is the key as is: its base64-decoded bytes (the Standard Webhooks
    // reading of `whsec_…`) do not verify.
    let decoded = HmacSecret::from_standard_webhooks(WHSEC).unwrap();
    let misread = StripeReceiver::new(StripeSpec::new(KeyRing::single("decoded", decoded)).unwrap());
    let err = receive_at(&misread, request(body.as_bytes(), &headers), TS).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
    assert!(StripeSpec::new(KeyRing::new()).is_err());
    assert!(endpoint_key_ring(&Secret::new("")).is_err());
}

#[tokio::test]
async fn a_header_signed_with_two_secrets_verifies_with_either() {
    // Stripe's header while a secret is rolled: two v1 signatures (the old secret's and the new one's).
    let body = fixture("event_customer_updated.json");
    let both = signer("whsec_old_secret_value").with_additional_secret(HmacSecret::from_str_bytes(WHSEC).unwrap());
    let headers = both.sign(body.as_bytes(), TS, None).unwrap();
    let only_new = StripeReceiver::new(StripeSpec::new(endpoint_key_ring(&Secret::new(WHSEC)).unwrap()).unwrap());
    assert!(receive_at(&only_new, request(body.as_bytes(), &headers), TS).await.is_ok());
}

#[tokio::test]
async fn a_replayed_event_is_a_duplicate_even_re_signed() {
    let store = std::sync::Arc::new(InMemoryDedupeStore::new());
    let receiver = receiver().with_store(store.clone());
    let body = fixture("event_customer_updated.json");
    let first = receive_at(&receiver, request(body.as_bytes(), &signed(body.as_bytes(), TS)), TS).await.unwrap();
    assert_eq!(first.replay_key.as_str(), "stripe:event:evt_1QbT5aLkdIwHu7ixQ0wErTyU");
    // Stripe's retry: the same event re-signed with a new timestamp.
    let err = receive_at(&receiver, request(body.as_bytes(), &signed(body.as_bytes(), TS + 120)), TS + 120)
        .await
        .unwrap_err();
    assert!(matches!(&err, ReceiveError::Duplicate { key } if *key == first.replay_key), "{err:?}");
    // Another event is handled.
    let other = fixture("event_unknown_type.json");
    let delivery = receive_at(&receiver, request(other.as_bytes(), &signed(other.as_bytes(), TS)), TS).await.unwrap();
    assert!(!delivery.event.event_type.is_documented());
    assert_eq!(
        Delivery::from(delivery).event_type.map(|e| e.as_str().to_owned()),
        serde_json::from_str::<Value>(&other).unwrap()["type"].as_str().map(str::to_owned)
    );
}

#[tokio::test]
async fn the_tolerance_is_stripes_five_minutes() {
    let body = fixture("event_customer_updated.json");
    let headers = signed(body.as_bytes(), TS);
    assert!(receive_at(&receiver(), request(body.as_bytes(), &headers), TS + 300).await.is_ok());
    let err = receive_at(&receiver(), request(body.as_bytes(), &headers), TS + 301).await.unwrap_err();
    assert!(
        matches!(err, ReceiveError::Verification(VerifyError::TimestampTooOld { age_secs: 301, tolerance_secs: 300 })),
        "{err:?}"
    );
}

#[tokio::test]
async fn authentic_bodies_that_are_not_events_are_400_without_quoting_them() {
    for body in [
        &br#"{"id":"evt_1","object":"event","type":"charge.succeeded","data":{"object":{"card":"4242424242424242""#[..],
        br#"["evt_1"]"#,
        br#"{"id":"evt_1","object":"event","created":"4242424242424242","data":{"object":{}},"livemode":false,"type":"x"}"#,
        b"card=4242424242424242",
    ] {
        let err = receive_at(&receiver(), request(body, &signed(body, TS)), TS).await.unwrap_err();
        match &err {
            ReceiveError::Delivery(DeliveryError::Parse { provider, detail }) => {
                assert_eq!(*provider, "stripe");
                assert!(!detail.contains("4242424242424242"), "{detail}");
            }
            other => panic!("expected Parse, got {other:?}"),
        }
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
        assert!(!err.reason().contains("4242424242424242"));
    }
    // An event id that cannot be a key (empty) is refused too.
    let body = br#"{"id":"","object":"event","api_version":null,"created":1,"data":{"object":{}},"livemode":false,"type":"x.y"}"#;
    let err = receive_at(&receiver(), request(body, &signed(body, TS)), TS).await.unwrap_err();
    assert!(matches!(err, ReceiveError::ReplayKey(_)), "{err:?}");
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
}
