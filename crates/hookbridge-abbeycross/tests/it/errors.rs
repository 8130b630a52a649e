//! Every documented error status (400, 401, 404, 500, 503) decodes to an ApiError carrying the
//! typed AbbeyCrossError; 503 is "outside working hours"; non-JSON bodies keep the raw bytes.

use hookbridge_abbeycross::{AbbeyCrossError, decode_error};
use hookbridge_core::reexports::http::StatusCode;
use hookbridge_core::{ApiErrorKind, Error, RetryPolicy};
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

async fn register_error(status: u16, body: &str, content_type: &str) -> Error {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(REGISTER_PATH))
        .respond_with(ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), content_type))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).webhooks().register(&doc_request()).await.unwrap_err();
    assert_eq!(received(&server).await.len(), 1);
    err
}

struct Case {
    status: u16,
    fixture: &'static str,
    kind: ApiErrorKind,
    error_id: &'static str,
    code: &'static str,
    text: &'static str,
    parameter_name: Option<&'static str>,
    parameter_value: Option<Value>,
}

#[tokio::test]
async fn every_documented_status_carries_the_typed_error_body() {
    let cases = [
        Case {
            status: 400,
            fixture: "error_400.json",
            kind: ApiErrorKind::BadRequest,
            error_id: "c7f1e0d2-3b4a-4c5d-8e9f-0a1b2c3d4e5f",
            code: "INVALID_PARAMETER",
            text: "One or more parameter values are invalid. Please check and retry.",
            parameter_name: Some("events"),
            parameter_value: Some(json!(["payment.completed", ""])),
        },
        Case {
            status: 401,
            fixture: "error_401.json",
            kind: ApiErrorKind::Unauthorized,
            error_id: "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a",
            code: "UNAUTHORIZED",
            text: "Authentication token is required for this action that was not provided, expired or invalid.",
            parameter_name: None,
            parameter_value: None,
        },
        Case {
            status: 404,
            fixture: "error_404.json",
            kind: ApiErrorKind::NotFound,
            error_id: "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
            code: "NOT_FOUND",
            text: "The requested endpoint or entity does not exist.",
            parameter_name: None,
            parameter_value: None,
        },
        Case {
            status: 500,
            fixture: "error_500.json",
            kind: ApiErrorKind::ServerError,
            error_id: "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b",
            code: "INTERNAL_ERROR",
            text: "Internal server error.",
            parameter_name: Some("url"),
            parameter_value: Some(json!({"scheme": "https", "length": 36})),
        },
        Case {
            status: 503,
            fixture: "error_503.json",
            kind: ApiErrorKind::Closed,
            error_id: "1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9",
            code: "OUTSIDE_WORKING_HOURS",
            text: "The server is currently unavailable due to non-working hours. Please try again later.",
            parameter_name: None,
            parameter_value: Some(json!(42)),
        },
    ];
    for c in cases {
        let raw = fixture(c.fixture);
        let err = register_error(c.status, &raw, "application/json").await;
        assert_eq!(err.status().map(|s| s.as_u16()), Some(c.status));
        assert_eq!(err.is_closed(), c.status == 503, "{}", c.status);
        assert_eq!(err.is_retryable(), c.status == 503, "{}", c.status);
        assert_eq!(err.is_auth(), c.status == 401, "{}", c.status);
        assert_eq!(err.is_not_found(), c.status == 404, "{}", c.status);
        let api = err.as_api().unwrap();
        assert_eq!(api.provider, hookbridge_abbeycross::PROVIDER);
        assert_eq!(api.operation, "register");
        assert_eq!(api.kind, c.kind, "{}", c.status);
        assert_eq!(&api.raw[..], raw.as_bytes());
        let body = api.provider_error::<AbbeyCrossError>().unwrap_or_else(|| panic!("{}: no typed body", c.status));
        assert_eq!(body.error_id.as_deref(), Some(c.error_id));
        assert_eq!(body.code.as_deref(), Some(c.code));
        assert_eq!(body.text.as_deref(), Some(c.text));
        assert_eq!(body.parameter_name.as_deref(), c.parameter_name);
        assert_eq!(body.parameter_value, c.parameter_value);
        let shown = err.to_string();
        assert!(shown.contains(c.code) && shown.contains(c.error_id), "{shown}");
        assert!(!shown.contains(TOKEN));
    }
}

#[tokio::test]
async fn the_schema_example_body_decodes() {
    let err = register_error(400, &fixture("error_schema_example.json"), "application/json").await;
    let body = err.as_api().unwrap().provider_error::<AbbeyCrossError>().unwrap();
    assert_eq!(
        body,
        &serde_json::from_value::<AbbeyCrossError>(json!({
            "errorId": "string", "code": "string", "text": "string",
            "parameter_name": "string", "parameter_value": {}
        }))
        .unwrap()
    );
    assert_eq!(body.parameter_value, Some(json!({})));
    assert_eq!(body.parameter_name.as_deref(), Some("string"));
}

#[tokio::test]
async fn a_non_json_error_body_keeps_the_raw_bytes_and_no_typed_body() {
    for (status, body, ct, kind) in [
        (503, "<html><body>Service Unavailable</body></html>", "text/html", ApiErrorKind::Closed),
        (500, "upstream connect error", "text/plain", ApiErrorKind::ServerError),
        (400, "", "application/json", ApiErrorKind::BadRequest),
        (404, r#"{"message":"no route"}"#, "application/json", ApiErrorKind::NotFound),
        (401, r#"["not","an","object"]"#, "application/json", ApiErrorKind::Unauthorized),
        (400, r#"{"errorId": 17}"#, "application/json", ApiErrorKind::BadRequest),
    ] {
        let err = register_error(status, body, ct).await;
        let api = err.as_api().unwrap();
        assert_eq!(api.kind, kind, "{status} {body}");
        assert!(api.body.is_none(), "{status} {body}");
        assert!(api.provider_error::<AbbeyCrossError>().is_none());
        assert_eq!(&api.raw[..], body.as_bytes());
    }
}

#[tokio::test]
async fn outside_working_hours_is_not_retried_for_a_register_post() {
    // Even with a policy that waits out non-working hours, a non-idempotent POST is sent once.
    let server = server().await;
    mount_register(&server, 503, &fixture("error_503.json")).await;
    let mut policy = RetryPolicy::default().max_attempts(3).backoff(Duration::from_millis(1), Duration::from_millis(2));
    policy.retry_when_closed = true;
    let err = client_with_retry(&server, policy).webhooks().register(&doc_request()).await.unwrap_err();
    assert!(err.is_closed());
    assert_eq!(received(&server).await.len(), 1);
}

#[test]
fn the_decoder_classifies_without_a_server() {
    let d = decode_error(StatusCode::SERVICE_UNAVAILABLE, b"");
    assert_eq!(d.kind, Some(ApiErrorKind::Closed));
    assert!(d.body.is_none());
    let d = decode_error(StatusCode::BAD_REQUEST, br#"{"code":"X"}"#);
    assert_eq!(d.kind, None);
    assert_eq!(d.body.unwrap().to_string(), "X");
    assert!(decode_error(StatusCode::BAD_REQUEST, b"{}").body.is_none());
}

#[test]
fn the_error_body_displays_and_serializes_with_its_wire_names() {
    let body: AbbeyCrossError = serde_json::from_str(&fixture("error_400.json")).unwrap();
    assert_eq!(
        body.to_string(),
        "INVALID_PARAMETER: One or more parameter values are invalid. Please check and retry. \
         (parameter `events` = [\"payment.completed\",\"\"]) [errorId c7f1e0d2-3b4a-4c5d-8e9f-0a1b2c3d4e5f]"
    );
    assert_eq!(serde_json::to_value(&body).unwrap(), fixture_json("error_400.json"));
    assert!(AbbeyCrossError::default().is_empty());
    assert_eq!(AbbeyCrossError::default().to_string(), "error");
}
