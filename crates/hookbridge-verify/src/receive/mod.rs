//! The receiver pipeline: one input type, one algorithm, one object-safe trait for every
//! provider.
//!
//! (Module documentation is completed with the pipeline.)

mod error;
mod incoming;
mod key;
mod memory;
mod pipeline;
mod store;

pub use error::{AppError, ReceiveError};
pub use incoming::Incoming;
pub use key::{MAX_REPLAY_KEY_LEN, ReplayKey, ReplayKeyError};
pub use memory::{DEFAULT_MEMORY_CAPACITY, InMemoryDedupeStore, MillisClock};
pub use pipeline::{
    Accepted, AppFn, Application, DEFAULT_LEASE, DEFAULT_MAX_BODY_BYTES, DEFAULT_RETENTION, MapReceive, Parsed,
    Pipeline, Receive, ReceiveExt, ReceiverSpec, Ticket, app_fn,
};
pub use store::{BoxFuture, DedupeStore, LeaseToken, Reservation, StoreError};
