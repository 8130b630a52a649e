//! The unified [`Webhook`] implementation and the Stripe ⇄ unified conversions.
//!
//! | Stripe (`webhook_endpoint`) | unified |
//! |---|---|
//! | `id` | [`Endpoint::id`] |
//! | `url` | [`Endpoint::urls`] (exactly one) |
//! | `enabled_events` `["*"]` / any other list | [`EventSelection::All`] / [`EventSelection::Only`] (names unchanged) |
//! | `status` `enabled` / `disabled` / other | [`EndpointStatus::Active`] / [`EndpointStatus::Inactive`] / [`EndpointStatus::Other`] |
//! | `description` | [`Endpoint::name`] |
//! | `created` (epoch seconds) | [`Endpoint::created_at`] (Stripe reports no update time) |
//! | — | [`Endpoint::has_secret`] is `Some(true)`: every endpoint signs its deliveries |
//! | `secret` (create only) | [`Endpoint::secret`] |
//! | `object`, `api_version`, `application`, `livemode`, `metadata`, undocumented attributes | `provider_fields` under their wire names |
//!
//! [`WebhookEndpoint`] → [`Endpoint`] → [`WebhookEndpoint`] is lossless.
//!
//! Create ([`EndpointSpec`] → [`CreateWebhookEndpoint`]): the one URL, the events (`All` →
//! `enabled_events[]=*`), the name as `description`, and the create-only `provider_fields`
//! `api_version` (string), `connect` (bool) and `metadata` (an object of strings). The reverse,
//! [`CreateWebhookEndpoint`] → [`EndpointSpec`], inverts it exactly for the requests it produces.
//!
//! Update ([`EndpointUpdate`] → [`UpdateWebhookEndpoint`]): Stripe's update is a partial `POST`,
//! so exactly the fields set are sent — the URL, the events (`All` → `*`), the name as
//! `description` (an empty name unsets it), and the `provider_fields` `disabled` (bool) and
//! `metadata` (an object: a string sets a key, `null` unsets it; `"metadata": null` unsets all).
//!
//! Secret rotation is unsupported: the Webhook Endpoints API has create, retrieve, update, list
//! and delete only (docs.stripe.com/api/webhook_endpoints); Stripe rolls a secret from the
//! Dashboard.

use async_trait::async_trait;
use futures_util::StreamExt;
use hookbridge_core::provider_fields::{FieldReader, PutField};
use hookbridge_core::redact::ExtraFields;
use hookbridge_core::{
    BoxStream, Capabilities, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate, EventSelection,
    InvalidInput, Operation, Result, Webhook,
};
use serde_json::Value;

use crate::client::StripeClient;
use crate::event_type::EventType;
use crate::ids::WebhookEndpointId;
use crate::model::{ApiVersion, Metadata, WebhookEndpoint, WebhookEndpointStatus};
use crate::params::{CreateWebhookEndpoint, ListWebhookEndpoints, MAX_LIMIT, UpdateWebhookEndpoint};

/// `provider_fields` key: the object's type (`webhook_endpoint`).
pub const FIELD_OBJECT: &str = "object";
/// `provider_fields` key: `api_version` (a string, or `null` for the account's default).
pub const FIELD_API_VERSION: &str = "api_version";
/// `provider_fields` key: `application` (a Connect application id, or `null`).
pub const FIELD_APPLICATION: &str = "application";
/// `provider_fields` key: `livemode`.
pub const FIELD_LIVEMODE: &str = "livemode";
/// `provider_fields` key: `metadata`.
pub const FIELD_METADATA: &str = "metadata";
/// `provider_fields` key of a create: `connect` (receive events from connected accounts).
pub const FIELD_CONNECT: &str = "connect";
/// `provider_fields` key of an update: `disabled`.
pub const FIELD_DISABLED: &str = "disabled";

/// The attributes of [`WebhookEndpoint`] that map onto unified fields, never `provider_fields`.
const UNIFIED_KEYS: [&str; 7] = ["id", "url", "enabled_events", "description", "created", "secret", "status"];

/// The `provider_fields` a create takes.
pub(crate) const CREATE_FIELDS: [&str; 3] = [FIELD_API_VERSION, FIELD_CONNECT, FIELD_METADATA];

/// The `provider_fields` an update takes.
const UPDATE_FIELDS: [&str; 2] = [FIELD_DISABLED, FIELD_METADATA];

/// What Stripe documents, through the unified trait, as a constant: create, get, list, update
/// and delete; event selection and `*`; one URL; the secret at creation; no rotation.
pub const CAPABILITIES: Capabilities = Capabilities::NONE
    .with_all(&[Operation::Create, Operation::Get, Operation::List, Operation::Update, Operation::Delete])
    .with_event_selection()
    .with_all_events()
    .with_secret_on_create();

fn selection(events: &[EventType]) -> EventSelection {
    match events {
        [only] if only.is_all() => EventSelection::All,
        events => EventSelection::Only(events.iter().cloned().map(hookbridge_core::EventType::from).collect()),
    }
}

fn enabled_events(selection: &EventSelection) -> Vec<EventType> {
    match selection {
        EventSelection::All => vec![EventType::All],
        EventSelection::Only(events) => events.iter().map(EventType::from).collect(),
    }
}

impl From<&WebhookEndpoint> for Endpoint {
    fn from(w: &WebhookEndpoint) -> Self {
        let mut e = Endpoint::new(crate::PROVIDER, EndpointId::from_provider(w.id.as_str()));
        e.urls = vec![w.url.clone()];
        e.events = selection(&w.enabled_events);
        e.status = match &w.status {
            WebhookEndpointStatus::Enabled => EndpointStatus::Active,
            WebhookEndpointStatus::Disabled => EndpointStatus::Inactive,
            other => EndpointStatus::Other(other.as_str().to_owned()),
        };
        e.name = w.description.clone();
        e.created_at = Some(w.created);
        e.has_secret = Some(true);
        e.secret = w.secret.clone();
        // Always present, `null` when unset, as Stripe reports them.
        e.provider_fields = w.extra.0.clone();
        e.provider_fields
            .put(FIELD_OBJECT, Some(w.object.as_str()))
            .put(FIELD_API_VERSION, Some(w.api_version.as_ref().map(ApiVersion::as_str)))
            .put(FIELD_APPLICATION, Some(w.application.as_deref()))
            .put(FIELD_LIVEMODE, Some(w.livemode))
            .put(FIELD_METADATA, Some(metadata_value(&w.metadata)));
        e
    }
}

impl From<WebhookEndpoint> for Endpoint {
    fn from(w: WebhookEndpoint) -> Self {
        Endpoint::from(&w)
    }
}

fn metadata_value(metadata: &Metadata) -> Value {
    Value::Object(metadata.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect())
}

/// `api_version`: a version name, or `null` for the account's default.
fn api_version(fields: &mut FieldReader) -> Result<Option<ApiVersion>, InvalidInput> {
    fields.take_or_null::<String>(FIELD_API_VERSION)?.map(ApiVersion::new).transpose()
}

/// `metadata`: an object of strings; absent or `null` is none.
fn metadata(fields: &mut FieldReader) -> Result<Metadata, InvalidInput> {
    Ok(fields.take_or_null::<Metadata>(FIELD_METADATA)?.unwrap_or_default())
}

impl TryFrom<&Endpoint> for WebhookEndpoint {
    type Error = InvalidInput;

    /// The Stripe object for a unified endpoint (the reverse of `From<&WebhookEndpoint>`).
    /// `created_at` and a status Stripe can report are required; `object` defaults to
    /// `webhook_endpoint`, `livemode` to `false`, `metadata` to none.
    fn try_from(e: &Endpoint) -> Result<Self, InvalidInput> {
        let mut fields = e.fields_for(crate::PROVIDER)?;
        fields.reserved(&UNIFIED_KEYS)?;
        let url = match e.urls.as_slice() {
            [one] => one.clone(),
            [] => return Err(InvalidInput::new("url", "a Stripe webhook endpoint has exactly one URL; none given")),
            _ => return Err(InvalidInput::new("url", "a Stripe webhook endpoint has exactly one URL")),
        };
        let status = match &e.status {
            EndpointStatus::Active => WebhookEndpointStatus::Enabled,
            EndpointStatus::Inactive => WebhookEndpointStatus::Disabled,
            EndpointStatus::Other(raw) => WebhookEndpointStatus::from(raw.as_str()),
            other => {
                return Err(InvalidInput::new(
                    "status",
                    format!("Stripe reports every endpoint as enabled or disabled, not {other:?}"),
                ));
            }
        };
        let created = e
            .created_at
            .ok_or_else(|| InvalidInput::new("created_at", "a Stripe webhook endpoint has a creation time"))?;
        Ok(WebhookEndpoint {
            id: WebhookEndpointId::from_provider(e.id.as_str()),
            object: fields.take_or_null(FIELD_OBJECT)?.unwrap_or_else(|| "webhook_endpoint".to_owned()),
            api_version: api_version(&mut fields)?,
            application: fields.take_or_null(FIELD_APPLICATION)?,
            created,
            description: e.name.clone(),
            enabled_events: enabled_events(&e.events),
            livemode: fields.take(FIELD_LIVEMODE)?.unwrap_or(false),
            metadata: metadata(&mut fields)?,
            secret: e.secret.clone(),
            status,
            url,
            extra: ExtraFields(fields.into_rest()),
        })
    }
}

impl TryFrom<&EndpointSpec> for CreateWebhookEndpoint {
    type Error = InvalidInput;

    /// The one URL, the events (`All` → `*`), the name as `description`, and the
    /// `provider_fields` `api_version`, `connect` and `metadata`. An empty event list is
    /// refused when sending (Stripe requires at least one).
    fn try_from(spec: &EndpointSpec) -> Result<Self, InvalidInput> {
        let mut fields = FieldReader::new(crate::PROVIDER, &spec.provider_fields);
        fields.only(&CREATE_FIELDS)?;
        let mut params = CreateWebhookEndpoint::new(spec.single_url()?.clone(), enabled_events(&spec.events));
        params.description = spec.name.clone();
        params.api_version = api_version(&mut fields)?;
        params.connect = fields.take(FIELD_CONNECT)?;
        params.metadata = metadata(&mut fields)?;
        Ok(params)
    }
}

impl From<&CreateWebhookEndpoint> for EndpointSpec {
    /// The spec a create request stands for (the inverse of `TryFrom<&EndpointSpec>` for
    /// requests it produces): the URL, the events (`["*"]` → [`EventSelection::All`]), the
    /// description as the name, and the `provider_fields` `api_version`, `connect` and
    /// `metadata` (only those set; `metadata` only when it has keys).
    fn from(params: &CreateWebhookEndpoint) -> Self {
        let mut spec = EndpointSpec::new(params.url.clone());
        spec.events = selection(&params.enabled_events);
        spec.name = params.description.clone();
        spec.provider_fields
            .put(FIELD_API_VERSION, params.api_version.as_ref().map(ApiVersion::as_str))
            .put(FIELD_CONNECT, params.connect)
            .put(FIELD_METADATA, (!params.metadata.is_empty()).then(|| metadata_value(&params.metadata)));
        spec
    }
}

impl TryFrom<&EndpointUpdate> for UpdateWebhookEndpoint {
    type Error = InvalidInput;

    /// Exactly the fields the update sets (Stripe's update is partial): `url`, `enabled_events`
    /// (`All` → `*`), `description` from the name (empty: unset), and the `provider_fields`
    /// `disabled` and `metadata` (a string sets a key, `null` unsets it; `null` for the whole
    /// object unsets every key). An update that changes nothing is refused.
    fn try_from(update: &EndpointUpdate) -> Result<Self, InvalidInput> {
        let mut fields = FieldReader::new(crate::PROVIDER, &update.provider_fields);
        fields.only(&UPDATE_FIELDS).map_err(|mut e| {
            e.reason.push_str("; `api_version` and `connect` are set at creation only");
            e
        })?;
        update.require_change()?;
        let mut params = UpdateWebhookEndpoint::new();
        params.url = update.single_url()?.cloned();
        params.enabled_events = update.events.as_ref().map(enabled_events);
        params.description = update.name.clone();
        params.disabled = fields.take(FIELD_DISABLED)?;
        match fields.remove(FIELD_METADATA) {
            None => {}
            Some(Value::Null) => params.clear_metadata = true,
            Some(Value::Object(map)) => {
                for (key, value) in map {
                    let value = match value {
                        Value::String(s) => Some(s),
                        Value::Null => None,
                        _ => {
                            return Err(InvalidInput::new(
                                "provider_fields",
                                format!("`metadata.{key}` must be a string (set) or null (unset)"),
                            ));
                        }
                    };
                    params.metadata.insert(key, value);
                }
            }
            Some(_) => {
                return Err(InvalidInput::new(
                    "provider_fields",
                    "`metadata` must be an object (string: set, null: unset) or null (unset every key)",
                ));
            }
        }
        Ok(params)
    }
}

fn endpoint_id(id: &EndpointId) -> Result<WebhookEndpointId, InvalidInput> {
    WebhookEndpointId::new(id.as_str())
}

#[async_trait]
impl Webhook for StripeClient {
    hookbridge_core::webhook_facts!(crate::PROVIDER, CAPABILITIES);

    async fn create(&self, spec: &EndpointSpec) -> Result<Endpoint> {
        let params = CreateWebhookEndpoint::try_from(spec)?;
        Ok(self.webhooks().create(&params).await?.into())
    }

    async fn get(&self, id: &EndpointId) -> Result<Endpoint> {
        Ok(self.webhooks().get(&endpoint_id(id)?).await?.into())
    }

    /// Every endpoint, in pages of 100 (Stripe's largest page).
    fn list(&self) -> BoxStream<'_, Endpoint> {
        self.webhooks().list(&ListWebhookEndpoints::new().limit(MAX_LIMIT)).map(|r| r.map(Endpoint::from)).boxed()
    }

    async fn update(&self, id: &EndpointId, update: &EndpointUpdate) -> Result<Endpoint> {
        let id = endpoint_id(id)?;
        let params = UpdateWebhookEndpoint::try_from(update)?;
        Ok(self.webhooks().update(&id, &params).await?.into())
    }

    async fn delete(&self, id: &EndpointId) -> Result<()> {
        self.webhooks().delete(&endpoint_id(id)?).await.map(|_| ())
    }
}
