//! Every operation: the outgoing request (method, URL, headers, exact form pairs in order) and
//! the decoded answer from the documented example.

use hookbridge_core::{DeliveryUrl, IdempotencyKey};
use hookbridge_stripe::{
    AccountId, ApiVersion, CreateWebhookEndpoint, DeletedWebhookEndpoint, EventType, List, ListWebhookEndpoints,
    RequestOptions, UpdateWebhookEndpoint, WebhookEndpoint, WebhookEndpointId, WebhookEndpointStatus,
    webhook_endpoints,
};

use crate::common::{WE_ID, decode, outgoing, owned, ts};

fn url(raw: &str) -> DeliveryUrl {
    DeliveryUrl::new(raw).unwrap()
}

fn we_id() -> WebhookEndpointId {
    WebhookEndpointId::new(WE_ID).unwrap()
}

#[test]
fn create_sends_the_documented_form_and_decodes_the_secret() {
    let params = CreateWebhookEndpoint::new(
        url("https://example.com/my/webhook/endpoint"),
        [EventType::ChargeSucceeded, EventType::ChargeFailed, EventType::from("billing.future_event.created")],
    )
    .api_version(ApiVersion::new("2024-12-18.acacia").unwrap())
    .connect(true)
    .description("Order events")
    .metadata("team", "payments")
    .metadata("env", "test");
    let request = webhook_endpoints::create(&params, &RequestOptions::new()).unwrap();
    assert_eq!(request.operation(), "create_webhook_endpoint");
    let out = outgoing(&request);
    out.assert("POST", "/v1/webhook_endpoints", None);
    assert_eq!(
        out.pairs(),
        owned(&[
            ("enabled_events[]", "charge.succeeded"),
            ("enabled_events[]", "charge.failed"),
            ("enabled_events[]", "billing.future_event.created"),
            ("url", "https://example.com/my/webhook/endpoint"),
            ("api_version", "2024-12-18.acacia"),
            ("connect", "true"),
            ("description", "Order events"),
            ("metadata[env]", "test"),
            ("metadata[team]", "payments"),
        ])
    );
    // The key is on the request and in its header; no other Stripe header was asked for.
    let key = request.idempotency_key().unwrap().as_str().to_owned();
    assert_eq!(out.header("idempotency-key"), Some(key.as_str()));
    assert_eq!(out.header("stripe-version"), None);
    assert_eq!(out.header("stripe-account"), None);
    assert_eq!(out.headers.len(), 3, "content-type, idempotency-key, authorization: {:?}", out.headers.keys());

    let created: WebhookEndpoint = decode("webhook_endpoint_created.json");
    assert_eq!(created.id.as_str(), WE_ID);
    assert_eq!(created.object, "webhook_endpoint");
    assert_eq!(created.api_version, None);
    assert_eq!(created.application, None);
    assert_eq!(created.created, ts(1680122196));
    assert_eq!(created.description, None);
    assert_eq!(created.enabled_events, [EventType::ChargeSucceeded, EventType::ChargeFailed]);
    assert!(!created.livemode);
    assert!(created.metadata.is_empty());
    assert_eq!(created.secret.as_ref().map(|s| s.expose()), Some("whsec_wRNftLajMZNeslQOP6vEPm4iVx5NlZ6z"));
    assert_eq!(created.status, WebhookEndpointStatus::Enabled);
    assert_eq!(created.url, "https://example.com/my/webhook/endpoint");
    assert!(created.extra.is_empty());
    assert!(!created.all_events());
}

#[test]
fn create_for_every_event_sends_the_star_and_the_url_as_written() {
    // `url::Url` would send `https://example.com/`; the caller's spelling goes out unchanged.
    let params = CreateWebhookEndpoint::all_events(url("https://example.com"));
    let out = outgoing(&webhook_endpoints::create(&params, &RequestOptions::new()).unwrap());
    out.assert("POST", "/v1/webhook_endpoints", None);
    assert_eq!(out.pairs(), owned(&[("enabled_events[]", "*"), ("url", "https://example.com")]));
    assert_eq!(String::from_utf8(out.body.clone()).unwrap(), "enabled_events[]=*&url=https%3A%2F%2Fexample.com");
}

#[test]
fn create_with_options_sends_the_callers_key_version_and_account() {
    let options = RequestOptions::new()
        .idempotency_key(IdempotencyKey::new("order-6735-webhook").unwrap())
        .stripe_version(ApiVersion::new("2024-12-18.acacia").unwrap())
        .stripe_account(AccountId::new("acct_1032D82eZvKYlo2C").unwrap());
    let params = CreateWebhookEndpoint::new(url("https://example.com/hooks"), ["invoice.paid"]).connect(false);
    let out = outgoing(&webhook_endpoints::create(&params, &options).unwrap());
    out.assert("POST", "/v1/webhook_endpoints", None);
    assert_eq!(out.header("idempotency-key"), Some("order-6735-webhook"));
    assert_eq!(out.header("stripe-version"), Some("2024-12-18.acacia"));
    assert_eq!(out.header("stripe-account"), Some("acct_1032D82eZvKYlo2C"));
    assert_eq!(
        out.pairs(),
        owned(&[("enabled_events[]", "invoice.paid"), ("url", "https://example.com/hooks"), ("connect", "false")])
    );
}

#[test]
fn form_values_are_encoded_and_decode_to_the_exact_strings() {
    let awkward_url = "https://example.com/hooks?a=1&b=two words#frag";
    let description = "Orders & refunds = 100% (café) +tax";
    let params = CreateWebhookEndpoint::new(url(awkward_url), ["charge.refunded"])
        .description(description)
        .metadata("order id", "a&b=c");
    let out = outgoing(&webhook_endpoints::create(&params, &RequestOptions::new()).unwrap());
    assert_eq!(
        out.pairs(),
        owned(&[
            ("enabled_events[]", "charge.refunded"),
            ("url", awkward_url),
            ("description", description),
            ("metadata[order id]", "a&b=c"),
        ])
    );
    let raw = String::from_utf8(out.body.clone()).unwrap();
    assert!(raw.contains("description=Orders+%26+refunds+%3D+100%25+%28caf%C3%A9%29+%2Btax"), "{raw}");
    assert!(raw.contains("&metadata[order+id]=a%26b%3Dc"), "brackets stay literal in keys: {raw}");
}

#[test]
fn retrieve_is_a_get_without_body_or_key() {
    // Even when options carry a key: Stripe says keys on GET have no effect, so none is sent.
    let options = RequestOptions::new().idempotency_key(IdempotencyKey::new("ignored-on-get").unwrap());
    let request = webhook_endpoints::retrieve(&we_id(), &options).unwrap();
    assert_eq!(request.operation(), "retrieve_webhook_endpoint");
    assert!(request.form().is_none());
    let out = outgoing(&request);
    out.assert("GET", &format!("/v1/webhook_endpoints/{WE_ID}"), None);
    assert!(out.body.is_empty());
    assert_eq!(out.header("idempotency-key"), None);
    assert_eq!(out.headers.len(), 1, "only authorization: {:?}", out.headers.keys());

    let endpoint: WebhookEndpoint = decode("webhook_endpoint.json");
    assert_eq!(endpoint.id, we_id());
    assert!(endpoint.secret.is_none(), "the secret is only returned at creation");
    assert_eq!(endpoint.enabled_events, [EventType::ChargeSucceeded, EventType::ChargeFailed]);
    assert_eq!(endpoint.status, WebhookEndpointStatus::Enabled);
}

#[test]
fn update_sends_only_what_changes_and_decodes_the_result() {
    let params = UpdateWebhookEndpoint::new()
        .url(url("https://example.com/new/webhook/endpoint"))
        .enabled_events([EventType::All])
        .description("Order events")
        .metadata("owner", "ops")
        .unset_metadata("team")
        .disabled(true);
    let request = webhook_endpoints::update(&we_id(), &params, &RequestOptions::new()).unwrap();
    assert_eq!(request.operation(), "update_webhook_endpoint");
    let out = outgoing(&request);
    out.assert("POST", &format!("/v1/webhook_endpoints/{WE_ID}"), None);
    assert_eq!(
        out.pairs(),
        owned(&[
            ("description", "Order events"),
            ("enabled_events[]", "*"),
            ("metadata[owner]", "ops"),
            ("metadata[team]", ""),
            ("url", "https://example.com/new/webhook/endpoint"),
            ("disabled", "true"),
        ])
    );
    assert!(out.header("idempotency-key").is_some_and(|k| k.starts_with("hb-")));

    let updated: WebhookEndpoint = decode("webhook_endpoint_updated.json");
    assert_eq!(updated.status, WebhookEndpointStatus::Disabled);
    assert_eq!(updated.api_version.as_ref().map(ApiVersion::as_str), Some("2024-12-18.acacia"));
    assert_eq!(updated.application.as_deref(), Some("ca_OAjBu0BryI5mrgK3dT8wQ2Zp"));
    assert_eq!(updated.description.as_deref(), Some("Order events"));
    assert!(updated.all_events() && updated.livemode);
    assert_eq!(updated.metadata.get("owner").map(String::as_str), Some("ops"));
}

#[test]
fn update_empties_with_empty_values() {
    let params = UpdateWebhookEndpoint::new().clear_description().clear_metadata().disabled(false);
    let out = outgoing(&webhook_endpoints::update(&we_id(), &params, &RequestOptions::new()).unwrap());
    assert_eq!(out.pairs(), owned(&[("description", ""), ("metadata", ""), ("disabled", "false")]));
    assert_eq!(String::from_utf8(out.body.clone()).unwrap(), "description=&metadata=&disabled=false");
}

#[test]
fn list_page_sends_the_cursor_query_and_decodes_the_envelope() {
    let params = ListWebhookEndpoints::new().limit(3).starting_after(we_id());
    let request = webhook_endpoints::list_page(&params, &RequestOptions::new()).unwrap();
    assert_eq!(request.operation(), "list_webhook_endpoints");
    let out = outgoing(&request);
    out.assert("GET", "/v1/webhook_endpoints", Some(&format!("limit=3&starting_after={WE_ID}")));
    assert!(out.body.is_empty());

    let backward = ListWebhookEndpoints::new().ending_before(we_id());
    let out = outgoing(&webhook_endpoints::list_page(&backward, &RequestOptions::new()).unwrap());
    out.assert("GET", "/v1/webhook_endpoints", Some(&format!("ending_before={WE_ID}")));
    let out = outgoing(&webhook_endpoints::list_page(&ListWebhookEndpoints::new(), &RequestOptions::new()).unwrap());
    out.assert("GET", "/v1/webhook_endpoints", None);

    let list: List<WebhookEndpoint> = decode("webhook_endpoints_list_docs.json");
    assert_eq!(list.object, "list");
    assert_eq!(list.url, "/v1/webhook_endpoints");
    assert!(!list.has_more);
    assert_eq!(list.data.len(), 1);
    assert_eq!(list.data[0].id, we_id());
}

#[test]
fn delete_is_a_delete_without_body_or_key_and_decodes_the_tombstone() {
    let request = webhook_endpoints::delete(&we_id(), &RequestOptions::new()).unwrap();
    assert_eq!(request.operation(), "delete_webhook_endpoint");
    let out = outgoing(&request);
    out.assert("DELETE", &format!("/v1/webhook_endpoints/{WE_ID}"), None);
    assert!(out.body.is_empty());
    assert_eq!(out.header("idempotency-key"), None);

    let deleted: DeletedWebhookEndpoint = decode("webhook_endpoint_deleted.json");
    assert_eq!(deleted.id, we_id());
    assert_eq!(deleted.object, "webhook_endpoint");
    assert!(deleted.deleted);
}

#[test]
fn ids_go_out_as_one_percent_encoded_segment() {
    let odd = WebhookEndpointId::new("we_a?b#c%d").unwrap();
    let out = outgoing(&webhook_endpoints::retrieve(&odd, &RequestOptions::new()).unwrap());
    assert_eq!(out.url.path(), "/v1/webhook_endpoints/we_a%3Fb%23c%25d");
    assert_eq!(out.url.query(), None);
    assert_eq!(out.url.fragment(), None);
}

#[test]
fn stripe_headers_go_on_every_method() {
    let options = RequestOptions::new()
        .stripe_version(ApiVersion::new("2020-08-27").unwrap())
        .stripe_account(AccountId::new("acct_1032D82eZvKYlo2C").unwrap());
    for request in [
        webhook_endpoints::retrieve(&we_id(), &options).unwrap(),
        webhook_endpoints::delete(&we_id(), &options).unwrap(),
        webhook_endpoints::list_page(&ListWebhookEndpoints::new(), &options).unwrap(),
    ] {
        let out = outgoing(&request);
        assert_eq!(out.header("stripe-version"), Some("2020-08-27"), "{}", request.operation());
        assert_eq!(out.header("stripe-account"), Some("acct_1032D82eZvKYlo2C"), "{}", request.operation());
    }
}

#[test]
fn only_real_brackets_stay_literal_in_encoded_keys() {
    use hookbridge_stripe::Form;
    let mut form = Form::new();
    form.push("a%5Bb", "x").push_map("metadata", [("k%5D", "[v]")]).push_list("enabled_events", ["*"]);
    let encoded = form.encode();
    assert_eq!(encoded, "a%255Bb=x&metadata[k%255D]=%5Bv%5D&enabled_events[]=*");
    let decoded: Vec<(String, String)> = url::form_urlencoded::parse(encoded.as_bytes()).into_owned().collect();
    assert_eq!(decoded, form.pairs());
    assert!(Form::new().is_empty() && Form::new().encode().is_empty());
}
