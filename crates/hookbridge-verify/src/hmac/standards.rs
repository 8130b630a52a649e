//! Schemes of published, provider-independent standards: Standard Webhooks, the Stripe-style
//! `t=…,v1=…` header, the GitHub-style `sha256=` header, and hex HMAC of the body. A
//! provider's own scheme lives in that provider's crate, built with [`HmacScheme::builder`].

use std::borrow::Cow;

use http::HeaderName;

use super::scheme::{
    HmacAlgorithm, HmacScheme, IdSpec, SignatureFormat, TimestampSource, TimestampSpec, tolerance_secs,
};
use crate::{DEFAULT_TOLERANCE, SignatureEncoding, headers};

impl HmacScheme {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SignedContent;

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
    }
}
