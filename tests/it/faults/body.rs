//! Body faults: truncated and invalid JSON, the wrong shape, a wrong content type, HTML error
//! pages, and bodies over `ClientConfig::max_response_bytes`. A 2xx that cannot be decoded is
//! final (never retried): for a create it may mean the webhook exists.

use hookbridge::core::DecodeErrorKind;
use hookbridge::{ApiErrorKind, Error};
use wiremock::ResponseTemplate;

use super::raw::{RawServer, Reply};
use super::{Op, ProviderCase, api_kind, cases, strict_server};
use crate::fixture;

/// Runs `op` against `answer` (every attempt); returns the result and the attempt count.
async fn run(
    case: &ProviderCase,
    op: Op,
    answer: ResponseTemplate,
    max_bytes: Option<usize>,
) -> (hookbridge::Result<String>, usize) {
    let server = strict_server().await;
    case.mount(&server, op, answer, None).await;
    let client = case.client(&server.uri(), |c| match max_bytes {
        Some(n) => c.max_response_bytes(n),
        None => c,
    });
    let result = client.run(op).await;
    (result, case.attempts(&server, op).await)
}

fn decode_kind(ctx: &str, result: &hookbridge::Result<String>) -> DecodeErrorKind {
    match result {
        Err(Error::Decode(d)) => {
            assert!(d.status.is_some_and(|s| s.is_success()), "{ctx}: {d:?}");
            d.kind.clone()
        }
        other => panic!("{ctx}: expected a decode error, got {other:?}"),
    }
}

fn fixture_bytes(case: &ProviderCase, op: Op) -> Vec<u8> {
    serde_json::to_vec_pretty(&fixture(case.route(op).fixture)).unwrap()
}

#[tokio::test]
async fn truncated_invalid_and_misshapen_json_are_final_decode_errors() {
    for case in cases() {
        for op in case.ops() {
            let full = fixture_bytes(&case, op);
            let bodies: [(&str, Vec<u8>); 4] = [
                ("truncated", full[..full.len() * 2 / 3].to_vec()),
                ("not json", b"OK".to_vec()),
                ("empty", Vec::new()),
                ("wrong shape", b"[1, 2, 3]".to_vec()),
            ];
            for (what, body) in bodies {
                let ctx = format!("{} {op:?} {what}", case.provider);
                let answer = ResponseTemplate::new(case.route(op).status).set_body_raw(body, "application/json");
                let (result, attempts) = run(&case, op, answer, None).await;
                assert_eq!(decode_kind(&ctx, &result), DecodeErrorKind::Json, "{ctx}");
                assert!(!result.unwrap_err().is_retryable(), "{ctx}");
                assert_eq!(attempts, 1, "{ctx}");
            }
        }
    }
}

#[tokio::test]
async fn a_wrong_content_type_is_refused_before_parsing() {
    for case in cases() {
        for op in case.ops() {
            for mime in ["text/plain", "application/xml", "text/html; charset=utf-8"] {
                let ctx = format!("{} {op:?} {mime}", case.provider);
                // A body that would decode: only the declared type is wrong.
                let answer = ResponseTemplate::new(case.route(op).status).set_body_raw(fixture_bytes(&case, op), mime);
                let (result, attempts) = run(&case, op, answer, None).await;
                assert_eq!(decode_kind(&ctx, &result), DecodeErrorKind::ContentType(mime.into()), "{ctx}");
                assert_eq!(attempts, 1, "{ctx}");
            }
        }
    }
}

const GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

#[tokio::test]
async fn html_error_pages() {
    for case in cases() {
        for op in case.ops() {
            // On a gateway status: an API error keeping the page raw, retried like any 502.
            let ctx = format!("{} {op:?} 502 html", case.provider);
            let page = ResponseTemplate::new(502).set_body_raw(GATEWAY_PAGE, "text/html");
            let (result, attempts) = run(&case, op, page, None).await;
            assert_eq!(api_kind(&ctx, &result), ApiErrorKind::BadGateway);
            let err = result.unwrap_err();
            let api = err.as_api().unwrap();
            assert!(api.body.is_none(), "{ctx}: an HTML page is no typed error body");
            assert_eq!(&api.raw[..], GATEWAY_PAGE.as_bytes());
            assert_eq!(attempts, case.attempts_when_failing(op), "{ctx}");

            // On a 500: not retried.
            let ctx = format!("{} {op:?} 500 html", case.provider);
            let page = ResponseTemplate::new(500).set_body_raw("<html><body>Server Error</body></html>", "text/html");
            let (result, attempts) = run(&case, op, page, None).await;
            assert_eq!(api_kind(&ctx, &result), ApiErrorKind::ServerError);
            assert_eq!(attempts, 1, "{ctx}");

            // On a 200 (a captive portal, a misrouted proxy): a content-type decode error.
            let ctx = format!("{} {op:?} 200 html", case.provider);
            let page = ResponseTemplate::new(200).set_body_raw("<html><body>Welcome</body></html>", "text/html");
            let (result, attempts) = run(&case, op, page, None).await;
            assert_eq!(decode_kind(&ctx, &result), DecodeErrorKind::ContentType("text/html".into()));
            assert_eq!(attempts, 1, "{ctx}");
        }
    }
}

const CAP: usize = 2048;

#[tokio::test]
async fn oversized_success_bodies_are_refused() {
    for case in cases() {
        for op in case.ops() {
            // Declared: a valid fixture padded past the cap, with its Content-Length.
            let ctx = format!("{} {op:?} declared", case.provider);
            let mut body = fixture(case.route(op).fixture);
            body["padding"] = "x".repeat(CAP * 2).into();
            let answer = ResponseTemplate::new(case.route(op).status).set_body_json(body);
            let (result, attempts) = run(&case, op, answer, Some(CAP)).await;
            assert_eq!(decode_kind(&ctx, &result), DecodeErrorKind::TooLarge { limit: CAP }, "{ctx}");
            assert_eq!(attempts, 1, "{ctx}");

            // Streamed: chunked, no Content-Length; the read stops at the cap.
            let ctx = format!("{} {op:?} chunked", case.provider);
            let server = RawServer::start(Reply::Chunked { len: CAP * 8 });
            let client = case.client(&server.uri(), |c| c.max_response_bytes(CAP));
            let result = client.run(op).await;
            assert_eq!(decode_kind(&ctx, &result), DecodeErrorKind::TooLarge { limit: CAP }, "{ctx}");
            let keys: Vec<_> = server.requests().iter().map(|r| r.header("idempotency-key")).collect();
            super::assert_create_discipline(&case, op, &keys);
            assert_eq!(keys.len(), 1, "{ctx}");

            // The same cap with a normal body: no effect.
            let (result, _) = run(&case, op, case.ok(op), Some(CAP)).await;
            assert_eq!(result.unwrap(), super::expected_result(&case, op));
        }
    }
}

#[tokio::test]
async fn oversized_error_bodies_are_kept_up_to_the_cap() {
    for case in cases() {
        for op in case.ops() {
            let ctx = format!("{} {op:?}", case.provider);
            let answer = ResponseTemplate::new(500).set_body_raw("e".repeat(CAP * 4), "text/plain");
            let (result, attempts) = run(&case, op, answer, Some(CAP)).await;
            assert_eq!(api_kind(&ctx, &result), ApiErrorKind::ServerError);
            assert_eq!(result.unwrap_err().as_api().unwrap().raw.len(), CAP, "{ctx}");
            assert_eq!(attempts, 1, "{ctx}");
        }
    }
}
