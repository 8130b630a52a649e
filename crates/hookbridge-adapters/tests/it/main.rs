//! Integration tests of hookbridge-adapters (one binary).
#![allow(clippy::unwrap_used, missing_docs)]

mod catalogue;
mod pages;
mod roundtrip;
