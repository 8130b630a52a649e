//! AbbeyCross's [`Descriptor`]: what the registry and the CLI know about this provider.

use hookbridge_core::descriptor::{ClientSettings, ClientSetup, Credential, Descriptor, EventNames, SetupError};
use hookbridge_core::{Capabilities, ClientConfig, ProviderId};

use crate::AbbeyCrossClient;

/// AbbeyCross's descriptor (register it in the provider registry).
pub static DESCRIPTOR: AbbeyCross = AbbeyCross;

/// AbbeyCross, the FX API (see [`DESCRIPTOR`]).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct AbbeyCross;

const CREDENTIALS: &[Credential] =
    &[Credential::secret("ABBEYCROSS_API_TOKEN", "abbeycross-api-token", "AbbeyCross API token")
        .value_name("TOKEN")
        .overridden_by("api-key")];

impl Descriptor for AbbeyCross {
    fn id(&self) -> ProviderId {
        crate::PROVIDER
    }

    fn display_name(&self) -> &'static str {
        "AbbeyCross"
    }

    fn summary(&self) -> &'static str {
        "FX; register-with-apiSecretKey API"
    }

    fn capabilities(&self) -> Capabilities {
        crate::unified::capabilities()
    }

    /// AbbeyCross documents no API host: the base URL is required.
    fn default_base_url(&self) -> Option<&'static str> {
        None
    }

    fn credentials(&self) -> &'static [Credential] {
        CREDENTIALS
    }

    /// AbbeyCross documents no event names: the catalogue is open and empty.
    fn events(&self) -> EventNames {
        EventNames::open([])
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let config = ClientConfig::new(settings.base_url_or_default(self)?)?;
        let token = settings.require(self, "ABBEYCROSS_API_TOKEN")?;
        Ok(ClientSetup::new(Box::new(AbbeyCrossClient::with_config(config, token)?)))
    }
}
