//! Receiving MIEX webhooks with plain hyper and tower — no web framework: the receiver pipeline
//! is a tower `Layer` ([`ReceiverLayer`]) in front of a `service_fn`, served by hyper.
//!
//! ```text
//! cargo run --example tower_receiver
//! ```
//!
//! The example serves on 127.0.0.1 (a free port), sends itself a correctly signed MIEX delivery,
//! the same delivery again (acknowledged without reaching the handler) and a tampered copy
//! (401), checks the answers and exits.
//!
//! The layer needs a request body that is also `From<Bytes>` (it reads the body to verify it,
//! then hands the same bytes on); hyper's `Incoming` is not, so the request is mapped to
//! [`ExampleBody`], a boxed body with that conversion.

#![allow(clippy::print_stdout)]

use std::convert::Infallible;
use std::error::Error;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use hookbridge::miex::{MiexDelivery, MiexReceiver, MiexSpec};
use hookbridge::verify::HmacSecret;
use hookbridge::verify::receive::tower::{ReceiverLayer, take_delivery};
use hookbridge::verify::sign::HmacSigner;
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tower::{ServiceBuilder, service_fn};

/// A request body the receiver layer accepts: any body, boxed, plus `From<Bytes>`.
struct ExampleBody(UnsyncBoxBody<Bytes, Box<dyn Error + Send + Sync>>);

impl From<Bytes> for ExampleBody {
    fn from(bytes: Bytes) -> Self {
        Self(Full::new(bytes).map_err(|never| match never {}).boxed_unsync())
    }
}

impl Body for ExampleBody {
    type Data = Bytes;
    type Error = Box<dyn Error + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Pin::new(&mut self.0).poll_frame(cx)
    }
}

/// Runs only for authentic, first-seen deliveries; a 2xx marks the delivery handled.
async fn handle(mut request: Request<ExampleBody>) -> Result<Response<String>, Infallible> {
    let Some(delivery) = take_delivery::<MiexDelivery, _>(&mut request) else {
        return Ok(Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(String::new())
            .unwrap_or_default());
    };
    println!("  handler: {} verified with key `{}`", delivery.event, delivery.verified.key_id());
    Ok(Response::builder().status(StatusCode::NO_CONTENT).body(String::new()).unwrap_or_default())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let secret = HmacSecret::from_str_bytes("example-miex-secretKey")?;
    let receiver = Arc::new(MiexReceiver::new(MiexSpec::with_secret(secret.clone())));
    let service = ServiceBuilder::new()
        .map_request(|request: Request<hyper::body::Incoming>| {
            request
                .map(|body| ExampleBody(body.map_err(|e| Box::new(e) as Box<dyn Error + Send + Sync>).boxed_unsync()))
        })
        .layer(ReceiverLayer::new(receiver))
        .service(service_fn(handle));

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/miex", listener.local_addr()?);
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let _ =
                    hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    println!("receiving on {url}");

    let signer = HmacSigner::new(hookbridge::miex::delivery_scheme(), secret);
    let body = br#"{"event":"order.created","data":{"orderId":"ord_2001"}}"#;
    let mut signed = signer.sign(body, 0, Some("job-2001"))?;
    signed.insert(hookbridge::miex::headers::EVENT, "order.created".parse()?);
    let tampered = br#"{"event":"order.created","data":{"orderId":"ord_2002"}}"#;

    let client = reqwest::Client::new();
    let mut all_as_expected = true;
    for (label, payload, expected) in [
        ("signed delivery", &body[..], StatusCode::NO_CONTENT),
        ("same delivery again (retry)", &body[..], StatusCode::OK),
        ("tampered delivery", &tampered[..], StatusCode::UNAUTHORIZED),
    ] {
        let response = client.post(&url).headers(signed.clone()).body(payload.to_vec()).send().await?;
        println!("{label} -> {}", response.status());
        all_as_expected &= response.status().as_u16() == expected.as_u16();
    }
    server.abort();
    if !all_as_expected {
        return Err("unexpected outcome".into());
    }
    Ok(())
}
