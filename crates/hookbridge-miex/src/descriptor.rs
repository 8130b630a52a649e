//! MIEX's [`Descriptor`] and [`Dialect`]: what the registry, the CLI and the adapters know about
//! this provider.
//!
//! Its dialect: the webhook object is [`MiexWebhook`] (RFC 3339 timestamps, `secretKey` kept
//! apart as the secret), the create request is [`RegisterWebhook`] (one URL, at least one of the
//! four documented events, no name, "all events" sent as the four).

use hookbridge_core::descriptor::{
    ClientSettings, ClientSetup, Credential, Dialect, EventNames, ProviderInfo, SetupError, SpecRules, TimestampFormat,
    WireEndpoint, from_wire, to_wire,
};
use hookbridge_core::{Endpoint, EndpointSpec, InvalidInput, Secret};
use serde_json::Value;

use crate::{MiexClient, MiexEvent, MiexWebhook, RegisterWebhook};

const CREDENTIALS: &[Credential] =
    &[Credential::secret("MIEX_API_KEY", "miex-api-key", "MIEX API key (`sk_branch_...` / `sk_personal_...`)")
        .overridden_by("api-key")];

static EVENTS: [MiexEvent; 4] = MiexEvent::ALL;

hookbridge_core::descriptor! {
    /// MIEX, the currency-exchange partner API (see [`DESCRIPTOR`]).
    pub struct Miex =
        ProviderInfo::new(crate::PROVIDER, "MIEX", "currency exchange; camelCase partner API (register only)")
            .capabilities(crate::unified::CAPABILITIES)
            .credentials(CREDENTIALS);
    dialect;

    fn events(&self) -> EventNames {
        EventNames::closed(EVENTS.iter().map(MiexEvent::as_str))
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let config = settings.client_config(self)?;
        let key = settings.require(self, "MIEX_API_KEY")?;
        Ok(ClientSetup::new(Box::new(MiexClient::with_config(config, key)?)))
    }
}

impl Dialect for Miex {
    /// No name; "all events" is sent as the four documented events; at least one event.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new().all_events_expanded().requires_event()
    }

    fn timestamp_format(&self) -> Option<TimestampFormat> {
        Some(TimestampFormat::Rfc3339)
    }

    /// A [`MiexWebhook`]; `secret` is its `secretKey`.
    fn endpoint_to_unified(&self, wire: &Value, secret: Option<&Secret>) -> Result<Endpoint, InvalidInput> {
        let mut webhook: MiexWebhook = from_wire("webhook", wire)?;
        if let Some(secret) = secret {
            webhook.secret_key = Some(secret.clone());
        }
        Ok(Endpoint::from(webhook))
    }

    fn endpoint_from_unified(&self, endpoint: &Endpoint) -> Result<WireEndpoint, InvalidInput> {
        let webhook = MiexWebhook::try_from(endpoint)?;
        Ok(WireEndpoint::new(to_wire("webhook", &webhook)?).secret(webhook.secret_key))
    }

    fn request_from_spec(&self, spec: &EndpointSpec) -> Result<Value, InvalidInput> {
        to_wire("request", &RegisterWebhook::try_from(spec)?)
    }

    fn request_to_spec(&self, wire: &Value) -> Result<EndpointSpec, InvalidInput> {
        Ok(EndpointSpec::from(&from_wire::<RegisterWebhook>("request", wire)?))
    }

    fn validate_request(&self, wire: &Value, _allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        from_wire::<RegisterWebhook>("request", wire)?.validate()
    }
}
