//! The unified [`Webhook`] implementation and the AbbeyCross ⇄ unified conversions.
//!
//! AbbeyCross returns no webhook id and no webhook object, only `{message, apiSecretKey}`, so the
//! unified endpoint is built from the request and the response:
//!
//! | unified | AbbeyCross |
//! |---|---|
//! | `Endpoint::id` | **the registered URL** (AbbeyCross issues no id) |
//! | `Endpoint::urls` (exactly one) | the registered URL |
//! | `Endpoint::events` (`Only`) | the registered events |
//! | `Endpoint::status` | `Unknown` (AbbeyCross reports none) |
//! | `Endpoint::has_secret` / `secret` | `Some(true)` / `apiSecretKey` when present |
//! | `Endpoint::provider_fields` | `message` and any undocumented response field |

use async_trait::async_trait;
use hookbridge_core::provider_fields::{FieldReader, PutField};
use hookbridge_core::{
    Capabilities, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EventSelection, InvalidInput, Operation, Result,
    Webhook,
};

use crate::client::AbbeyCrossClient;
use crate::model::{RegisterWebhook, RegisteredWebhook};

/// Wire name of the confirmation message kept in [`Endpoint::provider_fields`].
pub const MESSAGE: &str = "message";

/// What AbbeyCross documents, through the unified trait: create only, with an event list and the
/// secret revealed at creation. No "all events" (there is no catalogue to expand) and one URL.
pub const CAPABILITIES: Capabilities =
    Capabilities::NONE.with(Operation::Create).with_event_selection().with_secret_on_create();

#[async_trait]
impl Webhook for AbbeyCrossClient {
    hookbridge_core::webhook_facts!(crate::PROVIDER, CAPABILITIES);

    /// Registers the endpoint (`POST /v1/webhooks/register`). The endpoint's id is its URL, and its
    /// [`Endpoint::secret`] is the `apiSecretKey`.
    async fn create(&self, spec: &EndpointSpec) -> Result<Endpoint> {
        let request = RegisterWebhook::try_from(spec)?;
        let response = self.webhooks().register(&request).await?;
        Ok(Endpoint::from(RegisteredWebhook::new(&request, response)))
    }
}

impl TryFrom<&EndpointSpec> for RegisterWebhook {
    type Error = InvalidInput;

    /// Exactly one URL and an explicit event list (possibly empty: AbbeyCross does not require an
    /// event); no "all events", name or provider fields, which the register body cannot carry.
    fn try_from(spec: &EndpointSpec) -> Result<Self, Self::Error> {
        let url = spec.single_url()?.clone();
        let events = match &spec.events {
            EventSelection::Only(list) => list.clone(),
            EventSelection::All => {
                return Err(InvalidInput::new(
                    "events",
                    "AbbeyCross documents no event catalogue and no \"all events\" option; list the events",
                ));
            }
        };
        if spec.name.is_some() {
            return Err(InvalidInput::new("name", "AbbeyCross webhooks have no name"));
        }
        FieldReader::new(crate::PROVIDER, &spec.provider_fields).only(&[])?;
        let request = RegisterWebhook::new(url, events);
        request.validate()?;
        Ok(request)
    }
}

/// The unified spec a register body stands for (the inverse of `TryFrom<&EndpointSpec>` for valid
/// bodies): its URL and `Only(events)`.
impl From<&RegisterWebhook> for EndpointSpec {
    fn from(request: &RegisterWebhook) -> Self {
        let mut spec = EndpointSpec::new(request.url.clone());
        spec.events = EventSelection::Only(request.events.clone());
        spec
    }
}

impl From<RegisteredWebhook> for Endpoint {
    fn from(w: RegisteredWebhook) -> Self {
        let mut e = Endpoint::new(crate::PROVIDER, EndpointId::from_provider(w.url.as_str()));
        e.urls = vec![w.url];
        e.events = EventSelection::Only(w.events);
        e.status = EndpointStatus::Unknown;
        e.set_secret(w.api_secret_key);
        e.provider_fields = w.extra.into_inner();
        e.provider_fields.put(MESSAGE, w.message);
        e
    }
}

impl TryFrom<&Endpoint> for RegisteredWebhook {
    type Error = InvalidInput;

    /// Rebuilds the registration from a unified endpoint (the inverse of `From<RegisteredWebhook>`);
    /// refuses what an AbbeyCross registration cannot hold.
    fn try_from(e: &Endpoint) -> Result<Self, Self::Error> {
        let mut fields = e.fields_for(crate::PROVIDER)?;
        let url = e.single_url()?.clone();
        if e.id.as_str() != url {
            return Err(InvalidInput::new("id", "an AbbeyCross endpoint's id is its registered URL"));
        }
        let events = match &e.events {
            EventSelection::Only(list) => list.clone(),
            EventSelection::All => {
                return Err(InvalidInput::new("events", "AbbeyCross registrations list their events"));
            }
        };
        if e.status != EndpointStatus::Unknown {
            return Err(InvalidInput::new("status", "AbbeyCross reports no endpoint status"));
        }
        if e.name.is_some() {
            return Err(InvalidInput::new("name", "AbbeyCross webhooks have no name"));
        }
        if e.created_at.is_some() || e.updated_at.is_some() {
            return Err(InvalidInput::new("created_at", "AbbeyCross reports no timestamps"));
        }
        let message = fields.take(MESSAGE)?;
        Ok(RegisteredWebhook {
            url,
            events,
            message,
            api_secret_key: e.secret.clone(),
            extra: fields.into_rest().into(),
        })
    }
}
