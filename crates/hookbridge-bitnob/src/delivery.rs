//! Receiving Bitnob deliveries: verify the signature over the raw body, then parse it, in one call.
//!
//! Bitnob documents two delivery schemes, both supported:
//!
//! | scheme | constructor | headers | signed bytes | MAC | timestamp |
//! |---|---|---|---|---|---|
//! | current (bitnob.dev, webhook security) | [`BitnobReceiver::new`] | `X-Bitnob-Signature`, `X-Bitnob-Timestamp` (unix s), `X-Bitnob-Event` (unsigned) | `timestamp + "." + raw body` | HMAC-SHA256, hex | ±5 min |
//! | legacy (docs.bitnob.com) | [`BitnobReceiver::legacy`] | `x-bitnob-signature` | raw body | HMAC-SHA512, hex | none |
//!
//! The body is the event envelope: a JSON object with `event` (the dot-delimited event name),
//! `data` (the object), and, in the card-issuing documentation, a top-level `event_id` that
//! is unique per event and reused by retries. Every other field is kept in
//! [`BitnobDelivery::payload`]. Event names are open ([`EventType`]): Bitnob's catalogue is
//! large and changes, so any name is accepted.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::HeaderMap;
use hookbridge_core::{Delivery, EventType, ProviderId, Subject, Timestamp};
use hookbridge_verify::delivery::{body_fingerprint, optional_header, reconcile_event};
use hookbridge_verify::{
    DeliveryError, HmacScheme, HmacSecret, HmacVerifier, KeyError, KeyRing, ReplayCheck, ReplayStore, Verified,
    headers, unix_now,
};
use serde_json::{Map, Value};

/// Provider name used in [`DeliveryError::Parse`] and replay keys.
const PROVIDER: &str = "bitnob";

/// Verifies and parses Bitnob deliveries. Build it once and share it; `receive` takes `&self`.
///
/// ```
/// use std::time::Duration;
/// use hookbridge_bitnob::delivery::BitnobReceiver;
/// use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, KeyRing};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let current = BitnobReceiver::new(KeyRing::single("2025", HmacSecret::from_str_bytes("webhook secret")?))?;
/// let legacy = BitnobReceiver::legacy(KeyRing::single("legacy", HmacSecret::from_str_bytes("secret key")?))?;
/// // A wider window than the recommended 5 minutes, if your clock is known to drift:
/// let lenient = BitnobReceiver::with_verifier(HmacVerifier::with_secret(
///     HmacScheme::bitnob().with_tolerance(Duration::from_secs(600)),
///     HmacSecret::from_str_bytes("webhook secret")?,
/// ));
/// # let _ = (current, legacy, lenient);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct BitnobReceiver {
    verifier: HmacVerifier,
    replay: Option<ReplayCheck>,
}

impl BitnobReceiver {
    /// A receiver for the current scheme ([`HmacScheme::bitnob`]: HMAC-SHA256 over
    /// `timestamp.body`, 5-minute tolerance) with a ring of webhook secrets (as text:
    /// [`HmacSecret::from_str_bytes`]).
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn new(keys: KeyRing<HmacSecret>) -> Result<Self, KeyError> {
        Ok(Self::with_verifier(HmacVerifier::new(HmacScheme::bitnob(), keys)?))
    }

    /// A receiver for the legacy scheme ([`HmacScheme::bitnob_legacy`]: HMAC-SHA512 over the
    /// body, no timestamp).
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn legacy(keys: KeyRing<HmacSecret>) -> Result<Self, KeyError> {
        Ok(Self::with_verifier(HmacVerifier::new(HmacScheme::bitnob_legacy(), keys)?))
    }

    /// A receiver with a verifier you built (another tolerance, for example).
    #[must_use]
    pub fn with_verifier(verifier: HmacVerifier) -> Self {
        Self { verifier, replay: None }
    }

    /// Refuses deliveries already accepted within `ttl`, with [`DeliveryError::Replay`].
    ///
    /// The key is `bitnob:event:<event_id>` when the body has a top-level `event_id` (Bitnob:
    /// "retries reuse the same event_id"), else `bitnob:body:<hex SHA-256 of the body>` — the
    /// body rather than signature + timestamp, so that a retry re-signed with a fresh timestamp
    /// is still recognised. Keep `ttl` at least twice the timestamp tolerance; longer to absorb
    /// Bitnob's retries (up to 5 attempts with exponential backoff).
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
    pub fn receive(&self, body: &[u8], headers: &HeaderMap) -> Result<BitnobDelivery, DeliveryError> {
        self.receive_at(body, headers, unix_now())
    }

    /// Verifies the raw `body` against `headers` at `now` (unix seconds; the current scheme
    /// refuses timestamps more than the tolerance away from it), parses the envelope, checks
    /// `X-Bitnob-Event`, and runs the replay check.
    ///
    /// # Errors
    /// * [`DeliveryError::Verification`] — bad or missing signature, missing / malformed / stale
    ///   / future timestamp;
    /// * [`DeliveryError::Parse`] — the body is not a JSON object, or `event` / `event_id` has
    ///   the wrong type;
    /// * [`DeliveryError::HeaderMismatch`] — `X-Bitnob-Event` and the body's `event` differ;
    /// * [`DeliveryError::MissingHeader`] — neither `X-Bitnob-Event` nor a body `event`;
    /// * [`DeliveryError::MalformedHeader`] — `X-Bitnob-Event` repeated or not visible ASCII;
    /// * [`DeliveryError::Replay`] / [`DeliveryError::ReplayStore`] — with a replay store.
    pub fn receive_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<BitnobDelivery, DeliveryError> {
        let verified = self.verifier.verify_at(body, headers, now)?;
        let map: Map<String, Value> = serde_json::from_slice(body).map_err(|e| DeliveryError::parse(PROVIDER, e))?;
        let body_event = match map.get("event") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => return Err(DeliveryError::parse(PROVIDER, "`event` is not a string")),
        };
        let event_id = match map.get("event_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(DeliveryError::parse(PROVIDER, "`event_id` is not a non-empty string or a number")),
        };
        let header_event = optional_header(headers, &headers::BITNOB_EVENT)?;
        let event_type = match reconcile_event(&headers::BITNOB_EVENT, header_event, body_event)? {
            Some(event) => EventType::new(event),
            None => return Err(DeliveryError::MissingHeader { name: headers::BITNOB_EVENT }),
        };
        if let Some(replay) = &self.replay {
            let key = match &event_id {
                Some(id) => format!("{PROVIDER}:event:{id}"),
                None => format!("{PROVIDER}:body:{}", body_fingerprint(body)),
            };
            replay.check(&key, now)?;
        }
        let timestamp = verified.timestamp().and_then(|ts| Timestamp::from_second(ts).ok());
        Ok(BitnobDelivery {
            event_type,
            event_id,
            timestamp,
            payload: Value::Object(map),
            verified,
            raw: Bytes::copy_from_slice(body),
        })
    }
}

impl From<HmacVerifier> for BitnobReceiver {
    fn from(verifier: HmacVerifier) -> Self {
        Self::with_verifier(verifier)
    }
}

/// A verified, parsed Bitnob delivery.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BitnobDelivery {
    /// The event name: the body's `event`, or `X-Bitnob-Event` when the body has none.
    pub event_type: EventType,
    /// The body's top-level `event_id`, when present (unique per event; retries reuse it).
    pub event_id: Option<String>,
    /// The signed `X-Bitnob-Timestamp` (current scheme); `None` for the legacy scheme.
    pub timestamp: Option<Timestamp>,
    /// The whole body (a JSON object); see [`data`](Self::data).
    pub payload: Value,
    /// What verification established (which secret matched, the signed timestamp).
    pub verified: Verified,
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
        let id = match data.get("id")? {
            Value::String(s) if !s.is_empty() => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
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
        let mut delivery = Delivery::new(ProviderId::Bitnob, Bytes::new());
        delivery.event_type = Some(self.event_type);
        delivery.event_id = self.event_id;
        delivery.occurred_at = self.timestamp;
        delivery.subject = subject;
        delivery.key_id = Some(self.verified.key_id().as_str().to_owned());
        delivery.payload = self.payload;
        delivery.raw = self.raw;
        delivery
    }
}

impl From<BitnobDelivery> for Delivery {
    fn from(delivery: BitnobDelivery) -> Self {
        delivery.into_delivery()
    }
}
