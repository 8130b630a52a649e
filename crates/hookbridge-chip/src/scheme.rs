//! How CHIP signs its deliveries (docs.chip-in.asia, webhook signatures): `X-Signature` = base64
//! RSA PKCS#1 v1.5 signature of the SHA-256 digest of the raw body (CHIP Send: SHA-512).
//! Webhook deliveries are signed with that webhook's `public_key`; Purchase `success_callback`
//! deliveries with the company key from `GET /public_key/`. No timestamp or id header: the
//! receiver pipeline dedupes on a key derived from the signed body.

use hookbridge_verify::{RsaHash, RsaScheme};

/// CHIP's delivery header names (lower case; lookups are case-insensitive).
pub mod headers {
    use hookbridge_core::reexports::http::HeaderName;

    /// `X-Signature` (base64 RSA signature), CHIP Collect and CHIP Send.
    pub const SIGNATURE: HeaderName = HeaderName::from_static("x-signature");
}

/// CHIP Collect's delivery signature scheme (RSA, SHA-256).
///
/// ```
/// assert_eq!(hookbridge_chip::delivery_scheme().header(), "x-signature");
/// ```
#[must_use]
pub fn delivery_scheme() -> RsaScheme {
    RsaScheme::new(headers::SIGNATURE, RsaHash::Sha256)
}

/// CHIP Send's delivery signature scheme: as [`delivery_scheme`] with SHA-512.
#[must_use]
pub fn send_delivery_scheme() -> RsaScheme {
    RsaScheme::new(headers::SIGNATURE, RsaHash::Sha512)
}
