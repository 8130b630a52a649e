//! A framework-neutral [tower](https://docs.rs/tower) integration (cargo feature `tower`):
//! [`ReceiverLayer`] runs the pipeline in front of any `http` service.
//!
//! For each request the [`ReceiverService`]:
//!
//! 1. refuses a declared `Content-Length` over the receiver's limit, then reads the body,
//!    stopping as soon as it passes the limit (413);
//! 2. runs [`Receive::accept`] — method, authentication, parsing, replay key, reservation —
//!    and answers every refusal itself with [`ReceiveError::status`] and a one-line
//!    `text/plain` reason (a completed duplicate gets 200 without reaching the inner service);
//! 3. calls the inner service with the raw body and the typed delivery in the request
//!    extensions (take it with [`take_delivery`], or the axum extractor
//!    [`Received`](super::axum::Received));
//! 4. completes the delivery's key when the inner service answered 2xx, and releases it
//!    otherwise (the provider's retry is then handled). A 2xx whose completion fails becomes
//!    503, so that the provider retries (at-least-once).
//!
//! ```
//! use std::sync::Arc;
//! use http::{Request, Response, StatusCode};
//! use http_body_util::Full;
//! use bytes::Bytes;
//! use hookbridge_verify::receive::tower::{ReceiverLayer, take_delivery};
//! use hookbridge_verify::receive::{Incoming, Parsed, Pipeline, ReceiveError, ReceiverSpec, ReplayKey};
//! use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, Verified, Verifier, sign::HmacSigner};
//! use tower::{ServiceBuilder, ServiceExt as _, service_fn};
//!
//! // A provider's contribution (the provider crates ship theirs: `MiexSpec`, `BitnobSpec`, ...).
//! #[derive(Debug)]
//! struct GithubSpec(HmacVerifier);
//! impl ReceiverSpec for GithubSpec {
//!     type Delivery = Bytes;
//!     fn provider(&self) -> &'static str { "github" }
//!     async fn authenticate(&self, r: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
//!         Ok(self.0.verify_at(&r.body, &r.headers, now)?)
//!     }
//!     fn parse(&self, v: Verified, r: &Incoming) -> Result<Parsed<Bytes>, ReceiveError> {
//!         Ok(Parsed::new(r.body.clone(), ReplayKey::from_verified("github", &v, &r.body)?))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = HmacSecret::from_str_bytes("github secret")?;
//! let receiver = Arc::new(Pipeline::new(GithubSpec(HmacVerifier::with_secret(HmacScheme::github(), secret.clone()))));
//! let service = ServiceBuilder::new().layer(ReceiverLayer::new(receiver)).service(service_fn(
//!     |mut request: Request<Full<Bytes>>| async move {
//!         let delivery: Bytes = take_delivery(&mut request).expect("the layer put it there");
//!         assert_eq!(&delivery[..], b"{\"zen\":\"ok\"}");
//!         Ok::<_, std::convert::Infallible>(Response::new(Full::<Bytes>::from("handled")))
//!     },
//! ));
//!
//! let body = b"{\"zen\":\"ok\"}";
//! let headers = HmacSigner::new(HmacScheme::github(), secret).sign(body, 0, None)?;
//! let mut request = Request::post("/hooks/github").body(Full::new(Bytes::from_static(body)))?;
//! request.headers_mut().extend(headers.clone());
//! assert_eq!(service.clone().oneshot(request).await?.status(), StatusCode::OK);
//! // The same delivery again: acknowledged (200) without calling the service.
//! let mut again = Request::post("/hooks/github").body(Full::new(Bytes::from_static(body)))?;
//! again.headers_mut().extend(headers);
//! let response = service.oneshot(again).await?;
//! assert_eq!(response.status(), StatusCode::OK);
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderValue, Request, Response, header};
use http_body::Body;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use tower::{Layer, Service, ServiceExt as _};

use super::error::ReceiveError;
use super::incoming::Incoming;
use super::key::ReplayKey;
use super::pipeline::Receive;

/// Reads a request body of at most `limit` bytes: a declared `Content-Length` over it is refused
/// before reading, and reading stops as soon as the limit is passed.
///
/// # Errors
/// [`ReceiveError::PayloadTooLarge`] or [`ReceiveError::BodyRead`].
pub async fn read_body<B>(headers: &http::HeaderMap, body: B, limit: usize) -> Result<Bytes, ReceiveError>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if declared_length(headers).is_some_and(|len| len > limit) {
        return Err(ReceiveError::PayloadTooLarge { limit });
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err) if err.is::<LengthLimitError>() => Err(ReceiveError::PayloadTooLarge { limit }),
        Err(err) => Err(ReceiveError::BodyRead(err)),
    }
}

/// The `Content-Length` value, when present and a plain number (anything else is left to the
/// body reader, which enforces the limit on the bytes actually received).
fn declared_length(headers: &http::HeaderMap) -> Option<usize> {
    let value = headers.get(header::CONTENT_LENGTH)?.to_str().ok()?;
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // A number too large for usize is certainly over the limit.
        Some(value.parse().unwrap_or(usize::MAX))
    } else {
        None
    }
}

/// Logs one refused or duplicate delivery (target `hookbridge::receive`): provider, status and
/// the reason chain — never a secret, a header value or body content. Refusals a provider will
/// retry (store, key, application) are warnings; forged or malformed requests are info; a
/// duplicate is debug.
pub(crate) fn trace_refusal(provider: &str, err: &ReceiveError) {
    let status = err.status().as_u16();
    if err.is_duplicate() {
        tracing::debug!(target: "hookbridge::receive", provider, status, key = ?err.replay_key(), "duplicate delivery acknowledged");
    } else if err.provider_should_retry() {
        tracing::warn!(target: "hookbridge::receive", provider, status, reason = %err.reason(), "delivery not handled; the provider will retry");
    } else {
        tracing::info!(target: "hookbridge::receive", provider, status, reason = %err.reason(), "delivery refused");
    }
}

/// The response the pipeline gives for `err`: its status and its one-line reason as
/// `text/plain` (no secret, header value or body content).
pub fn error_response<B: From<String>>(err: &ReceiveError) -> Response<B> {
    let mut response = Response::new(B::from(format!("{}\n", err.reason())));
    *response.status_mut() = err.status();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

/// The typed delivery the layer put in the request extensions (once: taking it leaves `None`).
pub(crate) struct DeliverySlot<D>(Arc<Mutex<Option<D>>>);

impl<D> Clone for DeliverySlot<D> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<D> DeliverySlot<D> {
    pub(crate) fn take(&self) -> Option<D> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Takes the typed delivery a [`ReceiverService`] put into `request`'s extensions. `None` when
/// no layer for `D` ran in front of this service, or it was already taken.
pub fn take_delivery<D: Send + 'static, B>(request: &mut Request<B>) -> Option<D> {
    request.extensions().get::<DeliverySlot<D>>().and_then(DeliverySlot::take)
}

/// The replay key of the delivery a [`ReceiverService`] is handing over (also in the request
/// extensions).
pub fn replay_key<B>(request: &Request<B>) -> Option<&ReplayKey> {
    request.extensions().get::<ReplayKey>()
}

/// A tower [`Layer`] running the receiver pipeline of `receiver` in front of a service (see
/// the [module docs](self)).
pub struct ReceiverLayer<D> {
    receiver: Arc<dyn Receive<D>>,
}

impl<D: Send + 'static> ReceiverLayer<D> {
    /// A layer for `receiver` (a provider's `Pipeline`, or any `Arc<dyn Receive<D>>`).
    pub fn new(receiver: Arc<dyn Receive<D>>) -> Self {
        Self { receiver }
    }
}

impl<D> Clone for ReceiverLayer<D> {
    fn clone(&self) -> Self {
        Self { receiver: self.receiver.clone() }
    }
}

impl<D> fmt::Debug for ReceiverLayer<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverLayer").field("receiver", &self.receiver).finish()
    }
}

impl<S, D: Send + 'static> Layer<S> for ReceiverLayer<D> {
    type Service = ReceiverService<S, D>;

    fn layer(&self, inner: S) -> Self::Service {
        ReceiverService { inner, receiver: self.receiver.clone(), delivery: PhantomData }
    }
}

/// The [`Service`] of a [`ReceiverLayer`].
pub struct ReceiverService<S, D> {
    inner: S,
    receiver: Arc<dyn Receive<D>>,
    delivery: PhantomData<fn() -> D>,
}

impl<S: Clone, D> Clone for ReceiverService<S, D> {
    fn clone(&self) -> Self {
        Self { inner: self.inner.clone(), receiver: self.receiver.clone(), delivery: PhantomData }
    }
}

impl<S, D> fmt::Debug for ReceiverService<S, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverService").field("receiver", &self.receiver).finish_non_exhaustive()
    }
}

/// The future of a [`ReceiverService`].
pub type ResponseFuture<R, E> = Pin<Box<dyn Future<Output = Result<R, E>> + Send>>;

impl<S, D, B, ResBody> Service<Request<B>> for ReceiverService<S, D>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Send,
    D: Send + 'static,
    B: Body + From<Bytes> + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    ResBody: From<String> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<Response<ResBody>, S::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Readiness is checked on the clone that handles the request (`oneshot`).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let inner = self.inner.clone();
        let receiver = self.receiver.clone();
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let provider = receiver.provider();
            let bytes = match read_body(&parts.headers, body, receiver.max_body_bytes()).await {
                Ok(bytes) => bytes,
                Err(err) => {
                    trace_refusal(provider, &err);
                    return Ok(error_response(&err));
                }
            };
            // The request's parts travel through the pipeline and come back with the delivery.
            let http::request::Parts { method, uri, version, headers, extensions, .. } = parts;
            let (delivery, ticket, incoming) = match receiver.accept(Incoming::new(method, uri, headers, bytes)).await {
                Ok(accepted) => accepted.into_parts_with_request(),
                Err(err) => {
                    trace_refusal(provider, &err);
                    return Ok(error_response(&err));
                }
            };
            let mut request = Request::new(B::from(incoming.body));
            *request.method_mut() = incoming.method;
            *request.uri_mut() = incoming.uri;
            *request.version_mut() = version;
            *request.headers_mut() = incoming.headers;
            *request.extensions_mut() = extensions;
            request.extensions_mut().insert(DeliverySlot(Arc::new(Mutex::new(Some(delivery)))));
            request.extensions_mut().insert(ticket.key().clone());
            match inner.oneshot(request).await {
                Ok(response) if response.status().is_success() => match ticket.complete().await {
                    Ok(key) => {
                        tracing::info!(target: "hookbridge::receive", provider, status = response.status().as_u16(), %key, "delivery handled");
                        Ok(response)
                    }
                    Err(err) => {
                        let err = ReceiveError::Store(err);
                        trace_refusal(provider, &err);
                        Ok(error_response(&err))
                    }
                },
                Ok(response) => {
                    // The application did not handle it: free the key for the provider's retry.
                    let _released = ticket.release().await;
                    tracing::warn!(target: "hookbridge::receive", provider, status = response.status().as_u16(), "the application did not handle the delivery; released for the provider's retry");
                    Ok(response)
                }
                Err(err) => {
                    let _released = ticket.release().await;
                    Err(err)
                }
            }
        })
    }
}
