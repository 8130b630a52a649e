//! The receiver pipeline: one input type, one algorithm and one object-safe trait for every
//! provider.
//!
//! ```text
//! Incoming ─► method / body limit ─► authenticate ─► parse ─► replay key ─► reserve ─► application ─► complete
//! (method,     405 / 413            (spec: scheme     (spec)   (spec: from    (store)    (yours)          or release
//!  uri,                              or key source)             signed data)
//!  headers,
//!  raw body)
//! ```
//!
//! * [`Incoming`] — the one input type: method, URI, headers and the raw body bytes.
//! * [`ReceiverSpec`] — what a provider crate contributes, and nothing else: how a request is
//!   authenticated (its scheme and keys, or a key source such as CHIP's), how the authentic body
//!   is parsed into its typed delivery, and how the replay key is derived from **signed** data.
//! * [`VerifiedSpec`] — the `ReceiverSpec` written once for every provider whose deliveries a
//!   [`Verifier`](crate::Verifier) checks: a verifier plus the provider's [`DeliveryParser`]
//!   ([`HmacSpec`], [`RsaSpec`], [`UrlTokenSpec`], [`DynSpec`]); a provider crate names it with a
//!   type alias (`type MiexSpec = HmacSpec<MiexParser>`).
//! * [`Pipeline`] — the one algorithm, identical for every provider.
//! * [`Receive`] — the object-safe trait: `Arc<dyn Receive<D>>` receivers of every provider are
//!   interchangeable ([`ReceiveExt::map`] turns typed deliveries into the unified `Delivery`).
//! * [`DedupeStore`] — at-least-once reservations shared by every instance:
//!   [`InMemoryDedupeStore`] (one process) and, behind cargo features, Redis and Postgres.
//! * [`tower`] / [`axum`] — framework integrations (cargo features `tower`, `axum`).
//!
//! # Identity comes from signed data only
//!
//! A delivery's [`ReplayKey`] is the id the provider signs where its scheme signs one
//! (Standard Webhooks `webhook-id`, Bitnob's `event_id` in the signed body), otherwise a digest
//! of the signed bytes (the signed timestamp, where there is one, and the body). An unsigned
//! header — MIEX's `X-Webhook-Delivery`, GitHub's `X-GitHub-Delivery` — never decides identity:
//! a captured delivery replayed under a fresh id is still a duplicate. An event named only by
//! an unsigned header is reported, marked unsigned, and never re-signed as if it were signed.
//!
//! # At-least-once, and what the statuses mean
//!
//! A delivery counts as handled only once the application has handled it: the key is
//! *reserved* (with a lease) before the application runs, *completed* when it succeeded, and
//! *released* when it failed, so the provider's retry is handled. A crashed instance blocks a
//! key at most for the lease; after it, a retry is handled again. Handlers may therefore see a
//! delivery more than once (a crash after handling but before completing, or a store outage
//! while completing): make them idempotent.
//!
//! | outcome | status | provider retries? |
//! |---|---|---|
//! | handled by the application | 2xx (the application's) | no |
//! | completed duplicate ([`ReceiveError::Duplicate`]) | 200, not handled again | no |
//! | in-flight duplicate ([`ReceiveError::InFlight`]) | 409 | yes |
//! | method other than `POST` | 405 | — |
//! | body over the limit | 413 | — |
//! | body unreadable | 400 | — |
//! | signature / token missing, wrong, stale | 401 | — |
//! | signature header malformed | 400 | — |
//! | verifier misconfigured | 500 | — |
//! | authentic but unusable body or headers ([`ReceiveError::Delivery`]) | 400 | — |
//! | signed id unusable as a key ([`ReceiveError::ReplayKey`]) | 400 | — |
//! | verification key unavailable ([`ReceiveError::KeyUnavailable`]) | 503 | yes |
//! | dedupe store unavailable or full ([`ReceiveError::Store`]) | 503, nothing recorded as done | yes |
//! | application failed ([`ReceiveError::Application`]) | its status (default 500), key released | yes |
//!
//! # Dedupe stores
//!
//! | store | shared by | cargo feature |
//! |---|---|---|
//! | [`InMemoryDedupeStore`] | one process | — |
//! | `RedisDedupeStore` | every process on the same Redis and key prefix | `redis` |
//! | `PostgresDedupeStore` | every process on the same database | `postgres` |
//!
//! [`connect_store`] opens any of them from a URL (`memory`, `redis://…`, `postgres://…`).
//! The building blocks of the PostgreSQL store (pool from a URL, error classification, bounded
//! operations, locked migrations) are public in `pg_store`, for other stores kept in PostgreSQL.
//!
//! # Example
//!
//! ```
//! use std::sync::Arc;
//! use hookbridge_verify::receive::{AppError, Incoming, Parsed, Pipeline, Receive as _, ReceiveError, ReceiverSpec, ReplayKey, app_fn};
//! use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, Verified, sign::HmacSigner};
//!
//! /// A provider's contribution: GitHub-style signing, the body as the delivery.
//! #[derive(Debug)]
//! struct GithubSpec(HmacVerifier);
//!
//! impl ReceiverSpec for GithubSpec {
//!     type Delivery = bytes::Bytes;
//!     fn provider(&self) -> &'static str { "github" }
//!     async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
//!         Ok(self.0.verify_at(&request.body, &request.headers, now)?)
//!     }
//!     fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<bytes::Bytes>, ReceiveError> {
//!         // X-GitHub-Delivery is unsigned: identity is a digest of the signed body.
//!         let key = ReplayKey::from_verified("github", &verified, &request.body)?;
//!         Ok(Parsed::new(request.body.clone(), key))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = HmacSecret::from_str_bytes("github secret")?;
//! let pipeline = Pipeline::new(GithubSpec(HmacVerifier::with_secret(HmacScheme::github(), secret.clone())));
//! let app = app_fn(|body: bytes::Bytes| async move {
//!     // Store or process it; an error here makes the provider retry.
//!     if body.is_empty() { Err(AppError::new("empty delivery")) } else { Ok(()) }
//! });
//!
//! let body = b"{\"zen\":\"Keep it logically awesome.\"}";
//! let headers = HmacSigner::new(HmacScheme::github(), secret).sign(body, 0, Some("guid-1"))?;
//! let request = |h| Incoming::post("/hooks/github".parse().unwrap(), h, &body[..]);
//! pipeline.receive(request(headers.clone()), &app).await?;
//! let again = pipeline.receive(request(headers), &app).await.unwrap_err();
//! assert!(again.is_duplicate());
//! assert_eq!(again.status(), 200);
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod connect;
mod error;
mod incoming;
mod key;
mod memory;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod pg_store;
mod pipeline;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
mod spec;
mod store;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
mod url_text;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use self::postgres::{
    DEFAULT_POSTGRES_MAX_CONNECTIONS, DEFAULT_POSTGRES_TIMEOUT, POSTGRES_MIGRATION, PostgresDedupeStore,
    PostgresDedupeStoreBuilder,
};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use self::redis::{DEFAULT_REDIS_KEY_PREFIX, DEFAULT_REDIS_TIMEOUT, RedisDedupeStore, RedisDedupeStoreBuilder};
pub use connect::connect_store;
pub use error::{AppError, ReceiveError};
pub use incoming::Incoming;
pub use key::{MAX_REPLAY_KEY_LEN, ReplayKey, ReplayKeyError};
pub use memory::{DEFAULT_MEMORY_CAPACITY, InMemoryDedupeStore, MillisClock};
pub use pipeline::{
    Accepted, AppFn, Application, DEFAULT_LEASE, DEFAULT_MAX_BODY_BYTES, DEFAULT_RETENTION, Identified, MapReceive,
    Parsed, Pipeline, Receive, ReceiveExt, ReceiverSpec, Ticket, app_fn,
};
pub use spec::{DefaultScheme, DeliveryParser, DynSpec, HmacSpec, RsaSpec, UrlTokenSpec, VerifiedSpec};
pub use store::{BoxFuture, DedupeStore, LeaseToken, Reservation, StoreError};
