//! # hookbridge-inbox
//!
//! A durable **inbox** for verified webhook deliveries, on PostgreSQL: every delivery is stored
//! — raw body and headers exactly as received, with its replay key and unified fields — before
//! the provider is answered 2xx, then processed asynchronously by [`Worker`]s with leases,
//! retries with exponential backoff and jitter, and a `dead` state.
//!
//! ```text
//! provider ─► receiver pipeline ─► Inbox::receive ─► row committed ─► 2xx
//!             (verify, parse,       (INSERT … ON CONFLICT DO NOTHING;
//!              replay key)           database down: 503, the provider retries)
//!
//! Worker × N (any machines) ─► claim (FOR UPDATE SKIP LOCKED, lease) ─► Handler ─► done
//!                                                                      └► failed (backoff) … ► dead
//! ```
//!
//! * [`Inbox`] — the store: schema applied on first use, the receive path, claims, the
//!   life-cycle updates, `list` / `get` / `retry` / `purge`.
//! * [`Worker`] + [`Handler`] (or [`handler_fn`]) — processing, at least once.
//! * [`Backoff`] — exponential, jittered delays between attempts.
//!
//! The guarantees, their limits and how to operate the inbox are in `docs/inbox.md`.
//!
//! # At least once: make handlers idempotent
//!
//! A delivery is `done` only after its handler returned `Ok` **and** that was recorded. A worker
//! that crashes (or loses the database) between the two leaves the delivery to its lease; it is
//! then handled again. Key side effects on the delivery's replay key:
//!
//! ```no_run
//! use hookbridge_inbox::{HandlerError, StoredDelivery, handler_fn};
//! # struct Db;
//! # impl Db { async fn insert_if_absent(&self, _key: &str, _body: &[u8]) -> Result<bool, String> { Ok(true) } }
//! # let db = std::sync::Arc::new(Db);
//!
//! let handler = handler_fn(move |delivery: StoredDelivery| {
//!     let db = db.clone();
//!     async move {
//!         // `INSERT … ON CONFLICT (replay_key) DO NOTHING` in the application's own database,
//!         // in the same transaction as the side effect: a second run changes nothing.
//!         db.insert_if_absent(delivery.replay_key(), &delivery.body)
//!             .await
//!             .map_err(|_| HandlerError::new("the ledger is unavailable"))?;
//!         Ok(())
//!     }
//! });
//! # let _ = handler;
//! ```
//!
//! # Cargo features
//!
//! * `postgres` (default) — [`Inbox`] and [`Worker`]; without it only the database-independent
//!   types are built. The connection plumbing (URL checks, pool, timeouts, error classes, the
//!   schema applied under an advisory lock) is hookbridge-verify's `receive::pg_store`, shared
//!   with its PostgreSQL dedupe store.
//! * `rustls` — TLS for `sslmode=require`, `verify-ca` and `verify-full` (hookbridge-verify's
//!   `rustls`). Without it such URLs are refused with [`InboxError::InvalidConfig`], never
//!   downgraded.
//!
//! URLs are shown by [`redact_url`] (hookbridge-verify's): the password and any query (it may
//! hold `password=`) are never printed, in `Debug`, errors or logs.

mod error;
mod handler;
mod model;
#[cfg(feature = "postgres")]
mod store;
#[cfg(feature = "postgres")]
mod worker;

pub use error::InboxError;
pub use handler::{Backoff, BoxFuture, Handler, HandlerError, HandlerFn, MAX_ERROR_CHARS, handler_fn};
pub use model::{DeliveryRecord, Described, State, StoredDelivery};
#[cfg(feature = "postgres")]
pub use store::{
    DEFAULT_INBOX_MAX_CONNECTIONS, DEFAULT_INBOX_TIMEOUT, FailOutcome, INBOX_MIGRATION, Inbox, InboxBuilder, Inserted,
    ListFilter, redact_url,
};
#[cfg(feature = "postgres")]
pub use worker::{
    DEFAULT_CONCURRENCY, DEFAULT_HANDLER_TIMEOUT, DEFAULT_LEASE, DEFAULT_MAX_ATTEMPTS, DEFAULT_POLL_INTERVAL,
    DEFAULT_SHUTDOWN_GRACE, Worker, WorkerOptions, WorkerReport,
};
