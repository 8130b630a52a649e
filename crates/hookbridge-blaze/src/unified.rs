//! The unified [`Webhook`] implementation and the BLAZE ⇄ unified conversions.
//!
//! | BLAZE (`PartnerWebHook`) | unified ([`Endpoint`]) |
//! |---|---|
//! | `id` | [`Endpoint::id`] (a webhook without an id cannot become an endpoint) |
//! | `webHookUrls` | [`Endpoint::urls`] (an explicit empty list is remembered as `provider_fields.webHookUrls = []`) |
//! | `webHookType` | [`EventSelection::Only`]`([type])` when present, `Only([])` when absent; also kept raw in `provider_fields` |
//! | `created` / `modified` (epoch ms) | [`Endpoint::created_at`] / [`Endpoint::updated_at`] |
//! | `deleted` | `true` → [`EndpointStatus::Deleted`], `false` → [`EndpointStatus::Active`], absent → [`EndpointStatus::Unknown`]; also kept raw |
//! | `companyId`, `shopId`, `url`, `updated`, and any undocumented field | `provider_fields`, by wire name |
//! | — | [`Endpoint::has_secret`] is `Some(false)`: BLAZE deliveries carry no secret |
//!
//! Both directions are exact, so provider → unified → provider gives back the same object.

use futures_util::StreamExt;
use hookbridge_core::error::DecodeErrorKind;
use hookbridge_core::page::BoxStream;
use hookbridge_core::provider_fields::{FieldReader, PutField};
use hookbridge_core::{
    Capabilities, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate, EventSelection, EventType,
    InvalidInput, ListFilter, Operation, Page, Result, Webhook,
};
use serde_json::{Map, Value};

use crate::client::{BlazeClient, ListWebHooksOptions, parse_http_url, validate_create, validate_http_url};
use crate::model::{CreateWebHook, PartnerWebHook, SearchResult, WebHookType};

/// Wire names used as keys of [`Endpoint::provider_fields`] and [`EndpointSpec::provider_fields`].
pub mod fields {
    /// `id`
    pub const ID: &str = "id";
    /// `companyId`
    pub const COMPANY_ID: &str = "companyId";
    /// `shopId`
    pub const SHOP_ID: &str = "shopId";
    /// `created`
    pub const CREATED: &str = "created";
    /// `modified`
    pub const MODIFIED: &str = "modified";
    /// `deleted`
    pub const DELETED: &str = "deleted";
    /// `updated`
    pub const UPDATED: &str = "updated";
    /// `url`
    pub const URL: &str = "url";
    /// `webHookType`
    pub const WEB_HOOK_TYPE: &str = "webHookType";
    /// `webHookUrls`
    pub const WEB_HOOK_URLS: &str = "webHookUrls";
}

fn missing_id() -> InvalidInput {
    InvalidInput::new(fields::ID, "the BLAZE webhook has no id")
}

/// Converts a BLAZE webhook to the unified [`Endpoint`] (see the [module docs](self) for the
/// mapping). Fails only when the webhook has no `id`. Clones the webhook; a caller that owns it
/// converts it without copying any string through `Endpoint::try_from(webhook)`.
impl TryFrom<&PartnerWebHook> for Endpoint {
    type Error = InvalidInput;

    fn try_from(webhook: &PartnerWebHook) -> Result<Self, InvalidInput> {
        if webhook.id.is_none() {
            return Err(missing_id());
        }
        Endpoint::try_from(webhook.clone())
    }
}

/// The same mapping as `TryFrom<&PartnerWebHook>`, moving the webhook's strings into the endpoint (the
/// list, get, create and update paths own the decoded webhook).
impl TryFrom<PartnerWebHook> for Endpoint {
    type Error = InvalidInput;

    fn try_from(webhook: PartnerWebHook) -> Result<Self, InvalidInput> {
        let PartnerWebHook {
            id,
            company_id,
            shop_id,
            created,
            modified,
            deleted,
            updated,
            url,
            web_hook_type,
            web_hook_urls,
            extra,
        } = webhook;
        let id = id.ok_or_else(missing_id)?;
        let mut ep = Endpoint::new(crate::PROVIDER, EndpointId::from_provider(id));
        let mut pf = Map::new();
        match web_hook_urls {
            Some(urls) if urls.is_empty() => {
                pf.insert(fields::WEB_HOOK_URLS.into(), Value::Array(Vec::new()));
            }
            Some(urls) => ep.urls = urls,
            None => {}
        }
        ep.status = match deleted {
            Some(true) => EndpointStatus::Deleted,
            Some(false) => EndpointStatus::Active,
            None => EndpointStatus::Unknown,
        };
        ep.created_at = created;
        ep.updated_at = modified;
        ep.has_secret = Some(false);
        pf.put(fields::COMPANY_ID, company_id)
            .put(fields::SHOP_ID, shop_id)
            .put(fields::URL, url)
            .put(fields::DELETED, deleted)
            .put(fields::UPDATED, updated);
        ep.events = match web_hook_type {
            Some(t) => {
                let event = EventType::from(&t);
                pf.put(fields::WEB_HOOK_TYPE, Some(t.as_str()));
                EventSelection::Only(vec![event])
            }
            None => EventSelection::Only(Vec::new()),
        };
        for (k, v) in extra.into_inner() {
            pf.insert(k, v);
        }
        ep.provider_fields = pf;
        Ok(ep)
    }
}

/// Converts a unified [`Endpoint`] back to the BLAZE object (the inverse of `TryFrom<&PartnerWebHook> for Endpoint`).
///
/// Refused, rather than dropped: an endpoint of another provider, a name, a secret, more than one
/// event (BLAZE has one `webHookType`), a status other than active / deleted / unknown,
/// `provider_fields` of the wrong JSON type, and `id` / `created` / `modified` in
/// `provider_fields` (they have unified fields).
impl TryFrom<&Endpoint> for PartnerWebHook {
    type Error = InvalidInput;

    fn try_from(ep: &Endpoint) -> Result<Self, InvalidInput> {
        let mut pf = ep.fields_for(crate::PROVIDER)?;
        if ep.name.is_some() {
            return Err(InvalidInput::new("name", "BLAZE webhooks have no name"));
        }
        if ep.secret.is_some() || ep.has_secret == Some(true) {
            return Err(InvalidInput::new("secret", "BLAZE webhooks have no signing secret"));
        }
        pf.reserved(&[fields::ID, fields::CREATED, fields::MODIFIED])?;
        // The unified URLs win; the raw list only remembers an explicitly empty one.
        let raw_urls = pf.remove(fields::WEB_HOOK_URLS);
        let web_hook_urls = if !ep.urls.is_empty() {
            Some(ep.urls.clone())
        } else {
            match raw_urls {
                None | Some(Value::Null) => None,
                Some(Value::Array(a)) if a.is_empty() => Some(Vec::new()),
                Some(_) => {
                    return Err(InvalidInput::new(
                        "provider_fields",
                        "`webHookUrls` may only be `[]` there (an explicitly empty list); put URLs in Endpoint::urls",
                    ));
                }
            }
        };
        let raw_type = pf.take_or_null::<String>(fields::WEB_HOOK_TYPE)?;
        let web_hook_type = match ep.events.events() {
            [] => raw_type.map(|s| WebHookType::from(&EventType::new(s))),
            [one] => Some(WebHookType::from(one)),
            _ => return Err(too_many_events()),
        };
        let deleted = match &ep.status {
            EndpointStatus::Deleted => Some(true),
            EndpointStatus::Active => Some(false),
            EndpointStatus::Unknown => pf.take_or_null(fields::DELETED)?,
            other => {
                return Err(InvalidInput::new(
                    "status",
                    format!("BLAZE only knows deleted true/false, cannot express {other:?}"),
                ));
            }
        };
        // A known status decides `deleted`; the raw copy is not an unmodelled field.
        pf.remove(fields::DELETED);
        Ok(PartnerWebHook {
            id: Some(ep.id.as_str().to_owned()),
            company_id: pf.take_or_null(fields::COMPANY_ID)?,
            shop_id: pf.take_or_null(fields::SHOP_ID)?,
            created: ep.created_at,
            modified: ep.updated_at,
            deleted,
            updated: pf.take_or_null(fields::UPDATED)?,
            url: pf.take_or_null(fields::URL)?,
            web_hook_type,
            web_hook_urls,
            extra: pf.into_rest().into(),
        })
    }
}

/// Builds the create body for a unified spec.
///
/// `urls` → `webHookUrls` (at least one, `http`/`https`); `provider_fields.shopId` and
/// `provider_fields.url` (strings) are carried. BLAZE's create has no event field, so only an
/// empty event list is accepted: a spec selecting specific events is refused, and so is
/// [`EventSelection::All`] (BLAZE documents no "all events" setting; [`Capabilities::all_events`]
/// is `false`). A name or any other provider field is refused too.
impl TryFrom<&EndpointSpec> for CreateWebHook {
    type Error = InvalidInput;

    fn try_from(spec: &EndpointSpec) -> Result<Self, InvalidInput> {
        match &spec.events {
            EventSelection::All => return Err(all_events_unsupported()),
            EventSelection::Only(events) if !events.is_empty() => {
                return Err(InvalidInput::new(
                    "events",
                    "BLAZE's create has no event field; select no events (set `webHookType` with update)",
                ));
            }
            EventSelection::Only(_) => {}
        }
        let overrides = SpecFields::from_spec(spec)?;
        let mut body = CreateWebHook::new(spec.urls.clone());
        body.shop_id = overrides.shop_id;
        body.url = overrides
            .url
            .map(|u| {
                parse_http_url("url", &u)?;
                hookbridge_core::DeliveryUrl::new(u)
            })
            .transpose()?;
        validate_create(&body)?;
        Ok(body)
    }
}

/// The unified spec a create body stands for (the inverse of `TryFrom<&EndpointSpec>` for valid
/// bodies): `webHookUrls` are the URLs, no events (BLAZE's create has no event field), `shopId` and
/// `url` in `provider_fields`.
impl From<&CreateWebHook> for EndpointSpec {
    fn from(body: &CreateWebHook) -> Self {
        let mut spec = EndpointSpec::default();
        spec.urls = body.web_hook_urls.clone();
        spec.provider_fields
            .put(fields::SHOP_ID, body.shop_id.as_deref())
            .put(fields::URL, body.url.as_ref().map(hookbridge_core::DeliveryUrl::as_str));
        spec
    }
}

/// A page of webhooks fetched with `start` / `limit` (either envelope of BLAZE's `SearchResult`)
/// as a unified page: the next offset while the page was full or `total` is not reached, exactly
/// as the client's own listing computes it.
///
/// # Errors
/// A webhook without an `id`.
pub fn endpoint_page(result: SearchResult, start: u64, limit: u64) -> Result<Page<Endpoint>, InvalidInput> {
    let total = result.total;
    let items = result.into_items();
    let next = Page::<Endpoint>::next_offset(start, items.len(), limit, total);
    let items = items.into_iter().map(Endpoint::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(items, next))
}

/// What a spec may set on a BLAZE webhook besides URLs and events.
struct SpecFields {
    shop_id: Option<String>,
    url: Option<String>,
}

impl SpecFields {
    fn from_spec(spec: &EndpointSpec) -> Result<Self, InvalidInput> {
        if spec.name.is_some() {
            return Err(InvalidInput::new("name", "BLAZE webhooks have no name"));
        }
        if spec.urls.is_empty() {
            return Err(InvalidInput::new("url", "at least one delivery URL is required"));
        }
        for url in &spec.urls {
            validate_http_url("url", url)?;
        }
        Self::from_fields(&spec.provider_fields)
    }

    fn from_fields(provider_fields: &Map<String, Value>) -> Result<Self, InvalidInput> {
        let mut provider_fields = FieldReader::new(crate::PROVIDER, provider_fields);
        provider_fields.only(&[fields::SHOP_ID, fields::URL])?;
        let shop_id = provider_fields.take_non_empty(fields::SHOP_ID)?;
        let url = provider_fields.take_non_empty(fields::URL)?;
        if let Some(u) = &url {
            parse_http_url("url", u)?;
        }
        Ok(Self { shop_id, url })
    }
}

/// A validated unified update, applied to the current object before the PUT.
struct UpdatePlan {
    urls: Option<Vec<String>>,
    web_hook_type: Option<WebHookType>,
    fields: SpecFields,
}

impl UpdatePlan {
    fn new(update: &EndpointUpdate) -> Result<Self, InvalidInput> {
        update.require_change()?;
        if update.name.is_some() {
            return Err(InvalidInput::new("name", "BLAZE webhooks have no name"));
        }
        let urls = match &update.urls {
            None => None,
            Some(urls) if urls.is_empty() => {
                return Err(InvalidInput::new("url", "at least one delivery URL is required"));
            }
            Some(urls) => {
                for url in urls {
                    validate_http_url("url", url)?;
                }
                Some(urls.iter().map(|u| u.as_str().to_owned()).collect())
            }
        };
        let web_hook_type = match &update.events {
            None => None,
            Some(EventSelection::All) => return Err(all_events_unsupported()),
            Some(EventSelection::Only(events)) => match events.as_slice() {
                [] => None,
                [one] => Some(WebHookType::from(one)),
                _ => return Err(too_many_events()),
            },
        };
        Ok(Self { urls, web_hook_type, fields: SpecFields::from_fields(&update.provider_fields)? })
    }

    fn apply(self, id: &EndpointId, mut current: PartnerWebHook) -> PartnerWebHook {
        current.id.get_or_insert_with(|| id.as_str().to_owned());
        if let Some(urls) = self.urls {
            current.web_hook_urls = Some(urls);
        }
        if let Some(t) = self.web_hook_type {
            current.web_hook_type = Some(t);
        }
        if let Some(shop) = self.fields.shop_id {
            current.shop_id = Some(shop);
        }
        if let Some(url) = self.fields.url {
            current.url = Some(url);
        }
        current
    }
}

/// The list options for a unified filter: `shopId` only.
fn list_options(filter: &ListFilter) -> Result<ListWebHooksOptions, InvalidInput> {
    let mut options = ListWebHooksOptions::default();
    let mut provider_fields = FieldReader::new(crate::PROVIDER, &filter.provider_fields);
    provider_fields.only(&[fields::SHOP_ID])?;
    if let Some(shop) = provider_fields.take_non_empty(fields::SHOP_ID)? {
        options = options.shop_id(shop);
    }
    Ok(options)
}

/// BLAZE has no "every event" setting ([`Capabilities::all_events`] is `false`).
fn all_events_unsupported() -> InvalidInput {
    InvalidInput::new(
        "events",
        "BLAZE has no \"all events\" setting (capabilities: all_events = false); a webhook carries one webHookType",
    )
}

fn too_many_events() -> InvalidInput {
    InvalidInput::new("events", "a BLAZE webhook has exactly one webHookType; select at most one event")
}

impl BlazeClient {
    fn endpoint(&self, operation: &'static str, webhook: PartnerWebHook) -> Result<Endpoint> {
        if webhook.id.is_some() {
            return Endpoint::try_from(webhook).map_err(Into::into);
        }
        Endpoint::try_from(&webhook).map_err(|e| {
            self.http.decode_error(
                operation,
                None,
                DecodeErrorKind::Invalid(e.reason.clone()),
                format!("BLAZE returned a webhook without an id: {e}"),
                &serde_json::to_vec(&webhook).unwrap_or_default(),
                None,
            )
        })
    }
}

/// What BLAZE documents, through the unified trait (known without a client): create, get, list,
/// update and delete, several URLs per webhook; no event list at creation and no secret.
pub const CAPABILITIES: Capabilities = Capabilities::NONE
    .with_all(&[Operation::Create, Operation::Get, Operation::List, Operation::Update, Operation::Delete])
    .with_multiple_urls();

/// BLAZE through the unified trait.
///
/// * `create`, `get`, `list`, `update`, `delete` are supported; `rotate_secret` is not (BLAZE
///   deliveries are unsigned: there is no secret to rotate).
/// * `update` sends the **full** object, as BLAZE's PUT requires: it fetches the current webhook,
///   applies only the fields the [`EndpointUpdate`] sets (`urls` → `webHookUrls`; one event →
///   `webHookType`, an empty list keeps the current type, more than one or `All` is refused;
///   `provider_fields.shopId` / `url`), then PUTs the result. Every other field is sent back as
///   fetched.
/// * [`Capabilities::event_selection`] is `false`: BLAZE's create takes no event list and a webhook
///   carries a single `webHookType`, so a unified event list cannot be honoured (create refuses a
///   non-empty one; update accepts exactly one).
#[async_trait::async_trait]
impl Webhook for BlazeClient {
    hookbridge_core::webhook_facts!(crate::PROVIDER, CAPABILITIES);

    async fn create(&self, spec: &EndpointSpec) -> Result<Endpoint> {
        let body = CreateWebHook::try_from(spec)?;
        let created = self.webhooks().create(&body).await?;
        self.endpoint("create", created)
    }

    async fn get(&self, id: &EndpointId) -> Result<Endpoint> {
        let webhook = self.webhooks().get(id.as_str()).await?;
        self.endpoint("get", webhook)
    }

    fn list(&self) -> BoxStream<'_, Endpoint> {
        self.list_filtered(&ListFilter::new())
    }

    /// Accepts `shopId` (a non-empty string), sent as BLAZE's `shopId` query parameter.
    fn list_filtered(&self, filter: &ListFilter) -> BoxStream<'_, Endpoint> {
        let options = match list_options(filter) {
            Ok(options) => options,
            Err(e) => return Box::pin(futures_util::stream::once(async move { Err(e.into()) })),
        };
        self.webhooks().list(&options).map(|item| item.and_then(|w| self.endpoint("list", w))).boxed()
    }

    async fn update(&self, id: &EndpointId, update: &EndpointUpdate) -> Result<Endpoint> {
        hookbridge_core::model::validate_path_id("webHookId", id.as_str())?;
        let plan = UpdatePlan::new(update)?;
        let current = self.webhooks().get(id.as_str()).await?;
        let full = plan.apply(id, current);
        let updated = self.webhooks().update(id.as_str(), &full).await?;
        self.endpoint("update", updated)
    }

    async fn delete(&self, id: &EndpointId) -> Result<()> {
        self.webhooks().delete(id.as_str()).await
    }
}
