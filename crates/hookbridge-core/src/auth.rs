//! Pluggable request authentication.
//!
//! An [`Auth`] adds credentials to each attempt of a request. It sees the method, the full URL and
//! the exact body bytes, so request-signing schemes (Bitnob's HMAC signing, in its crate) fit the
//! same trait as static headers. Header values it sets should be marked sensitive
//! ([`http::HeaderValue::set_sensitive`]) so HTTP-level logging redacts them.

use std::fmt;

use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use url::Url;

use crate::error::InvalidInput;
use crate::secret::Secret;

/// What an [`Auth`] may read about the request it authenticates.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthContext<'a> {
    /// HTTP method.
    pub method: &'a Method,
    /// Full request URL, query included.
    pub url: &'a Url,
    /// Exact body bytes that will be sent (empty when there is no body).
    pub body: &'a [u8],
}

impl<'a> AuthContext<'a> {
    /// Builds a context (for custom transports and tests).
    pub fn new(method: &'a Method, url: &'a Url, body: &'a [u8]) -> Self {
        Self { method, url, body }
    }
}

/// Adds credentials to a request attempt. Called once per attempt, so time-based signatures stay fresh.
pub trait Auth: Send + Sync + fmt::Debug {
    /// Adds the credentials to `headers`.
    fn apply(&self, ctx: &AuthContext<'_>, headers: &mut HeaderMap) -> Result<(), InvalidInput>;
}

/// No credentials (for tests and public endpoints).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoAuth;

impl Auth for NoAuth {
    fn apply(&self, _: &AuthContext<'_>, _: &mut HeaderMap) -> Result<(), InvalidInput> {
        Ok(())
    }
}

/// `Authorization: Bearer <token>` (MIEX, AbbeyCross, CHIP, and Bitnob's bearer option).
///
/// The header value is built once at construction, validated and marked sensitive.
#[derive(Clone)]
pub struct Bearer {
    header: HeaderValue,
}

impl Bearer {
    /// Builds bearer auth; refuses empty tokens and tokens that cannot appear in a header.
    pub fn new(token: &Secret) -> Result<Self, InvalidInput> {
        Ok(Self { header: sensitive_value("api_key", "Bearer ", token)? })
    }
}

impl fmt::Debug for Bearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Bearer([REDACTED])")
    }
}

impl Auth for Bearer {
    fn apply(&self, _: &AuthContext<'_>, headers: &mut HeaderMap) -> Result<(), InvalidInput> {
        headers.insert(AUTHORIZATION, self.header.clone());
        Ok(())
    }
}

/// Static credentials in named headers, such as BLAZE's partner key (`x-api-key`) and developer
/// key (`Authorization`, no `Bearer` prefix). Header names are the caller's to choose.
#[derive(Clone, Default)]
pub struct HeaderAuth {
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl HeaderAuth {
    /// No headers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name: <secret>`; refuses an invalid header name, an empty secret or one that
    /// cannot appear in a header.
    pub fn with(mut self, field: &'static str, name: &str, secret: &Secret) -> Result<Self, InvalidInput> {
        let name = HeaderName::try_from(name)
            .map_err(|_| InvalidInput::new(field, format!("`{name}` is not a valid header name")))?;
        self.headers.push((name, sensitive_value(field, "", secret)?));
        Ok(self)
    }
}

impl fmt::Debug for HeaderAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.headers.iter().map(|(n, _)| format!("{n}: [REDACTED]"))).finish()
    }
}

impl Auth for HeaderAuth {
    fn apply(&self, _: &AuthContext<'_>, headers: &mut HeaderMap) -> Result<(), InvalidInput> {
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        Ok(())
    }
}

/// Builds a sensitive header value `prefix + secret`, refusing empty or non-header-safe secrets.
/// The error never contains the secret.
pub fn sensitive_value(field: &'static str, prefix: &str, secret: &Secret) -> Result<HeaderValue, InvalidInput> {
    let raw = secret.expose();
    if raw.trim().is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if raw.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
        return Err(InvalidInput::new(
            field,
            "must be printable ASCII without spaces (check for a stray newline or quote)",
        ));
    }
    let mut value = HeaderValue::try_from(format!("{prefix}{raw}"))
        .map_err(|_| InvalidInput::new(field, "cannot be sent in an HTTP header"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_sets_sensitive_header_and_hides_it() {
        let auth = Bearer::new(&Secret::new("tok_123")).unwrap_or_else(|e| panic!("{e}"));
        let mut h = HeaderMap::new();
        let url = Url::parse("https://x.test/").unwrap_or_else(|e| panic!("{e}"));
        auth.apply(&AuthContext::new(&Method::GET, &url, b""), &mut h).unwrap_or_else(|e| panic!("{e}"));
        let v = &h[AUTHORIZATION];
        assert_eq!(v, "Bearer tok_123");
        assert!(v.is_sensitive());
        assert!(!format!("{auth:?}").contains("tok_123"));
    }

    #[test]
    fn bad_tokens_are_refused_without_echo() {
        for bad in ["", "  ", "tok\n", "a b", "caf\u{e9}"] {
            let err = Bearer::new(&Secret::new(bad)).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.starts_with("invalid api_key"), "{bad:?}: {err}");
        }
        let err = HeaderAuth::new().with("partner_key", "bad header", &Secret::new("k")).err();
        assert!(err.is_some());
    }
}
