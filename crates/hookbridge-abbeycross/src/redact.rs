//! Keeps a secret-bearing response out of decode errors.
//!
//! Core's [`hookbridge_core::DecodeError`] quotes the start of an undecodable body. A register
//! response that fails to decode (a wrong type elsewhere, a truncated body) may still carry the
//! signing secret, so the excerpt is rebuilt from a copy of the body in which the secret field's
//! string value is replaced by `[REDACTED]`.

use hookbridge_core::{Error, HttpClient, Request, Response, Result};
use serde::de::DeserializeOwned;

/// What replaces a secret value in a quoted body.
pub(crate) const REDACTED: &str = "[REDACTED]";

/// Sends `req` and decodes the JSON response; a decode error quotes the body with the string
/// value of every `secret_field` redacted.
pub(crate) async fn json_redacting<T: DeserializeOwned>(
    http: &HttpClient,
    req: Request,
    secret_field: &str,
) -> Result<T> {
    let operation = req.operation();
    let resp = http.send(req).await?;
    http.decode(operation, &resp).map_err(|err| redact_decode_error(http, operation, &resp, err, secret_field))
}

fn redact_decode_error(
    http: &HttpClient,
    operation: &'static str,
    resp: &Response,
    err: Error,
    secret_field: &str,
) -> Error {
    match err {
        Error::Decode(d) => {
            let d = *d;
            let body = redact_string_field(&resp.body, secret_field);
            http.decode_error(operation, d.status, d.kind, d.detail, body.as_bytes(), d.source)
        }
        other => other,
    }
}

/// `body` (lossily decoded) with the string value after every `"<field>"` key replaced by
/// [`REDACTED`]. Tolerates truncated JSON: an unterminated value is redacted to the end.
pub(crate) fn redact_string_field(body: &[u8], field: &str) -> String {
    let text = String::from_utf8_lossy(body);
    let needle = format!("\"{field}\"");
    let mut out = String::with_capacity(text.len());
    let mut rest: &str = &text;
    while let Some(pos) = rest.find(&needle) {
        let (head, tail) = rest.split_at(pos + needle.len());
        out.push_str(head);
        rest = tail;
        let after_ws = rest.trim_start();
        let Some(after_colon) = after_ws.strip_prefix(':') else { continue };
        let value = after_colon.trim_start();
        out.push_str(&rest[..rest.len() - value.len()]);
        rest = value;
        let Some(inner) = rest.strip_prefix('"') else { continue };
        out.push('"');
        out.push_str(REDACTED);
        rest = &inner[closing_quote(inner)..];
    }
    out.push_str(rest);
    out
}

/// Byte index of the unescaped closing quote of a JSON string body (or its end when truncated).
fn closing_quote(s: &str) -> usize {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return i,
            _ => {}
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_complete_truncated_and_escaped_values() {
        let f = "apiSecretKey";
        assert_eq!(
            redact_string_field(br#"{"message":1,"apiSecretKey" : "s3cr\"et","x":"y"}"#, f),
            r#"{"message":1,"apiSecretKey" : "[REDACTED]","x":"y"}"#
        );
        assert_eq!(redact_string_field(br#"{"apiSecretKey":"s3cr"#, f), r#"{"apiSecretKey":"[REDACTED]"#);
        assert_eq!(redact_string_field(br#"{"apiSecretKey":12}"#, f), r#"{"apiSecretKey":12}"#);
        assert_eq!(redact_string_field(br#"{"apiSecretKey""#, f), r#"{"apiSecretKey""#);
        assert_eq!(
            redact_string_field(br#"[{"apiSecretKey":"a"},{"apiSecretKey":"b"}]"#, f),
            r#"[{"apiSecretKey":"[REDACTED]"},{"apiSecretKey":"[REDACTED]"}]"#
        );
        assert_eq!(redact_string_field(b"<html>", f), "<html>");
    }
}
