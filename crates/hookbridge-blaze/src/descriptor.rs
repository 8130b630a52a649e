//! BLAZE's [`Descriptor`] and [`Dialect`]: what the registry, the CLI and the adapters know about
//! this provider.
//!
//! Its dialect: the webhook object is [`PartnerWebHook`] (epoch-millisecond timestamps, no
//! secret), the create request is [`CreateWebHook`] (several URLs, no name and no event field;
//! `shopId`, the shop scope, and `url` as provider fields).

use hookbridge_core::descriptor::{
    ClientSettings, ClientSetup, Credential, Dialect, EventNames, ProviderInfo, SetupError, SpecRules, TimestampFormat,
    WireEndpoint, from_wire, to_wire,
};
use hookbridge_core::{Endpoint, EndpointSpec, InvalidInput, Secret};
use serde_json::Value;

use crate::client::validate_create;
use crate::unified::fields;
use crate::{BlazeClient, BlazeKeys, CreateWebHook, PartnerWebHook, WebHookType};

const CREDENTIALS: &[Credential] = &[
    Credential::secret("BLAZE_PARTNER_KEY", "blaze-partner-key", "BLAZE partner key").overridden_by("api-key"),
    Credential::secret("BLAZE_DEVELOPER_KEY", "blaze-developer-key", "BLAZE developer key")
        .overridden_by("developer-key"),
];

static EVENTS: [WebHookType; 11] = WebHookType::DOCUMENTED;

hookbridge_core::descriptor! {
    /// BLAZE, the retail-POS partner API (see [`DESCRIPTOR`]).
    pub struct Blaze = ProviderInfo::new(crate::PROVIDER, "BLAZE", "retail POS; shop-scoped webHooks partner API")
        .capabilities(crate::unified::CAPABILITIES)
        .default_base_url(crate::DEFAULT_BASE_URL)
        .credentials(CREDENTIALS);
    dialect;

    fn events(&self) -> EventNames {
        EventNames::closed(EVENTS.iter().map(WebHookType::as_str))
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let config = settings.client_config(self)?;
        let partner = settings.require(self, "BLAZE_PARTNER_KEY")?;
        let developer = settings.require(self, "BLAZE_DEVELOPER_KEY")?;
        let client =
            BlazeClient::with_config(config, BlazeKeys::new(partner, developer))?.page_limits(settings.limits());
        Ok(ClientSetup::new(Box::new(client)))
    }
}

impl Dialect for Blaze {
    /// No name, no event field; `shopId` (the shop scope) and `url` may be set.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new().fields(&[fields::SHOP_ID, fields::URL]).scope_field(fields::SHOP_ID)
    }

    fn timestamp_format(&self) -> Option<TimestampFormat> {
        Some(TimestampFormat::EpochMillis)
    }

    /// A [`PartnerWebHook`]; BLAZE webhooks carry no secret, so `secret` is refused.
    fn endpoint_to_unified(&self, wire: &Value, secret: Option<&Secret>) -> Result<Endpoint, InvalidInput> {
        if secret.is_some() {
            return Err(InvalidInput::new("secret", "BLAZE webhooks have no signing secret"));
        }
        Endpoint::try_from(from_wire::<PartnerWebHook>("webhook", wire)?)
    }

    fn endpoint_from_unified(&self, endpoint: &Endpoint) -> Result<WireEndpoint, InvalidInput> {
        Ok(WireEndpoint::new(to_wire("webhook", &PartnerWebHook::try_from(endpoint)?)?))
    }

    fn request_from_spec(&self, spec: &EndpointSpec) -> Result<Value, InvalidInput> {
        to_wire("request", &CreateWebHook::try_from(spec)?)
    }

    fn request_to_spec(&self, wire: &Value) -> Result<EndpointSpec, InvalidInput> {
        Ok(EndpointSpec::from(&from_wire::<CreateWebHook>("request", wire)?))
    }

    fn validate_request(&self, wire: &Value, _allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        validate_create(&from_wire::<CreateWebHook>("request", wire)?)
    }
}
