//! Shared helpers: a client pointed at a wiremock server, fixtures, request assertions.

use hookbridge_chip::ChipClient;
use hookbridge_core::{ClientConfig, RetryPolicy, Secret};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The secret key every test client uses; no output may ever contain it.
pub(crate) const SECRET: &str = "sk-chip-test-7d1f0c9b2e4a6c8e";

/// The base URL of the mock server, with CHIP's base path.
pub(crate) fn base(server: &MockServer) -> String {
    format!("{}/api/v1/", server.uri())
}

/// A client for `server` (no retries).
pub(crate) fn client_for(server: &MockServer) -> ChipClient {
    let config = ClientConfig::new(&base(server)).unwrap().retry(RetryPolicy::none());
    ChipClient::with_config(config, Secret::new(SECRET)).unwrap()
}

/// A mock server with a lowest-priority catch-all that answers 599 and must never be hit
/// (octocrab's `mock_error.rs` pattern), and a client pointed at it.
pub(crate) async fn setup() -> (MockServer, ChipClient) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .with_priority(u8::MAX)
        .named("unexpected route")
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    (server, client)
}

/// A fixture of `data/chip/`, embedded in the testkit.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("chip/{name}");
    hookbridge_testkit::fixtures::fixture(&path).unwrap_or_else(|| panic!("no fixture {path}")).to_owned()
}

pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A JSON response with the given raw body.
pub(crate) fn json(status: u16, body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into().into_bytes(), "application/json")
}

pub(crate) async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

/// The one request the server received.
pub(crate) async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {:?}", all.iter().map(describe).collect::<Vec<_>>());
    all.remove(0)
}

pub(crate) async fn assert_no_requests(server: &MockServer) {
    let all = requests(server).await;
    assert!(all.is_empty(), "expected no request, got {:?}", all.iter().map(describe).collect::<Vec<_>>());
}

fn describe(r: &Request) -> String {
    format!("{} {}", r.method, r.url)
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).map(|v| v.to_str().unwrap())
}

/// Asserts method, path, query, auth and content headers of an outgoing request, and returns its
/// JSON body (`Value::Null` when there is none).
pub(crate) fn assert_request(req: &Request, method: &str, path: &str, query: Option<&str>) -> Value {
    assert_eq!(req.method.as_str(), method);
    assert_eq!(req.url.path(), path);
    assert_eq!(req.url.query(), query);
    assert_eq!(header(req, "authorization"), Some(format!("Bearer {SECRET}").as_str()));
    assert_eq!(header(req, "accept"), Some("application/json"));
    if req.body.is_empty() {
        assert_eq!(header(req, "content-type"), None, "no body, no content type");
        Value::Null
    } else {
        assert_eq!(header(req, "content-type"), Some("application/json"));
        serde_json::from_slice(&req.body).unwrap()
    }
}

/// `value` with every `null`-valued object entry removed, recursively (the wire types leave
/// absent optional fields out instead of writing `null`).
pub(crate) fn strip_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

pub(crate) const WEBHOOK_ID: &str = "7f1c2a9e-5b3d-4c8e-9a21-0d6b4e8f3c15";

pub(crate) fn ts(secs: i64) -> hookbridge_core::Timestamp {
    hookbridge_core::Timestamp::from_second(secs).unwrap()
}
