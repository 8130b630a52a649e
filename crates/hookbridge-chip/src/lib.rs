//! # hookbridge-chip
//!
//! A typed client for the webhook API of **CHIP Collect** (`https://gate.chip-in.asia/api/v1/`),
//! the Malaysian payment gateway, plus the payload types its webhook deliveries carry.
//!
//! ## What is modelled
//!
//! | operation | request | method |
//! |---|---|---|
//! | create a webhook | `POST webhooks/` | [`Webhooks::create`] |
//! | list webhooks (`{results, next, previous}`, next-URL paging) | `GET webhooks/` | [`Webhooks::list`] (lazy stream), [`Webhooks::list_page`] |
//! | retrieve a webhook | `GET webhooks/{id}/` | [`Webhooks::get`] |
//! | update a webhook (full) | `PUT webhooks/{id}/` | [`Webhooks::update`] |
//! | partially update a webhook | `PATCH webhooks/{id}/` | [`Webhooks::patch`] |
//! | delete a webhook | `DELETE webhooks/{id}/` | [`Webhooks::delete`] |
//! | retrieve the company public key (a bare JSON string holding a PEM) | `GET public_key/` | [`PublicKey::get`] |
//!
//! Every request carries `Authorization: Bearer <secret key>`; paths end with `/` as CHIP's do.
//! Webhook objects ([`ChipWebhook`]) have `type`, `id` (UUID), `created_on`/`updated_on` (epoch
//! seconds), `title`, `all_events`, `public_key` (PEM), `events` and `callback`. Input is checked
//! before sending, per the API reference: `title` required and at most 100 characters, `callback`
//! an `http(s)` URL of at most 500 characters, `events` unique and non-empty unless `all_events`,
//! ids UUIDs.
//!
//! Event types are [`ChipEvent`]: the 27 documented ones ([`ChipEvent::ALL`]) and
//! `Unknown(String)` for the rest (`purchase.subscription_charge_failure` is in CHIP's schema but
//! not in the 27; new ones appear).
//!
//! Error bodies decode to [`ChipError`] (see [`error`] for the shapes), reachable through
//! [`hookbridge_core::ApiError::provider_error`].
//!
//! Deliveries: [`ChipDelivery`] reads a webhook or success-callback body — the related object
//! ([`Purchase`] for `purchase.*`, [`Payment`] for `payment.refunded`, other objects as JSON) plus
//! the top-level `event_type`. [`ChipReceiver`] and [`ChipKeySource`] verify `X-Signature` (base64
//! RSA PKCS#1 v1.5 over SHA-256 of the raw body, with the webhook's `public_key`, or for success
//! callbacks the company key from [`PublicKey::get`]) and decode in one call — see
//! [Receiving deliveries](#receiving-deliveries).
//!
//! The unified [`hookbridge_core::Webhook`] trait is implemented (create, get, list, update as a
//! replace, delete; no secret rotation) — see [`unified`].
//!
//! ## What CHIP leaves undocumented, and what this crate does about it
//!
//! * **Whether `events` may be omitted when `all_events` is true**: the schema requires `events`
//!   with at least one item, its description says "either this or `all_events`". An empty list is
//!   left out of the body; set a list too if CHIP refuses.
//! * **Error body shapes**: the API reference shows `{"__all__": {"message", "code"}}`, the error
//!   guide `{"code", "message"}`; [`ChipError`] reads both and Django's list/nested variants, and
//!   keeps nothing typed for other bodies (the raw body is on the error).
//! * **An enabled/disabled state**: none is reported, so unified endpoints have status `Unknown`.
//! * **Rate limits, idempotency keys**: none documented; creates are not retried automatically.
//! * **Page size and `next` format**: not documented; `next` is followed as an absolute URL and
//!   refused when it leaves the base URL's origin.
//!
//! ## Example
//!
//! Building a client and a request needs no network:
//!
//! ```
//! use hookbridge_chip::{ChipClient, ChipEvent, ChipWebhook, WebhookRequest};
//! use hookbridge_core::{Endpoint, EventSelection, Secret, Webhook};
//!
//! let client = ChipClient::new(Secret::new("test-secret-key"))?;
//! assert!(client.capabilities().all_events);
//! assert!(!client.capabilities().rotate_secret);
//!
//! let body = WebhookRequest::new("Order updates", "https://shop.example.com/chip/webhook".parse::<url::Url>()?)
//!     .events([ChipEvent::PurchasePaid, ChipEvent::PaymentRefunded]);
//! body.validate()?;
//! // `client.webhooks().create(&body).await?` would send it.
//!
//! // A webhook as CHIP returns it, in the unified shape:
//! let webhook: ChipWebhook = serde_json::from_str(
//!     r#"{"type": "webhook", "id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "created_on": 1619740800,
//!         "updated_on": 1619740800, "title": "Order updates", "all_events": true,
//!         "public_key": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----",
//!         "events": [], "callback": "https://shop.example.com/chip/webhook"}"#,
//! )?;
//! let endpoint = Endpoint::from(&webhook);
//! assert_eq!(endpoint.events, EventSelection::All);
//! assert_eq!(endpoint.has_secret, Some(true));
//! assert_eq!(ChipWebhook::try_from(&endpoint)?, webhook);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Receiving deliveries
//!
//! CHIP's part of the receiver pipeline ([`hookbridge_verify::receive`]) comes in two forms:
//!
//! * [`ChipSpec`] — a fixed [`KeyRing`](hookbridge_verify::KeyRing) of RSA public keys, typically
//!   your webhooks' `public_key`s ([`webhook_keys`], key id = webhook id). It verifies
//!   `X-Signature` over the **raw body bytes** (never re-serialized JSON), decodes the body into a
//!   [`ChipDelivery`] (`event_type` required, unknown events kept as [`ChipEvent::Unknown`]) and
//!   hands out a [`VerifiedChipDelivery`] (the delivery, the [`Verified`](hookbridge_verify::Verified)
//!   key id, the replay key, the raw bytes), which converts into the unified
//!   [`hookbridge_core::Delivery`]. [`ChipReceiver`] is the pipeline over it.
//! * [`ChipKeySource`] — for Purchase `success_callback`s, signed with the company key: fetched from
//!   `GET /public_key/` on first use, parsed once, cached for a TTL, refetched once when a delivery
//!   does not verify (CHIP rotated it) but at most once per interval, so forged deliveries cannot
//!   make it hammer the API (or wait on it).
//!
//! CHIP sends no timestamp or delivery id and retries for 36 h: the pipeline keys each delivery
//! on the signed object state and remembers handled keys for 48 h. See [`delivery`] and
//! `docs/verifying-deliveries.md`.
//!
//! ```
//! use hookbridge_chip::{ChipEvent, ChipReceiver, ChipSpec, VerifiedChipDelivery};
//! use hookbridge_core::{Delivery, Subject};
//! use hookbridge_core::reexports::http::HeaderMap;
//! use hookbridge_verify::receive::{Incoming, Receive as _};
//! use hookbridge_verify::{KeyRing, RsaPublicKey};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The webhook's `public_key` (here a test key) under the webhook's id.
//! let pem = include_str!("../../hookbridge-testkit/data/keys/rsa2048-public-spki.pem");
//! let receiver = ChipReceiver::new(ChipSpec::new(KeyRing::single("webhook-7f1c", RsaPublicKey::from_pem(pem)?))?);
//!
//! // A purchase.paid delivery signed with `openssl dgst -sha256 -sign`.
//! let body = include_bytes!("../../hookbridge-testkit/data/verify/chip-purchase-paid.body");
//! let mut headers = HeaderMap::new();
//! headers.insert("x-signature", include_str!("../../hookbridge-testkit/data/verify/chip-purchase-paid.sig").trim().parse()?);
//!
//! let request = Incoming::post("/hooks/chip".parse()?, headers.clone(), &body[..]);
//! let (delivery, ticket): (VerifiedChipDelivery, _) = receiver.accept(request).await?.into_parts();
//! assert_eq!(delivery.event_type, ChipEvent::PurchasePaid);
//! assert_eq!(delivery.purchase().and_then(|p| p.reference.as_deref()), Some("ORDER-1042"));
//! assert_eq!(delivery.verified.key_id().as_str(), "webhook-7f1c");
//! ticket.complete().await?;
//!
//! let unified = Delivery::from(delivery);
//! assert_eq!(unified.subject, Some(Subject::new("purchase", "d6c3f1a0-2b5e-4c8d-9f71-3e6a4b2c8d10")));
//!
//! // One changed byte and the signature no longer matches.
//! let tampered = Incoming::post("/hooks/chip".parse()?, headers, [&body[..], b" "].concat());
//! assert!(receiver.accept(tampered).await.unwrap_err().is_verification());
//! # Ok(())
//! # }
//! ```

#![forbid(unsafe_code)]

mod client;
pub mod delivery;
pub mod descriptor;
pub mod error;
pub mod extensions;
pub mod model;
pub mod receiving;
pub mod scheme;
pub mod unified;
mod wire;

/// This provider's id (`chip`).
pub const PROVIDER: hookbridge_core::ProviderId = hookbridge_core::ProviderId::new("chip");

pub use client::{ChipClient, PublicKey, Webhooks};
pub use delivery::{
    ChipKeySource, ChipKeySourceStats, ChipParser, ChipReceiver, ChipSpec, KeyFetchError, VerifiedChipDelivery,
    webhook_keys,
};
pub use descriptor::{Chip, DESCRIPTOR};
pub use error::{ChipError, ChipFieldError};
pub use model::{
    AttemptError, AttemptType, BankAccount, ChipDelivery, ChipEvent, ChipWebhook, ClientDetails, DeliveryObject,
    IssuerDetails, Payment, PaymentDetails, PaymentType, Platform, Product, PublicKeyPem, Purchase, PurchaseDetails,
    PurchaseProduct, PurchaseStatus, RefundAvailability, RelatedObject, StatusHistoryEntry, TransactionAttempt,
    TransactionData, WebhookId, WebhookPage, WebhookPatch, WebhookRequest,
};
pub use receiving::PRESETS;
pub use scheme::{delivery_scheme, headers, send_delivery_scheme};
