//! AbbeyCross's [`Descriptor`] and [`Dialect`]: what the registry, the CLI and the adapters know
//! about this provider.
//!
//! Its dialect: AbbeyCross returns no webhook object, so the object is the registration as a
//! whole, [`RegisteredWebhook`] (request plus `{message, apiSecretKey}` response; no timestamps,
//! `apiSecretKey` kept apart as the secret); the create request is [`RegisterWebhook`] with the
//! inferred field names (one URL, an event list that may be empty, no name, no "all events").

use hookbridge_core::descriptor::{
    ClientSettings, ClientSetup, Credential, EventNames, ProviderInfo, SetupError, SpecRules, TimestampFormat,
    TypedDialect,
};
use hookbridge_core::{InvalidInput, Secret};

use crate::{AbbeyCrossClient, RegisterWebhook, RegisteredWebhook};

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
        let client = settings.client_with(self, "ABBEYCROSS_API_TOKEN", AbbeyCrossClient::with_config)?;
        Ok(ClientSetup::new(Box::new(client)))
    }
}

impl TypedDialect for AbbeyCross {
    /// The registration as a whole; `apiSecretKey` is the secret kept apart.
    type Object = RegisteredWebhook;
    type Written = RegisteredWebhook;
    /// Written with the inferred field names ([`crate::BodyFieldNames::INFERRED`]).
    type Request = RegisterWebhook;

    /// No name; no "all events" (no catalogue to expand); an empty event list is allowed.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new()
    }

    /// AbbeyCross reports no timestamps.
    fn timestamp_format(&self) -> Option<TimestampFormat> {
        None
    }

    fn secret_slot(registered: &mut RegisteredWebhook) -> Option<&mut Option<Secret>> {
        Some(&mut registered.api_secret_key)
    }

    fn check(&self, request: &RegisterWebhook, _allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        request.validate()
    }
}
