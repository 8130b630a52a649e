//! Error statuses, decode failures, refused input, unknown enum values, fixture round trips.

use hookbridge_bitnob::{
    BitnobAuth, BitnobClient, CreateOptions, CreateWebhook, CursorPage, DeliveryEvent, DeliveryStatus, EventCategory,
    EventTypeInfo, ListEventsOptions, ListOptions, RetryResult, RetryStatus, UpdateWebhook, WebhookEndpoint, WebhookId,
    WebhookStatus,
};
use hookbridge_core::error::DecodeErrorKind;
use hookbridge_core::{ApiErrorKind, Error, IdempotencyKey, Secret};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn conflict_on_reused_idempotency_key_is_typed() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(409, "error_409_idempotency.json").insert_header("x-request-id", "req_123"))
        .expect(1)
        .mount(&server)
        .await;
    let body = CreateWebhook::new("https://example.com/a".parse::<url::Url>().unwrap());
    let opts = CreateOptions::new().idempotency_key(IdempotencyKey::new("reused-key").unwrap());
    let err = client(&server).webhooks().create(&body, &opts).await.unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert!(!err.is_retryable());
    let api = err.as_api().unwrap();
    assert_eq!(api.status.as_u16(), 409);
    assert_eq!(api.kind, ApiErrorKind::Conflict);
    assert_eq!(api.operation, "create_webhook");
    assert_eq!(api.request_id.as_deref(), Some("req_123"));
    assert_eq!(api.raw.as_ref(), fixture("error_409_idempotency.json").as_bytes());
    assert!(err.to_string().contains("409"));
}

#[tokio::test]
async fn error_statuses_are_classified() {
    let server = server().await;
    let cases: [(u16, ApiErrorKind); 10] = [
        (400, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Unauthorized),
        (403, ApiErrorKind::Forbidden),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (422, ApiErrorKind::Unprocessable),
        (429, ApiErrorKind::RateLimited),
        (500, ApiErrorKind::ServerError),
        (502, ApiErrorKind::BadGateway),
        (503, ApiErrorKind::ServiceUnavailable),
    ];
    for (status, _) in cases {
        Mock::given(method("GET"))
            .and(path(format!("/webhooks/wh_{status}")))
            .respond_with(raw_json(status, r#"{"message":"nope"}"#))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client(&server);
    for (status, kind) in cases {
        let err = client.webhooks().get(format!("wh_{status}")).await.unwrap_err();
        let api = err.as_api().unwrap_or_else(|| panic!("{status}: {err:?}"));
        assert_eq!((api.status.as_u16(), api.kind), (status, kind));
        assert_eq!(api.body_excerpt(), r#"{"message":"nope"}"#);
        assert_eq!(err.is_not_found(), status == 404);
        assert_eq!(err.is_auth(), matches!(status, 401 | 403));
        assert_eq!(err.is_conflict(), status == 409);
        assert_eq!(err.is_retryable(), matches!(status, 429 | 502 | 503));
    }
}

async fn decode_error_for(body: ResponseTemplate) -> Error {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(body)
        .expect(1)
        .mount(&server)
        .await;
    client(&server).webhooks().get(WEBHOOK_ID).await.unwrap_err()
}

#[tokio::test]
async fn malformed_truncated_and_non_json_bodies_are_decode_errors() {
    let malformed = decode_error_for(raw_json(200, "{not json")).await;
    let truncated = decode_error_for(raw_json(200, &fixture("webhook.json")[..120])).await;
    let wrong_shape = decode_error_for(raw_json(200, r#"{"id": 42, "url": []}"#)).await;
    let empty = decode_error_for(ResponseTemplate::new(200)).await;
    for err in [&malformed, &truncated, &wrong_shape, &empty] {
        match err {
            Error::Decode(d) => {
                assert_eq!(d.kind, DecodeErrorKind::Json);
                assert_eq!(d.operation, "get_webhook");
                assert_eq!(d.status.map(|s| s.as_u16()), Some(200));
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }
    let html = decode_error_for(ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html")).await;
    assert!(matches!(&html, Error::Decode(d) if matches!(d.kind, DecodeErrorKind::ContentType(_))), "{html:?}");
}

#[tokio::test]
async fn invalid_input_is_refused_before_any_request() {
    let server = server().await;
    let client = client(&server);
    let ok_url = || "https://example.com/hooks".parse::<url::Url>().unwrap();
    let w = client.webhooks();
    let e = client.events();

    let mut errors: Vec<(&str, Error)> = Vec::new();
    for bad in ["", "a b", "..", ".", "tab\tid", "events", "event-types"] {
        errors.push(("get id", w.get(bad).await.unwrap_err()));
        errors.push(("delete id", w.delete(bad).await.unwrap_err()));
        errors.push(("rotate id", w.rotate_secret(bad).await.unwrap_err()));
        errors.push(("update id", w.update(bad, &UpdateWebhook::new().name("x")).await.unwrap_err()));
    }
    for bad in ["", "x y", "nl\n"] {
        errors.push(("event id", e.get(bad).await.unwrap_err()));
        errors.push(("retry id", e.retry(bad).await.unwrap_err()));
    }
    for bad_url in ["http://example.com/hooks", "ftp://example.com/hooks", "https://user:pw@example.com/hooks"] {
        let body = CreateWebhook::new(bad_url.parse::<url::Url>().unwrap());
        errors.push(("create url", w.create(&body, &CreateOptions::default()).await.unwrap_err()));
        let patch = UpdateWebhook::new().url(bad_url.parse::<url::Url>().unwrap());
        errors.push(("update url", w.update(WEBHOOK_ID, &patch).await.unwrap_err()));
    }
    let bad_events: [Vec<&str>; 4] = [vec![], vec![""], vec!["has space"], vec!["ok", "ctl\u{7}"]];
    for events in bad_events {
        let body = CreateWebhook::new(ok_url()).event_types(events.clone());
        errors.push(("create events", w.create(&body, &CreateOptions::default()).await.unwrap_err()));
        let patch = UpdateWebhook::new().event_types(events);
        errors.push(("update events", w.update(WEBHOOK_ID, &patch).await.unwrap_err()));
    }
    let long = "x".repeat(300);
    let body = CreateWebhook::new(ok_url()).event_type(long.as_str());
    errors.push(("long event", w.create(&body, &CreateOptions::default()).await.unwrap_err()));
    let body = CreateWebhook::new(ok_url()).name("  ");
    errors.push(("blank name", w.create(&body, &CreateOptions::default()).await.unwrap_err()));
    errors.push(("empty patch", w.update(WEBHOOK_ID, &UpdateWebhook::new()).await.unwrap_err()));
    errors.push(("limit 0", w.list_page(&ListOptions::new().limit(0)).await.unwrap_err()));
    errors.push(("empty cursor", w.list_page(&ListOptions::new().starting_after("")).await.unwrap_err()));
    errors.push(("empty before", w.list_page(&ListOptions::new().ending_before("")).await.unwrap_err()));
    errors.push(("events limit 0", e.list_page(&ListEventsOptions::new().limit(0)).await.unwrap_err()));
    let odd_status = ListEventsOptions::new().status(DeliveryStatus::Unknown("two words".into()));
    errors.push(("status", e.list_page(&odd_status).await.unwrap_err()));
    let mut stream_err = w.list(&ListOptions::new().limit(0));
    use futures_util::StreamExt;
    errors.push(("stream", stream_err.next().await.unwrap().unwrap_err()));
    assert!(stream_err.next().await.is_none());

    for (what, err) in &errors {
        assert!(err.is_invalid_input(), "{what}: {err:?}");
    }
    for key in ["", "caf\u{e9}", "new\nline"] {
        assert!(IdempotencyKey::new(key).is_err(), "{key:?}");
    }
    // Bitnob allows 1–255 printable ASCII, spaces included.
    for key in [" lead", "trail ", " "] {
        assert!(IdempotencyKey::new(key).is_ok(), "{key:?}");
    }
    assert!(IdempotencyKey::new("x".repeat(256)).is_err());
    assert!(WebhookId::new("").is_err() && WebhookId::new("a b").is_err());
    assert!(requests(&server).await.is_empty(), "nothing may be sent for refused input");
}

#[tokio::test]
async fn insecure_urls_are_allowed_only_when_enabled() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).allow_insecure_urls(true);
    assert!(client.allows_insecure_urls());
    let body = CreateWebhook::new("http://127.0.0.1:8080/hooks".parse::<url::Url>().unwrap());
    client.webhooks().create(&body, &CreateOptions::default()).await.unwrap();
    assert_eq!(body_json(&single_request(&server).await)["url"], "http://127.0.0.1:8080/hooks");
    // Other schemes stay refused.
    let ftp = CreateWebhook::new("ftp://example.com/x".parse::<url::Url>().unwrap());
    assert!(client.webhooks().create(&ftp, &CreateOptions::default()).await.unwrap_err().is_invalid_input());
}

#[test]
fn bad_credentials_fail_at_construction() {
    for bad in ["", " ", "key\n", "two words"] {
        let err = BitnobClient::new(BitnobAuth::legacy_bearer(Secret::new(bad))).unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}");
    }
}

fn assert_unknown<T>(json: &str, expected: T)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let v: T = serde_json::from_str(json).unwrap();
    assert_eq!(v, expected);
    assert_eq!(serde_json::to_string(&v).unwrap(), json, "round-trips exactly");
}

#[test]
fn unknown_enum_values_decode_and_round_trip() {
    assert_unknown("\"suspended\"", WebhookStatus::Unknown("suspended".into()));
    assert_unknown("\"bounced\"", DeliveryStatus::Unknown("bounced".into()));
    assert_unknown("\"treasury\"", EventCategory::Unknown("treasury".into()));
    assert_unknown("\"scheduled\"", RetryStatus::Unknown("scheduled".into()));
    assert_unknown("\"Active\"", WebhookStatus::Unknown("Active".into()));
    assert_unknown("\"inactive\"", WebhookStatus::Inactive);
    for (wire, v) in [
        ("pending", DeliveryStatus::Pending),
        ("delivered", DeliveryStatus::Delivered),
        ("failed", DeliveryStatus::Failed),
        ("success", DeliveryStatus::Success),
        ("retrying", DeliveryStatus::Retrying),
    ] {
        assert_unknown(&format!("\"{wire}\""), v);
    }
    let w: WebhookEndpoint = serde_json::from_str(&fixture("webhook_unknown_status.json")).unwrap();
    assert_eq!(w.status, Some(WebhookStatus::Unknown("suspended".into())));
    assert_eq!(serde_json::to_value(&w).unwrap()["status"], "suspended");
}

fn fixture_round_trip<T>(name: &str)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let first: T = serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let again: T = serde_json::from_value(serde_json::to_value(&first).unwrap()).unwrap();
    assert_eq!(first, again, "{name}");
}

#[test]
fn every_fixture_decodes_and_round_trips() {
    fixture_round_trip::<WebhookEndpoint>("webhook.json");
    fixture_round_trip::<WebhookEndpoint>("webhook_updated.json");
    fixture_round_trip::<WebhookEndpoint>("webhook_legacy.json");
    fixture_round_trip::<WebhookEndpoint>("webhook_unknown_status.json");
    fixture_round_trip::<CursorPage<WebhookEndpoint>>("webhooks_page_1.json");
    fixture_round_trip::<CursorPage<WebhookEndpoint>>("webhooks_page_2.json");
    fixture_round_trip::<CursorPage<WebhookEndpoint>>("webhooks_page_3.json");
    fixture_round_trip::<DeliveryEvent>("delivery_event.json");
    fixture_round_trip::<CursorPage<DeliveryEvent>>("delivery_events_page_1.json");
    fixture_round_trip::<CursorPage<DeliveryEvent>>("delivery_events_page_2.json");
    fixture_round_trip::<RetryResult>("retry_event.json");
    let types: CursorPage<EventTypeInfo> = serde_json::from_value(serde_json::json!({
        "data": fixture_json("event_types.json")["data"].clone()
    }))
    .unwrap();
    let again: Vec<EventTypeInfo> = serde_json::from_value(serde_json::to_value(&types.data).unwrap()).unwrap();
    assert_eq!(types.data, again);
    // The webhook fixtures keep every documented wire field on the way out.
    let w: WebhookEndpoint = serde_json::from_str(&fixture("webhook.json")).unwrap();
    assert_eq!(serde_json::to_value(&w).unwrap(), fixture_json("webhook.json"));
    let e: DeliveryEvent = serde_json::from_str(&fixture("delivery_event.json")).unwrap();
    assert_eq!(serde_json::to_value(&e).unwrap(), fixture_json("delivery_event.json"));
    let created: hookbridge_bitnob::CreatedWebhook = serde_json::from_str(&fixture("webhook_created.json")).unwrap();
    assert!(created.signing_secret.is_some());
    let rotated: hookbridge_bitnob::RotatedSecret = serde_json::from_str(&fixture("rotate_secret.json")).unwrap();
    assert_eq!(rotated.object.as_deref(), Some("signing_secret"));
    assert!(serde_json::from_str::<hookbridge_bitnob::RotatedSecret>(r#"{"object":"signing_secret"}"#).is_err());
}
