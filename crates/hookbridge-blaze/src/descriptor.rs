//! BLAZE's [`Descriptor`]: what the registry and the CLI know about this provider.

use hookbridge_core::descriptor::{ClientSettings, ClientSetup, Credential, Descriptor, EventNames, SetupError};
use hookbridge_core::{Capabilities, ClientConfig, ProviderId};

use crate::{BlazeClient, BlazeKeys, WebHookType};

/// BLAZE's descriptor (register it in the provider registry).
pub static DESCRIPTOR: Blaze = Blaze;

/// BLAZE, the retail-POS partner API (see [`DESCRIPTOR`]).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct Blaze;

const CREDENTIALS: &[Credential] = &[
    Credential::secret("BLAZE_PARTNER_KEY", "blaze-partner-key", "BLAZE partner key").overridden_by("api-key"),
    Credential::secret("BLAZE_DEVELOPER_KEY", "blaze-developer-key", "BLAZE developer key")
        .overridden_by("developer-key"),
];

static EVENTS: [WebHookType; 11] = WebHookType::DOCUMENTED;

impl Descriptor for Blaze {
    fn id(&self) -> ProviderId {
        crate::PROVIDER
    }

    fn display_name(&self) -> &'static str {
        "BLAZE"
    }

    fn summary(&self) -> &'static str {
        "retail POS; shop-scoped webHooks partner API"
    }

    fn capabilities(&self) -> Capabilities {
        crate::unified::capabilities()
    }

    fn default_base_url(&self) -> Option<&'static str> {
        Some(crate::DEFAULT_BASE_URL)
    }

    fn credentials(&self) -> &'static [Credential] {
        CREDENTIALS
    }

    fn events(&self) -> EventNames {
        EventNames::closed(EVENTS.iter().map(WebHookType::as_str))
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let config = ClientConfig::new(settings.base_url_or_default(self)?)?;
        let partner = settings.require(self, "BLAZE_PARTNER_KEY")?;
        let developer = settings.require(self, "BLAZE_DEVELOPER_KEY")?;
        let client =
            BlazeClient::with_config(config, BlazeKeys::new(partner, developer))?.page_limits(settings.limits());
        Ok(ClientSetup::new(Box::new(client)))
    }
}
