//! `endpoints`, `events`, `event-types`, `public-key` against the simulators: every operation
//! each provider supports, and the one-line refusal of the others.

use hookbridge_testkit::{AbbeyCrossSim, BitnobSim, BlazeSim, ChipConfig, ChipSim, MiexSim};
use serde_json::Value;

use crate::common::{Run, run_with};

async fn hb(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_with(args, env, None).await
}

/// The one-line error of an unsupported operation.
#[track_caller]
fn assert_unsupported(out: Run, provider: &str, op: &str) {
    let out = out.expect(1);
    let line = out.error_line();
    assert!(line.starts_with(&format!("error: {provider} does not support `{op}`")), "{line}");
    assert!(out.stdout.is_empty());
}

#[tokio::test]
async fn miex_create_reveals_the_secret_once_and_refuses_the_rest() {
    let sim = MiexSim::start().await.unwrap();
    let base = sim.base_url();
    let env = [("MIEX_API_KEY", sim.personal_key())];
    let common = ["--provider", "miex", "--base-url", &base];

    let mut args = vec!["endpoints", "create"];
    args.extend(common);
    args.extend(["--url", "https://example.com/hooks", "--event", "order.created", "--event", "order.cancelled"]);
    let out = hb(&args, &env).await.expect(0);
    let id = out.stdout.lines().find_map(|l| l.strip_prefix("id")).unwrap().trim().to_owned();
    let secret = sim.secret_key(&id).unwrap();
    assert!(out.stdout.contains("signing secret (shown only this once"), "{}", out.stdout);
    assert_eq!(out.stdout.matches(&secret).count(), 1, "{}", out.stdout);
    assert!(out.stdout.contains("order.created, order.cancelled"));

    args.extend(["--output", "json"]);
    let v = hb(&args, &env).await.expect(0).json();
    assert_eq!(v["provider"], "miex");
    assert_eq!(v["signing_secret"].as_str(), sim.secret_key(v["id"].as_str().unwrap()).as_deref());

    for (action, op) in [
        ("list", "list"),
        ("get", "get"),
        ("update", "update"),
        ("delete", "delete"),
        ("rotate-secret", "rotate-secret"),
    ] {
        let mut args = vec!["endpoints", action];
        // `list` takes no --id (clap refuses it); the others require it.
        if action != "list" {
            args.extend(["--id", &id]);
        }
        args.extend(common);
        assert_unsupported(hb(&args, &env).await, "MIEX", op);
    }
    // The MIEX public `pk_` key is read-only: the client refuses it before sending (usage).
    let out = hb(
        &[
            "endpoints",
            "create",
            "--provider",
            "miex",
            "--base-url",
            &base,
            "--url",
            "https://e.com/h",
            "--event",
            "order.created",
        ],
        &[("MIEX_API_KEY", sim.public_key())],
    )
    .await;
    assert_eq!(out.code, 2, "a pk_ key is refused before sending: {}", out.stderr);
    assert_eq!(sim.webhooks().len(), 2);
}

#[tokio::test]
async fn blaze_crud_through_the_cli() {
    let sim = BlazeSim::start().await.unwrap();
    let base = sim.base_url();
    let env = [("BLAZE_PARTNER_KEY", sim.partner_key()), ("BLAZE_DEVELOPER_KEY", sim.developer_key())];
    let ep = |action: &'static str| {
        vec!["endpoints", action, "--provider", "blaze", "--base-url", &base, "--output", "json"]
    };

    let mut args = ep("create");
    args.extend(["--url", "https://example.com/a", "--url", "https://example.com/b", "--shop-id", "shop-1"]);
    let created = hb(&args, &env).await.expect(0).json();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["urls"].as_array().unwrap().len(), 2);
    assert_eq!(created["provider_fields"]["shopId"], "shop-1");
    assert!(created.get("signing_secret").is_none());

    let list = hb(&ep("list"), &env).await.expect(0).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id.as_str());

    let mut args = ep("get");
    args.extend(["--id", &id]);
    assert_eq!(hb(&args, &env).await.expect(0).json()["id"], id.as_str());

    let mut args = ep("update");
    args.extend(["--id", &id, "--url", "https://example.com/c", "--event", "NEW_MEMBER"]);
    let updated = hb(&args, &env).await.expect(0).json();
    assert_eq!(updated["urls"], serde_json::json!(["https://example.com/c"]));
    assert_eq!(sim.webhooks()[0]["webHookType"], "NEW_MEMBER");

    let mut args = ep("rotate-secret");
    args.extend(["--id", &id]);
    assert_unsupported(hb(&args, &env).await, "BLAZE", "rotate-secret");

    let mut args = ep("delete");
    args.extend(["--id", &id]);
    assert_eq!(hb(&args, &env).await.expect(0).json()["deleted"], true);
    let out = hb(&["endpoints", "list", "--provider", "blaze", "--base-url", &base], &env).await.expect(0);
    assert_eq!(out.stdout.trim(), "no BLAZE endpoints");

    // A second delete: the API's 404 is a failure (exit 1), on one line.
    let mut args = ep("delete");
    args.extend(["--id", &id]);
    let out = hb(&args, &env).await.expect(1);
    assert!(out.error_line().contains("404"), "{}", out.stderr);
}

#[tokio::test]
async fn bitnob_auth_signs_by_default_and_bearer_only_when_asked_with_a_note() {
    let sim = BitnobSim::start().await.unwrap();
    let base = sim.base_url();
    let list = ["endpoints", "list", "--provider", "bitnob", "--base-url", &base];
    // Signed (the simulator verifies X-Auth-Signature), both documented variants, no note.
    let signed = [("BITNOB_CLIENT_ID", sim.client_id()), ("BITNOB_SECRET_KEY", sim.client_secret())];
    for variant in ["colon-separated-hex", "concatenated-base64"] {
        let mut args = list.to_vec();
        args.extend(["--signing-scheme", variant]);
        let out = hb(&args, &signed).await.expect(0);
        assert!(out.stderr.is_empty(), "{variant}: {}", out.stderr);
    }
    // --client-id + --secret-key-file, and a key file with a trailing newline.
    let dir = std::env::temp_dir().join(format!("hb-bitnob-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("secret_key");
    std::fs::write(&key_file, format!("{}\n", sim.client_secret())).unwrap();
    let mut args = list.to_vec();
    let key_path = key_file.to_str().unwrap();
    args.extend(["--client-id", sim.client_id(), "--secret-key-file", key_path]);
    hb(&args, &[]).await.expect(0);
    // A wrong secret: the simulator refuses the signature (exit 1, nothing secret printed).
    let wrong = [("BITNOB_CLIENT_ID", sim.client_id()), ("BITNOB_SECRET_KEY", "not-the-secret")];
    let out = hb(&list, &wrong).await.expect(1);
    assert!(out.error_line().contains("401"), "{}", out.stderr);
    assert!(!out.stderr.contains("not-the-secret"));
    // Half a signing configuration is a usage error.
    let out = hb(&list, &[("BITNOB_CLIENT_ID", sim.client_id())]).await.expect(2);
    assert!(out.error_line().contains("BITNOB_SECRET_KEY"), "{}", out.stderr);
    // BITNOB_API_KEY alone: the older bearer scheme, with a note on stderr.
    let out = hb(&list, &[("BITNOB_API_KEY", sim.api_key())]).await.expect(0);
    assert!(out.stderr.starts_with("note: BITNOB_API_KEY"), "{}", out.stderr);
    assert!(out.stderr.contains("older bearer"), "{}", out.stderr);
    assert!(!out.stderr.contains(sim.api_key()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn bitnob_endpoints_events_and_event_types() {
    let sim = BitnobSim::start().await.unwrap();
    let base = sim.base_url();
    let env = [("BITNOB_CLIENT_ID", sim.client_id()), ("BITNOB_SECRET_KEY", sim.client_secret())];
    let with = |mut v: Vec<&'static str>, extra: &[&str]| -> Vec<String> {
        v.extend(["--provider", "bitnob"]);
        let mut v: Vec<String> = v.into_iter().map(String::from).collect();
        v.extend(["--base-url".to_owned(), base.clone()]);
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let hb_s = |args: Vec<String>| async move {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        hb(&refs, &env).await
    };

    // A callback nothing listens on, so deliveries fail fast and are recorded as failed events.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/hook", l.local_addr().unwrap())
    };
    // http:// is refused unless allowed (Bitnob requires HTTPS): a usage error, nothing sent.
    let out = hb_s(with(vec!["endpoints", "create"], &["--name", "n", "--url", &dead])).await.expect(2);
    assert!(out.error_line().contains("--allow-insecure-urls"), "{}", out.stderr);
    assert!(sim.webhooks().is_empty());

    let created = hb_s(with(
        vec!["endpoints", "create"],
        &[
            "--name",
            "tour",
            "--url",
            &dead,
            "--event",
            "transaction.confirmed",
            "--allow-insecure-urls",
            "--output",
            "json",
        ],
    ))
    .await
    .expect(0)
    .json();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["signing_secret"].as_str(), sim.signing_secret(&id).as_deref());
    assert_eq!(created["name"], "tour");

    let list = hb_s(with(vec!["endpoints", "list"], &["--output", "json"])).await.expect(0).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let table = hb_s(with(vec!["endpoints", "list"], &[])).await.expect(0);
    assert!(table.stdout.starts_with("provider"), "{}", table.stdout);
    assert!(table.stdout.contains(&id));

    let got = hb_s(with(vec!["endpoints", "get"], &["--id", &id, "--output", "json"])).await.expect(0).json();
    assert_eq!(got["id"], id.as_str());
    assert!(got.get("signing_secret").is_none(), "a read never shows the secret");

    let updated = hb_s(with(
        vec!["endpoints", "update"],
        &["--id", &id, "--url", "https://example.com/new", "--event", "transaction.failed", "--output", "json"],
    ))
    .await
    .expect(0)
    .json();
    assert_eq!(updated["urls"][0], "https://example.com/new");

    let rotated = hb_s(with(vec!["endpoints", "rotate-secret"], &["--id", &id])).await.expect(0);
    let new_secret = sim.signing_secret(&id).unwrap();
    assert!(rotated.stdout.contains("signing secret (shown only this once"));
    assert_eq!(rotated.stdout.matches(&new_secret).count(), 1, "{}", rotated.stdout);
    assert_ne!(created["signing_secret"].as_str(), Some(new_secret.as_str()));

    // Delivery events: point the endpoint back at the dead URL and deliver.
    hb_s(with(
        vec!["endpoints", "update"],
        &["--id", &id, "--url", &dead, "--event", "transaction.confirmed", "--allow-insecure-urls"],
    ))
    .await
    .expect(0);
    sim.deliver("transaction.confirmed", None).await.unwrap();
    sim.deliver("transaction.confirmed", None).await.unwrap();
    let events = hb_s(with(vec!["events", "list"], &["--output", "json", "--limit", "1"])).await.expect(0).json();
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 2, "both pages");
    assert_eq!(events[0]["delivery_status"], "failed");
    let event_id = events[0]["id"].as_str().unwrap().to_owned();
    let filtered =
        hb_s(with(vec!["events", "list"], &["--status", "delivered", "--output", "json"])).await.expect(0).json();
    assert_eq!(filtered, Value::Array(vec![]));
    let table = hb_s(with(vec!["events", "list"], &["--webhook-id", &id])).await.expect(0);
    assert_eq!(table.stdout.lines().count(), 4, "header, rule, two rows:\n{}", table.stdout);

    let one = hb_s(with(vec!["events", "get"], &["--id", &event_id, "--output", "json"])).await.expect(0).json();
    assert_eq!(one["id"], event_id.as_str());
    let text = hb_s(with(vec!["events", "get"], &["--id", &event_id])).await.expect(0);
    assert!(text.stdout.contains("delivery_status"), "{}", text.stdout);
    let retried = hb_s(with(vec!["events", "retry"], &["--id", &event_id])).await.expect(0);
    assert!(retried.stdout.contains("queued"), "{}", retried.stdout);

    // Only the documented filter values are sent.
    let out = hb_s(with(vec!["events", "list"], &["--status", "retrying"])).await.expect(2);
    assert!(out.error_line().contains("not a documented filter value"), "{}", out.stderr);

    let types = hb_s(with(vec!["event-types"], &["--output", "json"])).await.expect(0).json();
    assert_eq!(types.as_array().unwrap().len(), hookbridge_testkit::bitnob::BITNOB_EVENT_TYPES.len());
    let table = hb_s(with(vec!["event-types"], &[])).await.expect(0);
    assert!(table.stdout.contains("transaction.confirmed"));

    let deleted = hb_s(with(vec!["endpoints", "delete"], &["--id", &id])).await.expect(0);
    assert!(deleted.stdout.contains("deleted Bitnob endpoint"));
    let list = hb_s(with(vec!["endpoints", "list"], &["--output", "json"])).await.expect(0).json();
    assert_eq!(list, Value::Array(vec![]), "deleted endpoints are no longer listed");
}

#[tokio::test]
async fn abbeycross_register_only() {
    let sim = AbbeyCrossSim::start().await.unwrap();
    let base = sim.base_url();
    let env = [("ABBEYCROSS_API_TOKEN", sim.token())];
    let out = hb(
        &[
            "endpoints",
            "create",
            "--provider",
            "abbeycross",
            "--base-url",
            &base,
            "--url",
            "https://example.com/fx",
            "--event",
            "deal.settled",
            "--output",
            "json",
        ],
        &env,
    )
    .await
    .expect(0)
    .json();
    let reg = &sim.webhooks()[0];
    let sim_id = reg["id"].as_str().unwrap();
    assert_eq!(out["signing_secret"].as_str(), sim.api_secret_key(sim_id).as_deref());
    assert_eq!(out["id"], "https://example.com/fx");
    assert_unsupported(
        hb(&["endpoints", "list", "--provider", "abbeycross", "--base-url", &base], &env).await,
        "AbbeyCross",
        "list",
    );
    // Outside working hours the API answers 503: a failure on one line.
    sim.set_working_hours(false);
    let out = hb(
        &[
            "endpoints",
            "create",
            "--provider",
            "abbeycross",
            "--base-url",
            &base,
            "--url",
            "https://example.com/fx",
            "--event",
            "x",
        ],
        &env,
    )
    .await
    .expect(1);
    assert!(out.error_line().contains("503"), "{}", out.stderr);
}

#[tokio::test]
async fn chip_crud_paging_and_public_key() {
    let sim = ChipSim::start_with(ChipConfig::default().page_size(2)).await.unwrap();
    let base = sim.base_url();
    let env = [("CHIP_API_KEY", sim.secret_key())];
    let ep =
        |action: &'static str| vec!["endpoints", action, "--provider", "chip", "--base-url", &base, "--output", "json"];
    let mut ids = Vec::new();
    for i in 0..3 {
        let url = format!("https://example.com/chip/{i}");
        let mut args = ep("create");
        args.extend(["--title", "orders", "--url", &url, "--event", "purchase.paid"]);
        let v = hb(&args, &env).await.expect(0).json();
        assert!(v["provider_fields"]["public_key"].as_str().unwrap().contains("BEGIN PUBLIC KEY"));
        ids.push(v["id"].as_str().unwrap().to_owned());
    }
    // Three endpoints over two pages.
    let list = hb(&ep("list"), &env).await.expect(0).json();
    let listed: Vec<&str> = list.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(listed.len(), 3);
    for id in &ids {
        assert!(listed.contains(&id.as_str()));
    }
    let mut args = ep("update");
    args.extend(["--id", &ids[0], "--name", "renamed", "--url", "https://example.com/x", "--all-events"]);
    let v = hb(&args, &env).await.expect(0).json();
    assert_eq!(v["name"], "renamed");
    assert_eq!(v["events"]["mode"], "all");

    let out =
        hb(&["endpoints", "get", "--provider", "chip", "--base-url", &base, "--id", &ids[0]], &env).await.expect(0);
    assert!(out.stdout.contains("renamed") && out.stdout.contains("-----BEGIN PUBLIC KEY-----"), "{}", out.stdout);

    let mut args = ep("delete");
    args.extend(["--id", &ids[1]]);
    hb(&args, &env).await.expect(0);
    assert_eq!(sim.webhooks().len(), 2);

    // Input the client refuses before sending (CHIP ids are UUIDs): usage.
    let mut args = ep("get");
    args.extend(["--id", "not-a-uuid"]);
    hb(&args, &env).await.expect(2).error_line();

    let mut args = ep("rotate-secret");
    args.extend(["--id", &ids[0]]);
    assert_unsupported(hb(&args, &env).await, "CHIP Collect", "rotate-secret");

    let pem = hb(&["public-key", "--base-url", &base], &env).await.expect(0);
    assert_eq!(pem.stdout.trim(), sim.company_public_key_pem().trim());
    let v = hb(&["public-key", "--base-url", &base, "--output", "json"], &env).await.expect(0).json();
    assert_eq!(v["public_key"].as_str().unwrap().trim(), sim.company_public_key_pem().trim());
    // A wrong key: the API's 401, one line, the key not echoed.
    let out = hb(&["public-key", "--base-url", &base], &[("CHIP_API_KEY", "wrong-key-XYZZY")]).await.expect(1);
    assert!(out.error_line().contains("401"), "{}", out.stderr);
    assert!(!out.stderr.contains("XYZZY"));
}

#[tokio::test]
async fn provider_specific_commands_refuse_other_providers() {
    for (args, provider, op) in [
        (vec!["events", "list", "--provider", "chip"], "CHIP Collect", "events list"),
        (vec!["events", "retry", "--provider", "miex", "--id", "x"], "MIEX", "events retry"),
        (vec!["event-types", "--provider", "blaze"], "BLAZE", "event-types"),
        (vec!["public-key", "--provider", "bitnob"], "Bitnob", "public-key"),
    ] {
        assert_unsupported(hb(&args, &[]).await, provider, op);
    }
}

#[tokio::test]
async fn verbose_shows_request_spans_without_secrets() {
    let sim = ChipSim::start().await.unwrap();
    let base = sim.base_url();
    let env = [("CHIP_API_KEY", sim.secret_key())];
    let out = hb(&["-v", "endpoints", "list", "--provider", "chip", "--base-url", &base, "--output", "json"], &env)
        .await
        .expect(0);
    let spans: Vec<&str> = out.stderr.lines().filter(|l| l.contains("hookbridge.request{")).collect();
    assert!(!spans.is_empty(), "{}", out.stderr);
    for field in [r#"provider="chip""#, r#"operation="list""#, "status=200", "latency_ms="] {
        assert!(spans.iter().any(|l| l.contains(field)), "{field} in {}", out.stderr);
    }
    assert!(!out.stderr.contains(sim.secret_key()), "{}", out.stderr);
    // Piped: no colour codes.
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    // Without -v, stderr stays quiet.
    let quiet =
        hb(&["endpoints", "list", "--provider", "chip", "--base-url", &base, "--output", "json"], &env).await.expect(0);
    assert!(!quiet.stderr.contains("hookbridge.request"), "{}", quiet.stderr);
}

#[tokio::test]
async fn jsonl_streams_one_endpoint_per_line() {
    let sim = ChipSim::start_with(ChipConfig::default().page_size(2)).await.unwrap();
    let base = sim.base_url();
    let env = [("CHIP_API_KEY", sim.secret_key())];
    for i in 0..3 {
        let url = format!("https://example.com/chip/jsonl/{i}");
        let args = [
            "endpoints",
            "create",
            "--provider",
            "chip",
            "--base-url",
            &base,
            "--title",
            "t",
            "--url",
            &url,
            "--event",
            "purchase.paid",
        ];
        hb(&args, &env).await.expect(0);
    }
    let out = hb(&["endpoints", "list", "--provider", "chip", "--base-url", &base, "--output", "jsonl"], &env)
        .await
        .expect(0);
    let lines: Vec<serde_json::Value> =
        out.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    assert_eq!(lines.len(), 3, "{}", out.stdout);
    assert!(lines.iter().all(|v| v["provider"] == "chip" && v["id"].is_string()), "{}", out.stdout);
    // A single object is one line too.
    let id = lines[0]["id"].as_str().unwrap();
    let one =
        hb(&["endpoints", "get", "--provider", "chip", "--base-url", &base, "--id", id, "--output", "jsonl"], &env)
            .await
            .expect(0);
    assert_eq!(one.stdout.lines().count(), 1, "{}", one.stdout);
}
