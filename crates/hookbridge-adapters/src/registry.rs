//! The provider registry: every provider this build knows, as its [`Descriptor`].
//!
//! The hubs (the CLI, this crate's conversions, pages, catalogue and timestamp formats, the
//! testkit's conformance suite) look providers up here instead of naming them: a provider crate's
//! descriptor says what its API supports, how to build its client, which events it documents,
//! and — through its [`Dialect`](hookbridge_core::descriptor::Dialect) — how its webhook objects
//! and create requests convert. Adding a provider is its crate plus one line in [`PROVIDERS`]
//! (see `docs/adding-a-provider.md`). This is the only file of this crate that names providers.
//!
//! ```
//! use hookbridge_adapters::registry;
//!
//! let chip = registry::find("chip").expect("registered");
//! assert_eq!(chip.display_name(), "CHIP Collect");
//! assert!(chip.capabilities().list);
//! assert_eq!(registry::ids().count(), registry::PROVIDERS.len());
//! ```

use hookbridge_core::{Descriptor, ProviderId};

/// Every registered provider, in a stable order (the order of tables and listings).
pub static PROVIDERS: &[&'static dyn Descriptor] = &[
    &hookbridge_miex::DESCRIPTOR,
    &hookbridge_blaze::DESCRIPTOR,
    &hookbridge_bitnob::DESCRIPTOR,
    &hookbridge_abbeycross::DESCRIPTOR,
    &hookbridge_chip::DESCRIPTOR,
    &hookbridge_stripe::DESCRIPTOR,
];

/// Every registered provider.
pub fn providers() -> impl ExactSizeIterator<Item = &'static dyn Descriptor> {
    PROVIDERS.iter().copied()
}

/// Every registered provider's id, in registry order.
pub fn ids() -> impl ExactSizeIterator<Item = ProviderId> {
    providers().map(|d| d.id())
}

/// The provider with this id, if registered.
pub fn get(id: ProviderId) -> Option<&'static dyn Descriptor> {
    providers().find(|d| d.id() == id)
}

/// The provider named `name` (its id, ASCII case-insensitive), if registered.
pub fn find(name: &str) -> Option<&'static dyn Descriptor> {
    providers().find(|d| d.id().as_str().eq_ignore_ascii_case(name))
}

/// The display name of `id`: the registered provider's, else the id itself.
pub fn display_name(id: ProviderId) -> &'static str {
    get(id).map_or(id.as_str(), |d| d.display_name())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Registered providers whose crate has no dialect yet: conversions refuse them with a typed
    /// error. Every registered provider has one.
    const WITHOUT_DIALECT: &[&str] = &[];

    #[test]
    fn every_provider_has_a_dialect_whose_rules_fit_its_capabilities() {
        for d in providers() {
            let Some(dialect) = d.dialect() else {
                assert!(WITHOUT_DIALECT.contains(&d.id().as_str()), "{} has no dialect", d.id());
                continue;
            };
            assert!(!WITHOUT_DIALECT.contains(&d.id().as_str()), "{} has a dialect now: take it off the list", d.id());
            let rules = dialect.spec_rules();
            let caps = d.capabilities();
            assert!(!rules.all_events_expanded || caps.all_events, "{}: expands an unsupported \"all events\"", d.id());
            for field in [rules.all_events_field, rules.events_field, rules.scope_field].into_iter().flatten() {
                assert!(rules.fields.contains(&field), "{}: `{field}` is not a settable field", d.id());
            }
        }
    }

    #[test]
    fn ids_and_credential_variables_are_unique() {
        let ids: BTreeSet<_> = ids().collect();
        assert_eq!(ids.len(), PROVIDERS.len());
        let vars: Vec<_> = providers().flat_map(|d| d.credentials().iter().map(|c| c.env)).collect();
        let unique: BTreeSet<_> = vars.iter().collect();
        assert_eq!(unique.len(), vars.len(), "{vars:?}");
        for d in providers() {
            assert_eq!(find(&d.id().as_str().to_ascii_uppercase()).map(|f| f.id()), Some(d.id()));
            assert!(!d.credentials().is_empty(), "{} declares its credentials", d.id());
        }
    }
}
