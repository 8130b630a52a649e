//! The tower layer and the axum integration (features `tower` / `axum`), driven in-process with
//! `tower::ServiceExt::oneshot`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use bytes::Bytes;
use hookbridge_verify::receive::axum::{Received, hooks_router};
use hookbridge_verify::receive::tower::ReceiverLayer;
use hookbridge_verify::receive::{Application, Incoming, Receive, ReceiveExt as _};
use tower::ServiceExt as _;

use crate::pipeline::{Counter, github_pipeline, github_request};

type GithubDelivery = (Bytes, Option<String>);

fn to_request(incoming: Incoming) -> Request<Body> {
    let mut request = Request::post(incoming.uri).body(Body::from(incoming.body)).unwrap();
    *request.headers_mut() = incoming.headers;
    request
}

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// A route whose handler answers `status` and counts its calls.
fn layered(status: Arc<std::sync::Mutex<StatusCode>>, calls: Arc<AtomicUsize>, limit: usize) -> Router {
    let receiver: Arc<dyn Receive<GithubDelivery>> = Arc::new(github_pipeline().max_body_bytes(limit));
    Router::new().route(
        "/hooks/github",
        post(move |Received((body, _id)): Received<GithubDelivery>| async move {
            calls.fetch_add(1, Ordering::SeqCst);
            assert!(!body.is_empty());
            *status.lock().unwrap()
        })
        .layer(ReceiverLayer::new(receiver)),
    )
}

#[tokio::test]
async fn the_layer_completes_on_2xx_and_releases_otherwise() {
    let status = Arc::new(std::sync::Mutex::new(StatusCode::INTERNAL_SERVER_ERROR));
    let calls = Arc::new(AtomicUsize::new(0));
    let router = layered(status.clone(), calls.clone(), 1024);
    // The handler fails: its status goes back to the provider, and the key is released.
    let (got, _) = send(&router, to_request(github_request(b"{\"x\":1}", "g"))).await;
    assert_eq!(got, StatusCode::INTERNAL_SERVER_ERROR);
    // The retry reaches the handler again, which now succeeds.
    *status.lock().unwrap() = StatusCode::NO_CONTENT;
    let (got, _) = send(&router, to_request(github_request(b"{\"x\":1}", "g"))).await;
    assert_eq!(got, StatusCode::NO_CONTENT);
    // Handled: a duplicate (even under another unsigned id) gets 200 without the handler.
    let (got, body) = send(&router, to_request(github_request(b"{\"x\":1}", "another"))).await;
    assert_eq!(got, StatusCode::OK);
    assert!(body.starts_with("duplicate delivery"), "{body}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // Refusals never reach the handler.
    let mut forged = github_request(b"{\"x\":1}", "g");
    forged.body = Bytes::from_static(b"{\"x\":2}");
    let (got, body) = send(&router, to_request(forged)).await;
    assert_eq!(got, StatusCode::UNAUTHORIZED);
    assert!(body.starts_with("delivery verification failed: "), "{body}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn bodies_over_the_limit_are_413_whether_declared_or_streamed() {
    let status = Arc::new(std::sync::Mutex::new(StatusCode::OK));
    let calls = Arc::new(AtomicUsize::new(0));
    let router = layered(status, calls.clone(), 8);
    let big = github_request(b"{\"more\":\"than eight\"}", "g");
    let (got, _) = send(&router, to_request(big.clone())).await;
    assert_eq!(got, StatusCode::PAYLOAD_TOO_LARGE);
    // Declared small, streamed big: stopped while reading.
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        vec![Ok(Bytes::from_static(b"{\"more\":")), Ok(Bytes::from_static(b"\"than eight\"}"))];
    let mut request =
        Request::post("/hooks/github").body(Body::from_stream(futures_util::stream::iter(chunks))).unwrap();
    *request.headers_mut() = big.headers.clone();
    let (got, _) = send(&router, request).await;
    assert_eq!(got, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn multi_chunk_bodies_are_verified_as_one_and_stream_errors_are_400() {
    let status = Arc::new(std::sync::Mutex::new(StatusCode::OK));
    let calls = Arc::new(AtomicUsize::new(0));
    let router = layered(status, calls.clone(), 1024);
    let signed = github_request(b"{\"chunked\":true}", "g");
    let chunks: Vec<Result<Bytes, std::io::Error>> =
        vec![Ok(Bytes::from_static(b"{\"chunked\"")), Ok(Bytes::from_static(b":true}"))];
    let mut request =
        Request::post("/hooks/github").body(Body::from_stream(futures_util::stream::iter(chunks))).unwrap();
    *request.headers_mut() = signed.headers.clone();
    assert_eq!(send(&router, request).await.0, StatusCode::OK);
    let broken: Vec<Result<Bytes, std::io::Error>> =
        vec![Ok(Bytes::from_static(b"{")), Err(std::io::Error::other("connection reset"))];
    let mut request =
        Request::post("/hooks/github").body(Body::from_stream(futures_util::stream::iter(broken))).unwrap();
    *request.headers_mut() = signed.headers;
    assert_eq!(send(&router, request).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_extractor_without_a_layer_is_a_500_wiring_error() {
    let router =
        Router::new().route("/hooks/github", post(|Received(_d): Received<GithubDelivery>| async { "unreachable" }));
    let (got, body) = send(&router, to_request(github_request(b"{}", "g"))).await;
    assert_eq!(got, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("no receiver layer"), "{body}");
}

#[tokio::test]
async fn hooks_router_serves_every_provider_on_one_path_pattern() {
    let app = Arc::new(Counter::default());
    let github: Arc<dyn Receive<String>> =
        Arc::new(github_pipeline().map(|(body, _): GithubDelivery| String::from_utf8_lossy(&body).into_owned()));
    let router = hooks_router([github], app.clone() as Arc<dyn Application<String>>);
    let (got, _) = send(&router, to_request(github_request(b"{\"h\":1}", "g"))).await;
    assert_eq!(got, StatusCode::OK);
    let (got, _) = send(&router, to_request(github_request(b"{\"h\":1}", "g"))).await;
    assert_eq!(got, StatusCode::OK);
    assert_eq!(app.calls.load(Ordering::SeqCst), 1);
    let mut unknown = github_request(b"{}", "g");
    unknown.uri = "/hooks/stripe".parse().unwrap();
    assert_eq!(send(&router, to_request(unknown)).await.0, StatusCode::NOT_FOUND);
    // The application fails: 500 (its status), and the retry is handled.
    app.fail.store(true, Ordering::SeqCst);
    assert_eq!(send(&router, to_request(github_request(b"{\"h\":2}", "g"))).await.0, StatusCode::SERVICE_UNAVAILABLE);
    app.fail.store(false, Ordering::SeqCst);
    assert_eq!(send(&router, to_request(github_request(b"{\"h\":2}", "g"))).await.0, StatusCode::OK);
    assert_eq!(app.calls.load(Ordering::SeqCst), 3);
}
