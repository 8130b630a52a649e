//! [`Delivery`]: one shape for a verified incoming webhook delivery from any provider.

use bytes::Bytes;
use serde::{Serialize, Serializer};

use crate::Timestamp;
use crate::model::EventType;
use crate::provider::ProviderId;

/// What a delivery is about: the provider object it refers to (an order, a purchase, a payment...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Subject {
    /// Kind of object, in the provider's words (`order`, `purchase`, `payment`, `transaction`...).
    pub kind: String,
    /// The object's id.
    pub id: String,
}

impl Subject {
    /// A subject.
    pub fn new(kind: impl Into<String>, id: impl Into<String>) -> Self {
        Self { kind: kind.into(), id: id.into() }
    }
}

/// A verified delivery from any provider, normalised.
///
/// Built by the provider crates from their typed deliveries after verification; fields a provider
/// does not send are `None`. The raw body is kept byte for byte, so a delivery can be re-verified,
/// archived or forwarded unchanged.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Delivery {
    /// Provider that sent it.
    pub provider: ProviderId,
    /// Event type, where the provider states one.
    pub event_type: Option<EventType>,
    /// Whether [`event_type`](Self::event_type) was read from the signed (or, for BLAZE,
    /// URL-token-authenticated) body. `false` when it comes from an unsigned header only
    /// (MIEX's `X-Webhook-Event`, GitHub's `X-GitHub-Event` when the body names no event):
    /// report it, but never re-sign it as if it were signed.
    pub event_type_signed: bool,
    /// The provider's id for this delivery attempt or job (MIEX `X-Webhook-Delivery`). **Not
    /// signed** by any provider that sends one: informational, never an identity.
    pub delivery_id: Option<String>,
    /// The provider's id for the event, where it has one.
    pub event_id: Option<String>,
    /// When the event happened or the delivery was signed, where the provider says.
    pub occurred_at: Option<Timestamp>,
    /// The timestamp the signature covers, for schemes that sign one (Bitnob's
    /// `X-Bitnob-Timestamp`, Standard Webhooks' `webhook-timestamp`).
    pub signed_at: Option<Timestamp>,
    /// The delivery's identity, derived by the receiver pipeline from signed data only
    /// (`<provider>:<kind>:<value>`): two deliveries with the same key are the same delivery.
    pub replay_key: Option<String>,
    /// The object the delivery refers to.
    pub subject: Option<Subject>,
    /// Which verification key matched, when the delivery was signed.
    pub key_id: Option<String>,
    /// The parsed JSON body (`Null` when the body is not JSON).
    pub payload: serde_json::Value,
    /// The raw body, exactly as received (serialized as a lossy UTF-8 string).
    #[serde(serialize_with = "lossy_utf8")]
    pub raw: Bytes,
}

impl Delivery {
    /// A delivery with only its provider and raw body; the payload is parsed if it is JSON.
    pub fn new(provider: ProviderId, raw: Bytes) -> Self {
        let payload = serde_json::from_slice(&raw).unwrap_or(serde_json::Value::Null);
        Self {
            provider,
            event_type: None,
            event_type_signed: false,
            delivery_id: None,
            event_id: None,
            occurred_at: None,
            signed_at: None,
            replay_key: None,
            subject: None,
            key_id: None,
            payload,
            raw,
        }
    }

    /// The id to deduplicate on: the [`replay_key`](Self::replay_key) the receiver pipeline
    /// derived from signed data. Never the unsigned [`delivery_id`](Self::delivery_id).
    pub fn dedupe_key(&self) -> Option<&str> {
        self.replay_key.as_deref()
    }
}

fn lossy_utf8<S: Serializer>(raw: &Bytes, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&String::from_utf8_lossy(raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_json_and_keeps_raw() {
        let d = Delivery::new(crate::ProviderId::new("acme"), Bytes::from_static(br#"{"event":"order.created"}"#));
        assert_eq!(d.payload["event"], "order.created");
        let d = Delivery::new(crate::ProviderId::new("charlie"), Bytes::from_static(b"\xff not json"));
        assert!(d.payload.is_null());
        assert_eq!(&d.raw[..], b"\xff not json");
        assert_eq!(d.dedupe_key(), None);
    }
}
