//! Every documented operation: the exact outgoing request and the decoded result.

use hookbridge_blaze::{CreateWebHook, ListWebHooksOptions, PartnerWebHook, WebHookType};
use hookbridge_core::{Error, Timestamp};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

const ID: &str = "65a1f0c2e4b0a1b2c3d4e5f6";

fn assert_fixture_webhook(w: &PartnerWebHook) {
    assert_eq!(w.id.as_deref(), Some(ID));
    assert_eq!(w.company_id.as_deref(), Some("5c8f9e2ab1d4e70012ab34cd"));
    assert_eq!(w.shop_id.as_deref(), Some("5c8f9e2ab1d4e70012ab34ce"));
    assert_eq!(w.created, Some(Timestamp::from_millisecond(1_705_087_682_123).unwrap()));
    assert_eq!(w.modified, Some(Timestamp::from_millisecond(1_705_174_082_456).unwrap()));
    assert_eq!(w.created.unwrap().to_string(), "2024-01-12T19:28:02.123Z");
    assert_eq!(w.deleted, Some(false));
    assert_eq!(w.updated, Some(true));
    assert_eq!(w.url.as_deref(), Some("https://partner.example.com/blaze"));
    assert_eq!(w.web_hook_type, Some(WebHookType::NewConsumerOrder));
    assert_eq!(
        w.web_hook_urls.as_deref(),
        Some(
            &[
                "https://partner.example.com/blaze/orders".to_owned(),
                "https://backup.example.com/blaze/orders".to_owned()
            ][..]
        )
    );
    assert!(w.extra.is_empty());
}

#[tokio::test]
async fn create_posts_the_documented_body() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(WEBHOOKS))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;

    let body = CreateWebHook::new(vec![
        "https://partner.example.com/blaze/orders".parse::<url::Url>().unwrap(),
        "https://backup.example.com/blaze/orders".parse::<url::Url>().unwrap(),
    ])
    .url("https://partner.example.com/blaze".parse::<url::Url>().unwrap())
    .shop_id("5c8f9e2ab1d4e70012ab34ce");
    let created = client(&server).webhooks().create(&body).await.unwrap();
    assert_fixture_webhook(&created);

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), WEBHOOKS);
    assert_eq!(req.url.query(), None);
    assert_auth(req);
    assert_eq!(header(req, "content-type"), Some("application/json"));
    assert_eq!(body_json(req), fixture_json("create_request.json"));
}

#[tokio::test]
async fn create_sends_only_required_field_when_optional_ones_are_unset() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(WEBHOOKS))
        .respond_with(json_response(201, "webhook_minimal.json"))
        .expect(1)
        .mount(&server)
        .await;

    let body = CreateWebHook::new(vec!["https://partner.example.com/hook".parse::<url::Url>().unwrap()]);
    let created = client(&server).webhooks().create(&body).await.unwrap();
    assert_eq!(created, PartnerWebHook { id: Some("65a1f0c2e4b0a1b2c3d4e5f8".into()), ..Default::default() });

    let req = &received(&server).await[0];
    assert_eq!(body_json(req), json!({"webHookUrls": ["https://partner.example.com/hook"]}));
}

#[tokio::test]
async fn get_fetches_one_webhook() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;

    let got = client(&server).webhooks().get(ID).await.unwrap();
    assert_fixture_webhook(&got);

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), format!("{WEBHOOKS}/{ID}"));
    assert_eq!(req.url.query(), None);
    assert_auth(req);
    assert_eq!(header(req, "content-type"), None);
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn path_ids_are_percent_encoded() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/a%2Fb%3Fc%23d")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).webhooks().get("a/b?c#d").await.unwrap();
    let req = &received(&server).await[0];
    assert_eq!(req.url.path(), format!("{WEBHOOKS}/a%2Fb%3Fc%23d"));
    assert_eq!(req.url.query(), None);
}

#[tokio::test]
async fn update_puts_the_full_object() {
    let server = server().await;
    Mock::given(method("PUT"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;

    let mut full: PartnerWebHook = serde_json::from_value(fixture_json("webhook.json")).unwrap();
    full.web_hook_type = Some(WebHookType::UpdateMember);
    full.web_hook_urls = Some(vec!["https://partner.example.com/blaze/members".into()]);
    let updated = client(&server).webhooks().update(ID, &full).await.unwrap();
    assert_fixture_webhook(&updated);

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    let req = &reqs[0];
    assert_eq!(req.method.as_str(), "PUT");
    assert_eq!(req.url.path(), format!("{WEBHOOKS}/{ID}"));
    assert_eq!(req.url.query(), None);
    assert_auth(req);
    assert_eq!(header(req, "content-type"), Some("application/json"));
    let mut expected = fixture_json("webhook.json");
    expected["webHookType"] = json!("UPDATE_MEMBER");
    expected["webHookUrls"] = json!(["https://partner.example.com/blaze/members"]);
    assert_eq!(body_json(req), expected);
}

#[tokio::test]
async fn update_sends_back_undocumented_fields() {
    let server = server().await;
    Mock::given(method("PUT"))
        .and(path(format!("{WEBHOOKS}/65a1f0c2e4b0a1b2c3d4e5f7")))
        .respond_with(json_response(200, "webhook_unknown_type.json"))
        .expect(1)
        .mount(&server)
        .await;
    let full: PartnerWebHook = serde_json::from_value(fixture_json("webhook_unknown_type.json")).unwrap();
    let updated = client(&server).webhooks().update("65a1f0c2e4b0a1b2c3d4e5f7", &full).await.unwrap();
    assert_eq!(updated, full);
    let req = &received(&server).await[0];
    assert_eq!(body_json(req), fixture_json("webhook_unknown_type.json"));
}

#[tokio::test]
async fn delete_sends_delete_and_ignores_the_body() {
    for (status, body) in [(200, "true"), (204, "")] {
        let server = server().await;
        Mock::given(method("DELETE"))
            .and(path(format!("{WEBHOOKS}/{ID}")))
            .respond_with(ResponseTemplate::new(status).set_body_string(body))
            .expect(1)
            .mount(&server)
            .await;
        client(&server).webhooks().delete(ID).await.unwrap();
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 1);
        let req = &reqs[0];
        assert_eq!(req.method.as_str(), "DELETE");
        assert_eq!(req.url.path(), format!("{WEBHOOKS}/{ID}"));
        assert_eq!(req.url.query(), None);
        assert_auth(req);
        assert!(req.body.is_empty());
    }
}

#[tokio::test]
async fn list_sends_the_given_query_and_decodes_the_client_code_envelope() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .respond_with(json_response(200, "list_values_envelope.json"))
        .expect(1)
        .mount(&server)
        .await;

    let opts = ListWebHooksOptions::new().start(10).limit(25).shop_id("5c8f9e2ab1d4e70012ab34ce");
    let page = client(&server).webhooks().list_page(&opts).await.unwrap();
    assert_eq!((page.skip, page.limit, page.total, page.count), (Some(0), Some(100), Some(2), None));
    let items = page.items();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].id.as_deref(), Some(ID));
    assert_eq!(items[0].web_hook_type, Some(WebHookType::NewConsumerOrder));
    assert_eq!(items[1].web_hook_type, Some(WebHookType::Unknown("TRANSACTION_UPDATE".into())));
    assert_eq!(items[1].modified, None);

    let req = &received(&server).await[0];
    assert_eq!(req.method.as_str(), "GET");
    assert_eq!(req.url.path(), WEBHOOKS);
    assert_eq!(query(req), pairs(&[("start", "10"), ("limit", "25"), ("shopId", "5c8f9e2ab1d4e70012ab34ce")]));
    assert_auth(req);
    assert!(req.body.is_empty());
}

#[tokio::test]
async fn list_without_options_sends_no_query_and_decodes_the_documented_envelope() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .respond_with(json_response(200, "list_docs_envelope.json"))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).webhooks().list_page(&ListWebHooksOptions::default()).await.unwrap();
    assert_eq!((page.count, page.total, page.skip, page.limit), (Some(2), Some(2), None, None));
    let ids: Vec<_> = page.items().iter().map(|w| w.id.clone().unwrap()).collect();
    assert_eq!(ids, ["65a1f0c2e4b0a1b2c3d4e5f6", "65a1f0c2e4b0a1b2c3d4e5f7"]);
    assert_eq!(page.into_items().len(), 2);

    let req = &received(&server).await[0];
    assert_eq!(req.url.path(), WEBHOOKS);
    assert_eq!(req.url.query(), None);
    assert_auth(req);
}

#[tokio::test]
async fn partner_key_header_is_configurable() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(json_response(200, "webhook.json"))
        .expect(1)
        .mount(&server)
        .await;
    let keys =
        keys().partner_key_header(hookbridge_blaze::ALT_PARTNER_KEY_HEADER).developer_key_header("x-developer-key");
    let client = hookbridge_blaze::BlazeClient::with_config(config(&server), keys).unwrap();
    client.webhooks().get(ID).await.unwrap();
    let req = &received(&server).await[0];
    assert_eq!(header(req, "partner_key"), Some(PARTNER_KEY));
    assert_eq!(header(req, "x-developer-key"), Some(DEVELOPER_KEY));
    assert_eq!(header(req, "x-api-key"), None);
    assert_eq!(header(req, "authorization"), None);
}

#[tokio::test]
async fn default_client_targets_the_documented_base_url() {
    let client = hookbridge_blaze::BlazeClient::new(keys()).unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.partners.blaze.me/api/v1/partner/");
    assert_eq!(client.offset_param(), "start");
}

// ---- input refused before any request ----

async fn assert_refused<T: std::fmt::Debug>(server: &wiremock::MockServer, r: Result<T, Error>, field: &str) {
    match r {
        Err(Error::InvalidInput(e)) => assert_eq!(e.field, field, "{e}"),
        other => panic!("expected invalid {field}, got {other:?}"),
    }
    assert!(received(server).await.is_empty(), "a request was sent for invalid {field}");
}

#[tokio::test]
async fn invalid_ids_are_refused_without_a_request() {
    let server = server().await;
    let c = client(&server);
    let w = PartnerWebHook::default();
    for bad in ["", "..", ".", "a b", "a\nb", &"x".repeat(257)] {
        assert_refused(&server, c.webhooks().get(bad).await, "webHookId").await;
        assert_refused(&server, c.webhooks().update(bad, &w).await, "webHookId").await;
        assert_refused(&server, c.webhooks().delete(bad).await, "id").await;
    }
}

#[tokio::test]
async fn invalid_create_bodies_are_refused_without_a_request() {
    let server = server().await;
    let c = client(&server);
    let ok: url::Url = "https://partner.example.com/hook".parse().unwrap();
    assert_refused(&server, c.webhooks().create(&CreateWebHook::new(Vec::<url::Url>::new())).await, "webHookUrls")
        .await;
    let ftp = CreateWebHook::new(vec![ok.clone(), "ftp://partner.example.com/hook".parse::<url::Url>().unwrap()]);
    assert_refused(&server, c.webhooks().create(&ftp).await, "webHookUrls").await;
    let mailto = CreateWebHook::new(vec!["mailto:ops@example.com".parse::<url::Url>().unwrap()]);
    assert_refused(&server, c.webhooks().create(&mailto).await, "webHookUrls").await;
    let bad_url = CreateWebHook::new(vec![ok.clone()]).url("file:///etc/passwd".parse::<url::Url>().unwrap());
    assert_refused(&server, c.webhooks().create(&bad_url).await, "url").await;
    let empty_shop = CreateWebHook::new(vec![ok]).shop_id("  ");
    assert_refused(&server, c.webhooks().create(&empty_shop).await, "shopId").await;
}

#[tokio::test]
async fn invalid_update_bodies_are_refused_without_a_request() {
    let server = server().await;
    let c = client(&server);
    let other_id = PartnerWebHook { id: Some("someone-else".into()), ..Default::default() };
    assert_refused(&server, c.webhooks().update(ID, &other_id).await, "id").await;
    let bad_urls = PartnerWebHook { web_hook_urls: Some(vec!["not a url".into()]), ..Default::default() };
    assert_refused(&server, c.webhooks().update(ID, &bad_urls).await, "webHookUrls").await;
    let ftp = PartnerWebHook { web_hook_urls: Some(vec!["ftp://x.example.com/".into()]), ..Default::default() };
    assert_refused(&server, c.webhooks().update(ID, &ftp).await, "webHookUrls").await;
}

#[tokio::test]
async fn invalid_list_options_are_refused_without_a_request() {
    use futures_util::StreamExt;
    let server = server().await;
    let c = client(&server);
    let zero = ListWebHooksOptions::new().limit(0);
    assert_refused(&server, c.webhooks().list_page(&zero).await, "limit").await;
    let shop = ListWebHooksOptions::new().shop_id("");
    assert_refused(&server, c.webhooks().list_page(&shop).await, "shopId").await;
    let all: Vec<_> = c.webhooks().list(&zero).collect().await;
    assert_eq!(all.len(), 1);
    assert!(all[0].as_ref().unwrap_err().is_invalid_input());
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn invalid_credentials_and_settings_are_refused() {
    use hookbridge_blaze::{BlazeClient, BlazeKeys};
    let server = server().await;
    let cases = [
        (BlazeKeys::new("", DEVELOPER_KEY), "partner_key"),
        (BlazeKeys::new(PARTNER_KEY, "  "), "developer_key"),
        (BlazeKeys::new("pk\n", DEVELOPER_KEY), "partner_key"),
        (BlazeKeys::new(PARTNER_KEY, "Bearer dk"), "developer_key"),
        (keys().partner_key_header("bad header"), "partner_key"),
        (keys().developer_key_header("x:y"), "developer_key"),
        (keys().partner_key_header("AUTHORIZATION"), "developer_key_header"),
    ];
    for (keys, field) in cases {
        match BlazeClient::with_config(config(&server), keys) {
            Err(Error::InvalidInput(e)) => assert_eq!(e.field, field, "{e}"),
            other => panic!("expected invalid {field}, got {other:?}"),
        }
    }
    for bad in ["", "a b", "start&x", "é"] {
        let err = client(&server).with_offset_param(bad).unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}");
    }
    assert!(received(&server).await.is_empty());
}
