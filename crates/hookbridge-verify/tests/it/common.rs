//! Shared helpers.

use std::path::PathBuf;

use http::{HeaderMap, HeaderName, HeaderValue};

/// `crates/hookbridge-testkit/data/`, the fixtures the testkit embeds.
pub(crate) fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../hookbridge-testkit/data")
}

pub(crate) fn read_fixture(rel: &str) -> Vec<u8> {
    let path = fixtures_dir().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

pub(crate) fn read_fixture_str(rel: &str) -> String {
    String::from_utf8(read_fixture(rel)).unwrap()
}

/// A header map from `(name, value)` pairs; repeated names are appended, not replaced.
pub(crate) fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
    }
    map
}

/// Replaces (or inserts) one header.
pub(crate) fn with_header(mut map: HeaderMap, name: &HeaderName, value: &str) -> HeaderMap {
    map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
    map
}

/// Replaces one header with raw bytes (which may not be visible ASCII).
pub(crate) fn with_header_bytes(mut map: HeaderMap, name: &HeaderName, value: &[u8]) -> HeaderMap {
    map.insert(name.clone(), HeaderValue::from_bytes(value).unwrap());
    map
}

pub(crate) fn header_str<'a>(map: &'a HeaderMap, name: &HeaderName) -> &'a str {
    map.get(name).unwrap().to_str().unwrap()
}

/// Provider schemes as their documentation describes them, built with the public builder
/// (the provider crates ship the same descriptions; this crate knows no provider).
pub(crate) mod schemes {
    use std::borrow::Cow;

    use hookbridge_verify::{HmacAlgorithm, HmacScheme, RsaHash, RsaScheme, SignatureFormat, SignedContent};
    use http::HeaderName;

    /// MIEX: `X-Webhook-Signature: sha256=<hex>` of the body; unsigned `X-Webhook-Delivery` id.
    pub(crate) fn miex() -> HmacScheme {
        HmacScheme::builder(HeaderName::from_static("x-webhook-signature"))
            .format(SignatureFormat::Prefixed(Cow::Borrowed("sha256=")))
            .id_header(HeaderName::from_static("x-webhook-delivery"))
            .build()
            .unwrap()
    }

    /// Bitnob: `X-Bitnob-Signature` = hex HMAC-SHA256 of `timestamp.body`, `X-Bitnob-Timestamp`.
    pub(crate) fn bitnob() -> HmacScheme {
        HmacScheme::builder(HeaderName::from_static("x-bitnob-signature"))
            .signed_content(SignedContent::TimestampDotBody)
            .timestamp_header(HeaderName::from_static("x-bitnob-timestamp"))
            .build()
            .unwrap()
    }

    /// Bitnob's legacy scheme: hex HMAC-SHA512 of the body.
    pub(crate) fn bitnob_legacy() -> HmacScheme {
        HmacScheme::builder(HeaderName::from_static("x-bitnob-signature"))
            .algorithm(HmacAlgorithm::Sha512)
            .build()
            .unwrap()
    }

    /// CHIP Collect: base64 RSA PKCS#1 v1.5 SHA-256 in `X-Signature`.
    pub(crate) fn chip() -> RsaScheme {
        RsaScheme::new(HeaderName::from_static("x-signature"), RsaHash::Sha256)
    }

    /// CHIP Send: as CHIP Collect with SHA-512.
    pub(crate) fn chip_send() -> RsaScheme {
        RsaScheme::new(HeaderName::from_static("x-signature"), RsaHash::Sha512)
    }

    pub(crate) const MIEX_SIGNATURE: HeaderName = HeaderName::from_static("x-webhook-signature");
    pub(crate) const MIEX_EVENT: HeaderName = HeaderName::from_static("x-webhook-event");
    pub(crate) const MIEX_DELIVERY: HeaderName = HeaderName::from_static("x-webhook-delivery");
    pub(crate) const BITNOB_SIGNATURE: HeaderName = HeaderName::from_static("x-bitnob-signature");
    pub(crate) const BITNOB_TIMESTAMP: HeaderName = HeaderName::from_static("x-bitnob-timestamp");
    pub(crate) const CHIP_SIGNATURE: HeaderName = HeaderName::from_static("x-signature");
}
