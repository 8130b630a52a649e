//! The event catalogue: every provider's documented event types, as data.
//!
//! | provider | entries | status | source |
//! |---|---|---|---|
//! | MIEX | 4 | [`CatalogueStatus::Closed`] | [`MiexEvent::ALL`] |
//! | BLAZE | 11 | [`CatalogueStatus::Closed`] | [`WebHookType::DOCUMENTED`] |
//! | Bitnob | 1 (the documented example `transaction.confirmed`) | [`CatalogueStatus::Open`] until [`EventCatalogue::load_bitnob`] | the reference; the real list is `GET /webhooks/event-types` |
//! | AbbeyCross | 0 | [`CatalogueStatus::Open`] | AbbeyCross publishes no catalogue |
//! | CHIP Collect | 27 | [`CatalogueStatus::Closed`] | [`ChipEvent::ALL`] |
//!
//! The closed lists are built from the provider crates' enums, so the catalogue cannot drift from
//! them (a test checks both directions). A *closed* catalogue answers "is this event known?" with
//! yes or no; an *open* one only knows examples, so membership is
//! [`Membership::Unverifiable`] for anything else. Bitnob serves its canonical list at run time:
//! load it with [`EventCatalogue::load_bitnob`] (from [`hookbridge_bitnob::Webhooks::event_types`]) and
//! Bitnob's catalogue becomes [`CatalogueStatus::Live`], i.e. checkable.
//!
//! Events the documentation omits but a provider really sends (CHIP's
//! `purchase.subscription_charge_failure`, BLAZE's `TRANSACTION_UPDATE`) can be added with
//! [`EventCatalogue::insert`]; they are then known to validation and conversion.
//!
//! ```
//! use hookbridge_adapters::catalogue::{CatalogueStatus, EventCatalogue, Membership};
//! use hookbridge_core::ProviderId;
//!
//! let catalogue = EventCatalogue::documented();
//! assert_eq!(catalogue.events(hookbridge_chip::PROVIDER).len(), 27);
//! assert!(catalogue.is_known(hookbridge_miex::PROVIDER, "order.created"));
//! assert_eq!(catalogue.membership(hookbridge_miex::PROVIDER, "purchase.paid"), Membership::Unknown);
//! assert!(catalogue.is_open(hookbridge_bitnob::PROVIDER));
//! assert_eq!(catalogue.membership(hookbridge_bitnob::PROVIDER, "wallet.created"), Membership::Unverifiable);
//! assert_eq!(catalogue.status(hookbridge_blaze::PROVIDER), CatalogueStatus::Closed);
//! ```

use std::collections::BTreeMap;
use std::fmt;

use hookbridge_bitnob::EventTypeInfo;
use hookbridge_blaze::WebHookType;
use hookbridge_chip::ChipEvent;
use hookbridge_core::{EventType, ProviderId};
use hookbridge_miex::MiexEvent;
use serde::Serialize;

/// How complete a provider's catalogue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CatalogueStatus {
    /// The documentation lists every event: anything else is unknown (MIEX, BLAZE, CHIP).
    Closed,
    /// The documentation gives examples at most: membership cannot be checked (Bitnob before its
    /// live list is loaded, AbbeyCross).
    Open,
    /// Loaded from the provider's own event-type endpoint at run time: complete, so checkable.
    Live,
}

impl CatalogueStatus {
    /// Whether membership can be decided (closed or live).
    pub const fn is_checkable(self) -> bool {
        !matches!(self, CatalogueStatus::Open)
    }
}

/// Where a catalogue entry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EntryOrigin {
    /// The provider's documentation (through the provider crate's enum).
    Documented,
    /// The provider's event-type endpoint, loaded at run time.
    Live,
    /// Added by the user with [`EventCatalogue::insert`].
    User,
}

/// One event type of one provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CatalogueEntry {
    /// The provider that emits it.
    pub provider: ProviderId,
    /// The wire name (`order.created`, `NEW_MEMBER`, `purchase.paid`).
    pub name: EventType,
    /// The group the event belongs to, where known: the object a dotted name is about (`order`,
    /// `purchase`, `payout`), or the category a live Bitnob catalogue states (`wallet`, `security`,
    /// `compliance`). `None` where nothing is documented (BLAZE).
    pub category: Option<String>,
    /// A human-readable label, where the provider gives one (Bitnob's live `name`).
    pub label: Option<String>,
    /// What triggers the event, where documented.
    pub description: Option<String>,
    /// Where the entry comes from.
    pub origin: EntryOrigin,
}

impl CatalogueEntry {
    /// A user entry with only a provider and a name.
    pub fn new(provider: ProviderId, name: impl Into<EventType>) -> Self {
        Self { provider, name: name.into(), category: None, label: None, description: None, origin: EntryOrigin::User }
    }

    /// Sets the category.
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Sets the label.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    fn documented(provider: ProviderId, name: &str, description: Option<&str>) -> Self {
        Self {
            provider,
            name: EventType::new(name),
            category: dotted_category(name),
            label: None,
            description: description.map(str::to_owned),
            origin: EntryOrigin::Documented,
        }
    }
}

/// The object a dotted event name is about (`purchase.paid` → `purchase`); `None` for undotted
/// names such as BLAZE's `NEW_MEMBER`.
fn dotted_category(name: &str) -> Option<String> {
    name.split_once('.').map(|(head, _)| head.to_owned()).filter(|h| !h.is_empty())
}

/// Whether an event belongs to a provider's catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    /// In the catalogue.
    Known,
    /// Not in a closed (or live) catalogue.
    Unknown,
    /// Not among the examples of an open catalogue: the provider may or may not emit it.
    Unverifiable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ProviderCatalogue {
    status: CatalogueStatus,
    entries: Vec<CatalogueEntry>,
}

/// Every provider's event types, queryable. [`EventCatalogue::default`] is
/// [`EventCatalogue::documented`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventCatalogue {
    providers: BTreeMap<ProviderId, ProviderCatalogue>,
}

/// The example identifier Bitnob's reference gives for the event-type object.
pub const BITNOB_DOCUMENTED_EXAMPLE: &str = "transaction.confirmed";

/// The categories Bitnob's reference names for event types (`wallet`, `security`, `compliance`).
pub const BITNOB_DOCUMENTED_CATEGORIES: [&str; 3] = ["wallet", "security", "compliance"];

impl EventCatalogue {
    /// The documented catalogue of all five providers (see the [module docs](self)).
    pub fn documented() -> Self {
        let mut providers = BTreeMap::new();
        let miex =
            MiexEvent::ALL.iter().map(|e| CatalogueEntry::documented(hookbridge_miex::PROVIDER, e.as_str(), None));
        providers.insert(
            hookbridge_miex::PROVIDER,
            ProviderCatalogue { status: CatalogueStatus::Closed, entries: miex.collect() },
        );
        let blaze = WebHookType::DOCUMENTED
            .iter()
            .map(|e| CatalogueEntry::documented(hookbridge_blaze::PROVIDER, e.as_str(), None));
        providers.insert(
            hookbridge_blaze::PROVIDER,
            ProviderCatalogue { status: CatalogueStatus::Closed, entries: blaze.collect() },
        );
        let bitnob = CatalogueEntry {
            category: None,
            ..CatalogueEntry::documented(
                hookbridge_bitnob::PROVIDER,
                BITNOB_DOCUMENTED_EXAMPLE,
                Some(
                    "The reference's example of an event-type identifier; the full list is served by GET /webhooks/event-types.",
                ),
            )
        };
        providers.insert(
            hookbridge_bitnob::PROVIDER,
            ProviderCatalogue { status: CatalogueStatus::Open, entries: vec![bitnob] },
        );
        providers.insert(
            hookbridge_abbeycross::PROVIDER,
            ProviderCatalogue { status: CatalogueStatus::Open, entries: Vec::new() },
        );
        let chip = ChipEvent::ALL
            .iter()
            .map(|e| CatalogueEntry::documented(hookbridge_chip::PROVIDER, e.as_str(), chip_description(e.as_str())));
        providers.insert(
            hookbridge_chip::PROVIDER,
            ProviderCatalogue { status: CatalogueStatus::Closed, entries: chip.collect() },
        );
        Self { providers }
    }

    fn provider(&self, provider: ProviderId) -> Option<&ProviderCatalogue> {
        self.providers.get(&provider)
    }

    /// The provider's entries, in documentation order (empty for a provider without any).
    pub fn events(&self, provider: ProviderId) -> &[CatalogueEntry] {
        self.provider(provider).map_or(&[], |p| &p.entries)
    }

    /// The entry for `name` at `provider` (exact, case-sensitive wire name).
    pub fn get(&self, provider: ProviderId, name: &str) -> Option<&CatalogueEntry> {
        self.events(provider).iter().find(|e| e.name.as_str() == name)
    }

    /// Whether `name` is in the provider's catalogue.
    pub fn is_known(&self, provider: ProviderId, name: &str) -> bool {
        self.get(provider, name).is_some()
    }

    /// Whether the provider's catalogue is open (examples only: membership cannot be checked).
    /// Providers this catalogue knows nothing about count as open.
    pub fn is_open(&self, provider: ProviderId) -> bool {
        self.status(provider) == CatalogueStatus::Open
    }

    /// How complete the provider's catalogue is.
    pub fn status(&self, provider: ProviderId) -> CatalogueStatus {
        self.provider(provider).map_or(CatalogueStatus::Open, |p| p.status)
    }

    /// Whether `name` belongs to the provider's catalogue: known, unknown (closed or live
    /// catalogue), or unverifiable (open catalogue).
    pub fn membership(&self, provider: ProviderId, name: &str) -> Membership {
        if self.is_known(provider, name) {
            Membership::Known
        } else if self.status(provider).is_checkable() {
            Membership::Unknown
        } else {
            Membership::Unverifiable
        }
    }

    /// Every entry with this wire name, across providers.
    pub fn find<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a CatalogueEntry> + 'a {
        self.providers.values().flat_map(|p| p.entries.iter()).filter(move |e| e.name.as_str() == name)
    }

    /// Every entry of every provider.
    pub fn iter(&self) -> impl Iterator<Item = &CatalogueEntry> {
        self.providers.values().flat_map(|p| p.entries.iter())
    }

    /// Adds an entry (or replaces the entry with the same provider and name). The provider's
    /// status does not change.
    pub fn insert(&mut self, entry: CatalogueEntry) {
        let p = self
            .providers
            .entry(entry.provider)
            .or_insert_with(|| ProviderCatalogue { status: CatalogueStatus::Open, entries: Vec::new() });
        match p.entries.iter_mut().find(|e| e.name == entry.name) {
            Some(slot) => *slot = entry,
            None => p.entries.push(entry),
        }
    }

    /// Replaces a provider's entries with a list the provider itself served and marks the
    /// catalogue [`CatalogueStatus::Live`] (complete, checkable). Entries are re-tagged with
    /// `provider` and [`EntryOrigin::Live`]; duplicates keep their first occurrence.
    pub fn load_live(&mut self, provider: ProviderId, entries: impl IntoIterator<Item = CatalogueEntry>) {
        let mut list: Vec<CatalogueEntry> = Vec::new();
        for mut entry in entries {
            entry.provider = provider;
            entry.origin = EntryOrigin::Live;
            if !list.iter().any(|e| e.name == entry.name) {
                list.push(entry);
            }
        }
        self.providers.insert(provider, ProviderCatalogue { status: CatalogueStatus::Live, entries: list });
    }

    /// Loads Bitnob's canonical list, as returned by `GET /webhooks/event-types`
    /// ([`hookbridge_bitnob::Webhooks::event_types`]); see [`EventCatalogue::load_live`].
    ///
    /// ```
    /// use hookbridge_adapters::catalogue::{CatalogueStatus, EventCatalogue, Membership};
    /// use hookbridge_bitnob::EventTypeInfo;
    /// use hookbridge_core::ProviderId;
    ///
    /// let live: Vec<EventTypeInfo> = serde_json::from_str(
    ///     r#"[{"event_type": "wallet.created", "category": "wallet", "name": "Wallet created"}]"#,
    /// )?;
    /// let mut catalogue = EventCatalogue::documented();
    /// catalogue.load_bitnob(&live);
    /// assert_eq!(catalogue.status(hookbridge_bitnob::PROVIDER), CatalogueStatus::Live);
    /// assert_eq!(catalogue.membership(hookbridge_bitnob::PROVIDER, "wallet.created"), Membership::Known);
    /// assert_eq!(catalogue.membership(hookbridge_bitnob::PROVIDER, "transaction.confirmed"), Membership::Unknown);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn load_bitnob(&mut self, event_types: &[EventTypeInfo]) {
        let entries = event_types.iter().map(|info| CatalogueEntry {
            provider: hookbridge_bitnob::PROVIDER,
            name: info.event_type.clone(),
            category: info.category.as_ref().map(|c| c.as_str().to_owned()),
            label: info.name.clone(),
            description: info.description.clone(),
            origin: EntryOrigin::Live,
        });
        self.load_live(hookbridge_bitnob::PROVIDER, entries);
    }
}

impl Default for EventCatalogue {
    fn default() -> Self {
        Self::documented()
    }
}

impl fmt::Display for CatalogueStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CatalogueStatus::Closed => "closed",
            CatalogueStatus::Open => "open",
            CatalogueStatus::Live => "live",
        })
    }
}

/// CHIP's documented description of each of its 27 event types.
pub(crate) const CHIP_DESCRIPTIONS: [(&str, &str); 27] = [
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

fn chip_description(name: &str) -> Option<&'static str> {
    CHIP_DESCRIPTIONS.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_matches_the_provider_enums_both_ways() {
        let c = EventCatalogue::documented();
        let names = |p| c.events(p).iter().map(|e| e.name.as_str().to_owned()).collect::<Vec<_>>();
        let miex: Vec<String> = MiexEvent::ALL.iter().map(|e| e.as_str().to_owned()).collect();
        let blaze: Vec<String> = WebHookType::DOCUMENTED.iter().map(|e| e.as_str().to_owned()).collect();
        let chip: Vec<String> = ChipEvent::ALL.iter().map(|e| e.as_str().to_owned()).collect();
        assert_eq!(names(hookbridge_miex::PROVIDER), miex);
        assert_eq!(names(hookbridge_blaze::PROVIDER), blaze);
        assert_eq!(names(hookbridge_chip::PROVIDER), chip);
        for entry in c.events(hookbridge_miex::PROVIDER) {
            assert!(entry.name.as_str().parse::<MiexEvent>().is_ok_and(|e| e.is_documented()));
        }
        for entry in c.events(hookbridge_blaze::PROVIDER) {
            assert!(WebHookType::from(&entry.name).is_documented());
        }
        for entry in c.events(hookbridge_chip::PROVIDER) {
            assert!(ChipEvent::from(entry.name.as_str()).is_documented());
            assert!(entry.description.is_some(), "{} has no description", entry.name);
        }
        // Every description names a documented CHIP event.
        for (name, _) in CHIP_DESCRIPTIONS {
            assert!(ChipEvent::from(name).is_documented(), "{name}");
        }
    }
}
