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

use hookbridge_core::ProviderId;

/// The registered providers whose descriptor has a dialect (the conversions cover exactly those;
/// the others are refused with a typed error, see `every_provider_has_a_dialect` in registry.rs).
pub(crate) fn converted_ids() -> impl Iterator<Item = ProviderId> {
    hookbridge_adapters::registry::providers().filter(|d| d.dialect().is_some()).map(|d| d.id())
}
