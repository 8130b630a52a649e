//! Secret URL tokens for providers that do not sign deliveries (BLAZE).
//!
//! BLAZE documents no signing scheme and hands out no secret. The best a receiver can do
//! is register a callback URL that carries an unguessable token
//! (`https://app.example/hooks/blaze?hb_token=<43 random chars>`) and reject requests whose
//! URI does not carry it.
//!
//! **What this protects against:** forged deliveries from anyone who does not know the
//! full callback URL — scanners, people who guessed the endpoint path, other tenants.
//!
//! **What it does not protect against:**
//! * *Body integrity* — anyone who knows the URL (or sits on the path) can send any body.
//!   Treat the payload as a hint and re-fetch the resource from the provider's API before
//!   acting on it where that matters.
//! * *Token leaks* — the token is part of the URL, so it ends up in access logs, proxy and
//!   load-balancer logs, APM traces and the provider's dashboard. Keep it out of your own
//!   logs (log [`Verified::key_id`](crate::Verified::key_id), never the URI) and rotate it
//!   (a [`KeyRing`] of tokens lets old and new URLs work during the switch).
//! * *Replays* — a captured request can be re-sent verbatim. The receiver pipeline
//!   deduplicates on a digest of the body ([`receive`](crate::receive)).
//!
//! Comparison is constant time against every token of the ring.

use std::fmt;

use http::{HeaderMap, Uri};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::{
    DEFAULT_KEY_ID, KeyError, KeyId, KeyRing, MAX_HEADER_LEN, MalformedReason, Verified, Verifier, VerifyError,
    encoding,
};

/// Query parameter used by [`UrlTokenVerifier::with_token`].
pub const DEFAULT_TOKEN_PARAM: &str = "hb_token";

/// Random bytes in a generated token (256 bits).
pub const TOKEN_BYTES: usize = 32;

/// Shortest token accepted by [`UrlToken::from_string`] (22 base64 characters ≈ 128 bits).
pub const MIN_TOKEN_LEN: usize = 22;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// A secret token carried in a callback URL. `Debug` is redacted; zeroized on drop.
#[derive(Clone)]
pub struct UrlToken(Zeroizing<String>);

impl UrlToken {
    /// Generates a token from 32 bytes of operating-system randomness, as URL-safe base64
    /// without padding (43 characters).
    ///
    /// # Errors
    /// [`KeyError::Randomness`] if the system random number generator fails.
    pub fn generate() -> Result<Self, KeyError> {
        let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
        getrandom::fill(bytes.as_mut_slice()).map_err(KeyError::Randomness)?;
        Ok(Self(Zeroizing::new(encoding::encode(crate::SignatureEncoding::Base64Url, bytes.as_slice()))))
    }

    /// Wraps a token stored earlier (for example loaded from configuration).
    ///
    /// # Errors
    /// [`KeyError::TokenTooShort`] under [`MIN_TOKEN_LEN`] characters,
    /// [`KeyError::InvalidTokenCharacters`] outside `A-Z a-z 0-9 - _ . ~`.
    pub fn from_string(token: impl Into<String>) -> Result<Self, KeyError> {
        let token = Zeroizing::new(token.into());
        if !token.bytes().all(is_unreserved) {
            return Err(KeyError::InvalidTokenCharacters);
        }
        if token.len() < MIN_TOKEN_LEN {
            return Err(KeyError::TokenTooShort { len: token.len(), min: MIN_TOKEN_LEN });
        }
        Ok(Self(token))
    }

    /// The token text, to store it or build the callback URL. Handle it like a password.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UrlToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UrlToken(<redacted>)")
    }
}

impl ZeroizeOnDrop for UrlToken {}

/// Checks that a request URI carries one of the ring's tokens in a query parameter.
///
/// ```
/// use hookbridge_verify::{KeyRing, UrlToken, UrlTokenVerifier, Verifier};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let token = UrlToken::generate()?;
/// let verifier = UrlTokenVerifier::new("hb_token", KeyRing::single("blaze-2025", token.clone()))?;
///
/// // Register this URL with BLAZE:
/// let callback = verifier.callback_url("https://app.example/hooks/blaze?shop=42", &token);
/// assert!(callback.starts_with("https://app.example/hooks/blaze?shop=42&hb_token="));
///
/// // On delivery, check the request URI:
/// let uri: http::Uri = format!("/hooks/blaze?shop=42&hb_token={}", token.expose_secret()).parse()?;
/// let verified = verifier.verify_uri(&uri)?;
/// assert_eq!(verified.key_id().as_str(), "blaze-2025");
/// assert!(verifier.verify_uri(&"/hooks/blaze?shop=42".parse()?).is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct UrlTokenVerifier {
    param: String,
    tokens: Vec<(KeyId, UrlToken)>,
}

impl UrlTokenVerifier {
    /// Builds a verifier reading query parameter `param`.
    ///
    /// # Errors
    /// [`KeyError::InvalidParameterName`] unless `param` is non-empty `A-Z a-z 0-9 - _ . ~`;
    /// [`KeyError::EmptyKeyRing`] / [`KeyError::DuplicateKeyId`].
    pub fn new(param: impl Into<String>, tokens: KeyRing<UrlToken>) -> Result<Self, KeyError> {
        let param = param.into();
        if param.is_empty() || !param.bytes().all(is_unreserved) {
            return Err(KeyError::InvalidParameterName);
        }
        Ok(Self { param, tokens: tokens.into_checked_entries()? })
    }

    /// One token, parameter [`DEFAULT_TOKEN_PARAM`], key id [`DEFAULT_KEY_ID`].
    #[must_use]
    pub fn with_token(token: UrlToken) -> Self {
        Self { param: DEFAULT_TOKEN_PARAM.to_owned(), tokens: vec![(KeyId::from(DEFAULT_KEY_ID), token)] }
    }

    /// The query parameter name.
    #[must_use]
    pub fn param_name(&self) -> &str {
        &self.param
    }

    /// Appends `param=token` to `url`'s query (before any `#fragment`). The token and the
    /// parameter name are URL-safe, so nothing needs escaping.
    #[must_use]
    pub fn callback_url(&self, url: &str, token: &UrlToken) -> String {
        let (base, fragment) = match url.split_once('#') {
            Some((base, fragment)) => (base, Some(fragment)),
            None => (url, None),
        };
        let mut out = String::with_capacity(url.len() + self.param.len() + token.0.len() + 2);
        out.push_str(base);
        // The query starts at the first `?`; later `?`s are query data (RFC 3986 allows them),
        // so a base ending in a second `?` still needs a `&` before the parameter.
        match base.split_once('?') {
            None => out.push('?'),
            Some((_, query)) if query.is_empty() || query.ends_with('&') => {}
            Some(_) => out.push('&'),
        }
        out.push_str(&self.param);
        out.push('=');
        out.push_str(&token.0);
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(fragment);
        }
        out
    }

    /// Checks the request URI's query.
    ///
    /// # Errors
    /// [`VerifyError::MissingQueryParameter`], [`VerifyError::MalformedQueryParameter`]
    /// (repeated, over [`MAX_HEADER_LEN`], empty) or [`VerifyError::NoMatch`].
    pub fn verify_uri(&self, uri: &Uri) -> Result<Verified, VerifyError> {
        self.verify_query(uri.query())
    }

    /// Checks a raw query string (the part after `?`, without it).
    ///
    /// # Errors
    /// As [`verify_uri`](Self::verify_uri).
    pub fn verify_query(&self, query: Option<&str>) -> Result<Verified, VerifyError> {
        if self.tokens.is_empty() {
            return Err(VerifyError::NoKeys);
        }
        let malformed = |reason| VerifyError::MalformedQueryParameter { name: self.param.clone(), reason };
        let query = query.unwrap_or("");
        if query.len() > MAX_HEADER_LEN {
            return Err(malformed(MalformedReason::TooLong { len: query.len(), max: MAX_HEADER_LEN }));
        }
        let mut found: Option<&str> = None;
        let mut count = 0usize;
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if name == self.param {
                count += 1;
                found = Some(value);
            }
        }
        let value = match (found, count) {
            (None, _) => {
                return Err(VerifyError::MissingQueryParameter { name: self.param.clone() });
            }
            (Some(_), 2..) => return Err(malformed(MalformedReason::Repeated { count })),
            (Some(value), _) => value,
        };
        if value.is_empty() {
            return Err(malformed(MalformedReason::Empty));
        }
        let mut matched: Option<&KeyId> = None;
        for (id, token) in &self.tokens {
            let equal: Choice = value.as_bytes().ct_eq(token.0.as_bytes());
            if bool::from(equal) && matched.is_none() {
                matched = Some(id);
            }
        }
        match matched {
            Some(id) => Ok(Verified::new(id.clone(), None, None, false)),
            None => Err(VerifyError::NoMatch { keys_tried: self.tokens.len(), signatures_tried: 1 }),
        }
    }
}

impl fmt::Debug for UrlTokenVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UrlTokenVerifier")
            .field("param", &self.param)
            .field("key_ids", &self.tokens.iter().map(|(id, _)| id).collect::<Vec<_>>())
            .finish()
    }
}

impl Verifier for UrlTokenVerifier {
    /// Always fails with [`VerifyError::UriRequired`]: the token is in the URI, which a
    /// body + headers call does not have. Use [`Verifier::verify_request_at`].
    fn verify_at(&self, _body: &[u8], _headers: &HeaderMap, _now: i64) -> Result<Verified, VerifyError> {
        Err(VerifyError::UriRequired)
    }

    fn verify_request_at(
        &self,
        uri: &Uri,
        _body: &[u8],
        _headers: &HeaderMap,
        _now: i64,
    ) -> Result<Verified, VerifyError> {
        self.verify_uri(uri)
    }
}
