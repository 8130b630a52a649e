//! MIEX documents no error body: every non-2xx is a core ApiError with the status, its kind and the raw body.

use hookbridge_core::{ApiErrorKind, Error};
use hookbridge_miex::{MiexEvent, RegisterWebhook};

use crate::common::*;

async fn register_error(status: u16, body: &str) -> Error {
    let server = server().await;
    mount_register(&server, status, body).await;
    let req = RegisterWebhook::new(
        "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap(),
        [MiexEvent::OrderCreated],
    );
    let err = client(&server).webhooks().register(&req).await.unwrap_err();
    assert_eq!(received(&server).await.len(), 1, "HTTP {status}: sent once, not retried");
    err
}

#[tokio::test]
async fn error_statuses_decode_to_api_errors_with_the_raw_body() {
    let validation = fixture("error_422.json");
    let cases = [
        (400, r#"{"message":"url must be a URL address"}"#, ApiErrorKind::BadRequest),
        (401, r#"{"message":"Unauthorized"}"#, ApiErrorKind::Unauthorized),
        (403, "Forbidden", ApiErrorKind::Forbidden),
        (422, validation.as_str(), ApiErrorKind::Unprocessable),
        (500, r#"{"statusCode":500,"message":"Internal server error"}"#, ApiErrorKind::ServerError),
        (503, "", ApiErrorKind::ServiceUnavailable),
    ];
    for (status, body, kind) in cases {
        let err = register_error(status, body).await;
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.is_auth(), matches!(status, 401 | 403), "{status}");
        assert_eq!(err.is_retryable(), status == 503, "{status}");
        assert!(!err.is_closed());
        let api = err.as_api().unwrap();
        assert_eq!(api.provider, hookbridge_miex::PROVIDER);
        assert_eq!(api.operation, "register");
        assert_eq!(api.kind, kind, "{status}");
        assert!(api.body.is_none(), "MIEX documents no typed error body");
        assert_eq!(&api.raw[..], body.as_bytes(), "{status}");
        let shown = err.to_string();
        assert!(shown.contains(&status.to_string()), "{shown}");
        assert!(!shown.contains(BRANCH_KEY), "{shown}");
    }
}
