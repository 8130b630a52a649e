//! Receiving MIEX webhooks with axum through the receiver pipeline: every delivery is verified,
//! keyed on signed data and reserved before the handler runs; the handler's status decides
//! whether it counts as handled.
//!
//! ```text
//! cargo run --example axum_receiver
//! ```
//!
//! The example serves a router on 127.0.0.1 (a free port), then plays MIEX: it sends itself a
//! correctly signed delivery, the same delivery again (a retry), the same delivery under a fresh
//! `X-Webhook-Delivery` id (a replay: that header is not signed), a tampered copy, and a
//! delivery the handler fails on once (then its retry). It prints what the receiver answered,
//! checks the answers and exits.
//!
//! In production, bind a fixed address, load the secret (MIEX's `secretKey`, returned when the
//! webhook was registered) from your configuration and share a Redis or Postgres dedupe store
//! between instances (see `examples/production_receiver.rs`).

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookbridge::miex::{MiexDelivery, MiexReceiver, MiexSpec};
use hookbridge::verify::HmacSecret;
use hookbridge::verify::receive::axum::Received;
use hookbridge::verify::receive::tower::ReceiverLayer;
use hookbridge::verify::sign::HmacSigner;

/// Runs only for authentic, first-seen deliveries. 2xx: handled; anything else: the provider's
/// retry will be handled again.
async fn miex_webhook(handled: Arc<AtomicUsize>, Received(delivery): Received<MiexDelivery>) -> StatusCode {
    println!(
        "  handler: {} (signed: {}) verified with key `{}`, replay key {}",
        delivery.event,
        delivery.event_signed,
        delivery.verified.key_id(),
        delivery.replay_key,
    );
    if delivery.data.get("failOnce").is_some() && handled.fetch_add(1, Ordering::SeqCst) == 1 {
        // Simulate a crash of the application: the pipeline releases the key.
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    // Store or enqueue the delivery, then answer 2xx.
    handled.fetch_add(1, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let secret = HmacSecret::from_str_bytes("example-miex-secretKey")?;

    // The pipeline: MIEX's scheme and parser, a 256 KiB body limit, and (by default) an
    // in-memory dedupe store.
    let receiver = Arc::new(MiexReceiver::new(MiexSpec::with_secret(secret.clone())).max_body_bytes(256 * 1024));

    let handled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&handled);
    let app = Router::new().route(
        "/webhooks/miex",
        post(move |delivery| miex_webhook(counter, delivery)).layer(ReceiverLayer::new(receiver)),
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/miex", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiving on {url}");

    // Play MIEX: sign deliveries exactly as it would.
    let signer = HmacSigner::new(hookbridge::miex::delivery_scheme(), secret);
    let body = br#"{"event":"order.status_changed","data":{"orderId":"ord_1001","status":"completed"}}"#;
    let mut signed = signer.sign(body, 0, Some("job-1001"))?;
    signed.insert(hookbridge::miex::headers::EVENT, "order.status_changed".parse()?);
    let mut replayed = signed.clone();
    replayed.insert(hookbridge::miex::headers::DELIVERY, "job-9999".parse()?);
    let flaky = br#"{"event":"order.created","data":{"orderId":"ord_1002","failOnce":true}}"#;
    let flaky_signed = signer.sign(flaky, 0, Some("job-1002"))?;

    let client = reqwest::Client::new();
    let tampered = br#"{"event":"order.status_changed","data":{"orderId":"ord_1001","status":"refunded"}}"#;
    let deliveries: [(&str, &[u8], &_, StatusCode); 6] = [
        ("signed delivery", body, &signed, StatusCode::NO_CONTENT),
        ("same delivery again (retry)", body, &signed, StatusCode::OK),
        ("same delivery under a fresh delivery id (replay)", body, &replayed, StatusCode::OK),
        ("tampered delivery", tampered, &signed, StatusCode::UNAUTHORIZED),
        ("a delivery the application fails on", flaky, &flaky_signed, StatusCode::SERVICE_UNAVAILABLE),
        ("its retry", flaky, &flaky_signed, StatusCode::NO_CONTENT),
    ];
    let mut all_as_expected = true;
    for (label, payload, headers, expected) in deliveries {
        println!("sending {label}");
        let response = client
            .post(&url)
            .headers(headers.clone())
            .header("content-type", "application/json")
            .body(payload.to_vec())
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        println!("  -> {status} {}", text.trim());
        all_as_expected &= status.as_u16() == expected.as_u16();
    }
    server.abort();

    let handled = handled.load(Ordering::SeqCst);
    println!("the handler completed {handled} handling attempt(s)");
    if !all_as_expected || handled != 3 {
        return Err("unexpected outcome".into());
    }
    Ok(())
}
