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
    Verified, Verifier, VerifyError, encoding, header, headers,
};

/// Largest RSA signature accepted: 8192-bit keys, the `rsa` crate's maximum modulus.
pub(crate) const MAX_RSA_SIGNATURE_LEN: usize = 1024;

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
/// let spki = include_str!("../../../fixtures/keys/rsa2048-public-spki.pem");
/// let pkcs1 = include_str!("../../../fixtures/keys/rsa2048-public-pkcs1.pem");
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
            .map(|inner| Self { inner })
            .map_err(|e| spki_error(RsaKeyFormat::SpkiPem, e))
    }

    /// Parses `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1) PEM.
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`].
    pub fn from_pkcs1_pem(pem: &str) -> Result<Self, KeyError> {
        rsa::PublicKey::from_pkcs1_pem(pem.trim())
            .map(|inner| Self { inner })
            .map_err(|e| pkcs1_error(RsaKeyFormat::Pkcs1Pem, e))
    }

    /// Parses SubjectPublicKeyInfo DER.
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`].
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        rsa::PublicKey::from_public_key_der(der)
            .map(|inner| Self { inner })
            .map_err(|e| spki_error(RsaKeyFormat::SpkiDer, e))
    }

    /// Parses PKCS#1 `RSAPublicKey` DER.
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`].
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        rsa::PublicKey::from_pkcs1_der(der)
            .map(|inner| Self { inner })
            .map_err(|e| pkcs1_error(RsaKeyFormat::Pkcs1Der, e))
    }

    /// Parses DER in either form (SubjectPublicKeyInfo first, then PKCS#1).
    ///
    /// # Errors
    /// [`KeyError::InvalidRsaKey`] with the SubjectPublicKeyInfo error when neither parses.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        Self::from_spki_der(der).or_else(|spki| Self::from_pkcs1_der(der).map_err(|_| spki))
    }

    /// Modulus size in bits.
    #[must_use]
    pub fn bits(&self) -> usize {
        self.inner.n().bit_width() as usize
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

    /// CHIP Collect (docs.chip-in.asia, webhook signatures): `X-Signature` = base64 RSA
    /// PKCS#1 v1.5 signature of the SHA-256 digest of the raw body. Webhook deliveries are
    /// signed with that webhook's `public_key`; Purchase `success_callback` deliveries with
    /// the company key from `GET /public_key/`. No timestamp or id header: add a
    /// [`ReplayStore`](crate::ReplayStore) keyed by something in the body if duplicates matter.
    #[must_use]
    pub fn chip() -> Self {
        Self::new(headers::CHIP_SIGNATURE, RsaHash::Sha256)
    }

    /// CHIP Send: as [`chip`](Self::chip) but with SHA-512.
    #[must_use]
    pub fn chip_send() -> Self {
        Self::new(headers::CHIP_SIGNATURE, RsaHash::Sha512)
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
}

/// An [`RsaScheme`] plus a non-empty ring of public keys: verifies deliveries.
///
/// Public-key operations only (the Marvin advisory, RUSTSEC-2023-0071, concerns private-key
/// operations, which this type never performs). The body is hashed once per delivery,
/// whatever the number of keys.
///
/// ```
/// use hookbridge_verify::{RsaPublicKey, RsaScheme, RsaVerifier, VerifyError};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pem = include_str!("../../../fixtures/keys/rsa2048-public-spki.pem");
/// let verifier = RsaVerifier::with_key(RsaScheme::chip(), RsaPublicKey::from_pem(pem)?);
///
/// // A CHIP delivery signed by `openssl dgst -sha256 -sign` (see fixtures/verify/README.md).
/// let body = include_bytes!("../../../fixtures/verify/chip-purchase-paid.body");
/// let signature = include_str!("../../../fixtures/verify/chip-purchase-paid.sig").trim();
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
}

impl RsaVerifier {
    /// Builds a verifier.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn new(scheme: RsaScheme, keys: KeyRing<RsaPublicKey>) -> Result<Self, KeyError> {
        let keys = keys.into_checked_entries()?.into_iter().map(|(id, key)| (id, prepare(scheme.hash, key))).collect();
        Ok(Self { scheme, keys })
    }

    /// A verifier with one key, reported as key id [`DEFAULT_KEY_ID`].
    #[must_use]
    pub fn with_key(scheme: RsaScheme, key: RsaPublicKey) -> Self {
        let prepared = prepare(scheme.hash, key);
        Self { scheme, keys: vec![(KeyId::from(DEFAULT_KEY_ID), prepared)] }
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
        let text = header::required(headers, name)?;
        let mut buf = [0u8; MAX_RSA_SIGNATURE_LEN];
        let bad = |problem| VerifyError::BadEncoding { name: name.clone(), encoding: self.scheme.encoding, problem };
        let len = encoding::decode_into(self.scheme.encoding, text, &mut buf, None).map_err(bad)?;
        let raw = buf.get(..len).ok_or(bad(EncodingProblem::TooLong { max_bytes: MAX_RSA_SIGNATURE_LEN }))?;
        if raw.is_empty() {
            return Err(bad(EncodingProblem::Invalid));
        }
        let signature =
            Signature::try_from(raw).map_err(|_| bad(EncodingProblem::TooLong { max_bytes: MAX_RSA_SIGNATURE_LEN }))?;
        let digest256;
        let digest512;
        let prehash: &[u8] = match self.scheme.hash {
            RsaHash::Sha256 => {
                digest256 = Sha256::digest(body);
                &digest256
            }
            RsaHash::Sha512 => {
                digest512 = Sha512::digest(body);
                &digest512
            }
        };
        for (key_id, key) in &self.keys {
            let ok = match key {
                PreparedKey::Sha256(k) => k.verify_prehash(prehash, &signature).is_ok(),
                PreparedKey::Sha512(k) => k.verify_prehash(prehash, &signature).is_ok(),
            };
            if ok {
                return Ok(Verified::new(key_id.clone(), None, None, false));
            }
        }
        Err(VerifyError::NoMatch { keys_tried: self.keys.len(), signatures_tried: 1 })
    }
}

fn prepare(hash: RsaHash, key: RsaPublicKey) -> PreparedKey {
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
}
