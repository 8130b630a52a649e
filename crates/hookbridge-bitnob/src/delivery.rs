//! Receiving Bitnob deliveries: Bitnob's part of the receiver pipeline ([`BitnobSpec`]).
//!
//! Bitnob documents two delivery schemes, both supported:
//!
//! | scheme | constructor | headers | signed bytes | MAC | timestamp |
//! |---|---|---|---|---|---|
//! | current (bitnob.dev, webhook security) | `BitnobSpec::new(keys)` | `X-Bitnob-Signature`, `X-Bitnob-Timestamp` (unix s), `X-Bitnob-Event` (unsigned) | `timestamp + "." + raw body` | HMAC-SHA256, hex | ±5 min |
//! | legacy (docs.bitnob.com) | `BitnobSpec::with_parser(BitnobParser::Legacy, keys)` | `x-bitnob-signature` | raw body | HMAC-SHA512, hex | none |
//!
//! The body is the event envelope: a JSON object with `event` (the dot-delimited event name),
//! `data` (the object), and, in the card-issuing documentation, a top-level `event_id` that
//! is unique per event and reused by retries. Every other field is kept in
//! [`BitnobDelivery::payload`]. Event names are open ([`EventType`]): Bitnob's catalogue is
//! large and changes, so any name is accepted.

use hookbridge_core::delivery::json_id;
use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::{Delivery, EventType, Subject, Timestamp};
use hookbridge_verify::delivery::{optional_header, reconcile_event};
use hookbridge_verify::receive::{
    DefaultScheme, DeliveryParser, HmacSpec, Incoming, Pipeline, ReceiveError, ReplayKey,
};
use hookbridge_verify::{DeliveryError, HmacScheme, Verified};
use serde_json::{Map, Value};

/// The receiver pipeline for Bitnob deliveries ([`BitnobSpec`] plus a dedupe store).
pub type BitnobReceiver = Pipeline<BitnobSpec>;

/// Bitnob's contribution to the receiver pipeline: the verifier (current or legacy scheme)
/// and [`BitnobParser`] (the envelope and the replay key — `bitnob:event:<event_id>` from the
/// signed body ("retries reuse the same event_id"), else a digest of the signed bytes: timestamp
/// and body). Build it once and share it: `BitnobSpec::new` (current scheme),
/// `BitnobSpec::with_parser(BitnobParser::Legacy, keys)` (legacy scheme), `BitnobSpec::with_verifier`
/// (a verifier you built) — the constructors of [`HmacSpec`].
///
/// ```
/// use std::time::Duration;
/// use hookbridge_bitnob::{BitnobParser, BitnobSpec};
/// use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, KeyRing};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let current = BitnobSpec::new(KeyRing::single("2025", HmacSecret::from_str_bytes("webhook secret")?))?;
/// let legacy = BitnobSpec::with_parser(
///     BitnobParser::Legacy,
///     KeyRing::single("legacy", HmacSecret::from_str_bytes("secret key")?),
/// )?;
/// // A wider window than the recommended 5 minutes, if your clock is known to drift:
/// let lenient = BitnobSpec::with_verifier(HmacVerifier::with_secret(
///     hookbridge_bitnob::delivery_scheme().with_tolerance(Duration::from_secs(600)),
///     HmacSecret::from_str_bytes("webhook secret")?,
/// ));
/// # let _ = (current, legacy, lenient);
/// # Ok(())
/// # }
/// ```
pub type BitnobSpec = HmacSpec<BitnobParser>;

/// How a verified Bitnob delivery is read (the envelope, the `X-Bitnob-Event` check, the replay
/// key); the value chooses the scheme the key-only constructors verify with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum BitnobParser {
    /// The current scheme ([`delivery_scheme`](crate::delivery_scheme): HMAC-SHA256 over
    /// `timestamp.body`, 5-minute tolerance).
    #[default]
    Current,
    /// The legacy scheme ([`legacy_delivery_scheme`](crate::legacy_delivery_scheme):
    /// HMAC-SHA512 over the body, no timestamp).
    Legacy,
}

impl DeliveryParser for BitnobParser {
    type Delivery = BitnobDelivery;

    const PROVIDER: &'static str = crate::PROVIDER.as_str();

    /// Parses a verified body (see [`DeliveryParser::parse`]).
    ///
    /// # Errors
    /// * [`DeliveryError::Parse`] — the body is not a JSON object, or `event` / `event_id` has
    ///   the wrong type;
    /// * [`DeliveryError::HeaderMismatch`] — `X-Bitnob-Event` and the body's `event` differ;
    /// * [`DeliveryError::MissingHeader`] — neither `X-Bitnob-Event` nor a body `event`;
    /// * [`DeliveryError::MalformedHeader`] — `X-Bitnob-Event` repeated or not visible ASCII.
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<BitnobDelivery, ReceiveError> {
        let body = &request.body;
        let map: Map<String, Value> =
            serde_json::from_slice(body).map_err(|e| DeliveryError::parse(crate::PROVIDER.as_str(), e))?;
        let body_event = match map.get("event") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(DeliveryError::parse(crate::PROVIDER.as_str(), "`event` is not a string").into()),
        };
        let event_id = match map.get("event_id") {
            None | Some(Value::Null) => None,
            Some(id) => Some(json_id(id).ok_or_else(|| {
                DeliveryError::parse(crate::PROVIDER.as_str(), "`event_id` is not a non-empty string or a number")
            })?),
        };
        let header_event = optional_header(&request.headers, &crate::headers::EVENT)?;
        let (event_type, event_signed) = match reconcile_event(&crate::headers::EVENT, header_event, body_event)? {
            Some(found) => (EventType::new(found.name), found.signed),
            None => return Err(DeliveryError::MissingHeader { name: crate::headers::EVENT }.into()),
        };
        let replay_key = match &event_id {
            Some(id) => ReplayKey::signed_id(crate::PROVIDER.as_str(), "event", id)?,
            None => ReplayKey::signed_digest(crate::PROVIDER.as_str(), verified.timestamp(), body),
        };
        let timestamp = verified.timestamp().and_then(|ts| Timestamp::from_second(ts).ok());
        Ok(BitnobDelivery {
            event_type,
            event_signed,
            event_id,
            timestamp,
            payload: Value::Object(map),
            verified,
            replay_key,
            raw: body.clone(),
        })
    }
}

impl DefaultScheme<HmacScheme> for BitnobParser {
    fn scheme(&self) -> HmacScheme {
        match self {
            Self::Current => crate::delivery_scheme(),
            Self::Legacy => crate::legacy_delivery_scheme(),
        }
    }
}

/// A verified, parsed Bitnob delivery.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BitnobDelivery {
    /// The event name: the body's `event`, or `X-Bitnob-Event` when the body has none.
    pub event_type: EventType,
    /// `true` when [`event_type`](Self::event_type) comes from the signed body; `false` when
    /// it comes from the unsigned `X-Bitnob-Event` header only.
    pub event_signed: bool,
    /// The body's top-level `event_id`, when present (unique per event; retries reuse it).
    pub event_id: Option<String>,
    /// The signed `X-Bitnob-Timestamp` (current scheme); `None` for the legacy scheme.
    pub timestamp: Option<Timestamp>,
    /// The whole body (a JSON object); see [`data`](Self::data).
    pub payload: Value,
    /// What verification established (which secret matched, the signed timestamp).
    pub verified: Verified,
    /// The delivery's identity: `bitnob:event:<event_id>`, else a digest of the signed bytes.
    pub replay_key: ReplayKey,
    /// The raw body, exactly as received and verified.
    pub raw: Bytes,
}

impl BitnobDelivery {
    /// The envelope's `data` object, when present.
    #[must_use]
    pub fn data(&self) -> Option<&Value> {
        self.payload.get("data").filter(|d| !d.is_null())
    }

    /// The object the delivery is about: `data.id` (string or number), of kind `data.object`
    /// when that is a string, else the event name without its last segment (`transfer` for
    /// `transfer.success`, `virtualcard.transaction` for `virtualcard.transaction.debit`).
    #[must_use]
    pub fn subject(&self) -> Option<Subject> {
        let data = self.data()?;
        let id = json_id(data.get("id")?)?;
        let kind = match data.get("object") {
            Some(Value::String(object)) if !object.is_empty() => object.clone(),
            _ => match self.event_type.as_str().rsplit_once('.') {
                Some((kind, _)) if !kind.is_empty() => kind.to_owned(),
                _ => "object".to_owned(),
            },
        };
        Some(Subject::new(kind, id))
    }

    /// The unified [`Delivery`]: provider `bitnob`, the event, no delivery id (Bitnob sends
    /// none), `event_id`, `occurred_at` = the signed `X-Bitnob-Timestamp`, the subject
    /// ([`subject`](Self::subject)), the matching key id, the body as `payload` and the raw bytes
    /// unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let subject = self.subject();
        let mut delivery = Delivery::with_payload(crate::PROVIDER, self.raw, self.payload);
        delivery.set_verification(&self.replay_key, self.verified.key_id(), self.verified.timestamp());
        delivery.event_type = Some(self.event_type);
        delivery.event_type_signed = self.event_signed;
        delivery.event_id = self.event_id;
        delivery.occurred_at = self.timestamp;
        delivery.subject = subject;
        delivery
    }
}

hookbridge_verify::typed_delivery!(BitnobDelivery => Delivery);
