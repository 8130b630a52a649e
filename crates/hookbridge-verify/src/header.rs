//! Bounded, strict header reading shared by the verifiers.
//!
//! Policy (documented in the crate docs):
//! * a header must appear at most once;
//! * its value must be at most [`MAX_HEADER_LEN`](crate::MAX_HEADER_LEN) bytes of visible
//!   ASCII or space (`0x20..=0x7E`) — tabs, control characters and non-ASCII bytes are a
//!   [`MalformedReason::NotVisibleAscii`] error;
//! * leading and trailing spaces are trimmed (as HTTP itself does with optional whitespace);
//!   spaces *inside* a single signature are not, and make it fail to decode.

use http::{HeaderMap, HeaderName};

use crate::{MAX_HEADER_LEN, MAX_SIGNATURES, MalformedReason, VerifyError};

fn malformed(name: &HeaderName, reason: MalformedReason) -> VerifyError {
    VerifyError::MalformedHeader { name: name.clone(), reason }
}

/// Checks a raw value: length bound, visible ASCII, trims surrounding spaces.
pub(crate) fn clean_value(bytes: &[u8]) -> Result<&str, MalformedReason> {
    if bytes.len() > MAX_HEADER_LEN {
        return Err(MalformedReason::TooLong { len: bytes.len(), max: MAX_HEADER_LEN });
    }
    // One branch-free pass over the whole value (it vectorises; an early exit would not).
    if !bytes.iter().fold(true, |ok, b| ok & (0x20..=0x7e).contains(b)) {
        return Err(MalformedReason::NotVisibleAscii);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| MalformedReason::NotVisibleAscii)?;
    let text = text.trim_matches(' ');
    if text.is_empty() {
        return Err(MalformedReason::Empty);
    }
    Ok(text)
}

/// Reads a header that may be absent.
pub(crate) fn optional<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h str>, VerifyError> {
    let mut all = headers.get_all(name).iter();
    let Some(first) = all.next() else {
        return Ok(None);
    };
    let extra = all.count();
    if extra > 0 {
        return Err(malformed(name, MalformedReason::Repeated { count: extra + 1 }));
    }
    clean_value(first.as_bytes()).map(Some).map_err(|reason| malformed(name, reason))
}

/// Reads a header that must be present.
pub(crate) fn required<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<&'h str, VerifyError> {
    optional(headers, name)?.ok_or_else(|| VerifyError::MissingHeader { name: name.clone() })
}

/// Parses a unix-seconds timestamp: ASCII digits only (no sign), at most 18 of them.
pub(crate) fn parse_unix_seconds(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Up to [`MAX_SIGNATURES`] signature texts borrowed from a header value, on the stack.
#[derive(Debug)]
pub(crate) struct Candidates<'a> {
    items: [&'a str; MAX_SIGNATURES],
    len: usize,
}

impl<'a> Candidates<'a> {
    pub(crate) fn new() -> Self {
        Self { items: [""; MAX_SIGNATURES], len: 0 }
    }

    pub(crate) fn push(&mut self, text: &'a str) -> Result<(), MalformedReason> {
        let slot = self.items.get_mut(self.len).ok_or(MalformedReason::TooManySignatures { max: MAX_SIGNATURES })?;
        *slot = text;
        self.len += 1;
        Ok(())
    }

    pub(crate) fn as_slice(&self) -> &[&'a str] {
        self.items.get(..self.len).unwrap_or(&[])
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_value_policy() {
        assert_eq!(clean_value(b"  abc  "), Ok("abc"));
        assert_eq!(clean_value(b"a b"), Ok("a b"));
        assert_eq!(clean_value(b"a\tb"), Err(MalformedReason::NotVisibleAscii));
        assert_eq!(clean_value(b"\xc3\xa9"), Err(MalformedReason::NotVisibleAscii));
        assert_eq!(clean_value(b"   "), Err(MalformedReason::Empty));
        let long = vec![b'a'; MAX_HEADER_LEN + 1];
        assert_eq!(clean_value(&long), Err(MalformedReason::TooLong { len: MAX_HEADER_LEN + 1, max: MAX_HEADER_LEN }));
        assert!(clean_value(&long[..MAX_HEADER_LEN]).is_ok());
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_unix_seconds("1614265330"), Some(1_614_265_330));
        assert_eq!(parse_unix_seconds("0"), Some(0));
        assert_eq!(parse_unix_seconds("-1"), None);
        assert_eq!(parse_unix_seconds("+1"), None);
        assert_eq!(parse_unix_seconds("1.5"), None);
        assert_eq!(parse_unix_seconds(""), None);
        assert_eq!(parse_unix_seconds("1234567890123456789"), None);
        assert_eq!(parse_unix_seconds("999999999999999999"), Some(999_999_999_999_999_999));
    }

    #[test]
    fn candidates_are_bounded() {
        let mut c = Candidates::new();
        for _ in 0..MAX_SIGNATURES {
            assert!(c.push("x").is_ok());
        }
        assert_eq!(c.push("x"), Err(MalformedReason::TooManySignatures { max: MAX_SIGNATURES }));
        assert_eq!(c.as_slice().len(), MAX_SIGNATURES);
    }
}
