//! A redirect to another host never carries BLAZE's two keys: the production client configuration
//! does not follow it and answers with a typed error.

use std::net::TcpListener;

use hookbridge_core::{RedirectReason, Webhook};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn redirect_to_another_host_sends_neither_key() {
    let api = server().await;
    let port = api.address().port();
    let other = MockServer::builder().listener(TcpListener::bind(("127.0.0.2", port)).unwrap()).start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&other).await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/wh1")))
        .respond_with(
            ResponseTemplate::new(307).insert_header("location", format!("http://127.0.0.2:{port}/webHooks/wh1")),
        )
        .expect(1)
        .mount(&api)
        .await;
    let err = client(&api).get(&"wh1".parse().unwrap()).await.unwrap_err();
    assert_eq!(err.as_redirect().map(|r| r.reason), Some(RedirectReason::CrossOrigin), "{err}");
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(PARTNER_KEY) && !shown.contains(DEVELOPER_KEY), "{shown}");
    assert!(other.received_requests().await.unwrap().is_empty());
}
