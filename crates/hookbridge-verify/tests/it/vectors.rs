//! Published test vectors of Standard Webhooks, GitHub and Stripe.
//!
//! * Standard Webhooks: the vector used across the standard-webhooks / svix libraries'
//!   tests (e.g. svix PHP `testSignFunctionWorks`), re-checked with openssl.
//! * GitHub: docs "Validating webhook deliveries", re-checked with openssl.
//! * Stripe publishes no fixed vector; this one was computed from the documented algorithm
//!   (hex HMAC-SHA256, key = the `whsec_` text, message `t.body`) twice, independently:
//!   `printf '%s' '1614265330.{"id":"evt_test","object":"event"}' | openssl dgst -sha256 -hmac whsec_test_secret`
//!   and Python's `hmac.new(b"whsec_test_secret", ..., hashlib.sha256).hexdigest()`.

use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, VerifyError, headers as h};

use crate::common::headers;

const SW_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SW_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SW_TS: i64 = 1_614_265_330;
const SW_BODY: &[u8] = br#"{"test": 2432232314}"#;
const SW_SIG: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

const GH_SECRET: &str = "It's a Secret to Everybody";
const GH_BODY: &[u8] = b"Hello, World!";
const GH_SIG: &str = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

const STRIPE_SECRET: &str = "whsec_test_secret";
const STRIPE_TS: i64 = 1_614_265_330;
const STRIPE_BODY: &[u8] = br#"{"id":"evt_test","object":"event"}"#;
const STRIPE_SIG: &str = "fbd6bf5496b9d6310e422a2c072578f95f5eb492111ab57a5510e9cd79c1b304";

#[test]
fn standard_webhooks_vector_verifies() {
    let secret = HmacSecret::from_standard_webhooks(SW_SECRET).unwrap();
    let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret);
    let hdrs = headers(&[("webhook-id", SW_ID), ("webhook-timestamp", "1614265330"), ("webhook-signature", SW_SIG)]);
    let verified = verifier.verify_at(SW_BODY, &hdrs, SW_TS).unwrap();
    assert_eq!(verified.timestamp(), Some(SW_TS));
    assert_eq!(verified.id(), Some(SW_ID));
    assert!(verified.id_is_signed());

    // The prefix is optional, as in the reference libraries.
    let unprefixed = HmacSecret::from_standard_webhooks(SW_SECRET.trim_start_matches("whsec_")).unwrap();
    let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), unprefixed);
    assert!(verifier.verify_at(SW_BODY, &hdrs, SW_TS).is_ok());

    // The reference vector with the secret used as text (Stripe-style) must fail.
    let as_text = HmacSecret::from_str_bytes(SW_SECRET).unwrap();
    let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), as_text);
    assert!(matches!(verifier.verify_at(SW_BODY, &hdrs, SW_TS), Err(VerifyError::NoMatch { .. })));
}

#[test]
fn standard_webhooks_signer_reproduces_vector() {
    let secret = HmacSecret::from_standard_webhooks(SW_SECRET).unwrap();
    let signed = HmacSigner::new(HmacScheme::standard_webhooks(), secret).sign(SW_BODY, SW_TS, Some(SW_ID)).unwrap();
    assert_eq!(signed[h::WEBHOOK_SIGNATURE], SW_SIG);
    assert_eq!(signed[h::WEBHOOK_TIMESTAMP], "1614265330");
    assert_eq!(signed[h::WEBHOOK_ID], SW_ID);
    assert_eq!(signed.len(), 3);
}

#[test]
fn github_vector_verifies_and_signer_reproduces_it() {
    let secret = HmacSecret::from_str_bytes(GH_SECRET).unwrap();
    let verifier = HmacVerifier::with_secret(HmacScheme::github(), secret.clone());
    let hdrs = headers(&[("X-Hub-Signature-256", GH_SIG)]);
    let verified = verifier.verify_at(GH_BODY, &hdrs, 0).unwrap();
    assert_eq!(verified.timestamp(), None);
    assert_eq!(verified.id(), None);

    let signed = HmacSigner::new(HmacScheme::github(), secret).sign(GH_BODY, 0, None).unwrap();
    assert_eq!(signed[h::GITHUB_SIGNATURE_256], GH_SIG);
    assert_eq!(signed.len(), 1);
}

#[test]
fn stripe_vector_verifies_and_signer_reproduces_it() {
    let secret = HmacSecret::from_str_bytes(STRIPE_SECRET).unwrap();
    let verifier = HmacVerifier::with_secret(HmacScheme::stripe(), secret.clone());
    let value = format!("t={STRIPE_TS},v1={STRIPE_SIG}");
    let hdrs = headers(&[("Stripe-Signature", &value)]);
    let verified = verifier.verify_at(STRIPE_BODY, &hdrs, STRIPE_TS + 10).unwrap();
    assert_eq!(verified.timestamp(), Some(STRIPE_TS));

    let signed = HmacSigner::new(HmacScheme::stripe(), secret).sign(STRIPE_BODY, STRIPE_TS, None).unwrap();
    assert_eq!(signed[h::STRIPE_SIGNATURE], value.as_str());
    assert_eq!(signed.len(), 1);
}

#[test]
fn stripe_header_with_v0_and_several_v1_is_accepted() {
    // Stripe sends a v0 (ignored) and, during secret rolls, several v1.
    let secret = HmacSecret::from_str_bytes(STRIPE_SECRET).unwrap();
    let verifier = HmacVerifier::with_secret(HmacScheme::stripe(), secret);
    let bogus = "0".repeat(64);
    let value = format!("t={STRIPE_TS},v1={bogus},v1={STRIPE_SIG},v1={bogus},v0={bogus}");
    let hdrs = headers(&[("Stripe-Signature", &value)]);
    assert!(verifier.verify_at(STRIPE_BODY, &hdrs, STRIPE_TS).is_ok());
}
