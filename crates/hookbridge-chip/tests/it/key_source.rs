//! `ChipKeySource`: the company key from `GET /public_key/`, fetched once, cached, refetched once
//! on rotation, rate-limited against forged deliveries, never fetched for a request without a
//! usable signature, and refused under 2048 bits.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use hookbridge_chip::delivery::{COMPANY_KEY_ID, DEFAULT_KEY_TTL, DEFAULT_MIN_REFETCH_INTERVAL};
use hookbridge_chip::{ChipEvent, ChipKeySource, KeyFetchError, VerifiedChipDelivery};
use hookbridge_core::reexports::http::{HeaderMap, HeaderValue, StatusCode};
use hookbridge_verify::receive::{
    AppError, DedupeStore as _, Pipeline, Receive as _, ReceiveError, ReplayKey, Reservation, app_fn,
};
use hookbridge_verify::{DeliveryError, KeyError, MIN_RSA_BITS, VerifyError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;
use crate::receiving::{public_a, public_b, public_pem_1024, public_pem_a, public_pem_b, request, signer_a, signer_b};

const KEY_PATH: &str = "/api/v1/public_key/";
/// Any time: CHIP signs no timestamp.
const NOW: i64 = 1_718_000_500;

/// The pipeline over a key source.
type KeyReceiver = Pipeline<ChipKeySource>;

/// `GET /public_key/` answering with `pem` as a bare JSON string, at most `times` times (`None`:
/// unlimited), expected exactly `expect` times.
async fn serve_key(server: &MockServer, pem: &str, times: Option<u64>, expect: u64) {
    serve_key_after(server, pem, times, expect, Duration::ZERO).await;
}

/// [`serve_key`], answering after `delay`.
async fn serve_key_after(server: &MockServer, pem: &str, times: Option<u64>, expect: u64, delay: Duration) {
    let mock = Mock::given(method("GET"))
        .and(path(KEY_PATH))
        .respond_with(json(200, serde_json::to_string(pem).unwrap()).set_delay(delay))
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

/// Authenticates and parses a request through the pipeline, without reserving it (so the same
/// delivery can be checked again and again).
async fn check(receiver: &KeyReceiver, body: &[u8], headers: &HeaderMap) -> Result<VerifiedChipDelivery, ReceiveError> {
    receiver.check_at(&request(body, headers), NOW).await.map(|parsed| parsed.delivery)
}

/// The [`KeyFetchError`] behind a [`ReceiveError::KeyUnavailable`].
fn key_fetch_error(err: &ReceiveError) -> &KeyFetchError {
    match err {
        ReceiveError::KeyUnavailable(source) => {
            source.downcast_ref::<KeyFetchError>().unwrap_or_else(|| panic!("not a KeyFetchError: {source:?}"))
        }
        other => panic!("expected KeyUnavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn the_first_delivery_fetches_the_key_once_and_fifty_more_reuse_it() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let source = ChipKeySource::new(client);
    assert_eq!(source.ttl(), DEFAULT_KEY_TTL);
    assert_eq!(source.min_refetch_interval(), DEFAULT_MIN_REFETCH_INTERVAL);
    assert_eq!(source.cached_key(), None);
    let receiver = Pipeline::new(source);

    let (body, headers) = signed_by_a();
    let accepted = receiver.accept_at(request(&body, &headers), NOW).await.unwrap();
    let (first, ticket) = accepted.into_parts();
    ticket.complete().await.unwrap();
    assert_eq!(first.event_type, ChipEvent::PurchasePaid);
    assert_eq!(first.verified.key_id().as_str(), COMPANY_KEY_ID);
    assert_eq!(receiver.spec().cached_key(), Some(public_a()));
    let req = only_request(&server).await;
    assert_eq!(assert_request(&req, "GET", KEY_PATH, None), serde_json::Value::Null);

    // Fifty more: CHIP's retries, each authenticated with the cached key (then acknowledged as
    // duplicates), and fresh checks.
    for _ in 0..25 {
        let err = receiver.accept_at(request(&body, &headers), NOW).await.unwrap_err();
        assert!(err.is_duplicate(), "{err:?}");
        check(&receiver, &body, &headers).await.unwrap();
    }
    let stats = receiver.spec().stats();
    assert_eq!(stats.fetches, 1);
    assert_eq!(stats.key_parses, 1, "the key is parsed once, not per delivery");
    assert_eq!((stats.rotations, stats.refetches_on_mismatch, stats.fetch_failures), (0, 0, 0));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn concurrent_first_deliveries_share_one_fetch() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let (body, headers) = signed_by_a();
    let results = join_all((0..20).map(|_| check(&receiver, &body, &headers))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(receiver.spec().stats().fetches, 1);
    assert_eq!(receiver.spec().stats().key_parses, 1);
}

#[tokio::test]
async fn a_rotated_key_is_refetched_exactly_once() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), Some(1), 1).await;
    serve_key(&server, &public_pem_b(), None, 1).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));

    let (body_a, headers_a) = signed_by_a();
    check(&receiver, &body_a, &headers_a).await.unwrap();
    assert_eq!(receiver.spec().stats().fetches, 1);

    // CHIP rotated its key: the first delivery signed with the new key triggers one refetch.
    let (body_b, headers_b) = signed_by_b();
    let delivery = check(&receiver, &body_b, &headers_b).await.unwrap();
    assert_eq!(delivery.verified.key_id().as_str(), COMPANY_KEY_ID);
    assert_eq!(receiver.spec().cached_key(), Some(public_b()));
    for _ in 0..10 {
        check(&receiver, &body_b, &headers_b).await.unwrap();
    }
    let stats = receiver.spec().stats();
    assert_eq!((stats.fetches, stats.key_parses, stats.rotations, stats.refetches_on_mismatch), (2, 2, 1, 1));

    // The old key no longer verifies, and within the interval it triggers no further fetch.
    let err = check(&receiver, &body_a, &headers_a).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(receiver.spec().stats().fetches, 2);
    assert_eq!(receiver.spec().stats().refetches_suppressed, 1);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn deliveries_arriving_during_a_refetch_do_not_wait_for_it() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), Some(1), 1).await;
    // The rotated key takes a while to come back.
    serve_key_after(&server, &public_pem_b(), None, 1, Duration::from_millis(1500)).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let (body_a, headers_a) = signed_by_a();
    check(&receiver, &body_a, &headers_a).await.unwrap();

    // Ten deliveries signed with the rotated key at once: the first refetches, the others
    // (arriving once that refetch is under way) are refused at once — CHIP retries them —
    // instead of queueing behind the fetch.
    let (body_b, headers_b) = signed_by_b();
    let first = async {
        let result = check(&receiver, &body_b, &headers_b).await;
        (result, Instant::now())
    };
    let later = || async {
        while receiver.spec().stats().refetches_on_mismatch == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let result = check(&receiver, &body_b, &headers_b).await;
        (result, Instant::now())
    };
    let (first, others) = futures_util::future::join(first, join_all((0..9).map(|_| later()))).await;
    let (first, first_done) = first;
    assert!(first.is_ok(), "{first:?}");
    for (result, done) in &others {
        let err = result.as_ref().unwrap_err();
        assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
        assert!(*done < first_done, "a delivery waited on another delivery's refetch");
    }
    let stats = receiver.spec().stats();
    assert_eq!((stats.fetches, stats.refetches_on_mismatch, stats.refetches_suppressed), (2, 1, 9));
    // CHIP's retries then verify with the new key, without fetching.
    for _ in 0..9 {
        check(&receiver, &body_b, &headers_b).await.unwrap();
    }
    assert_eq!(receiver.spec().stats().fetches, 2);
}

#[tokio::test]
async fn forged_deliveries_cause_at_most_one_refetch_per_window() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 2).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let (body, headers) = signed_by_a();
    check(&receiver, &body, &headers).await.unwrap();

    // Signed with a key CHIP never published.
    let (forged_body, forged_headers) = signed_by_b();
    for _ in 0..25 {
        let err = receiver.accept_at(request(&forged_body, &forged_headers), NOW).await.unwrap_err();
        assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED);
    }
    // Concurrent forgeries too.
    let results = join_all((0..25).map(|_| check(&receiver, &forged_body, &forged_headers))).await;
    assert!(results.iter().all(|r| matches!(r, Err(ReceiveError::Verification(VerifyError::NoMatch { .. })))));
    let stats = receiver.spec().stats();
    assert_eq!(stats.fetches, 2, "one initial fetch, one refetch for the whole stream");
    assert_eq!(stats.refetches_on_mismatch, 1);
    assert_eq!(stats.refetches_suppressed, 49);
    assert_eq!(stats.rotations, 0, "the refetched key is the same");
    // The genuine key still works, without fetching.
    check(&receiver, &body, &headers).await.unwrap();
    assert_eq!(receiver.spec().stats().fetches, 2);
}

#[tokio::test]
async fn the_refetch_interval_is_configurable() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 4).await;
    let receiver = Pipeline::new(ChipKeySource::new(client).with_min_refetch_interval(Duration::ZERO));
    let (forged_body, forged_headers) = signed_by_b();
    for _ in 0..3 {
        assert!(check(&receiver, &forged_body, &forged_headers).await.unwrap_err().is_verification());
    }
    // Initial fetch + one refetch per forged delivery when the limit is off.
    assert_eq!(receiver.spec().stats().fetches, 4);
}

#[tokio::test]
async fn an_expired_key_is_fetched_again_and_reused_if_unchanged() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 3).await;
    let receiver = Pipeline::new(ChipKeySource::new(client).with_ttl(Duration::ZERO));
    let (body, headers) = signed_by_a();
    for _ in 0..3 {
        check(&receiver, &body, &headers).await.unwrap();
    }
    let stats = receiver.spec().stats();
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
    let receiver = Pipeline::new(ChipKeySource::new(client).with_ttl(Duration::ZERO));
    let (body, headers) = signed_by_a();
    check(&receiver, &body, &headers).await.unwrap(); // fetch 1: ok
    check(&receiver, &body, &headers).await.unwrap(); // fetch 2: 500, the cached key is used
    check(&receiver, &body, &headers).await.unwrap(); // no fetch: the failure is recent
    let stats = receiver.spec().stats();
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
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let (body, headers) = signed_by_a();
    let err = receiver.accept_at(request(&body, &headers), NOW).await.unwrap_err();
    assert!(
        matches!(key_fetch_error(&err), KeyFetchError::Fetch(e) if e.as_api().map(|a| a.status.as_u16()) == Some(503)),
        "{err:?}"
    );
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(err.provider_should_retry());
    let err = receiver.accept_at(request(&body, &headers), NOW).await.unwrap_err();
    assert!(
        matches!(key_fetch_error(&err), KeyFetchError::Unavailable { retry_in } if *retry_in <= DEFAULT_MIN_REFETCH_INTERVAL),
        "{err:?}"
    );
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(receiver.spec().stats().fetches, 1);
    // Nothing was reserved: once a key is available, the delivery is handled.
    let reservation = receiver.store().reserve(&fixture_key(&body), Duration::from_secs(1)).await.unwrap();
    assert!(matches!(reservation, Reservation::Reserved(_)), "{reservation:?}");
}

/// The replay key of the `purchase_paid.json` fixture.
fn fixture_key(body: &[u8]) -> ReplayKey {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap();
    let id =
        format!("purchase.paid:purchase:{}:{}", value["id"].as_str().unwrap(), value["updated_on"].as_i64().unwrap());
    ReplayKey::signed_id("chip", "object", &id).unwrap()
}

#[tokio::test]
async fn an_unusable_key_is_an_invalid_key_error() {
    let (server, client) = setup().await;
    serve_key(&server, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", None, 1).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let (body, headers) = signed_by_a();
    let err = check(&receiver, &body, &headers).await.unwrap_err();
    assert!(matches!(key_fetch_error(&err), KeyFetchError::InvalidKey(_)), "{err:?}");
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(receiver.spec().stats().fetch_failures, 1);
    assert_eq!(receiver.spec().stats().key_parses, 1);
}

#[tokio::test]
async fn a_1024_bit_company_key_is_refused() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_1024(), None, 1).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let (body, headers) = signed_by_a();
    let err = receiver.accept_at(request(&body, &headers), NOW).await.unwrap_err();
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(!err.is_verification());
    assert!(
        matches!(
            key_fetch_error(&err),
            KeyFetchError::InvalidKey(KeyError::RsaKeyTooSmall { bits: 1024, min }) if *min == MIN_RSA_BITS
        ),
        "{err:?}"
    );
    assert_eq!(receiver.spec().cached_key(), None, "a weak key is never cached");
    let stats = receiver.spec().stats();
    assert_eq!((stats.fetches, stats.key_parses, stats.fetch_failures), (1, 1, 1));
    // Still refused (503) until a usable key is served, without hammering the API.
    let err = check(&receiver, &body, &headers).await.unwrap_err();
    assert!(matches!(key_fetch_error(&err), KeyFetchError::Unavailable { .. }), "{err:?}");
    assert_eq!(receiver.spec().stats().fetches, 1);
}

#[tokio::test]
async fn a_request_without_a_usable_signature_causes_no_fetch() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 0).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let body = body();

    let err = receiver.accept_at(request(&body, &HeaderMap::new()), NOW).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::MissingHeader { .. })), "{err:?}");
    assert_eq!(err.status(), StatusCode::UNAUTHORIZED);

    for bad in ["not base64 !!", "====", "", "AAAA%%%%"] {
        let mut headers = HeaderMap::new();
        headers.insert("x-signature", HeaderValue::from_str(bad).unwrap());
        let err = receiver.accept_at(request(&body, &headers), NOW).await.unwrap_err();
        assert!(
            matches!(
                err,
                ReceiveError::Verification(VerifyError::BadEncoding { .. } | VerifyError::MalformedHeader { .. })
            ),
            "{bad:?}: {err:?}"
        );
        assert_eq!(err.status(), StatusCode::BAD_REQUEST, "{bad:?}");
    }
    // Longer than any RSA signature.
    let mut headers = HeaderMap::new();
    headers.insert("x-signature", HeaderValue::from_str(&"A".repeat(4096)).unwrap());
    assert!(check(&receiver, &body, &headers).await.unwrap_err().is_verification());
    // Repeated.
    let mut headers = signer_a().sign(&body).unwrap();
    let signature = headers.get("x-signature").unwrap().clone();
    headers.append("x-signature", signature);
    assert!(check(&receiver, &body, &headers).await.unwrap_err().is_verification());

    let stats = receiver.spec().stats();
    assert_eq!(stats.fetches, 0, "{stats:?}");
    assert_eq!(receiver.spec().cached_key(), None);
    assert_no_requests(&server).await;
}

#[tokio::test]
async fn tampered_and_malformed_deliveries_do_not_refetch() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let (body, headers) = signed_by_a();
    check(&receiver, &body, &headers).await.unwrap();
    // Missing header: a verification error, but not a NoMatch, so no refetch.
    let err = check(&receiver, &body, &HeaderMap::new()).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Verification(VerifyError::MissingHeader { .. })), "{err:?}");
    // Signed but not a CHIP delivery.
    let junk = br#"{"no":"event_type"}"#;
    let err = check(&receiver, junk, &signer_a().sign(junk).unwrap()).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Delivery(DeliveryError::Parse { provider: "chip", .. })), "{err:?}");
    assert_eq!(receiver.spec().stats().fetches, 1);
}

#[tokio::test]
async fn the_key_source_runs_the_whole_pipeline() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let calls = Arc::new(AtomicUsize::new(0));
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let app = {
        let (calls, fail) = (calls.clone(), fail.clone());
        app_fn(move |_delivery: VerifiedChipDelivery| {
            calls.fetch_add(1, Ordering::SeqCst);
            let fail = fail.load(Ordering::SeqCst);
            async move { if fail { Err(AppError::new("busy")) } else { Ok(()) } }
        })
    };
    let (body, headers) = signed_by_a();
    // The application fails: released, so CHIP's retry is handled.
    let err = receiver.receive(request(&body, &headers), &app).await.unwrap_err();
    assert!(matches!(err, ReceiveError::Application(_)), "{err:?}");
    fail.store(false, Ordering::SeqCst);
    let key = receiver.receive(request(&body, &headers), &app).await.unwrap();
    assert_eq!(key, fixture_key(&body));
    // A replay with fresh unsigned headers is a duplicate, not handled again.
    let mut replay = headers.clone();
    replay.insert("x-request-id", HeaderValue::from_static("replay"));
    let err = receiver.receive(request(&body, &replay), &app).await.unwrap_err();
    assert!(matches!(&err, ReceiveError::Duplicate { key: k } if *k == key), "{err:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(receiver.spec().stats().fetches, 1);
}

#[tokio::test]
async fn the_key_source_does_not_print_the_api_secret() {
    let (server, client) = setup().await;
    serve_key(&server, &public_pem_a(), None, 1).await;
    let receiver = Pipeline::new(ChipKeySource::new(client));
    let (body, headers) = signed_by_a();
    check(&receiver, &body, &headers).await.unwrap();
    let text = format!("{:?} {:#?} {receiver:?}", receiver.spec(), receiver.spec());
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("bits: 2048"), "{text}");
}
