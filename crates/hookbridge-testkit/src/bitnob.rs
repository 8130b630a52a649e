//! Bitnob simulator — snake_case, cursor-paged, seed 002.
//!
//! Modelled (bitnob.dev wallet-infrastructure webhooks), at the root of the host:
//!
//! | method | path | answer |
//! |---|---|---|
//! | `GET` | `/webhooks` | 200, a page of webhooks |
//! | `POST` | `/webhooks` | 201, the webhook + `signing_secret` (once); `Idempotency-Key` honoured |
//! | `GET` | `/webhooks/{id}` | 200, the webhook |
//! | `PATCH` | `/webhooks/{id}` | 200, the webhook after a partial update |
//! | `DELETE` | `/webhooks/{id}` | 204, soft delete |
//! | `POST` | `/webhooks/{id}/rotate-secret` | 200, `{"object": "signing_secret", "secret": ..}` |
//! | `GET` | `/webhooks/event-types` | 200, the event-type catalogue ([`BITNOB_EVENT_TYPES`]) |
//! | `GET` | `/webhooks/events` | 200, a page of delivery events (`status`, `webhook_id` filters) |
//! | `GET` | `/webhooks/events/{id}` | 200, one delivery event |
//! | `POST` | `/webhooks/events/{id}/retry` | 200, `{"object": "event", "status": "queued"}`, and re-delivers |
//!
//! * **Auth**: Bitnob's documented HMAC request signing — `X-Auth-Client` =
//!   [`BitnobSim::client_id`], `X-Auth-Timestamp` (digits), `X-Auth-Nonce`, and
//!   `X-Auth-Signature`, **verified** with [`BitnobSim::client_secret`] against either documented
//!   variant: hex HMAC-SHA256 of `CLIENT_ID:TIMESTAMP:NONCE:BODY`, or base64 HMAC-SHA256 of
//!   `clientId + METHOD + path + timestamp + body` (`path` with its query, or without it). A wrong
//!   client id or signature is 401. The older scheme, `Authorization: Bearer <`[`BitnobSim::api_key`]`>`,
//!   is accepted too. A wrong bearer token, or neither form, is 401.
//! * **Webhook object**: `id` (UUID), `object: "webhook"`, `name`, `url`, `status`
//!   (`active`), `event_types` (`[]` when created without a filter, meaning every event),
//!   `has_signing_secret` (**the field name is assumed**: the docs describe "whether a
//!   signing secret is configured" without naming it — see [`BITNOB_HAS_SECRET_FIELD`]),
//!   `last_triggered_at` (omitted until the first delivery attempt), `created_at`,
//!   `updated_at` (RFC 3339 with milliseconds). Create adds `signing_secret` (64 hex
//!   characters) to its response only.
//! * **Create** requires `name` (non-empty string) and `url` (absolute URL; `https` only
//!   with [`BitnobConfig::require_https`], off by default so loopback receivers work);
//!   `event_types` is optional and every entry must be in the catalogue.
//!   **`Idempotency-Key`** (1–255 printable ASCII characters, else 400): the same key with
//!   the same JSON body returns the cached 201 response (same id, same secret); the same key
//!   with a different body is 409. Only successful creates are cached.
//! * **Update** (`PATCH`) changes only the fields supplied (`name`, `url`, `event_types`,
//!   which replaces the set) and advances `updated_at`.
//! * **Delete** is soft: the webhook keeps its record (a cursor naming it still works) but
//!   is no longer listed, readable, updatable or delivered to (404).
//! * **Paging** (both lists, newest first): `limit` (default 10, 1–100), `starting_after`,
//!   `ending_before` (not both). Cursors are item ids. The envelope is
//!   `{"data": [..], "next_cursor": <id | null>, "has_more": <bool>}`: `next_cursor` is
//!   always the value to pass as `starting_after` for the items after this page (the last
//!   item's id; `null` when nothing follows), and `has_more` says whether more items exist
//!   in the direction requested (after the page, or before it for `ending_before`).
//!   The event-type catalogue uses the same envelope, in one page.
//! * **Errors** are not documented; the simulator answers `{"status": "error", "message": ".."}`.
//!
//! Deliveries ([`BitnobSim::deliver`], and retries): `X-Bitnob-Signature` = hex
//! HMAC-SHA256(secret, `timestamp + "." + raw body`), `X-Bitnob-Timestamp` (unix seconds),
//! `X-Bitnob-Event`; they verify with `hookbridge_verify::crate::schemes::bitnob()`. The body
//! envelope is not documented for wallet infrastructure; the simulator sends the
//! card-issuing documentation's shape, `{"event": <type>, "event_id": <delivery event id>,
//! "created_at": .., "data": <payload>}` (`event_id` is the delivery event's id, kept by
//! retries).
//! Each delivery is recorded as a delivery event (`object: "event"`, `webhook_id`, `type`,
//! `delivery_status` `delivered` / `failed`, `delivery_attempts`, `max_attempts: 5`,
//! `http_status_code` — 0 when no response arrived — `error_message`, `created_at`).
//! The simulator makes one attempt per delivery and does not retry on its own (the real
//! service retries up to 5 times with backoff); the retry endpoint re-delivers **before**
//! answering (the real service queues), so a test can check the event right after the call.

pub use crate::catalogues::{BITNOB_EVENT_TYPES, BitnobEventType};
pub(crate) mod template;
pub use template::{LEGACY_TEMPLATE, TEMPLATE};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use hookbridge_core::ProviderId;
use jiff::Timestamp;
use serde_json::{Map, Value, json};
use sha2::Sha256;

use crate::deliveries::{BuildOptions, DeliveryKey, Template};
use crate::delivery::{DEFAULT_DELIVERY_TIMEOUT, DeliveryReport};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::server::{
    ErrorRenderer, PathId, bearer, empty_response, is_http_url, json_object, json_response, lock, query_pairs,
    query_param, random_alnum, random_hex, rfc3339_millis, uuid_v4,
};
use crate::simulator::{Shared, SimulatedApi, Simulator, settings};

/// Name of the webhook object's "has a signing secret" boolean. **Assumed**: the
/// documentation describes the field but does not name it.
pub const BITNOB_HAS_SECRET_FIELD: &str = "has_signing_secret";

/// `max_attempts` of every delivery event (Bitnob: up to 5 attempts).
pub const BITNOB_MAX_ATTEMPTS: u32 = 5;

/// Default page size of the lists.
pub const BITNOB_DEFAULT_LIMIT: usize = 10;

/// Largest page size accepted.
pub const BITNOB_MAX_LIMIT: usize = 100;

/// Settings of a [`BitnobSim`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BitnobConfig {
    /// Refuse non-`https` webhook URLs (the documented rule). Default `false`, so receivers on
    /// `http://127.0.0.1` can be registered.
    pub require_https: bool,
    /// Timeout of one delivery attempt. Default [`DEFAULT_DELIVERY_TIMEOUT`].
    pub delivery_timeout: Duration,
}

impl Default for BitnobConfig {
    fn default() -> Self {
        Self { require_https: false, delivery_timeout: DEFAULT_DELIVERY_TIMEOUT }
    }
}

settings!(BitnobConfig { require_https: bool });

#[derive(Clone, Debug)]
struct Webhook {
    seq: u64,
    id: String,
    name: String,
    url: String,
    deleted: bool,
    event_types: Vec<String>,
    secret: String,
    last_triggered_at: Option<Timestamp>,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl Webhook {
    fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert("id".into(), json!(self.id));
        map.insert("object".into(), json!("webhook"));
        map.insert("name".into(), json!(self.name));
        map.insert("url".into(), json!(self.url));
        map.insert("status".into(), json!(if self.deleted { "deleted" } else { "active" }));
        map.insert("event_types".into(), json!(self.event_types));
        map.insert(BITNOB_HAS_SECRET_FIELD.into(), json!(!self.secret.is_empty()));
        if let Some(ts) = self.last_triggered_at {
            map.insert("last_triggered_at".into(), json!(rfc3339_millis(ts)));
        }
        map.insert("created_at".into(), json!(rfc3339_millis(self.created_at)));
        map.insert("updated_at".into(), json!(rfc3339_millis(self.updated_at)));
        Value::Object(map)
    }

    fn subscribed(&self, event: &str) -> bool {
        !self.deleted && (self.event_types.is_empty() || self.event_types.iter().any(|e| e == event))
    }
}

#[derive(Clone, Debug)]
struct Event {
    seq: u64,
    id: String,
    webhook_id: String,
    event_type: String,
    delivery_status: &'static str,
    delivery_attempts: u32,
    http_status_code: u16,
    error_message: Option<String>,
    created_at: Timestamp,
    /// The delivery body, re-sent (re-signed) on retry.
    body: Bytes,
}

impl Event {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "event",
            "webhook_id": self.webhook_id,
            "type": self.event_type,
            "delivery_status": self.delivery_status,
            "delivery_attempts": self.delivery_attempts,
            "max_attempts": BITNOB_MAX_ATTEMPTS,
            "http_status_code": self.http_status_code,
            "error_message": self.error_message,
            "created_at": rfc3339_millis(self.created_at),
        })
    }
}

#[derive(Clone, Debug)]
struct CachedCreate {
    request: Value,
    response: Value,
}

#[derive(Debug, Default)]
struct BitnobState {
    webhooks: Vec<Webhook>,
    events: Vec<Event>,
    next_seq: u64,
    idempotency: HashMap<String, CachedCreate>,
}

impl BitnobState {
    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }
}

/// The simulated Bitnob API behind [`BitnobSim`]: its credentials, settings, webhooks and
/// delivery events.
#[derive(Debug)]
pub struct BitnobApi {
    api_key: String,
    client_id: String,
    client_secret: String,
    config: BitnobConfig,
    state: Mutex<BitnobState>,
}

/// What every request handler of this simulator gets.
type Sim = Arc<Shared<BitnobApi>>;

impl SimulatedApi for BitnobApi {
    type Config = BitnobConfig;

    const RENDER_ERROR: ErrorRenderer = render_error;

    const PROVIDER: ProviderId = ProviderId::new("bitnob");

    const EXAMPLE_EVENT: &'static str = "transaction.confirmed";
    const TEMPLATES: &'static [Template] = &[TEMPLATE, LEGACY_TEMPLATE];

    /// The client is told to accept `http://` URLs: Bitnob's refuses them by default.
    const ALLOW_INSECURE_URLS: bool = true;

    fn new(config: BitnobConfig) -> Self {
        Self {
            api_key: format!("sk_test_{}", random_alnum(40)),
            client_id: format!("client_{}", random_alnum(16)),
            client_secret: format!("sec_test_{}", random_alnum(40)),
            config,
            state: Mutex::new(BitnobState::default()),
        }
    }

    fn credentials(&self) -> Vec<(&'static str, String)> {
        vec![("BITNOB_CLIENT_ID", self.client_id.clone()), ("BITNOB_SECRET_KEY", self.client_secret.clone())]
    }

    /// Delivers `event_type` to every active webhook subscribed to it (an empty
    /// `event_types` subscribes to everything): one signed POST each, recorded as a delivery
    /// event. `data` becomes the body's `data`; `None` sends an illustrative object.
    ///
    /// # Errors
    /// [`Error::Json`] / [`Error::Key`] / [`Error::Sign`] if a delivery cannot be built.
    /// Receiver failures are recorded (`delivery_status: "failed"`) and reported.
    async fn deliver(sim: &Simulator<Self>, event_type: &str, data: Option<Value>) -> Result<Vec<DeliveryReport>> {
        // Checked before any event is recorded: the type travels in `X-Bitnob-Event`.
        TEMPLATE.event_headers(event_type)?;
        let now = Timestamp::now();
        let options = BuildOptions::new().at(now);
        let data = match data {
            Some(data) => data,
            None => TEMPLATE.sample_data(event_type, &options)?,
        };
        let options = options.data(data);
        let targets: Vec<(String, String, String, String, Bytes)> = {
            let mut state = lock(&sim.inner.state);
            let subscribed: Vec<(String, String, String)> = state
                .webhooks
                .iter()
                .filter(|w| w.subscribed(event_type))
                .map(|w| (w.id.clone(), w.url.clone(), w.secret.clone()))
                .collect();
            let mut targets = Vec::with_capacity(subscribed.len());
            for (webhook_id, url, secret) in subscribed {
                // The delivery event's id is the body's `event_id`.
                let event_id = uuid_v4();
                let body = TEMPLATE.build(event_type, &options.clone().delivery_id(event_id.clone()))?.body;
                let seq = state.seq();
                state.events.push(Event {
                    seq,
                    id: event_id.clone(),
                    webhook_id: webhook_id.clone(),
                    event_type: event_type.to_owned(),
                    delivery_status: "pending",
                    delivery_attempts: 0,
                    http_status_code: 0,
                    error_message: None,
                    created_at: now,
                    body: body.clone(),
                });
                targets.push((webhook_id, url, secret, event_id, body));
            }
            targets
        };
        let mut reports = Vec::with_capacity(targets.len());
        for (webhook_id, url, secret, event_id, body) in targets {
            reports.push(attempt(&sim.inner, &webhook_id, &url, &secret, &event_id, event_type, body).await?);
        }
        Ok(reports)
    }

    fn routes(shared: &Sim) -> Router<Sim> {
        Router::new()
            .route("/webhooks", get(list_webhooks).post(create_webhook))
            .route("/webhooks/event-types", get(list_event_types))
            .route("/webhooks/events", get(list_events))
            .route("/webhooks/events/{id}", get(get_event))
            .route("/webhooks/events/{id}/retry", post(retry_event))
            .route("/webhooks/{id}", get(get_webhook).patch(update_webhook).delete(delete_webhook))
            .route("/webhooks/{id}/rotate-secret", post(rotate_secret))
            .layer(axum::middleware::from_fn_with_state(Arc::clone(shared), verify_request_signature))
    }
}

/// A running Bitnob simulator. Stops when dropped (or with [`shutdown`](Simulator::shutdown)).
pub type BitnobSim = Simulator<BitnobApi>;

impl BitnobSim {
    /// The bearer token the simulator accepts (Bitnob's older secret-key scheme).
    #[must_use]
    pub fn api_key(&self) -> &str {
        &self.inner.api_key
    }

    /// The client id request signatures must name (`X-Auth-Client`).
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.inner.client_id
    }

    /// The client secret request signatures are verified with.
    #[must_use]
    pub fn client_secret(&self) -> &str {
        &self.inner.client_secret
    }

    /// The webhooks in wire form (without secrets), newest first, including soft-deleted
    /// ones (`"status": "deleted"`).
    #[must_use]
    pub fn webhooks(&self) -> Vec<Value> {
        let state = lock(&self.inner.state);
        state.webhooks.iter().rev().map(Webhook::to_json).collect()
    }

    /// The delivery events in wire form, newest first.
    #[must_use]
    pub fn events(&self) -> Vec<Value> {
        let state = lock(&self.inner.state);
        state.events.iter().rev().map(Event::to_json).collect()
    }

    /// The current signing secret of a webhook (what create or rotate-secret returned).
    #[must_use]
    pub fn signing_secret(&self, id: &str) -> Option<String> {
        lock(&self.inner.state).webhooks.iter().find(|w| w.id == id).map(|w| w.secret.clone())
    }
}

/// Signs (now, with the webhook's current secret) and posts one delivery, then records the
/// outcome on the event and the webhook. Retries re-sign the stored body the same way.
async fn attempt(
    sim: &Shared<BitnobApi>,
    webhook_id: &str,
    url: &str,
    secret: &str,
    event_id: &str,
    event_type: &str,
    body: Bytes,
) -> Result<DeliveryReport> {
    let key = DeliveryKey::from_secret(TEMPLATE, secret)?;
    let ts = Timestamp::now();
    let mut headers = TEMPLATE.event_headers(event_type)?;
    headers.extend(key.sign(&body, ts.as_second(), None)?);
    let report = sim.poster.post(webhook_id, url, event_type, Some(event_id.to_owned()), headers, body).await;
    let mut state = lock(&sim.state);
    if let Some(event) = state.events.iter_mut().find(|e| e.id == event_id) {
        event.delivery_attempts = event.delivery_attempts.saturating_add(1);
        event.http_status_code = report.status.unwrap_or(0);
        if report.is_success() {
            event.delivery_status = "delivered";
            event.error_message = None;
        } else {
            event.delivery_status = "failed";
            event.error_message = Some(match (&report.status, &report.error) {
                (Some(status), _) => format!("endpoint responded with HTTP {status}"),
                (None, Some(error)) => error.clone(),
                (None, None) => "no response".to_owned(),
            });
        }
    }
    if let Some(webhook) = state.webhooks.iter_mut().find(|w| w.id == webhook_id) {
        webhook.last_triggered_at = Some(ts);
    }
    Ok(report)
}

fn render_error(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({"status": "error", "message": message}))
}

/// A refused request, already rendered in this provider's error shape (boxed: a
/// `Response` is large).
type Reject = Box<Response>;

fn reject(status: StatusCode, message: &str) -> Reject {
    Box::new(render_error(status, message))
}

fn bad_request(message: &str) -> Response {
    render_error(StatusCode::BAD_REQUEST, message)
}

fn authorized(sim: &BitnobApi, headers: &HeaderMap) -> Result<(), Reject> {
    if headers.contains_key(axum::http::header::AUTHORIZATION) {
        return if bearer(headers) == Some(sim.api_key.as_str()) {
            Ok(())
        } else {
            Err(reject(StatusCode::UNAUTHORIZED, "invalid or malformed bearer token"))
        };
    }
    let names = ["x-auth-client", "x-auth-timestamp", "x-auth-nonce", "x-auth-signature"];
    let values: Vec<Option<&str>> = names
        .iter()
        .map(|n| headers.get(*n).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty()))
        .collect();
    if values.iter().all(Option::is_none) {
        return Err(reject(
            StatusCode::UNAUTHORIZED,
            "authentication required: send a bearer token or the X-Auth-* request-signing headers",
        ));
    }
    if values.iter().any(Option::is_none) {
        return Err(reject(
            StatusCode::UNAUTHORIZED,
            "incomplete request signature: X-Auth-Client, X-Auth-Timestamp, X-Auth-Nonce and X-Auth-Signature are all required",
        ));
    }
    let ts_ok = values.get(1).copied().flatten().is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()));
    if !ts_ok {
        return Err(reject(StatusCode::UNAUTHORIZED, "X-Auth-Timestamp must be unix time in digits"));
    }
    Ok(())
}

/// Verifies `X-Auth-Signature` (when present) over the exact request, before any handler runs.
async fn verify_request_signature(
    State(sim): State<Sim>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !req.headers().contains_key("x-auth-signature") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return bad_request("request body too large");
    };
    if let Err(message) = check_signature(&sim, &parts.method, &parts.uri, &parts.headers, &bytes) {
        return render_error(StatusCode::UNAUTHORIZED, message);
    }
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

fn mac(secret: &str, message: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).ok()?;
    mac.update(message);
    Some(mac)
}

/// Either documented variant, compared in constant time.
fn check_signature(
    sim: &BitnobApi,
    method: &axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), &'static str> {
    let client = header_str(headers, "x-auth-client");
    let timestamp = header_str(headers, "x-auth-timestamp");
    let nonce = header_str(headers, "x-auth-nonce");
    let signature = header_str(headers, "x-auth-signature");
    if client != sim.client_id {
        return Err("unknown X-Auth-Client");
    }
    // Variant 1 (bitnob.dev): hex(HMAC(secret, CLIENT_ID:TIMESTAMP:NONCE:BODY)).
    if let Ok(sig) = hex::decode(signature) {
        let mut msg = format!("{client}:{timestamp}:{nonce}:").into_bytes();
        msg.extend_from_slice(body);
        if mac(&sim.client_secret, &msg).is_some_and(|m| m.verify_slice(&sig).is_ok()) {
            return Ok(());
        }
    }
    // Variant 2: base64(HMAC(secret, clientId + METHOD + path[?query] + timestamp + body)).
    if let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(signature) {
        let with_query = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
        for path in [with_query, uri.path()] {
            let mut msg = format!("{client}{}{path}{timestamp}", method.as_str()).into_bytes();
            msg.extend_from_slice(body);
            if mac(&sim.client_secret, &msg).is_some_and(|m| m.verify_slice(&sig).is_ok()) {
                return Ok(());
            }
        }
    }
    Err("X-Auth-Signature does not match the request")
}

fn not_found(what: &str, id: &str) -> Response {
    render_error(StatusCode::NOT_FOUND, &format!("{what} `{id}` not found"))
}

/// Validates an `Idempotency-Key` header, if present.
fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, Reject> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let bytes = value.as_bytes();
    if bytes.is_empty() || bytes.len() > 255 || !bytes.iter().all(|b| (0x20..=0x7e).contains(b)) {
        return Err(reject(StatusCode::BAD_REQUEST, "Idempotency-Key must be 1–255 printable ASCII characters"));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

fn validate_url(sim: &BitnobApi, value: Option<&Value>) -> Result<String, Reject> {
    match value {
        Some(Value::String(u)) if is_http_url(u) => {
            if sim.config.require_https && !u.starts_with("https://") {
                Err(reject(StatusCode::BAD_REQUEST, "`url` must be an https URL"))
            } else {
                Ok(u.clone())
            }
        }
        _ => Err(reject(StatusCode::BAD_REQUEST, "`url` must be an absolute URL")),
    }
}

fn validate_name(value: Option<&Value>) -> Result<String, Reject> {
    match value {
        Some(Value::String(n)) if !n.trim().is_empty() && n.chars().count() <= 255 => Ok(n.clone()),
        _ => Err(reject(StatusCode::BAD_REQUEST, "`name` must be a non-empty string of at most 255 characters")),
    }
}

fn validate_event_types(value: &Value) -> Result<Vec<String>, Reject> {
    let Value::Array(items) = value else {
        return Err(reject(StatusCode::BAD_REQUEST, "`event_types` must be an array of event types"));
    };
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        match item.as_str() {
            Some(e) if BITNOB_EVENT_TYPES.iter().any(|t| t.event_type == e) => {
                if !out.iter().any(|x| x == e) {
                    out.push(e.to_owned());
                }
            }
            _ => {
                return Err(reject(
                    StatusCode::BAD_REQUEST,
                    &format!("unknown event type {item} in `event_types`; see GET /webhooks/event-types"),
                ));
            }
        }
    }
    Ok(out)
}

async fn create_webhook(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(r) => return *r,
    };
    let map = match json_object(&headers, &body) {
        Ok(map) => map,
        Err(e) => return render_error(e.status(), &e.message()),
    };
    let request = Value::Object(map.clone());
    if let Some(key) = &key
        && let Some(cached) = lock(&sim.state).idempotency.get(key)
    {
        return if cached.request == request {
            json_response(StatusCode::CREATED, &cached.response)
        } else {
            render_error(StatusCode::CONFLICT, "this Idempotency-Key was already used with a different request body")
        };
    }
    let name = match validate_name(map.get("name")) {
        Ok(n) => n,
        Err(r) => return *r,
    };
    let url = match validate_url(&sim, map.get("url")) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let event_types = match map.get("event_types") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => match validate_event_types(v) {
            Ok(list) => list,
            Err(r) => return *r,
        },
    };
    let mut state = lock(&sim.state);
    // A concurrent request with the same key may have completed meanwhile.
    if let Some(key) = &key
        && let Some(cached) = state.idempotency.get(key)
    {
        return if cached.request == request {
            json_response(StatusCode::CREATED, &cached.response)
        } else {
            render_error(StatusCode::CONFLICT, "this Idempotency-Key was already used with a different request body")
        };
    }
    let now = Timestamp::now();
    let seq = state.seq();
    let webhook = Webhook {
        seq,
        id: uuid_v4(),
        name,
        url,
        deleted: false,
        event_types,
        secret: random_hex::<32>(),
        last_triggered_at: None,
        created_at: now,
        updated_at: now,
    };
    let mut response = webhook.to_json();
    if let Some(obj) = response.as_object_mut() {
        obj.insert("signing_secret".into(), json!(webhook.secret));
    }
    state.webhooks.push(webhook);
    if let Some(key) = key {
        state.idempotency.insert(key, CachedCreate { request, response: response.clone() });
    }
    json_response(StatusCode::CREATED, &response)
}

async fn get_webhook(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let state = lock(&sim.state);
    match state.webhooks.iter().find(|w| w.id == id && !w.deleted) {
        Some(w) => json_response(StatusCode::OK, &w.to_json()),
        None => not_found("webhook", &id),
    }
}

async fn update_webhook(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let map = match json_object(&headers, &body) {
        Ok(map) => map,
        Err(e) => return render_error(e.status(), &e.message()),
    };
    let name = match map.get("name") {
        None => None,
        Some(v) => match validate_name(Some(v)) {
            Ok(n) => Some(n),
            Err(r) => return *r,
        },
    };
    let url = match map.get("url") {
        None => None,
        Some(v) => match validate_url(&sim, Some(v)) {
            Ok(u) => Some(u),
            Err(r) => return *r,
        },
    };
    let event_types = match map.get("event_types") {
        None => None,
        Some(Value::Null) => Some(Vec::new()),
        Some(v) => match validate_event_types(v) {
            Ok(list) => Some(list),
            Err(r) => return *r,
        },
    };
    let mut state = lock(&sim.state);
    let Some(webhook) = state.webhooks.iter_mut().find(|w| w.id == id && !w.deleted) else {
        return not_found("webhook", &id);
    };
    if let Some(name) = name {
        webhook.name = name;
    }
    if let Some(url) = url {
        webhook.url = url;
    }
    if let Some(event_types) = event_types {
        webhook.event_types = event_types;
    }
    webhook.updated_at = advance(webhook.updated_at);
    json_response(StatusCode::OK, &webhook.to_json())
}

/// Now, but strictly after `previous` (so `updated_at` visibly advances even within one
/// millisecond).
fn advance(previous: Timestamp) -> Timestamp {
    let now = Timestamp::now();
    if now.as_millisecond() > previous.as_millisecond() {
        now
    } else {
        Timestamp::from_millisecond(previous.as_millisecond() + 1).unwrap_or(now)
    }
}

async fn delete_webhook(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let mut state = lock(&sim.state);
    match state.webhooks.iter_mut().find(|w| w.id == id && !w.deleted) {
        Some(w) => {
            w.deleted = true;
            w.updated_at = advance(w.updated_at);
            empty_response(StatusCode::NO_CONTENT)
        }
        None => not_found("webhook", &id),
    }
}

async fn rotate_secret(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let mut state = lock(&sim.state);
    match state.webhooks.iter_mut().find(|w| w.id == id && !w.deleted) {
        Some(w) => {
            w.secret = random_hex::<32>();
            w.updated_at = advance(w.updated_at);
            json_response(StatusCode::OK, &json!({"object": "signing_secret", "secret": w.secret}))
        }
        None => not_found("webhook", &id),
    }
}

async fn list_event_types(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let data: Vec<Value> = BITNOB_EVENT_TYPES
        .iter()
        .map(|t| {
            json!({
                "type": t.event_type,
                "category": t.category,
                "name": t.name,
                "description": t.description,
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({"data": data, "next_cursor": null, "has_more": false}))
}

/// Paging parameters of the cursor lists.
struct PageParams {
    limit: usize,
    starting_after: Option<String>,
    ending_before: Option<String>,
}

fn page_params(pairs: &[(String, String)]) -> Result<PageParams, Reject> {
    let limit = match query_param(pairs, "limit") {
        None => BITNOB_DEFAULT_LIMIT,
        Some(v) => match v.parse::<usize>() {
            Ok(l) if (1..=BITNOB_MAX_LIMIT).contains(&l) => l,
            _ => {
                return Err(reject(
                    StatusCode::BAD_REQUEST,
                    &format!("`limit` must be an integer between 1 and {BITNOB_MAX_LIMIT}"),
                ));
            }
        },
    };
    let cursor = |name| query_param(pairs, name).filter(|v| !v.is_empty()).map(str::to_owned);
    let params = PageParams { limit, starting_after: cursor("starting_after"), ending_before: cursor("ending_before") };
    if params.starting_after.is_some() && params.ending_before.is_some() {
        return Err(reject(StatusCode::BAD_REQUEST, "pass either `starting_after` or `ending_before`, not both"));
    }
    Ok(params)
}

/// Pages `items` (newest first, each `(seq, id, json)`); `all_seq` resolves any cursor id
/// ever issued (including deleted or filtered-out items).
fn paginate(
    items: &[(u64, String, Value)],
    all_seq: impl Fn(&str) -> Option<u64>,
    p: &PageParams,
) -> Result<Value, Reject> {
    let resolve = |cursor: &str| {
        all_seq(cursor).ok_or_else(|| reject(StatusCode::BAD_REQUEST, &format!("unknown cursor `{cursor}`")))
    };
    let (page, has_more): (Vec<&(u64, String, Value)>, bool) = if let Some(c) = &p.ending_before {
        let seq = resolve(c)?;
        let newer: Vec<_> = items.iter().filter(|(s, _, _)| *s > seq).collect();
        let skip = newer.len().saturating_sub(p.limit);
        (newer.iter().skip(skip).copied().collect(), skip > 0)
    } else {
        let older: Vec<_> = match &p.starting_after {
            Some(c) => {
                let seq = resolve(c)?;
                items.iter().filter(|(s, _, _)| *s < seq).collect()
            }
            None => items.iter().collect(),
        };
        let has_more = older.len() > p.limit;
        (older.into_iter().take(p.limit).collect(), has_more)
    };
    let next_cursor =
        page.last().filter(|(last_seq, _, _)| items.iter().any(|(s, _, _)| s < last_seq)).map(|(_, id, _)| id.clone());
    let data: Vec<Value> = page.into_iter().map(|(_, _, v)| v.clone()).collect();
    Ok(json!({"data": data, "next_cursor": next_cursor, "has_more": has_more}))
}

/// Answers a cursor-paged list: authenticates, reads the paging parameters, then pages what
/// `page` selects from the state (given the query's parameters).
fn cursor_list(
    sim: &BitnobApi,
    query: Option<&str>,
    headers: &HeaderMap,
    page: impl FnOnce(&BitnobState, &[(String, String)], &PageParams) -> Result<Value, Reject>,
) -> Response {
    let result = authorized(sim, headers).and_then(|()| {
        let pairs = query_pairs(query);
        let params = page_params(&pairs)?;
        page(&lock(&sim.state), &pairs, &params)
    });
    match result {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(r) => *r,
    }
}

async fn list_webhooks(State(sim): State<Sim>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    cursor_list(&sim, query.as_deref(), &headers, |state, _, params| {
        let items: Vec<(u64, String, Value)> =
            state.webhooks.iter().rev().filter(|w| !w.deleted).map(|w| (w.seq, w.id.clone(), w.to_json())).collect();
        paginate(&items, |id| state.webhooks.iter().find(|w| w.id == id).map(|w| w.seq), params)
    })
}

async fn list_events(State(sim): State<Sim>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    cursor_list(&sim, query.as_deref(), &headers, |state, pairs, params| {
        let status = query_param(pairs, "status");
        if let Some(s) = status
            && !matches!(s, "pending" | "delivered" | "failed")
        {
            return Err(reject(StatusCode::BAD_REQUEST, "`status` must be one of pending, delivered, failed"));
        }
        let webhook_id = query_param(pairs, "webhook_id");
        let items: Vec<(u64, String, Value)> = state
            .events
            .iter()
            .rev()
            .filter(|e| status.is_none_or(|s| e.delivery_status == s))
            .filter(|e| webhook_id.is_none_or(|w| e.webhook_id == w))
            .map(|e| (e.seq, e.id.clone(), e.to_json()))
            .collect();
        paginate(&items, |id| state.events.iter().find(|e| e.id == id).map(|e| e.seq), params)
    })
}

async fn get_event(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let state = lock(&sim.state);
    match state.events.iter().find(|e| e.id == id) {
        Some(e) => json_response(StatusCode::OK, &e.to_json()),
        None => not_found("event", &id),
    }
}

async fn retry_event(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let target = {
        let state = lock(&sim.state);
        let Some(event) = state.events.iter().find(|e| e.id == id) else {
            return not_found("event", &id);
        };
        let Some(webhook) = state.webhooks.iter().find(|w| w.id == event.webhook_id && !w.deleted) else {
            return not_found("webhook", &event.webhook_id);
        };
        (webhook.id.clone(), webhook.url.clone(), webhook.secret.clone(), event.event_type.clone(), event.body.clone())
    };
    let (webhook_id, url, secret, event_type, body) = target;
    match attempt(&sim, &webhook_id, &url, &secret, &id, &event_type, body).await {
        Ok(_) => json_response(StatusCode::OK, &json!({"object": "event", "status": "queued"})),
        Err(e) => render_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("the simulator could not re-deliver the event: {e}"),
        ),
    }
}
