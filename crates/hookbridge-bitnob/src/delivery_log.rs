//! Bitnob's delivery log (`GET /webhooks/events`) as plain records: [`DeliveryRecord`], with the
//! delivery status unified across its spellings ([`DeliveryState`]).
//!
//! This is not [`hookbridge_core::Delivery`] (an incoming, verified delivery) but Bitnob's
//! record *about* a delivery it made: its state, attempts and the endpoint's last response. The
//! conversion is lossless both ways.
//!
//! ```
//! use hookbridge_bitnob::DeliveryEvent;
//! use hookbridge_bitnob::delivery_log::{DeliveryRecord, DeliveryState};
//!
//! let event: DeliveryEvent = serde_json::from_str(
//!     r#"{"object": "event", "id": "evt_1", "webhook_id": "wh_1", "type": "transaction.confirmed",
//!         "delivery_status": "success", "delivery_attempts": 1, "http_status_code": 200}"#,
//! )?;
//! let record = DeliveryRecord::from(&event);
//! assert_eq!(record.state, DeliveryState::Delivered); // the older spelling `success`
//! assert_eq!(DeliveryEvent::try_from(&record)?, event); // lossless
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use hookbridge_core::extension::{DeliveryRecord, DeliveryState};
use hookbridge_core::{EndpointId, InvalidInput, Page, PageRequest};
use serde_json::Value;

use crate::model::{CursorPage, DeliveryEvent, DeliveryStatus};

/// Wire name of the delivery status, kept in [`DeliveryRecord::provider_fields`] when the
/// unified state does not determine its spelling (`success` for [`DeliveryState::Delivered`]).
pub const DELIVERY_STATUS: &str = "delivery_status";
/// Wire name of the `object` field.
pub const OBJECT: &str = "object";

impl From<&DeliveryEvent> for DeliveryRecord {
    fn from(e: &DeliveryEvent) -> Self {
        let mut provider_fields = e.extra.clone().into_inner();
        if let Some(object) = &e.object {
            provider_fields.insert(OBJECT.into(), Value::String(object.clone()));
        }
        let state = match &e.delivery_status {
            None => DeliveryState::Unknown,
            Some(DeliveryStatus::Pending) => DeliveryState::Pending,
            Some(DeliveryStatus::Delivered) => DeliveryState::Delivered,
            Some(DeliveryStatus::Success) => {
                provider_fields.insert(DELIVERY_STATUS.into(), Value::String("success".into()));
                DeliveryState::Delivered
            }
            Some(DeliveryStatus::Failed) => DeliveryState::Failed,
            Some(DeliveryStatus::Retrying) => DeliveryState::Retrying,
            Some(other) => DeliveryState::Other(other.as_str().to_owned()),
        };
        let mut record = DeliveryRecord::new(crate::PROVIDER, e.id.as_str(), state);
        record.endpoint_id = e.webhook_id.as_ref().map(|id| EndpointId::from_provider(id.as_str()));
        record.event_type = e.event_type.clone();
        record.attempts = e.delivery_attempts;
        record.max_attempts = e.max_attempts;
        record.http_status = e.http_status_code;
        record.error_message = e.error_message.clone();
        record.created_at = e.created_at;
        record.provider_fields = provider_fields;
        record
    }
}

impl From<DeliveryEvent> for DeliveryRecord {
    fn from(e: DeliveryEvent) -> Self {
        DeliveryRecord::from(&e)
    }
}

impl TryFrom<&DeliveryRecord> for DeliveryEvent {
    type Error = InvalidInput;

    /// Rebuilds Bitnob's delivery event (the inverse of `From<&DeliveryEvent>`).
    fn try_from(r: &DeliveryRecord) -> Result<Self, Self::Error> {
        if r.provider != crate::PROVIDER {
            return Err(InvalidInput::new("provider", format!("{} exposes no delivery events", r.provider)));
        }
        let mut fields = r.provider_fields.clone();
        let status: Option<String> = match fields.remove(DELIVERY_STATUS) {
            Some(Value::String(s)) => Some(s),
            Some(Value::Null) | None => match &r.state {
                DeliveryState::Unknown => None,
                state => Some(state.as_str().to_owned()),
            },
            Some(other) => {
                return Err(InvalidInput::new(
                    "provider_fields",
                    format!("`{DELIVERY_STATUS}` must be a string, got {other}"),
                ));
            }
        };
        let object = match fields.remove(OBJECT) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                return Err(InvalidInput::new("provider_fields", format!("`{OBJECT}` must be a string, got {other}")));
            }
        };
        // The remaining fields are ones Bitnob sent that this crate does not model: written back.
        let mut wire = fields;
        wire.insert("id".into(), Value::String(r.id.clone()));
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                wire.insert(k.to_owned(), v);
            }
        };
        put("object", object.map(Value::String));
        put("webhook_id", r.endpoint_id.as_ref().map(|id| Value::String(id.as_str().to_owned())));
        put("type", r.event_type.as_ref().map(|t| Value::String(t.as_str().to_owned())));
        put("delivery_status", status.map(Value::String));
        put("delivery_attempts", r.attempts.map(Value::from));
        put("max_attempts", r.max_attempts.map(Value::from));
        put("http_status_code", r.http_status.map(Value::from));
        put("error_message", r.error_message.clone().map(Value::String));
        put("created_at", r.created_at.map(|t| Value::String(t.to_string())));
        serde_json::from_value(Value::Object(wire))
            .map_err(|e| InvalidInput::new("delivery_event", format!("cannot rebuild the Bitnob delivery event: {e}")))
    }
}

/// A page of delivery events as records; the next page is `starting_after = next_cursor` while
/// there is one.
pub fn records_page(page: CursorPage<DeliveryEvent>) -> Page<DeliveryRecord> {
    let next = page.next_page_cursor().map(|c| PageRequest::After(c.to_owned()));
    Page::new(page.data.iter().map(DeliveryRecord::from).collect(), next)
}
