//! The simulator hook: how the testkit starts a provider's simulator and drives it without
//! naming the provider.
//!
//! Each provider module declares what its simulator is by implementing [`SimulatedApi`] for its
//! API type (its [`ProviderId`], routes, the credentials a client needs, an example event, how it
//! delivers); the [registry](crate::registry::SIMULATORS) lists a [`Hook`] of each, one line per
//! provider. A started
//! hook is a [`RunningSimulator`]: the same handle for every provider (base URL, credentials by
//! environment-variable name, request log, fault injection, signed deliveries), with typed access
//! to the provider's [`Simulator`] when a test needs it ([`RunningSimulator::typed`]).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use hookbridge_testkit::registry;
//!
//! for hook in registry::SIMULATORS {
//!     let sim = hook.start().await?;
//!     assert_eq!(sim.provider(), hook.provider());
//!     assert!(sim.base_url.starts_with(&sim.origin()));
//!     // No callback subscribed yet: nothing to deliver to.
//!     assert!(sim.deliver(sim.example_event(), None).await?.is_empty());
//!     sim.shutdown().await;
//! }
//! # Ok(())
//! # }
//! ```

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use futures_util::future::BoxFuture;
use hookbridge_core::ProviderId;
use serde_json::Value;

use crate::deliveries::Template;
use crate::delivery::DeliveryReport;
use crate::error::Result;
use crate::server::{Core, RecordedRequest};
use crate::simulator::Simulator;
pub use crate::simulator::{SimulatedApi, SimulatorConfig};

/// Starts one provider's simulator: what the [registry](crate::registry::SIMULATORS) lists.
/// Object-safe; implemented by [`Hook`].
pub trait SimulatorHook: Send + Sync {
    /// The provider the simulator simulates.
    fn provider(&self) -> ProviderId;

    /// An event the simulator can deliver and the provider's create accepts.
    fn example_event(&self) -> &'static str;

    /// The provider's delivery templates ([`SimulatedApi::TEMPLATES`]), main one first.
    fn templates(&self) -> &'static [Template];

    /// Starts the simulator with its default settings on `127.0.0.1:<ephemeral port>`.
    ///
    /// # Errors
    /// [`Error::Bind`](crate::Error::Bind) or [`Error::HttpClient`](crate::Error::HttpClient).
    fn start(&self) -> BoxFuture<'static, Result<RunningSimulator>>;
}

/// The [`SimulatorHook`] of the provider simulated by `A`: what the registry lists
/// (`&Hook::<MiexApi>::new()`).
pub struct Hook<A>(PhantomData<fn() -> A>);

impl<A> Hook<A> {
    /// The hook (it holds nothing: everything is in `A`).
    #[must_use]
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<A> Default for Hook<A> {
    fn default() -> Self {
        Self::new()
    }
}

impl<A: SimulatedApi> fmt::Debug for Hook<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Hook").field(&A::PROVIDER).finish()
    }
}

impl<A: SimulatedApi> SimulatorHook for Hook<A> {
    fn provider(&self) -> ProviderId {
        A::PROVIDER
    }

    fn example_event(&self) -> &'static str {
        A::EXAMPLE_EVENT
    }

    fn templates(&self) -> &'static [Template] {
        A::TEMPLATES
    }

    fn start(&self) -> BoxFuture<'static, Result<RunningSimulator>> {
        Box::pin(async { Ok(RunningSimulator::new(Simulator::<A>::start().await?)) })
    }
}

/// A running simulator seen without its provider's type: what every simulator offers.
trait Running: Any + Send + Sync {
    fn core(&self) -> &Core;
    fn addr(&self) -> SocketAddr;
    fn origin(&self) -> &str;
    fn as_any(&self) -> &dyn Any;
    fn deliver<'a>(&'a self, event: &'a str, data: Option<Value>) -> BoxFuture<'a, Result<Vec<DeliveryReport>>>;
    fn shutdown(self: Box<Self>) -> BoxFuture<'static, ()>;
}

impl<A: SimulatedApi> Running for Simulator<A> {
    fn core(&self) -> &Core {
        &self.inner.core
    }

    fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    fn origin(&self) -> &str {
        &self.inner.origin
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn deliver<'a>(&'a self, event: &'a str, data: Option<Value>) -> BoxFuture<'a, Result<Vec<DeliveryReport>>> {
        Box::pin(A::deliver(self, event, data))
    }

    fn shutdown(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(Simulator::shutdown(*self))
    }
}

/// A running simulator of any provider, described the way a descriptor-built client needs it,
/// and driven the same way for every provider. `Debug` names the credentials but never shows
/// their values. Stops when dropped (or with [`shutdown`](Self::shutdown)).
#[non_exhaustive]
pub struct RunningSimulator {
    /// The simulator's API base URL.
    pub base_url: String,
    /// The credentials its client needs, by environment-variable name (the names the provider's
    /// descriptor declares), with the simulator's values.
    pub credentials: Vec<(&'static str, String)>,
    /// Whether the client must accept `http://` delivery URLs (the simulator runs on loopback).
    pub allow_insecure_urls: bool,
    provider: ProviderId,
    example_event: &'static str,
    sim: Box<dyn Running>,
}

impl fmt::Debug for RunningSimulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials: Vec<&str> = self.credentials.iter().map(|(env, _)| *env).collect();
        f.debug_struct("RunningSimulator")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("credentials", &credentials)
            .field("allow_insecure_urls", &self.allow_insecure_urls)
            .finish_non_exhaustive()
    }
}

impl RunningSimulator {
    /// The handle of a started typed simulator.
    #[must_use]
    pub fn new<A: SimulatedApi>(sim: Simulator<A>) -> Self {
        Self {
            base_url: sim.base_url(),
            credentials: sim.inner.api.credentials(),
            allow_insecure_urls: A::ALLOW_INSECURE_URLS,
            provider: A::PROVIDER,
            example_event: A::EXAMPLE_EVENT,
            sim: Box::new(sim),
        }
    }

    /// The provider simulated.
    #[must_use]
    pub fn provider(&self) -> ProviderId {
        self.provider
    }

    /// An event the simulator can [deliver](Self::deliver) and the provider's create accepts.
    #[must_use]
    pub fn example_event(&self) -> &'static str {
        self.example_event
    }

    /// The value of the credential named `env` (see [`credentials`](Self::credentials)).
    #[must_use]
    pub fn credential(&self, env: &str) -> Option<&str> {
        self.credentials.iter().find(|(name, _)| *name == env).map(|(_, value)| value.as_str())
    }

    /// The loopback address the simulator listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.sim.addr()
    }

    /// `http://127.0.0.1:<port>`: scheme, host and port, without the provider's base path.
    #[must_use]
    pub fn origin(&self) -> String {
        self.sim.origin().to_owned()
    }

    /// How many requests the simulator has received so far (its request log).
    #[must_use]
    pub fn request_count(&self) -> usize {
        self.sim.core().request_count()
    }

    /// Every request received so far, oldest first (credential header values redacted).
    #[must_use]
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.sim.core().requests()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.sim.core().clear_requests();
    }

    /// Answers the next `n` requests with `status` in the provider's error shape (see
    /// [`Simulator::fail_next`]).
    pub fn fail_next(&self, status: StatusCode, n: usize) {
        self.sim.core().fail_next(status, n, None);
    }

    /// As [`fail_next`](Self::fail_next), adding `Retry-After: <whole seconds>`.
    pub fn fail_next_with_retry_after(&self, status: StatusCode, n: usize, retry_after: Duration) {
        self.sim.core().fail_next(status, n, Some(retry_after));
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.sim.core().clear_faults();
    }

    /// POSTs a signed delivery of `event` to every callback subscribed to it, exactly as the
    /// provider's typed simulator's `deliver` does (`data` is the payload; `None`, the
    /// simulator's sample), and reports each attempt.
    ///
    /// # Errors
    /// As the typed `deliver`: when the delivery cannot be built or signed. Receiver failures
    /// are reported in the [`DeliveryReport`]s.
    pub async fn deliver(&self, event: &str, data: Option<Value>) -> Result<Vec<DeliveryReport>> {
        self.sim.deliver(event, data).await
    }

    /// The typed simulator, when it simulates with `A` (e.g. `typed::<MiexApi>()` gives the
    /// [`MiexSim`](crate::MiexSim) with its keys and state).
    #[must_use]
    pub fn typed<A: SimulatedApi>(&self) -> Option<&Simulator<A>> {
        self.sim.as_any().downcast_ref()
    }

    /// Stops the simulator, waiting for requests in flight.
    pub async fn shutdown(self) {
        self.sim.shutdown().await;
    }
}
