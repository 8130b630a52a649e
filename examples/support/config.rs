//! Configuration shared by the receiver examples (`production_receiver`, `actix_receiver`), read
//! from the environment: where to listen, the dedupe store, the body limit, one pipeline per
//! provider whose key file is set, and the application every provider's deliveries go to.
//!
//! | variable | meaning |
//! |---|---|
//! | `HOOKBRIDGE_LISTEN` | address (default `127.0.0.1:8080`; `127.0.0.1:0` in self-check mode) |
//! | `HOOKBRIDGE_REPLAY_STORE` | `memory` (default), `redis://…` or `postgres://…` |
//! | `HOOKBRIDGE_MAX_BODY_BYTES` | the largest body accepted |
//! | `MIEX_WEBHOOK_SECRET_FILE`, `BITNOB_WEBHOOK_SECRET_FILE` | files holding the signing secrets |
//! | `CHIP_WEBHOOK_PUBLIC_KEY_FILE` | a PEM file with CHIP's public key |
//! | `HOOKBRIDGE_SELF_CHECK` | set: a built-in MIEX secret, an ephemeral port, one self-sent delivery |

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use hookbridge::Delivery;
use hookbridge::bitnob::{BitnobReceiver, BitnobSpec};
use hookbridge::chip::{ChipReceiver, ChipSpec};
use hookbridge::miex::{MiexReceiver, MiexSpec};
use hookbridge::verify::receive::{
    AppError, Application, DEFAULT_MAX_BODY_BYTES, Receive, ReceiveExt as _, app_fn, connect_store,
};
use hookbridge::verify::{HmacSecret, KeyRing, RsaPublicKey};

/// What the environment configures.
pub(crate) struct Config {
    /// `HOOKBRIDGE_SELF_CHECK` is set.
    pub self_check: bool,
    /// The address to listen on.
    pub listen: String,
    /// The store's URL scheme (`memory`, `redis`, `postgres`): the URL itself may hold a password.
    pub store_kind: String,
    /// The largest body accepted, in bytes.
    pub max_body: usize,
    /// One pipeline per configured provider, each handing out the unified `Delivery`.
    pub receivers: Vec<Arc<dyn Receive<Delivery>>>,
    /// The providers configured, for the startup log line.
    pub providers: Vec<&'static str>,
    /// The application: logs each delivery and counts it.
    pub app: Arc<dyn Application<Delivery>>,
    /// How many deliveries the application handled.
    pub handled: Arc<AtomicUsize>,
    /// The MIEX secret (the self-check signs its delivery with it).
    pub miex_secret: Option<String>,
}

/// A variable's value, unless unset or blank.
pub(crate) fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The contents of the file named by `var` (trailing newline dropped), if `var` is set.
fn read_secret_file(var: &str) -> Result<Option<String>, Box<dyn Error>> {
    match env(var) {
        None => Ok(None),
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{var}: cannot read {path}: {e}"))?;
            Ok(Some(text.trim_end_matches(['\r', '\n']).to_owned()))
        }
    }
}

impl Config {
    /// Reads the configuration and connects the store (see the module documentation).
    pub(crate) async fn from_env() -> Result<Self, Box<dyn Error>> {
        let self_check = env("HOOKBRIDGE_SELF_CHECK").is_some();
        let listen = env("HOOKBRIDGE_LISTEN")
            .unwrap_or_else(|| if self_check { "127.0.0.1:0" } else { "127.0.0.1:8080" }.into());
        let store_url = env("HOOKBRIDGE_REPLAY_STORE").unwrap_or_else(|| "memory".into());
        let max_body =
            env("HOOKBRIDGE_MAX_BODY_BYTES").map(|v| v.parse()).transpose()?.unwrap_or(DEFAULT_MAX_BODY_BYTES);
        let store_kind = store_url.split_once("://").map_or(store_url.as_str(), |(scheme, _)| scheme).to_owned();
        let store = connect_store(&store_url).await?;

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
        let providers = receivers.iter().map(|r| r.provider()).collect();

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
        Ok(Self { self_check, listen, store_kind, max_body, receivers, providers, app, handled, miex_secret })
    }
}
