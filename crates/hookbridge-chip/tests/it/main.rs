#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod deliveries;
mod errors;
mod inputs;
mod key_source;
mod pagination;
mod public_key;
mod receiving;
mod secrets;
mod unified;
mod webhooks;
