#![allow(clippy::unwrap_used, missing_docs)]

mod client;
mod common;
mod descriptor;
mod errors;
mod events;
mod idempotency;
mod inputs;
mod models;
mod paging;
mod receiving;
mod requests;
mod secrets;
mod unified;
