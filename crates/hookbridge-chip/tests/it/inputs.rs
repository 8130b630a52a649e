//! Refused input: `Error::InvalidInput`, and the server receives nothing.

use hookbridge_chip::{ChipClient, ChipEvent, WebhookId, WebhookPatch, WebhookRequest};
use hookbridge_core::{ClientConfig, Error, Secret};

use crate::common::*;

fn field_of(err: Error) -> &'static str {
    match err {
        Error::InvalidInput(e) => e.field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn valid() -> WebhookRequest {
    WebhookRequest::new("Orders", "https://shop.example.com/chip".parse::<url::Url>().unwrap())
        .event(ChipEvent::PurchasePaid)
}

#[test]
fn webhook_ids_must_be_uuids() {
    for bad in [
        "",
        "not-a-uuid",
        "3c90c3cc-0d44-4b50-8888-8dd25736052",
        "3c90c3cc-0d44-4b50-8888-8dd25736052a0",
        "3c90c3cc0d444b5088888dd25736052a0000",
        "3c90c3cc-0d44-4b50-8888-8dd25736052g",
        "../webhooks/3c90c3cc-0d44-4b50-8888",
        "3c90c3cc-0d44-4b50-8888-8dd2573605/a",
    ] {
        let err = WebhookId::new(bad).unwrap_err();
        assert_eq!(err.field, "id", "{bad:?}");
    }
    assert!(WebhookId::new("3C90C3CC-0D44-4B50-8888-8DD25736052A").is_ok());
    assert!("3c90c3cc-0d44-4b50-8888-8dd25736052a".parse::<WebhookId>().is_ok());
}

#[tokio::test]
async fn invalid_create_bodies_send_nothing() {
    let (server, client) = setup().await;
    let long_url = format!("https://example.com/{}", "a".repeat(481));
    let cases: Vec<(WebhookRequest, &str)> = vec![
        (WebhookRequest { title: String::new(), ..valid() }, "title"),
        (WebhookRequest { title: "   ".into(), ..valid() }, "title"),
        (WebhookRequest { title: "t".repeat(101), ..valid() }, "title"),
        (WebhookRequest { callback: "<string>".into(), ..valid() }, "callback"),
        (WebhookRequest { callback: "shop.example.com/chip".into(), ..valid() }, "callback"),
        (WebhookRequest { callback: "ftp://shop.example.com/chip".into(), ..valid() }, "callback"),
        (WebhookRequest { callback: "mailto:ops@example.com".into(), ..valid() }, "callback"),
        (WebhookRequest { callback: long_url, ..valid() }, "callback"),
        (WebhookRequest { events: vec![], ..valid() }, "events"),
        (valid().event(ChipEvent::PurchasePaid), "events"),
        (valid().event(ChipEvent::from("bad event")), "events"),
        (valid().event(ChipEvent::from("")), "events"),
        (valid().public_key("  "), "public_key"),
    ];
    for (body, field) in cases {
        let err = client.webhooks().create(&body).await.unwrap_err();
        assert_eq!(field_of(err), field, "{body:?}");
        let err = client.webhooks().update(&WebhookId::new(WEBHOOK_ID).unwrap(), &body).await.unwrap_err();
        assert_eq!(field_of(err), field, "{body:?}");
    }
    // The limits themselves are accepted.
    let edge = WebhookRequest {
        title: "t".repeat(100),
        callback: format!("https://example.com/{}", "a".repeat(480)),
        ..valid()
    };
    assert!(edge.validate().is_ok());
    assert!(valid().events(vec![]).all_events(true).validate().is_ok());
    assert_no_requests(&server).await;
}

#[tokio::test]
async fn invalid_patches_send_nothing() {
    let (server, client) = setup().await;
    let id = WebhookId::new(WEBHOOK_ID).unwrap();
    let cases = [
        (WebhookPatch::new(), "patch"),
        (WebhookPatch::new().title(""), "title"),
        (WebhookPatch { callback: Some("nope".into()), ..WebhookPatch::new() }, "callback"),
        (WebhookPatch::new().events(vec![]), "events"),
        (WebhookPatch::new().events([ChipEvent::PurchasePaid, ChipEvent::PurchasePaid]), "events"),
        (WebhookPatch::new().public_key(""), "public_key"),
    ];
    for (patch, field) in cases {
        let err = client.webhooks().patch(&id, &patch).await.unwrap_err();
        assert_eq!(field_of(err), field, "{patch:?}");
    }
    assert!(WebhookPatch::new().events(vec![]).all_events(true).validate().is_ok());
    assert_no_requests(&server).await;
}

#[test]
fn bad_secret_keys_and_base_urls_are_refused() {
    for bad in ["", "   ", "key with space", "key\n"] {
        let err = ChipClient::new(Secret::new(bad)).unwrap_err();
        assert_eq!(field_of(err), "api_key", "{bad:?}");
    }
    for bad in ["not a url", "ftp://gate.chip-in.asia/api/v1/", "https://gate.chip-in.asia/api/v1/?x=1"] {
        assert!(ClientConfig::new(bad).is_err(), "{bad}");
    }
}
