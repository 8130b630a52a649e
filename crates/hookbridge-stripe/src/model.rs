//! Stripe's response objects for the Webhook Endpoints resource, exactly as the API reference
//! spells them: [`WebhookEndpoint`], [`DeletedWebhookEndpoint`] and the [`List`] envelope.
//!
//! Required attributes of the reference are required here (a response without them is a decode
//! error, not a silently defaulted value); `nullable` attributes are `Option`s; the status is an
//! open enum; attributes Stripe adds later are kept in `extra` (secret-looking ones redacted in
//! `Debug`).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use hookbridge_core::page::{Page, PageRequest};
use hookbridge_core::redact::ExtraFields;
use hookbridge_core::{InvalidInput, Secret, Timestamp};
use jiff::fmt::serde::timestamp::second;
use serde::{Deserialize, Serialize};

use crate::event_type::EventType;
use crate::ids::WebhookEndpointId;

/// Key-value pairs attached to an object (`metadata`): string keys and values.
///
/// Stripe's limits (docs.stripe.com/metadata): at most 50 keys, keys up to 40 characters and
/// without `[` or `]`, values up to 500 characters. Requests are checked against them before
/// anything is sent.
pub type Metadata = BTreeMap<String, String>;

/// A Stripe API version (`2024-12-18.acacia`, `2020-08-27`, …): the `api_version` of an endpoint
/// or event, the `api_version` create parameter, and the `Stripe-Version` header.
///
/// Stripe lists the accepted versions in its reference and adds one every month, so any value is
/// accepted that can be sent in a header and a form: non-empty visible ASCII.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiVersion(String);

impl ApiVersion {
    /// Validates and wraps a version string.
    pub fn new(version: impl Into<String>) -> Result<Self, InvalidInput> {
        let version = version.into();
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(InvalidInput::new(
                "api_version",
                "must be a non-empty version name of visible ASCII, such as `2024-12-18.acacia`",
            ));
        }
        Ok(Self(version))
    }

    /// The version as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ApiVersion {
    type Err = InvalidInput;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

hookbridge_core::wire_enum! {
    /// The status of a webhook endpoint (`status`): "It can be `enabled` or `disabled`."
    pub enum WebhookEndpointStatus {
        /// Events are delivered.
        Enabled = "enabled",
        /// No events are delivered (set with the update parameter `disabled`).
        Disabled = "disabled",
    }
}

/// The Webhook Endpoint object (`object: "webhook_endpoint"`), as returned by create, retrieve,
/// update and list.
///
/// `secret` is only present on the create response; `Debug` never shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookEndpoint {
    /// Unique identifier for the object (`we_…`).
    pub id: WebhookEndpointId,
    /// String representing the object's type: `webhook_endpoint`.
    pub object: String,
    /// The API version events are rendered as for this endpoint; `null` means the account's
    /// default version.
    pub api_version: Option<ApiVersion>,
    /// The ID of the associated Connect application (`null` for none).
    pub application: Option<String>,
    /// Time at which the object was created (seconds since the Unix epoch on the wire).
    #[serde(with = "second::required")]
    pub created: Timestamp,
    /// An optional description of what the webhook is used for.
    pub description: Option<String>,
    /// The events enabled for this endpoint; `["*"]` means all events except those that
    /// require explicit selection.
    pub enabled_events: Vec<EventType>,
    /// `true` for an object in live mode, `false` in test mode.
    pub livemode: bool,
    /// Key-value pairs attached to the endpoint.
    pub metadata: Metadata,
    /// The endpoint's signing secret (`whsec_…`), used to generate webhook signatures.
    /// **Only returned at creation**: store it then. Never serialized back out.
    #[serde(default, skip_serializing)]
    pub secret: Option<Secret>,
    /// `enabled` or `disabled` (anything else is kept as [`WebhookEndpointStatus::Unknown`]).
    pub status: WebhookEndpointStatus,
    /// The URL of the webhook endpoint, as Stripe returns it.
    pub url: String,
    /// Attributes the reference does not list, by wire name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl WebhookEndpoint {
    /// Whether every event is enabled (`enabled_events` contains `*`).
    pub fn all_events(&self) -> bool {
        self.enabled_events.iter().any(EventType::is_all)
    }
}

/// What `DELETE /v1/webhook_endpoints/{id}` returns: `{"id", "object": "webhook_endpoint",
/// "deleted": true}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeletedWebhookEndpoint {
    /// The deleted endpoint's id.
    pub id: WebhookEndpointId,
    /// String representing the object's type: `webhook_endpoint`.
    pub object: String,
    /// Always `true` for a deleted object.
    pub deleted: bool,
}

/// Stripe's list envelope: `{"object": "list", "data": [...], "has_more": bool, "url": "/v1/…"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct List<T> {
    /// String representing the object's type: `list`.
    pub object: String,
    /// The objects on this page, newest first.
    pub data: Vec<T>,
    /// Whether there are more objects after this page (in the direction being paged).
    pub has_more: bool,
    /// The URL of this list (`/v1/webhook_endpoints`).
    pub url: String,
}

impl From<List<WebhookEndpoint>> for Page<WebhookEndpoint> {
    /// One page for [`hookbridge_core::page::paginate`], paging forward: while `has_more`, the
    /// next page starts after the last endpoint on this one (`starting_after = <last id>`).
    /// Keyed by endpoint id, so a server repeating a page ends the stream.
    fn from(list: List<WebhookEndpoint>) -> Self {
        let next = match (list.has_more, list.data.last()) {
            (true, Some(last)) => Some(PageRequest::After(last.id.as_str().to_owned())),
            _ => None,
        };
        Page::keyed(list.data, next, |endpoint| endpoint.id.as_str())
    }
}
