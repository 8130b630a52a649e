//! Receiving AbbeyCross deliveries.
//!
//! AbbeyCross issues an `apiSecretKey` when a webhook is registered but **does not document how
//! deliveries use it**: no signature header, no signed bytes, no algorithm, no payload schema.
//! This crate does not guess. [`AbbeyCrossSpec`] takes any
//! [`Verifier`](hookbridge_verify::Verifier) you configure once you know the scheme — typically an
//! [`HmacVerifier`](hookbridge_verify::HmacVerifier) over a scheme described with
//! [`HmacScheme::builder`](hookbridge_verify::HmacScheme::builder), keyed with the
//! `apiSecretKey` — and refuses every delivery that verifier refuses.
//!
//! The body is kept as JSON ([`AbbeyCrossDelivery::payload`]); the event type is read from the
//! first of these top-level fields holding a string: `event`, `eventType`, `type`
//! ([`EVENT_TYPE_FIELDS`]). AbbeyCross publishes no event catalogue, so any name is accepted.

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::{Delivery, EventType};
use hookbridge_verify::receive::{DeliveryParser, DynSpec, Incoming, Pipeline, ReceiveError, ReplayKey};
use hookbridge_verify::{DeliveryError, Verified};
use serde_json::Value;

/// Top-level body fields tried, in order, for the event type.
pub const EVENT_TYPE_FIELDS: [&str; 3] = ["event", "eventType", "type"];

/// The receiver pipeline for AbbeyCross deliveries ([`AbbeyCrossSpec`] plus a dedupe store).
pub type AbbeyCrossReceiver = Pipeline<AbbeyCrossSpec>;

/// AbbeyCross's contribution to the receiver pipeline: the [`Verifier`](hookbridge_verify::Verifier) you configure
/// (AbbeyCross documents no scheme; `AbbeyCrossSpec::new(verifier)`, a [`DynSpec`]) and
/// [`AbbeyCrossParser`] (the JSON and the replay key — [`ReplayKey::from_verified`]: the
/// scheme's id when the signature covers it, else a digest of the signed bytes: signed
/// timestamp, if any, and body).
///
/// ```
/// use std::sync::Arc;
/// use hookbridge_abbeycross::AbbeyCrossSpec;
/// use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, KeyRing, SignatureEncoding};
/// use hookbridge_core::reexports::http::HeaderName;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // HYPOTHETICAL scheme: confirm the real one with AbbeyCross before relying on it.
/// let scheme = HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
///     .encoding(SignatureEncoding::Base64)
///     .build()?;
/// let key = HmacSecret::from_str_bytes("the apiSecretKey value")?;
/// let spec = AbbeyCrossSpec::new(Arc::new(HmacVerifier::new(scheme, KeyRing::single("2025", key))?));
/// # let _ = spec;
/// # Ok(())
/// # }
/// ```
pub type AbbeyCrossSpec = DynSpec<AbbeyCrossParser>;

/// How an authenticated AbbeyCross delivery is read: the body as JSON, the event type from
/// [`EVENT_TYPE_FIELDS`], and the replay key ([`ReplayKey::from_verified`]).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct AbbeyCrossParser;

impl DeliveryParser for AbbeyCrossParser {
    type Delivery = AbbeyCrossDelivery;

    const PROVIDER: &'static str = crate::PROVIDER.as_str();

    /// Parses an authenticated body (see [`DeliveryParser::parse`]).
    ///
    /// # Errors
    /// [`ReceiveError::Delivery`] when the body is not JSON, [`ReceiveError::ReplayKey`] when
    /// the scheme's signed id cannot be a key.
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<AbbeyCrossDelivery, ReceiveError> {
        let payload: Value =
            serde_json::from_slice(&request.body).map_err(|e| DeliveryError::parse(crate::PROVIDER.as_str(), e))?;
        let event_type =
            EVENT_TYPE_FIELDS.iter().find_map(|field| payload.get(field).and_then(Value::as_str)).map(EventType::new);
        let replay_key = ReplayKey::from_verified(crate::PROVIDER.as_str(), &verified, &request.body)?;
        Ok(AbbeyCrossDelivery { event_type, payload, verified, replay_key, raw: request.body.clone() })
    }
}

/// A verified AbbeyCross delivery.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AbbeyCrossDelivery {
    /// The event type, from the first of [`EVENT_TYPE_FIELDS`] holding a string; `None` when
    /// the body has none of them.
    pub event_type: Option<EventType>,
    /// The body as JSON (AbbeyCross documents no schema).
    pub payload: Value,
    /// What verification established (which key matched; the timestamp and delivery id when the
    /// configured scheme reads them).
    pub verified: Verified,
    /// The delivery's identity, from signed data only.
    pub replay_key: ReplayKey,
    /// The raw body, exactly as received and verified.
    pub raw: Bytes,
}

impl AbbeyCrossDelivery {
    /// The unified [`Delivery`]: provider `abbeycross`, the event type when found,
    /// `delivery_id` = the scheme's delivery id (if it reads one), no event id or subject,
    /// `occurred_at` and `signed_at` = the signed timestamp (if the scheme signs one), the replay
    /// key, the matching key id, the body as `payload` and the raw bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let mut delivery = Delivery::with_payload(crate::PROVIDER, self.raw, self.payload);
        delivery.set_verification(&self.replay_key, self.verified.key_id(), self.verified.timestamp());
        delivery.event_type_signed = self.event_type.is_some();
        delivery.event_type = self.event_type;
        delivery.delivery_id = self.verified.id().map(str::to_owned);
        delivery.occurred_at = delivery.signed_at;
        delivery
    }
}

hookbridge_verify::typed_delivery!(AbbeyCrossDelivery => Delivery);
