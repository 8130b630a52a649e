//! Provider ⇄ unified conversions for endpoints and create requests, for every registered
//! provider.
//!
//! A [`ProviderEndpoint`] is a webhook object in its provider's own dialect, a [`ProviderSpec`] a
//! create request: each is the provider's JSON (its field names) plus its [`ProviderId`], read and
//! written through the provider's [`Dialect`] in the
//! [registry], which uses the provider crate's own typed conversions
//! (`From<&ChipWebhook> for Endpoint`, `TryFrom<&EndpointSpec> for CreateWebHook`, ...): nothing is
//! converted twice, and nothing here names a provider. For the typed objects themselves, use the
//! provider crate ([`ProviderEndpoint::typed`] and [`ProviderSpec::typed`] decode them).
//!
//! ```
//! use hookbridge_adapters::ProviderEndpoint;
//! use hookbridge_core::ProviderId;
//!
//! const CHIP: ProviderId = ProviderId::new("chip");
//! let webhook = serde_json::json!({
//!     "type": "webhook", "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "created_on": 1619740800,
//!     "title": "orders", "all_events": false, "events": ["purchase.paid"],
//!     "callback": "https://shop.example.com/chip"
//! });
//! let provider = ProviderEndpoint::new(CHIP, webhook.clone())?;
//! let unified = provider.to_unified()?;
//! assert_eq!(unified.name.as_deref(), Some("orders"));
//! let back = ProviderEndpoint::from_unified(&unified)?;
//! assert_eq!(back.json(), &webhook); // lossless
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use hookbridge_core::descriptor::Dialect;
use hookbridge_core::{DeliveryUrl, Endpoint, EndpointSpec, InvalidInput, ProviderId, Secret};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::registry;

/// A provider this build has no dialect for (not registered, or its crate has no conversions).
pub(crate) fn unsupported_provider(provider: ProviderId) -> InvalidInput {
    InvalidInput::new("provider", format!("hookbridge-adapters has no dialect for {provider}"))
}

/// The dialect of a registered provider.
pub(crate) fn dialect(provider: ProviderId) -> Result<&'static dyn Dialect, InvalidInput> {
    registry::get(provider).and_then(|d| d.dialect()).ok_or_else(|| unsupported_provider(provider))
}

fn typed_json<T: Serialize>(value: &T) -> Result<Value, InvalidInput> {
    serde_json::to_value(value).map_err(|e| InvalidInput::new("wire", format!("cannot be written as JSON: {e}")))
}

/// A webhook endpoint in one provider's own dialect: its JSON object (the provider's field names,
/// never a secret) and the secret the provider revealed with it, if any.
///
/// Built from the provider's JSON ([`ProviderEndpoint::new`]), from a typed object of its crate
/// ([`ProviderEndpoint::from_typed`]) or from a unified endpoint
/// ([`ProviderEndpoint::from_unified`]); always held in the form the provider's dialect writes,
/// so equal objects have equal JSON. Provider → unified → provider gives back the same object
/// (compare [`ProviderEndpoint::json`] and [`ProviderEndpoint::secret`]). `Debug` never shows
/// the secret.
#[derive(Clone, Debug)]
pub struct ProviderEndpoint {
    provider: ProviderId,
    wire: Value,
    secret: Option<Secret>,
}

impl ProviderEndpoint {
    /// `provider`'s webhook object, as its JSON. A secret the JSON carries (a create response's)
    /// is taken out of it into [`ProviderEndpoint::secret`].
    ///
    /// # Errors
    /// A provider without a dialect, JSON that is not its webhook object, or an object the
    /// unified model cannot hold (a BLAZE webhook without an id, for example).
    pub fn new(provider: ProviderId, wire: Value) -> Result<Self, InvalidInput> {
        Self::from_unified(&dialect(provider)?.endpoint_to_unified(&wire, None)?)
    }

    /// `provider`'s webhook object, as a typed object of its crate (`MiexWebhook`, `ChipWebhook`,
    /// ...). Secrets are not serialized: add one with [`ProviderEndpoint::with_secret`].
    ///
    /// # Errors
    /// As [`ProviderEndpoint::new`].
    pub fn from_typed<T: Serialize>(provider: ProviderId, object: &T) -> Result<Self, InvalidInput> {
        Self::new(provider, typed_json(object)?)
    }

    /// The same object with `secret`, the secret the provider revealed with it (a MIEX
    /// `secretKey`, an AbbeyCross `apiSecretKey`, a Bitnob create response's `signing_secret`).
    ///
    /// # Errors
    /// A provider whose objects carry no secret.
    pub fn with_secret(self, secret: Secret) -> Result<Self, InvalidInput> {
        Self::from_unified(&dialect(self.provider)?.endpoint_to_unified(&self.wire, Some(&secret))?)
    }

    /// The provider object a unified endpoint stands for, chosen by [`Endpoint::provider`].
    ///
    /// # Errors
    /// A provider without a dialect, or what the provider's object cannot hold (see each provider
    /// crate's `TryFrom<&Endpoint>`).
    pub fn from_unified(endpoint: &Endpoint) -> Result<Self, InvalidInput> {
        let wire = dialect(endpoint.provider)?.endpoint_from_unified(endpoint)?;
        Ok(Self { provider: endpoint.provider, wire: wire.json, secret: wire.secret })
    }

    /// The unified endpoint.
    ///
    /// # Errors
    /// A provider without a dialect (only if the registry changed since this was built).
    pub fn to_unified(&self) -> Result<Endpoint, InvalidInput> {
        dialect(self.provider)?.endpoint_to_unified(&self.wire, self.secret.as_ref())
    }

    /// The provider.
    pub fn provider(&self) -> ProviderId {
        self.provider
    }

    /// The object as the provider's JSON (wire names, without the secret).
    pub fn json(&self) -> &Value {
        &self.wire
    }

    /// The object as the provider's JSON, owned.
    pub fn to_json(&self) -> Value {
        self.wire.clone()
    }

    /// The secret the object came with, if any.
    pub fn secret(&self) -> Option<&Secret> {
        self.secret.as_ref()
    }

    /// The object as a typed object of the provider's crate (`ChipWebhook`, ...). The secret is
    /// not part of the JSON: set it from [`ProviderEndpoint::secret`] where the type holds one.
    ///
    /// # Errors
    /// A type that is not the provider's webhook object.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.wire)
    }
}

impl TryFrom<&ProviderEndpoint> for Endpoint {
    type Error = InvalidInput;

    fn try_from(p: &ProviderEndpoint) -> Result<Self, Self::Error> {
        p.to_unified()
    }
}

/// A create request in one provider's own dialect: the JSON body its client sends (the
/// provider's field names; AbbeyCross with its inferred names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderSpec {
    provider: ProviderId,
    wire: Value,
}

impl ProviderSpec {
    /// `provider`'s create request, as its JSON body (read when converted or validated).
    ///
    /// # Errors
    /// A provider without a dialect.
    pub fn new(provider: ProviderId, wire: Value) -> Result<Self, InvalidInput> {
        dialect(provider)?;
        Ok(Self { provider, wire })
    }

    /// `provider`'s create request, as a typed request of its crate (`CreateWebHook`, ...).
    ///
    /// # Errors
    /// As [`ProviderSpec::new`].
    pub fn from_typed<T: Serialize>(provider: ProviderId, request: &T) -> Result<Self, InvalidInput> {
        Self::new(provider, typed_json(request)?)
    }

    /// The provider's create request for a unified spec — exactly the provider crate's
    /// `TryFrom<&EndpointSpec>`, which refuses (never drops) what the provider cannot take.
    ///
    /// # Errors
    /// A provider without a dialect, or what its request cannot take.
    pub fn from_unified(provider: ProviderId, spec: &EndpointSpec) -> Result<Self, InvalidInput> {
        Ok(Self { provider, wire: dialect(provider)?.request_from_spec(spec)? })
    }

    /// The provider.
    pub fn provider(&self) -> ProviderId {
        self.provider
    }

    /// Runs the checks the provider's client runs before sending (Bitnob's refuses `http` URLs
    /// unless `allow_insecure_urls`, and an empty event list).
    ///
    /// # Errors
    /// What the client would refuse, or JSON that is not the provider's create request.
    pub fn validate(&self, allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        dialect(self.provider)?.validate_request(&self.wire, allow_insecure_urls)
    }

    /// The unified spec this request stands for (the inverse of [`ProviderSpec::from_unified`] for
    /// valid requests: request → spec → request gives the same request). Each provider crate's
    /// `EndpointSpec` conversion says how (for example, CHIP's `all_events` is
    /// [`EventSelection::All`](hookbridge_core::EventSelection::All)).
    ///
    /// # Errors
    /// JSON that is not the provider's create request, or one the unified model cannot hold (a
    /// CHIP `callback` that is not a URL).
    pub fn to_unified(&self) -> Result<EndpointSpec, InvalidInput> {
        dialect(self.provider)?.request_to_spec(&self.wire)
    }

    /// The JSON body.
    pub fn json(&self) -> &Value {
        &self.wire
    }

    /// The JSON body, owned.
    pub fn to_json(&self) -> Value {
        self.wire.clone()
    }

    /// The request as a typed request of the provider's crate.
    ///
    /// # Errors
    /// A type that is not the provider's create request.
    pub fn typed<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(&self.wire)
    }
}

/// The spec that would recreate `endpoint` at its own provider: its URLs, event selection, name and
/// the provider fields a create request can set (the provider's
/// [`SpecRules::fields`](hookbridge_core::descriptor::SpecRules::fields), except a field that only
/// restates the selection, such as CHIP's `all_events`). Server-assigned state (ids, timestamps,
/// status, counters, ...) is not part of a spec.
///
/// # Errors
/// A URL that does not parse.
///
/// ```
/// use hookbridge_adapters::spec_from_endpoint;
/// use hookbridge_core::{Endpoint, EndpointId, EventSelection, ProviderId};
///
/// let mut endpoint = Endpoint::new(ProviderId::new("bitnob"), EndpointId::from_provider("wh_1"));
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
    let rules = dialect(endpoint.provider).map(|d| d.spec_rules()).unwrap_or_default();
    let mut fields = Map::new();
    for key in rules.fields {
        if rules.all_events_field == Some(*key) {
            continue; // carried by the selection itself
        }
        if let Some(v) = endpoint.provider_fields.get(*key).filter(|v| !v.is_null()) {
            fields.insert((*key).to_owned(), v.clone());
        }
    }
    spec.provider_fields = fields;
    Ok(spec)
}
