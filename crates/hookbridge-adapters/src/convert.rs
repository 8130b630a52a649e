//! Cross-dialect conversion of endpoint specs, with a typed report of what could not be carried.
//!
//! [`convert`] takes a unified [`EndpointSpec`] written for one provider and produces a spec the
//! target provider accepts — checked by running the target crate's own create conversion
//! (`TryFrom<&EndpointSpec>`) and its pre-send validation — plus a [`LossReport`] listing
//! everything that did not survive. In strict mode ([`ConvertOptions::strict`]) anything above a
//! [`Severity::Note`](crate::Severity::Note) fails the conversion instead.
//!
//! # What each target takes
//!
//! Nothing here names a provider: what a target takes comes from its descriptor in the
//! [registry](crate::registry) — several URLs, an event selection and "all events" from its
//! [`Capabilities`], the rest from its dialect's
//! [`SpecRules`] (name field, "all events" expanded,
//! at least one event, settable provider fields, scope field). For the six providers:
//!
//! | target | URLs | name | events | "all events" | provider fields |
//! |---|---|---|---|---|---|
//! | MIEX | one | — | closed catalogue (4), at least one | expanded to the 4 ([`Loss::AllEventsExpanded`]) | — |
//! | BLAZE | several | — | no event field on create ([`Loss::EventSelectionDropped`]) | — | `shopId` (its scope), `url` (from BLAZE only) |
//! | Bitnob | one | optional | open catalogue ([`Loss::EventUnverifiable`]) until loaded live; at least one | native (`event_types` omitted) | — |
//! | AbbeyCross | one | — | open, none documented ([`Loss::EventUnverifiable`]) | unsupported ([`Loss::AllEventsUnsupported`]) | — |
//! | CHIP | one | **required** title, ≤ 100 chars | closed catalogue (27), at least one | native (`all_events`) | `public_key`, `all_events`, `events` (from CHIP only) |
//! | Stripe | one | optional (`description`) | open catalogue ([`Loss::EventUnverifiable`] for undocumented names); at least one | native (`["*"]`) | `api_version`, `connect`, `metadata` (from Stripe only) |
//!
//! Events go through the [`EventMapping`] first (source event → target events); unmapped events
//! are looked up by exact name in the target's catalogue ([`ConvertOptions::catalogue`]). Provider
//! fields only carry between endpoints of the same provider: no field of one dialect has a
//! counterpart in another (a source's scope field is reported as [`Loss::Scope`]).
//!
//! ```
//! use hookbridge_adapters::{convert, ConvertOptions, EventMapping, Loss};
//! use hookbridge_core::{EndpointSpec, EventSelection, EventType, ProviderId};
//!
//! const CHIP: ProviderId = ProviderId::new("chip");
//! const MIEX: ProviderId = ProviderId::new("miex");
//! let chip = EndpointSpec::new("https://shop.example.com/hooks".parse::<url::Url>()?)
//!     .name("orders")
//!     .event("purchase.paid")
//!     .event("purchase.cancelled")
//!     .provider_field("public_key", "-----BEGIN PUBLIC KEY-----...");
//! let options = ConvertOptions::new()
//!     .mapping(EventMapping::new().map("purchase.paid", ["order.status_changed"]).map("purchase.cancelled", ["order.cancelled"]));
//! let out = convert(&chip, CHIP, MIEX, &options)?;
//! assert_eq!(
//!     out.spec.events,
//!     EventSelection::Only(vec![EventType::new("order.status_changed"), EventType::new("order.cancelled")])
//! );
//! assert_eq!(out.report.losses, vec![
//!     Loss::NameDropped { name: "orders".into() },
//!     Loss::ProviderField { name: "public_key".into(), value: "-----BEGIN PUBLIC KEY-----...".into() },
//! ]);
//! // Strict mode refuses to drop them.
//! assert!(convert(&chip, CHIP, MIEX, &options.clone().strict(true)).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use hookbridge_core::descriptor::{NameField, SpecRules};
use hookbridge_core::{Capabilities, EndpointSpec, EventSelection, EventType, InvalidInput, ProviderId};
use serde_json::{Map, Value};

use crate::catalogue::{EventCatalogue, Membership};
use crate::endpoint::{ProviderSpec, spec_from_endpoint};
use crate::loss::{Loss, LossReport, TitleSource};

/// A user-supplied event translation table: source event → target event(s).
///
/// A rule can apply to every conversion ([`EventMapping::map`]) or to one ordered provider pair
/// ([`EventMapping::map_between`]); a pair rule wins over a general one, and a later rule for the
/// same key replaces an earlier one. Mapping to an empty list drops the event on purpose
/// ([`Loss::EventMappedToNothing`]). Mapped events are still checked against the target's catalogue.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventMapping {
    rules: Vec<MappingRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct MappingRule {
    pair: Option<(ProviderId, ProviderId)>,
    source: EventType,
    targets: Vec<EventType>,
}

impl EventMapping {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Maps `source` to `targets` in every conversion.
    pub fn map<S, T, I>(mut self, source: S, targets: I) -> Self
    where
        S: Into<EventType>,
        T: Into<EventType>,
        I: IntoIterator<Item = T>,
    {
        self.insert(None, source.into(), targets.into_iter().map(Into::into).collect());
        self
    }

    /// Maps `source` to `targets` only when converting from `from` to `to`.
    pub fn map_between<S, T, I>(mut self, from: ProviderId, to: ProviderId, source: S, targets: I) -> Self
    where
        S: Into<EventType>,
        T: Into<EventType>,
        I: IntoIterator<Item = T>,
    {
        self.insert(Some((from, to)), source.into(), targets.into_iter().map(Into::into).collect());
        self
    }

    /// Adds (or replaces) a rule; `pair` `None` applies to every conversion.
    pub fn insert(&mut self, pair: Option<(ProviderId, ProviderId)>, source: EventType, targets: Vec<EventType>) {
        self.rules.retain(|r| !(r.pair == pair && r.source == source));
        self.rules.push(MappingRule { pair, source, targets });
    }

    /// The targets of `event` when converting from `from` to `to`, if a rule applies.
    pub fn lookup(&self, from: ProviderId, to: ProviderId, event: &EventType) -> Option<&[EventType]> {
        let find = |pair: Option<(ProviderId, ProviderId)>| {
            self.rules.iter().find(|r| r.pair == pair && &r.source == event).map(|r| r.targets.as_slice())
        };
        find(Some((from, to))).or_else(|| find(None))
    }

    /// Whether the table has no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// How [`convert`] behaves.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConvertOptions {
    /// Fail with [`ConvertError::Lossy`] instead of dropping or altering anything (notes —
    /// unverifiable events, a title from [`ConvertOptions::default_title`] — are still allowed).
    pub strict: bool,
    /// Event translations applied before the catalogue lookup.
    pub mapping: EventMapping,
    /// The title to use when the target requires one (CHIP's [`NameField::Required`]) and the
    /// source has no name. Without it a title is derived from the source provider and the URL's
    /// host.
    pub default_title: Option<String>,
    /// The catalogue events are checked against (default: [`EventCatalogue::documented`]; load a
    /// provider's live list into it, as Bitnob serves one, to check its events).
    pub catalogue: EventCatalogue,
    /// Accept `http` delivery URLs where the target's client only takes `https` (Bitnob's), for
    /// local testing.
    pub allow_insecure_urls: bool,
}

impl ConvertOptions {
    /// The defaults: lenient, no mapping, no default title, the documented catalogue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`ConvertOptions::strict`].
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Sets [`ConvertOptions::mapping`].
    pub fn mapping(mut self, mapping: EventMapping) -> Self {
        self.mapping = mapping;
        self
    }

    /// Sets [`ConvertOptions::default_title`].
    pub fn default_title(mut self, title: impl Into<String>) -> Self {
        self.default_title = Some(title.into());
        self
    }

    /// Sets [`ConvertOptions::catalogue`].
    pub fn catalogue(mut self, catalogue: EventCatalogue) -> Self {
        self.catalogue = catalogue;
        self
    }

    /// Sets [`ConvertOptions::allow_insecure_urls`].
    pub fn allow_insecure_urls(mut self, allow: bool) -> Self {
        self.allow_insecure_urls = allow;
        self
    }
}

/// A successful conversion.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Converted {
    /// The spec for the target provider (its create conversion accepts it).
    pub spec: EndpointSpec,
    /// What could not be carried.
    pub report: LossReport,
    /// The target provider's create request built from [`Converted::spec`].
    pub request: ProviderSpec,
}

/// Why a conversion failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// Strict mode: something would have been dropped or altered.
    #[error("strict conversion refused: {0}")]
    Lossy(LossReport),
    /// The target requires at least one event and none is left after the catalogue check.
    #[error("no event left that {to} accepts: {report}")]
    NoEvents {
        /// The target.
        to: ProviderId,
        /// What was dropped on the way.
        report: LossReport,
    },
    /// The target refuses the converted spec for a reason no conversion can fix (no URL, a
    /// non-HTTP(S) URL, an `http` URL for Bitnob, a malformed event name, ...).
    #[error("{provider} refuses the converted spec")]
    Target {
        /// The target.
        provider: ProviderId,
        /// The target's refusal.
        #[source]
        error: InvalidInput,
        /// What was dropped on the way.
        report: LossReport,
    },
    /// The source endpoint cannot be read as a spec (a URL that does not parse).
    #[error("the source cannot be read as a spec")]
    Source(#[source] InvalidInput),
    /// The provider is not registered, or its crate has no dialect.
    #[error("no dialect for {0}")]
    UnsupportedProvider(ProviderId),
}

impl ConvertError {
    /// The loss report gathered before the failure, if any.
    pub fn report(&self) -> Option<&LossReport> {
        match self {
            ConvertError::Lossy(r)
            | ConvertError::NoEvents { report: r, .. }
            | ConvertError::Target { report: r, .. } => Some(r),
            _ => None,
        }
    }
}

#[derive(Clone, Copy)]
enum AllRule {
    Native,
    Expand,
    Unsupported,
}

#[derive(Clone, Copy)]
enum EventsRule {
    /// The create request has no event field.
    NoField,
    /// An event list.
    List { all: AllRule, non_empty: bool },
}

/// What a provider's create request takes, from its capabilities and its dialect's rules.
#[derive(Clone, Copy)]
struct Profile {
    single_url: bool,
    events: EventsRule,
    rules: SpecRules,
}

impl Profile {
    fn of(provider: ProviderId) -> Result<Self, ConvertError> {
        let descriptor = crate::registry::get(provider).ok_or(ConvertError::UnsupportedProvider(provider))?;
        let dialect = descriptor.dialect().ok_or(ConvertError::UnsupportedProvider(provider))?;
        Ok(Self::new(descriptor.capabilities(), dialect.spec_rules()))
    }

    fn new(caps: Capabilities, rules: SpecRules) -> Self {
        let events = if caps.event_selection {
            let all = match (caps.all_events, rules.all_events_expanded) {
                (false, _) => AllRule::Unsupported,
                (true, true) => AllRule::Expand,
                (true, false) => AllRule::Native,
            };
            EventsRule::List { all, non_empty: rules.requires_event }
        } else {
            EventsRule::NoField
        };
        Self { single_url: !caps.multiple_urls, events, rules }
    }
}

/// Converts a spec written for `from` into one `to` accepts, reporting what could not be carried.
///
/// See the [module docs](self) for what each target takes. `from == to` is allowed: it checks the
/// spec against the provider's own catalogue and create conversion (and carries its provider
/// fields).
pub fn convert(
    spec: &EndpointSpec,
    from: ProviderId,
    to: ProviderId,
    options: &ConvertOptions,
) -> Result<Converted, ConvertError> {
    let source = Profile::of(from)?;
    let target = Profile::of(to)?;
    let same = from == to;
    let mut report = LossReport::new(from, to);
    let mut out = EndpointSpec::default();

    // The source's own encodings of its selection in provider fields (CHIP's `all_events` /
    // `events`): for another target, the effective selection is what matters.
    let mut fields = spec.provider_fields.clone();
    let mut selection = spec.events.clone();
    if !same {
        fold_selection_fields(&source.rules, &mut fields, &mut selection);
    }

    // URLs.
    match spec.urls.split_first() {
        Some((first, rest)) if target.single_url && !rest.is_empty() => {
            out.urls = vec![first.clone()];
            report.push(Loss::UrlsDropped { kept: first.clone(), dropped: rest.to_vec() });
        }
        _ => out.urls = spec.urls.clone(),
    }

    // Name / title.
    let name = spec.name.clone().filter(|n| !n.trim().is_empty());
    match target.rules.name {
        NameField::Absent => {
            if let Some(name) = name {
                report.push(Loss::NameDropped { name });
            }
        }
        NameField::Optional => out.name = name,
        NameField::Required { max_chars } => {
            let title = match name {
                Some(name) => name,
                None => {
                    let (title, source) = synthesize_title(spec, from, options);
                    report.push(Loss::TitleSynthesized { title: title.clone(), source });
                    title
                }
            };
            out.name = Some(if title.chars().count() > max_chars {
                let truncated: String = title.chars().take(max_chars).collect();
                report.push(Loss::NameTruncated { original: title, truncated: truncated.clone() });
                truncated
            } else {
                title
            });
        }
    }

    // Events.
    let mut require_events = false;
    match target.events {
        EventsRule::NoField => match &selection {
            // A provider without an event field (BLAZE) has no "all events" either: its create
            // refuses `All`, so it is dropped (and reported) like any other selection.
            EventSelection::Only(list) if list.is_empty() => {}
            other => report.push(Loss::EventSelectionDropped { selection: other.clone() }),
        },
        EventsRule::List { all, non_empty } => {
            require_events = non_empty;
            out.events = match &selection {
                EventSelection::All => match all {
                    AllRule::Native => EventSelection::All,
                    AllRule::Expand => {
                        let events: Vec<EventType> =
                            options.catalogue.events(to).iter().map(|e| e.name.clone()).collect();
                        if events.is_empty() {
                            report.push(Loss::AllEventsUnsupported);
                        } else {
                            report.push(Loss::AllEventsExpanded { events: events.clone() });
                        }
                        EventSelection::Only(events)
                    }
                    AllRule::Unsupported => {
                        report.push(Loss::AllEventsUnsupported);
                        EventSelection::Only(Vec::new())
                    }
                },
                EventSelection::Only(list) => EventSelection::Only(map_events(list, from, to, options, &mut report)),
            };
        }
    }

    // Provider fields.
    for (key, value) in fields {
        if same && target.rules.fields.contains(&key.as_str()) {
            out.provider_fields.insert(key, value);
        } else if source.rules.scope_field == Some(key.as_str()) {
            let value = match value {
                Value::String(s) => s,
                other => other.to_string(),
            };
            report.push(Loss::Scope { field: key, value });
        } else {
            report.push(Loss::ProviderField { name: key, value });
        }
    }

    if options.strict && report.is_lossy() {
        return Err(ConvertError::Lossy(report));
    }
    if require_events && out.events == EventSelection::Only(Vec::new()) {
        return Err(ConvertError::NoEvents { to, report });
    }
    let request = ProviderSpec::from_unified(to, &out)
        .and_then(|r| r.validate(options.allow_insecure_urls).map(|()| r))
        .map_err(|error| ConvertError::Target { provider: to, error, report: report.clone() })?;
    Ok(Converted { spec: out, report, request })
}

/// Checks a spec against its own provider: its catalogue, its create conversion and pre-send
/// validation. The same as `convert(spec, provider, provider, options)`.
pub fn validate(
    spec: &EndpointSpec,
    provider: ProviderId,
    options: &ConvertOptions,
) -> Result<Converted, ConvertError> {
    convert(spec, provider, provider, options)
}

/// Mirrors an existing endpoint at another provider: [`spec_from_endpoint`] then [`convert`] from
/// the endpoint's own provider.
pub fn convert_endpoint(
    endpoint: &hookbridge_core::Endpoint,
    to: ProviderId,
    options: &ConvertOptions,
) -> Result<Converted, ConvertError> {
    let spec = spec_from_endpoint(endpoint).map_err(ConvertError::Source)?;
    convert(&spec, endpoint.provider, to, options)
}

/// A source that encodes "all events (plus a list)" in provider fields
/// ([`SpecRules::all_events_field`], [`SpecRules::events_field`]): the flag becomes the selection,
/// and a list next to "all events" is covered by it.
fn fold_selection_fields(rules: &SpecRules, fields: &mut Map<String, Value>, selection: &mut EventSelection) {
    if let Some(flag) = rules.all_events_field {
        match fields.get(flag) {
            Some(Value::Bool(true)) => {
                fields.remove(flag);
                *selection = EventSelection::All;
            }
            Some(Value::Bool(false)) if *selection != EventSelection::All => {
                fields.remove(flag);
            }
            _ => {}
        }
    }
    if let Some(listed) = rules.events_field
        && *selection == EventSelection::All
        && matches!(fields.get(listed), Some(Value::Array(_)))
    {
        fields.remove(listed);
    }
}

fn synthesize_title(spec: &EndpointSpec, from: ProviderId, options: &ConvertOptions) -> (String, TitleSource) {
    if let Some(title) = options.default_title.as_ref().filter(|t| !t.trim().is_empty()) {
        return (title.clone(), TitleSource::Options);
    }
    let title = match spec.urls.first().and_then(|u| u.host_str()) {
        Some(host) => format!("{} webhook for {host}", crate::registry::display_name(from)),
        None => format!("{} webhook", crate::registry::display_name(from)),
    };
    (title, TitleSource::Derived)
}

fn map_events(
    list: &[EventType],
    from: ProviderId,
    to: ProviderId,
    options: &ConvertOptions,
    report: &mut LossReport,
) -> Vec<EventType> {
    let mut out: Vec<EventType> = Vec::new();
    let mut check = |event: &EventType, mapped_from: Option<&EventType>, report: &mut LossReport| {
        if out.contains(event) {
            return; // a duplicate (CHIP refuses them): already carried
        }
        match options.catalogue.membership(to, event.as_str()) {
            Membership::Known => out.push(event.clone()),
            Membership::Unverifiable => {
                report.push(Loss::EventUnverifiable { event: event.clone() });
                out.push(event.clone());
            }
            Membership::Unknown => {
                report.push(Loss::EventNotInCatalogue { event: event.clone(), mapped_from: mapped_from.cloned() });
            }
        }
    };
    for event in list {
        match options.mapping.lookup(from, to, event) {
            Some([]) => report.push(Loss::EventMappedToNothing { event: event.clone() }),
            Some(targets) => {
                for target in targets {
                    check(target, Some(event), report);
                }
            }
            None => check(event, None, report),
        }
    }
    out
}
