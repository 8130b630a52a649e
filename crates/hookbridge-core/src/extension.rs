//! Provider extensions: what some providers document beyond the unified [`Webhook`](crate::Webhook)
//! trait, behind provider-neutral traits so that tools (the CLI's `events`, `event-types` and
//! `public-key`) reach them through the registry without naming a provider.
//!
//! | extension | trait | documented by (today) |
//! |---|---|---|
//! | a log of the deliveries the provider made, with retry | [`DeliveryLog`] | Bitnob (`/webhooks/events`) |
//! | the provider's event catalogue served by its API | [`EventCatalogue`] | Bitnob (`/webhooks/event-types`) |
//! | a published public key verifying its deliveries | [`PublishedKey`] | CHIP (`/public_key/`) |
//!
//! A descriptor says which it offers ([`Extensions`], through
//! [`ProviderInfo::extensions`](crate::descriptor::ProviderInfo::extensions)), known without
//! credentials; its [`client`](crate::Descriptor::client) hands the objects out in the
//! [`ClientSetup`](crate::descriptor::ClientSetup).

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Timestamp;
use crate::error::Result;
use crate::model::{EndpointId, EventType};
use crate::page::BoxStream;
use crate::provider::ProviderId;

/// A boxed future of a core [`Result`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// Which extensions a provider offers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Extensions {
    /// A [`DeliveryLog`].
    pub delivery_log: bool,
    /// An [`EventCatalogue`].
    pub event_catalogue: bool,
    /// A [`PublishedKey`].
    pub published_key: bool,
}

impl Extensions {
    /// None.
    pub const NONE: Extensions = Extensions { delivery_log: false, event_catalogue: false, published_key: false };

    /// With a delivery log.
    #[must_use]
    pub const fn delivery_log(mut self) -> Self {
        self.delivery_log = true;
        self
    }

    /// With an event catalogue.
    #[must_use]
    pub const fn event_catalogue(mut self) -> Self {
        self.event_catalogue = true;
        self
    }

    /// With a published key.
    #[must_use]
    pub const fn published_key(mut self) -> Self {
        self.published_key = true;
        self
    }
}

/// Where a delivery stands, unified across spellings.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DeliveryState {
    /// Not yet delivered.
    Pending,
    /// The endpoint acknowledged it (Bitnob `delivered`, older `success`).
    Delivered,
    /// Delivery failed.
    Failed,
    /// A retry is scheduled.
    Retrying,
    /// The provider did not say.
    Unknown,
    /// A state hookbridge does not know, as spelled on the wire.
    Other(String),
}

impl DeliveryState {
    /// The state's name: `pending`, `delivered`, `failed`, `retrying`, `unknown`, or the
    /// provider's own spelling of an [`Other`](Self::Other) state.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::Retrying => "retrying",
            Self::Unknown => "unknown",
            Self::Other(s) => s,
        }
    }
}

/// One delivery as the provider's log records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// The provider whose log it is.
    pub provider: ProviderId,
    /// The record's id in the provider's log.
    pub id: String,
    /// The endpoint delivered to.
    pub endpoint_id: Option<EndpointId>,
    /// The event type delivered.
    pub event_type: Option<EventType>,
    /// Where it stands.
    pub state: DeliveryState,
    /// Attempts so far.
    pub attempts: Option<u32>,
    /// Attempts before giving up.
    pub max_attempts: Option<u32>,
    /// The endpoint's HTTP status on the last attempt, as recorded (`0` = no response).
    pub http_status: Option<u16>,
    /// Why it failed.
    pub error_message: Option<String>,
    /// When the record was created.
    pub created_at: Option<Timestamp>,
    /// Provider-specific fields by wire name (for example a spelling the unified state does
    /// not determine).
    pub provider_fields: Map<String, Value>,
}

impl DeliveryRecord {
    /// A record with its provider, id and state; the other fields empty.
    #[must_use]
    pub fn new(provider: ProviderId, id: impl Into<String>, state: DeliveryState) -> Self {
        Self {
            provider,
            id: id.into(),
            endpoint_id: None,
            event_type: None,
            state,
            attempts: None,
            max_attempts: None,
            http_status: None,
            error_message: None,
            created_at: None,
            provider_fields: Map::new(),
        }
    }

    /// The endpoint's HTTP status, `None` when no response was received (absent or `0`).
    pub fn response_status(&self) -> Option<u16> {
        self.http_status.filter(|&s| s != 0)
    }
}

/// Which records [`DeliveryLog::list`] returns. Each provider documents its own filter values;
/// a value it does not document is refused before any request
/// ([`Error::InvalidInput`](crate::Error::InvalidInput)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryLogFilter {
    /// Only the records of this endpoint.
    pub endpoint_id: Option<String>,
    /// Only records in this state, spelled as the provider documents it.
    pub status: Option<String>,
    /// The page size of the requests (every page is listed).
    pub page_size: Option<u32>,
}

impl DeliveryLogFilter {
    /// No filter.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Only this endpoint's records.
    #[must_use]
    pub fn endpoint_id(mut self, id: impl Into<String>) -> Self {
        self.endpoint_id = Some(id.into());
        self
    }

    /// Only records in this state.
    #[must_use]
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.status = Some(status.into());
        self
    }

    /// The page size.
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }
}

/// One record of a provider's delivery log: unified, and as the provider sent it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct LoggedDelivery {
    /// The unified record.
    pub record: DeliveryRecord,
    /// The provider's object, field for field.
    pub wire: Value,
}

impl LoggedDelivery {
    /// A record and its wire object.
    #[must_use]
    pub fn new(record: DeliveryRecord, wire: Value) -> Self {
        Self { record, wire }
    }
}

/// What the provider answered to a retry.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct RetryOutcome {
    /// The status it reports (`queued`, …), where it reports one.
    pub status: Option<String>,
    /// Its answer, field for field.
    pub wire: Value,
}

impl RetryOutcome {
    /// An outcome.
    #[must_use]
    pub fn new(status: Option<String>, wire: Value) -> Self {
        Self { status, wire }
    }
}

/// A provider's log of the deliveries it made, with retry.
pub trait DeliveryLog: fmt::Debug + Send + Sync {
    /// Every record matching `filter`, every page, lazily (the client's page cap applies).
    ///
    /// # Errors
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) for a filter the provider does not
    /// document, before any request.
    fn list(&self, filter: &DeliveryLogFilter) -> Result<BoxStream<'_, LoggedDelivery>>;

    /// One record.
    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, LoggedDelivery>;

    /// Asks the provider to deliver again.
    fn retry<'a>(&'a self, id: &'a str) -> BoxFuture<'a, RetryOutcome>;
}

/// One event type of a provider's catalogue.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CatalogueEntry {
    /// The event type.
    pub event_type: EventType,
    /// Its category, where the provider gives one.
    pub category: Option<String>,
    /// Its name for people.
    pub name: Option<String>,
    /// What it means.
    pub description: Option<String>,
    /// The provider's object, field for field.
    pub wire: Value,
}

impl CatalogueEntry {
    /// An entry with only its type and wire object.
    #[must_use]
    pub fn new(event_type: EventType, wire: Value) -> Self {
        Self { event_type, category: None, name: None, description: None, wire }
    }
}

/// A provider's event catalogue, served by its API.
pub trait EventCatalogue: fmt::Debug + Send + Sync {
    /// Every event type the provider lists.
    fn event_types(&self) -> BoxFuture<'_, Vec<CatalogueEntry>>;
}

/// A public key the provider publishes for verifying its deliveries.
pub trait PublishedKey: fmt::Debug + Send + Sync {
    /// The key, PEM.
    fn public_key_pem(&self) -> BoxFuture<'_, String>;
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_built_in_const_context() {
        const ALL: Extensions = Extensions::NONE.delivery_log().event_catalogue().published_key();
        const { assert!(ALL.delivery_log && ALL.event_catalogue && ALL.published_key) };
        assert_eq!(Extensions::default(), Extensions::NONE);
        assert!(!Extensions::NONE.delivery_log().published_key);
    }

    #[test]
    fn records_start_empty_and_zero_is_no_response() {
        let mut r = DeliveryRecord::new(ProviderId::new("acme"), "evt_1", DeliveryState::Failed);
        assert_eq!((r.id.as_str(), r.attempts, r.response_status()), ("evt_1", None, None));
        r.http_status = Some(0);
        assert_eq!(r.response_status(), None);
        r.http_status = Some(502);
        assert_eq!(r.response_status(), Some(502));
        assert_eq!(DeliveryState::Other("held".into()).as_str(), "held");
        for state in [DeliveryState::Pending, DeliveryState::Delivered, DeliveryState::Unknown] {
            assert_eq!(serde_json::to_value(&state).unwrap(), state.as_str(), "the serialized name");
        }
        let filter = DeliveryLogFilter::new().status("failed").endpoint_id("wh_1").page_size(10);
        assert_eq!(
            (filter.status.as_deref(), filter.endpoint_id.as_deref(), filter.page_size),
            (Some("failed"), Some("wh_1"), Some(10))
        );
    }
}
