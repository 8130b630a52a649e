//! MIEX's [`Descriptor`]: what the registry and the CLI know about this provider.

use hookbridge_core::descriptor::{ClientSettings, ClientSetup, Credential, Descriptor, EventNames, SetupError};
use hookbridge_core::{Capabilities, ClientConfig, ProviderId};

use crate::{MiexClient, MiexEvent};

/// MIEX's descriptor (register it in the provider registry).
pub static DESCRIPTOR: Miex = Miex;

/// MIEX, the currency-exchange partner API (see [`DESCRIPTOR`]).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct Miex;

const CREDENTIALS: &[Credential] =
    &[Credential::secret("MIEX_API_KEY", "miex-api-key", "MIEX API key (`sk_branch_...` / `sk_personal_...`)")
        .overridden_by("api-key")];

static EVENTS: [MiexEvent; 4] = MiexEvent::ALL;

impl Descriptor for Miex {
    fn id(&self) -> ProviderId {
        crate::PROVIDER
    }

    fn display_name(&self) -> &'static str {
        "MIEX"
    }

    fn summary(&self) -> &'static str {
        "currency exchange; camelCase partner API (register only)"
    }

    fn capabilities(&self) -> Capabilities {
        crate::unified::capabilities()
    }

    /// MIEX documents no API host: the base URL is required.
    fn default_base_url(&self) -> Option<&'static str> {
        None
    }

    fn credentials(&self) -> &'static [Credential] {
        CREDENTIALS
    }

    fn events(&self) -> EventNames {
        EventNames::closed(EVENTS.iter().map(MiexEvent::as_str))
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let config = ClientConfig::new(settings.base_url_or_default(self)?)?;
        let key = settings.require(self, "MIEX_API_KEY")?;
        Ok(ClientSetup::new(Box::new(MiexClient::with_config(config, key)?)))
    }
}
