//! [`HmacScheme`]: a declarative description of how a sender signs (header, format, encoding,
//! algorithm, signed content, timestamp, id), and its [`HmacSchemeBuilder`].

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use http::HeaderName;

use crate::header::Candidates;
use crate::{DEFAULT_TOLERANCE, MalformedReason, SchemeError, SignatureEncoding};

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
pub(super) enum TimestampSource {
    Header(HeaderName),
    /// Stripe's `t=` element of the signature header.
    SignatureHeader,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct TimestampSpec {
    pub(super) source: TimestampSource,
    pub(super) tolerance_secs: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct IdSpec {
    pub(super) header: HeaderName,
    pub(super) signed: bool,
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
    pub(super) signature_header: HeaderName,
    pub(super) format: SignatureFormat,
    pub(super) encoding: SignatureEncoding,
    pub(super) algorithm: HmacAlgorithm,
    /// Present exactly when the timestamp is part of the signed content.
    pub(super) timestamp: Option<TimestampSpec>,
    pub(super) id: Option<IdSpec>,
}

pub(super) fn tolerance_secs(tolerance: Duration) -> u64 {
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

    /// Splits the signature header value into candidate signatures (and Stripe's `t=`).
    pub(super) fn parse_signature_header<'h>(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
