//! The axum extractor (feature `axum`), driven in-process with `tower::ServiceExt::oneshot`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::FromRef;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;
use axum::routing::post;
use hookbridge_verify::axum::{
    DEFAULT_MAX_BODY_BYTES, DuplicatePolicy, ReplayKey, VerifiedBody, VerifiedBodyRejection, WebhookReceiver,
};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{
    HmacScheme, HmacSecret, HmacVerifier, InMemoryReplayStore, RsaPublicKey, RsaScheme, RsaVerifier, UrlToken,
    UrlTokenVerifier, Verifier, unix_now,
};
use tower::ServiceExt as _;

use crate::common::{read_fixture, read_fixture_str};

const SECRET: &str = "miex-secret-key-do-not-print";
const BODY: &[u8] = br#"{"event":"order.created","data":{"id":42}}"#;

fn miex_secret() -> HmacSecret {
    HmacSecret::from_str_bytes(SECRET).unwrap()
}

fn miex_receiver() -> WebhookReceiver {
    WebhookReceiver::new(HmacVerifier::with_secret(HmacScheme::miex(), miex_secret()))
}

fn miex_headers(body: &[u8], id: Option<&str>) -> HeaderMap {
    HmacSigner::new(HmacScheme::miex(), miex_secret()).sign(body, 0, id).unwrap()
}

/// A router whose handler counts its calls and echoes `key_id|delivery id|body`.
fn app(receiver: WebhookReceiver) -> (Router, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let router = Router::new()
        .route(
            "/hooks",
            post(move |delivery: VerifiedBody| async move {
                counter.fetch_add(1, Ordering::SeqCst);
                let VerifiedBody { body, verified, headers, replay_key, .. } = delivery;
                assert!(headers.contains_key("content-type"));
                format!(
                    "{}|{}|{}|{}",
                    verified.key_id(),
                    verified.id().unwrap_or("-"),
                    replay_key.as_deref().unwrap_or("-"),
                    String::from_utf8_lossy(&body)
                )
            }),
        )
        .with_state(receiver);
    (router, calls)
}

fn request(uri: &str, body: impl Into<Body>, headers: &HeaderMap) -> Request<Body> {
    let mut req = Request::post(uri).header("content-type", "application/json").body(body.into()).unwrap();
    for (name, value) in headers {
        req.headers_mut().append(name.clone(), value.clone());
    }
    req
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, String) {
    let response: Response = router.clone().oneshot(req).await.unwrap();
    let status = response.status();
    let content_type = response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let body = String::from_utf8(body.to_vec()).unwrap();
    if status != StatusCode::OK || body.starts_with("duplicate") {
        // Rejections are plain text.
        assert_eq!(content_type.as_deref(), Some("text/plain; charset=utf-8"), "{status} {body}");
    }
    (status, body)
}

fn assert_no_secret(text: &str, headers: &HeaderMap) {
    assert!(!text.contains(SECRET), "{text}");
    for value in headers.values() {
        let value = value.to_str().unwrap();
        assert!(!text.contains(value), "response leaks header value {value}: {text}");
    }
    // The signature the verifier expected for the tampered body must not appear either.
    let expected = HmacSigner::new(HmacScheme::miex(), miex_secret()).signature_value(b"tampered", 0, None).unwrap();
    assert!(!text.contains(expected.trim_start_matches("sha256=")), "{text}");
}

#[tokio::test]
async fn a_valid_delivery_reaches_the_handler_with_body_verified_and_headers() {
    let (router, calls) = app(miex_receiver());
    let headers = miex_headers(BODY, Some("job-7"));
    let (status, text) = send(&router, request("/hooks", BODY, &headers)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(text, format!("default|job-7|-|{}", String::from_utf8_lossy(BODY)));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_tampered_delivery_is_401_and_the_handler_does_not_run() {
    let (router, calls) = app(miex_receiver());
    let headers = miex_headers(BODY, Some("job-7"));
    let (status, text) = send(&router, request("/hooks", &b"tampered"[..], &headers)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.starts_with("no signature matched: tried 1 signature(s) against 1 key(s)"), "{text}");
    assert_no_secret(&text, &headers);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn missing_and_malformed_headers() {
    let (router, calls) = app(miex_receiver());

    // No signature header at all: unauthenticated.
    let (status, text) = send(&router, request("/hooks", BODY, &HeaderMap::new())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.starts_with("missing `x-webhook-signature` header"), "{text}");

    // Present but unparseable: bad request.
    for value in ["md5=abcd", "sha256=not-hex-at-all", "sha256=abcd"] {
        let mut headers = HeaderMap::new();
        headers.insert("x-webhook-signature", value.parse().unwrap());
        let (status, text) = send(&router, request("/hooks", BODY, &headers)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{value}: {text}");
        assert!(text.contains("x-webhook-signature"), "{text}");
        assert!(!text.contains(value), "{text}");
    }

    // A repeated signature header is ambiguous: bad request.
    let mut headers = miex_headers(BODY, None);
    let value = headers["x-webhook-signature"].clone();
    headers.append("x-webhook-signature", value);
    let (status, text) = send(&router, request("/hooks", BODY, &headers)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("appears 2 times"), "{text}");

    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn stale_timestamps_are_401() {
    let secret = HmacSecret::from_str_bytes("bitnob secret").unwrap();
    let receiver = WebhookReceiver::new(HmacVerifier::with_secret(HmacScheme::bitnob(), secret.clone()));
    let (router, calls) = app(receiver);
    let signer = HmacSigner::new(HmacScheme::bitnob(), secret);

    let fresh = signer.sign(BODY, unix_now(), None).unwrap();
    let (status, text) = send(&router, request("/hooks", BODY, &fresh)).await;
    assert_eq!(status, StatusCode::OK, "{text}");

    let stale = signer.sign(BODY, unix_now() - 3600, None).unwrap();
    let (status, text) = send(&router, request("/hooks", BODY, &stale)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.starts_with("delivery timestamp is "), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_before_verification() {
    assert_eq!(miex_receiver().body_limit(), DEFAULT_MAX_BODY_BYTES);
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 1024 * 1024);
    let limit = 64;
    let (router, calls) = app(miex_receiver().max_body_bytes(limit));

    // Exactly at the limit: accepted.
    let at_limit = vec![b'a'; limit];
    let (status, text) = send(&router, request("/hooks", at_limit.clone(), &miex_headers(&at_limit, None))).await;
    assert_eq!(status, StatusCode::OK, "{text}");

    // One byte over, with Content-Length (a validly signed body: size wins).
    let over = vec![b'a'; limit + 1];
    let headers = miex_headers(&over, None);
    let (status, text) = send(&router, request("/hooks", over.clone(), &headers)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(text, "the request body is over the 64-byte limit");

    // A lying Content-Length does not help: the streamed bytes are counted.
    let mut req = request("/hooks", over.clone(), &headers);
    req.headers_mut().insert("content-length", "10".parse().unwrap());
    let (status, _) = send(&router, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // A chunked body of unknown length is cut off once it passes the limit.
    let chunks: Vec<Result<Bytes, std::io::Error>> = (0..100).map(|_| Ok(Bytes::from_static(b"0123456789"))).collect();
    let streamed = Body::from_stream(futures_util::stream::iter(chunks));
    let (status, _) = send(&router, request("/hooks", streamed, &headers)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    // A declared length far beyond usize is refused without reading.
    let mut req = request("/hooks", Body::empty(), &headers);
    req.headers_mut().insert("content-length", "99999999999999999999999".parse().unwrap());
    let (status, _) = send(&router, req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);

    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn multi_chunk_bodies_are_verified_as_one() {
    let (router, calls) = app(miex_receiver());
    let headers = miex_headers(BODY, None);
    let (a, b) = BODY.split_at(10);
    let (b, c) = b.split_at(7);
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::copy_from_slice(a)),
        Ok(Bytes::new()),
        Ok(Bytes::copy_from_slice(b)),
        Ok(Bytes::copy_from_slice(c)),
    ];
    let (status, text) =
        send(&router, request("/hooks", Body::from_stream(futures_util::stream::iter(chunks)), &headers)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.ends_with(&*String::from_utf8_lossy(BODY)), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_body_stream_error_is_400() {
    let (router, calls) = app(miex_receiver());
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        vec![Ok(Bytes::from_static(b"{")), Err(std::io::Error::other("connection reset"))];
    let (status, text) = send(
        &router,
        request("/hooks", Body::from_stream(futures_util::stream::iter(chunks)), &miex_headers(BODY, None)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(text, "the request body could not be read");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn duplicates_are_acknowledged_with_200_without_running_the_handler() {
    let store = Arc::new(InMemoryReplayStore::new());
    let receiver = miex_receiver().replay_store(Arc::clone(&store), Duration::from_secs(3600));
    assert!(receiver.has_replay_store());
    let (router, calls) = app(receiver);
    let headers = miex_headers(BODY, Some("job-1"));

    let (status, text) = send(&router, request("/hooks", BODY, &headers)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("default|job-1|job-1|"), "{text}");

    let (status, text) = send(&router, request("/hooks", BODY, &headers)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text, "duplicate delivery: it was already accepted and is not processed again");
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Another job id is another delivery.
    let (status, text) = send(&router, request("/hooks", BODY, &miex_headers(BODY, Some("job-2")))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("default|job-2|job-2|"), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(store.len(), 2);

    // A forged delivery never reaches the store.
    let (status, _) = send(&router, request("/hooks", &b"forged"[..], &miex_headers(BODY, Some("job-3")))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(store.len(), 2);
}

#[tokio::test]
async fn duplicates_can_be_409_and_keys_default_to_a_body_digest() {
    let store = Arc::new(InMemoryReplayStore::new());
    let receiver = miex_receiver()
        .on_duplicate(DuplicatePolicy::Conflict)
        .replay_store(Arc::clone(&store), Duration::from_secs(3600));
    let (router, calls) = app(receiver);
    // No X-Webhook-Delivery id: the key is the body's SHA-256.
    let headers = miex_headers(BODY, None);
    let (status, text) = send(&router, request("/hooks", BODY, &headers)).await;
    assert_eq!(status, StatusCode::OK);
    let digest = text.split('|').nth(2).unwrap();
    assert!(digest.starts_with("sha256:") && digest.len() == 7 + 64, "{digest}");
    let (status, text) = send(&router, request("/hooks", BODY, &headers)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(text.starts_with("duplicate delivery"), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn replay_key_choices() {
    // Id only: a delivery without an id is refused.
    let receiver =
        miex_receiver().replay_store(InMemoryReplayStore::new(), Duration::from_secs(60)).replay_key(ReplayKey::Id);
    let (router, calls) = app(receiver);
    let (status, text) = send(&router, request("/hooks", BODY, &miex_headers(BODY, None))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(text, "the delivery carries no id to check for replays");
    assert_eq!(calls.load(Ordering::SeqCst), 0);

    // Body digest: the unsigned MIEX id cannot be changed to slip a replay through.
    let receiver = miex_receiver()
        .replay_key(ReplayKey::BodyDigest)
        .replay_store(InMemoryReplayStore::new(), Duration::from_secs(60));
    let (router, calls) = app(receiver);
    let (status, _) = send(&router, request("/hooks", BODY, &miex_headers(BODY, Some("a")))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, text) = send(&router, request("/hooks", BODY, &miex_headers(BODY, Some("b")))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("duplicate"), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Custom: an event id from the body.
    let key = ReplayKey::custom(|_verified, _headers, body| {
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        Some(format!("event:{}", value["data"]["id"].as_u64()?))
    });
    let receiver = miex_receiver().replay_store(InMemoryReplayStore::new(), Duration::from_secs(60)).replay_key(key);
    let (router, _) = app(receiver);
    let (status, text) = send(&router, request("/hooks", BODY, &miex_headers(BODY, None))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("|event:42|"), "{text}");
    let no_id = br#"{"event":"x"}"#;
    let (status, _) = send(&router, request("/hooks", &no_id[..], &miex_headers(no_id, None))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_full_or_failing_store_fails_closed_with_503_and_bad_keys_with_400() {
    let receiver = miex_receiver().replay_store(InMemoryReplayStore::with_capacity(1), Duration::from_secs(60));
    let (router, calls) = app(receiver);
    let (status, _) = send(&router, request("/hooks", BODY, &miex_headers(BODY, Some("1")))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, text) = send(&router, request("/hooks", BODY, &miex_headers(BODY, Some("2")))).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(text.contains("refuses new ones"), "{text}");
    // An id over the store's key limit (the id header is not signed; the body is).
    let long = "x".repeat(2000);
    let (status, _) = send(&router, request("/hooks", BODY, &miex_headers(BODY, Some(&long)))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn rsa_and_url_token_verifiers_work_through_the_extractor() {
    // CHIP: RSA over the raw body.
    let key = RsaPublicKey::from_pem(&read_fixture_str("keys/rsa2048-public-spki.pem")).unwrap();
    let (router, calls) = app(WebhookReceiver::new(RsaVerifier::with_key(RsaScheme::chip(), key)));
    let body = read_fixture("verify/chip-purchase-paid.body");
    let mut headers = HeaderMap::new();
    headers.insert("x-signature", read_fixture_str("verify/chip-purchase-paid.sig").trim().parse().unwrap());
    let (status, text) = send(&router, request("/hooks", body.clone(), &headers)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let mut tampered = body;
    tampered.push(b' ');
    let (status, _) = send(&router, request("/hooks", tampered, &headers)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // BLAZE: the token is in the request URI.
    let token = UrlToken::generate().unwrap();
    let (router, calls) = app(WebhookReceiver::new(UrlTokenVerifier::with_token(token.clone())));
    let uri = format!("/hooks?shop=1&hb_token={}", token.expose_secret());
    let (status, text) = send(&router, request(&uri, BODY, &HeaderMap::new())).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let (status, text) = send(&router, request("/hooks?shop=1", BODY, &HeaderMap::new())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(text, "missing `hb_token` query parameter in the request URI");
    let (status, text) = send(&router, request("/hooks?hb_token=guess", BODY, &HeaderMap::new())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(!text.contains(token.expose_secret()));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[derive(Clone)]
struct AppState {
    receiver: WebhookReceiver,
    name: &'static str,
}

impl FromRef<AppState> for WebhookReceiver {
    fn from_ref(state: &AppState) -> Self {
        state.receiver.clone()
    }
}

#[tokio::test]
async fn the_receiver_can_be_one_field_of_the_app_state_and_rejections_can_be_handled() {
    let verifier: Arc<dyn Verifier> = Arc::new(HmacVerifier::with_secret(HmacScheme::miex(), miex_secret()));
    let state = AppState { receiver: WebhookReceiver::from(verifier), name: "shop" };
    let router = Router::new()
        .route(
            "/hooks",
            post(
                |axum::extract::State(state): axum::extract::State<AppState>,
                 delivery: Result<VerifiedBody, VerifiedBodyRejection>| async move {
                    match delivery {
                        Ok(d) => format!("{}: {} bytes", state.name, d.body.len()),
                        Err(rejection) => {
                            format!("{}: rejected {} ({rejection})", state.name, rejection.status().as_u16())
                        }
                    }
                },
            ),
        )
        .with_state(state);
    let (status, text) = send(&router, request("/hooks", BODY, &miex_headers(BODY, None))).await;
    assert_eq!((status, text.as_str()), (StatusCode::OK, format!("shop: {} bytes", BODY.len()).as_str()));
    let (status, text) = send(&router, request("/hooks", BODY, &HeaderMap::new())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with("shop: rejected 401 (missing `x-webhook-signature` header"), "{text}");
}

#[test]
fn debug_output_holds_no_secret() {
    let receiver = miex_receiver().replay_store(InMemoryReplayStore::new(), Duration::from_secs(60));
    let debug = format!("{receiver:?}");
    assert!(debug.contains("HmacVerifier") && debug.contains("IdOrBodyDigest"), "{debug}");
    assert!(!debug.contains(SECRET), "{debug}");
    let token = UrlToken::generate().unwrap();
    let debug = format!("{:?}", WebhookReceiver::new(UrlTokenVerifier::with_token(token.clone())));
    assert!(!debug.contains(token.expose_secret()), "{debug}");
}
