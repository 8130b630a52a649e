//! `hookbridge listen`: a real process receiving deliveries from a simulator and from plain HTTP
//! posts; forwarding as Standard Webhooks to a second `listen`.

use std::process::Stdio;
use std::time::Duration;

use hookbridge_testkit::ChipSim;
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStderr, ChildStdout};

use crate::common::{command, fixture, http};

const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// A running `hookbridge listen`, killed when dropped.
struct Listener {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr: Lines<BufReader<ChildStderr>>,
    url: String,
}

impl Listener {
    async fn start(args: &[&str]) -> Self {
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
        assert!(addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"), "{addr}");
        Self { child, stdout, stderr, url: format!("http://{addr}") }
    }

    async fn delivery(&mut self) -> Value {
        let line = next_line(&mut self.stdout).await;
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
    }

    /// The next stderr line that is not part of the start-up banner.
    async fn log_line(&mut self) -> String {
        loop {
            let line = next_line(&mut self.stderr).await;
            if !line.starts_with("verifying") && !line.starts_with("forwarding") {
                return line;
            }
        }
    }

    async fn stop(mut self) {
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
    let signer = HmacSigner::new(HmacScheme::miex(), HmacSecret::from_str_bytes(secret).unwrap());
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
