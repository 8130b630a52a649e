//! Test signers, including the RSA signer behind the `rsa-signing` feature.

use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret, headers as h};

#[test]
fn signers_emit_exactly_the_provider_headers() {
    let secret = HmacSecret::from_str_bytes("k").unwrap();
    let body = b"{}";
    let cases = [
        (
            crate::common::schemes::miex(),
            vec![crate::common::schemes::MIEX_SIGNATURE, crate::common::schemes::MIEX_DELIVERY],
        ),
        (
            crate::common::schemes::bitnob(),
            vec![crate::common::schemes::BITNOB_SIGNATURE, crate::common::schemes::BITNOB_TIMESTAMP],
        ),
        (crate::common::schemes::bitnob_legacy(), vec![crate::common::schemes::BITNOB_SIGNATURE]),
        (HmacScheme::stripe(), vec![h::STRIPE_SIGNATURE]),
        (HmacScheme::standard_webhooks(), vec![h::WEBHOOK_SIGNATURE, h::WEBHOOK_TIMESTAMP, h::WEBHOOK_ID]),
        (HmacScheme::github(), vec![h::GITHUB_SIGNATURE_256, h::GITHUB_DELIVERY]),
    ];
    for (scheme, expected) in cases {
        let signed = HmacSigner::new(scheme.clone(), secret.clone()).sign(body, 1_700_000_000, Some("id-1")).unwrap();
        let mut names: Vec<_> = signed.keys().map(|n| n.as_str().to_owned()).collect();
        names.sort();
        let mut want: Vec<_> = expected.iter().map(|n| n.as_str().to_owned()).collect();
        want.sort();
        assert_eq!(names, want, "{scheme:?}");
    }

    // Exact shapes.
    let bitnob =
        HmacSigner::new(crate::common::schemes::bitnob(), secret.clone()).sign(body, 1_700_000_000, None).unwrap();
    assert_eq!(bitnob[crate::common::schemes::BITNOB_TIMESTAMP], "1700000000");
    let sig = bitnob[crate::common::schemes::BITNOB_SIGNATURE].to_str().unwrap();
    assert_eq!(sig.len(), 64);
    assert!(sig.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    let legacy = HmacSigner::new(crate::common::schemes::bitnob_legacy(), secret.clone())
        .signature_value(body, 0, None)
        .unwrap();
    assert_eq!(legacy.len(), 128);
    let miex = HmacSigner::new(crate::common::schemes::miex(), secret).signature_value(body, 0, None).unwrap();
    assert!(miex.starts_with("sha256=") && miex.len() == 7 + 64);
}

#[test]
fn hmac_signers_match_openssl_fixtures() {
    // The fixtures were signed by `openssl dgst -hmac`; the library's signer must produce
    // byte-identical header values.
    let secrets: serde_json::Value =
        serde_json::from_slice(&crate::common::read_fixture("verify/secrets.json")).unwrap();
    let secret = |n: &str| HmacSecret::from_str_bytes(secrets[n].as_str().unwrap()).unwrap();
    let sample = |n: &str| -> (serde_json::Value, Vec<u8>) {
        let meta: serde_json::Value =
            serde_json::from_slice(&crate::common::read_fixture(&format!("verify/{n}.json"))).unwrap();
        let body = crate::common::read_fixture(&format!("verify/{}", meta["body_file"].as_str().unwrap()));
        (meta, body)
    };
    let (meta, body) = sample("bitnob-transfer-success");
    let signed =
        HmacSigner::new(crate::common::schemes::bitnob(), secret("bitnob")).sign(&body, 1_735_689_600, None).unwrap();
    assert_eq!(
        signed[crate::common::schemes::BITNOB_SIGNATURE],
        meta["headers"]["X-Bitnob-Signature"].as_str().unwrap()
    );
    let (meta, body) = sample("miex-order-created");
    let value =
        HmacSigner::new(crate::common::schemes::miex(), secret("miex")).signature_value(&body, 0, None).unwrap();
    assert_eq!(value, meta["headers"]["X-Webhook-Signature"].as_str().unwrap());
    let (meta, body) = sample("bitnob-legacy-deposit");
    let value = HmacSigner::new(crate::common::schemes::bitnob_legacy(), secret("bitnob_legacy"))
        .signature_value(&body, 0, None)
        .unwrap();
    assert_eq!(value, meta["headers"]["x-bitnob-signature"].as_str().unwrap());
    let (meta, body) = sample("abbeycross-custom");
    let value = HmacSigner::new(crate::presets::abbeycross_example_scheme(), secret("abbeycross"))
        .signature_value(&body, 1_735_689_600, None)
        .unwrap();
    assert_eq!(value, meta["headers"]["X-AbbeyCross-Signature"].as_str().unwrap());
    let (meta, body) = sample("stripe-payment-intent-succeeded");
    let value =
        HmacSigner::new(HmacScheme::stripe(), secret("stripe")).signature_value(&body, 1_735_689_600, None).unwrap();
    assert_eq!(value, meta["headers"]["Stripe-Signature"].as_str().unwrap());
}

#[cfg(feature = "rsa-signing")]
mod rsa_signing {
    use hookbridge_verify::sign::RsaSigner;
    use hookbridge_verify::{KeyError, RsaPublicKey, RsaVerifier, VerifyError};

    use crate::common::{read_fixture, read_fixture_str};

    #[test]
    fn rsa_signer_reproduces_the_openssl_signatures() {
        // PKCS#1 v1.5 signatures are deterministic, so the library signer must produce the
        // same bytes as `openssl dgst -sha256 -sign`.
        let body = read_fixture("verify/chip-purchase-paid.body");
        let expected = read_fixture_str("verify/chip-purchase-paid.sig");
        for pem in ["keys/rsa2048-private.pem", "keys/rsa2048-private-pkcs1.pem"] {
            let signer = RsaSigner::from_pem(crate::common::schemes::chip(), &read_fixture_str(pem)).unwrap();
            assert_eq!(signer.signature_value(&body).unwrap(), expected.trim(), "{pem}");
            let public = RsaPublicKey::from_pem(&read_fixture_str("keys/rsa2048-public-spki.pem")).unwrap();
            assert_eq!(signer.public_key(), &public);
        }
        let send_body = read_fixture("verify/chip-send-instruction-completed.body");
        let meta: serde_json::Value =
            serde_json::from_slice(&read_fixture("verify/chip-send-instruction-completed.json")).unwrap();
        let signer =
            RsaSigner::from_pem(crate::common::schemes::chip_send(), &read_fixture_str("keys/rsa4096-private.pem"))
                .unwrap();
        assert_eq!(signer.signature_value(&send_body).unwrap(), meta["headers"]["X-Signature"].as_str().unwrap());
    }

    #[test]
    fn rsa_signer_output_verifies_and_tampering_fails() {
        let signer =
            RsaSigner::from_pem(crate::common::schemes::chip_send(), &read_fixture_str("keys/rsa2048-private.pem"))
                .unwrap();
        let verifier = RsaVerifier::with_key(crate::common::schemes::chip_send(), signer.public_key().clone());
        let body = b"\x00\xff not utf-8 \x80";
        let headers = signer.sign(body).unwrap();
        assert_eq!(headers.len(), 1);
        assert!(headers.contains_key(crate::common::schemes::CHIP_SIGNATURE));
        assert!(verifier.verify_at(body, &headers, 0).is_ok());
        assert!(matches!(verifier.verify_at(b"other", &headers, 0), Err(VerifyError::NoMatch { .. })));
        assert_eq!(
            RsaSigner::from_pem(crate::common::schemes::chip(), &read_fixture_str("keys/rsa2048-public-spki.pem"))
                .unwrap_err(),
            KeyError::UnsupportedPemLabel { label: "PUBLIC KEY".into() }
        );
        let debug = format!("{signer:?}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn generated_keys_are_fresh_and_their_public_pem_verifies() {
        use hookbridge_verify::sign::GENERATED_KEY_BITS;

        let started = std::time::Instant::now();
        let a = RsaSigner::generate(crate::common::schemes::chip()).unwrap();
        eprintln!("generated a {GENERATED_KEY_BITS}-bit key in {:?}", started.elapsed());
        let b = RsaSigner::generate(crate::common::schemes::chip()).unwrap();
        assert_eq!(a.public_key().bits(), GENERATED_KEY_BITS);
        assert_ne!(a.public_key(), b.public_key());
        // The public half, as PEM, is what a receiver is configured with.
        let pem = a.public_key().to_pem().unwrap();
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
        let verifier = RsaVerifier::with_key(crate::common::schemes::chip(), RsaPublicKey::from_pem(&pem).unwrap());
        let headers = a.sign(b"{\"event_type\":\"purchase.paid\"}").unwrap();
        assert!(verifier.verify_at(b"{\"event_type\":\"purchase.paid\"}", &headers, 0).is_ok());
        let other = b.sign(b"{\"event_type\":\"purchase.paid\"}").unwrap();
        assert!(matches!(
            verifier.verify_at(b"{\"event_type\":\"purchase.paid\"}", &other, 0),
            Err(VerifyError::NoMatch { .. })
        ));
        // A generated private key PEM reads back as a signer of the same kind.
        let pem = hookbridge_verify::sign::generate_rsa_private_key_pem().unwrap();
        let kept = RsaSigner::from_pem(crate::common::schemes::chip(), &pem).unwrap();
        assert_eq!(kept.public_key().bits(), GENERATED_KEY_BITS);
        assert_ne!(kept.public_key(), a.public_key());
        // The fixture key round-trips through SPKI PEM.
        let fixture = RsaPublicKey::from_pem(&read_fixture_str("keys/rsa2048-public-pkcs1.pem")).unwrap();
        assert_eq!(fixture.to_pem().unwrap().trim(), read_fixture_str("keys/rsa2048-public-spki.pem").trim());
    }
}
