//! A production-shaped receiver: every configured provider on `POST /hooks/{provider}`, one
//! application for all of them (the unified `Delivery`), dedupe shared by a fleet through Redis
//! (or Postgres), logs through `tracing`, and a graceful shutdown.
//!
//! ```text
//! HOOKBRIDGE_REPLAY_STORE=redis://127.0.0.1:6379/0 \
//! MIEX_WEBHOOK_SECRET_FILE=/run/secrets/miex BITNOB_WEBHOOK_SECRET_FILE=/run/secrets/bitnob \
//! CHIP_WEBHOOK_PUBLIC_KEY_FILE=/run/secrets/chip.pem \
//! cargo run --example production_receiver
//! ```
//!
//! Configuration (environment):
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `HOOKBRIDGE_LISTEN` | address to bind | `127.0.0.1:8080` |
//! | `HOOKBRIDGE_REPLAY_STORE` | dedupe store: `memory`, `redis://…`, `postgres://…` — every instance of the fleet gets the same URL | `memory` |
//! | `HOOKBRIDGE_MAX_BODY_BYTES` | largest delivery body accepted (413 above) | 1 MiB |
//! | `MIEX_WEBHOOK_SECRET_FILE` | MIEX's `secretKey` (enables `/hooks/miex`) | — |
//! | `BITNOB_WEBHOOK_SECRET_FILE` | Bitnob's webhook secret (enables `/hooks/bitnob`) | — |
//! | `CHIP_WEBHOOK_PUBLIC_KEY_FILE` | the CHIP webhook's `public_key` PEM (enables `/hooks/chip`) | — |
//! | `RUST_LOG` | log filter (`info`, `hookbridge=debug`, ...) | `info` |
//!
//! Secrets are read from files (not the environment itself, which leaks into process listings
//! and crash reports). With `HOOKBRIDGE_SELF_CHECK=1` the example starts, sends itself one signed
//! MIEX delivery twice, checks it was handled once, and exits — a smoke test.
//!
//! The application below only logs. A real one stores or enqueues the delivery before it
//! returns `Ok` (or uses the durable inbox), and is idempotent on `delivery.replay_key`: after a
//! crash between handling and completing, a delivery can be handed over again.

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::sync::atomic::Ordering;

use hookbridge::verify::HmacSecret;
use hookbridge::verify::receive::axum::hooks_router;

#[path = "support/config.rs"]
mod config;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();

    let config::Config { self_check, listen, store_kind, max_body, receivers, providers, app, handled, miex_secret } =
        config::Config::from_env().await?;

    let listener = tokio::net::TcpListener::bind(&listen).await?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, store = store_kind, ?providers, max_body, "receiving on /hooks/{{provider}}");
    let router = hooks_router(receivers, app);

    if self_check {
        let server = tokio::spawn(async move { axum::serve(listener, router).await });
        let secret = HmacSecret::from_str_bytes(miex_secret.as_deref().unwrap_or_default())?;
        // A fresh delivery per run: a shared store remembers earlier runs' deliveries.
        let body =
            format!(r#"{{"event":"order.created","data":{{"id":"self-check-{}"}}}}"#, hookbridge::Timestamp::now());
        let body = body.as_bytes();
        let headers = hookbridge::verify::sign::HmacSigner::new(hookbridge::miex::delivery_scheme(), secret)
            .sign(body, 0, None)?;
        let client = reqwest::Client::new();
        for _ in 0..2 {
            let status = client
                .post(format!("http://{addr}/hooks/miex"))
                .headers(headers.clone())
                .body(body.to_vec())
                .send()
                .await?
                .status();
            println!("self-check delivery: HTTP {status}");
        }
        server.abort();
        let count = handled.load(Ordering::SeqCst);
        println!("handled {count} time(s)");
        return if count == 1 { Ok(()) } else { Err("the delivery was not handled exactly once".into()) };
    }

    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            // In-flight deliveries finish (and complete or release their keys) before exit.
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down: finishing deliveries in flight");
        })
        .await?;
    Ok(())
}
