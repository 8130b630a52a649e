//! Key and secret parsing: arbitrary PEM / DER must not panic, and a key that parses must
//! verify (and reject) without panicking, whatever its modulus or exponent.

#![no_main]

use hookbridge_verify::{HmacSecret, RsaPublicKey, RsaVerifier};
use http::HeaderMap;
use libfuzzer_sys::fuzz_target;

fn exercise(key: RsaPublicKey) {
    let _ = format!("{key:?}");
    let len = key.bits().div_ceil(8).clamp(1, 1024);
    let mut headers = HeaderMap::new();
    let sig = base64_of(&vec![1u8; len]);
    headers.insert("x-signature", sig.parse().expect("base64 is a valid header value"));
    for scheme in [hookbridge_chip::delivery_scheme(), hookbridge_chip::send_delivery_scheme()] {
        let result = RsaVerifier::with_key(scheme, key.clone()).verify_at(b"{}", &headers, 0);
        assert!(result.is_err(), "a constant signature verified: {result:?}");
    }
}

fn base64_of(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    for parsed in [RsaPublicKey::from_der(data), RsaPublicKey::from_spki_der(data), RsaPublicKey::from_pkcs1_der(data)]
    {
        match parsed {
            Ok(key) => exercise(key),
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        match RsaPublicKey::from_pem(text) {
            Ok(key) => exercise(key),
            Err(e) => {
                let _ = e.to_string();
            }
        }
        for secret in [
            HmacSecret::from_standard_webhooks(text),
            HmacSecret::from_base64(text),
            HmacSecret::from_hex(text),
            HmacSecret::from_str_bytes(text),
        ] {
            if let Ok(secret) = secret {
                assert!(!secret.is_empty());
                assert_eq!(format!("{secret:?}"), "HmacSecret(<redacted>)");
            }
        }
    }
});
