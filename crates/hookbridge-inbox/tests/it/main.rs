//! Integration tests of the inbox against a real PostgreSQL (`HOOKBRIDGE_TEST_DATABASE_URL`;
//! failing in CI without it, skipped with a notice locally). Every test works in a schema of its
//! own, so the tests run in parallel and repeatedly.

#![allow(clippy::unwrap_used, missing_docs, unreachable_pub)]

mod common;
mod outage;
mod store;
mod workers;
