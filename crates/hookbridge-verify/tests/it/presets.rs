//! Every HMAC preset (and two custom schemes) against its own signer, plus every negative
//! case that applies to it.

use base64::Engine as _;
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{
    EncodingProblem, HmacAlgorithm, HmacScheme, HmacSecret, HmacVerifier, MAX_HEADER_LEN, MalformedReason,
    SignatureEncoding, SignatureFormat, SignedContent, VerifyError,
};
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::common::{header_str, with_header, with_header_bytes};

const TS: i64 = 1_700_000_000;
const ID: &str = "msg_2b7QyH1NqRk0cXvJ";
const BODY: &[u8] = br#"{"event":"order.status_changed","data":{"id":7,"status":"done"}}"#;

struct Case {
    name: &'static str,
    scheme: HmacScheme,
    secret: HmacSecret,
    other: HmacSecret,
}

fn text(s: &str) -> HmacSecret {
    HmacSecret::from_str_bytes(s).unwrap()
}

pub(crate) fn abbeycross_example_scheme() -> HmacScheme {
    HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
        .format(SignatureFormat::Bare)
        .encoding(SignatureEncoding::Base64)
        .algorithm(HmacAlgorithm::Sha256)
        .signed_content(SignedContent::TimestampDotBody)
        .timestamp_header(HeaderName::from_static("x-abbeycross-timestamp"))
        .build()
        .unwrap()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "miex",
            scheme: crate::common::schemes::miex(),
            secret: text("miex secret"),
            other: text("miex other"),
        },
        Case {
            name: "bitnob",
            scheme: crate::common::schemes::bitnob(),
            secret: text("bitnob secret"),
            other: text("bitnob other"),
        },
        Case {
            name: "bitnob_legacy",
            scheme: crate::common::schemes::bitnob_legacy(),
            secret: text("bitnob legacy secret"),
            other: text("bitnob legacy other"),
        },
        Case {
            name: "standard_webhooks",
            scheme: HmacScheme::standard_webhooks(),
            secret: HmacSecret::from_standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap(),
            other: HmacSecret::from_standard_webhooks("whsec_dGhyb3dhd2F5IHRlc3Qgc2VjcmV0IGtleQ==").unwrap(),
        },
        Case {
            name: "stripe",
            scheme: HmacScheme::stripe(),
            secret: text("whsec_test_secret"),
            other: text("whsec_other_secret"),
        },
        Case {
            name: "github",
            scheme: HmacScheme::github(),
            secret: text("It's a Secret to Everybody"),
            other: text("another secret"),
        },
        Case {
            name: "abbeycross custom example",
            scheme: abbeycross_example_scheme(),
            secret: text("apiSecretKey value"),
            other: text("another apiSecretKey"),
        },
        Case {
            name: "custom sha512 base64url id.ts.body",
            scheme: HmacScheme::builder(HeaderName::from_static("x-sig"))
                .format(SignatureFormat::Prefixed("v2=".into()))
                .encoding(SignatureEncoding::Base64Url)
                .algorithm(HmacAlgorithm::Sha512)
                .signed_content(SignedContent::IdDotTimestampDotBody)
                .timestamp_header(HeaderName::from_static("x-ts"))
                .id_header(HeaderName::from_static("x-id"))
                .build()
                .unwrap(),
            secret: HmacSecret::from_bytes(vec![0u8, 1, 2, 3, 255]).unwrap(),
            other: HmacSecret::from_bytes(vec![9u8; 100]).unwrap(),
        },
    ]
}

/// Rewrites every signature in a header value (independently of the library's parser).
fn map_signatures(format: &SignatureFormat, value: &str, f: &dyn Fn(&str) -> String) -> String {
    match format {
        SignatureFormat::Bare => f(value),
        SignatureFormat::Prefixed(p) => format!("{p}{}", f(&value[p.len()..])),
        SignatureFormat::Stripe => value
            .split(',')
            .map(|e| match e.strip_prefix("v1=") {
                Some(sig) => format!("v1={}", f(sig)),
                None => e.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(","),
        SignatureFormat::StandardWebhooks => value
            .split(' ')
            .map(|e| match e.strip_prefix("v1,") {
                Some(sig) => format!("v1,{}", f(sig)),
                None => e.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        other => panic!("unexpected format {other:?}"),
    }
}

fn decode(encoding: SignatureEncoding, text: &str) -> Vec<u8> {
    match encoding {
        SignatureEncoding::Hex => hex::decode(text).unwrap(),
        SignatureEncoding::Base64 => base64::engine::general_purpose::STANDARD.decode(text).unwrap(),
        SignatureEncoding::Base64Url => base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text).unwrap(),
        other => panic!("unexpected encoding {other:?}"),
    }
}

/// The same signature bytes in a different encoding than the scheme's.
fn reencode_wrongly(encoding: SignatureEncoding, text: &str) -> String {
    let bytes = decode(encoding, text);
    match encoding {
        SignatureEncoding::Hex => base64::engine::general_purpose::STANDARD.encode(bytes),
        _ => hex::encode(bytes),
    }
}

struct Ctx<'a> {
    case: &'a Case,
    verifier: HmacVerifier,
    signed: HeaderMap,
}

impl Ctx<'_> {
    fn sig_name(&self) -> &HeaderName {
        self.case.scheme.signature_header()
    }

    fn verify(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<hookbridge_verify::Verified, VerifyError> {
        self.verifier.verify_at(body, headers, now)
    }

    fn assert_err(&self, what: &str, got: Result<hookbridge_verify::Verified, VerifyError>, expected: &VerifyError) {
        match got {
            Err(e) if &e == expected => {}
            other => panic!("{}: {what}: expected {expected:?}, got {other:?}", self.case.name),
        }
    }
}

#[test]
fn every_preset_accepts_its_own_signature_and_rejects_every_negative_case() {
    for case in &cases() {
        let signer = HmacSigner::new(case.scheme.clone(), case.secret.clone());
        let ctx = Ctx {
            case,
            verifier: HmacVerifier::with_secret(case.scheme.clone(), case.secret.clone()),
            signed: signer.sign(BODY, TS, Some(ID)).unwrap(),
        };
        let name = case.name;
        let sig_name = ctx.sig_name().clone();
        let now = TS + 1;

        // Positive.
        let verified = ctx.verify(BODY, &ctx.signed, now).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(verified.key_id().as_str(), "default", "{name}");
        let has_ts = case.scheme.tolerance().is_some();
        assert_eq!(verified.timestamp(), has_ts.then_some(TS), "{name}");
        assert_eq!(verified.id(), case.scheme.id_header().map(|_| ID), "{name}");
        assert_eq!(verified.id_is_signed(), case.scheme.id_is_signed(), "{name}");

        // Non-UTF-8 body.
        let raw = [0xff_u8, 0xfe, 0x00, 0x80, b'.', 0xc3];
        let raw_headers = signer.sign(&raw, TS, Some(ID)).unwrap();
        assert!(ctx.verify(&raw, &raw_headers, now).is_ok(), "{name}: non-UTF-8 body");

        // Empty body is still signed and checked.
        let empty_headers = signer.sign(b"", TS, Some(ID)).unwrap();
        assert!(ctx.verify(b"", &empty_headers, now).is_ok(), "{name}: empty body");
        ctx.assert_err(
            "signed empty body, received non-empty",
            ctx.verify(b" ", &empty_headers, now),
            &VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 },
        );

        // Tampered body: appended, truncated, one bit flipped.
        let no_match = VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 };
        let mut flipped = BODY.to_vec();
        flipped[10] ^= 0x01;
        for (what, body) in [
            ("appended byte", [BODY, b" "].concat()),
            ("truncated", BODY[..BODY.len() - 1].to_vec()),
            ("bit flip", flipped),
        ] {
            ctx.assert_err(what, ctx.verify(&body, &ctx.signed, now), &no_match);
        }

        // Wrong key.
        let wrong = HmacVerifier::with_secret(case.scheme.clone(), case.other.clone());
        ctx.assert_err("wrong key", wrong.verify_at(BODY, &ctx.signed, now), &no_match);

        // Another key's signature.
        let other_headers = HmacSigner::new(case.scheme.clone(), case.other.clone()).sign(BODY, TS, Some(ID)).unwrap();
        ctx.assert_err("other key's signature", ctx.verify(BODY, &other_headers, now), &no_match);

        // Missing signature header.
        let mut missing = ctx.signed.clone();
        missing.remove(&sig_name);
        ctx.assert_err(
            "missing signature header",
            ctx.verify(BODY, &missing, now),
            &VerifyError::MissingHeader { name: sig_name.clone() },
        );

        // Signature header repeated (even with identical values).
        let mut repeated = ctx.signed.clone();
        let value = repeated.get(&sig_name).unwrap().clone();
        repeated.append(sig_name.clone(), value);
        ctx.assert_err(
            "repeated signature header",
            ctx.verify(BODY, &repeated, now),
            &VerifyError::MalformedHeader { name: sig_name.clone(), reason: MalformedReason::Repeated { count: 2 } },
        );

        // Wrong encoding: the right bytes, the wrong text encoding.
        let sig_value = header_str(&ctx.signed, &sig_name).to_owned();
        let encoding = case.scheme.encoding();
        let wrong_enc = map_signatures(case.scheme.format(), &sig_value, &|s| reencode_wrongly(encoding, s));
        let got = ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, &wrong_enc), now);
        assert!(
            matches!(&got, Err(VerifyError::BadEncoding { name: n, encoding: e, .. }) if *n == sig_name && *e == encoding),
            "{name}: wrong encoding gave {got:?}"
        );

        // Truncated signature: wrong length.
        let truncated = map_signatures(case.scheme.format(), &sig_value, &|s| s[..s.len() - 4].to_owned());
        let got = ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, &truncated), now);
        assert!(matches!(&got, Err(VerifyError::BadEncoding { .. })), "{name}: truncated signature gave {got:?}");

        // A one-character change in the signature (still well-formed).
        let altered = map_signatures(case.scheme.format(), &sig_value, &|s| {
            let (a, b) = if encoding == SignatureEncoding::Hex { ('a', 'b') } else { ('A', 'B') };
            let replacement = if s.starts_with(a) { b } else { a };
            format!("{replacement}{}", &s[1..])
        });
        ctx.assert_err(
            "altered signature",
            ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, &altered), now),
            &no_match,
        );

        // Surrounding spaces are trimmed; an inner space breaks decoding.
        let padded = format!("  {sig_value} ");
        assert!(
            ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, &padded), now).is_ok(),
            "{name}: surrounding spaces"
        );
        let inner_space = map_signatures(case.scheme.format(), &sig_value, &|s| format!("{} {}", &s[..8], &s[8..]));
        let got = ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, &inner_space), now);
        assert!(got.is_err(), "{name}: inner space accepted");

        // Tab and non-ASCII bytes are malformed.
        for bad in [format!("{sig_value}\t"), format!("\t{sig_value}")] {
            ctx.assert_err(
                "tab",
                ctx.verify(BODY, &with_header_bytes(ctx.signed.clone(), &sig_name, bad.as_bytes()), now),
                &VerifyError::MalformedHeader { name: sig_name.clone(), reason: MalformedReason::NotVisibleAscii },
            );
        }
        let mut non_ascii = sig_value.clone().into_bytes();
        non_ascii.extend_from_slice(&[0xc3, 0xa9]);
        ctx.assert_err(
            "non-ASCII",
            ctx.verify(BODY, &with_header_bytes(ctx.signed.clone(), &sig_name, &non_ascii), now),
            &VerifyError::MalformedHeader { name: sig_name.clone(), reason: MalformedReason::NotVisibleAscii },
        );

        // Oversized header.
        let huge = format!("{sig_value}{}", " ".repeat(MAX_HEADER_LEN));
        ctx.assert_err(
            "oversized header",
            ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, &huge), now),
            &VerifyError::MalformedHeader {
                name: sig_name.clone(),
                reason: MalformedReason::TooLong { len: huge.len(), max: MAX_HEADER_LEN },
            },
        );

        // Empty header value.
        ctx.assert_err(
            "empty header",
            ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, " "), now),
            &VerifyError::MalformedHeader { name: sig_name.clone(), reason: MalformedReason::Empty },
        );

        if has_ts {
            check_timestamp_cases(&ctx, &signer);
        } else {
            // No timestamp: the clock does not matter.
            for t in [i64::MIN, 0, i64::MAX] {
                assert!(ctx.verify(BODY, &ctx.signed, t).is_ok(), "{name}: at {t}");
            }
        }

        if case.scheme.id_is_signed() {
            let id_name = case.scheme.id_header().unwrap().clone();
            let mut no_id = ctx.signed.clone();
            no_id.remove(&id_name);
            ctx.assert_err(
                "missing id",
                ctx.verify(BODY, &no_id, now),
                &VerifyError::MissingHeader { name: id_name.clone() },
            );
            ctx.assert_err(
                "altered id",
                ctx.verify(BODY, &with_header(ctx.signed.clone(), &id_name, "msg_other"), now),
                &no_match,
            );
        } else if let Some(id_name) = case.scheme.id_header() {
            // An unsigned id is optional and does not affect the signature.
            let mut no_id = ctx.signed.clone();
            no_id.remove(id_name);
            assert_eq!(ctx.verify(BODY, &no_id, now).unwrap().id(), None, "{name}");
            let other = ctx.verify(BODY, &with_header(ctx.signed.clone(), id_name, "other-id"), now);
            assert_eq!(other.unwrap().id(), Some("other-id"), "{name}");
        }
    }
}

fn check_timestamp_cases(ctx: &Ctx<'_>, signer: &HmacSigner) {
    let name = ctx.case.name;
    let tolerance = ctx.case.scheme.tolerance().unwrap().as_secs();
    assert_eq!(tolerance, 300, "{name}: default tolerance");
    let tol = i64::try_from(tolerance).unwrap();

    // Inclusive bounds on both sides.
    assert!(ctx.verify(BODY, &ctx.signed, TS + tol).is_ok(), "{name}: at +tolerance");
    assert!(ctx.verify(BODY, &ctx.signed, TS - tol).is_ok(), "{name}: at -tolerance");
    ctx.assert_err(
        "stale",
        ctx.verify(BODY, &ctx.signed, TS + tol + 1),
        &VerifyError::TimestampTooOld { age_secs: tolerance + 1, tolerance_secs: tolerance },
    );
    ctx.assert_err(
        "very stale",
        ctx.verify(BODY, &ctx.signed, TS + 86_400),
        &VerifyError::TimestampTooOld { age_secs: 86_400, tolerance_secs: tolerance },
    );
    ctx.assert_err(
        "future",
        ctx.verify(BODY, &ctx.signed, TS - tol - 1),
        &VerifyError::TimestampInFuture { skew_secs: tolerance + 1, tolerance_secs: tolerance },
    );

    // A stale delivery re-signed now verifies: the window is about the signed timestamp.
    let fresh = signer.sign(BODY, TS + 86_400, Some(ID)).unwrap();
    assert!(ctx.verify(BODY, &fresh, TS + 86_400).is_ok(), "{name}: fresh");

    let no_match = VerifyError::NoMatch { keys_tried: 1, signatures_tried: 1 };
    let sig_name = ctx.sig_name().clone();
    match ctx.case.scheme.timestamp_header() {
        Some(ts_name) => {
            let ts_name = ts_name.clone();
            // The timestamp is covered by the signature.
            ctx.assert_err(
                "timestamp changed",
                ctx.verify(BODY, &with_header(ctx.signed.clone(), &ts_name, &(TS + 1).to_string()), TS),
                &no_match,
            );
            // Same number, different text: signed as received, so it fails too.
            ctx.assert_err(
                "timestamp leading zero",
                ctx.verify(BODY, &with_header(ctx.signed.clone(), &ts_name, &format!("0{TS}")), TS),
                &no_match,
            );
            let mut missing = ctx.signed.clone();
            missing.remove(&ts_name);
            ctx.assert_err(
                "missing timestamp",
                ctx.verify(BODY, &missing, TS),
                &VerifyError::MissingHeader { name: ts_name.clone() },
            );
            for bad in ["-1700000000", "1700000000.5", "1.7e9", "abc", "+1700000000"] {
                ctx.assert_err(
                    "invalid timestamp",
                    ctx.verify(BODY, &with_header(ctx.signed.clone(), &ts_name, bad), TS),
                    &VerifyError::MalformedHeader { name: ts_name.clone(), reason: MalformedReason::InvalidTimestamp },
                );
            }
        }
        None => {
            // Stripe: t= inside the signature header.
            let value = header_str(&ctx.signed, &sig_name).to_owned();
            let moved = value.replace(&format!("t={TS}"), &format!("t={}", TS + 1));
            assert_ne!(moved, value);
            ctx.assert_err(
                "t= changed",
                ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, &moved), TS),
                &no_match,
            );
            let bad = value.replace(&format!("t={TS}"), "t=soon");
            ctx.assert_err(
                "t= invalid",
                ctx.verify(BODY, &with_header(ctx.signed.clone(), &sig_name, &bad), TS),
                &VerifyError::MalformedHeader { name: sig_name.clone(), reason: MalformedReason::InvalidTimestamp },
            );
        }
    }
    // `with_tolerance` widens the window.
    let wide = HmacVerifier::with_secret(
        ctx.case.scheme.clone().with_tolerance(std::time::Duration::from_secs(86_400)),
        ctx.case.secret.clone(),
    );
    assert!(wide.verify_at(BODY, &ctx.signed, TS + 86_400).is_ok(), "{name}");
    assert!(wide.verify_at(BODY, &ctx.signed, TS + 86_401).is_err(), "{name}");
}

#[test]
fn sha512_signature_on_sha256_scheme_is_a_length_error() {
    let secret = text("shared");
    let legacy = HmacSigner::new(crate::common::schemes::bitnob_legacy(), secret.clone()).sign(BODY, TS, None).unwrap();
    let mut headers = legacy.clone();
    headers.insert("x-bitnob-timestamp", HeaderValue::from(TS));
    let verifier = HmacVerifier::with_secret(crate::common::schemes::bitnob(), secret);
    assert_eq!(
        verifier.verify_at(BODY, &headers, TS),
        Err(VerifyError::BadEncoding {
            name: HeaderName::from_static("x-bitnob-signature"),
            encoding: SignatureEncoding::Hex,
            problem: EncodingProblem::WrongLength { actual: 64, expected: 32 },
        })
    );
}
