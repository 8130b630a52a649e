//! What the provider crates' parsers share: the error for an authentic but unusable delivery
//! ([`DeliveryError`]) and small helpers for reading unsigned headers and reconciling them with
//! the signed body. The pipeline itself is in [`receive`](crate::receive).

use http::{HeaderMap, HeaderName, StatusCode};
use std::fmt;

use crate::{MalformedReason, VerifyError, header};

/// Longest [`DeliveryError::Parse`] detail kept, in bytes.
pub const MAX_PARSE_DETAIL_LEN: usize = 256;

/// Why an authentic delivery cannot be used: the body is not what the provider documents, or
/// an unsigned header contradicts the signed body. Retrying will not help: answer 400.
///
/// No variant carries a body excerpt, a header value or a secret: parse details are the
/// deserializer's message with every quoted value removed (see [`DeliveryError::parse`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The verified body is not the JSON the provider documents.
    #[error("the {provider} delivery body could not be parsed: {detail}")]
    Parse {
        /// The provider (`"miex"`, `"bitnob"`, `"chip"`, ...).
        provider: &'static str,
        /// What is wrong, without any value taken from the body.
        detail: String,
    },
    /// A header the receiver needs (and the verifier does not) is absent.
    #[error("missing `{name}` header")]
    MissingHeader {
        /// The header.
        name: HeaderName,
    },
    /// An unsigned header disagrees with the signed body (for example MIEX's `X-Webhook-Event`
    /// naming another event than the body's `event`). The body is authentic; the header is not.
    /// Neither value is quoted: both may come from an attacker or hold customer data.
    #[error("the unsigned `{name}` header names another event than the signed body")]
    HeaderMismatch {
        /// The header.
        name: HeaderName,
    },
    /// An unsigned header the receiver reads is present but unusable (repeated, not visible
    /// ASCII, empty, too long).
    #[error("malformed `{name}` header: {reason}")]
    MalformedHeader {
        /// The header.
        name: HeaderName,
        /// What is wrong with it.
        reason: MalformedReason,
    },
}

impl DeliveryError {
    /// A [`DeliveryError::Parse`] from a deserializer's message, with every value that may come
    /// from the body removed: `"..."` strings and `` `...` `` literals become `<redacted>`
    /// (except the field name in serde's "missing field" / "duplicate field" messages, which
    /// comes from the receiver's own types, and the parser's one- or two-character punctuation
    /// expectations such as `` expected `,` or `}` ``). Positions (`line 1 column 17`) are kept;
    /// the result is at most [`MAX_PARSE_DETAIL_LEN`] bytes.
    ///
    /// ```
    /// use hookbridge_verify::DeliveryError;
    ///
    /// let err = DeliveryError::parse("miex", r#"invalid type: string "sk_live_secret", expected u64 at line 1 column 30"#);
    /// assert!(!err.to_string().contains("sk_live_secret"));
    /// let err = DeliveryError::parse("chip", "missing field `event_type` at line 3 column 1");
    /// assert!(err.to_string().contains("missing field `event_type`"));
    /// ```
    pub fn parse(provider: &'static str, message: impl fmt::Display) -> Self {
        Self::Parse { provider, detail: redact_message(&message.to_string()) }
    }

    /// The HTTP status to answer: always `400 Bad Request`.
    #[must_use]
    pub fn http_status(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }
}

/// Removes values that may come from a body from a deserializer message.
fn redact_message(message: &str) -> String {
    const REDACTED: &str = "<redacted>";
    let mut out = String::with_capacity(message.len().min(MAX_PARSE_DETAIL_LEN));
    let mut chars = message.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                // A Debug-quoted string: skip to the closing unescaped quote.
                let mut escaped = false;
                for (_, c) in chars.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str(REDACTED);
            }
            '`' => {
                let rest = message.get(i + 1..).unwrap_or("");
                let (literal, consumed) = match rest.find('`') {
                    Some(end) => (rest.get(..end).unwrap_or(""), end + 1),
                    None => (rest, rest.len()),
                };
                let prefix = message.get(..i).unwrap_or("");
                let own_field_name = prefix.ends_with("missing field ") || prefix.ends_with("duplicate field ");
                // The parser's own expectations: "expected `,` or `}`".
                let syntax =
                    !literal.is_empty() && literal.len() <= 2 && literal.bytes().all(|b| b.is_ascii_punctuation());
                if (own_field_name && literal.len() <= 64) || syntax {
                    out.push('`');
                    out.push_str(literal);
                    out.push('`');
                } else {
                    out.push_str(REDACTED);
                }
                // Skip the literal and its closing backtick.
                while chars.peek().is_some_and(|(j, _)| *j <= i + consumed) {
                    chars.next();
                }
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        if out.len() >= MAX_PARSE_DETAIL_LEN {
            break;
        }
    }
    if out.len() > MAX_PARSE_DETAIL_LEN {
        let mut cut = MAX_PARSE_DETAIL_LEN;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    out
}

/// Reads an unsigned header a receiver uses (an event name, a delivery id) with the same policy
/// as the verifiers: at most once, visible ASCII, at most [`MAX_HEADER_LEN`](crate::MAX_HEADER_LEN)
/// bytes, surrounding spaces trimmed, not empty.
///
/// # Errors
/// [`DeliveryError::MalformedHeader`].
pub fn optional_header<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h str>, DeliveryError> {
    header::optional(headers, name).map_err(|err| match err {
        VerifyError::MalformedHeader { name, reason } => DeliveryError::MalformedHeader { name, reason },
        // `header::optional` reports nothing else; refuse rather than guess.
        _ => DeliveryError::MalformedHeader { name: name.clone(), reason: MalformedReason::Empty },
    })
}

/// An event name and whether the signature covers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReconciledEvent<'a> {
    /// The event name.
    pub name: &'a str,
    /// `true` when it was read from the signed body; `false` when it comes from an unsigned
    /// header only (report it, mark it unsigned, never re-sign it as if it were signed).
    pub signed: bool,
}

/// Reconciles an event name stated twice: in an unsigned header and in the signed body.
///
/// The signed body wins; the header is only a fallback when the body names no event, and is
/// then reported as unsigned. When both are present they must agree, otherwise the header is
/// lying about a signed delivery.
///
/// # Errors
/// [`DeliveryError::HeaderMismatch`] naming `header_name` (without either value).
pub fn reconcile_event<'a>(
    header_name: &HeaderName,
    header_event: Option<&'a str>,
    body_event: Option<&'a str>,
) -> Result<Option<ReconciledEvent<'a>>, DeliveryError> {
    match (body_event, header_event) {
        (Some(body), Some(header)) if body != header => {
            Err(DeliveryError::HeaderMismatch { name: header_name.clone() })
        }
        (Some(name), _) => Ok(Some(ReconciledEvent { name, signed: true })),
        (None, Some(name)) => Ok(Some(ReconciledEvent { name, signed: false })),
        (None, None) => Ok(None),
    }
}

/// Shortens an untrusted value for an error message: at most `max` characters, control
/// characters replaced, `…` appended when cut.
#[must_use]
pub fn excerpt(value: &str, max: usize) -> String {
    let mut out: String = value.chars().take(max).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if value.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_values() {
        assert_eq!(
            redact_message(r#"invalid type: string "abc \"x\" def", expected u64 at line 1 column 9"#),
            "invalid type: string <redacted>, expected u64 at line 1 column 9"
        );
        assert_eq!(
            redact_message("invalid type: integer `1284`, expected a string at line 1 column 2"),
            "invalid type: integer <redacted>, expected a string at line 1 column 2"
        );
        assert_eq!(redact_message("missing field `event_type`"), "missing field `event_type`");
        assert_eq!(
            redact_message("unknown variant `zz`, expected one of `a`, `b`"),
            "unknown variant <redacted>, expected one of <redacted>, <redacted>"
        );
        assert_eq!(redact_message("unterminated \"secret"), "unterminated <redacted>");
        assert_eq!(redact_message("unterminated `secret"), "unterminated <redacted>");
        assert_eq!(
            redact_message("EOF while parsing an object at line 1 column 5"),
            "EOF while parsing an object at line 1 column 5"
        );
        assert_eq!(redact_message("a\nb"), "a b");
        assert_eq!(
            redact_message("expected `,` or `}` at line 1 column 20"),
            "expected `,` or `}` at line 1 column 20"
        );
        assert_eq!(redact_message("invalid type: character `x`"), "invalid type: character <redacted>");
        let long = "x".repeat(1000);
        assert_eq!(redact_message(&long).len(), MAX_PARSE_DETAIL_LEN);
        let multibyte = "é".repeat(300);
        assert!(redact_message(&multibyte).len() <= MAX_PARSE_DETAIL_LEN);
    }

    #[test]
    fn statuses() {
        assert_eq!(DeliveryError::parse("x", "bad").http_status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn headers_and_helpers() {
        let name = HeaderName::from_static("x-event");
        let mut map = HeaderMap::new();
        assert_eq!(optional_header(&map, &name), Ok(None));
        map.insert(name.clone(), " a.b ".parse().unwrap_or_else(|_| http::HeaderValue::from_static("")));
        assert_eq!(optional_header(&map, &name), Ok(Some("a.b")));
        map.append(name.clone(), http::HeaderValue::from_static("c"));
        assert_eq!(
            optional_header(&map, &name),
            Err(DeliveryError::MalformedHeader { name, reason: MalformedReason::Repeated { count: 2 } })
        );
        assert_eq!(excerpt("abcdef", 3), "abc…");
        let h = HeaderName::from_static("x-event");
        assert_eq!(reconcile_event(&h, Some("a"), Some("a")), Ok(Some(ReconciledEvent { name: "a", signed: true })));
        assert_eq!(reconcile_event(&h, Some("a"), None), Ok(Some(ReconciledEvent { name: "a", signed: false })));
        assert_eq!(reconcile_event(&h, None, Some("b")), Ok(Some(ReconciledEvent { name: "b", signed: true })));
        assert_eq!(reconcile_event(&h, None, None), Ok(None));
        let err = reconcile_event(&h, Some("secret-a"), Some("secret-b"));
        assert_eq!(err, Err(DeliveryError::HeaderMismatch { name: h }));
        assert!(err.is_err_and(|e| !e.to_string().contains("secret")));
        assert_eq!(excerpt("a\nb", 5), "a b");
    }
}
