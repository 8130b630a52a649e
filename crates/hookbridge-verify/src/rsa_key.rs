//! RSA PKCS#1 v1.5 signature verification (CHIP Collect / CHIP Send).

use std::fmt;

use http::{HeaderMap, HeaderName};
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::signature::hazmat::PrehashVerifier as _;
use rsa::traits::PublicKeyParts as _;
use sha2::{Digest as _, Sha256, Sha512};

use crate::error::RsaKeyParseInner;
use crate::{
    DEFAULT_KEY_ID, EncodingProblem, KeyError, KeyId, KeyRing, RsaKeyFormat, RsaKeyParseError, SignatureEncoding,
    Verified, Verifier, VerifyError, encoding, header,
};

/// Largest RSA signature accepted: 8192-bit keys, the `rsa` crate's maximum modulus.
pub(crate) const MAX_RSA_SIGNATURE_LEN: usize = 1024;

/// Smallest RSA modulus accepted by the parsers, in bits. Smaller keys are refused with
/// [`KeyError::RsaKeyTooSmall`] (including the key CHIP serves at `/public_key/`); see
/// [`RsaPublicKey::from_pem_allowing_legacy_size`] for the explicit legacy opt-in.
pub const MIN_RSA_BITS: usize = 2048;

/// Smallest modulus even the legacy opt-in accepts, in bits.
pub const LEGACY_MIN_RSA_BITS: usize = 1024;

/// The digest signed with RSA PKCS#1 v1.5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RsaHash {
    /// SHA-256 (CHIP Collect).
    Sha256,
    /// SHA-512 (CHIP Send).
    Sha512,
}

impl fmt::Display for RsaHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sha256 => "SHA-256",
            Self::Sha512 => "SHA-512",
        })
    }
}

/// An RSA public key, parsed once and reused for every delivery (PEM parsing costs about
/// as much as a verification, so do it at startup or when the key changes).
///
/// `Debug` shows only the modulus size.
///
/// ```
/// use hookbridge_verify::RsaPublicKey;
///
/// # fn main() -> Result<(), hookbridge_verify::KeyError> {
/// let spki = include_str!("../../hookbridge-testkit/data/keys/rsa2048-public-spki.pem");
/// let pkcs1 = include_str!("../../hookbridge-testkit/data/keys/rsa2048-public-pkcs1.pem");
/// let a = RsaPublicKey::from_pem(spki)?;
/// let b = RsaPublicKey::from_pem(pkcs1)?;
/// assert_eq!(a, b);
/// assert_eq!(a.bits(), 2048);
/// assert!(RsaPublicKey::from_pem("not a key").is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RsaPublicKey {
    inner: rsa::PublicKey,
}

impl RsaPublicKey {
    /// Parses PEM text, choosing the format from its label: `PUBLIC KEY` (SubjectPublicKeyInfo,
    /// what CHIP's `public_key` fields and `/public_key/` hold) or `RSA PUBLIC KEY` (PKCS#1).
    /// Surrounding whitespace is ignored.
    ///
    /// # Errors
    /// [`KeyError::NotPem`], [`KeyError::UnsupportedPemLabel`] or [`KeyError::InvalidRsaKey`].
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let label = pem_label(pem).ok_or(KeyError::NotPem)?;
        match label {
            "PUBLIC KEY" => Self::from_spki_pem(pem),
            "RSA PUBLIC KEY" => Self::from_pkcs1_pem(pem),
            other => Err(KeyError::UnsupportedPemLabel { label: other.to_owned() }),
        }
    }

    /// Parses `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) PEM.
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`].
    pub fn from_spki_pem(pem: &str) -> Result<Self, KeyError> {
        rsa::PublicKey::from_public_key_pem(pem.trim())
            .map_err(|e| spki_error(RsaKeyFormat::SpkiPem, e))
            .and_then(Self::checked)
    }

    /// Parses `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1) PEM.
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`].
    pub fn from_pkcs1_pem(pem: &str) -> Result<Self, KeyError> {
        rsa::PublicKey::from_pkcs1_pem(pem.trim())
            .map_err(|e| pkcs1_error(RsaKeyFormat::Pkcs1Pem, e))
            .and_then(Self::checked)
    }

    /// Parses SubjectPublicKeyInfo DER.
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        rsa::PublicKey::from_public_key_der(der)
            .map_err(|e| spki_error(RsaKeyFormat::SpkiDer, e))
            .and_then(Self::checked)
    }

    /// Parses PKCS#1 `RSAPublicKey` DER.
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`].
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        rsa::PublicKey::from_pkcs1_der(der).map_err(|e| pkcs1_error(RsaKeyFormat::Pkcs1Der, e)).and_then(Self::checked)
    }

    /// Parses DER in either form (SubjectPublicKeyInfo first, then PKCS#1).
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`] with the SubjectPublicKeyInfo error when neither parses.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_spki_der(der).or_else(|spki| Self::from_pkcs1_der(der).map_err(|_| spki))
    }

    /// Parses PEM like [`from_pem`](Self::from_pem) but also accepts keys of 1024 to 2047
    /// bits. **Legacy opt-in**: such keys are below current guidance (NIST SP 800-131A) and
    /// nothing in hookbridge uses this by default; use it only for a sender that cannot rotate
    /// to a 2048-bit key yet.
    ///
    /// # Errors
    /// As [`from_pem`](Self::from_pem), and [`KeyError::RsaKeyTooSmall`] under 1024 bits.
    pub fn from_pem_allowing_legacy_size(pem: &str) -> Result<Self, KeyError> {
        match Self::from_pem(pem) {
            Err(KeyError::RsaKeyTooSmall { .. }) => {
                let pem = pem.trim();
                let inner = match pem_label(pem) {
                    Some("RSA PUBLIC KEY") => {
                        rsa::PublicKey::from_pkcs1_pem(pem).map_err(|e| pkcs1_error(RsaKeyFormat::Pkcs1Pem, e))?
                    }
                    _ => rsa::PublicKey::from_public_key_pem(pem).map_err(|e| spki_error(RsaKeyFormat::SpkiPem, e))?,
                };
                let key = Self { inner };
                if key.bits() < LEGACY_MIN_RSA_BITS {
                    return Err(KeyError::RsaKeyTooSmall { bits: key.bits(), min: LEGACY_MIN_RSA_BITS });
                }
                Ok(key)
            }
            other => other,
        }
    }

    /// Refuses moduli under [`MIN_RSA_BITS`].
    fn checked(inner: rsa::PublicKey) -> Result<Self, KeyError> {
        let key = Self { inner };
        if key.bits() < MIN_RSA_BITS {
            return Err(KeyError::RsaKeyTooSmall { bits: key.bits(), min: MIN_RSA_BITS });
        }
        Ok(key)
    }

    /// Modulus size in bits.
    #[must_use]
    pub fn bits(&self) -> usize {
        self.inner.n().bit_width() as usize
    }

    /// The key as `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) PEM, the form CHIP's
    /// `public_key` fields hold and [`from_pem`](Self::from_pem) reads back. A public key is not
    /// a secret: this is what a sender hands to its receivers.
    ///
    /// ```
    /// use hookbridge_verify::RsaPublicKey;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let pem = include_str!("../../hookbridge-testkit/data/keys/rsa2048-public-pkcs1.pem");
    /// let key = RsaPublicKey::from_pem(pem)?;
    /// let spki = key.to_pem()?;
    /// assert!(spki.starts_with("-----BEGIN PUBLIC KEY-----"));
    /// assert_eq!(RsaPublicKey::from_pem(&spki)?, key);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`] if the encoder fails (it does not for a parsed key).
    pub fn to_pem(&self) -> Result<String, KeyError> {
        use rsa::pkcs8::EncodePublicKey as _;
        self.inner.to_public_key_pem(rsa::pkcs8::LineEnding::LF).map_err(|e| spki_error(RsaKeyFormat::SpkiPem, e))
    }

    #[cfg_attr(not(feature = "rsa-signing"), allow(dead_code))]
    pub(crate) fn from_inner(inner: rsa::PublicKey) -> Self {
        Self { inner }
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaPublicKey").field("bits", &self.bits()).finish()
    }
}

fn spki_error(format: RsaKeyFormat, e: rsa::pkcs8::spki::Error) -> KeyError {
    KeyError::InvalidRsaKey { format, source: RsaKeyParseError(RsaKeyParseInner::Spki(e)) }
}

fn pkcs1_error(format: RsaKeyFormat, e: rsa::pkcs1::Error) -> KeyError {
    KeyError::InvalidRsaKey { format, source: RsaKeyParseError(RsaKeyParseInner::Pkcs1(e)) }
}

/// The label of the first `-----BEGIN <label>-----` line.
pub(crate) fn pem_label(pem: &str) -> Option<&str> {
    let start = pem.find("-----BEGIN ")? + "-----BEGIN ".len();
    let rest = pem.get(start..)?;
    let end = rest.find("-----")?;
    rest.get(..end)
}

/// Where an RSA signature is and how it is made: the header, the digest and the text
/// encoding of the signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RsaScheme {
    header: HeaderName,
    hash: RsaHash,
    encoding: SignatureEncoding,
}

impl RsaScheme {
    /// A scheme with the signature in `header`, base64 encoded.
    #[must_use]
    pub fn new(header: HeaderName, hash: RsaHash) -> Self {
        Self { header, hash, encoding: SignatureEncoding::Base64 }
    }

    /// Returns the scheme with another signature encoding.
    #[must_use]
    pub fn with_encoding(mut self, encoding: SignatureEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Reads and decodes the signature header without any key: what a key source checks
    /// **before** fetching a key, so that requests without a usable signature never wait on
    /// (or cause) a fetch.
    ///
    /// # Errors
    /// [`VerifyError::MissingHeader`], [`VerifyError::MalformedHeader`] or
    /// [`VerifyError::BadEncoding`].
    pub fn check_signature_header(&self, headers: &HeaderMap) -> Result<(), VerifyError> {
        let mut buf = [0u8; MAX_RSA_SIGNATURE_LEN];
        self.decode_signature(headers, &mut buf).map(|_| ())
    }

    fn decode_signature<'b>(&self, headers: &HeaderMap, buf: &'b mut [u8]) -> Result<&'b [u8], VerifyError> {
        let name = &self.header;
        let text = header::required(headers, name)?;
        let bad = |problem| VerifyError::BadEncoding { name: name.clone(), encoding: self.encoding, problem };
        let len = encoding::decode_into(self.encoding, text, buf, None).map_err(bad)?;
        let raw = match buf.get(..len) {
            Some(raw) => raw,
            None => return Err(bad(EncodingProblem::TooLong { max_bytes: MAX_RSA_SIGNATURE_LEN })),
        };
        if raw.is_empty() {
            return Err(bad(EncodingProblem::Invalid));
        }
        Ok(raw)
    }

    /// The signature header.
    #[must_use]
    pub fn header(&self) -> &HeaderName {
        &self.header
    }

    /// The digest.
    #[must_use]
    pub fn hash(&self) -> RsaHash {
        self.hash
    }

    /// The signature's text encoding.
    #[must_use]
    pub fn encoding(&self) -> SignatureEncoding {
        self.encoding
    }
}

#[derive(Clone)]
enum PreparedKey {
    Sha256(VerifyingKey<Sha256>),
    Sha512(VerifyingKey<Sha512>),
    /// Feature `aws-lc`: the key parsed by aws-lc (see `rsa_aws_lc`).
    #[cfg(feature = "aws-lc")]
    AwsLc(crate::rsa_aws_lc::AwsLcKey),
}

impl PreparedKey {
    fn uses_rsa_crate(&self) -> bool {
        match self {
            Self::Sha256(_) | Self::Sha512(_) => true,
            #[cfg(feature = "aws-lc")]
            Self::AwsLc(_) => false,
        }
    }
}

/// The body's digest for the `rsa` crate's pre-hash verification.
enum Prehash {
    Sha256(sha2::digest::Output<Sha256>),
    Sha512(sha2::digest::Output<Sha512>),
}

impl Prehash {
    fn new(hash: RsaHash, body: &[u8]) -> Self {
        match hash {
            RsaHash::Sha256 => Self::Sha256(Sha256::digest(body)),
            RsaHash::Sha512 => Self::Sha512(Sha512::digest(body)),
        }
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            Self::Sha256(d) => d,
            Self::Sha512(d) => d,
        }
    }
}

/// An [`RsaScheme`] plus a non-empty ring of public keys: verifies deliveries.
///
/// Public-key operations only (the Marvin advisory, RUSTSEC-2023-0071, concerns private-key
/// operations, which this type never performs). The body is hashed once per delivery,
/// whatever the number of keys.
///
/// ```
/// use hookbridge_verify::{RsaHash, RsaPublicKey, RsaScheme, RsaVerifier, VerifyError};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pem = include_str!("../../hookbridge-testkit/data/keys/rsa2048-public-spki.pem");
/// // CHIP's scheme (the CHIP crate ships it as `hookbridge_chip::delivery_scheme()`).
/// let scheme = RsaScheme::new(http::HeaderName::from_static("x-signature"), RsaHash::Sha256);
/// let verifier = RsaVerifier::with_key(scheme, RsaPublicKey::from_pem(pem)?);
///
/// // A CHIP delivery signed by `openssl dgst -sha256 -sign` (see crates/hookbridge-testkit/data/verify/README.md).
/// let body = include_bytes!("../../hookbridge-testkit/data/verify/chip-purchase-paid.body");
/// let signature = include_str!("../../hookbridge-testkit/data/verify/chip-purchase-paid.sig").trim();
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-signature", signature.parse()?);
/// assert!(verifier.verify(body, &headers).is_ok());
///
/// let tampered = [body.as_slice(), b" "].concat();
/// assert!(matches!(verifier.verify(&tampered, &headers), Err(VerifyError::NoMatch { .. })));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RsaVerifier {
    scheme: RsaScheme,
    keys: Vec<(KeyId, PreparedKey)>,
    /// Whether any key verifies through the `rsa` crate (always, without the `aws-lc` feature).
    rsa_crate: bool,
}

impl RsaVerifier {
    /// Builds a verifier.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn new(scheme: RsaScheme, keys: KeyRing<RsaPublicKey>) -> Result<Self, KeyError> {
        let keys = keys.into_checked_entries()?.into_iter().map(|(id, key)| (id, prepare(scheme.hash, key))).collect();
        Ok(Self::from_prepared(scheme, keys))
    }

    /// A verifier with one key, reported as key id [`DEFAULT_KEY_ID`].
    #[must_use]
    pub fn with_key(scheme: RsaScheme, key: RsaPublicKey) -> Self {
        let prepared = prepare(scheme.hash, key);
        Self::from_prepared(scheme, vec![(KeyId::from(DEFAULT_KEY_ID), prepared)])
    }

    fn from_prepared(scheme: RsaScheme, keys: Vec<(KeyId, PreparedKey)>) -> Self {
        let rsa_crate = keys.iter().any(|(_, key)| key.uses_rsa_crate());
        Self { scheme, keys, rsa_crate }
    }

    /// The scheme.
    #[must_use]
    pub fn scheme(&self) -> &RsaScheme {
        &self.scheme
    }

    /// Ids of the keys, in the order they are tried.
    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.iter().map(|(id, _)| id)
    }

    /// Verifies with the system clock (RSA schemes carry no timestamp, so the clock is unused).
    ///
    /// # Errors
    /// A [`VerifyError`] saying why the delivery must be rejected.
    pub fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<Verified, VerifyError> {
        self.verify_at(body, headers, crate::unix_now())
    }

    /// Verifies the raw `body` against the signature header.
    ///
    /// # Errors
    /// A [`VerifyError`] saying why the delivery must be rejected.
    pub fn verify_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<Verified, VerifyError> {
        let _ = now;
        if self.keys.is_empty() {
            return Err(VerifyError::NoKeys);
        }
        let name = &self.scheme.header;
        let mut buf = [0u8; MAX_RSA_SIGNATURE_LEN];
        let raw = self.scheme.decode_signature(headers, &mut buf)?;
        let bad = |problem| VerifyError::BadEncoding { name: name.clone(), encoding: self.scheme.encoding, problem };
        // Inputs of the `rsa` crate, only when some key uses it (with the `aws-lc` feature,
        // usually none does and neither the sha2 digest nor the big-integer signature is made).
        let rsa_inputs = if self.rsa_crate {
            let signature = Signature::try_from(raw)
                .map_err(|_| bad(EncodingProblem::TooLong { max_bytes: MAX_RSA_SIGNATURE_LEN }))?;
            Some((signature, Prehash::new(self.scheme.hash, body)))
        } else {
            None
        };
        #[cfg(feature = "aws-lc")]
        let mut aws_lc_digest = None;
        for (key_id, key) in &self.keys {
            let ok = match (key, &rsa_inputs) {
                (PreparedKey::Sha256(k), Some((signature, prehash))) => {
                    k.verify_prehash(prehash.as_slice(), signature).is_ok()
                }
                (PreparedKey::Sha512(k), Some((signature, prehash))) => {
                    k.verify_prehash(prehash.as_slice(), signature).is_ok()
                }
                #[cfg(feature = "aws-lc")]
                (PreparedKey::AwsLc(k), _) => k.verifies(
                    aws_lc_digest.get_or_insert_with(|| crate::rsa_aws_lc::body_digest(self.scheme.hash, body)),
                    raw,
                ),
                // `rsa_inputs` is present whenever a key uses the `rsa` crate; fail closed anyway.
                (PreparedKey::Sha256(_) | PreparedKey::Sha512(_), None) => false,
            };
            if ok {
                return Ok(Verified::new(key_id.clone(), None, None, false));
            }
        }
        Err(VerifyError::NoMatch { keys_tried: self.keys.len(), signatures_tried: 1 })
    }
}

fn prepare(hash: RsaHash, key: RsaPublicKey) -> PreparedKey {
    #[cfg(feature = "aws-lc")]
    if let Some(fast) = crate::rsa_aws_lc::AwsLcKey::new(hash, &key.inner) {
        return PreparedKey::AwsLc(fast);
    }
    match hash {
        RsaHash::Sha256 => PreparedKey::Sha256(VerifyingKey::new(key.inner)),
        RsaHash::Sha512 => PreparedKey::Sha512(VerifyingKey::new(key.inner)),
    }
}

impl fmt::Debug for RsaVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaVerifier")
            .field("scheme", &self.scheme)
            .field("key_ids", &self.keys.iter().map(|(id, _)| id).collect::<Vec<_>>())
            .finish()
    }
}

impl Verifier for RsaVerifier {
    fn verify_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<Verified, VerifyError> {
        RsaVerifier::verify_at(self, body, headers, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_labels() {
        assert_eq!(pem_label("-----BEGIN PUBLIC KEY-----\nabc"), Some("PUBLIC KEY"));
        assert_eq!(pem_label("junk\n-----BEGIN RSA PUBLIC KEY-----\n"), Some("RSA PUBLIC KEY"));
        assert_eq!(pem_label("-----BEGIN "), None);
        assert_eq!(pem_label("no pem"), None);
    }

    #[cfg(feature = "aws-lc")]
    #[test]
    fn aws_lc_backend_takes_the_fixture_keys() {
        #![allow(clippy::unwrap_used)]
        for name in ["rsa2048-public-spki.pem", "rsa4096-public-pkcs1.pem"] {
            let path = format!("{}/../hookbridge-testkit/data/keys/{name}", env!("CARGO_MANIFEST_DIR"));
            let key = RsaPublicKey::from_pem(&std::fs::read_to_string(path).unwrap()).unwrap();
            let header = http::HeaderName::from_static("x-signature");
            for scheme in [RsaScheme::new(header.clone(), RsaHash::Sha256), RsaScheme::new(header, RsaHash::Sha512)] {
                let verifier = RsaVerifier::with_key(scheme, key.clone());
                assert!(!verifier.rsa_crate, "{name}");
                assert!(verifier.keys.iter().all(|(_, k)| matches!(k, PreparedKey::AwsLc(_))), "{name}");
            }
        }
    }
}
