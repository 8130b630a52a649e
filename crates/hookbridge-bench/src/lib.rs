//! Helpers shared by hookbridge's benchmarks (`cargo bench -p hookbridge-bench`).
//!
//! The benchmarks themselves live in `benches/` and compare each hookbridge hot path, in one
//! criterion group, with the raw primitive underneath it and with a reference
//! implementation where one exists; `docs/PERFORMANCE.md` explains what each comparison
//! includes and records the results. This library only provides:
//!
//! * [`fixtures_dir`] / [`read_fixture`] — the repository's `crates/hookbridge-testkit/data/`;
//! * [`json_body`] — deterministic JSON bodies of an exact size;
//! * [`blaze_page`] — one page of a synthetic BLAZE `GET webHooks` listing;
//! * [`LocalServer`] — a minimal axum server on `127.0.0.1` (its own thread and
//!   single-threaded tokio runtime) answering BLAZE `GET webHooks/{id}` with a fixture and
//!   `GET webHooks?start=&limit=` with generated pages; [`InRuntimeServer`] — the same server
//!   as a task on the caller's runtime;
//! * [`ThreadCpuTime`] and [`criterion_config`] — every bench measures the CPU time of the
//!   benchmarking thread (see [`ThreadCpuTime`] for why).

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::sync::oneshot;

/// The base path of BLAZE's partner API, under which [`LocalServer`] answers.
pub const BLAZE_BASE_PATH: &str = "/api/v1/partner/";

/// `crates/hookbridge-testkit/data/`, the fixtures the testkit embeds.
#[must_use]
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../hookbridge-testkit/data")
}

/// Reads `crates/hookbridge-testkit/data/<rel>`.
///
/// # Errors
/// The I/O error, with the path in its message.
pub fn read_fixture(rel: &str) -> io::Result<Vec<u8>> {
    let path = fixtures_dir().join(rel);
    std::fs::read(&path).map_err(|e| io::Error::new(e.kind(), format!("reading {}: {e}", path.display())))
}

/// A JSON object of exactly `len` bytes (at least 40), ASCII only, the same for the same
/// `len`: a realistic-looking event followed by a padding string.
#[must_use]
pub fn json_body(len: usize) -> Vec<u8> {
    let head = br#"{"event":"order.created","id":"evt_0001","padding":""#;
    let tail = br#""}"#;
    let fill = len.saturating_sub(head.len() + tail.len());
    let mut body = Vec::with_capacity(len);
    body.extend_from_slice(head);
    body.extend((0..fill).map(|i| b"abcdefghijklmnopqrstuvwxyz0123456789"[i % 36]));
    body.extend_from_slice(tail);
    body
}

/// One page of a synthetic BLAZE listing of `total` webhooks: items `start..start + limit`
/// (clamped to `total`) in the `{"values": [..], "skip", "limit", "total"}` envelope. Each
/// item has every documented field (about 300 bytes of JSON).
#[must_use]
pub fn blaze_page(start: u64, limit: u64, total: u64) -> Vec<u8> {
    use std::io::Write as _;
    let end = start.saturating_add(limit).min(total);
    let mut out = Vec::with_capacity(320 * usize::try_from(end.saturating_sub(start)).unwrap_or(0) + 64);
    out.extend_from_slice(b"{\"values\":[");
    for i in start..end {
        if i > start {
            out.push(b',');
        }
        // Writing into a Vec cannot fail.
        let _ = write!(
            out,
            concat!(
                r#"{{"id":"{:024x}","companyId":"5c8f9e2ab1d4e70012ab34cd","shopId":"5c8f9e2ab1d4e70012ab34ce","#,
                r#""created":{},"modified":{},"deleted":false,"updated":false,"webHookType":"NEW_CONSUMER_ORDER","#,
                r#""webHookUrls":["https://partner.example.com/blaze/{}"]}}"#
            ),
            i,
            1_705_087_682_000_u64 + i,
            1_705_174_082_000_u64 + i,
            i
        );
    }
    let _ = write!(out, "],\"skip\":{start},\"limit\":{limit},\"total\":{total}}}");
    out
}

struct ServerState {
    webhook: Bytes,
    total: u64,
}

#[derive(serde::Deserialize)]
struct ListQuery {
    start: Option<u64>,
    limit: Option<u64>,
}

/// A minimal HTTP/1.1 server on `127.0.0.1` for the client benchmarks, started once per
/// benchmark on its own thread (with a single-threaded tokio runtime) and stopped on drop.
///
/// Routes, under [`BLAZE_BASE_PATH`]: `GET webHooks/{id}` answers the given webhook JSON;
/// `GET webHooks?start=&limit=` answers [`blaze_page`] of a listing of `total` webhooks.
#[derive(Debug)]
pub struct LocalServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl LocalServer {
    /// Starts the server.
    ///
    /// # Errors
    /// Binding `127.0.0.1:0` or building the runtime failed.
    pub fn start(webhook: Vec<u8>, total: u64) -> io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let state = Arc::new(ServerState { webhook: Bytes::from(webhook), total });
        let thread = std::thread::Builder::new().name("bench-server".into()).spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                let app = router(state);
                axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = rx.await;
                    })
                    .await
            })
        })?;
        Ok(Self { addr, shutdown: Some(tx), thread: Some(thread) })
    }

    /// `http://127.0.0.1:<port>/api/v1/partner/` — the BLAZE client's base URL.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}{BLAZE_BASE_PATH}", self.addr)
    }
}

/// The same server as [`LocalServer`], running as a task on the caller's tokio runtime
/// instead of its own thread: on a current-thread runtime the client and the server then share
/// one thread, so a request costs no cross-thread wake-ups (the loopback TCP path through the
/// kernel is unchanged). Stopped (aborted) on drop.
#[derive(Debug)]
pub struct InRuntimeServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<io::Result<()>>,
}

impl InRuntimeServer {
    /// Starts the server on `runtime`; it makes progress whenever the runtime runs (for a
    /// current-thread runtime: inside `block_on`).
    ///
    /// # Errors
    /// Binding `127.0.0.1:0` failed.
    pub fn start(runtime: &tokio::runtime::Runtime, webhook: Vec<u8>, total: u64) -> io::Result<Self> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let app = router(Arc::new(ServerState { webhook: Bytes::from(webhook), total }));
        let task = runtime.spawn(async move { axum::serve(listener, app).await });
        Ok(Self { addr, task })
    }

    /// `http://127.0.0.1:<port>/api/v1/partner/` — the BLAZE client's base URL.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}{BLAZE_BASE_PATH}", self.addr)
    }
}

impl Drop for InRuntimeServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/api/v1/partner/webHooks/{id}", get(get_webhook))
        .route("/api/v1/partner/webHooks", get(list_webhooks))
        .with_state(state)
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn get_webhook(State(state): State<Arc<ServerState>>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], state.webhook.clone())
}

async fn list_webhooks(State(state): State<Arc<ServerState>>, Query(q): Query<ListQuery>) -> impl IntoResponse {
    let page = blaze_page(q.start.unwrap_or(0), q.limit.unwrap_or(100).max(1), state.total);
    ([(CONTENT_TYPE, "application/json")], page)
}

/// The criterion settings of every bench: [`ThreadCpuTime`], 30 samples, 1 s warm-up, 2 s
/// of measurement (benches with long iterations lower these per group).
#[must_use]
pub fn criterion_config() -> criterion::Criterion<ThreadCpuTime> {
    criterion::Criterion::default()
        .with_measurement(ThreadCpuTime)
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(2))
}

/// A criterion [`Measurement`](criterion::measurement::Measurement): CPU time (user + system)
/// consumed by the benchmarking thread, from `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`.
///
/// The numbers are taken on a shared 2-core machine where other builds and fuzzers run at
/// the same time: wall-clock time then includes whatever time the bench thread waits for a
/// core, and loopback HTTP round trips varied by 2× between runs. The thread's CPU time
/// counts only the work done, so the ratios are steady. Everything measured is
/// single-threaded: the client benches run the client and an [`InRuntimeServer`] on one
/// current-thread tokio runtime, so the bench thread does all the work of a request (client,
/// server, the kernel's loopback path). CPU time does not see latency a client adds by
/// sleeping (timers, back-off), which none of the measured calls does.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThreadCpuTime;

impl criterion::measurement::Measurement for ThreadCpuTime {
    type Intermediate = cpu_time::ThreadTime;
    type Value = std::time::Duration;

    fn start(&self) -> Self::Intermediate {
        cpu_time::ThreadTime::now()
    }

    fn end(&self, start: Self::Intermediate) -> Self::Value {
        start.elapsed()
    }

    fn add(&self, v1: &Self::Value, v2: &Self::Value) -> Self::Value {
        *v1 + *v2
    }

    fn zero(&self) -> Self::Value {
        std::time::Duration::ZERO
    }

    fn to_f64(&self, value: &Self::Value) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn criterion::measurement::ValueFormatter {
        &CpuTimeFormatter
    }
}

/// Formats nanoseconds of CPU time like criterion's wall-clock formatter (`ns`, `µs`, `ms`, `s`).
struct CpuTimeFormatter;

impl CpuTimeFormatter {
    fn scale(typical: f64) -> (f64, &'static str) {
        if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e3, "µs")
        } else if typical < 1e9 {
            (1e6, "ms")
        } else {
            (1e9, "s")
        }
    }
}

impl criterion::measurement::ValueFormatter for CpuTimeFormatter {
    fn scale_values(&self, typical_value: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = Self::scale(typical_value);
        for v in values.iter_mut() {
            *v /= factor;
        }
        unit
    }

    fn scale_throughputs(
        &self,
        typical_value: f64,
        throughput: &criterion::Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let (count, unit) = match throughput {
            criterion::Throughput::Bytes(n) | criterion::Throughput::BytesDecimal(n) => (*n as f64, "B/s"),
            criterion::Throughput::Elements(n) => (*n as f64, "elem/s"),
            _ => (1.0, "/s"),
        };
        let _ = typical_value;
        for v in values.iter_mut() {
            *v = count * 1e9 / *v;
        }
        unit
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
