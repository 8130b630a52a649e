//! Receiving deliveries over loopback HTTP through the axum integration of the receiver
//! pipeline, against a minimal axum handler that only checks the HMAC, in one criterion group
//! (`receiver`), measured as the bench thread's CPU time (client and server share one
//! current-thread runtime, see `ThreadCpuTime`):
//!
//! * `pipeline_memory` — `MiexReceiver` (verify → parse → replay key → reserve in an
//!   `InMemoryDedupeStore` → handler → complete) behind `ReceiverLayer`, the handler taking
//!   `Received<MiexDelivery>` and answering 204;
//! * `bare_hmac` — an axum handler taking `(HeaderMap, Bytes)` that decodes
//!   `X-Webhook-Signature`, computes HMAC-SHA256 of the body with the `hmac` crate, compares
//!   in constant time and answers 204 — no parsing, no dedupe;
//! * `pipeline_redis` — as `pipeline_memory` with the Redis store, when
//!   `HOOKBRIDGE_BENCH_REDIS_URL` is set (the Redis server's own CPU time is not counted: it is
//!   another process).
//!
//! Every iteration sends a new delivery (a counter in the body), signed by the client in both
//! arms, so nothing is a duplicate. Before the criterion run, a latency report (wall time,
//! 2 000 sequential requests per arm: requests per second and p50/p99) is printed on stderr.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{KeyInit as _, Mac as _};
use hookbridge_bench::ThreadCpuTime;
use hookbridge_miex::{MiexDelivery, MiexReceiver, MiexSpec};
use hookbridge_verify::HmacSecret;
use hookbridge_verify::receive::axum::Received;
use hookbridge_verify::receive::tower::ReceiverLayer;
use hookbridge_verify::receive::{DedupeStore, InMemoryDedupeStore};
use hookbridge_verify::sign::HmacSigner;

const SECRET: &str = "bench-miex-secretKey";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

async fn bare_hmac(headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(sig) = headers.get("x-webhook-signature").and_then(|v| v.to_str().ok()) else {
        return StatusCode::UNAUTHORIZED;
    };
    let Some(hex_sig) = sig.strip_prefix("sha256=") else {
        return StatusCode::BAD_REQUEST;
    };
    let Ok(expected) = hex::decode(hex_sig) else {
        return StatusCode::BAD_REQUEST;
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(&body);
    if mac.verify_slice(&expected).is_ok() { StatusCode::NO_CONTENT } else { StatusCode::UNAUTHORIZED }
}

async fn on_delivery(Received(delivery): Received<MiexDelivery>) -> StatusCode {
    black_box(delivery);
    StatusCode::NO_CONTENT
}

fn app(store: Option<Arc<dyn DedupeStore>>) -> Router {
    let secret = HmacSecret::from_str_bytes(SECRET).expect("secret");
    let mut pipeline = MiexReceiver::new(MiexSpec::with_secret(secret));
    pipeline = pipeline.with_store(store.unwrap_or_else(|| Arc::new(InMemoryDedupeStore::with_capacity(50_000_000))));
    Router::new()
        .route("/pipeline", post(on_delivery).layer(ReceiverLayer::new(Arc::new(pipeline))))
        .route("/bare", post(bare_hmac))
}

/// Serves `router` on `runtime` (a task), returns the base URL.
fn serve(rt: &tokio::runtime::Runtime, router: Router) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("addr");
    let listener = {
        let _guard = rt.enter();
        tokio::net::TcpListener::from_std(listener).expect("listener")
    };
    rt.spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

/// A marker unique to this run: a shared store remembers earlier runs' deliveries.
fn run_id() -> u128 {
    static RUN: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *RUN.get_or_init(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()))
}

/// Sends one freshly signed delivery to `url`; panics unless it was handled (204).
async fn send(http: &reqwest::Client, signer: &HmacSigner, url: &str, n: u64) {
    let run = run_id();
    let body =
        format!(r#"{{"event":"order.created","data":{{"id":{n},"run":{run},"status":"new","amount":"150.00"}}}}"#);
    let headers = signer.sign(body.as_bytes(), 0, Some("job")).expect("sign");
    let response = http.post(url).headers(headers).body(body).send().await.expect("send");
    assert_eq!(response.status(), 204, "{url}");
}

/// Requests per second and p50 / p99 latency of `count` sequential requests (wall time).
fn latency_report(rt: &tokio::runtime::Runtime, label: &str, url: &str, counter: &AtomicU64, count: usize) {
    let http = reqwest::Client::new();
    let signer =
        HmacSigner::new(hookbridge_miex::delivery_scheme(), HmacSecret::from_str_bytes(SECRET).expect("secret"));
    let mut latencies = Vec::with_capacity(count);
    let started = Instant::now();
    rt.block_on(async {
        for _ in 0..count {
            let t = Instant::now();
            send(&http, &signer, url, counter.fetch_add(1, Ordering::Relaxed)).await;
            latencies.push(t.elapsed());
        }
    });
    let total = started.elapsed();
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    eprintln!(
        "latency {label:>16}: {:>8.0} req/s, p50 {:>6.1} us, p99 {:>7.1} us ({count} sequential requests)",
        count as f64 / total.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e6,
        pct(0.99).as_secs_f64() * 1e6,
    );
}

fn redis_store(rt: &tokio::runtime::Runtime) -> Option<Arc<dyn DedupeStore>> {
    let url = std::env::var("HOOKBRIDGE_BENCH_REDIS_URL").ok()?;
    Some(rt.block_on(hookbridge_verify::receive::connect_store(&url)).expect("redis store"))
}

fn bench_receiver(c: &mut Criterion<ThreadCpuTime>) {
    let rt = runtime();
    let base = serve(&rt, app(None));
    let redis = redis_store(&rt).map(|store| serve(&rt, app(Some(store))));
    let counter = AtomicU64::new(0);

    latency_report(&rt, "bare_hmac", &format!("{base}/bare"), &counter, 2000);
    latency_report(&rt, "pipeline_memory", &format!("{base}/pipeline"), &counter, 2000);
    if let Some(redis) = &redis {
        latency_report(&rt, "pipeline_redis", &format!("{redis}/pipeline"), &counter, 2000);
    } else {
        eprintln!("pipeline_redis: skipped (set HOOKBRIDGE_BENCH_REDIS_URL=redis://127.0.0.1/ to run it)");
    }

    let http = reqwest::Client::new();
    let signer =
        HmacSigner::new(hookbridge_miex::delivery_scheme(), HmacSecret::from_str_bytes(SECRET).expect("secret"));
    let mut group = c.benchmark_group("receiver");
    let mut arms = vec![("bare_hmac", format!("{base}/bare")), ("pipeline_memory", format!("{base}/pipeline"))];
    if let Some(redis) = &redis {
        arms.push(("pipeline_redis", format!("{redis}/pipeline")));
    }
    for (name, url) in arms {
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(send(&http, &signer, &url, counter.fetch_add(1, Ordering::Relaxed))));
        });
    }
    group.finish();
}

/// Reserve + complete operations per second of each store (sequential, one key per pair).
fn bench_stores(c: &mut Criterion<ThreadCpuTime>) {
    let rt = runtime();
    let mut stores: Vec<(&str, Arc<dyn DedupeStore>)> =
        vec![("memory", Arc::new(InMemoryDedupeStore::with_capacity(50_000_000)))];
    if let Some(store) = redis_store(&rt) {
        stores.push(("redis", store));
    }
    if let Ok(url) = std::env::var("HOOKBRIDGE_BENCH_DATABASE_URL") {
        stores
            .push(("postgres", rt.block_on(hookbridge_verify::receive::connect_store(&url)).expect("postgres store")));
    }
    let counter = AtomicU64::new(0);
    let prefix = format!("bench-{}", run_id());
    for (name, store) in &stores {
        let started = Instant::now();
        let n = 2000;
        rt.block_on(async {
            for _ in 0..n {
                reserve_complete(store.as_ref(), &prefix, counter.fetch_add(1, Ordering::Relaxed)).await;
            }
        });
        eprintln!(
            "store {name:>8}: {:>8.0} reserve+complete pairs/s (wall, {n} sequential)",
            f64::from(n) / started.elapsed().as_secs_f64()
        );
    }
    let mut group = c.benchmark_group("dedupe_store");
    for (name, store) in &stores {
        group.bench_function(*name, |b| {
            b.iter(|| rt.block_on(reserve_complete(store.as_ref(), &prefix, counter.fetch_add(1, Ordering::Relaxed))));
        });
    }
    group.finish();
}

async fn reserve_complete(store: &dyn DedupeStore, prefix: &str, n: u64) {
    use hookbridge_verify::receive::{ReplayKey, Reservation};
    let key = ReplayKey::signed_id("bench", prefix, &n.to_string()).expect("key");
    match store.reserve(&key, Duration::from_secs(60)).await.expect("reserve") {
        Reservation::Reserved(token) => store.complete(&key, &token, Duration::from_secs(600)).await.expect("complete"),
        other => panic!("fresh key not reserved: {other:?}"),
    }
}

fn config() -> Criterion<ThreadCpuTime> {
    hookbridge_bench::criterion_config().measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_receiver, bench_stores
}
criterion_main!(benches);
