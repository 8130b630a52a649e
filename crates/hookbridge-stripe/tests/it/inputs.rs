//! Input refused before anything is sent: ids, URLs, events, metadata, paging parameters,
//! versions and accounts. Every refusal names the parameter.

use hookbridge_core::{DeliveryUrl, InvalidInput};
use hookbridge_stripe::{
    AccountId, ApiVersion, CreateWebhookEndpoint, EventType, ListWebhookEndpoints, RequestOptions,
    UpdateWebhookEndpoint, WebhookEndpointId, webhook_endpoints,
};

use crate::common::WE_ID;

fn url() -> DeliveryUrl {
    DeliveryUrl::new("https://example.com/hooks").unwrap()
}

fn field(err: InvalidInput) -> &'static str {
    err.field
}

#[test]
fn invalid_ids_are_refused() {
    for bad in ["", ".", "..", "we_1/../../v1/customers", "we_1/", "we 1", "we_1\n", "we_\u{e9}", "we_\u{200b}"] {
        let err = WebhookEndpointId::new(bad).unwrap_err();
        assert_eq!(err.field, "id", "{bad:?}");
    }
    assert!(WebhookEndpointId::new("x".repeat(257)).is_err());
    assert!(WebhookEndpointId::new("x".repeat(256)).is_ok());
    assert!("evt_1".parse::<hookbridge_stripe::EventId>().is_ok());
    assert_eq!(hookbridge_stripe::EventId::new("evt/1").unwrap_err().field, "event_id");
}

#[test]
fn unvalidated_ids_from_elsewhere_are_checked_again_when_a_request_is_built() {
    let smuggled = WebhookEndpointId::from_provider("we_1/../../customers");
    let options = RequestOptions::new();
    assert_eq!(field(webhook_endpoints::retrieve(&smuggled, &options).unwrap_err()), "id");
    assert_eq!(field(webhook_endpoints::delete(&smuggled, &options).unwrap_err()), "id");
    let update = UpdateWebhookEndpoint::new().disabled(true);
    assert_eq!(field(webhook_endpoints::update(&smuggled, &update, &options).unwrap_err()), "id");
    let list = ListWebhookEndpoints::new().starting_after(WebhookEndpointId::from_provider("we 1"));
    assert_eq!(field(webhook_endpoints::list_page(&list, &options).unwrap_err()), "starting_after");
    let list = ListWebhookEndpoints::new().ending_before(WebhookEndpointId::from_provider(""));
    assert_eq!(field(webhook_endpoints::list_page(&list, &options).unwrap_err()), "ending_before");
}

#[test]
fn invalid_urls_cannot_be_built() {
    for bad in ["", "example.com/hooks", " https://example.com", "https://example.com/\n", "mailto:a@b.c", "https://"] {
        assert_eq!(DeliveryUrl::new(bad).unwrap_err().field, "url", "{bad:?}");
    }
}

#[test]
fn event_lists_must_name_events() {
    let none = CreateWebhookEndpoint::new(url(), Vec::<EventType>::new());
    assert_eq!(field(webhook_endpoints::create(&none, &RequestOptions::new()).unwrap_err()), "enabled_events");
    for bad in ["", "charge. succeeded", "charge.succeeded\n"] {
        let create = CreateWebhookEndpoint::new(url(), [bad]);
        assert_eq!(create.validate().unwrap_err().field, "enabled_events", "{bad:?}");
    }
    let update = UpdateWebhookEndpoint::new().enabled_events(Vec::<EventType>::new());
    assert_eq!(update.validate().unwrap_err().field, "enabled_events");
}

#[test]
fn metadata_limits_are_stripes() {
    let at_limits =
        (0..50).fold(CreateWebhookEndpoint::new(url(), ["*"]), |c, i| c.metadata(format!("{i:0>40}"), "v".repeat(500)));
    assert!(at_limits.validate().is_ok());
    assert_eq!(at_limits.clone().metadata("one-more", "x").validate().unwrap_err().field, "metadata");

    let create = || CreateWebhookEndpoint::new(url(), ["*"]);
    for (key, value) in [
        ("k".repeat(41), "v".to_owned()),
        (String::new(), "v".to_owned()),
        ("order[id]".to_owned(), "v".to_owned()),
        ("a]".to_owned(), "v".to_owned()),
        ("k".to_owned(), "v".repeat(501)),
    ] {
        let err = create().metadata(key.clone(), value).validate().unwrap_err();
        assert_eq!(err.field, "metadata", "{key:?}");
    }
    // Characters, not bytes: 40 two-byte characters are a valid key.
    assert!(create().metadata("é".repeat(40), "ü".repeat(500)).validate().is_ok());

    let update = UpdateWebhookEndpoint::new().unset_metadata("k".repeat(41));
    assert_eq!(update.validate().unwrap_err().field, "metadata");
    let update = UpdateWebhookEndpoint::new().clear_metadata().metadata("team", "ops");
    assert_eq!(update.validate().unwrap_err().field, "metadata");
}

#[test]
fn an_update_must_change_something() {
    let err = webhook_endpoints::update(
        &WebhookEndpointId::new(WE_ID).unwrap(),
        &UpdateWebhookEndpoint::new(),
        &RequestOptions::new(),
    )
    .unwrap_err();
    assert_eq!(err.field, "update");
    assert!(UpdateWebhookEndpoint::new().is_empty());
    assert!(!UpdateWebhookEndpoint::new().clear_metadata().is_empty());
}

#[test]
fn paging_parameters_are_checked() {
    for bad in [0, 101, u32::MAX] {
        assert_eq!(ListWebhookEndpoints::new().limit(bad).validate().unwrap_err().field, "limit", "{bad}");
    }
    for good in [1, 10, 100] {
        assert!(ListWebhookEndpoints::new().limit(good).validate().is_ok(), "{good}");
    }
    let both = ListWebhookEndpoints::new()
        .starting_after(WebhookEndpointId::new("we_a").unwrap())
        .ending_before(WebhookEndpointId::new("we_b").unwrap());
    assert_eq!(field(webhook_endpoints::list_page(&both, &RequestOptions::new()).unwrap_err()), "starting_after");
}

#[test]
fn versions_and_accounts_must_fit_a_header() {
    for bad in ["", "2024-12-18 acacia", "2024-12-18.acacia\r\nX-Injected: 1", "v\u{e9}"] {
        assert_eq!(ApiVersion::new(bad).unwrap_err().field, "api_version", "{bad:?}");
    }
    assert!(AccountId::new("acct_1032D82eZvKYlo2C").is_ok());
    assert_eq!(AccountId::new("acct_1\r\nX: y").unwrap_err().field, "stripe_account");
    let smuggled = RequestOptions::new().stripe_account(AccountId::from_provider("acct_1\nX: y"));
    let err = webhook_endpoints::retrieve(&WebhookEndpointId::new(WE_ID).unwrap(), &smuggled).unwrap_err();
    assert_eq!(err.field, "stripe_account");
}
