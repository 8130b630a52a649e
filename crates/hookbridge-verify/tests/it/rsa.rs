//! RSA PKCS#1 v1.5 (CHIP Collect / CHIP Send) with keys and signatures made by openssl.

use hookbridge_verify::{
    EncodingProblem, KeyError, KeyRing, MalformedReason, RsaHash, RsaKeyFormat, RsaPublicKey, RsaScheme, RsaVerifier,
    SignatureEncoding, VerifyError,
};
use http::HeaderName;

use crate::common::{headers, read_fixture, read_fixture_str, with_header};

fn key(name: &str) -> RsaPublicKey {
    RsaPublicKey::from_pem(&read_fixture_str(&format!("keys/{name}"))).unwrap()
}

fn chip_body() -> Vec<u8> {
    read_fixture("verify/chip-purchase-paid.body")
}

fn chip_sig() -> String {
    read_fixture_str("verify/chip-purchase-paid.sig").trim().to_owned()
}

#[test]
fn every_key_form_parses_to_the_same_key() {
    let spki = key("rsa2048-public-spki.pem");
    assert_eq!(spki.bits(), 2048);
    assert_eq!(key("rsa2048-public-pkcs1.pem"), spki);
    assert_eq!(RsaPublicKey::from_spki_pem(&read_fixture_str("keys/rsa2048-public-spki.pem")).unwrap(), spki);
    assert_eq!(RsaPublicKey::from_pkcs1_pem(&read_fixture_str("keys/rsa2048-public-pkcs1.pem")).unwrap(), spki);
    let spki_der = read_fixture("keys/rsa2048-public-spki.der");
    let pkcs1_der = read_fixture("keys/rsa2048-public-pkcs1.der");
    assert_eq!(RsaPublicKey::from_spki_der(&spki_der).unwrap(), spki);
    assert_eq!(RsaPublicKey::from_pkcs1_der(&pkcs1_der).unwrap(), spki);
    assert_eq!(RsaPublicKey::from_der(&spki_der).unwrap(), spki);
    assert_eq!(RsaPublicKey::from_der(&pkcs1_der).unwrap(), spki);

    let big = key("rsa4096-public-spki.pem");
    assert_eq!(big.bits(), 4096);
    assert_eq!(key("rsa4096-public-pkcs1.pem"), big);
    assert_ne!(big, spki);

    // CHIP's `/public_key/` answers a JSON string; after decoding it may carry CRLF or
    // surrounding whitespace.
    let crlf = format!("\n  {}  \n", read_fixture_str("keys/rsa2048-public-spki.pem").replace('\n', "\r\n"));
    assert_eq!(RsaPublicKey::from_pem(&crlf).unwrap(), spki);
}

#[test]
fn key_parse_errors_are_typed() {
    assert_eq!(RsaPublicKey::from_pem("hello").unwrap_err(), KeyError::NotPem);
    assert_eq!(
        RsaPublicKey::from_pem(&read_fixture_str("keys/rsa2048-private.pem")).unwrap_err(),
        KeyError::UnsupportedPemLabel { label: "PRIVATE KEY".into() }
    );
    let corrupted = read_fixture_str("keys/rsa2048-public-spki.pem").replacen("MII", "MIJ", 1);
    assert!(matches!(
        RsaPublicKey::from_pem(&corrupted),
        Err(KeyError::InvalidRsaKey { format: RsaKeyFormat::SpkiPem, .. })
    ));
    // A PKCS#1 body under the SPKI label.
    let mislabelled = read_fixture_str("keys/rsa2048-public-pkcs1.pem").replace("RSA PUBLIC KEY", "PUBLIC KEY");
    let err = RsaPublicKey::from_pem(&mislabelled).unwrap_err();
    assert!(matches!(err, KeyError::InvalidRsaKey { .. }));
    // The source chain is kept.
    assert!(std::error::Error::source(&err).is_some());
    assert!(matches!(
        RsaPublicKey::from_der(b"\x30\x03\x02\x01\x01"),
        Err(KeyError::InvalidRsaKey { format: RsaKeyFormat::SpkiDer, .. })
    ));
}

#[test]
fn chip_purchase_paid_signed_by_openssl_verifies() {
    let verifier = RsaVerifier::with_key(crate::common::schemes::chip(), key("rsa2048-public-spki.pem"));
    let body = chip_body();
    let parsed: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(parsed["event_type"], "purchase.paid");
    assert_eq!(parsed["type"], "purchase");
    let hdrs = headers(&[("X-Signature", &chip_sig())]);
    let verified = verifier.verify_at(&body, &hdrs, 0).unwrap();
    assert_eq!(verified.key_id().as_str(), "default");
    assert_eq!(verified.timestamp(), None);

    // Same key in PKCS#1 form.
    let pkcs1 = RsaVerifier::with_key(crate::common::schemes::chip(), key("rsa2048-public-pkcs1.pem"));
    assert!(pkcs1.verify_at(&body, &hdrs, 0).is_ok());
}

#[test]
fn chip_negative_cases() {
    let verifier = RsaVerifier::with_key(crate::common::schemes::chip(), key("rsa2048-public-spki.pem"));
    let body = chip_body();
    let sig = chip_sig();
    let hdrs = headers(&[("X-Signature", &sig)]);
    let no_match = VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 };

    // Tampered body: re-serialised JSON (same data, different bytes) fails too.
    let reserialised = serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(&body).unwrap()).unwrap();
    let mut flipped = body.clone();
    flipped[100] ^= 0x20;
    for tampered in [[body.as_slice(), b"\n"].concat(), reserialised, flipped, Vec::new()] {
        assert_eq!(verifier.verify_at(&tampered, &hdrs, 0), Err(no_match.clone()));
    }

    // Wrong key.
    let wrong = RsaVerifier::with_key(crate::common::schemes::chip(), key("rsa4096-public-spki.pem"));
    assert_eq!(wrong.verify_at(&body, &hdrs, 0), Err(no_match.clone()));

    // Wrong hash (CHIP Send scheme on a CHIP Collect signature).
    let sha512 = RsaVerifier::with_key(crate::common::schemes::chip_send(), key("rsa2048-public-spki.pem"));
    assert_eq!(sha512.verify_at(&body, &hdrs, 0), Err(no_match.clone()));

    // Missing / repeated / malformed headers.
    assert_eq!(
        verifier.verify_at(&body, &http::HeaderMap::new(), 0),
        Err(VerifyError::MissingHeader { name: crate::common::schemes::CHIP_SIGNATURE })
    );
    assert_eq!(
        verifier.verify_at(&body, &headers(&[("X-Signature", &sig), ("x-signature", &sig)]), 0),
        Err(VerifyError::MalformedHeader {
            name: crate::common::schemes::CHIP_SIGNATURE,
            reason: MalformedReason::Repeated { count: 2 }
        })
    );
    let bad_encoding = |value: &str| {
        verifier.verify_at(&body, &with_header(hdrs.clone(), &crate::common::schemes::CHIP_SIGNATURE, value), 0)
    };
    assert!(matches!(
        bad_encoding("not*base64"),
        Err(VerifyError::BadEncoding { problem: EncodingProblem::Invalid, encoding: SignatureEncoding::Base64, .. })
    ));
    // The signature as hex is the wrong encoding.
    let as_hex = hex::encode(base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &sig).unwrap());
    assert!(matches!(bad_encoding(&as_hex), Err(VerifyError::BadEncoding { .. }) | Err(VerifyError::NoMatch { .. })));
    assert!(matches!(
        bad_encoding(&"A".repeat(2000)),
        Err(VerifyError::BadEncoding { problem: EncodingProblem::TooLong { max_bytes: 1024 }, .. })
    ));
    // Truncated signature: decodes, fails the check.
    assert_eq!(bad_encoding(&sig[..sig.len() - 8]), Err(no_match.clone()));
    // Surrounding spaces are trimmed.
    assert!(bad_encoding(&format!(" {sig} ")).is_ok());
    // Oversized header.
    assert!(matches!(
        bad_encoding(&format!("{sig}{}", " ".repeat(9000))),
        Err(VerifyError::MalformedHeader { reason: MalformedReason::TooLong { .. }, .. })
    ));
}

#[test]
fn chip_send_sha512_signed_by_openssl_verifies_with_pkcs1_key() {
    let body = read_fixture("verify/chip-send-instruction-completed.body");
    let sample: serde_json::Value =
        serde_json::from_slice(&read_fixture("verify/chip-send-instruction-completed.json")).unwrap();
    let sig = sample["headers"]["X-Signature"].as_str().unwrap();
    let hdrs = headers(&[("X-Signature", sig)]);
    let verifier = RsaVerifier::with_key(crate::common::schemes::chip_send(), key("rsa4096-public-pkcs1.pem"));
    assert_eq!(verifier.scheme().hash(), RsaHash::Sha512);
    assert!(verifier.verify_at(&body, &hdrs, 0).is_ok());
    // SHA-256 scheme rejects it.
    let sha256 = RsaVerifier::with_key(crate::common::schemes::chip(), key("rsa4096-public-pkcs1.pem"));
    assert!(matches!(sha256.verify_at(&body, &hdrs, 0), Err(VerifyError::NoMatch { .. })));
}

#[test]
fn rsa_key_ring_rotation_reports_the_matching_key() {
    let ring = KeyRing::new()
        .with("webhook-old", key("rsa4096-public-spki.pem"))
        .with("webhook-new", key("rsa2048-public-spki.pem"));
    let verifier = RsaVerifier::new(crate::common::schemes::chip(), ring).unwrap();
    let hdrs = headers(&[("X-Signature", &chip_sig())]);
    assert_eq!(verifier.verify_at(&chip_body(), &hdrs, 0).unwrap().key_id().as_str(), "webhook-new");
    assert_eq!(verifier.verify_at(b"{}", &hdrs, 0), Err(VerifyError::NoMatch { keys_tried: 2, signatures_tried: 1 }));
    assert_eq!(RsaVerifier::new(crate::common::schemes::chip(), KeyRing::new()).unwrap_err(), KeyError::EmptyKeyRing);
}

#[test]
fn custom_rsa_scheme_header_and_encoding() {
    let sig = chip_sig();
    let raw = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &sig).unwrap();
    let scheme =
        RsaScheme::new(HeaderName::from_static("x-custom-rsa"), RsaHash::Sha256).with_encoding(SignatureEncoding::Hex);
    let verifier = RsaVerifier::with_key(scheme, key("rsa2048-public-spki.pem"));
    let hdrs = headers(&[("x-custom-rsa", &hex::encode(raw))]);
    assert!(verifier.verify_at(&chip_body(), &hdrs, 0).is_ok());
}
