//! End-to-end tests of the `hookbridge` binary: every command, run as a process, against the
//! `hookbridge-testkit` simulators on 127.0.0.1.

#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod conventions;
mod endpoints;
mod faults;
mod inbox;
mod listen;
mod sign_verify;
mod stripe;
mod tour;
mod trigger;
mod usage;
mod wire;
