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
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hookbridge::Delivery;
use hookbridge::bitnob::{BitnobReceiver, BitnobSpec};
use hookbridge::chip::{ChipReceiver, ChipSpec};
use hookbridge::miex::{MiexReceiver, MiexSpec};
use hookbridge::verify::receive::axum::hooks_router;
use hookbridge::verify::receive::{
    AppError, Application, DEFAULT_MAX_BODY_BYTES, Receive, ReceiveExt as _, app_fn, connect_store,
};
use hookbridge::verify::{HmacSecret, KeyRing, RsaPublicKey};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn read_secret_file(var: &str) -> Result<Option<String>, Box<dyn Error>> {
    match env(var) {
        None => Ok(None),
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{var}: cannot read {path}: {e}"))?;
            Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();

    let self_check = env("HOOKBRIDGE_SELF_CHECK").is_some();
    let listen =
        env("HOOKBRIDGE_LISTEN").unwrap_or_else(|| if self_check { "127.0.0.1:0" } else { "127.0.0.1:8080" }.into());
    let store_url = env("HOOKBRIDGE_REPLAY_STORE").unwrap_or_else(|| "memory".into());
    let max_body = env("HOOKBRIDGE_MAX_BODY_BYTES").map(|v| v.parse()).transpose()?.unwrap_or(DEFAULT_MAX_BODY_BYTES);
    // The store URL may hold a password: log its scheme only.
    let store_kind = store_url.split_once("://").map_or(store_url.as_str(), |(scheme, _)| scheme).to_owned();
    let store = connect_store(&store_url).await?;

    // One pipeline per configured provider, each handing out the unified Delivery.
    let mut receivers: Vec<Arc<dyn Receive<Delivery>>> = Vec::new();
    let miex_secret = match read_secret_file("MIEX_WEBHOOK_SECRET_FILE")? {
        Some(secret) => Some(secret),
        None if self_check => Some("self-check-miex-secretKey".to_owned()),
        None => None,
    };
    if let Some(secret) = &miex_secret {
        let spec = MiexSpec::with_secret(HmacSecret::from_str_bytes(secret)?);
        let pipeline = MiexReceiver::new(spec).with_store(store.clone()).max_body_bytes(max_body);
        receivers.push(Arc::new(pipeline.map(Delivery::from)));
    }
    if let Some(secret) = read_secret_file("BITNOB_WEBHOOK_SECRET_FILE")? {
        let spec = BitnobSpec::new(KeyRing::single("current", HmacSecret::from_str_bytes(&secret)?))?;
        let pipeline = BitnobReceiver::new(spec).with_store(store.clone()).max_body_bytes(max_body);
        receivers.push(Arc::new(pipeline.map(Delivery::from)));
    }
    if let Some(pem) = read_secret_file("CHIP_WEBHOOK_PUBLIC_KEY_FILE")? {
        let spec = ChipSpec::with_key(RsaPublicKey::from_pem(&pem)?);
        let pipeline = ChipReceiver::new(spec).with_store(store.clone()).max_body_bytes(max_body);
        receivers.push(Arc::new(pipeline.map(Delivery::from)));
    }
    if receivers.is_empty() {
        return Err("no provider configured: set MIEX_WEBHOOK_SECRET_FILE, BITNOB_WEBHOOK_SECRET_FILE or \
                    CHIP_WEBHOOK_PUBLIC_KEY_FILE"
            .into());
    }
    let providers: Vec<&str> = receivers.iter().map(|r| r.provider()).collect();

    // The application: one for every provider.
    let handled = Arc::new(AtomicUsize::new(0));
    let counter = handled.clone();
    let app: Arc<dyn Application<Delivery>> = Arc::new(app_fn(move |delivery: Delivery| {
        let counter = counter.clone();
        async move {
            tracing::info!(
                provider = delivery.provider.as_str(),
                event_type = delivery.event_type.as_ref().map(|e| e.as_str()),
                event_type_signed = delivery.event_type_signed,
                replay_key = delivery.replay_key.as_deref(),
                "handling delivery"
            );
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<(), AppError>(())
        }
    }));

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
