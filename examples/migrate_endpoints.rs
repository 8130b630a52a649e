//! Mirror webhook subscriptions from one provider at another, and see what does not carry over.
//!
//! ```text
//! cargo run --example migrate_endpoints
//! ```
//!
//! Runs offline: an embedded wiremock server plays CHIP, Bitnob and BLAZE.
//!
//! 1. **CHIP → Bitnob**: list the CHIP webhooks (through the unified `Webhook` trait), convert each
//!    to Bitnob's dialect with `hookbridge::adapters::convert_endpoint`, print the converted spec
//!    and the loss report, and create it at Bitnob.
//! 2. **MIEX → BLAZE**: MIEX documents no list call, so the subscription comes from the register
//!    response you stored; it is converted to BLAZE (with a shop scope set on the BLAZE side) and
//!    created there.
//! 3. **Strict mode** refuses a conversion that would drop anything.

#![allow(clippy::print_stdout)]

use std::error::Error;

use futures_util::TryStreamExt;
use hookbridge::adapters::{ConvertError, ConvertOptions, Converted, ProviderEndpoint, convert, convert_endpoint};
use hookbridge::bitnob::{BitnobAuth, BitnobClient};
use hookbridge::blaze::{BlazeClient, BlazeKeys};
use hookbridge::chip::ChipClient;
use hookbridge::{ClientConfig, Endpoint, RetryPolicy, Secret, Webhook};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn print_conversion(label: &str, out: &Converted) {
    println!("--- {label}");
    println!("converted spec: {}", serde_json::to_string(&out.spec).unwrap_or_default());
    println!("request body:   {} (for {})", out.request.json(), out.request.provider());
    println!("{}", out.report);
}

/// CHIP's `GET webhooks/`: two subscriptions, one listing events, one receiving everything.
async fn mock_chip(server: &MockServer) {
    let page = json!({
        "results": [
            {
                "type": "webhook", "id": "7f1c2a9e-5b3d-4c8e-9a21-0d6b4e8f3c15",
                "created_on": 1717200000, "updated_on": 1717286400,
                "title": "Shop order updates", "all_events": false,
                "public_key": "-----BEGIN PUBLIC KEY-----\nMIIBojANBg...\n-----END PUBLIC KEY-----",
                "events": ["purchase.paid", "purchase.payment_failure", "payment.refunded"],
                "callback": "https://shop.example.com/hooks/chip"
            },
            {
                "type": "webhook", "id": "0b8e6f4a-2c1d-4e7f-8a9b-3c5d7e9f1a2b",
                "created_on": 1717300000, "updated_on": 1717300000,
                "title": "Everything to the ledger", "all_events": true, "events": [],
                "callback": "https://ledger.example.com/chip/events"
            }
        ],
        "next": null, "previous": null
    });
    Mock::given(method("GET"))
        .and(path("/chip/api/v1/webhooks/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(server)
        .await;
}

/// Bitnob's `POST /webhooks`: echoes the body as a created webhook with a one-time secret.
async fn mock_bitnob(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/bitnob/webhooks"))
        .respond_with(|req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let mut created = json!({
                "id": "3f0c7a52-6d1e-4c8e-9b7a-2f4e1d9c0a11", "object": "webhook", "status": "active",
                "has_signing_secret": true, "signing_secret": "bitnob-example-secret",
                "created_at": "2025-06-01T12:00:00Z", "updated_at": "2025-06-01T12:00:00Z"
            });
            for key in ["name", "url", "event_types"] {
                if let Some(v) = body.get(key) {
                    created[key] = v.clone();
                }
            }
            ResponseTemplate::new(201).set_body_json(created)
        })
        .mount(server)
        .await;
}

/// BLAZE's `POST webHooks`: echoes the body with server-assigned fields.
async fn mock_blaze(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/blaze/api/v1/partner/webHooks"))
        .respond_with(|req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
            let mut created = json!({
                "id": "65a1f0c2e4b0a1b2c3d4e5f6", "companyId": "5c8f9e2ab1d4e70012ab34cd",
                "created": 1705087682123_i64, "modified": 1705087682123_i64, "deleted": false
            });
            for key in ["shopId", "url", "webHookUrls"] {
                if let Some(v) = body.get(key) {
                    created[key] = v.clone();
                }
            }
            ResponseTemplate::new(200).set_body_json(created)
        })
        .mount(server)
        .await;
}

fn config(base: String) -> Result<ClientConfig, Box<dyn Error>> {
    Ok(ClientConfig::new(&base)?.retry(RetryPolicy::none()))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let server = MockServer::start().await;
    mock_chip(&server).await;
    mock_bitnob(&server).await;
    mock_blaze(&server).await;

    let chip = ChipClient::with_config(config(format!("{}/chip/api/v1/", server.uri()))?, Secret::new("chip-key"))?;
    // Bitnob's documented auth: HMAC request signing with the client id and secret key.
    let bitnob_auth = BitnobAuth::signed("client-id", Secret::new("bitnob-secret-key"))?;
    let bitnob = BitnobClient::with_config(config(format!("{}/bitnob", server.uri()))?, bitnob_auth)?;
    let blaze = BlazeClient::with_config(
        config(format!("{}/blaze/api/v1/partner/", server.uri()))?,
        BlazeKeys::new("partner-key", "developer-key"),
    )?;

    // 1. CHIP → Bitnob, through the unified trait on both sides.
    println!("=== CHIP → Bitnob");
    let source: &dyn Webhook = &chip;
    let target: &dyn Webhook = &bitnob;
    let endpoints: Vec<Endpoint> = source.list().try_collect().await?;
    let options = ConvertOptions::default();
    for endpoint in &endpoints {
        let out = convert_endpoint(endpoint, target.provider(), &options)?;
        print_conversion(endpoint.name.as_deref().unwrap_or("?"), &out);
        let created = target.create(&out.spec).await?;
        println!(
            "created at {}: id {} ({}), secret returned: {}",
            target.provider(),
            created.id,
            created.urls.join(", "),
            created.secret.is_some()
        );
    }

    // 2. MIEX → BLAZE. The stored register response, as MIEX's JSON (secretKey removed after
    //    storing it), read through MIEX's dialect in the provider registry.
    println!("\n=== MIEX → BLAZE");
    let stored = json!({
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "url": "https://example.com/webhooks/exchange",
        "events": ["order.created", "order.status_changed"],
        "isActive": true, "failCount": 0,
        "createdAt": "2023-11-07T05:31:56Z", "updatedAt": "2023-11-07T05:31:56Z"
    });
    let endpoint = ProviderEndpoint::new(hookbridge::miex::PROVIDER, stored)?.to_unified()?;
    let out = convert_endpoint(&endpoint, hookbridge::blaze::PROVIDER, &options)?;
    print_conversion("MIEX exchange webhook", &out);
    // BLAZE scopes webhooks to a shop: add it on the BLAZE side, then check the spec again.
    let scoped = out.spec.clone().provider_field("shopId", "5c8f9e2ab1d4e70012ab34ce");
    let checked = convert(&scoped, hookbridge::blaze::PROVIDER, hookbridge::blaze::PROVIDER, &options)?;
    let created = blaze.create(&checked.spec).await?;
    println!(
        "created at BLAZE: id {} for {} (shopId {})",
        created.id,
        created.urls.join(", "),
        created.provider_fields.get("shopId").and_then(Value::as_str).unwrap_or("-")
    );

    // 3. Strict mode refuses to drop MIEX's event list on BLAZE's event-less create.
    println!("\n=== strict MIEX → BLAZE");
    match convert_endpoint(&endpoint, hookbridge::blaze::PROVIDER, &ConvertOptions::default().strict(true)) {
        Err(ConvertError::Lossy(report)) => println!("refused, as expected:\n{report}"),
        other => return Err(format!("strict mode should refuse, got {other:?}").into()),
    }

    let received = server.received_requests().await.unwrap_or_default();
    println!("\nthe mock server received {} requests", received.len());
    Ok(())
}
