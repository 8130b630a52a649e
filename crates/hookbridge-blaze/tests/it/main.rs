//! Integration tests for hookbridge-blaze: every documented operation against wiremock, paging,
//! errors, the unified trait, fixtures and redaction.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod deliveries;
mod errors;
mod list;
mod model;
mod redaction;
mod redirects;
mod unified;
mod webhooks;
