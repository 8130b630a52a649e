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
//! and a body `{"event": ..., "data": {...}}`. There is no timestamp, so no replay window:
//! add a replay store ([`MiexReceiver::with_replay_store`]) to refuse repeats.
//!
//! [`MiexReceiver::receive`] verifies ([`HmacScheme::miex`] with your `secretKey`s), parses
//! the body into a [`MiexDelivery`], checks that `X-Webhook-Event` (unsigned) names the same
//! event as the body's `event` (signed) when both are present, and runs the replay check.
//! Events outside the documented four decode as [`MiexEvent::Unknown`].

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::HeaderMap;
use hookbridge_core::{Delivery, EventType, ProviderId, Subject};
use hookbridge_verify::delivery::{body_fingerprint, optional_header, reconcile_event};
use hookbridge_verify::{
    DeliveryError, HmacScheme, HmacSecret, HmacVerifier, KeyError, KeyRing, ReplayCheck, ReplayStore, Verified,
    headers, unix_now,
};
use serde_json::{Map, Value};

use crate::model::MiexEvent;

/// Provider name used in [`DeliveryError::Parse`] and replay keys.
const PROVIDER: &str = "miex";

/// Verifies and parses MIEX deliveries. Build it once (the secrets are parsed and the MAC
/// pre-keyed here) and share it; `receive` takes `&self`.
///
/// ```
/// use hookbridge_miex::delivery::MiexReceiver;
/// use hookbridge_verify::{HmacSecret, KeyRing};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // While rotating: both the previous and the new secretKey are accepted.
/// let receiver = MiexReceiver::new(
///     KeyRing::new()
///         .with("2024", HmacSecret::from_str_bytes("previous secretKey")?)
///         .with("2025", HmacSecret::from_str_bytes("current secretKey")?),
/// )?;
/// # let _ = receiver;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct MiexReceiver {
    verifier: HmacVerifier,
    replay: Option<ReplayCheck>,
}

impl MiexReceiver {
    /// A receiver for the MIEX scheme with a ring of `secretKey`s (as text:
    /// [`HmacSecret::from_str_bytes`]).
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn new(keys: KeyRing<HmacSecret>) -> Result<Self, KeyError> {
        Ok(Self::with_verifier(HmacVerifier::new(HmacScheme::miex(), keys)?))
    }

    /// A receiver with one `secretKey`.
    #[must_use]
    pub fn with_secret(secret: HmacSecret) -> Self {
        Self::with_verifier(HmacVerifier::with_secret(HmacScheme::miex(), secret))
    }

    /// A receiver with a verifier you built (normally for [`HmacScheme::miex`]).
    #[must_use]
    pub fn with_verifier(verifier: HmacVerifier) -> Self {
        Self { verifier, replay: None }
    }

    /// Refuses deliveries already accepted within `ttl`, with [`DeliveryError::Replay`].
    ///
    /// The key is `miex:delivery:<X-Webhook-Delivery>`; without that header it is
    /// `miex:body:<hex SHA-256 of the body>`. The delivery id is **not signed**: it
    /// deduplicates MIEX's own retries, but someone replaying a captured delivery can change
    /// it (MIEX signs no timestamp, so nothing else bounds a replay). For a stricter check, key
    /// on the body yourself ([`hookbridge_verify::delivery::body_fingerprint`]).
    #[must_use]
    pub fn with_replay_store(mut self, store: Arc<dyn ReplayStore>, ttl: Duration) -> Self {
        self.replay = Some(ReplayCheck::new(store, ttl));
        self
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &HmacVerifier {
        &self.verifier
    }

    /// [`receive_at`](Self::receive_at) with the system clock.
    ///
    /// # Errors
    /// See [`receive_at`](Self::receive_at).
    pub fn receive(&self, body: &[u8], headers: &HeaderMap) -> Result<MiexDelivery, DeliveryError> {
        self.receive_at(body, headers, unix_now())
    }

    /// Verifies the raw `body` against `headers`, parses it, checks `X-Webhook-Event`, and
    /// runs the replay check at `now` (unix seconds; MIEX signs no timestamp, so the clock only
    /// matters to the replay store).
    ///
    /// # Errors
    /// * [`DeliveryError::Verification`] — bad, missing or non-matching signature;
    /// * [`DeliveryError::Parse`] — the body is not a JSON object with a string `event` (or the
    ///   body has no `event` and there is no `X-Webhook-Event` header either);
    /// * [`DeliveryError::HeaderMismatch`] — `X-Webhook-Event` names another event than the body;
    /// * [`DeliveryError::MalformedHeader`] — `X-Webhook-Event` / `X-Webhook-Delivery` repeated
    ///   or not visible ASCII;
    /// * [`DeliveryError::Replay`] / [`DeliveryError::ReplayStore`] — with a replay store.
    pub fn receive_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<MiexDelivery, DeliveryError> {
        let verified = self.verifier.verify_at(body, headers, now)?;
        let envelope = Envelope::parse(body)?;
        let header_event = optional_header(headers, &headers::MIEX_EVENT)?;
        let event = match envelope.event {
            Some(body_event) => {
                reconcile_event(&headers::MIEX_EVENT, header_event, Some(body_event.as_str()))?;
                body_event
            }
            None => match header_event {
                Some(header_event) => header_event.parse().unwrap_or_else(|never: Infallible| match never {}),
                None => {
                    return Err(DeliveryError::parse(
                        PROVIDER,
                        "missing field `event` (and no X-Webhook-Event header)",
                    ));
                }
            },
        };
        let delivery_id = match verified.id() {
            Some(id) => Some(id.to_owned()),
            None => optional_header(headers, &headers::MIEX_DELIVERY)?.map(str::to_owned),
        };
        if let Some(replay) = &self.replay {
            let key = match &delivery_id {
                Some(id) => format!("{PROVIDER}:delivery:{id}"),
                None => format!("{PROVIDER}:body:{}", body_fingerprint(body)),
            };
            replay.check(&key, now)?;
        }
        Ok(MiexDelivery {
            event,
            data: envelope.data.unwrap_or(Value::Null),
            delivery_id,
            verified,
            raw: Bytes::copy_from_slice(body),
        })
    }
}

impl From<HmacVerifier> for MiexReceiver {
    fn from(verifier: HmacVerifier) -> Self {
        Self::with_verifier(verifier)
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
            serde_json::from_slice(body).map_err(|e| DeliveryError::parse(PROVIDER, e))?;
        let event = match map.remove("event") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.parse().unwrap_or_else(|never: Infallible| match never {})),
            Some(_) => return Err(DeliveryError::parse(PROVIDER, "`event` is not a string")),
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
    /// The body's `data` (`Null` when absent). MIEX documents no schema for it.
    pub data: Value,
    /// `X-Webhook-Delivery`, the delivery (job) id — not signed.
    pub delivery_id: Option<String>,
    /// What verification established (which secret matched).
    pub verified: Verified,
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

    /// The unified [`Delivery`]: provider `miex`, the event, `delivery_id` from
    /// `X-Webhook-Delivery`, no event id or time (MIEX documents neither), the subject
    /// ([`subject`](Self::subject)), the matching key id, the whole body as `payload` and the
    /// raw bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let subject = self.subject();
        // `Delivery::new` parses the raw body into `payload` (the whole envelope).
        let mut delivery = Delivery::new(ProviderId::Miex, self.raw);
        delivery.event_type = Some(EventType::new(self.event.as_str()));
        delivery.delivery_id = self.delivery_id;
        delivery.subject = subject;
        delivery.key_id = Some(self.verified.key_id().as_str().to_owned());
        delivery
    }
}

impl From<MiexDelivery> for Delivery {
    fn from(delivery: MiexDelivery) -> Self {
        delivery.into_delivery()
    }
}

/// A JSON id as text: a non-empty string, or a number.
fn json_id(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
