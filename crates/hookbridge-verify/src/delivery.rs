//! Shared pieces of the provider crates' typed receivers (`MiexReceiver`, `BitnobReceiver`,
//! `ChipReceiver`, ...): the one error type [`DeliveryError`], the optional replay check
//! [`ReplayCheck`], and small helpers for reading unsigned headers and fingerprinting bodies.
//!
//! A receiver does, in this order: verify the raw bytes ([`Verifier`](crate::Verifier)) →
//! parse the body → check unsigned headers against it → the replay check (last, so that only
//! deliveries that are otherwise accepted consume a replay key).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, StatusCode};
use sha2::{Digest as _, Sha256};

use crate::{MalformedReason, ReplayError, ReplayStore, VerifyError, header};

/// Longest [`DeliveryError::Parse`] detail kept, in bytes.
pub const MAX_PARSE_DETAIL_LEN: usize = 256;

/// Why a provider receiver refused a delivery.
///
/// Every variant means "do not process this delivery". [`http_status`](Self::http_status)
/// suggests what to answer.
///
/// No variant carries a body excerpt or a secret: parse details are the deserializer's message
/// with every quoted value removed (see [`DeliveryError::parse`]).
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// The signature (or URL token) check failed; the inner error says why.
    #[error("delivery verification failed: {0}")]
    Verification(#[source] VerifyError),
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
    #[error("the `{name}` header does not match the body: {detail}")]
    HeaderMismatch {
        /// The header.
        name: HeaderName,
        /// How they differ.
        detail: String,
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
    /// The delivery was accepted before (same replay key, not yet expired): a duplicate or a
    /// replay. Usually answered with a 2xx without processing it again.
    #[error("delivery `{key}` was already accepted (duplicate or replay)")]
    Replay {
        /// The replay key, as given to the [`ReplayStore`].
        key: String,
    },
    /// The replay store failed (full, unavailable, refused the key). Fail closed: reject the
    /// delivery so that the provider retries it later.
    ///
    /// Two `ReplayStore` errors compare equal when their messages are equal.
    #[error("the replay store refused the delivery: {0}")]
    ReplayStore(#[source] Arc<ReplayError>),
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

    /// Whether this is [`DeliveryError::Replay`] (a duplicate of a delivery already accepted).
    #[must_use]
    pub fn is_replay(&self) -> bool {
        matches!(self, Self::Replay { .. })
    }

    /// Whether the signature / token check failed.
    #[must_use]
    pub fn is_verification(&self) -> bool {
        matches!(self, Self::Verification(_))
    }

    /// A suggested answer to the provider:
    ///
    /// * `401 Unauthorized` — verification failed;
    /// * `400 Bad Request` — authentic but unusable (parse error, missing / mismatched /
    ///   malformed header): retrying will not help;
    /// * `200 OK` — a duplicate: the first copy was accepted, stop the provider retrying;
    /// * `503 Service Unavailable` — the replay store failed: let the provider retry later.
    #[must_use]
    pub fn http_status(&self) -> StatusCode {
        match self {
            Self::Verification(_) => StatusCode::UNAUTHORIZED,
            Self::Replay { .. } => StatusCode::OK,
            Self::ReplayStore(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<VerifyError> for DeliveryError {
    fn from(err: VerifyError) -> Self {
        Self::Verification(err)
    }
}

impl From<ReplayError> for DeliveryError {
    fn from(err: ReplayError) -> Self {
        match err {
            ReplayError::Replayed { key } => Self::Replay { key },
            other => Self::ReplayStore(Arc::new(other)),
        }
    }
}

impl PartialEq for DeliveryError {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Verification(a), Self::Verification(b)) => a == b,
            (Self::Parse { provider: pa, detail: da }, Self::Parse { provider: pb, detail: db }) => {
                pa == pb && da == db
            }
            (Self::MissingHeader { name: a }, Self::MissingHeader { name: b }) => a == b,
            (Self::HeaderMismatch { name: na, detail: da }, Self::HeaderMismatch { name: nb, detail: db }) => {
                na == nb && da == db
            }
            (Self::MalformedHeader { name: na, reason: ra }, Self::MalformedHeader { name: nb, reason: rb }) => {
                na == nb && ra == rb
            }
            (Self::Replay { key: a }, Self::Replay { key: b }) => a == b,
            (Self::ReplayStore(a), Self::ReplayStore(b)) => Arc::ptr_eq(a, b) || a.to_string() == b.to_string(),
            _ => false,
        }
    }
}

impl Eq for DeliveryError {}

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

/// The optional replay check of a receiver: a [`ReplayStore`] and how long keys are kept.
///
/// Receivers call [`check`](Self::check) last, after verification and parsing succeeded.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use hookbridge_verify::{DeliveryError, InMemoryReplayStore, ReplayCheck};
///
/// let check = ReplayCheck::new(Arc::new(InMemoryReplayStore::new()), Duration::from_secs(3600));
/// assert!(check.check("miex:delivery:1284", 1_000).is_ok());
/// assert_eq!(check.check("miex:delivery:1284", 1_001), Err(DeliveryError::Replay { key: "miex:delivery:1284".into() }));
/// ```
#[derive(Clone)]
pub struct ReplayCheck {
    store: Arc<dyn ReplayStore>,
    ttl: Duration,
}

impl ReplayCheck {
    /// Keys are remembered for `ttl` in `store`.
    pub fn new(store: Arc<dyn ReplayStore>, ttl: Duration) -> Self {
        Self { store, ttl }
    }

    /// How long a key is remembered.
    #[must_use]
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// Records `key` at `now` (unix seconds).
    ///
    /// # Errors
    /// [`DeliveryError::Replay`] for a key already recorded and unexpired;
    /// [`DeliveryError::ReplayStore`] when the store fails.
    pub fn check(&self, key: &str, now: i64) -> Result<(), DeliveryError> {
        self.store.check_and_insert(key, now, self.ttl).map_err(DeliveryError::from)
    }
}

impl fmt::Debug for ReplayCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayCheck").field("ttl", &self.ttl).finish_non_exhaustive()
    }
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
        other => DeliveryError::Verification(other),
    })
}

/// Hex SHA-256 of a body: a replay key for deliveries without an id (identical bytes, same key).
#[must_use]
pub fn body_fingerprint(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// Reconciles an event name stated twice: in an unsigned header and in the signed body.
///
/// The signed body wins; the header is only a fallback when the body names no event. When both
/// are present they must agree, otherwise the header is lying about a signed delivery.
///
/// # Errors
/// [`DeliveryError::HeaderMismatch`] naming `header_name`, with both values shortened.
pub fn reconcile_event<'a>(
    header_name: &HeaderName,
    header_event: Option<&'a str>,
    body_event: Option<&'a str>,
) -> Result<Option<&'a str>, DeliveryError> {
    match (body_event, header_event) {
        (Some(body), Some(header)) if body != header => Err(DeliveryError::HeaderMismatch {
            name: header_name.clone(),
            detail: format!("the header names `{}`, the signed body `{}`", excerpt(header, 64), excerpt(body, 64)),
        }),
        (Some(event), _) | (None, Some(event)) => Ok(Some(event)),
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
    fn replay_errors_map() {
        assert_eq!(
            DeliveryError::from(ReplayError::Replayed { key: "k".into() }),
            DeliveryError::Replay { key: "k".into() }
        );
        let full = DeliveryError::from(ReplayError::CapacityExceeded { capacity: 1 });
        assert!(matches!(&full, DeliveryError::ReplayStore(e) if matches!(**e, ReplayError::CapacityExceeded { .. })));
        assert_eq!(full, full.clone());
        assert_eq!(full.http_status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_ne!(full, DeliveryError::from(ReplayError::EmptyKey));
    }

    #[test]
    fn statuses_and_sources() {
        use std::error::Error as _;
        let err = DeliveryError::from(VerifyError::NoKeys);
        assert!(err.is_verification());
        assert_eq!(err.http_status(), StatusCode::UNAUTHORIZED);
        assert!(err.source().is_some_and(|s| s.to_string() == VerifyError::NoKeys.to_string()));
        assert_eq!(DeliveryError::Replay { key: "k".into() }.http_status(), StatusCode::OK);
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
        assert_eq!(body_fingerprint(b"").len(), 64);
        assert_eq!(excerpt("abcdef", 3), "abc…");
        let h = HeaderName::from_static("x-event");
        assert_eq!(reconcile_event(&h, Some("a"), Some("a")), Ok(Some("a")));
        assert_eq!(reconcile_event(&h, Some("a"), None), Ok(Some("a")));
        assert_eq!(reconcile_event(&h, None, Some("b")), Ok(Some("b")));
        assert_eq!(reconcile_event(&h, None, None), Ok(None));
        assert!(matches!(
            reconcile_event(&h, Some("a"), Some("b")),
            Err(DeliveryError::HeaderMismatch { name, .. }) if name == h
        ));
        assert_eq!(excerpt("a\nb", 5), "a b");
    }
}
