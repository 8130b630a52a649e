//! Error types: verification failures, key/secret construction failures,
//! scheme-builder mistakes and test-signer failures.
//!
//! None of these types ever carries a secret, a computed (expected) signature, or a
//! header value: only header *names*, counts, lengths and the kind of problem.

use std::borrow::Cow;
use std::fmt;

use http::HeaderName;

use crate::KeyId;

/// How a signature is written in a header: the text encoding of the MAC / RSA signature bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureEncoding {
    /// Hexadecimal; decoding accepts upper and lower case, signers emit lower case.
    Hex,
    /// Standard base64 alphabet (`+`, `/`); decoding accepts the value with or without `=`
    /// padding, signers emit padding.
    Base64,
    /// URL-safe base64 alphabet (`-`, `_`); decoding accepts the value with or without `=`
    /// padding, signers emit no padding.
    Base64Url,
}

impl fmt::Display for SignatureEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Hex => "hex",
            Self::Base64 => "base64",
            Self::Base64Url => "base64url",
        })
    }
}

/// Why a header (or query parameter) value was rejected before any signature check.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedReason {
    /// The value holds bytes outside visible ASCII and space (`0x20..=0x7E`): control
    /// characters, tabs or non-ASCII bytes.
    #[error("the value contains bytes that are not visible ASCII (control characters, tabs or non-ASCII)")]
    NotVisibleAscii,
    /// The value is longer than the verifier accepts.
    #[error("the value is {len} bytes long, over the {max}-byte limit")]
    TooLong {
        /// Length of the received value in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The header or parameter appears more than once; exactly one is required so that
    /// the verified value is unambiguous.
    #[error("it appears {count} times, exactly one is expected (a proxy may be duplicating headers)")]
    Repeated {
        /// How many times it appears.
        count: usize,
    },
    /// The value is empty (or only spaces).
    #[error("the value is empty")]
    Empty,
    /// The value does not start with the scheme's prefix (for example `sha256=`).
    #[error("the value does not start with the expected `{expected}` prefix")]
    MissingPrefix {
        /// The prefix the scheme expects.
        expected: Cow<'static, str>,
    },
    /// More signatures than the verifier is willing to try.
    #[error("it carries more than {max} signatures")]
    TooManySignatures {
        /// The limit.
        max: usize,
    },
    /// A signature list (Stripe `v1=` elements, Standard Webhooks `v1,` entries) holds no
    /// signature of the supported version.
    #[error("it holds no `{version}` signature")]
    NoSignature {
        /// The signature version looked for.
        version: &'static str,
    },
    /// An element of a signature list is not of the expected `key=value` / `version,signature` form.
    #[error("an element is not of the form `{expected}`")]
    InvalidElement {
        /// The form that was expected.
        expected: &'static str,
    },
    /// The Stripe-style header has no `t=` timestamp element.
    #[error("it has no `t=` timestamp element")]
    MissingTimestamp,
    /// The Stripe-style header has more than one `t=` timestamp element.
    #[error("it has more than one `t=` timestamp element")]
    DuplicateTimestamp,
    /// A timestamp is not a plain non-negative integer number of seconds.
    #[error("the timestamp is not a non-negative integer number of unix seconds")]
    InvalidTimestamp,
}

/// Why a signature could not be decoded from its text form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodingProblem {
    /// The text is not valid in the expected encoding.
    #[error("the signature is not valid text in that encoding")]
    Invalid,
    /// The text decodes to the wrong number of bytes for the algorithm (for example a
    /// 64-byte HMAC-SHA512 signature checked by a SHA-256 scheme).
    #[error("the signature decodes to {actual} bytes, but the algorithm produces {expected}")]
    WrongLength {
        /// Decoded length in bytes.
        actual: usize,
        /// Length the algorithm produces.
        expected: usize,
    },
    /// The text is longer than any signature the verifier accepts.
    #[error("the signature is longer than the {max_bytes}-byte maximum")]
    TooLong {
        /// The maximum decoded length in bytes.
        max_bytes: usize,
    },
}

/// A delivery failed verification. Treat every variant as "reject the request"
/// (typically with HTTP 400 or 401); the variants only exist to say why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent.
    #[error(
        "missing `{name}` header: the request is not a delivery signed with this scheme, or a proxy removed the header"
    )]
    MissingHeader {
        /// The header that is missing.
        name: HeaderName,
    },
    /// A header is present but cannot be parsed.
    #[error("malformed `{name}` header: {reason}")]
    MalformedHeader {
        /// The offending header.
        name: HeaderName,
        /// What is wrong with it.
        reason: MalformedReason,
    },
    /// No signature in the header could be decoded (wrong encoding or length).
    #[error(
        "bad signature in `{name}` header (expected {encoding}): {problem}; check the scheme's encoding and algorithm"
    )]
    BadEncoding {
        /// The signature header.
        name: HeaderName,
        /// The encoding the scheme expects.
        encoding: SignatureEncoding,
        /// What went wrong decoding (for the first signature that failed).
        problem: EncodingProblem,
    },
    /// The signed timestamp is older than the tolerance allows.
    #[error(
        "delivery timestamp is {age_secs} s old, beyond the {tolerance_secs} s tolerance: a replay or a long-delayed delivery (if every delivery fails this way, check this server's clock)"
    )]
    TimestampTooOld {
        /// How old the timestamp is, in seconds.
        age_secs: u64,
        /// The scheme's tolerance, in seconds.
        tolerance_secs: u64,
    },
    /// The signed timestamp is further in the future than the tolerance allows.
    #[error(
        "delivery timestamp is {skew_secs} s in the future, beyond the {tolerance_secs} s tolerance: check this server's clock"
    )]
    TimestampInFuture {
        /// How far ahead of `now` the timestamp is, in seconds.
        skew_secs: u64,
        /// The scheme's tolerance, in seconds.
        tolerance_secs: u64,
    },
    /// Every signature was checked against every key and none matched.
    #[error(
        "no signature matched: tried {signatures_tried} signature(s) against {keys_tried} key(s); check the secret or key (and its form, e.g. `whsec_` base64 versus the raw string), the scheme, and that the raw request body is verified unmodified"
    )]
    NoMatch {
        /// Number of keys in the key ring.
        keys_tried: usize,
        /// Number of well-formed signatures found in the request.
        signatures_tried: usize,
    },
    /// The verifier holds no keys. Construction already refuses an empty key ring; this
    /// is the fail-closed guard at verification time.
    #[error("no verification keys are configured: refusing every delivery")]
    NoKeys,
    /// This verifier checks the request URI (a URL token) and was called without one.
    #[error(
        "this verifier checks a token in the request URI: call `verify_request` / `verify_request_at` with the URI"
    )]
    UriRequired,
    /// The token query parameter is absent from the request URI.
    #[error("missing `{name}` query parameter in the request URI")]
    MissingQueryParameter {
        /// The parameter name.
        name: String,
    },
    /// The token query parameter is present but unusable.
    #[error("malformed `{name}` query parameter: {reason}")]
    MalformedQueryParameter {
        /// The parameter name.
        name: String,
        /// What is wrong with it.
        reason: MalformedReason,
    },
}

/// Which kind of key text was being parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RsaKeyFormat {
    /// `-----BEGIN PUBLIC KEY-----` (X.509 SubjectPublicKeyInfo) PEM.
    SpkiPem,
    /// `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1) PEM.
    Pkcs1Pem,
    /// SubjectPublicKeyInfo DER.
    SpkiDer,
    /// PKCS#1 `RSAPublicKey` DER.
    Pkcs1Der,
    /// `-----BEGIN PRIVATE KEY-----` (PKCS#8) PEM, for the test signer.
    Pkcs8PrivatePem,
    /// `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1) PEM, for the test signer.
    Pkcs1PrivatePem,
}

impl fmt::Display for RsaKeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SpkiPem => "SubjectPublicKeyInfo PEM (BEGIN PUBLIC KEY)",
            Self::Pkcs1Pem => "PKCS#1 PEM (BEGIN RSA PUBLIC KEY)",
            Self::SpkiDer => "SubjectPublicKeyInfo DER",
            Self::Pkcs1Der => "PKCS#1 DER",
            Self::Pkcs8PrivatePem => "PKCS#8 PEM (BEGIN PRIVATE KEY)",
            Self::Pkcs1PrivatePem => "PKCS#1 PEM (BEGIN RSA PRIVATE KEY)",
        })
    }
}

/// The underlying ASN.1 / PEM decoding error of an RSA key (kept as a typed source).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RsaKeyParseError(pub(crate) RsaKeyParseInner);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RsaKeyParseInner {
    Spki(rsa::pkcs8::spki::Error),
    Pkcs1(rsa::pkcs1::Error),
    #[cfg_attr(not(feature = "rsa-signing"), allow(dead_code))]
    Pkcs8(rsa::pkcs8::Error),
}

impl fmt::Display for RsaKeyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            RsaKeyParseInner::Spki(e) => fmt::Display::fmt(e, f),
            RsaKeyParseInner::Pkcs1(e) => fmt::Display::fmt(e, f),
            RsaKeyParseInner::Pkcs8(e) => fmt::Display::fmt(e, f),
        }
    }
}

/// The end of the chain: it displays the decoder's full message, which already includes the
/// decoder's own causes (the `spki` / `pkcs1` errors interpolate their `der` source), so
/// returning them as sources would print each twice.
impl std::error::Error for RsaKeyParseError {}

/// A secret, key, token or key ring could not be constructed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A verifier was given no keys; it would reject everything, so construction refuses.
    #[error("the key ring is empty: a verifier needs at least one secret or public key")]
    EmptyKeyRing,
    /// Two keys in one ring share an id, so a match could not be attributed.
    #[error("key id `{id}` appears more than once in the key ring")]
    DuplicateKeyId {
        /// The repeated id.
        id: KeyId,
    },
    /// An HMAC secret is empty (an empty HMAC key is guessable).
    #[error("the HMAC secret is empty")]
    EmptySecret,
    /// The secret text is not valid in the stated encoding.
    #[error("the secret is not valid {encoding} (after removing any `whsec_` prefix)")]
    InvalidSecretEncoding {
        /// The encoding that was expected.
        encoding: SignatureEncoding,
    },
    /// The HMAC implementation refused the secret.
    #[error("the HMAC implementation rejected the secret")]
    InvalidSecret,
    /// An RSA key could not be parsed.
    #[error("invalid RSA key ({format})")]
    InvalidRsaKey {
        /// The format that was being parsed.
        format: RsaKeyFormat,
        /// The decoder's error.
        #[source]
        source: RsaKeyParseError,
    },
    /// The RSA key is shorter than the minimum ([`MIN_RSA_BITS`](crate::MIN_RSA_BITS) by
    /// default).
    #[error("the RSA key has {bits} bits; at least {min} are required")]
    RsaKeyTooSmall {
        /// The key's modulus size.
        bits: usize,
        /// The minimum.
        min: usize,
    },
    /// The text is not PEM (no `-----BEGIN ...-----` line).
    #[error("the key is not PEM text: no `-----BEGIN ...-----` line found")]
    NotPem,
    /// The PEM label is not one this crate reads.
    #[error("unsupported PEM label `{label}`: expected `PUBLIC KEY` or `RSA PUBLIC KEY`")]
    UnsupportedPemLabel {
        /// The label found.
        label: String,
    },
    /// A URL token is too short to be unguessable.
    #[error("the URL token is {len} characters long; at least {min} are required")]
    TokenTooShort {
        /// Length of the offered token.
        len: usize,
        /// Minimum accepted length.
        min: usize,
    },
    /// A URL token holds characters that are not URL-safe (`A-Z a-z 0-9 - _ . ~`).
    #[error("the URL token holds characters outside `A-Z a-z 0-9 - _ . ~`")]
    InvalidTokenCharacters,
    /// A query-parameter name holds characters that would need URL escaping.
    #[error("the query parameter name must be non-empty and use only `A-Z a-z 0-9 - _ . ~`")]
    InvalidParameterName,
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed")]
    Randomness(#[source] getrandom::Error),
    /// Generating an RSA key pair failed for a reason other than randomness.
    #[error("RSA key generation failed")]
    RsaKeyGeneration,
}

/// An [`HmacSchemeBuilder`](crate::HmacSchemeBuilder) holds an inconsistent description.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemeError {
    /// The signed content includes a timestamp but the scheme has no timestamp header
    /// (and the format is not Stripe's, which carries `t=` in the signature header).
    #[error("the signed content includes a timestamp, but no timestamp header is set (call `timestamp_header`)")]
    MissingTimestampSource,
    /// The signed content includes a delivery id but no id header is set.
    #[error("the signed content includes a delivery id, but no id header is set (call `id_header`)")]
    MissingIdHeader,
    /// A timestamp would be read and checked but is not covered by the signature, so an
    /// attacker could change it freely; the check would protect nothing.
    #[error(
        "a timestamp is configured but the signed content does not include it; use `SignedContent::TimestampDotBody` or `IdDotTimestampDotBody`"
    )]
    UnsignedTimestamp,
    /// The Stripe format carries its own timestamp (`t=`); a separate timestamp header is ambiguous.
    #[error("the Stripe format reads the timestamp from `t=`; do not also set a timestamp header")]
    ConflictingTimestampSource,
    /// The prefix of a prefixed format is empty or not visible ASCII.
    #[error("the signature prefix must be non-empty visible ASCII without spaces")]
    InvalidPrefix,
}

/// A test signer could not produce headers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The scheme signs a timestamp and the one given is negative.
    #[error("the timestamp must be a non-negative number of unix seconds")]
    NegativeTimestamp,
    /// The scheme signs a delivery id and none was given.
    #[error("the scheme signs a delivery id, but none was given")]
    MissingId,
    /// A produced header value is not a valid HTTP header value (for example an id with
    /// control characters).
    #[error("the `{name}` header value would not be valid visible ASCII")]
    InvalidHeaderValue {
        /// The header whose value is invalid.
        name: HeaderName,
    },
    /// Several secrets were given but the format carries only one signature.
    #[error("the signature format carries a single signature; sign with one secret")]
    MultipleSignaturesUnsupported,
    /// The HMAC implementation refused the secret (HMAC accepts any key length, so this
    /// does not happen with the algorithms of this crate).
    #[error("the HMAC implementation rejected the secret")]
    InvalidSecret,
    /// The RSA private-key operation failed.
    #[error("RSA signing failed")]
    RsaSigning,
}
