//! `hookbridge verify`: verify one delivery and print what was verified.
//!
//! Exit 0 when it verifies; 1 with the reason when it does not (bad signature, stale timestamp,
//! a body the provider's receiver refuses); 2 for usage errors (no key, unreadable file,
//! malformed `--header`).

use std::io::{IsTerminal as _, Read as _, Write};
use std::path::Path;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue, Uri};

use crate::CliError;
use crate::cli::{TextOrJson, VerifyArgs};
use crate::output::{write_json, write_pairs};
use crate::presets::{Receiver, ReceiverSettings, load_keys};

/// Reads the body: `--body FILE`, `--body -` or no flag for stdin (refused when stdin is a
/// terminal, so the command never waits silently).
pub fn read_body(arg: Option<&str>) -> Result<Vec<u8>, CliError> {
    match arg {
        Some("-") | None => {
            let stdin = std::io::stdin();
            if arg.is_none() && stdin.is_terminal() {
                return Err(CliError::usage("no body: pass --body FILE, or --body - and pipe it on stdin"));
            }
            let mut body = Vec::new();
            stdin.lock().read_to_end(&mut body).map_err(|e| CliError::usage(format!("cannot read stdin: {e}")))?;
            Ok(body)
        }
        Some(path) => std::fs::read(path).map_err(|e| CliError::usage(format!("cannot read --body {path}: {e}"))),
    }
}

/// Parses one `Name: value` header (the name case-insensitive, spaces around the value trimmed).
pub fn parse_header(line: &str) -> Result<(HeaderName, HeaderValue), CliError> {
    let (name, value) = line
        .split_once(':')
        .ok_or_else(|| CliError::usage(format!("--header must be `Name: value`, got `{}`", shorten(line))))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| CliError::usage(format!("invalid header name `{}`", shorten(name.trim()))))?;
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| CliError::usage(format!("invalid value for header `{name}`")))?;
    Ok((name, value))
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s.to_owned() }
}

/// Builds the request headers from `--header` values and an optional `--headers-file` (one
/// `Name: value` per line; blank lines and `#` comments skipped). Repeated names are kept
/// repeated (verifiers refuse an ambiguous repeated signature header).
pub fn read_headers(lines: &[String], file: Option<&Path>) -> Result<HeaderMap, CliError> {
    let mut headers = HeaderMap::new();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read --headers-file {}: {e}", path.display())))?;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let (name, value) = parse_header(line)?;
            headers.append(name, value);
        }
    }
    for line in lines {
        let (name, value) = parse_header(line)?;
        headers.append(name, value);
    }
    Ok(headers)
}

/// Runs `hookbridge verify`.
pub async fn run(args: &VerifyArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let keys = load_keys(&args.keys)?;
    let options = ReceiverSettings::new().tolerance(args.tolerance.map(Duration::from_secs));
    let receiver = Receiver::for_preset(args.provider, &keys, &options)?;
    let headers = read_headers(&args.headers, args.headers_file.as_deref())?;
    let uri: Uri = match &args.url {
        Some(url) => url.parse().map_err(|_| CliError::usage("--url is not a valid URL or path"))?,
        None => Uri::from_static("/"),
    };
    let body = read_body(args.body.as_deref())?;
    let now = args.now.unwrap_or_else(hookbridge_verify::unix_now);
    let result = if args.signature_only {
        receiver.verify_signature(&uri, &body, &headers, now)
    } else {
        receiver.check(&uri, &body, &headers, now).await
    };
    match result {
        Ok(view) => {
            match args.output {
                TextOrJson::Json => write_json(out, &view)?,
                TextOrJson::Text => write_pairs(out, &view.text_lines())?,
            }
            Ok(())
        }
        Err(rejection) => {
            if args.output == TextOrJson::Json {
                write_json(out, &serde_json::json!({"verified": false, "reason": rejection.reason}))?;
            }
            Err(CliError::failed(format!("not verified: {}", rejection.reason)))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_case_insensitively() {
        let h = read_headers(&["X-Webhook-Signature: sha256=ab".into(), "x-other:  v ".into()], None).unwrap();
        assert_eq!(h["x-webhook-signature"], "sha256=ab");
        assert_eq!(h["X-OTHER"], "v");
        assert_eq!(parse_header("no colon").unwrap_err().exit_code(), 2);
        assert_eq!(parse_header("bad name: v").unwrap_err().exit_code(), 2);
    }

    #[test]
    fn repeated_headers_stay_repeated() {
        let h = read_headers(&["a: 1".into(), "A: 2".into()], None).unwrap();
        assert_eq!(h.get_all("a").iter().count(), 2);
    }
}
