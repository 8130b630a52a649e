//! Shared helpers: a mock server with a loud catch-all, clients pointed at it, fixtures.

use std::time::Duration;

use hookbridge_bitnob::{BitnobAuth, BitnobClient};
use hookbridge_core::{ClientConfig, RetryPolicy, Secret};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub(crate) const API_KEY: &str = "sk_test_bitnob_bearer_0123456789";
pub(crate) const WEBHOOK_ID: &str = "3f0c7a52-6d1e-4c8e-9b7a-2f4e1d9c0a11";
pub(crate) const EVENT_ID: &str = "e1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b";

/// A mock server whose lowest-priority mock answers 599 and must never be hit.
pub(crate) async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .with_priority(u8::MAX)
        .named("catch-all: unexpected request")
        .expect(0)
        .mount(&server)
        .await;
    server
}

pub(crate) fn config(server: &MockServer) -> ClientConfig {
    ClientConfig::new(&server.uri()).unwrap().retry(RetryPolicy::none())
}

/// Retries with tiny, deterministic waits.
pub(crate) fn retrying_config(server: &MockServer) -> ClientConfig {
    ClientConfig::new(&server.uri()).unwrap().retry(
        RetryPolicy::default()
            .max_attempts(3)
            .backoff(Duration::from_millis(1), Duration::from_millis(2))
            .jitter(false),
    )
}

pub(crate) fn client(server: &MockServer) -> BitnobClient {
    BitnobClient::with_config(config(server), BitnobAuth::legacy_bearer(Secret::new(API_KEY))).unwrap()
}

pub(crate) fn client_with(config: ClientConfig, auth: impl Into<BitnobAuth>) -> BitnobClient {
    BitnobClient::with_config(config, auth).unwrap()
}

/// A fixture of `data/bitnob/`, embedded in the testkit.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("bitnob/{name}");
    hookbridge_testkit::fixtures::fixture(&path).unwrap_or_else(|| panic!("no fixture {path}")).to_owned()
}

pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

pub(crate) fn json_response(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

pub(crate) fn raw_json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

pub(crate) async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

pub(crate) async fn single_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {}", all.len());
    all.remove(0)
}

pub(crate) fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).map(|v| v.to_str().unwrap())
}

pub(crate) fn query(req: &Request) -> Vec<(String, String)> {
    req.url.query_pairs().into_owned().collect()
}

pub(crate) fn body_json(req: &Request) -> Value {
    serde_json::from_slice(&req.body).unwrap()
}

/// Method, path, bearer auth, `Accept`, and (for requests with a body) JSON `Content-Type`.
pub(crate) fn assert_request(req: &Request, method: &str, path: &str, has_body: bool) {
    assert_eq!(req.method.as_str(), method);
    assert_eq!(req.url.path(), path);
    assert_eq!(header(req, "authorization"), Some(format!("Bearer {API_KEY}").as_str()));
    assert_eq!(header(req, "accept"), Some("application/json"));
    if has_body {
        assert_eq!(header(req, "content-type"), Some("application/json"));
    } else {
        assert_eq!(header(req, "content-type"), None);
        assert!(req.body.is_empty(), "unexpected body {:?}", String::from_utf8_lossy(&req.body));
    }
}

pub(crate) fn ts(s: &str) -> hookbridge_core::Timestamp {
    s.parse().unwrap()
}
