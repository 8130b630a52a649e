//! Receiving deliveries: `AbbeyCrossReceiver` with a user-configured verifier (AbbeyCross documents
//! no scheme), parsing, replays and the unified conversion.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_abbeycross::delivery::EVENT_TYPE_FIELDS;
use hookbridge_abbeycross::{AbbeyCrossDelivery, AbbeyCrossReceiver};
use hookbridge_core::reexports::http::{HeaderMap, HeaderName, HeaderValue, Uri};
use hookbridge_core::{Delivery, EventType, ProviderId, Timestamp};
use hookbridge_verify::{
    DeliveryError, HmacAlgorithm, HmacScheme, HmacSecret, HmacVerifier, InMemoryReplayStore, KeyRing,
    SignatureEncoding, SignatureFormat, SignedContent, UrlToken, UrlTokenVerifier, VerifyError, sign::HmacSigner,
};
use serde_json::{Value, json};

const SECRET: &str = "abbeycross apiSecretKey for tests";
const TS: i64 = 1_735_689_600;

fn verify_fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../../fixtures/verify/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The hypothetical scheme of `fixtures/verify/abbeycross-custom.json`, rebuilt from its description.
fn fixture_scheme(meta: &Value) -> HmacScheme {
    let custom = &meta["custom_scheme"];
    assert_eq!(custom["format"], "bare");
    assert_eq!(custom["encoding"], "base64");
    assert_eq!(custom["algorithm"], "sha256");
    assert_eq!(custom["signed_content"], "timestamp.body");
    HmacScheme::builder(HeaderName::from_bytes(custom["signature_header"].as_str().unwrap().as_bytes()).unwrap())
        .format(SignatureFormat::Bare)
        .encoding(SignatureEncoding::Base64)
        .algorithm(HmacAlgorithm::Sha256)
        .signed_content(SignedContent::TimestampDotBody)
        .timestamp_header(HeaderName::from_bytes(custom["timestamp_header"].as_str().unwrap().as_bytes()).unwrap())
        .tolerance(Duration::from_secs(custom["tolerance_secs"].as_u64().unwrap()))
        .build()
        .unwrap()
}

/// The scheme the tests sign with (the fixture's).
fn scheme() -> HmacScheme {
    let meta: Value = serde_json::from_slice(&verify_fixture("abbeycross-custom.json")).unwrap();
    fixture_scheme(&meta)
}

fn secret() -> HmacSecret {
    HmacSecret::from_str_bytes(SECRET).unwrap()
}

fn receiver() -> AbbeyCrossReceiver {
    AbbeyCrossReceiver::new(Arc::new(HmacVerifier::new(scheme(), KeyRing::single("registered", secret())).unwrap()))
}

fn signed(body: &[u8], ts: i64) -> HeaderMap {
    HmacSigner::new(scheme(), secret()).sign(body, ts, None).unwrap()
}

const BODY: &[u8] = br#"{"eventType":"trade.settled","tradeId":"T-77","amount":"10000.00"}"#;

#[test]
fn openssl_fixture_verifies_through_a_configured_scheme() {
    let meta: Value = serde_json::from_slice(&verify_fixture("abbeycross-custom.json")).unwrap();
    let secrets: Value = serde_json::from_slice(&verify_fixture("secrets.json")).unwrap();
    let body = verify_fixture(meta["body_file"].as_str().unwrap());
    let mut headers = HeaderMap::new();
    for (name, value) in meta["headers"].as_object().unwrap() {
        headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
        );
    }
    let key = HmacSecret::from_str_bytes(secrets["abbeycross"].as_str().unwrap()).unwrap();
    let verifier = HmacVerifier::new(fixture_scheme(&meta), KeyRing::single("fixture", key)).unwrap();
    let receiver = AbbeyCrossReceiver::new(Arc::new(verifier));
    let at = meta["verify_at"].as_i64().unwrap();
    let delivery = receiver.receive_at(&body, &headers, at).unwrap();
    assert_eq!(delivery.event_type, Some(EventType::new("payment.settled")));
    assert_eq!(delivery.payload["data"]["paymentId"], "pay_7Q2M9X4K1B");
    assert_eq!(delivery.verified.key_id().as_str(), "fixture");
    assert_eq!(delivery.verified.timestamp(), Some(1_735_689_600));
    assert_eq!(&delivery.raw[..], &body[..]);
    let mut tampered = body.clone();
    tampered.insert(1, b' ');
    assert!(matches!(
        receiver.receive_at(&tampered, &headers, at),
        Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))
    ));
}

#[test]
fn tampered_wrong_key_missing_header_and_stale_are_rejected() {
    let headers = signed(BODY, TS);
    assert!(receiver().receive_at(BODY, &headers, TS).is_ok());
    let tampered = String::from_utf8(BODY.to_vec()).unwrap().replace("T-77", "T-78");
    assert_eq!(
        receiver().receive_at(tampered.as_bytes(), &headers, TS),
        Err(DeliveryError::Verification(VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 }))
    );
    let other = HmacVerifier::with_secret(scheme(), HmacSecret::from_str_bytes("not the key").unwrap());
    assert!(AbbeyCrossReceiver::new(Arc::new(other)).receive_at(BODY, &headers, TS).unwrap_err().is_verification());
    let signature = scheme().signature_header().clone();
    let mut without = headers.clone();
    without.remove(&signature);
    assert_eq!(
        receiver().receive_at(BODY, &without, TS),
        Err(DeliveryError::Verification(VerifyError::MissingHeader { name: signature }))
    );
    assert!(matches!(
        receiver().receive_at(BODY, &headers, TS + 301),
        Err(DeliveryError::Verification(VerifyError::TimestampTooOld { .. }))
    ));
}

#[test]
fn malformed_json_is_a_parse_error_without_body_content() {
    let body = br#"{"event":"payment.settled","iban":"DE89370400440532013000""#;
    match receiver().receive_at(body, &signed(body, TS), TS) {
        Err(DeliveryError::Parse { provider, detail }) => {
            assert_eq!(provider, "abbeycross");
            assert!(!detail.contains("DE89370400440532013000"), "{detail}");
        }
        other => panic!("expected Parse, got {other:?}"),
    }
}

#[test]
fn event_type_fields_in_order_and_unknown_names() {
    assert_eq!(EVENT_TYPE_FIELDS, ["event", "eventType", "type"]);
    let cases: [(&[u8], Option<&str>); 6] = [
        (br#"{"event":"a.b","eventType":"c","type":"d"}"#, Some("a.b")),
        (br#"{"eventType":"c","type":"d"}"#, Some("c")),
        (br#"{"type":"d"}"#, Some("d")),
        (br#"{"event":{"name":"x"},"type":"quote.expired"}"#, Some("quote.expired")),
        (br#"{"data":{}}"#, None),
        (br#""just a string""#, None),
    ];
    for (body, expected) in cases {
        let delivery = receiver().receive_at(body, &signed(body, TS), TS).unwrap();
        assert_eq!(delivery.event_type, expected.map(EventType::new), "{}", String::from_utf8_lossy(body));
    }
}

#[test]
fn replay_keys_use_a_signed_id_or_the_body() {
    let store = Arc::new(InMemoryReplayStore::new());
    let receiver = receiver().with_replay_store(store.clone(), Duration::from_secs(900));
    assert!(receiver.receive_at(BODY, &signed(BODY, TS), TS).is_ok());
    // Re-signed later: still the same body.
    let err = receiver.receive_at(BODY, &signed(BODY, TS + 5), TS + 5).unwrap_err();
    assert!(matches!(&err, DeliveryError::Replay { key } if key.starts_with("abbeycross:body:")), "{err:?}");

    // A scheme that signs a delivery id: the id is the key.
    let secret = HmacSecret::from_standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let sw = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret.clone());
    let receiver = AbbeyCrossReceiver::new(Arc::new(sw)).with_replay_store(store.clone(), Duration::from_secs(900));
    let headers = HmacSigner::new(HmacScheme::standard_webhooks(), secret).sign(BODY, TS, Some("msg_1")).unwrap();
    let delivery = receiver.receive_at(BODY, &headers, TS).unwrap();
    assert_eq!(delivery.clone().into_delivery().delivery_id.as_deref(), Some("msg_1"));
    assert_eq!(
        receiver.receive_at(BODY, &headers, TS),
        Err(DeliveryError::Replay { key: "abbeycross:id:msg_1".into() })
    );

    // An unsigned id (GitHub-style) is not trusted as the key.
    let gh_secret = HmacSecret::from_str_bytes("gh").unwrap();
    let gh = HmacVerifier::with_secret(HmacScheme::github(), gh_secret.clone());
    let receiver = AbbeyCrossReceiver::new(Arc::new(gh)).with_replay_store(store, Duration::from_secs(900));
    let mut headers = HmacSigner::new(HmacScheme::github(), gh_secret).sign(b"{}", 0, Some("guid-1")).unwrap();
    assert!(receiver.receive_at(b"{}", &headers, TS).is_ok());
    headers.insert("x-github-delivery", HeaderValue::from_static("guid-2"));
    assert!(matches!(
        receiver.receive_at(b"{}", &headers, TS),
        Err(DeliveryError::Replay { key }) if key.starts_with("abbeycross:body:")
    ));
}

#[test]
fn a_url_token_verifier_needs_the_request_uri() {
    let token = "AbbeyCrossTokenAbbeyCrossToken_123";
    let receiver =
        AbbeyCrossReceiver::new(Arc::new(UrlTokenVerifier::with_token(UrlToken::from_string(token).unwrap())));
    let uri: Uri = format!("/hooks/abbeycross?hb_token={token}").parse().unwrap();
    let delivery = receiver.receive_request_at(&uri, BODY, &HeaderMap::new(), TS).unwrap();
    assert_eq!(delivery.event_type, Some(EventType::new("trade.settled")));
    assert!(receiver.receive_request(&uri, BODY, &HeaderMap::new()).is_ok());
    assert_eq!(
        receiver.receive_at(BODY, &HeaderMap::new(), TS),
        Err(DeliveryError::Verification(VerifyError::UriRequired))
    );
    let bad: Uri = "/hooks/abbeycross".parse().unwrap();
    assert!(receiver.receive_request_at(&bad, BODY, &HeaderMap::new(), TS).unwrap_err().is_verification());
}

#[test]
fn into_delivery_field_by_field() {
    let typed: AbbeyCrossDelivery = receiver().receive_at(BODY, &signed(BODY, TS), TS + 2).unwrap();
    let unified = Delivery::from(typed);
    assert_eq!(unified.provider, ProviderId::AbbeyCross);
    assert_eq!(unified.event_type, Some(EventType::new("trade.settled")));
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id, None);
    assert_eq!(unified.occurred_at, Some(Timestamp::from_second(TS).unwrap()));
    assert_eq!(unified.subject, None);
    assert_eq!(unified.key_id.as_deref(), Some("registered"));
    assert_eq!(unified.payload, json!({"eventType": "trade.settled", "tradeId": "T-77", "amount": "10000.00"}));
    assert_eq!(&unified.raw[..], BODY);
}

#[test]
fn receivers_do_not_print_secrets() {
    let receiver = receiver().with_replay_store(Arc::new(InMemoryReplayStore::new()), Duration::from_secs(60));
    let text = format!("{receiver:?} {receiver:#?}");
    assert!(!text.contains(SECRET), "{text}");
    let err = receiver.receive_at(BODY, &HeaderMap::new(), TS).unwrap_err();
    assert!(!format!("{err} {err:?}").contains(SECRET));
}
