//! Running the binary, temporary files, fixtures.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::AsyncWriteExt as _;
use tokio::process::Command;

/// Every credential variable the CLI reads: removed from the child's environment unless a test
/// sets it, so the tests never see a developer's real keys.
pub(crate) const CREDENTIAL_VARS: [&str; 9] = [
    "MIEX_API_KEY",
    "BLAZE_PARTNER_KEY",
    "BLAZE_DEVELOPER_KEY",
    "BITNOB_API_KEY",
    "BITNOB_CLIENT_ID",
    "BITNOB_SECRET_KEY",
    "ABBEYCROSS_API_TOKEN",
    "CHIP_API_KEY",
    "STRIPE_API_KEY",
];

/// The variables that decide whether output is coloured: removed from the child's environment
/// unless a test sets them, so every run writes to a pipe with the defaults.
pub(crate) const COLOUR_VARS: [&str; 3] = ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"];

/// What a run of the binary produced.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub(crate) fn expect(self, code: i32) -> Self {
        assert_eq!(self.code, code, "exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// The single error line on stderr.
    #[track_caller]
    pub(crate) fn error_line(&self) -> &str {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "expected one stderr line, got:\n{}", self.stderr);
        assert!(lines[0].starts_with("error: "), "{}", lines[0]);
        lines[0]
    }
}

/// The binary under test, with a clean credential environment.
pub(crate) fn command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hookbridge"));
    for var in CREDENTIAL_VARS.iter().chain(&COLOUR_VARS) {
        cmd.env_remove(var);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost").env("no_proxy", "127.0.0.1,localhost");
    cmd.kill_on_drop(true);
    cmd
}

/// Runs the binary with `args` and `env`, feeding `stdin` (or nothing). Its stdout is a pipe, so
/// — unless the test forces colour with `CLICOLOR_FORCE` — it must hold no escape code.
pub(crate) async fn run_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut cmd = command();
    cmd.args(args).envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(input).await.unwrap();
        drop(pipe);
    }
    let out = child.wait_with_output().await.unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    if !env.iter().any(|(k, _)| *k == "CLICOLOR_FORCE") {
        assert!(!run.stdout.contains('\u{1b}'), "{args:?}: escape codes in piped output:\n{:?}", run.stdout);
    }
    run
}

/// Runs the binary with `args`.
pub(crate) async fn run(args: &[&str]) -> Run {
    run_with(args, &[], None).await
}

/// A directory removed when dropped.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "hookbridge-cli-it-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// The directory, as a string.
    pub(crate) fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// Writes `name` and returns its path as a string.
    pub(crate) fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A path in the repository's `crates/hookbridge-testkit/data/`.
pub(crate) fn fixture(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hookbridge-testkit/data").join(rel);
    assert!(path.exists(), "{}", path.display());
    path.to_str().unwrap().to_owned()
}

/// A reqwest client that ignores proxies (everything is on loopback).
pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}
