//! The webhook-management API objects: [`WebhookId`], the [`ChipWebhook`] resource, the bodies
//! of create/update ([`WebhookRequest`]) and patch ([`WebhookPatch`]), the list page
//! ([`WebhookPage`]), and the input rules CHIP documents for them.

use std::collections::HashSet;

use hookbridge_core::redact::ExtraFields;
use hookbridge_core::{DeliveryUrl, EndpointId, InvalidInput, Timestamp};
use jiff::fmt::serde::timestamp::second;
use serde::{Deserialize, Serialize};
use url::Url;

use super::event::ChipEvent;
use crate::wire::null_default;

/// Longest webhook `title` CHIP accepts, in characters (`maxLength: 100`).
pub const TITLE_MAX_LEN: usize = 100;

/// Longest URL CHIP accepts in a `callback`, in characters (`URL` schema, `maxLength: 500`).
pub const URL_MAX_LEN: usize = 500;

hookbridge_core::id_type! {
    /// The id of a CHIP webhook: a UUID (`Object ID (UUID)` in the API reference).
    ///
    /// [`WebhookId::new`] checks the UUID shape (its 36-character hyphenated form, any letter
    /// case), so a malformed id is refused before any request. Ids decoded from CHIP's responses
    /// are kept as received ([`WebhookId::from_provider`]).
    pub struct WebhookId("id", validate_uuid);
}

impl TryFrom<&EndpointId> for WebhookId {
    type Error = InvalidInput;

    fn try_from(id: &EndpointId) -> Result<Self, Self::Error> {
        Self::new(id.as_str())
    }
}

impl From<&WebhookId> for EndpointId {
    fn from(id: &WebhookId) -> Self {
        EndpointId::from_provider(id.as_str())
    }
}

/// Refuses an id that is not a UUID in its 36-character hyphenated form.
fn validate_uuid(field: &'static str, id: &str) -> Result<(), InvalidInput> {
    if is_uuid(id) {
        Ok(())
    } else {
        Err(InvalidInput::new(
            field,
            format!("CHIP webhook ids are UUIDs (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got {id:?}"),
        ))
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

fn validate_events(events: &[ChipEvent]) -> Result<(), InvalidInput> {
    let mut seen = HashSet::with_capacity(events.len());
    for event in events {
        let name = event.as_str();
        if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidInput::new("events", format!("{name:?} is not an event type")));
        }
        if !seen.insert(name) {
            return Err(InvalidInput::new("events", format!("`{name}` is listed twice (CHIP requires unique events)")));
        }
    }
    Ok(())
}

fn validate_title(title: &str) -> Result<(), InvalidInput> {
    if title.trim().is_empty() {
        return Err(InvalidInput::new("title", "must not be empty (CHIP requires a title)"));
    }
    let len = title.chars().count();
    if len > TITLE_MAX_LEN {
        return Err(InvalidInput::new("title", format!("at most {TITLE_MAX_LEN} characters, got {len}")));
    }
    Ok(())
}

/// Checks a `callback`: an absolute `http`/`https` URL with a host, at most [`URL_MAX_LEN`] characters.
fn validate_callback(callback: &str) -> Result<Url, InvalidInput> {
    let url =
        Url::parse(callback).map_err(|e| InvalidInput::new("callback", format!("{callback:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(InvalidInput::new("callback", format!("scheme must be http or https, got `{}`", url.scheme())));
    }
    if url.host().is_none() {
        return Err(InvalidInput::new("callback", "must have a host"));
    }
    let len = callback.chars().count();
    if len > URL_MAX_LEN {
        return Err(InvalidInput::new("callback", format!("at most {URL_MAX_LEN} characters, got {len}")));
    }
    Ok(url)
}

fn validate_public_key(key: &str) -> Result<(), InvalidInput> {
    if key.trim().is_empty() {
        return Err(InvalidInput::new("public_key", "must not be empty when given"));
    }
    Ok(())
}

/// A webhook as CHIP returns it (create, get, list, update, patch).
///
/// `callback` is kept as the string CHIP returned (the documentation's own examples hold
/// placeholders there), `public_key` is the PEM of the key pair CHIP signs this webhook's
/// deliveries with. It is a public key, not a secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChipWebhook {
    /// Object type identifier (`type`, e.g. `"webhook"`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub object_type: Option<String>,
    /// The webhook's id.
    pub id: WebhookId,
    /// Creation time (epoch seconds on the wire).
    #[serde(default, with = "second::optional", skip_serializing_if = "Option::is_none")]
    pub created_on: Option<Timestamp>,
    /// Last modification time (epoch seconds on the wire).
    #[serde(default, with = "second::optional", skip_serializing_if = "Option::is_none")]
    pub updated_on: Option<Timestamp>,
    /// Arbitrary title.
    #[serde(default, deserialize_with = "null_default")]
    pub title: String,
    /// Whether the webhook triggers on every event type.
    #[serde(default, deserialize_with = "null_default")]
    pub all_events: bool,
    /// PEM-encoded RSA public key that verifies this webhook's deliveries (`X-Signature`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Event types the webhook triggers on.
    #[serde(default, deserialize_with = "null_default")]
    pub events: Vec<ChipEvent>,
    /// URL that receives the deliveries.
    #[serde(default, deserialize_with = "null_default")]
    pub callback: String,
    /// Fields this version does not model, by wire name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl ChipWebhook {
    /// The body that would recreate this webhook with `PUT` (title, all_events, public_key, events, callback).
    pub fn to_request(&self) -> WebhookRequest {
        WebhookRequest {
            title: self.title.clone(),
            all_events: self.all_events,
            public_key: self.public_key.clone(),
            events: self.events.clone(),
            callback: self.callback.clone(),
        }
    }
}

/// The body of `POST webhooks/` (create) and `PUT webhooks/{id}/` (full update).
///
/// CHIP requires `title` (at most 100 characters) and `callback` (a URL, at most 500 characters),
/// and either a non-empty, duplicate-free `events` list or `all_events: true`. `public_key` is
/// optional. [`WebhookRequest::validate`] checks all of this; the client runs it before sending.
///
/// An empty `events` list is left out of the JSON: the schema marks `events` as required with at
/// least one item, while its description says "either this or `all_events` is required". Which of
/// the two CHIP enforces when `all_events` is `true` is undocumented.
///
/// ```
/// use hookbridge_chip::{ChipEvent, WebhookRequest};
///
/// let body = WebhookRequest::new("orders", "https://example.com/chip".parse::<url::Url>()?)
///     .event(ChipEvent::PurchasePaid)
///     .event(ChipEvent::PaymentRefunded);
/// body.validate()?;
/// assert_eq!(
///     serde_json::to_value(&body)?,
///     serde_json::json!({
///         "title": "orders",
///         "all_events": false,
///         "events": ["purchase.paid", "payment.refunded"],
///         "callback": "https://example.com/chip"
///     })
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookRequest {
    /// Arbitrary title (required, at most 100 characters).
    pub title: String,
    /// Trigger on every event type.
    #[serde(default)]
    pub all_events: bool,
    /// PEM-encoded RSA public key (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// Event types to trigger on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<ChipEvent>,
    /// URL that receives deliveries (required).
    pub callback: String,
}

impl WebhookRequest {
    /// A request with the required fields; add events with [`WebhookRequest::event`] or select all
    /// with [`WebhookRequest::all_events`].
    pub fn new(title: impl Into<String>, callback: impl Into<DeliveryUrl>) -> Self {
        let callback = String::from(callback.into());
        Self { title: title.into(), all_events: false, public_key: None, events: Vec::new(), callback }
    }

    /// Adds one event type.
    pub fn event(mut self, event: impl Into<ChipEvent>) -> Self {
        self.events.push(event.into());
        self
    }

    /// Sets the event types.
    pub fn events(mut self, events: impl IntoIterator<Item = ChipEvent>) -> Self {
        self.events = events.into_iter().collect();
        self
    }

    /// Sets `all_events`.
    pub fn all_events(mut self, all: bool) -> Self {
        self.all_events = all;
        self
    }

    /// Sets `public_key`.
    pub fn public_key(mut self, pem: impl Into<String>) -> Self {
        self.public_key = Some(pem.into());
        self
    }

    /// Checks the documented rules (title, callback URL, events or all_events, unique events).
    pub fn validate(&self) -> Result<(), InvalidInput> {
        validate_title(&self.title)?;
        validate_callback(&self.callback)?;
        if !self.all_events && self.events.is_empty() {
            return Err(InvalidInput::new("events", "select at least one event or set all_events"));
        }
        validate_events(&self.events)?;
        if let Some(key) = &self.public_key {
            validate_public_key(key)?;
        }
        Ok(())
    }
}

/// The body of `PATCH webhooks/{id}/` (partial update): only the fields set are sent.
///
/// ```
/// use hookbridge_chip::WebhookPatch;
///
/// let patch = WebhookPatch::new().title("renamed");
/// assert_eq!(serde_json::to_value(&patch)?, serde_json::json!({"title": "renamed"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookPatch {
    /// New title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// New `all_events`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_events: Option<bool>,
    /// New public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// New event list (replaces the old one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<ChipEvent>>,
    /// New callback URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
}

impl WebhookPatch {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets `all_events`.
    pub fn all_events(mut self, all: bool) -> Self {
        self.all_events = Some(all);
        self
    }

    /// Sets the public key.
    pub fn public_key(mut self, pem: impl Into<String>) -> Self {
        self.public_key = Some(pem.into());
        self
    }

    /// Replaces the event list.
    pub fn events(mut self, events: impl IntoIterator<Item = ChipEvent>) -> Self {
        self.events = Some(events.into_iter().collect());
        self
    }

    /// Sets the callback URL.
    pub fn callback(mut self, url: Url) -> Self {
        self.callback = Some(url.into());
        self
    }

    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.all_events.is_none()
            && self.public_key.is_none()
            && self.events.is_none()
            && self.callback.is_none()
    }

    /// Checks each supplied field by the same rules as [`WebhookRequest::validate`]; an empty
    /// patch, and an empty event list without `all_events: true`, are refused.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        if self.is_empty() {
            return Err(InvalidInput::new("patch", "nothing to update: set at least one field"));
        }
        if let Some(title) = &self.title {
            validate_title(title)?;
        }
        if let Some(callback) = &self.callback {
            validate_callback(callback)?;
        }
        if let Some(events) = &self.events {
            if events.is_empty() && self.all_events != Some(true) {
                return Err(InvalidInput::new("events", "an empty event list needs all_events: true"));
            }
            validate_events(events)?;
        }
        if let Some(key) = &self.public_key {
            validate_public_key(key)?;
        }
        Ok(())
    }
}

/// One page of `GET webhooks/`: `{results, next, previous}`; `next`/`previous` are absolute URLs or `null`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WebhookPage {
    /// The webhooks on this page.
    #[serde(default, deserialize_with = "null_default")]
    pub results: Vec<ChipWebhook>,
    /// URL of the next page; `null` on the last page.
    #[serde(default)]
    pub next: Option<String>,
    /// URL of the previous page; `null` on the first page.
    #[serde(default)]
    pub previous: Option<String>,
}

impl WebhookPage {
    /// The next page's URL: `None` when `next` is `null` or empty, an error when it is not an absolute URL.
    pub fn next_url(&self) -> Result<Option<Url>, url::ParseError> {
        match self.next.as_deref() {
            None | Some("") => Ok(None),
            Some(next) => Url::parse(next).map(Some),
        }
    }
}
