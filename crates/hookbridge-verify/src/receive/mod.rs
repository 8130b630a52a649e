//! The receiver pipeline: one input type, one algorithm, one object-safe trait for every
//! provider.
//!
//! (Module documentation is completed with the pipeline.)
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

mod connect;
mod error;
mod incoming;
mod key;
mod memory;
mod pipeline;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis;
mod store;

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
    Accepted, AppFn, Application, DEFAULT_LEASE, DEFAULT_MAX_BODY_BYTES, DEFAULT_RETENTION, MapReceive, Parsed,
    Pipeline, Receive, ReceiveExt, ReceiverSpec, Ticket, app_fn,
};
pub use store::{BoxFuture, DedupeStore, LeaseToken, Reservation, StoreError};
