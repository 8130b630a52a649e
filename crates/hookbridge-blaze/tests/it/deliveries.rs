//! Receiving deliveries: `BlazeReceiver` checks the callback URL's token, parses the body,
//! refuses repeats; the unified conversion.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_blaze::delivery::EVENT_TYPE_FIELDS;
use hookbridge_blaze::{BlazeDelivery, BlazeReceiver, WebHookType};
use hookbridge_core::reexports::http::{HeaderMap, Uri};
use hookbridge_core::{Delivery, EventType, ProviderId};
use hookbridge_verify::{
    DeliveryError, InMemoryReplayStore, KeyRing, MalformedReason, UrlToken, UrlTokenVerifier, VerifyError,
};
use serde_json::{Value, json};

const TOKEN: &str = "Zt3sX8w0fQm2Lk9PqR7vYb1NcJ4hGd6E";
const OLD_TOKEN: &str = "0ldT0kenUsedBeforeTheRotation_abc";
const NOW: i64 = 1_735_689_600;

fn receiver() -> BlazeReceiver {
    BlazeReceiver::new(UrlTokenVerifier::with_token(UrlToken::from_string(TOKEN).unwrap()))
}

fn uri(query: &str) -> Uri {
    format!("/hooks/blaze{query}").parse().unwrap()
}

fn good_uri() -> Uri {
    uri(&format!("?shop=42&hb_token={TOKEN}"))
}

const BODY: &[u8] =
    br#"{"webHookType":"COMPLETE_TRANSACTION","shopId":"shop-42","data":{"transactionId":"t-9","total":12.5}}"#;

#[test]
fn a_delivery_with_the_token_is_accepted() {
    let delivery = receiver().receive_at(&good_uri(), BODY, &HeaderMap::new(), NOW).unwrap();
    assert_eq!(delivery.event_type, Some(WebHookType::CompleteTransaction));
    assert_eq!(delivery.payload["data"]["transactionId"], "t-9");
    assert_eq!(delivery.verified.key_id().as_str(), "default");
    assert_eq!(&delivery.raw[..], BODY);
    // Absolute URIs work too.
    let absolute: Uri = format!("https://app.example/hooks/blaze?hb_token={TOKEN}").parse().unwrap();
    assert!(receiver().receive(&absolute, BODY, &HeaderMap::new()).is_ok());
}

#[test]
fn wrong_missing_or_repeated_tokens_are_rejected() {
    let headers = HeaderMap::new();
    let wrong = uri("?hb_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assert!(matches!(
        receiver().receive_at(&wrong, BODY, &headers, NOW),
        Err(DeliveryError::Verification(VerifyError::NoMatch { .. }))
    ));
    assert_eq!(
        receiver().receive_at(&uri(""), BODY, &headers, NOW),
        Err(DeliveryError::Verification(VerifyError::MissingQueryParameter { name: "hb_token".into() }))
    );
    let twice = uri(&format!("?hb_token={TOKEN}&hb_token={TOKEN}"));
    assert!(matches!(
        receiver().receive_at(&twice, BODY, &headers, NOW),
        Err(DeliveryError::Verification(VerifyError::MalformedQueryParameter {
            reason: MalformedReason::Repeated { .. },
            ..
        }))
    ));
    // The token in a header or the body does not count.
    let in_body = format!(r#"{{"hb_token":"{TOKEN}"}}"#);
    assert!(receiver().receive_at(&uri(""), in_body.as_bytes(), &headers, NOW).unwrap_err().is_verification());
}

#[test]
fn token_rotation_reports_the_matching_token() {
    let ring = KeyRing::new()
        .with("2024", UrlToken::from_string(OLD_TOKEN).unwrap())
        .with("2025", UrlToken::from_string(TOKEN).unwrap());
    let receiver = BlazeReceiver::new(UrlTokenVerifier::new("hb_token", ring).unwrap());
    let old = uri(&format!("?hb_token={OLD_TOKEN}"));
    assert_eq!(receiver.receive_at(&old, BODY, &HeaderMap::new(), NOW).unwrap().verified.key_id().as_str(), "2024");
    assert_eq!(
        receiver.receive_at(&good_uri(), BODY, &HeaderMap::new(), NOW).unwrap().verified.key_id().as_str(),
        "2025"
    );
}

#[test]
fn malformed_json_is_a_parse_error_without_body_content() {
    for body in [&br#"{"webHookType":"NEW_MEMBER","email":"ana@example.com""#[..], b"email=ana@example.com"] {
        let err = receiver().receive_at(&good_uri(), body, &HeaderMap::new(), NOW).unwrap_err();
        match &err {
            DeliveryError::Parse { provider, detail } => {
                assert_eq!(*provider, "blaze");
                assert!(!detail.contains("ana@example.com"), "{detail}");
            }
            other => panic!("expected Parse, got {other:?}"),
        }
    }
    // A bad token is reported before the body is looked at.
    assert!(receiver().receive_at(&uri(""), b"not json", &HeaderMap::new(), NOW).unwrap_err().is_verification());
}

#[test]
fn event_type_fields_and_unknown_values() {
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
    for (body, expected) in cases {
        let delivery = receiver().receive_at(&good_uri(), body, &HeaderMap::new(), NOW).unwrap();
        assert_eq!(delivery.event_type, expected, "{}", String::from_utf8_lossy(body));
        assert_eq!(delivery.payload, serde_json::from_slice::<Value>(body).unwrap());
    }
}

#[test]
fn replay_store_refuses_identical_bodies() {
    let store = Arc::new(InMemoryReplayStore::new());
    let receiver = receiver().with_replay_store(store.clone(), Duration::from_secs(600));
    assert!(receiver.receive_at(&good_uri(), BODY, &HeaderMap::new(), NOW).is_ok());
    let err = receiver.receive_at(&good_uri(), BODY, &HeaderMap::new(), NOW + 1).unwrap_err();
    assert!(matches!(&err, DeliveryError::Replay { key } if key.starts_with("blaze:body:") && key.len() == 11 + 64));
    assert_eq!(err.http_status().as_u16(), 200);
    // Another body is another delivery; an unauthenticated copy never reaches the store.
    assert!(receiver.receive_at(&good_uri(), br#"{"webHookType":"NEW_MEMBER"}"#, &HeaderMap::new(), NOW).is_ok());
    assert!(receiver.receive_at(&uri(""), b"{}", &HeaderMap::new(), NOW).unwrap_err().is_verification());
    assert_eq!(store.len(), 2);
    // After the TTL the body is accepted again.
    assert!(receiver.receive_at(&good_uri(), BODY, &HeaderMap::new(), NOW + 600).is_ok());
}

#[test]
fn into_delivery_field_by_field() {
    let typed: BlazeDelivery = receiver().receive_at(&good_uri(), BODY, &HeaderMap::new(), NOW).unwrap();
    let unified = Delivery::from(typed);
    assert_eq!(unified.provider, ProviderId::Blaze);
    assert_eq!(unified.event_type, Some(EventType::new("COMPLETE_TRANSACTION")));
    assert_eq!(unified.delivery_id, None);
    assert_eq!(unified.event_id, None);
    assert_eq!(unified.occurred_at, None);
    assert_eq!(unified.subject, None);
    assert_eq!(unified.key_id.as_deref(), Some("default"));
    assert_eq!(unified.payload, serde_json::from_slice::<Value>(BODY).unwrap());
    assert_eq!(&unified.raw[..], BODY);

    let bare = receiver().receive_at(&good_uri(), b"[1,2]", &HeaderMap::new(), NOW).unwrap().into_delivery();
    assert_eq!(bare.event_type, None);
    assert_eq!(bare.payload, json!([1, 2]));
}

#[test]
fn receivers_do_not_print_the_token() {
    let receiver = receiver().with_replay_store(Arc::new(InMemoryReplayStore::new()), Duration::from_secs(60));
    let text = format!("{receiver:?} {receiver:#?}");
    assert!(!text.contains(TOKEN), "{text}");
    let err = receiver.receive_at(&uri("?hb_token=WrongTokenWrongTokenWrongToken"), BODY, &HeaderMap::new(), NOW);
    let text = format!("{err:?} {}", err.as_ref().unwrap_err());
    assert!(!text.contains("WrongTokenWrongTokenWrongToken") && !text.contains(TOKEN), "{text}");
}
