//! Nothing prints a key: the client, the keys, errors.

use hookbridge_blaze::{BlazeClient, BlazeKeys};
use wiremock::Mock;
use wiremock::matchers::any;

use crate::common::*;

fn assert_hidden(text: &str) {
    assert!(!text.contains(PARTNER_KEY), "partner key leaked: {text}");
    assert!(!text.contains(DEVELOPER_KEY), "developer key leaked: {text}");
}

#[tokio::test]
async fn client_keys_and_errors_never_print_keys() {
    let server = server().await;
    Mock::given(any()).respond_with(json_response(401, "error_401.json")).expect(1).mount(&server).await;
    let client = client(&server);
    let keys = keys().partner_key_header("partner_key");

    for text in [format!("{client:?}"), format!("{client:#?}"), format!("{keys:?}"), format!("{keys:#?}")] {
        assert_hidden(&text);
        assert!(text.contains("REDACTED"), "{text}");
    }
    assert!(format!("{keys:?}").contains("partner_key"));
    assert!(format!("{client:?}").contains("x-api-key"));
    assert!(format!("{client:?}").contains("authorization"));

    let err = client.webhooks().get("65a1f0c2e4b0a1b2c3d4e5f6").await.unwrap_err();
    assert_hidden(&format!("{err:?}"));
    assert_hidden(&err.to_string());

    let dyn_client: Box<dyn hookbridge_core::Webhook> = Box::new(client);
    assert_hidden(&format!("{dyn_client:?}"));
}

#[test]
fn refused_keys_are_not_echoed() {
    let server_url = "http://127.0.0.1:9/api/v1/partner/";
    for (partner, developer) in [("pk secret with space", DEVELOPER_KEY), (PARTNER_KEY, "dk-secret\n")] {
        let config = hookbridge_core::ClientConfig::new(server_url).unwrap();
        let err = BlazeClient::with_config(config, BlazeKeys::new(partner, developer)).unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("secret"), "{text}");
    }
}
