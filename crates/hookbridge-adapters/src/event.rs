//! Provider ⇄ unified conversions for event types.
//!
//! ```
//! use hookbridge_adapters::ProviderEvent;
//! use hookbridge_blaze::WebHookType;
//! use hookbridge_core::{EventType, ProviderId};
//!
//! let e = ProviderEvent::from_unified(hookbridge_blaze::PROVIDER, &EventType::new("NEW_MEMBER"))?;
//! assert_eq!(e, ProviderEvent::Blaze(WebHookType::NewMember));
//! assert!(e.is_documented());
//! // Unknown names survive both ways.
//! let odd = ProviderEvent::from_unified(hookbridge_blaze::PROVIDER, &EventType::new("TRANSACTION_UPDATE"))?;
//! assert!(!odd.is_documented());
//! assert_eq!(odd.to_unified().as_str(), "TRANSACTION_UPDATE");
//! # Ok::<(), hookbridge_core::InvalidInput>(())
//! ```

use hookbridge_blaze::WebHookType;
use hookbridge_chip::ChipEvent;
use hookbridge_core::{EventType, InvalidInput, ProviderId};
use hookbridge_miex::MiexEvent;

use crate::catalogue::BITNOB_DOCUMENTED_EXAMPLE;
use crate::endpoint::unsupported_provider;

/// An event type in one provider's own dialect: the provider crates' enums where they have one
/// (each with an `Unknown(String)` variant), [`EventType`] for Bitnob and AbbeyCross, whose
/// catalogues are open.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProviderEvent {
    /// A MIEX event.
    Miex(MiexEvent),
    /// A BLAZE `webHookType`.
    Blaze(WebHookType),
    /// A Bitnob event type (open catalogue).
    Bitnob(EventType),
    /// An AbbeyCross event (no catalogue published).
    AbbeyCross(EventType),
    /// A CHIP Collect event.
    Chip(ChipEvent),
}

impl ProviderEvent {
    /// The provider's event for a unified name; names outside a provider's enum become its
    /// `Unknown` variant, spelled exactly as given.
    pub fn from_unified(provider: ProviderId, event: &EventType) -> Result<Self, InvalidInput> {
        Ok(match provider {
            hookbridge_miex::PROVIDER => ProviderEvent::Miex(match event.as_str().parse::<MiexEvent>() {
                Ok(e) => e,
                Err(never) => match never {},
            }),
            hookbridge_blaze::PROVIDER => ProviderEvent::Blaze(WebHookType::from(event)),
            hookbridge_bitnob::PROVIDER => ProviderEvent::Bitnob(event.clone()),
            hookbridge_abbeycross::PROVIDER => ProviderEvent::AbbeyCross(event.clone()),
            hookbridge_chip::PROVIDER => ProviderEvent::Chip(ChipEvent::from(event.as_str())),
            other => return Err(unsupported_provider(other)),
        })
    }

    /// The unified name (the wire spelling).
    pub fn to_unified(&self) -> EventType {
        EventType::new(self.as_str())
    }

    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            ProviderEvent::Miex(e) => e.as_str(),
            ProviderEvent::Blaze(e) => e.as_str(),
            ProviderEvent::Bitnob(e) | ProviderEvent::AbbeyCross(e) => e.as_str(),
            ProviderEvent::Chip(e) => e.as_str(),
        }
    }

    /// The provider.
    pub fn provider(&self) -> ProviderId {
        match self {
            ProviderEvent::Miex(_) => hookbridge_miex::PROVIDER,
            ProviderEvent::Blaze(_) => hookbridge_blaze::PROVIDER,
            ProviderEvent::Bitnob(_) => hookbridge_bitnob::PROVIDER,
            ProviderEvent::AbbeyCross(_) => hookbridge_abbeycross::PROVIDER,
            ProviderEvent::Chip(_) => hookbridge_chip::PROVIDER,
        }
    }

    /// Whether the provider's documentation names this event (for Bitnob: the reference's one
    /// example; AbbeyCross documents none).
    pub fn is_documented(&self) -> bool {
        match self {
            ProviderEvent::Miex(e) => e.is_documented(),
            ProviderEvent::Blaze(e) => e.is_documented(),
            ProviderEvent::Bitnob(e) => e.as_str() == BITNOB_DOCUMENTED_EXAMPLE,
            ProviderEvent::AbbeyCross(_) => false,
            ProviderEvent::Chip(e) => e.is_documented(),
        }
    }
}

impl From<&ProviderEvent> for EventType {
    fn from(e: &ProviderEvent) -> Self {
        e.to_unified()
    }
}

impl From<MiexEvent> for ProviderEvent {
    fn from(e: MiexEvent) -> Self {
        ProviderEvent::Miex(e)
    }
}

impl From<WebHookType> for ProviderEvent {
    fn from(e: WebHookType) -> Self {
        ProviderEvent::Blaze(e)
    }
}

impl From<ChipEvent> for ProviderEvent {
    fn from(e: ChipEvent) -> Self {
        ProviderEvent::Chip(e)
    }
}
