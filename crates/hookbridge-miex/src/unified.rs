//! The unified [`Webhook`] implementation and the MIEX ⇄ unified conversions.
//!
//! | unified | MIEX |
//! |---|---|
//! | `Endpoint::id` | `id` |
//! | `Endpoint::urls` (exactly one) | `url` |
//! | `Endpoint::events` (`Only`) | `events` |
//! | `Endpoint::status` | `isActive`: `true` → `Active`, `false` → `Inactive`, absent → `Unknown` |
//! | `Endpoint::created_at` / `updated_at` | `createdAt` / `updatedAt` |
//! | `Endpoint::has_secret` | `Some(true)` when `secretKey` is present, else `None` |
//! | `Endpoint::secret` | `secretKey` |
//! | `Endpoint::provider_fields` | `failCount`, `note`, and any undocumented response field |
//!
//! `EventSelection::All` expands to the four documented events (MIEX has no "all events" flag).

use async_trait::async_trait;
use hookbridge_core::provider_fields::{FieldReader, PutField};
use hookbridge_core::{
    Capabilities, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EventSelection, EventType, InvalidInput,
    Operation, Result, Webhook,
};

use crate::client::MiexClient;
use crate::model::{MiexEvent, MiexWebhook, RegisterWebhook, WebhookId, documented_events, unknown_event};

/// Wire name of the fail counter kept in [`Endpoint::provider_fields`].
pub const FAIL_COUNT: &str = "failCount";
/// Wire name of the note kept in [`Endpoint::provider_fields`].
pub const NOTE: &str = "note";

/// What MIEX documents, through the unified trait: create only (with an event list, "all events"
/// expanded to the four documented ones, and the secret revealed at creation).
pub const CAPABILITIES: Capabilities =
    Capabilities::NONE.with(Operation::Create).with_event_selection().with_all_events().with_secret_on_create();

#[async_trait]
impl Webhook for MiexClient {
    hookbridge_core::webhook_facts!(crate::PROVIDER, CAPABILITIES);

    /// Registers the endpoint (`POST /partner/webhooks`). The returned [`Endpoint::secret`] is
    /// MIEX's `secretKey`, shown only this once.
    async fn create(&self, spec: &EndpointSpec) -> Result<Endpoint> {
        let webhook = self.webhooks().register(&RegisterWebhook::try_from(spec)?).await?;
        Ok(Endpoint::from(webhook))
    }
}

impl TryFrom<&EndpointSpec> for RegisterWebhook {
    type Error = InvalidInput;

    /// Exactly one URL; events `All` (expanded) or a non-empty list of documented events; no name
    /// and no provider fields (MIEX's register body has only `url` and `events`).
    fn try_from(spec: &EndpointSpec) -> Result<Self, Self::Error> {
        let url = spec.single_url()?.clone();
        if spec.name.is_some() {
            return Err(InvalidInput::new("name", "MIEX webhooks have no name"));
        }
        FieldReader::new(crate::PROVIDER, &spec.provider_fields).only(&[])?;
        let events = match &spec.events {
            EventSelection::All => MiexEvent::ALL.to_vec(),
            EventSelection::Only(list) if list.is_empty() => {
                return Err(InvalidInput::new(
                    "events",
                    format!("at least one event is required (one of {})", documented_events()),
                ));
            }
            EventSelection::Only(list) => list.iter().map(to_miex_event).collect::<Result<_, _>>()?,
        };
        let request = RegisterWebhook::new(url, events);
        request.validate()?;
        Ok(request)
    }
}

fn to_miex_event(event: &EventType) -> Result<MiexEvent, InvalidInput> {
    match event.as_str().parse::<MiexEvent>() {
        Ok(e) if e.is_documented() => Ok(e),
        _ => Err(unknown_event(event.as_str())),
    }
}

/// The unified spec a register body stands for (the inverse of `TryFrom<&EndpointSpec>` for valid
/// bodies): its URL and `Only(events)`.
impl From<&RegisterWebhook> for EndpointSpec {
    fn from(request: &RegisterWebhook) -> Self {
        let mut spec = EndpointSpec::new(request.url.clone());
        spec.events = EventSelection::Only(request.events.iter().map(|e| EventType::new(e.as_str())).collect());
        spec
    }
}

impl From<MiexWebhook> for Endpoint {
    fn from(w: MiexWebhook) -> Self {
        let mut e = Endpoint::new(crate::PROVIDER, EndpointId::from_provider(w.id.as_str()));
        e.urls = vec![w.url];
        e.events = EventSelection::Only(w.events.iter().map(|ev| EventType::new(ev.as_str())).collect());
        e.status = match w.is_active {
            Some(true) => EndpointStatus::Active,
            Some(false) => EndpointStatus::Inactive,
            None => EndpointStatus::Unknown,
        };
        e.created_at = w.created_at;
        e.updated_at = w.updated_at;
        e.set_secret(w.secret_key);
        e.provider_fields = w.extra.into_inner();
        e.provider_fields.put(FAIL_COUNT, w.fail_count).put(NOTE, w.note);
        e
    }
}

impl TryFrom<&Endpoint> for MiexWebhook {
    type Error = InvalidInput;

    /// Rebuilds the MIEX object from a unified endpoint (the inverse of `From<MiexWebhook>`).
    fn try_from(e: &Endpoint) -> Result<Self, Self::Error> {
        let mut fields = e.fields_for(crate::PROVIDER)?;
        let url = e.single_url()?.clone();
        if e.name.is_some() {
            return Err(InvalidInput::new("name", "MIEX webhooks have no name"));
        }
        let mut w = MiexWebhook::new(WebhookId::new(e.id.as_str()), url);
        w.events = match &e.events {
            EventSelection::All => MiexEvent::ALL.to_vec(),
            EventSelection::Only(list) => {
                list.iter().map(|ev| ev.as_str().parse::<MiexEvent>().unwrap_or_else(|n| match n {})).collect()
            }
        };
        w.is_active = match &e.status {
            EndpointStatus::Active => Some(true),
            EndpointStatus::Inactive => Some(false),
            EndpointStatus::Unknown => None,
            other => {
                return Err(InvalidInput::new("status", format!("MIEX has only isActive true/false, not {other:?}")));
            }
        };
        w.created_at = e.created_at;
        w.updated_at = e.updated_at;
        w.secret_key = e.secret.clone();
        w.fail_count = fields.take(FAIL_COUNT)?;
        w.note = fields.take(NOTE)?;
        w.extra = fields.into_rest().into();
        Ok(w)
    }
}
