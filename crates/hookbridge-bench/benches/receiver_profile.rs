//! Instruction-count profile of the receiver path, without the network: `N` deliveries through
//! the same axum router as `benches/receiver.rs` with `tower::ServiceExt::oneshot`, one arm per
//! process, so that callgrind attributes every instruction to one arm:
//!
//! ```text
//! cargo bench -p hookbridge-bench --bench receiver_profile --no-run
//! valgrind --tool=callgrind --callgrind-out-file=cg.bare target/release/deps/receiver_profile-* bare 2000
//! valgrind --tool=callgrind --callgrind-out-file=cg.pipe target/release/deps/receiver_profile-* pipeline 2000
//! callgrind_annotate --inclusive=yes cg.pipe | head -60
//! ```
//!
//! Run with `0` deliveries for the fixed start-up cost, and subtract it. Without arguments (as
//! `cargo bench` runs it) it sends 10 deliveries per arm and checks the answers.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use axum::routing::post;
use hmac::{KeyInit as _, Mac as _};
use hookbridge_miex::{MiexDelivery, MiexReceiver, MiexSpec};
use hookbridge_verify::HmacSecret;
use hookbridge_verify::receive::InMemoryDedupeStore;
use hookbridge_verify::receive::axum::Received;
use hookbridge_verify::receive::tower::ReceiverLayer;
use hookbridge_verify::sign::HmacSigner;
use tower::ServiceExt as _;

const SECRET: &str = "bench-miex-secretKey";

async fn bare_hmac(headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(sig) = headers.get("x-webhook-signature").and_then(|v| v.to_str().ok()) else {
        return StatusCode::UNAUTHORIZED;
    };
    let Some(expected) = sig.strip_prefix("sha256=").and_then(|h| hex::decode(h).ok()) else {
        return StatusCode::BAD_REQUEST;
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(&body);
    if mac.verify_slice(&expected).is_ok() { StatusCode::NO_CONTENT } else { StatusCode::UNAUTHORIZED }
}

async fn on_delivery(Received(delivery): Received<MiexDelivery>) -> StatusCode {
    std::hint::black_box(delivery);
    StatusCode::NO_CONTENT
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let arms: Vec<&str> = match args.first().map(String::as_str) {
        Some(arm) => vec![if arm == "bare" { "/bare" } else { "/pipeline" }],
        None => vec!["/bare", "/pipeline"],
    };
    let n: u64 = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(10);
    let secret = HmacSecret::from_str_bytes(SECRET).expect("secret");
    let pipeline = MiexReceiver::new(MiexSpec::with_secret(secret.clone()))
        .with_store(Arc::new(InMemoryDedupeStore::with_capacity(10_000_000)));
    let router = Router::new()
        .route("/pipeline", post(on_delivery).layer(ReceiverLayer::new(Arc::new(pipeline))))
        .route("/bare", post(bare_hmac));
    let signer = HmacSigner::new(hookbridge_miex::delivery_scheme(), secret);
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    rt.block_on(async {
        for arm in arms {
            for i in 0..n {
                let body =
                    format!(r#"{{"event":"order.created","data":{{"id":{i},"status":"new","amount":"150.00"}}}}"#);
                let headers = signer.sign(body.as_bytes(), 0, Some("job")).expect("sign");
                let mut request = Request::post(arm).body(Body::from(body)).expect("request");
                *request.headers_mut() = headers;
                let response = router.clone().oneshot(request).await.expect("infallible");
                assert_eq!(response.status(), StatusCode::NO_CONTENT, "{arm}");
            }
        }
    });
}
