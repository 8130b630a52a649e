//! What the binary puts on the wire (wiremock): `endpoints update` changes only the fields given,
//! BLAZE's list filter.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Run, run_with};

async fn hb(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_with(args, env, None).await
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

const BITNOB_ID: &str = "3f0c7a52-6d1e-4c8e-9b7a-2f4e1d9c0a11";
const CHIP_ID: &str = "3b4e648b-1f7e-4d3c-9a8e-0c6d5b4a3f21";

#[tokio::test]
async fn bitnob_update_name_is_a_patch_of_exactly_the_name() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(format!("/webhooks/{BITNOB_ID}")))
        .respond_with(ok_json(json!({"id": BITNOB_ID, "name": "renamed", "url": "https://example.com/h"})))
        .expect(1)
        .mount(&server)
        .await;
    let uri = server.uri();
    let out = hb(
        &["endpoints", "update", "--provider", "bitnob", "--base-url", &uri, "--id", BITNOB_ID, "--name", "renamed"],
        &[("BITNOB_CLIENT_ID", "client_1"), ("BITNOB_SECRET_KEY", "secret_1")],
    )
    .await
    .expect(0);
    assert!(out.stdout.contains("renamed"), "{}", out.stdout);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "PATCH");
    assert!(reqs[0].headers.contains_key("x-auth-signature") && !reqs[0].headers.contains_key("authorization"));
    assert_eq!(std::str::from_utf8(&reqs[0].body).unwrap(), r#"{"name":"renamed"}"#);
}

#[tokio::test]
async fn chip_update_title_puts_the_fetched_webhook_with_only_the_title_changed() {
    let server = MockServer::start().await;
    let current = json!({
        "type": "webhook", "id": CHIP_ID, "created_on": 1717003600, "updated_on": 1717003600,
        "title": "orders", "all_events": false, "public_key": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
        "events": ["purchase.paid"], "callback": "https://shop.example.com/chip"
    });
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/webhooks/{CHIP_ID}/")))
        .respond_with(ok_json(current.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/v1/webhooks/{CHIP_ID}/")))
        .respond_with(ok_json(current.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let base = format!("{}/api/v1/", server.uri());
    hb(
        &["endpoints", "update", "--provider", "chip", "--base-url", &base, "--id", CHIP_ID, "--name", "renamed"],
        &[("CHIP_API_KEY", "chip_key")],
    )
    .await
    .expect(0);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    let put: Value = serde_json::from_slice(&reqs[1].body).unwrap();
    assert_eq!(
        put,
        json!({"title": "renamed", "all_events": false, "public_key": current["public_key"],
               "events": ["purchase.paid"], "callback": "https://shop.example.com/chip"})
    );
}

#[tokio::test]
async fn update_without_a_field_to_change_is_a_usage_error() {
    let out = hb(
        &["endpoints", "update", "--provider", "bitnob", "--base-url", "http://127.0.0.1:9/", "--id", BITNOB_ID],
        &[("BITNOB_CLIENT_ID", "client_1"), ("BITNOB_SECRET_KEY", "secret_1")],
    )
    .await
    .expect(2);
    assert!(out.error_line().contains("update needs something to change"), "{}", out.stderr);
}

#[tokio::test]
async fn blaze_list_with_shop_id_sends_shop_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/partner/webHooks"))
        .and(wiremock::matchers::query_param("shopId", "shop-7"))
        .respond_with(ok_json(json!({"values": [{"id": "wh-01", "shopId": "shop-7"}], "total": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let base = format!("{}/api/v1/partner/", server.uri());
    let v = hb(
        &["endpoints", "list", "--provider", "blaze", "--base-url", &base, "--shop-id", "shop-7", "--output", "json"],
        &[("BLAZE_PARTNER_KEY", "pk"), ("BLAZE_DEVELOPER_KEY", "dk")],
    )
    .await
    .expect(0)
    .json();
    assert_eq!(v[0]["id"], "wh-01");
    // Another provider refuses the filter instead of ignoring it (usage, nothing sent).
    let out = hb(
        &["endpoints", "list", "--provider", "chip", "--base-url", "http://127.0.0.1:9/", "--shop-id", "s"],
        &[("CHIP_API_KEY", "k")],
    )
    .await
    .expect(2);
    assert!(out.error_line().contains("documents no list filter `shopId`"), "{}", out.stderr);
}

/// BLAZE delivery URLs carry the receiver's URL token; every view redacts it.
#[tokio::test]
async fn blaze_url_tokens_are_redacted_in_json_and_single_views() {
    let server = MockServer::start().await;
    let webhook = json!({"id": "wh-01", "webHookUrls": ["https://rx.example/blaze?hb_token=tok_SECRET_1"],
                         "url": "https://rx.example/legacy?hb_token=tok_SECRET_2", "shopId": "s1"});
    Mock::given(method("GET"))
        .and(path("/api/v1/partner/webHooks/wh-01"))
        .respond_with(ok_json(webhook.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/partner/webHooks"))
        .respond_with(ok_json(json!({"values": [webhook], "total": 1})))
        .mount(&server)
        .await;
    let base = format!("{}/api/v1/partner/", server.uri());
    let env = [("BLAZE_PARTNER_KEY", "pk"), ("BLAZE_DEVELOPER_KEY", "dk")];
    let common = ["--provider", "blaze", "--base-url", base.as_str()];
    for (action, output) in [("get", "json"), ("get", "table"), ("list", "json"), ("list", "table")] {
        let mut args = vec!["endpoints", action];
        args.extend(common);
        args.extend(["--output", output]);
        if action == "get" {
            args.extend(["--id", "wh-01"]);
        }
        let out = hb(&args, &env).await.expect(0);
        assert!(!out.stdout.contains("tok_SECRET"), "{action} {output}:\n{}", out.stdout);
        assert!(out.stdout.contains("hb_token=<redacted>"), "{action} {output}:\n{}", out.stdout);
    }
}

/// `--url https://x.com` is sent as `https://x.com`, not normalised to `https://x.com/`.
#[tokio::test]
async fn delivery_urls_are_sent_exactly_as_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": BITNOB_ID, "url": "https://x.com", "signing_secret": "whsec_1"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/partner/webHooks"))
        .respond_with(ok_json(json!({"id": "wh-01", "webHookUrls": ["https://x.com", "HTTPS://Y.example:443"]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(ok_json(json!({"id": CHIP_ID, "title": "t", "callback": "https://x.com", "all_events": true})))
        .mount(&server)
        .await;
    let uri = server.uri();
    let bitnob =
        ["endpoints", "create", "--provider", "bitnob", "--base-url", &uri, "--url", "https://x.com", "--all-events"];
    hb(&bitnob, &[("BITNOB_CLIENT_ID", "c"), ("BITNOB_SECRET_KEY", "s")]).await.expect(0);
    let blaze_base = format!("{uri}/api/v1/partner/");
    let blaze = [
        "endpoints",
        "create",
        "--provider",
        "blaze",
        "--base-url",
        &blaze_base,
        "--url",
        "https://x.com",
        "--url",
        "HTTPS://Y.example:443",
    ];
    hb(&blaze, &[("BLAZE_PARTNER_KEY", "pk"), ("BLAZE_DEVELOPER_KEY", "dk")]).await.expect(0);
    let chip_base = format!("{uri}/api/v1/");
    let chip = [
        "endpoints",
        "create",
        "--provider",
        "chip",
        "--base-url",
        &chip_base,
        "--url",
        "https://x.com",
        "--title",
        "t",
        "--all-events",
    ];
    hb(&chip, &[("CHIP_API_KEY", "k")]).await.expect(0);
    let bodies: Vec<Value> =
        server.received_requests().await.unwrap().iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect();
    assert_eq!(bodies[0], json!({"url": "https://x.com"}));
    assert_eq!(bodies[1], json!({"webHookUrls": ["https://x.com", "HTTPS://Y.example:443"]}));
    assert_eq!(bodies[2]["callback"], "https://x.com");
    // Whitespace that parsing would drop silently is refused (usage), nothing sent.
    let spaced = ["endpoints", "create", "--provider", "bitnob", "--base-url", &uri, "--url", " https://x.com"];
    hb(&spaced, &[("BITNOB_CLIENT_ID", "c"), ("BITNOB_SECRET_KEY", "s")]).await.expect(2);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}
