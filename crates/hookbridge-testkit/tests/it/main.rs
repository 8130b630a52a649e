//! Wire-level tests of the simulators (reqwest + serde_json against the running servers) and
//! of their delivery emitters (a loopback receiver verifying with hookbridge-verify).

#![allow(clippy::unwrap_used, missing_docs)]

mod abbeycross;
mod bitnob;
mod blaze;
mod chip;
mod common;
mod deliveries;
mod fixtures;
mod general;
mod miex;
mod registry;
mod stripe;
