//! How MIEX signs its deliveries (docs.miex.solutions/webhooks), as a declarative
//! [`HmacScheme`]: `X-Webhook-Signature: sha256=<hex>` where the hex is
//! HMAC-SHA256(secretKey, raw body). There is no timestamp, so no replay window: the receiver
//! pipeline dedupes on a digest of the signed body, never on the unsigned `X-Webhook-Delivery`
//! job id (reported as [`Verified::id`](hookbridge_verify::Verified::id)). Secrets are the
//! `secretKey` text's bytes ([`HmacSecret::from_str_bytes`](hookbridge_verify::HmacSecret::from_str_bytes)).

use std::borrow::Cow;

use hookbridge_verify::{HmacScheme, SignatureFormat};

/// MIEX's delivery header names (lower case, as `HeaderName` stores them; lookups are
/// case-insensitive).
pub mod headers {
    use hookbridge_core::reexports::http::HeaderName;

    /// `X-Webhook-Signature: sha256=<hex>`.
    pub const SIGNATURE: HeaderName = HeaderName::from_static("x-webhook-signature");
    /// `X-Webhook-Event: <event>` (not signed).
    pub const EVENT: HeaderName = HeaderName::from_static("x-webhook-event");
    /// `X-Webhook-Delivery: <job id>` (not signed).
    pub const DELIVERY: HeaderName = HeaderName::from_static("x-webhook-delivery");
}

/// MIEX's delivery signature scheme.
///
/// ```
/// let scheme = hookbridge_miex::delivery_scheme();
/// assert_eq!(scheme.signature_header(), "x-webhook-signature");
/// assert_eq!(scheme.timestamp_header(), None);
/// ```
#[must_use]
pub fn delivery_scheme() -> HmacScheme {
    HmacScheme::builder(headers::SIGNATURE)
        .format(SignatureFormat::Prefixed(Cow::Borrowed("sha256=")))
        .id_header(headers::DELIVERY)
        .build()
        // A fixed, consistent description (the unit test below builds it).
        .unwrap_or_else(|_| unreachable!("MIEX's scheme description is consistent"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_description_is_consistent() {
        let scheme = super::delivery_scheme();
        assert_eq!(scheme.id_header(), Some(&super::headers::DELIVERY));
        assert!(!scheme.id_is_signed());
    }
}
