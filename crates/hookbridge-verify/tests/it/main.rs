//! Integration tests for hookbridge-verify (one test binary, one module per area).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(feature = "aws-lc")]
mod aws_lc;
mod common;
mod engine;
mod fixtures;
#[cfg(all(feature = "redis", feature = "postgres"))]
mod fleet;
#[cfg(feature = "axum")]
mod integrations;
mod pipeline;
mod presets;
mod redaction;
mod rsa;
mod signers;
mod stores;
mod token;
mod vectors;
