//! Integration tests for hookbridge-verify (one test binary, one module per area).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(feature = "aws-lc")]
mod aws_lc;
#[cfg(feature = "axum")]
mod axum_receiver;
mod common;
mod engine;
mod fixtures;
mod presets;
mod redaction;
mod replay;
mod rsa;
mod signers;
mod token;
mod vectors;
