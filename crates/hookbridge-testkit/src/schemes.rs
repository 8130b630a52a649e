//! The signing schemes the simulators sign deliveries with, written here from each provider's
//! documentation with `hookbridge-verify`'s public builder — the testkit is an independent
//! implementation of the documentation and does not take them from the client crates, so a
//! receiver tested against a simulator checks the client crate's scheme against a second
//! reading of the same documentation.

use std::borrow::Cow;

use axum::http::HeaderName;
use hookbridge_verify::{HmacScheme, RsaHash, RsaScheme, SignatureFormat, SignedContent};

/// MIEX: `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secretKey, body)>`, unsigned
/// `X-Webhook-Delivery` job id.
#[must_use]
pub fn miex() -> HmacScheme {
    HmacScheme::builder(HeaderName::from_static("x-webhook-signature"))
        .format(SignatureFormat::Prefixed(Cow::Borrowed("sha256=")))
        .id_header(HeaderName::from_static("x-webhook-delivery"))
        .build()
        .unwrap_or_else(|_| unreachable!("a consistent description"))
}

/// Bitnob: `X-Bitnob-Signature` = hex HMAC-SHA256 of `timestamp.body`, `X-Bitnob-Timestamp`.
#[must_use]
pub fn bitnob() -> HmacScheme {
    HmacScheme::builder(HeaderName::from_static("x-bitnob-signature"))
        .signed_content(SignedContent::TimestampDotBody)
        .timestamp_header(HeaderName::from_static("x-bitnob-timestamp"))
        .build()
        .unwrap_or_else(|_| unreachable!("a consistent description"))
}

/// CHIP Collect: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-256 signature of the body.
#[must_use]
pub fn chip() -> RsaScheme {
    RsaScheme::new(HeaderName::from_static("x-signature"), RsaHash::Sha256)
}

/// Bitnob's legacy scheme: `X-Bitnob-Signature` = hex HMAC-SHA512 of the body, no timestamp.
#[must_use]
pub fn bitnob_legacy() -> HmacScheme {
    HmacScheme::builder(HeaderName::from_static("x-bitnob-signature"))
        .algorithm(hookbridge_verify::HmacAlgorithm::Sha512)
        .build()
        .unwrap_or_else(|_| unreachable!("a consistent description"))
}

/// CHIP Send: as CHIP Collect with SHA-512.
#[must_use]
pub fn chip_send() -> RsaScheme {
    RsaScheme::new(HeaderName::from_static("x-signature"), RsaHash::Sha512)
}

/// MIEX's unsigned event header.
pub const MIEX_EVENT: HeaderName = HeaderName::from_static("x-webhook-event");
/// Bitnob's unsigned event header.
pub const BITNOB_EVENT: HeaderName = HeaderName::from_static("x-bitnob-event");

/// The simulator's default, **assumed** delivery signing scheme:
/// `X-Hookbridge-Assumed-Signature: sha256=<hex HMAC-SHA256(apiSecretKey, raw body)>` — a
/// deliberately hypothetical header name. AbbeyCross documents no scheme; this is not
/// AbbeyCross behaviour.
#[must_use]
pub fn assumed_delivery_scheme() -> HmacScheme {
    HmacScheme::hex_of_body(ASSUMED_SIGNATURE_HEADER, Some("sha256="))
}

/// The header of [`assumed_delivery_scheme`].
pub const ASSUMED_SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-hookbridge-assumed-signature");
