//! Redirects are never followed: the production `HttpClient` configuration answers a 3xx with a
//! typed error, and nothing reaches the redirect target.

use std::net::TcpListener;

use hookbridge_core::{Error, RedirectReason, Request, RetryPolicy};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client;

/// The API server on 127.0.0.1 and a second server on 127.0.0.2 with the same port: another
/// origin that must never see a request.
async fn api_and_other_origin() -> (MockServer, MockServer) {
    let api = MockServer::start().await;
    let port = api.address().port();
    let listener = TcpListener::bind(("127.0.0.2", port)).unwrap();
    let other = MockServer::builder().listener(listener).start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&other).await;
    (api, other)
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_carries_no_bearer_token() {
    let (api, other) = api_and_other_origin().await;
    let target = format!("http://127.0.0.2:{}/steal?token=abc", api.address().port());
    for status in [301, 302, 303, 307, 308] {
        api.reset().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/webhooks"))
            .respond_with(ResponseTemplate::new(status).insert_header("location", target.as_str()))
            .expect(1)
            .mount(&api)
            .await;
        let err = client(&api, RetryPolicy::none()).send(Request::get("list", ["webhooks"])).await.unwrap_err();
        let Error::Redirect(redirect) = &err else { panic!("{err:?}") };
        assert_eq!(redirect.reason, RedirectReason::CrossOrigin);
        assert_eq!(redirect.status.as_u16(), status);
        let shown = err.to_string();
        assert!(shown.contains("127.0.0.2") && !shown.contains("token=abc"), "{shown}");
        assert!(!format!("{err:?}").contains("tok_test_123"));
    }
    assert!(other.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_same_origin_redirect_is_reported_not_followed() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks"))
        .respond_with(ResponseTemplate::new(308).insert_header("location", "/api/v2/webhooks"))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(path("/api/v2/webhooks")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&api).await;
    let req = Request::post("create", ["webhooks"]).json(&serde_json::json!({"a": 1})).unwrap();
    let err = client(&api, RetryPolicy::none()).send(req).await.unwrap_err();
    assert_eq!(err.as_redirect().map(|r| r.reason), Some(RedirectReason::SameOrigin));
    assert!(err.is_redirect() && !err.is_retryable());
}

#[tokio::test]
async fn a_redirect_without_location_is_an_error() {
    let api = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(302)).expect(1).mount(&api).await;
    let err = client(&api, RetryPolicy::none()).send(Request::get("get", ["x"])).await.unwrap_err();
    assert_eq!(err.as_redirect().map(|r| r.reason), Some(RedirectReason::NoLocation));
}

#[test]
fn https_to_http_is_a_downgrade_even_on_the_same_host() {
    use hookbridge_core::transport::classify_redirect;
    let from = "https://api.example.com/v1/x".parse().unwrap();
    assert_eq!(classify_redirect(&from, Some("http://api.example.com/v1/x")).0, RedirectReason::InsecureDowngrade);
    assert_eq!(classify_redirect(&from, Some("https://api.example.com:444/")).0, RedirectReason::CrossOrigin);
    assert_eq!(
        classify_redirect(&from, Some("https://u:p@other.test/a?b#c")).1.as_deref(),
        Some("https://other.test/a")
    );
    assert_eq!(classify_redirect(&from, None).0, RedirectReason::NoLocation);
}
