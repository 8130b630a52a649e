//! Receiving Stripe deliveries: Stripe's part of the receiver pipeline ([`StripeSpec`]).
//!
//! | | Stripe |
//! |---|---|
//! | header | `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]` (several `v1` while a secret is rolled) |
//! | signed bytes | `t + "." + raw body` |
//! | MAC | HMAC-SHA256, hex ([`HmacScheme::stripe`], a published scheme of `hookbridge-verify`) |
//! | key | the endpoint's `secret` text (`whsec_…`) as bytes: **not** base64-decoded |
//! | timestamp | ±5 minutes (Stripe's libraries' default tolerance) |
//! | body | the [`Event`] object |
//! | identity | the event's `id` (`stripe:event:evt_…`): in the signed body, and the same on every retry (Stripe re-signs retries with a new `t`) |
//!
//! The endpoint's secret is revealed once, by create ([`crate::Webhooks::create`] /
//! [`hookbridge_core::Webhook::create`]): give it to `StripeSpec::new` through
//! [`endpoint_key_ring`], or several (while rolling) as a key ring of your own.

use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::{Delivery, Secret, Subject};
use hookbridge_verify::receive::{
    DefaultScheme, DeliveryParser, HmacSpec, Incoming, Pipeline, ReceiveError, ReplayKey,
};
use hookbridge_verify::{DeliveryError, HmacScheme, HmacSecret, KeyError, KeyRing, Verified};

use crate::event::Event;

/// The receiver pipeline for Stripe deliveries ([`StripeSpec`] plus a dedupe store).
pub type StripeReceiver = Pipeline<StripeSpec>;

/// Stripe's contribution to the receiver pipeline: the `Stripe-Signature` verifier
/// ([`HmacScheme::stripe`]) with a ring of endpoint secrets, each the whole `whsec_…` text as
/// bytes ([`HmacSecret::from_str_bytes`], or [`endpoint_key_ring`] for the secret a create
/// returned), and [`StripeParser`] (the [`Event`] and the replay key from the signed event id).
/// Build it once and share it: `StripeSpec::new(keys)`, `StripeSpec::with_verifier(verifier)`
/// (another tolerance, for example) — the constructors of [`HmacSpec`].
///
/// ```
/// use hookbridge_core::{Delivery, Secret, Subject};
/// use hookbridge_core::reexports::http::HeaderMap;
/// use hookbridge_stripe::{EventType, StripeReceiver, StripeSpec, endpoint_key_ring};
/// use hookbridge_verify::receive::{Incoming, Receive as _};
/// use hookbridge_verify::{HmacScheme, HmacSecret, sign::HmacSigner};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // The `secret` the endpoint's create returned.
/// let secret = Secret::new("whsec_wRNftLajMZNeslQOP6vEPm4iVx5NlZ6z");
/// let receiver = StripeReceiver::new(StripeSpec::new(endpoint_key_ring(&secret)?)?);
///
/// // What Stripe sends (signed here as Stripe signs).
/// let body = br#"{"id":"evt_1","object":"event","api_version":"2024-12-18.acacia","created":1735689600,
///   "data":{"object":{"id":"pi_1","object":"payment_intent"}},"livemode":false,"pending_webhooks":1,
///   "request":{"id":null,"idempotency_key":null},"type":"payment_intent.succeeded"}"#;
/// let signer = HmacSigner::new(HmacScheme::stripe(), HmacSecret::from_str_bytes(secret.expose())?);
/// let headers: HeaderMap = signer.sign(body, hookbridge_verify::unix_now(), None)?;
///
/// let (delivery, ticket) = receiver.accept(Incoming::post("/hooks/stripe".parse()?, headers, &body[..])).await?.into_parts();
/// assert_eq!(delivery.event.event_type, EventType::PaymentIntentSucceeded);
/// assert_eq!(delivery.replay_key.as_str(), "stripe:event:evt_1");
/// ticket.complete().await?;
///
/// let unified = Delivery::from(delivery);
/// assert_eq!(unified.subject, Some(Subject::new("payment_intent", "pi_1")));
/// # Ok(())
/// # }
/// ```
pub type StripeSpec = HmacSpec<StripeParser>;

/// The key id of the one secret in [`endpoint_key_ring`].
pub const ENDPOINT_KEY_ID: &str = "endpoint";

/// One endpoint secret (the `secret` a create returned) as a key ring for [`StripeSpec::new`],
/// under the key id [`ENDPOINT_KEY_ID`]: the whole `whsec_…` text as bytes.
///
/// # Errors
/// [`KeyError::EmptySecret`] for an empty secret.
pub fn endpoint_key_ring(secret: &Secret) -> Result<KeyRing<HmacSecret>, KeyError> {
    Ok(KeyRing::single(ENDPOINT_KEY_ID, HmacSecret::from_str_bytes(secret.expose())?))
}

/// How a verified Stripe delivery is read: the [`Event`] and its replay key
/// (`stripe:event:<event id>`). Signed with [`HmacScheme::stripe`].
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct StripeParser;

impl DeliveryParser for StripeParser {
    type Delivery = StripeDelivery;

    const PROVIDER: &'static str = crate::PROVIDER.as_str();

    /// Parses a verified body (see [`DeliveryParser::parse`]).
    ///
    /// # Errors
    /// * [`DeliveryError::Parse`] — the body is not an [`Event`] object (its message quotes no
    ///   body value);
    /// * [`ReceiveError::ReplayKey`] — the event id cannot serve as a key (empty, too long).
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<StripeDelivery, ReceiveError> {
        let event: Event =
            serde_json::from_slice(&request.body).map_err(|e| DeliveryError::parse(crate::PROVIDER.as_str(), e))?;
        let replay_key = ReplayKey::signed_id(crate::PROVIDER.as_str(), "event", event.id.as_str())?;
        Ok(StripeDelivery { event, verified, replay_key, raw: request.body.clone() })
    }
}

impl DefaultScheme<HmacScheme> for StripeParser {
    fn scheme(&self) -> HmacScheme {
        HmacScheme::stripe()
    }
}

/// A verified, parsed Stripe delivery.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct StripeDelivery {
    /// The event.
    pub event: Event,
    /// What verification established (which secret matched, the signed `t`).
    pub verified: Verified,
    /// The delivery's identity: `stripe:event:<event id>`.
    pub replay_key: ReplayKey,
    /// The raw body, exactly as received and verified.
    pub raw: Bytes,
}

impl StripeDelivery {
    /// The object the event is about: `data.object`'s `object` and `id`, when both are strings.
    #[must_use]
    pub fn subject(&self) -> Option<Subject> {
        let data = &self.event.data;
        Some(Subject::new(data.object_type()?, data.object_id()?))
    }

    /// The unified [`Delivery`]: provider `stripe`, the event type (signed), no delivery id
    /// (Stripe sends none), the event id, `occurred_at` = the event's `created`, `signed_at` =
    /// the signature's `t`, the subject ([`subject`](Self::subject)), the matching key id, the
    /// body as `payload` and the raw bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let subject = self.subject();
        let mut delivery = Delivery::new(crate::PROVIDER, self.raw);
        delivery.set_verification(&self.replay_key, self.verified.key_id(), self.verified.timestamp());
        delivery.event_id = Some(self.event.id.as_str().to_owned());
        delivery.event_type = Some(self.event.event_type.into());
        delivery.event_type_signed = true;
        delivery.occurred_at = Some(self.event.created);
        delivery.subject = subject;
        delivery
    }
}

hookbridge_verify::typed_delivery!(StripeDelivery => Delivery);
