//! URL tokens (BLAZE): arbitrary query strings and URIs must never verify unless they carry
//! the exact token once; callback URLs built from arbitrary base URLs must verify; token and
//! parameter validation must not panic.

#![no_main]

use std::sync::OnceLock;

use hookbridge_verify::{KeyRing, MAX_HEADER_LEN, UrlToken, UrlTokenVerifier, Verifier};
use http::{HeaderMap, Uri};
use libfuzzer_sys::fuzz_target;

const TOKEN: &str = "fuzzTOKEN_0123456789abcdefghijklmnop";
const OLD: &str = "fuzzOLD-token.0123456789~abcdefghij";

fn verifier() -> &'static UrlTokenVerifier {
    static CELL: OnceLock<UrlTokenVerifier> = OnceLock::new();
    CELL.get_or_init(|| {
        let ring = KeyRing::new()
            .with("old", UrlToken::from_string(OLD).expect("valid token"))
            .with("new", UrlToken::from_string(TOKEN).expect("valid token"));
        UrlTokenVerifier::new("hb_token", ring).expect("valid verifier")
    })
}

/// Whether `query` carries `hb_token=<a ring token>` exactly once and no other `hb_token`.
fn carries_exactly_one_token(query: &str) -> bool {
    let mut values = query.split('&').filter_map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (name == "hb_token").then_some(value)
    });
    matches!((values.next(), values.next()), (Some(v), None) if v == TOKEN || v == OLD)
}

fuzz_target!(|data: &[u8]| {
    let v = verifier();
    if let Ok(text) = std::str::from_utf8(data) {
        // 1. Raw query strings.
        let result = v.verify_query(Some(text));
        if result.is_ok() {
            assert!(carries_exactly_one_token(text), "accepted a query without the token: {text:?}");
        } else if text.len() <= MAX_HEADER_LEN {
            assert!(!carries_exactly_one_token(text), "refused a query with the token: {text:?} {result:?}");
        }

        // 2. Callback URLs built from arbitrary bases verify (when the base holds no token
        //    parameter of its own and the result fits the length limit).
        let token = UrlToken::from_string(TOKEN).expect("valid token");
        let url = v.callback_url(text, &token);
        let before_fragment = url.split('#').next().unwrap_or("");
        let query = before_fragment.split_once('?').map(|(_, q)| q);
        assert!(query.is_some(), "callback URL without a query: {url:?}");
        if !text.contains("hb_token") && url.len() <= MAX_HEADER_LEN {
            let result = v.verify_query(query);
            assert!(result.is_ok(), "callback URL {url:?} from {text:?} does not verify: {result:?}");
        }

        // 3. Token and parameter-name validation.
        if let Ok(t) = UrlToken::from_string(text) {
            assert!(t.expose_secret().len() >= hookbridge_verify::MIN_TOKEN_LEN);
            assert!(!format!("{t:?}").contains(text));
        }
        let _ = UrlTokenVerifier::new(text, KeyRing::single("k", token));
    }

    // 4. Whole request URIs, through the trait.
    if let Ok(uri) = Uri::try_from(data) {
        let result = v.verify_request_at(&uri, b"", &HeaderMap::new(), 0);
        if result.is_ok() {
            assert!(carries_exactly_one_token(uri.query().unwrap_or("")), "accepted {uri:?}");
        }
        assert!(v.verify_at(b"", &HeaderMap::new(), 0).is_err(), "the URI-less path must fail");
    }
});
