//! No secret, token or expected signature ever appears in `Debug` / `Display` output.

use base64::Engine as _;
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{
    HmacScheme, HmacSecret, HmacVerifier, KeyError, KeyRing, SignatureEncoding, UrlToken, UrlTokenVerifier, VerifyError,
};
use http::HeaderMap;

use crate::common::{with_header, with_header_bytes};

const SECRET_TEXT: &str = "Zq9-SUPER-secret-value-42";
const TS: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"amount":100}"#;

/// Every rendering of `secret` that must never be printed.
fn forbidden_renderings(secret: &[u8]) -> Vec<String> {
    let mut out = vec![
        hex::encode(secret),
        hex::encode_upper(secret),
        base64::engine::general_purpose::STANDARD.encode(secret),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret),
        format!("{secret:?}"),
    ];
    if let Ok(text) = std::str::from_utf8(secret) {
        out.push(text.to_owned());
    }
    // Any 8-byte window of the hex / base64 forms would already be a leak.
    out.retain(|s| !s.is_empty());
    out
}

fn assert_clean(rendered: &str, forbidden: &[String], what: &str) {
    for f in forbidden {
        assert!(!rendered.contains(f.as_str()), "{what} leaks `{f}`: {rendered}");
    }
}

fn render_error(e: &VerifyError) -> String {
    format!("{e} | {e:?}")
}

#[test]
fn secrets_tokens_and_expected_signatures_never_printed() {
    let sw_key = b"raw standard webhooks key bytes!";
    let sw_whsec = format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(sw_key));
    let token = UrlToken::generate().unwrap();

    let mut forbidden = forbidden_renderings(SECRET_TEXT.as_bytes());
    forbidden.extend(forbidden_renderings(sw_key));
    forbidden.push(sw_whsec.clone());
    forbidden.push(token.expose_secret().to_owned());

    let text_secret = HmacSecret::from_str_bytes(SECRET_TEXT).unwrap();
    let sw_secret = HmacSecret::from_standard_webhooks(&sw_whsec).unwrap();

    // Expected signatures for every preset over BODY (what a verifier computes internally).
    let mut expected_sigs = Vec::new();
    for (scheme, secret) in [
        (crate::common::schemes::miex(), &text_secret),
        (crate::common::schemes::bitnob(), &text_secret),
        (crate::common::schemes::bitnob_legacy(), &text_secret),
        (HmacScheme::stripe(), &text_secret),
        (HmacScheme::github(), &text_secret),
        (HmacScheme::standard_webhooks(), &sw_secret),
    ] {
        let value = HmacSigner::new(scheme.clone(), secret.clone()).signature_value(BODY, TS, Some("msg_1")).unwrap();
        let sig = value
            .rsplit_once(",v1=")
            .map(|(_, sig)| sig)
            .or_else(|| value.strip_prefix("v1,"))
            .or_else(|| value.strip_prefix("sha256="))
            .unwrap_or(&value)
            .to_owned();
        assert!(sig.len() >= 43, "{sig}");
        expected_sigs.push((scheme, secret.clone(), sig));
    }
    for (_, _, sig) in &expected_sigs {
        forbidden.push(sig.clone());
    }

    // Secret-bearing values.
    let ring = KeyRing::new().with("a", text_secret.clone()).with("b", sw_secret.clone());
    let mut rendered = vec![
        format!("{text_secret:?}"),
        format!("{sw_secret:?}"),
        format!("{token:?}"),
        format!("{ring:?}"),
        format!("{:?}", KeyRing::single("t", token.clone())),
        format!("{:?}", UrlTokenVerifier::with_token(token.clone())),
        format!("{:?}", HmacVerifier::new(HmacScheme::stripe(), ring.clone()).unwrap()),
        format!("{:?}", HmacSigner::new(crate::common::schemes::bitnob(), text_secret.clone())),
    ];
    assert_eq!(format!("{text_secret:?}"), "HmacSecret(<redacted>)");
    assert_eq!(format!("{token:?}"), "UrlToken(<redacted>)");

    // Every verification failure, for every preset, with the real secret configured.
    for (scheme, secret, _) in &expected_sigs {
        let verifier = HmacVerifier::with_secret(scheme.clone(), secret.clone());
        let signed = HmacSigner::new(scheme.clone(), secret.clone()).sign(BODY, TS, Some("msg_1")).unwrap();
        let sig_name = scheme.signature_header().clone();
        let value = signed[&sig_name].to_str().unwrap().to_owned();
        let mut errors = vec![
            verifier.verify_at(b"tampered", &signed, TS).unwrap_err(),
            verifier.verify_at(BODY, &HeaderMap::new(), TS).unwrap_err(),
            verifier.verify_at(BODY, &with_header_bytes(signed.clone(), &sig_name, b"\tx"), TS).unwrap_err(),
            verifier.verify_at(BODY, &with_header(signed.clone(), &sig_name, &format!("{value}zz")), TS).unwrap_err(),
        ];
        if scheme.tolerance().is_some() {
            errors.push(verifier.verify_at(BODY, &signed, TS + 10_000).unwrap_err());
            errors.push(verifier.verify_at(BODY, &signed, TS - 10_000).unwrap_err());
        }
        // The verifier holding the secret, printed.
        rendered.push(format!("{verifier:?}"));
        rendered.extend(errors.iter().map(render_error));
        // A valid result, printed.
        rendered.push(format!("{:?}", verifier.verify_at(BODY, &signed, TS).unwrap()));
    }

    // Token verifier failures.
    let tv = UrlTokenVerifier::with_token(token.clone());
    for uri in ["/h", "/h?hb_token=wrong_token_value_0123456789", "/h?hb_token=&x"] {
        rendered.push(render_error(&tv.verify_uri(&uri.parse().unwrap()).unwrap_err()));
    }

    // Key errors.
    for e in [
        HmacSecret::from_standard_webhooks("whsec_!!!").unwrap_err(),
        KeyError::InvalidSecretEncoding { encoding: SignatureEncoding::Hex },
        HmacVerifier::new(crate::common::schemes::miex(), KeyRing::new()).unwrap_err(),
    ] {
        rendered.push(format!("{e} | {e:?}"));
    }

    assert!(forbidden.iter().all(|f| f.len() >= 8));
    for r in &rendered {
        assert_clean(r, &forbidden, "output");
    }
    // Sanity: the check itself can fail (a rendering that includes the secret is caught).
    let leaked = format!("oops {SECRET_TEXT}");
    assert!(forbidden.iter().any(|f| leaked.contains(f.as_str())));
}
