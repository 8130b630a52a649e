//! The event catalogue: every registered provider's documented event types, as data.
//!
//! [`EventCatalogue::documented`] is built from the [registry](crate::registry): each provider's
//! descriptor lists its documented names, with descriptions where its documentation has them,
//! and says whether its catalogue is closed or open. For the five providers:
//!
//! | provider | entries | status | source |
//! |---|---|---|---|
//! | MIEX | 4 | [`CatalogueStatus::Closed`] | its event enum |
//! | BLAZE | 11 | [`CatalogueStatus::Closed`] | its `webHookType` enum |
//! | Bitnob | 1 (the documented example `transaction.confirmed`) | [`CatalogueStatus::Open`] until its live list is loaded | the reference; the real list is `GET /webhooks/event-types` |
//! | AbbeyCross | 0 | [`CatalogueStatus::Open`] | AbbeyCross publishes no catalogue |
//! | CHIP Collect | 27, with descriptions | [`CatalogueStatus::Closed`] | its event enum |
//!
//! The provider crates build their lists from their own enums, so the catalogue cannot drift from
//! them (a test checks both directions). A *closed* catalogue answers "is this event known?" with
//! yes or no; an *open* one only knows examples, so membership is
//! [`Membership::Unverifiable`] for anything else. A provider that serves its canonical list at
//! run time (Bitnob does: its client's `event_types`) makes its catalogue
//! [`CatalogueStatus::Live`], i.e. checkable, once that list is loaded with
//! [`EventCatalogue::load_live`].
//!
//! Events the documentation omits but a provider really sends (CHIP's
//! `purchase.subscription_charge_failure`, BLAZE's `TRANSACTION_UPDATE`) can be added with
//! [`EventCatalogue::insert`]; they are then known to validation and conversion.
//!
//! ```
//! use hookbridge_adapters::catalogue::{CatalogueStatus, EventCatalogue, Membership};
//! use hookbridge_core::ProviderId;
//!
//! let [miex, blaze, bitnob, chip] = ["miex", "blaze", "bitnob", "chip"].map(ProviderId::new);
//! let catalogue = EventCatalogue::documented();
//! assert_eq!(catalogue.events(chip).len(), 27);
//! assert!(catalogue.is_known(miex, "order.created"));
//! assert_eq!(catalogue.membership(miex, "purchase.paid"), Membership::Unknown);
//! assert!(catalogue.is_open(bitnob));
//! assert_eq!(catalogue.membership(bitnob, "wallet.created"), Membership::Unverifiable);
//! assert_eq!(catalogue.status(blaze), CatalogueStatus::Closed);
//! ```

use std::collections::BTreeMap;
use std::fmt;

use hookbridge_core::descriptor::EventInfo;
use hookbridge_core::{EventType, ProviderId};
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
    /// The provider's documentation (through its descriptor).
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

    /// An entry of `provider` from `info`, with its origin.
    fn from_info(provider: ProviderId, info: EventInfo, origin: EntryOrigin) -> Self {
        Self {
            provider,
            name: info.name,
            category: info.category,
            label: info.label,
            description: info.description,
            origin,
        }
    }
}

impl From<CatalogueEntry> for EventInfo {
    /// The event itself, without its provider and origin (for [`EventCatalogue::load_live`]).
    fn from(entry: CatalogueEntry) -> Self {
        let mut info = EventInfo::new(entry.name);
        info.category = entry.category;
        info.label = entry.label;
        info.description = entry.description;
        info
    }
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

impl EventCatalogue {
    /// The documented catalogue of every registered provider (see the [module docs](self)).
    pub fn documented() -> Self {
        let providers = crate::registry::providers()
            .map(|d| {
                let names = d.events();
                let status = if names.open { CatalogueStatus::Open } else { CatalogueStatus::Closed };
                let entries = names
                    .infos()
                    .into_iter()
                    .map(|info| CatalogueEntry::from_info(d.id(), info, EntryOrigin::Documented))
                    .collect();
                (d.id(), ProviderCatalogue { status, entries })
            })
            .collect();
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
    /// catalogue [`CatalogueStatus::Live`] (complete, checkable). Entries are tagged with
    /// `provider` and [`EntryOrigin::Live`]; duplicates keep their first occurrence.
    ///
    /// Anything that converts into an [`EventInfo`] is accepted: a provider crate's typed
    /// event-type answer (Bitnob's `EventTypeInfo`), or [`CatalogueEntry`]s.
    ///
    /// ```
    /// use hookbridge_adapters::catalogue::{CatalogueStatus, EventCatalogue, Membership};
    /// use hookbridge_core::ProviderId;
    /// use hookbridge_core::descriptor::EventInfo;
    ///
    /// let bitnob = ProviderId::new("bitnob");
    /// let live = [EventInfo::new("wallet.created").category("wallet").label("Wallet created")];
    /// let mut catalogue = EventCatalogue::documented();
    /// catalogue.load_live(bitnob, live);
    /// assert_eq!(catalogue.status(bitnob), CatalogueStatus::Live);
    /// assert_eq!(catalogue.membership(bitnob, "wallet.created"), Membership::Known);
    /// assert_eq!(catalogue.membership(bitnob, "transaction.confirmed"), Membership::Unknown);
    /// ```
    pub fn load_live<E: Into<EventInfo>>(&mut self, provider: ProviderId, entries: impl IntoIterator<Item = E>) {
        let mut list: Vec<CatalogueEntry> = Vec::new();
        for entry in entries {
            let entry = CatalogueEntry::from_info(provider, entry.into(), EntryOrigin::Live);
            if !list.iter().any(|e| e.name == entry.name) {
                list.push(entry);
            }
        }
        self.providers.insert(provider, ProviderCatalogue { status: CatalogueStatus::Live, entries: list });
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
