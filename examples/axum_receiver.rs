//! Receiving MIEX webhooks with axum: every delivery is verified before the handler runs.
//!
//! ```text
//! cargo run --example axum_receiver
//! ```
//!
//! The example serves a router on 127.0.0.1 (a free port), then plays MIEX: it sends itself a
//! correctly signed delivery, the same delivery again (a retry), and a tampered copy, prints
//! what the receiver answered, checks the answers and exits.
//!
//! In production, bind a fixed address and load the secret (MIEX's `secretKey`, returned when
//! the webhook was registered) from your configuration; keep the rest as is.

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use hookbridge::verify::axum::{VerifiedBody, WebhookReceiver};
use hookbridge::verify::sign::HmacSigner;
use hookbridge::verify::{HmacScheme, HmacSecret, HmacVerifier, InMemoryReplayStore, headers};

/// Runs only for verified, first-seen deliveries.
async fn miex_webhook(handled: Arc<AtomicUsize>, delivery: VerifiedBody) -> StatusCode {
    let event = delivery.headers.get(headers::MIEX_EVENT).and_then(|v| v.to_str().ok()).unwrap_or("?");
    println!(
        "  handler: {event} delivery {} verified with key `{}` ({} bytes)",
        delivery.verified.id().unwrap_or("-"),
        delivery.verified.key_id(),
        delivery.body.len(),
    );
    // Parse `delivery.body` (the exact bytes that were verified), store or enqueue it, answer 2xx.
    handled.fetch_add(1, Ordering::SeqCst);
    StatusCode::NO_CONTENT
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let secret = HmacSecret::from_str_bytes("example-miex-secretKey")?;

    // The receiver: MIEX's HMAC-SHA256 scheme, a 256 KiB body limit, and a replay store
    // (MIEX signs no timestamp) keyed by the X-Webhook-Delivery job id.
    let receiver = WebhookReceiver::new(HmacVerifier::with_secret(HmacScheme::miex(), secret.clone()))
        .max_body_bytes(256 * 1024)
        .replay_store(InMemoryReplayStore::new(), Duration::from_secs(24 * 60 * 60));

    let handled = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&handled);
    let app = Router::new()
        .route("/webhooks/miex", post(move |delivery| miex_webhook(counter, delivery)))
        .with_state(receiver);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/miex", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!("receiving on {url}");

    // Play MIEX: sign a delivery exactly as it would.
    let body = br#"{"event":"order.status_changed","data":{"orderId":"ord_1001","status":"completed"}}"#;
    let mut signed = HmacSigner::new(HmacScheme::miex(), secret).sign(body, 0, Some("job-1001"))?;
    signed.insert(headers::MIEX_EVENT, "order.status_changed".parse()?);

    let client = reqwest::Client::new();
    let deliveries: [(&str, &[u8], StatusCode); 3] = [
        ("signed delivery", body, StatusCode::NO_CONTENT),
        ("same delivery again (retry)", body, StatusCode::OK),
        (
            "tampered delivery",
            br#"{"event":"order.status_changed","data":{"orderId":"ord_1001","status":"refunded"}}"#,
            StatusCode::UNAUTHORIZED,
        ),
    ];
    let mut all_as_expected = true;
    for (label, payload, expected) in deliveries {
        println!("sending {label}");
        let response = client
            .post(&url)
            .headers(signed.clone())
            .header("content-type", "application/json")
            .body(payload.to_vec())
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        println!("  -> {status} {text}");
        all_as_expected &= status.as_u16() == expected.as_u16();
    }
    server.abort();

    let handled = handled.load(Ordering::SeqCst);
    println!("the handler ran {handled} time(s)");
    if !all_as_expected || handled != 1 {
        return Err("unexpected outcome".into());
    }
    Ok(())
}
