//! `POST /v1/webhooks/register`: the outgoing request, the 201 response, drift, decode failures
//! and refused input.

use hookbridge_abbeycross::{
    AbbeyCrossClient, BodyFieldNames, RegisterWebhook, RegisterWebhookResponse, RegisteredWebhook,
};
use hookbridge_core::{DecodeErrorKind, Error, EventType, Secret};
use serde_json::{Value, json};

use crate::common::*;

#[tokio::test]
async fn register_sends_the_request_and_decodes_the_201_response() {
    let server = server().await;
    mount_register(&server, 201, &fixture("register_response.json")).await;

    let resp = client(&server).webhooks().register(&doc_request()).await.unwrap();

    assert_register_request(&server, &fixture_json("register_request.json")).await;
    assert_eq!(resp.message.as_deref(), Some("Webhook registered successfully."));
    assert_eq!(resp.api_secret_key.as_ref().unwrap().expose(), SECRET);
    assert!(resp.extra.is_empty());
}

#[tokio::test]
async fn the_schema_example_decodes() {
    let server = server().await;
    mount_register(&server, 201, &fixture("register_response_schema_example.json")).await;
    let resp = client(&server).webhooks().register(&doc_request()).await.unwrap();
    assert_eq!(resp.message.as_deref(), Some("string"));
    assert_eq!(resp.api_secret_key.as_ref().unwrap().expose(), "string");
}

#[tokio::test]
async fn an_empty_event_list_is_allowed_and_sent() {
    let server = server().await;
    mount_register(&server, 201, &fixture("register_response.json")).await;
    let req = RegisterWebhook::new(
        "https://example.com/hooks/abbeycross".parse::<url::Url>().unwrap(),
        Vec::<EventType>::new(),
    );

    client(&server).webhooks().register(&req).await.unwrap();

    assert_register_request(&server, &json!({"url": "https://example.com/hooks/abbeycross", "events": []})).await;
}

#[tokio::test]
async fn configured_body_field_names_are_used() {
    let server = server().await;
    mount_register(&server, 201, &fixture("register_response.json")).await;
    let names = BodyFieldNames::new("webhookUrl", "eventTypes").unwrap();
    let client = client(&server).with_body_field_names(names.clone());
    assert_eq!(client.body_field_names(), &names);

    client.webhooks().register(&doc_request()).await.unwrap();

    let body = json!({
        "webhookUrl": "https://example.com/hooks/abbeycross",
        "eventTypes": ["payment.completed", "trade.settled"]
    });
    assert_register_request(&server, &body).await;
}

#[test]
fn body_field_names_default_to_the_inferred_ones_and_are_validated() {
    let names = BodyFieldNames::default();
    assert_eq!((names.url(), names.events()), ("url", "events"));
    assert_eq!(names, BodyFieldNames::INFERRED);
    for (u, e) in [("", "events"), ("url", " "), ("same", "same")] {
        assert_eq!(BodyFieldNames::new(u, e).unwrap_err().field, "body_field_names");
    }
    // The request's own Serialize impl uses the inferred names.
    assert_eq!(serde_json::to_value(doc_request()).unwrap(), fixture_json("register_request.json"));
    assert_eq!(doc_request().to_body(&names), fixture_json("register_request.json"));
}

#[tokio::test]
async fn undocumented_response_fields_are_kept_and_serialized_back_without_the_secret() {
    let server = server().await;
    let raw = fixture("register_response_drift.json");
    mount_register(&server, 201, &raw).await;

    let resp = client(&server).webhooks().register(&doc_request()).await.unwrap();

    assert_eq!(resp.extra.get("webhookId"), Some(&json!("wh_01HZY3K9")));
    assert_eq!(resp.extra.get("signatureHeader"), Some(&json!("X-Abbey-Signature")));
    let mut expected: Value = serde_json::from_str(&raw).unwrap();
    expected.as_object_mut().unwrap().remove("apiSecretKey");
    assert_eq!(serde_json::to_value(&resp).unwrap(), expected);

    let registered = RegisteredWebhook::new(&doc_request(), resp);
    assert_eq!(registered.url, "https://example.com/hooks/abbeycross");
    assert_eq!(registered.events, vec![EventType::new("payment.completed"), EventType::new("trade.settled")]);
    assert_eq!(registered.response().extra.get("webhookId"), Some(&json!("wh_01HZY3K9")));
}

#[test]
fn sparse_responses_decode() {
    let empty: RegisterWebhookResponse = serde_json::from_str("{}").unwrap();
    assert!(empty.message.is_none() && empty.api_secret_key.is_none() && empty.extra.is_empty());
    let only_key: RegisterWebhookResponse = serde_json::from_str(r#"{"apiSecretKey":"k"}"#).unwrap();
    assert_eq!(only_key.api_secret_key.unwrap().expose(), "k");
}

#[tokio::test]
async fn malformed_truncated_and_misshapen_responses_are_decode_errors() {
    let full = fixture("register_response.json");
    let cases = [
        ("malformed", "{\"message\": oops}".to_owned()),
        ("truncated", full[..full.len() / 2].to_owned()),
        ("empty", String::new()),
        ("secret not a string", r#"{"message":"ok","apiSecretKey":12345}"#.to_owned()),
        ("array", "[]".to_owned()),
    ];
    for (what, body) in cases {
        let server = server().await;
        mount_register(&server, 201, &body).await;
        let err = client(&server).webhooks().register(&doc_request()).await.unwrap_err();
        let Error::Decode(d) = &err else { panic!("{what}: expected a decode error, got {err:?}") };
        assert_eq!(d.kind, DecodeErrorKind::Json, "{what}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(201), "{what}");
    }
}

#[tokio::test]
async fn a_decode_error_never_quotes_the_secret() {
    let full = r#"{"message": 7, "apiSecretKey": "acx_sk_leaky_0123456789abcdef"}"#;
    for body in [full, &full[..full.len() - 8]] {
        let server = server().await;
        mount_register(&server, 201, body).await;
        let err = client(&server).webhooks().register(&doc_request()).await.unwrap_err();
        let Error::Decode(d) = &err else { panic!("expected a decode error, got {err:?}") };
        assert!(d.excerpt.contains("\"apiSecretKey\": \"[REDACTED]"), "{}", d.excerpt);
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("leaky"), "{shown}");
        }
    }
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let server = server().await;
    let client = client(&server);
    let url = || "https://example.com/hooks/abbeycross".parse::<url::Url>().unwrap();
    let cases = [
        (RegisterWebhook::new("ftp://example.com/x".parse::<url::Url>().unwrap(), ["a"]), "url"),
        (RegisterWebhook::new("mailto:ops@example.com".parse::<url::Url>().unwrap(), ["a"]), "url"),
        (RegisterWebhook::new(url(), ["payment.completed", ""]), "events"),
        (RegisterWebhook::new(url(), ["  "]), "events"),
    ];
    for (req, field) in cases {
        match client.webhooks().register(&req).await.unwrap_err() {
            Error::InvalidInput(i) => assert_eq!(i.field, field, "{req:?}"),
            other => panic!("{req:?}: expected InvalidInput, got {other:?}"),
        }
    }
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn bad_tokens_and_base_urls_are_refused_at_construction() {
    let server = server().await;
    for token in ["", "   ", "tok with space", "tok\n", "tök"] {
        match AbbeyCrossClient::new(&server.uri(), Secret::new(token)).unwrap_err() {
            Error::InvalidInput(i) => {
                assert_eq!(i.field, "api_token", "{token:?}");
                if !token.trim().is_empty() {
                    assert!(!i.to_string().contains(token));
                }
            }
            other => panic!("{token:?}: {other:?}"),
        }
    }
    for base in ["", "example.com", "ftp://api.example.com", "https://api.example.com/?x=1"] {
        match AbbeyCrossClient::new(base, Secret::new(TOKEN)).unwrap_err() {
            Error::InvalidInput(i) => assert_eq!(i.field, "base_url", "{base:?}"),
            other => panic!("{base:?}: {other:?}"),
        }
    }
    assert_nothing_sent(&server).await;
}
