//! # hookbridge-core
//!
//! The shared foundation of hookbridge's provider clients:
//!
//! * [`Webhook`] — the unified, object-safe trait (create, get, list, update, delete, rotate secret)
//!   with [`Capabilities`] and a typed [`Unsupported`] error;
//! * the unified model — [`Endpoint`], [`EndpointSpec`], [`EndpointUpdate`], [`EventType`], [`EventSelection`],
//!   [`EndpointStatus`], one [`Timestamp`] type;
//! * [`Error`] — one error type split by phase, with predicates such as [`Error::is_retryable`];
//! * [`Secret`] — credentials that never print and are zeroed on drop;
//! * the transport — [`Request`] as data, executed, retried and decoded in one place by [`HttpClient`],
//!   with pluggable [`auth`] and a [`RetryPolicy`];
//! * [`Delivery`] — one normalised shape for verified incoming deliveries from any provider;
//! * [`page::paginate`] — one lazy stream for offset, cursor and next-URL paging;
//! * [`provider_fields`] — typed reads ([`FieldReader`]) and writes ([`PutField`]) of the provider-specific
//!   fields the unified model carries by wire name, with one wording for every refusal.
//!
//! Data flows straight through: request struct → [`HttpClient`] → provider JSON → typed provider
//! model → unified [`Endpoint`].

pub mod auth;
pub mod builder;
pub mod capability;
pub mod delivery;
pub mod descriptor;
pub mod error;
pub mod extension;
pub mod intercept;
pub mod model;
pub mod page;
pub mod provider;
pub mod provider_fields;
pub mod redact;
pub mod retry;
pub mod secret;
pub mod transport;
pub mod webhook;
pub mod wire;

pub use capability::{Capabilities, Operation};
pub use delivery::{Delivery, Subject};
pub use descriptor::Descriptor;
pub use error::{
    ApiError, ApiErrorKind, DecodeError, DecodeErrorKind, Error, InvalidInput, JsonError, JsonErrorCategory,
    PagingError, PagingStop, ProviderErrorBody, RedirectError, RedirectReason, Result, Unsupported,
};
pub use model::{
    DeliveryUrl, Endpoint, EndpointId, EndpointSpec, EndpointStatus, EndpointUpdate, EventSelection, EventType,
    IdempotencyKey, ListFilter,
};
pub use page::{BoxStream, Page, PageLimits, PageRequest};
pub use provider::{InvalidProviderId, ProviderId};
pub use provider_fields::{FieldReader, FieldValue, PutField};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use transport::{ClientConfig, DecodedError, ErrorDecoder, HttpClient, Request, Response};
pub use webhook::Webhook;

/// The one timestamp type of the unified model (an instant in UTC, nanosecond precision).
///
/// Provider wire formats map onto it exactly: RFC 3339 strings (MIEX, Bitnob) with its default serde,
/// epoch milliseconds (BLAZE) with [`jiff::fmt::serde::timestamp::millisecond`], epoch seconds
/// (CHIP) with [`jiff::fmt::serde::timestamp::second`].
pub use jiff::Timestamp;

/// Re-exports for provider crates and users (so they need not pin the same versions).
pub mod reexports {
    pub use async_trait::async_trait;
    pub use bytes;
    pub use futures_util;
    pub use http;
    pub use jiff;
    pub use reqwest;
    pub use serde;
    pub use serde_json;
    pub use url;
}
