//! Receiving BLAZE deliveries.
//!
//! BLAZE **documents no signing scheme** and gives no secret ("Verify the source";
//! "webhooks may occasionally be sent more than once"). The only check available is the one you
//! build into the callback URL: register `https://app.example/hooks/blaze?hb_token=<random>`
//! and refuse requests whose URI does not carry the token ([`UrlTokenVerifier`], constant-time
//! comparison, a key ring for rotation).
//!
//! That protects against anyone who does not know the full callback URL. It does **not**
//! protect the body (anyone who knows the URL can send any JSON: treat the payload as a hint and
//! re-read the object through the API before acting on it), it does not stop replays of a
//! captured request (add a replay store), and the token travels in URLs, so it shows up in
//! access logs: keep URIs out of your logs and rotate the token.
//!
//! BLAZE also documents **no payload**. [`BlazeDelivery::payload`] is the body as JSON, and
//! [`BlazeDelivery::event_type`] is read from the first of these top-level fields holding a
//! string: `webHookType` (the registration's field name), `webhookType`, `eventType`, `event`.
//! Values outside the documented eleven decode as [`WebHookType::Unknown`]. `type` is not
//! tried: BLAZE objects use it for their own kinds (product or transaction types).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::reexports::http::{HeaderMap, Uri};
use hookbridge_core::{Delivery, EventType, ProviderId};
use hookbridge_verify::delivery::body_fingerprint;
use hookbridge_verify::{DeliveryError, ReplayCheck, ReplayStore, UrlTokenVerifier, Verified, Verifier, unix_now};
use serde_json::Value;

use crate::model::WebHookType;

/// Provider name used in [`DeliveryError::Parse`] and replay keys.
const PROVIDER: &str = "blaze";

/// Top-level body fields tried, in order, for the event type.
pub const EVENT_TYPE_FIELDS: [&str; 4] = ["webHookType", "webhookType", "eventType", "event"];

/// Checks the callback URL's token and parses BLAZE deliveries. Build it once and share it.
///
/// ```
/// use hookbridge_blaze::delivery::BlazeReceiver;
/// use hookbridge_verify::{KeyRing, UrlToken, UrlTokenVerifier};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // Generate once, store it, and register the URL with it (`?hb_token=...`).
/// let token = UrlToken::generate()?;
/// let callback = format!("https://app.example/hooks/blaze?hb_token={}", token.expose_secret());
/// # let _ = callback;
/// let receiver = BlazeReceiver::new(UrlTokenVerifier::with_token(token));
/// // While rotating: both URLs work.
/// let rotating = BlazeReceiver::new(UrlTokenVerifier::new(
///     "hb_token",
///     KeyRing::new().with("old", UrlToken::generate()?).with("new", UrlToken::generate()?),
/// )?);
/// # let _ = (receiver, rotating);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct BlazeReceiver {
    verifier: UrlTokenVerifier,
    replay: Option<ReplayCheck>,
}

impl BlazeReceiver {
    /// A receiver checking the request URI with `verifier`.
    #[must_use]
    pub fn new(verifier: UrlTokenVerifier) -> Self {
        Self { verifier, replay: None }
    }

    /// Refuses deliveries already accepted within `ttl`, with [`DeliveryError::Replay`]. BLAZE
    /// has no delivery or event id, so the key is `blaze:body:<hex SHA-256 of the body>`: a
    /// byte-identical body is a duplicate (BLAZE says deliveries may be sent more than once).
    #[must_use]
    pub fn with_replay_store(mut self, store: Arc<dyn ReplayStore>, ttl: Duration) -> Self {
        self.replay = Some(ReplayCheck::new(store, ttl));
        self
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &UrlTokenVerifier {
        &self.verifier
    }

    /// [`receive_at`](Self::receive_at) with the system clock.
    ///
    /// # Errors
    /// See [`receive_at`](Self::receive_at).
    pub fn receive(&self, uri: &Uri, body: &[u8], headers: &HeaderMap) -> Result<BlazeDelivery, DeliveryError> {
        self.receive_at(uri, body, headers, unix_now())
    }

    /// Checks the token in `uri` (the request URI as received: path and query are enough),
    /// parses the body as JSON, and runs the replay check at `now` (unix seconds).
    ///
    /// # Errors
    /// * [`DeliveryError::Verification`] — token missing, malformed or wrong;
    /// * [`DeliveryError::Parse`] — the body is not JSON;
    /// * [`DeliveryError::Replay`] / [`DeliveryError::ReplayStore`] — with a replay store.
    pub fn receive_at(
        &self,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<BlazeDelivery, DeliveryError> {
        let verified = self.verifier.verify_request_at(uri, body, headers, now)?;
        let payload: Value = serde_json::from_slice(body).map_err(|e| DeliveryError::parse(PROVIDER, e))?;
        let event_type = EVENT_TYPE_FIELDS
            .iter()
            .find_map(|field| payload.get(field).and_then(Value::as_str))
            .map(|name| name.parse().unwrap_or_else(|never: Infallible| match never {}));
        if let Some(replay) = &self.replay {
            replay.check(&format!("{PROVIDER}:body:{}", body_fingerprint(body)), now)?;
        }
        Ok(BlazeDelivery { event_type, payload, verified, raw: Bytes::copy_from_slice(body) })
    }
}

impl From<UrlTokenVerifier> for BlazeReceiver {
    fn from(verifier: UrlTokenVerifier) -> Self {
        Self::new(verifier)
    }
}

/// A BLAZE delivery whose URL token matched. The body itself is **not** authenticated.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BlazeDelivery {
    /// The event type, from the first of [`EVENT_TYPE_FIELDS`] holding a string; `None` when
    /// the body has none of them (BLAZE documents no payload).
    pub event_type: Option<WebHookType>,
    /// The body as JSON.
    pub payload: Value,
    /// Which URL token matched.
    pub verified: Verified,
    /// The raw body, exactly as received.
    pub raw: Bytes,
}

impl BlazeDelivery {
    /// The unified [`Delivery`]: provider `blaze`, the event type when found, no delivery id,
    /// event id, time or subject (BLAZE documents none), the matching token's key id, the body
    /// as `payload` and the raw bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let mut delivery = Delivery::new(ProviderId::Blaze, Bytes::new());
        delivery.event_type = self.event_type.map(|t| EventType::new(t.as_str()));
        delivery.key_id = Some(self.verified.key_id().as_str().to_owned());
        delivery.payload = self.payload;
        delivery.raw = self.raw;
        delivery
    }
}

impl From<BlazeDelivery> for Delivery {
    fn from(delivery: BlazeDelivery) -> Self {
        delivery.into_delivery()
    }
}
