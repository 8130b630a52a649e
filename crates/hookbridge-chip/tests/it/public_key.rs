//! `GET public_key/`: a bare JSON string holding a PEM.

use hookbridge_chip::PublicKeyPem;
use hookbridge_core::{DecodeErrorKind, Error};
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::common::*;

#[tokio::test]
async fn get_public_key_decodes_the_bare_pem_string() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/public_key/"))
        .respond_with(json(200, fixture("public_key.json")))
        .expect(1)
        .mount(&server)
        .await;

    let key = client.public_key().get().await.unwrap();

    let req = only_request(&server).await;
    assert_eq!(assert_request(&req, "GET", "/api/v1/public_key/", None), serde_json::Value::Null);
    let expected: String = serde_json::from_str(&fixture("public_key.json")).unwrap();
    assert_eq!(key.as_str(), expected);
    assert!(key.as_str().starts_with("-----BEGIN PUBLIC KEY-----\n"));
    assert!(key.as_str().trim_end().ends_with("-----END PUBLIC KEY-----"));
    assert_eq!(key.to_string(), expected);
    assert_eq!(serde_json::to_value(&key).unwrap(), serde_json::Value::String(expected));
}

async fn decode_error_for(body: &str) -> Box<hookbridge_core::DecodeError> {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/public_key/"))
        .respond_with(json(200, body))
        .expect(1)
        .mount(&server)
        .await;
    match client.public_key().get().await.unwrap_err() {
        Error::Decode(d) => d,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_string_that_is_not_a_pem_is_a_decode_error() {
    for body in [
        r#""not a key""#,
        r#""""#,
        r#""-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----""#,
        r#""-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PRIVATE KEY-----""#,
        r#""-----BEGIN PUBLIC KEY----------END PUBLIC KEY-----""#,
    ] {
        let err = decode_error_for(body).await;
        assert!(matches!(err.kind, DecodeErrorKind::Invalid(_)), "{body}: {err:?}");
        assert_eq!(err.operation, "public_key");
        assert_eq!(err.status.map(|s| s.as_u16()), Some(200));
    }
}

#[tokio::test]
async fn a_non_string_body_is_a_json_decode_error() {
    for body in
        [r#"{"public_key": "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----"}"#, "[]", "\"-----BEGIN PU"]
    {
        let err = decode_error_for(body).await;
        assert_eq!(err.kind, DecodeErrorKind::Json, "{body}");
    }
}

#[test]
fn public_key_pem_validates_its_armour() {
    assert!(PublicKeyPem::new("-----BEGIN RSA PUBLIC KEY-----\nMIIB\n-----END RSA PUBLIC KEY-----\n").is_ok());
    assert!(PublicKeyPem::new("  -----BEGIN PUBLIC KEY-----\r\nMIIB\r\n-----END PUBLIC KEY-----  ").is_ok());
    assert!(PublicKeyPem::new("-----BEGIN PUBLIC KEY-----\nMIIB\n").is_err());
    assert!(PublicKeyPem::new("<string>").is_err());
    assert!(serde_json::from_str::<PublicKeyPem>(r#""nope""#).is_err());
}
