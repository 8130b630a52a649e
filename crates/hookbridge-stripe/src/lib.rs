//! # hookbridge-stripe
//!
//! The typed layer for Stripe's Webhook Endpoints API (docs.stripe.com/api/webhook_endpoints)
//! and the Event object Stripe delivers: every documented parameter and attribute with its exact
//! wire spelling, requests built as data and validated before anything is sent, Stripe's
//! form-encoded bodies in bracket notation, its error object, and cursor paging over core's
//! paginator. Default base URL [`DEFAULT_BASE_URL`] (`https://api.stripe.com/`).
//!
//! | operation | wire | here |
//! |---|---|---|
//! | create | `POST /v1/webhook_endpoints` | [`webhook_endpoints::create`] + [`CreateWebhookEndpoint`] → [`WebhookEndpoint`] (with `secret`) |
//! | retrieve | `GET /v1/webhook_endpoints/{id}` | [`webhook_endpoints::retrieve`] → [`WebhookEndpoint`] |
//! | update | `POST /v1/webhook_endpoints/{id}` | [`webhook_endpoints::update`] + [`UpdateWebhookEndpoint`] → [`WebhookEndpoint`] |
//! | list (one page) | `GET /v1/webhook_endpoints` | [`webhook_endpoints::list_page`] + [`ListWebhookEndpoints`] → [`List`] |
//! | list (every page) | the same, `starting_after = <last id>` while `has_more` | [`webhook_endpoints::list`] (lazy stream) |
//! | delete | `DELETE /v1/webhook_endpoints/{id}` | [`webhook_endpoints::delete`] → [`DeletedWebhookEndpoint`] |
//! | deliveries | the Event object | [`Event`], [`EventType`] |
//! | errors | `{"error": {"type", "code", "message", "param", …}}` | [`StripeError`], [`error::decode_error`] |
//!
//! * **Requests are data** ([`StripeRequest`]): method, path segments, query, the form body
//!   ([`Form`]), `Idempotency-Key`, `Stripe-Version`, `Stripe-Account` ([`RequestOptions`]), and
//!   whether repeating the request is safe. [`StripeClient`] sends them with
//!   `hookbridge-core`'s `HttpClient` (authentication with [`auth::api_key`], retries, timeouts,
//!   decoding with [`error::decode_error`]).
//! * **Idempotency**: every `POST` carries an `Idempotency-Key` (the caller's or a generated one),
//!   fixed for all attempts of that request, unless the caller omits it — then the request is not
//!   retry-safe. `GET` and `DELETE` carry none (Stripe: it has no effect there).
//! * **Secrets**: the endpoint's signing secret (`whsec_…`, returned once, by create) and the API
//!   key are [`hookbridge_core::Secret`]s: never printed, never serialized.
//! * **Server enums are open**: [`EventType`], [`WebhookEndpointStatus`] and [`ErrorType`] keep
//!   unknown values in `Unknown(String)`, which round-trips exactly.
//!
//! ## Sending requests, the unified trait, receiving
//!
//! * [`StripeClient`] sends each [`StripeRequest`] with `hookbridge-core`'s `HttpClient`
//!   (`Authorization: Bearer sk_…`, retries for retry-safe requests only, timeouts, Stripe's
//!   error object decoded); [`StripeClient::webhooks`] is the resource handle ([`Webhooks`]:
//!   `create`, `get`, `update`, `delete`, `list_page`, `list`).
//! * [`unified`]: `impl hookbridge_core::Webhook for StripeClient` and the Stripe ⇄ unified
//!   conversions (`enabled_events: ["*"]` ⇄ `EventSelection::All`, `description` ⇄ name,
//!   `status` ⇄ `EndpointStatus`; no secret rotation: the API has none).
//! * [`delivery`]: [`StripeSpec`] / [`StripeReceiver`], the receiver pipeline for
//!   `Stripe-Signature` deliveries ([`hookbridge_verify::HmacScheme::stripe`]), keyed on the
//!   signed event id; [`StripeDelivery`] converts into the unified `Delivery`.
//! * [`DESCRIPTOR`]: what the provider registry and the CLI know (credential `STRIPE_API_KEY`).
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use hookbridge_core::Secret;
//! use hookbridge_stripe::{CreateWebhookEndpoint, EventType, ListWebhookEndpoints, StripeClient};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = StripeClient::new(Secret::new(std::env::var("STRIPE_API_KEY")?))?;
//! let params = CreateWebhookEndpoint::new("https://example.com/hooks".parse()?, [EventType::ChargeSucceeded]);
//! let created = client.webhooks().create(&params).await?;
//! // The signing secret (`whsec_…`) is revealed by this answer only: store it now.
//! let _secret: Option<Secret> = created.secret;
//! let mut all = client.webhooks().list(&ListWebhookEndpoints::new().limit(100));
//! while let Some(endpoint) = all.next().await {
//!     let endpoint = endpoint?;
//!     println!("{} {} {}", endpoint.id, endpoint.status, endpoint.url);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! ## Example
//!
//! ```
//! use hookbridge_stripe::{
//!     CreateWebhookEndpoint, EventType, RequestOptions, WebhookEndpoint, webhook_endpoints,
//! };
//!
//! let params = CreateWebhookEndpoint::new(
//!     "https://example.com/my/webhook/endpoint".parse()?,
//!     [EventType::ChargeSucceeded, EventType::ChargeFailed],
//! );
//! let request = webhook_endpoints::create(&params, &RequestOptions::new())?;
//! assert_eq!(request.method().as_str(), "POST");
//! assert_eq!(request.path_segments(), ["v1", "webhook_endpoints"]);
//! assert_eq!(
//!     String::from_utf8(request.body().unwrap_or_default())?,
//!     "enabled_events[]=charge.succeeded&enabled_events[]=charge.failed\
//!      &url=https%3A%2F%2Fexample.com%2Fmy%2Fwebhook%2Fendpoint"
//! );
//! assert_eq!(request.headers()["content-type"], "application/x-www-form-urlencoded");
//! assert!(request.idempotency_key().is_some() && request.retry_safe());
//!
//! // What Stripe answers (the reference's example): the secret is there once, and hidden.
//! let created: WebhookEndpoint = serde_json::from_str(r#"{
//!   "id": "we_1Mr5jULkdIwHu7ix1ibLTM0x", "object": "webhook_endpoint", "api_version": null,
//!   "application": null, "created": 1680122196, "description": null,
//!   "enabled_events": ["charge.succeeded", "charge.failed"], "livemode": false, "metadata": {},
//!   "secret": "whsec_wRNftLajMZNeslQOP6vEPm4iVx5NlZ6z", "status": "enabled",
//!   "url": "https://example.com/my/webhook/endpoint"
//! }"#)?;
//! assert!(created.secret.as_ref().is_some_and(|s| s.expose().starts_with("whsec_")));
//! assert!(!format!("{created:?}").contains("wRNftLaj"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

pub mod auth;
mod client;
pub mod delivery;
pub mod descriptor;
pub mod error;
pub mod event;
pub mod event_type;
pub mod form;
pub mod ids;
pub mod model;
pub mod params;
pub mod receiving;
pub mod request;
pub mod unified;
pub mod webhook_endpoints;

/// This provider's id (`stripe`).
pub const PROVIDER: hookbridge_core::ProviderId = hookbridge_core::ProviderId::new("stripe");

pub use client::{StripeClient, Webhooks};
pub use delivery::{ENDPOINT_KEY_ID, StripeDelivery, StripeParser, StripeReceiver, StripeSpec, endpoint_key_ring};
pub use descriptor::{DESCRIPTOR, Stripe};
pub use error::{ErrorType, StripeError};
pub use event::{Event, EventData, EventRequest};
pub use event_type::EventType;
pub use form::{FORM_CONTENT_TYPE, Form};
pub use ids::{AccountId, EventId, WebhookEndpointId};
pub use model::{ApiVersion, DeletedWebhookEndpoint, List, Metadata, WebhookEndpoint, WebhookEndpointStatus};
pub use params::{CreateWebhookEndpoint, ListWebhookEndpoints, UpdateWebhookEndpoint};
pub use receiving::PRESETS;
pub use request::{Idempotency, RequestOptions, StripeRequest};

/// Stripe's API root; paths start with `v1/`.
pub const DEFAULT_BASE_URL: &str = "https://api.stripe.com/";
