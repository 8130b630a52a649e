//! Network faults: per-attempt timeouts, connections closed without an answer, bodies cut short
//! of their `Content-Length`, and refused connections.

use std::time::Duration;

use futures_util::future::join_all;
use hookbridge::Error;
use wiremock::ResponseTemplate;

use super::raw::{RawServer, Reply};
use super::{Op, ProviderCase, assert_create_discipline, cases, expected_result, strict_server};

const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(250);

/// An answer held back well beyond [`ATTEMPT_TIMEOUT`].
fn stalled(case: &ProviderCase, op: Op) -> ResponseTemplate {
    case.ok(op).set_delay(Duration::from_secs(5))
}

/// Runs every (provider, operation) pair against `answers` (mounted in order; the last one answers
/// every further request) with a 250 ms attempt timeout. Servers are set up first, then all the
/// calls run concurrently, so the suite pays for the timeouts once rather than once per provider.
/// Returns each pair's result and attempt count (create discipline checked).
async fn run_all(
    answers: impl Fn(&ProviderCase, Op) -> Vec<ResponseTemplate>,
) -> Vec<(ProviderCase, Op, hookbridge::Result<String>, usize)> {
    let mut runs = Vec::new();
    for case in cases() {
        for op in case.ops() {
            let server = strict_server().await;
            let answers = answers(&case, op);
            let n = answers.len();
            for (i, answer) in answers.into_iter().enumerate() {
                case.mount(&server, op, answer, (i + 1 < n).then_some(1)).await;
            }
            let client = case.client(&server.uri(), |c| c.timeout(ATTEMPT_TIMEOUT));
            runs.push((case.clone(), op, server, client));
        }
    }
    let results = join_all(runs.iter().map(|(_, op, _, client)| client.run(*op))).await;
    let mut out = Vec::new();
    for ((case, op, server, _), result) in runs.into_iter().zip(results) {
        let attempts = case.attempts(&server, op).await;
        out.push((case, op, result, attempts));
    }
    out
}

fn assert_timeout(ctx: &str, result: &hookbridge::Result<String>) {
    match result {
        Err(Error::Timeout { elapsed, .. }) => {
            assert!(*elapsed >= ATTEMPT_TIMEOUT - Duration::from_millis(20), "{ctx}: {elapsed:?}")
        }
        other => panic!("{ctx}: expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn every_attempt_timing_out() {
    for (case, op, result, attempts) in run_all(|case, op| vec![stalled(case, op)]).await {
        let ctx = format!("{} {op:?}", case.provider);
        assert_timeout(&ctx, &result);
        assert!(result.unwrap_err().is_retryable());
        // Reads and Bitnob's keyed create: 3 attempts; keyless creates: exactly 1.
        assert_eq!(attempts, case.attempts_when_failing(op), "{ctx}");
    }
}

#[tokio::test]
async fn one_attempt_timing_out_then_success() {
    for (case, op, result, attempts) in run_all(|case, op| vec![stalled(case, op), case.ok(op)]).await {
        let ctx = format!("{} {op:?}", case.provider);
        if case.retry_safe(op) {
            assert_eq!(result.unwrap(), expected_result(&case, op), "{ctx}");
            assert_eq!(attempts, 2, "{ctx}");
        } else {
            // The keyless create may have been registered: it is not sent again.
            assert_timeout(&ctx, &result);
            assert_eq!(attempts, 1, "{ctx}");
        }
    }
}

/// Runs `op` against a raw listener answering `reply`; returns the result and the idempotency key
/// of each attempt (create discipline checked).
async fn against_raw(case: &ProviderCase, op: Op, reply: Reply) -> (hookbridge::Result<String>, usize) {
    let server = RawServer::start(reply);
    let client = case.client(&server.uri(), |c| c);
    let result = client.run(op).await;
    let route = case.route(op);
    let requests = server.requests();
    let expected_line = format!("{} {} HTTP/1.1", route.method, route.path);
    assert!(requests.iter().all(|r| r.line() == expected_line), "{:?}", requests);
    let keys: Vec<_> = requests.iter().map(|r| r.header("idempotency-key")).collect();
    assert_create_discipline(case, op, &keys);
    (result, requests.len())
}

fn assert_broken_connection(ctx: &str, result: &hookbridge::Result<String>) {
    match result {
        // The connection was up and the request sent: not a connect failure.
        Err(Error::Transport { connect: false, .. }) => {}
        other => panic!("{ctx}: expected a transport error after connecting, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_closed_without_an_answer() {
    for case in cases() {
        for op in case.ops() {
            let ctx = format!("{} {op:?}", case.provider);
            let (result, attempts) = against_raw(&case, op, Reply::Close).await;
            assert_broken_connection(&ctx, &result);
            assert!(result.unwrap_err().is_retryable());
            assert_eq!(attempts, case.attempts_when_failing(op), "{ctx}");
        }
    }
}

#[tokio::test]
async fn body_cut_short_of_its_content_length() {
    for case in cases() {
        for op in case.ops() {
            let ctx = format!("{} {op:?}", case.provider);
            let full = crate::fixture(case.route(op).fixture).to_string().into_bytes();
            let reply = Reply::Truncated { declared: full.len(), body: full[..full.len() / 2].to_vec() };
            let (result, attempts) = against_raw(&case, op, reply).await;
            assert_broken_connection(&ctx, &result);
            assert_eq!(attempts, case.attempts_when_failing(op), "{ctx}");
        }
    }
}

#[tokio::test]
async fn refused_connections_are_connect_errors() {
    // A port that was just free: nothing listens, so the request never leaves. (Such a failure is
    // safe to retry even for a keyless create; the attempt count is checked in `observability`.)
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    for case in cases() {
        for op in case.ops() {
            let ctx = format!("{} {op:?}", case.provider);
            let client = case.client(&format!("http://127.0.0.1:{port}"), |c| c);
            match client.run(op).await {
                Err(err @ Error::Transport { connect: true, .. }) => assert!(err.is_retryable(), "{ctx}"),
                other => panic!("{ctx}: expected a connect error, got {other:?}"),
            }
        }
    }
}
