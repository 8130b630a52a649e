//! Stripe simulator — the Webhook Endpoints API, form-encoded requests, cursor paging.
//!
//! Modelled (docs.stripe.com/api/webhook_endpoints), under the base URL `…/` (paths start
//! with `v1/`, as Stripe's `https://api.stripe.com/v1/…`):
//!
//! | method | path | answer |
//! |---|---|---|
//! | `POST` | `v1/webhook_endpoints` | 200, the new Webhook Endpoint **with** `secret` |
//! | `GET` | `v1/webhook_endpoints/{id}` | 200, the Webhook Endpoint |
//! | `POST` | `v1/webhook_endpoints/{id}` | 200, the Webhook Endpoint after a partial update |
//! | `GET` | `v1/webhook_endpoints?limit&starting_after&ending_before` | 200, `{"object": "list", "data": [..], "has_more", "url": "/v1/webhook_endpoints"}` |
//! | `DELETE` | `v1/webhook_endpoints/{id}` | 200, `{"id", "object": "webhook_endpoint", "deleted": true}` |
//!
//! * **Auth**: `Authorization: Bearer <`[`StripeSim::secret_key`]`>` (an `sk_test_…` key);
//!   otherwise 401. The error message never repeats the key that was sent.
//! * **Requests** are `application/x-www-form-urlencoded` in bracket notation:
//!   `url`, `enabled_events[]` (repeated; `enabled_events[N]` is read the same way),
//!   `description`, `metadata[key]`, `api_version` and `connect` (create only), `disabled`
//!   (update only). A body with another `Content-Type` is 400; an unknown parameter is 400
//!   `parameter_unknown`; a missing `url` or `enabled_events` on create is 400
//!   `parameter_missing` (checked in that order). `url` must be an absolute `http`/`https`
//!   URL (test mode accepts `http`), booleans are `true` / `false`.
//! * **Update** changes only the parameters given: an empty `description` unsets it, an
//!   empty `metadata[key]` unsets that key and an empty `metadata` unsets every key;
//!   `disabled=true` / `false` sets `status` to `disabled` / `enabled`.
//! * **Webhook Endpoint object**: `id` (`we_…`), `object: "webhook_endpoint"`, `api_version`
//!   (`null` unless given at creation), `application: null`, `created` (unix seconds),
//!   `description`, `enabled_events`, `livemode: false`, `metadata`, `secret` (`whsec_…`,
//!   **only** in the create response), `status` (`enabled` / `disabled`), `url`.
//! * **List**: newest first; `limit` 1–100 (default 10); `starting_after` / `ending_before`
//!   are endpoint ids, mutually exclusive; an unknown cursor is 400 `resource_missing`.
//! * **Errors** are Stripe's error object `{"error": {"type", "code"?, "param"?, "message",
//!   "doc_url"?}}`: `invalid_request_error` for 4xx (401, 404 `resource_missing`, 429
//!   `rate_limit`, ...) and `api_error` for 5xx. An unknown route is 404 "Unrecognized
//!   request URL".
//!
//! * **Idempotency** (docs.stripe.com/api/idempotent_requests): a `POST` (create or update)
//!   may carry `Idempotency-Key`, up to 255 characters (an empty, longer or non-ASCII key is
//!   400 `invalid_request_error`). Keys belong to the account (the simulator has one). The
//!   answer to the first request with a key — status and body, a 404 included — is saved, and
//!   a later request with that key gets it again with `Idempotent-Replayed: true`, without
//!   executing anything. A later request with the key but another method or path, or other
//!   parameters (the decoded form pairs, compared in order), is 400 with error type
//!   `idempotency_error`. As at Stripe, nothing is saved when the request did not start
//!   executing: a 401, a refused parameter (400) or an injected fault
//!   ([`fail_next`](Simulator::fail_next) answers before the API) leaves the key unused, so a
//!   retry with it executes. Requests are handled one at a time, so Stripe's 409
//!   `idempotency_key_in_use` (the same key used concurrently) does not occur, and saved keys
//!   are kept for the simulator's lifetime (Stripe prunes them after 24 hours). `GET` and
//!   `DELETE` ignore the header.
//!
//! Not modelled: `Stripe-Version` / `Stripe-Account`, the event-type catalogue (any non-empty
//! name is accepted in `enabled_events`; Stripe refuses names it does not know) and Stripe's
//! limit of 16 endpoints per account.
//!
//! Deliveries ([`StripeSim::deliver`]): to every **enabled** endpoint whose `enabled_events`
//! contain the event type or `*`, a POST of a Stripe Event (`evt_…`, `object: "event"`,
//! `api_version` (the endpoint's, else the testkit's default), `created`, `data.object`,
//! `livemode: false`, `pending_webhooks` (the number of endpoints it goes to), `request:
//! {"id": null, "idempotency_key": null}`, `type`), the same event id for every endpoint,
//! signed per endpoint with `Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256(secret, "t.body")>`
//! (the secret's whole `whsec_…` text as the key). They verify with
//! `hookbridge_verify::HmacScheme::stripe()`. The simulator makes one attempt.

pub(crate) mod template;
pub use template::{STRIPE_EVENTS, TEMPLATE};

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use hookbridge_core::ProviderId;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::deliveries::{BuildOptions, DeliveryKey, Template};
use crate::delivery::{DEFAULT_DELIVERY_TIMEOUT, DeliveryReport};
use crate::error::Result;
use crate::server::{ErrorRenderer, PathId, bearer, is_http_url, json_response, lock, query_pairs, random_alnum};
use crate::simulator::{Shared, SimulatedApi, Simulator, settings};

/// Base path of the simulated Stripe API: the root (paths start with `v1/`).
pub const STRIPE_BASE_PATH: &str = "/";

/// The `url` of every list envelope.
const LIST_URL: &str = "/v1/webhook_endpoints";

/// Default and maximum `limit` of a list page (Stripe's pagination).
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;

/// The request header that makes a `POST` idempotent.
const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// The response header that marks a replayed answer.
const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// Longest `Idempotency-Key`, in characters.
const MAX_IDEMPOTENCY_KEY: usize = 255;

/// Settings of a [`StripeSim`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StripeConfig {
    /// Timeout of one delivery attempt. Default [`DEFAULT_DELIVERY_TIMEOUT`].
    pub delivery_timeout: Duration,
}

impl Default for StripeConfig {
    fn default() -> Self {
        Self { delivery_timeout: DEFAULT_DELIVERY_TIMEOUT }
    }
}

settings!(StripeConfig {});

#[derive(Clone, Debug)]
struct Endpoint {
    id: String,
    api_version: Option<String>,
    created: i64,
    description: Option<String>,
    enabled_events: Vec<String>,
    metadata: BTreeMap<String, String>,
    secret: String,
    enabled: bool,
    url: String,
}

impl Endpoint {
    /// The wire object, without `secret` (only the create response carries it).
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "webhook_endpoint",
            "api_version": self.api_version,
            "application": null,
            "created": self.created,
            "description": self.description,
            "enabled_events": self.enabled_events,
            "livemode": false,
            "metadata": self.metadata,
            "status": if self.enabled { "enabled" } else { "disabled" },
            "url": self.url,
        })
    }

    fn subscribed(&self, event: &str) -> bool {
        self.enabled && self.enabled_events.iter().any(|e| e == "*" || e == event)
    }
}

#[derive(Debug)]
struct StripeState {
    /// Oldest first; lists are served reversed (newest first).
    endpoints: Vec<Endpoint>,
}

/// The first request made with an idempotency key, and the answer saved for it.
#[derive(Debug)]
struct Saved {
    method: Method,
    path: String,
    /// The decoded form pairs, in order.
    params: Vec<(String, String)>,
    status: StatusCode,
    body: Value,
}

/// The simulated Stripe API behind [`StripeSim`]: its secret key, webhook endpoints and saved
/// idempotent answers.
#[derive(Debug)]
pub struct StripeApi {
    secret_key: String,
    state: Mutex<StripeState>,
    /// By key. Locked (before `state`) for the whole of an idempotent request, so requests
    /// with keys are handled one at a time.
    idempotency: Mutex<HashMap<String, Saved>>,
}

/// What every request handler of this simulator gets.
type Sim = Arc<Shared<StripeApi>>;

impl SimulatedApi for StripeApi {
    type Config = StripeConfig;

    const BASE_PATH: &'static str = STRIPE_BASE_PATH;

    const RENDER_ERROR: ErrorRenderer = render_error;

    const PROVIDER: ProviderId = ProviderId::new("stripe");

    const EXAMPLE_EVENT: &'static str = "charge.succeeded";
    const TEMPLATES: &'static [Template] = &[TEMPLATE];

    fn new(_config: StripeConfig) -> Self {
        Self {
            secret_key: format!("sk_test_{}", random_alnum(40)),
            state: Mutex::new(StripeState { endpoints: Vec::new() }),
            idempotency: Mutex::new(HashMap::new()),
        }
    }

    fn credentials(&self) -> Vec<(&'static str, String)> {
        vec![("STRIPE_API_KEY", self.secret_key.clone())]
    }

    /// Delivers an event of type `event_type` to every enabled endpoint subscribed to it (see
    /// the [module docs](self)).
    ///
    /// `object` is the event's `data.object`; `None` uses the testkit's sample object for the
    /// type ([`Template::sample_data`](crate::deliveries::Template::sample_data): a
    /// PaymentIntent, Charge, Checkout Session, Customer or Invoice with fresh ids).
    ///
    /// # Errors
    /// [`Error::Key`](crate::Error::Key) / [`Error::Sign`](crate::Error::Sign) /
    /// [`Error::Json`](crate::Error::Json) / [`Error::InvalidPayload`](crate::Error::InvalidPayload)
    /// if the delivery cannot be built.
    async fn deliver(sim: &Simulator<Self>, event_type: &str, object: Option<Value>) -> Result<Vec<DeliveryReport>> {
        let targets: Vec<Endpoint> =
            lock(&sim.inner.state).endpoints.iter().filter(|e| e.subscribed(event_type)).cloned().collect();
        let mut reports = Vec::with_capacity(targets.len());
        if targets.is_empty() {
            return Ok(reports);
        }
        let pending = targets.len();
        let at = Timestamp::now();
        let object = match object {
            Some(object) => object,
            None => TEMPLATE.sample_data(event_type, &BuildOptions::new().at(at))?,
        };
        let event_id = format!("evt_{}", random_alnum(24));
        for endpoint in targets {
            let mut options = BuildOptions::new()
                .at(at)
                .delivery_id(event_id.clone())
                .data(object.clone())
                .field("pending_webhooks", json!(pending))
                .field("request", json!({"id": null, "idempotency_key": null}));
            if let Some(version) = &endpoint.api_version {
                options = options.field("api_version", json!(version));
            }
            let key = DeliveryKey::from_secret(TEMPLATE, &endpoint.secret)?;
            let delivery = TEMPLATE.build(event_type, &options)?.sign(&key)?;
            reports.push(
                sim.inner
                    .poster
                    .post(
                        &endpoint.id,
                        &endpoint.url,
                        event_type,
                        Some(event_id.clone()),
                        delivery.headers,
                        delivery.body,
                    )
                    .await,
            );
        }
        Ok(reports)
    }

    fn not_found_message(method: &Method, path: &str) -> String {
        format!(
            "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."
        )
    }

    fn routes(_: &Sim) -> Router<Sim> {
        Router::new()
            .route("/v1/webhook_endpoints", get(list).post(create))
            .route("/v1/webhook_endpoints/{id}", get(retrieve).post(update).delete(delete))
    }
}

/// A running Stripe simulator. Stops when dropped (or with [`shutdown`](Simulator::shutdown)).
pub type StripeSim = Simulator<StripeApi>;

impl StripeSim {
    /// The secret API key (`sk_test_…`) the simulator accepts as `Authorization: Bearer`.
    #[must_use]
    pub fn secret_key(&self) -> &str {
        &self.inner.secret_key
    }

    /// The webhook endpoints in wire form (without `secret`), oldest first.
    #[must_use]
    pub fn endpoints(&self) -> Vec<Value> {
        lock(&self.inner.state).endpoints.iter().map(Endpoint::to_json).collect()
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// Stripe's error object. `code`, `param` and `doc_url` are left out when `code` / `param`
/// are `None`.
fn stripe_error(status: StatusCode, code: Option<&str>, param: Option<&str>, message: &str) -> Response {
    json_response(status, &error_body(status, code, param, message))
}

/// The body of [`stripe_error`]: `{"error": {..}}` of type `api_error` for 5xx, else
/// `invalid_request_error`.
fn error_body(status: StatusCode, code: Option<&str>, param: Option<&str>, message: &str) -> Value {
    let kind = if status.is_server_error() { "api_error" } else { "invalid_request_error" };
    let mut error = Map::new();
    if let Some(code) = code {
        error.insert("code".into(), json!(code));
        error
            .insert("doc_url".into(), json!(format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-"))));
    }
    error.insert("message".into(), json!(message));
    if let Some(param) = param {
        error.insert("param".into(), json!(param));
    }
    error.insert("type".into(), json!(kind));
    json!({ "error": error })
}

/// The generic renderer (unknown routes, wrong methods, oversized bodies, injected faults).
fn render_error(status: StatusCode, message: &str) -> Response {
    let code = match status.as_u16() {
        404 => Some("resource_missing"),
        429 => Some("rate_limit"),
        _ => None,
    };
    stripe_error(status, code, None, message)
}

/// A refused request, already rendered (boxed: a `Response` is large).
type Reject = Box<Response>;

fn invalid(code: &str, param: &str, message: &str) -> Reject {
    Box::new(stripe_error(StatusCode::BAD_REQUEST, Some(code), Some(param), message))
}

fn authorized(sim: &StripeApi, headers: &HeaderMap) -> Result<(), Reject> {
    match bearer(headers) {
        Some(key) if key == sim.secret_key => Ok(()),
        Some(_) => Err(Box::new(stripe_error(StatusCode::UNAUTHORIZED, None, None, "Invalid API Key provided."))),
        None => Err(Box::new(stripe_error(
            StatusCode::UNAUTHORIZED,
            None,
            None,
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        ))),
    }
}

fn not_found(id: &str) -> Response {
    json_response(StatusCode::NOT_FOUND, &not_found_body(id))
}

fn not_found_body(id: &str) -> Value {
    error_body(
        StatusCode::NOT_FOUND,
        Some("resource_missing"),
        Some("id"),
        &format!("No such webhook endpoint: '{id}'"),
    )
}

/// 400 with error type `idempotency_error`.
fn idempotency_error(message: &str) -> Response {
    json_response(StatusCode::BAD_REQUEST, &json!({"error": {"message": message, "type": "idempotency_error"}}))
}

// ---------------------------------------------------------------------------------------
// Idempotency
// ---------------------------------------------------------------------------------------

/// An answer of an operation that started executing: saved for its idempotency key.
type Executed = (StatusCode, Value);

/// Handles an authenticated `POST` to `path`, idempotently when it carries `Idempotency-Key`
/// (see the [module docs](self)). `execute` is the operation: `Err` when it refused the
/// request before executing (nothing is saved), `Ok` with the answer to save otherwise.
fn idempotent(
    sim: &StripeApi,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
    execute: impl FnOnce() -> Result<Executed, Reject>,
) -> Result<Response, Reject> {
    authorized(sim, headers)?;
    let Some(key) = headers.get(IDEMPOTENCY_KEY) else {
        let (status, value) = execute()?;
        return Ok(json_response(status, &value));
    };
    let key = match key.to_str() {
        Ok(key) if !key.is_empty() && key.chars().count() <= MAX_IDEMPOTENCY_KEY => key,
        _ => {
            return Err(Box::new(stripe_error(
                StatusCode::BAD_REQUEST,
                None,
                None,
                &format!(
                    "Invalid idempotency key: keys must be 1 to {MAX_IDEMPOTENCY_KEY} characters long and printable ASCII."
                ),
            )));
        }
    };
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let mut saved = lock(&sim.idempotency);
    if let Some(first) = saved.get(key) {
        if first.method != Method::POST || first.path != path {
            return Err(Box::new(idempotency_error(&format!(
                "Keys for idempotent requests can only be used for the same endpoint they were first used for ('{} {}'). Try using a key other than '{key}' if you meant to execute a different request.",
                first.method, first.path
            ))));
        }
        if first.params != params {
            return Err(Box::new(idempotency_error(&format!(
                "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
            ))));
        }
        let mut response = json_response(first.status, &first.body);
        response.headers_mut().insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
        return Ok(response);
    }
    let (status, value) = execute()?;
    let response = json_response(status, &value);
    saved.insert(key.to_owned(), Saved { method: Method::POST, path: path.to_owned(), params, status, body: value });
    Ok(response)
}

// ---------------------------------------------------------------------------------------
// Form bodies
// ---------------------------------------------------------------------------------------

/// The parameters of a create or update, as sent; `None` = absent.
#[derive(Default)]
struct Params {
    url: Option<String>,
    enabled_events: Option<Vec<String>>,
    description: Option<String>,
    /// `metadata[key]` values in order (an empty value unsets the key).
    metadata: Vec<(String, String)>,
    /// `metadata=` (empty): unset every key.
    clear_metadata: bool,
    api_version: Option<String>,
    connect: Option<bool>,
    disabled: Option<bool>,
}

/// Which parameters an operation takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Create,
    Update,
}

fn boolean(param: &str, value: &str) -> Result<bool, Reject> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid("parameter_invalid_boolean", param, &format!("Invalid boolean: {value}"))),
    }
}

/// Whether `key` is `enabled_events[]` or `enabled_events[<digits>]`.
fn is_event_key(key: &str) -> bool {
    key.strip_prefix("enabled_events[")
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|index| index.bytes().all(|b| b.is_ascii_digit()))
}

fn parse_form(headers: &HeaderMap, body: &[u8], op: Op) -> Result<Params, Reject> {
    if !body.is_empty() {
        let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        if essence != "application/x-www-form-urlencoded" {
            return Err(Box::new(stripe_error(
                StatusCode::BAD_REQUEST,
                None,
                None,
                "Invalid request: the request body must be application/x-www-form-urlencoded.",
            )));
        }
    }
    let mut params = Params::default();
    for (key, value) in url::form_urlencoded::parse(body) {
        let (key, value) = (key.into_owned(), value.into_owned());
        match key.as_str() {
            "url" => params.url = Some(value),
            k if is_event_key(k) => {
                if value.is_empty() {
                    return Err(invalid(
                        "parameter_invalid_empty",
                        "enabled_events",
                        "Invalid array: empty event type",
                    ));
                }
                params.enabled_events.get_or_insert_with(Vec::new).push(value);
            }
            "description" => params.description = Some(value),
            "metadata" if value.is_empty() => params.clear_metadata = true,
            k if k.starts_with("metadata[") && k.ends_with(']') => {
                let name = &k["metadata[".len()..k.len() - 1];
                if name.is_empty() || name.chars().count() > 40 || name.contains(['[', ']']) {
                    return Err(invalid(
                        "parameter_invalid_string",
                        "metadata",
                        "Metadata keys must be 1 to 40 characters long and contain no square brackets.",
                    ));
                }
                if value.chars().count() > 500 {
                    return Err(invalid(
                        "parameter_invalid_string",
                        "metadata",
                        "Metadata values can have up to 500 characters.",
                    ));
                }
                params.metadata.push((name.to_owned(), value));
            }
            "api_version" if op == Op::Create => params.api_version = Some(value),
            "connect" if op == Op::Create => params.connect = Some(boolean("connect", &value)?),
            "disabled" if op == Op::Update => params.disabled = Some(boolean("disabled", &value)?),
            other => {
                return Err(invalid("parameter_unknown", other, &format!("Received unknown parameter: {other}")));
            }
        }
    }
    if let Some(url) = &params.url
        && !is_http_url(url)
    {
        return Err(invalid("url_invalid", "url", "Invalid URL: URL must be an absolute http or https URL."));
    }
    Ok(params)
}

fn apply_metadata(metadata: &mut BTreeMap<String, String>, params: &Params) -> Result<(), Reject> {
    if params.clear_metadata {
        metadata.clear();
    }
    for (key, value) in &params.metadata {
        if value.is_empty() {
            metadata.remove(key);
        } else {
            metadata.insert(key.clone(), value.clone());
        }
    }
    if metadata.len() > 50 {
        return Err(invalid("parameter_invalid_string", "metadata", "Metadata can have up to 50 keys."));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------

async fn create(State(sim): State<Sim>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    idempotent(&sim, uri.path(), &headers, &body, || try_create(&sim, &headers, &body)).unwrap_or_else(|r| *r)
}

fn try_create(sim: &StripeApi, headers: &HeaderMap, body: &[u8]) -> Result<Executed, Reject> {
    let params = parse_form(headers, body, Op::Create)?;
    let missing = |param: &str| invalid("parameter_missing", param, &format!("Missing required param: {param}."));
    let url = params.url.clone().ok_or_else(|| missing("url"))?;
    let enabled_events = params.enabled_events.clone().ok_or_else(|| missing("enabled_events"))?;
    let mut metadata = BTreeMap::new();
    apply_metadata(&mut metadata, &params)?;
    let endpoint = Endpoint {
        id: format!("we_{}", random_alnum(24)),
        api_version: params.api_version.filter(|v| !v.is_empty()),
        created: Timestamp::now().as_second(),
        description: params.description.filter(|d| !d.is_empty()),
        enabled_events,
        metadata,
        secret: format!("whsec_{}", random_alnum(32)),
        enabled: true,
        url,
    };
    let mut out = endpoint.to_json();
    if let Value::Object(map) = &mut out {
        map.insert("secret".into(), json!(endpoint.secret));
    }
    lock(&sim.state).endpoints.push(endpoint);
    Ok((StatusCode::OK, out))
}

async fn retrieve(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    match lock(&sim.state).endpoints.iter().find(|e| e.id == id) {
        Some(e) => json_response(StatusCode::OK, &e.to_json()),
        None => not_found(&id),
    }
}

async fn update(State(sim): State<Sim>, PathId(id): PathId, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    idempotent(&sim, uri.path(), &headers, &body, || try_update(&sim, &id, &headers, &body)).unwrap_or_else(|r| *r)
}

fn try_update(sim: &StripeApi, id: &str, headers: &HeaderMap, body: &[u8]) -> Result<Executed, Reject> {
    let params = parse_form(headers, body, Op::Update)?;
    let mut state = lock(&sim.state);
    let Some(endpoint) = state.endpoints.iter_mut().find(|e| e.id == id) else {
        return Ok((StatusCode::NOT_FOUND, not_found_body(id)));
    };
    // Checked on a copy, so that a refused update changes nothing.
    let mut metadata = endpoint.metadata.clone();
    apply_metadata(&mut metadata, &params)?;
    endpoint.metadata = metadata;
    if let Some(url) = params.url {
        endpoint.url = url;
    }
    if let Some(events) = params.enabled_events {
        endpoint.enabled_events = events;
    }
    if let Some(description) = params.description {
        endpoint.description = (!description.is_empty()).then_some(description);
    }
    if let Some(disabled) = params.disabled {
        endpoint.enabled = !disabled;
    }
    Ok((StatusCode::OK, endpoint.to_json()))
}

async fn delete(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let mut state = lock(&sim.state);
    let before = state.endpoints.len();
    state.endpoints.retain(|e| e.id != id);
    if state.endpoints.len() == before {
        not_found(&id)
    } else {
        json_response(StatusCode::OK, &json!({"id": id, "object": "webhook_endpoint", "deleted": true}))
    }
}

async fn list(State(sim): State<Sim>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    try_list(&sim, query.as_deref()).unwrap_or_else(|r| *r)
}

fn try_list(sim: &StripeApi, query: Option<&str>) -> Result<Response, Reject> {
    let pairs = query_pairs(query);
    let mut limit = DEFAULT_LIMIT;
    let mut starting_after = None;
    let mut ending_before = None;
    for (key, value) in &pairs {
        match key.as_str() {
            "limit" => {
                limit = match value.parse::<usize>() {
                    Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
                    _ => {
                        return Err(invalid(
                            "parameter_invalid_integer",
                            "limit",
                            "Invalid limit: must be an integer between 1 and 100.",
                        ));
                    }
                };
            }
            "starting_after" => starting_after = Some(value.as_str()),
            "ending_before" => ending_before = Some(value.as_str()),
            other => {
                return Err(invalid("parameter_unknown", other, &format!("Received unknown parameter: {other}")));
            }
        }
    }
    let state = lock(&sim.state);
    // Newest first, as Stripe lists.
    let all: Vec<&Endpoint> = state.endpoints.iter().rev().collect();
    let position = |param: &str, cursor: &str| {
        all.iter()
            .position(|e| e.id == cursor)
            .ok_or_else(|| invalid("resource_missing", param, &format!("No such webhook endpoint: '{cursor}'")))
    };
    let (page, has_more): (&[&Endpoint], bool) = match (starting_after, ending_before) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "parameter_invalid",
                "ending_before",
                "You may only specify one of these parameters: ending_before, starting_after.",
            ));
        }
        (Some(cursor), None) => {
            let rest = &all[position("starting_after", cursor)? + 1..];
            (&rest[..rest.len().min(limit)], rest.len() > limit)
        }
        (None, Some(cursor)) => {
            let before = &all[..position("ending_before", cursor)?];
            let start = before.len().saturating_sub(limit);
            (&before[start..], start > 0)
        }
        (None, None) => (&all[..all.len().min(limit)], all.len() > limit),
    };
    let data: Vec<Value> = page.iter().map(|e| e.to_json()).collect();
    Ok(json_response(StatusCode::OK, &json!({"object": "list", "data": data, "has_more": has_more, "url": LIST_URL})))
}
