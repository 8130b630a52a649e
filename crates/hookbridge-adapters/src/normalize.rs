//! Unified deliveries: a [`Normalizer`] holds one receiver pipeline per provider, so any incoming
//! request becomes a verified, deduplicated unified [`Delivery`].
//!
//! The provider crates contribute their part of the pipeline (`MiexSpec`, `BitnobSpec`, ...), and
//! each typed delivery knows its unified form (`From<MiexDelivery> for Delivery`, ...); this module
//! only puts them behind one door, keyed by the name each receiver gives
//! ([`Receive::provider`]: the provider's id for the provider crates' receivers). Nothing here
//! names a provider.
//!
//! ```
//! use hookbridge_adapters::normalize::Normalizer;
//! use hookbridge_core::{Delivery, ProviderId};
//! use hookbridge_miex::{MiexReceiver, MiexSpec};
//! use hookbridge_verify::receive::Incoming;
//! use hookbridge_verify::sign::HmacSigner;
//! use hookbridge_verify::{HmacScheme, HmacSecret};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = HmacSecret::from_str_bytes("miex secretKey")?;
//! let normalizer = Normalizer::new().receiver(MiexReceiver::new(MiexSpec::with_secret(secret.clone())));
//!
//! // MIEX signs the raw body; the test signer produces the same headers.
//! let body = br#"{"event":"order.created","data":{"id":"ord_1"}}"#;
//! let mut headers = HmacSigner::new(hookbridge_miex::delivery_scheme(), secret).sign(body, 0, None)?;
//! headers.insert("x-webhook-event", "order.created".parse()?);
//! headers.insert("x-webhook-delivery", "job-1".parse()?);
//! let request = Incoming::post("/hooks/miex".parse()?, headers, &body[..]);
//!
//! let (delivery, ticket) = normalizer.accept("miex", request.clone()).await?.into_parts();
//! assert_eq!(delivery.event_type.as_ref().map(|e| e.as_str()), Some("order.created"));
//! assert_eq!(delivery.delivery_id.as_deref(), Some("job-1"));
//! ticket.complete().await?;
//! // A provider without a receiver is refused, not guessed.
//! assert!(normalizer.accept("chip", request).await.is_err());
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;
use std::sync::Arc;

use hookbridge_core::Delivery;
use hookbridge_verify::receive::{Accepted, Application, Incoming, Receive, ReceiveError, ReceiveExt as _, ReplayKey};
use hookbridge_verify::unix_now;
use http::StatusCode;

/// Why [`Normalizer`] refused a delivery.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NormalizeError {
    /// No receiver is configured for this provider: 404.
    #[error("no receiver is configured for `{0}`")]
    NotConfigured(String),
    /// The provider's pipeline refused the delivery (verification, parsing, headers, duplicate,
    /// store, application).
    #[error("{provider} delivery refused")]
    Receive {
        /// The provider.
        provider: &'static str,
        /// The pipeline's error.
        #[source]
        error: ReceiveError,
    },
}

impl NormalizeError {
    /// The pipeline's error, when the delivery reached one.
    pub fn as_receive_error(&self) -> Option<&ReceiveError> {
        match self {
            NormalizeError::Receive { error, .. } => Some(error),
            NormalizeError::NotConfigured(_) => None,
        }
    }

    /// Whether the delivery is a duplicate of one already handled.
    pub fn is_duplicate(&self) -> bool {
        self.as_receive_error().is_some_and(ReceiveError::is_duplicate)
    }

    /// The answer: the pipeline's ([`ReceiveError::status`]), or `404 Not Found` for a provider
    /// this endpoint does not receive.
    pub fn http_status(&self) -> StatusCode {
        match self {
            NormalizeError::Receive { error, .. } => error.status(),
            NormalizeError::NotConfigured(_) => StatusCode::NOT_FOUND,
        }
    }
}

/// One receiver pipeline per provider, each handing out the unified [`Delivery`].
///
/// Add the providers you receive from with [`receiver`](Self::receiver) (any
/// [`Receive`] whose typed delivery converts into [`Delivery`]); the others are refused with
/// [`NormalizeError::NotConfigured`]. Each pipeline keeps its own keys, scheme and dedupe store.
#[derive(Clone, Debug, Default)]
pub struct Normalizer {
    receivers: BTreeMap<&'static str, Arc<dyn Receive<Delivery>>>,
}

impl Normalizer {
    /// A normalizer with no receiver.
    pub fn new() -> Self {
        Self::default()
    }

    /// Receives `receiver.provider()`'s deliveries with `receiver` (replacing an earlier one for
    /// the same provider). Any receiver whose typed delivery converts into [`Delivery`]: every
    /// provider crate's (`MiexReceiver`, `ChipReceiver`, ...) or your own.
    pub fn receiver<D, R>(mut self, receiver: R) -> Self
    where
        D: Into<Delivery> + Send + 'static,
        R: Receive<D> + 'static,
    {
        let provider = receiver.provider();
        self.receivers.insert(provider, Arc::new(receiver.map(Into::into)));
        self
    }

    /// Adds a receiver that already hands out unified deliveries.
    pub fn unified_receiver(mut self, receiver: Arc<dyn Receive<Delivery>>) -> Self {
        self.receivers.insert(receiver.provider(), receiver);
        self
    }

    /// The providers with a receiver, by name.
    pub fn providers(&self) -> Vec<&'static str> {
        self.receivers.keys().copied().collect()
    }

    /// The receivers, each handing out unified deliveries (for `hooks_router`, for example).
    pub fn receivers(&self) -> impl Iterator<Item = Arc<dyn Receive<Delivery>>> + '_ {
        self.receivers.values().cloned()
    }

    fn get(&self, provider: &str) -> Result<(&'static str, &Arc<dyn Receive<Delivery>>), NormalizeError> {
        self.receivers
            .get_key_value(provider)
            .map(|(name, r)| (*name, r))
            .ok_or_else(|| NormalizeError::NotConfigured(hookbridge_verify::delivery::excerpt(provider, 32)))
    }

    /// Runs `provider`'s pipeline up to the application at `now` (unix seconds).
    ///
    /// # Errors
    /// [`NormalizeError`].
    pub async fn accept_at(
        &self,
        provider: &str,
        request: Incoming,
        now: i64,
    ) -> Result<Accepted<Delivery>, NormalizeError> {
        let (provider, receiver) = self.get(provider)?;
        receiver.accept_at(request, now).await.map_err(|error| NormalizeError::Receive { provider, error })
    }

    /// [`accept_at`](Self::accept_at) with the system clock.
    ///
    /// # Errors
    /// [`NormalizeError`].
    pub async fn accept(&self, provider: &str, request: Incoming) -> Result<Accepted<Delivery>, NormalizeError> {
        self.accept_at(provider, request, unix_now()).await
    }

    /// The whole pipeline of `provider`, handing the unified delivery to `app`.
    ///
    /// # Errors
    /// [`NormalizeError`].
    pub async fn receive(
        &self,
        provider: &str,
        request: Incoming,
        app: &dyn Application<Delivery>,
    ) -> Result<ReplayKey, NormalizeError> {
        let (provider, receiver) = self.get(provider)?;
        receiver.receive(request, app).await.map_err(|error| NormalizeError::Receive { provider, error })
    }
}
