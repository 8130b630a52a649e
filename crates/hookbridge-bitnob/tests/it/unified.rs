//! The unified `Webhook` trait and the lossless Bitnob ⇄ unified conversions.

use futures_util::TryStreamExt;
use hookbridge_bitnob::{CreateWebhook, CreatedWebhook, UpdateWebhook, WebhookEndpoint, WebhookStatus};
use hookbridge_core::{
    Capabilities, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate, EventSelection, EventType,
    Webhook,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

fn id() -> EndpointId {
    EndpointId::new(WEBHOOK_ID).unwrap()
}

#[tokio::test]
async fn capabilities_say_exactly_what_bitnob_documents() {
    let server = server().await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));
    let c: Capabilities = hook.capabilities();
    assert!(c.create && c.get && c.list && c.update && c.delete && c.rotate_secret);
    assert!(c.event_selection && c.all_events && c.secret_on_create);
    assert!(!c.multiple_urls);
}

#[tokio::test]
async fn unified_create_maps_the_spec_and_returns_the_secret() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let hook: &dyn Webhook = &client;
    let spec = EndpointSpec::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap())
        .name("Ledger sync")
        .event("transaction.confirmed")
        .event("wallet.created");
    let e = hook.create(&spec).await.unwrap();

    let req = single_request(&server).await;
    assert_request(&req, "POST", "/webhooks", true);
    assert!(header(&req, "idempotency-key").is_some());
    assert_eq!(
        body_json(&req),
        json!({"name": "Ledger sync", "url": "https://example.com/bitnob/webhooks",
               "event_types": ["transaction.confirmed", "wallet.created"]})
    );
    assert_eq!(e.provider, hookbridge_bitnob::PROVIDER);
    assert_eq!(e.id.as_str(), WEBHOOK_ID);
    assert_eq!(e.secret.as_ref().unwrap().expose(), "whsec_created_5f2b9c1e8a7d4e3f");
    assert_eq!(e.status, EndpointStatus::Active);
    assert_eq!(e.has_secret, Some(true));
    assert_eq!(e.urls, ["https://example.com/bitnob/webhooks"]);
}

#[tokio::test]
async fn unified_create_for_all_events_omits_event_types() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created_all_events.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let spec = EndpointSpec::new("https://example.com/bitnob/all".parse::<url::Url>().unwrap()).all_events();
    let e = Webhook::create(&client, &spec).await.unwrap();
    assert_eq!(body_json(&single_request(&server).await), json!({"url": "https://example.com/bitnob/all"}));
    assert_eq!(e.events, EventSelection::All);
    assert_eq!(e.secret.unwrap().expose(), "whsec_alias_0a1b2c3d4e5f");
}

#[tokio::test]
async fn unified_get_list_update_delete_and_rotate() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(json_response(200, "webhooks_page_3.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(json_response(200, "webhook_updated.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}/rotate-secret")))
        .respond_with(json_response(200, "rotate_secret.json"))
        .expect(1)
        .mount(&server)
        .await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));

    let got = hook.get(&id()).await.unwrap();
    assert_eq!(got.name.as_deref(), Some("Ledger sync"));
    assert_eq!(got.events.events().len(), 2);
    assert_eq!(got.provider_fields["last_triggered_at"], "2025-06-02T08:15:30Z");

    let listed: Vec<Endpoint> = hook.list().try_collect().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].status, EndpointStatus::Inactive);
    assert_eq!(listed[0].provider_fields["signing_secret_last4"], "9f3a");

    let update = EndpointUpdate::new()
        .url("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap())
        .name("Ledger sync (renamed)")
        .event("transaction.confirmed");
    let updated = hook.update(&id(), &update).await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("Ledger sync (renamed)"));

    hook.delete(&id()).await.unwrap();
    let secret = hook.rotate_secret(&id()).await.unwrap();
    assert_eq!(secret.expose(), "whsec_rotated_7c4e1a9b2d8f3e6a");

    let reqs = requests(&server).await;
    let summary: Vec<(String, String)> = reqs.iter().map(|r| (r.method.to_string(), r.url.path().to_owned())).collect();
    let wh = format!("/webhooks/{WEBHOOK_ID}");
    assert_eq!(
        summary,
        vec![
            ("GET".into(), wh.clone()),
            ("GET".into(), "/webhooks".into()),
            ("PATCH".into(), wh.clone()),
            ("DELETE".into(), wh.clone()),
            ("POST".into(), format!("{wh}/rotate-secret")),
        ]
    );
    assert_eq!(
        body_json(&reqs[2]),
        json!({"name": "Ledger sync (renamed)", "url": "https://example.com/bitnob/webhooks",
               "event_types": ["transaction.confirmed"]})
    );
}

#[tokio::test]
async fn unified_specs_bitnob_cannot_take_are_refused_before_sending() {
    let server = server().await;
    let client = client(&server);
    let hook: &dyn Webhook = &client;
    let url = || "https://example.com/a".parse::<url::Url>().unwrap();

    let two_urls = EndpointSpec::new(url()).url("https://example.com/b".parse::<url::Url>().unwrap()).event("x.y");
    assert!(hook.create(&two_urls).await.unwrap_err().is_invalid_input());
    let no_url = EndpointSpec::default().event("x.y");
    assert!(hook.create(&no_url).await.unwrap_err().is_invalid_input());
    let no_events = EndpointSpec::new(url());
    assert!(hook.create(&no_events).await.unwrap_err().is_invalid_input(), "empty Only([]) is ambiguous");
    let foreign_field = EndpointSpec::new(url()).event("x.y").provider_field("shopId", "s1");
    assert!(hook.create(&foreign_field).await.unwrap_err().is_invalid_input());
    let reset_to_all = EndpointUpdate::new().all_events();
    assert!(hook.update(&id(), &reset_to_all).await.unwrap_err().is_invalid_input());
    assert!(hook.update(&id(), &EndpointUpdate::new()).await.unwrap_err().is_invalid_input(), "nothing to change");
    let two = EndpointUpdate::new().url(url()).url(url());
    assert!(hook.update(&id(), &two).await.unwrap_err().is_invalid_input());
    let foreign = EndpointUpdate::new().name("n").provider_field("shopId", "s");
    assert!(hook.update(&id(), &foreign).await.unwrap_err().is_invalid_input());
    let insecure = EndpointSpec::new("http://example.com/a".parse::<url::Url>().unwrap()).event("x.y");
    assert!(hook.create(&insecure).await.unwrap_err().is_invalid_input());

    assert!(requests(&server).await.is_empty());
}

/// A rename is a PATCH whose body is exactly `{"name": ...}`: nothing else is sent or changed.
#[tokio::test]
async fn unified_update_of_the_name_patches_only_the_name() {
    let server = server().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));
    hook.update(&id(), &EndpointUpdate::new().name("renamed")).await.unwrap();
    let req = single_request(&server).await;
    assert_request(&req, "PATCH", &format!("/webhooks/{WEBHOOK_ID}"), true);
    assert_eq!(std::str::from_utf8(&req.body).unwrap(), r#"{"name":"renamed"}"#);
}

fn round_trip(w: &WebhookEndpoint) {
    let unified = Endpoint::from(w);
    let back = WebhookEndpoint::try_from(&unified).unwrap();
    assert_eq!(&back, w);
    // And through JSON on the provider side.
    let json = serde_json::to_value(&back).unwrap();
    let again: WebhookEndpoint = serde_json::from_value(json).unwrap();
    assert_eq!(&again, w);
}

#[test]
fn provider_to_unified_to_provider_is_lossless_for_every_fixture() {
    for name in ["webhook.json", "webhook_updated.json", "webhook_legacy.json", "webhook_unknown_status.json"] {
        let w: WebhookEndpoint = serde_json::from_str(&fixture(name)).unwrap();
        round_trip(&w);
    }
    for name in ["webhooks_page_1.json", "webhooks_page_2.json", "webhooks_page_3.json"] {
        let page: hookbridge_bitnob::CursorPage<WebhookEndpoint> = serde_json::from_str(&fixture(name)).unwrap();
        page.data.iter().for_each(round_trip);
    }
    let created: CreatedWebhook = serde_json::from_str(&fixture("webhook_created.json")).unwrap();
    round_trip(&created.webhook);
}

#[test]
fn unified_fields_carry_everything_bitnob_specific() {
    let w: WebhookEndpoint = serde_json::from_str(&fixture("webhook_unknown_status.json")).unwrap();
    let e = Endpoint::from(&w);
    assert_eq!(e.status, EndpointStatus::Other("suspended".into()));
    assert_eq!(e.has_secret, Some(false));
    assert_eq!(e.events, EventSelection::Only(vec![EventType::new("compliance.flagged")]));
    // A field this crate does not model is kept (the bag `extra`) and carried under its wire name.
    assert_eq!(
        serde_json::Value::Object(e.provider_fields.clone()),
        json!({"object": "webhook", "status": "suspended", "future_field": {"nested": true}})
    );
    let back = WebhookEndpoint::try_from(&e).unwrap();
    assert_eq!(back.status, Some(WebhookStatus::Unknown("suspended".into())));
    assert_eq!(back.extra.get("future_field"), Some(&json!({"nested": true})));
    assert_eq!(serde_json::to_value(&back).unwrap()["future_field"], json!({"nested": true}));

    let legacy: WebhookEndpoint = serde_json::from_str(&fixture("webhook_legacy.json")).unwrap();
    let e = Endpoint::from(&legacy);
    assert_eq!(e.status, EndpointStatus::Inactive);
    assert_eq!(e.has_secret, None);
    assert_eq!(e.name, None);
    assert_eq!(
        serde_json::Value::Object(e.provider_fields),
        json!({"object": "webhook", "signing_secret_last4": "9f3a"})
    );
}

#[test]
fn unified_to_provider_refuses_what_bitnob_cannot_hold_and_keeps_unmodelled_fields() {
    let w: WebhookEndpoint = serde_json::from_str(&fixture("webhook.json")).unwrap();
    let base = Endpoint::from(&w);

    let mut e = base.clone();
    e.provider = hookbridge_core::ProviderId::new("chip");
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "provider");

    let mut e = base.clone();
    e.urls.push("https://example.com/second".into());
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "url");

    let mut e = base.clone();
    e.status = EndpointStatus::Deleted;
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "status");

    // An unmodelled field is not refused: it is written back as Bitnob sent it (the `extra` bag).
    let mut e = base.clone();
    e.provider_fields.insert("shopId".into(), json!("s1"));
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap().extra.get("shopId"), Some(&json!("s1")));

    let mut e = base.clone();
    e.provider_fields.insert("last_triggered_at".into(), json!("yesterday"));
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "provider_fields");

    let mut e = base;
    e.provider_fields.insert("object".into(), json!(7));
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "provider_fields");
}

#[test]
fn spec_conversions() {
    let spec =
        EndpointSpec::new("https://example.com/a".parse::<url::Url>().unwrap()).name("n").event("wallet.created");
    let create = CreateWebhook::try_from(&spec).unwrap();
    assert_eq!(
        serde_json::to_value(&create).unwrap(),
        json!({"name": "n", "url": "https://example.com/a", "event_types": ["wallet.created"]})
    );
    let patch = UpdateWebhook::try_from(&EndpointUpdate::from(&spec)).unwrap();
    assert_eq!(
        serde_json::to_value(&patch).unwrap(),
        json!({"name": "n", "url": "https://example.com/a", "event_types": ["wallet.created"]})
    );
    let all = EndpointSpec::new("https://example.com/a".parse::<url::Url>().unwrap()).all_events();
    assert_eq!(
        serde_json::to_value(CreateWebhook::try_from(&all).unwrap()).unwrap(),
        json!({"url": "https://example.com/a"})
    );
}

#[test]
fn ids_the_provider_sent_round_trip_even_when_they_would_not_pass_input_validation() {
    // Found by fuzzing: an id with a space decodes (it came from Bitnob), so converting it back
    // must not re-validate it as if it were user input.
    let w: WebhookEndpoint = serde_json::from_value(json!({
        "id": "3f0c7a52 sync (renamed)", "object": "webhook", "url": "https://example.com/h",
        "status": "active", "created_at": "2025-06-01T12:00:00Z", "updated_at": "2025-06-01T12:00:00Z"
    }))
    .unwrap();
    round_trip(&w);
    // As user input, the same id is still refused before any request.
    assert!(hookbridge_bitnob::WebhookId::new("3f0c7a52 sync (renamed)").is_err());
}

#[test]
fn unmodelled_fields_are_kept_in_delivery_events_and_redacted_in_debug() {
    let event: hookbridge_bitnob::DeliveryEvent = serde_json::from_value(json!({
        "id": "evt_1", "type": "transaction.confirmed", "delivery_status": "failed",
        "attempt_log": [1, 2], "webhook_secret": "whsec_leak"
    }))
    .unwrap();
    assert_eq!(event.extra.get("attempt_log"), Some(&json!([1, 2])));
    let wire = serde_json::to_value(&event).unwrap();
    assert_eq!(wire["attempt_log"], json!([1, 2]));
    assert!(!format!("{event:?}").contains("whsec_leak"), "{event:?}");
    // Through the unified record and back: nothing lost.
    let record = hookbridge_bitnob::delivery_log::DeliveryRecord::from(&event);
    assert_eq!(hookbridge_bitnob::DeliveryEvent::try_from(&record).unwrap(), event);
}
