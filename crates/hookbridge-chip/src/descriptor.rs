//! CHIP Collect's [`Descriptor`] and [`Dialect`]: what the registry, the CLI and the adapters know
//! about this provider.
//!
//! Its dialect: the webhook object is [`ChipWebhook`] (epoch-second timestamps, no secret: CHIP
//! signs with its RSA key), the create request is [`WebhookRequest`] (one callback URL, a
//! required title of at most [`TITLE_MAX_LEN`] characters, at least one event or `all_events`;
//! `public_key`, `all_events` and `events` as provider fields).

use hookbridge_core::InvalidInput;
use hookbridge_core::descriptor::{
    ClientSettings, ClientSetup, Credential, EventNames, NameField, ProviderInfo, SetupError, SpecRules,
    TimestampFormat, TypedDialect,
};
use hookbridge_core::extension::Extensions;

use crate::extensions::ChipPublishedKey;
use crate::model::TITLE_MAX_LEN;
use crate::unified::{FIELD_ALL_EVENTS, FIELD_EVENTS, FIELD_PUBLIC_KEY};
use crate::{ChipClient, ChipEvent, ChipWebhook, WebhookRequest};

const CREDENTIALS: &[Credential] =
    &[Credential::secret("CHIP_API_KEY", "chip-api-key", "CHIP Collect API key").overridden_by("api-key")];

static EVENTS: [ChipEvent; ChipEvent::COUNT] = ChipEvent::ALL;

hookbridge_core::descriptor! {
    /// CHIP Collect, the payment gateway (see [`DESCRIPTOR`]).
    pub struct Chip = ProviderInfo::new(crate::PROVIDER, "CHIP Collect", "payments; RSA public-key callbacks")
        .capabilities(crate::unified::CAPABILITIES)
        .default_base_url(ChipClient::DEFAULT_BASE_URL)
        .credentials(CREDENTIALS)
        .extensions(Extensions::NONE.published_key());
    dialect;

    /// The 27 documented events, each with its documented description.
    fn events(&self) -> EventNames {
        EventNames::closed(EVENTS.iter().map(ChipEvent::as_str)).describe(EVENT_DESCRIPTIONS)
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let client = client_from_settings(settings)?;
        Ok(ClientSetup::new(Box::new(client.clone())).published_key(Box::new(ChipPublishedKey::new(client))))
    }
}

impl TypedDialect for Chip {
    /// No secret: CHIP signs with its RSA key.
    type Object = ChipWebhook;
    type Written = ChipWebhook;
    type Request = WebhookRequest;

    /// A required title (at most [`TITLE_MAX_LEN`] characters); "all events" is native
    /// (`all_events`); at least one event in a list; `public_key`, `all_events` and `events`
    /// (listed next to `all_events: true`) may be set.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new()
            .name(NameField::Required { max_chars: TITLE_MAX_LEN })
            .requires_event()
            .fields(&[FIELD_PUBLIC_KEY, FIELD_ALL_EVENTS, FIELD_EVENTS])
            .all_events_fields(FIELD_ALL_EVENTS, FIELD_EVENTS)
    }

    fn timestamp_format(&self) -> Option<TimestampFormat> {
        Some(TimestampFormat::EpochSeconds)
    }

    fn check(&self, request: &WebhookRequest, _allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        request.validate()
    }
}

/// CHIP's documented description of each of its 27 event types.
pub const EVENT_DESCRIPTIONS: [(&str, &str); ChipEvent::COUNT] = [
    ("purchase.created", "A Purchase was created (status `created`)."),
    ("purchase.paid", "A Purchase was paid for (status `paid`)."),
    ("purchase.payment_failure", "A payment attempt failed (status `error`)."),
    ("purchase.refund_failure", "A pending refund failed."),
    ("purchase.capture_failure", "A pending capture failed."),
    ("purchase.release_failure", "A pending release failed."),
    ("purchase.pending_execute", "Execution is taking longer than expected at the acquirer."),
    ("purchase.pending_charge", "A recurring charge is taking longer than expected."),
    ("purchase.cancelled", "The Purchase was cancelled."),
    ("purchase.hold", "Funds were placed on hold (`skip_capture`)."),
    ("purchase.captured", "Held funds were captured."),
    ("purchase.pending_capture", "A capture is taking longer than expected."),
    ("purchase.released", "Held funds were released."),
    ("purchase.pending_release", "A release is taking longer than expected."),
    ("purchase.preauthorized", "A card preauthorization succeeded."),
    ("purchase.pending_recurring_token_delete", "A recurring token deletion is taking longer than expected."),
    ("purchase.recurring_token_deleted", "The recurring token of a Purchase was deleted."),
    ("purchase.pending_refund", "A refund is taking longer than expected."),
    ("payment.refunded", "A Purchase was refunded; the payload is the refund Payment."),
    ("payout.pending", "A Payout is processing."),
    ("payout.failed", "A Payout failed."),
    ("payout.success", "A Payout succeeded."),
    ("payment.charged_back", "A Payment was charged back."),
    ("purchase.viewed", "A Purchase was viewed."),
    ("purchase.settled", "A Purchase was settled."),
    ("payout.created", "A Payout was created."),
    ("payment.chargeback_reversed", "A chargeback was reversed."),
];

/// The typed CHIP client from `settings` (what [`Descriptor::client`] boxes), for CHIP-only
/// operations such as the company public key.
///
/// # Errors
/// See [`Descriptor::client`].
pub fn client_from_settings(settings: &ClientSettings) -> Result<ChipClient, SetupError> {
    Ok(settings.client_with(&DESCRIPTOR, "CHIP_API_KEY", ChipClient::with_config)?.page_limits(settings.limits()))
}

#[cfg(test)]
mod tests {
    use hookbridge_core::descriptor::Descriptor;

    use super::*;

    #[test]
    fn every_documented_event_has_exactly_one_description() {
        let names = DESCRIPTOR.events();
        for event in ChipEvent::ALL {
            assert!(names.description(event.as_str()).is_some(), "{event} has no description");
        }
        for (name, _) in EVENT_DESCRIPTIONS {
            assert!(ChipEvent::from(name).is_documented(), "{name}");
            assert_eq!(EVENT_DESCRIPTIONS.iter().filter(|(n, _)| *n == name).count(), 1, "{name}");
        }
    }
}
