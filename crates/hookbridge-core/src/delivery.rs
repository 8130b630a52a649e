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
        Self::with_payload(provider, raw, payload)
    }

    /// A delivery with its provider, raw body and the `payload` the caller already parsed from
    /// it (taken as is: the body is not parsed a second time).
    pub fn with_payload(provider: ProviderId, raw: Bytes, payload: serde_json::Value) -> Self {
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

    /// Records what the receiver pipeline's verification established, the same way for every
    /// provider: the [`replay_key`](Self::replay_key) (derived from signed data), the
    /// [`key_id`](Self::key_id) that matched, and [`signed_at`](Self::signed_at) from the signed
    /// timestamp in unix seconds (`None` when the scheme signs none, or when it is out of range).
    /// The provider's own facts (event, ids, subject, times) are set by its crate.
    ///
    /// ```
    /// use hookbridge_core::{Delivery, ProviderId, Timestamp};
    /// use hookbridge_core::reexports::bytes::Bytes;
    ///
    /// let mut delivery = Delivery::new(ProviderId::new("acme"), Bytes::from_static(br#"{"event":"paid"}"#));
    /// delivery.set_verification("acme:event:1", "2025", Some(1_700_000_000));
    /// assert_eq!(delivery.dedupe_key(), Some("acme:event:1"));
    /// assert_eq!(delivery.key_id.as_deref(), Some("2025"));
    /// assert_eq!(delivery.signed_at, Timestamp::from_second(1_700_000_000).ok());
    /// ```
    pub fn set_verification(&mut self, replay_key: impl AsRef<str>, key_id: impl AsRef<str>, signed_at: Option<i64>) {
        self.replay_key = Some(replay_key.as_ref().to_owned());
        self.key_id = Some(key_id.as_ref().to_owned());
        self.signed_at = signed_at.and_then(|seconds| Timestamp::from_second(seconds).ok());
    }

    /// The id to deduplicate on: the [`replay_key`](Self::replay_key) the receiver pipeline
    /// derived from signed data. Never the unsigned [`delivery_id`](Self::delivery_id).
    pub fn dedupe_key(&self) -> Option<&str> {
        self.replay_key.as_deref()
    }
}

/// The text of an id a provider sends as JSON — a non-empty string, or a number (`1284` becomes
/// `"1284"`); `None` for anything else (empty string, `null`, bool, array, object). How the
/// provider crates read subject and event ids from a delivery body.
///
/// ```
/// use hookbridge_core::delivery::json_id;
/// use serde_json::json;
///
/// assert_eq!(json_id(&json!("ord_7")).as_deref(), Some("ord_7"));
/// assert_eq!(json_id(&json!(1284)).as_deref(), Some("1284"));
/// assert_eq!(json_id(&json!("")), None);
/// assert_eq!(json_id(&json!(null)), None);
/// ```
pub fn json_id(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
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

    #[test]
    fn with_payload_keeps_the_payload_and_set_verification_records_the_verification_facts() {
        let raw = Bytes::from_static(br#"{"event":"paid"}"#);
        let mut d = Delivery::with_payload(crate::ProviderId::new("acme"), raw.clone(), serde_json::json!({"kept": 1}));
        assert_eq!(d.payload, serde_json::json!({"kept": 1}));
        assert_eq!(d.raw, raw);
        d.set_verification("acme:digest:ab", "k1", None);
        assert_eq!((d.dedupe_key(), d.key_id.as_deref(), d.signed_at), (Some("acme:digest:ab"), Some("k1"), None));
        let mut d = Delivery::new(crate::ProviderId::new("acme"), raw);
        d.set_verification("acme:event:1", "k2", Some(i64::MAX));
        assert_eq!(d.signed_at, None, "out of range");
        assert_eq!(d.payload["event"], "paid");
    }
}
