//! [axum](https://docs.rs/axum/0.8) integration (cargo feature `axum`), built on the
//! [`tower`](super::tower) layer:
//!
//! * [`ReceiveError`] is an [`IntoResponse`] with the pipeline's status table;
//! * [`Received<D>`] is a typed extractor — `Received<MiexDelivery>`, or `Received<Delivery>`
//!   for the unified delivery — for handlers behind a [`ReceiverLayer`](super::tower::ReceiverLayer);
//!   the handler's status decides: 2xx completes the delivery's key, anything else releases it;
//! * [`hooks_router`] serves `POST /hooks/{provider}` for several receivers, handing every
//!   delivery to one [`Application`].
//!
//! ```
//! use std::sync::Arc;
//! use axum::{Router, routing::post, http::StatusCode};
//! use hookbridge_verify::receive::axum::Received;
//! use hookbridge_verify::receive::tower::ReceiverLayer;
//! use hookbridge_verify::receive::{Incoming, Parsed, Pipeline, ReceiveError, ReceiverSpec, ReplayKey};
//! use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, Verified, Verifier};
//! # #[derive(Debug)] struct GithubSpec(HmacVerifier);
//! # impl ReceiverSpec for GithubSpec {
//! #     type Delivery = bytes::Bytes;
//! #     fn provider(&self) -> &'static str { "github" }
//! #     async fn authenticate(&self, r: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
//! #         Ok(self.0.verify_at(&r.body, &r.headers, now)?)
//! #     }
//! #     fn parse(&self, v: Verified, r: &Incoming) -> Result<Parsed<bytes::Bytes>, ReceiveError> {
//! #         Ok(Parsed::new(r.body.clone(), ReplayKey::from_verified("github", &v, &r.body)?))
//! #     }
//! # }
//!
//! async fn on_push(Received(body): Received<bytes::Bytes>) -> StatusCode {
//!     // Only authentic, first-time deliveries get here. 2xx: handled; anything else: retried.
//!     let _ = body;
//!     StatusCode::NO_CONTENT
//! }
//!
//! # fn main() -> Result<(), hookbridge_verify::KeyError> {
//! let secret = HmacSecret::from_str_bytes("github secret")?;
//! let receiver = Arc::new(Pipeline::new(GithubSpec(HmacVerifier::with_secret(HmacScheme::github(), secret))));
//! let app: Router = Router::new().route("/hooks/github", post(on_push).layer(ReceiverLayer::new(receiver)));
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use ::axum::Router;
use ::axum::body::Body;
use ::axum::extract::{FromRequestParts, Path, Request, State};
use ::axum::http::StatusCode;
use ::axum::http::request::Parts;
use ::axum::response::{IntoResponse, Response};
use ::axum::routing::post;

use super::error::ReceiveError;
use super::incoming::Incoming;
use super::pipeline::{Application, Receive};
use super::tower::{DeliverySlot, error_response, read_body, trace_refusal};

impl IntoResponse for ReceiveError {
    fn into_response(self) -> Response {
        error_response::<Body>(&self)
    }
}

/// The typed delivery handed over by a [`ReceiverLayer`](super::tower::ReceiverLayer) in front of
/// the handler. Without such a layer (for this `D`) the extraction fails with
/// [`MissingReceiverLayer`] (500: a wiring mistake, never a provider's fault).
#[derive(Debug)]
pub struct Received<D>(pub D);

/// [`Received`] was used on a route without a [`ReceiverLayer`](super::tower::ReceiverLayer)
/// for its delivery type: 500.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("no receiver layer hands this delivery type to the handler")]
pub struct MissingReceiverLayer;

impl IntoResponse for MissingReceiverLayer {
    fn into_response(self) -> Response {
        (StatusCode::INTERNAL_SERVER_ERROR, format!("{self}\n")).into_response()
    }
}

impl<D: Send + 'static, S: Send + Sync> FromRequestParts<S> for Received<D> {
    type Rejection = MissingReceiverLayer;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<DeliverySlot<D>>().and_then(DeliverySlot::take).map(Received).ok_or(MissingReceiverLayer)
    }
}

/// Receivers by provider name, for [`hooks_router`].
struct Hooks<D> {
    receivers: HashMap<&'static str, Arc<dyn Receive<D>>>,
    app: Arc<dyn Application<D>>,
}

impl<D> fmt::Debug for Hooks<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks").field("providers", &self.receivers.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}

/// A router serving `POST /hooks/{provider}` for every receiver in `receivers` (keyed by
/// [`Receive::provider`]; a later receiver for the same provider replaces an earlier one),
/// running the whole pipeline and handing each delivery to `app`:
///
/// | outcome | status |
/// |---|---|
/// | handled by `app` | 200 |
/// | unknown provider in the path | 404 |
/// | any [`ReceiveError`] | [`ReceiveError::status`] |
///
/// With `D` the unified `Delivery` (each provider's pipeline mapped with
/// [`ReceiveExt::map`](super::ReceiveExt::map)), one application handles every provider.
pub fn hooks_router<D: Send + 'static>(
    receivers: impl IntoIterator<Item = Arc<dyn Receive<D>>>,
    app: Arc<dyn Application<D>>,
) -> Router {
    let receivers = receivers.into_iter().map(|r| (r.provider(), r)).collect();
    let hooks = Arc::new(Hooks { receivers, app });
    Router::new().route("/hooks/{provider}", post(receive_hook::<D>)).with_state(hooks)
}

async fn receive_hook<D: Send + 'static>(
    State(hooks): State<Arc<Hooks<D>>>,
    Path(provider): Path<String>,
    request: Request,
) -> Response {
    let Some(receiver) = hooks.receivers.get(provider.as_str()) else {
        return (StatusCode::NOT_FOUND, "no receiver for this provider\n").into_response();
    };
    let (parts, body) = request.into_parts();
    let provider = receiver.provider();
    let bytes = match read_body(&parts.headers, body, receiver.max_body_bytes()).await {
        Ok(bytes) => bytes,
        Err(err) => {
            trace_refusal(provider, &err);
            return err.into_response();
        }
    };
    let incoming = Incoming::new(parts.method, parts.uri, parts.headers, bytes);
    match receiver.receive(incoming, hooks.app.as_ref()).await {
        Ok(key) => {
            tracing::info!(target: "hookbridge::receive", provider, %key, "delivery handled");
            (StatusCode::OK, "handled\n").into_response()
        }
        Err(err) => {
            trace_refusal(provider, &err);
            err.into_response()
        }
    }
}
