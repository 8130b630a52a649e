//! Every webhook operation: the exact outgoing request and the decoded response.

use hookbridge_chip::{ChipEvent, ChipWebhook, WebhookId, WebhookPatch, WebhookRequest};
use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::common::*;

fn webhook_id() -> WebhookId {
    WebhookId::new(WEBHOOK_ID).unwrap()
}

/// Field-by-field check of `crates/hookbridge-testkit/data/chip/webhook.json`.
fn assert_is_shop_webhook(w: &ChipWebhook) {
    assert_eq!(w.object_type.as_deref(), Some("webhook"));
    assert_eq!(w.id.as_str(), WEBHOOK_ID);
    assert_eq!(w.created_on, Some(ts(1_717_200_000)));
    assert_eq!(w.updated_on, Some(ts(1_717_286_400)));
    assert_eq!(w.title, "Shop order updates");
    assert!(!w.all_events);
    let key = w.public_key.as_deref().unwrap();
    assert!(
        key.starts_with(
            "-----BEGIN PUBLIC KEY-----\nMIIBojANBgkqhkiG9w0BAQEFAAOCAY8AMIIBigKCAYEA6gLlBKxCB5dxPJbinCzl\n"
        )
    );
    assert!(key.ends_with("-----END PUBLIC KEY-----"));
    assert_eq!(w.events, vec![ChipEvent::PurchasePaid, ChipEvent::PurchasePaymentFailure, ChipEvent::PaymentRefunded]);
    assert_eq!(w.callback, "https://shop.example.com/hooks/chip");
    assert!(w.extra.is_empty());
}

#[test]
fn unknown_fields_round_trip_in_extra_and_secret_named_ones_stay_out_of_debug() {
    let mut body = fixture_json("webhook.json");
    body["webhook_secret"] = json!("whsec-do-not-print");
    body["retry_policy"] = json!({"max_attempts": 5});
    let w: ChipWebhook = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(w.extra.len(), 2);
    assert_eq!(w.extra["retry_policy"], json!({"max_attempts": 5}));
    assert_eq!(serde_json::to_value(&w).unwrap(), body);
    let debug = format!("{w:?}");
    assert!(!debug.contains("whsec-do-not-print"), "{debug}");
    assert!(debug.contains("max_attempts"), "{debug}");
}

#[test]
fn excerpt_request_fixture_round_trips() {
    let fixture = fixture_json("webhook_create_request.json");
    let body: WebhookRequest = serde_json::from_value(fixture.clone()).unwrap();
    assert_eq!(body.title, "<string>");
    assert!(!body.all_events);
    assert_eq!(body.public_key.as_deref(), Some("<string>"));
    assert_eq!(body.events, vec![ChipEvent::PurchaseCreated]);
    assert_eq!(body.callback, "<string>");
    assert_eq!(serde_json::to_value(&body).unwrap(), fixture);
}

#[tokio::test]
async fn excerpt_request_verbatim_is_refused_for_its_placeholder_callback() {
    let (server, client) = setup().await;
    let body: WebhookRequest = serde_json::from_str(&fixture("webhook_create_request.json")).unwrap();
    let err = client.webhooks().create(&body).await.unwrap_err();
    match err {
        hookbridge_core::Error::InvalidInput(e) => assert_eq!(e.field, "callback"),
        other => panic!("expected invalid input, got {other:?}"),
    }
    assert_no_requests(&server).await;
}

#[tokio::test]
async fn create_posts_the_excerpt_body_and_decodes_the_excerpt_response() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(201, fixture("webhook_create_response.json")))
        .expect(1)
        .mount(&server)
        .await;

    let mut body: WebhookRequest = serde_json::from_str(&fixture("webhook_create_request.json")).unwrap();
    body.callback = "https://shop.example.com/hooks/chip".to_owned();
    let created = client.webhooks().create(&body).await.unwrap();

    let req = only_request(&server).await;
    let mut expected = fixture_json("webhook_create_request.json");
    expected["callback"] = json!("https://shop.example.com/hooks/chip");
    assert_eq!(assert_request(&req, "POST", "/api/v1/webhooks/", None), expected);

    assert_eq!(created.object_type.as_deref(), Some("<string>"));
    assert_eq!(created.id.as_str(), "3c90c3cc-0d44-4b50-8888-8dd25736052a");
    assert_eq!(created.created_on, Some(ts(1_619_740_800)));
    assert_eq!(created.updated_on, Some(ts(1_619_740_800)));
    assert_eq!(created.title, "<string>");
    assert!(!created.all_events);
    assert!(created.public_key.as_deref().unwrap().starts_with("-----BEGIN PUBLIC KEY-----\nMIIB"));
    assert!(
        created
            .public_key
            .as_deref()
            .unwrap()
            .ends_with("IltQATpjlNaJMlRPjbcaiW7dsO3BuF9ZOMGksSOnyYm/AgMBAAE=\n-----END PUBLIC KEY-----")
    );
    assert_eq!(created.events, vec![ChipEvent::PurchaseCreated]);
    assert_eq!(created.callback, "<string>");
    assert!(created.extra.is_empty());
    // The response fixture re-encodes to exactly what was received.
    assert_eq!(serde_json::to_value(&created).unwrap(), fixture_json("webhook_create_response.json"));
}

#[tokio::test]
async fn create_with_builder_and_all_events_omits_empty_event_list() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(201, fixture("webhook_all_events.json")))
        .expect(1)
        .mount(&server)
        .await;

    let body = WebhookRequest::new(
        "Everything to the ledger",
        "https://ledger.example.com/chip/events".parse::<url::Url>().unwrap(),
    )
    .all_events(true);
    let created = client.webhooks().create(&body).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        assert_request(&req, "POST", "/api/v1/webhooks/", None),
        json!({"title": "Everything to the ledger", "all_events": true, "callback": "https://ledger.example.com/chip/events"})
    );
    assert!(created.all_events);
    assert_eq!(created.events, vec![ChipEvent::PurchasePaid]);
    assert_eq!(created.extra.get("is_test"), Some(&json!(true)));
}

#[tokio::test]
async fn get_fetches_one_webhook() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(json(200, fixture("webhook.json")))
        .expect(1)
        .mount(&server)
        .await;

    let webhook = client.webhooks().get(&webhook_id()).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(assert_request(&req, "GET", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None), serde_json::Value::Null);
    assert_is_shop_webhook(&webhook);
}

#[tokio::test]
async fn update_puts_the_full_object() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(json(200, fixture("webhook.json")))
        .expect(1)
        .mount(&server)
        .await;

    let body =
        WebhookRequest::new("Shop order updates", "https://shop.example.com/hooks/chip".parse::<url::Url>().unwrap())
            .events([ChipEvent::PurchasePaid, ChipEvent::PurchasePaymentFailure, ChipEvent::PaymentRefunded])
            .public_key("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----");
    let updated = client.webhooks().update(&webhook_id(), &body).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        assert_request(&req, "PUT", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None),
        json!({
            "title": "Shop order updates",
            "all_events": false,
            "public_key": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
            "events": ["purchase.paid", "purchase.payment_failure", "payment.refunded"],
            "callback": "https://shop.example.com/hooks/chip"
        })
    );
    assert_is_shop_webhook(&updated);
}

#[tokio::test]
async fn patch_sends_only_the_supplied_fields() {
    let (server, client) = setup().await;
    let mut response = fixture_json("webhook.json");
    response["title"] = json!("Renamed");
    response["events"] = json!(["purchase.paid", "purchase.subscription_charge_failure"]);
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(json(200, response.to_string()))
        .expect(1)
        .mount(&server)
        .await;

    let patch = WebhookPatch::new()
        .title("Renamed")
        .events([ChipEvent::PurchasePaid, ChipEvent::from("purchase.subscription_charge_failure")]);
    let patched = client.webhooks().patch(&webhook_id(), &patch).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        assert_request(&req, "PATCH", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None),
        json!({"title": "Renamed", "events": ["purchase.paid", "purchase.subscription_charge_failure"]})
    );
    assert_eq!(patched.title, "Renamed");
    assert_eq!(
        patched.events,
        vec![ChipEvent::PurchasePaid, ChipEvent::Unknown("purchase.subscription_charge_failure".into())]
    );
    assert_eq!(patched.callback, "https://shop.example.com/hooks/chip");
}

#[tokio::test]
async fn patch_callback_only() {
    let (server, client) = setup().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(json(200, fixture("webhook.json")))
        .expect(1)
        .mount(&server)
        .await;
    let patch = WebhookPatch::new().callback("https://new.example.com/chip?src=hb".parse().unwrap());
    client.webhooks().patch(&webhook_id(), &patch).await.unwrap();
    let req = only_request(&server).await;
    assert_eq!(
        assert_request(&req, "PATCH", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None),
        json!({"callback": "https://new.example.com/chip?src=hb"})
    );
}

#[tokio::test]
async fn delete_sends_delete_and_accepts_204() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    client.webhooks().delete(&webhook_id()).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        assert_request(&req, "DELETE", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None),
        serde_json::Value::Null
    );
}

#[tokio::test]
async fn list_page_decodes_the_documented_envelope() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(200, fixture("webhooks_list_docs.json")))
        .expect(1)
        .mount(&server)
        .await;

    let page = client.webhooks().list_page(None).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(assert_request(&req, "GET", "/api/v1/webhooks/", None), serde_json::Value::Null);
    assert_eq!(page.results.len(), 1);
    let w = &page.results[0];
    assert_eq!(w.id.as_str(), "3c90c3cc-0d44-4b50-8888-8dd25736052a");
    assert_eq!(w.title, "<string>");
    assert_eq!(w.events, vec![ChipEvent::PurchaseCreated]);
    assert_eq!(w.created_on, Some(ts(1_619_740_800)));
    assert_eq!(page.next.as_deref(), Some("<string>"));
    assert_eq!(page.previous.as_deref(), Some("<string>"));
    // The documentation's placeholder is not a URL to follow.
    assert!(page.next_url().is_err());
    // The envelope re-encodes to the fixture.
    assert_eq!(serde_json::to_value(&page).unwrap(), fixture_json("webhooks_list_docs.json"));
}

#[test]
fn unknown_events_decode_and_round_trip() {
    let raw = fixture_json("webhook_unknown_events.json");
    let w: ChipWebhook = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(
        w.events,
        vec![
            ChipEvent::Unknown("purchase.subscription_charge_failure".into()),
            ChipEvent::Unknown("billing_template_client.subscription_billing_cancelled".into()),
            ChipEvent::PurchasePaid,
        ]
    );
    assert!(!w.events[0].is_documented());
    assert_eq!(w.updated_on, None);
    assert_eq!(w.public_key, None);
    assert_eq!(serde_json::to_value(&w).unwrap(), strip_nulls(raw));
}

#[test]
fn event_catalogue_has_the_27_documented_types_in_order() {
    let expected = [
        "purchase.created",
        "purchase.paid",
        "purchase.payment_failure",
        "purchase.refund_failure",
        "purchase.capture_failure",
        "purchase.release_failure",
        "purchase.pending_execute",
        "purchase.pending_charge",
        "purchase.cancelled",
        "purchase.hold",
        "purchase.captured",
        "purchase.pending_capture",
        "purchase.released",
        "purchase.pending_release",
        "purchase.preauthorized",
        "purchase.pending_recurring_token_delete",
        "purchase.recurring_token_deleted",
        "purchase.pending_refund",
        "payment.refunded",
        "payout.pending",
        "payout.failed",
        "payout.success",
        "payment.charged_back",
        "purchase.viewed",
        "purchase.settled",
        "payout.created",
        "payment.chargeback_reversed",
    ];
    assert_eq!(ChipEvent::ALL.len(), 27);
    assert_eq!(ChipEvent::COUNT, 27);
    for (event, wire) in ChipEvent::ALL.iter().zip(expected) {
        assert_eq!(event.as_str(), wire);
        assert_eq!(event.to_string(), wire);
        assert!(event.is_documented());
        assert_eq!(wire.parse::<ChipEvent>().unwrap(), *event);
        assert_eq!(serde_json::to_value(event).unwrap(), json!(wire));
        assert_eq!(serde_json::from_value::<ChipEvent>(json!(wire)).unwrap(), *event);
    }
    let odd: ChipEvent = serde_json::from_value(json!("Purchase.Paid")).unwrap();
    assert_eq!(odd, ChipEvent::Unknown("Purchase.Paid".into()));
    assert_eq!(serde_json::to_value(&odd).unwrap(), json!("Purchase.Paid"));
}
