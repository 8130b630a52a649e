//! How Bitnob signs its deliveries, as declarative [`HmacScheme`]s.
//!
//! * current (bitnob.dev, webhook security): `X-Bitnob-Signature` = hex
//!   HMAC-SHA256(secret, `timestamp + "." + raw body`), `X-Bitnob-Timestamp` in unix seconds,
//!   rejected when more than 5 minutes away from now. The docs do not state the encoding; hex
//!   is assumed (see the provider notes);
//! * legacy (docs.bitnob.com): `x-bitnob-signature` = hex HMAC-SHA512(secret, raw body), no
//!   timestamp.
//!
//! Secrets are the secret text's bytes
//! ([`HmacSecret::from_str_bytes`](hookbridge_verify::HmacSecret::from_str_bytes)).

use hookbridge_verify::{HmacAlgorithm, HmacScheme, SignedContent};

/// Bitnob's delivery header names (lower case; lookups are case-insensitive).
pub mod headers {
    use hookbridge_core::reexports::http::HeaderName;

    /// `X-Bitnob-Signature` (current and legacy schemes).
    pub const SIGNATURE: HeaderName = HeaderName::from_static("x-bitnob-signature");
    /// `X-Bitnob-Timestamp` (unix seconds, signed).
    pub const TIMESTAMP: HeaderName = HeaderName::from_static("x-bitnob-timestamp");
    /// `X-Bitnob-Event` (not signed).
    pub const EVENT: HeaderName = HeaderName::from_static("x-bitnob-event");
}

/// Bitnob's current delivery signature scheme (HMAC-SHA256 over `timestamp.body`).
///
/// ```
/// let scheme = hookbridge_bitnob::delivery_scheme();
/// assert_eq!(scheme.timestamp_header().map(|h| h.as_str()), Some("x-bitnob-timestamp"));
/// ```
#[must_use]
pub fn delivery_scheme() -> HmacScheme {
    HmacScheme::builder(headers::SIGNATURE)
        .signed_content(SignedContent::TimestampDotBody)
        .timestamp_header(headers::TIMESTAMP)
        .build()
        // A fixed, consistent description (the unit test below builds it).
        .unwrap_or_else(|_| unreachable!("Bitnob's scheme description is consistent"))
}

/// Bitnob's legacy delivery signature scheme (HMAC-SHA512 over the body, no timestamp).
#[must_use]
pub fn legacy_delivery_scheme() -> HmacScheme {
    HmacScheme::builder(headers::SIGNATURE)
        .algorithm(HmacAlgorithm::Sha512)
        .build()
        .unwrap_or_else(|_| unreachable!("Bitnob's legacy scheme description is consistent"))
}

#[cfg(test)]
mod tests {
    use hookbridge_verify::HmacAlgorithm;

    #[test]
    fn the_descriptions_are_consistent() {
        assert_eq!(super::delivery_scheme().algorithm(), HmacAlgorithm::Sha256);
        assert_eq!(super::legacy_delivery_scheme().algorithm(), HmacAlgorithm::Sha512);
        assert_eq!(super::legacy_delivery_scheme().timestamp_header(), None);
    }
}
