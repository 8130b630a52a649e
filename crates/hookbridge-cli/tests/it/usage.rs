//! Exit codes and one-line errors: 2 for usage, 1 for failures.

use crate::common::{TempDir, run, run_with};

#[tokio::test]
async fn clap_usage_errors_exit_2() {
    for args in [
        vec!["verify", "--provider", "nope"],
        vec!["verify"],
        vec!["endpoints", "list"],
        vec!["endpoints", "explode", "--provider", "chip"],
        vec!["verify", "--provider", "miex", "--output", "xml"],
        vec!["listen", "--provider", "miex", "--forward", "http://127.0.0.1:1/"],
        vec!["no-such-command"],
    ] {
        let out = run(&args).await;
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.starts_with("error:"), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
}

#[tokio::test]
async fn help_and_version_exit_0() {
    let out = run(&["--help"]).await.expect(0);
    for cmd in ["tour", "verify", "sign", "listen", "endpoints", "events", "event-types", "public-key"] {
        assert!(out.stdout.contains(cmd), "{cmd}");
    }
    let out = run(&["--version"]).await.expect(0);
    assert!(out.stdout.starts_with("hookbridge "));
}

#[tokio::test]
async fn our_own_usage_errors_exit_2_with_one_line() {
    let dir = TempDir::new();
    let body = dir.file("body.json", br#"{"event":"order.created"}"#);
    // No key.
    let out = run(&["verify", "--provider", "miex", "--body", &body]).await.expect(2);
    assert!(out.error_line().contains("--secret"), "{}", out.stderr);
    // Malformed header.
    let out = run(&["verify", "--provider", "miex", "--secret", "s", "-H", "no colon here", "--body", &body]).await;
    out.expect(2).error_line();
    // Unreadable body file and key file.
    let out = run(&["verify", "--provider", "miex", "--secret", "s", "--body", "/nonexistent/body"]).await.expect(2);
    assert!(out.error_line().contains("--body"));
    let out = run(&["verify", "--provider", "chip", "--public-key", "/nonexistent.pem", "--body", &body]).await;
    assert!(out.expect(2).error_line().contains("--public-key"));
    // A secret where a public key is expected, and vice versa.
    run(&["verify", "--provider", "chip", "--secret", "s", "--body", &body]).await.expect(2).error_line();
    // Sign: blaze is unsigned, chip needs a private key.
    run_with(&["sign", "--provider", "blaze", "--secret", "t"], &[], Some(b"{}")).await.expect(2).error_line();
    run_with(&["sign", "--provider", "chip"], &[], Some(b"{}")).await.expect(2).error_line();
    // MIEX and AbbeyCross have no default host.
    let out =
        run_with(&["endpoints", "create", "--provider", "miex", "--url", "https://x"], &[("MIEX_API_KEY", "k")], None)
            .await;
    assert!(out.expect(2).error_line().contains("--base-url"));
}

#[tokio::test]
async fn missing_or_malformed_credentials_are_never_echoed() {
    let out = run(&["endpoints", "list", "--provider", "chip"]).await.expect(2);
    assert!(out.error_line().contains("CHIP_API_KEY"), "{}", out.stderr);
    let secret = "sk_bogus_SUPERSECRETVALUE1234567890";
    let out = run_with(
        &["endpoints", "create", "--provider", "miex", "--base-url", "http://127.0.0.1:9/api/v1", "--url", "https://x"],
        &[("MIEX_API_KEY", secret)],
        None,
    )
    .await
    .expect(2);
    let line = out.error_line();
    assert!(line.contains("api_key"), "{line}");
    assert!(!out.stderr.contains("SUPERSECRET") && !out.stdout.contains("SUPERSECRET"), "{}", out.stderr);
    // Given as a flag, it is not echoed either.
    let out = run(&[
        "endpoints",
        "create",
        "--provider",
        "miex",
        "--base-url",
        "http://127.0.0.1:9/api/v1",
        "--url",
        "https://x",
        "--api-key",
        secret,
    ])
    .await
    .expect(2);
    assert!(!out.stderr.contains("SUPERSECRET"));
}

#[tokio::test]
async fn completions_and_man_page() {
    let bash = crate::common::run(&["completions", "bash"]).await.expect(0);
    assert!(bash.stdout.contains("_hookbridge()") && bash.stdout.contains("listen"), "{}", bash.stdout);
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        assert!(!crate::common::run(&["completions", shell]).await.expect(0).stdout.is_empty(), "{shell}");
    }
    assert_eq!(crate::common::run(&["completions", "tcsh"]).await.code, 2);
    let man = crate::common::run(&["man"]).await.expect(0);
    assert!(man.stdout.contains(".TH hookbridge 1"), "{}", man.stdout);
    assert!(man.stdout.contains("listen"), "the man page lists the commands");
}

#[tokio::test]
async fn a_client_option_takes_only_its_declared_values() {
    let out = run(&["endpoints", "list", "--provider", "bitnob", "--signing-scheme", "sha1"]).await;
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
    assert!(out.stderr.contains("[possible values: colon-separated-hex, concatenated-base64]"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    // Every subcommand with connection flags takes it.
    let out = run(&["events", "list", "--help"]).await.expect(0);
    assert!(out.stdout.contains("--signing-scheme <VARIANT>"), "{}", out.stdout);
    assert!(out.stdout.contains("[default: colon-separated-hex]"), "{}", out.stdout);
}
