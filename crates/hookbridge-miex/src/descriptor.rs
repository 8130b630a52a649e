//! MIEX's [`Descriptor`] and [`Dialect`]: what the registry, the CLI and the adapters know about
//! this provider.
//!
//! Its dialect: the webhook object is [`MiexWebhook`] (RFC 3339 timestamps, `secretKey` kept
//! apart as the secret), the create request is [`RegisterWebhook`] (one URL, at least one of the
//! four documented events, no name, "all events" sent as the four).

use hookbridge_core::descriptor::{
    ClientSettings, ClientSetup, Credential, EventNames, ProviderInfo, SetupError, SpecRules, TimestampFormat,
    TypedDialect,
};
use hookbridge_core::{InvalidInput, Secret};

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
        Ok(ClientSetup::new(Box::new(settings.client_with(self, "MIEX_API_KEY", MiexClient::with_config)?)))
    }
}

impl TypedDialect for Miex {
    /// `secretKey` is the secret kept apart.
    type Object = MiexWebhook;
    type Written = MiexWebhook;
    type Request = RegisterWebhook;

    /// No name; "all events" is sent as the four documented events; at least one event.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new().all_events_expanded().requires_event()
    }

    fn timestamp_format(&self) -> Option<TimestampFormat> {
        Some(TimestampFormat::Rfc3339)
    }

    fn secret_slot(webhook: &mut MiexWebhook) -> Option<&mut Option<Secret>> {
        Some(&mut webhook.secret_key)
    }

    fn check(&self, request: &RegisterWebhook, _allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        request.validate()
    }
}
