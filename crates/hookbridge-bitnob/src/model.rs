//! Bitnob wire types (snake_case JSON), exactly as the webhook API reference spells them.
//!
//! Response types decode tolerantly: every field except the id is optional (the provider may omit
//! it), unknown fields are ignored, and server enums keep values this crate does not know in an
//! `Unknown(String)` variant that round-trips exactly. Where the reference does not give a field's
//! wire name, the chosen name and the accepted aliases are stated on the field.

use hookbridge_core::model::validate_path_id;
use hookbridge_core::redact::ExtraFields;
use hookbridge_core::{DeliveryUrl, EventType, IdempotencyKey, InvalidInput, Secret, Timestamp};
use serde::{Deserialize, Deserializer, Serialize};
use url::Url;

/// Longest event-type name accepted in a request (Bitnob documents no limit; this bound only keeps
/// obviously broken input out of a request).
pub const MAX_EVENT_TYPE_LEN: usize = 256;

hookbridge_core::wire_enum! {
    /// Lifecycle status of a webhook endpoint (`status`).
    ///
    /// The current reference names `active` ("e.g. `active`"); the older wallet-infrastructure
    /// reference adds `inactive` (soft-deleted). Anything else decodes as [`WebhookStatus::Unknown`].
    pub enum WebhookStatus {
        /// Deliveries are sent.
        Active = "active",
        /// Soft-deleted: no deliveries (older reference).
        Inactive = "inactive",
    }
}

hookbridge_core::wire_enum! {
    /// Outcome of a delivery event (`delivery_status`), also the `status` filter of List Delivery Events.
    ///
    /// The current reference filters by `pending`, `delivered` and `failed`; the older events
    /// reference reports `success`, `failed` and `retrying`. All five are decoded; anything else
    /// decodes as [`DeliveryStatus::Unknown`]. As a **filter** only the three documented values
    /// are sent ([`ListEventsOptions::validate`] refuses the others).
    pub enum DeliveryStatus {
        /// Not yet delivered.
        Pending = "pending",
        /// Delivered (the endpoint answered 2xx).
        Delivered = "delivered",
        /// Delivery failed.
        Failed = "failed",
        /// Delivered (older reference's spelling).
        Success = "success",
        /// A retry is scheduled (older reference).
        Retrying = "retrying",
    }
}

hookbridge_core::wire_enum! {
    /// Grouping of an event type (`category`): `wallet`, `security` or `compliance`.
    pub enum EventCategory {
        /// Wallet events (transactions, addresses, ...).
        Wallet = "wallet",
        /// Security events.
        Security = "security",
        /// Compliance events.
        Compliance = "compliance",
    }
}

hookbridge_core::wire_enum! {
    /// Result of a retry-delivery request (`status`), e.g. `queued`.
    pub enum RetryStatus {
        /// The delivery was re-queued.
        Queued = "queued",
    }
}

hookbridge_core::id_type! {
    /// A webhook endpoint id (a UUID in the reference's examples; treated as opaque).
    pub struct WebhookId("webhook_id");
}
hookbridge_core::id_type! {
    /// A delivery event id.
    pub struct EventId("event_id");
}

/// A webhook endpoint (`object: "webhook"`), as returned by list, get and update.
///
/// The plaintext signing secret is never part of this object: it is returned once by create
/// ([`CreatedWebhook`]) and by rotate ([`RotatedSecret`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookEndpoint {
    /// Unique identifier for the webhook endpoint.
    pub id: WebhookId,
    /// Resource type identifier. Always `webhook`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Display name given to the endpoint when it was created (absent in the older reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HTTPS endpoint that receives delivery events.
    pub url: String,
    /// Lifecycle status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WebhookStatus>,
    /// Event types this endpoint is subscribed to.
    ///
    /// `None` when the field is absent or `null`, which this crate reads as "every event" (the
    /// create call's meaning of an omitted filter; how the API reports such an endpoint is not
    /// documented). Also accepted under the older names `event_type` and `events`, as a list or a
    /// single string.
    #[serde(
        default,
        alias = "event_type",
        alias = "events",
        deserialize_with = "opt_one_or_many",
        skip_serializing_if = "Option::is_none"
    )]
    pub event_types: Option<Vec<EventType>>,
    /// Whether a signing secret is configured.
    ///
    /// The reference describes this boolean but its excerpt does not show the wire name; this crate
    /// writes `has_signing_secret` and also accepts `has_secret`, `signing_secret_configured` and
    /// `secret_configured`.
    #[serde(
        default,
        alias = "has_secret",
        alias = "signing_secret_configured",
        alias = "secret_configured",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_signing_secret: Option<bool>,
    /// Last 4 characters of the signing secret (older reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_secret_last4: Option<String>,
    /// Most recent delivery attempt; omitted until the endpoint is first triggered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_triggered_at: Option<Timestamp>,
    /// When the endpoint was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When the endpoint last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// Fields Bitnob sends that this crate does not model, kept by wire name (written back
    /// unchanged; secret-named ones redacted in `Debug`).
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl WebhookEndpoint {
    /// A webhook with only its id and URL set (for building fixtures and conversions).
    pub fn new(id: WebhookId, url: impl Into<String>) -> Self {
        Self {
            id,
            object: None,
            name: None,
            url: url.into(),
            status: None,
            event_types: None,
            has_signing_secret: None,
            signing_secret_last4: None,
            last_triggered_at: None,
            created_at: None,
            updated_at: None,
            extra: ExtraFields::default(),
        }
    }
}

/// The create response: the webhook object plus its signing secret, shown once.
#[derive(Clone, Debug, Deserialize)]
#[non_exhaustive]
pub struct CreatedWebhook {
    /// The webhook.
    #[serde(flatten)]
    pub webhook: WebhookEndpoint,
    /// The plaintext signing secret (`signing_secret`; `secret` also accepted). Store it now: it
    /// is not returned again. `None` if the response did not carry one.
    #[serde(default, alias = "secret")]
    pub signing_secret: Option<Secret>,
}

/// The rotate-secret response: `{object: "signing_secret", signing_secret}`.
#[derive(Clone, Debug, Deserialize)]
#[non_exhaustive]
pub struct RotatedSecret {
    /// Resource type identifier. Always `signing_secret`.
    #[serde(default)]
    pub object: Option<String>,
    /// The new HMAC signing secret, returned only on this response (`signing_secret`, as the older
    /// reference names it; `secret` also accepted).
    #[serde(rename = "signing_secret", alias = "secret")]
    pub secret: Secret,
}

/// One entry of the event-type catalogue (`GET /webhooks/event-types`).
///
/// The reference describes four fields without showing their wire names. This crate writes
/// `event_type`, `category`, `name`, `description` and reads the identifier from the first of
/// `event_type`, `type`, `value`, `key` that is present, the human-readable name from `name`,
/// `label`, `display_name` or `title` (when no identifier key is present, `name` is taken as the
/// identifier, as in catalogues that pair `name` with `label`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawEventType")]
#[non_exhaustive]
pub struct EventTypeInfo {
    /// The identifier to use in an `event_types` filter (e.g. `transaction.confirmed`).
    pub event_type: EventType,
    /// Grouping: `wallet`, `security` or `compliance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<EventCategory>,
    /// Human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What triggers this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Deserialize)]
struct RawEventType {
    #[serde(default)]
    event_type: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    category: Option<EventCategory>,
    #[serde(default)]
    description: Option<String>,
}

impl TryFrom<RawEventType> for EventTypeInfo {
    type Error = String;

    fn try_from(raw: RawEventType) -> Result<Self, Self::Error> {
        let label = raw.label.or(raw.display_name).or(raw.title);
        let (id, name) = match raw.event_type.or(raw.kind).or(raw.value).or(raw.key) {
            Some(id) => (id, raw.name.or(label)),
            None => match raw.name {
                Some(name) => (name, label),
                None => {
                    return Err("event type object has no identifier (`event_type`, `type`, `value`, `key` or `name`)"
                        .to_owned());
                }
            },
        };
        Ok(Self { event_type: EventType::new(id), category: raw.category, name, description: raw.description })
    }
}

/// A delivery event (`object: "event"`): one platform notification sent to one webhook endpoint.
///
/// Field names follow the older events reference (the current one refers to the same object);
/// everything but `id` is optional.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawDeliveryEvent")]
#[non_exhaustive]
pub struct DeliveryEvent {
    /// Identifier of this delivery event.
    pub id: EventId,
    /// Resource type identifier (`event`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The webhook endpoint this event was delivered to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<WebhookId>,
    /// The event type that triggered the delivery (wire name `type`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    /// Delivery outcome (`delivery_status`; a bare `status` is also read when `delivery_status` is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_status: Option<DeliveryStatus>,
    /// Attempts made so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_attempts: Option<u32>,
    /// Attempts before the event is marked permanently failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    /// HTTP status the endpoint returned on the last attempt; `0` when no response was received.
    /// See [`DeliveryEvent::response_status`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status_code: Option<u16>,
    /// Human-readable failure reason (empty on success).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// When the event was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Fields Bitnob sends that this crate does not model, kept by wire name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl DeliveryEvent {
    /// The endpoint's HTTP status on the last attempt; `None` when no attempt got a response
    /// (`http_status_code` absent or `0`: timeout, DNS or TLS failure).
    pub fn response_status(&self) -> Option<u16> {
        self.http_status_code.filter(|&code| code != 0)
    }
}

#[derive(Deserialize)]
struct RawDeliveryEvent {
    id: EventId,
    #[serde(default)]
    object: Option<String>,
    #[serde(default)]
    webhook_id: Option<WebhookId>,
    #[serde(default, rename = "type")]
    event_type: Option<EventType>,
    #[serde(default)]
    delivery_status: Option<DeliveryStatus>,
    #[serde(default)]
    status: Option<DeliveryStatus>,
    #[serde(default)]
    delivery_attempts: Option<u32>,
    #[serde(default)]
    max_attempts: Option<u32>,
    #[serde(default)]
    http_status_code: Option<u16>,
    #[serde(default)]
    error_message: Option<String>,
    #[serde(default)]
    created_at: Option<Timestamp>,
    #[serde(flatten)]
    extra: ExtraFields,
}

impl From<RawDeliveryEvent> for DeliveryEvent {
    fn from(raw: RawDeliveryEvent) -> Self {
        Self {
            id: raw.id,
            object: raw.object,
            webhook_id: raw.webhook_id,
            event_type: raw.event_type,
            delivery_status: raw.delivery_status.or(raw.status),
            delivery_attempts: raw.delivery_attempts,
            max_attempts: raw.max_attempts,
            http_status_code: raw.http_status_code,
            error_message: raw.error_message,
            created_at: raw.created_at,
            extra: raw.extra,
        }
    }
}

/// The retry-delivery response: `{object, status}` (e.g. `queued`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RetryResult {
    /// Resource type identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// Result of the re-queue request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<RetryStatus>,
    /// Fields Bitnob sends that this crate does not model, kept by wire name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// One page of a cursor-paged list.
///
/// Only `next_cursor` is confirmed by the reference, so the envelope is read tolerantly: the
/// items from `data` (the envelope Bitnob's wallet-infrastructure reference uses for its other
/// catalogues), or `items` / `results`, and an envelope with none of them is an empty page rather
/// than a decode error; `has_more` and a previous-page cursor (`previous_cursor`, or
/// `prev_cursor`) are read when present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CursorPage<T> {
    /// The items on this page (empty when the envelope holds none).
    #[serde(default = "Vec::new", alias = "items", alias = "results")]
    pub data: Vec<T>,
    /// Opaque cursor for the next page (pass it as `starting_after`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Opaque cursor for the previous page (pass it as `ending_before`), if the API sends one.
    #[serde(default, alias = "prev_cursor", skip_serializing_if = "Option::is_none")]
    pub previous_cursor: Option<String>,
    /// Whether more items follow, if the API says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
}

impl<T> CursorPage<T> {
    /// The cursor to continue with: `next_cursor` when it is present and non-empty and `has_more`
    /// is not `false`. `None` means this was the last page.
    pub fn next_page_cursor(&self) -> Option<&str> {
        if self.has_more == Some(false) {
            return None;
        }
        self.next_cursor.as_deref().filter(|c| !c.is_empty())
    }
}

/// Body of `POST /webhooks`.
///
/// ```
/// use hookbridge_bitnob::CreateWebhook;
///
/// let body = CreateWebhook::new("https://example.com/hooks".parse::<url::Url>()?)
///     .name("ledger")
///     .event_type("transaction.confirmed");
/// assert_eq!(
///     serde_json::to_value(&body)?,
///     serde_json::json!({
///         "name": "ledger",
///         "url": "https://example.com/hooks",
///         "event_types": ["transaction.confirmed"]
///     })
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CreateWebhook {
    /// Display name for the endpoint. The reference does not say whether it is required; it is
    /// sent when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// HTTPS endpoint that will receive delivery events, sent as given.
    pub url: DeliveryUrl,
    /// Event types to subscribe to; `None` (omitted) receives every event the platform emits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_types: Option<Vec<EventType>>,
}

impl CreateWebhook {
    /// A webhook delivering every event to `url`.
    pub fn new(url: impl Into<DeliveryUrl>) -> Self {
        Self { name: None, url: url.into(), event_types: None }
    }

    /// Sets the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds one event type to the filter.
    pub fn event_type(mut self, event: impl Into<EventType>) -> Self {
        self.event_types.get_or_insert_with(Vec::new).push(event.into());
        self
    }

    /// Replaces the event-type filter.
    pub fn event_types<I, E>(mut self, events: I) -> Self
    where
        I: IntoIterator<Item = E>,
        E: Into<EventType>,
    {
        self.event_types = Some(events.into_iter().map(Into::into).collect());
        self
    }

    /// Removes the filter: receive every event.
    pub fn all_events(mut self) -> Self {
        self.event_types = None;
        self
    }

    /// Checks the body before sending (`allow_insecure`: accept `http` URLs, for tests).
    pub fn validate(&self, allow_insecure: bool) -> Result<(), InvalidInput> {
        if let Some(name) = &self.name {
            validate_name(name)?;
        }
        validate_url(&self.url, allow_insecure)?;
        if let Some(events) = &self.event_types {
            validate_event_types(events)?;
        }
        Ok(())
    }
}

/// Body of `PATCH /webhooks/:id`: only the fields that are set are sent and changed.
///
/// ```
/// use hookbridge_bitnob::UpdateWebhook;
///
/// let patch = UpdateWebhook::new().name("renamed");
/// assert_eq!(serde_json::to_string(&patch)?, r#"{"name":"renamed"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UpdateWebhook {
    /// Updated display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Updated HTTPS endpoint, sent as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<DeliveryUrl>,
    /// Updated event-type filter; replaces the existing set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_types: Option<Vec<EventType>>,
}

impl UpdateWebhook {
    /// An empty patch (add at least one field before sending).
    pub fn new() -> Self {
        Self::default()
    }

    /// Changes the display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Changes the delivery URL.
    pub fn url(mut self, url: impl Into<DeliveryUrl>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Replaces the event-type filter.
    pub fn event_types<I, E>(mut self, events: I) -> Self
    where
        I: IntoIterator<Item = E>,
        E: Into<EventType>,
    {
        self.event_types = Some(events.into_iter().map(Into::into).collect());
        self
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.url.is_none() && self.event_types.is_none()
    }

    /// Checks the patch before sending: at least one field, each valid.
    pub fn validate(&self, allow_insecure: bool) -> Result<(), InvalidInput> {
        if self.is_empty() {
            return Err(InvalidInput::new("update", "set at least one of name, url or event_types"));
        }
        if let Some(name) = &self.name {
            validate_name(name)?;
        }
        if let Some(url) = &self.url {
            validate_url(url, allow_insecure)?;
        }
        if let Some(events) = &self.event_types {
            validate_event_types(events)?;
        }
        Ok(())
    }
}

/// Options of `POST /webhooks`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CreateOptions {
    /// The `Idempotency-Key` header. When `None`, the client generates one per call
    /// ([`IdempotencyKey::generate`]) so the create is safe to retry; the same key is sent on
    /// every attempt of that call.
    pub idempotency_key: Option<IdempotencyKey>,
}

impl CreateOptions {
    /// Default options (a generated idempotency key).
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses the caller's key (validated by [`IdempotencyKey::new`]: 1–255 printable ASCII).
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency_key = Some(key);
        self
    }
}

/// Query of `GET /webhooks`: cursor paging.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListOptions {
    /// Records after this cursor (pass `next_cursor` from a prior response).
    pub starting_after: Option<String>,
    /// Records before this cursor (reverse pagination).
    pub ending_before: Option<String>,
    /// Page size (at least 1; the maximum is the API's and not documented).
    pub limit: Option<u32>,
}

impl ListOptions {
    /// The first page with the API's default size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `starting_after`.
    pub fn starting_after(mut self, cursor: impl Into<String>) -> Self {
        self.starting_after = Some(cursor.into());
        self
    }

    /// Sets `ending_before`.
    pub fn ending_before(mut self, cursor: impl Into<String>) -> Self {
        self.ending_before = Some(cursor.into());
        self
    }

    /// Sets `limit`.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Checks the options before sending.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        validate_cursor("starting_after", self.starting_after.as_deref())?;
        validate_cursor("ending_before", self.ending_before.as_deref())?;
        if self.limit == Some(0) {
            return Err(InvalidInput::new("limit", "must be at least 1"));
        }
        Ok(())
    }
}

/// Query of `GET /webhooks/events`: cursor paging plus filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListEventsOptions {
    /// Cursor paging.
    pub page: ListOptions,
    /// Filter by delivery status: one of the documented `pending`, `delivered`, `failed`.
    pub status: Option<DeliveryStatus>,
    /// Narrow the listing to one webhook endpoint.
    pub webhook_id: Option<WebhookId>,
}

impl ListEventsOptions {
    /// No filters, first page.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `starting_after`.
    pub fn starting_after(mut self, cursor: impl Into<String>) -> Self {
        self.page.starting_after = Some(cursor.into());
        self
    }

    /// Sets `ending_before`.
    pub fn ending_before(mut self, cursor: impl Into<String>) -> Self {
        self.page.ending_before = Some(cursor.into());
        self
    }

    /// Sets `limit`.
    pub fn limit(mut self, limit: u32) -> Self {
        self.page.limit = Some(limit);
        self
    }

    /// Filters by delivery status (`Pending`, `Delivered` or `Failed`: the values the reference
    /// documents for the filter; others are refused by [`ListEventsOptions::validate`]).
    pub fn status(mut self, status: DeliveryStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Filters by webhook endpoint.
    pub fn webhook_id(mut self, id: WebhookId) -> Self {
        self.webhook_id = Some(id);
        self
    }

    /// Checks the options before sending.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        self.page.validate()?;
        match &self.status {
            None | Some(DeliveryStatus::Pending | DeliveryStatus::Delivered | DeliveryStatus::Failed) => {}
            Some(other) => {
                return Err(InvalidInput::new(
                    "status",
                    format!(
                        "`{}` is not a documented filter value (pending, delivered or failed)",
                        other.as_str().escape_debug()
                    ),
                ));
            }
        }
        if let Some(id) = &self.webhook_id {
            validate_path_id("webhook_id", id.as_str())?;
        }
        Ok(())
    }
}

fn validate_cursor(field: &'static str, cursor: Option<&str>) -> Result<(), InvalidInput> {
    match cursor {
        Some("") => Err(InvalidInput::new(field, "must not be empty")),
        Some(c) if c.chars().any(char::is_control) => {
            Err(InvalidInput::new(field, "must not contain control characters"))
        }
        _ => Ok(()),
    }
}

fn validate_name(name: &str) -> Result<(), InvalidInput> {
    if name.trim().is_empty() {
        return Err(InvalidInput::new("name", "must not be empty"));
    }
    if name.chars().any(char::is_control) {
        return Err(InvalidInput::new("name", "must not contain control characters"));
    }
    Ok(())
}

/// Checks a delivery URL: `https` (or `http` when `allow_insecure`), a host, no embedded credentials.
pub fn validate_url(url: &Url, allow_insecure: bool) -> Result<(), InvalidInput> {
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure => {}
        "http" => {
            return Err(InvalidInput::new(
                "url",
                "Bitnob requires an HTTPS endpoint (enable `allow_insecure_urls` on the client for local testing)",
            ));
        }
        other => return Err(InvalidInput::new("url", format!("scheme must be https, got `{other}`"))),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(InvalidInput::new("url", "must have a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(InvalidInput::new("url", "must not embed credentials"));
    }
    Ok(())
}

/// Checks an event-type filter: non-empty (omit the filter to receive every event), each name
/// non-empty, without whitespace or control characters.
pub fn validate_event_types(events: &[EventType]) -> Result<(), InvalidInput> {
    if events.is_empty() {
        return Err(InvalidInput::new("event_types", "must not be empty (omit event_types to receive every event)"));
    }
    for event in events {
        let name = event.as_str();
        if name.is_empty() {
            return Err(InvalidInput::new("event_types", "an event type is empty"));
        }
        if name.len() > MAX_EVENT_TYPE_LEN {
            return Err(InvalidInput::new(
                "event_types",
                format!("an event type is longer than {MAX_EVENT_TYPE_LEN} bytes"),
            ));
        }
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidInput::new(
                "event_types",
                format!("`{}` contains whitespace or control characters", name.escape_debug()),
            ));
        }
    }
    Ok(())
}

fn opt_one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<EventType>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        Many(Vec<EventType>),
        One(EventType),
    }
    Ok(Option::<OneOrMany>::deserialize(deserializer)?.map(|v| match v {
        OneOrMany::Many(v) => v,
        OneOrMany::One(e) => vec![e],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_unknown_values() {
        let s: WebhookStatus = serde_json::from_str("\"paused\"").unwrap_or(WebhookStatus::Active);
        assert_eq!(s, WebhookStatus::Unknown("paused".into()));
        assert_eq!(serde_json::to_string(&s).ok().as_deref(), Some("\"paused\""));
        assert_eq!("delivered".parse::<DeliveryStatus>().ok(), Some(DeliveryStatus::Delivered));
    }

    #[test]
    fn cursor_page_stops_on_empty_or_false() {
        let mut p =
            CursorPage::<u8> { data: vec![1], next_cursor: Some(String::new()), previous_cursor: None, has_more: None };
        assert_eq!(p.next_page_cursor(), None);
        p.next_cursor = Some("c".into());
        assert_eq!(p.next_page_cursor(), Some("c"));
        p.has_more = Some(false);
        assert_eq!(p.next_page_cursor(), None);
    }
}
