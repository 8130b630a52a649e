//! The unified Webhook trait: create through `dyn Webhook`, the unsupported operations, spec
//! validation, and the lossless MIEX → unified → MIEX round trip.

use hookbridge_core::{Endpoint, EndpointSpec, EndpointStatus, Error, EventSelection, EventType, Webhook};
use hookbridge_miex::{MiexEvent, MiexWebhook, RegisterWebhook};
use serde_json::{Value, json};

use crate::common::*;

fn spec() -> EndpointSpec {
    EndpointSpec::new("https://example.com/webhooks/exchange".parse::<url::Url>().unwrap())
        .event("order.created")
        .event("order.status_changed")
}

#[tokio::test]
async fn create_through_dyn_webhook_registers_and_maps_every_field() {
    let server = server().await;
    mount_register(&server, 200, &fixture("register_response.json")).await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));

    let ep = hook.create(&spec()).await.unwrap();

    assert_register_request(&server, BRANCH_KEY, &fixture_json("register_request.json")).await;
    assert_eq!(ep.provider, hookbridge_miex::PROVIDER);
    assert_eq!(ep.id.as_str(), "550e8400-e29b-41d4-a716-446655440000");
    assert_eq!(ep.urls, vec!["https://example.com/webhooks/exchange".to_owned()]);
    assert_eq!(ep.events, EventSelection::Only(vec!["order.created".into(), "order.status_changed".into()]));
    assert_eq!(ep.status, EndpointStatus::Active);
    assert_eq!(ep.name, None);
    assert_eq!(ep.created_at, Some("2023-11-07T05:31:56Z".parse().unwrap()));
    assert_eq!(ep.updated_at, Some("2023-11-07T05:31:56Z".parse().unwrap()));
    assert_eq!(ep.has_secret, Some(true));
    assert_eq!(ep.secret.as_ref().unwrap().expose(), DOC_SECRET);
    let fields = Value::Object(ep.provider_fields.clone());
    assert_eq!(
        fields,
        json!({
            "failCount": 0,
            "note": "Store this secret key securely — it will not be shown again. Use it to verify HMAC-SHA256 signatures."
        })
    );
}

#[tokio::test]
async fn all_events_expands_to_the_four_documented_events() {
    let server = server().await;
    mount_register(&server, 200, &fixture("register_response_all_events.json")).await;
    let hook: &dyn Webhook = &client(&server);

    let ep = hook
        .create(&EndpointSpec::new("https://example.com/webhooks/exchange".parse::<url::Url>().unwrap()).all_events())
        .await;
    let ep = ep.unwrap();

    let body = json!({
        "url": "https://example.com/webhooks/exchange",
        "events": ["order.created", "order.status_changed", "order.cancelled", "offer.updated"]
    });
    assert_register_request(&server, BRANCH_KEY, &body).await;
    assert_eq!(ep.status, EndpointStatus::Inactive);
    assert_eq!(ep.provider_fields.get("failCount"), Some(&json!(17)));
}

#[tokio::test]
async fn capabilities_are_declared() {
    let server = server().await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));
    let caps = hook.capabilities();
    assert!(caps.create && caps.event_selection && caps.all_events && caps.secret_on_create);
    assert!(!caps.get && !caps.list && !caps.update && !caps.delete && !caps.rotate_secret && !caps.multiple_urls);
    // The provider id, and that the other operations fail typed and send nothing, are checked
    // for every provider by the conformance suite (tests/it/conformance.rs at the workspace root).
}

#[tokio::test]
async fn specs_miex_cannot_take_are_refused_before_sending() {
    let server = server().await;
    let hook: Box<dyn Webhook> = Box::new(client(&server));
    let url = || "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap();
    let mut no_url = spec();
    no_url.urls.clear();
    let cases = [
        (no_url, "url"),
        (spec().url("https://example.com/second".parse::<url::Url>().unwrap()), "url"),
        (EndpointSpec::new(url()), "events"),
        (EndpointSpec::new(url()).event("order.created").event("order.refunded"), "events"),
        (EndpointSpec::new(url()).event("ORDER.CREATED"), "events"),
        (spec().name("orders"), "name"),
        (spec().provider_field("description", "x"), "provider_fields"),
        (EndpointSpec::new("ftp://example.com/x".parse::<url::Url>().unwrap()).event("order.created"), "url"),
    ];
    for (spec, field) in cases {
        match hook.create(&spec).await.unwrap_err() {
            Error::InvalidInput(i) => assert_eq!(i.field, field, "{spec:?}: {i}"),
            other => panic!("{spec:?}: expected InvalidInput, got {other:?}"),
        }
    }
    // A public key is refused by the unified create too.
    let public: Box<dyn Webhook> = Box::new(client_with(&server, PUBLIC_KEY));
    match public.create(&spec()).await.unwrap_err() {
        Error::InvalidInput(i) => assert_eq!(i.field, "api_key"),
        other => panic!("{other:?}"),
    }
    assert_nothing_sent(&server).await;
}

#[test]
fn spec_converts_to_the_register_body() {
    let req = RegisterWebhook::try_from(&spec()).unwrap();
    assert_eq!(serde_json::to_value(&req).unwrap(), fixture_json("register_request.json"));
    let all =
        RegisterWebhook::try_from(&EndpointSpec::new("https://e.com/h".parse::<url::Url>().unwrap()).all_events())
            .unwrap();
    assert_eq!(all.events, MiexEvent::ALL.to_vec());
}

#[test]
fn provider_to_unified_to_provider_is_lossless() {
    for name in [
        "register_response.json",
        "register_response_all_events.json",
        "register_response_drift.json",
        "register_response_minimal.json",
    ] {
        let raw = fixture_json(name);
        let original: MiexWebhook = serde_json::from_value(raw.clone()).unwrap();
        let endpoint = Endpoint::from(original.clone());
        let back = MiexWebhook::try_from(&endpoint).unwrap();

        assert_eq!(serde_json::to_value(&back).unwrap(), serde_json::to_value(&original).unwrap(), "{name}");
        assert_eq!(
            back.secret_key.as_ref().map(|s| s.expose().to_owned()),
            original.secret_key.as_ref().map(|s| s.expose().to_owned()),
            "{name}"
        );
        // And the JSON object itself, secret aside, is reproduced exactly.
        let mut expected = raw;
        expected.as_object_mut().unwrap().remove("secretKey");
        assert_eq!(serde_json::to_value(&back).unwrap(), expected, "{name}");
    }
}

#[test]
fn unknown_events_round_trip_through_the_unified_model() {
    let hook: MiexWebhook = serde_json::from_value(fixture_json("register_response_drift.json")).unwrap();
    let ep = Endpoint::from(hook);
    assert_eq!(ep.events.events()[1], EventType::new("order.refunded"));
    assert_eq!(ep.provider_fields.get("branchId"), Some(&json!(12)));
    let back = MiexWebhook::try_from(&ep).unwrap();
    assert_eq!(back.events[1], MiexEvent::Unknown("order.refunded".into()));
}

#[test]
fn endpoints_miex_cannot_represent_are_refused() {
    let base =
        || Endpoint::from(serde_json::from_value::<MiexWebhook>(fixture_json("register_response.json")).unwrap());
    let mut other_provider = base();
    other_provider.provider = hookbridge_core::ProviderId::new("chip");
    let mut two_urls = base();
    two_urls.urls.push("https://example.com/b".into());
    let mut deleted = base();
    deleted.status = EndpointStatus::Deleted;
    let mut bad_count = base();
    bad_count.provider_fields.insert("failCount".into(), json!("many"));
    let mut bad_note = base();
    bad_note.provider_fields.insert("note".into(), json!(3));
    let mut named = base();
    named.name = Some("x".into());
    for (ep, field) in [
        (other_provider, "provider"),
        (two_urls, "url"),
        (deleted, "status"),
        (bad_count, "provider_fields"),
        (bad_note, "provider_fields"),
        (named, "name"),
    ] {
        assert_eq!(MiexWebhook::try_from(&ep).unwrap_err().field, field);
    }
}
