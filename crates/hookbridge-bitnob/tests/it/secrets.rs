//! Nothing secret is printable.

use hookbridge_bitnob::{BitnobAuth, BitnobClient, BitnobSigner, CreatedWebhook, RotatedSecret, SigningScheme};
use hookbridge_core::{ClientConfig, Endpoint, Secret};

const BEARER: &str = "sk_live_bearer_SECRET_VALUE_1";
const HMAC_SECRET: &str = "hmac_SECRET_VALUE_2";

#[test]
fn no_secret_appears_in_debug_or_display() {
    let signer = BitnobSigner::new("client_1", Secret::new(HMAC_SECRET), SigningScheme::ConcatenatedBase64).unwrap();
    let bearer_client = BitnobClient::new(BitnobAuth::legacy_bearer(Secret::new(BEARER))).unwrap();
    let signed_client =
        BitnobClient::with_config(ClientConfig::new("https://api.bitnob.com").unwrap(), signer.clone()).unwrap();
    let auth = BitnobAuth::legacy_bearer(Secret::new(BEARER));
    let signed_auth: BitnobAuth = signer.clone().into();

    let created: CreatedWebhook =
        serde_json::from_str(r#"{"id":"wh_1","url":"https://example.com/x","signing_secret":"whsec_SECRET_VALUE_3"}"#)
            .unwrap();
    let rotated: RotatedSecret =
        serde_json::from_str(r#"{"object":"signing_secret","signing_secret":"whsec_SECRET_VALUE_4"}"#).unwrap();
    let endpoint = Endpoint::from(created.clone());
    assert!(endpoint.secret.is_some());

    let printed = [
        format!("{signer:?}"),
        format!("{signer:#?}"),
        format!("{bearer_client:?}"),
        format!("{signed_client:#?}"),
        format!("{auth:?}"),
        format!("{signed_auth:?}"),
        format!("{created:?}"),
        format!("{rotated:?}"),
        format!("{}", rotated.secret),
        format!("{endpoint:?}"),
        serde_json::to_string(&endpoint).unwrap(),
    ];
    for text in &printed {
        assert!(!text.contains("SECRET_VALUE"), "leaked: {text}");
    }
    assert!(printed[0].contains("client_1"), "the client id is not secret and helps debugging");
}

#[test]
fn refused_credentials_are_not_echoed() {
    let err =
        BitnobClient::new(BitnobAuth::legacy_bearer(Secret::new("SECRET_VALUE with space"))).unwrap_err().to_string();
    assert!(!err.contains("SECRET_VALUE"), "{err}");
    let err = BitnobSigner::new("c", Secret::new(" "), SigningScheme::ColonSeparatedHex).unwrap_err().to_string();
    assert!(err.contains("client_secret"), "{err}");
}
