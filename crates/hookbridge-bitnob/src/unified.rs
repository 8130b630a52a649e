//! The unified [`Webhook`] implementation and the Bitnob ⇄ unified conversions.
//!
//! | Bitnob field | unified |
//! |---|---|
//! | `id` | [`Endpoint::id`] |
//! | `url` | [`Endpoint::urls`] (exactly one) |
//! | `event_types` (absent → every event) | [`Endpoint::events`] ([`EventSelection::All`] / [`EventSelection::Only`]) |
//! | `status` `active` / `inactive` / absent | [`EndpointStatus::Active`] / [`EndpointStatus::Inactive`] / [`EndpointStatus::Unknown`] |
//! | `status` (any other value) | [`EndpointStatus::Other`] and `provider_fields["status"]` |
//! | `name`, `created_at`, `updated_at` | same-named fields |
//! | `has_signing_secret` | [`Endpoint::has_secret`] |
//! | `signing_secret` (create only) | [`Endpoint::secret`] |
//! | `object`, `last_triggered_at`, `signing_secret_last4` | `provider_fields` under their wire names |
//! | fields this crate does not model ([`WebhookEndpoint::extra`]) | `provider_fields` under their wire names |
//!
//! [`WebhookEndpoint`] → [`Endpoint`] → [`WebhookEndpoint`] is lossless.

use async_trait::async_trait;
use futures_util::StreamExt;
use hookbridge_core::descriptor::EventInfo;
use hookbridge_core::provider_fields::{FieldReader, PutField};
use hookbridge_core::{
    BoxStream, Capabilities, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate, EventSelection,
    InvalidInput, Operation, Page, PageRequest, Result, Secret, Webhook,
};

use crate::client::BitnobClient;
use crate::model::{
    CreateOptions, CreateWebhook, CreatedWebhook, CursorPage, EventTypeInfo, ListOptions, UpdateWebhook,
    WebhookEndpoint, WebhookId, WebhookStatus,
};

/// What Bitnob documents, through the unified trait, as a constant.
pub const CAPABILITIES: Capabilities =
    Capabilities::NONE.with_all(&Operation::ALL).with_event_selection().with_all_events().with_secret_on_create();

/// `provider_fields` keys this crate reads back when converting an [`Endpoint`] to Bitnob (each a string
/// or `null`; `last_triggered_at` an RFC 3339 timestamp); every other key is written back as an unmodelled field.
pub const PROVIDER_FIELDS: [&str; 4] = ["object", "last_triggered_at", "signing_secret_last4", "status"];

impl From<&WebhookEndpoint> for Endpoint {
    fn from(w: &WebhookEndpoint) -> Self {
        let mut e = Endpoint::new(crate::PROVIDER, EndpointId::from_provider(w.id.as_str()));
        e.urls = vec![w.url.clone()];
        e.events = match &w.event_types {
            None => EventSelection::All,
            Some(events) => EventSelection::Only(events.clone()),
        };
        e.status = match &w.status {
            None => EndpointStatus::Unknown,
            Some(WebhookStatus::Active) => EndpointStatus::Active,
            Some(WebhookStatus::Inactive) => EndpointStatus::Inactive,
            Some(other) => EndpointStatus::Other(other.to_string()),
        };
        e.name = w.name.clone();
        e.created_at = w.created_at;
        e.updated_at = w.updated_at;
        e.has_secret = w.has_signing_secret;
        let unknown_status = w.status.as_ref().filter(|s| matches!(s, WebhookStatus::Unknown(_)));
        e.provider_fields = w.extra.0.clone();
        e.provider_fields
            .put("object", w.object.clone())
            .put("last_triggered_at", w.last_triggered_at.map(|at| at.to_string()))
            .put("signing_secret_last4", w.signing_secret_last4.clone())
            .put("status", unknown_status.map(ToString::to_string));
        e
    }
}

impl From<WebhookEndpoint> for Endpoint {
    fn from(w: WebhookEndpoint) -> Self {
        Endpoint::from(&w)
    }
}

impl From<CreatedWebhook> for Endpoint {
    fn from(created: CreatedWebhook) -> Self {
        let mut e = Endpoint::from(&created.webhook);
        e.secret = created.signing_secret;
        e
    }
}

impl TryFrom<&Endpoint> for WebhookEndpoint {
    type Error = InvalidInput;

    fn try_from(e: &Endpoint) -> Result<Self, InvalidInput> {
        let mut fields = e.fields_for(crate::PROVIDER)?;
        let url = e.single_url()?.clone();
        let mut w = WebhookEndpoint::new(WebhookId::from_provider(e.id.as_str()), url);
        w.event_types = match &e.events {
            EventSelection::All => None,
            EventSelection::Only(events) => Some(events.clone()),
        };
        w.status = match (fields.take_or_null::<String>("status")?, &e.status) {
            (Some(raw), _) => raw.parse().ok(),
            (None, EndpointStatus::Unknown) => None,
            (None, EndpointStatus::Active) => Some(WebhookStatus::Active),
            (None, EndpointStatus::Inactive) => Some(WebhookStatus::Inactive),
            (None, EndpointStatus::Other(raw)) => raw.parse().ok(),
            (None, other) => {
                return Err(InvalidInput::new(
                    "status",
                    format!("Bitnob has no status for {other:?} (it reports soft-deleted webhooks as `inactive`)"),
                ));
            }
        };
        w.name = e.name.clone();
        w.created_at = e.created_at;
        w.updated_at = e.updated_at;
        w.has_signing_secret = e.has_secret;
        w.object = fields.take_or_null("object")?;
        w.signing_secret_last4 = fields.take_or_null("signing_secret_last4")?;
        w.last_triggered_at = fields.take_or_null("last_triggered_at")?;
        // Everything else is a field Bitnob sent that this crate does not model: written back.
        w.extra = fields.into_rest().into();
        Ok(w)
    }
}

impl TryFrom<&EndpointSpec> for CreateWebhook {
    type Error = InvalidInput;

    /// `All` omits `event_types`; `Only` sends the list (an empty list is refused when sending).
    fn try_from(spec: &EndpointSpec) -> Result<Self, InvalidInput> {
        FieldReader::new(crate::PROVIDER, &spec.provider_fields).only(&[])?;
        let mut body = CreateWebhook::new(spec.single_url()?.clone());
        body.name = spec.name.clone();
        body.event_types = match &spec.events {
            EventSelection::All => None,
            EventSelection::Only(events) => Some(events.clone()),
        };
        Ok(body)
    }
}

/// The unified spec a create body stands for (the inverse of `TryFrom<&EndpointSpec>`): its URL and
/// name; an absent `event_types` is [`EventSelection::All`].
impl From<&CreateWebhook> for EndpointSpec {
    fn from(body: &CreateWebhook) -> Self {
        let mut spec = EndpointSpec::new(body.url.clone());
        spec.name = body.name.clone();
        spec.events = match &body.event_types {
            None => EventSelection::All,
            Some(list) => EventSelection::Only(list.clone()),
        };
        spec
    }
}

/// A page of webhooks as a unified page: the next page is `starting_after = next_cursor` while
/// there is one, exactly as the client's own listing computes it.
///
/// ```
/// use hookbridge_bitnob::{CursorPage, WebhookEndpoint};
/// use hookbridge_core::PageRequest;
///
/// let page: CursorPage<WebhookEndpoint> = serde_json::from_str(
///     r#"{"data": [{"id": "wh_1", "url": "https://example.com/a"}], "next_cursor": "c2"}"#,
/// )?;
/// let unified = hookbridge_bitnob::unified::endpoint_page(page);
/// assert_eq!(unified.items[0].urls, ["https://example.com/a"]);
/// assert_eq!(unified.next, Some(PageRequest::After("c2".into())));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn endpoint_page(page: CursorPage<WebhookEndpoint>) -> Page<Endpoint> {
    let next = page.next_page_cursor().map(|c| PageRequest::After(c.to_owned()));
    Page::new(page.data.iter().map(Endpoint::from).collect(), next)
}

/// An entry of Bitnob's live event-type catalogue (`GET /webhooks/event-types`) as an
/// [`EventInfo`], for an event catalogue to load.
impl From<&EventTypeInfo> for EventInfo {
    fn from(info: &EventTypeInfo) -> Self {
        let mut out = EventInfo::new(info.event_type.clone());
        out.category = info.category.as_ref().map(|c| c.as_str().to_owned());
        out.label = info.name.clone();
        out.description = info.description.clone();
        out
    }
}

impl TryFrom<&EndpointUpdate> for UpdateWebhook {
    type Error = InvalidInput;

    /// Exactly the fields the update sets: `name`, `url` (one), `event_types`. Bitnob's `PATCH`
    /// changes only what it is sent, so the rest of the webhook stays as it is.
    /// [`EventSelection::All`] is refused: a PATCH without `event_types` leaves the filter
    /// unchanged, and the API documents no way to reset it to "every event".
    fn try_from(update: &EndpointUpdate) -> Result<Self, InvalidInput> {
        FieldReader::new(crate::PROVIDER, &update.provider_fields).only(&[])?;
        update.require_change()?;
        let mut patch = UpdateWebhook::new();
        patch.url = update.single_url()?.cloned();
        patch.name = update.name.clone();
        patch.event_types = match &update.events {
            None => None,
            Some(EventSelection::All) => {
                return Err(InvalidInput::new(
                    "events",
                    "Bitnob's PATCH cannot reset a filter to every event (omitting event_types keeps the current set)",
                ));
            }
            Some(EventSelection::Only(events)) => Some(events.clone()),
        };
        Ok(patch)
    }
}

#[async_trait]
impl Webhook for BitnobClient {
    hookbridge_core::webhook_facts!(crate::PROVIDER, CAPABILITIES);

    async fn create(&self, spec: &EndpointSpec) -> Result<Endpoint> {
        let body = CreateWebhook::try_from(spec)?;
        let created = self.webhooks().create(&body, &CreateOptions::default()).await?;
        Ok(created.into())
    }

    async fn get(&self, id: &EndpointId) -> Result<Endpoint> {
        Ok(self.webhooks().get(id.as_str()).await?.into())
    }

    fn list(&self) -> BoxStream<'_, Endpoint> {
        self.webhooks().list(&ListOptions::default()).map(|r| r.map(Endpoint::from)).boxed()
    }

    async fn update(&self, id: &EndpointId, update: &EndpointUpdate) -> Result<Endpoint> {
        let patch = UpdateWebhook::try_from(update)?;
        Ok(self.webhooks().update(id.as_str(), &patch).await?.into())
    }

    async fn delete(&self, id: &EndpointId) -> Result<()> {
        self.webhooks().delete(id.as_str()).await
    }

    async fn rotate_secret(&self, id: &EndpointId) -> Result<Secret> {
        Ok(self.webhooks().rotate_secret(id.as_str()).await?.secret)
    }
}
