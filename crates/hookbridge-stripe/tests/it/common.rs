//! Shared helpers: fixtures, the outgoing-request view of a `StripeRequest`, Stripe's base URL.

use hookbridge_core::Secret;
use hookbridge_core::auth::{Auth, AuthContext};
use hookbridge_core::reexports::http::HeaderMap;
use hookbridge_stripe::{DEFAULT_BASE_URL, StripeClient, StripeRequest};
use serde_json::Value;
use url::Url;

/// The API key every test uses; no output may ever contain it.
pub(crate) const API_KEY: &str = "sk_test_51HbridgeStripeKeyQw8Er2Ty6Ui0Op4As";

/// The documented example endpoint id.
pub(crate) const WE_ID: &str = "we_1Mr5jULkdIwHu7ix1ibLTM0x";

/// A fixture of `data/stripe/`, embedded in the testkit.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("stripe/{name}");
    hookbridge_testkit::fixtures::fixture(&path).unwrap_or_else(|| panic!("no fixture {path}")).to_owned()
}

pub(crate) fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What goes on the wire for `request`, as the transport would send it: the full URL under
/// Stripe's base URL, the headers (the request's own plus `Authorization` from the Stripe auth
/// applied to this exact method, URL and body), and the body bytes.
pub(crate) struct Outgoing {
    pub(crate) method: String,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

pub(crate) fn outgoing(request: &StripeRequest) -> Outgoing {
    let base: Url = DEFAULT_BASE_URL.parse().unwrap();
    let url = request.url(&base).unwrap();
    let body = request.body().unwrap_or_default();
    let mut headers = request.headers().clone();
    let auth = hookbridge_stripe::auth::api_key(&Secret::new(API_KEY)).unwrap();
    auth.apply(&AuthContext::new(request.method(), &url, &body), &mut headers).unwrap();
    Outgoing { method: request.method().to_string(), url, headers, body }
}

impl Outgoing {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// The body decoded as form pairs, in order.
    pub(crate) fn pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }

    /// Asserts the method, path, query and the headers every request has (auth; content type
    /// exactly when there is a body).
    pub(crate) fn assert(&self, method: &str, path: &str, query: Option<&str>) {
        assert_eq!(self.method, method);
        assert_eq!(self.url.scheme(), "https");
        assert_eq!(self.url.host_str(), Some("api.stripe.com"));
        assert_eq!(self.url.path(), path);
        assert_eq!(self.url.query(), query);
        assert_eq!(self.header("authorization"), Some(format!("Bearer {API_KEY}").as_str()));
        assert!(self.headers["authorization"].is_sensitive());
        if self.body.is_empty() {
            assert_eq!(self.header("content-type"), None, "no body, no content type");
        } else {
            assert_eq!(self.header("content-type"), Some("application/x-www-form-urlencoded"));
        }
    }
}

/// `pairs` as owned strings, for comparing with [`Outgoing::pairs`].
pub(crate) fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

pub(crate) fn ts(secs: i64) -> hookbridge_core::Timestamp {
    hookbridge_core::Timestamp::from_second(secs).unwrap()
}

/// A mock server that fails the test on any request no mock was mounted for.
pub(crate) async fn server() -> wiremock::MockServer {
    use wiremock::{Mock, ResponseTemplate, matchers::any};
    let server = wiremock::MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(599)).with_priority(u8::MAX).expect(0).mount(&server).await;
    server
}

/// A retry policy for tests: `n` attempts, 1 ms waits, no jitter.
pub(crate) fn fast_retry(n: u32) -> hookbridge_core::RetryPolicy {
    hookbridge_core::RetryPolicy::default()
        .max_attempts(n)
        .backoff(std::time::Duration::from_millis(1), std::time::Duration::from_millis(5))
        .jitter(false)
}

/// A client for the mock server with the test key and `retry`.
pub(crate) fn client_with(server: &wiremock::MockServer, retry: hookbridge_core::RetryPolicy) -> StripeClient {
    StripeClient::builder()
        .base_url(server.uri())
        .timeout(std::time::Duration::from_secs(5))
        .retry(retry)
        .credentials(Secret::new(API_KEY))
        .build()
        .unwrap()
}

/// A client for the mock server that never retries.
pub(crate) fn client(server: &wiremock::MockServer) -> StripeClient {
    client_with(server, hookbridge_core::RetryPolicy::none())
}

/// A JSON answer with a fixture's exact bytes.
pub(crate) fn answer(status: u16, name: &str) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(status).set_body_raw(fixture(name), "application/json")
}

/// Every request the server received.
pub(crate) async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

/// A received request's header as text.
pub(crate) fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().unwrap())
}

/// Asserts what every request carries (auth, JSON accepted), the method, path and query, and
/// the body: form-encoded with exactly `form` (and an idempotency key) for a `POST`, none
/// otherwise.
#[track_caller]
pub(crate) fn assert_sent(
    request: &wiremock::Request,
    method: &str,
    path: &str,
    query: Option<&str>,
    form: Option<&str>,
) {
    assert_eq!(request.method.as_str(), method);
    assert_eq!(request.url.path(), path);
    assert_eq!(request.url.query(), query);
    assert_eq!(header(request, "authorization"), Some(format!("Bearer {API_KEY}").as_str()));
    assert_eq!(header(request, "accept"), Some("application/json"));
    match form {
        Some(form) => {
            assert_eq!(std::str::from_utf8(&request.body).unwrap(), form);
            let types: Vec<_> = request.headers.get_all("content-type").iter().collect();
            assert_eq!(types, ["application/x-www-form-urlencoded"]);
            assert!(header(request, "idempotency-key").is_some_and(|k| !k.is_empty()), "a POST carries a key");
        }
        None => {
            assert!(request.body.is_empty());
            assert_eq!(header(request, "content-type"), None);
            assert_eq!(header(request, "idempotency-key"), None, "GET and DELETE carry no key");
        }
    }
}
