//! Stripe's [`Descriptor`]: what the registry and the CLI know about this provider.
//!
//! Credential: `STRIPE_API_KEY` (flag `--stripe-api-key`, or the generic `--api-key`), a secret
//! (`sk_…`) or restricted (`rk_…`) key. Events: the documented `enabled_events` names, an open
//! catalogue (Stripe adds event types continually).
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

use hookbridge_core::descriptor::{ClientSettings, ClientSetup, Credential, Descriptor, EventNames, SetupError};
use hookbridge_core::{Capabilities, ClientConfig, ProviderId};

use crate::{EventType, StripeClient};

/// Stripe's descriptor (register it in the provider registry).
pub static DESCRIPTOR: Stripe = Stripe;

/// Stripe, the payments platform (see [`DESCRIPTOR`]).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct Stripe;

/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "STRIPE_API_KEY";

const CREDENTIALS: &[Credential] =
    &[Credential::secret(API_KEY_ENV, "stripe-api-key", "Stripe secret or restricted API key (sk_… / rk_…)")
        .overridden_by("api-key")];

static EVENTS: [EventType; EventType::COUNT] = EventType::ALL;

impl Descriptor for Stripe {
    fn id(&self) -> ProviderId {
        crate::PROVIDER
    }

    fn display_name(&self) -> &'static str {
        "Stripe"
    }

    fn summary(&self) -> &'static str {
        "payments; form-encoded API, starting_after/has_more cursor lists, secret only at creation, \
         Stripe-Signature deliveries"
    }

    fn capabilities(&self) -> Capabilities {
        crate::unified::capabilities()
    }

    fn default_base_url(&self) -> Option<&'static str> {
        Some(StripeClient::DEFAULT_BASE_URL)
    }

    fn credentials(&self) -> &'static [Credential] {
        CREDENTIALS
    }

    /// The event types of `enabled_events` (without `*`, which selects them all); open.
    fn events(&self) -> EventNames {
        EventNames::open(EVENTS.iter().filter(|e| !e.is_all()).map(EventType::as_str))
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        Ok(ClientSetup::new(Box::new(client_from_settings(settings)?)))
    }
}

/// The typed Stripe client from `settings` (what [`Descriptor::client`] boxes).
///
/// # Errors
/// See [`Descriptor::client`]: no `STRIPE_API_KEY`, a publishable key, a bad base URL.
pub fn client_from_settings(settings: &ClientSettings) -> Result<StripeClient, SetupError> {
    let config = ClientConfig::new(settings.base_url_or_default(&DESCRIPTOR)?)?;
    let key = settings.require(&DESCRIPTOR, API_KEY_ENV)?;
    Ok(StripeClient::with_config(config, key)?.page_limits(settings.limits()))
}
