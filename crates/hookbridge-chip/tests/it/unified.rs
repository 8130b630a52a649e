//! The unified `Webhook` trait over `ChipClient`, and the lossless CHIP ⇄ unified conversions.

use hookbridge_chip::{ChipClient, ChipWebhook, WebhookPage, WebhookRequest};
use hookbridge_core::{
    Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate, Error, EventSelection, EventType, Webhook,
};
use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::common::*;

const PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----";

fn boxed(client: ChipClient) -> Box<dyn Webhook> {
    Box::new(client)
}

fn endpoint_id() -> EndpointId {
    EndpointId::new(WEBHOOK_ID).unwrap()
}

fn spec() -> EndpointSpec {
    EndpointSpec::new("https://shop.example.com/hooks/chip".parse::<url::Url>().unwrap())
        .name("Shop order updates")
        .event("purchase.paid")
        .event("purchase.payment_failure")
        .event("payment.refunded")
}

fn assert_is_shop_endpoint(e: &Endpoint) {
    assert_eq!(e.provider, hookbridge_chip::PROVIDER);
    assert_eq!(e.id.as_str(), WEBHOOK_ID);
    assert_eq!(e.urls, vec!["https://shop.example.com/hooks/chip".to_owned()]);
    assert_eq!(
        e.events,
        EventSelection::Only(vec![
            EventType::from_static("purchase.paid"),
            EventType::from_static("purchase.payment_failure"),
            EventType::from_static("payment.refunded"),
        ])
    );
    assert_eq!(e.status, EndpointStatus::Unknown);
    assert_eq!(e.name.as_deref(), Some("Shop order updates"));
    assert_eq!(e.created_at, Some(ts(1_717_200_000)));
    assert_eq!(e.updated_at, Some(ts(1_717_286_400)));
    assert_eq!(e.has_secret, Some(true));
    assert!(e.secret.is_none());
    assert_eq!(e.provider_fields.get("type"), Some(&json!("webhook")));
    assert!(e.provider_fields["public_key"].as_str().unwrap().starts_with("-----BEGIN PUBLIC KEY-----"));
    assert_eq!(e.provider_fields.get("all_events"), Some(&json!(false)));
    assert!(!e.provider_fields.contains_key("events"));
}

#[tokio::test]
async fn capabilities_match_the_documented_api() {
    let (_server, client) = setup().await;
    let c = boxed(client).capabilities();
    assert!(c.create && c.get && c.list && c.update && c.delete);
    assert!(!c.rotate_secret);
    assert!(c.event_selection);
    assert!(c.all_events);
    assert!(!c.multiple_urls);
    assert!(!c.secret_on_create);
}

#[tokio::test]
async fn unified_create_builds_the_body_from_the_spec() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(201, fixture("webhook.json")))
        .expect(1)
        .mount(&server)
        .await;

    let endpoint = boxed(client).create(&spec().provider_field("public_key", PEM)).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        assert_request(&req, "POST", "/api/v1/webhooks/", None),
        json!({
            "title": "Shop order updates",
            "all_events": false,
            "public_key": PEM,
            "events": ["purchase.paid", "purchase.payment_failure", "payment.refunded"],
            "callback": "https://shop.example.com/hooks/chip"
        })
    );
    assert_is_shop_endpoint(&endpoint);
}

#[tokio::test]
async fn unified_create_with_all_events() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(201, fixture("webhook_all_events.json")))
        .expect(1)
        .mount(&server)
        .await;

    let spec = EndpointSpec::new("https://ledger.example.com/chip/events".parse::<url::Url>().unwrap())
        .name("Everything to the ledger")
        .all_events();
    let endpoint = boxed(client).create(&spec).await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(
        assert_request(&req, "POST", "/api/v1/webhooks/", None),
        json!({"title": "Everything to the ledger", "all_events": true, "callback": "https://ledger.example.com/chip/events"})
    );
    assert_eq!(endpoint.events, EventSelection::All);
    assert_eq!(endpoint.provider_fields.get("all_events"), Some(&json!(true)));
    assert_eq!(endpoint.provider_fields.get("events"), Some(&json!(["purchase.paid"])));
    assert_eq!(endpoint.provider_fields.get("is_test"), Some(&json!(true)));
}

#[tokio::test]
async fn unified_get() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(json(200, fixture("webhook.json")))
        .expect(1)
        .mount(&server)
        .await;
    let endpoint = boxed(client).get(&endpoint_id()).await.unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "GET", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None);
    assert_is_shop_endpoint(&endpoint);
}

async fn mount_get_and_put(server: &wiremock::MockServer) {
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(json(200, fixture("webhook.json")))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(json(200, fixture("webhook.json")))
        .expect(1)
        .mount(server)
        .await;
}

/// The PUT body of the fixture webhook as CHIP returned it.
fn fetched_put_body() -> serde_json::Value {
    let w = fixture_json("webhook.json");
    let mut body = json!({"title": w["title"], "all_events": w["all_events"], "callback": w["callback"]});
    if w["events"].as_array().is_some_and(|e| !e.is_empty()) {
        body["events"] = w["events"].clone();
    }
    if w["public_key"].is_string() {
        body["public_key"] = w["public_key"].clone();
    }
    body
}

#[tokio::test]
async fn unified_update_reads_merges_and_replaces_with_put() {
    let (server, client) = setup().await;
    mount_get_and_put(&server).await;
    let update = EndpointUpdate::from(&spec());
    let endpoint = boxed(client).update(&endpoint_id(), &update).await.unwrap();
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_request(&reqs[0], "GET", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None);
    let mut expected = fetched_put_body();
    expected["title"] = json!("Shop order updates");
    expected["all_events"] = json!(false);
    expected["events"] = json!(["purchase.paid", "purchase.payment_failure", "payment.refunded"]);
    expected["callback"] = json!("https://shop.example.com/hooks/chip");
    assert_eq!(assert_request(&reqs[1], "PUT", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None), expected);
    assert_is_shop_endpoint(&endpoint);
}

/// A rename sends back the fetched webhook with only `title` changed.
#[tokio::test]
async fn unified_update_of_the_title_changes_only_the_title() {
    let (server, client) = setup().await;
    mount_get_and_put(&server).await;
    boxed(client).update(&endpoint_id(), &EndpointUpdate::new().name("renamed")).await.unwrap();
    let reqs = requests(&server).await;
    let mut expected = fetched_put_body();
    expected["title"] = json!("renamed");
    assert_eq!(assert_request(&reqs[1], "PUT", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None), expected);
}

#[tokio::test]
async fn unified_delete() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    boxed(client).delete(&endpoint_id()).await.unwrap();
    let req = only_request(&server).await;
    assert_request(&req, "DELETE", &format!("/api/v1/webhooks/{WEBHOOK_ID}/"), None);
}

#[tokio::test]
async fn unified_refusals_send_nothing() {
    let (server, client) = setup().await;
    let webhook = boxed(client);
    let two_urls = spec().url("https://other.example.com/".parse::<url::Url>().unwrap());
    let no_name = EndpointSpec::new("https://shop.example.com/".parse::<url::Url>().unwrap()).event("purchase.paid");
    let cases: Vec<(EndpointSpec, &str)> = vec![
        (EndpointSpec::default().name("x").event("purchase.paid"), "url"),
        (two_urls, "url"),
        (no_name, "name"),
        (EndpointSpec::new("https://shop.example.com/".parse::<url::Url>().unwrap()).name("no events"), "events"),
        (spec().provider_field("shopId", "x"), "provider_fields"),
        (spec().provider_field("type", "webhook"), "provider_fields"),
        (spec().provider_field("public_key", 5), "provider_fields"),
        (spec().provider_field("all_events", "yes"), "provider_fields"),
        (spec().all_events().provider_field("all_events", false), "provider_fields"),
        (spec().provider_field("events", json!(["purchase.paid"])), "provider_fields"),
        (spec().name("t".repeat(101)), "title"),
        (spec().event("purchase.paid"), "events"),
    ];
    for (spec, field) in cases {
        match webhook.create(&spec).await.unwrap_err() {
            Error::InvalidInput(e) => assert_eq!(e.field, field, "{spec:?}"),
            other => panic!("{spec:?}: expected invalid input, got {other:?}"),
        }
    }
    let bad_id = EndpointId::new("wh_123").unwrap();
    for err in [
        webhook.get(&bad_id).await.unwrap_err(),
        webhook.update(&bad_id, &EndpointUpdate::from(&spec())).await.unwrap_err(),
        webhook.delete(&bad_id).await.unwrap_err(),
    ] {
        assert!(err.is_invalid_input(), "{err:?}");
    }
    assert_no_requests(&server).await;
}

#[test]
fn spec_with_all_events_and_a_list_sends_both() {
    let spec = EndpointSpec::new("https://x.example.com/".parse::<url::Url>().unwrap())
        .name("both")
        .all_events()
        .provider_field("events", json!(["purchase.paid"]));
    let body = WebhookRequest::try_from(&spec).unwrap();
    assert!(body.all_events);
    assert_eq!(body.events.len(), 1);
    let only_with_flag = EndpointSpec::new("https://x.example.com/".parse::<url::Url>().unwrap())
        .name("flag")
        .event("purchase.paid")
        .provider_field("all_events", true);
    assert!(WebhookRequest::try_from(&only_with_flag).unwrap().all_events);
}

fn all_fixture_webhooks() -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    for name in
        ["webhook.json", "webhook_all_events.json", "webhook_unknown_events.json", "webhook_create_response.json"]
    {
        out.push((name.to_owned(), fixture_json(name)));
    }
    for name in ["webhooks_page1.json", "webhooks_page2.json", "webhooks_page3.json", "webhooks_list_docs.json"] {
        let page: WebhookPage = serde_json::from_str(&fixture(name)).unwrap();
        for w in page.results {
            out.push((format!("{name}:{}", w.id), serde_json::to_value(&w).unwrap()));
        }
    }
    out
}

#[test]
fn provider_to_unified_to_provider_is_lossless() {
    for (name, raw) in all_fixture_webhooks() {
        let original: ChipWebhook = serde_json::from_value(raw.clone()).unwrap();
        let endpoint = Endpoint::from(&original);
        let back = ChipWebhook::try_from(&endpoint).unwrap();
        assert_eq!(back, original, "{name}");
        assert_eq!(serde_json::to_value(&back).unwrap(), strip_nulls(raw), "{name}");
        // And the unified form survives its own JSON encoding unchanged in the fields CHIP owns.
        let encoded = serde_json::to_value(&endpoint).unwrap();
        assert_eq!(encoded["provider"], json!("chip"), "{name}");
        assert_eq!(encoded["id"], json!(original.id.as_str()), "{name}");
    }
}

#[test]
fn endpoint_to_chip_refusals() {
    let original: ChipWebhook = serde_json::from_str(&fixture("webhook.json")).unwrap();
    let good = Endpoint::from(&original);

    let mut other_provider = good.clone();
    other_provider.provider = hookbridge_core::ProviderId::new("bitnob");
    assert_eq!(ChipWebhook::try_from(&other_provider).unwrap_err().field, "provider");

    let mut two = good.clone();
    two.urls.push("https://b.example.com/".into());
    assert_eq!(ChipWebhook::try_from(&two).unwrap_err().field, "url");

    let mut untitled = good.clone();
    untitled.name = None;
    assert_eq!(ChipWebhook::try_from(&untitled).unwrap_err().field, "name");

    let mut conflicting = good.clone();
    conflicting.provider_fields.insert("all_events".into(), json!(true));
    assert_eq!(ChipWebhook::try_from(&conflicting).unwrap_err().field, "provider_fields");

    let mut shadowing = good.clone();
    shadowing.provider_fields.insert("callback".into(), json!("https://c.example.com/"));
    assert_eq!(ChipWebhook::try_from(&shadowing).unwrap_err().field, "provider_fields");

    // CHIP signs with its RSA key: a secret is refused, never dropped (by the conversion and
    // by the dialect, in both directions).
    let mut with_secret = good;
    with_secret.secret = Some(hookbridge_core::Secret::new("whsec_not_chips"));
    assert_eq!(ChipWebhook::try_from(&with_secret).unwrap_err().field, "secret");
    let dialect = hookbridge_core::descriptor::Descriptor::dialect(&hookbridge_chip::DESCRIPTOR).unwrap();
    assert_eq!(dialect.endpoint_from_unified(&with_secret).unwrap_err().field, "secret");
    let wire = serde_json::to_value(&original).unwrap();
    let refused =
        dialect.endpoint_to_unified(&wire, Some(&hookbridge_core::Secret::new("whsec_not_chips"))).unwrap_err();
    assert_eq!(refused.field, "secret");
    assert!(!refused.to_string().contains("whsec_not_chips"));
}
