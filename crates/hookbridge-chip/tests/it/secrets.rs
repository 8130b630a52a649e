//! No formatting of the client, its handlers, its auth or its errors shows the secret key.

use hookbridge_chip::ChipClient;
use hookbridge_core::auth::Bearer;
use hookbridge_core::{ClientConfig, Secret};
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::common::*;

#[tokio::test]
async fn secret_key_never_appears_in_debug_or_display() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/public_key/"))
        .respond_with(json(401, fixture("error_401.json")))
        .expect(1)
        .mount(&server)
        .await;
    let err = client.public_key().get().await.unwrap_err();

    let secret = Secret::new(SECRET);
    let outputs = [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", client.webhooks()),
        format!("{:?}", client.public_key()),
        format!("{:?}", Bearer::new(&secret).unwrap()),
        format!("{secret:?}"),
        format!("{secret}"),
        format!("{err:?}"),
        format!("{err}"),
    ];
    for out in outputs {
        assert!(!out.contains(SECRET), "secret leaked in {out}");
        assert!(!out.contains("7d1f0c9b2e4a6c8e"), "secret leaked in {out}");
    }
}

#[test]
fn refused_keys_are_not_echoed() {
    for bad in ["zz9secret with-space", "zz9secret-newline\n", "zz9secret-caf\u{e9}", "  "] {
        let config = ClientConfig::new("https://gate.chip-in.asia/api/v1/").unwrap();
        let err = ChipClient::with_config(config, Secret::new(bad)).unwrap_err();
        assert!(err.is_invalid_input());
        assert!(!format!("{err} {err:?}").contains("zz9secret"), "{err:?}");
    }
}
