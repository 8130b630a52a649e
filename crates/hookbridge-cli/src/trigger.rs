//! `hookbridge trigger`: send one realistic, freshly signed delivery, as a provider would send
//! it, to a receiver — the development loop (`hookbridge listen` or your application on one
//! side, `hookbridge trigger` on the other).
//!
//! The delivery is built by [`hookbridge_testkit::deliveries`]: the provider's envelope with
//! fresh ids and the current time (so a receiver's replay protection never takes a second
//! trigger for a replay of the first), signed with the given key — or, without one, with a
//! throwaway key printed on stderr so that the receiver can be started with it (CHIP: its
//! public half). The throwaway key is kept in [`key_dir`] (owner-only files) and reused by the
//! next triggers of the provider, so a receiver started with it keeps accepting them; delete
//! the file for a new one.
//!
//! * stdout: one line, the receiver's answer and the latency —
//!   `200 OK in 3.2 ms (miex order.created, delivery 417203998, to http://127.0.0.1:8787/)`;
//!   `--list`: the events, one per line.
//! * exit 0 when the receiver answered 2xx; 1 when it answered anything else (the line is
//!   printed, then `error: ...` with an excerpt of its answer) or did not answer; 2 for usage
//!   errors (an unknown event — nothing is sent —, an unreadable key file, a key of the wrong
//!   kind).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hookbridge_core::Secret;
use hookbridge_testkit::deliveries::{
    BuildOptions, DeliveryKey, KeyKind, ReceiverKey, SignedDelivery, Template, ThrowawayKey,
};

use crate::CliError;
use crate::cli::TriggerArgs;
use crate::presets::Preset;

/// The largest part of a non-2xx answer shown in the error.
const ANSWER_EXCERPT_CHARS: usize = 200;

/// The most of an answer read (the rest is not needed for an excerpt).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// `User-Agent` of triggered deliveries.
pub const TRIGGER_USER_AGENT: &str = concat!("hookbridge-trigger/", env!("CARGO_PKG_VERSION"));

/// The testkit's delivery template of a preset (by its name or an alias); `None` for the presets
/// `trigger` cannot send (no event catalogue).
pub fn template(preset: Preset) -> Option<Template> {
    Template::for_preset(preset.get())
}

fn template_of(preset: Preset) -> Result<Template, CliError> {
    template(preset).ok_or_else(|| {
        let supported: Vec<&str> = Preset::all().filter(|p| template(*p).is_some()).map(|p| p.name()).collect();
        CliError::usage(format!(
            "trigger cannot send `{}` deliveries: the scheme has no event catalogue (supported: {})",
            preset.name(),
            supported.join(", ")
        ))
    })
}

/// The event, if the provider can send it; otherwise a usage error listing the events.
fn checked_event(preset: Preset, template: Template, event: &str) -> Result<(), CliError> {
    if template.knows_event(event) {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "unknown event `{}` for {}: expected one of {} (hookbridge trigger --provider {} --list)",
        event.escape_debug(),
        preset.name(),
        template.events().join(", "),
        preset.name()
    )))
}

fn parse_url(text: &str) -> Result<reqwest::Url, CliError> {
    let url: reqwest::Url = text.parse().map_err(|e| CliError::usage(format!("--to: invalid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CliError::usage("--to must be an http or https URL"));
    }
    Ok(url)
}

/// A URL for messages: scheme, host, port and path; no user info or query (a BLAZE token
/// travels in the query).
fn shown_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    shown.to_string()
}

fn read_secret_file(path: &Path) -> Result<Secret, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read --secret-file {}: {e}", path.display())))?;
    Ok(Secret::new(text.trim_end_matches(['\r', '\n'])))
}

/// The environment variable naming the directory where throwaway keys are kept.
pub const KEY_DIR_VAR: &str = "HOOKBRIDGE_TRIGGER_KEY_DIR";

/// Where throwaway keys are kept: `$HOOKBRIDGE_TRIGGER_KEY_DIR`, else
/// `$XDG_STATE_HOME/hookbridge/trigger-keys`, else `~/.local/state/hookbridge/trigger-keys`
/// (Windows: `%LOCALAPPDATA%\hookbridge\trigger-keys`). Empty variables count as unset.
pub fn key_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var(KEY_DIR_VAR) {
        return Some(dir);
    }
    let state = var("XDG_STATE_HOME")
        .or_else(|| var("HOME").map(|home| home.join(".local").join("state")))
        .or_else(|| var("LOCALAPPDATA"))?;
    Some(state.join("hookbridge").join("trigger-keys"))
}

/// The file a template's throwaway key is kept in (what the sender signs with), and for RSA
/// the file of its public half (what the receiver verifies with).
fn key_files(dir: &Path, template: Template) -> (PathBuf, Option<PathBuf>) {
    let name = template.name();
    match template.key_kind() {
        KeyKind::RsaPrivateKey => {
            (dir.join(format!("{name}-private.pem")), Some(dir.join(format!("{name}-public.pem"))))
        }
        KeyKind::UrlToken => (dir.join(format!("{name}.token")), None),
        _ => (dir.join(format!("{name}.secret")), None),
    }
}

/// Writes `text` to a new file readable by its owner only (the directory too, when created).
fn write_private(path: &Path, text: &str, create_new: bool) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if create_new {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")
}

/// Where a throwaway key lives.
enum Keeping {
    /// Generated now and kept in the file.
    New(PathBuf, Option<PathBuf>),
    /// Read from the file, kept by an earlier trigger.
    Reused(PathBuf, Option<PathBuf>),
    /// Generated now, for this delivery only.
    NotKept(String),
}

/// The throwaway key of `template`: the one kept by an earlier trigger, else a new one, kept
/// for the next triggers (so a receiver started with it keeps accepting them).
fn throwaway(template: Template) -> Result<(ThrowawayKey, Keeping), CliError> {
    let generate = || {
        ThrowawayKey::generate(template)
            .map_err(|e| CliError::failed(format!("cannot generate a throwaway key: {}", crate::error_chain(&e))))
    };
    let Some(dir) = key_dir() else {
        return Ok((generate()?, Keeping::NotKept("no home directory to keep it in".to_owned())));
    };
    let (path, public_path) = key_files(&dir, template);
    for _ in 0..2 {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let key =
                    ThrowawayKey::from_sender_text(template, text.trim_end_matches(['\r', '\n'])).map_err(|e| {
                        CliError::usage(format!(
                            "the kept throwaway key {} is unusable ({}): delete it to generate a new one",
                            path.display(),
                            crate::error_chain(&e)
                        ))
                    })?;
                let public = keep_public(&key, public_path.as_deref())?;
                return Ok((key, Keeping::Reused(path, public)));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = generate()?;
                match write_private(&path, key.sender_text(), true) {
                    Ok(()) => {
                        let public = keep_public(&key, public_path.as_deref())?;
                        return Ok((key, Keeping::New(path, public)));
                    }
                    // Another trigger kept one meanwhile: use that one.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                    Err(e) => return Ok((key, Keeping::NotKept(format!("cannot write {}: {e}", path.display())))),
                }
            }
            Err(e) => {
                return Err(CliError::usage(format!("cannot read the kept throwaway key {}: {e}", path.display())));
            }
        }
    }
    Err(CliError::failed(format!("cannot keep a throwaway key in {}", path.display())))
}

/// Writes the public half of an RSA key next to it, for the receiver's `--public-key`.
fn keep_public(key: &ThrowawayKey, path: Option<&Path>) -> Result<Option<PathBuf>, CliError> {
    match (&key.receiver, path) {
        (ReceiverKey::PublicKeyPem(pem), Some(path)) => {
            write_private(path, pem.trim_end(), false)
                .map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
            Ok(Some(path.to_owned()))
        }
        _ => Ok(None),
    }
}

/// How the delivery is keyed: a given key, a throwaway one, or none (a BLAZE URL that already
/// carries its token).
enum Keying {
    Given(DeliveryKey),
    Throwaway(Box<ThrowawayKey>, Keeping),
    UrlCarriesToken,
}

fn load_key(args: &TriggerArgs, preset: Preset, template: Template, url: &reqwest::Url) -> Result<Keying, CliError> {
    let name = preset.name();
    let secret = match (&args.secret, &args.secret_file) {
        (Some(secret), _) => Some(secret.clone()),
        (None, Some(path)) => Some(read_secret_file(path)?),
        (None, None) => None,
    };
    let flag = if args.secret.is_some() { "--secret" } else { "--secret-file" };
    let throwaway = || throwaway(template).map(|(key, kept)| Keying::Throwaway(Box::new(key), kept));
    match template.key_kind() {
        KeyKind::RsaPrivateKey => {
            if secret.is_some() {
                return Err(CliError::usage(format!(
                    "{name} signs with an RSA private key: pass --private-key PEM_FILE, not {flag}"
                )));
            }
            let Some(path) = &args.private_key else { return throwaway() };
            let pem = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("cannot read --private-key {}: {e}", path.display())))?;
            let key = DeliveryKey::from_private_key_pem(template, &pem)
                .map_err(|e| CliError::usage(format!("invalid --private-key: {}", crate::error_chain(&e))))?;
            Ok(Keying::Given(key))
        }
        KeyKind::HmacSecret | KeyKind::UrlToken => {
            if args.private_key.is_some() {
                return Err(CliError::usage(format!(
                    "{name} signs with a secret (--secret-file F or --secret S), not --private-key"
                )));
            }
            let param = preset.url_token_param().unwrap_or(hookbridge_verify::DEFAULT_TOKEN_PARAM);
            let carries_token = template.key_kind() == KeyKind::UrlToken && url.query_pairs().any(|(n, _)| n == param);
            match secret {
                Some(_) if carries_token => Err(CliError::usage(format!(
                    "--to already carries `{param}`: pass the token once, in the URL or with {flag}"
                ))),
                Some(secret) => DeliveryKey::from_secret(template, secret.expose())
                    .map(Keying::Given)
                    .map_err(|e| CliError::usage(format!("invalid {flag}: {}", crate::error_chain(&e)))),
                None if carries_token => Ok(Keying::UrlCarriesToken),
                None => throwaway(),
            }
        }
        _ => Err(CliError::usage(format!("{name}: unsupported key kind"))),
    }
}

/// Tells (on stderr) which throwaway key signs, where it is kept and what the receiver must be
/// started with.
fn announce_throwaway(preset: Preset, key: &ThrowawayKey, kept: &Keeping) {
    let name = preset.name();
    let (what, flag) = match &key.receiver {
        ReceiverKey::PublicKeyPem(_) => ("public key", "--public-key"),
        ReceiverKey::UrlToken(_) => ("URL token", "--secret-file"),
        _ => ("signing secret", "--secret-file"),
    };
    let listen = |file: &Path| format!("hookbridge listen --provider {name} {flag} {}", file.display());
    let (status, receiver_file) = match kept {
        Keeping::New(path, public) => {
            (format!("new, kept in {}", path.display()), public.clone().unwrap_or(path.clone()))
        }
        Keeping::Reused(path, public) => {
            (format!("kept in {}", path.display()), public.clone().unwrap_or(path.clone()))
        }
        Keeping::NotKept(why) => (format!("not kept: {why}; it signs this delivery only"), PathBuf::from("FILE")),
    };
    let label =
        format!("throwaway {what} (no key given; {status}; start the receiver with it: {})", listen(&receiver_file));
    match &key.receiver {
        ReceiverKey::PublicKeyPem(pem) => {
            eprintln!("{label}:");
            eprintln!("{}", pem.trim_end());
        }
        other => eprintln!("{label}: {}", other.expose()),
    }
}

/// What came back.
enum Outcome {
    Answered { status: reqwest::StatusCode, excerpt: String },
    NoAnswer(String),
}

async fn send(delivery: &SignedDelivery, url: &str, timeout: Duration) -> Result<Outcome, CliError> {
    let http = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        // The status of the receiver itself is the result, not wherever a redirect points.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(TRIGGER_USER_AGENT)
        .build()
        .map_err(|e| CliError::failed(format!("cannot build the HTTP client: {}", crate::error_chain(&e))))?;
    let request = http.post(url).headers(delivery.headers.clone()).body(delivery.body.clone());
    let mut response = match request.send().await {
        Ok(response) => response,
        Err(e) => return Ok(Outcome::NoAnswer(describe(e, timeout))),
    };
    let status = response.status();
    let mut answer = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if answer.len() < MAX_ANSWER_BYTES => answer.extend_from_slice(&chunk),
            Ok(Some(_)) | Ok(None) => break,
            // The status arrived; a broken body only shortens the excerpt.
            Err(_) => break,
        }
    }
    let text = String::from_utf8_lossy(&answer);
    let mut excerpt: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if excerpt.chars().count() > ANSWER_EXCERPT_CHARS {
        excerpt = excerpt.chars().take(ANSWER_EXCERPT_CHARS).collect::<String>() + "…";
    }
    Ok(Outcome::Answered { status, excerpt })
}

/// Why no answer came, without the URL (its query may hold a token).
fn describe(e: reqwest::Error, timeout: Duration) -> String {
    let e = e.without_url();
    if e.is_timeout() {
        return format!("no answer within {}", humanize(timeout));
    }
    let kind = if e.is_connect() { "cannot connect" } else { "request failed" };
    let chain = crate::error_chain(&e);
    format!("{kind}: {chain}")
}

fn humanize(d: Duration) -> String {
    if d.subsec_millis() == 0 { format!("{} s", d.as_secs()) } else { format!("{} ms", d.as_millis()) }
}

/// Runs `hookbridge trigger`. `verbose` (`-v`) also prints the request on stderr.
pub async fn run(args: &TriggerArgs, verbose: u8, out: &mut dyn Write) -> Result<(), CliError> {
    let preset = args.provider;
    let template = template_of(preset)?;
    if args.list {
        if template.free_form_events() {
            eprintln!(
                "{}: the provider publishes no event catalogue; any event name is sent as given. Examples:",
                preset.name()
            );
        }
        for event in template.events() {
            writeln!(out, "{event}")?;
        }
        return Ok(());
    }
    let (Some(event), Some(to)) = (args.event.as_deref(), args.to.as_deref()) else {
        return Err(CliError::usage("pass --event EVENT and --to URL (or --list)"));
    };
    checked_event(preset, template, event)?;
    let url = parse_url(to)?;

    let draft = template
        .build(event, &BuildOptions::new())
        .map_err(|e| CliError::usage(format!("cannot build the delivery: {}", crate::error_chain(&e))))?;
    let delivery = match load_key(args, preset, template, &url)? {
        Keying::Given(key) => draft.sign(&key),
        Keying::Throwaway(key, kept) => {
            announce_throwaway(preset, &key, &kept);
            draft.sign(&key.key)
        }
        Keying::UrlCarriesToken => Ok(draft.unsigned()),
    }
    .map_err(|e| CliError::failed(format!("cannot sign the delivery: {}", crate::error_chain(&e))))?;
    let target = delivery.url(url.as_str());

    let what = match &delivery.delivery_id {
        Some(id) => format!("{} {event}, delivery {id}", preset.name()),
        None => format!("{} {event}", preset.name()),
    };
    if verbose > 0 {
        eprintln!("POST {} ({} bytes)", shown_url(&url), delivery.body.len());
        for (name, value) in &delivery.headers {
            eprintln!("{}: {}", crate::sign_cmd::display_name(name), String::from_utf8_lossy(value.as_bytes()));
        }
        if verbose > 1 {
            eprintln!("{}", String::from_utf8_lossy(&delivery.body));
        }
    }

    let started = Instant::now();
    let outcome = send(&delivery, &target, args.timeout.0).await?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match outcome {
        Outcome::Answered { status, excerpt } => {
            let reason = status.canonical_reason().unwrap_or("");
            writeln!(out, "{} {reason} in {ms:.1} ms ({what}, to {})", status.as_u16(), shown_url(&url))?;
            out.flush()?;
            if status.is_success() {
                Ok(())
            } else if excerpt.is_empty() {
                Err(CliError::failed(format!("the receiver answered {} {reason}", status.as_u16())))
            } else {
                Err(CliError::failed(format!("the receiver answered {} {reason}: {excerpt}", status.as_u16())))
            }
        }
        Outcome::NoAnswer(why) => {
            Err(CliError::failed(format!("no answer from {} after {ms:.1} ms: {why}", shown_url(&url))))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::cli::Timeout;

    #[test]
    fn timeouts_are_seconds_or_durations() {
        assert_eq!("10".parse::<Timeout>(), Ok(Timeout(Duration::from_secs(10))));
        assert_eq!("500ms".parse::<Timeout>(), Ok(Timeout(Duration::from_millis(500))));
        assert_eq!("1m".parse::<Timeout>(), Ok(Timeout(Duration::from_secs(60))));
        assert!("0".parse::<Timeout>().is_err());
        assert!("soon".parse::<Timeout>().is_err());
        assert_eq!(humanize(Duration::from_secs(10)), "10 s");
        assert_eq!(humanize(Duration::from_millis(250)), "250 ms");
    }

    #[test]
    fn every_preset_but_standard_webhooks_has_a_template() {
        for preset in Preset::all() {
            assert_eq!(template(preset).is_none(), preset.name() == "standard-webhooks", "{}", preset.name());
        }
        let err = template_of(Preset::find("standard-webhooks").unwrap()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("miex"), "{}", err.message());
    }

    #[test]
    fn unknown_events_name_the_known_ones() {
        let err = checked_event(Preset::find("miex").unwrap(), hookbridge_testkit::miex::TEMPLATE, "order.shipped")
            .unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("unknown event `order.shipped` for miex"), "{}", err.message());
        assert!(err.message().contains("order.created, order.status_changed, order.cancelled, offer.updated"));
        assert!(
            checked_event(
                Preset::find("abbeycross").unwrap(),
                hookbridge_testkit::abbeycross::TEMPLATE,
                "deal.settled"
            )
            .is_ok()
        );
    }

    #[test]
    fn shown_urls_hide_tokens_and_credentials() {
        let url: reqwest::Url = "http://user:pw@127.0.0.1:8787/hooks/blaze?hb_token=abc#x".parse().unwrap();
        assert_eq!(shown_url(&url), "http://127.0.0.1:8787/hooks/blaze");
    }
}
