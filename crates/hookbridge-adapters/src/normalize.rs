//! Unified deliveries: any provider's verified delivery → [`hookbridge_core::Delivery`], and a
//! [`Normalizer`] holding one receiver per provider, so any incoming `(provider, uri, body,
//! headers)` becomes a verified [`Delivery`].
//!
//! The provider crates do the work — each receiver verifies the raw bytes, parses the body, checks
//! unsigned headers and (optionally) replays, and each typed delivery knows its unified form
//! (`into_delivery()`); this module only puts the five behind one door.
//!
//! ```
//! use hookbridge_adapters::normalize::Normalizer;
//! use hookbridge_core::ProviderId;
//! use hookbridge_miex::MiexReceiver;
//! use hookbridge_verify::sign::HmacSigner;
//! use hookbridge_verify::{HmacScheme, HmacSecret};
//!
//! let secret = HmacSecret::from_str_bytes("miex secretKey")?;
//! let normalizer = Normalizer::new().miex(MiexReceiver::with_secret(secret.clone()));
//!
//! // MIEX signs the raw body; the test signer produces the same headers.
//! let body = br#"{"event":"order.created","data":{"id":"ord_1"}}"#;
//! let mut headers = HmacSigner::new(HmacScheme::miex(), secret).sign(body, 0, None)?;
//! headers.insert("x-webhook-event", "order.created".parse()?);
//! headers.insert("x-webhook-delivery", "job-1".parse()?);
//!
//! let delivery = normalizer.receive(ProviderId::Miex, &"/hooks/miex".parse()?, body, &headers)?;
//! assert_eq!(delivery.event_type.as_ref().map(|e| e.as_str()), Some("order.created"));
//! assert_eq!(delivery.delivery_id.as_deref(), Some("job-1"));
//! // A provider without a receiver is refused, not guessed.
//! assert!(normalizer.receive(ProviderId::Chip, &"/".parse()?, body, &headers).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use hookbridge_abbeycross::{AbbeyCrossDelivery, AbbeyCrossReceiver};
use hookbridge_bitnob::{BitnobDelivery, BitnobReceiver};
use hookbridge_blaze::{BlazeDelivery, BlazeReceiver};
use hookbridge_chip::{ChipReceiver, VerifiedChipDelivery};
use hookbridge_core::{Delivery, ProviderId};
use hookbridge_miex::{MiexDelivery, MiexReceiver};
use hookbridge_verify::{DeliveryError, unix_now};
use http::{HeaderMap, Request, StatusCode, Uri};

/// A verified delivery in one provider's own typed form.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ProviderDelivery {
    /// MIEX (`X-Webhook-Signature`, HMAC-SHA256).
    Miex(MiexDelivery),
    /// BLAZE (unsigned by BLAZE; authenticated by a URL token).
    Blaze(BlazeDelivery),
    /// Bitnob (`X-Bitnob-Signature`, HMAC over `timestamp.body`, or the legacy SHA-512 scheme).
    Bitnob(BitnobDelivery),
    /// AbbeyCross (a scheme you configure: AbbeyCross documents none).
    AbbeyCross(AbbeyCrossDelivery),
    /// CHIP Collect (`X-Signature`, RSA PKCS#1 v1.5).
    Chip(VerifiedChipDelivery),
}

impl ProviderDelivery {
    /// The provider.
    pub fn provider(&self) -> ProviderId {
        match self {
            ProviderDelivery::Miex(_) => ProviderId::Miex,
            ProviderDelivery::Blaze(_) => ProviderId::Blaze,
            ProviderDelivery::Bitnob(_) => ProviderId::Bitnob,
            ProviderDelivery::AbbeyCross(_) => ProviderId::AbbeyCross,
            ProviderDelivery::Chip(_) => ProviderId::Chip,
        }
    }

    /// The unified delivery (each provider crate's `into_delivery`).
    pub fn into_delivery(self) -> Delivery {
        match self {
            ProviderDelivery::Miex(d) => d.into_delivery(),
            ProviderDelivery::Blaze(d) => d.into_delivery(),
            ProviderDelivery::Bitnob(d) => d.into_delivery(),
            ProviderDelivery::AbbeyCross(d) => d.into_delivery(),
            ProviderDelivery::Chip(d) => d.into_delivery(),
        }
    }
}

impl From<MiexDelivery> for ProviderDelivery {
    fn from(d: MiexDelivery) -> Self {
        ProviderDelivery::Miex(d)
    }
}

impl From<BlazeDelivery> for ProviderDelivery {
    fn from(d: BlazeDelivery) -> Self {
        ProviderDelivery::Blaze(d)
    }
}

impl From<BitnobDelivery> for ProviderDelivery {
    fn from(d: BitnobDelivery) -> Self {
        ProviderDelivery::Bitnob(d)
    }
}

impl From<AbbeyCrossDelivery> for ProviderDelivery {
    fn from(d: AbbeyCrossDelivery) -> Self {
        ProviderDelivery::AbbeyCross(d)
    }
}

impl From<VerifiedChipDelivery> for ProviderDelivery {
    fn from(d: VerifiedChipDelivery) -> Self {
        ProviderDelivery::Chip(d)
    }
}

impl From<ProviderDelivery> for Delivery {
    fn from(d: ProviderDelivery) -> Self {
        d.into_delivery()
    }
}

/// Any provider's verified typed delivery → the unified [`Delivery`].
///
/// Only verified deliveries exist as these types (the receivers build them after verification),
/// so the result is verified too.
pub fn normalize(delivery: impl Into<ProviderDelivery>) -> Delivery {
    delivery.into().into_delivery()
}

/// Why [`Normalizer`] refused a delivery.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NormalizeError {
    /// No receiver is configured for this provider.
    #[error("no receiver is configured for {0}")]
    NotConfigured(ProviderId),
    /// The provider's receiver refused the delivery (verification, parsing, headers, replay).
    #[error("{provider} delivery refused: {error}")]
    Delivery {
        /// The provider.
        provider: ProviderId,
        /// The receiver's error.
        #[source]
        error: DeliveryError,
    },
}

impl NormalizeError {
    /// The receiver's error, when the delivery reached one.
    pub fn as_delivery_error(&self) -> Option<&DeliveryError> {
        match self {
            NormalizeError::Delivery { error, .. } => Some(error),
            NormalizeError::NotConfigured(_) => None,
        }
    }

    /// Whether the delivery is a duplicate of one already accepted.
    pub fn is_replay(&self) -> bool {
        self.as_delivery_error().is_some_and(DeliveryError::is_replay)
    }

    /// A suggested answer: the receiver's ([`DeliveryError::http_status`]), or `404 Not Found`
    /// for a provider this endpoint does not receive.
    pub fn http_status(&self) -> StatusCode {
        match self {
            NormalizeError::Delivery { error, .. } => error.http_status(),
            NormalizeError::NotConfigured(_) => StatusCode::NOT_FOUND,
        }
    }
}

/// One receiver per provider: any incoming delivery → a verified unified [`Delivery`].
///
/// Configure the providers you receive from; the others are refused with
/// [`NormalizeError::NotConfigured`]. Each receiver keeps its own keys, scheme and optional replay
/// store (see the provider crates: `MiexReceiver`, `BlazeReceiver`, `BitnobReceiver`,
/// `AbbeyCrossReceiver`, `ChipReceiver`).
///
/// The request URI matters for BLAZE (its deliveries are authenticated by a token in the callback
/// URL) and for an AbbeyCross receiver configured with a URL-token verifier; the other providers
/// ignore it.
#[derive(Clone, Debug, Default)]
pub struct Normalizer {
    miex: Option<MiexReceiver>,
    blaze: Option<BlazeReceiver>,
    bitnob: Option<BitnobReceiver>,
    abbeycross: Option<AbbeyCrossReceiver>,
    chip: Option<ChipReceiver>,
}

impl Normalizer {
    /// A normalizer with no receiver.
    pub fn new() -> Self {
        Self::default()
    }

    /// Receives MIEX deliveries with `receiver`.
    pub fn miex(mut self, receiver: MiexReceiver) -> Self {
        self.miex = Some(receiver);
        self
    }

    /// Receives BLAZE deliveries with `receiver`.
    pub fn blaze(mut self, receiver: BlazeReceiver) -> Self {
        self.blaze = Some(receiver);
        self
    }

    /// Receives Bitnob deliveries with `receiver`.
    pub fn bitnob(mut self, receiver: BitnobReceiver) -> Self {
        self.bitnob = Some(receiver);
        self
    }

    /// Receives AbbeyCross deliveries with `receiver`.
    pub fn abbeycross(mut self, receiver: AbbeyCrossReceiver) -> Self {
        self.abbeycross = Some(receiver);
        self
    }

    /// Receives CHIP deliveries with `receiver`.
    pub fn chip(mut self, receiver: ChipReceiver) -> Self {
        self.chip = Some(receiver);
        self
    }

    /// The providers with a receiver.
    pub fn providers(&self) -> Vec<ProviderId> {
        let configured = [
            (ProviderId::Miex, self.miex.is_some()),
            (ProviderId::Blaze, self.blaze.is_some()),
            (ProviderId::Bitnob, self.bitnob.is_some()),
            (ProviderId::AbbeyCross, self.abbeycross.is_some()),
            (ProviderId::Chip, self.chip.is_some()),
        ];
        configured.into_iter().filter(|(_, on)| *on).map(|(p, _)| p).collect()
    }

    /// Verifies and types a delivery from `provider` at `now` (unix seconds).
    pub fn receive_typed_at(
        &self,
        provider: ProviderId,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<ProviderDelivery, NormalizeError> {
        let refused = |error| NormalizeError::Delivery { provider, error };
        let not_configured = || NormalizeError::NotConfigured(provider);
        Ok(match provider {
            ProviderId::Miex => {
                let r = self.miex.as_ref().ok_or_else(not_configured)?;
                r.receive_at(body, headers, now).map_err(refused)?.into()
            }
            ProviderId::Blaze => {
                let r = self.blaze.as_ref().ok_or_else(not_configured)?;
                r.receive_at(uri, body, headers, now).map_err(refused)?.into()
            }
            ProviderId::Bitnob => {
                let r = self.bitnob.as_ref().ok_or_else(not_configured)?;
                r.receive_at(body, headers, now).map_err(refused)?.into()
            }
            ProviderId::AbbeyCross => {
                let r = self.abbeycross.as_ref().ok_or_else(not_configured)?;
                r.receive_request_at(uri, body, headers, now).map_err(refused)?.into()
            }
            ProviderId::Chip => {
                let r = self.chip.as_ref().ok_or_else(not_configured)?;
                r.receive_at(body, headers, now).map_err(refused)?.into()
            }
            _ => return Err(not_configured()),
        })
    }

    /// [`Normalizer::receive_typed_at`], then the unified form.
    pub fn receive_at(
        &self,
        provider: ProviderId,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<Delivery, NormalizeError> {
        self.receive_typed_at(provider, uri, body, headers, now).map(ProviderDelivery::into_delivery)
    }

    /// [`Normalizer::receive_at`] with the system clock.
    pub fn receive(
        &self,
        provider: ProviderId,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
    ) -> Result<Delivery, NormalizeError> {
        self.receive_at(provider, uri, body, headers, unix_now())
    }

    /// An incoming HTTP request from `provider` (its URI, headers and raw body).
    pub fn receive_request<B: AsRef<[u8]>>(
        &self,
        provider: ProviderId,
        request: &Request<B>,
    ) -> Result<Delivery, NormalizeError> {
        self.receive(provider, request.uri(), request.body().as_ref(), request.headers())
    }
}
