//! CHIP Collect's [`Descriptor`]: what the registry and the CLI know about this provider.

use hookbridge_core::descriptor::{ClientSettings, ClientSetup, Credential, Descriptor, EventNames, SetupError};
use hookbridge_core::{Capabilities, ClientConfig, ProviderId};

use crate::{ChipClient, ChipEvent};

/// CHIP Collect's descriptor (register it in the provider registry).
pub static DESCRIPTOR: Chip = Chip;

/// CHIP Collect, the payment gateway (see [`DESCRIPTOR`]).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct Chip;

const CREDENTIALS: &[Credential] =
    &[Credential::secret("CHIP_API_KEY", "chip-api-key", "CHIP Collect API key").overridden_by("api-key")];

static EVENTS: [ChipEvent; ChipEvent::COUNT] = ChipEvent::ALL;

impl Descriptor for Chip {
    fn id(&self) -> ProviderId {
        crate::PROVIDER
    }

    fn display_name(&self) -> &'static str {
        "CHIP Collect"
    }

    fn summary(&self) -> &'static str {
        "payments; RSA public-key callbacks"
    }

    fn capabilities(&self) -> Capabilities {
        crate::unified::capabilities()
    }

    fn default_base_url(&self) -> Option<&'static str> {
        Some(ChipClient::DEFAULT_BASE_URL)
    }

    fn credentials(&self) -> &'static [Credential] {
        CREDENTIALS
    }

    fn events(&self) -> EventNames {
        EventNames::closed(EVENTS.iter().map(ChipEvent::as_str))
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        Ok(ClientSetup::new(Box::new(client_from_settings(settings)?)))
    }
}

/// The typed CHIP client from `settings` (what [`Descriptor::client`] boxes), for CHIP-only
/// operations such as the company public key.
///
/// # Errors
/// See [`Descriptor::client`].
pub fn client_from_settings(settings: &ClientSettings) -> Result<ChipClient, SetupError> {
    let config = ClientConfig::new(settings.base_url_or_default(&DESCRIPTOR)?)?;
    let key = settings.require(&DESCRIPTOR, "CHIP_API_KEY")?;
    Ok(ChipClient::with_config(config, key)?.page_limits(settings.limits()))
}
