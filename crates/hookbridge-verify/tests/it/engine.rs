//! The HMAC engine: multi-signature headers, key rings, parser edge cases, limits.

use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{
    HmacScheme, HmacSecret, HmacVerifier, KeyError, KeyId, KeyRing, MAX_SIGNATURES, MalformedReason, SignError,
    Verifier, VerifyError, headers as h,
};
use http::{HeaderMap, HeaderName};

use crate::common::{header_str, headers, with_header};

const TS: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"type":"invoice.paid"}"#;

fn text(s: &str) -> HmacSecret {
    HmacSecret::from_str_bytes(s).unwrap()
}

fn sw_secret(raw: &[u8]) -> HmacSecret {
    HmacSecret::from_bytes(raw.to_vec()).unwrap()
}

/// The bare signature text a signer produces for `secret` under `scheme`.
fn stripe_sig(secret: &HmacSecret, ts: i64, body: &[u8]) -> String {
    let v = HmacSigner::new(HmacScheme::stripe(), secret.clone()).signature_value(body, ts, None).unwrap();
    v.split_once(",v1=").unwrap().1.to_owned()
}

fn sw_sig(secret: &HmacSecret, id: &str, ts: i64, body: &[u8]) -> String {
    let v =
        HmacSigner::new(HmacScheme::standard_webhooks(), secret.clone()).signature_value(body, ts, Some(id)).unwrap();
    v.strip_prefix("v1,").unwrap().to_owned()
}

#[test]
fn standard_webhooks_valid_signature_in_the_middle_of_a_list() {
    let secret = sw_secret(b"0123456789abcdef0123456789abcdef");
    let other = sw_secret(b"another key entirely");
    let good = sw_sig(&secret, "msg_1", TS, BODY);
    let bad1 = sw_sig(&other, "msg_1", TS, BODY);
    let bad2 = sw_sig(&secret, "msg_2", TS, BODY); // right key, wrong content
    // Valid one neither first nor last; an asymmetric `v1a` entry and a malformed-base64
    // v1 entry are skipped; runs of spaces are tolerated.
    let value = format!("v1,{bad1}  v1a,c2lnbmF0dXJl v1,!!notbase64!! v1,{good} v1,{bad2}");
    let hdrs =
        headers(&[("webhook-id", "msg_1"), ("webhook-timestamp", &TS.to_string()), ("webhook-signature", &value)]);
    let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret);
    assert!(verifier.verify_at(BODY, &hdrs, TS).is_ok());

    // Without the valid one: every decodable v1 was tried (4 of them minus the bad base64).
    let value = format!("v1,{bad1} v1a,c2lnbmF0dXJl v1,!!notbase64!! v1,{bad2}");
    let hdrs = with_header(hdrs, &h::WEBHOOK_SIGNATURE, &value);
    assert_eq!(verifier.verify_at(BODY, &hdrs, TS), Err(VerifyError::NoMatch { keys_tried: 1, signatures_tried: 2 }));
}

#[test]
fn stripe_valid_signature_in_the_middle_and_spaces_around_elements() {
    let secret = text("whsec_abc");
    let other = text("whsec_def");
    let good = stripe_sig(&secret, TS, BODY);
    let bad = stripe_sig(&other, TS, BODY);
    let value = format!("t={TS}, v1={bad} , v1={good},v1={bad}, v0={bad},");
    let hdrs = headers(&[("stripe-signature", &value)]);
    let verifier = HmacVerifier::with_secret(HmacScheme::stripe(), secret);
    assert_eq!(verifier.verify_at(BODY, &hdrs, TS).unwrap().timestamp(), Some(TS));
}

#[test]
fn key_ring_of_old_and_new_secret_accepts_both_and_reports_which() {
    let old = text("old secret 2024");
    let new = text("new secret 2025");
    let ring = KeyRing::new().with("2024", old.clone()).with("2025", new.clone());
    for scheme in [
        crate::common::schemes::miex(),
        crate::common::schemes::bitnob(),
        HmacScheme::stripe(),
        HmacScheme::standard_webhooks(),
    ] {
        let verifier = HmacVerifier::new(scheme.clone(), ring.clone()).unwrap();
        assert_eq!(verifier.key_ids().map(KeyId::as_str).collect::<Vec<_>>(), ["2024", "2025"]);
        for (secret, id) in [(&old, "2024"), (&new, "2025")] {
            let hdrs = HmacSigner::new(scheme.clone(), secret.clone()).sign(BODY, TS, Some("msg_ring")).unwrap();
            let verified = verifier.verify_at(BODY, &hdrs, TS).unwrap();
            assert_eq!(verified.key_id(), &KeyId::from(id), "{scheme:?}");
        }
        let stranger = HmacSigner::new(scheme.clone(), text("unknown")).sign(BODY, TS, Some("msg_ring")).unwrap();
        assert_eq!(
            verifier.verify_at(BODY, &stranger, TS),
            Err(VerifyError::NoMatch { keys_tried: 2, signatures_tried: 1 })
        );
    }
}

#[test]
fn sender_rotation_multiple_signatures_and_receiver_with_only_the_new_secret() {
    let old = text("old");
    let new = text("new");
    for scheme in [HmacScheme::stripe(), HmacScheme::standard_webhooks()] {
        let hdrs = HmacSigner::new(scheme.clone(), old.clone())
            .with_additional_secret(new.clone())
            .sign(BODY, TS, Some("msg_rot"))
            .unwrap();
        let only_new = HmacVerifier::new(scheme.clone(), KeyRing::single("new", new.clone())).unwrap();
        assert_eq!(only_new.verify_at(BODY, &hdrs, TS).unwrap().key_id().as_str(), "new");
        let only_old = HmacVerifier::new(scheme.clone(), KeyRing::single("old", old.clone())).unwrap();
        assert_eq!(only_old.verify_at(BODY, &hdrs, TS).unwrap().key_id().as_str(), "old");
        let neither = HmacVerifier::with_secret(scheme.clone(), text("neither"));
        assert_eq!(
            neither.verify_at(BODY, &hdrs, TS),
            Err(VerifyError::NoMatch { keys_tried: 1, signatures_tried: 2 })
        );
    }
    // Single-signature formats refuse to carry two.
    let err = HmacSigner::new(HmacScheme::github(), old).with_additional_secret(new).sign(BODY, TS, None).unwrap_err();
    assert_eq!(err, SignError::MultipleSignaturesUnsupported);
}

#[test]
fn signature_count_is_bounded() {
    let secret = sw_secret(b"bounded");
    let good = sw_sig(&secret, "msg_b", TS, BODY);
    let filler = sw_sig(&sw_secret(b"filler"), "msg_b", TS, BODY);
    let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret);
    let base = headers(&[("webhook-id", "msg_b"), ("webhook-timestamp", &TS.to_string())]);

    // Exactly MAX_SIGNATURES, the valid one last: accepted.
    let mut list = vec![format!("v1,{filler}"); MAX_SIGNATURES - 1];
    list.push(format!("v1,{good}"));
    let hdrs = with_header(base.clone(), &h::WEBHOOK_SIGNATURE, &list.join(" "));
    assert!(verifier.verify_at(BODY, &hdrs, TS).is_ok());

    // One more: rejected before any MAC is computed, even though a valid one is present.
    list.insert(0, format!("v1,{filler}"));
    let hdrs = with_header(base, &h::WEBHOOK_SIGNATURE, &list.join(" "));
    assert_eq!(
        verifier.verify_at(BODY, &hdrs, TS),
        Err(VerifyError::MalformedHeader {
            name: h::WEBHOOK_SIGNATURE,
            reason: MalformedReason::TooManySignatures { max: MAX_SIGNATURES },
        })
    );

    // Same for Stripe.
    let secret = text("stripe bounded");
    let good = stripe_sig(&secret, TS, BODY);
    let mut value = format!("t={TS}");
    for _ in 0..MAX_SIGNATURES {
        value.push_str(&format!(",v1={}", "0".repeat(64)));
    }
    value.push_str(&format!(",v1={good}"));
    let verifier = HmacVerifier::with_secret(HmacScheme::stripe(), secret);
    assert_eq!(
        verifier.verify_at(BODY, &headers(&[("stripe-signature", &value)]), TS),
        Err(VerifyError::MalformedHeader {
            name: h::STRIPE_SIGNATURE,
            reason: MalformedReason::TooManySignatures { max: MAX_SIGNATURES },
        })
    );
}

#[test]
fn stripe_header_parse_errors() {
    let verifier = HmacVerifier::with_secret(HmacScheme::stripe(), text("s"));
    let sig = "a".repeat(64);
    let cases: Vec<(String, MalformedReason)> = vec![
        (format!("v1={sig}"), MalformedReason::MissingTimestamp),
        (format!("t=1,t=2,v1={sig}"), MalformedReason::DuplicateTimestamp),
        (format!("t={TS}"), MalformedReason::NoSignature { version: "v1" }),
        (format!("t={TS},v0={sig}"), MalformedReason::NoSignature { version: "v1" }),
        (format!("t={TS},v1{sig}"), MalformedReason::InvalidElement { expected: "key=value" }),
        (format!("t=-5,v1={sig}"), MalformedReason::InvalidTimestamp),
        (format!("t=,v1={sig}"), MalformedReason::InvalidTimestamp),
    ];
    for (value, reason) in cases {
        assert_eq!(
            verifier.verify_at(BODY, &headers(&[("stripe-signature", &value)]), TS),
            Err(VerifyError::MalformedHeader { name: h::STRIPE_SIGNATURE, reason }),
            "{value}"
        );
    }
}

#[test]
fn standard_webhooks_header_parse_errors() {
    let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), sw_secret(b"k"));
    let base = headers(&[("webhook-id", "msg_x"), ("webhook-timestamp", &TS.to_string())]);
    for (value, reason) in [
        ("v1a,abc v2,def", MalformedReason::NoSignature { version: "v1" }),
        ("v1", MalformedReason::InvalidElement { expected: "version,signature" }),
        ("v1,c2ln v1=c2ln", MalformedReason::InvalidElement { expected: "version,signature" }),
    ] {
        assert_eq!(
            verifier.verify_at(BODY, &with_header(base.clone(), &h::WEBHOOK_SIGNATURE, value), TS),
            Err(VerifyError::MalformedHeader { name: h::WEBHOOK_SIGNATURE, reason }),
            "{value}"
        );
    }
}

#[test]
fn prefix_is_required_but_case_insensitive() {
    let secret = text("prefix");
    let hdrs = HmacSigner::new(HmacScheme::github(), secret.clone()).sign(BODY, 0, None).unwrap();
    let value = header_str(&hdrs, &h::GITHUB_SIGNATURE_256).to_owned();
    let verifier = HmacVerifier::with_secret(HmacScheme::github(), secret);

    let upper = value.replacen("sha256=", "SHA256=", 1);
    assert!(verifier.verify_at(BODY, &with_header(hdrs.clone(), &h::GITHUB_SIGNATURE_256, &upper), 0).is_ok());
    // Hex case does not matter either.
    let upper_hex = format!("sha256={}", value["sha256=".len()..].to_uppercase());
    assert!(verifier.verify_at(BODY, &with_header(hdrs.clone(), &h::GITHUB_SIGNATURE_256, &upper_hex), 0).is_ok());
    for bad in [&value["sha256=".len()..], "sha1=abcdef", "sha25"] {
        assert_eq!(
            verifier.verify_at(BODY, &with_header(hdrs.clone(), &h::GITHUB_SIGNATURE_256, bad), 0),
            Err(VerifyError::MalformedHeader {
                name: h::GITHUB_SIGNATURE_256,
                reason: MalformedReason::MissingPrefix { expected: "sha256=".into() },
            }),
            "{bad}"
        );
    }
    assert_eq!(
        verifier.verify_at(BODY, &with_header(hdrs, &h::GITHUB_SIGNATURE_256, "sha256="), 0),
        Err(VerifyError::MalformedHeader { name: h::GITHUB_SIGNATURE_256, reason: MalformedReason::Empty })
    );
}

#[test]
fn header_names_are_case_insensitive_on_the_wire() {
    // What arrives as `X-Bitnob-Signature` is found under the lower-case constant.
    let secret = text("case");
    let signed = HmacSigner::new(crate::common::schemes::bitnob(), secret.clone()).sign(BODY, TS, None).unwrap();
    let hdrs = headers(&[
        ("X-Bitnob-Signature", header_str(&signed, &crate::common::schemes::BITNOB_SIGNATURE)),
        ("X-BITNOB-TIMESTAMP", header_str(&signed, &crate::common::schemes::BITNOB_TIMESTAMP)),
        ("X-Bitnob-Event", "transfer.success"),
    ]);
    let verifier = HmacVerifier::with_secret(crate::common::schemes::bitnob(), secret);
    assert!(verifier.verify_at(BODY, &hdrs, TS).is_ok());
}

#[test]
fn repeated_timestamp_or_id_header_is_malformed() {
    let secret = sw_secret(b"rep");
    let signed =
        HmacSigner::new(HmacScheme::standard_webhooks(), secret.clone()).sign(BODY, TS, Some("msg_rep")).unwrap();
    let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret);
    for name in [h::WEBHOOK_TIMESTAMP, h::WEBHOOK_ID] {
        let mut hdrs = signed.clone();
        let value = hdrs.get(&name).unwrap().clone();
        hdrs.append(name.clone(), value);
        assert_eq!(
            verifier.verify_at(BODY, &hdrs, TS),
            Err(VerifyError::MalformedHeader { name, reason: MalformedReason::Repeated { count: 2 } })
        );
    }
}

#[test]
fn empty_key_ring_fails_closed() {
    assert_eq!(HmacVerifier::new(crate::common::schemes::miex(), KeyRing::new()).unwrap_err(), KeyError::EmptyKeyRing);
    assert_eq!(HmacScheme::stripe().verifier(KeyRing::default()).unwrap_err(), KeyError::EmptyKeyRing);
    let dup = KeyRing::new().with("a", text("x")).with("b", text("y")).with("a", text("z"));
    assert_eq!(
        HmacVerifier::new(crate::common::schemes::miex(), dup).unwrap_err(),
        KeyError::DuplicateKeyId { id: KeyId::from("a") }
    );
    assert_eq!(HmacSecret::from_bytes(Vec::new()).unwrap_err(), KeyError::EmptySecret);
    assert_eq!(HmacSecret::from_str_bytes("").unwrap_err(), KeyError::EmptySecret);
    assert_eq!(HmacSecret::from_standard_webhooks("whsec_").unwrap_err(), KeyError::EmptySecret);
    assert!(matches!(
        HmacSecret::from_standard_webhooks("whsec_not base64!"),
        Err(KeyError::InvalidSecretEncoding { .. })
    ));
    assert!(matches!(HmacSecret::from_hex("zz"), Err(KeyError::InvalidSecretEncoding { .. })));
    assert_eq!(HmacSecret::from_hex("00ff").unwrap().len(), 2);
    assert_eq!(HmacSecret::from_base64("AAEC").unwrap().len(), 3);
}

#[test]
fn key_ring_from_iterator_and_extend() {
    let mut ring: KeyRing<HmacSecret> = [("a", text("1")), ("b", text("2"))].into_iter().collect();
    ring.extend([("c", text("3"))]);
    ring.push(String::from("d"), text("4"));
    assert_eq!(ring.len(), 4);
    assert!(!ring.is_empty());
    assert_eq!(ring.ids().map(KeyId::as_str).collect::<String>(), "abcd");
    let verifier = HmacVerifier::new(crate::common::schemes::bitnob_legacy(), ring).unwrap();
    let hdrs = HmacSigner::new(crate::common::schemes::bitnob_legacy(), text("3")).sign(BODY, 0, None).unwrap();
    assert_eq!(verifier.verify_at(BODY, &hdrs, 0).unwrap().key_id().as_str(), "c");
}

#[test]
fn verifiers_work_as_trait_objects() {
    let secret = text("dyn");
    let verifiers: Vec<Box<dyn Verifier>> = vec![
        Box::new(HmacVerifier::with_secret(HmacScheme::github(), secret.clone())),
        Box::new(HmacVerifier::with_secret(crate::common::schemes::bitnob(), secret.clone())),
    ];
    let gh = HmacSigner::new(HmacScheme::github(), secret.clone()).sign(BODY, TS, None).unwrap();
    assert!(verifiers[0].verify_at(BODY, &gh, TS).is_ok());
    assert!(verifiers[1].verify_at(BODY, &gh, TS).is_err());
    // The system-clock path: a Bitnob delivery signed "now" verifies.
    let now = hookbridge_verify::unix_now();
    let bn = HmacSigner::new(crate::common::schemes::bitnob(), secret).sign(BODY, now, None).unwrap();
    assert!(verifiers[1].verify(BODY, &bn).is_ok());
    let uri: http::Uri = "/hooks/bitnob".parse().unwrap();
    assert!(verifiers[1].verify_request(&uri, BODY, &bn).is_ok());
    // ... and one signed an hour ago does not.
    let old = HmacSigner::new(crate::common::schemes::bitnob(), text("dyn")).sign(BODY, now - 3600, None).unwrap();
    assert!(matches!(verifiers[1].verify(BODY, &old), Err(VerifyError::TimestampTooOld { .. })));
    // Shared across threads.
    let shared: std::sync::Arc<dyn Verifier> =
        std::sync::Arc::new(HmacVerifier::with_secret(HmacScheme::github(), text("dyn")));
    let handle = {
        let shared = std::sync::Arc::clone(&shared);
        let gh = gh.clone();
        std::thread::spawn(move || shared.verify_at(BODY, &gh, 0).is_ok())
    };
    assert!(handle.join().unwrap());
}

#[test]
fn unix_seconds_conversion() {
    use std::time::{Duration, UNIX_EPOCH};
    assert_eq!(hookbridge_verify::unix_seconds(UNIX_EPOCH + Duration::from_secs(TS as u64)), TS);
    assert_eq!(hookbridge_verify::unix_seconds(UNIX_EPOCH - Duration::from_secs(10)), -10);
    assert!(hookbridge_verify::unix_now() > TS);
}

#[test]
fn signer_errors() {
    let sw = HmacSigner::new(HmacScheme::standard_webhooks(), sw_secret(b"k"));
    assert_eq!(sw.sign(BODY, TS, None).unwrap_err(), SignError::MissingId);
    assert_eq!(sw.sign(BODY, -1, Some("m")).unwrap_err(), SignError::NegativeTimestamp);
    assert_eq!(sw.sign(BODY, TS, Some("bad\nid")).unwrap_err(), SignError::InvalidHeaderValue { name: h::WEBHOOK_ID });
    // Schemes without a timestamp ignore it, even when negative.
    let gh = HmacSigner::new(HmacScheme::github(), text("k"));
    assert!(gh.sign(BODY, -1, None).is_ok());
}

#[test]
fn verification_needs_the_exact_header_map_only() {
    // Unrelated headers do not matter; an empty map is MissingHeader.
    let verifier = HmacVerifier::with_secret(crate::common::schemes::miex(), text("k"));
    assert_eq!(
        verifier.verify_at(BODY, &HeaderMap::new(), 0),
        Err(VerifyError::MissingHeader { name: crate::common::schemes::MIEX_SIGNATURE })
    );
    let mut hdrs = HmacSigner::new(crate::common::schemes::miex(), text("k")).sign(BODY, 0, Some("42")).unwrap();
    hdrs.insert(HeaderName::from_static("content-type"), "application/json".parse().unwrap());
    hdrs.insert(crate::common::schemes::MIEX_EVENT, "order.created".parse().unwrap());
    let verified = verifier.verify_at(BODY, &hdrs, 0).unwrap();
    assert_eq!(verified.id(), Some("42"));
    assert!(!verified.id_is_signed());
}
