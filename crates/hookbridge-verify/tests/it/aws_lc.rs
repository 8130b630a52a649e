//! The `aws-lc` backend of `RsaVerifier` (built only with `--features aws-lc`): the same
//! openssl-signed fixtures verify, tampered deliveries fail with the same errors, and a key
//! aws-lc refuses (1024 bits) still verifies through the `rsa` crate.

use hookbridge_verify::{KeyRing, RsaPublicKey, RsaVerifier, VerifyError};

use crate::common::{headers, read_fixture, read_fixture_str};

fn key(name: &str) -> RsaPublicKey {
    RsaPublicKey::from_pem(&read_fixture_str(&format!("keys/{name}"))).unwrap()
}

fn chip_send_signature() -> String {
    let sample: serde_json::Value =
        serde_json::from_slice(&read_fixture("verify/chip-send-instruction-completed.json")).unwrap();
    sample["headers"]["X-Signature"].as_str().unwrap().to_owned()
}

/// A throwaway 1024-bit key (below aws-lc's 2048-bit minimum) and a signature of
/// [`LEGACY_BODY`] made with `openssl dgst -sha256 -sign`.
const LEGACY_1024_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDEy2gQE6J9XJ83uBmUSe6dW3bJ
MMA4nf6WYU/JqpTqU2mf4Ap3RFMc+sL9CN9GDNho/mp2IuBtdt0cwdludVftE3u1
9VeJcFezlI1ZsGg/RZY1R8gRUPv5MKwzxYLH5Qv0JBfLUS/lzbV2F5PnKGfxTfNI
QeZHKydviPv9MASeUQIDAQAB
-----END PUBLIC KEY-----";
const LEGACY_BODY: &[u8] = br#"{"event_type":"purchase.paid","id":"legacy-1024"}"#;
const LEGACY_SIG: &str = "BoOs9ObnU4iZPIWapmzhXh9Ur71ICqiACRbeaNFmKwviBmTf9mL5NsPPpoEepYfOUjsrC3vzr6TKnVyB9h/RH1BcbsLI1R8aSJx4ftxeo5Zq+heoiamclxzZ8qFaBrzGYWE8YzKIQBoDKWnrabR/KMs4oOs6d+dnVq9K1eIScfc=";

#[test]
fn openssl_signed_fixtures_verify() {
    let body = read_fixture("verify/chip-purchase-paid.body");
    let hdrs = headers(&[("X-Signature", read_fixture_str("verify/chip-purchase-paid.sig").trim())]);
    for name in ["rsa2048-public-spki.pem", "rsa2048-public-pkcs1.pem"] {
        let verifier = RsaVerifier::with_key(crate::common::schemes::chip(), key(name));
        assert_eq!(verifier.verify_at(&body, &hdrs, 0).unwrap().key_id().as_str(), "default", "{name}");
    }

    // CHIP Send: SHA-512 with the 4096-bit key.
    let body = read_fixture("verify/chip-send-instruction-completed.body");
    let hdrs = headers(&[("X-Signature", &chip_send_signature())]);
    let verifier = RsaVerifier::with_key(crate::common::schemes::chip_send(), key("rsa4096-public-pkcs1.pem"));
    assert!(verifier.verify_at(&body, &hdrs, 0).is_ok());
}

#[test]
fn tampered_deliveries_fail_with_the_same_errors() {
    let no_match = VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 };
    let body = read_fixture("verify/chip-purchase-paid.body");
    let sig = read_fixture_str("verify/chip-purchase-paid.sig").trim().to_owned();
    let hdrs = headers(&[("X-Signature", &sig)]);
    let verifier = RsaVerifier::with_key(crate::common::schemes::chip(), key("rsa2048-public-spki.pem"));

    let mut flipped = body.clone();
    flipped[10] ^= 0x01;
    for tampered in [flipped, [body.as_slice(), b" "].concat(), body[..body.len() - 1].to_vec(), Vec::new()] {
        assert_eq!(verifier.verify_at(&tampered, &hdrs, 0), Err(no_match.clone()));
    }
    // A flipped signature bit, a truncated signature, a signature one byte too long.
    let raw = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &sig).unwrap();
    let b64 = |bytes: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes);
    let mut bad_sig = raw.clone();
    bad_sig[100] ^= 0x80;
    for sig in [b64(&bad_sig), b64(&raw[..raw.len() - 1]), b64(&[raw.as_slice(), &[0]].concat())] {
        assert_eq!(verifier.verify_at(&body, &headers(&[("X-Signature", &sig)]), 0), Err(no_match.clone()));
    }
    // Wrong key, wrong digest.
    let wrong_key = RsaVerifier::with_key(crate::common::schemes::chip(), key("rsa4096-public-spki.pem"));
    assert_eq!(wrong_key.verify_at(&body, &hdrs, 0), Err(no_match.clone()));
    let wrong_hash = RsaVerifier::with_key(crate::common::schemes::chip_send(), key("rsa2048-public-spki.pem"));
    assert_eq!(wrong_hash.verify_at(&body, &hdrs, 0), Err(no_match));
    // CHIP Send body under the CHIP Collect (SHA-256) scheme.
    let send_body = read_fixture("verify/chip-send-instruction-completed.body");
    let send_hdrs = headers(&[("X-Signature", &chip_send_signature())]);
    let sha256 = RsaVerifier::with_key(crate::common::schemes::chip(), key("rsa4096-public-pkcs1.pem"));
    assert!(matches!(sha256.verify_at(&send_body, &send_hdrs, 0), Err(VerifyError::NoMatch { .. })));
}

#[test]
fn keys_aws_lc_refuses_keep_the_rsa_crate() {
    let legacy = RsaPublicKey::from_pem_allowing_legacy_size(LEGACY_1024_PEM).unwrap();
    assert_eq!(legacy.bits(), 1024);
    let hdrs = headers(&[("X-Signature", LEGACY_SIG)]);
    let verifier = RsaVerifier::with_key(crate::common::schemes::chip(), legacy.clone());
    assert!(verifier.verify_at(LEGACY_BODY, &hdrs, 0).is_ok());
    assert_eq!(verifier.verify_at(b"{}", &hdrs, 0), Err(VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 }));

    // A ring mixing both backends reports the key that matched.
    let ring = KeyRing::new().with("modern", key("rsa2048-public-spki.pem")).with("legacy", legacy);
    let mixed = RsaVerifier::new(crate::common::schemes::chip(), ring).unwrap();
    assert_eq!(mixed.verify_at(LEGACY_BODY, &hdrs, 0).unwrap().key_id().as_str(), "legacy");
    let chip_hdrs = headers(&[("X-Signature", read_fixture_str("verify/chip-purchase-paid.sig").trim())]);
    let chip_body = read_fixture("verify/chip-purchase-paid.body");
    assert_eq!(mixed.verify_at(&chip_body, &chip_hdrs, 0).unwrap().key_id().as_str(), "modern");
    assert_eq!(mixed.verify_at(b"{}", &chip_hdrs, 0), Err(VerifyError::NoMatch { keys_tried: 2, signatures_tried: 1 }));
}
