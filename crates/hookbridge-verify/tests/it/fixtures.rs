//! The signed sample deliveries in `crates/hookbridge-testkit/data/verify/` (signatures made by the openssl
//! command line, see its README; embedded as `hookbridge_testkit::fixtures::SignedSample`) verify
//! through the library.

use std::collections::BTreeSet;
use std::time::Duration;

use hookbridge_testkit::fixtures::SignedSample;
use hookbridge_verify::{
    HmacAlgorithm, HmacScheme, HmacSecret, HmacVerifier, RsaPublicKey, RsaVerifier, SignatureEncoding, SignatureFormat,
    SignedContent, Verifier, VerifyError,
};
use http::{HeaderMap, HeaderName};
use serde_json::Value;

struct Sample {
    name: String,
    verifier: Box<dyn Verifier>,
    body: Vec<u8>,
    headers: HeaderMap,
    verify_at: i64,
    tolerance: Option<u64>,
}

fn custom_scheme(desc: &Value) -> HmacScheme {
    let s = |k: &str| desc[k].as_str().unwrap_or_else(|| panic!("custom_scheme.{k}"));
    let mut b = HmacScheme::builder(HeaderName::from_bytes(s("signature_header").as_bytes()).unwrap())
        .format(match s("format") {
            "bare" => SignatureFormat::Bare,
            other => panic!("format {other}"),
        })
        .encoding(match s("encoding") {
            "hex" => SignatureEncoding::Hex,
            "base64" => SignatureEncoding::Base64,
            other => panic!("encoding {other}"),
        })
        .algorithm(match s("algorithm") {
            "sha256" => HmacAlgorithm::Sha256,
            "sha512" => HmacAlgorithm::Sha512,
            other => panic!("algorithm {other}"),
        })
        .signed_content(match s("signed_content") {
            "body" => SignedContent::Body,
            "timestamp.body" => SignedContent::TimestampDotBody,
            other => panic!("signed_content {other}"),
        });
    if let Some(ts) = desc["timestamp_header"].as_str() {
        b = b.timestamp_header(HeaderName::from_bytes(ts.as_bytes()).unwrap());
    }
    if let Some(tol) = desc["tolerance_secs"].as_u64() {
        b = b.tolerance(Duration::from_secs(tol));
    }
    b.build().unwrap()
}

fn load(name: &str) -> Sample {
    let sample = SignedSample::load(name).unwrap_or_else(|| panic!("no sample {name}"));
    let meta = &sample.meta;
    let scheme_name = meta["scheme"].as_str().unwrap();
    let secret = || {
        let value = sample.secret_text().unwrap();
        match meta["secret"]["form"].as_str().unwrap() {
            "text" => HmacSecret::from_str_bytes(value).unwrap(),
            "standard_webhooks" => HmacSecret::from_standard_webhooks(value).unwrap(),
            other => panic!("secret form {other}"),
        }
    };
    let public_key = || RsaPublicKey::from_pem(sample.public_key_pem().unwrap()).unwrap();
    let hmac = |scheme: HmacScheme| -> (Box<dyn Verifier>, Option<u64>) {
        let tolerance = scheme.tolerance().map(|d| d.as_secs());
        (Box::new(HmacVerifier::with_secret(scheme, secret())), tolerance)
    };
    let (verifier, tolerance) = match scheme_name {
        "miex" => hmac(crate::common::schemes::miex()),
        "bitnob" => hmac(crate::common::schemes::bitnob()),
        "bitnob_legacy" => hmac(crate::common::schemes::bitnob_legacy()),
        "stripe" => hmac(HmacScheme::stripe()),
        "standard_webhooks" => hmac(HmacScheme::standard_webhooks()),
        "github" => hmac(HmacScheme::github()),
        "custom" => hmac(custom_scheme(&meta["custom_scheme"])),
        "chip" => {
            (Box::new(RsaVerifier::with_key(crate::common::schemes::chip(), public_key())) as Box<dyn Verifier>, None)
        }
        "chip_send" => (
            Box::new(RsaVerifier::with_key(crate::common::schemes::chip_send(), public_key())) as Box<dyn Verifier>,
            None,
        ),
        other => panic!("unknown scheme {other} in {name}"),
    };
    Sample {
        name: name.to_owned(),
        verifier,
        body: sample.body.to_vec(),
        headers: sample.headers.clone(),
        verify_at: sample.verify_at,
        tolerance,
    }
}

/// Every sample in `data/verify/` (the testkit checks that it embeds each one).
fn sample_names() -> BTreeSet<String> {
    SignedSample::names().map(str::to_owned).collect()
}

#[test]
fn fixture_set_is_complete() {
    let expected: BTreeSet<String> = [
        "abbeycross-custom",
        "bitnob-legacy-deposit",
        "bitnob-transfer-success",
        "chip-purchase-paid",
        "chip-send-instruction-completed",
        "github-reference",
        "miex-order-created",
        "standard-webhooks-reference",
        "stripe-payment-intent-succeeded",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(sample_names(), expected);
}

#[test]
fn every_fixture_verifies_and_fails_when_tampered_or_stale() {
    for name in sample_names() {
        let s = load(&name);
        let verified =
            s.verifier.verify_at(&s.body, &s.headers, s.verify_at).unwrap_or_else(|e| panic!("{}: {e}", s.name));
        assert_eq!(verified.key_id().as_str(), "default");

        let mut tampered = s.body.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 0x01;
        assert!(
            matches!(s.verifier.verify_at(&tampered, &s.headers, s.verify_at), Err(VerifyError::NoMatch { .. })),
            "{}: tampered body accepted",
            s.name
        );

        if let Some(tolerance) = s.tolerance {
            let ts = verified.timestamp().unwrap();
            let late = ts + i64::try_from(tolerance).unwrap() + 1;
            assert!(
                matches!(s.verifier.verify_at(&s.body, &s.headers, late), Err(VerifyError::TimestampTooOld { .. })),
                "{}: stale delivery accepted",
                s.name
            );
        }
    }
}

#[test]
fn chip_fixture_body_is_a_realistic_purchase() {
    let purchase: Value = serde_json::from_slice(SignedSample::load("chip-purchase-paid").unwrap().body).unwrap();
    assert_eq!(purchase["event_type"], "purchase.paid");
    assert_eq!(purchase["status"], "paid");
    assert_eq!(purchase["purchase"]["total"], 29900);
    assert!(purchase["purchase"]["products"].as_array().unwrap().len() == 1);
    assert!(purchase["status_history"].as_array().unwrap().len() >= 2);
}
