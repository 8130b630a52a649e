//! Per-attempt middleware: an interceptor sees every attempt (retries included) after auth and
//! before sending, and each attempt's status and latency.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookbridge_core::auth::Bearer;
use hookbridge_core::intercept::{Attempt, AttemptOutcome, Interceptor};
use hookbridge_core::reexports::http::{HeaderMap, HeaderValue, StatusCode};
use hookbridge_core::{ClientConfig, HttpClient, Request, Secret};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fast_retry;

/// What one attempt looked like: its number, the response's `x-request-id`, status and latency.
type Seen = (u32, Option<String>, Option<StatusCode>, Duration);

/// Adds a correlation header and records what each attempt saw.
#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<Seen>>,
    auth_seen: Mutex<Vec<bool>>,
}

impl Interceptor for Recorder {
    fn on_request(&self, attempt: &Attempt<'_>, headers: &mut HeaderMap) {
        // Auth has already run.
        self.auth_seen.lock().unwrap().push(headers.contains_key("authorization"));
        headers.insert("x-correlation-id", HeaderValue::from_str(&format!("corr-{}", attempt.attempt)).unwrap());
    }

    fn on_response(&self, attempt: &Attempt<'_>, outcome: &AttemptOutcome<'_>) {
        let request_id =
            outcome.headers.and_then(|h| h.get("x-request-id")).and_then(|v| v.to_str().ok()).map(str::to_owned);
        self.seen.lock().unwrap().push((attempt.attempt, request_id, outcome.status, outcome.latency));
    }
}

#[tokio::test]
async fn an_interceptor_sees_every_attempt_after_auth() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks"))
        .and(header("x-correlation-id", "corr-1"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-request-id", "r1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks"))
        .and(header("x-correlation-id", "corr-2"))
        .and(header("authorization", "Bearer tok_test_123"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "r2")
                .set_body_json(json!({"ok": true}))
                .set_delay(Duration::from_millis(20)),
        )
        .expect(1)
        .mount(&server)
        .await;

    let recorder = Arc::new(Recorder::default());
    let config = ClientConfig::new(&format!("{}/api/v1", server.uri()))
        .unwrap()
        .retry(fast_retry(3))
        .interceptor(recorder.clone());
    let client = HttpClient::new(
        hookbridge_core::ProviderId::new("delta"),
        config,
        Arc::new(Bearer::new(&Secret::new("tok_test_123")).unwrap()),
    )
    .unwrap();
    let got: Value = client.json(Request::get("list", ["webhooks"])).await.unwrap();
    assert_eq!(got, json!({"ok": true}));

    assert_eq!(*recorder.auth_seen.lock().unwrap(), [true, true]);
    let seen = recorder.seen.lock().unwrap();
    let summary: Vec<_> = seen.iter().map(|(a, id, s, _)| (*a, id.as_deref(), *s)).collect();
    assert_eq!(
        summary,
        [(1, Some("r1"), Some(StatusCode::SERVICE_UNAVAILABLE)), (2, Some("r2"), Some(StatusCode::OK))]
    );
    assert!(seen[1].3 >= Duration::from_millis(20), "latency of the delayed attempt: {:?}", seen[1].3);
}

#[tokio::test]
async fn an_interceptor_sees_attempts_that_get_no_response() {
    let recorder = Arc::new(Recorder::default());
    // Nothing listens on port 1 of the loopback interface.
    let config = ClientConfig::new("http://127.0.0.1:1/").unwrap().retry(fast_retry(2)).interceptor(recorder.clone());
    let client = HttpClient::new(
        hookbridge_core::ProviderId::new("delta"),
        config,
        Arc::new(Bearer::new(&Secret::new("tok_test_123")).unwrap()),
    )
    .unwrap();
    let err = client.send(Request::get("get", ["webhooks", "x"])).await.unwrap_err();
    assert!(matches!(err, hookbridge_core::Error::Transport { .. }), "{err:?}");
    let statuses: Vec<_> = recorder.seen.lock().unwrap().iter().map(|(a, _, s, _)| (*a, *s)).collect();
    assert_eq!(statuses, [(1, None), (2, None)]);
}
