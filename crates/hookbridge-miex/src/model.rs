//! MIEX wire types (camelCase JSON).

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use hookbridge_core::DeliveryUrl;
use hookbridge_core::{InvalidInput, Secret, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::{DeserializeFromStr, SerializeDisplay};
use url::Url;

/// A MIEX webhook event name.
///
/// The documentation lists exactly four events; the list is closed for requests (hookbridge refuses
/// [`MiexEvent::Unknown`] before sending), but responses tolerate names added later: they decode
/// into [`MiexEvent::Unknown`] and serialize back unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, SerializeDisplay, DeserializeFromStr)]
#[non_exhaustive]
pub enum MiexEvent {
    /// `order.created`
    OrderCreated,
    /// `order.status_changed`
    OrderStatusChanged,
    /// `order.cancelled`
    OrderCancelled,
    /// `offer.updated`
    OfferUpdated,
    /// An event name the documentation does not list, exactly as received.
    Unknown(String),
}

impl MiexEvent {
    /// The four documented events, in documentation order.
    pub const ALL: [MiexEvent; 4] =
        [MiexEvent::OrderCreated, MiexEvent::OrderStatusChanged, MiexEvent::OrderCancelled, MiexEvent::OfferUpdated];

    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            MiexEvent::OrderCreated => "order.created",
            MiexEvent::OrderStatusChanged => "order.status_changed",
            MiexEvent::OrderCancelled => "order.cancelled",
            MiexEvent::OfferUpdated => "offer.updated",
            MiexEvent::Unknown(s) => s,
        }
    }

    /// Whether this is one of the four documented events.
    pub fn is_documented(&self) -> bool {
        !matches!(self, MiexEvent::Unknown(_))
    }
}

impl fmt::Display for MiexEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MiexEvent {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "order.created" => MiexEvent::OrderCreated,
            "order.status_changed" => MiexEvent::OrderStatusChanged,
            "order.cancelled" => MiexEvent::OrderCancelled,
            "offer.updated" => MiexEvent::OfferUpdated,
            other => MiexEvent::Unknown(other.to_owned()),
        })
    }
}

/// The documented event names, for error messages.
pub(crate) fn documented_events() -> String {
    MiexEvent::ALL.iter().map(MiexEvent::as_str).collect::<Vec<_>>().join(", ")
}

/// Body of `POST /partner/webhooks`: `{url, events}`.
///
/// ```
/// use hookbridge_miex::{MiexEvent, RegisterWebhook};
///
/// let req = RegisterWebhook::new(
///     hookbridge_core::DeliveryUrl::new("https://example.com/webhooks/exchange")?,
///     [MiexEvent::OrderCreated, MiexEvent::OrderStatusChanged],
/// );
/// assert!(req.validate().is_ok());
/// assert_eq!(
///     serde_json::to_value(&req)?,
///     serde_json::json!({
///         "url": "https://example.com/webhooks/exchange",
///         "events": ["order.created", "order.status_changed"]
///     })
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterWebhook {
    /// Where MIEX delivers events (`string<uri>`, required).
    pub url: DeliveryUrl,
    /// Events to receive (required, at least one, each one of the four documented events).
    pub events: Vec<MiexEvent>,
}

impl RegisterWebhook {
    /// A registration of `url` for `events`.
    pub fn new(url: impl Into<DeliveryUrl>, events: impl IntoIterator<Item = MiexEvent>) -> Self {
        Self { url: url.into(), events: events.into_iter().collect() }
    }

    /// A registration of `url` for all four documented events.
    pub fn all_events(url: impl Into<DeliveryUrl>) -> Self {
        Self::new(url, MiexEvent::ALL)
    }

    /// Checks the documented constraints: an `http`/`https` URL, at least one event, and only the
    /// documented events (the list is closed). [`crate::Webhooks::register`] calls it before sending.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        validate_url(&self.url)?;
        if self.events.is_empty() {
            return Err(InvalidInput::new(
                "events",
                format!("at least one event is required (one of {})", documented_events()),
            ));
        }
        if let Some(unknown) = self.events.iter().find(|e| !e.is_documented()) {
            return Err(unknown_event(unknown.as_str()));
        }
        Ok(())
    }
}

pub(crate) fn unknown_event(name: &str) -> InvalidInput {
    InvalidInput::new(
        "events",
        format!("`{name}` is not a MIEX event; the documented events are {}", documented_events()),
    )
}

/// A webhook URL must be HTTP(S): MIEX delivers with HTTP POST.
pub(crate) fn validate_url(url: &Url) -> Result<(), InvalidInput> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(InvalidInput::new("url", format!("scheme must be http or https, got `{}`", url.scheme())));
    }
    if url.host().is_none() {
        return Err(InvalidInput::new("url", "must have a host"));
    }
    Ok(())
}

/// A MIEX webhook id (`string<uuid>` in the documentation; kept as received, not re-formatted).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WebhookId(String);

impl WebhookId {
    /// Wraps an id.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for WebhookId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The registered webhook, as returned by `POST /partner/webhooks`.
///
/// The excerpt marks no response field as required; `id` and `url` are required here (a
/// registration without them is unusable), the rest are optional so a sparser response still
/// decodes. Fields MIEX adds later are kept in [`MiexWebhook::extra`].
///
/// `Serialize` writes every field back under its wire name **except `secretKey`**: the secret is
/// only reachable through [`MiexWebhook::secret_key`] (a [`Secret`], which never prints).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MiexWebhook {
    /// The webhook id (a UUID).
    pub id: WebhookId,
    /// The delivery URL, exactly as MIEX returned it.
    pub url: String,
    /// Subscribed events (unknown names kept in [`MiexEvent::Unknown`]). An absent list decodes as
    /// empty, and an empty list is not serialized (MIEX requires at least one event).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<MiexEvent>,
    /// Whether deliveries are sent (`isActive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    /// Failed deliveries so far (`failCount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_count: Option<u64>,
    /// When the webhook was created (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When the webhook was last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// The HMAC-SHA256 signing secret (`secretKey`). **Shown only in this response**: store it.
    #[serde(default, skip_serializing)]
    pub secret_key: Option<Secret>,
    /// MIEX's note about the secret (`note`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Response fields the documentation does not list, by wire name.
    #[serde(flatten)]
    pub extra: hookbridge_core::redact::ExtraFields,
}

impl MiexWebhook {
    /// A webhook with only its id and URL set (for tests and conversions).
    pub fn new(id: WebhookId, url: impl Into<String>) -> Self {
        Self {
            id,
            url: url.into(),
            events: Vec::new(),
            is_active: None,
            fail_count: None,
            created_at: None,
            updated_at: None,
            secret_key: None,
            note: None,
            extra: Default::default(),
        }
    }
}
