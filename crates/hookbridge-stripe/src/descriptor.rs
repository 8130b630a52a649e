//! Stripe's [`Descriptor`]: what the registry and the CLI know about this provider.
//!
//! Credential: `STRIPE_API_KEY` (flag `--stripe-api-key`, or the generic `--api-key`), a secret
//! (`sk_…`) or restricted (`rk_…`) key. Events: the documented `enabled_events` names, an open
//! catalogue (Stripe adds event types continually).
//!
//! Its [`Dialect`]: the webhook object is [`WebhookEndpoint`] as JSON (`created` in epoch
//! seconds; the create response's one-time `secret` is kept apart as the secret, never in the
//! JSON). The create request is [`CreateWebhookEndpoint`] as JSON with its wire field names
//! (`url`, `enabled_events`, `description`, `metadata`, `api_version`, `connect`): the client
//! sends it form-encoded, the JSON is how conversions hold it. One URL, an optional name
//! (`description`), at least one event, "all events" native (`enabled_events: ["*"]`), and the
//! create-only provider fields `api_version`, `connect` and `metadata`.
//!
//! ```
//! use hookbridge_core::descriptor::{ClientSettings, Descriptor};
//! use hookbridge_core::Secret;
//!
//! let d = &hookbridge_stripe::DESCRIPTOR;
//! assert_eq!(d.display_name(), "Stripe");
//! assert_eq!(d.default_base_url(), Some("https://api.stripe.com/"));
//! assert!(d.events().open && d.events().documented.contains(&"charge.succeeded"));
//! let settings = ClientSettings::new().credential("STRIPE_API_KEY", Secret::new("sk_test_4eC39HqLyjWDarjtT1zdp7dc"));
//! let setup = d.client(&settings)?;
//! assert_eq!(setup.client.provider(), hookbridge_stripe::PROVIDER);
//! assert!(!format!("{setup:?}").contains("4eC39HqLyjWDarjtT1zdp7dc"));
//! # Ok::<(), hookbridge_core::descriptor::SetupError>(())
//! ```

use hookbridge_core::descriptor::{
    ClientSettings, ClientSetup, Credential, EventNames, NameField, ProviderInfo, SetupError, SpecRules,
    TimestampFormat, TypedDialect,
};
use hookbridge_core::{InvalidInput, Secret};

use crate::{CreateWebhookEndpoint, EventType, StripeClient, WebhookEndpoint};

/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "STRIPE_API_KEY";

const CREDENTIALS: &[Credential] =
    &[Credential::secret(API_KEY_ENV, "stripe-api-key", "Stripe secret or restricted API key (sk_… / rk_…)")
        .overridden_by("api-key")];

static EVENTS: [EventType; EventType::COUNT] = EventType::ALL;

hookbridge_core::descriptor! {
    /// Stripe, the payments platform (see [`DESCRIPTOR`]).
    pub struct Stripe = ProviderInfo::new(
        crate::PROVIDER,
        "Stripe",
        "payments; form-encoded API, starting_after/has_more cursor lists, secret only at creation, \
         Stripe-Signature deliveries",
    )
    .capabilities(crate::unified::CAPABILITIES)
    .default_base_url(StripeClient::DEFAULT_BASE_URL)
    .credentials(CREDENTIALS);
    dialect;

    /// The event types of `enabled_events` (without `*`, which selects them all); open.
    fn events(&self) -> EventNames {
        EventNames::open(EVENTS.iter().filter(|e| !e.is_all()).map(EventType::as_str))
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        Ok(ClientSetup::new(Box::new(client_from_settings(settings)?)))
    }
}

/// The create request's settable provider fields (`provider_fields` of an [`EndpointSpec`]).
const SPEC_FIELDS: &[&str] = &crate::unified::CREATE_FIELDS;

impl TypedDialect for Stripe {
    /// A create response carries its `secret`, the secret kept apart.
    type Object = WebhookEndpoint;
    type Written = WebhookEndpoint;
    /// Written as JSON here (what the client sends is its form encoding).
    type Request = CreateWebhookEndpoint;

    /// An optional name (`description`); at least one event (`enabled_events` is required);
    /// "all events" native (`["*"]`); the provider fields `api_version`, `connect`, `metadata`.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new().name(NameField::Optional).requires_event().fields(SPEC_FIELDS)
    }

    /// `created` is in seconds since the Unix epoch.
    fn timestamp_format(&self) -> Option<TimestampFormat> {
        Some(TimestampFormat::EpochSeconds)
    }

    fn secret_slot(webhook: &mut WebhookEndpoint) -> Option<&mut Option<Secret>> {
        Some(&mut webhook.secret)
    }

    /// [`CreateWebhookEndpoint::validate`]: at least one well-formed event name, Stripe's
    /// metadata limits. The client sends any absolute URL as given (Stripe itself decides which
    /// it accepts), so `allow_insecure_urls` changes nothing.
    fn check(&self, request: &CreateWebhookEndpoint, _allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        request.validate()
    }
}

/// The typed Stripe client from `settings` (what [`Descriptor::client`] boxes).
///
/// # Errors
/// See [`Descriptor::client`]: no `STRIPE_API_KEY`, a publishable key, a bad base URL.
pub fn client_from_settings(settings: &ClientSettings) -> Result<StripeClient, SetupError> {
    Ok(settings.client_with(&DESCRIPTOR, API_KEY_ENV, StripeClient::with_config)?.page_limits(settings.limits()))
}
