//! The unified `Webhook` trait over BLAZE, and the lossless provider ⇄ unified conversions.

use futures_util::{StreamExt, TryStreamExt};
use hookbridge_blaze::{BlazeClient, CreateWebHook, PartnerWebHook};
use hookbridge_core::{
    Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate, Error, EventSelection, EventType, ListFilter,
    Operation, Timestamp, Webhook,
};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const ID: &str = "65a1f0c2e4b0a1b2c3d4e5f6";

fn boxed(server: &MockServer) -> Box<dyn Webhook> {
    Box::new(client(server))
}

fn url(s: &str) -> url::Url {
    s.parse().unwrap()
}

fn assert_fixture_endpoint(ep: &Endpoint) {
    assert_eq!(ep.provider, hookbridge_blaze::PROVIDER);
    assert_eq!(ep.id.as_str(), ID);
    assert_eq!(ep.urls, ["https://partner.example.com/blaze/orders", "https://backup.example.com/blaze/orders"]);
    assert_eq!(ep.events, EventSelection::Only(vec![EventType::from("NEW_CONSUMER_ORDER")]));
    assert_eq!(ep.status, EndpointStatus::Active);
    assert_eq!(ep.name, None);
    assert_eq!(ep.created_at, Some(Timestamp::from_millisecond(1_705_087_682_123).unwrap()));
    assert_eq!(ep.updated_at, Some(Timestamp::from_millisecond(1_705_174_082_456).unwrap()));
    assert_eq!(ep.has_secret, Some(false));
    assert!(ep.secret.is_none());
    assert_eq!(
        serde_json::Value::Object(ep.provider_fields.clone()),
        json!({
            "companyId": "5c8f9e2ab1d4e70012ab34cd",
            "shopId": "5c8f9e2ab1d4e70012ab34ce",
            "url": "https://partner.example.com/blaze",
            "deleted": false,
            "updated": true,
            "webHookType": "NEW_CONSUMER_ORDER"
        })
    );
}

#[test]
fn capabilities_describe_blaze() {
    let client = BlazeClient::new(keys()).unwrap();
    let caps = client.capabilities();
    for op in [Operation::Create, Operation::Get, Operation::List, Operation::Update, Operation::Delete] {
        assert!(caps.supports(op), "{op}");
    }
    assert!(!caps.supports(Operation::RotateSecret));
    assert!(!caps.rotate_secret);
    assert!(!caps.event_selection);
    assert!(!caps.all_events);
    assert!(caps.multiple_urls);
    assert!(!caps.secret_on_create);
}

#[tokio::test]
async fn create_through_dyn_webhook() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(WEBHOOKS))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    let spec = EndpointSpec::new(url("https://partner.example.com/blaze/orders"))
        .url(url("https://backup.example.com/blaze/orders"))
        .provider_field("shopId", "5c8f9e2ab1d4e70012ab34ce")
        .provider_field("url", "https://partner.example.com/blaze");
    let ep = boxed(&server).create(&spec).await.unwrap();
    assert_fixture_endpoint(&ep);
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "POST");
    assert_eq!(reqs[0].url.path(), WEBHOOKS);
    assert_auth(&reqs[0]);
    assert_eq!(header(&reqs[0], "content-type"), Some("application/json"));
    assert_eq!(body_json(&reqs[0]), fixture_json("create_request.json"));
}

#[tokio::test]
async fn create_with_no_events_is_accepted() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(WEBHOOKS))
        .respond_with(json_response(200, "webhook_minimal.json"))
        .expect(1)
        .mount(&server)
        .await;
    let spec = EndpointSpec::new(url("https://partner.example.com/hook"));
    let ep = boxed(&server).create(&spec).await.unwrap();
    assert_eq!(ep.id.as_str(), "65a1f0c2e4b0a1b2c3d4e5f8");
    assert_eq!(ep.status, EndpointStatus::Unknown);
    assert_eq!(ep.events, EventSelection::Only(vec![]));
    assert!(ep.urls.is_empty() && ep.provider_fields.is_empty());
    assert_eq!(body_json(&received(&server).await[0]), json!({"webHookUrls": ["https://partner.example.com/hook"]}));
}

#[tokio::test]
async fn create_refuses_what_blaze_cannot_take_without_a_request() {
    let server = server().await;
    let hooks = boxed(&server);
    let base = || EndpointSpec::new(url("https://partner.example.com/hook"));
    let cases = [
        (base().event("NEW_MEMBER"), "events"),
        (base().all_events(), "events"),
        (base().name("orders"), "name"),
        (EndpointSpec::default(), "url"),
        (EndpointSpec::new(url("ftp://partner.example.com/hook")), "url"),
        (base().provider_field("companyId", "c-1"), "provider_fields"),
        (base().provider_field("webHookType", "NEW_MEMBER"), "provider_fields"),
        (base().provider_field("shopId", 42), "provider_fields"),
        (base().provider_field("shopId", ""), "provider_fields"),
        (base().provider_field("shopId", serde_json::Value::Null), "provider_fields"),
        (base().provider_field("url", "not a url"), "url"),
    ];
    for (spec, field) in cases {
        match hooks.create(&spec).await {
            Err(Error::InvalidInput(e)) => assert_eq!(e.field, field, "{e}"),
            other => panic!("expected invalid {field}, got {other:?}"),
        }
        assert!(CreateWebHook::try_from(&spec).is_err());
    }
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn get_through_dyn_webhook() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    let ep = boxed(&server).get(&EndpointId::new(ID).unwrap()).await.unwrap();
    assert_fixture_endpoint(&ep);
    let req = &received(&server).await[0];
    assert_eq!(req.method.as_str(), "GET");
    assert_auth(req);
}

#[tokio::test]
async fn a_webhook_without_id_is_a_decode_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(json_response(200, "webhook_no_id.json"))
        .expect(1)
        .mount(&server)
        .await;
    match boxed(&server).get(&EndpointId::new(ID).unwrap()).await {
        Err(Error::Decode(d)) => {
            assert_eq!(d.operation, "get");
            assert!(matches!(d.kind, hookbridge_core::DecodeErrorKind::Invalid(_)));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn list_through_dyn_webhook_pages_lazily() {
    let server = server().await;
    for (start, name) in [("0", "list_page_1.json"), ("2", "list_page_2.json"), ("4", "list_page_3.json")] {
        Mock::given(method("GET"))
            .and(path(WEBHOOKS))
            .and(query_param("start", start))
            .respond_with(json_response(200, name))
            .expect(1)
            .mount(&server)
            .await;
    }
    let hooks = boxed(&server);
    let eps: Vec<Endpoint> = hooks.list().try_collect().await.unwrap();
    let ids: Vec<_> = eps.iter().map(|e| e.id.as_str().to_owned()).collect();
    assert_eq!(ids, ["wh-01", "wh-02", "wh-03", "wh-04", "wh-05"]);
    assert_eq!(eps[2].events, EventSelection::Only(vec![EventType::from("CREATE_TRANSACTION")]));
    assert_eq!(eps[4].urls, ["https://partner.example.com/blaze/5"]);
    assert!(eps.iter().all(|e| e.status == EndpointStatus::Active));
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    for (req, start) in reqs.iter().zip(["0", "2", "4"]) {
        assert_eq!(query(req), pairs(&[("start", start), ("limit", "100")]));
        assert_auth(req);
    }
}

#[tokio::test]
async fn list_yields_an_error_for_an_item_without_id() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"values": [{"id": "a"}, {"shopId": "s"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let hooks = boxed(&server);
    let items: Vec<_> = futures_util::StreamExt::collect(hooks.list()).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap().id.as_str(), "a");
    assert!(matches!(items[1], Err(Error::Decode(_))));
}

#[tokio::test]
async fn update_gets_then_puts_the_full_object() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    let mut response = fixture_json("webhook.json");
    response["webHookType"] = json!("UPDATE_MEMBER");
    response["webHookUrls"] = json!(["https://new.example.com/blaze"]);
    response["shopId"] = json!("shop-2");
    Mock::given(method("PUT"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&response))
        .expect(1)
        .mount(&server)
        .await;

    let update = EndpointUpdate::new()
        .url(url("https://new.example.com/blaze"))
        .event("UPDATE_MEMBER")
        .provider_field("shopId", "shop-2");
    let ep = boxed(&server).update(&EndpointId::new(ID).unwrap(), &update).await.unwrap();
    assert_eq!(ep.urls, ["https://new.example.com/blaze"]);
    assert_eq!(ep.events, EventSelection::Only(vec![EventType::from("UPDATE_MEMBER")]));
    assert_eq!(ep.provider_fields["shopId"], json!("shop-2"));

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].method.as_str(), "GET");
    assert_eq!(reqs[1].method.as_str(), "PUT");
    assert_eq!(reqs[1].url.path(), format!("{WEBHOOKS}/{ID}"));
    assert_auth(&reqs[1]);
    assert_eq!(header(&reqs[1], "content-type"), Some("application/json"));
    // Everything the spec does not mention is sent back as fetched.
    assert_eq!(body_json(&reqs[1]), response);
}

#[tokio::test]
async fn update_without_events_keeps_the_current_type_and_undocumented_fields() {
    let server = server().await;
    let id = "65a1f0c2e4b0a1b2c3d4e5f7";
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/{id}")))
        .respond_with(json_response(200, "webhook_unknown_type.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{WEBHOOKS}/{id}")))
        .respond_with(json_response(200, "webhook_unknown_type.json"))
        .expect(1)
        .mount(&server)
        .await;
    let update = EndpointUpdate::new().url(url("https://partner.example.com/blaze/transactions"));
    let ep = boxed(&server).update(&EndpointId::new(id).unwrap(), &update).await.unwrap();
    assert_eq!(ep.status, EndpointStatus::Deleted);
    assert_eq!(ep.events, EventSelection::Only(vec![EventType::from("TRANSACTION_UPDATE")]));
    let put = &received(&server).await[1];
    assert_eq!(body_json(put), fixture_json("webhook_unknown_type.json"));
}

#[tokio::test]
async fn update_refuses_before_any_request() {
    let server = server().await;
    let hooks = boxed(&server);
    let id = EndpointId::new(ID).unwrap();
    let base = || EndpointUpdate::new().url(url("https://partner.example.com/hook"));
    let cases = [
        (base().event("NEW_MEMBER").event("UPDATE_MEMBER"), "events"),
        (base().all_events(), "events"),
        (base().name("n"), "name"),
        (EndpointUpdate::new(), "update"),
        (EndpointUpdate::new().events(EventSelection::Only(vec![])).provider_field("x", 1), "provider_fields"),
        (base().provider_field("deleted", true), "provider_fields"),
        (base().provider_field("url", "mailto:x@example.com"), "url"),
    ];
    for (spec, field) in cases {
        match hooks.update(&id, &spec).await {
            Err(Error::InvalidInput(e)) => assert_eq!(e.field, field, "{e}"),
            other => panic!("expected invalid {field}, got {other:?}"),
        }
    }
    assert!(received(&server).await.is_empty());
}

/// Only the URLs change: the GET's object comes back with `webHookUrls` replaced, nothing else.
#[tokio::test]
async fn update_of_one_field_puts_the_fetched_object_with_only_that_field_changed() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    let update = EndpointUpdate::new().url(url("https://only.example.com/new"));
    boxed(&server).update(&EndpointId::new(ID).unwrap(), &update).await.unwrap();
    let mut expected = fixture_json("webhook.json");
    expected["webHookUrls"] = json!(["https://only.example.com/new"]);
    assert_eq!(body_json(&received(&server).await[1]), expected);
}

/// The unified list filter `shopId` is sent as BLAZE's `shopId` query parameter.
#[tokio::test]
async fn list_filtered_by_shop_sends_shop_id() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .and(query_param("shopId", "shop-7"))
        .respond_with(json_response(200, "list_values_envelope.json"))
        .expect(1)
        .mount(&server)
        .await;
    let hooks = boxed(&server);
    let listed: Vec<_> = hooks.list_filtered(&ListFilter::new().provider_field("shopId", "shop-7")).collect().await;
    assert!(listed.iter().all(Result::is_ok), "{listed:?}");
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        query(&reqs[0]),
        pairs(&[("start", "0"), ("limit", &hookbridge_blaze::DEFAULT_LIMIT.to_string()), ("shopId", "shop-7")])
    );
    assert_auth(&reqs[0]);
    // Filters BLAZE does not document are refused, not ignored.
    for bad in [ListFilter::new().provider_field("companyId", "c"), ListFilter::new().provider_field("shopId", 5)] {
        let first = hooks.list_filtered(&bad).next().await.unwrap();
        assert!(first.unwrap_err().is_invalid_input());
    }
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn delete_through_dyn_webhook() {
    let server = server().await;
    Mock::given(method("DELETE"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    boxed(&server).delete(&EndpointId::new(ID).unwrap()).await.unwrap();
    let req = &received(&server).await[0];
    assert_eq!(req.method.as_str(), "DELETE");
    assert_auth(req);
}

#[test]
fn provider_to_unified_to_provider_is_lossless() {
    for name in ["webhook.json", "webhook_unknown_type.json", "webhook_minimal.json", "webhook_empty_urls.json"] {
        let original = fixture_json(name);
        let webhook: PartnerWebHook = serde_json::from_value(original.clone()).unwrap();
        let ep = Endpoint::try_from(&webhook).unwrap();
        let back = PartnerWebHook::try_from(&ep).unwrap();
        assert_eq!(back, webhook, "{name}");
        assert_eq!(serde_json::to_value(&back).unwrap(), original, "{name}");
    }
    for list in ["list_docs_envelope.json", "list_values_envelope.json", "list_page_2.json"] {
        let page: hookbridge_blaze::SearchResult = serde_json::from_str(&fixture(list)).unwrap();
        for w in page.items() {
            assert_eq!(&PartnerWebHook::try_from(&Endpoint::try_from(w).unwrap()).unwrap(), w, "{list}");
        }
    }
}

#[test]
fn status_and_events_mapping() {
    let unknown: PartnerWebHook = serde_json::from_str(&fixture("webhook_unknown_type.json")).unwrap();
    let ep = Endpoint::try_from(&unknown).unwrap();
    assert_eq!(ep.status, EndpointStatus::Deleted);
    assert_eq!(ep.events, EventSelection::Only(vec![EventType::from("TRANSACTION_UPDATE")]));
    assert_eq!(ep.provider_fields["webHookType"], json!("TRANSACTION_UPDATE"));
    assert_eq!(ep.provider_fields["version"], json!(3));
    assert_eq!(ep.provider_fields["deleted"], json!(true));
    assert!(!ep.provider_fields.contains_key("url"));

    let minimal: PartnerWebHook = serde_json::from_str(&fixture("webhook_minimal.json")).unwrap();
    let ep = Endpoint::try_from(&minimal).unwrap();
    assert_eq!(ep.status, EndpointStatus::Unknown);
    assert_eq!(ep.events, EventSelection::Only(vec![]));
    assert_eq!((ep.created_at, ep.updated_at), (None, None));
    assert!(ep.urls.is_empty() && ep.provider_fields.is_empty());

    let empty: PartnerWebHook = serde_json::from_str(&fixture("webhook_empty_urls.json")).unwrap();
    let ep = Endpoint::try_from(&empty).unwrap();
    assert!(ep.urls.is_empty());
    assert_eq!(ep.provider_fields["webHookUrls"], json!([]));

    let no_id: PartnerWebHook = serde_json::from_str(&fixture("webhook_no_id.json")).unwrap();
    assert_eq!(Endpoint::try_from(&no_id).unwrap_err().field, "id");
}

#[test]
fn unified_to_provider_refuses_what_blaze_cannot_hold() {
    let webhook: PartnerWebHook = serde_json::from_str(&fixture("webhook.json")).unwrap();
    let good = Endpoint::try_from(&webhook).unwrap();
    let refuse = |ep: &Endpoint, field: &str| {
        let err = PartnerWebHook::try_from(ep).unwrap_err();
        assert_eq!(err.field, field, "{err}");
    };
    let mut ep = good.clone();
    ep.events = EventSelection::Only(vec!["NEW_MEMBER".into(), "UPDATE_MEMBER".into()]);
    refuse(&ep, "events");
    let mut ep = good.clone();
    ep.status = EndpointStatus::Inactive;
    refuse(&ep, "status");
    let mut ep = good.clone();
    ep.name = Some("n".into());
    refuse(&ep, "name");
    let mut ep = good.clone();
    ep.provider = hookbridge_core::ProviderId::new("chip");
    refuse(&ep, "provider");
    let mut ep = good.clone();
    ep.provider_fields.insert("created".into(), json!(1));
    refuse(&ep, "provider_fields");
    let mut ep = good.clone();
    ep.provider_fields.insert("shopId".into(), json!(7));
    refuse(&ep, "provider_fields");
    let mut ep = good.clone();
    ep.urls.clear();
    ep.provider_fields.insert("webHookUrls".into(), json!(["https://x.example.com"]));
    refuse(&ep, "provider_fields");

    // Unified fields win over the raw copies: one event sets webHookType, status sets deleted.
    let mut ep = good.clone();
    ep.events = EventSelection::Only(vec!["CANCEL_TRANSACTION".into()]);
    ep.status = EndpointStatus::Deleted;
    let back = PartnerWebHook::try_from(&ep).unwrap();
    assert_eq!(back.web_hook_type, Some(hookbridge_blaze::WebHookType::CancelTransaction));
    assert_eq!(back.deleted, Some(true));
}
