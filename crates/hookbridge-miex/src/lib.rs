//! # hookbridge-miex
//!
//! A typed client for the webhook endpoint of the MIEX currency-exchange partner API
//! (camelCase dialect), built on [`hookbridge_core`].
//!
//! ## What is modelled
//!
//! MIEX documents one webhook operation, and this crate models all of it:
//!
//! * `POST {base}/partner/webhooks` — [`Webhooks::register`] with a [`RegisterWebhook`] body
//!   `{url, events}` (`url` a URI, `events` at least one of the four [`MiexEvent`]s), returning a
//!   [`MiexWebhook`]: `id` (UUID), `url`, `events`, `isActive`, `failCount`, `createdAt`, `updatedAt`
//!   (RFC 3339), `secretKey` (a [`Secret`](hookbridge_core::Secret), **shown only in this response**)
//!   and `note`;
//! * API keys — [`MiexApiKey`] parses `sk_branch_<32 chars>` (superadmin, branch),
//!   `sk_personal_<32 chars>` (panel user) and `pk_<32 chars>` (public, read-only) into a
//!   [`KeyKind`] when the client is built, before any request; a malformed key is
//!   [`InvalidInput`](hookbridge_core::InvalidInput) on field `api_key` (the message names the
//!   formats, never the key). A `pk_` key builds a client (it is a valid key), but
//!   [`Webhooks::register`] refuses it before sending. Auth is `Authorization: Bearer <key>`;
//! * the unified [`Webhook`](hookbridge_core::Webhook) trait: `create` only (see [`unified`]).
//!   `EventSelection::All` expands to the four documented events, since MIEX has no "all events"
//!   flag; an event name outside the documented four is refused before sending.
//!
//! ## What MIEX leaves undocumented, and how this crate handles it
//!
//! * **The host.** The docs only show the placeholder `https://api.example.com/api/v1`, so there is
//!   no default: [`MiexClient::new`] takes the base URL (everything before `/partner/webhooks`).
//! * **The key alphabet.** The docs say `<32chars>` without naming the characters; hookbridge accepts
//!   exactly 32 printable, non-whitespace ASCII characters (`!`..=`~`) after the prefix.
//! * **Error bodies.** MIEX documents none: a non-2xx response is a core
//!   [`ApiError`](hookbridge_core::ApiError) with the status, its [`ApiErrorKind`](hookbridge_core::ApiErrorKind)
//!   and the raw body (`body` is `None`).
//! * **Which response fields are always present.** None is marked required; `id` and `url` are required
//!   here, every other field is optional, and undocumented fields are kept in [`MiexWebhook::extra`].
//! * **Listing, reading, updating, deleting webhooks, rotating the secret.** Not documented, so not
//!   offered; through the unified trait they return [`Error::Unsupported`](hookbridge_core::Error::Unsupported).
//! * **Idempotency.** None documented: registration is never retried automatically.
//! * **Deliveries.** MIEX signs each delivery with HMAC-SHA256 of the raw body under `secretKey`
//!   (header `X-Webhook-Signature: sha256=<hex>`), with no timestamp, and documents no retry schedule
//!   or replay window: see [Receiving deliveries](#receiving-deliveries).
//!
//! hookbridge also refuses a non-HTTP(S) webhook URL before sending (MIEX delivers by HTTP POST).
//!
//! ## Example
//!
//! ```
//! use hookbridge_core::{Secret, Webhook};
//! use hookbridge_miex::{KeyKind, MiexClient, MiexEvent, RegisterWebhook};
//!
//! let client = MiexClient::new(
//!     "https://api.example.com/api/v1",
//!     Secret::new("sk_personal_0123456789abcdef0123456789abcdef"),
//! )?;
//! assert_eq!(client.key_kind(), KeyKind::Personal);
//! assert!(client.capabilities().create && !client.capabilities().list);
//! assert!(!format!("{client:?}").contains("0123456789abcdef"));
//!
//! let request = RegisterWebhook::new(
//!     hookbridge_core::DeliveryUrl::new("https://example.com/webhooks/exchange")?,
//!     [MiexEvent::OrderCreated, MiexEvent::OrderStatusChanged],
//! );
//! request.validate()?;
//! // In an async context: let webhook = client.webhooks().register(&request).await?;
//! //                      store webhook.secret_key — MIEX shows it only once.
//!
//! // A malformed key is refused at construction, without echoing it.
//! let err = MiexClient::new("https://api.example.com/api/v1", Secret::new("sk_test_123")).unwrap_err();
//! assert!(err.is_invalid_input() && !err.to_string().contains("sk_test_123"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Receiving deliveries
//!
//! [`MiexSpec`] is MIEX's part of the receiver pipeline ([`hookbridge_verify::receive`]): it
//! verifies `X-Webhook-Signature` over the **raw body bytes** (never re-serialized JSON) with a
//! ring of `secretKey`s, parses `{event, data}` into a [`MiexDelivery`], refuses an
//! `X-Webhook-Event` header that names another event than the signed body, and keys the
//! delivery on a digest of the signed body (MIEX signs no id: the `X-Webhook-Delivery` header
//! is reported, never trusted). [`MiexReceiver`] runs it: dedupe reservation, hand-over to your
//! application, complete or release. A [`MiexDelivery`] converts into the unified
//! [`hookbridge_core::Delivery`]. See [`delivery`] and `docs/verifying-deliveries.md`.
//!
//! ```
//! use hookbridge_core::{Delivery, ProviderId};
//! use hookbridge_miex::{MiexDelivery, MiexEvent, MiexReceiver, MiexSpec};
//! use hookbridge_verify::receive::{AppError, Incoming, Receive as _, app_fn};
//! use hookbridge_verify::{HmacScheme, HmacSecret, sign::HmacSigner};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = HmacSecret::from_str_bytes("the secretKey from registration")?;
//! let receiver = MiexReceiver::new(MiexSpec::with_secret(secret.clone()));
//! let app = app_fn(|delivery: MiexDelivery| async move {
//!     assert_eq!(delivery.event, MiexEvent::OrderCreated);
//!     let unified: Delivery = delivery.into();
//!     assert_eq!(unified.provider, hookbridge_miex::PROVIDER);
//!     assert_eq!(unified.subject.as_ref().map(|s| s.id.as_str()), Some("1284"));
//!     Ok::<(), AppError>(())
//! });
//!
//! // What MIEX sends (here produced by the test signer).
//! let body = br#"{"event":"order.created","data":{"id":1284,"status":"new"}}"#;
//! let mut headers = HmacSigner::new(hookbridge_miex::delivery_scheme(), secret).sign(body, 0, Some("job-1284"))?;
//! headers.insert("x-webhook-event", "order.created".parse()?);
//! let request = |headers| Incoming::post("/hooks/miex".parse().unwrap(), headers, &body[..]);
//!
//! receiver.receive(request(headers.clone()), &app).await?;
//!
//! // The same delivery again — even under a fresh, unsigned job id — is a duplicate (200).
//! headers.insert("x-webhook-delivery", "job-9999".parse()?);
//! let again = receiver.receive(request(headers.clone()), &app).await.unwrap_err();
//! assert!(again.is_duplicate());
//! assert_eq!(again.status(), 200);
//! // A modified body fails verification (401).
//! let forged = Incoming::post("/hooks/miex".parse()?, headers, &br#"{"event":"order.created","data":{"id":1285}}"#[..]);
//! assert_eq!(receiver.receive(forged, &app).await.unwrap_err().status(), 401);
//! # Ok(())
//! # }
//! ```

pub mod client;
pub mod delivery;
pub mod descriptor;
pub mod key;
pub mod model;
pub mod receiving;
pub mod scheme;
pub mod unified;

/// This provider's id (`miex`).
pub const PROVIDER: hookbridge_core::ProviderId = hookbridge_core::ProviderId::new("miex");

pub use client::{MiexClient, PUBLIC_KEY_READ_ONLY, Webhooks};
pub use delivery::{MiexDelivery, MiexParser, MiexReceiver, MiexSpec};
pub use descriptor::{DESCRIPTOR, Miex};
pub use key::{KeyKind, MiexApiKey};
pub use model::{MiexEvent, MiexWebhook, RegisterWebhook, WebhookId};
pub use receiving::PRESETS;
pub use scheme::{delivery_scheme, headers};
