//! The unified `Webhook` trait over wiremock, and the lossless Stripe ⇄ unified conversions.

use futures_util::TryStreamExt;
use hookbridge_core::{
    Capabilities, DeliveryUrl, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate, EventSelection,
    EventType, Webhook,
};
use hookbridge_stripe::{CreateWebhookEndpoint, UpdateWebhookEndpoint, WebhookEndpoint, WebhookEndpointStatus};
use serde_json::json;
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::common::{WE_ID, answer, assert_sent, client, decode, fixture_json, received, server, ts};

fn url(s: &str) -> DeliveryUrl {
    DeliveryUrl::new(s).unwrap()
}

fn id() -> EndpointId {
    EndpointId::new(WE_ID).unwrap()
}

/// Serializes a Stripe object as the API would show it (the secret is never serialized).
fn wire(w: &WebhookEndpoint) -> serde_json::Value {
    serde_json::to_value(w).unwrap()
}

#[tokio::test]
async fn capabilities_say_exactly_what_stripe_documents() {
    let server = server().await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));
    let c: Capabilities = hook.capabilities();
    assert!(c.create && c.get && c.list && c.update && c.delete);
    assert!(c.event_selection && c.all_events && c.secret_on_create);
    // No rotate endpoint in the Webhook Endpoints API (that the operation then fails typed and
    // sends nothing is checked for every provider by the workspace's conformance suite).
    assert!(!c.rotate_secret && !c.multiple_urls);
    assert_eq!(c, hookbridge_stripe::unified::CAPABILITIES);
}

#[tokio::test]
async fn unified_create_sends_the_form_and_reveals_the_secret() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/webhook_endpoints"))
        .respond_with(answer(200, "webhook_endpoint_created.json"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let hook: &dyn Webhook = &client;
    let spec = EndpointSpec::new(url("https://example.com/my/webhook/endpoint"))
        .name("orders")
        .event("charge.succeeded")
        .event("charge.failed")
        .provider_field("metadata", json!({"team": "payments"}))
        .provider_field("api_version", "2024-12-18.acacia")
        .provider_field("connect", true);
    let e = hook.create(&spec).await.unwrap();
    // Every event: `enabled_events[]=*`.
    hook.create(&EndpointSpec::new(url("https://example.com/all")).all_events()).await.unwrap();

    let reqs = received(&server).await;
    assert_sent(
        &reqs[0],
        "POST",
        "/v1/webhook_endpoints",
        None,
        Some(
            "enabled_events[]=charge.succeeded&enabled_events[]=charge.failed\
             &url=https%3A%2F%2Fexample.com%2Fmy%2Fwebhook%2Fendpoint&api_version=2024-12-18.acacia\
             &connect=true&description=orders&metadata[team]=payments",
        ),
    );
    assert_sent(
        &reqs[1],
        "POST",
        "/v1/webhook_endpoints",
        None,
        Some("enabled_events[]=*&url=https%3A%2F%2Fexample.com%2Fall"),
    );

    assert_eq!(e.provider, hookbridge_stripe::PROVIDER);
    assert_eq!(e.id.as_str(), WE_ID);
    assert_eq!(e.urls, ["https://example.com/my/webhook/endpoint"]);
    assert_eq!(
        e.events,
        EventSelection::Only(vec![EventType::new("charge.succeeded"), EventType::new("charge.failed")])
    );
    assert_eq!(e.status, EndpointStatus::Active);
    assert_eq!(e.name, None);
    assert_eq!(e.created_at, Some(ts(1_680_122_196)));
    assert_eq!(e.updated_at, None);
    assert_eq!(e.has_secret, Some(true));
    assert_eq!(e.secret.as_ref().unwrap().expose(), "whsec_wRNftLajMZNeslQOP6vEPm4iVx5NlZ6z");
    assert_eq!(
        serde_json::Value::Object(e.provider_fields.clone()),
        json!({"object": "webhook_endpoint", "api_version": null, "application": null, "livemode": false, "metadata": {}})
    );
}

#[tokio::test]
async fn unified_get_list_update_and_delete() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/webhook_endpoints/{WE_ID}")))
        .respond_with(answer(200, "webhook_endpoint.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/webhook_endpoints"))
        .respond_with(answer(200, "webhook_endpoints_list_docs.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/webhook_endpoints/{WE_ID}")))
        .respond_with(answer(200, "webhook_endpoint_updated.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("/v1/webhook_endpoints/{WE_ID}")))
        .respond_with(answer(200, "webhook_endpoint_deleted.json"))
        .expect(1)
        .mount(&server)
        .await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));

    let got = hook.get(&id()).await.unwrap();
    assert!(got.secret.is_none());
    assert_eq!(got.status, EndpointStatus::Active);

    let listed: Vec<Endpoint> = hook.list().try_collect().await.unwrap();
    let docs = fixture_json("webhook_endpoints_list_docs.json");
    assert_eq!(listed.len(), docs["data"].as_array().unwrap().len());
    assert!(listed.iter().all(|e| e.provider == hookbridge_stripe::PROVIDER));

    let update = EndpointUpdate::new()
        .url(url("https://example.com/new/webhook/endpoint"))
        .all_events()
        .name("Order events")
        .provider_field("disabled", true)
        .provider_field("metadata", json!({"owner": "ops", "team": null}));
    let updated = hook.update(&id(), &update).await.unwrap();
    assert_eq!(updated.events, EventSelection::All);
    assert_eq!(updated.status, EndpointStatus::Inactive);
    assert_eq!(updated.name.as_deref(), Some("Order events"));
    assert_eq!(updated.provider_fields["livemode"], true);
    assert_eq!(updated.provider_fields["api_version"], "2024-12-18.acacia");
    assert_eq!(updated.provider_fields["application"], "ca_OAjBu0BryI5mrgK3dT8wQ2Zp");
    assert_eq!(updated.provider_fields["metadata"], json!({"owner": "ops"}));

    hook.delete(&id()).await.unwrap();

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 4);
    let member = format!("/v1/webhook_endpoints/{WE_ID}");
    assert_sent(&reqs[0], "GET", &member, None, None);
    // The unified list asks for Stripe's largest page.
    assert_sent(&reqs[1], "GET", "/v1/webhook_endpoints", Some("limit=100"), None);
    // A partial update: exactly the fields set.
    assert_sent(
        &reqs[2],
        "POST",
        &member,
        None,
        Some(
            "description=Order+events&enabled_events[]=*&metadata[owner]=ops&metadata[team]=\
             &url=https%3A%2F%2Fexample.com%2Fnew%2Fwebhook%2Fendpoint&disabled=true",
        ),
    );
    assert_sent(&reqs[3], "DELETE", &member, None, None);
}

#[tokio::test]
async fn a_rename_alone_sends_only_the_description() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/webhook_endpoints/{WE_ID}")))
        .respond_with(answer(200, "webhook_endpoint.json"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    Webhook::update(&client, &id(), &EndpointUpdate::new().name("renamed")).await.unwrap();
    // An empty name unsets the description; `metadata: null` unsets every key.
    let clear = EndpointUpdate::new().name("").provider_field("metadata", serde_json::Value::Null);
    Webhook::update(&client, &id(), &clear).await.unwrap();
    let reqs = received(&server).await;
    let member = format!("/v1/webhook_endpoints/{WE_ID}");
    assert_sent(&reqs[0], "POST", &member, None, Some("description=renamed"));
    assert_sent(&reqs[1], "POST", &member, None, Some("description=&metadata="));
}

#[tokio::test]
async fn refused_conversions_send_nothing() {
    let server = server().await;
    let client = client(&server);
    let hook: &dyn Webhook = &client;
    let spec = EndpointSpec::new(url("https://example.com/h")).event("charge.succeeded");
    for bad in [
        spec.clone().url(url("https://example.com/second")),
        spec.clone().provider_field("disabled", true),
        spec.clone().provider_field("connect", "yes"),
        spec.clone().provider_field("metadata", json!({"n": 1})),
        EndpointSpec::new(url("https://example.com/h")),
    ] {
        let err = hook.create(&bad).await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    for bad in [
        EndpointUpdate::new(),
        EndpointUpdate::new().provider_field("api_version", "2024-12-18.acacia"),
        EndpointUpdate::new().provider_field("connect", true),
        EndpointUpdate::new().url(url("https://a.example.com/")).url(url("https://b.example.com/")),
        EndpointUpdate::new().provider_field("metadata", json!(["owner"])),
    ] {
        let err = hook.update(&id(), &bad).await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    let err = hook.get(&EndpointId::from_provider("we_1/../x")).await.unwrap_err();
    assert!(err.is_invalid_input());
    assert!(received(&server).await.is_empty());
}

#[test]
fn stripe_to_unified_to_stripe_is_lossless() {
    for name in [
        "webhook_endpoint.json",
        "webhook_endpoint_created.json",
        "webhook_endpoint_updated.json",
        "webhook_endpoint_unknown_enums.json",
    ] {
        let original: WebhookEndpoint = decode(name);
        let endpoint = Endpoint::from(&original);
        let back = WebhookEndpoint::try_from(&endpoint).unwrap();
        assert_eq!(wire(&back), wire(&original), "{name}");
        assert_eq!(
            back.secret.as_ref().map(|s| s.expose().to_owned()),
            original.secret.as_ref().map(|s| s.expose().to_owned())
        );
        // And what Stripe sent, byte for byte as JSON (without the secret, never serialized).
        let mut sent = fixture_json(name);
        sent.as_object_mut().unwrap().remove("secret");
        assert_eq!(wire(&back), sent, "{name}");
    }
}

#[test]
fn unknown_values_are_kept_in_the_unified_shape() {
    let w: WebhookEndpoint = decode("webhook_endpoint_unknown_enums.json");
    assert_eq!(w.status, WebhookEndpointStatus::Unknown("paused".into()));
    let e = Endpoint::from(&w);
    assert_eq!(e.status, EndpointStatus::Other("paused".into()));
    assert_eq!(e.events.events()[1], EventType::new("billing.future_event.created"));
    assert_eq!(e.provider_fields["event_destination"], "ed_61QbT4nLkdIwHu7ix");
    assert_eq!(e.provider_fields["api_version"], "2025-12-15.clover");
}

#[test]
fn conversions_check_the_provider_status_and_fields() {
    let w: WebhookEndpoint = decode("webhook_endpoint.json");
    let mut e = Endpoint::from(&w);
    e.provider = hookbridge_core::ProviderId::new("chip");
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "provider");
    let mut e = Endpoint::from(&w);
    e.status = EndpointStatus::Unknown;
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "status");
    let mut e = Endpoint::from(&w);
    e.created_at = None;
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "created_at");
    let mut e = Endpoint::from(&w);
    e.provider_fields.insert("url".into(), json!("https://elsewhere.example.com/"));
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "provider_fields");
    let mut e = Endpoint::from(&w);
    e.provider_fields.insert("livemode".into(), json!("yes"));
    assert_eq!(WebhookEndpoint::try_from(&e).unwrap_err().field, "provider_fields");
    // `*` next to other names is kept as a list, not read as "every event".
    let mut e = Endpoint::from(&w);
    e.events = EventSelection::Only(vec![EventType::new("*"), EventType::new("charge.failed")]);
    let back = WebhookEndpoint::try_from(&e).unwrap();
    assert_eq!(Endpoint::from(&back).events, e.events);

    // Spec and update conversions, field by field.
    let spec = EndpointSpec::new(url("https://example.com/h")).all_events().name("n");
    let create = CreateWebhookEndpoint::try_from(&spec).unwrap();
    assert_eq!(create.enabled_events, [hookbridge_stripe::EventType::All]);
    assert_eq!(create.description.as_deref(), Some("n"));
    assert_eq!(create.connect, None);
    let update = UpdateWebhookEndpoint::try_from(&EndpointUpdate::new().event("invoice.paid")).unwrap();
    assert_eq!(update.enabled_events, Some(vec![hookbridge_stripe::EventType::InvoicePaid]));
    assert!(update.url.is_none() && update.description.is_none() && update.disabled.is_none());
}
