//! Integration tests for hookbridge-abbeycross against a wiremock server: the register request and
//! response, the typed error body for every documented status and the unified trait. Secret hygiene
//! is checked for every provider by the workspace's `tests/it/hygiene.rs`.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod deliveries;
mod errors;
mod unified;
mod webhooks;
