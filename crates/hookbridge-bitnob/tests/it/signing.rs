//! HMAC request signing: both documented variants against signatures computed independently
//! (Python `hmac`/`hashlib`), on the wire and per retry attempt.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use hookbridge_bitnob::{
    BitnobSigner, CreateOptions, CreateWebhook, ListOptions, NonceFormat, SigningScheme, TimestampUnit,
};
use hookbridge_core::Timestamp;
use hookbridge_core::auth::{Auth, AuthContext};
use hookbridge_core::reexports::http::{HeaderMap, Method};
use hookbridge_core::{InvalidInput, Secret};
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

const CLIENT_ID: &str = "client_abc123";
const CLIENT_SECRET: &str = "bitnob_test_secret_0123456789";
const TS_SECONDS: i64 = 1_719_236_465;
const NONCE: &str = "00112233445566778899aabbccddeeff";
const CREATE_BODY: &[u8] = br#"{"name":"Ledger sync","url":"https://example.com/bitnob/webhooks"}"#;

// Computed with Python 3:
//   hmac.new(secret, msg, hashlib.sha256).hexdigest() / base64.b64encode(...digest())
const A_GET: &str = "0371852334f42cde21ed44692c8f52c29060227edf298654e613010ad4ea2ac8";
const A_POST: &str = "0c891b17a39e2c933ac2c3f2aade3b0fecc613831836ddd9d2a4263329d4ab6e";
const B_POST: &str = "kGjRsskGbAGSoth21DIFimsymGoAYgArB76RzngfB3E=";
const B_GET_QUERY: &str = "nCz+p8ha8OGF2KyNnisn7wFssLZ2wVR1MznlcZbKJE8=";
const B_GET_NO_QUERY: &str = "J6YkscOJUi6vriB91kA7PlAvtsFN+anEhkoULywMNAU=";
const B_GET_QUERY_SECONDS: &str = "wz8SoJkTR2fXqCdGDVILIJy9AevHllQ90KkQlRnI9Uk=";

fn signer(scheme: SigningScheme) -> BitnobSigner {
    BitnobSigner::new(CLIENT_ID, Secret::new(CLIENT_SECRET), scheme)
        .unwrap()
        .with_clock(|| Timestamp::from_second(TS_SECONDS).unwrap())
        .with_nonce_source(|| NONCE.to_owned())
}

fn url(s: &str) -> Url {
    s.parse().unwrap()
}

#[test]
fn colon_separated_hex_matches_independent_vectors() {
    let s = signer(SigningScheme::ColonSeparatedHex);
    let u = url("https://api.bitnob.com/webhooks?limit=2");
    // PAYLOAD is empty for a GET; method and URL are not part of this variant.
    assert_eq!(s.signature(&Method::GET, &u, b"", "1719236465", NONCE), A_GET);
    assert_eq!(
        s.signature(&Method::POST, &url("https://api.bitnob.com/webhooks"), CREATE_BODY, "1719236465", NONCE),
        A_POST
    );
    assert_eq!(
        s.string_to_sign(&Method::GET, &u, b"", "1719236465", NONCE),
        format!("{CLIENT_ID}:1719236465:{NONCE}:").into_bytes()
    );
}

#[test]
fn concatenated_base64_matches_independent_vectors() {
    let s = signer(SigningScheme::ConcatenatedBase64);
    let ms = "1719236465000";
    assert_eq!(s.signature(&Method::POST, &url("https://api.bitnob.com/webhooks"), CREATE_BODY, ms, NONCE), B_POST);
    assert_eq!(s.signature(&Method::GET, &url("https://api.bitnob.com/webhooks?limit=2"), b"", ms, NONCE), B_GET_QUERY);
    assert_eq!(
        s.string_to_sign(&Method::GET, &url("https://api.bitnob.com/webhooks?limit=2"), b"", ms, NONCE),
        format!("{CLIENT_ID}GET/webhooks?limit=2{ms}").into_bytes()
    );
    let no_query = signer(SigningScheme::ConcatenatedBase64).path_includes_query(false);
    assert_eq!(
        no_query.signature(&Method::GET, &url("https://api.bitnob.com/webhooks?limit=2"), b"", ms, NONCE),
        B_GET_NO_QUERY
    );
}

#[test]
fn timestamp_units_and_defaults_per_scheme() {
    let at = Timestamp::from_second(TS_SECONDS).unwrap();
    assert_eq!(signer(SigningScheme::ColonSeparatedHex).format_timestamp(at), "1719236465");
    assert_eq!(signer(SigningScheme::ConcatenatedBase64).format_timestamp(at), "1719236465000");
    let seconds = signer(SigningScheme::ConcatenatedBase64).timestamp_unit(TimestampUnit::Seconds);
    assert_eq!(seconds.format_timestamp(at), "1719236465");
    let ms = signer(SigningScheme::ColonSeparatedHex).timestamp_unit(TimestampUnit::Milliseconds);
    assert_eq!(ms.format_timestamp(at), "1719236465000");
}

#[test]
fn random_nonces_are_fresh_and_well_formed() {
    let hex_signer =
        BitnobSigner::new(CLIENT_ID, Secret::new(CLIENT_SECRET), SigningScheme::ColonSeparatedHex).unwrap();
    let a = hex_signer.generate_nonce().unwrap();
    let b = hex_signer.generate_nonce().unwrap();
    assert_ne!(a, b);
    assert!(a.len() == 32 && a.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    let uuid = hex_signer.clone().nonce_format(NonceFormat::UuidV4).generate_nonce().unwrap();
    assert_eq!(uuid.len(), 36);
    assert_eq!(uuid.as_bytes()[14], b'4');
}

#[test]
fn headers_are_set_and_marked_sensitive() {
    let s = signer(SigningScheme::ColonSeparatedHex);
    let u = url("https://api.bitnob.com/webhooks");
    let mut headers = HeaderMap::new();
    s.apply(&AuthContext::new(&Method::GET, &u, b""), &mut headers).unwrap();
    assert_eq!(headers["x-auth-client"], CLIENT_ID);
    assert_eq!(headers["x-auth-timestamp"], "1719236465");
    assert_eq!(headers["x-auth-nonce"], NONCE);
    assert_eq!(headers["x-auth-signature"], A_GET);
    for name in ["x-auth-client", "x-auth-timestamp", "x-auth-nonce", "x-auth-signature"] {
        assert!(headers[name].is_sensitive(), "{name}");
    }
}

#[test]
fn bad_credentials_and_nonces_are_refused_without_echo() {
    let cases: [(&str, &str, &str); 4] = [
        ("", CLIENT_SECRET, "client_id"),
        ("client\nid", CLIENT_SECRET, "client_id"),
        ("client id", CLIENT_SECRET, "client_id"),
        (CLIENT_ID, "  ", "client_secret"),
    ];
    for (id, secret, field) in cases {
        let err: InvalidInput =
            BitnobSigner::new(id, Secret::new(secret), SigningScheme::ColonSeparatedHex).unwrap_err();
        assert_eq!(err.field, field, "{id:?}");
    }
    let bad_nonce = signer(SigningScheme::ColonSeparatedHex).with_nonce_source(|| "bad\nnonce".to_owned());
    let mut headers = HeaderMap::new();
    let u = url("https://api.bitnob.com/webhooks");
    let err = bad_nonce.apply(&AuthContext::new(&Method::GET, &u, b""), &mut headers).unwrap_err();
    assert_eq!(err.field, "nonce");
}

#[tokio::test]
async fn colon_hex_signed_requests_on_the_wire() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(json_response(200, "webhooks_page_3.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(config(&server), signer(SigningScheme::ColonSeparatedHex));
    client.webhooks().list_page(&ListOptions::new().limit(2)).await.unwrap();
    let body =
        CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap()).name("Ledger sync");
    client.webhooks().create(&body, &CreateOptions::default()).await.unwrap();

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    for (req, sig) in reqs.iter().zip([A_GET, A_POST]) {
        assert_eq!(header(req, "x-auth-client"), Some(CLIENT_ID));
        assert_eq!(header(req, "x-auth-timestamp"), Some("1719236465"));
        assert_eq!(header(req, "x-auth-nonce"), Some(NONCE));
        assert_eq!(header(req, "x-auth-signature"), Some(sig));
        assert_eq!(header(req, "authorization"), None);
    }
    assert_eq!(reqs[1].body, CREATE_BODY, "the signature covers the exact bytes sent");
}

#[tokio::test]
async fn concatenated_base64_signed_requests_on_the_wire() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(json_response(200, "webhooks_page_3.json"))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .respond_with(json_response(201, "webhook_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(config(&server), signer(SigningScheme::ConcatenatedBase64));
    client.webhooks().list_page(&ListOptions::new().limit(2)).await.unwrap();
    let body =
        CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap()).name("Ledger sync");
    client.webhooks().create(&body, &CreateOptions::default()).await.unwrap();
    let seconds =
        client_with(config(&server), signer(SigningScheme::ConcatenatedBase64).timestamp_unit(TimestampUnit::Seconds));
    seconds.webhooks().list_page(&ListOptions::new().limit(2)).await.unwrap();

    let reqs = requests(&server).await;
    let got: Vec<(Option<&str>, Option<&str>)> =
        reqs.iter().map(|r| (header(r, "x-auth-timestamp"), header(r, "x-auth-signature"))).collect();
    assert_eq!(
        got,
        vec![
            (Some("1719236465000"), Some(B_GET_QUERY)),
            (Some("1719236465000"), Some(B_POST)),
            (Some("1719236465"), Some(B_GET_QUERY_SECONDS)),
        ]
    );
}

#[tokio::test]
async fn every_retry_attempt_is_signed_afresh() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(json_response(200, "webhooks_page_3.json"))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let tick = Arc::new(AtomicI64::new(0));
    let (clock_tick, nonce_tick) = (Arc::clone(&tick), Arc::clone(&tick));
    let s = BitnobSigner::new(CLIENT_ID, Secret::new(CLIENT_SECRET), SigningScheme::ColonSeparatedHex)
        .unwrap()
        .with_clock(move || Timestamp::from_second(TS_SECONDS + clock_tick.load(Ordering::SeqCst)).unwrap())
        .with_nonce_source(move || format!("nonce-{}", nonce_tick.fetch_add(1, Ordering::SeqCst)));
    let client = client_with(retrying_config(&server), s.clone());
    client.webhooks().list_page(&ListOptions::default()).await.unwrap();

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 2);
    let stamp = |i: usize| {
        (
            header(&reqs[i], "x-auth-timestamp").unwrap().to_owned(),
            header(&reqs[i], "x-auth-nonce").unwrap().to_owned(),
            header(&reqs[i], "x-auth-signature").unwrap().to_owned(),
        )
    };
    let (t0, n0, s0) = stamp(0);
    let (t1, n1, s1) = stamp(1);
    assert_eq!((t0.as_str(), n0.as_str()), ("1719236465", "nonce-0"));
    assert_eq!((t1.as_str(), n1.as_str()), ("1719236466", "nonce-1"));
    assert_ne!(s0, s1);
    let u = url(&format!("{}/webhooks", server.uri()));
    assert_eq!(s0, s.signature(&Method::GET, &u, b"", &t0, &n0));
    assert_eq!(s1, s.signature(&Method::GET, &u, b"", &t1, &n1));
}
