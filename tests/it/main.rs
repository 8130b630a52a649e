//! Workspace-level integration tests: every provider through the unified trait object.
#![allow(clippy::unwrap_used, missing_docs)]

mod conformance;
mod error_chains;
mod faults;
mod hygiene;
mod receiving;
mod unified;

/// Reads a fixture from `crates/hookbridge-testkit/data/`.
pub fn fixture(path: &str) -> serde_json::Value {
    let full = format!("{}/crates/hookbridge-testkit/data/{path}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{full}: {e}"))
}
