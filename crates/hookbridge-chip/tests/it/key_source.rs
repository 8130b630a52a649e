//! `ChipKeySource`: the company key from `GET /public_key/`, fetched once, cached, refetched once
//! on rotation, rate-limited against forged deliveries.

use std::time::Duration;

use futures_util::future::join_all;
use hookbridge_chip::delivery::{COMPANY_KEY_ID, DEFAULT_KEY_TTL, DEFAULT_MIN_REFETCH_INTERVAL};
use hookbridge_chip::{ChipEvent, ChipKeySource, ChipKeySourceError};
use hookbridge_core::reexports::http::HeaderMap;
use hookbridge_verify::{DeliveryError, VerifyError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;
use crate::receiving::{public_a, public_b, public_pem_a, public_pem_b, signer_a, signer_b};

const KEY_PATH: &str = "/api/v1/public_key/";

/// `GET /public_key/` answering with `pem` as a bare JSON string, at most `times` times (`None`:
/// unlimited), expected exactly `expect` times.
async fn serve_key(server: &MockServer, pem: &str, times: Option<u64>, expect: u64) {
    let mock = Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(json(200, serde_json::to_string(pem).unwrap()))
        .expect(expect);
    let mock = match times {
        Some(n) => mock.up_to_n_times(n).with_priority(1),
        None => mock.with_priority(2),
    };
    mock.mount(server).await;
}

fn body() -> Vec<u8> {
    fixture("purchase_paid.json").into_bytes()
}

fn signed_by_a() -> (Vec<u8>, HeaderMap) {
    let body = body();
    let headers = signer_a().sign(&body).unwrap();
    (body, headers)
}

fn signed_by_b() -> (Vec<u8>, HeaderMap) {
    let body = body();
    let headers = signer_b().sign(&body).unwrap();
    (body, headers)
}

#[tokio::test]
async fn the_first_delivery_fetches_the_key_once_and_fifty_more_reuse_it() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let source = ChipKeySource::new(client);
    assert_eq!(source.ttl(), DEFAULT_KEY_TTL);
    assert_eq!(source.min_refetch_interval(), DEFAULT_MIN_REFETCH_INTERVAL);
    assert_eq!(source.cached_key(), None);

    let (body, headers) = signed_by_a();
    let first = source.receive(&body, &headers).await.unwrap();
    assert_eq!(first.event_type, ChipEvent::PurchasePaid);
    assert_eq!(first.verified.key_id().as_str(), COMPANY_KEY_ID);
    assert_eq!(source.cached_key(), Some(public_a()));
    let req = only_request(&server).await;
    assert_eq!(assert_request(&req, "GET", KEY_PATH, None), serde_json::Value::Null);

    for _ in 0..50 {
        source.receive(&body, &headers).await.unwrap();
    }
    let stats = source.stats();
    assert_eq!(stats.fetches, 1);
    assert_eq!(stats.key_parses, 1, "the key is parsed once, not per delivery");
    assert_eq!((stats.rotations, stats.refetches_on_mismatch, stats.fetch_failures), (0, 0, 0));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn concurrent_first_deliveries_share_one_fetch() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let source = ChipKeySource::new(client);
    let (body, headers) = signed_by_a();
    let results = join_all((0..20).map(|_| source.receive(&body, &headers))).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(source.stats().fetches, 1);
    assert_eq!(source.stats().key_parses, 1);
}

#[tokio::test]
async fn a_rotated_key_is_refetched_exactly_once() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), Some(1), 1).await;
    serve_key(&server, &public_pem_b(), None, 1).await;
    let source = ChipKeySource::new(client);

    let (body_a, headers_a) = signed_by_a();
    source.receive(&body_a, &headers_a).await.unwrap();
    assert_eq!(source.stats().fetches, 1);

    // CHIP rotated its key: the first delivery signed with the new key triggers one refetch.
    let (body_b, headers_b) = signed_by_b();
    let delivery = source.receive(&body_b, &headers_b).await.unwrap();
    assert_eq!(delivery.verified.key_id().as_str(), COMPANY_KEY_ID);
    assert_eq!(source.cached_key(), Some(public_b()));
    for _ in 0..10 {
        source.receive(&body_b, &headers_b).await.unwrap();
    }
    let stats = source.stats();
    assert_eq!((stats.fetches, stats.key_parses, stats.rotations, stats.refetches_on_mismatch), (2, 2, 1, 1));

    // The old key no longer verifies, and within the interval it triggers no further fetch.
    let err = source.receive(&body_a, &headers_a).await.unwrap_err();
    assert!(matches!(err, ChipKeySourceError::Delivery(DeliveryError::Verification(VerifyError::NoMatch { .. }))));
    assert_eq!(source.stats().fetches, 2);
    assert_eq!(source.stats().refetches_suppressed, 1);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn concurrent_deliveries_after_a_rotation_share_one_refetch() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), Some(1), 1).await;
    serve_key(&server, &public_pem_b(), None, 1).await;
    let source = ChipKeySource::new(client);
    let (body_a, headers_a) = signed_by_a();
    source.receive(&body_a, &headers_a).await.unwrap();

    let (body_b, headers_b) = signed_by_b();
    let results = join_all((0..10).map(|_| source.receive(&body_b, &headers_b))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(source.stats().fetches, 2);
    assert_eq!(source.stats().refetches_on_mismatch, 1);
}

#[tokio::test]
async fn forged_deliveries_cause_at_most_one_refetch_per_window() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 2).await;
    let source = ChipKeySource::new(client);
    let (body, headers) = signed_by_a();
    source.receive(&body, &headers).await.unwrap();

    // Signed with a key CHIP never published.
    let (forged_body, forged_headers) = signed_by_b();
    for _ in 0..25 {
        let err = source.receive(&forged_body, &forged_headers).await.unwrap_err();
        assert!(matches!(err.as_delivery(), Some(DeliveryError::Verification(VerifyError::NoMatch { .. }))));
        assert_eq!(err.http_status().as_u16(), 401);
    }
    // Concurrent forgeries too.
    let results = join_all((0..25).map(|_| source.receive(&forged_body, &forged_headers))).await;
    assert!(results.iter().all(Result::is_err));
    let stats = source.stats();
    assert_eq!(stats.fetches, 2, "one initial fetch, one refetch for the whole stream");
    assert_eq!(stats.refetches_on_mismatch, 1);
    assert_eq!(stats.refetches_suppressed, 49);
    assert_eq!(stats.rotations, 0, "the refetched key is the same");
    // The genuine key still works, without fetching.
    source.receive(&body, &headers).await.unwrap();
    assert_eq!(source.stats().fetches, 2);
}

#[tokio::test]
async fn the_refetch_interval_is_configurable() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 4).await;
    let source = ChipKeySource::new(client).with_min_refetch_interval(Duration::ZERO);
    let (forged_body, forged_headers) = signed_by_b();
    for _ in 0..3 {
        assert!(source.receive(&forged_body, &forged_headers).await.is_err());
    }
    // Initial fetch + one refetch per forged delivery when the limit is off.
    assert_eq!(source.stats().fetches, 4);
}

#[tokio::test]
async fn an_expired_key_is_fetched_again_and_reused_if_unchanged() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 3).await;
    let source = ChipKeySource::new(client).with_ttl(Duration::ZERO);
    let (body, headers) = signed_by_a();
    for _ in 0..3 {
        source.receive(&body, &headers).await.unwrap();
    }
    let stats = source.stats();
    assert_eq!((stats.fetches, stats.key_parses, stats.rotations), (3, 3, 0));
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_cached_key_and_is_not_retried_at_once() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), Some(1), 1).await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(500))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let source = ChipKeySource::new(client).with_ttl(Duration::ZERO);
    let (body, headers) = signed_by_a();
    source.receive(&body, &headers).await.unwrap(); // fetch 1: ok
    source.receive(&body, &headers).await.unwrap(); // fetch 2: 500, the cached key is used
    source.receive(&body, &headers).await.unwrap(); // no fetch: the failure is recent
    let stats = source.stats();
    assert_eq!((stats.fetches, stats.fetch_failures), (2, 1));
}

#[tokio::test]
async fn without_a_key_fetch_errors_are_reported_and_rate_limited() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let source = ChipKeySource::new(client);
    let (body, headers) = signed_by_a();
    let err = source.receive(&body, &headers).await.unwrap_err();
    assert!(matches!(&err, ChipKeySourceError::KeyFetch(e) if e.as_api().map(|a| a.status.as_u16()) == Some(503)));
    assert_eq!(err.http_status().as_u16(), 503);
    let err = source.receive(&body, &headers).await.unwrap_err();
    assert!(matches!(err, ChipKeySourceError::KeyUnavailable { retry_in } if retry_in <= DEFAULT_MIN_REFETCH_INTERVAL));
    assert_eq!(source.stats().fetches, 1);
}

#[tokio::test]
async fn an_unusable_key_is_an_invalid_key_error() {
    let (server, client) = setup().await;
    serve_key(&server, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", None, 1).await;
    let source = ChipKeySource::new(client);
    let (body, headers) = signed_by_a();
    assert!(matches!(source.receive(&body, &headers).await, Err(ChipKeySourceError::InvalidKey(_))));
    assert_eq!(source.stats().fetch_failures, 1);
    assert_eq!(source.stats().key_parses, 1);
}

#[tokio::test]
async fn tampered_and_malformed_deliveries_do_not_refetch() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let source = ChipKeySource::new(client);
    let (body, headers) = signed_by_a();
    source.receive(&body, &headers).await.unwrap();
    // Missing header: a verification error, but not a NoMatch, so no refetch.
    let err = source.receive(&body, &HeaderMap::new()).await.unwrap_err();
    assert!(matches!(err.as_delivery(), Some(DeliveryError::Verification(VerifyError::MissingHeader { .. }))));
    // Signed but not a CHIP delivery.
    let junk = br#"{"no":"event_type"}"#;
    let err = source.receive(junk, &signer_a().sign(junk).unwrap()).await.unwrap_err();
    assert!(matches!(err.as_delivery(), Some(DeliveryError::Parse { provider: "chip", .. })));
    assert_eq!(source.stats().fetches, 1);
}

#[tokio::test]
async fn the_key_source_does_not_print_the_api_secret() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let source = ChipKeySource::new(client);
    let (body, headers) = signed_by_a();
    source.receive(&body, &headers).await.unwrap();
    let text = format!("{source:?} {source:#?}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("bits: 2048"), "{text}");
}
