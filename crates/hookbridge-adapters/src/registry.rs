//! The provider registry: every provider this build knows, as its [`Descriptor`].
//!
//! The hubs (the CLI, this crate's conversions, pages, catalogue and timestamp formats, the
//! testkit's conformance suite) look providers up here instead of naming them: a provider crate's
//! descriptor says what its API supports, how to build its client, which events it documents,
//! and — through its [`Dialect`](hookbridge_core::descriptor::Dialect) — how its webhook objects
//! and create requests convert. Adding a provider is its crate plus one line in [`PROVIDERS`]
//! (see `docs/adding-a-provider.md`). Each provider crate is registered once, with its management descriptor and its receiving
//! presets. This is the only file of this crate that names providers.
//!
//! ```
//! use hookbridge_adapters::registry;
//!
//! let chip = registry::find("chip").expect("registered");
//! assert_eq!(chip.display_name(), "CHIP Collect");
//! assert!(chip.capabilities().list);
//! assert_eq!(registry::ids().count(), registry::PROVIDERS.len());
//! ```

use hookbridge_core::{Delivery, Descriptor, ProviderId};
use hookbridge_verify::preset::Preset;

/// One line per provider crate: its management [`Descriptor`] (`DESCRIPTOR`) and its receiving
/// presets (`PRESETS`) are registered together.
macro_rules! registry {
    ($($krate:ident),+ $(,)?) => {
        /// Every registered provider, in a stable order (the order of tables and listings).
        pub static PROVIDERS: &[&'static dyn Descriptor] = &[$(&$krate::DESCRIPTOR),+];

        /// Every registered provider's receiving presets, in [`PROVIDERS`] order.
        static PROVIDER_PRESETS: &[&[Preset<Delivery>]] = &[$($krate::PRESETS),+];
    };
}

registry![
    hookbridge_miex,
    hookbridge_blaze,
    hookbridge_bitnob,
    hookbridge_abbeycross,
    hookbridge_chip,
    hookbridge_stripe
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

/// Every receiving preset: the registered providers' (in registry order), then the external
/// standards' ([`crate::standards`]).
pub fn presets() -> impl Iterator<Item = &'static Preset<Delivery>> {
    PROVIDER_PRESETS.iter().flat_map(|presets| presets.iter()).chain(crate::standards::PRESETS.iter())
}

/// The preset named `name` (its name or an alias, ASCII case-insensitive), if registered.
pub fn preset(name: &str) -> Option<&'static Preset<Delivery>> {
    presets().find(|p| p.answers_to(name))
}

/// The receiving presets of the provider `id`, in the order its crate lists them (the first is
/// the one its simulator and its endpoints' keys use).
pub fn presets_of(id: ProviderId) -> impl Iterator<Item = &'static Preset<Delivery>> {
    presets().filter(move |p| p.provider() == id.as_str())
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

    #[test]
    fn presets_are_unique_and_belong_to_a_provider_or_a_standard() {
        let mut names = BTreeSet::new();
        for p in presets() {
            for name in std::iter::once(p.name()).chain(p.alias_names().iter().copied()) {
                assert!(names.insert(name), "preset name `{name}` is used twice");
            }
            assert_eq!(preset(&p.name().to_ascii_uppercase()).map(Preset::name), Some(p.name()));
            let standard = crate::standards::PRESETS.iter().any(|s| s.name() == p.name());
            assert!(standard || ids().any(|id| id.as_str() == p.provider()), "{}: unknown provider", p.name());
            assert!(!p.summary().is_empty());
        }
        for d in providers() {
            let first = presets_of(d.id()).next();
            assert!(first.is_some(), "{} registers no receiving preset", d.id());
        }
        assert!(preset("no-such-preset").is_none());
    }
}
