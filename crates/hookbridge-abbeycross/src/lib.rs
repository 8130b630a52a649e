//! # hookbridge-abbeycross
//!
//! A typed client for the webhook endpoint of the AbbeyCross FX / cross-border API
//! (register-with-`apiSecretKey` dialect), built on [`hookbridge_core`].
//!
//! ## What is modelled
//!
//! AbbeyCross documents one webhook operation, and this crate models all of it:
//!
//! * `POST {base}/v1/webhooks/register` — [`Webhooks::register`] with a [`RegisterWebhook`]
//!   (the endpoint URL and the events to subscribe to), Bearer auth. A 201 returns
//!   [`RegisterWebhookResponse`] `{message, apiSecretKey}`, the key as a
//!   [`Secret`](hookbridge_core::Secret);
//! * errors 400, 401, 404, 500 and 503, which share one body
//!   `{errorId, code, text, parameter_name, parameter_value}` — the typed [`AbbeyCrossError`]
//!   (a [`ProviderErrorBody`](hookbridge_core::ProviderErrorBody), read back with
//!   [`ApiError::provider_error`](hookbridge_core::ApiError::provider_error)). A 503 means "the server
//!   is currently unavailable due to non-working hours": it is classified
//!   [`ApiErrorKind::Closed`](hookbridge_core::ApiErrorKind::Closed), so
//!   `err.is_closed()` and `err.is_retryable()` are true. A body that is not the
//!   documented JSON leaves the typed body `None` and keeps the raw bytes;
//! * the unified [`Webhook`](hookbridge_core::Webhook) trait: `create` only (see [`unified`]).
//!
//! ## What AbbeyCross leaves undocumented, and how this crate handles it
//!
//! * **The host.** Not documented: [`AbbeyCrossClient::new`] takes the base URL (everything before
//!   `/v1/webhooks/register`).
//! * **The request field names.** The reference describes the two body fields ("The URL of the webhook
//!   endpoint to register.", "The list of events to subscribe to.") but does not show their JSON
//!   names. hookbridge **infers `url` and `events`**; if AbbeyCross expects others, set them with
//!   [`AbbeyCrossClient::with_body_field_names`].
//! * **The events.** No catalogue is published, so events are free-form
//!   [`EventType`](hookbridge_core::EventType) names and "all events" is not offered. The docs do not
//!   say the list must be non-empty, so an empty list is allowed and sent as `[]`. hookbridge only
//!   refuses empty event names and non-HTTP(S) URLs before sending.
//! * **A webhook id.** The response has none. Through the unified trait the registered URL serves as
//!   [`Endpoint::id`](hookbridge_core::Endpoint::id), and `message` is kept in `provider_fields`.
//! * **How deliveries use `apiSecretKey`.** Not documented: no signature header, algorithm or signed
//!   content is published. Verifying AbbeyCross deliveries therefore needs a scheme you configure
//!   yourself in `hookbridge-verify` (for example an HMAC scheme built with its builder) once you know
//!   it; this crate does not guess one (see [Receiving deliveries](#receiving-deliveries)). No delivery
//!   payload is documented either.
//! * **Listing, reading, updating, deleting webhooks, rotating the secret.** Not documented, so not
//!   offered; through the unified trait they return
//!   [`Error::Unsupported`](hookbridge_core::Error::Unsupported).
//! * **Idempotency.** None documented: registration is never retried automatically.
//!
//! ## Example
//!
//! ```
//! use hookbridge_abbeycross::{AbbeyCrossClient, AbbeyCrossError, RegisterWebhook};
//! use hookbridge_core::{Secret, Webhook};
//! use serde_json::json;
//!
//! let client = AbbeyCrossClient::new("https://api.abbeycross.example", Secret::new("tok_live_123"))?;
//! assert!(client.capabilities().create && !client.capabilities().list);
//! assert!(!format!("{client:?}").contains("tok_live_123"));
//!
//! let request = RegisterWebhook::new("https://example.com/hooks/fx".parse::<url::Url>()?, ["trade.settled"]);
//! request.validate()?;
//! assert_eq!(
//!     request.to_body(client.body_field_names()),
//!     json!({"url": "https://example.com/hooks/fx", "events": ["trade.settled"]})
//! );
//! // In an async context:
//! //   let registered = client.webhooks().register(&request).await?;
//! //   store registered.api_secret_key;
//! //   on error: err.is_closed(), err.as_api()?.provider_error::<AbbeyCrossError>()
//!
//! let body: AbbeyCrossError = serde_json::from_value(json!({
//!     "errorId": "e-1", "code": "INVALID_PARAMETER", "text": "url is invalid",
//!     "parameter_name": "url", "parameter_value": "ftp://x"
//! }))?;
//! assert_eq!(body.to_string(), "INVALID_PARAMETER: url is invalid (parameter `url` = \"ftp://x\") [errorId e-1]");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Receiving deliveries
//!
//! [`AbbeyCrossSpec`], AbbeyCross's part of the receiver pipeline, verifies each delivery over the
//! **raw body bytes** with the [`Verifier`](hookbridge_verify::Verifier) you configure (AbbeyCross
//! documents no scheme), parses the body as JSON into an [`AbbeyCrossDelivery`] (event type from
//! `event`, `eventType` or `type`) and keys it on signed data only. [`AbbeyCrossReceiver`] runs the
//! pipeline; the delivery converts into the unified [`hookbridge_core::Delivery`]. See [`delivery`]
//! and `docs/verifying-deliveries.md`.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use hookbridge_abbeycross::{AbbeyCrossDelivery, AbbeyCrossReceiver, AbbeyCrossSpec};
//! use hookbridge_core::reexports::http::HeaderName;
//! use hookbridge_core::EventType;
//! use hookbridge_verify::receive::{Incoming, Receive as _};
//! use hookbridge_verify::{
//!     HmacScheme, HmacSecret, HmacVerifier, KeyRing, SignatureEncoding, SignedContent, sign::HmacSigner,
//! };
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // HYPOTHETICAL scheme (header names are placeholders): find out the real one first.
//! let scheme = HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
//!     .encoding(SignatureEncoding::Base64)
//!     .signed_content(SignedContent::TimestampDotBody)
//!     .timestamp_header(HeaderName::from_static("x-abbeycross-timestamp"))
//!     .tolerance(Duration::from_secs(300))
//!     .build()?;
//! let api_secret_key = HmacSecret::from_str_bytes("the apiSecretKey from registration")?;
//! let verifier = HmacVerifier::new(scheme.clone(), KeyRing::single("registered-2025", api_secret_key.clone()))?;
//! let receiver = AbbeyCrossReceiver::new(AbbeyCrossSpec::new(Arc::new(verifier)));
//!
//! let body = br#"{"event":"payment.settled","data":{"paymentId":"pay_1"}}"#;
//! let headers = HmacSigner::new(scheme, api_secret_key).sign(body, 1_735_689_600, None)?;
//! let request = Incoming::post("/hooks/abbeycross".parse()?, headers.clone(), &body[..]);
//! let accepted = receiver.accept_at(request, 1_735_689_610).await?;
//! let delivery: &AbbeyCrossDelivery = accepted.delivery();
//! assert_eq!(delivery.event_type, Some(EventType::new("payment.settled")));
//! assert_eq!(delivery.payload["data"]["paymentId"], "pay_1");
//! let forged = Incoming::post("/hooks/abbeycross".parse()?, headers, &b"{}"[..]);
//! assert!(receiver.accept_at(forged, 1_735_689_610).await.unwrap_err().is_verification());
//! # Ok(())
//! # }
//! ```

pub mod client;
pub mod delivery;
pub mod descriptor;
pub mod error;
pub mod model;
pub mod receiving;
pub mod unified;

/// This provider's id (`abbeycross`).
pub const PROVIDER: hookbridge_core::ProviderId = hookbridge_core::ProviderId::new("abbeycross");

pub use client::{AbbeyCrossClient, Webhooks};
pub use delivery::{AbbeyCrossDelivery, AbbeyCrossParser, AbbeyCrossReceiver, AbbeyCrossSpec};
pub use descriptor::{AbbeyCross, DESCRIPTOR};
pub use error::{AbbeyCrossError, decode_error};
pub use model::{BodyFieldNames, RegisterWebhook, RegisterWebhookResponse, RegisteredWebhook};
pub use receiving::{PRESETS, assumed_delivery_scheme};
