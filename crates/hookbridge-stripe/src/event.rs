//! [`Event`]: the Event object Stripe delivers to webhook endpoints (the body of every delivery)
//! and returns from its events API (docs.stripe.com/api/events/object).
//!
//! Decode a delivery **after** verifying its `Stripe-Signature` over the raw body bytes
//! (`hookbridge_verify::HmacScheme::stripe`); this type only models the payload.
//!
//! ```
//! use hookbridge_stripe::{Event, EventType};
//!
//! let body = br#"{"id":"evt_1","object":"event","api_version":"2024-12-18.acacia","created":1735689600,
//!   "data":{"object":{"id":"we_1","object":"webhook_endpoint"}},"livemode":false,"pending_webhooks":1,
//!   "request":{"id":"req_1","idempotency_key":"hb-1"},"type":"charge.succeeded"}"#;
//! let event: Event = serde_json::from_slice(body)?;
//! assert_eq!(event.event_type, EventType::ChargeSucceeded);
//! assert_eq!(event.data.object_type(), Some("webhook_endpoint"));
//! assert_eq!(event.request.and_then(|r| r.idempotency_key).as_deref(), Some("hb-1"));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use hookbridge_core::Timestamp;
use hookbridge_core::redact::{ExtraFields, redact_secrets};
use jiff::fmt::serde::timestamp::second;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::event_type::EventType;
use crate::ids::{AccountId, EventId};
use crate::model::ApiVersion;

/// The Event object (`object: "event"`).
///
/// Attributes the reference marks required are required, except `pending_webhooks` and
/// `request`, which are read when present (Stripe always sends them; payloads written by hand
/// for tests often do not).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// Unique identifier for the object (`evt_…`).
    pub id: EventId,
    /// String representing the object's type: `event`.
    pub object: String,
    /// The connected account that originates the event (Connect only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountId>,
    /// The API version used to render `data`; `null` for events created before 2014-10-31.
    pub api_version: Option<ApiVersion>,
    /// Authentication context needed to fetch the event or related object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Time at which the event was created (seconds since the Unix epoch on the wire).
    #[serde(with = "second::required")]
    pub created: Timestamp,
    /// The object the event is about, and what changed.
    pub data: EventData,
    /// `true` for an event in live mode, `false` in test mode.
    pub livemode: bool,
    /// How many webhooks have not yet been delivered successfully to their URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_webhooks: Option<u64>,
    /// The API request that triggered the event (`null` for automatic events).
    #[serde(default)]
    pub request: Option<EventRequest>,
    /// What happened (`invoice.created`, `charge.refunded`, …; wire name `type`).
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// Attributes the reference does not list, by wire name.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// `data` of an [`Event`]: the API resource at the time of the event, and for `*.updated` events
/// the previous values of the attributes that changed.
///
/// `Debug` prints both objects with the values of secret-named keys (`client_secret`, …)
/// redacted at every depth.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventData {
    /// The resource the event is about (an invoice for `invoice.created`, …), as JSON.
    pub object: Map<String, Value>,
    /// The changed attributes' previous values (only `*.updated` events; `null` otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_attributes: Option<Map<String, Value>>,
}

impl EventData {
    /// The resource's `object` attribute (`invoice`, `charge`, …).
    pub fn object_type(&self) -> Option<&str> {
        self.object.get("object").and_then(Value::as_str)
    }

    /// The resource's `id`.
    pub fn object_id(&self) -> Option<&str> {
        self.object.get("id").and_then(Value::as_str)
    }
}

impl fmt::Debug for EventData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |map: &Map<String, Value>| redact_secrets(&serde_json::to_vec(map).unwrap_or_default());
        f.debug_struct("EventData")
            .field("object", &format_args!("{}", redacted(&self.object)))
            .field("previous_attributes", &format_args!("{:?}", self.previous_attributes.as_ref().map(redacted)))
            .finish()
    }
}

/// `request` of an [`Event`]: the API request that caused it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventRequest {
    /// The id of the API request (`req_…`); `null` when the event was automatic.
    #[serde(default)]
    pub id: Option<String>,
    /// The idempotency key the request was sent with, if any (events since 2017-05-23).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}
