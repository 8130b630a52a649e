//! # hookbridge-cli
//!
//! The `hookbridge` command line. Everything it does is built on the hookbridge crates, so each
//! command is also a worked example of them:
//!
//! | command | what it does | built on |
//! |---|---|---|
//! | `hookbridge tour` | starts every registered provider's simulator in-process, registers an endpoint on each through `Box<dyn Webhook>`, has each send a signed delivery to a local receiver that verifies and normalises it, rotates a secret, prints a report | `hookbridge-testkit`, the registry (descriptors, presets) |
//! | `hookbridge verify` | verifies one delivery (body + headers) with a preset and prints what was verified | `hookbridge-verify`, the provider receivers |
//! | `hookbridge sign` | prints the headers a sender would add to a body | `hookbridge_verify::sign` |
//! | `hookbridge listen` | a local receiver that verifies every delivery, prints it as a JSON line, and can forward it re-signed as Standard Webhooks | axum, the receivers |
//! | `hookbridge trigger` | sends one realistic, freshly signed delivery of an event to a receiver (the development loop with `listen`) | `hookbridge-testkit`'s delivery builders |
//! | `hookbridge listen --inbox URL` | the same receiver, storing each verified delivery in the durable inbox before answering | `hookbridge-inbox` |
//! | `hookbridge inbox work`, `list`, `show`, `retry`, `purge` | workers forwarding stored deliveries to the application with retries; operating the inbox | `hookbridge-inbox` |
//! | `hookbridge endpoints list`, `create`, `get`, `update`, `delete`, `rotate-secret` | endpoint management through the unified trait; credentials from the environment ([`credentials`]), client options from the descriptors ([`options`]) | the registry's descriptors |
//! | `hookbridge events list`, `get`, `retry`; `event-types` | Bitnob's delivery events and event catalogue | `hookbridge-bitnob` |
//! | `hookbridge public-key` | CHIP's company public key | `hookbridge-chip` |
//!
//! Every command and flag is described in `docs/cli.md`.
//!
//! ## Exit codes
//!
//! * `0` — success (for `verify`: the delivery verified; for `tour`: every step succeeded);
//! * `1` — the operation failed: a delivery that does not verify, an API error, an operation the
//!   provider does not support, a tour step that failed;
//! * `2` — usage: a malformed command line (clap's own code), a missing key or credential, an
//!   unreadable input file, input the provider's client refuses before sending.
//!
//! Errors are one line on stderr (`error: ...`). Credentials (API keys, signing secrets) are never
//! printed, except a signing secret a provider reveals on create / rotate, which is printed once
//! and labelled — it is the only way to get it.
//!
//! ## As a library
//!
//! The binary is a thin `main` over this crate: [`cli::Cli`] is the clap definition and [`run`]
//! executes it. The modules are usable on their own, for example the presets:
//!
//! ```
//! use hookbridge_cli::presets::{KeyMaterial, Preset, Receiver, ReceiverSettings};
//! use hookbridge_verify::{HmacSecret, sign::HmacSigner};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = vec![KeyMaterial::secret("secret-1", "miex secretKey")];
//! let miex = Preset::find("miex").ok_or("not registered")?;
//! let receiver = Receiver::for_preset(miex, &keys, &ReceiverSettings::default())?;
//!
//! let body = br#"{"event":"order.created","data":{"id":1284}}"#;
//! let signer = HmacSigner::new(hookbridge_miex::delivery_scheme(), HmacSecret::from_str_bytes("miex secretKey")?);
//! let headers = signer.sign(body, 0, Some("job-7"))?;
//!
//! let view = receiver.check(&"/".parse()?, body, &headers, 0).await.map_err(|r| r.reason)?;
//! let delivery = view.delivery;
//! assert_eq!(delivery.event_type.as_ref().map(|e| e.as_str()), Some("order.created"));
//! assert_eq!(delivery.delivery_id.as_deref(), Some("job-7"));
//! assert_eq!(delivery.key_id.as_deref(), Some("secret-1"));
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

use std::fmt;
use std::io::Write;
use std::process::ExitCode;

pub mod cli;
pub mod credentials;
pub mod endpoints;
pub mod inbox_cmd;
pub mod listen;
pub mod options;
pub mod output;
pub mod presets;
pub mod sign_cmd;
pub mod tour;
pub mod trigger;
pub mod verify_cmd;

/// Why a command failed, and so which exit code it ends with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CliError {
    /// The command line cannot be carried out as given (exit code 2): a missing key or
    /// credential, an unreadable file, a malformed header, input the client refuses.
    Usage(String),
    /// The operation was carried out and failed (exit code 1): verification failed, the API
    /// answered an error, the provider does not support the operation.
    Failed(String),
}

impl CliError {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage(message.into())
    }

    /// An operation failure.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }

    /// The process exit code: 2 for usage errors, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) => 2,
            Self::Failed(_) => 1,
        }
    }

    /// The message, without the `error:` prefix. Always a single line.
    pub fn message(&self) -> &str {
        match self {
            Self::Usage(m) | Self::Failed(m) => m,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&one_line(self.message()))
    }
}

impl std::error::Error for CliError {}

impl From<hookbridge_core::Error> for CliError {
    /// Input refused before sending is a usage error; everything else (unsupported operation,
    /// transport, API, decode) is a failure. Core errors never contain a credential.
    fn from(err: hookbridge_core::Error) -> Self {
        let message = error_chain(&err);
        if err.is_invalid_input() { Self::Usage(message) } else { Self::Failed(message) }
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        Self::Failed(format!("cannot write output: {err}"))
    }
}

/// `err` and its sources joined with `: `, on one line.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    one_line(&message)
}

/// Collapses line breaks so that an error is always one line.
fn one_line(message: &str) -> String {
    if message.contains(['\n', '\r']) {
        message.split(['\n', '\r']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
    } else {
        message.to_owned()
    }
}

/// Installs the stderr logger for `-v` / `-vv`: hookbridge's spans and events at debug (trace
/// with `-vv`), each request span printed when it closes with its fields. ANSI colour only on a
/// terminal and without `NO_COLOR`.
fn init_logging(verbose: u8) {
    use std::io::IsTerminal as _;
    if verbose == 0 {
        return;
    }
    let level = if verbose >= 2 { "trace" } else { "debug" };
    let filter = tracing_subscriber::EnvFilter::new(format!(
        "warn,hookbridge={level},hookbridge_core={level},hookbridge_verify={level},hookbridge_inbox={level}"
    ));
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .try_init();
}

/// Runs a parsed command line and returns the process exit code. Output goes to stdout, errors
/// (one line, `error: ...`) and progress to stderr.
pub fn run(cli: cli::Cli) -> ExitCode {
    init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(execute(cli));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            let _ = std::io::stdout().flush();
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}

/// Executes a command, writing its output to stdout. Returns the exit code of a command that
/// completed (0, or 1 for a tour with a failed step).
///
/// Output goes through an [`anstream::AutoStream`]: the styles of tables (headers, status
/// columns) reach a terminal, and are dropped when stdout is piped or redirected, or when
/// `NO_COLOR` is set to a non-empty value (`CLICOLOR_FORCE` keeps them even in a pipe;
/// `NO_COLOR` wins over it). Completion scripts and the man page are written unfiltered.
pub async fn execute(cli: cli::Cli) -> Result<u8, CliError> {
    let mut out = anstream::AutoStream::auto(std::io::stdout()).lock();
    let verbose = cli.verbose;
    match cli.command {
        cli::Command::Tour(args) => tour::run(&args, &mut out).await.map(|ok| if ok { 0 } else { 1 }),
        cli::Command::Verify(args) => verify_cmd::run(&args, &mut out).await.map(|()| 0),
        cli::Command::Sign(args) => sign_cmd::run(&args, &mut out).map(|()| 0),
        cli::Command::Listen(args) => {
            drop(out);
            listen::run(&args).await.map(|()| 0)
        }
        cli::Command::Trigger(args) => trigger::run(&args, verbose, &mut out).await.map(|()| 0),
        cli::Command::Inbox(args) => {
            if matches!(args.command, cli::InboxCommand::Work(_)) {
                drop(out);
                let mut sink = std::io::sink();
                return inbox_cmd::run(&args, &mut sink).await.map(|()| 0);
            }
            inbox_cmd::run(&args, &mut out).await.map(|()| 0)
        }
        cli::Command::Endpoints(args) => endpoints::run_endpoints(&args, &mut out).await.map(|()| 0),
        cli::Command::Events(args) => endpoints::run_events(&args, &mut out).await.map(|()| 0),
        cli::Command::EventTypes(args) => endpoints::run_event_types(&args, &mut out).await.map(|()| 0),
        cli::Command::PublicKey(args) => endpoints::run_public_key(&args, &mut out).await.map(|()| 0),
        cli::Command::Completions(args) => {
            let mut raw = out.into_inner();
            let mut command = <cli::Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "hookbridge", &mut raw);
            Ok(0)
        }
        cli::Command::Man => {
            let mut raw = out.into_inner();
            let command = <cli::Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(command)
                .render(&mut raw)
                .map_err(|e| CliError::failed(format!("cannot write the man page: {e}")))?;
            Ok(0)
        }
    }
}

/// A provider's display name, from the registry (the id itself for an unregistered one).
pub(crate) fn display_name(provider: hookbridge_core::ProviderId) -> &'static str {
    hookbridge_adapters::registry::display_name(provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        assert_eq!(CliError::usage("x").exit_code(), 2);
        assert_eq!(CliError::failed("x").exit_code(), 1);
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(CliError::failed("a\nb\r\n c").to_string(), "a b c");
    }

    #[test]
    fn core_errors_map_by_phase() {
        let invalid: hookbridge_core::Error = hookbridge_core::InvalidInput::new("url", "bad").into();
        assert!(matches!(CliError::from(invalid), CliError::Usage(_)));
        let unsupported: hookbridge_core::Error =
            hookbridge_core::Unsupported::new(hookbridge_miex::PROVIDER, hookbridge_core::Operation::List).into();
        assert_eq!(CliError::from(unsupported), CliError::failed("miex does not support `list`"));
    }
}
