//! Receiving deliveries: `BlazeReceiver` (the pipeline over `BlazeSpec`) checks the callback
//! URL's token and parses the body; the unified conversion. What every receiver does (refusing a
//! wrong or missing token, deduplicating identical bodies under another URL or headers, token
//! rotation, no token in `Debug` or errors) is the receiver contract of
//! `hookbridge_testkit::conformance`, run for the `blaze` preset by the workspace's
//! `tests/it/receiving.rs`.

use hookbridge_blaze::delivery::EVENT_TYPE_FIELDS;
use hookbridge_blaze::{BlazeDelivery, BlazeReceiver, BlazeSpec, WebHookType};
use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use hookbridge_core::{Delivery, EventType};
use hookbridge_testkit::receiving::receive_at;
use hookbridge_verify::receive::{Incoming, Receive as _, ReceiveError, ReplayKey};
use hookbridge_verify::{DeliveryError, MalformedReason, UrlToken, UrlTokenVerifier, VerifyError};
use serde_json::{Value, json};

const TOKEN: &str = "Zt3sX8w0fQm2Lk9PqR7vYb1NcJ4hGd6E";
const NOW: i64 = 1_735_689_600;

fn receiver() -> BlazeReceiver {
    BlazeReceiver::new(BlazeSpec::new(UrlTokenVerifier::with_token(UrlToken::from_string(TOKEN).unwrap())))
}

fn uri(query: &str) -> Uri {
    format!("/hooks/blaze{query}").parse().unwrap()
}

fn good_uri() -> Uri {
    uri(&format!("?shop=42&hb_token={TOKEN}"))
}

/// The request a receiver sees: a POST of `body` to `uri`, without headers.
fn request(uri: &Uri, body: &[u8]) -> Incoming {
    Incoming::post(uri.clone(), HeaderMap::new(), Bytes::copy_from_slice(body))
}

const BODY: &[u8] =
    br#"{"webHookType":"COMPLETE_TRANSACTION","shopId":"shop-42","data":{"transactionId":"t-9","total":12.5}}"#;

#[tokio::test]
async fn a_delivery_with_the_token_is_accepted() {
    let delivery = receive_at(&receiver(), request(&good_uri(), BODY), NOW).await.unwrap();
    assert_eq!(delivery.event_type, Some(WebHookType::CompleteTransaction));
    assert_eq!(delivery.payload["data"]["transactionId"], "t-9");
    assert_eq!(delivery.verified.key_id().as_str(), "default");
    assert_eq!(delivery.replay_key, ReplayKey::signed_digest("blaze", None, BODY));
    assert_eq!(&delivery.raw[..], BODY);
    // Absolute URIs work too, with the system clock.
    let absolute: Uri = format!("https://app.example/hooks/blaze?hb_token={TOKEN}").parse().unwrap();
    let (_delivery, ticket) = receiver().accept(request(&absolute, BODY)).await.unwrap().into_parts();
    ticket.complete().await.unwrap();
}

#[tokio::test]
async fn a_repeated_token_or_one_outside_the_url_is_refused() {
    let twice = uri(&format!("?hb_token={TOKEN}&hb_token={TOKEN}"));
    let err = receive_at(&receiver(), request(&twice, BODY), NOW).await.unwrap_err();
    assert!(
        matches!(
            err,
            ReceiveError::Verification(VerifyError::MalformedQueryParameter {
                reason: MalformedReason::Repeated { .. },
                ..
            })
        ),
        "{err:?}"
    );
    assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    // The token in a header or the body does not count.
    let in_body = format!(r#"{{"hb_token":"{TOKEN}"}}"#);
    assert!(receive_at(&receiver(), request(&uri(""), in_body.as_bytes()), NOW).await.unwrap_err().is_verification());
    let mut headers = HeaderMap::new();
    headers.insert("hb_token", HeaderValue::from_static(TOKEN));
    let in_header = Incoming::post(uri(""), headers, Bytes::from_static(BODY));
    assert!(receiver().accept_at(in_header, NOW).await.unwrap_err().is_verification());
}

#[tokio::test]
async fn malformed_json_is_a_parse_error_without_body_content() {
    for body in [&br#"{"webHookType":"NEW_MEMBER","email":"ana@example.com""#[..], b"email=ana@example.com"] {
        let err = receive_at(&receiver(), request(&good_uri(), body), NOW).await.unwrap_err();
        match &err {
            ReceiveError::Delivery(DeliveryError::Parse { provider, detail }) => {
                assert_eq!(*provider, "blaze");
                assert!(!detail.contains("ana@example.com"), "{detail}");
            }
            other => panic!("expected Parse, got {other:?}"),
        }
        assert!(!err.reason().contains("ana@example.com"), "{}", err.reason());
        assert_eq!(err.status(), StatusCode::BAD_REQUEST);
    }
    // A bad token is reported before the body is looked at.
    assert!(receive_at(&receiver(), request(&uri(""), b"not json"), NOW).await.unwrap_err().is_verification());
}

#[tokio::test]
async fn event_type_fields_and_unknown_values() {
    assert_eq!(EVENT_TYPE_FIELDS, ["webHookType", "webhookType", "eventType", "event"]);
    let cases: [(&[u8], Option<WebHookType>); 7] = [
        (br#"{"webhookType":"NEW_CONSUMER_ORDER"}"#, Some(WebHookType::NewConsumerOrder)),
        (br#"{"eventType":"UPDATE_PRODUCT"}"#, Some(WebHookType::UpdateProduct)),
        (br#"{"event":"TRANSACTION_UPDATE"}"#, Some(WebHookType::Unknown("TRANSACTION_UPDATE".into()))),
        (br#"{"webHookType":"NEW_MEMBER","event":"UPDATE_MEMBER"}"#, Some(WebHookType::NewMember)),
        (br#"{"webHookType":7,"event":"UPDATE_MEMBER"}"#, Some(WebHookType::UpdateMember)),
        (br#"{"type":"REGULAR","id":"p-1"}"#, None),
        (br#"[{"webHookType":"NEW_MEMBER"}]"#, None),
    ];
    let receiver = receiver();
    for (body, expected) in cases {
        let delivery = receive_at(&receiver, request(&good_uri(), body), NOW).await.unwrap();
        assert_eq!(delivery.event_type, expected, "{}", String::from_utf8_lossy(body));
        assert_eq!(delivery.payload, serde_json::from_slice::<Value>(body).unwrap());
    }
}

#[tokio::test]
async fn into_delivery_field_by_field() {
    let typed: BlazeDelivery = receive_at(&receiver(), request(&good_uri(), BODY), NOW).await.unwrap();
    let key = ReplayKey::signed_digest("blaze", None, BODY);
    let unified = Delivery::from(typed);
    assert_eq!(unified.provider, hookbridge_blaze::PROVIDER);
    assert_eq!(unified.event_type, Some(EventType::new("COMPLETE_TRANSACTION")));
    // Read from the body the token admitted.
    assert!(unified.event_type_signed);
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id, None);
    assert_eq!(unified.occurred_at, None);
    assert_eq!(unified.signed_at, None);
    assert_eq!(unified.subject, None);
    assert_eq!(unified.key_id.as_deref(), Some("default"));
    assert_eq!(unified.replay_key.as_deref(), Some(key.as_str()));
    assert_eq!(unified.dedupe_key(), Some(key.as_str()));
    assert_eq!(unified.payload, serde_json::from_slice::<Value>(BODY).unwrap());
    assert_eq!(&unified.raw[..], BODY);

    let bare = receive_at(&receiver(), request(&good_uri(), b"[1,2]"), NOW).await.unwrap().into_delivery();
    assert_eq!(bare.event_type, None);
    assert!(!bare.event_type_signed);
    assert_eq!(bare.payload, json!([1, 2]));
}
