//! Status-code faults: 429 + `Retry-After`, 500, 502/503/504 runs, 409 conflicts, and AbbeyCross's
//! 503 "outside working hours".

use std::sync::Arc;
use std::time::Duration;

use hookbridge::abbeycross::AbbeyCrossError;
use hookbridge::bitnob::{CreateOptions, CreateWebhook};
use hookbridge::core::auth::NoAuth;
use hookbridge::core::reexports::jiff;
use hookbridge::core::{HttpClient, Request};
use hookbridge::{ApiErrorKind, IdempotencyKey, RetryPolicy};
use wiremock::ResponseTemplate;

use super::{Client, Op, ProviderCase, api_kind, cases, expected_result, strict_server};
use crate::fixture;

/// Runs `op` of `case` against `failures` (one request each) followed, if `then_ok`, by the valid
/// answer. Returns the result and the number of attempts (create discipline checked).
async fn run(
    case: &ProviderCase,
    op: Op,
    failures: Vec<ResponseTemplate>,
    then_ok: bool,
    retry: RetryPolicy,
) -> (hookbridge::Result<String>, usize) {
    let server = strict_server().await;
    case.mount_sequence(&server, op, failures, then_ok).await;
    let client = case.client(&server.uri(), |c| c.retry(retry));
    let result = client.run(op).await;
    (result, case.attempts(&server, op).await)
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code)
}

fn http_date(t: jiff::Timestamp) -> String {
    jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&t).unwrap()
}

#[tokio::test]
async fn rate_limit_with_a_short_retry_after_is_retried_only_when_safe() {
    let past = http_date("2015-10-21T07:28:00Z".parse().unwrap());
    for form in ["0", past.as_str()] {
        for case in cases() {
            for op in case.ops() {
                let ctx = format!("{} {op:?} Retry-After: {form}", case.provider);
                let limited = status(429).insert_header("retry-after", form);
                let (result, attempts) = run(&case, op, vec![limited], true, super::fast_retry()).await;
                if case.retry_safe(op) {
                    assert_eq!(result.unwrap(), expected_result(&case, op), "{ctx}");
                    assert_eq!(attempts, 2, "{ctx}");
                } else {
                    assert_eq!(api_kind(&ctx, &result), ApiErrorKind::RateLimited);
                    assert_eq!(result.unwrap_err().as_api().unwrap().retry_after, Some(Duration::ZERO), "{ctx}");
                    assert_eq!(attempts, 1, "{ctx}");
                }
            }
        }
    }
}

#[tokio::test]
async fn retry_after_beyond_the_cap_makes_the_error_final_in_both_forms() {
    // 120 s and an HTTP date one hour ahead both exceed the default 60 s `max_retry_after`: the
    // client gives up at once instead of sleeping, and reports what the provider asked for.
    let in_an_hour = http_date(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(3600));
    for (form, asked) in [("120", 120u64), (in_an_hour.as_str(), 3600)] {
        for case in cases() {
            for op in case.ops() {
                let ctx = format!("{} {op:?} Retry-After: {form}", case.provider);
                let limited = status(429).insert_header("retry-after", form);
                let (result, attempts) = run(&case, op, vec![limited], true, super::fast_retry()).await;
                assert_eq!(api_kind(&ctx, &result), ApiErrorKind::RateLimited);
                let waited = result.unwrap_err().as_api().unwrap().retry_after.unwrap().as_secs();
                assert!(waited.abs_diff(asked) <= 5, "{ctx}: {waited}");
                assert_eq!(attempts, 1, "{ctx}");
            }
        }
    }
}

#[tokio::test]
async fn server_error_500_is_never_retried() {
    for case in cases() {
        for op in case.ops() {
            let ctx = format!("{} {op:?}", case.provider);
            let body = ResponseTemplate::new(500).set_body_json(serde_json::json!({"message": "internal error"}));
            let (result, attempts) = run(&case, op, vec![body], true, super::fast_retry()).await;
            assert_eq!(api_kind(&ctx, &result), ApiErrorKind::ServerError);
            assert!(!result.unwrap_err().is_retryable());
            assert_eq!(attempts, 1, "{ctx}");
        }
    }
}

#[tokio::test]
async fn gateway_error_runs_then_success() {
    for code in [502, 503, 504] {
        for case in cases() {
            for op in case.ops() {
                let ctx = format!("{} {op:?} {code}", case.provider);
                let (result, attempts) =
                    run(&case, op, vec![status(code), status(code)], true, super::fast_retry()).await;
                if case.retry_safe(op) {
                    assert_eq!(result.unwrap(), expected_result(&case, op), "{ctx}");
                    assert_eq!(attempts, 3, "{ctx}");
                } else {
                    // A keyless create is not repeated: the first gateway error is final.
                    assert_eq!(api_kind(&ctx, &result), case.kind_for(code));
                    assert_eq!(attempts, 1, "{ctx}");
                }
            }
        }
    }
}

#[tokio::test]
async fn gateway_errors_exhaust_the_attempts() {
    for code in [502, 503, 504] {
        for case in cases() {
            for op in case.ops() {
                let ctx = format!("{} {op:?} {code}", case.provider);
                let failures = vec![status(code), status(code), status(code)];
                let (result, attempts) = run(&case, op, failures, true, super::fast_retry()).await;
                assert_eq!(api_kind(&ctx, &result), case.kind_for(code));
                assert!(result.unwrap_err().is_retryable(), "{ctx}");
                assert_eq!(attempts, case.attempts_when_failing(op), "{ctx}");
            }
        }
    }
}

#[tokio::test]
async fn the_unified_trait_follows_the_same_rules() {
    for case in cases() {
        for op in case.ops() {
            let ctx = format!("{} unified {op:?}", case.provider);
            let server = strict_server().await;
            case.mount_sequence(&server, op, vec![status(503)], true).await;
            let client = case.client(&server.uri(), |c| c);
            let result = client.run_unified(&case, op).await;
            let attempts = case.attempts(&server, op).await;
            if case.retry_safe(op) {
                assert!(result.is_ok(), "{ctx}: {result:?}");
                assert_eq!(attempts, 2, "{ctx}");
            } else {
                assert_eq!(api_kind(&ctx, &result), case.kind_for(503));
                assert_eq!(attempts, 1, "{ctx}");
            }
        }
    }
}

#[tokio::test]
async fn conflict_409_is_typed_and_never_retried() {
    for case in cases() {
        for op in case.ops() {
            let ctx = format!("{} {op:?}", case.provider);
            let conflict = ResponseTemplate::new(409).set_body_json(fixture("bitnob/error_409_idempotency.json"));
            let (result, attempts) = run(&case, op, vec![conflict], true, super::fast_retry()).await;
            assert_eq!(api_kind(&ctx, &result), ApiErrorKind::Conflict);
            let err = result.unwrap_err();
            assert!(err.is_conflict() && !err.is_retryable(), "{ctx}");
            assert_eq!(attempts, 1, "{ctx}");
        }
    }
}

fn bitnob() -> ProviderCase {
    cases().into_iter().find(|c| c.provider == hookbridge::bitnob::PROVIDER).unwrap()
}

#[tokio::test]
async fn bitnob_create_is_retried_with_one_key_until_the_conflict() {
    let case = bitnob();
    let conflict = ResponseTemplate::new(409).set_body_json(fixture("bitnob/error_409_idempotency.json"));
    let (result, attempts) =
        run(&case, Op::Create, vec![status(503), status(502), conflict], true, super::fast_retry()).await;
    let err = result.unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(err.as_api().unwrap().body_excerpt(), fixture("bitnob/error_409_idempotency.json").to_string());
    // 503, 502, then the 409 (same key on all three, checked by `attempts`).
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn bitnob_sends_the_callers_key_verbatim_on_every_attempt() {
    let case = bitnob();
    let server = strict_server().await;
    case.mount_sequence(&server, Op::Create, vec![status(504)], true).await;
    let Client::Bitnob(client) = case.client(&server.uri(), |c| c) else { unreachable!() };
    let key = IdempotencyKey::new("order-7781-create-webhook").unwrap();
    let body =
        CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap()).name("Ledger sync");
    let created = client.webhooks().create(&body, &CreateOptions::new().idempotency_key(key)).await.unwrap();
    assert_eq!(created.webhook.id.as_str(), super::BITNOB_ID);
    let received = server.received_requests().await.unwrap();
    let keys: Vec<_> = received.iter().map(|r| r.headers.get("idempotency-key").unwrap().to_str().unwrap()).collect();
    assert_eq!(keys, ["order-7781-create-webhook", "order-7781-create-webhook"]);
    // Two calls generate two different keys (a new call is a new create).
    let server = strict_server().await;
    case.mount(&server, Op::Create, case.ok(Op::Create), None).await;
    let client = case.client(&server.uri(), |c| c);
    client.run(Op::Create).await.unwrap();
    client.run(Op::Create).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert_ne!(received[0].headers.get("idempotency-key"), received[1].headers.get("idempotency-key"));
}

#[tokio::test]
async fn abbeycross_outside_working_hours_fails_fast_and_never_duplicates_the_register() {
    let case = cases().into_iter().find(|c| c.provider == hookbridge::abbeycross::PROVIDER).unwrap();
    let closed = || ResponseTemplate::new(503).set_body_json(fixture("abbeycross/error_503.json"));
    for wait_out in [false, true] {
        let retry = super::fast_retry().retry_when_closed(wait_out);
        for unified in [false, true] {
            let ctx = format!("retry_when_closed({wait_out}) unified={unified}");
            let server = strict_server().await;
            case.mount_sequence(&server, Op::Create, vec![closed(), closed(), closed()], true).await;
            let client = case.client(&server.uri(), |c| c.retry(retry.clone()));
            let result =
                if unified { client.run_unified(&case, Op::Create).await } else { client.run(Op::Create).await };
            let err = result.unwrap_err();
            assert!(err.is_closed() && err.is_retryable(), "{ctx}: {err:?}");
            let body = err.as_api().unwrap().provider_error::<AbbeyCrossError>().unwrap();
            assert_eq!(body.code.as_deref(), Some("OUTSIDE_WORKING_HOURS"));
            assert!(err.to_string().contains("closed: outside the provider's service hours"), "{ctx}: {err}");
            // The register POST has no idempotency key: one attempt, even when waiting out is on.
            assert_eq!(case.attempts(&server, Op::Create).await, 1, "{ctx}");
        }
    }
}

#[tokio::test]
async fn outside_working_hours_is_waited_out_only_for_retry_safe_requests_when_enabled() {
    // AbbeyCross documents only a keyless POST, so the opt-in can never repeat one of its calls.
    // What the opt-in does is shown on a retry-safe GET through the same transport and decoder.
    let server = strict_server().await;
    let route = "/v1/status";
    for _ in 0..2 {
        wiremock::Mock::given(wiremock::matchers::path(route))
            .respond_with(ResponseTemplate::new(503).set_body_json(fixture("abbeycross/error_503.json")))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    wiremock::Mock::given(wiremock::matchers::path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    for (wait_out, total) in [(false, 1), (true, 3)] {
        let config = hookbridge::ClientConfig::new(&server.uri())
            .unwrap()
            .retry(super::fast_retry().retry_when_closed(wait_out));
        let http = HttpClient::new(hookbridge::abbeycross::PROVIDER, config, Arc::new(NoAuth))
            .unwrap()
            .with_error_decoder(hookbridge::abbeycross::decode_error);
        let result = http.json::<serde_json::Value>(Request::get("status", ["v1", "status"])).await;
        if wait_out {
            assert_eq!(result.unwrap(), serde_json::json!({"ok": true}));
        } else {
            assert!(result.unwrap_err().is_closed());
        }
        // Cumulative: one attempt without the opt-in (final 503); then 503 + 200 with it.
        assert_eq!(server.received_requests().await.unwrap().len(), total, "{wait_out}");
    }
}
