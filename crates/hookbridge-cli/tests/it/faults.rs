//! Misbehaving servers (wiremock) through the binary: runaway paging and redirects end with exit
//! 1 and one error line, within a few requests, and never hand a credential to another host.

use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::{Run, run_with};

async fn hb(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_with(args, env, None).await
}

fn ok_json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[tokio::test]
async fn bitnob_fresh_cursor_with_the_same_page_ends_with_exit_1() {
    let server = MockServer::start().await;
    let n = AtomicUsize::new(0);
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(move |_: &Request| {
            let i = n.fetch_add(1, Ordering::SeqCst);
            ok_json(json!({
                "data": [{"id": "wh_1", "url": "https://a.example/h"}, {"id": "wh_2", "url": "https://b.example/h"}],
                "next_cursor": format!("fresh_{i}"),
            }))
        })
        .mount(&server)
        .await;
    let uri = server.uri();
    let out = hb(
        &["endpoints", "list", "--provider", "bitnob", "--base-url", &uri],
        &[("BITNOB_CLIENT_ID", "client_1"), ("BITNOB_SECRET_KEY", "secret_1")],
    )
    .await
    .expect(1);
    let line = out.error_line();
    assert_eq!(line, "error: bitnob list_webhooks: listing stopped after 2 pages: page 2 repeats the items of page 1");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn chip_page_n_plus_one_with_the_same_results_ends_with_exit_1() {
    let server = MockServer::start().await;
    let base = format!("{}/api/v1/", server.uri());
    let next_base = base.clone();
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(move |req: &Request| {
            let n: u32 =
                req.url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(1);
            ok_json(json!({
                "results": [{"id": "11111111-aaaa-4bbb-8ccc-000000000001", "title": "t", "callback": "https://x.example/h",
                             "all_events": true, "events": []}],
                "next": format!("{next_base}webhooks/?page={}", n + 1),
                "previous": null,
            }))
        })
        .mount(&server)
        .await;
    let out = hb(&["endpoints", "list", "--provider", "chip", "--base-url", &base], &[("CHIP_API_KEY", "chip_key")])
        .await
        .expect(1);
    let line = out.error_line();
    assert!(line.contains("listing stopped after 2 pages: page 2 repeats the items of page 1"), "{line}");
    assert!(!line.contains("page=2"), "no next URL in the message: {line}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn blaze_offset_with_the_same_page_ends_with_exit_1() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/partner/webHooks"))
        .respond_with(ok_json(json!({
            "values": [{"id": "wh-01", "webHookUrls": ["https://a.example/h"]}, {"id": "wh-02", "webHookUrls": ["https://b.example/h"]}],
            "limit": 2,
        })))
        .mount(&server)
        .await;
    let base = format!("{}/api/v1/partner/", server.uri());
    let out = hb(
        &["endpoints", "list", "--provider", "blaze", "--base-url", &base],
        &[("BLAZE_PARTNER_KEY", "pk"), ("BLAZE_DEVELOPER_KEY", "dk")],
    )
    .await
    .expect(1);
    assert!(out.error_line().starts_with("error: blaze list: listing stopped after 2 pages"), "{}", out.stderr);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_redirect_to_another_host_carries_no_credential() {
    let api = MockServer::start().await;
    let port = api.address().port();
    let other = MockServer::builder().listener(TcpListener::bind(("127.0.0.2", port)).unwrap()).start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&other).await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("http://127.0.0.2:{port}/grab")))
        .mount(&api)
        .await;
    let base = format!("{}/api/v1/partner/", api.uri());
    let out = hb(
        &["endpoints", "get", "--provider", "blaze", "--base-url", &base, "--id", "wh1"],
        &[("BLAZE_PARTNER_KEY", "pk_secret_partner"), ("BLAZE_DEVELOPER_KEY", "dk_secret_dev")],
    )
    .await
    .expect(1);
    let line = out.error_line();
    assert!(line.contains("redirect to another origin not followed"), "{line}");
    assert!(!line.contains("pk_secret_partner") && !line.contains("dk_secret_dev"));
    assert!(other.received_requests().await.unwrap().is_empty());
}

/// A server that pages forever with new content ends at `--max-pages` with exit 1.
#[tokio::test]
async fn max_pages_caps_an_endless_listing() {
    let server = MockServer::start().await;
    let n = AtomicUsize::new(0);
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(move |_: &Request| {
            let i = n.fetch_add(1, Ordering::SeqCst);
            ok_json(json!({"data": [{"id": format!("wh_{i}"), "url": "https://a.example/h"}], "next_cursor": format!("c{i}")}))
        })
        .mount(&server)
        .await;
    let uri = server.uri();
    let out = hb(
        &["endpoints", "list", "--provider", "bitnob", "--base-url", &uri, "--max-pages", "3"],
        &[("BITNOB_CLIENT_ID", "client_1"), ("BITNOB_SECRET_KEY", "secret_1")],
    )
    .await
    .expect(1);
    assert!(out.error_line().contains("page cap of 3 pages"), "{}", out.stderr);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}
