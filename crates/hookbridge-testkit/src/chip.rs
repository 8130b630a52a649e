//! CHIP Collect simulator — RSA public-key callbacks, seed 004.
//!
//! Modelled (docs.chip-in.asia), under the base URL `…/api/v1/`; paths end with a slash
//! exactly as documented (a path without its trailing slash is 404):
//!
//! | method | path | answer |
//! |---|---|---|
//! | `POST` | `webhooks/` | 201, the new Webhook |
//! | `GET` | `webhooks/?page=N` | 200, `{"results": [..], "next": <url | null>, "previous": <url | null>}` |
//! | `GET` | `webhooks/{id}/` | 200, the Webhook |
//! | `PUT` | `webhooks/{id}/` | 200, the Webhook after a full update |
//! | `PATCH` | `webhooks/{id}/` | 200, the Webhook after a partial update |
//! | `DELETE` | `webhooks/{id}/` | 204 |
//! | `GET` | `public_key/` | 200, the company public key PEM as a bare JSON string |
//!
//! * **Auth**: `Authorization: Bearer <`[`ChipSim::secret_key`]`>`; otherwise 401.
//! * **Webhook object**: `type: "webhook"`, `id` (UUID), `created_on` / `updated_on` (epoch
//!   **seconds**), `title`, `all_events`, `public_key` (the webhook's RSA public key, SPKI
//!   PEM), `events`, `callback`.
//! * **Create / PUT** require `title` (non-empty string), `callback` (absolute `http`/`https`
//!   URL) and `events` (documented event types, see [`CHIP_EVENT_TYPES`]; may be empty only
//!   when `all_events` is `true`); `all_events` defaults to `false`. **PATCH** changes only
//!   the fields given. `public_key` in a request is read-only and ignored: the simulator
//!   assigns the key pair.
//! * **Keys**: the simulator never generates RSA keys. Every webhook gets the repository's
//!   throwaway 2048-bit fixture pair (`crates/hookbridge-testkit/data/keys/rsa2048-*`), and `public_key/` serves the
//!   4096-bit fixture public key as the company key. Real CHIP gives each webhook its own
//!   pair; here all webhooks share one, which is enough to test verification.
//! * **List**: page-number paging (`page`, 1-based), newest last, [`ChipConfig::page_size`]
//!   items per page (default 2, so paging is exercised); `next` / `previous` are absolute
//!   URLs on the simulator's own origin (`previous` of page 2 omits `page`, as Django REST
//!   framework does). A page number that is not a positive integer or is past the end is 404.
//! * **Errors** follow CHIP's errors page: `{"code": "<code>", "message": ".."}` with codes
//!   `invalid_request`, `unauthorized`, `forbidden`, `not_found`, `conflict`,
//!   `unprocessable_entity`, `rate_limited`, `internal_error` (and `method_not_allowed`,
//!   `unsupported_media_type`, `payload_too_large`, `service_unavailable` for statuses that
//!   page does not list).
//!
//! Deliveries ([`ChipSim::deliver`]): to every webhook whose `all_events` is true or whose
//! `events` contain the event, a POST whose body is the related object (by default the
//! event's object from the fixtures, e.g. the realistic paid Purchase
//! [`crate::fixtures::chip_purchase_paid`] with a fresh id and current times) with a
//! top-level `event_type`, and `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-256 signature of
//! the raw body with the webhook's private key. No timestamp or delivery-id header (CHIP
//! sends none). They verify with `hookbridge_verify::crate::schemes::chip()` and the webhook's
//! `public_key`. The simulator makes one attempt (CHIP retries on a schedule).

pub use crate::catalogues::CHIP_EVENT_TYPES;
pub(crate) mod template;
pub use template::{CHIP_SEND_EVENTS, SEND_TEMPLATE, TEMPLATE};

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use hookbridge_core::ProviderId;
use hookbridge_verify::KeyError;
use hookbridge_verify::sign::RsaSigner;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::deliveries::{BuildOptions, DeliveryKey, Template};
use crate::delivery::{DEFAULT_DELIVERY_TIMEOUT, DeliveryReport};
use crate::error::{Error, Result};
use crate::server::{
    ErrorRenderer, PathId, bearer, empty_response, is_http_url, json_object, json_response, lock, query_pairs,
    query_param, random_alnum, uuid_v4,
};
use crate::simulator::{Shared, SimulatedApi, Simulator, settings};

/// Base path of the CHIP Collect API (the documented base URL ends with it).
pub const CHIP_BASE_PATH: &str = "/api/v1/";

/// Default list page size: 2, so that a handful of webhooks spans several pages.
pub const CHIP_DEFAULT_PAGE_SIZE: usize = 2;

/// Public key (SPKI PEM) of every simulated webhook — the throwaway 2048-bit fixture key.
pub const CHIP_WEBHOOK_PUBLIC_KEY_PEM: &str = include_str!("../data/keys/rsa2048-public-spki.pem");

/// Private key (PKCS#8 PEM) matching [`CHIP_WEBHOOK_PUBLIC_KEY_PEM`]; the simulator signs
/// deliveries with it. A throwaway test key, public in the repository.
pub const CHIP_WEBHOOK_PRIVATE_KEY_PEM: &str = include_str!("../data/keys/rsa2048-private.pem");

/// The company public key served by `GET /api/v1/public_key/` — the throwaway 4096-bit
/// fixture key (SPKI PEM).
pub const CHIP_COMPANY_PUBLIC_KEY_PEM: &str = include_str!("../data/keys/rsa4096-public-spki.pem");

/// The webhooks' signing key, parsed once per process (PEM parsing of a private key is slow
/// in debug builds).
fn webhook_key() -> Result<&'static DeliveryKey> {
    static KEY: OnceLock<Result<DeliveryKey, KeyError>> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaSigner::from_pem(crate::schemes::chip(), CHIP_WEBHOOK_PRIVATE_KEY_PEM).map(|s| DeliveryKey::Rsa(Arc::new(s)))
    })
    .as_ref()
    .map_err(|e| Error::Key(e.clone()))
}

/// Settings of a [`ChipSim`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ChipConfig {
    /// Items per list page. Default [`CHIP_DEFAULT_PAGE_SIZE`]; values below 1 count as 1.
    pub page_size: usize,
    /// Timeout of one delivery attempt. Default [`DEFAULT_DELIVERY_TIMEOUT`].
    pub delivery_timeout: Duration,
}

impl Default for ChipConfig {
    fn default() -> Self {
        Self { page_size: CHIP_DEFAULT_PAGE_SIZE, delivery_timeout: DEFAULT_DELIVERY_TIMEOUT }
    }
}

settings!(ChipConfig { page_size: usize });

#[derive(Clone, Debug)]
struct Webhook {
    id: String,
    created_on: i64,
    updated_on: i64,
    title: String,
    all_events: bool,
    events: Vec<String>,
    callback: String,
}

impl Webhook {
    fn to_json(&self) -> Value {
        json!({
            "type": "webhook",
            "id": self.id,
            "created_on": self.created_on,
            "updated_on": self.updated_on,
            "title": self.title,
            "all_events": self.all_events,
            "public_key": CHIP_WEBHOOK_PUBLIC_KEY_PEM,
            "events": self.events,
            "callback": self.callback,
        })
    }

    fn subscribed(&self, event: &str) -> bool {
        self.all_events || self.events.iter().any(|e| e == event)
    }
}

#[derive(Debug)]
struct ChipState {
    webhooks: Vec<Webhook>,
}

/// The simulated CHIP Collect API behind [`ChipSim`]: its secret key, brand, page size and
/// webhooks.
#[derive(Debug)]
pub struct ChipApi {
    secret_key: String,
    brand_id: String,
    page_size: usize,
    state: Mutex<ChipState>,
}

/// What every request handler of this simulator gets.
type Sim = Arc<Shared<ChipApi>>;

impl SimulatedApi for ChipApi {
    type Config = ChipConfig;

    const BASE_PATH: &'static str = CHIP_BASE_PATH;

    const RENDER_ERROR: ErrorRenderer = render_error;

    const PROVIDER: ProviderId = ProviderId::new("chip");

    const EXAMPLE_EVENT: &'static str = "purchase.paid";
    const TEMPLATES: &'static [Template] = &[TEMPLATE, SEND_TEMPLATE];

    fn new(config: ChipConfig) -> Self {
        Self {
            secret_key: random_alnum(64),
            brand_id: uuid_v4(),
            page_size: config.page_size.max(1),
            state: Mutex::new(ChipState { webhooks: Vec::new() }),
        }
    }

    fn credentials(&self) -> Vec<(&'static str, String)> {
        vec![("CHIP_API_KEY", self.secret_key.clone())]
    }

    /// Delivers `event_type` to every subscribed webhook (see the [module docs](self)).
    ///
    /// `object` is the related object (a JSON object; `event_type` is added to it, replacing
    /// any present); `None` uses the event's object from the fixtures — a Purchase for
    /// `purchase.*` (paid; failed for `purchase.payment_failure`), a Payment for `payment.*`,
    /// a payout for `payout.*` — with a fresh id, current times, the event's status and this
    /// simulator's `brand_id` ([`Template::sample_data`](crate::deliveries::Template::sample_data)).
    ///
    /// # Errors
    /// [`Error::InvalidPayload`] when `object` is not a JSON object; [`Error::Key`] /
    /// [`Error::Sign`] / [`Error::Json`] if the delivery cannot be built.
    async fn deliver(sim: &Simulator<Self>, event_type: &str, object: Option<Value>) -> Result<Vec<DeliveryReport>> {
        let object = match object {
            Some(object) => object,
            None => {
                // The event's object from the fixtures, issued by this simulator's brand.
                let mut object = TEMPLATE.sample_data(event_type, &BuildOptions::new())?;
                if let Some(brand) = object.get_mut("brand_id") {
                    *brand = json!(sim.inner.brand_id);
                }
                object
            }
        };
        let draft = TEMPLATE.build(event_type, &BuildOptions::new().data(object))?;
        let targets: Vec<Webhook> =
            lock(&sim.inner.state).webhooks.iter().filter(|w| w.subscribed(event_type)).cloned().collect();
        let mut reports = Vec::with_capacity(targets.len());
        if targets.is_empty() {
            return Ok(reports);
        }
        let delivery = draft.sign(webhook_key()?)?;
        for webhook in targets {
            reports.push(
                sim.inner
                    .poster
                    .post(
                        &webhook.id,
                        &webhook.callback,
                        event_type,
                        None,
                        delivery.headers.clone(),
                        delivery.body.clone(),
                    )
                    .await,
            );
        }
        Ok(reports)
    }

    fn routes(_: &Sim) -> Router<Sim> {
        Router::new()
            .route("/api/v1/webhooks/", get(list).post(create))
            .route("/api/v1/webhooks/{id}/", get(get_one).put(replace).patch(patch).delete(delete))
            .route("/api/v1/public_key/", get(public_key))
    }
}

/// A running CHIP Collect simulator. Stops when dropped (or with [`shutdown`](Simulator::shutdown)).
pub type ChipSim = Simulator<ChipApi>;

impl ChipSim {
    /// The bearer secret key the simulator accepts.
    #[must_use]
    pub fn secret_key(&self) -> &str {
        &self.inner.secret_key
    }

    /// The brand id put in default delivery payloads.
    #[must_use]
    pub fn brand_id(&self) -> &str {
        &self.inner.brand_id
    }

    /// The company public key PEM served by `public_key/`.
    #[must_use]
    pub fn company_public_key_pem(&self) -> &'static str {
        CHIP_COMPANY_PUBLIC_KEY_PEM
    }

    /// The public key PEM of every webhook (what their `public_key` field holds).
    #[must_use]
    pub fn webhook_public_key_pem(&self) -> &'static str {
        CHIP_WEBHOOK_PUBLIC_KEY_PEM
    }

    /// The webhooks in wire form, oldest first.
    #[must_use]
    pub fn webhooks(&self) -> Vec<Value> {
        lock(&self.inner.state).webhooks.iter().map(Webhook::to_json).collect()
    }
}

fn error_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "invalid_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        422 => "unprocessable_entity",
        429 => "rate_limited",
        502 => "bad_gateway",
        503 => "service_unavailable",
        _ => "internal_error",
    }
}

fn render_error(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({"code": error_code(status), "message": message}))
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

fn authorized(sim: &ChipApi, headers: &HeaderMap) -> Result<(), Reject> {
    if bearer(headers) == Some(sim.secret_key.as_str()) {
        Ok(())
    } else {
        Err(reject(
            StatusCode::UNAUTHORIZED,
            "API key is missing, malformed, or invalid (expected `Authorization: Bearer <secret key>`)",
        ))
    }
}

fn not_found(id: &str) -> Response {
    render_error(StatusCode::NOT_FOUND, &format!("webhook `{id}` does not exist"))
}

/// Validated editable fields; `None` = absent from the body.
#[derive(Default)]
struct Fields {
    title: Option<String>,
    all_events: Option<bool>,
    events: Option<Vec<String>>,
    callback: Option<String>,
}

fn parse_fields(map: &Map<String, Value>) -> Result<Fields, Reject> {
    let mut fields = Fields::default();
    match map.get("title") {
        None => {}
        Some(Value::String(t)) if !t.trim().is_empty() && t.chars().count() <= 100 => fields.title = Some(t.clone()),
        Some(_) => {
            return Err(reject(StatusCode::BAD_REQUEST, "title: must be a non-empty string of at most 100 characters"));
        }
    }
    match map.get("all_events") {
        None => {}
        Some(Value::Bool(b)) => fields.all_events = Some(*b),
        Some(_) => return Err(reject(StatusCode::BAD_REQUEST, "all_events: must be a boolean")),
    }
    match map.get("events") {
        None => {}
        Some(Value::Array(items)) => {
            let mut events: Vec<String> = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(e) if CHIP_EVENT_TYPES.contains(&e) => {
                        if !events.iter().any(|x| x == e) {
                            events.push(e.to_owned());
                        }
                    }
                    _ => {
                        return Err(reject(
                            StatusCode::BAD_REQUEST,
                            &format!("events: {item} is not a valid event type"),
                        ));
                    }
                }
            }
            fields.events = Some(events);
        }
        Some(_) => return Err(reject(StatusCode::BAD_REQUEST, "events: must be a list of event types")),
    }
    match map.get("callback") {
        None => {}
        Some(Value::String(c)) if is_http_url(c) => fields.callback = Some(c.clone()),
        Some(_) => return Err(reject(StatusCode::BAD_REQUEST, "callback: must be an absolute http(s) URL")),
    }
    Ok(fields)
}

/// Checks a full (create / PUT) set of fields and builds the stored values.
fn complete(fields: Fields) -> Result<(String, bool, Vec<String>, String), Reject> {
    let title = fields.title.ok_or_else(|| reject(StatusCode::BAD_REQUEST, "title: this field is required"))?;
    let callback =
        fields.callback.ok_or_else(|| reject(StatusCode::BAD_REQUEST, "callback: this field is required"))?;
    let all_events = fields.all_events.unwrap_or(false);
    let events = fields.events.unwrap_or_default();
    if !all_events && events.is_empty() {
        return Err(reject(
            StatusCode::BAD_REQUEST,
            "events: at least one event type is required unless all_events is true",
        ));
    }
    Ok((title, all_events, events, callback))
}

fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<Fields, Reject> {
    let map = json_object(headers, body).map_err(|e| reject(e.status(), &e.message()))?;
    parse_fields(&map)
}

async fn create(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let (title, all_events, events, callback) = match parse_body(&headers, &body).and_then(complete) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let now = Timestamp::now().as_second();
    let webhook = Webhook { id: uuid_v4(), created_on: now, updated_on: now, title, all_events, events, callback };
    let out = webhook.to_json();
    lock(&sim.state).webhooks.push(webhook);
    json_response(StatusCode::CREATED, &out)
}

async fn get_one(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    match lock(&sim.state).webhooks.iter().find(|w| w.id == id) {
        Some(w) => json_response(StatusCode::OK, &w.to_json()),
        None => not_found(&id),
    }
}

async fn replace(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let (title, all_events, events, callback) = match parse_body(&headers, &body).and_then(complete) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut state = lock(&sim.state);
    let Some(webhook) = state.webhooks.iter_mut().find(|w| w.id == id) else {
        return not_found(&id);
    };
    webhook.title = title;
    webhook.all_events = all_events;
    webhook.events = events;
    webhook.callback = callback;
    webhook.updated_on = Timestamp::now().as_second();
    json_response(StatusCode::OK, &webhook.to_json())
}

async fn patch(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let fields = match parse_body(&headers, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let mut state = lock(&sim.state);
    let Some(webhook) = state.webhooks.iter_mut().find(|w| w.id == id) else {
        return not_found(&id);
    };
    let all_events = fields.all_events.unwrap_or(webhook.all_events);
    let events = fields.events.unwrap_or_else(|| webhook.events.clone());
    if !all_events && events.is_empty() {
        return bad_request("events: at least one event type is required unless all_events is true");
    }
    if let Some(title) = fields.title {
        webhook.title = title;
    }
    if let Some(callback) = fields.callback {
        webhook.callback = callback;
    }
    webhook.all_events = all_events;
    webhook.events = events;
    webhook.updated_on = Timestamp::now().as_second();
    json_response(StatusCode::OK, &webhook.to_json())
}

async fn delete(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let mut state = lock(&sim.state);
    let before = state.webhooks.len();
    state.webhooks.retain(|w| w.id != id);
    if state.webhooks.len() == before { not_found(&id) } else { empty_response(StatusCode::NO_CONTENT) }
}

async fn list(State(sim): State<Sim>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let pairs = query_pairs(query.as_deref());
    let page = match query_param(&pairs, "page") {
        None => 1,
        Some(p) => match p.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => return render_error(StatusCode::NOT_FOUND, "Invalid page."),
        },
    };
    let state = lock(&sim.state);
    let total = state.webhooks.len();
    let pages = total.div_ceil(sim.page_size).max(1);
    if page > pages {
        return render_error(StatusCode::NOT_FOUND, "Invalid page.");
    }
    let results: Vec<Value> =
        state.webhooks.iter().skip((page - 1) * sim.page_size).take(sim.page_size).map(Webhook::to_json).collect();
    let base = format!("{}/api/v1/webhooks/", sim.origin);
    let next = (page < pages).then(|| format!("{base}?page={}", page + 1));
    let previous = match page {
        1 => None,
        2 => Some(base.clone()),
        n => Some(format!("{base}?page={}", n - 1)),
    };
    json_response(StatusCode::OK, &json!({"results": results, "next": next, "previous": previous}))
}

async fn public_key(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    json_response(StatusCode::OK, &json!(CHIP_COMPANY_PUBLIC_KEY_PEM))
}
