//! Every documented error status → Stripe's typed error object and a stable classification,
//! through the decoder the transport installs.

use hookbridge_core::reexports::http::StatusCode;
use hookbridge_core::{ApiErrorKind, DecodedError};
use hookbridge_stripe::error::decode_error;
use hookbridge_stripe::{ErrorType, StripeError};

use crate::common::fixture;

/// What the transport makes of a non-2xx answer: the decoder's typed body, and its kind or the
/// status's default kind.
fn classify(status: u16, body: &[u8]) -> (ApiErrorKind, Option<StripeError>) {
    let status = StatusCode::from_u16(status).unwrap();
    let DecodedError { kind, body, .. } = decode_error(status, body);
    let typed = body.map(|b| b.as_any().downcast_ref::<StripeError>().unwrap().clone());
    (kind.unwrap_or_else(|| ApiErrorKind::from_status(status)), typed)
}

#[test]
fn every_documented_status_decodes_to_the_typed_error() {
    let table = [
        (400, "error_400.json", ApiErrorKind::BadRequest, ErrorType::InvalidRequestError, Some("parameter_missing")),
        (400, "error_400_idempotency.json", ApiErrorKind::Conflict, ErrorType::IdempotencyError, None),
        (401, "error_401.json", ApiErrorKind::Unauthorized, ErrorType::InvalidRequestError, None),
        (402, "error_402.json", ApiErrorKind::Other, ErrorType::CardError, Some("card_declined")),
        (403, "error_403.json", ApiErrorKind::Forbidden, ErrorType::InvalidRequestError, None),
        (404, "error_404.json", ApiErrorKind::NotFound, ErrorType::InvalidRequestError, Some("resource_missing")),
        (409, "error_409.json", ApiErrorKind::Conflict, ErrorType::InvalidRequestError, Some("idempotency_key_in_use")),
        (424, "error_424.json", ApiErrorKind::Other, ErrorType::ApiError, None),
        (429, "error_429.json", ApiErrorKind::RateLimited, ErrorType::InvalidRequestError, Some("rate_limit")),
        (500, "error_500.json", ApiErrorKind::ServerError, ErrorType::ApiError, None),
        (502, "error_500.json", ApiErrorKind::BadGateway, ErrorType::ApiError, None),
        (503, "error_503.json", ApiErrorKind::ServiceUnavailable, ErrorType::ApiError, None),
        (504, "error_500.json", ApiErrorKind::GatewayTimeout, ErrorType::ApiError, None),
    ];
    for (status, name, kind, error_type, code) in table {
        let body = fixture(name);
        let (got_kind, typed) = classify(status, body.as_bytes());
        let typed = typed.unwrap_or_else(|| panic!("{name}: no typed body"));
        assert_eq!(got_kind, kind, "{status} {name}");
        assert_eq!(typed.error_type, error_type, "{name}");
        assert_eq!(typed.code.as_deref(), code, "{name}");
        let message = typed.message.clone().unwrap();
        assert!(typed.to_string().starts_with(&format!("{}: {message}", error_type.as_str())), "{typed}");
        // Exactly the retryable statuses the transport retries (for idempotent requests).
        assert_eq!(got_kind.is_retryable(), matches!(status, 429 | 502 | 503 | 504), "{status}");
    }
}

#[test]
fn the_attributes_of_the_error_object_are_read() {
    let (_, typed) = classify(404, fixture("error_404.json").as_bytes());
    let e = typed.unwrap();
    assert_eq!(e.param.as_deref(), Some("id"));
    assert_eq!(e.doc_url.as_deref(), Some("https://stripe.com/docs/error-codes/resource-missing"));
    assert_eq!(
        e.request_log_url.as_deref(),
        Some("https://dashboard.stripe.com/test/logs/req_5Cd6LkdIwHu7ix?t=1735689600")
    );
    assert_eq!(
        e.to_string(),
        "invalid_request_error: No such webhook endpoint: 'we_1Mr5jULkdIwHu7ix1ibLTM0x' (code resource_missing, param id)"
    );

    let (_, typed) = classify(402, fixture("error_402.json").as_bytes());
    let card = typed.unwrap();
    assert_eq!(card.decline_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(card.advice_code.as_deref(), Some("try_again_later"));
    assert_eq!(card.charge.as_deref(), Some("ch_3QbT4mLkdIwHu7ix1Vq8Zk0a"));
    assert_eq!(card.network_decline_code.as_deref(), Some("51"));
    assert_eq!(card.extra["payment_intent"]["id"], "pi_3QbT4mLkdIwHu7ix1Vq8Zk0a");
}

#[test]
fn an_unknown_error_type_is_kept() {
    let (kind, typed) = classify(400, fixture("error_unknown_type.json").as_bytes());
    let e = typed.unwrap();
    assert_eq!(kind, ApiErrorKind::BadRequest);
    assert_eq!(e.error_type, ErrorType::Unknown("temporary_session_error".into()));
    assert!(!e.error_type.is_documented());
    assert_eq!(e.extra["hint"], "start a new session");
    let round_trip = serde_json::to_value(&e).unwrap();
    assert_eq!(round_trip, crate::common::fixture_json("error_unknown_type.json")["error"]);
}

#[test]
fn bodies_that_are_not_stripe_errors_keep_only_the_status_kind() {
    for (status, body) in [
        (502, &b"<html><body>502 Bad Gateway</body></html>"[..]),
        (500, b""),
        (503, br#"{"error": {"type": "api_error", "message": "trunc"#),
        (400, br#"{"message": "no envelope"}"#),
        (400, br#"{"error": {"message": "no type"}}"#),
        (400, br#"{"error": "a string"}"#),
    ] {
        let (kind, typed) = classify(status, body);
        assert!(typed.is_none(), "{}", String::from_utf8_lossy(body));
        assert_eq!(kind, ApiErrorKind::from_status(StatusCode::from_u16(status).unwrap()));
    }
}
