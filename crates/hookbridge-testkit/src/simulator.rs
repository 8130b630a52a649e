//! What every simulator shares, written once: [`Simulator`] runs one provider's API — the
//! [`SimulatedApi`] a provider module supplies (its routes, wire format, error shape,
//! credentials and state) — on a loopback server, with the request log, fault injection, the
//! 404 / 405 / 413 answers in the provider's error shape, and shutdown on drop.

use std::fmt;
use std::net::SocketAddr;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, Method, StatusCode};

use crate::delivery::Poster;
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::server::{Core, ErrorRenderer, HasCore, RecordedRequest, Server, with_fallbacks, with_recording};

/// One provider's side of a [`Simulator`]: how it is built from its settings and what its
/// server answers. Implemented by the provider types of this crate ([`MiexApi`](crate::miex::MiexApi),
/// [`BlazeApi`](crate::blaze::BlazeApi), [`BitnobApi`](crate::bitnob::BitnobApi),
/// [`AbbeyCrossApi`](crate::abbeycross::AbbeyCrossApi), [`ChipApi`](crate::chip::ChipApi),
/// [`StripeApi`](crate::stripe::StripeApi)).
pub trait SimulatedApi: fmt::Debug + Sized + Send + Sync + 'static {
    /// The simulator's settings.
    type Config: Default + Send;

    /// The provider's base path under the server's origin, as its documented base URL ends.
    const BASE_PATH: &'static str;

    /// The provider's side in its initial state: fresh credentials, no webhooks.
    fn new(config: Self::Config) -> Self;

    /// Timeout of one delivery attempt, from the settings.
    fn delivery_timeout(config: &Self::Config) -> Duration;

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
/// [`StripeSim`](crate::StripeSim). The methods here are common to all six; each provider module adds its credentials, its state and
/// `deliver`.
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
        let poster = Poster::new(A::delivery_timeout(&config))?;
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
