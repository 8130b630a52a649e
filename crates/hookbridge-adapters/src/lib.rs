//! # hookbridge-adapters
//!
//! Everything between the providers' dialects and hookbridge's unified model, for every provider
//! in the [`registry`] — and nothing here names one. Each provider crate describes itself with a
//! [`Descriptor`](hookbridge_core::Descriptor) and its [`Dialect`](hookbridge_core::descriptor::Dialect)
//! (its webhook object and create request as JSON, converted by its own typed conversions, and the
//! facts conversions need); the registry lists them; this crate works through them. Adding a
//! provider is its crate plus one line in [`registry::PROVIDERS`].
//!
//! * **Provider ⇄ unified conversions** — [`ProviderEndpoint`] (a webhook object in its
//!   provider's JSON), [`ProviderSpec`] (a create request) and [`page`] (pages of either). They
//!   dispatch to the provider crates' own conversions through the registry; provider → unified →
//!   provider is lossless (property-tested). Typed objects stay in the provider crates
//!   ([`ProviderEndpoint::typed`] decodes one).
//! * **Cross-dialect conversion** — [`convert()`] turns a spec written for one provider into one
//!   another provider accepts, with a typed [`LossReport`] of everything that could not be carried
//!   ([`Loss`]), an [`EventMapping`] table and a strict mode ([`ConvertOptions`]).
//! * **The event catalogue** — [`EventCatalogue`]: every provider's documented event types as data,
//!   from the descriptors; open catalogues (Bitnob's, AbbeyCross's) become checkable once a live
//!   list is loaded ([`EventCatalogue::load_live`]).
//! * **Unified deliveries** — a [`Normalizer`] holds one receiver per provider, so any incoming
//!   `(provider, uri, body, headers)` becomes a verified [`Delivery`](hookbridge_core::Delivery).
//! * **The Standard Webhooks bridge** — [`StandardWebhooksBridge`] re-signs any unified
//!   [`Delivery`](hookbridge_core::Delivery) as a Standard Webhooks message.
//!
//! ## Timestamps
//!
//! Every provider timestamp is one [`Timestamp`](hookbridge_core::Timestamp) (jiff, nanosecond
//! precision): MIEX and Bitnob send RFC 3339, BLAZE epoch milliseconds, CHIP epoch seconds. Each
//! maps onto it exactly and back (the provider crates' serde); each dialect names its format, and
//! [`time`] says whether a timestamp fits one without truncation.
//!
//! ## Example: mirror a CHIP subscription at Bitnob
//!
//! ```
//! use hookbridge_adapters::{convert, ConvertOptions, Loss};
//! use hookbridge_core::{EndpointSpec, EventType, ProviderId};
//!
//! let (chip, bitnob) = (ProviderId::new("chip"), ProviderId::new("bitnob"));
//! let spec = EndpointSpec::new("https://shop.example.com/hooks".parse::<url::Url>()?)
//!     .name("payments")
//!     .event("purchase.paid")
//!     .event("payment.refunded");
//! let out = convert(&spec, chip, bitnob, &ConvertOptions::default())?;
//! // Bitnob keeps the name and takes the events by name, but its catalogue is served at run time,
//! // so the documented catalogue cannot confirm them:
//! assert_eq!(out.report.losses, vec![
//!     Loss::EventUnverifiable { event: EventType::new("purchase.paid") },
//!     Loss::EventUnverifiable { event: EventType::new("payment.refunded") },
//! ]);
//! assert!(!out.report.is_lossy());
//! // The request Bitnob's client would send, in Bitnob's own field names.
//! assert_eq!(out.request.provider(), bitnob);
//! assert_eq!(out.request.json()["event_types"], serde_json::json!(["purchase.paid", "payment.refunded"]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod bridge;
pub mod catalogue;
pub mod convert;
pub mod endpoint;
pub mod loss;
pub mod normalize;
pub mod page;
pub mod registry;
pub mod standards;
pub mod time;

pub use bridge::{BridgeBody, BridgeError, BridgedMessage, MessageIdPolicy, StandardWebhooksBridge};
pub use catalogue::{CatalogueEntry, CatalogueStatus, EventCatalogue, Membership};
pub use convert::{ConvertError, ConvertOptions, Converted, EventMapping, convert, convert_endpoint, validate};
pub use endpoint::{ProviderEndpoint, ProviderSpec, spec_from_endpoint};
pub use loss::{Loss, LossReport, Severity, TitleSource};
pub use normalize::{NormalizeError, Normalizer};
