//! Receiving presets of the external signing standards that belong to no provider crate:
//! Standard Webhooks (Svix) and GitHub-style signatures. Their schemes live in
//! `hookbridge-verify` ([`HmacScheme::standard_webhooks`], [`HmacScheme::github`]); here they
//! become presets handing out the unified [`Delivery`], beside the providers' in the
//! [registry](crate::registry).
//!
//! | preset | key | event type | replay key (signed data only) |
//! |---|---|---|---|
//! | `standard-webhooks` | `whsec_` + base64 | body `type` (signed) | the signed `webhook-id` |
//! | `github` | the secret's text | `X-GitHub-Event` (**unsigned**, reported as such) | digest of the body (`X-GitHub-Delivery` is unsigned) |

use hookbridge_core::{Delivery, EventType, ProviderId, Timestamp};
use hookbridge_verify::HmacVerifier;
use hookbridge_verify::preset::{KeyKind, Preset, PresetScheme, receiver};
use hookbridge_verify::receive::{Incoming, Parsed, ReceiveError, ReceiverSpec, ReplayKey};
use hookbridge_verify::{HmacScheme, Verified};
use serde_json::Value;

/// The id of deliveries received with the `standard-webhooks` preset.
pub const STANDARD_WEBHOOKS: ProviderId = ProviderId::new("standard-webhooks");
/// The id of deliveries received with the `github` preset.
pub const GITHUB: ProviderId = ProviderId::new("github");

/// The presets of the external standards, in the order tools list them.
pub static PRESETS: &[Preset<Delivery>] = &[
    Preset::new(
        STANDARD_WEBHOOKS.as_str(),
        STANDARD_WEBHOOKS.as_str(),
        "Standard Webhooks / Svix: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64>`",
        KeyKind::HmacStandardWebhooks,
        PresetScheme::Hmac(HmacScheme::standard_webhooks),
        |verifier, settings| {
            Ok(receiver(StandardSpec::new(STANDARD_WEBHOOKS, Event::BodyType, verifier.into_hmac()?), settings))
        },
    )
    .signs_id(),
    Preset::new(
        GITHUB.as_str(),
        GITHUB.as_str(),
        "GitHub: `X-Hub-Signature-256: sha256=<hex>` (the event header is unsigned)",
        KeyKind::HmacText,
        PresetScheme::Hmac(HmacScheme::github),
        |verifier, settings| {
            Ok(receiver(
                StandardSpec::new(GITHUB, Event::UnsignedHeader("x-github-event"), verifier.into_hmac()?),
                settings,
            ))
        },
    ),
];

/// Where a standard names the event.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// The signed body's `type` (and its RFC 3339 `timestamp`, when present).
    BodyType,
    /// An unsigned header: reported, marked unsigned.
    UnsignedHeader(&'static str),
}

/// The receiver spec of a standard: its verifier, the event's source, a replay key from signed
/// data only ([`ReplayKey::from_verified`]: the signed id, else a digest of the signed bytes).
#[derive(Debug)]
struct StandardSpec {
    provider: ProviderId,
    event: Event,
    verifier: HmacVerifier,
}

impl StandardSpec {
    fn new(provider: ProviderId, event: Event, verifier: HmacVerifier) -> Self {
        Self { provider, event, verifier }
    }
}

impl ReceiverSpec for StandardSpec {
    type Delivery = Delivery;

    fn provider(&self) -> &'static str {
        self.provider.as_str()
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        request.verify_with(&self.verifier, now)
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<Delivery>, ReceiveError> {
        let key = ReplayKey::from_verified(self.provider.as_str(), &verified, &request.body)?;
        let mut delivery = Delivery::new(self.provider, request.body.clone());
        delivery.key_id = Some(verified.key_id().as_str().to_owned());
        delivery.delivery_id = verified.id().map(str::to_owned);
        delivery.signed_at = verified.timestamp().and_then(|t| Timestamp::from_second(t).ok());
        delivery.occurred_at = delivery.signed_at;
        match self.event {
            Event::BodyType => {
                let text = |field: &str| delivery.payload.get(field).and_then(Value::as_str).map(str::to_owned);
                delivery.event_type = text("type").map(EventType::from);
                delivery.event_type_signed = delivery.event_type.is_some();
                if let Some(at) = text("timestamp").and_then(|t| t.parse::<Timestamp>().ok()) {
                    delivery.occurred_at = Some(at);
                }
            }
            Event::UnsignedHeader(name) => {
                delivery.event_type = request.headers.get(name).and_then(|v| v.to_str().ok()).map(EventType::from);
                delivery.event_type_signed = false;
            }
        }
        delivery.replay_key = Some(key.to_string());
        Ok(Parsed::new(delivery, key))
    }
}
