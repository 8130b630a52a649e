//! Throughput of the durable inbox (`hookbridge-inbox`) against a real PostgreSQL: a printed
//! report, not criterion (each measurement drains thousands of rows; a statistical harness
//! repeating it adds nothing but minutes).
//!
//! * `receive (HTTP, listen --inbox)` — signed Standard Webhooks deliveries POSTed over
//!   loopback, 16 at a time, to the router of `hookbridge listen --inbox` (verify, dedupe
//!   reservation, commit, 200): deliveries committed per second.
//! * `receive (in-process)` — the same through `Inbox::receive` without HTTP.
//! * `work, N workers, no-op handler` — a worker with concurrency 1 and 4 draining the stored
//!   deliveries with a handler that does nothing: claims + completions per second.
//! * `work, N workers, forward to a no-op application` — the same with the handler of
//!   `hookbridge inbox work`: each delivery POSTed over loopback to an application answering 204.
//!
//! Needs `HOOKBRIDGE_BENCH_DATABASE_URL` (a database the role may create schemas in); skipped
//! with a notice without it. Every run works in a fresh schema, dropped at the end.
//!
//! Run: `HOOKBRIDGE_BENCH_DATABASE_URL=postgres://… cargo bench -p hookbridge-bench --bench inbox`.

#![allow(clippy::print_stdout, clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use hookbridge_cli::cli::DatabaseUrl;
use hookbridge_cli::listen::{RawForwarder, router_with_inbox};
use hookbridge_cli::presets::{KeyMaterial, Preset, Receiver, ReceiverSettings};
use hookbridge_inbox::{
    Backoff, Described, HandlerError, Inbox, State, StoredDelivery, Worker, WorkerOptions, handler_fn,
};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret};
use sqlx::Connection as _;

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const DELIVERIES: usize = 2_000;
const CLIENTS: usize = 16;

fn body(n: usize) -> Vec<u8> {
    format!("{{\"type\":\"invoice.paid\",\"data\":{{\"id\":\"inv_{n}\",\"amount\":1200,\"currency\":\"EUR\"}}}}")
        .into_bytes()
}

fn signed(n: usize, now: i64) -> (Vec<u8>, http::HeaderMap) {
    let signer = HmacSigner::new(HmacScheme::standard_webhooks(), HmacSecret::from_standard_webhooks(WHSEC).unwrap());
    let body = body(n);
    let mut headers = signer.sign(&body, now, Some(&format!("msg_{n}"))).unwrap();
    headers.insert("content-type", http::HeaderValue::from_static("application/json"));
    (body, headers)
}

async fn fresh_schema(base: &str, name: &str) -> String {
    let mut conn = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{name}")
}

async fn drop_schema(base: &str, name: &str) {
    let mut conn = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {name} CASCADE")).execute(&mut conn).await.unwrap();
}

fn report(what: &str, n: usize, elapsed: Duration) {
    println!(
        "{what:<52} {n:>6} deliveries in {:>7.3} s = {:>7.0} /s",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}

fn receiver() -> Receiver {
    let keys = vec![KeyMaterial::secret("secret-1", WHSEC)];
    let preset = Preset::find("standard-webhooks").expect("a registered preset");
    Receiver::for_preset(preset, &keys, &ReceiverSettings::default()).unwrap()
}

async fn receive_http(url: &str) {
    let inbox = Inbox::connect(url).await.unwrap();
    let router = router_with_inbox(&receiver(), None, None, Some(inbox));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let now = hookbridge_verify::unix_now();
    let requests: Vec<_> = (0..DELIVERIES).map(|n| signed(n, now)).collect();
    let requests = Arc::new(requests);
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let (client, requests) = (client.clone(), requests.clone());
        clients.spawn(async move {
            for n in (c..DELIVERIES).step_by(CLIENTS) {
                let (body, headers) = &requests[n];
                let resp = client
                    .post(format!("http://{addr}/hooks"))
                    .headers(headers.clone())
                    .body(body.clone())
                    .send()
                    .await;
                assert_eq!(resp.unwrap().status(), 200);
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.unwrap();
    }
    report("receive (HTTP, listen --inbox, 16 clients)", DELIVERIES, started.elapsed());
}

async fn receive_in_process(url: &str) {
    let inbox = Inbox::connect(url).await.unwrap();
    let receiver = Arc::new(receiver());
    let now = hookbridge_verify::unix_now();
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..CLIENTS {
        let (inbox, receiver) = (inbox.clone(), receiver.clone());
        clients.spawn(async move {
            for n in (c..DELIVERIES).step_by(CLIENTS) {
                let (body, headers) = signed(n, now);
                let request = hookbridge_verify::receive::Incoming::post("/hooks".parse().unwrap(), headers, body);
                inbox.receive(receiver.pipeline().as_ref(), request, |_| Described::default()).await.unwrap();
            }
        });
    }
    while let Some(done) = clients.join_next().await {
        done.unwrap();
    }
    report("receive (in-process Inbox::receive, 16 tasks)", DELIVERIES, started.elapsed());
}

async fn drain<H: hookbridge_inbox::Handler>(what: &str, url: &str, handler: H, workers: usize) {
    let inbox = Inbox::connect(url).await.unwrap();
    // Every stored delivery becomes due again.
    sqlx::query("UPDATE hookbridge_inbox SET state = 'pending', attempts = 0, next_attempt_at = now()")
        .execute(inbox.pool())
        .await
        .unwrap();
    let options = WorkerOptions::default()
        .concurrency(workers)
        .max_attempts(3)
        .backoff(Backoff::new(Duration::from_millis(10), Duration::from_millis(10)))
        .poll_interval(Duration::from_millis(5));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let started = Instant::now();
    let run = tokio::spawn(Worker::new(inbox.clone(), handler, options).run(async move {
        let _ = stopped.await;
    }));
    loop {
        let counts = inbox.counts().await.unwrap();
        if counts.iter().all(|(state, n)| *state == State::Done || *n == 0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    let report_ = run.await.unwrap();
    assert_eq!(report_.done, DELIVERIES as u64, "{report_:?}");
    report(&format!("work, {workers} worker(s), {what}"), DELIVERIES, elapsed);
}

async fn noop_app() -> String {
    let router = axum::Router::new().fallback(|| async { http::StatusCode::NO_CONTENT });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/webhooks")
}

fn main() {
    let Ok(base) = std::env::var("HOOKBRIDGE_BENCH_DATABASE_URL") else {
        println!("SKIPPED: set HOOKBRIDGE_BENCH_DATABASE_URL to a PostgreSQL URL to run the inbox benchmark");
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let schema = "hb_inbox_bench";
        let url = fresh_schema(&base, schema).await;
        println!(
            "inbox benchmark: {DELIVERIES} deliveries per measurement, database {}",
            DatabaseUrl::redacted(&url.parse().unwrap())
        );
        receive_http(&url).await;
        let url_in_process = fresh_schema(&base, "hb_inbox_bench_2").await;
        receive_in_process(&url_in_process).await;
        drop_schema(&base, "hb_inbox_bench_2").await;

        for workers in [1, 4] {
            drain(
                "no-op handler",
                &url,
                handler_fn(|_d: StoredDelivery| async { Ok::<(), HandlerError>(()) }),
                workers,
            )
            .await;
        }
        let app = noop_app().await;
        let forwarder = Arc::new(RawForwarder::new(&app, Duration::from_secs(10)).unwrap());
        for workers in [1, 4] {
            let forwarder = forwarder.clone();
            let handler = handler_fn(move |d: StoredDelivery| {
                let forwarder = forwarder.clone();
                async move {
                    match forwarder.forward_parts(&d.headers, d.body.clone()).await {
                        Ok(status) if status.is_success() => Ok(()),
                        _ => Err(HandlerError::new("the application failed")),
                    }
                }
            });
            drain("forward to a no-op application (HTTP)", &url, handler, workers).await;
        }
        drop_schema(&base, schema).await;
    });
}
