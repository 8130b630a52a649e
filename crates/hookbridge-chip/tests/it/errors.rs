//! Non-2xx statuses decode to typed API errors; undecodable 2xx bodies to decode errors.

use hookbridge_chip::{ChipError, ChipFieldError, WebhookId, WebhookRequest};
use hookbridge_core::{ApiErrorKind, DecodeErrorKind, Error};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

fn id() -> WebhookId {
    WebhookId::new(WEBHOOK_ID).unwrap()
}

async fn get_with(response: ResponseTemplate) -> Error {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/webhooks/{WEBHOOK_ID}/")))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    client.webhooks().get(&id()).await.unwrap_err()
}

fn field(message: &str, code: Option<&str>) -> ChipFieldError {
    ChipFieldError { message: Some(message.to_owned()), code: code.map(str::to_owned) }
}

#[tokio::test]
async fn bad_request_with_the_documented_all_body() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(400, fixture("error_400_all.json")))
        .expect(1)
        .mount(&server)
        .await;
    let body = WebhookRequest::new("t", "https://example.com/h".parse::<url::Url>().unwrap()).event("purchase.paid");
    let err = client.webhooks().create(&body).await.unwrap_err();

    let api = err.as_api().unwrap();
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.kind, ApiErrorKind::BadRequest);
    assert_eq!(api.operation, "create");
    assert!(!err.is_retryable());
    let chip = api.provider_error::<ChipError>().unwrap();
    assert_eq!(chip.non_field_errors(), [field("descriptive error message", Some("error_code"))]);
    assert_eq!(chip.first_message(), Some("descriptive error message"));
    assert_eq!(chip.code, None);
    assert!(err.to_string().contains("__all__: descriptive error message (error_code)"), "{err}");
    assert_eq!(api.raw, fixture("error_400_all.json").as_bytes());
}

#[tokio::test]
async fn bad_request_with_field_errors_in_every_django_shape() {
    let err = get_with(json(400, fixture("error_400_fields.json"))).await;
    let chip = err.as_api().unwrap().provider_error::<ChipError>().unwrap();
    assert_eq!(chip.field("callback"), [field("Enter a valid URL.", Some("invalid"))]);
    assert_eq!(chip.field("events.0"), [field("\"purchase.unknown\" is not a valid choice.", Some("invalid_choice"))]);
    assert_eq!(chip.field("title"), [field("This field may not be blank.", None)]);
    assert!(chip.non_field_errors().is_empty());
    assert_eq!(chip.first_message(), Some("Enter a valid URL."));
}

#[tokio::test]
async fn unauthorized_with_the_error_guide_body() {
    let err = get_with(json(401, fixture("error_401.json"))).await;
    assert!(err.is_auth());
    let api = err.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::Unauthorized);
    let chip = api.provider_error::<ChipError>().unwrap();
    assert_eq!(chip.code.as_deref(), Some("unauthorized"));
    assert_eq!(chip.message.as_deref(), Some("API key is missing, malformed, or invalid."));
    assert!(chip.fields.is_empty());
}

#[tokio::test]
async fn not_found_with_a_detail_body() {
    let err = get_with(json(404, fixture("error_404.json"))).await;
    assert!(err.is_not_found());
    let chip = err.as_api().unwrap().provider_error::<ChipError>().unwrap();
    assert_eq!(chip.message.as_deref(), Some("Not found."));
}

#[tokio::test]
async fn not_found_with_an_empty_body_keeps_no_typed_body() {
    let err = get_with(ResponseTemplate::new(404)).await;
    assert!(err.is_not_found());
    let api = err.as_api().unwrap();
    assert!(api.body.is_none());
    assert!(api.raw.is_empty());
}

#[tokio::test]
async fn server_error_with_an_html_page_keeps_the_raw_body() {
    let html = include_str!("../../../hookbridge-testkit/data/chip/error_500.html");
    let err = get_with(ResponseTemplate::new(500).set_body_raw(html, "text/html")).await;
    let api = err.as_api().unwrap();
    assert_eq!(api.status.as_u16(), 500);
    assert_eq!(api.kind, ApiErrorKind::ServerError);
    assert!(api.body.is_none());
    assert!(api.body_excerpt().contains("Server Error (500)"));
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn every_status_in_the_error_guide_is_classified() {
    let table = [
        (403, "forbidden", ApiErrorKind::Forbidden),
        (409, "conflict", ApiErrorKind::Conflict),
        (422, "unprocessable_entity", ApiErrorKind::Unprocessable),
        (429, "rate_limited", ApiErrorKind::RateLimited),
        (502, "bad_gateway", ApiErrorKind::BadGateway),
        (503, "service_unavailable", ApiErrorKind::ServiceUnavailable),
    ];
    for (status, code, kind) in table {
        let body = format!(r#"{{"code": "{code}", "message": "m-{status}"}}"#);
        let err = get_with(json(status, body)).await;
        let api = err.as_api().unwrap();
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.kind, kind);
        let chip = api.provider_error::<ChipError>().unwrap();
        assert_eq!(chip.code.as_deref(), Some(code));
        assert_eq!(chip.message.as_deref(), Some(format!("m-{status}").as_str()));
        assert_eq!(err.is_retryable(), matches!(status, 429 | 502 | 503));
    }
}

#[test]
fn chip_error_tolerates_odd_shapes() {
    assert_eq!(ChipError::from_slice(b"not json"), None);
    assert_eq!(ChipError::from_slice(b"[1, 2]"), None);
    assert_eq!(ChipError::from_slice(b"{}"), None);
    let e = ChipError::from_slice(br#"{"__all__": ["plain", {"code": "c"}], "n": 5, "x": null, "detail": 3}"#).unwrap();
    assert_eq!(e.non_field_errors(), [field("plain", None), ChipFieldError { message: None, code: Some("c".into()) }]);
    assert_eq!(e.field("n"), [field("5", None)]);
    assert!(e.field("x").is_empty());
    assert_eq!(e.field("detail"), [field("3", None)]);
}

#[tokio::test]
async fn malformed_success_json_is_a_decode_error() {
    for body in ["{\"id\": ", "not json", "{\"id\": 5}", "[]"] {
        match get_with(json(200, body)).await {
            Error::Decode(d) => {
                assert_eq!(d.kind, DecodeErrorKind::Json, "{body}");
                assert_eq!(d.status.map(|s| s.as_u16()), Some(200));
            }
            other => panic!("{body}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn truncated_fixture_is_a_decode_error() {
    let full = fixture("webhook.json");
    let truncated = &full[..full.len() / 2];
    match get_with(json(200, truncated)).await {
        Error::Decode(d) => {
            assert_eq!(d.kind, DecodeErrorKind::Json);
            assert!(d.excerpt.starts_with("{\n  \"type\": \"webhook\""));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_non_json_content_type_is_a_decode_error() {
    let err = get_with(ResponseTemplate::new(200).set_body_raw("<html></html>", "text/html")).await;
    match err {
        Error::Decode(d) => assert!(matches!(d.kind, DecodeErrorKind::ContentType(_))),
        other => panic!("expected a decode error, got {other:?}"),
    }
}
