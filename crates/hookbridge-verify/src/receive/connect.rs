//! Opening a dedupe store from a URL.

use std::sync::Arc;

use super::memory::InMemoryDedupeStore;
use super::store::{DedupeStore, StoreError};

/// Opens the dedupe store named by `url`: `memory` (this process only).
///
/// # Errors
/// [`StoreError::Unexpected`] for a scheme this build does not support.
pub async fn connect_store(url: &str) -> Result<Arc<dyn DedupeStore>, StoreError> {
    match url {
        "memory" => Ok(Arc::new(InMemoryDedupeStore::new())),
        _ => Err(StoreError::Unexpected { detail: "unsupported dedupe store URL scheme".into() }),
    }
}
