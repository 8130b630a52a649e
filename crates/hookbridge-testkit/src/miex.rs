//! MIEX simulator — camelCase partner API, seed 000.
//!
//! Modelled (docs.miex.solutions): `POST /api/v1/partner/webhooks` (register), the only
//! documented webhook endpoint.
//!
//! * **Auth**: `Authorization: Bearer <key>`. The key must have a documented format
//!   (`sk_branch_` / `sk_personal_` / `pk_` followed by 32 characters `A-Z a-z 0-9`) **and** be
//!   one of the simulator's keys ([`MiexSim::branch_key`], [`MiexSim::personal_key`],
//!   [`MiexSim::public_key`]); anything else, or no header, is 401. The public `pk_` key is
//!   read-only: registering with it is 403.
//! * **Register**: `url` (absolute `http`/`https` URL) and `events` (at least one of
//!   `order.created`, `order.status_changed`, `order.cancelled`, `offer.updated`; repeats
//!   are dropped) → **201** with `id` (UUID), `url`, `events`, `isActive`, `failCount`,
//!   `createdAt`/`updatedAt` (RFC 3339, whole seconds, `Z`), `secretKey` (64 hex characters,
//!   shown only here) and `note`. Anything else is 400.
//! * **Errors** are not documented by MIEX; the simulator answers in the NestJS shape its
//!   API uses elsewhere: `{"statusCode": 400, "message": [..] | "..", "error": "Bad Request"}`
//!   (validation messages are an array, like class-validator's). Unknown routes are
//!   `Cannot <METHOD> <path>` 404s.
//!
//! Deliveries ([`MiexSim::deliver`]) follow docs.miex.solutions/webhooks: body
//! `{"event": .., "data": ..}`, `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secretKey, raw body)>`,
//! `X-Webhook-Event`, `X-Webhook-Delivery` (an increasing job id). They verify with
//! `hookbridge_verify::crate::schemes::miex()`. MIEX documents no retry schedule: the simulator
//! makes one attempt, increments `failCount` on a failure and resets it on a success;
//! [`MiexConfig::disable_after_failures`] optionally deactivates a failing webhook
//! (`isActive: false`), as `failCount` suggests MIEX does.

pub use crate::catalogues::MIEX_EVENTS;
pub(crate) mod template;
pub use template::TEMPLATE;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use axum::routing::post;
use hookbridge_core::ProviderId;
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::deliveries::{BuildOptions, DeliveryKey, Template};
use crate::delivery::{DEFAULT_DELIVERY_TIMEOUT, DeliveryReport};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::server::{
    BodyError, ErrorRenderer, bearer, is_http_url, json_object, json_response, lock, random_alnum, random_hex,
    rfc3339_seconds, uuid_v4,
};
use crate::simulator::{Shared, SimulatedApi, Simulator, settings};

/// The `note` MIEX returns with a registration (verbatim from the documentation).
pub const MIEX_SECRET_NOTE: &str =
    "Store this secret key securely — it will not be shown again. Use it to verify HMAC-SHA256 signatures.";

/// Base path of the MIEX API under the host (the documented base URL ends with it).
pub const MIEX_BASE_PATH: &str = "/api/v1";

/// Settings of a [`MiexSim`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MiexConfig {
    /// Timeout of one delivery attempt. Default [`DEFAULT_DELIVERY_TIMEOUT`].
    pub delivery_timeout: Duration,
    /// Deactivate a webhook (`isActive: false`, no more deliveries) once its `failCount`
    /// reaches this value. MIEX documents no such rule; default `None` (never).
    pub disable_after_failures: Option<u32>,
}

impl Default for MiexConfig {
    fn default() -> Self {
        Self { delivery_timeout: DEFAULT_DELIVERY_TIMEOUT, disable_after_failures: None }
    }
}

settings!(MiexConfig { disable_after_failures: Option<u32> });

#[derive(Clone, Debug)]
struct Webhook {
    id: String,
    url: String,
    events: Vec<String>,
    is_active: bool,
    fail_count: u32,
    created_at: Timestamp,
    updated_at: Timestamp,
    secret_key: String,
}

impl Webhook {
    /// The wire object without `secretKey` / `note`.
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "url": self.url,
            "events": self.events,
            "isActive": self.is_active,
            "failCount": self.fail_count,
            "createdAt": rfc3339_seconds(self.created_at),
            "updatedAt": rfc3339_seconds(self.updated_at),
        })
    }
}

#[derive(Debug, Default)]
struct MiexState {
    webhooks: Vec<Webhook>,
    next_job: u64,
}

/// The simulated MIEX API behind [`MiexSim`]: its keys, settings and webhooks.
#[derive(Debug)]
pub struct MiexApi {
    branch_key: String,
    personal_key: String,
    public_key: String,
    config: MiexConfig,
    state: Mutex<MiexState>,
}

/// What every request handler of this simulator gets.
type Sim = Arc<Shared<MiexApi>>;

impl SimulatedApi for MiexApi {
    type Config = MiexConfig;

    const BASE_PATH: &'static str = MIEX_BASE_PATH;

    const RENDER_ERROR: ErrorRenderer = render_error;

    const PROVIDER: ProviderId = ProviderId::new("miex");

    const EXAMPLE_EVENT: &'static str = "order.created";
    const TEMPLATES: &'static [Template] = &[TEMPLATE];

    fn new(config: MiexConfig) -> Self {
        Self {
            branch_key: format!("sk_branch_{}", random_alnum(32)),
            personal_key: format!("sk_personal_{}", random_alnum(32)),
            public_key: format!("pk_{}", random_alnum(32)),
            config,
            state: Mutex::new(MiexState::default()),
        }
    }

    fn credentials(&self) -> Vec<(&'static str, String)> {
        vec![("MIEX_API_KEY", self.personal_key.clone())]
    }

    /// Delivers `event` to every active webhook subscribed to it: one signed POST per webhook
    /// (see the [module docs](self)), in registration order.
    ///
    /// `data` becomes the body's `data`; `None` uses an illustrative object for the event
    /// (MIEX documents no payload schema).
    ///
    /// # Errors
    /// [`Error::Json`] / [`Error::Key`] / [`Error::Sign`] if the delivery cannot be built.
    /// Receiver failures are reported in the [`DeliveryReport`]s, not as errors.
    async fn deliver(sim: &Simulator<Self>, event: &str, data: Option<Value>) -> Result<Vec<DeliveryReport>> {
        let mut options = BuildOptions::new();
        if let Some(data) = data {
            options = options.data(data);
        }
        // One body for every subscribed webhook; each gets its own job id and signature.
        let mut draft = TEMPLATE.build(event, &options)?;
        let targets: Vec<(String, String, String, u64)> = {
            let mut state = lock(&sim.inner.state);
            let mut targets = Vec::new();
            let subscribed: Vec<(String, String, String)> = state
                .webhooks
                .iter()
                .filter(|w| w.is_active && w.events.iter().any(|e| e == event))
                .map(|w| (w.id.clone(), w.url.clone(), w.secret_key.clone()))
                .collect();
            for (id, url, secret) in subscribed {
                state.next_job += 1;
                targets.push((id, url, secret, state.next_job));
            }
            targets
        };
        let mut reports = Vec::with_capacity(targets.len());
        for (id, url, secret, job) in targets {
            let key = DeliveryKey::from_secret(TEMPLATE, &secret)?;
            let job_id = job.to_string();
            draft.delivery_id = Some(job_id.clone());
            let signed = draft.sign(&key)?;
            let report = sim.inner.poster.post(&id, &url, event, Some(job_id), signed.headers, signed.body).await;
            sim.record_outcome(&id, report.is_success());
            reports.push(report);
        }
        Ok(reports)
    }

    fn not_found_message(method: &Method, path: &str) -> String {
        format!("Cannot {method} {path}")
    }

    fn routes(_: &Sim) -> Router<Sim> {
        Router::new().route("/api/v1/partner/webhooks", post(register))
    }
}

/// A running MIEX simulator. Stops when dropped (or with [`shutdown`](Simulator::shutdown)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use hookbridge_testkit::MiexSim;
///
/// let sim = MiexSim::start().await?;
/// let client = reqwest::Client::builder().no_proxy().build()?;
/// let created: serde_json::Value = client
///     .post(format!("{}/partner/webhooks", sim.base_url()))
///     .bearer_auth(sim.branch_key())
///     .json(&serde_json::json!({"url": "https://example.com/hook", "events": ["order.created"]}))
///     .send()
///     .await?
///     .json()
///     .await?;
/// assert_eq!(created["secretKey"].as_str().map(str::len), Some(64));
/// assert_eq!(sim.webhooks().len(), 1);
/// # Ok(())
/// # }
/// ```
pub type MiexSim = Simulator<MiexApi>;

impl MiexSim {
    /// A valid `sk_branch_...` key (superadmin; may register webhooks).
    #[must_use]
    pub fn branch_key(&self) -> &str {
        &self.inner.branch_key
    }

    /// A valid `sk_personal_...` key (panel user; may register webhooks).
    #[must_use]
    pub fn personal_key(&self) -> &str {
        &self.inner.personal_key
    }

    /// A valid `pk_...` key (public, read-only: registering with it is 403).
    #[must_use]
    pub fn public_key(&self) -> &str {
        &self.inner.public_key
    }

    /// The registered webhooks in wire form (without `secretKey`), oldest first.
    #[must_use]
    pub fn webhooks(&self) -> Vec<Value> {
        lock(&self.inner.state).webhooks.iter().map(Webhook::to_json).collect()
    }

    /// The `secretKey` of a registered webhook (what the register response showed once).
    #[must_use]
    pub fn secret_key(&self, id: &str) -> Option<String> {
        lock(&self.inner.state).webhooks.iter().find(|w| w.id == id).map(|w| w.secret_key.clone())
    }

    fn record_outcome(&self, id: &str, success: bool) {
        let mut state = lock(&self.inner.state);
        if let Some(w) = state.webhooks.iter_mut().find(|w| w.id == id) {
            if success {
                w.fail_count = 0;
            } else {
                w.fail_count = w.fail_count.saturating_add(1);
                if self.inner.config.disable_after_failures.is_some_and(|limit| w.fail_count >= limit) {
                    w.is_active = false;
                }
            }
        }
    }
}

/// Which kind of key a bearer token is, if it has a documented format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Secret,
    Public,
}

fn key_kind(token: &str) -> Option<KeyKind> {
    let (kind, rest) = if let Some(rest) = token.strip_prefix("sk_branch_") {
        (KeyKind::Secret, rest)
    } else if let Some(rest) = token.strip_prefix("sk_personal_") {
        (KeyKind::Secret, rest)
    } else if let Some(rest) = token.strip_prefix("pk_") {
        (KeyKind::Public, rest)
    } else {
        return None;
    };
    (rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(kind)
}

fn nest_error(status: StatusCode, message: Value) -> Response {
    json_response(
        status,
        &json!({
            "statusCode": status.as_u16(),
            "message": message,
            "error": status.canonical_reason().unwrap_or("Error"),
        }),
    )
}

fn render_error(status: StatusCode, message: &str) -> Response {
    nest_error(status, json!(message))
}

async fn register(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(token) = bearer(&headers) else {
        return render_error(StatusCode::UNAUTHORIZED, "Missing or malformed Authorization: Bearer header");
    };
    let known = [&sim.branch_key, &sim.personal_key, &sim.public_key].iter().any(|k| k.as_str() == token);
    match key_kind(token) {
        Some(_) if !known => return render_error(StatusCode::UNAUTHORIZED, "Invalid API key"),
        None => return render_error(StatusCode::UNAUTHORIZED, "Invalid API key format"),
        Some(KeyKind::Public) => {
            return render_error(StatusCode::FORBIDDEN, "Public (pk_) keys are read-only and cannot register webhooks");
        }
        Some(KeyKind::Secret) => {}
    }
    let map = match json_object(&headers, &body) {
        Ok(map) => map,
        Err(e @ BodyError::UnsupportedMediaType) => return render_error(e.status(), &e.message()),
        Err(e) => return nest_error(e.status(), json!([e.message()])),
    };
    let mut messages = Vec::new();
    let url = match map.get("url") {
        Some(Value::String(u)) if is_http_url(u) => Some(u.clone()),
        _ => {
            messages.push("url must be a URL address".to_owned());
            None
        }
    };
    let mut events: Vec<String> = Vec::new();
    match map.get("events") {
        Some(Value::Array(items)) => {
            if items.is_empty() {
                messages.push("events must contain at least 1 elements".to_owned());
            }
            let mut invalid = false;
            for item in items {
                match item.as_str() {
                    Some(e) if MIEX_EVENTS.contains(&e) => {
                        if !events.iter().any(|x| x == e) {
                            events.push(e.to_owned());
                        }
                    }
                    _ => invalid = true,
                }
            }
            if invalid {
                messages.push(format!(
                    "each value in events must be one of the following values: {}",
                    MIEX_EVENTS.join(", ")
                ));
            }
        }
        _ => {
            messages.push("events must contain at least 1 elements".to_owned());
            messages.push("events must be an array".to_owned());
        }
    }
    let Some(url) = url.filter(|_| messages.is_empty()) else {
        return nest_error(StatusCode::BAD_REQUEST, json!(messages));
    };
    let now = Timestamp::now();
    let webhook = Webhook {
        id: uuid_v4(),
        url,
        events,
        is_active: true,
        fail_count: 0,
        created_at: now,
        updated_at: now,
        secret_key: random_hex::<32>(),
    };
    let mut out = webhook.to_json();
    if let Some(map) = out.as_object_mut() {
        map.insert("secretKey".to_owned(), json!(webhook.secret_key));
        map.insert("note".to_owned(), json!(MIEX_SECRET_NOTE));
    }
    lock(&sim.state).webhooks.push(webhook);
    json_response(StatusCode::CREATED, &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_formats() {
        let tail = "A".repeat(32);
        assert_eq!(key_kind(&format!("sk_branch_{tail}")), Some(KeyKind::Secret));
        assert_eq!(key_kind(&format!("sk_personal_{tail}")), Some(KeyKind::Secret));
        assert_eq!(key_kind(&format!("pk_{tail}")), Some(KeyKind::Public));
        assert_eq!(key_kind(&format!("pk_{tail}x")), None);
        assert_eq!(key_kind(&format!("sk_live_{tail}")), None);
        assert_eq!(key_kind("pk_"), None);
        assert_eq!(key_kind(&format!("pk_{}!", "A".repeat(31))), None);
    }
}
