//! `hookbridge sign`: print the headers a sender adds to a body, one `Name: value` per line —
//! the input `hookbridge verify --headers-file` (or `curl -H @file`) takes.

use std::io::Write;

use hookbridge_core::{IdempotencyKey, Secret};
use hookbridge_verify::SignError;
use hookbridge_verify::sign::{HmacSigner, RsaSigner};
use http::{HeaderMap, HeaderName};

use crate::CliError;
use crate::cli::SignArgs;
use crate::presets::KeyKind;
use crate::verify_cmd::read_body;

/// A random Standard Webhooks message id (`msg_` + 32 hex digits).
pub fn random_message_id() -> String {
    let key = IdempotencyKey::generate();
    format!("msg_{}", key.as_str().trim_start_matches("hb-"))
}

/// How a header name is printed: Standard Webhooks headers in lower case as that spec writes
/// them, others in `Title-Case` (`X-Webhook-Signature`, `X-Hub-Signature-256`).
pub fn display_name(name: &HeaderName) -> String {
    let name = name.as_str();
    if name.starts_with("webhook-") {
        return name.to_owned();
    }
    name.split('-')
        .map(|part| {
            if part == "github" {
                return "GitHub".to_owned();
            }
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn sign_error(err: SignError) -> CliError {
    match err {
        SignError::MultipleSignaturesUnsupported => {
            CliError::usage("this scheme carries one signature: pass a single --secret")
        }
        SignError::NegativeTimestamp => CliError::usage("--timestamp must not be negative"),
        SignError::InvalidHeaderValue { name } => {
            CliError::usage(format!("the value for `{name}` is not visible ASCII"))
        }
        other => CliError::failed(format!("cannot sign: {}", crate::error_chain(&other))),
    }
}

/// `--secret` values, then the contents of `--secret-file`s.
fn load_secrets(args: &SignArgs) -> Result<Vec<Secret>, CliError> {
    let mut secrets = args.secrets.clone();
    for path in &args.secret_files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read --secret-file {}: {e}", path.display())))?;
        secrets.push(Secret::new(text.trim_end_matches(['\r', '\n'])));
    }
    Ok(secrets)
}

/// Computes the headers for `body`.
pub fn sign_headers(args: &SignArgs, body: &[u8]) -> Result<HeaderMap, CliError> {
    let preset = args.provider;
    match preset.key_kind() {
        KeyKind::UrlToken => Err(CliError::usage(format!(
            "{} deliveries are not signed: the token goes in the callback URL (`?{}=<token>`)",
            preset.name(),
            preset.url_token_param().unwrap_or("token")
        ))),
        KeyKind::Rsa => {
            let path = args.private_key.as_ref().ok_or_else(|| {
                CliError::usage(format!("{} signs with an RSA key: pass --private-key PEM_FILE", preset.name()))
            })?;
            let pem = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("cannot read --private-key {}: {e}", path.display())))?;
            let scheme = preset
                .rsa_scheme()
                .ok_or_else(|| CliError::failed(format!("{} declares no RSA scheme", preset.name())))?;
            let signer = RsaSigner::from_pem(scheme, &pem)
                .map_err(|e| CliError::usage(format!("invalid --private-key: {}", crate::error_chain(&e))))?;
            signer.sign(body).map_err(sign_error)
        }
        KeyKind::HmacText | KeyKind::HmacStandardWebhooks => {
            if args.private_key.is_some() {
                return Err(CliError::usage(format!(
                    "{} signs with a secret (--secret), not --private-key",
                    preset.name()
                )));
            }
            let loaded = load_secrets(args)?;
            let mut secrets = loaded.iter();
            let first = secrets
                .next()
                .ok_or_else(|| CliError::usage(format!("{} needs a signing secret: pass --secret S", preset.name())))?;
            let parse = |s: &Secret| {
                preset.hmac_secret(s.expose()).map_err(|e| CliError::usage(format!("invalid --secret: {e}")))
            };
            let scheme = preset
                .hmac_scheme()
                .ok_or_else(|| CliError::failed(format!("{} declares no HMAC scheme", preset.name())))?;
            let mut signer = HmacSigner::new(scheme, parse(first)?);
            for s in secrets {
                signer = signer.with_additional_secret(parse(s)?);
            }
            let timestamp = args.timestamp.unwrap_or_else(hookbridge_verify::unix_now);
            let id = match &args.id {
                Some(id) => Some(id.clone()),
                None if preset.signs_message_id() => Some(random_message_id()),
                None => None,
            };
            signer.sign(body, timestamp, id.as_deref()).map_err(sign_error)
        }
        _ => Err(CliError::failed(format!("{}: this kind of key cannot sign", preset.name()))),
    }
}

/// Runs `hookbridge sign`.
pub fn run(args: &SignArgs, out: &mut dyn Write) -> Result<(), CliError> {
    // Refuse a missing key before waiting for a body on stdin.
    match args.provider.key_kind() {
        KeyKind::Rsa if args.private_key.is_none() => {
            return Err(CliError::usage(format!(
                "{} signs with an RSA key: pass --private-key PEM_FILE",
                args.provider.name()
            )));
        }
        KeyKind::HmacText | KeyKind::HmacStandardWebhooks
            if args.secrets.is_empty() && args.secret_files.is_empty() =>
        {
            return Err(CliError::usage(format!(
                "{} needs a signing secret: pass --secret S or --secret-file F",
                args.provider.name()
            )));
        }
        _ => {}
    }
    let body = read_body(args.body.as_deref())?;
    let headers = sign_headers(args, &body)?;
    for (name, value) in &headers {
        let value = value.to_str().map_err(|_| CliError::failed("a signed header is not ASCII"))?;
        writeln!(out, "{}: {value}", display_name(name))?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_printed_readably() {
        assert_eq!(display_name(&HeaderName::from_static("x-webhook-signature")), "X-Webhook-Signature");
        assert_eq!(display_name(&HeaderName::from_static("x-github-delivery")), "X-GitHub-Delivery");
        assert_eq!(display_name(&HeaderName::from_static("webhook-id")), "webhook-id");
        assert_eq!(display_name(&HeaderName::from_static("stripe-signature")), "Stripe-Signature");
    }

    #[test]
    fn message_ids_are_random() {
        let a = random_message_id();
        assert!(a.starts_with("msg_") && a.len() == 36, "{a}");
        assert_ne!(a, random_message_id());
    }
}
