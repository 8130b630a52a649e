//! `hookbridge listen`: a real process receiving deliveries from a simulator and from plain HTTP
//! posts; forwarding as Standard Webhooks to a second `listen`.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookbridge_core::Timestamp;
use hookbridge_testkit::ChipSim;
use hookbridge_verify::HmacSecret;
use hookbridge_verify::sign::HmacSigner;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStderr, ChildStdout};

use crate::common::{command, fixture, http};

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A running `hookbridge listen`, killed when dropped (also used by the `trigger` tests).
pub(crate) struct Listener {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr: Lines<BufReader<ChildStderr>>,
    pub(crate) url: String,
}

impl Listener {
    pub(crate) async fn start(args: &[&str]) -> Self {
        let mut child = command()
            .arg("listen")
            .args(args)
            .args(["--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let first = next_line(&mut stderr).await;
        let addr = first.strip_prefix("listening on ").unwrap_or_else(|| panic!("first stderr line: {first}"));
        assert!(addr.starts_with("127.0.0.") && !addr.ends_with(":0"), "{addr}");
        Self { child, stdout, stderr, url: format!("http://{addr}") }
    }

    pub(crate) async fn delivery(&mut self) -> Value {
        let line = next_line(&mut self.stdout).await;
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
    }

    /// The next stderr line that is not part of the start-up banner.
    pub(crate) async fn log_line(&mut self) -> String {
        loop {
            let line = next_line(&mut self.stderr).await;
            if !line.starts_with("verifying") && !line.starts_with("forwarding") {
                return line;
            }
        }
    }

    pub(crate) async fn stop(mut self) {
        self.child.kill().await.unwrap();
    }
}

async fn next_line<R: tokio::io::AsyncBufRead + Unpin>(lines: &mut Lines<R>) -> String {
    tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("timed out waiting for a line")
        .unwrap()
        .expect("the process closed its output")
}

#[tokio::test]
async fn simulator_deliveries_are_verified_printed_and_forwarded() {
    // B: a Standard Webhooks receiver (the forward target).
    let mut b = Listener::start(&["--provider", "standard-webhooks", "--secret", WHSEC]).await;
    // A: verifies CHIP deliveries with the webhook public key, forwards to B.
    let key = fixture("keys/rsa2048-public-spki.pem");
    let forward = format!("{}/from-hookbridge", b.url);
    let mut a = Listener::start(&[
        "--provider",
        "chip",
        "--public-key",
        &key,
        "--forward",
        &forward,
        "--forward-secret",
        WHSEC,
    ])
    .await;

    let sim = ChipSim::start().await.unwrap();
    let resp = http()
        .post(format!("{}webhooks/", sim.base_url()))
        .bearer_auth(sim.secret_key())
        .json(&json!({"title": "cli", "events": ["purchase.paid"], "callback": format!("{}/hooks/chip", a.url)}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let reports = sim.deliver("purchase.paid", None).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].status, Some(200), "{:?}", reports[0]);

    let got = a.delivery().await;
    assert_eq!(got["provider"], "chip");
    assert_eq!(got["event_type"], "purchase.paid");
    assert_eq!(got["subject"]["kind"], "purchase");
    assert_eq!(got["key_id"], key.as_str());
    assert_eq!(got["payload"]["event_type"], "purchase.paid");

    // B got it re-signed as Standard Webhooks and verified it.
    let fwd = b.delivery().await;
    assert_eq!(fwd["preset"], "standard-webhooks");
    assert_eq!(fwd["event_type"], "chip.purchase.paid");
    assert_eq!(fwd["payload"]["data"]["provider"], "chip");
    assert_eq!(fwd["payload"]["data"]["subject"], got["subject"]);
    assert!(fwd["delivery_id"].as_str().unwrap().starts_with("msg_"));
    assert!(a.log_line().await.starts_with("forwarded purchase.paid"));

    // The same headers with a forged body: 401 and a log line.
    let mut forged = reports[0].body.to_vec();
    forged.splice(1..1, br#""tampered":true,"#.iter().copied());
    let resp = http().post(&reports[0].url).headers(reports[0].header_map()).body(forged).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let log = a.log_line().await;
    assert!(log.starts_with("rejected POST /hooks/chip: HTTP 401"), "{log}");

    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn signed_posts_are_accepted_and_tampered_ones_get_401() {
    let secret = "miex-secretKey-for-listen";
    let mut l = Listener::start(&["--provider", "miex", "--secret", secret]).await;
    let body = br#"{"event":"order.created","data":{"id":1284,"status":"new"}}"#;
    let signer = HmacSigner::new(hookbridge_miex::delivery_scheme(), HmacSecret::from_str_bytes(secret).unwrap());
    let headers = signer.sign(body, 0, Some("job-1")).unwrap();

    let resp =
        http().post(format!("{}/any/path", l.url)).headers(headers.clone()).body(&body[..]).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let got = l.delivery().await;
    assert_eq!(got["provider"], "miex");
    assert_eq!(got["event_type"], "order.created");
    assert_eq!(got["delivery_id"], "job-1");
    assert_eq!(got["key_id"], "secret-1");
    assert_eq!(got["raw"], std::str::from_utf8(body).unwrap());

    let resp = http()
        .post(&l.url)
        .headers(headers)
        .body(&br#"{"event":"order.created","data":{"id":1}}"#[..])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let err: Value = resp.json().await.unwrap();
    assert!(err["error"].as_str().unwrap().contains("verification failed"));
    assert!(l.log_line().await.starts_with("rejected POST /: HTTP 401"));

    // Unsigned: 401 too; other methods: 405.
    assert_eq!(http().post(&l.url).body("{}").send().await.unwrap().status(), 401);
    assert_eq!(http().get(&l.url).send().await.unwrap().status(), 405);
    l.stop().await;
}

/// A local application for `--forward-to`: records every request, answers the queued statuses
/// (then 200).
/// What the application received: headers and body of each request.
type Seen = Vec<(http::HeaderMap, Vec<u8>)>;

#[derive(Clone, Default)]
struct App {
    seen: Arc<Mutex<Seen>>,
    statuses: Arc<Mutex<Vec<u16>>>,
}

impl App {
    async fn start(statuses: &[u16]) -> (Self, String) {
        let app = Self { seen: Arc::default(), statuses: Arc::new(Mutex::new(statuses.to_vec())) };
        let state = app.clone();
        let router = axum::Router::new().fallback(move |headers: http::HeaderMap, body: axum::body::Bytes| {
            let state = state.clone();
            async move {
                state.seen.lock().unwrap().push((headers, body.to_vec()));
                let mut queued = state.statuses.lock().unwrap();
                let status = if queued.is_empty() { 200 } else { queued.remove(0) };
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/app", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await });
        (app, url)
    }

    fn seen(&self) -> Seen {
        self.seen.lock().unwrap().clone()
    }
}

fn miex_signed(secret: &str, body: &[u8], job: &str) -> http::HeaderMap {
    let signer = HmacSigner::new(hookbridge_miex::delivery_scheme(), HmacSecret::from_str_bytes(secret).unwrap());
    let mut headers = signer.sign(body, 0, Some(job)).unwrap();
    headers.insert("x-webhook-event", http::HeaderValue::from_static("order.created"));
    headers
}

#[tokio::test]
async fn resent_and_replayed_deliveries_are_handled_once() {
    let secret = "miex-secretKey-dedupe";
    let mut l = Listener::start(&["--provider", "miex", "--secret", secret, "--max-body-bytes", "512"]).await;
    let body = br#"{"event":"order.created","data":{"id":7}}"#;
    let headers = miex_signed(secret, body, "job-1");
    let url = format!("{}/hooks/miex", l.url);
    let post = |headers: http::HeaderMap, body: Vec<u8>| {
        let url = url.clone();
        async move { http().post(url).headers(headers).body(body).send().await.unwrap() }
    };
    assert_eq!(post(headers.clone(), body.to_vec()).await.status(), 200);
    assert_eq!(
        l.delivery().await["replay_key"].as_str().unwrap().split(':').take(2).collect::<Vec<_>>(),
        ["miex", "sha256"]
    );
    // The same delivery again (a provider retry): acknowledged, not handled again.
    let resp = post(headers.clone(), body.to_vec()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["status"], "duplicate");
    assert!(l.log_line().await.starts_with("duplicate POST /hooks/miex"));
    // A captured copy replayed under a fresh (unsigned) delivery id: still the same delivery.
    let replayed = miex_signed(secret, body, "job-fresh-999");
    assert_eq!(post(replayed, body.to_vec()).await.status(), 200);
    assert!(l.log_line().await.starts_with("duplicate POST /hooks/miex"));
    // Forged and oversized deliveries are refused, and the receiver keeps serving.
    let mut forged = body.to_vec();
    forged[30] ^= 1;
    assert_eq!(post(headers.clone(), forged).await.status(), 401);
    assert!(l.log_line().await.starts_with("rejected POST /hooks/miex: HTTP 401"));
    let big = vec![b' '; 513];
    assert_eq!(post(headers.clone(), big).await.status(), 413);
    assert!(l.log_line().await.starts_with("rejected POST /hooks/miex: HTTP 413"));
    let other = br#"{"event":"order.created","data":{"id":8}}"#;
    assert_eq!(post(miex_signed(secret, other, "job-2"), other.to_vec()).await.status(), 200);
    assert_eq!(l.delivery().await["payload"]["data"]["id"], 8);
    l.stop().await;
}

#[tokio::test]
async fn forward_to_answers_with_the_applications_outcome() {
    let secret = "miex-secretKey-forward-to";
    let (app, app_url) = App::start(&[500]).await;
    let mut l = Listener::start(&["--provider", "miex", "--secret", secret, "--forward-to", &app_url]).await;
    let body = br#"{"event":"order.created","data":{"id":9}}"#;
    let headers = miex_signed(secret, body, "job-9");
    let url = format!("{}/hooks/miex?x=1", l.url);
    // The application fails: the provider gets a retryable error and the key is released.
    let resp = http().post(&url).headers(headers.clone()).body(&body[..]).send().await.unwrap();
    assert_eq!(resp.status(), 502);
    let line = l.log_line().await;
    assert!(line.starts_with("forwarded order.created") && line.contains(": HTTP 500 in "), "{line}");
    assert!(line.ends_with(" ms"), "{line}");
    assert!(l.log_line().await.starts_with("not handled POST /hooks/miex: HTTP 502"));
    // The provider's retry is forwarded again and now handled.
    let resp = http().post(&url).headers(headers.clone()).body(&body[..]).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(l.log_line().await.contains(": HTTP 200 in "));
    assert_eq!(l.delivery().await["event_type"], "order.created");
    // A third copy is a duplicate: not forwarded.
    assert_eq!(http().post(&url).headers(headers.clone()).body(&body[..]).send().await.unwrap().status(), 200);
    let seen = app.seen();
    assert_eq!(seen.len(), 2);
    // Body and headers exactly as the provider sent them.
    for (got_headers, got_body) in &seen {
        assert_eq!(got_body, &body.to_vec());
        for name in ["x-webhook-signature", "x-webhook-event", "x-webhook-delivery"] {
            assert_eq!(got_headers[name], headers[name], "{name}");
        }
    }
    l.stop().await;
}

#[tokio::test]
async fn forward_to_an_application_that_is_down_is_a_retryable_error() {
    let secret = "miex-secretKey-down";
    // A port nobody listens on.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_url = format!("http://{}/app", closed.local_addr().unwrap());
    drop(closed);
    let mut l = Listener::start(&["--provider", "miex", "--secret", secret, "--forward-to", &dead_url]).await;
    let body = br#"{"event":"order.created","data":{"id":10}}"#;
    let resp = http().post(&l.url).headers(miex_signed(secret, body, "j")).body(&body[..]).send().await.unwrap();
    assert_eq!(resp.status(), 502);
    let line = l.log_line().await;
    assert!(line.contains("no answer after"), "{line}");
    l.stop().await;
}

#[tokio::test]
async fn host_and_forward_secret_file_flags() {
    let dir = crate::common::TempDir::new();
    let secret_file = dir.file("whsec", format!("{WHSEC}\n"));
    let mut b = Listener::start(&["--provider", "standard-webhooks", "--secret", WHSEC, "--host", "127.0.0.2"]).await;
    assert!(b.url.starts_with("http://127.0.0.2:"), "{}", b.url);
    let secret = "miex-secretKey-file";
    let forward = format!("{}/in", b.url);
    let mut a = Listener::start(&[
        "--provider",
        "miex",
        "--secret",
        secret,
        "--forward",
        &forward,
        "--forward-secret-file",
        &secret_file,
    ])
    .await;
    let body = br#"{"data":{"id":11}}"#;
    // The body names no event: the unsigned X-Webhook-Event is reported, never re-signed.
    let mut headers = miex_signed(secret, body, "j");
    headers.insert("x-webhook-event", http::HeaderValue::from_static("order.cancelled"));
    let resp = http().post(&a.url).headers(headers).body(&body[..]).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let got = a.delivery().await;
    assert_eq!(got["event_type"], "order.cancelled");
    assert_eq!(got["event_type_signed"], false);
    let fwd = b.delivery().await;
    assert_eq!(fwd["event_type"], "miex");
    assert_eq!(fwd["payload"]["data"]["event_type"], "order.cancelled");
    assert_eq!(fwd["payload"]["data"]["event_type_signed"], false);
    a.stop().await;
    b.stop().await;
}

/// Two `listen` processes sharing one store, the same delivery sent to both concurrently:
/// handled (forwarded) exactly once.
async fn two_listeners_share_dedupe(store_url: &str) {
    let secret = "miex-secretKey-fleet";
    let (app, app_url) = App::start(&[]).await;
    let args = ["--provider", "miex", "--secret", secret, "--replay-store", store_url, "--forward-to", &app_url];
    let mut a = Listener::start(&args).await;
    let mut b = Listener::start(&args).await;
    let marker = format!("{}-{}", std::process::id(), Timestamp::now().as_nanosecond());
    let body = format!(r#"{{"event":"order.created","data":{{"id":"{marker}"}}}}"#);
    let headers = miex_signed(secret, body.as_bytes(), "job-fleet");
    let mut sends = Vec::new();
    for i in 0..40 {
        let url = if i % 2 == 0 { a.url.clone() } else { b.url.clone() };
        let (headers, body) = (headers.clone(), body.clone());
        sends.push(tokio::spawn(
            async move { http().post(url).headers(headers).body(body).send().await.unwrap().status() },
        ));
    }
    let mut statuses = Vec::new();
    for send in sends {
        statuses.push(send.await.unwrap().as_u16());
    }
    assert!(statuses.iter().all(|s| *s == 200 || *s == 409), "{statuses:?}");
    // Whatever raced, every later copy to either process is a completed duplicate.
    for url in [&a.url, &b.url] {
        let status = http().post(url).headers(headers.clone()).body(body.clone()).send().await.unwrap().status();
        assert_eq!(status, 200);
    }
    assert_eq!(app.seen().len(), 1, "handled exactly once across both processes: {statuses:?}");
    let printed = tokio::time::timeout(Duration::from_secs(5), async {
        tokio::select! { d = a.delivery() => d, d = b.delivery() => d }
    })
    .await
    .unwrap();
    assert_eq!(printed["payload"]["data"]["id"], marker.as_str());
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn two_listen_processes_sharing_redis_handle_a_delivery_once() {
    let Some(url) = hookbridge_testkit::services::redis_url("listen::redis") else { return };
    two_listeners_share_dedupe(&url).await;
}

#[tokio::test]
async fn two_listen_processes_sharing_postgres_handle_a_delivery_once() {
    let Some(url) = hookbridge_testkit::services::database_url("listen::postgres") else { return };
    two_listeners_share_dedupe(&url).await;
}
