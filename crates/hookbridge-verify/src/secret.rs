//! HMAC secret key material.

use std::fmt;

use base64::Engine as _;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::encoding;
use crate::{KeyError, SignatureEncoding};

/// Prefix of Standard Webhooks (and Svix) secrets.
pub const WHSEC_PREFIX: &str = "whsec_";

/// The key bytes of an HMAC signing secret.
///
/// * `Debug` prints `HmacSecret(<redacted>)`; there is no `Display` and no accessor for the
///   bytes.
/// * The bytes are zeroized when the value is dropped.
/// * Empty secrets are refused (anyone could forge an empty-key HMAC).
///
/// Pick the constructor that matches how the provider hands the secret out — the same
/// text means different key bytes in different schemes:
///
/// | provider / scheme | constructor |
/// |---|---|
/// | MIEX, Bitnob, GitHub, Stripe (`whsec_...` used *as text*), AbbeyCross `apiSecretKey` | [`from_str_bytes`](Self::from_str_bytes) |
/// | Standard Webhooks / Svix (`whsec_<base64>`) | [`from_standard_webhooks`](Self::from_standard_webhooks) |
/// | a secret delivered as hex / base64 key bytes | [`from_hex`](Self::from_hex) / [`from_base64`](Self::from_base64) |
///
/// ```
/// use hookbridge_verify::HmacSecret;
///
/// # fn main() -> Result<(), hookbridge_verify::KeyError> {
/// let stripe = HmacSecret::from_str_bytes("whsec_test_secret")?; // Stripe: the text's bytes
/// let svix = HmacSecret::from_standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?; // base64 key
/// assert_eq!(format!("{svix:?}"), "HmacSecret(<redacted>)");
/// # let _ = stripe;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct HmacSecret(Zeroizing<Vec<u8>>);

impl HmacSecret {
    /// Uses the given bytes as the key.
    ///
    /// # Errors
    /// [`KeyError::EmptySecret`] if `bytes` is empty.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(bytes.into());
        if bytes.is_empty() {
            return Err(KeyError::EmptySecret);
        }
        Ok(Self(bytes))
    }

    /// Uses the UTF-8 bytes of `secret` as the key — the usual case when a provider shows
    /// the secret as text and signs with it as-is (MIEX, Bitnob, GitHub, Stripe).
    ///
    /// # Errors
    /// [`KeyError::EmptySecret`] if `secret` is empty.
    pub fn from_str_bytes(secret: &str) -> Result<Self, KeyError> {
        Self::from_bytes(secret.as_bytes())
    }

    /// Decodes a Standard Webhooks secret: base64 key bytes after an optional `whsec_`
    /// prefix (surrounding whitespace is ignored).
    ///
    /// # Errors
    /// [`KeyError::InvalidSecretEncoding`] if the rest is not base64,
    /// [`KeyError::EmptySecret`] if it decodes to nothing.
    pub fn from_standard_webhooks(secret: &str) -> Result<Self, KeyError> {
        let trimmed = secret.trim();
        let b64 = trimmed.strip_prefix(WHSEC_PREFIX).unwrap_or(trimmed);
        Self::from_base64(b64)
    }

    /// Decodes base64 (standard alphabet, padding optional) key bytes.
    ///
    /// # Errors
    /// [`KeyError::InvalidSecretEncoding`] or [`KeyError::EmptySecret`].
    pub fn from_base64(secret: &str) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(
            encoding::BASE64_LENIENT
                .decode(secret.trim())
                .map_err(|_| KeyError::InvalidSecretEncoding { encoding: SignatureEncoding::Base64 })?,
        );
        Self::from_zeroizing(bytes)
    }

    /// Decodes hex key bytes.
    ///
    /// # Errors
    /// [`KeyError::InvalidSecretEncoding`] or [`KeyError::EmptySecret`].
    pub fn from_hex(secret: &str) -> Result<Self, KeyError> {
        let bytes = Zeroizing::new(
            hex::decode(secret.trim())
                .map_err(|_| KeyError::InvalidSecretEncoding { encoding: SignatureEncoding::Hex })?,
        );
        Self::from_zeroizing(bytes)
    }

    fn from_zeroizing(bytes: Zeroizing<Vec<u8>>) -> Result<Self, KeyError> {
        if bytes.is_empty() {
            return Err(KeyError::EmptySecret);
        }
        Ok(Self(bytes))
    }

    /// Number of key bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: empty secrets cannot be constructed. Present for API symmetry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for HmacSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSecret(<redacted>)")
    }
}

impl ZeroizeOnDrop for HmacSecret {}
