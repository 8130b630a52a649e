//! Receiving BLAZE deliveries.
//!
//! BLAZE **documents no signing scheme** and gives no secret ("Verify the source";
//! "webhooks may occasionally be sent more than once"). The only check available is the one you
//! build into the callback URL: register `https://app.example/hooks/blaze?hb_token=<random>`
//! and refuse requests whose URI does not carry the token ([`UrlTokenVerifier`](hookbridge_verify::UrlTokenVerifier), constant-time
//! comparison, a key ring for rotation).
//!
//! That protects against anyone who does not know the full callback URL. It does **not**
//! protect the body (anyone who knows the URL can send any JSON: treat the payload as a hint and
//! re-read the object through the API before acting on it), replays of a captured request
//! are stopped only by the pipeline's dedupe (keyed on a digest of the body), and the token travels in URLs, so it shows up in
//! access logs: keep URIs out of your logs and rotate the token.
//!
//! BLAZE also documents **no payload**. [`BlazeDelivery::payload`] is the body as JSON, and
//! [`BlazeDelivery::event_type`] is read from the first of these top-level fields holding a
//! string: `webHookType` (the registration's field name), `webhookType`, `eventType`, `event`.
//! Values outside the documented eleven decode as [`WebHookType::Unknown`]. `type` is not
//! tried: BLAZE objects use it for their own kinds (product or transaction types).

use std::convert::Infallible;

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::{Delivery, EventType};
use hookbridge_verify::receive::{DeliveryParser, Incoming, Pipeline, ReceiveError, ReplayKey, UrlTokenSpec};
use hookbridge_verify::{DeliveryError, Verified};
use serde_json::Value;

use crate::model::WebHookType;

/// Top-level body fields tried, in order, for the event type.
pub const EVENT_TYPE_FIELDS: [&str; 4] = ["webHookType", "webhookType", "eventType", "event"];

/// The receiver pipeline for BLAZE deliveries ([`BlazeSpec`] plus a dedupe store).
pub type BlazeReceiver = Pipeline<BlazeSpec>;

/// BLAZE's contribution to the receiver pipeline: the callback URL's token check
/// (`BlazeSpec::new(verifier)`, a [`UrlTokenSpec`]) and [`BlazeParser`] (the JSON and the replay key — a digest of the body (BLAZE has no delivery or event id, and
/// says deliveries may be sent more than once: a byte-identical body is a duplicate)).
///
/// ```
/// use hookbridge_blaze::BlazeSpec;
/// use hookbridge_verify::{KeyRing, UrlToken, UrlTokenVerifier};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // Generate once, store it, and register the URL with it (`?hb_token=...`).
/// let token = UrlToken::generate()?;
/// let callback = format!("https://app.example/hooks/blaze?hb_token={}", token.expose_secret());
/// # let _ = callback;
/// let spec = BlazeSpec::new(UrlTokenVerifier::with_token(token));
/// // While rotating: both URLs work.
/// let rotating = BlazeSpec::new(UrlTokenVerifier::new(
///     "hb_token",
///     KeyRing::new().with("old", UrlToken::generate()?).with("new", UrlToken::generate()?),
/// )?);
/// # let _ = (spec, rotating);
/// # Ok(())
/// # }
/// ```
pub type BlazeSpec = UrlTokenSpec<BlazeParser>;

/// How an authenticated BLAZE delivery is read: the body as JSON, the event type from
/// [`EVENT_TYPE_FIELDS`], and the replay key (a digest of the body).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct BlazeParser;

impl DeliveryParser for BlazeParser {
    type Delivery = BlazeDelivery;

    const PROVIDER: &'static str = crate::PROVIDER.as_str();

    /// Parses an authenticated body (see [`DeliveryParser::parse`]).
    ///
    /// # Errors
    /// [`DeliveryError::Parse`] — the body is not JSON.
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<BlazeDelivery, ReceiveError> {
        let payload: Value =
            serde_json::from_slice(&request.body).map_err(|e| DeliveryError::parse(crate::PROVIDER.as_str(), e))?;
        let event_type = EVENT_TYPE_FIELDS
            .iter()
            .find_map(|field| payload.get(field).and_then(Value::as_str))
            .map(|name| name.parse().unwrap_or_else(|never: Infallible| match never {}));
        let replay_key = ReplayKey::signed_digest(crate::PROVIDER.as_str(), None, &request.body);
        Ok(BlazeDelivery { event_type, payload, verified, replay_key, raw: request.body.clone() })
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
    /// The delivery's identity: a digest of the body.
    pub replay_key: ReplayKey,
    /// The raw body, exactly as received.
    pub raw: Bytes,
}

impl BlazeDelivery {
    /// The unified [`Delivery`]: provider `blaze`, the event type when found, no delivery id,
    /// event id, time or subject (BLAZE documents none), the matching token's key id, the body
    /// as `payload` and the raw bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let mut delivery = Delivery::with_payload(crate::PROVIDER, self.raw, self.payload);
        delivery.set_verification(&self.replay_key, self.verified.key_id(), self.verified.timestamp());
        delivery.event_type = self.event_type.map(|t| EventType::new(t.as_str()));
        // Read from the body the URL token admitted: as trustworthy as the body itself.
        delivery.event_type_signed = delivery.event_type.is_some();
        delivery
    }
}

hookbridge_verify::typed_delivery!(BlazeDelivery => Delivery);
