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

/// Provider schemes as their documentation describes them, built with the public builder: the
/// testkit's (this crate knows no provider).
pub(crate) mod schemes {
    pub(crate) use hookbridge_testkit::schemes::{MIEX_EVENT, bitnob, bitnob_legacy, chip, chip_send, miex};
    use http::HeaderName;

    pub(crate) const MIEX_SIGNATURE: HeaderName = HeaderName::from_static("x-webhook-signature");
    pub(crate) const MIEX_DELIVERY: HeaderName = HeaderName::from_static("x-webhook-delivery");
    pub(crate) const BITNOB_SIGNATURE: HeaderName = HeaderName::from_static("x-bitnob-signature");
    pub(crate) const BITNOB_TIMESTAMP: HeaderName = HeaderName::from_static("x-bitnob-timestamp");
    pub(crate) const CHIP_SIGNATURE: HeaderName = HeaderName::from_static("x-signature");
}
