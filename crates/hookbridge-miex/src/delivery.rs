//! Receiving MIEX deliveries: verify the signature over the raw body, then parse it, in one call.
//!
//! MIEX (docs.miex.solutions/webhooks) sends
//!
//! | header | value | signed |
//! |---|---|---|
//! | `X-Webhook-Signature` | `sha256=<hex HMAC-SHA256(secretKey, raw body)>` | — |
//! | `X-Webhook-Event` | the event name | no |
//! | `X-Webhook-Delivery` | the delivery (job) id | no |
//!
//! and a body `{"event": ..., "data": {...}}`. There is no timestamp and the delivery id is not
//! signed, so the replay key is a digest of the signed body ([`ReplayKey::signed_digest`]): a
//! captured delivery resent under a fresh `X-Webhook-Delivery` is still a duplicate.
//!
//! [`MiexSpec`] is MIEX's contribution to the receiver pipeline ([`hookbridge_verify::receive`]):
//! it verifies ([`delivery_scheme`](crate::delivery_scheme) with your `secretKey`s), parses the body into a
//! [`MiexDelivery`], and checks that `X-Webhook-Event` (unsigned) names the same event as the
//! body's `event` (signed) when both are present. When the body names no event, the header's
//! event is reported with [`MiexDelivery::event_signed`] `false`. Events outside the
//! documented four decode as [`MiexEvent::Unknown`]. [`MiexReceiver`] is the pipeline over it.

use std::convert::Infallible;

use hookbridge_core::delivery::json_id;
use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::{Delivery, EventType, Subject};
use hookbridge_verify::delivery::{optional_header, reconcile_event};
use hookbridge_verify::receive::{
    DefaultScheme, DeliveryParser, HmacSpec, Incoming, Pipeline, ReceiveError, ReplayKey,
};
use hookbridge_verify::{DeliveryError, HmacScheme, Verified};
use serde_json::{Map, Value};

use crate::model::MiexEvent;

/// The receiver pipeline for MIEX deliveries.
///
/// ```
/// use hookbridge_miex::{MiexDelivery, MiexEvent, MiexReceiver, MiexSpec};
/// use hookbridge_verify::receive::{Incoming, Receive as _};
/// use hookbridge_verify::{HmacScheme, HmacSecret, sign::HmacSigner};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = HmacSecret::from_str_bytes("the secretKey from registration")?;
/// let receiver: MiexReceiver = MiexReceiver::new(MiexSpec::with_secret(secret.clone()));
///
/// let body = br#"{"event":"order.created","data":{"id":1284}}"#;
/// let headers = HmacSigner::new(hookbridge_miex::delivery_scheme(), secret).sign(body, 0, Some("job-1284"))?;
/// let accepted = receiver.accept(Incoming::post("/hooks/miex".parse()?, headers.clone(), &body[..])).await?;
/// assert_eq!(accepted.delivery().event, MiexEvent::OrderCreated);
/// let (_delivery, ticket) = accepted.into_parts();
/// ticket.complete().await?; // handled: a resend is now a duplicate (200, not handled again)
/// let again = receiver.accept(Incoming::post("/hooks/miex".parse()?, headers, &body[..])).await;
/// assert!(again.unwrap_err().is_duplicate());
/// # Ok(())
/// # }
/// ```
pub type MiexReceiver = Pipeline<MiexSpec>;

/// MIEX's contribution to the receiver pipeline: the [`delivery_scheme`](crate::delivery_scheme) verifier with your
/// `secretKey`s and [`MiexParser`] (the body and the replay key, a digest of the signed body).
/// Build it once (the secrets are parsed and the MAC pre-keyed here): `MiexSpec::new` with a
/// key ring, `MiexSpec::with_secret` with one secret, `MiexSpec::with_verifier` with a verifier
/// you built (the constructors of [`HmacSpec`]).
///
/// ```
/// use hookbridge_miex::MiexSpec;
/// use hookbridge_verify::{HmacSecret, KeyRing};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // While rotating: both the previous and the new secretKey are accepted.
/// let spec = MiexSpec::new(
///     KeyRing::new()
///         .with("2024", HmacSecret::from_str_bytes("previous secretKey")?)
///         .with("2025", HmacSecret::from_str_bytes("current secretKey")?),
/// )?;
/// # let _ = spec;
/// # Ok(())
/// # }
/// ```
pub type MiexSpec = HmacSpec<MiexParser>;

/// How a verified MIEX delivery is read: the body, the `X-Webhook-Event` check and the replay
/// key (a digest of the signed body). Signed with [`delivery_scheme`](crate::delivery_scheme).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct MiexParser;

impl DeliveryParser for MiexParser {
    type Delivery = MiexDelivery;

    const PROVIDER: &'static str = crate::PROVIDER.as_str();

    /// Parses a verified body (see [`DeliveryParser::parse`]).
    ///
    /// # Errors
    /// * [`DeliveryError::Parse`] — the body is not a JSON object with a string `event` (or the
    ///   body has no `event` and there is no `X-Webhook-Event` header either);
    /// * [`DeliveryError::HeaderMismatch`] — `X-Webhook-Event` names another event than the body;
    /// * [`DeliveryError::MalformedHeader`] — `X-Webhook-Event` / `X-Webhook-Delivery` repeated
    ///   or not visible ASCII.
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<MiexDelivery, ReceiveError> {
        let envelope = Envelope::parse(&request.body)?;
        let header_event = optional_header(&request.headers, &crate::headers::EVENT)?;
        let body_event = envelope.event.as_ref().map(MiexEvent::as_str);
        let (event, event_signed) = match reconcile_event(&crate::headers::EVENT, header_event, body_event)? {
            Some(found) => (found.name.parse().unwrap_or_else(|never: Infallible| match never {}), found.signed),
            None => {
                return Err(DeliveryError::parse(
                    crate::PROVIDER.as_str(),
                    "missing field `event` (and no X-Webhook-Event header)",
                )
                .into());
            }
        };
        let delivery_id = match verified.id() {
            Some(id) => Some(id.to_owned()),
            None => optional_header(&request.headers, &crate::headers::DELIVERY)?.map(str::to_owned),
        };
        // MIEX signs the body only: identity is the body's digest, never the unsigned job id.
        let replay_key = ReplayKey::signed_digest(crate::PROVIDER.as_str(), None, &request.body);
        Ok(MiexDelivery {
            event,
            event_signed,
            data: envelope.data.unwrap_or(Value::Null),
            delivery_id,
            verified,
            replay_key,
            raw: request.body.clone(),
        })
    }
}

impl DefaultScheme<HmacScheme> for MiexParser {
    fn scheme(&self) -> HmacScheme {
        crate::delivery_scheme()
    }
}

/// The documented body: a JSON object `{"event": ..., "data": ...}` (other fields are tolerated).
struct Envelope {
    event: Option<MiexEvent>,
    data: Option<Value>,
}

impl Envelope {
    fn parse(body: &[u8]) -> Result<Self, DeliveryError> {
        let mut map: Map<String, Value> =
            serde_json::from_slice(body).map_err(|e| DeliveryError::parse(crate::PROVIDER.as_str(), e))?;
        let event = match map.remove("event") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.parse().unwrap_or_else(|never: Infallible| match never {})),
            Some(_) => return Err(DeliveryError::parse(crate::PROVIDER.as_str(), "`event` is not a string")),
        };
        Ok(Self { event, data: map.remove("data") })
    }
}

/// A verified, parsed MIEX delivery.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct MiexDelivery {
    /// The body's `event` (or, when the body has none, the `X-Webhook-Event` header).
    pub event: MiexEvent,
    /// `true` when [`event`](Self::event) comes from the signed body; `false` when it comes
    /// from the unsigned `X-Webhook-Event` header only.
    pub event_signed: bool,
    /// The body's `data` (`Null` when absent). MIEX documents no schema for it.
    pub data: Value,
    /// `X-Webhook-Delivery`, the delivery (job) id — **not signed**: informational only.
    pub delivery_id: Option<String>,
    /// What verification established (which secret matched).
    pub verified: Verified,
    /// The delivery's identity: a digest of the signed body.
    pub replay_key: ReplayKey,
    /// The raw body, exactly as received and verified.
    pub raw: Bytes,
}

impl MiexDelivery {
    /// The object the delivery is about: `data.orderId` as an `order`, else `data.id` with the
    /// event's prefix as the kind (`order` for `order.*`, `offer` for `offer.updated`). Ids
    /// may be strings or numbers. `None` when `data` has neither.
    #[must_use]
    pub fn subject(&self) -> Option<Subject> {
        if let Some(id) = self.data.get("orderId").and_then(json_id) {
            return Some(Subject::new("order", id));
        }
        let id = self.data.get("id").and_then(json_id)?;
        let kind = self.event.as_str().split('.').next().filter(|k| !k.is_empty()).unwrap_or("object");
        Some(Subject::new(kind, id))
    }

    /// The unified [`Delivery`]: provider `miex`, the event (and whether it was signed),
    /// `delivery_id` from `X-Webhook-Delivery` (unsigned), the replay key, no event id or time
    /// (MIEX documents neither), the subject
    /// ([`subject`](Self::subject)), the matching key id, the whole body as `payload` and the
    /// raw bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let subject = self.subject();
        // `Delivery::new` parses the raw body into `payload` (the whole envelope).
        let mut delivery = Delivery::new(crate::PROVIDER, self.raw);
        delivery.set_verification(&self.replay_key, self.verified.key_id(), self.verified.timestamp());
        delivery.event_type = Some(EventType::new(self.event.as_str()));
        delivery.event_type_signed = self.event_signed;
        delivery.delivery_id = self.delivery_id;
        delivery.subject = subject;
        delivery
    }
}

hookbridge_verify::typed_delivery!(MiexDelivery => Delivery);
