//! The body of a delivery: [`ChipDelivery`] (the top-level `event_type` plus the related object)
//! and [`DeliveryObject`] (a Purchase, a Payment or another object).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::event::ChipEvent;
use super::payment::Payment;
use super::purchase::Purchase;

/// What a delivery carries, chosen by the object's `type` (or, without one, the event's prefix).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum DeliveryObject {
    /// A Purchase (`purchase.*` events and success callbacks).
    Purchase(Box<Purchase>),
    /// A Payment (`payment.refunded` and other `payment.*` events).
    Payment(Box<Payment>),
    /// Any other object (payouts, billing template clients, ...), as received.
    Other(Map<String, Value>),
}

/// A decoded webhook or success-callback body: the related object plus the top-level `event_type`.
///
/// Decode it only from a body whose `X-Signature` verified, over the raw bytes.
///
/// ```
/// use hookbridge_chip::{ChipDelivery, ChipEvent, DeliveryObject};
///
/// let body = br#"{"event_type": "purchase.paid", "type": "purchase", "id": "x", "status": "paid"}"#;
/// let delivery = ChipDelivery::from_slice(body)?;
/// assert_eq!(delivery.event_type, ChipEvent::PurchasePaid);
/// assert!(matches!(delivery.object, DeliveryObject::Purchase(_)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChipDelivery {
    /// The event that triggered the delivery.
    pub event_type: ChipEvent,
    /// The related object.
    pub object: DeliveryObject,
}

impl ChipDelivery {
    /// Decodes a delivery body.
    ///
    /// Reads `event_type` and `type` first, then decodes a Purchase or Payment straight from the
    /// bytes (no intermediate JSON map: about twice as fast for a Purchase). The result is the same
    /// as `serde_json::from_slice::<ChipDelivery>`, which any other shape falls back to.
    pub fn from_slice(body: &[u8]) -> Result<Self, serde_json::Error> {
        #[derive(Deserialize)]
        struct Probe<'a> {
            #[serde(borrow)]
            event_type: Option<std::borrow::Cow<'a, str>>,
            #[serde(rename = "type", borrow)]
            kind: Option<std::borrow::Cow<'a, str>>,
        }
        let Ok(Probe { event_type: Some(event_type), kind }) = serde_json::from_slice::<Probe<'_>>(body) else {
            return serde_json::from_slice(body);
        };
        let event_type = ChipEvent::from(event_type.as_ref());
        let object = match object_kind(kind.as_deref(), &event_type) {
            "purchase" => {
                let mut purchase: Purchase = serde_json::from_slice(body)?;
                purchase.extra.remove("event_type");
                DeliveryObject::Purchase(Box::new(purchase))
            }
            "payment" => {
                let mut payment: Payment = serde_json::from_slice(body)?;
                payment.extra.remove("event_type");
                DeliveryObject::Payment(Box::new(payment))
            }
            _ => return serde_json::from_slice(body),
        };
        Ok(Self { event_type, object })
    }

    /// The Purchase, if the delivery carries one.
    pub fn purchase(&self) -> Option<&Purchase> {
        match &self.object {
            DeliveryObject::Purchase(p) => Some(p),
            _ => None,
        }
    }

    /// The Payment, if the delivery carries one.
    pub fn payment(&self) -> Option<&Payment> {
        match &self.object {
            DeliveryObject::Payment(p) => Some(p),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for ChipDelivery {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let mut map = Map::<String, Value>::deserialize(de)?;
        let event_type = match map.remove("event_type") {
            Some(Value::String(s)) => ChipEvent::from(s.as_str()),
            // The value itself is not quoted: error messages never carry delivery content.
            Some(_) => return Err(D::Error::custom("`event_type` must be a string")),
            None => return Err(D::Error::missing_field("event_type")),
        };
        let object = match object_kind(map.get("type").and_then(Value::as_str), &event_type) {
            "purchase" => {
                DeliveryObject::Purchase(Box::new(Purchase::deserialize(Value::Object(map)).map_err(D::Error::custom)?))
            }
            "payment" => {
                DeliveryObject::Payment(Box::new(Payment::deserialize(Value::Object(map)).map_err(D::Error::custom)?))
            }
            _ => DeliveryObject::Other(map),
        };
        Ok(Self { event_type, object })
    }
}

/// Which object a delivery carries: its `type` (`purchase`, `payment`, anything else is
/// `other`), else the event's prefix (`purchase` for `purchase.paid`). One rule for both decoders.
fn object_kind<'a>(object_type: Option<&str>, event_type: &'a ChipEvent) -> &'a str {
    match object_type {
        Some("purchase") => "purchase",
        Some("payment") => "payment",
        Some(_) => "other",
        None => event_type.as_str().split('.').next().unwrap_or(""),
    }
}

impl Serialize for ChipDelivery {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        let value = match &self.object {
            DeliveryObject::Purchase(p) => serde_json::to_value(p).map_err(S::Error::custom)?,
            DeliveryObject::Payment(p) => serde_json::to_value(p).map_err(S::Error::custom)?,
            DeliveryObject::Other(map) => Value::Object(map.clone()),
        };
        let mut map = match value {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        map.insert("event_type".to_owned(), Value::String(self.event_type.as_str().to_owned()));
        map.serialize(ser)
    }
}
