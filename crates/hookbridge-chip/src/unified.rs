//! The unified [`Webhook`] implementation and the CHIP ⇄ unified conversions.
//!
//! | unified | CHIP |
//! |---|---|
//! | `Endpoint::id` | `id` |
//! | `Endpoint::urls` (exactly one) | `callback` |
//! | `Endpoint::events` | `EventSelection::All` when `all_events`, else `Only(events)` |
//! | `Endpoint::name` | `title` (required by CHIP) |
//! | `created_at` / `updated_at` | `created_on` / `updated_on` (epoch seconds) |
//! | `has_secret` | `public_key` present and non-empty |
//! | `status` | always `Unknown`: CHIP reports no enabled/disabled state |
//! | `provider_fields` | `type`, `public_key`, `all_events`, `events` (only when `all_events`, so a list sent alongside it is kept), and every unmodelled field |
//!
//! Update is **read, merge, replace**: CHIP's `PUT webhooks/{id}/` takes the whole object, so the
//! unified update fetches the webhook, applies only the fields the [`EndpointUpdate`] sets
//! (`urls` → `callback`, `name` → `title`, `events` → `all_events`/`events`, `provider_fields`
//! `public_key`) and PUTs the result; every other field is sent back as fetched.
//!
//! Secret rotation is unsupported: CHIP signs deliveries with an RSA key pair it holds (the
//! webhook's `public_key` verifies them); there is no shared secret and no documented rotation.

use async_trait::async_trait;
use futures_util::StreamExt;
use hookbridge_core::{
    BoxStream, Capabilities, DeliveryUrl, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate,
    EventSelection, EventType, InvalidInput, Operation, Page, PageRequest, Result, Webhook,
};
use serde_json::{Map, Value};

use crate::client::ChipClient;
use crate::model::{ChipEvent, ChipWebhook, WebhookId, WebhookPage, WebhookRequest};

/// `provider_fields` key: CHIP's object `type`.
pub const FIELD_TYPE: &str = "type";
/// `provider_fields` key: the webhook's PEM public key.
pub const FIELD_PUBLIC_KEY: &str = "public_key";
/// `provider_fields` key: `all_events`.
pub const FIELD_ALL_EVENTS: &str = "all_events";
/// `provider_fields` key: the `events` list, kept there only when `all_events` is true.
pub const FIELD_EVENTS: &str = "events";

/// Fields of [`ChipWebhook`] that map onto unified fields and so must not appear in `provider_fields`.
const UNIFIED_KEYS: [&str; 5] = ["id", "created_on", "updated_on", "title", "callback"];

impl From<&ChipWebhook> for Endpoint {
    fn from(w: &ChipWebhook) -> Self {
        let mut e = Endpoint::new(crate::PROVIDER, EndpointId::from(&w.id));
        e.urls = vec![w.callback.clone()];
        e.events = if w.all_events {
            EventSelection::All
        } else {
            EventSelection::Only(w.events.iter().map(|ev| EventType::new(ev.as_str())).collect())
        };
        e.status = EndpointStatus::Unknown;
        e.name = Some(w.title.clone());
        e.created_at = w.created_on;
        e.updated_at = w.updated_on;
        e.has_secret = Some(w.public_key.as_deref().is_some_and(|k| !k.trim().is_empty()));
        let mut fields = w.extra.clone().into_inner();
        if let Some(t) = &w.object_type {
            fields.insert(FIELD_TYPE.to_owned(), Value::String(t.clone()));
        }
        if let Some(k) = &w.public_key {
            fields.insert(FIELD_PUBLIC_KEY.to_owned(), Value::String(k.clone()));
        }
        fields.insert(FIELD_ALL_EVENTS.to_owned(), Value::Bool(w.all_events));
        if w.all_events && !w.events.is_empty() {
            fields.insert(FIELD_EVENTS.to_owned(), events_value(&w.events));
        }
        e.provider_fields = fields;
        e
    }
}

impl From<ChipWebhook> for Endpoint {
    fn from(w: ChipWebhook) -> Self {
        Endpoint::from(&w)
    }
}

fn events_value(events: &[ChipEvent]) -> Value {
    Value::Array(events.iter().map(|e| Value::String(e.as_str().to_owned())).collect())
}

fn take_string(fields: &mut Map<String, Value>, key: &'static str) -> Result<Option<String>, InvalidInput> {
    match fields.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(InvalidInput::new("provider_fields", format!("`{key}` must be a string, got {other}"))),
    }
}

fn take_bool(fields: &mut Map<String, Value>, key: &'static str) -> Result<Option<bool>, InvalidInput> {
    match fields.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(b)),
        Some(other) => Err(InvalidInput::new("provider_fields", format!("`{key}` must be a boolean, got {other}"))),
    }
}

fn take_events(fields: &mut Map<String, Value>, key: &'static str) -> Result<Option<Vec<ChipEvent>>, InvalidInput> {
    match fields.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(ChipEvent::from(s.as_str())),
                other => Err(InvalidInput::new("provider_fields", format!("`{key}` must list strings, got {other}"))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(InvalidInput::new("provider_fields", format!("`{key}` must be a list, got {other}"))),
    }
}

fn chip_events(list: &[EventType]) -> Vec<ChipEvent> {
    list.iter().map(|e| ChipEvent::from(e.as_str())).collect()
}

fn conflict(selection: &str, flag: bool) -> InvalidInput {
    InvalidInput::new("provider_fields", format!("`all_events: {flag}` contradicts the event selection `{selection}`"))
}

/// Rebuilds the CHIP webhook an [`Endpoint`] was made from (the inverse of `Endpoint::from`).
impl TryFrom<&Endpoint> for ChipWebhook {
    type Error = InvalidInput;

    fn try_from(e: &Endpoint) -> Result<Self, Self::Error> {
        e.expect_provider(crate::PROVIDER)?;
        let callback = e.single_url()?.clone();
        let title = e.name.clone().ok_or_else(|| InvalidInput::new("name", "a CHIP webhook has a title"))?;
        let mut fields = e.provider_fields.clone();
        if let Some(key) = UNIFIED_KEYS.iter().find(|k| fields.contains_key(**k)) {
            return Err(InvalidInput::new("provider_fields", format!("`{key}` is carried by a unified field")));
        }
        let object_type = take_string(&mut fields, FIELD_TYPE)?;
        let public_key = take_string(&mut fields, FIELD_PUBLIC_KEY)?;
        let flag = take_bool(&mut fields, FIELD_ALL_EVENTS)?;
        let listed = take_events(&mut fields, FIELD_EVENTS)?;
        let (all_events, events) = match &e.events {
            EventSelection::All if flag == Some(false) => return Err(conflict("all", false)),
            EventSelection::All => (true, listed.unwrap_or_default()),
            EventSelection::Only(_) if flag == Some(true) => return Err(conflict("only", true)),
            EventSelection::Only(_) if listed.is_some() => {
                return Err(InvalidInput::new(
                    "provider_fields",
                    "`events` is kept in provider_fields only when all_events is true",
                ));
            }
            EventSelection::Only(list) => (false, chip_events(list)),
        };
        Ok(ChipWebhook {
            object_type,
            id: WebhookId::from_provider(e.id.as_str()),
            created_on: e.created_at,
            updated_on: e.updated_at,
            title,
            all_events,
            public_key,
            events,
            callback,
            extra: fields.into(),
        })
    }
}

/// Builds the create/`PUT` body from a unified spec.
///
/// Exactly one URL (`callback`); `name` is required (`title`); `EventSelection::All` sets
/// `all_events`, `Only` lists `events` (at least one). `provider_fields` may hold `public_key`
/// (string), `all_events` (boolean, to send a list together with `all_events: true`) and, with
/// `EventSelection::All`, `events`. Any other key is refused, never dropped.
impl TryFrom<&EndpointSpec> for WebhookRequest {
    type Error = InvalidInput;

    fn try_from(spec: &EndpointSpec) -> Result<Self, Self::Error> {
        let callback = spec.single_url()?;
        let title = spec
            .name
            .clone()
            .ok_or_else(|| InvalidInput::new("name", "CHIP requires a webhook title: set EndpointSpec::name"))?;
        let mut fields = spec.provider_fields.clone();
        let public_key = take_string(&mut fields, FIELD_PUBLIC_KEY)?;
        let flag = take_bool(&mut fields, FIELD_ALL_EVENTS)?;
        let listed = take_events(&mut fields, FIELD_EVENTS)?;
        if let Some(key) = fields.keys().next() {
            return Err(InvalidInput::new(
                "provider_fields",
                format!("CHIP webhooks take no `{key}` (accepted: public_key, all_events, events)"),
            ));
        }
        let (all_events, events) = match &spec.events {
            EventSelection::All if flag == Some(false) => return Err(conflict("all", false)),
            EventSelection::All => (true, listed.unwrap_or_default()),
            EventSelection::Only(_) if listed.is_some() => {
                return Err(InvalidInput::new(
                    "provider_fields",
                    "give events in EndpointSpec::events (provider_fields `events` only goes with all events)",
                ));
            }
            EventSelection::Only(list) => (flag.unwrap_or(false), chip_events(list)),
        };
        let req = WebhookRequest { title, all_events, public_key, events, callback: callback.to_string() };
        req.validate()?;
        Ok(req)
    }
}

/// The unified spec a create body stands for (the inverse of `TryFrom<&EndpointSpec>` for valid
/// bodies): `title` is the name; `all_events` is [`EventSelection::All`] (a list sent with it is
/// kept in `provider_fields.events`), `public_key` a provider field. Fails when `callback` is not
/// a URL.
impl TryFrom<&WebhookRequest> for EndpointSpec {
    type Error = InvalidInput;

    fn try_from(request: &WebhookRequest) -> Result<Self, Self::Error> {
        let url = DeliveryUrl::new(request.callback.as_str())
            .map_err(|e| InvalidInput::new("callback", format!("{:?} is not a URL: {}", request.callback, e.reason)))?;
        let mut spec = EndpointSpec::new(url).name(request.title.clone());
        if request.all_events {
            spec.events = EventSelection::All;
            if !request.events.is_empty() {
                spec.provider_fields.insert(FIELD_EVENTS.into(), events_value(&request.events));
            }
        } else {
            spec.events = EventSelection::Only(request.events.iter().map(|e| EventType::new(e.as_str())).collect());
        }
        if let Some(key) = &request.public_key {
            spec.provider_fields.insert(FIELD_PUBLIC_KEY.into(), Value::String(key.clone()));
        }
        Ok(spec)
    }
}

/// A page of webhooks as a unified page: the next page is the `next` URL, exactly as the client's
/// own listing follows it.
///
/// # Errors
/// A `next` that is not a URL.
pub fn endpoint_page(page: WebhookPage) -> Result<Page<Endpoint>, InvalidInput> {
    let next = page
        .next_url()
        .map_err(|e| InvalidInput::new("next", format!("CHIP's next-page link is not a URL: {e}")))?
        .map(PageRequest::Url);
    Ok(Page::new(page.results.iter().map(Endpoint::from).collect(), next))
}

/// Applies an [`EndpointUpdate`] to the `PUT` body of the current webhook: only the fields it sets
/// change. `provider_fields` may hold `public_key` (string); anything else is refused.
pub fn apply_update(mut current: WebhookRequest, update: &EndpointUpdate) -> Result<WebhookRequest, InvalidInput> {
    update.require_change()?;
    let mut fields = update.provider_fields.clone();
    let public_key = take_string(&mut fields, FIELD_PUBLIC_KEY)?;
    if let Some(key) = fields.keys().next() {
        return Err(InvalidInput::new(
            "provider_fields",
            format!("a CHIP update takes no `{key}` (accepted: public_key)"),
        ));
    }
    if let Some(url) = update.single_url()? {
        current.callback = url.to_string();
    }
    if let Some(name) = &update.name {
        current.title = name.clone();
    }
    match &update.events {
        None => {}
        Some(EventSelection::All) => current.all_events = true,
        Some(EventSelection::Only(list)) => {
            current.all_events = false;
            current.events = chip_events(list);
        }
    }
    if public_key.is_some() {
        current.public_key = public_key;
    }
    current.validate()?;
    Ok(current)
}

/// What CHIP Collect documents, through the unified trait (known without a client): create, get,
/// list, update (replace) and delete, with an event list or "all events"; no secret rotation.
pub const CAPABILITIES: Capabilities = Capabilities::NONE
    .with_all(&[Operation::Create, Operation::Get, Operation::List, Operation::Update, Operation::Delete])
    .with_event_selection()
    .with_all_events();

#[async_trait]
impl Webhook for ChipClient {
    hookbridge_core::webhook_facts!(crate::PROVIDER, CAPABILITIES);

    async fn create(&self, spec: &EndpointSpec) -> Result<Endpoint> {
        let body = WebhookRequest::try_from(spec)?;
        Ok(Endpoint::from(&self.webhooks().create(&body).await?))
    }

    async fn get(&self, id: &EndpointId) -> Result<Endpoint> {
        let id = WebhookId::try_from(id)?;
        Ok(Endpoint::from(&self.webhooks().get(&id).await?))
    }

    fn list(&self) -> BoxStream<'_, Endpoint> {
        Box::pin(self.webhooks().list().map(|page| page.map(Endpoint::from)))
    }

    async fn update(&self, id: &EndpointId, update: &EndpointUpdate) -> Result<Endpoint> {
        let id = WebhookId::try_from(id)?;
        update.require_change()?;
        let current = self.webhooks().get(&id).await?;
        let body = apply_update(current.to_request(), update)?;
        Ok(Endpoint::from(&self.webhooks().update(&id, &body).await?))
    }

    async fn delete(&self, id: &EndpointId) -> Result<()> {
        let id = WebhookId::try_from(id)?;
        self.webhooks().delete(&id).await
    }
}
