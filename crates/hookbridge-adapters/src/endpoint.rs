//! Provider ⇄ unified conversions for endpoints and endpoint specs, over all five dialects.
//!
//! These are thin dispatchers over the provider crates' own conversions (`From<&ChipWebhook> for
//! Endpoint`, `TryFrom<&Endpoint> for MiexWebhook`, `TryFrom<&EndpointSpec> for CreateWebHook`, ...);
//! nothing is converted twice. What the provider crates do not offer — a create request back to a
//! unified spec, an endpoint to the spec that would recreate it — is added here.
//!
//! ```
//! use hookbridge_adapters::ProviderEndpoint;
//! use hookbridge_chip::ChipWebhook;
//!
//! let webhook: ChipWebhook = serde_json::from_value(serde_json::json!({
//!     "type": "webhook", "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "created_on": 1619740800,
//!     "title": "orders", "all_events": false, "events": ["purchase.paid"],
//!     "callback": "https://shop.example.com/chip"
//! }))?;
//! let provider = ProviderEndpoint::from(webhook.clone());
//! let unified = provider.to_unified()?;
//! assert_eq!(unified.name.as_deref(), Some("orders"));
//! let back = ProviderEndpoint::from_unified(&unified)?;
//! assert_eq!(back.to_json(), provider.to_json()); // lossless
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use hookbridge_abbeycross::RegisteredWebhook;
use hookbridge_bitnob::{CreatedWebhook, WebhookEndpoint};
use hookbridge_blaze::{CreateWebHook, PartnerWebHook};
use hookbridge_chip::{ChipWebhook, WebhookRequest};
use hookbridge_core::DeliveryUrl;
use hookbridge_core::{Endpoint, EndpointSpec, EventSelection, EventType, InvalidInput, ProviderId};
use hookbridge_miex::MiexWebhook;
use serde_json::{Map, Value};

/// A webhook endpoint in one provider's own dialect.
///
/// [`ProviderEndpoint::to_unified`] and [`ProviderEndpoint::from_unified`] use the provider crates'
/// conversions; provider → unified → provider gives back the same object (compare with
/// [`ProviderEndpoint::to_json`] and [`ProviderEndpoint::secret`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ProviderEndpoint {
    /// A MIEX webhook (`POST /partner/webhooks` response).
    Miex(MiexWebhook),
    /// A BLAZE `PartnerWebHook`.
    Blaze(PartnerWebHook),
    /// A Bitnob webhook endpoint (`object: "webhook"`).
    Bitnob(WebhookEndpoint),
    /// An AbbeyCross registration (request + `{message, apiSecretKey}` response).
    AbbeyCross(RegisteredWebhook),
    /// A CHIP Collect webhook.
    Chip(ChipWebhook),
}

/// A provider this crate has no dialect for (the core's [`ProviderId`] may grow).
pub(crate) fn unsupported_provider(provider: ProviderId) -> InvalidInput {
    InvalidInput::new("provider", format!("hookbridge-adapters has no dialect for {provider}"))
}

impl ProviderEndpoint {
    /// The provider.
    pub fn provider(&self) -> ProviderId {
        match self {
            ProviderEndpoint::Miex(_) => hookbridge_miex::PROVIDER,
            ProviderEndpoint::Blaze(_) => hookbridge_blaze::PROVIDER,
            ProviderEndpoint::Bitnob(_) => hookbridge_bitnob::PROVIDER,
            ProviderEndpoint::AbbeyCross(_) => hookbridge_abbeycross::PROVIDER,
            ProviderEndpoint::Chip(_) => hookbridge_chip::PROVIDER,
        }
    }

    /// The unified endpoint. Fails only for a BLAZE webhook without an `id`.
    pub fn to_unified(&self) -> Result<Endpoint, InvalidInput> {
        Ok(match self {
            ProviderEndpoint::Miex(w) => Endpoint::from(w.clone()),
            ProviderEndpoint::Blaze(w) => hookbridge_blaze::to_endpoint(w)?,
            ProviderEndpoint::Bitnob(w) => Endpoint::from(w),
            ProviderEndpoint::AbbeyCross(w) => Endpoint::from(w.clone()),
            ProviderEndpoint::Chip(w) => Endpoint::from(w),
        })
    }

    /// The provider object a unified endpoint stands for, chosen by [`Endpoint::provider`].
    ///
    /// Refuses what the provider's object cannot hold (see each provider crate's `TryFrom<&Endpoint>`).
    /// A Bitnob endpoint's [`Endpoint::secret`] is not kept: Bitnob's webhook object never carries
    /// the secret (only its create response does).
    pub fn from_unified(endpoint: &Endpoint) -> Result<Self, InvalidInput> {
        Ok(match endpoint.provider {
            hookbridge_miex::PROVIDER => ProviderEndpoint::Miex(MiexWebhook::try_from(endpoint)?),
            hookbridge_blaze::PROVIDER => ProviderEndpoint::Blaze(PartnerWebHook::try_from(endpoint)?),
            hookbridge_bitnob::PROVIDER => ProviderEndpoint::Bitnob(WebhookEndpoint::try_from(endpoint)?),
            hookbridge_abbeycross::PROVIDER => ProviderEndpoint::AbbeyCross(RegisteredWebhook::try_from(endpoint)?),
            hookbridge_chip::PROVIDER => ProviderEndpoint::Chip(ChipWebhook::try_from(endpoint)?),
            other => return Err(unsupported_provider(other)),
        })
    }

    /// The object as the provider's JSON (wire names). Secrets are never serialized: compare them
    /// with [`ProviderEndpoint::secret`].
    pub fn to_json(&self) -> Value {
        let value = match self {
            ProviderEndpoint::Miex(w) => serde_json::to_value(w),
            ProviderEndpoint::Blaze(w) => serde_json::to_value(w),
            ProviderEndpoint::Bitnob(w) => serde_json::to_value(w),
            ProviderEndpoint::AbbeyCross(w) => serde_json::to_value(w),
            ProviderEndpoint::Chip(w) => serde_json::to_value(w),
        };
        // These types serialize plain data (strings, numbers, maps with string keys): infallible.
        value.unwrap_or(Value::Null)
    }

    /// The secret the object carries, if any (MIEX `secretKey`, AbbeyCross `apiSecretKey`).
    pub fn secret(&self) -> Option<&hookbridge_core::Secret> {
        match self {
            ProviderEndpoint::Miex(w) => w.secret_key.as_ref(),
            ProviderEndpoint::AbbeyCross(w) => w.api_secret_key.as_ref(),
            _ => None,
        }
    }
}

impl From<MiexWebhook> for ProviderEndpoint {
    fn from(w: MiexWebhook) -> Self {
        ProviderEndpoint::Miex(w)
    }
}

impl From<PartnerWebHook> for ProviderEndpoint {
    fn from(w: PartnerWebHook) -> Self {
        ProviderEndpoint::Blaze(w)
    }
}

impl From<WebhookEndpoint> for ProviderEndpoint {
    fn from(w: WebhookEndpoint) -> Self {
        ProviderEndpoint::Bitnob(w)
    }
}

impl From<CreatedWebhook> for ProviderEndpoint {
    /// The webhook part; the one-time `signing_secret` is not part of Bitnob's webhook object
    /// (take it from the [`CreatedWebhook`] or from `Endpoint::from(created)` first).
    fn from(w: CreatedWebhook) -> Self {
        ProviderEndpoint::Bitnob(w.webhook)
    }
}

impl From<RegisteredWebhook> for ProviderEndpoint {
    fn from(w: RegisteredWebhook) -> Self {
        ProviderEndpoint::AbbeyCross(w)
    }
}

impl From<ChipWebhook> for ProviderEndpoint {
    fn from(w: ChipWebhook) -> Self {
        ProviderEndpoint::Chip(w)
    }
}

impl TryFrom<&ProviderEndpoint> for Endpoint {
    type Error = InvalidInput;

    fn try_from(p: &ProviderEndpoint) -> Result<Self, Self::Error> {
        p.to_unified()
    }
}

/// A create request in one provider's own dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProviderSpec {
    /// MIEX `POST /partner/webhooks` body.
    Miex(hookbridge_miex::RegisterWebhook),
    /// BLAZE `POST webHooks` body.
    Blaze(CreateWebHook),
    /// Bitnob `POST /webhooks` body.
    Bitnob(hookbridge_bitnob::CreateWebhook),
    /// AbbeyCross `POST /v1/webhooks/register` body.
    AbbeyCross(hookbridge_abbeycross::RegisterWebhook),
    /// CHIP `POST webhooks/` body.
    Chip(WebhookRequest),
}

impl ProviderSpec {
    /// The provider's create request for a unified spec — exactly the provider crate's
    /// `TryFrom<&EndpointSpec>`, which refuses (never drops) what the provider cannot take.
    pub fn from_unified(provider: ProviderId, spec: &EndpointSpec) -> Result<Self, InvalidInput> {
        Ok(match provider {
            hookbridge_miex::PROVIDER => ProviderSpec::Miex(hookbridge_miex::RegisterWebhook::try_from(spec)?),
            hookbridge_blaze::PROVIDER => ProviderSpec::Blaze(CreateWebHook::try_from(spec)?),
            hookbridge_bitnob::PROVIDER => ProviderSpec::Bitnob(hookbridge_bitnob::CreateWebhook::try_from(spec)?),
            hookbridge_abbeycross::PROVIDER => {
                ProviderSpec::AbbeyCross(hookbridge_abbeycross::RegisterWebhook::try_from(spec)?)
            }
            hookbridge_chip::PROVIDER => ProviderSpec::Chip(WebhookRequest::try_from(spec)?),
            other => return Err(unsupported_provider(other)),
        })
    }

    /// The provider.
    pub fn provider(&self) -> ProviderId {
        match self {
            ProviderSpec::Miex(_) => hookbridge_miex::PROVIDER,
            ProviderSpec::Blaze(_) => hookbridge_blaze::PROVIDER,
            ProviderSpec::Bitnob(_) => hookbridge_bitnob::PROVIDER,
            ProviderSpec::AbbeyCross(_) => hookbridge_abbeycross::PROVIDER,
            ProviderSpec::Chip(_) => hookbridge_chip::PROVIDER,
        }
    }

    /// Runs the checks the provider's client runs before sending (Bitnob's also refuses `http`
    /// URLs unless `allow_insecure_urls`, and an empty event list). BLAZE's checks already ran in
    /// [`ProviderSpec::from_unified`].
    pub fn validate(&self, allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        match self {
            ProviderSpec::Miex(r) => r.validate(),
            ProviderSpec::Blaze(_) => Ok(()),
            ProviderSpec::Bitnob(r) => r.validate(allow_insecure_urls),
            ProviderSpec::AbbeyCross(r) => r.validate(),
            ProviderSpec::Chip(r) => r.validate(),
        }
    }

    /// The unified spec this request stands for (the inverse of [`ProviderSpec::from_unified`] for
    /// valid requests: request → spec → request gives the same request).
    ///
    /// MIEX, AbbeyCross: `Only(events)`. BLAZE: no events, `shopId` / `url` in `provider_fields`.
    /// Bitnob: an absent `event_types` is `All`. CHIP: `all_events` is `All` (a list sent with it is
    /// kept in `provider_fields.events`), `title` is the name, `public_key` a provider field; fails
    /// when `callback` is not a URL.
    pub fn to_unified(&self) -> Result<EndpointSpec, InvalidInput> {
        Ok(match self {
            ProviderSpec::Miex(r) => {
                let mut spec = EndpointSpec::new(r.url.clone());
                spec.events = EventSelection::Only(r.events.iter().map(|e| EventType::new(e.as_str())).collect());
                spec
            }
            ProviderSpec::Blaze(r) => {
                let mut spec = EndpointSpec::default();
                spec.urls = r.web_hook_urls.clone();
                if let Some(shop) = &r.shop_id {
                    spec.provider_fields.insert(hookbridge_blaze::unified::fields::SHOP_ID.into(), shop.clone().into());
                }
                if let Some(url) = &r.url {
                    spec.provider_fields.insert(hookbridge_blaze::unified::fields::URL.into(), url.as_str().into());
                }
                spec
            }
            ProviderSpec::Bitnob(r) => {
                let mut spec = EndpointSpec::new(r.url.clone());
                spec.name = r.name.clone();
                spec.events = match &r.event_types {
                    None => EventSelection::All,
                    Some(list) => EventSelection::Only(list.clone()),
                };
                spec
            }
            ProviderSpec::AbbeyCross(r) => {
                let mut spec = EndpointSpec::new(r.url.clone());
                spec.events = EventSelection::Only(r.events.clone());
                spec
            }
            ProviderSpec::Chip(r) => {
                let url = DeliveryUrl::new(r.callback.as_str()).map_err(|e| {
                    InvalidInput::new("callback", format!("{:?} is not a URL: {}", r.callback, e.reason))
                })?;
                let mut spec = EndpointSpec::new(url).name(r.title.clone());
                let names = || Value::Array(r.events.iter().map(|e| Value::String(e.as_str().to_owned())).collect());
                if r.all_events {
                    spec.events = EventSelection::All;
                    if !r.events.is_empty() {
                        spec.provider_fields.insert(hookbridge_chip::unified::FIELD_EVENTS.into(), names());
                    }
                } else {
                    spec.events = EventSelection::Only(r.events.iter().map(|e| EventType::new(e.as_str())).collect());
                }
                if let Some(key) = &r.public_key {
                    spec.provider_fields
                        .insert(hookbridge_chip::unified::FIELD_PUBLIC_KEY.into(), Value::String(key.clone()));
                }
                spec
            }
        })
    }

    /// The JSON body the provider's client sends (AbbeyCross with its inferred field names).
    pub fn to_json(&self) -> Value {
        let value = match self {
            ProviderSpec::Miex(r) => serde_json::to_value(r),
            ProviderSpec::Blaze(r) => serde_json::to_value(r),
            ProviderSpec::Bitnob(r) => serde_json::to_value(r),
            ProviderSpec::AbbeyCross(r) => Ok(r.to_body(&hookbridge_abbeycross::BodyFieldNames::default())),
            ProviderSpec::Chip(r) => serde_json::to_value(r),
        };
        value.unwrap_or(Value::Null)
    }
}

/// Provider-field keys a spec may set, per provider (what its create / update request takes).
pub(crate) fn settable_fields(provider: ProviderId) -> &'static [&'static str] {
    match provider {
        hookbridge_blaze::PROVIDER => {
            &[hookbridge_blaze::unified::fields::SHOP_ID, hookbridge_blaze::unified::fields::URL]
        }
        hookbridge_chip::PROVIDER => &[
            hookbridge_chip::unified::FIELD_PUBLIC_KEY,
            hookbridge_chip::unified::FIELD_ALL_EVENTS,
            hookbridge_chip::unified::FIELD_EVENTS,
        ],
        _ => &[],
    }
}

/// The spec that would recreate `endpoint` at its own provider: its URLs, event selection, name and
/// the provider fields a create/update request can set (BLAZE `shopId` / `url`; CHIP `public_key`,
/// and `events` when it is listed next to "all events"). Server-assigned state (ids, timestamps,
/// status, counters, `companyId`, ...) is not part of a spec.
///
/// A BLAZE endpoint's `webHookType` becomes a one-event selection (BLAZE sets it by update); a CHIP
/// endpoint's `all_events` flag is its selection. Fails when a URL does not parse.
///
/// ```
/// use hookbridge_adapters::spec_from_endpoint;
/// use hookbridge_core::{Endpoint, EndpointId, EventSelection, ProviderId};
///
/// let mut endpoint = Endpoint::new(hookbridge_bitnob::PROVIDER, EndpointId::from_provider("wh_1"));
/// endpoint.urls = vec!["https://example.com/hooks".into()];
/// endpoint.events = EventSelection::All;
/// endpoint.name = Some("ledger".into());
/// endpoint.provider_fields.insert("object".into(), "webhook".into());
/// let spec = spec_from_endpoint(&endpoint)?;
/// assert_eq!(spec.events, EventSelection::All);
/// assert_eq!(spec.name.as_deref(), Some("ledger"));
/// assert!(spec.provider_fields.is_empty()); // `object` is server-assigned
/// # Ok::<(), hookbridge_core::InvalidInput>(())
/// ```
pub fn spec_from_endpoint(endpoint: &Endpoint) -> Result<EndpointSpec, InvalidInput> {
    let mut spec = EndpointSpec::default();
    for url in &endpoint.urls {
        spec.urls.push(DeliveryUrl::new(url.as_str())?);
    }
    spec.events = endpoint.events.clone();
    spec.name = endpoint.name.clone();
    let mut fields = Map::new();
    for key in settable_fields(endpoint.provider) {
        if endpoint.provider == hookbridge_chip::PROVIDER && *key == hookbridge_chip::unified::FIELD_ALL_EVENTS {
            continue; // carried by the selection itself
        }
        if let Some(v) = endpoint.provider_fields.get(*key).filter(|v| !v.is_null()) {
            fields.insert((*key).to_owned(), v.clone());
        }
    }
    spec.provider_fields = fields;
    Ok(spec)
}
