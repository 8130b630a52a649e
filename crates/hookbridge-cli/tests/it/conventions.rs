//! Command-line conventions: each `endpoints` / `events` action is a subcommand with its own
//! flags, credentials come through clap's `env` (shown in `--help` by name, never by value), and
//! tables are coloured only where colour is wanted.

use hookbridge_testkit::{BitnobSim, BlazeSim, ChipSim};

use crate::common::{CREDENTIAL_VARS, Run, run, run_with};

/// Every management subcommand, as it is invoked.
const MANAGEMENT: [&[&str]; 10] = [
    &["endpoints", "list"],
    &["endpoints", "create"],
    &["endpoints", "get"],
    &["endpoints", "update"],
    &["endpoints", "delete"],
    &["endpoints", "rotate-secret"],
    &["events", "list"],
    &["events", "get"],
    &["events", "retry"],
    &["event-types"],
];

/// A clap usage error: exit 2, `error:` first, the usage after it, nothing on stdout.
#[track_caller]
fn assert_clap_error(out: &Run, mentions: &str) {
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.starts_with("error:"), "{}", out.stderr);
    assert!(out.stderr.contains("Usage: hookbridge"), "{}", out.stderr);
    assert!(out.stderr.contains(mentions), "{mentions} in {}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[tokio::test]
async fn each_action_takes_only_its_own_flags() {
    // Required flags are clap's: nothing is sent, the usage is shown.
    for args in [
        &["endpoints", "get", "--provider", "chip"][..],
        &["endpoints", "update", "--provider", "chip", "--name", "n"],
        &["endpoints", "delete", "--provider", "chip"],
        &["endpoints", "rotate-secret", "--provider", "bitnob"],
        &["events", "get"],
        &["events", "retry", "--provider", "bitnob"],
    ] {
        assert_clap_error(&run(args).await, "--id <ID>");
    }
    assert_clap_error(&run(&["endpoints", "create", "--provider", "chip", "--title", "t"]).await, "--url <URL>");
    assert_clap_error(&run(&["endpoints", "get", "--id", "x"]).await, "--provider <PROVIDER>");
    // A flag of another action is refused instead of ignored.
    for (args, flag) in [
        (&["endpoints", "list", "--provider", "chip", "--id", "x"][..], "--id"),
        (&["endpoints", "list", "--provider", "chip", "--url", "https://x"], "--url"),
        (&["endpoints", "get", "--provider", "chip", "--id", "x", "--event", "e"], "--event"),
        (&["endpoints", "delete", "--provider", "chip", "--id", "x", "--max-pages", "2"], "--max-pages"),
        (&["events", "get", "--id", "x", "--status", "failed"], "--status"),
        (&["events", "list", "--id", "x"], "--id"),
    ] {
        assert_clap_error(&run(args).await, &format!("unexpected argument '{flag}'"));
    }
    // Each action's help lists its own flags and the shared ones.
    let help = run(&["endpoints", "list", "--help"]).await.expect(0).stdout;
    for flag in ["--provider", "--shop-id", "--max-pages", "--base-url", "--api-key", "--output"] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
    for flag in ["--id", "--url", "--event", "--all-events"] {
        assert!(!help.contains(&format!("{flag} ")), "{flag} in {help}");
    }
    let help = run(&["endpoints", "create", "--help"]).await.expect(0).stdout;
    for flag in ["--url <URL>", "--event", "--all-events", "--name", "--title", "--shop-id", "--allow-insecure-urls"] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
    assert!(!help.contains("--id ") && !help.contains("--max-pages"), "{help}");
    let help = run(&["endpoints", "--help"]).await.expect(0).stdout;
    for action in ["list", "create", "get", "update", "delete", "rotate-secret"] {
        assert!(help.contains(action), "{action} in {help}");
    }
}

#[tokio::test]
async fn help_names_every_credential_variable_and_never_its_value() {
    let values: Vec<(&str, String)> =
        CREDENTIAL_VARS.iter().map(|var| (*var, format!("VALUE-OF-{var}-{}", std::process::id()))).collect();
    let env: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut pages = Vec::new();
    for cmd in MANAGEMENT.iter().chain([&["public-key"][..]].iter()) {
        let mut args = cmd.to_vec();
        args.push("--help");
        pages.push((args.join(" "), run_with(&args, &env, None).await.expect(0).stdout));
    }
    for (cmd, help) in &pages {
        for var in CREDENTIAL_VARS {
            assert!(help.contains(&format!("[env: {var}]")), "{cmd}: {var} in\n{help}");
        }
        assert!(help.contains("Credentials:"), "{cmd}: {help}");
    }
    let man = run_with(&["man"], &env, None).await.expect(0).stdout;
    let completions = run_with(&["completions", "bash"], &env, None).await.expect(0).stdout;
    for text in pages.iter().map(|(_, h)| h).chain([&man, &completions]) {
        for (var, value) in &values {
            assert!(!text.contains(value.as_str()), "the value of {var} is shown");
        }
    }
}

#[tokio::test]
async fn credentials_come_from_flags_over_the_environment() {
    let sim = ChipSim::start().await.unwrap();
    let base = sim.base_url();
    let key = sim.secret_key();
    let list = ["endpoints", "list", "--provider", "chip", "--base-url", &base, "--output", "json"];
    let wrong = [("CHIP_API_KEY", "wrong-key-from-env")];
    // The environment alone: used (and here refused by the API).
    let out = run_with(&list, &wrong, None).await.expect(1);
    assert!(out.error_line().contains("401"), "{}", out.stderr);
    run_with(&list, &[("CHIP_API_KEY", key)], None).await.expect(0);
    // The provider's flag beats its variable; the generic --api-key beats both.
    let mut args = list.to_vec();
    args.extend(["--chip-api-key", key]);
    run_with(&args, &wrong, None).await.expect(0);
    let mut args = list.to_vec();
    args.extend(["--chip-api-key", "wrong-key-from-flag", "--api-key", key]);
    run_with(&args, &wrong, None).await.expect(0);
    // An empty variable counts as unset.
    let out = run_with(&list, &[("CHIP_API_KEY", "")], None).await.expect(2);
    assert!(out.error_line().contains("CHIP_API_KEY"), "{}", out.stderr);

    // BLAZE: both keys, each from its own flag or variable; --developer-key overrides.
    let blaze = BlazeSim::start().await.unwrap();
    let blaze_base = blaze.base_url();
    let list = ["endpoints", "list", "--provider", "blaze", "--base-url", &blaze_base];
    let mut args = list.to_vec();
    args.extend(["--blaze-partner-key", blaze.partner_key()]);
    run_with(&args, &[("BLAZE_DEVELOPER_KEY", blaze.developer_key())], None).await.expect(0);
    args.extend(["--developer-key", blaze.developer_key()]);
    run_with(&args, &[("BLAZE_DEVELOPER_KEY", "wrong")], None).await.expect(0);

    // Bitnob: the client id and secret key from their flags sign requests, without a note.
    let bitnob = BitnobSim::start().await.unwrap();
    let bitnob_base = bitnob.base_url();
    let out = run_with(
        &[
            "endpoints",
            "list",
            "--provider",
            "bitnob",
            "--base-url",
            &bitnob_base,
            "--bitnob-client-id",
            bitnob.client_id(),
            "--bitnob-secret-key",
            bitnob.client_secret(),
        ],
        &[],
        None,
    )
    .await
    .expect(0);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    // --client-id overrides --bitnob-client-id.
    let out = run_with(
        &[
            "events",
            "list",
            "--base-url",
            &bitnob_base,
            "--bitnob-client-id",
            "not-the-client",
            "--client-id",
            bitnob.client_id(),
        ],
        &[("BITNOB_SECRET_KEY", bitnob.client_secret())],
        None,
    )
    .await;
    out.expect(0);
}

#[tokio::test]
async fn a_missing_credential_names_its_variable() {
    for (provider, vars, env) in [
        ("miex", &["MIEX_API_KEY"][..], &[][..]),
        ("abbeycross", &["ABBEYCROSS_API_TOKEN"], &[]),
        ("chip", &["CHIP_API_KEY"], &[]),
        ("blaze", &["BLAZE_PARTNER_KEY"], &[]),
        ("blaze", &["BLAZE_DEVELOPER_KEY"], &[("BLAZE_PARTNER_KEY", "pk")]),
        ("bitnob", &["BITNOB_CLIENT_ID", "BITNOB_SECRET_KEY", "BITNOB_API_KEY"], &[]),
    ] {
        let out = run_with(
            &["endpoints", "create", "--provider", provider, "--base-url", "http://127.0.0.1:9/", "--url", "https://x"],
            env,
            None,
        )
        .await
        .expect(2);
        let line = out.error_line();
        for var in vars {
            assert!(line.contains(var), "{provider}: {var} in {line}");
        }
    }
}

#[tokio::test]
async fn tables_are_coloured_only_when_colour_is_wanted() {
    let sim = BlazeSim::start().await.unwrap();
    let base = sim.base_url();
    let env = [("BLAZE_PARTNER_KEY", sim.partner_key()), ("BLAZE_DEVELOPER_KEY", sim.developer_key())];
    let create = ["endpoints", "create", "--provider", "blaze", "--base-url", &base, "--url", "https://example.com/b"];
    run_with(&create, &env, None).await.expect(0);
    let list = ["endpoints", "list", "--provider", "blaze", "--base-url", &base];
    // Piped (every other test checks this too): plain.
    let plain = run_with(&list, &env, None).await.expect(0).stdout;
    assert!(plain.starts_with("provider"), "{plain}");

    // CLICOLOR_FORCE: styled headers and status, the same text and alignment once stripped.
    let forced_env = [env[0], env[1], ("CLICOLOR_FORCE", "1")];
    let forced = run_with(&list, &forced_env, None).await.expect(0).stdout;
    assert!(forced.starts_with("\u{1b}["), "{forced:?}");
    assert!(forced.contains("\u{1b}[32mactive"), "a green status: {forced:?}");
    assert_eq!(strip(&forced), plain);
    // JSON is never styled.
    let mut json = list.to_vec();
    json.extend(["--output", "json"]);
    assert!(!run_with(&json, &forced_env, None).await.expect(0).stdout.contains('\u{1b}'));
    // NO_COLOR (non-empty) wins over CLICOLOR_FORCE; an empty NO_COLOR does not count.
    let out = run_with(&list, &[env[0], env[1], ("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], None).await.expect(0);
    assert_eq!(out.stdout, plain);
    let out = run_with(&list, &[env[0], env[1], ("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")], None).await.expect(0);
    assert!(out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
}

/// `text` without its ANSI escape sequences (CSI ... final byte).
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
