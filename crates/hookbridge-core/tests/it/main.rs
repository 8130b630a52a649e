//! Integration tests for hookbridge-core: the transport against wiremock, retries, limits,
//! pagination and the unified trait's defaults.
#![allow(clippy::unwrap_used, missing_docs)]

mod interceptors;
mod pagination;
mod redirects;
mod transport;
mod unified;

use std::sync::Arc;
use std::time::Duration;

use hookbridge_core::auth::Bearer;
use hookbridge_core::{ClientConfig, HttpClient, RetryPolicy, Secret};
use wiremock::MockServer;

/// A transport pointed at the mock server with fast, jitter-free retries.
pub fn client(server: &MockServer, retry: RetryPolicy) -> HttpClient {
    let config = ClientConfig::new(&format!("{}/api/v1", server.uri()))
        .unwrap()
        .timeout(Duration::from_millis(500))
        .retry(retry);
    let auth = Bearer::new(&Secret::new("tok_test_123")).unwrap();
    HttpClient::new(hookbridge_core::ProviderId::new("delta"), config, Arc::new(auth)).unwrap()
}

/// A retry policy for tests: `n` attempts, 1 ms waits, no jitter.
pub fn fast_retry(n: u32) -> RetryPolicy {
    RetryPolicy::default().max_attempts(n).backoff(Duration::from_millis(1), Duration::from_millis(5)).jitter(false)
}
