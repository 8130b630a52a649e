//! Random bodies under fixed, validly signed headers: verification must succeed exactly when
//! the body is the signed one, and never panic.

#![no_main]

use std::sync::OnceLock;

use hookbridge_fuzz::{DEFAULT_NOW, fuzz_rsa_key, hmac_schemes};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacVerifier, KeyRing, RsaPublicKey, RsaVerifier};
use http::HeaderMap;
use libfuzzer_sys::fuzz_target;

/// The body every HMAC header set below is signed for.
const SIGNED: &[u8] = br#"{"event":"order.created","data":{"id":42,"amount":"10.00"}}"#;

/// CHIP's signed fixture (RSA-2048, SHA-256): body and signature.
const CHIP_BODY: &[u8] = include_bytes!("../../crates/hookbridge-testkit/data/verify/chip-purchase-paid.body");
const CHIP_SIG: &str = include_str!("../../crates/hookbridge-testkit/data/verify/chip-purchase-paid.sig");
const CHIP_KEY: &str = include_str!("../../crates/hookbridge-testkit/data/keys/rsa2048-public-spki.pem");

struct Case {
    name: &'static str,
    verifier: HmacVerifier,
    headers: HeaderMap,
}

fn cases() -> &'static (Vec<Case>, RsaVerifier, HeaderMap) {
    static CELL: OnceLock<(Vec<Case>, RsaVerifier, HeaderMap)> = OnceLock::new();
    CELL.get_or_init(|| {
        let hmac = hmac_schemes()
            .into_iter()
            .map(|(name, scheme, secret)| {
                let headers = HmacSigner::new(scheme.clone(), secret.clone())
                    .sign(SIGNED, DEFAULT_NOW, Some("msg_fuzz_1"))
                    .expect("signable");
                // Two keys: the signing one second, so a non-matching key is tried first.
                let ring = KeyRing::new()
                    .with("other", hookbridge_verify::HmacSecret::from_str_bytes("another key").expect("non-empty"))
                    .with("signer", secret);
                Case { name, verifier: HmacVerifier::new(scheme, ring).expect("valid ring"), headers }
            })
            .collect();
        let key = RsaPublicKey::from_pem(CHIP_KEY).expect("fixture key");
        let rsa = RsaVerifier::new(hookbridge_chip::delivery_scheme(), KeyRing::new().with("fuzz", fuzz_rsa_key()).with("chip", key))
            .expect("valid ring");
        let mut headers = HeaderMap::new();
        headers.insert("x-signature", CHIP_SIG.trim().parse().expect("header value"));
        (hmac, rsa, headers)
    })
}

fuzz_target!(|body: &[u8]| {
    let (hmac, rsa, rsa_headers) = cases();
    for case in hmac {
        let result = case.verifier.verify_at(body, &case.headers, DEFAULT_NOW);
        if body == SIGNED {
            let verified = result.unwrap_or_else(|e| panic!("{}: the signed body failed: {e}", case.name));
            assert_eq!(verified.key_id().as_str(), "signer");
        } else {
            assert!(result.is_err(), "{}: accepted a body that was not signed: {result:?}", case.name);
        }
    }
    let result = rsa.verify_at(body, rsa_headers, DEFAULT_NOW);
    if body == CHIP_BODY {
        assert_eq!(result.map(|v| v.key_id().as_str().to_owned()).ok().as_deref(), Some("chip"));
    } else {
        assert!(result.is_err(), "chip: accepted a body that was not signed: {result:?}");
    }
});
