//! Shared helpers: token, fixtures, a mock server with a loud catch-all, and request assertions.

use hookbridge_abbeycross::{AbbeyCrossClient, RegisterWebhook};
use hookbridge_core::{ClientConfig, RetryPolicy, Secret};
use serde_json::Value;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The API token used by the test clients.
pub(crate) const TOKEN: &str = "acx_tok_Zq8Lw3Rt6Yp1Nm4Kb7Vc0Xs9";
/// The secret in `register_response.json`.
pub(crate) const SECRET: &str = "acx_sk_5f3b9e2c7d1a4f8e9b0c6d2a1e7f3b9c";
/// Path of the register endpoint.
pub(crate) const REGISTER_PATH: &str = "/v1/webhooks/register";

/// A fixture of `data/abbeycross/`, embedded in the testkit.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("abbeycross/{name}");
    hookbridge_testkit::fixtures::fixture(&path).unwrap_or_else(|| panic!("no fixture {path}")).to_owned()
}

/// A fixture file as JSON.
pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A mock server whose catch-all answers 599 and must never be hit.
pub(crate) async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected route"))
        .with_priority(u8::MAX)
        .named("catch-all: unexpected request")
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// A client pointed at the mock server, retries disabled.
pub(crate) fn client(server: &MockServer) -> AbbeyCrossClient {
    client_with_retry(server, RetryPolicy::none())
}

/// A client pointed at the mock server with a retry policy.
pub(crate) fn client_with_retry(server: &MockServer, retry: RetryPolicy) -> AbbeyCrossClient {
    let config = ClientConfig::new(&server.uri()).unwrap().retry(retry);
    AbbeyCrossClient::with_config(config, Secret::new(TOKEN)).unwrap()
}

/// The request matching `register_request.json`.
pub(crate) fn doc_request() -> RegisterWebhook {
    RegisterWebhook::new(
        "https://example.com/hooks/abbeycross".parse::<url::Url>().unwrap(),
        ["payment.completed", "trade.settled"],
    )
}

/// Mounts a register mock answering `status` with a JSON `body`, expected exactly once.
pub(crate) async fn mount_register(server: &MockServer, status: u16, body: &str) {
    Mock::given(method("POST"))
        .and(path(REGISTER_PATH))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json"))
        .expect(1)
        .mount(server)
        .await;
}

/// Every request the server received.
pub(crate) async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// Asserts the server received nothing.
pub(crate) async fn assert_nothing_sent(server: &MockServer) {
    let got = received(server).await;
    assert!(got.is_empty(), "expected no request, got {:?}", got.iter().map(|r| r.url.as_str()).collect::<Vec<_>>());
}

/// Asserts the one request received is the register call with `body`.
pub(crate) async fn assert_register_request(server: &MockServer, body: &Value) {
    let got = received(server).await;
    assert_eq!(got.len(), 1, "exactly one request");
    let req = &got[0];
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), REGISTER_PATH);
    assert_eq!(req.url.query(), None);
    assert_eq!(req.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {TOKEN}"));
    assert_eq!(req.headers.get("content-type").unwrap().to_str().unwrap(), "application/json");
    assert_eq!(req.headers.get("accept").unwrap().to_str().unwrap(), "application/json");
    assert!(req.headers.get("idempotency-key").is_none());
    let sent: Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(&sent, body);
}
