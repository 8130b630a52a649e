//! Integration tests of hookbridge-adapters (one binary).
#![allow(clippy::unwrap_used, missing_docs)]

mod bridge;
mod catalogue;
mod convert_cases;
mod convert_props;
mod convert_table;
mod normalize;
mod pages;
mod roundtrip;

use hookbridge_core::{EventType, ProviderId};

/// The registered providers this crate's conversions cover (the dialect enums name them). The
/// registry may list a provider before its conversions exist here: such a provider is left out.
pub(crate) fn converted_ids() -> impl Iterator<Item = ProviderId> {
    let probe = EventType::new("probe.event");
    hookbridge_adapters::registry::ids()
        .filter(move |p| hookbridge_adapters::ProviderEvent::from_unified(*p, &probe).is_ok())
}
