//! Integration tests for hookbridge-miex against a wiremock server: the documented register
//! request and response, key handling, error statuses, the unified trait and secret hygiene.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod deliveries;
mod errors;
mod key;
mod secrets;
mod unified;
mod webhooks;
