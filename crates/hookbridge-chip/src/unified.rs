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
use hookbridge_core::provider_fields::{FieldReader, PutField};
use hookbridge_core::{
    BoxStream, Capabilities, DeliveryUrl, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate,
    EventSelection, EventType, InvalidInput, Operation, Page, PageRequest, Result, Webhook,
};
use serde_json::Value;

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
        e.provider_fields = w.extra.0.clone();
        e.provider_fields
            .put(FIELD_TYPE, w.object_type.clone())
            .put(FIELD_PUBLIC_KEY, w.public_key.clone())
            .put(FIELD_ALL_EVENTS, Some(w.all_events))
            .put(FIELD_EVENTS, (w.all_events && !w.events.is_empty()).then(|| events_value(&w.events)));
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

/// `all_events` (a boolean) and `events` (a list of strings) of `provider_fields`, each absent or `null` when unset.
fn take_event_fields(fields: &mut FieldReader) -> Result<(Option<bool>, Option<Vec<ChipEvent>>), InvalidInput> {
    let flag = fields.take_or_null(FIELD_ALL_EVENTS)?;
    let listed = fields.take_or_null::<Vec<String>>(FIELD_EVENTS)?;
    Ok((flag, listed.map(|names| names.iter().map(|name| ChipEvent::from(name.as_str())).collect())))
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
        let mut fields = e.fields_for(crate::PROVIDER)?;
        if e.secret.is_some() {
            return Err(InvalidInput::new("secret", "CHIP webhooks have no secret (CHIP signs with its RSA key)"));
        }
        let callback = e.single_url()?.clone();
        let title = e.name.clone().ok_or_else(|| InvalidInput::new("name", "a CHIP webhook has a title"))?;
        fields.reserved(&UNIFIED_KEYS)?;
        let object_type = fields.take_or_null(FIELD_TYPE)?;
        let public_key = fields.take_or_null(FIELD_PUBLIC_KEY)?;
        let (flag, listed) = take_event_fields(&mut fields)?;
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
            extra: fields.into_rest().into(),
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
        let mut fields = FieldReader::new(crate::PROVIDER, &spec.provider_fields);
        fields.only(&[FIELD_PUBLIC_KEY, FIELD_ALL_EVENTS, FIELD_EVENTS])?;
        let public_key = fields.take_or_null(FIELD_PUBLIC_KEY)?;
        let (flag, listed) = take_event_fields(&mut fields)?;
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
            spec.provider_fields.put(FIELD_EVENTS, (!request.events.is_empty()).then(|| events_value(&request.events)));
        } else {
            spec.events = EventSelection::Only(request.events.iter().map(|e| EventType::new(e.as_str())).collect());
        }
        spec.provider_fields.put(FIELD_PUBLIC_KEY, request.public_key.clone());
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
    let mut fields = FieldReader::new(crate::PROVIDER, &update.provider_fields);
    fields.only(&[FIELD_PUBLIC_KEY])?;
    let public_key = fields.take_or_null(FIELD_PUBLIC_KEY)?;
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
