//! Integration tests for hookbridge-miex against a wiremock server: the documented register
//! request and response, key handling, error statuses and the unified trait. Secret hygiene is
//! checked for every provider by the workspace's `tests/it/hygiene.rs`.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod deliveries;
mod errors;
mod key;
mod unified;
mod webhooks;
