//! Receiving AbbeyCross deliveries.
//!
//! AbbeyCross issues an `apiSecretKey` when a webhook is registered but **does not document how
//! deliveries use it**: no signature header, no signed bytes, no algorithm, no payload schema.
//! This crate does not guess. [`AbbeyCrossReceiver`] takes any
//! [`Verifier`] you configure once you know the scheme — typically an
//! [`HmacVerifier`](hookbridge_verify::HmacVerifier) over a scheme described with
//! [`HmacScheme::builder`](hookbridge_verify::HmacScheme::builder), keyed with the
//! `apiSecretKey` — and refuses every delivery that verifier refuses.
//!
//! The body is kept as JSON ([`AbbeyCrossDelivery::payload`]); the event type is read from the
//! first of these top-level fields holding a string: `event`, `eventType`, `type`
//! ([`EVENT_TYPE_FIELDS`]). AbbeyCross publishes no event catalogue, so any name is accepted.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, Uri};
use hookbridge_core::{Delivery, EventType, ProviderId, Timestamp};
use hookbridge_verify::delivery::body_fingerprint;
use hookbridge_verify::{DeliveryError, ReplayCheck, ReplayStore, Verified, Verifier, unix_now};
use serde_json::Value;

/// Provider name used in [`DeliveryError::Parse`] and replay keys.
const PROVIDER: &str = "abbeycross";

/// Top-level body fields tried, in order, for the event type.
pub const EVENT_TYPE_FIELDS: [&str; 3] = ["event", "eventType", "type"];

/// Verifies (with the scheme you configure) and parses AbbeyCross deliveries.
///
/// ```
/// use std::sync::Arc;
/// use hookbridge_abbeycross::delivery::AbbeyCrossReceiver;
/// use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, KeyRing, SignatureEncoding};
/// use hookbridge_core::reexports::http::HeaderName;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // HYPOTHETICAL scheme: confirm the real one with AbbeyCross before relying on it.
/// let scheme = HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
///     .encoding(SignatureEncoding::Base64)
///     .build()?;
/// let key = HmacSecret::from_str_bytes("the apiSecretKey value")?;
/// let receiver = AbbeyCrossReceiver::new(Arc::new(HmacVerifier::new(scheme, KeyRing::single("2025", key))?));
/// # let _ = receiver;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct AbbeyCrossReceiver {
    verifier: Arc<dyn Verifier>,
    replay: Option<ReplayCheck>,
}

impl AbbeyCrossReceiver {
    /// A receiver verifying with `verifier` (AbbeyCross documents no scheme: configure it).
    pub fn new(verifier: Arc<dyn Verifier>) -> Self {
        Self { verifier, replay: None }
    }

    /// Refuses deliveries already accepted within `ttl`, with [`DeliveryError::Replay`].
    ///
    /// The key is `abbeycross:id:<id>` when the configured scheme reads a delivery id **covered
    /// by the signature** ([`Verified::id_is_signed`]); otherwise `abbeycross:body:<hex SHA-256
    /// of the body>` (an unsigned id could be changed by whoever replays a captured delivery).
    #[must_use]
    pub fn with_replay_store(mut self, store: Arc<dyn ReplayStore>, ttl: Duration) -> Self {
        self.replay = Some(ReplayCheck::new(store, ttl));
        self
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &Arc<dyn Verifier> {
        &self.verifier
    }

    /// [`receive_at`](Self::receive_at) with the system clock.
    ///
    /// # Errors
    /// See [`receive_at`](Self::receive_at).
    pub fn receive(&self, body: &[u8], headers: &HeaderMap) -> Result<AbbeyCrossDelivery, DeliveryError> {
        self.receive_at(body, headers, unix_now())
    }

    /// Verifies the raw `body` and `headers` at `now` (unix seconds, for timestamped schemes and
    /// the replay store), parses the body as JSON and runs the replay check.
    ///
    /// # Errors
    /// * [`DeliveryError::Verification`] — the configured verifier refused the delivery (a URL-token
    ///   verifier always does here: use [`receive_request_at`](Self::receive_request_at));
    /// * [`DeliveryError::Parse`] — the body is not JSON;
    /// * [`DeliveryError::Replay`] / [`DeliveryError::ReplayStore`] — with a replay store.
    pub fn receive_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<AbbeyCrossDelivery, DeliveryError> {
        let verified = self.verifier.verify_at(body, headers, now)?;
        self.finish(verified, body, now)
    }

    /// [`receive_request_at`](Self::receive_request_at) with the system clock.
    ///
    /// # Errors
    /// See [`receive_at`](Self::receive_at).
    pub fn receive_request(
        &self,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
    ) -> Result<AbbeyCrossDelivery, DeliveryError> {
        self.receive_request_at(uri, body, headers, unix_now())
    }

    /// Like [`receive_at`](Self::receive_at), with the request URI available to the verifier
    /// (needed by a [`UrlTokenVerifier`](hookbridge_verify::UrlTokenVerifier)).
    ///
    /// # Errors
    /// See [`receive_at`](Self::receive_at).
    pub fn receive_request_at(
        &self,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<AbbeyCrossDelivery, DeliveryError> {
        let verified = self.verifier.verify_request_at(uri, body, headers, now)?;
        self.finish(verified, body, now)
    }

    fn finish(&self, verified: Verified, body: &[u8], now: i64) -> Result<AbbeyCrossDelivery, DeliveryError> {
        let payload: Value = serde_json::from_slice(body).map_err(|e| DeliveryError::parse(PROVIDER, e))?;
        let event_type =
            EVENT_TYPE_FIELDS.iter().find_map(|field| payload.get(field).and_then(Value::as_str)).map(EventType::new);
        if let Some(replay) = &self.replay {
            let key = match verified.id() {
                Some(id) if verified.id_is_signed() => format!("{PROVIDER}:id:{id}"),
                _ => format!("{PROVIDER}:body:{}", body_fingerprint(body)),
            };
            replay.check(&key, now)?;
        }
        Ok(AbbeyCrossDelivery { event_type, payload, verified, raw: Bytes::copy_from_slice(body) })
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
    /// The raw body, exactly as received and verified.
    pub raw: Bytes,
}

impl AbbeyCrossDelivery {
    /// The unified [`Delivery`]: provider `abbeycross`, the event type when found,
    /// `delivery_id` = the scheme's delivery id (if it reads one), no event id or subject,
    /// `occurred_at` = the signed timestamp (if the scheme signs one), the matching key id, the
    /// body as `payload` and the raw bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let mut delivery = Delivery::new(ProviderId::AbbeyCross, Bytes::new());
        delivery.event_type = self.event_type;
        delivery.delivery_id = self.verified.id().map(str::to_owned);
        delivery.occurred_at = self.verified.timestamp().and_then(|ts| Timestamp::from_second(ts).ok());
        delivery.key_id = Some(self.verified.key_id().as_str().to_owned());
        delivery.payload = self.payload;
        delivery.raw = self.raw;
        delivery
    }
}

impl From<AbbeyCrossDelivery> for Delivery {
    fn from(delivery: AbbeyCrossDelivery) -> Self {
        delivery.into_delivery()
    }
}
