//! Receiving deliveries: `AbbeyCrossReceiver` (the pipeline over `AbbeyCrossSpec`) with a
//! user-configured verifier (AbbeyCross documents no scheme), parsing, replay keys from signed
//! data and the unified conversion. What every receiver does (refusing forged, wrong-key,
//! unsigned and stale deliveries, deduplicating replays under fresh unsigned headers, no secret
//! in `Debug`) is the receiver contract of `hookbridge_testkit::conformance`, run for the
//! `abbeycross-assumed` preset by the workspace's `tests/it/receiving.rs`.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_abbeycross::delivery::EVENT_TYPE_FIELDS;
use hookbridge_abbeycross::{AbbeyCrossDelivery, AbbeyCrossReceiver, AbbeyCrossSpec};
use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use hookbridge_core::{Delivery, EventType, Timestamp};
use hookbridge_testkit::fixtures::SignedSample;
use hookbridge_testkit::receiving::receive_at;
use hookbridge_verify::receive::{InMemoryDedupeStore, Incoming, Receive as _, ReceiveError, ReplayKey};
use hookbridge_verify::{
    DeliveryError, HmacAlgorithm, HmacScheme, HmacSecret, HmacVerifier, KeyRing, SignatureEncoding, SignatureFormat,
    SignedContent, UrlToken, UrlTokenVerifier, Verifier, VerifyError, sign::HmacSigner,
};
use serde_json::{Value, json};

const SECRET: &str = "abbeycross apiSecretKey for tests";
const TS: i64 = 1_735_689_600;

/// The hypothetical scheme of `crates/hookbridge-testkit/data/verify/abbeycross-custom.json`, rebuilt from its description.
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
    fixture_scheme(&SignedSample::load("abbeycross-custom").unwrap().meta)
}

fn secret() -> HmacSecret {
    HmacSecret::from_str_bytes(SECRET).unwrap()
}

fn receiver_with(verifier: impl Verifier + 'static) -> AbbeyCrossReceiver {
    AbbeyCrossReceiver::new(AbbeyCrossSpec::new(Arc::new(verifier)))
}

fn receiver() -> AbbeyCrossReceiver {
    receiver_with(HmacVerifier::new(scheme(), KeyRing::single("registered", secret())).unwrap())
}

fn signed(body: &[u8], ts: i64) -> HeaderMap {
    HmacSigner::new(scheme(), secret()).sign(body, ts, None).unwrap()
}

/// The request a receiver sees: a POST of `body` with `headers`.
fn request(body: &[u8], headers: &HeaderMap) -> Incoming {
    Incoming::post(Uri::from_static("/hooks/abbeycross"), headers.clone(), Bytes::copy_from_slice(body))
}

const BODY: &[u8] = br#"{"eventType":"trade.settled","tradeId":"T-77","amount":"10000.00"}"#;

#[tokio::test]
async fn openssl_fixture_verifies_through_a_configured_scheme() {
    let sample = SignedSample::load("abbeycross-custom").unwrap();
    let (body, headers) = (sample.body, &sample.headers);
    let key = HmacSecret::from_str_bytes(sample.secret_text().unwrap()).unwrap();
    let verifier = HmacVerifier::new(fixture_scheme(&sample.meta), KeyRing::single("fixture", key)).unwrap();
    let receiver = receiver_with(verifier);
    let at = sample.verify_at;
    let delivery = receive_at(&receiver, request(body, headers), at).await.unwrap();
    assert_eq!(delivery.event_type, Some(EventType::new("payment.settled")));
    assert_eq!(delivery.payload["data"]["paymentId"], "pay_7Q2M9X4K1B");
    assert_eq!(delivery.verified.key_id().as_str(), "fixture");
    assert_eq!(delivery.verified.timestamp(), Some(1_735_689_600));
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("abbeycross", Some(1_735_689_600), body));
    assert_eq!(&delivery.raw[..], body);
    let mut tampered = body.to_vec();
    tampered.insert(1, b' ');
    assert!(matches!(
        receive_at(&receiver, request(&tampered, headers), at).await,
        Err(ReceiveError::Verification(VerifyError::NoMatch { .. }))
    ));
}

#[tokio::test]
async fn malformed_json_is_a_parse_error_without_body_content() {
    let body = br#"{"event":"payment.settled","iban":"DE89370400440532013000""#;
    let err = receive_at(&receiver(), request(body, &signed(body, TS)), TS).await.unwrap_err();
    match &err {
        ReceiveError::Delivery(DeliveryError::Parse { provider, detail }) => {
            assert_eq!(*provider, "abbeycross");
            assert!(!detail.contains("DE89370400440532013000"), "{detail}");
        }
        other => panic!("expected Parse, got {other:?}"),
    }
    assert!(!err.reason().contains("DE89370400440532013000"), "{}", err.reason());
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn event_type_fields_in_order_and_unknown_names() {
    assert_eq!(EVENT_TYPE_FIELDS, ["event", "eventType", "type"]);
    let cases: [(&[u8], Option<&str>); 6] = [
        (br#"{"event":"a.b","eventType":"c","type":"d"}"#, Some("a.b")),
        (br#"{"eventType":"c","type":"d"}"#, Some("c")),
        (br#"{"type":"d"}"#, Some("d")),
        (br#"{"event":{"name":"x"},"type":"quote.expired"}"#, Some("quote.expired")),
        (br#"{"data":{}}"#, None),
        (br#""just a string""#, None),
    ];
    let receiver = receiver();
    for (body, expected) in cases {
        let delivery = receive_at(&receiver, request(body, &signed(body, TS)), TS).await.unwrap();
        assert_eq!(delivery.event_type, expected.map(EventType::new), "{}", String::from_utf8_lossy(body));
    }
}

#[tokio::test]
async fn replay_keys_use_a_signed_id_or_the_signed_bytes() {
    let store = Arc::new(InMemoryDedupeStore::new());
    let receiver = receiver().with_store(store.clone());
    let first = receive_at(&receiver, request(BODY, &signed(BODY, TS)), TS).await.unwrap();
    assert_eq!(first.replay_key, ReplayKey::signed_digest("abbeycross", Some(TS), BODY));
    assert!(first.replay_key.as_str().starts_with("abbeycross:sha256:"));
    // The identical request again: a duplicate.
    let err = receive_at(&receiver, request(BODY, &signed(BODY, TS)), TS + 5).await.unwrap_err();
    assert!(matches!(&err, ReceiveError::Duplicate { key } if *key == first.replay_key), "{err:?}");
    assert_eq!(err.status(), StatusCode::OK);
    // Re-signed under another timestamp: the signed bytes differ, so it is another delivery
    // (nothing signed identifies it as the same one).
    let resigned = receive_at(&receiver, request(BODY, &signed(BODY, TS + 5)), TS + 5).await.unwrap();
    assert_ne!(resigned.replay_key, first.replay_key);

    // A scheme that signs a delivery id: the id is the key.
    let secret = HmacSecret::from_standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let sw = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret.clone());
    let receiver = receiver_with(sw).with_store(store.clone());
    let headers =
        HmacSigner::new(HmacScheme::standard_webhooks(), secret.clone()).sign(BODY, TS, Some("msg_1")).unwrap();
    let delivery = receive_at(&receiver, request(BODY, &headers), TS).await.unwrap();
    assert_eq!(delivery.replay_key.as_str(), "abbeycross:id:msg_1");
    assert_eq!(delivery.clone().into_delivery().delivery_id.as_deref(), Some("msg_1"));
    // Re-signed later under the same id: still the same delivery.
    let resent = HmacSigner::new(HmacScheme::standard_webhooks(), secret).sign(BODY, TS + 60, Some("msg_1")).unwrap();
    let err = receive_at(&receiver, request(BODY, &resent), TS + 60).await.unwrap_err();
    assert!(matches!(&err, ReceiveError::Duplicate { key } if key.as_str() == "abbeycross:id:msg_1"), "{err:?}");

    // An unsigned id (GitHub-style) is not trusted as the key.
    let gh_secret = HmacSecret::from_str_bytes("gh").unwrap();
    let gh = HmacVerifier::with_secret(HmacScheme::github(), gh_secret.clone());
    let receiver = receiver_with(gh).with_store(store);
    let mut headers = HmacSigner::new(HmacScheme::github(), gh_secret).sign(b"{}", 0, Some("guid-1")).unwrap();
    let delivery = receive_at(&receiver, request(b"{}", &headers), TS).await.unwrap();
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("abbeycross", None, b"{}"));
    headers.insert("x-github-delivery", HeaderValue::from_static("guid-2"));
    let err = receive_at(&receiver, request(b"{}", &headers), TS).await.unwrap_err();
    assert!(matches!(&err, ReceiveError::Duplicate { key } if *key == delivery.replay_key), "{err:?}");
}

#[tokio::test]
async fn a_url_token_verifier_reads_the_request_uri() {
    let token = "AbbeyCrossTokenAbbeyCrossToken_123";
    let verifier = UrlTokenVerifier::with_token(UrlToken::from_string(token).unwrap());
    // Without a URI the verifier cannot decide: the pipeline always hands it the request's.
    assert_eq!(verifier.verify_at(BODY, &HeaderMap::new(), TS), Err(VerifyError::UriRequired));
    let receiver = receiver_with(verifier);
    let uri: Uri = format!("/hooks/abbeycross?hb_token={token}").parse().unwrap();
    let with_token = |body: &'static [u8]| Incoming::post(uri.clone(), HeaderMap::new(), Bytes::from_static(body));
    let (delivery, ticket) = receiver.accept_at(with_token(BODY), TS).await.unwrap().into_parts();
    ticket.complete().await.unwrap();
    assert_eq!(delivery.event_type, Some(EventType::new("trade.settled")));
    // A token authenticates no timestamp: the key is the body's digest.
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("abbeycross", None, BODY));
    let (_delivery, ticket) = receiver.accept(with_token(br#"{"event":"x"}"#)).await.unwrap().into_parts();
    ticket.complete().await.unwrap();
    let bad = Incoming::post(Uri::from_static("/hooks/abbeycross"), HeaderMap::new(), Bytes::from_static(BODY));
    let err = receiver.accept_at(bad, TS).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::MissingQueryParameter { .. })), "{err:?}");
}

#[tokio::test]
async fn into_delivery_field_by_field() {
    let typed: AbbeyCrossDelivery = receive_at(&receiver(), request(BODY, &signed(BODY, TS)), TS + 2).await.unwrap();
    let key = ReplayKey::signed_digest("abbeycross", Some(TS), BODY);
    let unified = Delivery::from(typed);
    assert_eq!(unified.provider, hookbridge_abbeycross::PROVIDER);
    assert_eq!(unified.event_type, Some(EventType::new("trade.settled")));
    assert!(unified.event_type_signed);
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id, None);
    assert_eq!(unified.occurred_at, Some(Timestamp::from_second(TS).unwrap()));
    assert_eq!(unified.signed_at, Some(Timestamp::from_second(TS).unwrap()));
    assert_eq!(unified.replay_key.as_deref(), Some(key.as_str()));
    assert_eq!(unified.dedupe_key(), Some(key.as_str()));
    assert_eq!(unified.subject, None);
    assert_eq!(unified.key_id.as_deref(), Some("registered"));
    assert_eq!(unified.payload, json!({"eventType": "trade.settled", "tradeId": "T-77", "amount": "10000.00"}));
    assert_eq!(&unified.raw[..], BODY);

    let body = br#"{"data":{}}"#;
    let bare = receive_at(&receiver(), request(body, &signed(body, TS)), TS).await.unwrap().into_delivery();
    assert_eq!(bare.event_type, None);
    assert!(!bare.event_type_signed);
}
