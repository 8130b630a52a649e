//! Receiving webhooks with actix-web 4 through the receiver pipeline: every configured provider
//! on `POST /hooks/{provider}`, one application for all of them (the unified `Delivery`), the
//! pipeline's status table on every refusal.
//!
//! ```text
//! MIEX_WEBHOOK_SECRET_FILE=/run/secrets/miex cargo run --example actix_receiver
//! HOOKBRIDGE_SELF_CHECK=1 cargo run --example actix_receiver
//! cargo test --example actix_receiver
//! ```
//!
//! actix-web 4 is built on the `http` 0.2 crate; the pipeline's [`Incoming`] holds `http` 1.x
//! types. The handler converts the request with the small functions below — the method, the URI
//! and every header with its value as bytes (repeated headers keep all their values in order,
//! values that are not UTF-8 stay unchanged) — and converts the pipeline's response back. A
//! request that has no `http` 1.x form is answered 400, never a panic.
//!
//! Configuration (environment):
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `HOOKBRIDGE_LISTEN` | address to bind | `127.0.0.1:8080` |
//! | `HOOKBRIDGE_REPLAY_STORE` | dedupe store: `memory`, `redis://…`, `postgres://…` (the same URL for every instance) | `memory` |
//! | `HOOKBRIDGE_MAX_BODY_BYTES` | largest delivery body accepted (413 above) | 1 MiB |
//! | `MIEX_WEBHOOK_SECRET_FILE` | MIEX's `secretKey` (enables `/hooks/miex`) | — |
//! | `BITNOB_WEBHOOK_SECRET_FILE` | Bitnob's webhook secret (enables `/hooks/bitnob`) | — |
//! | `CHIP_WEBHOOK_PUBLIC_KEY_FILE` | the CHIP webhook's `public_key` PEM (enables `/hooks/chip`) | — |
//! | `RUST_LOG` | log filter | `info` |
//!
//! With `HOOKBRIDGE_SELF_CHECK=1` the example binds a free port on 127.0.0.1, sends itself one
//! signed MIEX delivery twice (with a built-in secret unless `MIEX_WEBHOOK_SECRET_FILE` is set),
//! checks it was handled once, and exits — a smoke test.
//!
//! The body: actix reads it (`web::Bytes`) under a `PayloadConfig` limit equal to the pipelines'
//! `max_body_bytes`, refusing a declared `Content-Length` over it before reading and stopping a
//! streamed body as soon as it passes it; both answer the pipeline's 413. Keep actix-web's
//! compression features off: signatures cover the bytes as sent, so the pipeline must see them
//! undecoded.
//!
//! The application below only logs. A real one stores or enqueues the delivery before it
//! returns `Ok` (or uses the durable inbox), and is idempotent on `delivery.replay_key`.

#![allow(clippy::print_stdout)]

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::error::PayloadError;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hookbridge::Delivery;
use hookbridge::verify::HmacSecret;
use hookbridge::verify::receive::tower::error_response;
use hookbridge::verify::receive::{Application, DEFAULT_MAX_BODY_BYTES, Incoming, Receive, ReceiveError};

#[path = "support/config.rs"]
mod config;

const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

// http 0.2 (actix-web's request) → http 1.x (the pipeline's `Incoming`).

/// A part of an actix request that has no `http` 1.x form. Names the part (and a header's
/// name), never a header value: values may be credentials.
#[derive(Debug)]
enum ConversionError {
    Method,
    Uri,
    HeaderName,
    HeaderValue { name: String },
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Method => f.write_str("the request method is not a valid HTTP method"),
            Self::Uri => f.write_str("the request target is not a valid URI"),
            Self::HeaderName => f.write_str("a request header name is not a valid header name"),
            Self::HeaderValue { name } => write!(f, "the value of the request header `{name}` is not a valid value"),
        }
    }
}

impl Error for ConversionError {}

/// The method in `http` 1.x: the same token (extension methods included).
fn convert_method(method: &actix_web::http::Method) -> Result<http::Method, ConversionError> {
    http::Method::from_bytes(method.as_str().as_bytes()).map_err(|_| ConversionError::Method)
}

/// The request target as actix received it (path and query; scheme and authority too for an
/// absolute-form target) in `http` 1.x. BLAZE's URL token, for one, is in the query.
fn convert_uri(uri: &actix_web::http::Uri) -> Result<http::Uri, ConversionError> {
    http::Uri::try_from(uri.to_string()).map_err(|_| ConversionError::Uri)
}

/// One header in `http` 1.x: the name (lowercase in both versions, so lookups stay
/// case-insensitive) and the value's bytes unchanged, UTF-8 or not, with its sensitive flag.
fn convert_header(
    name: &str,
    value: &[u8],
    sensitive: bool,
) -> Result<(http::HeaderName, http::HeaderValue), ConversionError> {
    let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConversionError::HeaderName)?;
    let mut value =
        http::HeaderValue::from_bytes(value).map_err(|_| ConversionError::HeaderValue { name: name.to_string() })?;
    value.set_sensitive(sensitive);
    Ok((name, value))
}

/// Every header in `http` 1.x, appended (never inserted): each value of a repeated header is
/// kept, in the order received. actix's map groups values by name in a hash map, so the order
/// *between different names* is already gone when the handler runs; HTTP gives it no meaning
/// (RFC 9110, 5.3), whereas the order within one name — kept here — has one.
fn convert_headers(headers: &actix_web::http::header::HeaderMap) -> Result<http::HeaderMap, ConversionError> {
    let mut converted = http::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers.iter() {
        let (name, value) = convert_header(name.as_str(), value.as_bytes(), value.is_sensitive())?;
        converted.append(name, value);
    }
    Ok(converted)
}

/// The pipeline's input: the converted method, URI and headers, and the raw body as received.
fn to_incoming(request: &HttpRequest, body: web::Bytes) -> Result<Incoming, ConversionError> {
    Ok(Incoming::new(
        convert_method(request.method())?,
        convert_uri(request.uri())?,
        convert_headers(request.headers())?,
        body,
    ))
}

// http 1.x (the pipeline's responses) → actix-web.

/// An `http` 1.x response — here the pipeline's own [`error_response`], so the status table and
/// the one-line `text/plain` reason are exactly those of the tower and axum integrations — as an
/// actix response: status, every header, body.
fn to_actix(response: http::Response<String>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status = actix_web::http::StatusCode::from_u16(parts.status.as_u16())
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        builder.append_header((name.as_str(), value.as_bytes()));
    }
    builder.body(body)
}

/// The answer to a request the pipeline refused (or acknowledged as a duplicate), logged with
/// its reason: never a secret, a header value or body content.
fn refusal(provider: &str, err: &ReceiveError) -> HttpResponse {
    let status = err.status().as_u16();
    if err.is_duplicate() {
        tracing::debug!(provider, status, key = ?err.replay_key(), "duplicate delivery acknowledged");
    } else {
        tracing::info!(provider, status, reason = %err.reason(), "delivery not handled");
    }
    to_actix(error_response(err))
}

/// 400 for a request that has no `http` 1.x form.
fn bad_request(err: &ConversionError) -> HttpResponse {
    HttpResponse::BadRequest().content_type(TEXT_PLAIN).body(format!("{err}\n"))
}

/// actix's body-reading error as the pipeline's: over the `PayloadConfig` limit is the
/// pipeline's 413 (that limit is at least the receiver's, so the body is over the receiver's
/// `limit` too); anything else (a client gone mid-body, a `Content-Length` that is not a
/// number) is an unreadable body, 400.
fn body_error(err: &actix_web::Error, limit: usize) -> ReceiveError {
    match err.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ReceiveError::PayloadTooLarge { limit },
        _ => ReceiveError::BodyRead(err.to_string().into()),
    }
}

// The routes.

/// The receivers by provider name, and the one application every delivery goes to.
struct Hooks {
    receivers: HashMap<&'static str, Arc<dyn Receive<Delivery>>>,
    app: Arc<dyn Application<Delivery>>,
}

impl Hooks {
    /// Keyed by [`Receive::provider`] (a later receiver for a provider replaces an earlier one).
    fn new(
        receivers: impl IntoIterator<Item = Arc<dyn Receive<Delivery>>>,
        app: Arc<dyn Application<Delivery>>,
    ) -> Self {
        Self { receivers: receivers.into_iter().map(|r| (r.provider(), r)).collect(), app }
    }

    /// The limit actix reads bodies up to: the largest receiver's (each pipeline then checks its own).
    fn max_body_bytes(&self) -> usize {
        self.receivers.values().map(|r| r.max_body_bytes()).max().unwrap_or(DEFAULT_MAX_BODY_BYTES)
    }
}

/// `/hooks/{provider}`, for every method: the pipeline answers 405 to anything but `POST`, so
/// the status table is the pipeline's throughout. 404 for a provider without a receiver.
fn routes(hooks: web::Data<Hooks>) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        let limit = hooks.max_body_bytes();
        config.service(
            web::resource("/hooks/{provider}")
                .app_data(hooks)
                .app_data(web::PayloadConfig::new(limit))
                .to(receive_hook),
        );
    }
}

/// Converts the request, runs the whole pipeline — verify, parse, reserve the replay key, hand
/// the delivery to the application, then complete the key when it succeeded or release it when
/// it failed (so the provider's retry is handled) — and answers with the pipeline's statuses.
async fn receive_hook(
    hooks: web::Data<Hooks>,
    provider: web::Path<String>,
    request: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    let Some(receiver) = hooks.receivers.get(provider.as_str()) else {
        return HttpResponse::NotFound().content_type(TEXT_PLAIN).body("no receiver for this provider\n");
    };
    let provider = receiver.provider();
    let body = match body {
        Ok(body) => body,
        Err(err) => return refusal(provider, &body_error(&err, receiver.max_body_bytes())),
    };
    let incoming = match to_incoming(&request, body) {
        Ok(incoming) => incoming,
        Err(err) => {
            tracing::info!(provider, status = 400, reason = %err, "delivery not handled");
            return bad_request(&err);
        }
    };
    match receiver.receive(incoming, hooks.app.as_ref()).await {
        Ok(key) => {
            tracing::info!(provider, %key, "delivery handled");
            HttpResponse::Ok().content_type(TEXT_PLAIN).body("handled\n")
        }
        Err(err) => refusal(provider, &err),
    }
}

// Configuration and the server.

#[actix_web::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .init();

    let config::Config { self_check, listen, store_kind, max_body, receivers, providers, app, handled, miex_secret } =
        config::Config::from_env().await?;

    let hooks = web::Data::new(Hooks::new(receivers, app));
    let mut server = HttpServer::new(move || App::new().configure(routes(hooks.clone())));
    if self_check {
        server = server.workers(1);
    }
    let server = server.bind(&listen)?;
    let addr = server.addrs().first().copied().ok_or("bound to no address")?;
    tracing::info!(%addr, store = store_kind, ?providers, max_body, "receiving on /hooks/{{provider}}");
    // SIGTERM stops it gracefully: deliveries in flight finish (and complete or release their
    // keys) first. SIGINT (Ctrl-C) stops it at once, as actix does: a delivery cut off mid-way
    // keeps its key reserved until the lease expires, and the provider's retry is handled then.
    let server = server.run();

    if self_check {
        let secret = miex_secret.as_deref().unwrap_or_default();
        return run_self_check(server, addr, secret, &handled).await;
    }
    server.await?;
    Ok(())
}

/// Sends one fresh signed MIEX delivery twice to the running server: handled once, both 200.
async fn run_self_check(
    server: actix_web::dev::Server,
    addr: SocketAddr,
    secret: &str,
    handled: &AtomicUsize,
) -> Result<(), Box<dyn Error>> {
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let secret = HmacSecret::from_str_bytes(secret)?;
    // A fresh delivery per run: a shared store remembers earlier runs' deliveries.
    let body = format!(r#"{{"event":"order.created","data":{{"id":"self-check-{}"}}}}"#, hookbridge::Timestamp::now());
    let headers = hookbridge::verify::sign::HmacSigner::new(hookbridge::miex::delivery_scheme(), secret).sign(
        body.as_bytes(),
        0,
        None,
    )?;
    let client = reqwest::Client::new();
    let mut all_ok = true;
    for _ in 0..2 {
        let response =
            client.post(format!("http://{addr}/hooks/miex")).headers(headers.clone()).body(body.clone()).send().await?;
        let status = response.status();
        println!("self-check delivery: HTTP {status} {}", response.text().await?.trim());
        all_ok &= status.as_u16() == 200;
    }
    handle.stop(true).await;
    running.await??;
    let count = handled.load(Ordering::SeqCst);
    println!("handled {count} time(s)");
    if all_ok && count == 1 { Ok(()) } else { Err("the delivery was not handled exactly once".into()) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::AtomicBool;

    use actix_web::dev::ServiceResponse;
    use actix_web::http::header::{HeaderMap as ActixHeaderMap, HeaderName as ActixName, HeaderValue as ActixValue};
    use actix_web::test::{TestRequest, call_service, init_service, read_body};

    use hookbridge::bitnob::{BitnobReceiver, BitnobSpec};
    use hookbridge::miex::{MiexReceiver, MiexSpec};
    use hookbridge::verify::KeyRing;
    use hookbridge::verify::receive::{AppError, BoxFuture, ReceiveExt as _};
    use hookbridge::verify::sign::HmacSigner;
    use hookbridge::verify::unix_now;

    use super::*;

    const MIEX_SECRET: &str = "test-miex-secretKey";
    const BITNOB_SECRET: &str = "test-bitnob-secret";
    const MAX_BODY: usize = 4096;

    /// An application that records what it handled, and fails while `fail` is set.
    #[derive(Default)]
    struct Recorder {
        handled: Mutex<Vec<Delivery>>,
        calls: AtomicUsize,
        fail: AtomicBool,
    }

    impl Application<Delivery> for Recorder {
        fn handle(&self, delivery: Delivery) -> BoxFuture<'_, Result<(), AppError>> {
            Box::pin(async move {
                self.calls.fetch_add(1, Ordering::SeqCst);
                if self.fail.load(Ordering::SeqCst) {
                    return Err(
                        AppError::new("the ledger is read-only").with_status(http::StatusCode::SERVICE_UNAVAILABLE)
                    );
                }
                self.handled.lock().unwrap().push(delivery);
                Ok(())
            })
        }
    }

    fn hooks(app: Arc<Recorder>, max_body: usize) -> web::Data<Hooks> {
        let miex = MiexReceiver::new(MiexSpec::with_secret(HmacSecret::from_str_bytes(MIEX_SECRET).unwrap()))
            .max_body_bytes(max_body);
        let bitnob_keys = KeyRing::single("current", HmacSecret::from_str_bytes(BITNOB_SECRET).unwrap());
        let bitnob = BitnobReceiver::new(BitnobSpec::new(bitnob_keys).unwrap()).max_body_bytes(max_body);
        let receivers: [Arc<dyn Receive<Delivery>>; 2] =
            [Arc::new(miex.map(Delivery::from)), Arc::new(bitnob.map(Delivery::from))];
        web::Data::new(Hooks::new(receivers, app))
    }

    /// The routes, as `main` serves them, for an application `$app` (and a body limit).
    macro_rules! service {
        ($app:expr) => {
            service!($app, MAX_BODY)
        };
        ($app:expr, $max_body:expr) => {
            init_service(App::new().configure(routes(hooks($app, $max_body)))).await
        };
    }

    fn signed_miex(body: &str) -> http::HeaderMap {
        let secret = HmacSecret::from_str_bytes(MIEX_SECRET).unwrap();
        let mut signed = HmacSigner::new(hookbridge::miex::delivery_scheme(), secret)
            .sign(body.as_bytes(), 0, Some("job-1"))
            .unwrap();
        signed.insert(hookbridge::miex::headers::EVENT, http::HeaderValue::from_static("order.created"));
        signed
    }

    /// A `POST` of `body` to `path` with `headers` (signed with `http` 1.x types) as actix sees it.
    fn post(path: &str, headers: &http::HeaderMap, body: &str) -> TestRequest {
        let mut request = TestRequest::post().uri(path).set_payload(body.to_owned());
        for (name, value) in headers {
            request = request.append_header((name.as_str(), value.as_bytes()));
        }
        request
    }

    async fn status_and_text(response: ServiceResponse) -> (u16, String) {
        let status = response.status().as_u16();
        (status, String::from_utf8(read_body(response).await.to_vec()).unwrap())
    }

    #[test]
    fn repeated_headers_keep_every_value_in_order() {
        let mut actix = ActixHeaderMap::new();
        for value in ["first", "second", "third"] {
            actix.append(ActixName::from_static("x-trace"), ActixValue::from_static(value));
        }
        actix.append(ActixName::from_static("x-webhook-signature"), ActixValue::from_static("abc"));

        let converted = convert_headers(&actix).unwrap();
        let trace: Vec<&[u8]> = converted.get_all("x-trace").iter().map(http::HeaderValue::as_bytes).collect();
        assert_eq!(trace, [&b"first"[..], b"second", b"third"]);
        assert_eq!(converted.len(), 4);
        assert_eq!(converted.keys_len(), 2);
    }

    #[test]
    fn values_that_are_not_utf8_stay_unchanged_and_sensitive_stays_sensitive() {
        let raw = b"caf\xe9 \xff\x80 end";
        let mut actix = ActixHeaderMap::new();
        actix.append(ActixName::from_static("x-note"), ActixValue::from_bytes(raw).unwrap());
        let mut token = ActixValue::from_static("Bearer t0ken");
        token.set_sensitive(true);
        actix.append(ActixName::from_static("authorization"), token);

        let converted = convert_headers(&actix).unwrap();
        let note = converted.get("x-note").unwrap();
        assert_eq!(note.as_bytes(), raw);
        assert!(note.to_str().is_err(), "the value is not UTF-8 and must not have been re-encoded");
        assert!(converted.get("authorization").unwrap().is_sensitive());
        assert!(!note.is_sensitive());
    }

    #[test]
    fn the_request_converts_with_names_case_insensitive_and_the_target_intact() {
        let request = TestRequest::post()
            .uri("/hooks/miex?tenant=a%20b&x=1")
            .insert_header(("X-Webhook-Signature", "abc"))
            .insert_header(("Content-Type", "application/json"))
            .to_http_request();
        let incoming = to_incoming(&request, web::Bytes::from_static(b"{}")).unwrap();
        assert_eq!(incoming.method, http::Method::POST);
        assert_eq!(incoming.uri.path(), "/hooks/miex");
        assert_eq!(incoming.uri.query(), Some("tenant=a%20b&x=1"));
        for name in ["x-webhook-signature", "X-Webhook-Signature", "X-WEBHOOK-SIGNATURE"] {
            assert_eq!(incoming.headers.get(name).unwrap(), "abc", "{name}");
        }
        assert_eq!(&incoming.body[..], b"{}");

        let other = TestRequest::default()
            .method(actix_web::http::Method::from_bytes(b"PROPFIND").unwrap())
            .uri("/hooks/miex")
            .to_http_request();
        assert_eq!(to_incoming(&other, web::Bytes::new()).unwrap().method.as_str(), "PROPFIND");
    }

    #[actix_web::test]
    async fn a_header_without_an_http_1_form_is_a_400_naming_it_without_its_value() {
        let err = convert_header("x-note", b"line\nbreak", false).unwrap_err();
        let response = ServiceResponse::new(TestRequest::default().to_http_request(), bad_request(&err));
        let (status, text) = status_and_text(response).await;
        assert_eq!(status, 400);
        assert!(text.contains("`x-note`"), "{text}");
        assert!(!text.contains("line") && !text.contains("break"), "{text}");

        assert!(matches!(convert_header("bad name", b"v", false), Err(ConversionError::HeaderName)));
        assert!(convert_header("x-ok", b"tab\tand obs-text \xfe", false).is_ok());
    }

    #[actix_web::test]
    async fn a_signed_delivery_is_handled_once_and_its_resends_and_replays_are_acknowledged() {
        let app = Arc::new(Recorder::default());
        let service = service!(app.clone());
        let body = r#"{"event":"order.created","data":{"orderId":"ord_1"}}"#;
        let signed = signed_miex(body);

        // Extra headers the provider does not sign — repeated, not UTF-8 — pass through untouched.
        let request = post("/hooks/miex", &signed, body)
            .append_header(("x-forwarded-for", "proxy-a"))
            .append_header(("x-forwarded-for", "proxy-b"))
            .append_header(("x-note", &b"caf\xe9"[..]));
        let (status, text) = status_and_text(call_service(&service, request.to_request()).await).await;
        assert_eq!((status, text.as_str()), (200, "handled\n"));
        {
            let handled = app.handled.lock().unwrap();
            assert_eq!(handled.len(), 1);
            let delivery = &handled[0];
            assert_eq!(delivery.provider, hookbridge::miex::PROVIDER);
            assert_eq!(delivery.event_type.as_ref().map(|e| e.as_str()), Some("order.created"));
            assert!(delivery.event_type_signed);
            assert_eq!(delivery.delivery_id.as_deref(), Some("job-1"));
            assert_eq!(&delivery.raw[..], body.as_bytes());
        }

        // The same delivery resent, then replayed under a fresh (unsigned) delivery id: the
        // pipeline's duplicate answer (200), the application not called again.
        let mut replayed = signed.clone();
        replayed.insert(hookbridge::miex::headers::DELIVERY, http::HeaderValue::from_static("job-9999"));
        for headers in [&signed, &replayed] {
            let (status, text) =
                status_and_text(call_service(&service, post("/hooks/miex", headers, body).to_request()).await).await;
            assert_eq!(status, 200);
            assert!(text.starts_with("duplicate delivery"), "{text}");
        }
        assert_eq!(app.calls.load(Ordering::SeqCst), 1);
    }

    #[actix_web::test]
    async fn a_tampered_delivery_is_a_401_and_never_reaches_the_application() {
        let app = Arc::new(Recorder::default());
        let service = service!(app.clone());
        let signed = signed_miex(r#"{"event":"order.created","data":{"orderId":"ord_2"}}"#);
        let tampered = r#"{"event":"order.created","data":{"orderId":"ord_3"}}"#;
        let response = call_service(&service, post("/hooks/miex", &signed, tampered).to_request()).await;
        assert_eq!(response.headers().get("content-type").unwrap(), TEXT_PLAIN);
        let (status, text) = status_and_text(response).await;
        assert_eq!(status, 401);
        assert!(text.starts_with("delivery verification failed"), "{text}");
        assert_eq!(app.calls.load(Ordering::SeqCst), 0);
    }

    #[actix_web::test]
    async fn an_application_failure_releases_the_delivery_and_the_resend_is_handled() {
        let app = Arc::new(Recorder::default());
        let service = service!(app.clone());
        let body = r#"{"event":"order.created","data":{"orderId":"ord_4"}}"#;
        let signed = signed_miex(body);

        app.fail.store(true, Ordering::SeqCst);
        let (status, text) =
            status_and_text(call_service(&service, post("/hooks/miex", &signed, body).to_request()).await).await;
        assert_eq!(status, 503, "the application's status");
        assert!(text.contains("the ledger is read-only"), "{text}");
        assert!(app.handled.lock().unwrap().is_empty());

        app.fail.store(false, Ordering::SeqCst);
        let (status, _) =
            status_and_text(call_service(&service, post("/hooks/miex", &signed, body).to_request()).await).await;
        assert_eq!(status, 200, "released, so the resend is handled");
        assert_eq!(app.calls.load(Ordering::SeqCst), 2);
        assert_eq!(app.handled.lock().unwrap().len(), 1);
    }

    #[actix_web::test]
    async fn every_provider_goes_through_the_same_route() {
        let app = Arc::new(Recorder::default());
        let service = service!(app.clone());
        let body = r#"{"event":"transfer.success","event_id":"evt_actix_1","data":{"id":"trf_1"}}"#;
        let secret = HmacSecret::from_str_bytes(BITNOB_SECRET).unwrap();
        let signed = HmacSigner::new(hookbridge::bitnob::delivery_scheme(), secret)
            .sign(body.as_bytes(), unix_now(), None)
            .unwrap();
        let (status, _) =
            status_and_text(call_service(&service, post("/hooks/bitnob", &signed, body).to_request()).await).await;
        assert_eq!(status, 200);
        let handled = app.handled.lock().unwrap();
        assert_eq!(handled[0].provider, hookbridge::bitnob::PROVIDER);
        assert_eq!(handled[0].event_id.as_deref(), Some("evt_actix_1"));
    }

    #[actix_web::test]
    async fn bodies_over_the_pipeline_limit_are_a_413_declared_or_streamed() {
        let app = Arc::new(Recorder::default());
        let service = service!(app.clone());
        let big = " ".repeat(MAX_BODY + 1);
        let signed = signed_miex(&big);

        // Declared: refused from its Content-Length.
        let (status, text) =
            status_and_text(call_service(&service, post("/hooks/miex", &signed, &big).to_request()).await).await;
        assert_eq!(status, 413);
        assert_eq!(text, format!("the request body is over the {MAX_BODY}-byte limit\n"));

        // Streamed without a Content-Length: stopped once past the limit.
        let mut request = post("/hooks/miex", &signed, &big).to_request();
        request.headers_mut().remove(actix_web::http::header::CONTENT_LENGTH);
        let (status, _) = status_and_text(call_service(&service, request).await).await;
        assert_eq!(status, 413);

        // At the limit: read, and verified as usual.
        let fits = format!(r#"{{"event":"order.created","data":{{"pad":"{}"}}}}"#, "x".repeat(MAX_BODY - 60));
        assert!(fits.len() <= MAX_BODY);
        let (status, _) =
            status_and_text(call_service(&service, post("/hooks/miex", &signed_miex(&fits), &fits).to_request()).await)
                .await;
        assert_eq!(status, 200);
        assert_eq!(app.calls.load(Ordering::SeqCst), 1);
    }

    #[actix_web::test]
    async fn actix_reads_bodies_up_to_the_pipeline_limit_not_its_own_default() {
        // actix's own default limit is 256 KiB; the pipeline here allows 512 KiB.
        let max_body = 512 * 1024;
        let app = Arc::new(Recorder::default());
        let service = service!(app.clone(), max_body);
        let large = format!(r#"{{"event":"order.created","data":{{"pad":"{}"}}}}"#, "x".repeat(300 * 1024));
        let (status, text) = status_and_text(
            call_service(&service, post("/hooks/miex", &signed_miex(&large), &large).to_request()).await,
        )
        .await;
        assert_eq!((status, text.as_str()), (200, "handled\n"));

        let over = " ".repeat(max_body + 1);
        let (status, text) =
            status_and_text(call_service(&service, post("/hooks/miex", &signed_miex(&over), &over).to_request()).await)
                .await;
        assert_eq!((status, text), (413, format!("the request body is over the {max_body}-byte limit\n")));
        assert_eq!(app.calls.load(Ordering::SeqCst), 1);
    }

    #[actix_web::test]
    async fn other_methods_are_a_405_and_unknown_providers_a_404() {
        let app = Arc::new(Recorder::default());
        let service = service!(app.clone());
        let (status, text) =
            status_and_text(call_service(&service, TestRequest::get().uri("/hooks/miex").to_request()).await).await;
        assert_eq!(status, 405);
        assert!(text.contains("not sent with GET"), "{text}");
        let (status, _) =
            status_and_text(call_service(&service, TestRequest::post().uri("/hooks/stripe").to_request()).await).await;
        assert_eq!(status, 404);
        assert_eq!(app.calls.load(Ordering::SeqCst), 0);
    }
}
