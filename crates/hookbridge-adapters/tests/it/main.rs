//! Integration tests of hookbridge-adapters (one binary).
#![allow(clippy::unwrap_used, missing_docs)]

mod bridge;
mod catalogue;
mod convert_cases;
mod convert_props;
mod convert_table;
mod normalize;
mod pages;
mod roundtrip;
