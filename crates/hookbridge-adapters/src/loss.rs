//! What a cross-dialect conversion could not carry: [`Loss`] items in a [`LossReport`].

use std::fmt;

use hookbridge_core::DeliveryUrl;
use hookbridge_core::{EventSelection, EventType, ProviderId};
use serde::Serialize;
use serde_json::Value;

/// How serious a [`Loss`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Nothing was lost, but something could not be checked or was filled in as the caller asked
    /// (an event an open catalogue cannot confirm, a title from [`crate::ConvertOptions::default_title`]).
    Note,
    /// Carried with a different meaning (all events expanded to today's catalogue, a synthesised
    /// or truncated title).
    Altered,
    /// Not carried at all.
    Dropped,
}

/// Where a synthesised title came from (for a target that requires one, such as CHIP).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleSource {
    /// [`crate::ConvertOptions::default_title`].
    Options,
    /// Derived by the converter from the source provider and the delivery URL's host.
    Derived,
}

/// One thing a conversion could not carry unchanged.
///
/// Each variant names exactly what was affected, so a report can be shown to a user or compared
/// in a test. [`Loss::severity`] says how serious it is; strict conversion
/// ([`crate::ConvertOptions::strict`]) fails on anything above [`Severity::Note`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Loss {
    /// The target takes one delivery URL: the first was kept, these were dropped.
    UrlsDropped {
        /// The URL kept.
        kept: DeliveryUrl,
        /// The URLs dropped, in order.
        dropped: Vec<DeliveryUrl>,
    },
    /// The target has no name or title field.
    NameDropped {
        /// The name dropped.
        name: String,
    },
    /// The name was longer than the target allows and was cut.
    NameTruncated {
        /// The name as given.
        original: String,
        /// The name sent.
        truncated: String,
    },
    /// The target requires a title (CHIP does) and the source had none: one was filled in.
    TitleSynthesized {
        /// The title sent.
        title: String,
        /// Where it came from.
        source: TitleSource,
    },
    /// The event is not in the target's (closed or live) catalogue and was dropped.
    EventNotInCatalogue {
        /// The event name that was looked up at the target.
        event: EventType,
        /// The source event it was mapped from, when an [`crate::EventMapping`] rule produced it.
        mapped_from: Option<EventType>,
    },
    /// The target's catalogue is open (Bitnob before its live list is loaded, AbbeyCross): the
    /// event is carried by name, but whether the target emits it cannot be checked.
    EventUnverifiable {
        /// The event carried.
        event: EventType,
    },
    /// An [`crate::EventMapping`] rule maps this source event to nothing: dropped as asked.
    EventMappedToNothing {
        /// The source event.
        event: EventType,
    },
    /// "All events" was expanded to the target catalogue's current list (MIEX has no "all
    /// events" flag): events the target adds later will not be received.
    AllEventsExpanded {
        /// The events sent instead.
        events: Vec<EventType>,
    },
    /// "All events" cannot be expressed at the target (no flag and no catalogue to expand:
    /// AbbeyCross): an empty event list is sent.
    AllEventsUnsupported,
    /// The target's create request has no event field (BLAZE): the selection is not carried.
    /// (A BLAZE webhook's single `webHookType` can be set afterwards with an update.)
    EventSelectionDropped {
        /// The source's selection.
        selection: EventSelection,
    },
    /// The source's scope field — the part of the account the endpoint belongs to, such as
    /// BLAZE's shop (`shopId`) — has no counterpart at the target.
    Scope {
        /// The field's wire name at the source.
        field: String,
        /// Its value (a string as it is, anything else as JSON text).
        value: String,
    },
    /// A provider-specific field with no meaning at the target.
    ProviderField {
        /// Its wire name at the source.
        name: String,
        /// Its value.
        value: Value,
    },
}

impl Loss {
    /// How serious this loss is.
    pub fn severity(&self) -> Severity {
        match self {
            Loss::EventUnverifiable { .. }
            | Loss::EventMappedToNothing { .. }
            | Loss::TitleSynthesized { source: TitleSource::Options, .. } => Severity::Note,
            Loss::AllEventsExpanded { .. }
            | Loss::NameTruncated { .. }
            | Loss::TitleSynthesized { source: TitleSource::Derived, .. } => Severity::Altered,
            Loss::UrlsDropped { .. }
            | Loss::NameDropped { .. }
            | Loss::EventNotInCatalogue { .. }
            | Loss::AllEventsUnsupported
            | Loss::EventSelectionDropped { .. }
            | Loss::Scope { .. }
            | Loss::ProviderField { .. } => Severity::Dropped,
        }
    }
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loss::UrlsDropped { kept, dropped } => {
                let list: Vec<&str> = dropped.iter().map(DeliveryUrl::as_str).collect();
                write!(f, "one URL only: kept {kept}, dropped {}", list.join(", "))
            }
            Loss::NameDropped { name } => write!(f, "no name field: dropped {name:?}"),
            Loss::NameTruncated { original, truncated } => {
                write!(f, "name too long: {original:?} cut to {truncated:?}")
            }
            Loss::TitleSynthesized { title, source } => {
                let from = match source {
                    TitleSource::Options => "from the options",
                    TitleSource::Derived => "derived",
                };
                write!(f, "a title is required: {title:?} ({from})")
            }
            Loss::EventNotInCatalogue { event, mapped_from: None } => {
                write!(f, "event `{event}` is not in the target's catalogue: dropped")
            }
            Loss::EventNotInCatalogue { event, mapped_from: Some(src) } => {
                write!(f, "event `{src}` maps to `{event}`, which is not in the target's catalogue: dropped")
            }
            Loss::EventUnverifiable { event } => {
                write!(f, "event `{event}` carried, but the target's catalogue is open: unverified")
            }
            Loss::EventMappedToNothing { event } => write!(f, "event `{event}` mapped to nothing: dropped as asked"),
            Loss::AllEventsExpanded { events } => {
                let list: Vec<&str> = events.iter().map(EventType::as_str).collect();
                write!(f, "\"all events\" expanded to today's catalogue: {}", list.join(", "))
            }
            Loss::AllEventsUnsupported => {
                f.write_str("\"all events\" cannot be expressed: an empty event list is sent")
            }
            Loss::EventSelectionDropped { selection } => match selection {
                EventSelection::All => f.write_str("no event field on create: \"all events\" not carried"),
                EventSelection::Only(list) => {
                    let list: Vec<&str> = list.iter().map(EventType::as_str).collect();
                    write!(f, "no event field on create: events {} not carried", list.join(", "))
                }
            },
            Loss::Scope { field, value } => write!(f, "scope `{field}` = {value:?} has no counterpart: dropped"),
            Loss::ProviderField { name, value } => {
                write!(f, "provider field `{name}` = {value} has no meaning: dropped")
            }
        }
    }
}

/// Everything one conversion could not carry, in the order it was found (URLs, name, events,
/// provider fields).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LossReport {
    /// Source provider.
    pub from: Option<ProviderId>,
    /// Target provider.
    pub to: Option<ProviderId>,
    /// The losses.
    pub losses: Vec<Loss>,
}

impl LossReport {
    /// An empty report for a conversion from `from` to `to`.
    pub fn new(from: ProviderId, to: ProviderId) -> Self {
        Self { from: Some(from), to: Some(to), losses: Vec::new() }
    }

    /// Adds a loss.
    pub fn push(&mut self, loss: Loss) {
        self.losses.push(loss);
    }

    /// Whether nothing at all is reported.
    pub fn is_empty(&self) -> bool {
        self.losses.is_empty()
    }

    /// Whether anything above [`Severity::Note`] is reported (what strict mode refuses).
    pub fn is_lossy(&self) -> bool {
        self.losses.iter().any(|l| l.severity() > Severity::Note)
    }

    /// The most serious severity reported, if any.
    pub fn max_severity(&self) -> Option<Severity> {
        self.losses.iter().map(Loss::severity).max()
    }

    /// The losses.
    pub fn iter(&self) -> std::slice::Iter<'_, Loss> {
        self.losses.iter()
    }

    /// The losses of at least `severity`.
    pub fn at_least(&self, severity: Severity) -> impl Iterator<Item = &Loss> {
        self.losses.iter().filter(move |l| l.severity() >= severity)
    }
}

impl<'a> IntoIterator for &'a LossReport {
    type Item = &'a Loss;
    type IntoIter = std::slice::Iter<'a, Loss>;

    fn into_iter(self) -> Self::IntoIter {
        self.losses.iter()
    }
}

impl fmt::Display for LossReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            write!(f, "{} → {}: ", crate::registry::display_name(from), crate::registry::display_name(to))?;
        }
        if self.losses.is_empty() {
            return f.write_str("nothing lost");
        }
        let n = self.losses.len();
        write!(f, "{n} item{}", if n == 1 { "" } else { "s" })?;
        for loss in &self.losses {
            write!(f, "\n  [{:?}] {loss}", loss.severity())?;
        }
        Ok(())
    }
}
