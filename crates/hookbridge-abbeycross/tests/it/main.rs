//! Integration tests for hookbridge-abbeycross against a wiremock server: the register request and
//! response, the typed error body for every documented status, the unified trait and secret hygiene.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod deliveries;
mod errors;
mod secrets;
mod unified;
mod webhooks;
