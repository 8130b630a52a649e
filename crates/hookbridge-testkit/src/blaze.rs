//! BLAZE simulator — shop-scoped `webHooks`, seed 001.
//!
//! Modelled (apidocs.blaze.me), under the base URL `…/api/v1/partner/`:
//!
//! | method | path | answer |
//! |---|---|---|
//! | `POST` | `webHooks` | 200, the new `PartnerWebHook` |
//! | `PUT` | `webHooks/{webHookId}` | 200, the replaced `PartnerWebHook` (full-object update) |
//! | `GET` | `webHooks/{webHookId}` | 200, the `PartnerWebHook` |
//! | `GET` | `webHooks?start=&limit=&shopId=` | 200, a `SearchResult` page |
//! | `DELETE` | `webHooks/{id}` | 200, empty body |
//!
//! * **Auth**: the partner key in `x-api-key` **and** the developer key in `Authorization`
//!   (the key itself, no `Bearer` prefix); anything else is 401. Header names are
//!   configurable ([`BlazeConfig::partner_key_header`], e.g. `partner_key` as some client
//!   code sends it).
//! * **Objects**: `id` and `companyId` are 24-hex ObjectId-style strings, `created` /
//!   `modified` epoch **milliseconds**, `deleted` / `updated` booleans, `url`, `shopId`,
//!   `webHookType` (`null` when not set), `webHookUrls`. Unset optional fields are `null`.
//! * **Create** takes `url`, `shopId`, `webHookUrls` (required: a non-empty array of
//!   `http`/`https` URLs) and, beyond the documented request, an optional `webHookType`
//!   string (the response carries one, so the simulator lets it be set). `updated` is
//!   `false` until the first `PUT`.
//! * **Update** (`PUT`) replaces `url`, `shopId`, `webHookType` and `webHookUrls` with the
//!   body's values (absent → `null`; `webHookUrls` required as on create), sets
//!   `updated: true` and advances `modified`. `id`, `companyId`, `created`, `deleted` are
//!   server-controlled; a body `id` different from the path is 400.
//! * **List**: `start` (records to skip; the alias `skip` is read when `start` is absent),
//!   `limit` (default 100, 1–1000), `shopId` (exact filter), oldest first. The envelope is
//!   configurable because BLAZE's documentation and its client code disagree
//!   ([`SearchResultShape`]).
//! * **Delete** marks the record `deleted` (it disappears from `GET` and lists; a second
//!   delete is 404). BLAZE documents no response body; the simulator sends none.
//! * **Errors** are undocumented; the simulator answers `{"message": "..", "errorType": ".."}`
//!   with Java-exception-style types (`BlazeAuthException` for 401/403,
//!   `BlazeInvalidArgException` for 400/404/405/413/415, `BlazeException` otherwise).
//!
//! Deliveries ([`BlazeSim::deliver`]): **BLAZE documents no signing scheme and no payload.**
//! The simulator POSTs, unsigned, to every URL in `webHookUrls` of each non-deleted webhook
//! whose `webHookType` equals the event (webhooks without a `webHookType` receive every
//! event), the JSON body
//! `{"id": <delivery id>, "webHookType": <event>, "webHookId", "companyId", "shopId", "created": <epoch ms>, "data": <payload>}`.
//! The callback URL is used as registered, query included, so a secret token in it (see
//! `hookbridge_verify::UrlTokenVerifier`) reaches the receiver.

pub use crate::catalogues::BLAZE_WEB_HOOK_TYPES;
pub(crate) mod template;
pub use template::TEMPLATE;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderName, StatusCode};
use axum::response::Response;
use axum::routing::get;
use hookbridge_core::ProviderId;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::deliveries::{BuildOptions, Template};
use crate::delivery::{DEFAULT_DELIVERY_TIMEOUT, DeliveryReport};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::server::{
    ErrorRenderer, PathId, empty_response, is_http_url, json_object, json_response, lock, object_id, query_pairs,
    query_param, random_alnum,
};
use crate::simulator::{Shared, SimulatedApi, Simulator, settings};

/// Base path of the partner API (the documented base URL ends with it).
pub const BLAZE_BASE_PATH: &str = "/api/v1/partner/";

/// Default list `limit` (documented).
pub const BLAZE_DEFAULT_LIMIT: usize = 100;

/// Largest `limit` the simulator accepts.
pub const BLAZE_MAX_LIMIT: usize = 1000;

/// Which `SearchResult` envelope list responses use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum SearchResultShape {
    /// The documentation's shape: `{"count": <items in this page>, "total": <matching>, "searchResult": [..]}`.
    #[default]
    Docs,
    /// The shape public client code reads: `{"values": [..], "skip": <start>, "limit": <limit>, "total": <matching>}`.
    ClientCode,
}

/// Settings of a [`BlazeSim`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BlazeConfig {
    /// List envelope. Default [`SearchResultShape::Docs`].
    pub search_result_shape: SearchResultShape,
    /// Header carrying the partner key. Default `x-api-key`.
    pub partner_key_header: HeaderName,
    /// Header carrying the developer key (no `Bearer` prefix). Default `authorization`.
    pub developer_key_header: HeaderName,
    /// Timeout of one delivery attempt. Default [`DEFAULT_DELIVERY_TIMEOUT`].
    pub delivery_timeout: Duration,
}

impl Default for BlazeConfig {
    fn default() -> Self {
        Self {
            search_result_shape: SearchResultShape::Docs,
            partner_key_header: HeaderName::from_static("x-api-key"),
            developer_key_header: axum::http::header::AUTHORIZATION,
            delivery_timeout: DEFAULT_DELIVERY_TIMEOUT,
        }
    }
}

settings!(BlazeConfig {
    search_result_shape: SearchResultShape,
    partner_key_header: HeaderName,
    developer_key_header: HeaderName
});

#[derive(Clone, Debug)]
struct WebHook {
    id: String,
    shop_id: Option<String>,
    created: i64,
    modified: i64,
    deleted: bool,
    updated: bool,
    url: Option<String>,
    web_hook_type: Option<String>,
    web_hook_urls: Vec<String>,
}

impl WebHook {
    fn to_json(&self, company_id: &str) -> Value {
        json!({
            "id": self.id,
            "companyId": company_id,
            "shopId": self.shop_id,
            "created": self.created,
            "modified": self.modified,
            "deleted": self.deleted,
            "updated": self.updated,
            "url": self.url,
            "webHookType": self.web_hook_type,
            "webHookUrls": self.web_hook_urls,
        })
    }
}

#[derive(Debug)]
struct BlazeState {
    webhooks: Vec<WebHook>,
    shape: SearchResultShape,
}

/// The simulated BLAZE API behind [`BlazeSim`]: its keys, settings and webhooks.
#[derive(Debug)]
pub struct BlazeApi {
    partner_key: String,
    developer_key: String,
    company_id: String,
    config: BlazeConfig,
    state: Mutex<BlazeState>,
}

/// What every request handler of this simulator gets.
type Sim = Arc<Shared<BlazeApi>>;

impl SimulatedApi for BlazeApi {
    type Config = BlazeConfig;

    const BASE_PATH: &'static str = BLAZE_BASE_PATH;

    const RENDER_ERROR: ErrorRenderer = render_error;

    const PROVIDER: ProviderId = ProviderId::new("blaze");

    const EXAMPLE_EVENT: &'static str = "NEW_MEMBER";
    const TEMPLATES: &'static [Template] = &[TEMPLATE];

    fn new(config: BlazeConfig) -> Self {
        Self {
            partner_key: random_alnum(32),
            developer_key: random_alnum(40),
            company_id: object_id(),
            state: Mutex::new(BlazeState { webhooks: Vec::new(), shape: config.search_result_shape }),
            config,
        }
    }

    fn credentials(&self) -> Vec<(&'static str, String)> {
        vec![("BLAZE_PARTNER_KEY", self.partner_key.clone()), ("BLAZE_DEVELOPER_KEY", self.developer_key.clone())]
    }

    /// Delivers `web_hook_type` (unsigned — see the [module docs](self)) to every URL of every
    /// matching webhook, in registration order. `data` becomes the body's `data`; `None`
    /// sends a small illustrative object.
    ///
    /// # Errors
    /// [`Error::Json`] if the body cannot be serialized. Receiver failures are reported in
    /// the [`DeliveryReport`]s.
    async fn deliver(sim: &Simulator<Self>, web_hook_type: &str, data: Option<Value>) -> Result<Vec<DeliveryReport>> {
        let targets: Vec<WebHook> = lock(&sim.inner.state)
            .webhooks
            .iter()
            .filter(|w| !w.deleted && w.web_hook_type.as_deref().is_none_or(|t| t == web_hook_type))
            .cloned()
            .collect();
        let mut reports = Vec::new();
        for webhook in targets {
            let options = BuildOptions::new()
                .field("webHookId", json!(webhook.id))
                .field("companyId", json!(sim.inner.company_id))
                .field("shopId", json!(webhook.shop_id));
            // One payload per webhook, one delivery (fresh id) per URL.
            let data = match &data {
                Some(data) => data.clone(),
                None => TEMPLATE.sample_data(web_hook_type, &options)?,
            };
            let options = options.data(data);
            for url in &webhook.web_hook_urls {
                // BLAZE signs nothing: the URL is used as registered (a token in it included).
                let delivery = TEMPLATE.build(web_hook_type, &options)?.unsigned();
                let report = sim
                    .inner
                    .poster
                    .post(&webhook.id, url, web_hook_type, delivery.delivery_id, delivery.headers, delivery.body)
                    .await;
                reports.push(report);
            }
        }
        Ok(reports)
    }

    fn redacted_headers(&self) -> Vec<HeaderName> {
        vec![self.config.partner_key_header.clone(), self.config.developer_key_header.clone()]
    }

    fn routes(_: &Sim) -> Router<Sim> {
        let collection = get(list).post(create);
        let item = get(get_one).put(update).delete(delete);
        Router::new()
            .route("/api/v1/partner/webHooks", collection.clone())
            .route("/api/v1/partner/webHooks/", collection)
            .route("/api/v1/partner/webHooks/{id}", item)
    }
}

/// A running BLAZE simulator. Stops when dropped (or with [`shutdown`](Simulator::shutdown)).
pub type BlazeSim = Simulator<BlazeApi>;

impl BlazeSim {
    /// The partner key the simulator accepts (in [`BlazeConfig::partner_key_header`]).
    #[must_use]
    pub fn partner_key(&self) -> &str {
        &self.inner.partner_key
    }

    /// The developer key the simulator accepts (in [`BlazeConfig::developer_key_header`],
    /// without `Bearer`).
    #[must_use]
    pub fn developer_key(&self) -> &str {
        &self.inner.developer_key
    }

    /// The header the partner key travels in.
    #[must_use]
    pub fn partner_key_header(&self) -> &HeaderName {
        &self.inner.config.partner_key_header
    }

    /// The header the developer key travels in.
    #[must_use]
    pub fn developer_key_header(&self) -> &HeaderName {
        &self.inner.config.developer_key_header
    }

    /// The `companyId` every webhook of this simulator carries.
    #[must_use]
    pub fn company_id(&self) -> &str {
        &self.inner.company_id
    }

    /// Switches the list envelope at run time.
    pub fn set_search_result_shape(&self, shape: SearchResultShape) {
        lock(&self.inner.state).shape = shape;
    }

    /// The webhooks in wire form, oldest first, including deleted ones (`"deleted": true`).
    #[must_use]
    pub fn webhooks(&self) -> Vec<Value> {
        lock(&self.inner.state).webhooks.iter().map(|w| w.to_json(&self.inner.company_id)).collect()
    }
}

fn render_error(status: StatusCode, message: &str) -> Response {
    let error_type = match status.as_u16() {
        401 | 403 => "BlazeAuthException",
        400 | 404 | 405 | 413 | 415 => "BlazeInvalidArgException",
        _ => "BlazeException",
    };
    json_response(status, &json!({"message": message, "errorType": error_type}))
}

/// A refused request, already rendered in this provider's error shape (boxed: a
/// `Response` is large).
type Reject = Box<Response>;

fn reject(status: StatusCode, message: &str) -> Reject {
    Box::new(render_error(status, message))
}

fn authorized(sim: &BlazeApi, headers: &HeaderMap) -> Result<(), Reject> {
    let value = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let partner_ok = value(&sim.config.partner_key_header) == Some(sim.partner_key.as_str());
    let developer_ok = value(&sim.config.developer_key_header) == Some(sim.developer_key.as_str());
    match (partner_ok, developer_ok) {
        (true, true) => Ok(()),
        (false, _) => Err(reject(
            StatusCode::UNAUTHORIZED,
            &format!("missing or invalid partner key in `{}`", sim.config.partner_key_header),
        )),
        (true, false) => Err(reject(
            StatusCode::UNAUTHORIZED,
            &format!(
                "missing or invalid developer key in `{}` (send the key itself, without `Bearer`)",
                sim.config.developer_key_header
            ),
        )),
    }
}

/// The editable fields of a create / PUT body.
struct Fields {
    url: Option<String>,
    shop_id: Option<String>,
    web_hook_type: Option<String>,
    web_hook_urls: Vec<String>,
}

fn optional_string(map: &Map<String, Value>, name: &str) -> Result<Option<String>, Reject> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(reject(StatusCode::BAD_REQUEST, &format!("`{name}` must be a string"))),
    }
}

fn parse_fields(headers: &HeaderMap, body: &[u8]) -> Result<(Map<String, Value>, Fields), Reject> {
    let map = json_object(headers, body).map_err(|e| reject(e.status(), &e.message()))?;
    let url = optional_string(&map, "url")?;
    let shop_id = optional_string(&map, "shopId")?;
    let web_hook_type = optional_string(&map, "webHookType")?;
    if web_hook_type.as_deref() == Some("") {
        return Err(reject(StatusCode::BAD_REQUEST, "`webHookType` must not be empty"));
    }
    let web_hook_urls = match map.get("webHookUrls") {
        Some(Value::Array(items)) if !items.is_empty() => {
            let mut urls = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str() {
                    Some(u) if is_http_url(u) => urls.push(u.to_owned()),
                    _ => {
                        return Err(reject(
                            StatusCode::BAD_REQUEST,
                            "every `webHookUrls` entry must be an absolute http(s) URL",
                        ));
                    }
                }
            }
            urls
        }
        _ => {
            return Err(reject(
                StatusCode::BAD_REQUEST,
                "`webHookUrls` is required and must be a non-empty array of URLs",
            ));
        }
    };
    Ok((map, Fields { url, shop_id, web_hook_type, web_hook_urls }))
}

fn not_found(id: &str) -> Response {
    render_error(StatusCode::NOT_FOUND, &format!("webHook `{id}` not found"))
}

async fn create(State(sim): State<Sim>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let (_, fields) = match parse_fields(&headers, &body) {
        Ok(parsed) => parsed,
        Err(r) => return *r,
    };
    let now = Timestamp::now().as_millisecond();
    let webhook = WebHook {
        id: object_id(),
        shop_id: fields.shop_id,
        created: now,
        modified: now,
        deleted: false,
        updated: false,
        url: fields.url,
        web_hook_type: fields.web_hook_type,
        web_hook_urls: fields.web_hook_urls,
    };
    let out = webhook.to_json(&sim.company_id);
    lock(&sim.state).webhooks.push(webhook);
    json_response(StatusCode::OK, &out)
}

async fn get_one(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let state = lock(&sim.state);
    match state.webhooks.iter().find(|w| w.id == id && !w.deleted) {
        Some(w) => json_response(StatusCode::OK, &w.to_json(&sim.company_id)),
        None => not_found(&id),
    }
}

async fn update(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let (map, fields) = match parse_fields(&headers, &body) {
        Ok(parsed) => parsed,
        Err(r) => return *r,
    };
    match optional_string(&map, "id") {
        Ok(Some(body_id)) if body_id != id => {
            return render_error(StatusCode::BAD_REQUEST, "the body `id` does not match the `webHookId` in the path");
        }
        Ok(_) => {}
        Err(r) => return *r,
    }
    let mut state = lock(&sim.state);
    let Some(webhook) = state.webhooks.iter_mut().find(|w| w.id == id && !w.deleted) else {
        return not_found(&id);
    };
    webhook.url = fields.url;
    webhook.shop_id = fields.shop_id;
    webhook.web_hook_type = fields.web_hook_type;
    webhook.web_hook_urls = fields.web_hook_urls;
    webhook.updated = true;
    webhook.modified = Timestamp::now().as_millisecond().max(webhook.modified + 1);
    json_response(StatusCode::OK, &webhook.to_json(&sim.company_id))
}

async fn delete(State(sim): State<Sim>, PathId(id): PathId, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let mut state = lock(&sim.state);
    match state.webhooks.iter_mut().find(|w| w.id == id && !w.deleted) {
        Some(w) => {
            w.deleted = true;
            w.modified = Timestamp::now().as_millisecond().max(w.modified + 1);
            empty_response(StatusCode::OK)
        }
        None => not_found(&id),
    }
}

fn parse_count(pairs: &[(String, String)], name: &str) -> Result<Option<usize>, Reject> {
    match query_param(pairs, name) {
        None => Ok(None),
        Some(v) => v.parse::<usize>().map(Some).map_err(|_| {
            reject(StatusCode::BAD_REQUEST, &format!("query parameter `{name}` must be a non-negative integer"))
        }),
    }
}

async fn list(State(sim): State<Sim>, RawQuery(query): RawQuery, headers: HeaderMap) -> Response {
    if let Err(r) = authorized(&sim, &headers) {
        return *r;
    }
    let pairs = query_pairs(query.as_deref());
    let start = match (parse_count(&pairs, "start"), parse_count(&pairs, "skip")) {
        (Err(r), _) | (Ok(None), Err(r)) => return *r,
        (Ok(Some(s)), _) | (Ok(None), Ok(Some(s))) => s,
        (Ok(None), Ok(None)) => 0,
    };
    let limit = match parse_count(&pairs, "limit") {
        Err(r) => return *r,
        Ok(None) => BLAZE_DEFAULT_LIMIT,
        Ok(Some(l)) if (1..=BLAZE_MAX_LIMIT).contains(&l) => l,
        Ok(Some(_)) => {
            return render_error(
                StatusCode::BAD_REQUEST,
                &format!("query parameter `limit` must be between 1 and {BLAZE_MAX_LIMIT}"),
            );
        }
    };
    let shop_id = query_param(&pairs, "shopId");
    let state = lock(&sim.state);
    let matching: Vec<&WebHook> = state
        .webhooks
        .iter()
        .filter(|w| !w.deleted && shop_id.is_none_or(|s| w.shop_id.as_deref() == Some(s)))
        .collect();
    let total = matching.len();
    let page: Vec<Value> = matching.into_iter().skip(start).take(limit).map(|w| w.to_json(&sim.company_id)).collect();
    let out = match state.shape {
        SearchResultShape::Docs => json!({"count": page.len(), "total": total, "searchResult": page}),
        SearchResultShape::ClientCode => json!({"values": page, "skip": start, "limit": limit, "total": total}),
    };
    json_response(StatusCode::OK, &out)
}
