//! Shared helpers: keys, fixtures, a mock server with a loud catch-all, and request assertions.

use hookbridge_core::{ClientConfig, RetryPolicy, Secret};
use hookbridge_miex::MiexClient;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A branch (superadmin) key: prefix + 32 characters.
pub(crate) const BRANCH_KEY: &str = "sk_branch_Br4nchK3y0123456789abcdefghijklm";
/// A personal (panel user) key.
pub(crate) const PERSONAL_KEY: &str = "sk_personal_PersonalKey_0123456789abcdefghij";
/// A public, read-only key.
pub(crate) const PUBLIC_KEY: &str = "pk_PublicKey-0123456789abcdefghijkl";
/// The secret in the documented response example.
pub(crate) const DOC_SECRET: &str = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
/// Path of the register endpoint under the mock server (base path `/api/v1` as in the docs).
pub(crate) const REGISTER_PATH: &str = "/api/v1/partner/webhooks";

#[test]
fn test_keys_are_well_formed() {
    assert_eq!(BRANCH_KEY.len() - "sk_branch_".len(), 32);
    assert_eq!(PERSONAL_KEY.len() - "sk_personal_".len(), 32);
    assert_eq!(PUBLIC_KEY.len() - "pk_".len(), 32);
}

/// A fixture of `data/miex/`, embedded in the testkit.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("miex/{name}");
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

/// The base URL the docs use, on the mock server.
pub(crate) fn base_url(server: &MockServer) -> String {
    format!("{}/api/v1", server.uri())
}

/// A client with `key`, pointed at the mock server, retries disabled.
pub(crate) fn client_with(server: &MockServer, key: &str) -> MiexClient {
    let config = ClientConfig::new(&base_url(server)).unwrap().retry(RetryPolicy::none());
    MiexClient::with_config(config, Secret::new(key)).unwrap()
}

/// A client with the branch key.
pub(crate) fn client(server: &MockServer) -> MiexClient {
    client_with(server, BRANCH_KEY)
}

/// A JSON response template.
pub(crate) fn json_response(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
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

/// Asserts the one request received is the documented register call with `key` and `body`.
pub(crate) async fn assert_register_request(server: &MockServer, key: &str, body: &Value) {
    let got = received(server).await;
    assert_eq!(got.len(), 1, "exactly one request");
    let req = &got[0];
    assert_eq!(req.method.as_str(), "POST");
    assert_eq!(req.url.path(), REGISTER_PATH);
    assert_eq!(req.url.query(), None);
    assert_eq!(req.headers.get("authorization").unwrap().to_str().unwrap(), format!("Bearer {key}"));
    assert_eq!(req.headers.get("content-type").unwrap().to_str().unwrap(), "application/json");
    assert_eq!(req.headers.get("accept").unwrap().to_str().unwrap(), "application/json");
    assert!(req.headers.get("idempotency-key").is_none());
    let sent: Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(&sent, body);
}

/// Mounts a register mock answering `status` with `body`, expected exactly once.
pub(crate) async fn mount_register(server: &MockServer, status: u16, body: &str) {
    Mock::given(wiremock::matchers::method("POST"))
        .and(wiremock::matchers::path(REGISTER_PATH))
        .respond_with(json_response(status, body))
        .expect(1)
        .mount(server)
        .await;
}
