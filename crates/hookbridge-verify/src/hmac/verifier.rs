//! [`HmacVerifier`]: a scheme plus pre-keyed MAC states for a key ring; constant-time checks.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use http::HeaderMap;
use sha2::{Sha256, Sha512};
use subtle::{Choice, ConstantTimeEq};

use crate::header::{self, Candidates};
use crate::{
    DEFAULT_KEY_ID, EncodingProblem, HmacSecret, KeyError, KeyId, KeyRing, MAX_SIGNATURES, MalformedReason, Verified,
    Verifier, VerifyError, encoding,
};

use super::scheme::{HmacAlgorithm, HmacScheme, IdSpec, TimestampSource};

/// Largest MAC this crate produces (HMAC-SHA512), in bytes.
pub(crate) const MAX_MAC_LEN: usize = 64;

/// A key pre-processed for one algorithm: the HMAC inner/outer pad states are computed once
/// at construction and cloned per delivery, so no key is parsed on the hot path.
#[derive(Clone)]
enum KeyedMac {
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
}

impl KeyedMac {
    fn new(algorithm: HmacAlgorithm, secret: &HmacSecret) -> Result<Self, KeyError> {
        let key = secret.expose();
        Ok(match algorithm {
            HmacAlgorithm::Sha256 => {
                Self::Sha256(Hmac::<Sha256>::new_from_slice(key).map_err(|_| KeyError::InvalidSecret)?)
            }
            HmacAlgorithm::Sha512 => {
                Self::Sha512(Hmac::<Sha512>::new_from_slice(key).map_err(|_| KeyError::InvalidSecret)?)
            }
        })
    }

    /// Whether the MAC over `parts` equals any of `signatures`. Every signature is compared
    /// (no early exit), each comparison in constant time.
    fn matches_any(&self, parts: &[&[u8]], signatures: &DecodedSignatures) -> bool {
        match self {
            Self::Sha256(m) => mac_matches_any(m, parts, signatures),
            Self::Sha512(m) => mac_matches_any(m, parts, signatures),
        }
    }

    /// The MAC over `parts`, for the test signers.
    pub(crate) fn compute(&self, parts: &[&[u8]]) -> Vec<u8> {
        match self {
            Self::Sha256(m) => mac_over(m, parts).to_vec(),
            Self::Sha512(m) => mac_over(m, parts).to_vec(),
        }
    }
}

fn mac_over<M: Mac + Clone>(keyed: &M, parts: &[&[u8]]) -> hmac::digest::Output<M> {
    let mut mac = keyed.clone();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes()
}

fn mac_matches_any<M: Mac + Clone>(keyed: &M, parts: &[&[u8]], signatures: &DecodedSignatures) -> bool {
    let tag = mac_over(keyed, parts);
    let mut any = Choice::from(0);
    for signature in signatures.iter() {
        any |= tag.as_slice().ct_eq(signature);
    }
    any.into()
}

/// Decoded candidate signatures, on the stack.
struct DecodedSignatures {
    bufs: [[u8; MAX_MAC_LEN]; MAX_SIGNATURES],
    lens: [usize; MAX_SIGNATURES],
    count: usize,
}

impl DecodedSignatures {
    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.bufs.iter().zip(self.lens.iter()).take(self.count).map(|(buf, &len)| buf.get(..len).unwrap_or(&[]))
    }
}

/// An [`HmacScheme`] plus a non-empty ring of secrets: verifies deliveries.
///
/// Build it once (at startup) and share it (`Arc` or `&'static`); verification does not
/// allocate except for the returned [`Verified`]'s id string.
///
/// ```
/// use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, KeyRing, SignedContent, sign::HmacSigner};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // hex HMAC-SHA256 of `timestamp.body`, the timestamp in its own header.
/// let scheme = HmacScheme::builder(http::HeaderName::from_static("x-acme-signature"))
///     .signed_content(SignedContent::TimestampDotBody)
///     .timestamp_header(http::HeaderName::from_static("x-acme-timestamp"))
///     .build()?;
/// let old = HmacSecret::from_str_bytes("old secret")?;
/// let new = HmacSecret::from_str_bytes("new secret")?;
/// let verifier = HmacVerifier::new(
///     scheme.clone(),
///     KeyRing::new().with("old", old.clone()).with("new", new),
/// )?;
///
/// // A delivery signed with the old secret:
/// let body = br#"{"event":"stablecoin.deposit.confirmed"}"#;
/// let headers = HmacSigner::new(scheme, old).sign(body, 1_700_000_000, None)?;
///
/// let verified = verifier.verify_at(body, &headers, 1_700_000_030)?;
/// assert_eq!(verified.key_id().as_str(), "old");
/// assert_eq!(verified.timestamp(), Some(1_700_000_000));
///
/// // Stale, tampered or unsigned deliveries fail:
/// assert!(verifier.verify_at(body, &headers, 1_700_000_000 + 301).is_err());
/// assert!(verifier.verify_at(b"{}", &headers, 1_700_000_030).is_err());
/// assert!(verifier.verify_at(body, &http::HeaderMap::new(), 1_700_000_030).is_err());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct HmacVerifier {
    scheme: HmacScheme,
    keys: Vec<(KeyId, KeyedMac)>,
}

impl HmacVerifier {
    /// Builds a verifier. Each secret is pre-keyed once here.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] for an empty ring (a verifier that can never succeed is a
    /// configuration bug), [`KeyError::DuplicateKeyId`] for repeated ids.
    pub fn new(scheme: HmacScheme, keys: KeyRing<HmacSecret>) -> Result<Self, KeyError> {
        let keys = keys
            .into_checked_entries()?
            .into_iter()
            .map(|(id, secret)| Ok((id, KeyedMac::new(scheme.algorithm, &secret)?)))
            .collect::<Result<Vec<_>, KeyError>>()?;
        Ok(Self { scheme, keys })
    }

    /// A verifier with one secret, reported as key id [`DEFAULT_KEY_ID`].
    #[must_use]
    pub fn with_secret(scheme: HmacScheme, secret: HmacSecret) -> Self {
        let keys = match KeyedMac::new(scheme.algorithm, &secret) {
            Ok(mac) => vec![(KeyId::from(DEFAULT_KEY_ID), mac)],
            // HMAC accepts keys of any length, so this cannot happen; if it ever did the
            // verifier holds no key and rejects everything (fail closed).
            Err(_) => Vec::new(),
        };
        Self { scheme, keys }
    }

    /// The scheme.
    #[must_use]
    pub fn scheme(&self) -> &HmacScheme {
        &self.scheme
    }

    /// Ids of the keys, in the order they are tried.
    pub fn key_ids(&self) -> impl Iterator<Item = &KeyId> {
        self.keys.iter().map(|(id, _)| id)
    }

    /// Verifies with the system clock (read only when the scheme signs a timestamp).
    ///
    /// # Errors
    /// A [`VerifyError`] saying why the delivery must be rejected.
    pub fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<Verified, VerifyError> {
        // Schemes without a timestamp never look at `now`: skip the clock read (~40 ns, about
        // 4% of a 1 KiB verification; see docs/PERFORMANCE.md).
        let now = if self.scheme.timestamp.is_some() { crate::unix_now() } else { 0 };
        self.verify_at(body, headers, now)
    }

    /// Verifies the raw `body` and `headers` of a delivery as of `now` (unix seconds).
    ///
    /// Order: header parsing, timestamp tolerance, id, signature decoding, then every
    /// signature against every key.
    ///
    /// # Errors
    /// A [`VerifyError`] saying why the delivery must be rejected.
    pub fn verify_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<Verified, VerifyError> {
        if self.keys.is_empty() {
            return Err(VerifyError::NoKeys);
        }
        let scheme = &self.scheme;
        let sig_name = &scheme.signature_header;
        let value = header::required(headers, sig_name)?;

        let mut candidates = Candidates::new();
        let stripe_ts = scheme
            .parse_signature_header(value, &mut candidates)
            .map_err(|reason| VerifyError::MalformedHeader { name: sig_name.clone(), reason })?;

        // Timestamp: read, parse, check the window.
        let timestamp = match &scheme.timestamp {
            None => None,
            Some(spec) => {
                let (name, text) = match &spec.source {
                    TimestampSource::Header(name) => (name, header::required(headers, name)?),
                    TimestampSource::SignatureHeader => (
                        sig_name,
                        stripe_ts.ok_or_else(|| VerifyError::MalformedHeader {
                            name: sig_name.clone(),
                            reason: MalformedReason::MissingTimestamp,
                        })?,
                    ),
                };
                let ts = header::parse_unix_seconds(text).ok_or_else(|| VerifyError::MalformedHeader {
                    name: name.clone(),
                    reason: MalformedReason::InvalidTimestamp,
                })?;
                check_window(ts, now, spec.tolerance_secs)?;
                Some((text, ts))
            }
        };

        // Delivery id: required when signed, informational otherwise.
        let id = match &scheme.id {
            None => None,
            Some(IdSpec { header: name, signed: true }) => Some(header::required(headers, name)?),
            Some(IdSpec { header: name, signed: false }) => header::optional(headers, name)?,
        };

        // Decode every candidate into the stack buffers.
        let expected_len = scheme.algorithm.output_len();
        let mut decoded =
            DecodedSignatures { bufs: [[0; MAX_MAC_LEN]; MAX_SIGNATURES], lens: [0; MAX_SIGNATURES], count: 0 };
        let mut first_problem: Option<EncodingProblem> = None;
        for text in candidates.as_slice() {
            let (Some(buf), Some(len_slot)) =
                (decoded.bufs.get_mut(decoded.count), decoded.lens.get_mut(decoded.count))
            else {
                break;
            };
            match encoding::decode_into(scheme.encoding, text, buf, Some(expected_len)) {
                Ok(len) => {
                    *len_slot = len;
                    decoded.count += 1;
                }
                Err(problem) => {
                    first_problem.get_or_insert(problem);
                }
            }
        }
        if decoded.count == 0 {
            return Err(VerifyError::BadEncoding {
                name: sig_name.clone(),
                encoding: scheme.encoding,
                problem: first_problem.unwrap_or(EncodingProblem::Invalid),
            });
        }

        // The signed bytes, fed to the MAC piece by piece (no concatenation).
        let signed_id = id.filter(|_| scheme.id_is_signed());
        let mut parts: [&[u8]; 5] = [&[]; 5];
        let mut n = 0;
        for part in [
            signed_id.map(str::as_bytes),
            signed_id.map(|_| b".".as_slice()),
            timestamp.map(|(text, _)| text.as_bytes()),
            timestamp.map(|_| b".".as_slice()),
            Some(body),
        ]
        .into_iter()
        .flatten()
        {
            if let Some(slot) = parts.get_mut(n) {
                *slot = part;
                n += 1;
            }
        }
        let parts = parts.get(..n).unwrap_or(&[]);

        for (key_id, mac) in &self.keys {
            if mac.matches_any(parts, &decoded) {
                return Ok(Verified::new(key_id.clone(), timestamp.map(|(_, ts)| ts), id, scheme.id_is_signed()));
            }
        }
        Err(VerifyError::NoMatch { keys_tried: self.keys.len(), signatures_tried: decoded.count })
    }
}

/// Rejects timestamps outside `now ± tolerance`.
pub(crate) fn check_window(ts: i64, now: i64, tolerance_secs: u64) -> Result<(), VerifyError> {
    let diff = i128::from(now) - i128::from(ts);
    let magnitude = u64::try_from(diff.unsigned_abs()).unwrap_or(u64::MAX);
    if magnitude <= tolerance_secs {
        Ok(())
    } else if diff > 0 {
        Err(VerifyError::TimestampTooOld { age_secs: magnitude, tolerance_secs })
    } else {
        Err(VerifyError::TimestampInFuture { skew_secs: magnitude, tolerance_secs })
    }
}

impl fmt::Debug for HmacVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacVerifier")
            .field("scheme", &self.scheme)
            .field("key_ids", &self.keys.iter().map(|(id, _)| id).collect::<Vec<_>>())
            .finish()
    }
}

impl Verifier for HmacVerifier {
    fn verify_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<Verified, VerifyError> {
        HmacVerifier::verify_at(self, body, headers, now)
    }
}

/// The MAC over a scheme's signed content for one secret; used by the test signers.
pub(crate) fn compute_mac(
    scheme: &HmacScheme,
    secret: &HmacSecret,
    id: Option<&str>,
    timestamp: Option<&str>,
    body: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let mac = KeyedMac::new(scheme.algorithm, secret)?;
    let mut parts: Vec<&[u8]> = Vec::with_capacity(5);
    if let Some(id) = id {
        parts.push(id.as_bytes());
        parts.push(b".");
    }
    if let Some(ts) = timestamp {
        parts.push(ts.as_bytes());
        parts.push(b".");
    }
    parts.push(body);
    Ok(mac.compute(&parts))
}

impl HmacScheme {
    /// Builds a verifier for this scheme and key ring; same as [`HmacVerifier::new`].
    ///
    /// # Errors
    /// See [`HmacVerifier::new`].
    pub fn verifier(self, keys: KeyRing<HmacSecret>) -> Result<HmacVerifier, KeyError> {
        HmacVerifier::new(self, keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_is_two_sided_and_inclusive() {
        assert_eq!(check_window(1000, 1300, 300), Ok(()));
        assert_eq!(check_window(1300, 1000, 300), Ok(()));
        assert_eq!(
            check_window(1000, 1301, 300),
            Err(VerifyError::TimestampTooOld { age_secs: 301, tolerance_secs: 300 })
        );
        assert_eq!(
            check_window(1301, 1000, 300),
            Err(VerifyError::TimestampInFuture { skew_secs: 301, tolerance_secs: 300 })
        );
        // Extreme values do not overflow.
        assert!(matches!(
            check_window(i64::MAX, i64::MIN, 300),
            Err(VerifyError::TimestampInFuture { skew_secs: u64::MAX, .. })
        ));
        assert!(matches!(check_window(0, i64::MAX, u64::MAX), Ok(())));
    }
}
