#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod errors;
mod events;
mod idempotency;
mod inputs;
mod models;
mod paging;
mod requests;
mod secrets;
