//! What every simulator shares, written once: [`Simulator`] runs one provider's API — the
//! [`SimulatedApi`] a provider module supplies (its routes, wire format, error shape,
//! credentials and state) — on a loopback server, with the request log, fault injection, the
//! 404 / 405 / 413 answers in the provider's error shape, and shutdown on drop.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Method, StatusCode};
use hookbridge_core::ProviderId;
use serde_json::Value;

use crate::deliveries::Template;
use crate::delivery::{DeliveryReport, Poster};
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::server::{Core, ErrorRenderer, HasCore, RecordedRequest, Server, with_fallbacks, with_recording};

/// A simulator's settings: what every provider's settings have besides their own.
pub trait SimulatorConfig: Default + Send {
    /// Timeout of one delivery attempt.
    fn delivery_timeout(&self) -> Duration;
}

/// Builder-style setters of a simulator's settings, one per listed field, plus the
/// `delivery_timeout` field every settings type has (and its [`SimulatorConfig`]).
macro_rules! settings {
    ($config:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        impl $config {
            $(
                #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ").")]
                #[must_use]
                pub fn $field(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )*

            /// Sets [`delivery_timeout`](Self::delivery_timeout).
            #[must_use]
            pub fn delivery_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.delivery_timeout = timeout;
                self
            }
        }

        impl $crate::simulator::SimulatorConfig for $config {
            fn delivery_timeout(&self) -> ::std::time::Duration {
                self.delivery_timeout
            }
        }
    };
}
pub(crate) use settings;

/// One provider's side of a [`Simulator`]: which provider it is, how it is built from its
/// settings, what its server answers and how it delivers. Implemented by the provider types of
/// this crate ([`MiexApi`](crate::miex::MiexApi), [`BlazeApi`](crate::blaze::BlazeApi),
/// [`BitnobApi`](crate::bitnob::BitnobApi), [`AbbeyCrossApi`](crate::abbeycross::AbbeyCrossApi),
/// [`ChipApi`](crate::chip::ChipApi), [`StripeApi`](crate::stripe::StripeApi)); the
/// [registry](crate::registry::SIMULATORS) lists their [`Hook`](crate::hook::Hook)s.
pub trait SimulatedApi: fmt::Debug + Sized + Send + Sync + 'static {
    /// The simulator's settings.
    type Config: SimulatorConfig;

    /// The provider's id (`miex`, `chip`, ...): the one its client crate declares.
    const PROVIDER: ProviderId;

    /// An event the simulator can deliver and the provider's create accepts.
    const EXAMPLE_EVENT: &'static str;

    /// The provider's delivery templates (what its deliveries look like, built without a
    /// simulator), main one first: usually one, the module's `TEMPLATE`; more where the
    /// provider has variants (Bitnob's legacy scheme, CHIP Send). What
    /// [`Template::all`] lists.
    const TEMPLATES: &'static [Template];

    /// Whether the provider's client must be told to accept `http://` delivery URLs to work
    /// with this simulator (receivers in tests are on loopback).
    const ALLOW_INSECURE_URLS: bool = false;

    /// The provider's base path under the server's origin, as its documented base URL ends
    /// (default: the root, `/`).
    const BASE_PATH: &'static str = "/";

    /// The provider's side in its initial state: fresh credentials, no webhooks.
    fn new(config: Self::Config) -> Self;

    /// The credentials a client of this simulator needs, by the environment-variable names the
    /// provider's descriptor declares, with this simulator's values.
    fn credentials(&self) -> Vec<(&'static str, String)>;

    /// What [`Simulator::deliver`] does: POSTs a delivery of `event` to every callback
    /// subscribed to it, signed as the provider signs, and reports each attempt.
    fn deliver(
        sim: &Simulator<Self>,
        event: &str,
        data: Option<Value>,
    ) -> impl Future<Output = Result<Vec<DeliveryReport>>> + Send;

    /// Renders an error response in the provider's shape (also used for 404, 405, 413 and
    /// injected faults).
    const RENDER_ERROR: ErrorRenderer;

    /// The message of a 404 for an unknown route.
    fn not_found_message(method: &Method, path: &str) -> String {
        format!("no route for {method} {path}")
    }

    /// Credential headers to redact in the request log besides the common ones
    /// (`authorization`, `x-api-key`, `x-auth-signature`, cookies).
    fn redacted_headers(&self) -> Vec<HeaderName> {
        Vec::new()
    }

    /// The provider's routes (paths include the base path).
    fn routes(shared: &Arc<Shared<Self>>) -> Router<Arc<Shared<Self>>>;

    /// Wraps the routes **and** the 404 / 405 fallbacks (inside the request log and the
    /// injected faults); by default, nothing.
    fn gate(app: Router<Arc<Shared<Self>>>, shared: &Arc<Shared<Self>>) -> Router<Arc<Shared<Self>>> {
        let _ = shared;
        app
    }
}

/// What a simulator's request handlers share: the request log and fault queue, the poster
/// that sends deliveries, the server's origin and base URL, and the provider's side (reached through
/// `Deref`).
#[derive(Debug)]
pub struct Shared<A> {
    pub(crate) core: Arc<Core>,
    pub(crate) poster: Poster,
    pub(crate) origin: String,
    pub(crate) base_url: String,
    pub(crate) api: A,
}

impl<A> Deref for Shared<A> {
    type Target = A;

    fn deref(&self) -> &A {
        &self.api
    }
}

impl<A> HasCore for Shared<A> {
    fn core(&self) -> &Core {
        &self.core
    }
}

/// A running simulator of one provider's webhook API, on `127.0.0.1:<ephemeral port>`.
/// Stops when dropped (or with [`shutdown`](Self::shutdown)).
///
/// Use it through the provider's alias: [`MiexSim`](crate::MiexSim),
/// [`BlazeSim`](crate::BlazeSim), [`BitnobSim`](crate::BitnobSim),
/// [`AbbeyCrossSim`](crate::AbbeyCrossSim), [`ChipSim`](crate::ChipSim) or
/// [`StripeSim`](crate::StripeSim). The methods here are common to every provider
/// ([`deliver`](Self::deliver) does what the provider's [`SimulatedApi::deliver`] does); each
/// provider module adds its credentials and state. Seen without its provider's type, a started
/// simulator is a [`RunningSimulator`](crate::RunningSimulator).
#[derive(Debug)]
pub struct Simulator<A> {
    pub(crate) server: Server,
    pub(crate) inner: Arc<Shared<A>>,
}

impl<A: SimulatedApi> Simulator<A> {
    /// Starts a simulator with the default settings on `127.0.0.1:<ephemeral port>`.
    ///
    /// # Errors
    /// [`Error::Bind`] or [`Error::HttpClient`].
    pub async fn start() -> Result<Self> {
        Self::start_with(A::Config::default()).await
    }

    /// Starts a simulator with `config` on `127.0.0.1:<ephemeral port>`.
    ///
    /// # Errors
    /// [`Error::Bind`] or [`Error::HttpClient`].
    pub async fn start_with(config: A::Config) -> Result<Self> {
        let poster = Poster::new(config.delivery_timeout())?;
        let api = A::new(config);
        let core = Core::new(A::RENDER_ERROR, &api.redacted_headers()).with_not_found_message(A::not_found_message);
        let (listener, addr) = Server::bind().await?;
        let origin = format!("http://{addr}");
        let base_url = format!("{origin}{}", A::BASE_PATH);
        let inner = Arc::new(Shared { core: Arc::new(core), poster, origin, base_url, api });
        let app = A::gate(with_fallbacks(A::routes(&inner), &inner.core), &inner).with_state(Arc::clone(&inner));
        let server = Server::serve(listener, addr, with_recording(app, &inner.core));
        Ok(Self { server, inner })
    }

    /// Delivers `event` to every callback subscribed to it: one POST per callback, signed as
    /// the provider signs (BLAZE signs nothing), in registration order. `data` is the payload
    /// (`None`: the simulator's sample for the event). What "subscribed" means, the body and the
    /// headers are the provider's: see its module ([`miex`](crate::miex), [`blaze`](crate::blaze),
    /// [`bitnob`](crate::bitnob), [`abbeycross`](crate::abbeycross), [`chip`](crate::chip),
    /// [`stripe`](crate::stripe)).
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::Key`], [`Error::Sign`] or [`Error::InvalidPayload`] when the
    /// delivery cannot be built or signed. Receiver failures are reported in the
    /// [`DeliveryReport`]s, not as errors.
    pub async fn deliver(&self, event: &str, data: Option<Value>) -> Result<Vec<DeliveryReport>> {
        A::deliver(self, event, data).await
    }
}

impl<A> Simulator<A> {
    /// The loopback address the simulator listens on (`127.0.0.1:<ephemeral port>`).
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://127.0.0.1:<port>` — scheme, host and port, without a path.
    #[must_use]
    pub fn origin(&self) -> String {
        self.inner.origin.clone()
    }

    /// The base URL a client of this provider should use: the [origin](Self::origin) and the
    /// provider's base path (`…/api/v1` for MIEX, `…/api/v1/partner/` for BLAZE, `…/` for
    /// Bitnob, AbbeyCross and Stripe, `…/api/v1/` for CHIP).
    #[must_use]
    pub fn base_url(&self) -> String {
        self.inner.base_url.clone()
    }

    /// Every request received so far, oldest first (credential header values redacted).
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.inner.core.requests()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.inner.core.clear_requests();
    }

    /// Answers the next `n` requests (whatever their route) with `status` and this
    /// provider's error body, before any authentication or state change. Calls queue up:
    /// `fail_next(503, 1)` then `fail_next(429, 1)` fails the next request with 503 and
    /// the one after with 429. Faulted requests are still recorded, with
    /// [`RecordedRequest::injected_fault`] set.
    pub fn fail_next(&self, status: StatusCode, n: usize) {
        self.inner.core.fail_next(status, n, None);
    }

    /// As [`fail_next`](Self::fail_next), adding `Retry-After: <whole seconds>` to each
    /// faulted response.
    pub fn fail_next_with_retry_after(&self, status: StatusCode, n: usize, retry_after: Duration) {
        self.inner.core.fail_next(status, n, Some(retry_after));
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.inner.core.clear_faults();
    }

    /// Stops the server: no new connections are accepted, idle keep-alive connections are
    /// closed, and in-flight requests get up to 5 seconds to finish. Dropping the
    /// simulator also stops it, without waiting.
    pub async fn shutdown(mut self) {
        self.server.shutdown().await;
    }
}
