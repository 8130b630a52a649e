//! # hookbridge-adapters
//!
//! Everything between the five provider dialects and hookbridge's unified model:
//!
//! * **Provider ⇄ unified conversions** — [`ProviderEndpoint`] (the five webhook objects),
//!   [`ProviderSpec`] (the five create requests), [`ProviderEvent`] (the five event vocabularies),
//!   [`delivery_log::DeliveryRecord`] (Bitnob's delivery events) and [`page`] (provider pages →
//!   [`Page<Endpoint>`](hookbridge_core::Page)). They dispatch to the provider crates' own
//!   conversions; provider → unified → provider is lossless (property-tested).
//! * **The event catalogue** — [`EventCatalogue`]: every provider's documented event types as data,
//!   built from the provider crates' enums; open for Bitnob (loadable from its live list) and
//!   AbbeyCross.
//!
//! ## Timestamps
//!
//! Every provider timestamp is one [`Timestamp`](hookbridge_core::Timestamp) (jiff, nanosecond
//! precision): MIEX and Bitnob send RFC 3339, BLAZE epoch milliseconds, CHIP epoch seconds. Each
//! maps onto it exactly and back (the provider crates' serde); [`time`] names the three wire
//! formats and says whether a timestamp fits one without truncation.
//!
//! ## Example
//!
//! ```
//! use hookbridge_adapters::{EventCatalogue, ProviderSpec};
//! use hookbridge_core::{EndpointSpec, ProviderId};
//!
//! let catalogue = EventCatalogue::documented();
//! assert!(catalogue.is_known(ProviderId::Chip, "purchase.paid"));
//! let spec = EndpointSpec::new("https://shop.example.com/hooks".parse()?).name("payments").event("purchase.paid");
//! let request = ProviderSpec::from_unified(ProviderId::Chip, &spec)?;
//! assert_eq!(request.to_unified()?, spec);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod catalogue;
pub mod delivery_log;
pub mod endpoint;
pub mod event;
pub mod page;
pub mod time;

pub use catalogue::{CatalogueEntry, CatalogueStatus, EventCatalogue, Membership};
pub use endpoint::{ProviderEndpoint, ProviderSpec, spec_from_endpoint};
pub use event::ProviderEvent;
