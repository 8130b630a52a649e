//! No secret — the API key or the returned signing secret — ever appears in Debug, Display,
//! serialized output or error messages.

use hookbridge_core::{Endpoint, Secret, Webhook};
use hookbridge_miex::{MiexApiKey, MiexEvent, MiexWebhook, RegisterWebhook};

use crate::common::*;

fn assert_hidden(text: &str) {
    for secret in [BRANCH_KEY, PERSONAL_KEY, PUBLIC_KEY, DOC_SECRET, &BRANCH_KEY["sk_branch_".len()..]] {
        assert!(!text.contains(secret), "secret leaked in: {text}");
    }
}

#[tokio::test]
async fn no_secret_is_printed_or_serialized() {
    let server = server().await;
    mount_register(&server, 200, &fixture("register_response.json")).await;
    let client = client(&server);
    let req = RegisterWebhook::new(
        "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap(),
        [MiexEvent::OrderCreated],
    );
    let hook = client.webhooks().register(&req).await.unwrap();
    assert_eq!(hook.secret_key.as_ref().unwrap().expose(), DOC_SECRET, "the secret is reachable on purpose");
    let endpoint = Endpoint::from(hook.clone());
    let dyn_client: &dyn Webhook = &client;

    assert_hidden(&format!("{client:?}"));
    assert_hidden(&format!("{client:#?}"));
    assert_hidden(&format!("{dyn_client:?}"));
    assert_hidden(&format!("{:?}", client.webhooks()));
    assert_hidden(&format!("{:?}", client.http()));
    for key in [BRANCH_KEY, PERSONAL_KEY, PUBLIC_KEY] {
        let parsed = MiexApiKey::parse(Secret::new(key)).unwrap();
        assert_hidden(&format!("{parsed:?} {} {:?}", parsed.secret(), parsed.secret()));
        assert_hidden(&format!("{:?}", client_with(&server, key)));
    }
    assert_hidden(&format!("{hook:?}"));
    assert_hidden(&format!("{hook:#?}"));
    assert_hidden(&serde_json::to_string(&hook).unwrap());
    assert_hidden(&format!("{endpoint:?}"));
    assert_hidden(&serde_json::to_string(&endpoint).unwrap());
    let back = MiexWebhook::try_from(&endpoint).unwrap();
    assert_hidden(&format!("{back:?}"));
}

#[tokio::test]
async fn errors_do_not_carry_the_key() {
    let server = server().await;
    mount_register(&server, 401, r#"{"message":"Unauthorized"}"#).await;
    let req = RegisterWebhook::new(
        "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap(),
        [MiexEvent::OrderCreated],
    );
    let err = client(&server).webhooks().register(&req).await.unwrap_err();
    assert_hidden(&err.to_string());
    assert_hidden(&format!("{err:?}"));
}

#[tokio::test]
async fn a_decode_error_never_quotes_the_signing_secret() {
    let full = format!(r#"{{"id": "x", "url": "https://e.com/", "isActive": "yes", "secretKey": "{DOC_SECRET}"}}"#);
    for body in [full.as_str(), &full[..full.len() - 10]] {
        let server = server().await;
        mount_register(&server, 200, body).await;
        let req = RegisterWebhook::new(
            "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap(),
            [MiexEvent::OrderCreated],
        );
        let err = client(&server).webhooks().register(&req).await.unwrap_err();
        let hookbridge_core::Error::Decode(d) = &err else { panic!("expected a decode error, got {err:?}") };
        assert!(d.excerpt.contains("\"secretKey\": \"[REDACTED]"), "{}", d.excerpt);
        assert_hidden(&err.to_string());
        assert_hidden(&format!("{err:?}"));
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(&DOC_SECRET[..16]), "partial secret leaked: {shown}");
        }
    }
}
