//! The declarative HMAC engine: [`HmacScheme`] describes how a provider signs,
//! [`HmacVerifier`] holds a scheme plus pre-keyed MAC states for a key ring.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderName};
use sha2::{Sha256, Sha512};
use subtle::{Choice, ConstantTimeEq};

use crate::header::{self, Candidates};
use crate::{
    DEFAULT_KEY_ID, DEFAULT_TOLERANCE, EncodingProblem, HmacSecret, KeyError, KeyId, KeyRing, MAX_SIGNATURES,
    MalformedReason, SchemeError, SignatureEncoding, Verified, Verifier, VerifyError, encoding, headers,
};

/// Largest MAC this crate produces (HMAC-SHA512), in bytes.
pub(crate) const MAX_MAC_LEN: usize = 64;

/// The hash function under the HMAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HmacAlgorithm {
    /// HMAC-SHA256 (32-byte signatures).
    Sha256,
    /// HMAC-SHA512 (64-byte signatures).
    Sha512,
}

impl HmacAlgorithm {
    /// Length of the MAC in bytes.
    #[must_use]
    pub const fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }
}

impl fmt::Display for HmacAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sha256 => "HMAC-SHA256",
            Self::Sha512 => "HMAC-SHA512",
        })
    }
}

/// How the signature header value is laid out.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureFormat {
    /// The whole value is one encoded signature (`X-Bitnob-Signature: 3f2a...`).
    Bare,
    /// One encoded signature after a fixed prefix, matched ASCII-case-insensitively
    /// (`X-Webhook-Signature: sha256=3f2a...`).
    Prefixed(Cow<'static, str>),
    /// Stripe's `t=<unix seconds>,v1=<sig>[,v1=<sig>...]`: comma-separated `key=value`
    /// elements (spaces around elements ignored). Exactly one `t=`, which is the signed
    /// timestamp; every `v1=` is a candidate signature; other keys (`v0=`) are ignored.
    Stripe,
    /// Standard Webhooks' space-separated `v1,<sig> [v1,<sig> ...]` list; entries of other
    /// versions (`v1a,...`) are ignored.
    StandardWebhooks,
}

/// Which bytes the MAC covers. The timestamp and id are the header texts exactly as
/// received (not re-formatted), joined with `.`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignedContent {
    /// The raw body only.
    Body,
    /// `timestamp + "." + body` (Bitnob, Stripe).
    TimestampDotBody,
    /// `id + "." + timestamp + "." + body` (Standard Webhooks).
    IdDotTimestampDotBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum TimestampSource {
    Header(HeaderName),
    /// Stripe's `t=` element of the signature header.
    SignatureHeader,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct TimestampSpec {
    source: TimestampSource,
    tolerance_secs: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct IdSpec {
    header: HeaderName,
    signed: bool,
}

/// A declarative description of an HMAC webhook-signing scheme: which header, how the
/// value is laid out and encoded, which bytes are signed, which hash, and the timestamp
/// tolerance. It holds no secret; pair it with keys in an [`HmacVerifier`] (or an
/// [`HmacSigner`](crate::sign::HmacSigner) in tests).
///
/// Use a preset ([`miex`](Self::miex), [`bitnob`](Self::bitnob),
/// [`bitnob_legacy`](Self::bitnob_legacy), [`standard_webhooks`](Self::standard_webhooks),
/// [`stripe`](Self::stripe), [`github`](Self::github)) or describe your own with
/// [`builder`](Self::builder).
///
/// ```
/// use std::time::Duration;
/// use hookbridge_verify::{HmacAlgorithm, HmacScheme, SignatureEncoding, SignatureFormat, SignedContent};
/// use http::HeaderName;
///
/// # fn main() -> Result<(), hookbridge_verify::SchemeError> {
/// let scheme = HmacScheme::builder(HeaderName::from_static("x-acme-signature"))
///     .format(SignatureFormat::Prefixed("v1=".into()))
///     .encoding(SignatureEncoding::Base64)
///     .algorithm(HmacAlgorithm::Sha512)
///     .signed_content(SignedContent::TimestampDotBody)
///     .timestamp_header(HeaderName::from_static("x-acme-timestamp"))
///     .tolerance(Duration::from_secs(120))
///     .build()?;
/// assert_eq!(scheme.signed_content(), SignedContent::TimestampDotBody);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HmacScheme {
    signature_header: HeaderName,
    format: SignatureFormat,
    encoding: SignatureEncoding,
    algorithm: HmacAlgorithm,
    /// Present exactly when the timestamp is part of the signed content.
    timestamp: Option<TimestampSpec>,
    id: Option<IdSpec>,
}

fn tolerance_secs(tolerance: Duration) -> u64 {
    tolerance.as_secs()
}

impl HmacScheme {
    /// Starts describing a custom scheme whose signature is in `signature_header`.
    ///
    /// Defaults: [`SignatureFormat::Bare`], [`SignatureEncoding::Hex`],
    /// [`HmacAlgorithm::Sha256`], [`SignedContent::Body`], no timestamp or id header,
    /// tolerance [`DEFAULT_TOLERANCE`].
    pub fn builder(signature_header: HeaderName) -> HmacSchemeBuilder {
        HmacSchemeBuilder {
            signature_header,
            format: SignatureFormat::Bare,
            encoding: SignatureEncoding::Hex,
            algorithm: HmacAlgorithm::Sha256,
            content: SignedContent::Body,
            timestamp_header: None,
            id_header: None,
            tolerance: DEFAULT_TOLERANCE,
        }
    }

    /// MIEX (docs.miex.solutions/webhooks): `X-Webhook-Signature: sha256=<hex>` where the
    /// hex is HMAC-SHA256(secretKey, raw body). No timestamp, so no replay window: the
    /// receiver pipeline dedupes on a digest of the signed body ([`ReplayKey`](crate::receive::ReplayKey)),
    /// never on the unsigned `X-Webhook-Delivery` job id that [`Verified::id`] reports. Secret: [`HmacSecret::from_str_bytes`].
    #[must_use]
    pub fn miex() -> Self {
        Self {
            signature_header: headers::MIEX_SIGNATURE,
            format: SignatureFormat::Prefixed(Cow::Borrowed("sha256=")),
            encoding: SignatureEncoding::Hex,
            algorithm: HmacAlgorithm::Sha256,
            timestamp: None,
            id: Some(IdSpec { header: headers::MIEX_DELIVERY, signed: false }),
        }
    }

    /// Bitnob (bitnob.dev webhook security): `X-Bitnob-Signature` = hex
    /// HMAC-SHA256(secret, `timestamp + "." + raw body`), `X-Bitnob-Timestamp` in unix
    /// seconds, rejected when more than 5 minutes away from now. (The docs do not state the
    /// encoding; hex is assumed, as the provider facts say.) Secret:
    /// [`HmacSecret::from_str_bytes`].
    #[must_use]
    pub fn bitnob() -> Self {
        Self {
            signature_header: headers::BITNOB_SIGNATURE,
            format: SignatureFormat::Bare,
            encoding: SignatureEncoding::Hex,
            algorithm: HmacAlgorithm::Sha256,
            timestamp: Some(TimestampSpec {
                source: TimestampSource::Header(headers::BITNOB_TIMESTAMP),
                tolerance_secs: tolerance_secs(DEFAULT_TOLERANCE),
            }),
            id: None,
        }
    }

    /// Bitnob's legacy scheme (docs.bitnob.com): `x-bitnob-signature` = hex
    /// HMAC-SHA512(secret, raw body). No timestamp. Secret: [`HmacSecret::from_str_bytes`].
    #[must_use]
    pub fn bitnob_legacy() -> Self {
        Self {
            signature_header: headers::BITNOB_SIGNATURE,
            format: SignatureFormat::Bare,
            encoding: SignatureEncoding::Hex,
            algorithm: HmacAlgorithm::Sha512,
            timestamp: None,
            id: None,
        }
    }

    /// Standard Webhooks (and Svix): `webhook-id`, `webhook-timestamp`,
    /// `webhook-signature: v1,<base64> [v1,<base64> ...]`, HMAC-SHA256 over
    /// `id.timestamp.body`, ±5 minutes. Secret: [`HmacSecret::from_standard_webhooks`]
    /// (base64 after an optional `whsec_`).
    #[must_use]
    pub fn standard_webhooks() -> Self {
        Self {
            signature_header: headers::WEBHOOK_SIGNATURE,
            format: SignatureFormat::StandardWebhooks,
            encoding: SignatureEncoding::Base64,
            algorithm: HmacAlgorithm::Sha256,
            timestamp: Some(TimestampSpec {
                source: TimestampSource::Header(headers::WEBHOOK_TIMESTAMP),
                tolerance_secs: tolerance_secs(DEFAULT_TOLERANCE),
            }),
            id: Some(IdSpec { header: headers::WEBHOOK_ID, signed: true }),
        }
    }

    /// Stripe: `Stripe-Signature: t=<ts>,v1=<hex>[,v1=<hex>]`, hex HMAC-SHA256 over
    /// `t + "." + body`, 5-minute tolerance. Every `v1` is tried (Stripe sends several while
    /// a secret is rolled). Secret: [`HmacSecret::from_str_bytes`] of the whole `whsec_...`
    /// text — Stripe does **not** base64-decode it.
    #[must_use]
    pub fn stripe() -> Self {
        Self {
            signature_header: headers::STRIPE_SIGNATURE,
            format: SignatureFormat::Stripe,
            encoding: SignatureEncoding::Hex,
            algorithm: HmacAlgorithm::Sha256,
            timestamp: Some(TimestampSpec {
                source: TimestampSource::SignatureHeader,
                tolerance_secs: tolerance_secs(DEFAULT_TOLERANCE),
            }),
            id: None,
        }
    }

    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` of HMAC-SHA256(secret, raw body); the
    /// unsigned `X-GitHub-Delivery` GUID is reported as [`Verified::id`]. No timestamp.
    /// Secret: [`HmacSecret::from_str_bytes`].
    #[must_use]
    pub fn github() -> Self {
        Self {
            signature_header: headers::GITHUB_SIGNATURE_256,
            format: SignatureFormat::Prefixed(Cow::Borrowed("sha256=")),
            encoding: SignatureEncoding::Hex,
            algorithm: HmacAlgorithm::Sha256,
            timestamp: None,
            id: Some(IdSpec { header: headers::GITHUB_DELIVERY, signed: false }),
        }
    }

    /// The common "hex HMAC-SHA256 of the raw body" layout under any header, with an optional
    /// value prefix (`sha256=`): no timestamp, no id. Infallible, unlike the
    /// [`builder`](Self::builder), because this layout is always consistent.
    ///
    /// ```
    /// use hookbridge_verify::HmacScheme;
    /// use http::HeaderName;
    ///
    /// let scheme = HmacScheme::hex_of_body(HeaderName::from_static("x-hub-signature-256"), Some("sha256="));
    /// assert_eq!(scheme.signature_header(), "x-hub-signature-256");
    /// ```
    #[must_use]
    pub fn hex_of_body(signature_header: HeaderName, prefix: Option<&'static str>) -> Self {
        Self {
            signature_header,
            format: prefix.map_or(SignatureFormat::Bare, |p| SignatureFormat::Prefixed(Cow::Borrowed(p))),
            encoding: SignatureEncoding::Hex,
            algorithm: HmacAlgorithm::Sha256,
            timestamp: None,
            id: None,
        }
    }

    /// The header holding the signature(s).
    #[must_use]
    pub fn signature_header(&self) -> &HeaderName {
        &self.signature_header
    }

    /// Layout of the signature header value.
    #[must_use]
    pub fn format(&self) -> &SignatureFormat {
        &self.format
    }

    /// Text encoding of the signature bytes.
    #[must_use]
    pub fn encoding(&self) -> SignatureEncoding {
        self.encoding
    }

    /// The HMAC hash.
    #[must_use]
    pub fn algorithm(&self) -> HmacAlgorithm {
        self.algorithm
    }

    /// Which bytes are signed.
    #[must_use]
    pub fn signed_content(&self) -> SignedContent {
        match (&self.timestamp, &self.id) {
            (None, _) => SignedContent::Body,
            (Some(_), Some(IdSpec { signed: true, .. })) => SignedContent::IdDotTimestampDotBody,
            (Some(_), _) => SignedContent::TimestampDotBody,
        }
    }

    /// The timestamp header, when the timestamp comes from its own header (not Stripe's `t=`).
    #[must_use]
    pub fn timestamp_header(&self) -> Option<&HeaderName> {
        match &self.timestamp {
            Some(TimestampSpec { source: TimestampSource::Header(h), .. }) => Some(h),
            _ => None,
        }
    }

    /// The delivery-id header, if the scheme reads one.
    #[must_use]
    pub fn id_header(&self) -> Option<&HeaderName> {
        self.id.as_ref().map(|id| &id.header)
    }

    /// Whether the delivery id is covered by the signature.
    #[must_use]
    pub fn id_is_signed(&self) -> bool {
        self.id.as_ref().is_some_and(|id| id.signed)
    }

    /// The two-sided timestamp tolerance, for schemes that sign a timestamp.
    #[must_use]
    pub fn tolerance(&self) -> Option<Duration> {
        self.timestamp.as_ref().map(|t| Duration::from_secs(t.tolerance_secs))
    }

    /// Returns this scheme with another timestamp tolerance (no effect on schemes without a
    /// timestamp). Example: `HmacScheme::stripe().with_tolerance(Duration::from_secs(600))`.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        if let Some(ts) = &mut self.timestamp {
            ts.tolerance_secs = tolerance_secs(tolerance);
        }
        self
    }

    /// Builds a verifier for this scheme and key ring; same as [`HmacVerifier::new`].
    ///
    /// # Errors
    /// See [`HmacVerifier::new`].
    pub fn verifier(self, keys: KeyRing<HmacSecret>) -> Result<HmacVerifier, KeyError> {
        HmacVerifier::new(self, keys)
    }

    /// Splits the signature header value into candidate signatures (and Stripe's `t=`).
    fn parse_signature_header<'h>(
        &self,
        value: &'h str,
        candidates: &mut Candidates<'h>,
    ) -> Result<Option<&'h str>, MalformedReason> {
        let mut stripe_ts = None;
        match &self.format {
            SignatureFormat::Bare => candidates.push(value)?,
            SignatureFormat::Prefixed(prefix) => {
                let rest = value
                    .get(..prefix.len())
                    .filter(|head| head.eq_ignore_ascii_case(prefix))
                    .and_then(|_| value.get(prefix.len()..))
                    .ok_or_else(|| MalformedReason::MissingPrefix { expected: prefix.clone() })?;
                if rest.is_empty() {
                    return Err(MalformedReason::Empty);
                }
                candidates.push(rest)?;
            }
            SignatureFormat::Stripe => {
                for element in value.split(',').map(|e| e.trim_matches(' ')) {
                    if element.is_empty() {
                        continue;
                    }
                    let (key, val) =
                        element.split_once('=').ok_or(MalformedReason::InvalidElement { expected: "key=value" })?;
                    match key {
                        "t" if stripe_ts.is_some() => return Err(MalformedReason::DuplicateTimestamp),
                        "t" => stripe_ts = Some(val),
                        "v1" => candidates.push(val)?,
                        _ => {}
                    }
                }
                if stripe_ts.is_none() {
                    return Err(MalformedReason::MissingTimestamp);
                }
            }
            SignatureFormat::StandardWebhooks => {
                for entry in value.split(' ').filter(|e| !e.is_empty()) {
                    let (version, sig) = entry
                        .split_once(',')
                        .ok_or(MalformedReason::InvalidElement { expected: "version,signature" })?;
                    if version == "v1" {
                        candidates.push(sig)?;
                    }
                }
            }
        }
        if candidates.is_empty() {
            return Err(MalformedReason::NoSignature { version: "v1" });
        }
        Ok(stripe_ts)
    }
}

/// Builder for a custom [`HmacScheme`]; start with [`HmacScheme::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct HmacSchemeBuilder {
    signature_header: HeaderName,
    format: SignatureFormat,
    encoding: SignatureEncoding,
    algorithm: HmacAlgorithm,
    content: SignedContent,
    timestamp_header: Option<HeaderName>,
    id_header: Option<HeaderName>,
    tolerance: Duration,
}

impl HmacSchemeBuilder {
    /// Layout of the signature header value (default [`SignatureFormat::Bare`]).
    pub fn format(mut self, format: SignatureFormat) -> Self {
        self.format = format;
        self
    }

    /// Text encoding of the signature (default [`SignatureEncoding::Hex`]).
    pub fn encoding(mut self, encoding: SignatureEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Hash under the HMAC (default [`HmacAlgorithm::Sha256`]).
    pub fn algorithm(mut self, algorithm: HmacAlgorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Which bytes are signed (default [`SignedContent::Body`]).
    pub fn signed_content(mut self, content: SignedContent) -> Self {
        self.content = content;
        self
    }

    /// Header holding the unix-seconds timestamp (required when the signed content includes
    /// a timestamp, unless the format is [`SignatureFormat::Stripe`]).
    pub fn timestamp_header(mut self, name: HeaderName) -> Self {
        self.timestamp_header = Some(name);
        self
    }

    /// Header holding the delivery id. Required when the signed content includes the id;
    /// otherwise optional and read only to report [`Verified::id`] (unsigned).
    pub fn id_header(mut self, name: HeaderName) -> Self {
        self.id_header = Some(name);
        self
    }

    /// Two-sided timestamp tolerance (default [`DEFAULT_TOLERANCE`], 5 minutes): deliveries
    /// older than `now - tolerance` or newer than `now + tolerance` are rejected.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks the description is consistent and builds the scheme.
    ///
    /// # Errors
    /// A [`SchemeError`] naming the inconsistency (for example a timestamp that would be
    /// checked but is not signed).
    pub fn build(self) -> Result<HmacScheme, SchemeError> {
        if let SignatureFormat::Prefixed(prefix) = &self.format
            && (prefix.is_empty() || !prefix.bytes().all(|b| (0x21..=0x7e).contains(&b)))
        {
            return Err(SchemeError::InvalidPrefix);
        }
        let signs_ts = matches!(self.content, SignedContent::TimestampDotBody | SignedContent::IdDotTimestampDotBody);
        let signs_id = matches!(self.content, SignedContent::IdDotTimestampDotBody);
        let stripe = matches!(self.format, SignatureFormat::Stripe);
        let source = match (stripe, self.timestamp_header.clone()) {
            (true, Some(_)) => return Err(SchemeError::ConflictingTimestampSource),
            (true, None) => TimestampSource::SignatureHeader,
            (false, Some(h)) => TimestampSource::Header(h),
            (false, None) if signs_ts => return Err(SchemeError::MissingTimestampSource),
            (false, None) => {
                // No timestamp anywhere: body-only content.
                return self.finish(None, signs_id);
            }
        };
        if !signs_ts {
            return Err(SchemeError::UnsignedTimestamp);
        }
        let spec = TimestampSpec { source, tolerance_secs: tolerance_secs(self.tolerance) };
        self.finish(Some(spec), signs_id)
    }

    fn finish(self, timestamp: Option<TimestampSpec>, signs_id: bool) -> Result<HmacScheme, SchemeError> {
        let id = match (self.id_header, signs_id) {
            (None, true) => return Err(SchemeError::MissingIdHeader),
            (None, false) => None,
            (Some(header), signed) => Some(IdSpec { header, signed }),
        };
        Ok(HmacScheme {
            signature_header: self.signature_header,
            format: self.format,
            encoding: self.encoding,
            algorithm: self.algorithm,
            timestamp,
            id,
        })
    }
}

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
/// use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, KeyRing, sign::HmacSigner};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let old = HmacSecret::from_str_bytes("old bitnob secret")?;
/// let new = HmacSecret::from_str_bytes("new bitnob secret")?;
/// let verifier = HmacVerifier::new(
///     HmacScheme::bitnob(),
///     KeyRing::new().with("old", old.clone()).with("new", new),
/// )?;
///
/// // A delivery signed with the old secret (as Bitnob would send it):
/// let body = br#"{"event":"stablecoin.deposit.confirmed"}"#;
/// let headers = HmacSigner::new(HmacScheme::bitnob(), old).sign(body, 1_700_000_000, None)?;
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

    #[test]
    fn builder_rejects_inconsistent_descriptions() {
        let h = HeaderName::from_static("x-sig");
        let t = HeaderName::from_static("x-ts");
        assert_eq!(
            HmacScheme::builder(h.clone()).signed_content(SignedContent::TimestampDotBody).build(),
            Err(SchemeError::MissingTimestampSource)
        );
        assert_eq!(
            HmacScheme::builder(h.clone()).timestamp_header(t.clone()).build(),
            Err(SchemeError::UnsignedTimestamp)
        );
        assert_eq!(
            HmacScheme::builder(h.clone())
                .format(SignatureFormat::Stripe)
                .timestamp_header(t.clone())
                .signed_content(SignedContent::TimestampDotBody)
                .build(),
            Err(SchemeError::ConflictingTimestampSource)
        );
        assert_eq!(
            HmacScheme::builder(h.clone()).format(SignatureFormat::Stripe).build(),
            Err(SchemeError::UnsignedTimestamp)
        );
        assert_eq!(
            HmacScheme::builder(h.clone())
                .signed_content(SignedContent::IdDotTimestampDotBody)
                .timestamp_header(t)
                .build(),
            Err(SchemeError::MissingIdHeader)
        );
        assert_eq!(
            HmacScheme::builder(h.clone()).format(SignatureFormat::Prefixed("".into())).build(),
            Err(SchemeError::InvalidPrefix)
        );
        assert_eq!(
            HmacScheme::builder(h).format(SignatureFormat::Prefixed("sha 256=".into())).build(),
            Err(SchemeError::InvalidPrefix)
        );
    }

    #[test]
    fn presets_equal_their_builder_descriptions() {
        let built = HmacScheme::builder(headers::STRIPE_SIGNATURE)
            .format(SignatureFormat::Stripe)
            .signed_content(SignedContent::TimestampDotBody)
            .build();
        assert_eq!(built, Ok(HmacScheme::stripe()));
        let built = HmacScheme::builder(headers::WEBHOOK_SIGNATURE)
            .format(SignatureFormat::StandardWebhooks)
            .encoding(SignatureEncoding::Base64)
            .signed_content(SignedContent::IdDotTimestampDotBody)
            .timestamp_header(headers::WEBHOOK_TIMESTAMP)
            .id_header(headers::WEBHOOK_ID)
            .build();
        assert_eq!(built, Ok(HmacScheme::standard_webhooks()));
        let built = HmacScheme::builder(headers::BITNOB_SIGNATURE).algorithm(HmacAlgorithm::Sha512).build();
        assert_eq!(built, Ok(HmacScheme::bitnob_legacy()));
        let built = HmacScheme::builder(headers::MIEX_SIGNATURE)
            .format(SignatureFormat::Prefixed("sha256=".into()))
            .id_header(headers::MIEX_DELIVERY)
            .build();
        assert_eq!(built, Ok(HmacScheme::miex()));
    }
}
