#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod deliveries;
mod errors;
mod inputs;
mod pagination;
mod public_key;
mod secrets;
mod unified;
mod webhooks;
