//! # hookbridge-adapters
//!
//! Everything between the five provider dialects and hookbridge's unified model:
//!
//! * **Provider ⇄ unified conversions** — [`ProviderEndpoint`] (the five webhook objects),
//!   [`ProviderSpec`] (the five create requests), [`ProviderEvent`] (the five event vocabularies),
//!   [`delivery_log::DeliveryRecord`] (Bitnob's delivery events) and [`page`] (provider pages →
//!   [`Page<Endpoint>`](hookbridge_core::Page)). They dispatch to the provider crates' own
//!   conversions; provider → unified → provider is lossless (property-tested).
//! * **Cross-dialect conversion** — [`convert()`] turns a spec written for one provider into one
//!   another provider accepts, with a typed [`LossReport`] of everything that could not be carried
//!   ([`Loss`]), an [`EventMapping`] table and a strict mode ([`ConvertOptions`]).
//! * **The event catalogue** — [`EventCatalogue`]: every provider's documented event types as data,
//!   built from the provider crates' enums; open for Bitnob (loadable from its live list) and
//!   AbbeyCross.
//! * **Unified deliveries** — [`normalize()`] turns any provider's verified typed delivery into a
//!   [`Delivery`](hookbridge_core::Delivery); a [`Normalizer`] holds one receiver per provider, so
//!   any incoming `(provider, uri, body, headers)` becomes a verified `Delivery`.
//! * **The Standard Webhooks bridge** — [`StandardWebhooksBridge`] re-signs any unified
//!   [`Delivery`](hookbridge_core::Delivery) as a Standard Webhooks message.
//!
//! ## Timestamps
//!
//! Every provider timestamp is one [`Timestamp`](hookbridge_core::Timestamp) (jiff, nanosecond
//! precision): MIEX and Bitnob send RFC 3339, BLAZE epoch milliseconds, CHIP epoch seconds. Each
//! maps onto it exactly and back (the provider crates' serde); [`time`] names the three wire
//! formats and says whether a timestamp fits one without truncation.
//!
//! ## Example: mirror a CHIP subscription at Bitnob
//!
//! ```
//! use hookbridge_adapters::{convert, ConvertOptions, Loss, ProviderSpec};
//! use hookbridge_core::{EndpointSpec, EventType, ProviderId};
//!
//! let chip = EndpointSpec::new("https://shop.example.com/hooks".parse::<url::Url>()?)
//!     .name("payments")
//!     .event("purchase.paid")
//!     .event("payment.refunded");
//! let out = convert(&chip, hookbridge_chip::PROVIDER, hookbridge_bitnob::PROVIDER, &ConvertOptions::default())?;
//! // Bitnob keeps the name and takes the events by name, but its catalogue is served at run time,
//! // so the documented catalogue cannot confirm them:
//! assert_eq!(out.report.losses, vec![
//!     Loss::EventUnverifiable { event: EventType::new("purchase.paid") },
//!     Loss::EventUnverifiable { event: EventType::new("payment.refunded") },
//! ]);
//! assert!(!out.report.is_lossy());
//! assert!(matches!(out.request, ProviderSpec::Bitnob(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod bridge;
pub mod catalogue;
pub mod convert;
pub mod delivery_log;
pub mod endpoint;
pub mod event;
pub mod loss;
pub mod normalize;
pub mod page;
pub mod registry;
pub mod time;

pub use bridge::{BridgeBody, BridgeError, BridgedMessage, MessageIdPolicy, StandardWebhooksBridge};
pub use catalogue::{CatalogueEntry, CatalogueStatus, EventCatalogue, Membership};
pub use convert::{ConvertError, ConvertOptions, Converted, EventMapping, convert, convert_endpoint, validate};
pub use endpoint::{ProviderEndpoint, ProviderSpec, spec_from_endpoint};
pub use event::ProviderEvent;
pub use loss::{Loss, LossReport, Severity, TitleSource};
pub use normalize::{NormalizeError, Normalizer, ProviderDelivery, normalize};
