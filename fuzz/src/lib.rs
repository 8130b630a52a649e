//! Shared helpers for the fuzz targets: the request format of `verify_headers`, and the
//! verifiers under test (built once).
//!
//! The secrets and the RSA key here are the fuzzer's own — deliberately NOT the ones under
//! `crates/hookbridge-testkit/data/` — so that a seed copied from a signed fixture reaches the signature comparison
//! but can never verify. Any `Ok` from [`hmac_verifiers`] / [`rsa_verifiers`] on fuzz input
//! is therefore a forgery, and the targets panic on it.

use std::sync::OnceLock;
use std::time::Duration;

use hookbridge_verify::{
    HmacAlgorithm, HmacScheme, HmacSecret, HmacVerifier, KeyRing, RsaPublicKey, RsaVerifier,
    SignatureEncoding, SignatureFormat, SignedContent,
};
use http::{HeaderMap, HeaderName, HeaderValue};

/// `now` used when the input sets none: the `verify_at` of the signed fixtures.
pub const DEFAULT_NOW: i64 = 1_735_689_600;

/// A request decoded from fuzz input.
#[derive(Debug)]
pub struct FuzzRequest<'a> {
    /// Headers, in input order (repeats kept).
    pub headers: HeaderMap,
    /// The body.
    pub body: &'a [u8],
    /// The clock to verify at.
    pub now: i64,
}

/// Parses the `verify_headers` input format, an HTTP-like text:
///
/// ```text
/// @now: 1735689600            (optional: the clock, unix seconds)
/// X-Webhook-Signature: sha256=...
/// X-Webhook-Delivery: 1284
///                              (first empty line: end of headers)
/// <body bytes>
/// ```
///
/// Lines end with `\n` (a trailing `\r` is dropped). Names that are not valid header names and
/// values `HeaderValue` refuses (`\0`, `\r`, `\n`, DEL) are skipped; everything else reaches
/// the verifier byte for byte, including non-ASCII and tabs. Without an empty line the whole
/// input is headers and the body is empty.
pub fn parse_request(data: &[u8]) -> FuzzRequest<'_> {
    let (head, body) = match find(data, b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => match find(data, b"\r\n\r\n") {
            Some(i) => (&data[..i], &data[i + 4..]),
            None => (data, &[][..]),
        },
    };
    let mut headers = HeaderMap::new();
    let mut now = DEFAULT_NOW;
    for line in head.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|&b| b == b':') else { continue };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let value = value.strip_prefix(b" ").unwrap_or(value);
        if name == b"@now" {
            if let Some(n) = std::str::from_utf8(value).ok().and_then(|s| s.trim().parse().ok()) {
                now = n;
            }
            continue;
        }
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name), HeaderValue::from_bytes(value)) {
            headers.append(name, value);
        }
    }
    FuzzRequest { headers, body, now }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn text(s: &str) -> HmacSecret {
    HmacSecret::from_str_bytes(s).expect("non-empty secret")
}

/// Every HMAC preset, the AbbeyCross example scheme from the crate docs and one custom scheme
/// exercising the remaining options (prefixed, base64url, SHA-512, `id.timestamp.body`), each
/// with a fuzz-only secret.
pub fn hmac_schemes() -> Vec<(&'static str, HmacScheme, HmacSecret)> {
    let abbeycross = HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
        .format(SignatureFormat::Bare)
        .encoding(SignatureEncoding::Base64)
        .algorithm(HmacAlgorithm::Sha256)
        .signed_content(SignedContent::TimestampDotBody)
        .timestamp_header(HeaderName::from_static("x-abbeycross-timestamp"))
        .tolerance(Duration::from_secs(300))
        .build()
        .expect("valid scheme");
    let custom = HmacScheme::builder(HeaderName::from_static("x-fuzz-signature"))
        .format(SignatureFormat::Prefixed("v1=".into()))
        .encoding(SignatureEncoding::Base64Url)
        .algorithm(HmacAlgorithm::Sha512)
        .signed_content(SignedContent::IdDotTimestampDotBody)
        .timestamp_header(HeaderName::from_static("x-fuzz-timestamp"))
        .id_header(HeaderName::from_static("x-fuzz-id"))
        .build()
        .expect("valid scheme");
    vec![
        ("miex", hookbridge_miex::delivery_scheme(), text("fuzz miex secret")),
        ("bitnob", hookbridge_bitnob::delivery_scheme(), text("fuzz bitnob secret")),
        ("bitnob_legacy", hookbridge_bitnob::legacy_delivery_scheme(), text("fuzz bitnob legacy secret")),
        (
            "standard_webhooks",
            HmacScheme::standard_webhooks(),
            HmacSecret::from_bytes(b"fuzz standard webhooks key bytes".to_vec()).expect("non-empty"),
        ),
        ("stripe", HmacScheme::stripe(), text("whsec_fuzz_stripe_secret")),
        ("github", HmacScheme::github(), text("fuzz github secret")),
        ("abbeycross_example", abbeycross, text("fuzz apiSecretKey")),
        ("custom_sha512_b64url", custom, text("fuzz custom secret")),
    ]
}

/// Verifiers for [`hmac_schemes`]; the Stripe one holds two keys (rotation path).
pub fn hmac_verifiers() -> &'static [(&'static str, HmacVerifier)] {
    static CELL: OnceLock<Vec<(&'static str, HmacVerifier)>> = OnceLock::new();
    CELL.get_or_init(|| {
        hmac_schemes()
            .into_iter()
            .map(|(name, scheme, secret)| {
                let ring = if name == "stripe" {
                    KeyRing::new().with("old", text("whsec_fuzz_old_secret")).with("new", secret)
                } else {
                    KeyRing::single("k", secret)
                };
                (name, HmacVerifier::new(scheme, ring).expect("valid ring"))
            })
            .collect()
    })
}

/// The fuzz-only RSA-2048 public key (its private key was discarded).
pub fn fuzz_rsa_key() -> RsaPublicKey {
    RsaPublicKey::from_pem(include_str!("../keys/fuzz-rsa2048-public.pem")).expect("valid key")
}

/// CHIP Collect (SHA-256, base64), CHIP Send (SHA-512) and a hex-encoded variant, all with
/// [`fuzz_rsa_key`].
pub fn rsa_verifiers() -> &'static [(&'static str, RsaVerifier)] {
    static CELL: OnceLock<Vec<(&'static str, RsaVerifier)>> = OnceLock::new();
    CELL.get_or_init(|| {
        vec![
            ("chip", RsaVerifier::with_key(hookbridge_chip::delivery_scheme(), fuzz_rsa_key())),
            ("chip_send", RsaVerifier::with_key(hookbridge_chip::send_delivery_scheme(), fuzz_rsa_key())),
            (
                "chip_hex",
                RsaVerifier::with_key(hookbridge_chip::delivery_scheme().with_encoding(SignatureEncoding::Hex), fuzz_rsa_key()),
            ),
        ]
    })
}
