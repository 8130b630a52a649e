//! `hookbridge listen --inbox` and `hookbridge inbox …` as processes, against the test
//! PostgreSQL (`HOOKBRIDGE_TEST_DATABASE_URL`; failing in CI without it, skipped with a notice
//! locally). Every test works in a schema of its own.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hookbridge_testkit::wait::eventually;
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret};
use serde_json::Value;
use sqlx::Connection as _;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::Child;

use crate::common::{command, http, run_with};

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PASSWORD_MARK: &str = "password";
/// How long a test waits for the receiver or the workers (a hang guard, not a timing assertion).
const WAIT: Duration = Duration::from_secs(60);

/// A schema of the test database for one test (dropped at the end, best effort).
struct Schema {
    base: String,
    name: String,
}

impl Schema {
    async fn new(test: &str) -> Option<Self> {
        let base = hookbridge_testkit::services::database_url(test)?;
        let mut random = [0_u8; 6];
        unique_bytes(&mut random);
        let name = format!("hb_cli_{test}_{}", random.iter().map(|b| format!("{b:02x}")).collect::<String>());
        let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::raw_sql(&format!("CREATE SCHEMA \"{name}\"")).execute(&mut conn).await.unwrap();
        Some(Self { base, name })
    }

    fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-c%20search_path%3D{}", self.base, self.name)
    }

    async fn drop_schema(self) {
        if let Ok(mut conn) = sqlx::PgConnection::connect(&self.base).await {
            let _ = sqlx::raw_sql(&format!("DROP SCHEMA \"{}\" CASCADE", self.name)).execute(&mut conn).await;
        }
    }
}

/// Bytes unique to this call (time, process and a counter, hashed): schema names that never collide.
fn unique_bytes(buf: &mut [u8]) {
    use sha2::Digest as _;
    static N: AtomicU16 = AtomicU16::new(0);
    let seed =
        format!("{:?}-{}-{}", std::time::SystemTime::now(), std::process::id(), N.fetch_add(1, Ordering::SeqCst));
    let digest = sha2::Sha256::digest(seed.as_bytes());
    for (b, d) in buf.iter_mut().zip(digest.iter()) {
        *b = *d;
    }
}

/// A running process whose stderr lines are collected.
struct Process {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Process {
    async fn start(args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = command()
            .args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        let collected = lines.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                collected.lock().unwrap().push(line);
            }
        });
        Self { child, lines }
    }

    /// Waits for a stderr line starting with `prefix` and returns it.
    async fn line(&self, prefix: &str) -> String {
        eventually(&format!("a stderr line `{prefix}…`"), WAIT, || async {
            self.lines.lock().unwrap().iter().find(|l| l.starts_with(prefix)).cloned()
        })
        .await
        .unwrap()
    }

    fn stderr(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    /// A `listen` process: its URL.
    async fn listen_url(&self) -> String {
        let line = self.line("listening on ").await;
        format!("http://{}", line.trim_start_matches("listening on "))
    }

    /// Stops the process with SIGTERM and waits for it; its exit code.
    async fn terminate(mut self) -> (i32, String) {
        let pid = self.child.id().unwrap();
        let status = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status().unwrap();
        assert!(status.success());
        let exit = tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await.unwrap().unwrap();
        // Let the collector drain.
        tokio::time::sleep(Duration::from_millis(50)).await;
        (exit.code().unwrap_or(-1), self.stderr())
    }
}

/// A signed Standard Webhooks delivery: body and headers.
fn delivery(id: &str) -> (Vec<u8>, reqwest::header::HeaderMap) {
    let body = format!("{{\"type\":\"invoice.paid\",\"data\":{{\"id\":\"{id}\"}}}}").into_bytes();
    let signer = HmacSigner::new(HmacScheme::standard_webhooks(), HmacSecret::from_standard_webhooks(WHSEC).unwrap());
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut headers = signer.sign(&body, i64::try_from(now).unwrap(), Some(id)).unwrap();
    headers.insert("content-type", "application/json".parse().unwrap());
    headers.insert("x-trace", "trace-1".parse().unwrap());
    (body, headers)
}

async fn post(url: &str, (body, headers): &(Vec<u8>, reqwest::header::HeaderMap)) -> (u16, Value) {
    let resp = http().post(format!("{url}/hooks")).headers(headers.clone()).body(body.clone()).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn listen(db: &str) -> Process {
    Process::start(&["listen", "--provider", "standard-webhooks", "--secret", WHSEC, "--inbox", db, "--port", "0"], &[])
        .await
}

/// `inbox list --output json` rows (database from the environment).
async fn rows(db: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["inbox", "list", "--output", "json"];
    args.extend_from_slice(extra);
    let run = run_with(&args, &[("HOOKBRIDGE_DATABASE_URL", db)], None).await.expect(0);
    run.json().as_array().unwrap().clone()
}

type Received = Arc<Mutex<Vec<(HeaderMap, Bytes)>>>;

/// The application: answers `status`, records what it received.
struct App {
    status: Arc<AtomicU16>,
    received: Received,
}

impl App {
    async fn start_on(addr: SocketAddr, status: u16) -> Self {
        let app = Self { status: Arc::new(AtomicU16::new(status)), received: Arc::default() };
        let state = (app.status.clone(), app.received.clone());
        let router = axum::Router::new()
            .fallback(
                |State((status, received)): State<(Arc<AtomicU16>, Received)>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    received.lock().unwrap().push((headers, body));
                    StatusCode::from_u16(status.load(Ordering::SeqCst)).unwrap()
                },
            )
            .with_state(state);
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        app
    }
}

/// A free loopback port, not listened on: the application is down.
fn free_addr() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_stored_while_the_application_is_down_is_delivered_once_it_is_back() {
    let Some(schema) = Schema::new("app_down").await else { return };
    let db = schema.url();
    let receiver = listen(&db).await;
    let url = receiver.listen_url().await;
    let sent = delivery("msg_app_down_1");
    let (status, answer) = post(&url, &sent).await;
    assert_eq!(status, 200, "{answer} {}", receiver.stderr());
    assert_eq!(answer["status"], "stored");
    let id = answer["id"].as_i64().unwrap();

    // The application is down: the worker's attempts fail and are retried.
    let app_addr = free_addr();
    let forward_to = format!("http://{app_addr}/webhooks");
    let worker = Process::start(
        &[
            "inbox",
            "work",
            "--database",
            &db,
            "--forward-to",
            &forward_to,
            "--min-backoff",
            "100ms",
            "--max-backoff",
            "300ms",
            "--poll-interval",
            "50ms",
            "--max-attempts",
            "1000",
        ],
        &[],
    )
    .await;
    worker.line("failed inbox delivery").await;
    let row = &rows(&db, &[]).await[0];
    assert_eq!(row["id"], id);
    assert!(matches!(row["state"].as_str(), Some("failed" | "processing")), "{row}");

    // The application comes back: the delivery arrives, original body and headers.
    let app = App::start_on(app_addr, 200).await;
    worker.line("delivered inbox delivery").await;
    let (headers, body) = app.received.lock().unwrap()[0].clone();
    assert_eq!(body, sent.0);
    for name in ["webhook-id", "webhook-signature", "webhook-timestamp", "x-trace", "content-type"] {
        assert_eq!(headers[name], sent.1[name], "{name}");
    }
    let row =
        eventually("done", WAIT, || async { rows(&db, &["--state", "done"]).await.into_iter().next() }).await.unwrap();
    assert_eq!(row["id"], id);
    assert!(row["attempts"].as_u64().unwrap() >= 2, "{row}");

    let (code, stderr) = worker.terminate().await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("stopped: 1 delivered"), "{stderr}");
    let (_, receiver_log) = receiver.terminate().await;
    for log in [&stderr, &receiver_log] {
        assert!(!log.contains(PASSWORD_MARK), "{log}");
    }
    schema.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_the_application_keeps_refusing_ends_dead_and_retry_revives_it() {
    let Some(schema) = Schema::new("dead_retry").await else { return };
    let db = schema.url();
    let receiver = listen(&db).await;
    let url = receiver.listen_url().await;
    let (status, answer) = post(&url, &delivery("msg_dead_1")).await;
    assert_eq!(status, 200, "{answer}");
    let id = answer["id"].as_i64().unwrap().to_string();

    let app_addr = free_addr();
    let app = App::start_on(app_addr, 500).await;
    let env = [("HOOKBRIDGE_DATABASE_URL", db.as_str())];
    let forward_to = format!("http://{app_addr}/");
    let worker = Process::start(
        &[
            "inbox",
            "work",
            "--forward-to",
            &forward_to,
            "--max-attempts",
            "2",
            "--min-backoff",
            "50ms",
            "--poll-interval",
            "50ms",
            "--concurrency",
            "2",
        ],
        &env,
    )
    .await;
    let dead =
        eventually("dead", WAIT, || async { rows(&db, &["--state", "dead"]).await.into_iter().next() }).await.unwrap();
    assert_eq!(dead["attempts"], 2);
    assert_eq!(dead["last_error"], "the application answered HTTP 500");
    assert_eq!(app.received.lock().unwrap().len(), 2);

    // The application is fixed; `inbox retry` revives the delivery and the worker delivers it.
    app.status.store(204, Ordering::SeqCst);
    let run = run_with(&["inbox", "retry", "--id", &id], &env, None).await.expect(0);
    assert_eq!(run.stdout.trim(), format!("inbox delivery {id} is pending again"));
    let done =
        eventually("done", WAIT, || async { rows(&db, &["--state", "done"]).await.into_iter().next() }).await.unwrap();
    assert_eq!(done["attempts"], 1);
    assert_eq!(app.received.lock().unwrap().len(), 3);

    // show, retry --dead, purge.
    let shown = run_with(&["inbox", "show", "--id", &id, "--output", "json"], &env, None).await.expect(0).json();
    assert_eq!(shown["state"], "done");
    assert!(shown["headers"].as_array().unwrap().iter().any(|h| h["name"] == "webhook-id"));
    let run = run_with(&["inbox", "retry", "--dead"], &env, None).await.expect(0);
    assert_eq!(run.stdout.trim(), "0 dead deliveries are pending again");
    let run = run_with(&["inbox", "purge", "--done-older-than", "7d"], &env, None).await.expect(0);
    assert_eq!(run.stdout.trim(), "purged 0 done deliveries");
    let run = run_with(&["inbox", "show", "--id", "999999"], &env, None).await.expect(1);
    assert!(run.error_line().contains("no delivery 999999"), "{}", run.stderr);

    let (code, stderr) = worker.terminate().await;
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains(PASSWORD_MARK), "{stderr}");
    drop(receiver);
    schema.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_delivery_sent_to_two_listen_processes_is_stored_once() {
    let Some(schema) = Schema::new("two_listens").await else { return };
    let db = schema.url();
    let (a, b) = (listen(&db).await, listen(&db).await);
    let (url_a, url_b) = (a.listen_url().await, b.listen_url().await);
    for n in 0..5 {
        let sent = delivery(&format!("msg_twice_{n}"));
        let ((status_a, answer_a), (status_b, answer_b)) = tokio::join!(post(&url_a, &sent), post(&url_b, &sent));
        assert_eq!((status_a, status_b), (200, 200), "{answer_a} {answer_b}");
        assert_eq!(answer_a["id"], answer_b["id"]);
    }
    let stored = rows(&db, &[]).await;
    assert_eq!(stored.len(), 5, "{stored:?}");
    assert!(stored.iter().all(|r| r["state"] == "pending" && r["provider"] == "standard-webhooks"));
    drop((a, b));
    schema.drop_schema().await;
}

#[tokio::test]
async fn an_unreachable_inbox_fails_without_showing_the_password() {
    let run = run_with(&["inbox", "list", "--database", "postgres://app:secret-pw-9@127.0.0.1:1/nowhere"], &[], None)
        .await
        .expect(1);
    let line = run.error_line();
    assert!(line.contains("postgres://app:***@127.0.0.1:1/nowhere"), "{line}");
    assert!(!run.stderr.contains("secret-pw-9"));
    let run = run_with(&["inbox", "list", "--database", "mysql://x:pw-7@y/z"], &[], None).await.expect(2);
    assert!(!run.stderr.contains("pw-7"), "{}", run.stderr);
    let run = run_with(&["inbox", "retry", "--database", "postgres://h/d"], &[], None).await.expect(2);
    assert!(run.stderr.contains("--id") && run.stderr.contains("--dead"), "{}", run.stderr);
}
