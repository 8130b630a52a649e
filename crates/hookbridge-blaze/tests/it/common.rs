//! Shared helpers: a client pointed at the mock server, fixtures, request assertions.

use std::time::Duration;

use hookbridge_blaze::{BlazeClient, BlazeKeys};
use hookbridge_core::{ClientConfig, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub(crate) const PARTNER_KEY: &str = "pk_test_partner_7f3a9c01";
pub(crate) const DEVELOPER_KEY: &str = "dk_test_developer_52be88d4";
pub(crate) const BASE_PATH: &str = "/api/v1/partner/";
pub(crate) const WEBHOOKS: &str = "/api/v1/partner/webHooks";

/// A mock server with a lowest-priority catch-all that answers 599 and must never be hit.
pub(crate) async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .expect(0)
        .named("catch-all: unexpected route")
        .mount(&server)
        .await;
    server
}

pub(crate) fn config(server: &MockServer) -> ClientConfig {
    ClientConfig::new(&format!("{}{BASE_PATH}", server.uri()))
        .unwrap()
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
}

pub(crate) fn keys() -> BlazeKeys {
    BlazeKeys::new(PARTNER_KEY, DEVELOPER_KEY)
}

/// A client pointed at the mock server, retries disabled.
pub(crate) fn client(server: &MockServer) -> BlazeClient {
    BlazeClient::with_config(config(server), keys()).unwrap()
}

/// A fixture of `data/blaze/`, embedded in the testkit.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("blaze/{name}");
    hookbridge_testkit::fixtures::fixture(&path).unwrap_or_else(|| panic!("no fixture {path}")).to_owned()
}

pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A 2xx JSON response with a fixture body.
pub(crate) fn json_response(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

pub(crate) async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

pub(crate) fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).map(|v| v.to_str().unwrap())
}

/// Both keys in their default headers, the developer key verbatim (no `Bearer`).
pub(crate) fn assert_auth(req: &Request) {
    assert_eq!(header(req, "x-api-key"), Some(PARTNER_KEY));
    assert_eq!(header(req, "authorization"), Some(DEVELOPER_KEY));
}

pub(crate) fn query(req: &Request) -> Vec<(String, String)> {
    req.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

pub(crate) fn body_json(req: &Request) -> Value {
    serde_json::from_slice(&req.body).unwrap()
}

pub(crate) fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
