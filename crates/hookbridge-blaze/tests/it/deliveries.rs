//! Receiving deliveries: `BlazeReceiver` (the pipeline over `BlazeSpec`) checks the callback
//! URL's token, parses the body, deduplicates identical bodies; the unified conversion.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use hookbridge_blaze::delivery::EVENT_TYPE_FIELDS;
use hookbridge_blaze::{BlazeDelivery, BlazeReceiver, BlazeSpec, WebHookType};
use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use hookbridge_core::{Delivery, EventType};
use hookbridge_verify::receive::{
    AppError, Application, InMemoryDedupeStore, Incoming, Receive as _, ReceiveError, ReplayKey, app_fn,
};
use hookbridge_verify::{DeliveryError, KeyRing, MalformedReason, UrlToken, UrlTokenVerifier, VerifyError};
use serde_json::{Value, json};

const TOKEN: &str = "Zt3sX8w0fQm2Lk9PqR7vYb1NcJ4hGd6E";
const OLD_TOKEN: &str = "0ldT0kenUsedBeforeTheRotation_abc";
const NOW: i64 = 1_735_689_600;

fn receiver() -> BlazeReceiver {
    BlazeReceiver::new(BlazeSpec::new(UrlTokenVerifier::with_token(UrlToken::from_string(TOKEN).unwrap())))
}

fn rotating_receiver() -> BlazeReceiver {
    let ring = KeyRing::new()
        .with("2024", UrlToken::from_string(OLD_TOKEN).unwrap())
        .with("2025", UrlToken::from_string(TOKEN).unwrap());
    BlazeReceiver::new(BlazeSpec::new(UrlTokenVerifier::new("hb_token", ring).unwrap()))
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

/// Runs the pipeline up to the application at `now` and marks the delivery handled.
async fn receive_at(receiver: &BlazeReceiver, uri: &Uri, body: &[u8], now: i64) -> Result<BlazeDelivery, ReceiveError> {
    let (delivery, ticket) = receiver.accept_at(request(uri, body), now).await?.into_parts();
    ticket.complete().await.unwrap();
    Ok(delivery)
}

/// An application counting its calls; it fails when `fail` is set.
fn counting_app(calls: &Arc<AtomicUsize>, fail: bool) -> impl Application<BlazeDelivery> + use<> {
    let calls = calls.clone();
    app_fn(move |_delivery: BlazeDelivery| {
        calls.fetch_add(1, Ordering::SeqCst);
        async move { if fail { Err(AppError::new("the ledger is read-only")) } else { Ok(()) } }
    })
}

const BODY: &[u8] =
    br#"{"webHookType":"COMPLETE_TRANSACTION","shopId":"shop-42","data":{"transactionId":"t-9","total":12.5}}"#;

#[tokio::test]
async fn a_delivery_with_the_token_is_accepted() {
    let delivery = receive_at(&receiver(), &good_uri(), BODY, NOW).await.unwrap();
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
async fn wrong_missing_or_repeated_tokens_are_rejected() {
    let wrong = uri("?hb_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let err = receive_at(&receiver(), &wrong, BODY, NOW).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    let err = receive_at(&receiver(), &uri(""), BODY, NOW).await.unwrap_err();
    assert!(
        matches!(&err, ReceiveError::Verification(VerifyError::MissingQueryParameter { name }) if name == "hb_token"),
        "{err:?}"
    );
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    let twice = uri(&format!("?hb_token={TOKEN}&hb_token={TOKEN}"));
    let err = receive_at(&receiver(), &twice, BODY, NOW).await.unwrap_err();
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
    assert!(receive_at(&receiver(), &uri(""), in_body.as_bytes(), NOW).await.unwrap_err().is_verification());
    let mut headers = HeaderMap::new();
    headers.insert("hb_token", HeaderValue::from_static(TOKEN));
    let in_header = Incoming::post(uri(""), headers, Bytes::from_static(BODY));
    assert!(receiver().accept_at(in_header, NOW).await.unwrap_err().is_verification());
}

#[tokio::test]
async fn token_rotation_reports_the_matching_token() {
    let old = uri(&format!("?hb_token={OLD_TOKEN}"));
    let delivery = receive_at(&rotating_receiver(), &old, BODY, NOW).await.unwrap();
    assert_eq!(delivery.verified.key_id().as_str(), "2024");
    let delivery = receive_at(&rotating_receiver(), &good_uri(), BODY, NOW).await.unwrap();
    assert_eq!(delivery.verified.key_id().as_str(), "2025");
}

#[tokio::test]
async fn malformed_json_is_a_parse_error_without_body_content() {
    for body in [&br#"{"webHookType":"NEW_MEMBER","email":"ana@example.com""#[..], b"email=ana@example.com"] {
        let err = receive_at(&receiver(), &good_uri(), body, NOW).await.unwrap_err();
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
    assert!(receive_at(&receiver(), &uri(""), b"not json", NOW).await.unwrap_err().is_verification());
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
        let delivery = receive_at(&receiver, &good_uri(), body, NOW).await.unwrap();
        assert_eq!(delivery.event_type, expected, "{}", String::from_utf8_lossy(body));
        assert_eq!(delivery.payload, serde_json::from_slice::<Value>(body).unwrap());
    }
}

#[tokio::test]
async fn identical_bodies_are_duplicates_until_the_retention_ends() {
    let millis = Arc::new(AtomicU64::new(0));
    let clock = millis.clone();
    let store = Arc::new(InMemoryDedupeStore::new().with_clock(move || clock.load(Ordering::SeqCst)));
    let receiver = receiver().with_store(store.clone()).retention(Duration::from_secs(600));
    assert!(receive_at(&receiver, &good_uri(), BODY, NOW).await.is_ok());
    let err = receive_at(&receiver, &good_uri(), BODY, NOW + 1).await.unwrap_err();
    let key = ReplayKey::signed_digest("blaze", None, BODY);
    assert!(key.as_str().starts_with("blaze:sha256:") && key.as_str().len() == "blaze:sha256:".len() + 64);
    assert!(matches!(&err, ReceiveError::Duplicate { key: k } if *k == key), "{err:?}");
    assert_eq!(err.status(), StatusCode::OK);
    // Another body is another delivery; an unauthenticated copy never reaches the store.
    assert!(receive_at(&receiver, &good_uri(), br#"{"webHookType":"NEW_MEMBER"}"#, NOW).await.is_ok());
    assert!(receive_at(&receiver, &uri(""), b"{}", NOW).await.unwrap_err().is_verification());
    assert_eq!(store.len(), 2);
    // After the retention the body is accepted again.
    millis.store(600_000, Ordering::SeqCst);
    assert!(receive_at(&receiver, &good_uri(), BODY, NOW).await.is_ok());
}

#[tokio::test]
async fn a_replay_under_another_url_or_headers_is_a_duplicate_and_not_handled_again() {
    let receiver = rotating_receiver();
    let calls = Arc::new(AtomicUsize::new(0));
    let app = counting_app(&calls, false);
    let key = receiver.receive(request(&good_uri(), BODY), &app).await.unwrap();
    assert_eq!(key, ReplayKey::signed_digest("blaze", None, BODY));
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // The same body under the other token, other query parameters, and fresh headers.
    let mut headers = HeaderMap::new();
    headers.insert("x-request-id", HeaderValue::from_static("replay-1"));
    headers.insert("x-blaze-delivery", HeaderValue::from_static("fresh-id"));
    for uri in [uri(&format!("?hb_token={OLD_TOKEN}")), uri(&format!("?hb_token={TOKEN}&attempt=2"))] {
        let replay = Incoming::post(uri, headers.clone(), Bytes::from_static(BODY));
        let err = receiver.receive(replay, &app).await.unwrap_err();
        assert!(matches!(&err, ReceiveError::Duplicate { key: k } if *k == key), "{err:?}");
        assert_eq!(err.status(), StatusCode::OK);
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "the application must not see a replay");
}

#[tokio::test]
async fn into_delivery_field_by_field() {
    let typed: BlazeDelivery = receive_at(&receiver(), &good_uri(), BODY, NOW).await.unwrap();
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

    let bare = receive_at(&receiver(), &good_uri(), b"[1,2]", NOW).await.unwrap().into_delivery();
    assert_eq!(bare.event_type, None);
    assert!(!bare.event_type_signed);
    assert_eq!(bare.payload, json!([1, 2]));
}

#[tokio::test]
async fn receivers_do_not_print_the_token() {
    let receiver = receiver().with_store(Arc::new(InMemoryDedupeStore::new()));
    let text = format!("{receiver:?} {receiver:#?}");
    assert!(!text.contains(TOKEN), "{text}");
    let err = receive_at(&receiver, &uri("?hb_token=WrongTokenWrongTokenWrongToken"), BODY, NOW).await.unwrap_err();
    let text = format!("{err:?} {err} {}", err.reason());
    assert!(!text.contains("WrongTokenWrongTokenWrongToken") && !text.contains(TOKEN), "{text}");
    let delivery = receive_at(&receiver, &good_uri(), BODY, NOW).await.unwrap();
    assert!(!format!("{delivery:?}").contains(TOKEN));
}
