//! `sign` → `verify` round trips for every preset; tampering, stale timestamps, key rings,
//! JSON output, BLAZE's URL token.

use serde_json::json;

use crate::common::{TempDir, fixture, run, run_with};

struct Case {
    preset: &'static str,
    sign_key: Vec<String>,
    verify_key: Vec<String>,
    body: String,
    extra_headers: Vec<&'static str>,
    event: &'static str,
}

fn secret_case(preset: &'static str, secret: &str, body: serde_json::Value, event: &'static str) -> Case {
    Case {
        preset,
        sign_key: vec!["--secret".into(), secret.into()],
        verify_key: vec!["--secret".into(), secret.into()],
        body: body.to_string(),
        extra_headers: vec![],
        event,
    }
}

fn cases() -> Vec<Case> {
    let mut chip_body = hookbridge_testkit::fixtures::chip_purchase_paid();
    chip_body["event_type"] = json!("purchase.paid");
    let rsa = |preset, body: serde_json::Value, event| Case {
        preset,
        sign_key: vec!["--private-key".into(), fixture("keys/rsa2048-private.pem")],
        verify_key: vec!["--public-key".into(), fixture("keys/rsa2048-public-spki.pem")],
        body: body.to_string(),
        extra_headers: vec![],
        event,
    };
    let mut github = secret_case("github", "gh-secret", json!({"action": "opened", "issue": {"id": 1}}), "issues");
    github.extra_headers = vec!["X-GitHub-Event: issues"];
    vec![
        secret_case("miex", "miex-secretKey", json!({"event": "order.created", "data": {"id": 1284}}), "order.created"),
        secret_case(
            "bitnob",
            "bitnob-secret",
            json!({"event": "transaction.confirmed", "event_id": "evt_1", "data": {"id": "tx_1"}}),
            "transaction.confirmed",
        ),
        secret_case(
            "bitnob-legacy",
            "bitnob-legacy-secret",
            json!({"event": "transfer.success", "data": {"id": "t_1"}}),
            "transfer.success",
        ),
        rsa("chip", chip_body, "purchase.paid"),
        rsa("chip-send", json!({"event_type": "payout.success", "id": 77}), "payout.success"),
        secret_case(
            "standard-webhooks",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            json!({"type": "invoice.paid", "timestamp": "2025-06-02T08:15:30Z", "data": {}}),
            "invoice.paid",
        ),
        secret_case(
            "stripe",
            "whsec_stripe_test",
            json!({
                "id": "evt_1",
                "object": "event",
                "api_version": "2024-06-20",
                "created": 1_700_000_000,
                "livemode": false,
                "type": "charge.succeeded",
                "data": {"object": {"object": "charge", "id": "ch_1"}}
            }),
            "charge.succeeded",
        ),
        github,
        secret_case(
            "abbeycross-assumed",
            "abbey-apiSecretKey",
            json!({"id": "d-1", "event": "deal.settled", "data": {}}),
            "deal.settled",
        ),
    ]
}

#[tokio::test]
async fn every_preset_round_trips_and_tampering_fails() {
    for case in cases() {
        let dir = TempDir::new();
        let body = dir.file("body.json", &case.body);
        let mut sign: Vec<&str> = vec!["sign", "--provider", case.preset, "--body", &body, "--id", "delivery-42"];
        sign.extend(case.sign_key.iter().map(String::as_str));
        let signed = run(&sign).await.expect(0);
        assert!(signed.stdout.lines().all(|l| l.contains(": ")), "{}: {}", case.preset, signed.stdout);
        let headers = dir.file("headers.txt", &signed.stdout);

        let mut verify: Vec<&str> =
            vec!["verify", "--provider", case.preset, "--body", &body, "--headers-file", &headers, "--output", "json"];
        verify.extend(case.verify_key.iter().map(String::as_str));
        for h in &case.extra_headers {
            verify.extend(["--header", h]);
        }
        let out = run(&verify).await.expect(0);
        let v = out.json();
        assert_eq!(v["preset"], case.preset, "{}", out.stdout);
        assert_eq!(v["event_type"], case.event, "{}: {}", case.preset, out.stdout);
        assert!(v["key_id"].is_string(), "{}", out.stdout);

        // The same headers over a modified body: exit 1 with the reason on one line.
        let tampered = dir.file("tampered.json", case.body.replacen('{', r#"{"x":1,"#, 1));
        verify[4] = &tampered;
        let out = run(&verify).await.expect(1);
        assert!(out.error_line().contains("not verified"), "{}: {}", case.preset, out.stderr);
        assert_eq!(out.json()["verified"], false);
    }
}

#[tokio::test]
async fn text_output_names_what_was_verified() {
    let dir = TempDir::new();
    let body = dir.file("b.json", r#"{"event":"order.created","data":{"id":1284}}"#);
    let signed =
        run(&["sign", "--provider", "miex", "--secret", "k", "--body", &body, "--id", "job-9"]).await.expect(0);
    let lines: Vec<&str> = signed.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", signed.stdout);
    assert!(lines[0].starts_with("X-Webhook-Signature: sha256="));
    assert_eq!(lines[1], "X-Webhook-Delivery: job-9");
    // Header names are case-insensitive; the body comes from stdin.
    let mut args = vec!["verify", "--provider", "miex", "--secret", "k", "--body", "-"];
    let lower: Vec<String> = lines.iter().map(|l| l.to_lowercase().replacen("x-webhook", "X-WEBHOOK", 1)).collect();
    for l in &lower {
        args.extend(["-H", l]);
    }
    let body_bytes = std::fs::read(&body).unwrap();
    let out = run_with(&args, &[], Some(&body_bytes)).await.expect(0);
    for (field, value) in [
        ("verified", "yes"),
        ("provider", "miex"),
        ("event type", "order.created"),
        ("delivery id", "job-9 (unsigned)"),
        ("subject", "order 1284"),
        ("matched key", "secret-1"),
    ] {
        assert!(
            out.stdout.lines().any(|l| l.starts_with(field) && l.trim_end().ends_with(value)),
            "{field} {value}:\n{}",
            out.stdout
        );
    }
    // The identity is a digest of the signed body, never the unsigned job id.
    assert!(out.stdout.lines().any(|l| l.starts_with("replay key") && l.contains("miex:sha256:")), "{}", out.stdout);
}

#[tokio::test]
async fn timestamps_and_key_rings() {
    let dir = TempDir::new();
    let body = dir.file("b.json", r#"{"event":"transaction.confirmed","data":{"id":"tx"}}"#);
    let signed =
        run(&["sign", "--provider", "bitnob", "--secret", "new", "--body", &body, "--timestamp", "1700000000"])
            .await
            .expect(0);
    assert!(signed.stdout.contains("X-Bitnob-Timestamp: 1700000000"), "{}", signed.stdout);
    let headers = dir.file("h.txt", &signed.stdout);
    let base = ["verify", "--provider", "bitnob", "--body", &body, "--headers-file", &headers];

    // Within the tolerance, with the old and the new secret in the ring: the new one matches.
    let mut args = base.to_vec();
    args.extend(["--secret", "old", "--secret", "new", "--now", "1700000100", "--output", "json"]);
    assert_eq!(run(&args).await.expect(0).json()["key_id"], "secret-2");

    // Ten minutes later: too old, unless the tolerance is widened.
    let mut args = base.to_vec();
    args.extend(["--secret", "new", "--now", "1700000600"]);
    let out = run(&args).await.expect(1);
    assert!(out.error_line().contains("not verified"), "{}", out.stderr);
    args.extend(["--tolerance", "900"]);
    run(&args).await.expect(0);

    // A secret file works like --secret (for sign too); its key id is the path.
    let secret_file = dir.file("secret.txt", "new\n");
    let from_file = run(&[
        "sign",
        "--provider",
        "bitnob",
        "--secret-file",
        &secret_file,
        "--body",
        &body,
        "--timestamp",
        "1700000000",
    ])
    .await
    .expect(0);
    assert_eq!(from_file.stdout, signed.stdout);
    let mut args = base.to_vec();
    args.extend(["--secret-file", &secret_file, "--now", "1700000000", "--output", "json"]);
    assert_eq!(run(&args).await.expect(0).json()["key_id"], secret_file.as_str());

    // The wrong secret only.
    let mut args = base.to_vec();
    args.extend(["--secret", "old", "--now", "1700000000"]);
    run(&args).await.expect(1);
}

#[tokio::test]
async fn stripe_and_standard_webhooks_sign_with_several_secrets() {
    let dir = TempDir::new();
    let body = dir.file("b.json", r#"{"type":"x"}"#);
    let out = run(&["sign", "--provider", "stripe", "--secret", "a", "--secret", "b", "--body", &body]).await.expect(0);
    assert_eq!(out.stdout.matches("v1=").count(), 2, "{}", out.stdout);
    let out = run(&[
        "sign",
        "--provider",
        "standard-webhooks",
        "--secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--body",
        &body,
    ])
    .await
    .expect(0);
    assert!(out.stdout.contains("webhook-id: msg_"), "{}", out.stdout);
    // A single-signature scheme refuses two secrets (usage).
    run(&["sign", "--provider", "miex", "--secret", "a", "--secret", "b", "--body", &body]).await.expect(2);
}

#[tokio::test]
async fn blaze_is_verified_by_the_url_token() {
    let dir = TempDir::new();
    let body = dir.file("b.json", r#"{"webHookType":"NEW_MEMBER","data":{}}"#);
    let token = "Zt3sX8w0fQm2Lk9PqR7vYb1NcJ4hGd6E";
    let url = format!("/hooks/blaze?hb_token={token}");
    let out =
        run(&["verify", "--provider", "blaze", "--secret", token, "--url", &url, "--body", &body, "--output", "json"])
            .await
            .expect(0);
    assert_eq!(out.json()["event_type"], "NEW_MEMBER");
    let out =
        run(&["verify", "--provider", "blaze", "--secret", token, "--url", "/hooks/blaze", "--body", &body]).await;
    assert!(out.expect(1).error_line().contains("hb_token"));
}

#[tokio::test]
async fn signature_only_skips_the_provider_parse() {
    let dir = TempDir::new();
    // Authentic, but not a MIEX envelope.
    let body = dir.file("b.txt", "not json at all");
    let signed = run(&["sign", "--provider", "miex", "--secret", "k", "--body", &body]).await.expect(0);
    let headers = dir.file("h.txt", &signed.stdout);
    let args = ["verify", "--provider", "miex", "--secret", "k", "--body", &body, "--headers-file", &headers];
    let out = run(&args).await.expect(1);
    assert!(out.error_line().contains("could not be parsed"), "{}", out.stderr);
    let mut args = args.to_vec();
    args.push("--signature-only");
    let out = run(&args).await.expect(0);
    assert!(out.stdout.contains("not JSON"), "{}", out.stdout);
}
