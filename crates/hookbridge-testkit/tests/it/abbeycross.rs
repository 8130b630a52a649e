//! AbbeyCross: register, documented error body, working hours, assumed delivery scheme.

use std::time::Duration;

use axum::http::HeaderName;
use hookbridge_testkit::abbeycross::{
    ABBEYCROSS_NON_WORKING_HOURS_TEXT, ABBEYCROSS_REGISTERED_MESSAGE, assumed_delivery_scheme,
};
use hookbridge_testkit::{AbbeyCrossConfig, AbbeyCrossSim};
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, SignatureEncoding, SignedContent};
use serde_json::{Value, json};

use crate::common::{Receiver, http, is_uuid, send};

fn register(sim: &AbbeyCrossSim, body: &Value) -> reqwest::RequestBuilder {
    http().post(format!("{}v1/webhooks/register", sim.base_url())).bearer_auth(sim.token()).json(body)
}

fn assert_error_body(err: &Value, code: &str) {
    assert!(is_uuid(err["errorId"].as_str().unwrap()), "{err}");
    assert_eq!(err["code"], code);
    assert!(err["text"].is_string());
    let mut keys: Vec<&String> = err.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["code", "errorId", "parameter_name", "parameter_value", "text"]);
}

#[tokio::test]
async fn register_returns_message_and_api_secret_key() {
    let sim = AbbeyCrossSim::start().await.unwrap();
    let body = json!({"url": "https://example.com/hooks/abbeycross", "events": ["payment.completed", "trade.settled"]});
    let (status, created) = send(register(&sim, &body)).await;
    assert_eq!(status, 201);
    assert_eq!(created["message"], ABBEYCROSS_REGISTERED_MESSAGE);
    let secret = created["apiSecretKey"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    assert_eq!(created.as_object().unwrap().len(), 2);
    let stored = sim.webhooks();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["url"], "https://example.com/hooks/abbeycross");
    assert_eq!(stored[0]["events"], json!(["payment.completed", "trade.settled"]));
    assert_eq!(sim.api_secret_key(stored[0]["id"].as_str().unwrap()).as_deref(), Some(secret));
}

#[tokio::test]
async fn errors_use_the_documented_body() {
    let sim = AbbeyCrossSim::start().await.unwrap();
    let url = format!("{}v1/webhooks/register", sim.base_url());
    let body = json!({"url": "https://example.com/h", "events": ["a"]});

    let (status, err) = send(http().post(&url).json(&body)).await;
    assert_eq!(status, 401);
    assert_error_body(&err, "UNAUTHORIZED");
    assert_eq!(
        err["text"],
        "Authentication token is required for this action that was not provided, expired or invalid."
    );
    assert_eq!(err["parameter_name"], Value::Null);
    assert_eq!(send(http().post(&url).bearer_auth("wrong").json(&body)).await.0, 401);

    let cases = [
        (json!({"events": ["a"]}), "url", Value::Null),
        (json!({"url": "nope", "events": ["a"]}), "url", json!("nope")),
        (json!({"url": "https://example.com/h", "events": []}), "events", json!([])),
        (json!({"url": "https://example.com/h", "events": ["a", ""]}), "events", json!(["a", ""])),
        (json!({"url": "https://example.com/h"}), "events", Value::Null),
    ];
    for (body, name, value) in cases {
        let (status, err) = send(register(&sim, &body)).await;
        assert_eq!(status, 400, "{body}");
        assert_error_body(&err, "INVALID_PARAMETER");
        assert_eq!(err["text"], "One or more parameter values are invalid. Please check and retry.");
        assert_eq!(err["parameter_name"], name);
        assert_eq!(err["parameter_value"], value);
    }
    let (status, err) =
        send(http().post(&url).bearer_auth(sim.token()).header("content-type", "application/json").body("{\"url\""))
            .await;
    assert_eq!(status, 400);
    assert_error_body(&err, "INVALID_PARAMETER");

    let (status, err) = send(http().get(format!("{}v1/webhooks", sim.base_url()))).await;
    assert_eq!(status, 404);
    assert_error_body(&err, "NOT_FOUND");
    assert_eq!(err["text"], "The requested endpoint or entity does not exist.");
    let (status, err) = send(http().get(&url).bearer_auth(sim.token())).await;
    assert_eq!(status, 405);
    assert_error_body(&err, "METHOD_NOT_ALLOWED");
    assert!(sim.webhooks().is_empty());
}

#[tokio::test]
async fn outside_working_hours_every_request_is_503() {
    let sim = AbbeyCrossSim::start().await.unwrap();
    assert!(sim.working_hours());
    sim.set_working_hours(false);
    assert!(!sim.working_hours());
    let body = json!({"url": "https://example.com/h", "events": ["a"]});
    for req in [
        register(&sim, &body),
        http().post(format!("{}v1/webhooks/register", sim.base_url())).json(&body),
        http().get(format!("{}anything", sim.base_url())),
        http().delete(format!("{}v1/webhooks/register", sim.base_url())),
    ] {
        let (status, err) = send(req).await;
        assert_eq!(status, 503);
        assert_error_body(&err, "OUTSIDE_WORKING_HOURS");
        assert_eq!(err["text"], ABBEYCROSS_NON_WORKING_HOURS_TEXT);
    }
    assert!(sim.webhooks().is_empty());
    assert_eq!(sim.requests().len(), 4, "refused requests are still recorded");
    sim.set_working_hours(true);
    assert_eq!(send(register(&sim, &body)).await.0, 201);
}

#[tokio::test]
async fn deliveries_use_the_assumed_scheme_or_a_configured_one() {
    let sim = AbbeyCrossSim::start().await.unwrap();
    assert_eq!(sim.delivery_scheme(), &assumed_delivery_scheme());
    let rx = Receiver::start().await;
    let (_, created) = send(register(&sim, &json!({"url": rx.url("/ac"), "events": ["payment.completed"]}))).await;
    send(register(&sim, &json!({"url": rx.url("/other"), "events": ["trade.settled"]}))).await;
    let reports = sim.deliver("payment.completed", Some(json!({"paymentId": "p-1"}))).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert!(reports[0].is_success());
    let got = rx.received().pop().unwrap();
    assert_eq!(got.uri.path(), "/ac");
    let signature = got.headers["x-hookbridge-assumed-signature"].to_str().unwrap();
    assert!(signature.starts_with("sha256="));
    let secret = HmacSecret::from_str_bytes(created["apiSecretKey"].as_str().unwrap()).unwrap();
    HmacVerifier::with_secret(assumed_delivery_scheme(), secret.clone()).verify(&got.body, &got.headers).unwrap();
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["event"], "payment.completed");
    assert_eq!(body["data"], json!({"paymentId": "p-1"}));
    assert_eq!(body["id"], reports[0].delivery_id.as_deref().unwrap());

    // Deliveries ignore working hours (they are outgoing).
    sim.set_working_hours(false);
    assert_eq!(sim.deliver("payment.completed", None).await.unwrap().len(), 1);

    // A different assumed scheme: base64 over `timestamp.body` with a timestamp header.
    let scheme = HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
        .encoding(SignatureEncoding::Base64)
        .signed_content(SignedContent::TimestampDotBody)
        .timestamp_header(HeaderName::from_static("x-abbeycross-timestamp"))
        .tolerance(Duration::from_secs(300))
        .build()
        .unwrap();
    let custom = AbbeyCrossSim::start_with(AbbeyCrossConfig::default().delivery_scheme(scheme.clone())).await.unwrap();
    let (_, created) = send(register(&custom, &json!({"url": rx.url("/custom"), "events": ["e"]}))).await;
    custom.deliver("e", None).await.unwrap();
    let got = rx.received().pop().unwrap();
    assert_eq!(got.uri.path(), "/custom");
    assert!(got.headers.contains_key("x-abbeycross-timestamp"));
    let secret = HmacSecret::from_str_bytes(created["apiSecretKey"].as_str().unwrap()).unwrap();
    HmacVerifier::with_secret(scheme, secret).verify(&got.body, &got.headers).unwrap();
}
