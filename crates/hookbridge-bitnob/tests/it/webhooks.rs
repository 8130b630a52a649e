//! `/webhooks` operations: outgoing request exactly, decoded response field by field.

use hookbridge_bitnob::{
    CreateOptions, CreateWebhook, EventCategory, ListOptions, UpdateWebhook, WebhookId, WebhookStatus,
};
use hookbridge_core::{EventType, IdempotencyKey};
use serde_json::json;
use wiremock::matchers::{body_json as body_is, header as header_is, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn list_webhooks_sends_cursor_query_and_decodes_the_page() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .and(query_param("limit", "2"))
        .respond_with(json_response(200, "webhooks_page_1.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let page = client
        .webhooks()
        .list_page(&ListOptions::new().starting_after("cur_a").ending_before("cur_b").limit(2))
        .await
        .unwrap();

    let req = single_request(&server).await;
    assert_request(&req, "GET", "/webhooks", false);
    assert_eq!(
        query(&req),
        vec![
            ("starting_after".into(), "cur_a".into()),
            ("ending_before".into(), "cur_b".into()),
            ("limit".into(), "2".into())
        ]
    );
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.next_cursor.as_deref(), Some("cur_page_2"));
    assert_eq!(page.has_more, Some(true));
    assert_eq!(page.previous_cursor, None);
    assert_eq!(page.next_page_cursor(), Some("cur_page_2"));
    let first = &page.data[0];
    assert_eq!(first.id.as_str(), WEBHOOK_ID);
    assert_eq!(first.status, Some(WebhookStatus::Active));
    let second = &page.data[1];
    assert_eq!(second.name.as_deref(), Some("Everything"));
    assert_eq!(second.event_types, None, "omitted event_types = every event");
    assert_eq!(second.last_triggered_at, None, "omitted until first delivery");
}

#[tokio::test]
async fn list_webhooks_without_options_sends_no_query() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(json_response(200, "webhooks_page_3.json"))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server).webhooks().list_page(&ListOptions::default()).await.unwrap();
    let req = single_request(&server).await;
    assert_eq!(req.url.query(), None);
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.next_page_cursor(), None);
}

#[tokio::test]
async fn create_webhook_sends_exact_body_and_a_generated_idempotency_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .and(body_is(json!({
            "name": "Ledger sync",
            "url": "https://example.com/bitnob/webhooks",
            "event_types": ["transaction.confirmed", "wallet.created"]
        })))
        .respond_with(json_response(201, "webhook_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let body = CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap())
        .name("Ledger sync")
        .event_types(["transaction.confirmed", "wallet.created"]);

    let created = client.webhooks().create(&body, &CreateOptions::default()).await.unwrap();

    let req = single_request(&server).await;
    assert_request(&req, "POST", "/webhooks", true);
    assert_eq!(req.url.query(), None);
    assert_eq!(
        body_json(&req),
        json!({
            "name": "Ledger sync",
            "url": "https://example.com/bitnob/webhooks",
            "event_types": ["transaction.confirmed", "wallet.created"]
        })
    );
    let key = header(&req, "idempotency-key").expect("a generated Idempotency-Key");
    assert!(key.starts_with("hb-") && key.len() == 35, "{key}");
    assert!(IdempotencyKey::new(key).is_ok());

    assert_eq!(created.signing_secret.as_ref().unwrap().expose(), "whsec_created_5f2b9c1e8a7d4e3f");
    let w = &created.webhook;
    assert_eq!(w.id.as_str(), WEBHOOK_ID);
    assert_eq!(w.object.as_deref(), Some("webhook"));
    assert_eq!(w.name.as_deref(), Some("Ledger sync"));
    assert_eq!(w.url, "https://example.com/bitnob/webhooks");
    assert_eq!(w.status, Some(WebhookStatus::Active));
    assert_eq!(w.event_types, Some(vec![EventType::new("transaction.confirmed"), EventType::new("wallet.created")]));
    assert_eq!(w.has_signing_secret, Some(true));
    assert_eq!(w.last_triggered_at, None);
    assert_eq!(w.created_at, Some(ts("2025-06-01T12:00:00Z")));
    assert_eq!(w.updated_at, Some(ts("2025-06-01T12:00:00Z")));
}

#[tokio::test]
async fn each_create_call_gets_its_own_generated_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created.json"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let body = CreateWebhook::new("https://example.com/a".parse::<url::Url>().unwrap());
    client.webhooks().create(&body, &CreateOptions::default()).await.unwrap();
    client.webhooks().create(&body, &CreateOptions::default()).await.unwrap();
    let reqs = requests(&server).await;
    assert_ne!(header(&reqs[0], "idempotency-key"), header(&reqs[1], "idempotency-key"));
}

#[tokio::test]
async fn create_for_every_event_omits_event_types_and_reads_the_secret_alias() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created_all_events.json"))
        .expect(1)
        .mount(&server)
        .await;
    let body = CreateWebhook::new("https://example.com/bitnob/all".parse::<url::Url>().unwrap()).name("Everything");
    let created = client(&server).webhooks().create(&body, &CreateOptions::default()).await.unwrap();
    let req = single_request(&server).await;
    assert_eq!(body_json(&req), json!({"name": "Everything", "url": "https://example.com/bitnob/all"}));
    assert_eq!(created.signing_secret.unwrap().expose(), "whsec_alias_0a1b2c3d4e5f");
    assert_eq!(created.webhook.event_types, None);
}

#[tokio::test]
async fn create_uses_the_callers_idempotency_key_as_is() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .and(header_is("idempotency-key", "order-42/create webhook"))
        .respond_with(json_response(201, "webhook_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let key = IdempotencyKey::new("order-42/create webhook").unwrap();
    let body = CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap());
    client(&server).webhooks().create(&body, &CreateOptions::new().idempotency_key(key)).await.unwrap();
    let req = single_request(&server).await;
    assert_eq!(header(&req, "idempotency-key"), Some("order-42/create webhook"));
}

/// Bitnob allows leading and trailing spaces in a key: it is accepted and sent (HTTP parsers drop
/// the surrounding whitespace, so the server sees the inner text).
#[tokio::test]
async fn a_key_with_surrounding_spaces_is_accepted_and_sent() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let key = IdempotencyKey::new(" order-43 ").unwrap();
    let body = CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap());
    client(&server).webhooks().create(&body, &CreateOptions::new().idempotency_key(key)).await.unwrap();
    let req = single_request(&server).await;
    assert_eq!(header(&req, "idempotency-key").map(str::trim), Some("order-43"));
}

#[tokio::test]
async fn create_is_retried_after_503_with_the_same_generated_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created.json"))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(
        retrying_config(&server),
        hookbridge_bitnob::BitnobAuth::legacy_bearer(hookbridge_core::Secret::new(API_KEY)),
    );
    let body =
        CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap()).name("Ledger sync");
    let created = client.webhooks().create(&body, &CreateOptions::default()).await.unwrap();
    assert_eq!(created.webhook.id.as_str(), WEBHOOK_ID);

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    let k1 = header(&reqs[0], "idempotency-key").unwrap();
    let k2 = header(&reqs[1], "idempotency-key").unwrap();
    assert_eq!(k1, k2, "the same key on every attempt");
    assert_eq!(reqs[0].body, reqs[1].body);
}

#[tokio::test]
async fn create_retry_keeps_the_callers_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created.json"))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client_with(
        retrying_config(&server),
        hookbridge_bitnob::BitnobAuth::legacy_bearer(hookbridge_core::Secret::new(API_KEY)),
    );
    let body = CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap());
    let opts = CreateOptions::new().idempotency_key(IdempotencyKey::new("caller-key-1").unwrap());
    client.webhooks().create(&body, &opts).await.unwrap();
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert!(reqs.iter().all(|r| header(r, "idempotency-key") == Some("caller-key-1")));
}

#[tokio::test]
async fn get_webhook_decodes_every_field() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    let w = client(&server).webhooks().get(WEBHOOK_ID).await.unwrap();
    let req = single_request(&server).await;
    assert_request(&req, "GET", &format!("/webhooks/{WEBHOOK_ID}"), false);
    assert_eq!(req.url.query(), None);

    assert_eq!(w.id, WebhookId::new(WEBHOOK_ID).unwrap());
    assert_eq!(w.object.as_deref(), Some("webhook"));
    assert_eq!(w.name.as_deref(), Some("Ledger sync"));
    assert_eq!(w.url, "https://example.com/bitnob/webhooks");
    assert_eq!(w.status, Some(WebhookStatus::Active));
    assert_eq!(w.event_types, Some(vec![EventType::new("transaction.confirmed"), EventType::new("wallet.created")]));
    assert_eq!(w.has_signing_secret, Some(true));
    assert_eq!(w.signing_secret_last4, None);
    assert_eq!(w.last_triggered_at, Some(ts("2025-06-02T08:15:30Z")));
    assert_eq!(w.created_at, Some(ts("2025-06-01T12:00:00Z")));
    assert_eq!(w.updated_at, Some(ts("2025-06-01T12:30:00Z")));
}

#[tokio::test]
async fn get_webhook_reads_the_older_documented_shape() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/c7d8e9f0-1a2b-4c3d-9e4f-5a6b7c8d9e0f"))
        .respond_with(json_response(200, "webhook_legacy.json"))
        .expect(1)
        .mount(&server)
        .await;
    let w = client(&server).webhooks().get("c7d8e9f0-1a2b-4c3d-9e4f-5a6b7c8d9e0f").await.unwrap();
    assert_eq!(w.status, Some(WebhookStatus::Inactive));
    assert_eq!(w.event_types, Some(vec![EventType::new("transaction.completed")]), "single `event_type` string");
    assert_eq!(w.signing_secret_last4.as_deref(), Some("9f3a"));
    assert_eq!(w.name, None);
    assert_eq!(w.has_signing_secret, None);
}

#[tokio::test]
async fn update_with_only_a_name_sends_exactly_that_field() {
    let server = server().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .and(body_is(json!({"name": "Ledger sync (renamed)"})))
        .respond_with(json_response(200, "webhook_updated.json"))
        .expect(1)
        .mount(&server)
        .await;
    let w = client(&server)
        .webhooks()
        .update(WEBHOOK_ID, &UpdateWebhook::new().name("Ledger sync (renamed)"))
        .await
        .unwrap();
    let req = single_request(&server).await;
    assert_request(&req, "PATCH", &format!("/webhooks/{WEBHOOK_ID}"), true);
    assert_eq!(String::from_utf8(req.body.clone()).unwrap(), r#"{"name":"Ledger sync (renamed)"}"#);
    assert_eq!(header(&req, "idempotency-key"), None);

    assert_eq!(w.name.as_deref(), Some("Ledger sync (renamed)"));
    assert_eq!(w.updated_at, Some(ts("2025-06-04T16:45:10Z")));
    assert_eq!(w.created_at, Some(ts("2025-06-01T12:00:00Z")));
    assert_eq!(w.has_signing_secret, Some(true));
}

#[tokio::test]
async fn update_with_every_field_sends_all_three() {
    let server = server().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(json_response(200, "webhook_updated.json"))
        .expect(1)
        .mount(&server)
        .await;
    let patch = UpdateWebhook::new()
        .name("n")
        .url("https://example.com/new".parse::<url::Url>().unwrap())
        .event_types(["wallet.created"]);
    client(&server).webhooks().update(WEBHOOK_ID, &patch).await.unwrap();
    let req = single_request(&server).await;
    assert_eq!(
        body_json(&req),
        json!({"name": "n", "url": "https://example.com/new", "event_types": ["wallet.created"]})
    );
}

#[tokio::test]
async fn update_is_retried_because_a_patch_of_absolute_values_is_idempotent() {
    let server = server().await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(json_response(200, "webhook_updated.json"))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(
        retrying_config(&server),
        hookbridge_bitnob::BitnobAuth::legacy_bearer(hookbridge_core::Secret::new(API_KEY)),
    );
    client.webhooks().update(WEBHOOK_ID, &UpdateWebhook::new().name("x")).await.unwrap();
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, reqs[1].body);
}

#[tokio::test]
async fn delete_webhook_accepts_204_with_an_empty_body() {
    let server = server().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).webhooks().delete(WEBHOOK_ID).await.unwrap();
    let req = single_request(&server).await;
    assert_request(&req, "DELETE", &format!("/webhooks/{WEBHOOK_ID}"), false);
}

#[tokio::test]
async fn rotate_secret_posts_without_a_body_and_returns_the_new_secret() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}/rotate-secret")))
        .respond_with(json_response(200, "rotate_secret.json"))
        .expect(1)
        .mount(&server)
        .await;
    let rotated = client(&server).webhooks().rotate_secret(WEBHOOK_ID).await.unwrap();
    let req = single_request(&server).await;
    assert_request(&req, "POST", &format!("/webhooks/{WEBHOOK_ID}/rotate-secret"), false);
    assert_eq!(header(&req, "idempotency-key"), None);
    assert_eq!(rotated.object.as_deref(), Some("signing_secret"));
    assert_eq!(rotated.secret.expose(), "whsec_rotated_7c4e1a9b2d8f3e6a");
}

#[tokio::test]
async fn rotate_secret_accepts_the_secret_field_name_too() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}/rotate-secret")))
        .respond_with(raw_json(200, r#"{"object":"signing_secret","secret":"whsec_new_name"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let rotated = client(&server).webhooks().rotate_secret(WEBHOOK_ID).await.unwrap();
    assert_eq!(rotated.secret.expose(), "whsec_new_name");
}

#[tokio::test]
async fn rotate_secret_is_never_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}/rotate-secret")))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(
        retrying_config(&server),
        hookbridge_bitnob::BitnobAuth::legacy_bearer(hookbridge_core::Secret::new(API_KEY)),
    );
    let err = client.webhooks().rotate_secret(WEBHOOK_ID).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable(), "retryable in principle, but not retried automatically");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn event_types_are_listed_with_categories() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/event-types"))
        .respond_with(json_response(200, "event_types.json"))
        .expect(1)
        .mount(&server)
        .await;
    let types = client(&server).webhooks().event_types().await.unwrap();
    let req = single_request(&server).await;
    assert_request(&req, "GET", "/webhooks/event-types", false);
    assert_eq!(req.url.query(), None);

    assert_eq!(types.len(), 5);
    assert_eq!(types[0].event_type.as_str(), "transaction.confirmed");
    assert_eq!(types[0].category, Some(EventCategory::Wallet));
    assert_eq!(types[0].name.as_deref(), Some("Transaction confirmed"));
    assert_eq!(types[0].description.as_deref(), Some("A wallet transaction reached its confirmation threshold."));
    assert_eq!(types[2].category, Some(EventCategory::Security));
    assert_eq!(types[3].category, Some(EventCategory::Compliance));
    assert_eq!(types[4].category, Some(EventCategory::Unknown("treasury".into())));
}

#[tokio::test]
async fn event_types_accept_a_bare_array_and_other_field_names() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/event-types"))
        .respond_with(raw_json(
            200,
            r#"[
                {"event_type": "wallet.created", "label": "Wallet created", "category": "wallet"},
                {"value": "transaction.confirmed", "display_name": "Tx confirmed"},
                {"name": "compliance.flagged", "label": "Flagged", "category": "compliance"}
            ]"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let types = client(&server).webhooks().event_types().await.unwrap();
    assert_eq!(types.len(), 3);
    assert_eq!((types[0].event_type.as_str(), types[0].name.as_deref()), ("wallet.created", Some("Wallet created")));
    assert_eq!(
        (types[1].event_type.as_str(), types[1].name.as_deref()),
        ("transaction.confirmed", Some("Tx confirmed"))
    );
    assert_eq!(types[1].category, None);
    assert_eq!((types[2].event_type.as_str(), types[2].name.as_deref()), ("compliance.flagged", Some("Flagged")));
}

#[tokio::test]
async fn event_types_without_an_identifier_or_a_list_are_decode_errors() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/event-types"))
        .respond_with(raw_json(200, r#"{"data": [{"category": "wallet"}]}"#))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/webhooks/event-types"))
        .respond_with(raw_json(200, r#"{"items": []}"#))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.webhooks().event_types().await.unwrap_err();
    assert!(matches!(err, hookbridge_core::Error::Decode(_)), "{err:?}");
    let err = client.webhooks().event_types().await.unwrap_err();
    assert!(matches!(err, hookbridge_core::Error::Decode(_)), "{err:?}");
}
