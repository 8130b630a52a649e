//! The one algorithm: [`ReceiverSpec`] (what a provider contributes), [`Pipeline`] (the
//! steps), [`Receive`] (the object-safe trait), [`Accepted`] / [`Ticket`] (a reserved
//! delivery) and [`Application`] (what handles it).

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::Method;

use super::error::{AppError, ReceiveError};
use super::incoming::Incoming;
use super::key::ReplayKey;
use super::memory::InMemoryDedupeStore;
use super::store::{BoxFuture, DedupeStore, LeaseToken, Reservation, StoreError};
use crate::{Verified, unix_now};

/// Default body limit of a [`Pipeline`]: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Default lease of a reservation: 60 seconds. A crashed instance blocks a key at most this
/// long; an application taking longer than the lease to handle a delivery lets a concurrent
/// retry through (at-least-once). Keep it above your handler's worst-case latency.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// Default time a handled key is remembered: 72 hours (above CHIP's documented 36 h 26 min
/// retry horizon; the other providers document none).
pub const DEFAULT_RETENTION: Duration = Duration::from_secs(72 * 3600);

/// A delivery parsed by a [`ReceiverSpec`], with its replay key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Parsed<D> {
    /// The typed delivery.
    pub delivery: D,
    /// Its identity, derived from signed data only.
    pub key: ReplayKey,
}

impl<D> Parsed<D> {
    /// A parsed delivery and its key.
    pub fn new(delivery: D, key: ReplayKey) -> Self {
        Self { delivery, key }
    }
}

/// A typed delivery that carries its own replay key (every provider's does), so that
/// `Parsed::from(delivery)` needs nothing else.
pub trait Identified {
    /// The delivery's identity, derived from signed data.
    fn replay_key(&self) -> &ReplayKey;
}

impl<D: Identified> From<D> for Parsed<D> {
    fn from(delivery: D) -> Self {
        let key = delivery.replay_key().clone();
        Self { delivery, key }
    }
}

/// What a provider contributes to the pipeline — and nothing else: how a request is
/// authenticated (a scheme and its keys, or a key source), how the authentic body is parsed,
/// and how the replay key is derived from **signed** data.
///
/// The pipeline does the rest, identically for every provider: method and body-size checks,
/// dedupe reservation, handing over, completing or releasing.
pub trait ReceiverSpec: fmt::Debug + Send + Sync + 'static {
    /// The typed delivery (`MiexDelivery`, `BitnobDelivery`, ...).
    type Delivery: Send + 'static;

    /// The provider's name (`"miex"`), used in replay keys and errors.
    fn provider(&self) -> &'static str;

    /// Checks the request's signature (or URL token) at `now` (unix seconds). Fail closed:
    /// `Ok` only after a cryptographic check succeeded.
    ///
    /// # Errors
    /// [`ReceiveError::Verification`], or [`ReceiveError::KeyUnavailable`] for key sources.
    fn authenticate(&self, request: &Incoming, now: i64)
    -> impl Future<Output = Result<Verified, ReceiveError>> + Send;

    /// Parses an authenticated request into the typed delivery and derives its replay key.
    /// Unsigned headers may be reported (marked unsigned) but never decide identity.
    ///
    /// # Errors
    /// [`ReceiveError::Delivery`] (unusable body or headers) or [`ReceiveError::ReplayKey`].
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<Self::Delivery>, ReceiveError>;

    /// How long a handled key is remembered unless the pipeline is configured otherwise:
    /// at least the provider's retry horizon. Default [`DEFAULT_RETENTION`].
    fn default_retention(&self) -> Duration {
        DEFAULT_RETENTION
    }
}

/// Hands a delivery to the application. Return `Ok` only once the delivery is durably handled
/// (processed, stored, enqueued): the pipeline then marks it done, and duplicates are
/// acknowledged without calling the application again. On `Err` the reservation is released
/// and the provider's retry is handled.
///
/// Closures implement it through [`app_fn`].
pub trait Application<D>: Send + Sync {
    /// Handles one delivery.
    fn handle(&self, delivery: D) -> BoxFuture<'_, Result<(), AppError>>;
}

/// An [`Application`] from an async closure.
///
/// ```
/// use hookbridge_verify::receive::{AppError, Application, app_fn};
///
/// let app = app_fn(|delivery: String| async move {
///     if delivery.is_empty() { Err(AppError::new("empty")) } else { Ok(()) }
/// });
/// # let _ = &app as &dyn Application<String>;
/// ```
pub fn app_fn<D, F, Fut>(f: F) -> AppFn<F>
where
    F: Fn(D) -> Fut + Send + Sync,
    Fut: Future<Output = Result<(), AppError>> + Send + 'static,
{
    AppFn(f)
}

/// See [`app_fn`].
#[derive(Clone, Copy)]
pub struct AppFn<F>(F);

impl<F> fmt::Debug for AppFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AppFn(..)")
    }
}

impl<D, F, Fut> Application<D> for AppFn<F>
where
    F: Fn(D) -> Fut + Send + Sync,
    Fut: Future<Output = Result<(), AppError>> + Send + 'static,
{
    fn handle(&self, delivery: D) -> BoxFuture<'_, Result<(), AppError>> {
        Box::pin((self.0)(delivery))
    }
}

impl<D, A: Application<D> + ?Sized> Application<D> for Arc<A> {
    fn handle(&self, delivery: D) -> BoxFuture<'_, Result<(), AppError>> {
        (**self).handle(delivery)
    }
}

/// The reservation of one delivery's replay key: [`complete`](Self::complete) it once the
/// application has handled the delivery, or [`release`](Self::release) it when it failed.
///
/// Dropped unresolved, it is released in the background when a tokio runtime is running
/// (cargo feature `tower` or `axum`); otherwise its lease expires.
#[must_use = "complete the ticket once the delivery is handled, or release it"]
pub struct Ticket {
    store: Arc<dyn DedupeStore>,
    key: ReplayKey,
    token: LeaseToken,
    retention: Duration,
    resolved: bool,
}

impl Ticket {
    /// The replay key.
    #[must_use]
    pub fn key(&self) -> &ReplayKey {
        &self.key
    }

    /// Records the delivery as handled: duplicates within the retention are acknowledged
    /// without handling.
    ///
    /// # Errors
    /// [`StoreError`]: the key stays reserved until its lease expires; a retry after that is
    /// handled again (at-least-once).
    pub async fn complete(mut self) -> Result<ReplayKey, StoreError> {
        self.resolved = true;
        self.store.complete(&self.key, &self.token, self.retention).await?;
        Ok(self.key.clone())
    }

    /// Frees the key so that the provider's retry is handled.
    ///
    /// # Errors
    /// [`StoreError`]: the key is then freed when its lease expires.
    pub async fn release(mut self) -> Result<ReplayKey, StoreError> {
        self.resolved = true;
        self.store.release(&self.key, &self.token).await?;
        Ok(self.key.clone())
    }
}

impl fmt::Debug for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ticket").field("key", &self.key).field("resolved", &self.resolved).finish_non_exhaustive()
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        // Without a tokio runtime the lease frees the key.
        #[cfg(feature = "tokio")]
        if !self.resolved
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            let store = self.store.clone();
            let key = self.key.clone();
            let token = self.token.clone();
            runtime.spawn(async move {
                let _released = store.release(&key, &token).await;
            });
        }
    }
}

/// An authentic, parsed, reserved delivery: hand [`delivery`](Self::delivery) to the
/// application, then resolve the [`Ticket`].
#[derive(Debug)]
pub struct Accepted<D> {
    delivery: D,
    ticket: Ticket,
    request: Incoming,
}

impl<D> Accepted<D> {
    /// The typed delivery.
    pub fn delivery(&self) -> &D {
        &self.delivery
    }

    /// The replay key.
    pub fn key(&self) -> &ReplayKey {
        &self.ticket.key
    }

    /// The request as received (method, URI, headers, raw body), for callers that store or
    /// forward the original delivery.
    pub fn request(&self) -> &Incoming {
        &self.request
    }

    /// The delivery and its ticket.
    pub fn into_parts(self) -> (D, Ticket) {
        (self.delivery, self.ticket)
    }

    /// The delivery, its ticket and the request as received.
    pub fn into_parts_with_request(self) -> (D, Ticket, Incoming) {
        (self.delivery, self.ticket, self.request)
    }

    /// Converts the delivery (for example a typed delivery into the unified `Delivery`).
    pub fn map<E>(self, f: impl FnOnce(D) -> E) -> Accepted<E> {
        Accepted { delivery: f(self.delivery), ticket: self.ticket, request: self.request }
    }
}

/// A receiver of one provider's deliveries, object safe: `Arc<dyn Receive<D>>` receivers of
/// every provider are interchangeable (with `D` the unified `Delivery`, after
/// [`map`](ReceiveExt::map)).
pub trait Receive<D: Send + 'static>: fmt::Debug + Send + Sync {
    /// The provider's name.
    fn provider(&self) -> &'static str;

    /// The largest body accepted, in bytes (larger: 413, checked before anything else).
    fn max_body_bytes(&self) -> usize;

    /// Runs the pipeline up to the application at `now` (unix seconds): method, body size,
    /// authentication, parsing, replay key, reservation.
    ///
    /// # Errors
    /// A [`ReceiveError`]; duplicates are [`ReceiveError::Duplicate`] (200) and
    /// [`ReceiveError::InFlight`] (409).
    fn accept_at(&self, request: Incoming, now: i64) -> BoxFuture<'_, Result<Accepted<D>, ReceiveError>>;

    /// [`accept_at`](Self::accept_at) with the system clock.
    ///
    /// # Errors
    /// See [`accept_at`](Self::accept_at).
    fn accept(&self, request: Incoming) -> BoxFuture<'_, Result<Accepted<D>, ReceiveError>> {
        self.accept_at(request, unix_now())
    }

    /// The whole pipeline: [`accept`](Self::accept), hand the delivery to `app`, then complete
    /// the key (app succeeded) or release it (app failed, so the provider's retry is handled).
    /// Returns the replay key of the handled delivery.
    ///
    /// # Errors
    /// Any [`ReceiveError`]; [`ReceiveError::Application`] when `app` failed,
    /// [`ReceiveError::Store`] when the key could not be completed (the provider retries and
    /// the delivery may be handled again: at-least-once).
    fn receive<'a>(
        &'a self,
        request: Incoming,
        app: &'a dyn Application<D>,
    ) -> BoxFuture<'a, Result<ReplayKey, ReceiveError>> {
        Box::pin(async move {
            let (delivery, ticket) = self.accept(request).await?.into_parts();
            match app.handle(delivery).await {
                Ok(()) => Ok(ticket.complete().await?),
                Err(err) => {
                    // A failed release leaves the key to its lease: the retry is handled later.
                    let _released = ticket.release().await;
                    Err(ReceiveError::Application(err))
                }
            }
        })
    }
}

impl<D: Send + 'static, R: Receive<D> + ?Sized> Receive<D> for Arc<R> {
    fn provider(&self) -> &'static str {
        (**self).provider()
    }

    fn max_body_bytes(&self) -> usize {
        (**self).max_body_bytes()
    }

    fn accept_at(&self, request: Incoming, now: i64) -> BoxFuture<'_, Result<Accepted<D>, ReceiveError>> {
        (**self).accept_at(request, now)
    }
}

/// Adapters on every [`Receive`].
pub trait ReceiveExt<D: Send + 'static>: Receive<D> + Sized {
    /// A receiver handing out `f(delivery)`: typed → unified with `map(Delivery::from)`.
    fn map<E, F>(self, f: F) -> MapReceive<Self, F, D>
    where
        E: Send + 'static,
        F: Fn(D) -> E + Send + Sync,
    {
        MapReceive { inner: self, f, input: PhantomData }
    }
}

impl<D: Send + 'static, R: Receive<D>> ReceiveExt<D> for R {}

/// See [`ReceiveExt::map`].
pub struct MapReceive<R, F, D> {
    inner: R,
    f: F,
    input: PhantomData<fn(D)>,
}

impl<R: fmt::Debug, F, D> fmt::Debug for MapReceive<R, F, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapReceive").field("inner", &self.inner).finish_non_exhaustive()
    }
}

impl<D, E, R, F> Receive<E> for MapReceive<R, F, D>
where
    D: Send + 'static,
    E: Send + 'static,
    R: Receive<D>,
    F: Fn(D) -> E + Send + Sync,
{
    fn provider(&self) -> &'static str {
        self.inner.provider()
    }

    fn max_body_bytes(&self) -> usize {
        self.inner.max_body_bytes()
    }

    fn accept_at(&self, request: Incoming, now: i64) -> BoxFuture<'_, Result<Accepted<E>, ReceiveError>> {
        Box::pin(async move { Ok(self.inner.accept_at(request, now).await?.map(&self.f)) })
    }
}

/// The pipeline for one provider: its [`ReceiverSpec`] plus a [`DedupeStore`] and limits.
/// Build it once and share it (`Arc`); every method takes `&self`.
///
/// Steps, in order, identical for every provider:
///
/// 1. method `POST` (else 405) and body within [`max_body_bytes`](Self::max_body_bytes) (else 413);
/// 2. authenticate the raw bytes (the spec's scheme or key source) — 401 / 400 / 503;
/// 3. parse the body, reconcile unsigned headers, derive the replay key from signed data — 400;
/// 4. reserve the key in the store: new → continue; completed → 200 without handling;
///    in flight → 409; store failure → 503;
/// 5. hand the delivery to the application ([`Receive::receive`]) or to the caller
///    ([`Receive::accept`]);
/// 6. complete the key when the application succeeded, release it when it failed.
///
/// ```
/// use std::sync::Arc;
/// use hookbridge_verify::receive::{InMemoryDedupeStore, Pipeline};
/// # use hookbridge_verify::receive::{Incoming, Parsed, ReceiveError, ReceiverSpec, ReplayKey};
/// # use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, Verified, Verifier};
/// # #[derive(Debug)] struct MySpec(HmacVerifier);
/// # impl ReceiverSpec for MySpec {
/// #     type Delivery = bytes::Bytes;
/// #     fn provider(&self) -> &'static str { "mine" }
/// #     async fn authenticate(&self, r: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
/// #         Ok(self.0.verify_at(&r.body, &r.headers, now)?)
/// #     }
/// #     fn parse(&self, v: Verified, r: &Incoming) -> Result<Parsed<bytes::Bytes>, ReceiveError> {
/// #         Ok(Parsed::new(r.body.clone(), ReplayKey::from_verified("mine", &v, &r.body)?))
/// #     }
/// # }
/// # let spec = MySpec(HmacVerifier::with_secret(HmacScheme::github(), HmacSecret::from_str_bytes("s").unwrap()));
/// let pipeline = Pipeline::new(spec)
///     .with_store(Arc::new(InMemoryDedupeStore::new()))
///     .max_body_bytes(256 * 1024);
/// # let _ = pipeline;
/// ```
pub struct Pipeline<S> {
    spec: S,
    store: Arc<dyn DedupeStore>,
    max_body_bytes: usize,
    lease: Duration,
    retention: Duration,
}

impl<S: ReceiverSpec> Pipeline<S> {
    /// A pipeline for `spec` with an [`InMemoryDedupeStore`], [`DEFAULT_MAX_BODY_BYTES`],
    /// [`DEFAULT_LEASE`] and the spec's retention.
    pub fn new(spec: S) -> Self {
        let retention = spec.default_retention();
        Self {
            spec,
            store: Arc::new(InMemoryDedupeStore::new()),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            lease: DEFAULT_LEASE,
            retention,
        }
    }

    /// Uses `store` for dedupe (share one Redis or Postgres store across a fleet).
    #[must_use]
    pub fn with_store(mut self, store: Arc<dyn DedupeStore>) -> Self {
        self.store = store;
        self
    }

    /// Sets the largest accepted body, in bytes.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Sets the reservation lease (see [`DEFAULT_LEASE`]).
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets how long handled keys are remembered (at least the provider's retry horizon).
    #[must_use]
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// The provider's contribution.
    pub fn spec(&self) -> &S {
        &self.spec
    }

    /// The dedupe store.
    pub fn store(&self) -> &Arc<dyn DedupeStore> {
        &self.store
    }

    /// The reservation lease.
    pub fn lease_duration(&self) -> Duration {
        self.lease
    }

    /// How long handled keys are remembered.
    pub fn retention_duration(&self) -> Duration {
        self.retention
    }

    /// Steps 1–3 without touching the store: checks, authenticates and parses `request` at
    /// `now`. For tools that inspect deliveries (`hookbridge verify`); receivers use
    /// [`Receive::accept`] or [`Receive::receive`].
    ///
    /// # Errors
    /// As [`Receive::accept_at`], without the duplicate and store errors.
    pub async fn check_at(&self, request: &Incoming, now: i64) -> Result<Parsed<S::Delivery>, ReceiveError> {
        if request.method != Method::POST {
            return Err(ReceiveError::MethodNotAllowed { method: request.method.clone() });
        }
        if request.body.len() > self.max_body_bytes {
            return Err(ReceiveError::PayloadTooLarge { limit: self.max_body_bytes });
        }
        let verified = self.spec.authenticate(request, now).await?;
        self.spec.parse(verified, request)
    }

    async fn accept_now(&self, request: Incoming, now: i64) -> Result<Accepted<S::Delivery>, ReceiveError> {
        let Parsed { delivery, key } = self.check_at(&request, now).await?;
        match self.store.reserve(&key, self.lease).await? {
            Reservation::Reserved(token) => Ok(Accepted {
                delivery,
                ticket: Ticket { store: self.store.clone(), key, token, retention: self.retention, resolved: false },
                request,
            }),
            Reservation::Completed => Err(ReceiveError::Duplicate { key }),
            Reservation::InFlight => Err(ReceiveError::InFlight { key }),
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for Pipeline<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pipeline")
            .field("spec", &self.spec)
            .field("store", &self.store)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("lease", &self.lease)
            .field("retention", &self.retention)
            .finish()
    }
}

impl<S: ReceiverSpec> Receive<S::Delivery> for Pipeline<S> {
    fn provider(&self) -> &'static str {
        self.spec.provider()
    }

    fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    fn accept_at(&self, request: Incoming, now: i64) -> BoxFuture<'_, Result<Accepted<S::Delivery>, ReceiveError>> {
        Box::pin(self.accept_now(request, now))
    }
}
