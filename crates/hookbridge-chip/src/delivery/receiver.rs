//! The receiver side with a fixed key ring: [`ChipSpec`] (verify `X-Signature`) and [`ChipParser`]
//! (parse the body, derive the replay key), the [`ChipReceiver`] pipeline over it, and the [`VerifiedChipDelivery`]
//! it hands out.

use std::ops::Deref;
use std::time::Duration;

use hookbridge_core::delivery::json_id;
use hookbridge_core::reexports::bytes::Bytes;
use hookbridge_core::{Delivery, EventType, Subject, Timestamp};
use hookbridge_verify::receive::{DefaultScheme, DeliveryParser, Incoming, Pipeline, ReceiveError, ReplayKey, RsaSpec};
use hookbridge_verify::{DeliveryError, KeyError, KeyRing, RsaHash, RsaPublicKey, RsaScheme, Verified};
use serde_json::Value;

use crate::model::{ChipDelivery, ChipWebhook, DeliveryObject};

/// How long handled CHIP keys are remembered: 48 hours, above CHIP's documented retry horizon
/// (8 attempts over 36 h 26 min).
pub const CHIP_RETENTION: Duration = Duration::from_secs(48 * 3600);

/// The receiver pipeline for CHIP deliveries verified with a fixed key ring.
pub type ChipReceiver = Pipeline<ChipSpec>;

/// CHIP's contribution to the receiver pipeline with a fixed ring of public keys: the
/// `X-Signature` verifier and [`ChipParser`]. Build it once (keys are parsed and prepared here)
/// and share it: `ChipSpec::new(keys)`, `ChipSpec::with_key(key)`,
/// `ChipSpec::with_parser(ChipParser::with_hash(hash), keys)` (CHIP Send: SHA-512),
/// `ChipSpec::with_verifier(verifier)` — the constructors of [`RsaSpec`]; [`webhook_keys`] builds
/// the ring from your webhooks.
///
/// ```
/// use hookbridge_chip::{ChipParser, ChipSpec};
/// use hookbridge_verify::{KeyRing, RsaHash, RsaPublicKey};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pem = include_str!("../../../hookbridge-testkit/data/keys/rsa2048-public-spki.pem");
/// // Webhook deliveries: the webhook's `public_key`, here under the webhook's id.
/// let spec = ChipSpec::new(KeyRing::single("7f1c2a9e-webhook", RsaPublicKey::from_pem(pem)?))?;
/// // CHIP Send callbacks: SHA-512.
/// let send = ChipSpec::with_parser(
///     ChipParser::with_hash(RsaHash::Sha512),
///     KeyRing::single("send", RsaPublicKey::from_pem(pem)?),
/// )?;
/// # let _ = (spec, send);
/// # Ok(())
/// # }
/// ```
pub type ChipSpec = RsaSpec<ChipParser>;

/// The public keys of these webhooks, for `ChipSpec::new`: each one's `public_key`, under its
/// id as key id (so [`Verified::key_id`] says which webhook a delivery came through). Webhooks
/// without a `public_key` are skipped.
///
/// # Errors
/// The key's parse error ([`KeyError::InvalidRsaKey`], [`KeyError::RsaKeyTooSmall`], ...); an
/// empty ring (no webhook has a key) is refused by `ChipSpec::new` with
/// [`KeyError::EmptyKeyRing`].
pub fn webhook_keys<'a>(
    webhooks: impl IntoIterator<Item = &'a ChipWebhook>,
) -> Result<KeyRing<RsaPublicKey>, KeyError> {
    let mut ring = KeyRing::new();
    for webhook in webhooks {
        if let Some(pem) = &webhook.public_key {
            ring.push(webhook.id.as_str(), RsaPublicKey::from_pem(pem)?);
        }
    }
    Ok(ring)
}

/// How a verified CHIP delivery is read (the body and the replay key, see
/// [`VerifiedChipDelivery::replay_key`]), remembered for [`CHIP_RETENTION`]. Its digest chooses
/// the scheme the key-only constructors verify with: SHA-256 (CHIP Collect,
/// [`delivery_scheme`](crate::delivery_scheme), the default) or another ([`RsaHash::Sha512`]
/// for CHIP Send).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChipParser {
    hash: RsaHash,
}

impl ChipParser {
    /// CHIP Collect: `X-Signature` over the SHA-256 digest.
    #[must_use]
    pub const fn new() -> Self {
        Self { hash: RsaHash::Sha256 }
    }

    /// `X-Signature` with another digest: [`RsaHash::Sha512`] for CHIP Send.
    #[must_use]
    pub const fn with_hash(hash: RsaHash) -> Self {
        Self { hash }
    }

    /// The digest.
    #[must_use]
    pub const fn hash(&self) -> RsaHash {
        self.hash
    }
}

impl Default for ChipParser {
    fn default() -> Self {
        Self::new()
    }
}

impl DeliveryParser for ChipParser {
    type Delivery = VerifiedChipDelivery;

    const PROVIDER: &'static str = crate::PROVIDER.as_str();

    /// Parses a verified body and derives its replay key. One pass over the bytes (no
    /// intermediate JSON map); a missing or non-string `event_type` is a parse error like any other.
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<VerifiedChipDelivery, ReceiveError> {
        let body = &request.body;
        let delivery = ChipDelivery::from_slice(body).map_err(|e| DeliveryError::parse(crate::PROVIDER.as_str(), e))?;
        let mut delivery = VerifiedChipDelivery {
            delivery,
            verified,
            replay_key: ReplayKey::signed_digest(crate::PROVIDER.as_str(), None, body),
            raw: body.clone(),
        };
        delivery.replay_key = delivery.object_state_key();
        Ok(delivery)
    }

    fn default_retention(&self) -> Duration {
        CHIP_RETENTION
    }
}

impl DefaultScheme<RsaScheme> for ChipParser {
    fn scheme(&self) -> RsaScheme {
        RsaScheme::new(crate::headers::SIGNATURE, self.hash)
    }
}

// ---------------------------------------------------------------------------------------------
// VerifiedChipDelivery
// ---------------------------------------------------------------------------------------------

/// A verified, parsed CHIP delivery: the existing [`ChipDelivery`] model plus what verification
/// established and the raw bytes. Dereferences to the [`ChipDelivery`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct VerifiedChipDelivery {
    /// The delivery: `event_type` and the related object.
    pub delivery: ChipDelivery,
    /// Which key matched (a webhook id, [`COMPANY_KEY_ID`](super::COMPANY_KEY_ID), or your ring's id).
    pub verified: Verified,
    /// The delivery's identity, from the signed body (see [`replay_key`](Self::replay_key)).
    pub replay_key: ReplayKey,
    /// The raw body, exactly as received and verified.
    pub raw: Bytes,
}

impl Deref for VerifiedChipDelivery {
    type Target = ChipDelivery;

    fn deref(&self) -> &ChipDelivery {
        &self.delivery
    }
}

impl VerifiedChipDelivery {
    /// The delivery model, dropping the verification details and raw bytes.
    #[must_use]
    pub fn into_inner(self) -> ChipDelivery {
        self.delivery
    }

    /// The object's `updated_on`, else its `created_on` (epoch seconds on the wire).
    #[must_use]
    pub fn occurred_at(&self) -> Option<Timestamp> {
        match &self.delivery.object {
            DeliveryObject::Purchase(p) => p.updated_on.or(p.created_on),
            DeliveryObject::Payment(p) => p.updated_on.or(p.created_on),
            DeliveryObject::Other(map) => ["updated_on", "created_on"]
                .iter()
                .find_map(|field| map.get(*field).and_then(Value::as_i64))
                .and_then(|secs| Timestamp::from_second(secs).ok()),
        }
    }

    /// The object the delivery is about: `purchase` / `payment` and its id, or for other objects
    /// their `type` (else the event's prefix: `payout` for `payout.success`) and `id` (string or
    /// number).
    #[must_use]
    pub fn subject(&self) -> Option<Subject> {
        match &self.delivery.object {
            DeliveryObject::Purchase(p) => {
                p.id.as_deref().filter(|id| !id.is_empty()).map(|id| Subject::new("purchase", id))
            }
            DeliveryObject::Payment(p) => {
                p.id.as_deref().filter(|id| !id.is_empty()).map(|id| Subject::new("payment", id))
            }
            DeliveryObject::Other(map) => {
                let id = json_id(map.get("id")?)?;
                let kind = match map.get("type").and_then(Value::as_str).filter(|t| !t.is_empty()) {
                    Some(kind) => kind,
                    None => self.delivery.event_type.as_str().split('.').next().filter(|k| !k.is_empty())?,
                };
                Some(Subject::new(kind, id))
            }
        }
    }

    /// The replay key, built from the signed body (CHIP sends no delivery or event id):
    /// `chip:object:<event_type>:<object type>:<object id>:<updated_on>` (`created_on` when
    /// there is no `updated_on`) — a retry carries the same object state, a new event or a
    /// later change does not. Without an object id or time, or when they are not visible
    /// ASCII, a digest of the body.
    #[must_use]
    pub fn replay_key(&self) -> &ReplayKey {
        &self.replay_key
    }

    fn object_state_key(&self) -> ReplayKey {
        let state = match (self.subject(), self.occurred_at()) {
            (Some(subject), Some(at)) => Some(format!(
                "{}:{}:{}:{}",
                self.delivery.event_type.as_str(),
                subject.kind,
                subject.id,
                at.as_second()
            )),
            _ => None,
        };
        state
            .and_then(|value| ReplayKey::signed_id(crate::PROVIDER.as_str(), "object", &value).ok())
            .unwrap_or_else(|| ReplayKey::signed_digest(crate::PROVIDER.as_str(), None, &self.raw))
    }

    /// The unified [`Delivery`]: provider `chip`, the (signed) event type, the replay key, no
    /// delivery or event id (CHIP sends neither), `occurred_at` ([`occurred_at`](Self::occurred_at)), the subject
    /// ([`subject`](Self::subject)), the matching key id, the whole body as `payload` and the raw
    /// bytes unchanged.
    #[must_use]
    pub fn into_delivery(self) -> Delivery {
        let occurred_at = self.occurred_at();
        let subject = self.subject();
        // `Delivery::new` parses the raw body into `payload`, exactly as CHIP sent it.
        let mut delivery = Delivery::new(crate::PROVIDER, self.raw);
        delivery.set_verification(&self.replay_key, self.verified.key_id(), self.verified.timestamp());
        delivery.event_type = Some(EventType::new(self.delivery.event_type.as_str()));
        delivery.event_type_signed = true;
        delivery.occurred_at = occurred_at;
        delivery.subject = subject;
        delivery
    }
}

hookbridge_verify::typed_delivery!(VerifiedChipDelivery => Delivery);

impl From<VerifiedChipDelivery> for ChipDelivery {
    fn from(delivery: VerifiedChipDelivery) -> Self {
        delivery.delivery
    }
}
