//! `/webhooks/events` operations.

use hookbridge_bitnob::{DeliveryStatus, EventId, ListEventsOptions, RetryStatus, WebhookId};
use hookbridge_core::EventType;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn list_delivery_events_sends_filters_and_paging() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/events"))
        .and(query_param("status", "failed"))
        .and(query_param("webhook_id", WEBHOOK_ID))
        .respond_with(json_response(200, "delivery_events_page_1.json"))
        .expect(1)
        .mount(&server)
        .await;
    let opts = ListEventsOptions::new()
        .starting_after("evt_cur_1")
        .ending_before("evt_cur_0")
        .limit(25)
        .status(DeliveryStatus::Failed)
        .webhook_id(WebhookId::new(WEBHOOK_ID).unwrap());
    let page = client(&server).events().list_page(&opts).await.unwrap();

    let req = single_request(&server).await;
    assert_request(&req, "GET", "/webhooks/events", false);
    assert_eq!(
        query(&req),
        vec![
            ("starting_after".into(), "evt_cur_1".into()),
            ("ending_before".into(), "evt_cur_0".into()),
            ("limit".into(), "25".into()),
            ("status".into(), "failed".into()),
            ("webhook_id".into(), WEBHOOK_ID.into()),
        ]
    );
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.next_page_cursor(), Some("evt_cur_2"));
    let second = &page.data[1];
    assert_eq!(second.id.as_str(), "f2b3c4d5-e6f7-4a8b-9c0d-1e2f3a4b5c6d");
    assert_eq!(second.http_status_code, Some(500));
    assert_eq!(second.response_status(), Some(500));
    assert_eq!(second.delivery_attempts, Some(5));
}

#[tokio::test]
async fn each_documented_status_filter_value_is_sent_verbatim() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/events"))
        .respond_with(json_response(200, "delivery_events_page_2.json"))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);
    for status in [DeliveryStatus::Pending, DeliveryStatus::Delivered, DeliveryStatus::Failed] {
        client.events().list_page(&ListEventsOptions::new().status(status)).await.unwrap();
    }
    let sent: Vec<String> = requests(&server).await.iter().map(|r| query(r)[0].1.clone()).collect();
    assert_eq!(sent, ["pending", "delivered", "failed"]);
}

#[tokio::test]
async fn get_delivery_event_decodes_every_field() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/webhooks/events/{EVENT_ID}")))
        .respond_with(json_response(200, "delivery_event.json"))
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server).events().get(EVENT_ID).await.unwrap();
    let req = single_request(&server).await;
    assert_request(&req, "GET", &format!("/webhooks/events/{EVENT_ID}"), false);
    assert_eq!(req.url.query(), None);

    assert_eq!(e.id, EventId::new(EVENT_ID).unwrap());
    assert_eq!(e.object.as_deref(), Some("event"));
    assert_eq!(e.webhook_id, Some(WebhookId::new(WEBHOOK_ID).unwrap()));
    assert_eq!(e.event_type, Some(EventType::new("transaction.confirmed")));
    assert_eq!(e.delivery_status, Some(DeliveryStatus::Failed));
    assert_eq!(e.delivery_attempts, Some(3));
    assert_eq!(e.max_attempts, Some(5));
    assert_eq!(e.http_status_code, Some(0));
    assert_eq!(e.response_status(), None, "0 means no response");
    assert_eq!(e.error_message.as_deref(), Some("timeout after 10s"));
    assert_eq!(e.created_at, Some(ts("2025-06-02T08:15:30Z")));
}

#[tokio::test]
async fn minimal_and_drifted_delivery_events_decode() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/events/evt_min"))
        .respond_with(raw_json(200, r#"{"id": "evt_min"}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/webhooks/events/evt_new"))
        .respond_with(raw_json(200, r#"{"id": "evt_new", "status": "delivered", "extra": [1, 2]}"#))
        .mount(&server)
        .await;
    let client = client(&server);
    let min = client.events().get("evt_min").await.unwrap();
    assert_eq!(min.id.as_str(), "evt_min");
    assert_eq!(min.delivery_status, None);
    assert_eq!(min.created_at, None);
    let drifted = client.events().get("evt_new").await.unwrap();
    assert_eq!(drifted.delivery_status, Some(DeliveryStatus::Delivered), "bare `status` is read too");
}

#[tokio::test]
async fn retry_delivery_event_posts_and_decodes_queued() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/webhooks/events/{EVENT_ID}/retry")))
        .respond_with(json_response(200, "retry_event.json"))
        .expect(1)
        .mount(&server)
        .await;
    let r = client(&server).events().retry(EVENT_ID).await.unwrap();
    let req = single_request(&server).await;
    assert_request(&req, "POST", &format!("/webhooks/events/{EVENT_ID}/retry"), false);
    assert_eq!(header(&req, "idempotency-key"), None);
    assert_eq!(r.object.as_deref(), Some("event"));
    assert_eq!(r.status, Some(RetryStatus::Queued));
}

#[tokio::test]
async fn retry_delivery_event_is_never_retried_automatically() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/webhooks/events/{EVENT_ID}/retry")))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(
        retrying_config(&server),
        hookbridge_bitnob::BitnobAuth::legacy_bearer(hookbridge_core::Secret::new(API_KEY)),
    );
    let err = client.events().retry(EVENT_ID).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn get_is_retried_on_503() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/webhooks/events/{EVENT_ID}")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/webhooks/events/{EVENT_ID}")))
        .respond_with(json_response(200, "delivery_event.json"))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(
        retrying_config(&server),
        hookbridge_bitnob::BitnobAuth::legacy_bearer(hookbridge_core::Secret::new(API_KEY)),
    );
    assert_eq!(client.events().get(EVENT_ID).await.unwrap().id.as_str(), EVENT_ID);
}
