//! # hookbridge-bitnob
//!
//! Typed client for Bitnob's wallet-infrastructure webhook API
//! (bitnob.dev/api-reference/wallet-infrastructure/webhooks), default base URL
//! [`DEFAULT_BASE_URL`] (`https://api.bitnob.com`).
//!
//! ## What is modelled
//!
//! | operation | method |
//! |---|---|
//! | `GET /webhooks` (cursor-paged) | [`Webhooks::list`] (lazy stream), [`Webhooks::list_page`] (one page) |
//! | `POST /webhooks` (+ `Idempotency-Key`) | [`Webhooks::create`] |
//! | `GET /webhooks/:id` | [`Webhooks::get`] |
//! | `PATCH /webhooks/:id` (only the fields given) | [`Webhooks::update`] |
//! | `DELETE /webhooks/:id` (204) | [`Webhooks::delete`] |
//! | `POST /webhooks/:id/rotate-secret` | [`Webhooks::rotate_secret`] |
//! | `GET /webhooks/event-types` | [`Webhooks::event_types`] |
//! | `GET /webhooks/events` (cursor-paged, `status`, `webhook_id`) | [`DeliveryEvents::list`] (lazy stream), [`DeliveryEvents::list_page`] (one page) |
//! | `GET /webhooks/events/:id` | [`DeliveryEvents::get`] |
//! | `POST /webhooks/events/:id/retry` | [`DeliveryEvents::retry`] |
//!
//! The client also implements the unified [`hookbridge_core::Webhook`] trait (all six operations;
//! see [`unified`]). Delivery events become plain records, with the status unified across its
//! spellings, in [`delivery_log`].
//!
//! **Authentication** is chosen per client ([`BitnobAuth`]). What Bitnob documents for the current
//! API is **HMAC request signing** (`X-Auth-Client`, `X-Auth-Timestamp`, `X-Auth-Nonce`,
//! `X-Auth-Signature`) with the client id and secret key, in either documented variant
//! ([`SigningScheme`]; [`BitnobAuth::signed`] takes the bitnob.dev one); that is what a client
//! uses unless the caller explicitly asks for the **older** secret-key scheme,
//! `Authorization: Bearer`, with [`BitnobAuth::legacy_bearer`]. The signer runs on every
//! attempt, so retried requests are re-signed with a fresh timestamp and nonce.
//!
//! **Retries**: GET and DELETE are retried on 429/502/503/504 and connection failures. Create
//! always carries an `Idempotency-Key` (the caller's, or a generated one, identical across
//! attempts) and is therefore retried too; a key reused with a different body gives 409
//! ([`hookbridge_core::Error::is_conflict`]). PATCH is retried because it sets absolute values.
//! Rotate-secret and retry-delivery are never retried automatically.
//!
//! ## What Bitnob leaves undocumented, and what this crate does
//!
//! * **List envelope**: only `next_cursor` is confirmed. Items are read from `data`; `has_more` and
//!   `previous_cursor` (or `prev_cursor`) are read when present. Paging stops when `next_cursor`
//!   is absent, `null` or empty, when `has_more` is `false`, on an empty page, or when the server
//!   repeats a cursor.
//! * **Wire names the current reference does not show**: the has-secret boolean
//!   (`has_signing_secret`; `has_secret`, `signing_secret_configured`, `secret_configured` accepted),
//!   the create/rotate secret (`signing_secret`, as the older reference names it; `secret`
//!   accepted), and the event-type object's fields (see [`EventTypeInfo`]). The event-type list is
//!   read from `{"data": [...]}` or a bare array.
//! * **Enum values**: webhook `status` — `active` (current) and `inactive` (older reference);
//!   delivery status — `pending`, `delivered`, `failed` (current filter) and `success`, `retrying`
//!   (older reference). Anything else is kept in an `Unknown(String)` variant.
//! * **An endpoint receiving every event**: created by omitting `event_types`; how reads report it
//!   is not documented — an absent/`null` `event_types` is read as "every event".
//! * **Signing details**: see [`signer`] — the timestamp unit, nonce format and whether `path`
//!   includes the query default to what each variant's document says and are configurable.
//! * **Error bodies**: no error body shape is documented; non-2xx answers keep the raw body in
//!   [`hookbridge_core::ApiError::raw`].
//! * **HTTPS**: the reference requires HTTPS delivery URLs; create/update refuse other schemes
//!   unless [`BitnobClient::allow_insecure_urls`] is set (for local testing).
//!
//! ## Example
//!
//! ```
//! use hookbridge_bitnob::{BitnobClient, BitnobSigner, CreateWebhook, ListEventsOptions, DeliveryStatus,
//!     SigningScheme, UpdateWebhook};
//! use hookbridge_core::{Secret, Webhook};
//!
//! // HMAC signing (bitnob.dev variant). The older bearer scheme must be asked for:
//! // `BitnobClient::new(BitnobAuth::legacy_bearer(Secret::new(key)))`.
//! let signer = BitnobSigner::new("client_abc123", Secret::new("my-client-secret"), SigningScheme::ColonSeparatedHex)?;
//! let client = BitnobClient::new(signer)?;
//! assert_eq!(client.capabilities().rotate_secret, true);
//! assert!(!format!("{client:?}").contains("my-client-secret"));
//!
//! // Requests are plain data, validated before anything is sent.
//! let create = CreateWebhook::new("https://example.com/bitnob".parse::<url::Url>()?)
//!     .name("ledger")
//!     .event_types(["transaction.confirmed", "wallet.created"]);
//! assert!(create.validate(false).is_ok());
//! assert!(UpdateWebhook::new().validate(false).is_err()); // a PATCH needs at least one field
//! let filter = ListEventsOptions::new().status(DeliveryStatus::Failed).limit(50);
//! assert!(filter.validate().is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Receiving deliveries
//!
//! [`BitnobSpec`] is Bitnob's part of the receiver pipeline ([`hookbridge_verify::receive`]): it
//! verifies a delivery over the **raw body bytes** (never re-serialized JSON) — `BitnobSpec::new`
//! for the current scheme (`X-Bitnob-Signature` = hex HMAC-SHA256 of `X-Bitnob-Timestamp + "." +
//! body`, refused when the timestamp is more than 5 minutes away), `BitnobSpec::with_parser(BitnobParser::Legacy, ..)` for the
//! older one (hex HMAC-SHA512 of the body) — parses the envelope into a [`BitnobDelivery`], checks
//! that `X-Bitnob-Event` (unsigned) agrees with the body's `event`, and keys the delivery on the
//! signed `event_id` (else a digest of the signed bytes). [`BitnobReceiver`] runs the pipeline;
//! a [`BitnobDelivery`] converts into the unified [`hookbridge_core::Delivery`]. See [`delivery`]
//! and `docs/verifying-deliveries.md`.
//!
//! ```
//! use hookbridge_bitnob::{BitnobDelivery, BitnobReceiver, BitnobSpec};
//! use hookbridge_core::{Delivery, EventType};
//! use hookbridge_verify::receive::{Incoming, Receive as _, ReceiveError};
//! use hookbridge_verify::{HmacScheme, HmacSecret, KeyRing, VerifyError, sign::HmacSigner};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = HmacSecret::from_str_bytes("webhook signing secret")?;
//! let receiver = BitnobReceiver::new(BitnobSpec::new(KeyRing::single("2025-01", secret.clone()))?);
//!
//! // What Bitnob sends (here produced by the test signer), received 30 s later.
//! let body = br#"{"event":"transfer.success","event_id":"evt_1","data":{"id":"trf_1","status":"success"}}"#;
//! let mut headers = HmacSigner::new(hookbridge_bitnob::delivery_scheme(), secret).sign(body, 1_735_689_600, None)?;
//! headers.insert("x-bitnob-event", "transfer.success".parse()?);
//! let request = || Incoming::post("/hooks/bitnob".parse().unwrap(), headers.clone(), &body[..]);
//! let accepted = receiver.accept_at(request(), 1_735_689_630).await?;
//! let delivery: &BitnobDelivery = accepted.delivery();
//! assert_eq!(delivery.event_type, EventType::new("transfer.success"));
//! assert_eq!(delivery.replay_key.as_str(), "bitnob:event:evt_1");
//!
//! // Ten minutes later the same request is refused.
//! let stale = receiver.accept_at(request(), 1_735_690_200).await.unwrap_err();
//! assert!(matches!(stale, ReceiveError::Verification(VerifyError::TimestampTooOld { .. })));
//!
//! let (delivery, ticket) = accepted.into_parts();
//! ticket.complete().await?;
//! let unified = Delivery::from(delivery);
//! assert_eq!(unified.event_id.as_deref(), Some("evt_1"));
//! assert_eq!(unified.signed_at.map(|t| t.as_second()), Some(1_735_689_600));
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

pub mod client;
pub mod delivery;
pub mod delivery_log;
pub mod descriptor;
pub mod extensions;
pub mod model;
pub mod receiving;
pub mod scheme;
pub mod signer;
pub mod unified;

/// This provider's id (`bitnob`).
pub const PROVIDER: hookbridge_core::ProviderId = hookbridge_core::ProviderId::new("bitnob");

pub use client::{BitnobAuth, BitnobClient, DEFAULT_BASE_URL, DeliveryEvents, Webhooks};
pub use delivery::{BitnobDelivery, BitnobParser, BitnobReceiver, BitnobSpec};
pub use descriptor::{Bitnob, DESCRIPTOR};
pub use model::{
    CreateOptions, CreateWebhook, CreatedWebhook, CursorPage, DeliveryEvent, DeliveryStatus, EventCategory, EventId,
    EventTypeInfo, ListEventsOptions, ListOptions, RetryResult, RetryStatus, RotatedSecret, UpdateWebhook,
    WebhookEndpoint, WebhookId, WebhookStatus,
};
pub use receiving::PRESETS;
pub use scheme::{delivery_scheme, headers, legacy_delivery_scheme};
pub use signer::{BitnobSigner, NonceFormat, SigningScheme, TimestampUnit};
