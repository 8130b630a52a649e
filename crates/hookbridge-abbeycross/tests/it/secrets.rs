//! Neither the API token nor the returned apiSecretKey appears in Debug, Display, serialized
//! output or error messages.

use hookbridge_abbeycross::{RegisterWebhookResponse, RegisteredWebhook};
use hookbridge_core::{Endpoint, Webhook};

use crate::common::*;

fn assert_hidden(text: &str) {
    for secret in [TOKEN, SECRET] {
        assert!(!text.contains(secret), "secret leaked in: {text}");
    }
}

#[tokio::test]
async fn no_secret_is_printed_or_serialized() {
    let server = server().await;
    mount_register(&server, 201, &fixture("register_response.json")).await;
    let client = client(&server);
    let resp = client.webhooks().register(&doc_request()).await.unwrap();
    assert_eq!(resp.api_secret_key.as_ref().unwrap().expose(), SECRET, "the secret is reachable on purpose");
    let registered = RegisteredWebhook::new(&doc_request(), resp.clone());
    let endpoint = Endpoint::from(registered.clone());
    let dyn_client: &dyn Webhook = &client;

    assert_hidden(&format!("{client:?}"));
    assert_hidden(&format!("{client:#?}"));
    assert_hidden(&format!("{dyn_client:?}"));
    assert_hidden(&format!("{:?}", client.webhooks()));
    assert_hidden(&format!("{:?}", client.http()));
    assert_hidden(&format!("{resp:?}"));
    assert_hidden(&format!("{resp:#?}"));
    assert_hidden(&serde_json::to_string(&resp).unwrap());
    assert_hidden(&format!("{registered:?}"));
    assert_hidden(&serde_json::to_string(&registered).unwrap());
    assert_hidden(&format!("{endpoint:?}"));
    assert_hidden(&serde_json::to_string(&endpoint).unwrap());
    let back: RegisterWebhookResponse = RegisteredWebhook::try_from(&endpoint).unwrap().response();
    assert_hidden(&format!("{back:?}"));
}

#[tokio::test]
async fn errors_do_not_carry_the_token() {
    let server = server().await;
    mount_register(&server, 401, &fixture("error_401.json")).await;
    let err = client(&server).webhooks().register(&doc_request()).await.unwrap_err();
    assert_hidden(&err.to_string());
    assert_hidden(&format!("{err:?}"));
}
