//! `POST /partner/webhooks`: the outgoing request, the decoded response, drift and decode failures.

use hookbridge_core::{DecodeErrorKind, Error, Timestamp};
use hookbridge_miex::{MiexEvent, MiexWebhook, RegisterWebhook, WebhookId};
use serde_json::{Value, json};

use crate::common::*;

fn doc_request() -> RegisterWebhook {
    RegisterWebhook::new(
        "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap(),
        [MiexEvent::OrderCreated, MiexEvent::OrderStatusChanged],
    )
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[tokio::test]
async fn register_sends_the_documented_request_and_decodes_the_documented_response() {
    let server = server().await;
    mount_register(&server, 200, &fixture("register_response.json")).await;

    let hook = client(&server).webhooks().register(&doc_request()).await.unwrap();

    assert_register_request(&server, BRANCH_KEY, &fixture_json("register_request.json")).await;
    assert_eq!(hook.id, WebhookId::new("550e8400-e29b-41d4-a716-446655440000"));
    assert_eq!(hook.id.as_str(), "550e8400-e29b-41d4-a716-446655440000");
    assert_eq!(hook.url, "https://example.com/webhooks/exchange");
    assert_eq!(hook.events, vec![MiexEvent::OrderCreated, MiexEvent::OrderStatusChanged]);
    assert_eq!(hook.is_active, Some(true));
    assert_eq!(hook.fail_count, Some(0));
    assert_eq!(hook.created_at, Some(ts("2023-11-07T05:31:56Z")));
    assert_eq!(hook.updated_at, Some(ts("2023-11-07T05:31:56Z")));
    assert_eq!(hook.secret_key.as_ref().unwrap().expose(), DOC_SECRET);
    assert_eq!(
        hook.note.as_deref(),
        Some("Store this secret key securely — it will not be shown again. Use it to verify HMAC-SHA256 signatures.")
    );
    assert!(hook.extra.is_empty());
}

#[tokio::test]
async fn register_with_a_personal_key_and_every_event() {
    let server = server().await;
    mount_register(&server, 201, &fixture("register_response_all_events.json")).await;
    let url = "https://partner.example.org/miex/hooks?tenant=42";

    let hook = client_with(&server, PERSONAL_KEY)
        .webhooks()
        .register(&RegisterWebhook::all_events(url.parse::<url::Url>().unwrap()))
        .await;
    let hook = hook.unwrap();

    let body = json!({
        "url": url,
        "events": ["order.created", "order.status_changed", "order.cancelled", "offer.updated"]
    });
    assert_register_request(&server, PERSONAL_KEY, &body).await;
    assert_eq!(hook.id.as_str(), "7d9f3c1e-2b4a-4e8f-9c6d-1a2b3c4d5e6f");
    assert_eq!(hook.url, url);
    assert_eq!(hook.events, MiexEvent::ALL.to_vec());
    assert_eq!(hook.is_active, Some(false));
    assert_eq!(hook.fail_count, Some(17));
    assert_eq!(hook.created_at, Some(ts("2024-02-29T23:59:59.123Z")));
    assert_eq!(hook.updated_at, Some(ts("2024-03-01T08:00:00Z")));
    assert_eq!(
        hook.secret_key.as_ref().unwrap().expose(),
        "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
    );
}

#[tokio::test]
async fn unknown_events_and_extra_fields_survive_and_round_trip() {
    let server = server().await;
    let raw = fixture("register_response_drift.json");
    mount_register(&server, 200, &raw).await;

    let hook = client(&server).webhooks().register(&doc_request()).await.unwrap();

    assert_eq!(hook.events, vec![MiexEvent::OrderCreated, MiexEvent::Unknown("order.refunded".into())]);
    assert!(!hook.events[1].is_documented());
    assert_eq!(hook.extra.get("branchId"), Some(&json!(12)));
    assert_eq!(hook.extra.get("retryPolicy"), Some(&json!({"maxAttempts": 5})));

    // Serializing writes back exactly what was received, except the secret.
    let mut expected: Value = serde_json::from_str(&raw).unwrap();
    expected.as_object_mut().unwrap().remove("secretKey");
    assert_eq!(serde_json::to_value(&hook).unwrap(), expected);
}

#[test]
fn every_fixture_round_trips_without_its_secret() {
    for name in [
        "register_response.json",
        "register_response_all_events.json",
        "register_response_drift.json",
        "register_response_minimal.json",
    ] {
        let raw = fixture_json(name);
        let hook: MiexWebhook = serde_json::from_value(raw.clone()).unwrap();
        let mut expected = raw;
        let had_secret = expected.as_object_mut().unwrap().remove("secretKey").is_some();
        assert_eq!(hook.secret_key.is_some(), had_secret, "{name}");
        assert_eq!(serde_json::to_value(&hook).unwrap(), expected, "{name}");
    }
}

#[test]
fn event_names_parse_display_and_serialize_exactly() {
    for (event, wire) in
        MiexEvent::ALL.iter().zip(["order.created", "order.status_changed", "order.cancelled", "offer.updated"])
    {
        assert_eq!(event.as_str(), wire);
        assert_eq!(event.to_string(), wire);
        assert_eq!(wire.parse::<MiexEvent>().unwrap(), *event);
        assert_eq!(serde_json::to_value(event).unwrap(), json!(wire));
        assert_eq!(serde_json::from_value::<MiexEvent>(json!(wire)).unwrap(), *event);
    }
    let odd: MiexEvent = serde_json::from_value(json!("Order.Created")).unwrap();
    assert_eq!(odd, MiexEvent::Unknown("Order.Created".into()));
    assert_eq!(serde_json::to_value(&odd).unwrap(), json!("Order.Created"));
}

#[tokio::test]
async fn a_sparse_response_decodes_with_absent_fields() {
    let server = server().await;
    mount_register(&server, 200, &fixture("register_response_minimal.json")).await;

    let hook = client(&server).webhooks().register(&doc_request()).await.unwrap();

    assert_eq!(hook.id.as_str(), "550e8400-e29b-41d4-a716-446655440001");
    assert!(hook.events.is_empty());
    assert_eq!(hook.is_active, None);
    assert_eq!(hook.fail_count, None);
    assert_eq!(hook.created_at, None);
    assert!(hook.secret_key.is_none());
    assert_eq!(hook.note, None);
}

async fn decode_failure(status: u16, body: &str, content_type: &str) -> Error {
    let server = server().await;
    wiremock::Mock::given(wiremock::matchers::path(REGISTER_PATH))
        .respond_with(wiremock::ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), content_type))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).webhooks().register(&doc_request()).await.unwrap_err()
}

#[tokio::test]
async fn malformed_truncated_and_misshapen_responses_are_decode_errors() {
    let full = fixture("register_response.json");
    let truncated = &full[..full.len() / 2];
    let cases: [(&str, &str); 6] = [
        ("malformed", "{not json"),
        ("truncated", truncated),
        ("empty", ""),
        ("missing id", r#"{"url":"https://example.com/webhooks/exchange"}"#),
        ("bad timestamp", r#"{"id":"x","url":"https://e.com/","createdAt":"yesterday"}"#),
        ("wrong type", r#"{"id":"x","url":"https://e.com/","isActive":"yes"}"#),
    ];
    for (what, body) in cases {
        let err = decode_failure(200, body, "application/json").await;
        let Error::Decode(d) = &err else { panic!("{what}: expected a decode error, got {err:?}") };
        assert_eq!(d.kind, DecodeErrorKind::Json, "{what}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200), "{what}");
        assert!(!err.is_retryable(), "{what}");
    }
}

#[tokio::test]
async fn a_non_json_success_is_a_content_type_decode_error() {
    let err = decode_failure(200, "<html>maintenance</html>", "text/html").await;
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!(d.kind, DecodeErrorKind::ContentType("text/html".into()));
    assert!(d.excerpt.contains("maintenance"));
}
