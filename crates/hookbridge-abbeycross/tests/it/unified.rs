//! The unified Webhook trait: create through `dyn Webhook` (id = registered URL), unsupported
//! operations, refused specs, and the lossless AbbeyCross → unified → AbbeyCross round trip.

use hookbridge_abbeycross::{RegisterWebhook, RegisterWebhookResponse, RegisteredWebhook};
use hookbridge_core::{Endpoint, EndpointId, EndpointSpec, EndpointStatus, Error, EventSelection, EventType, Webhook};
use serde_json::{Value, json};

use crate::common::*;

fn spec() -> EndpointSpec {
    EndpointSpec::new("https://example.com/hooks/abbeycross".parse::<url::Url>().unwrap())
        .event("payment.completed")
        .event("trade.settled")
}

#[tokio::test]
async fn create_through_dyn_webhook_registers_and_maps_every_field() {
    let server = server().await;
    mount_register(&server, 201, &fixture("register_response.json")).await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));

    let ep = hook.create(&spec()).await.unwrap();

    assert_register_request(&server, &fixture_json("register_request.json")).await;
    assert_eq!(ep.provider, hookbridge_abbeycross::PROVIDER);
    assert_eq!(ep.id.as_str(), "https://example.com/hooks/abbeycross", "the registered URL is the id");
    assert_eq!(ep.urls, vec!["https://example.com/hooks/abbeycross".to_owned()]);
    assert_eq!(ep.events, EventSelection::Only(vec!["payment.completed".into(), "trade.settled".into()]));
    assert_eq!(ep.status, EndpointStatus::Unknown);
    assert_eq!(ep.name, None);
    assert_eq!(ep.created_at, None);
    assert_eq!(ep.updated_at, None);
    assert_eq!(ep.has_secret, Some(true));
    assert_eq!(ep.secret.as_ref().unwrap().expose(), SECRET);
    assert_eq!(Value::Object(ep.provider_fields.clone()), json!({"message": "Webhook registered successfully."}));
}

#[tokio::test]
async fn create_with_no_events_sends_an_empty_list() {
    let server = server().await;
    mount_register(&server, 201, &fixture("register_response.json")).await;
    let hook: &dyn Webhook = &client(&server);

    let ep = hook
        .create(&EndpointSpec::new("https://example.com/hooks/abbeycross".parse::<url::Url>().unwrap()))
        .await
        .unwrap();

    assert_register_request(&server, &json!({"url": "https://example.com/hooks/abbeycross", "events": []})).await;
    assert_eq!(ep.events, EventSelection::Only(vec![]));
}

#[tokio::test]
async fn capabilities_are_declared() {
    let server = server().await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));
    let caps = hook.capabilities();
    assert!(caps.create && caps.event_selection && caps.secret_on_create);
    assert!(!caps.all_events && !caps.multiple_urls);
    assert!(!caps.get && !caps.list && !caps.update && !caps.delete && !caps.rotate_secret);
    // The provider id, and that the other operations fail typed and send nothing, are checked
    // for every provider by the conformance suite (tests/it/conformance.rs at the workspace root).
}

#[tokio::test]
async fn specs_abbeycross_cannot_take_are_refused_before_sending() {
    let server = server().await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));
    let mut no_url = spec();
    no_url.urls.clear();
    let cases = [
        (no_url, "url"),
        (spec().url("https://example.com/second".parse::<url::Url>().unwrap()), "url"),
        (spec().all_events(), "events"),
        (spec().event(""), "events"),
        (spec().name("fx"), "name"),
        (spec().provider_field("secret", "x"), "provider_fields"),
        (EndpointSpec::new("ftp://example.com/x".parse::<url::Url>().unwrap()).event("a"), "url"),
    ];
    for (spec, field) in cases {
        match hook.create(&spec).await.unwrap_err() {
            Error::InvalidInput(i) => assert_eq!(i.field, field, "{spec:?}: {i}"),
            other => panic!("{spec:?}: expected InvalidInput, got {other:?}"),
        }
    }
    assert_nothing_sent(&server).await;
}

#[test]
fn spec_converts_to_the_register_body() {
    let req = RegisterWebhook::try_from(&spec()).unwrap();
    assert_eq!(serde_json::to_value(&req).unwrap(), fixture_json("register_request.json"));
}

fn registered(response_fixture: &str) -> RegisteredWebhook {
    let response: RegisterWebhookResponse = serde_json::from_value(fixture_json(response_fixture)).unwrap();
    RegisteredWebhook::new(&RegisterWebhook::try_from(&spec()).unwrap(), response)
}

#[test]
fn provider_to_unified_to_provider_is_lossless() {
    for name in ["register_response.json", "register_response_drift.json", "register_response_schema_example.json"] {
        let original = registered(name);
        let endpoint = Endpoint::from(original.clone());
        let back = RegisteredWebhook::try_from(&endpoint).unwrap();

        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&original).unwrap(), "{name}");
        assert_eq!(
            back.api_secret_key.as_ref().map(|s| s.expose().to_owned()),
            original.api_secret_key.as_ref().map(|s| s.expose().to_owned())
        );
        // The response object itself comes back exactly (its secret through Endpoint::secret).
        let mut expected = fixture_json(name);
        let secret = expected.as_object_mut().unwrap().remove("apiSecretKey").unwrap();
        assert_eq!(serde_json::to_value(back.response()).unwrap(), expected, "{name}");
        assert_eq!(json!(back.response().api_secret_key.unwrap().expose()), secret);
        assert_eq!(back.url, "https://example.com/hooks/abbeycross");
        assert_eq!(back.events, vec![EventType::new("payment.completed"), EventType::new("trade.settled")]);
    }
}

#[test]
fn endpoints_abbeycross_cannot_represent_are_refused() {
    let base = || Endpoint::from(registered("register_response.json"));
    let mut other = base();
    other.provider = hookbridge_core::ProviderId::new("miex");
    let mut two_urls = base();
    two_urls.urls.push("https://example.com/b".into());
    let mut other_id = base();
    other_id.id = EndpointId::new("wh_1").unwrap();
    let mut all = base();
    all.events = EventSelection::All;
    let mut active = base();
    active.status = EndpointStatus::Active;
    let mut named = base();
    named.name = Some("x".into());
    let mut dated = base();
    dated.created_at = Some("2024-01-01T00:00:00Z".parse().unwrap());
    let mut bad_message = base();
    bad_message.provider_fields.insert("message".into(), json!(1));
    for (ep, field) in [
        (other, "provider"),
        (two_urls, "url"),
        (other_id, "id"),
        (all, "events"),
        (active, "status"),
        (named, "name"),
        (dated, "created_at"),
        (bad_message, "provider_fields"),
    ] {
        assert_eq!(RegisteredWebhook::try_from(&ep).unwrap_err().field, field);
    }
}
