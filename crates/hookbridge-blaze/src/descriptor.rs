//! BLAZE's [`Descriptor`] and [`Dialect`]: what the registry, the CLI and the adapters know about
//! this provider.
//!
//! Its dialect: the webhook object is [`PartnerWebHook`] (epoch-millisecond timestamps, no
//! secret), the create request is [`CreateWebHook`] (several URLs, no name and no event field;
//! `shopId`, the shop scope, and `url` as provider fields).

use hookbridge_core::InvalidInput;
use hookbridge_core::descriptor::{
    ClientSettings, ClientSetup, Credential, EventNames, ProviderInfo, SetupError, SpecRules, TimestampFormat,
    TypedDialect,
};

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

impl TypedDialect for Blaze {
    /// No secret: BLAZE authenticates deliveries by the callback URL.
    type Object = PartnerWebHook;
    type Written = PartnerWebHook;
    type Request = CreateWebHook;

    /// No name, no event field; `shopId` (the shop scope) and `url` may be set.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new().fields(&[fields::SHOP_ID, fields::URL]).scope_field(fields::SHOP_ID)
    }

    fn timestamp_format(&self) -> Option<TimestampFormat> {
        Some(TimestampFormat::EpochMillis)
    }

    fn check(&self, request: &CreateWebHook, _allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        validate_create(request)
    }
}
