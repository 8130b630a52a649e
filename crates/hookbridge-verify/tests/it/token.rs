//! URL tokens for unsigned providers (BLAZE).

use hookbridge_verify::{
    KeyError, KeyRing, MAX_HEADER_LEN, MIN_TOKEN_LEN, MalformedReason, UrlToken, UrlTokenVerifier, Verifier,
    VerifyError,
};
use http::{HeaderMap, Uri};

fn uri(s: &str) -> Uri {
    s.parse().unwrap()
}

#[test]
fn generated_tokens_are_url_safe_random_and_unique() {
    let a = UrlToken::generate().unwrap();
    let b = UrlToken::generate().unwrap();
    assert_eq!(a.expose_secret().len(), 43);
    assert!(a.expose_secret().bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    assert_ne!(a.expose_secret(), b.expose_secret());
    // A generated token round-trips through from_string.
    assert_eq!(UrlToken::from_string(a.expose_secret()).unwrap().expose_secret(), a.expose_secret());
}

#[test]
fn token_validation() {
    assert_eq!(UrlToken::from_string("short").unwrap_err(), KeyError::TokenTooShort { len: 5, min: MIN_TOKEN_LEN });
    assert_eq!(
        UrlToken::from_string("has spaces in it which is not ok").unwrap_err(),
        KeyError::InvalidTokenCharacters
    );
    assert_eq!(UrlToken::from_string("percent%20encoded_token_value").unwrap_err(), KeyError::InvalidTokenCharacters);
    assert!(UrlToken::from_string("abcdefghijklmnopqrstuv").is_ok());
    let t = UrlToken::generate().unwrap();
    for bad in ["", "a b", "a&b", "a=b", "ä"] {
        assert_eq!(
            UrlTokenVerifier::new(bad, KeyRing::single("k", t.clone())).unwrap_err(),
            KeyError::InvalidParameterName,
            "{bad}"
        );
    }
    assert_eq!(UrlTokenVerifier::new("token", KeyRing::new()).unwrap_err(), KeyError::EmptyKeyRing);
}

#[test]
fn callback_url_building() {
    let token = UrlToken::from_string("TOKEN_abcdefghijklmnopqrstuvwxyz").unwrap();
    let v = UrlTokenVerifier::with_token(token.clone());
    let t = token.expose_secret();
    assert_eq!(v.param_name(), "hb_token");
    for (base, expected) in [
        ("https://a.example/h", format!("https://a.example/h?hb_token={t}")),
        ("https://a.example/h?x=1", format!("https://a.example/h?x=1&hb_token={t}")),
        ("https://a.example/h?", format!("https://a.example/h?hb_token={t}")),
        ("https://a.example/h?x=1&", format!("https://a.example/h?x=1&hb_token={t}")),
        ("https://a.example/h#frag", format!("https://a.example/h?hb_token={t}#frag")),
        ("https://a.example/h?x=1#f", format!("https://a.example/h?x=1&hb_token={t}#f")),
        // A `?` inside the query is data, not the query start (found by the url_token fuzz target).
        ("https://a.example/h?next=/x?", format!("https://a.example/h?next=/x?&hb_token={t}")),
        ("https://a.example/h??", format!("https://a.example/h??&hb_token={t}")),
    ] {
        let url = v.callback_url(base, &token);
        assert_eq!(url, expected);
        // And the URL built verifies.
        let parsed: Uri = url.parse().unwrap();
        assert!(v.verify_uri(&parsed).is_ok(), "{url}");
    }
}

#[test]
fn verification_and_negative_cases() {
    let old = UrlToken::from_string("old_token_0123456789abcdefghij").unwrap();
    let new = UrlToken::generate().unwrap();
    let v = UrlTokenVerifier::new("t", KeyRing::new().with("old", old.clone()).with("new", new.clone())).unwrap();

    let ok_old = v.verify_uri(&uri(&format!("/hook?shop=1&t={}", old.expose_secret()))).unwrap();
    assert_eq!(ok_old.key_id().as_str(), "old");
    let ok_new = v.verify_uri(&uri(&format!("/hook?t={}&shop=1", new.expose_secret()))).unwrap();
    assert_eq!(ok_new.key_id().as_str(), "new");

    let wrong = UrlToken::generate().unwrap();
    assert_eq!(
        v.verify_uri(&uri(&format!("/hook?t={}", wrong.expose_secret()))),
        Err(VerifyError::NoMatch { keys_tried: 2, signatures_tried: 1 })
    );
    // Prefix / suffix of a real token do not match.
    let real = new.expose_secret();
    for near in [&real[..real.len() - 1], &format!("{real}x")] {
        assert!(matches!(v.verify_uri(&uri(&format!("/hook?t={near}"))), Err(VerifyError::NoMatch { .. })));
    }
    for missing in ["/hook", "/hook?", "/hook?tt=abc", "/hook?x=t"] {
        assert_eq!(
            v.verify_uri(&uri(missing)),
            Err(VerifyError::MissingQueryParameter { name: "t".into() }),
            "{missing}"
        );
    }
    assert_eq!(
        v.verify_uri(&uri(&format!("/hook?t={real}&t={real}"))),
        Err(VerifyError::MalformedQueryParameter { name: "t".into(), reason: MalformedReason::Repeated { count: 2 } })
    );
    for empty in ["/hook?t=", "/hook?t"] {
        assert_eq!(
            v.verify_uri(&uri(empty)),
            Err(VerifyError::MalformedQueryParameter { name: "t".into(), reason: MalformedReason::Empty })
        );
    }
    let long = format!("/hook?pad={}&t={real}", "a".repeat(MAX_HEADER_LEN));
    assert!(matches!(
        v.verify_uri(&uri(&long)),
        Err(VerifyError::MalformedQueryParameter { reason: MalformedReason::TooLong { .. }, .. })
    ));
    assert_eq!(v.verify_query(None), Err(VerifyError::MissingQueryParameter { name: "t".into() }));
}

#[test]
fn as_a_verifier_it_needs_the_uri() {
    let token = UrlToken::generate().unwrap();
    let v: Box<dyn Verifier> = Box::new(UrlTokenVerifier::with_token(token.clone()));
    let headers = HeaderMap::new();
    assert_eq!(v.verify_at(b"{}", &headers, 0), Err(VerifyError::UriRequired));
    assert_eq!(v.verify(b"{}", &headers), Err(VerifyError::UriRequired));
    let good = uri(&format!("/blaze?hb_token={}", token.expose_secret()));
    assert!(v.verify_request_at(&good, b"{}", &headers, 0).is_ok());
    assert!(v.verify_request(&good, b"\xff\xfe", &headers).is_ok());
    assert!(v.verify_request(&uri("/blaze"), b"{}", &headers).is_err());
}
