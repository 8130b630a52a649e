//! AbbeyCross's [`Descriptor`] and [`Dialect`]: what the registry, the CLI and the adapters know
//! about this provider.
//!
//! Its dialect: AbbeyCross returns no webhook object, so the object is the registration as a
//! whole, [`RegisteredWebhook`] (request plus `{message, apiSecretKey}` response; no timestamps,
//! `apiSecretKey` kept apart as the secret); the create request is [`RegisterWebhook`] with the
//! inferred field names (one URL, an event list that may be empty, no name, no "all events").

use hookbridge_core::descriptor::{
    ClientSettings, ClientSetup, Credential, Dialect, EventNames, ProviderInfo, SetupError, SpecRules, TimestampFormat,
    WireEndpoint, from_wire, to_wire,
};
use hookbridge_core::{Endpoint, EndpointSpec, InvalidInput, Secret};
use serde_json::Value;

use crate::{AbbeyCrossClient, BodyFieldNames, RegisterWebhook, RegisteredWebhook};

const CREDENTIALS: &[Credential] =
    &[Credential::secret("ABBEYCROSS_API_TOKEN", "abbeycross-api-token", "AbbeyCross API token")
        .value_name("TOKEN")
        .overridden_by("api-key")];

hookbridge_core::descriptor! {
    /// AbbeyCross, the FX API (see [`DESCRIPTOR`]).
    pub struct AbbeyCross = ProviderInfo::new(crate::PROVIDER, "AbbeyCross", "FX; register-with-apiSecretKey API")
        .capabilities(crate::unified::CAPABILITIES)
        .credentials(CREDENTIALS);
    dialect;

    /// AbbeyCross documents no event names: the catalogue is open and empty.
    fn events(&self) -> EventNames {
        EventNames::open([])
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let config = settings.client_config(self)?;
        let token = settings.require(self, "ABBEYCROSS_API_TOKEN")?;
        Ok(ClientSetup::new(Box::new(AbbeyCrossClient::with_config(config, token)?)))
    }
}

impl Dialect for AbbeyCross {
    /// No name; no "all events" (no catalogue to expand); an empty event list is allowed.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new()
    }

    /// AbbeyCross reports no timestamps.
    fn timestamp_format(&self) -> Option<TimestampFormat> {
        None
    }

    /// A [`RegisteredWebhook`]; `secret` is its `apiSecretKey`.
    fn endpoint_to_unified(&self, wire: &Value, secret: Option<&Secret>) -> Result<Endpoint, InvalidInput> {
        let mut registered: RegisteredWebhook = from_wire("webhook", wire)?;
        if let Some(secret) = secret {
            registered.api_secret_key = Some(secret.clone());
        }
        Ok(Endpoint::from(registered))
    }

    fn endpoint_from_unified(&self, endpoint: &Endpoint) -> Result<WireEndpoint, InvalidInput> {
        let registered = RegisteredWebhook::try_from(endpoint)?;
        Ok(WireEndpoint::new(to_wire("webhook", &registered)?).secret(registered.api_secret_key))
    }

    /// The body with the inferred field names ([`BodyFieldNames::INFERRED`]).
    fn request_from_spec(&self, spec: &EndpointSpec) -> Result<Value, InvalidInput> {
        Ok(RegisterWebhook::try_from(spec)?.to_body(&BodyFieldNames::INFERRED))
    }

    fn request_to_spec(&self, wire: &Value) -> Result<EndpointSpec, InvalidInput> {
        Ok(EndpointSpec::from(&from_wire::<RegisterWebhook>("request", wire)?))
    }

    fn validate_request(&self, wire: &Value, _allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        from_wire::<RegisterWebhook>("request", wire)?.validate()
    }
}
