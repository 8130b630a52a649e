//! `hookbridge trigger` against a real `hookbridge listen` process (and wiremock where the
//! receiver's behaviour must be controlled): signed deliveries that verify, fresh ids so a
//! second trigger is never a duplicate, failures that exit non-zero, throwaway keys.

use std::time::Duration;

use hookbridge_testkit::deliveries::Template;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Run, TempDir, fixture, run_with};
use crate::listen::Listener;

/// Runs `hookbridge trigger ARGS`, keeping throwaway keys in `keys` (never the user's home).
async fn trigger(args: &[&str], keys: &TempDir) -> Run {
    let mut all = vec!["trigger"];
    all.extend_from_slice(args);
    run_with(&all, &[("HOOKBRIDGE_TRIGGER_KEY_DIR", keys.path())], None).await
}

/// The result line: `<status> <reason> in <ms> ms (<what>, to <url>)`; returns (status line
/// head, what).
#[track_caller]
fn result_line(run: &Run) -> (String, String) {
    let line = run.stdout.trim_end();
    assert_eq!(line.lines().count(), 1, "one result line on stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    let (head, rest) = line.split_once(" in ").unwrap_or_else(|| panic!("{line}"));
    let (ms, what) = rest.split_once(" ms (").unwrap_or_else(|| panic!("{line}"));
    assert!(ms.parse::<f64>().is_ok_and(|ms| ms >= 0.0), "{line}");
    let what = what.strip_suffix(')').unwrap_or_else(|| panic!("{line}"));
    (head.to_owned(), what.to_owned())
}

/// The delivery id of a result line's `what` (`miex order.created, delivery 123, to URL`).
fn delivery_id(what: &str) -> String {
    let rest = what.split_once(", delivery ").map(|(_, r)| r).unwrap_or_else(|| panic!("{what}"));
    rest.split_once(", to ").map(|(id, _)| id).unwrap_or_else(|| panic!("{what}")).to_owned()
}

/// The value printed after the throwaway label (`throwaway signing secret (...): VALUE`), or the
/// PEM block printed under it.
#[track_caller]
fn printed_key(stderr: &str, what: &str) -> String {
    let mut lines = stderr.lines();
    let label = lines
        .find(|l| l.starts_with(&format!("throwaway {what} ")))
        .unwrap_or_else(|| panic!("no `throwaway {what}` line:\n{stderr}"));
    if let Some(value) = label.rsplit_once("): ").map(|(_, v)| v) {
        return value.to_owned();
    }
    let mut pem = String::new();
    for line in lines {
        pem.push_str(line);
        pem.push('\n');
        if line.starts_with("-----END") {
            return pem;
        }
    }
    panic!("no PEM block after the label:\n{stderr}");
}

#[tokio::test]
async fn a_miex_trigger_is_verified_by_listen_and_a_second_one_is_not_a_duplicate() {
    let dir = TempDir::new();
    let secret = dir.file("miex.secret", "miex-secretKey-for-trigger\n");
    let mut listen = Listener::start(&["--provider", "miex", "--secret-file", &secret]).await;
    let to = format!("{}/hooks/miex", listen.url);

    let first =
        trigger(&["--provider", "miex", "--event", "order.created", "--to", &to, "--secret-file", &secret], &dir)
            .await
            .expect(0);
    let (status, what) = result_line(&first);
    assert_eq!(status, "200 OK");
    assert!(what.starts_with("miex order.created, delivery ") && what.ends_with(&format!(", to {to}")), "{what}");
    assert!(first.stderr.is_empty(), "nothing on stderr with a key given:\n{}", first.stderr);
    let got = listen.delivery().await;
    assert_eq!(got["provider"], "miex");
    assert_eq!(got["event_type"], "order.created");
    assert_eq!(got["event_type_signed"], true);
    assert_eq!(got["key_id"], secret.as_str());
    assert_eq!(got["delivery_id"], delivery_id(&what));
    assert_eq!(got["payload"]["event"], "order.created");
    assert_eq!(got["payload"]["data"]["status"], "new");

    // The same event again: fresh ids, so listen handles it again (not `duplicate`).
    let second =
        trigger(&["--provider", "miex", "--event", "order.created", "--to", &to, "--secret-file", &secret], &dir)
            .await
            .expect(0);
    let (status, what2) = result_line(&second);
    assert_eq!(status, "200 OK");
    let again = listen.delivery().await;
    assert_eq!(again["event_type"], "order.created");
    assert_ne!(again["replay_key"], got["replay_key"]);
    assert_ne!(again["payload"]["data"]["id"], got["payload"]["data"]["id"]);
    assert_ne!(delivery_id(&what2), delivery_id(&what));

    // The wrong secret: listen answers 401, trigger prints it and exits 1.
    let wrong = dir.file("wrong.secret", "not-the-secret");
    let refused =
        trigger(&["--provider", "miex", "--event", "order.created", "--to", &to, "--secret-file", &wrong], &dir)
            .await
            .expect(1);
    assert_eq!(result_line(&refused).0, "401 Unauthorized");
    let error = refused.error_line();
    assert!(error.starts_with("error: the receiver answered 401 Unauthorized: "), "{error}");
    assert!(error.contains("no signature matched"), "{error}");
    let log = listen.log_line().await;
    assert!(log.starts_with("rejected POST /hooks/miex: HTTP 401"), "{log}");
    listen.stop().await;
}

#[tokio::test]
async fn list_prints_the_events_of_each_provider() {
    let dir = TempDir::new();
    // Each preset's template by name, as trigger finds it (`abbeycross-assumed` by its alias).
    let providers = [
        ("miex", "miex"),
        ("blaze", "blaze"),
        ("bitnob", "bitnob"),
        ("bitnob-legacy", "bitnob-legacy"),
        ("abbeycross", "abbeycross"),
        ("abbeycross-assumed", "abbeycross"),
        ("chip", "chip"),
        ("chip-send", "chip-send"),
        ("stripe", "stripe"),
        ("github", "github"),
    ];
    for (provider, template) in providers {
        let template = Template::from_name(template).unwrap();
        let run = trigger(&["--provider", provider, "--list"], &dir).await.expect(0);
        let listed: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(listed, template.events(), "{provider}");
        if template.free_form_events() {
            assert!(run.stderr.contains("no event catalogue"), "{}", run.stderr);
        } else {
            assert!(run.stderr.is_empty(), "{provider}: {}", run.stderr);
        }
    }
    let miex = trigger(&["--provider", "miex", "--list"], &dir).await;
    assert_eq!(miex.stdout, "order.created\norder.status_changed\norder.cancelled\noffer.updated\n");
    assert_eq!(trigger(&["--provider", "chip", "--list"], &dir).await.stdout.lines().count(), 27);
    let none = trigger(&["--provider", "standard-webhooks", "--list"], &dir).await.expect(2);
    assert!(none.error_line().contains("trigger cannot send `standard-webhooks` deliveries"), "{}", none.stderr);
}

#[tokio::test]
async fn an_unknown_event_is_refused_listing_the_valid_ones_and_nothing_is_sent() {
    let dir = TempDir::new();
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let secret = dir.file("s", "secret");
    let run = trigger(
        &["--provider", "miex", "--event", "order.shipped", "--to", &server.uri(), "--secret-file", &secret],
        &dir,
    )
    .await
    .expect(2);
    assert!(run.stdout.is_empty());
    let error = run.error_line();
    assert!(error.contains("unknown event `order.shipped` for miex"), "{error}");
    assert!(error.contains("order.created, order.status_changed, order.cancelled, offer.updated"), "{error}");
    // Without a key either: no throwaway key is made for a refused command.
    let run = trigger(&["--provider", "chip", "--event", "purchase.shipped", "--to", &server.uri()], &dir).await;
    run.expect(2);
    // Usage errors: a key of the wrong kind, a URL that is not http(s), no --to.
    let run = trigger(
        &["--provider", "chip", "--event", "purchase.paid", "--to", &server.uri(), "--secret-file", &secret],
        &dir,
    )
    .await
    .expect(2);
    assert!(run.error_line().contains("--private-key"), "{}", run.stderr);
    let run = trigger(
        &["--provider", "miex", "--event", "order.created", "--to", "ftp://x/", "--secret-file", &secret],
        &dir,
    )
    .await
    .expect(2);
    assert!(run.error_line().contains("http or https"), "{}", run.stderr);
    trigger(&["--provider", "miex", "--event", "order.created"], &dir).await.expect(2);
    server.verify().await;
}

#[tokio::test]
async fn chip_deliveries_signed_with_a_private_key_verify_with_its_public_key() {
    let dir = TempDir::new();
    let public = fixture("keys/rsa2048-public-spki.pem");
    let private = fixture("keys/rsa2048-private.pem");
    let mut listen = Listener::start(&["--provider", "chip", "--public-key", &public]).await;
    for (event, kind) in [("purchase.paid", "purchase"), ("payment.refunded", "payment"), ("payout.success", "payout")]
    {
        let run =
            trigger(&["--provider", "chip", "--event", event, "--to", &listen.url, "--private-key", &private], &dir)
                .await
                .expect(0);
        let (status, what) = result_line(&run);
        assert_eq!(status, "200 OK");
        assert!(what.starts_with(&format!("chip {event}, to ")), "CHIP sends no delivery id: {what}");
        let got = listen.delivery().await;
        assert_eq!(got["event_type"], event);
        assert_eq!(got["subject"]["kind"], kind);
        assert_eq!(got["key_id"], public.as_str());
        assert_eq!(got["payload"]["event_type"], event);
    }
    // Twice the same event: a fresh object id, handled again.
    for _ in 0..2 {
        trigger(
            &["--provider", "chip", "--event", "purchase.paid", "--to", &listen.url, "--private-key", &private],
            &dir,
        )
        .await
        .expect(0);
        assert_eq!(listen.delivery().await["event_type"], "purchase.paid");
    }
    // Another key: 401.
    let other = fixture("keys/rsa4096-private.pem");
    let run = trigger(
        &["--provider", "chip", "--event", "purchase.paid", "--to", &listen.url, "--private-key", &other],
        &dir,
    )
    .await
    .expect(1);
    assert_eq!(result_line(&run).0, "401 Unauthorized");
    listen.stop().await;
}

#[tokio::test]
async fn the_other_presets_reach_their_receivers() {
    let dir = TempDir::new();
    let secret = dir.file("secret", "whsec_trigger_test_secret\n");
    let public = fixture("keys/rsa2048-public-spki.pem");
    let private = fixture("keys/rsa2048-private.pem");
    let cases: [(&str, &str, &str, &str, &str); 7] = [
        ("bitnob", "--secret-file", "--secret-file", "transaction.confirmed", "transaction.confirmed"),
        ("bitnob-legacy", "--secret-file", "--secret-file", "wallet.created", "wallet.created"),
        ("abbeycross", "--secret-file", "--secret-file", "trade.settled", "trade.settled"),
        ("stripe", "--secret-file", "--secret-file", "invoice.paid", "invoice.paid"),
        ("github", "--secret-file", "--secret-file", "push", "push"),
        ("chip-send", "--public-key", "--private-key", "send_instruction.completed", "send_instruction.completed"),
        ("blaze", "--secret-file", "--secret-file", "NEW_MEMBER", "NEW_MEMBER"),
    ];
    let token = dir.file("token", "a-blaze-url-token-of-sufficient-length\n");
    for (provider, listen_flag, trigger_flag, event, expected) in cases {
        let (listen_key, trigger_key) = match (provider, listen_flag) {
            ("blaze", _) => (token.as_str(), token.as_str()),
            (_, "--public-key") => (public.as_str(), private.as_str()),
            _ => (secret.as_str(), secret.as_str()),
        };
        let mut listen = Listener::start(&["--provider", provider, listen_flag, listen_key]).await;
        let to = format!("{}/hooks/{provider}", listen.url);
        let run = trigger(&["--provider", provider, "--event", event, "--to", &to, trigger_flag, trigger_key], &dir)
            .await
            .expect(0);
        assert_eq!(result_line(&run).0, "200 OK", "{provider}");
        let got = listen.delivery().await;
        assert_eq!(got["event_type"], expected, "{provider}");
        listen.stop().await;
    }
}

#[tokio::test]
async fn throwaway_keys_are_printed_kept_and_start_the_receiver() {
    let keys = TempDir::new();
    let dir = TempDir::new();
    // Nothing listens on port 1: the first trigger fails (exit 1) but prints its key.
    for (provider, event, what, listen_flag) in [
        ("bitnob", "transaction.confirmed", "signing secret", "--secret-file"),
        ("chip", "purchase.paid", "public key", "--public-key"),
        ("blaze", "UPDATE_PRODUCT", "URL token", "--secret-file"),
    ] {
        let first =
            trigger(&["--provider", provider, "--event", event, "--to", "http://127.0.0.1:1/"], &keys).await.expect(1);
        assert!(first.stdout.is_empty(), "{provider}: no answer, no result line");
        assert!(first.stderr.contains("error: no answer from http://127.0.0.1:1/"), "{}", first.stderr);
        assert!(first.stderr.contains("(no key given; new, kept in "), "{}", first.stderr);
        let printed = printed_key(&first.stderr, what);
        if what == "public key" {
            assert!(printed.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{printed}");
            assert!(!first.stderr.contains("PRIVATE KEY"), "the private half is never printed");
        }
        // Start the receiver with what was printed; the next trigger reuses the kept key.
        let file = dir.file(&format!("{provider}.key"), &printed);
        let mut listen = Listener::start(&["--provider", provider, listen_flag, &file]).await;
        let to = format!("{}/hooks", listen.url);
        let second = trigger(&["--provider", provider, "--event", event, "--to", &to], &keys).await.expect(0);
        assert_eq!(result_line(&second).0, "200 OK", "{provider}");
        assert_eq!(printed_key(&second.stderr, what), printed, "{provider}: the kept key is reused");
        assert!(second.stderr.contains("(no key given; kept in "), "{}", second.stderr);
        assert_eq!(listen.delivery().await["event_type"], event);
        if provider == "blaze" {
            // A URL that already carries the token is sent as it is; both at once is a usage error.
            let with_token = format!("{to}?hb_token={printed}");
            trigger(&["--provider", "blaze", "--event", event, "--to", &with_token], &keys).await.expect(0);
            assert_eq!(listen.delivery().await["event_type"], event);
            let token_file = dir.file("t", &printed);
            trigger(
                &["--provider", "blaze", "--event", event, "--to", &with_token, "--secret-file", &token_file],
                &keys,
            )
            .await
            .expect(2);
        }
        listen.stop().await;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let kept_dir = std::path::Path::new(keys.path());
        for name in ["bitnob.secret", "chip-private.pem", "blaze.token"] {
            let mode = std::fs::metadata(kept_dir.join(name)).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{name} is readable by its owner only ({mode:o})");
        }
    }
}

#[tokio::test]
async fn a_slow_or_failing_receiver_exits_1() {
    let dir = TempDir::new();
    let secret = dir.file("s", "secret");
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_string("down for\nmaintenance"))
        .mount(&server)
        .await;
    let uri = server.uri();
    let github = |timeout: &'static str| {
        [
            "--provider",
            "github",
            "--event",
            "ping",
            "--secret-file",
            secret.as_str(),
            "--timeout",
            timeout,
            "--to",
            uri.as_str(),
        ]
    };
    let run = trigger(&github("300ms"), &dir).await.expect(1);
    assert!(run.stdout.is_empty());
    assert!(run.error_line().contains("no answer within 300 ms"), "{}", run.stderr);
    let run = trigger(&github("10"), &dir).await.expect(1);
    assert_eq!(result_line(&run).0, "503 Service Unavailable");
    assert_eq!(run.error_line(), "error: the receiver answered 503 Service Unavailable: down for maintenance");
    // What the receiver got: GitHub's headers, signed.
    let requests = server.received_requests().await.unwrap();
    let last = requests.last().unwrap();
    assert_eq!(last.headers.get("x-github-event").unwrap(), "ping");
    assert!(last.headers.get("x-hub-signature-256").unwrap().to_str().unwrap().starts_with("sha256="));
    assert!(last.headers.get("x-github-delivery").is_some());
    assert_eq!(last.headers.get("content-type").unwrap(), "application/json");
}
