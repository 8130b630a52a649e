//! AbbeyCross simulator — register-with-apiSecretKey, seed 003.
//!
//! Modelled (abbeycross.io register-web-hook): `POST /v1/webhooks/register`, the only
//! documented webhook endpoint, at the root of the host.
//!
//! * **Auth**: `Authorization: Bearer <`[`AbbeyCrossSim::token`]`>`; otherwise 401.
//! * **Register**: `url` (absolute `http`/`https` URL) and `events` (a non-empty array of
//!   non-empty strings — AbbeyCross does not publish its event names, so any are accepted)
//!   → **201** `{"message": "Webhook registered successfully.", "apiSecretKey": <64 hex>}`.
//!   Anything else is 400 with `parameter_name` / `parameter_value` naming the field.
//!   AbbeyCross returns no webhook id; the simulator keeps its own (see
//!   [`AbbeyCrossSim::webhooks`]).
//! * **Errors** use the documented body `{errorId, code, text, parameter_name, parameter_value}`
//!   for every status (400, 401, 404, 405, 415, 500, 503 and injected faults), with the
//!   documentation's texts; `errorId` is a fresh UUID, the parameter fields are `null` when
//!   no parameter is involved.
//! * **Working hours**: [`AbbeyCrossSim::set_working_hours`]`(false)` makes every request a
//!   503 with text "The server is currently unavailable due to non-working hours. Please try
//!   again later." until it is switched back on.
//!
//! # Deliveries: an ASSUMED scheme
//!
//! **AbbeyCross does not document how deliveries are sent or how `apiSecretKey` signs
//! them.** [`AbbeyCrossSim::deliver`] therefore signs with a clearly *assumed*, configurable
//! scheme ([`AbbeyCrossConfig::delivery_scheme`]), for demos and for exercising custom
//! verifier set-ups only — it is **not** AbbeyCross behaviour. The default,
//! [`assumed_delivery_scheme`], is `X-Hookbridge-Assumed-Signature: sha256=<hex HMAC-SHA256(apiSecretKey, raw body)>`
//! (a header name no provider uses, so it cannot be mistaken for a real scheme)
//! with the `apiSecretKey` text as the key; the body is the (equally assumed)
//! `{"id": <delivery id>, "event": .., "created_at": <RFC 3339>, "data": ..}`.

pub use crate::schemes::{ASSUMED_SIGNATURE_HEADER, assumed_delivery_scheme};
pub(crate) mod template;
pub use template::{ABBEYCROSS_EXAMPLE_EVENTS, TEMPLATE};

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::post;
use hookbridge_core::ProviderId;
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::deliveries::{BuildOptions, DeliveryKey, Template};
use crate::delivery::{DEFAULT_DELIVERY_TIMEOUT, DeliveryReport};
use crate::error::{Error, Result};
use crate::server::{
    ErrorRenderer, bearer, is_http_url, json_object, json_response, lock, random_alnum, random_hex, rfc3339_seconds,
    uuid_v4,
};
use crate::simulator::{Shared, SimulatedApi, Simulator, settings};

/// Text of the 503 answered outside working hours (verbatim from the documentation).
pub const ABBEYCROSS_NON_WORKING_HOURS_TEXT: &str =
    "The server is currently unavailable due to non-working hours. Please try again later.";

/// `message` of a successful registration (the documentation's response description).
pub const ABBEYCROSS_REGISTERED_MESSAGE: &str = "Webhook registered successfully.";

/// Settings of an [`AbbeyCrossSim`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AbbeyCrossConfig {
    /// How deliveries are signed — an **assumption**, see the [module docs](self). Default
    /// [`assumed_delivery_scheme`]. Any `hookbridge_verify` scheme works (timestamps are the
    /// delivery time; id headers carry the delivery id).
    pub delivery_scheme: HmacScheme,
    /// Timeout of one delivery attempt. Default [`DEFAULT_DELIVERY_TIMEOUT`].
    pub delivery_timeout: Duration,
}

impl Default for AbbeyCrossConfig {
    fn default() -> Self {
        Self { delivery_scheme: assumed_delivery_scheme(), delivery_timeout: DEFAULT_DELIVERY_TIMEOUT }
    }
}

settings!(AbbeyCrossConfig { delivery_scheme: HmacScheme });

#[derive(Clone, Debug)]
struct Registration {
    id: String,
    url: String,
    events: Vec<String>,
    api_secret_key: String,
    created_at: Timestamp,
}

#[derive(Debug)]
struct AbbeyState {
    registrations: Vec<Registration>,
    working_hours: bool,
}

/// The simulated AbbeyCross API behind [`AbbeyCrossSim`]: its token, settings, registrations
/// and working hours.
#[derive(Debug)]
pub struct AbbeyCrossApi {
    token: String,
    config: AbbeyCrossConfig,
    state: Mutex<AbbeyState>,
}

/// What every request handler of this simulator gets.
type Sim = Arc<Shared<AbbeyCrossApi>>;

impl SimulatedApi for AbbeyCrossApi {
    type Config = AbbeyCrossConfig;

    const RENDER_ERROR: ErrorRenderer = render_error;

    const PROVIDER: ProviderId = ProviderId::new("abbeycross");

    const EXAMPLE_EVENT: &'static str = "deal.settled";
    const TEMPLATES: &'static [Template] = &[TEMPLATE];

    /// Inside working hours.
    fn new(config: AbbeyCrossConfig) -> Self {
        Self {
            token: random_alnum(48),
            config,
            state: Mutex::new(AbbeyState { registrations: Vec::new(), working_hours: true }),
        }
    }

    fn credentials(&self) -> Vec<(&'static str, String)> {
        vec![("ABBEYCROSS_API_TOKEN", self.token.clone())]
    }

    /// Delivers `event` to every registration subscribed to it, signed with the **assumed**
    /// scheme (see the [module docs](self)). Deliveries happen whatever the working hours.
    /// `data` becomes the body's `data`; `None` sends an illustrative object (AbbeyCross
    /// documents no payload; see [`Template::sample_data`]).
    ///
    /// # Errors
    /// [`Error::Json`] / [`Error::Key`] / [`Error::Sign`] if a delivery cannot be built.
    async fn deliver(sim: &Simulator<Self>, event: &str, data: Option<Value>) -> Result<Vec<DeliveryReport>> {
        let targets: Vec<Registration> = lock(&sim.inner.state)
            .registrations
            .iter()
            .filter(|r| r.events.iter().any(|e| e == event))
            .cloned()
            .collect();
        let data = match data {
            Some(data) => data,
            None => TEMPLATE.sample_data(event, &BuildOptions::new())?,
        };
        let mut reports = Vec::with_capacity(targets.len());
        for reg in targets {
            let secret = HmacSecret::from_str_bytes(&reg.api_secret_key).map_err(Error::Key)?;
            let key = DeliveryKey::Hmac(HmacSigner::new(sim.inner.config.delivery_scheme.clone(), secret));
            let delivery = TEMPLATE.build(event, &BuildOptions::new().data(data.clone()))?.sign(&key)?;
            reports.push(
                sim.inner
                    .poster
                    .post(&reg.id, &reg.url, event, delivery.delivery_id, delivery.headers, delivery.body)
                    .await,
            );
        }
        Ok(reports)
    }

    fn routes(_: &Sim) -> Router<Sim> {
        Router::new().route("/v1/webhooks/register", post(register))
    }

    /// Outside working hours every request is 503, unknown routes and wrong methods included.
    fn gate(app: Router<Sim>, shared: &Sim) -> Router<Sim> {
        app.layer(middleware::from_fn_with_state(Arc::clone(shared), working_hours_gate))
    }
}

/// A running AbbeyCross simulator. Stops when dropped (or with [`shutdown`](Simulator::shutdown)).
/// It starts inside working hours.
pub type AbbeyCrossSim = Simulator<AbbeyCrossApi>;

impl AbbeyCrossSim {
    /// The bearer token the simulator accepts.
    #[must_use]
    pub fn token(&self) -> &str {
        &self.inner.token
    }

    /// Switches working hours on (`true`, the default) or off: outside working hours every
    /// request is answered 503 with the documented error text.
    pub fn set_working_hours(&self, open: bool) {
        lock(&self.inner.state).working_hours = open;
    }

    /// Whether the simulator is inside working hours.
    #[must_use]
    pub fn working_hours(&self) -> bool {
        lock(&self.inner.state).working_hours
    }

    /// The registrations, oldest first: `{"id", "url", "events", "createdAt"}`. The `id` is
    /// the **simulator's** (AbbeyCross returns none); `apiSecretKey` is not included.
    #[must_use]
    pub fn webhooks(&self) -> Vec<Value> {
        lock(&self.inner.state)
            .registrations
            .iter()
            .map(|r| json!({"id": r.id, "url": r.url, "events": r.events, "createdAt": rfc3339_seconds(r.created_at)}))
            .collect()
    }

    /// The `apiSecretKey` returned for a registration (by the simulator's id).
    #[must_use]
    pub fn api_secret_key(&self, id: &str) -> Option<String> {
        lock(&self.inner.state).registrations.iter().find(|r| r.id == id).map(|r| r.api_secret_key.clone())
    }

    /// The delivery scheme in use (an assumption — see the [module docs](self)).
    #[must_use]
    pub fn delivery_scheme(&self) -> &HmacScheme {
        &self.inner.config.delivery_scheme
    }
}

/// The documented error body.
fn error_body(status: StatusCode, text: &str, parameter: Option<(&str, Value)>) -> Response {
    let code = match status.as_u16() {
        400 => "INVALID_PARAMETER",
        401 => "UNAUTHORIZED",
        404 => "NOT_FOUND",
        405 => "METHOD_NOT_ALLOWED",
        413 => "PAYLOAD_TOO_LARGE",
        415 => "UNSUPPORTED_MEDIA_TYPE",
        429 => "TOO_MANY_REQUESTS",
        503 => "OUTSIDE_WORKING_HOURS",
        _ => "INTERNAL_SERVER_ERROR",
    };
    let (name, value) = match parameter {
        Some((n, v)) => (json!(n), v),
        None => (Value::Null, Value::Null),
    };
    json_response(
        status,
        &json!({
            "errorId": uuid_v4(),
            "code": code,
            "text": text,
            "parameter_name": name,
            "parameter_value": value,
        }),
    )
}

/// Documented texts for the documented statuses; `message` for the others.
fn render_error(status: StatusCode, message: &str) -> Response {
    let text = match status.as_u16() {
        400 => "One or more parameter values are invalid. Please check and retry.",
        401 => "Authentication token is required for this action that was not provided, expired or invalid.",
        404 => "The requested endpoint or entity does not exist.",
        500 => "Internal server error.",
        503 => ABBEYCROSS_NON_WORKING_HOURS_TEXT,
        _ => message,
    };
    error_body(status, text, None)
}

fn invalid(parameter: &str, value: Value) -> Response {
    error_body(
        StatusCode::BAD_REQUEST,
        "One or more parameter values are invalid. Please check and retry.",
        Some((parameter, value)),
    )
}

async fn working_hours_gate(State(sim): State<Sim>, req: Request, next: Next) -> Response {
    if lock(&sim.state).working_hours {
        next.run(req).await
    } else {
        render_error(StatusCode::SERVICE_UNAVAILABLE, ABBEYCROSS_NON_WORKING_HOURS_TEXT)
    }
}

async fn register(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    if bearer(&headers) != Some(sim.token.as_str()) {
        return render_error(StatusCode::UNAUTHORIZED, "");
    }
    let map = match json_object(&headers, &body) {
        Ok(map) => map,
        Err(e) if e.status() == StatusCode::BAD_REQUEST => {
            return error_body(StatusCode::BAD_REQUEST, &e.message(), None);
        }
        Err(e) => return error_body(e.status(), &e.message(), None),
    };
    let url = match map.get("url") {
        Some(Value::String(u)) if is_http_url(u) => u.clone(),
        other => return invalid("url", other.cloned().unwrap_or(Value::Null)),
    };
    let events = match map.get("events") {
        Some(Value::Array(items))
            if !items.is_empty() && items.iter().all(|i| i.as_str().is_some_and(|s| !s.trim().is_empty())) =>
        {
            let mut events: Vec<String> = Vec::with_capacity(items.len());
            for e in items.iter().filter_map(Value::as_str) {
                if !events.iter().any(|x| x == e) {
                    events.push(e.to_owned());
                }
            }
            events
        }
        other => return invalid("events", other.cloned().unwrap_or(Value::Null)),
    };
    let registration =
        Registration { id: uuid_v4(), url, events, api_secret_key: random_hex::<32>(), created_at: Timestamp::now() };
    let out = json!({"message": ABBEYCROSS_REGISTERED_MESSAGE, "apiSecretKey": registration.api_secret_key});
    lock(&sim.state).registrations.push(registration);
    json_response(StatusCode::CREATED, &out)
}
