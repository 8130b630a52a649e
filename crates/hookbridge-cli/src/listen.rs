//! `hookbridge listen`: a local receiver (axum) running the receiver pipeline
//! ([`hookbridge_verify::receive`]) for one preset.
//!
//! * Any path is accepted, with `POST`; other methods get 405. Bodies over `--max-body-bytes`
//!   get 413 (a declared `Content-Length` is refused before reading).
//! * Each delivery is verified, parsed and keyed on **signed data only**, then reserved in the
//!   dedupe store (`--replay-store`: `memory`, `redis://…`, `postgres://…`). A delivery already
//!   handled — resent with the same id, or replayed under a fresh unsigned id — is acknowledged
//!   (200) without being handled again; one in flight elsewhere gets 409.
//! * Handling: print the delivery as one JSON line on stdout ([`DeliveryView`]); with
//!   `--forward-to URL`, first POST the provider's original body and headers to `URL`
//!   synchronously (one line per forward on stderr: status and latency); with `--forward URL`,
//!   POST it re-signed as a Standard Webhooks message. Only when every forward answered 2xx is
//!   the delivery handled (200, key completed); otherwise the provider gets 502 and the key is
//!   released, so its retry is handled.
//! * With `--inbox URL` (PostgreSQL), instead of printing or forwarding, the delivery — raw body
//!   and headers — is committed to the durable inbox, and only then is the provider answered 200
//!   (`{"status":"stored","id":N}`); a delivery already stored is answered 200 without a second
//!   row; a database failure answers 503 so the provider retries. `hookbridge inbox work`
//!   processes the inbox.
//! * Refusals get the pipeline's status (401 bad signature, 400 unusable, 503 store down) and one
//!   line on stderr.
//! * The bound address is printed on stderr at start: `listening on ADDR:PORT`. Ctrl-C (or
//!   SIGTERM) stops accepting, finishes the deliveries in flight, then exits.

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hookbridge_adapters::StandardWebhooksBridge;
use hookbridge_adapters::bridge::{EVENT_TYPE_HEADER, PROVIDER_HEADER};
use hookbridge_core::{Secret, Timestamp};
use hookbridge_inbox::{Described, Inbox};
use hookbridge_verify::receive::tower::read_body;
use hookbridge_verify::receive::{DedupeStore, InMemoryDedupeStore, Incoming, Receive, ReceiveError, Ticket};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::CliError;
use crate::cli::{DatabaseUrl, ListenArgs};
use crate::output::DeliveryView;
use crate::presets::{Receiver, ReceiverSettings, load_keys};

/// Re-signs verified deliveries as Standard Webhooks messages and POSTs them.
///
/// Deliveries of the provider presets go through `hookbridge_adapters::StandardWebhooksBridge`;
/// deliveries of the generic presets (`stripe`, `github`, ...) have no hookbridge provider and
/// get the same envelope shape, signed with the same secret. Either way the message id is derived
/// from the delivery's replay key (signed data), its timestamp is the provider's signed
/// timestamp (else the time of receipt), and the envelope's `type` names the event only when the
/// event was read from signed data.
#[derive(Clone)]
pub struct Forwarder {
    url: reqwest::Url,
    bridge: StandardWebhooksBridge,
    signer: HmacSigner,
    http: reqwest::Client,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarder").field("url", &redacted_url(&self.url)).finish_non_exhaustive()
    }
}

/// A URL for logs: scheme, host, port and path; no user info or query (they may hold secrets).
fn redacted_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.to_string()
}

fn parse_http_url(flag: &str, url: &str) -> Result<reqwest::Url, CliError> {
    let parsed: reqwest::Url = url.parse().map_err(|e| CliError::usage(format!("{flag}: invalid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(CliError::usage(format!("{flag} must be an http or https URL")));
    }
    Ok(parsed)
}

fn http_client(timeout: Duration) -> Result<reqwest::Client, CliError> {
    reqwest::Client::builder()
        .timeout(timeout)
        // A forward goes to the application, not wherever a redirect points.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| CliError::failed(format!("cannot build the HTTP client: {e}")))
}

impl Forwarder {
    /// A forwarder to `url`, signing with the Standard Webhooks secret `secret` (`whsec_` + base64).
    pub fn new(url: &str, secret: &Secret) -> Result<Self, CliError> {
        Self::with_timeout(url, secret, Duration::from_secs(10))
    }

    /// As [`new`](Self::new), with a timeout per forward.
    pub fn with_timeout(url: &str, secret: &Secret, timeout: Duration) -> Result<Self, CliError> {
        let url = parse_http_url("--forward", url)?;
        let secret = HmacSecret::from_standard_webhooks(secret.expose())
            .map_err(|e| CliError::usage(format!("--forward-secret: {e}")))?;
        Ok(Self {
            url,
            bridge: StandardWebhooksBridge::new(secret.clone()),
            signer: HmacSigner::new(HmacScheme::standard_webhooks(), secret),
            http: http_client(timeout)?,
        })
    }

    /// The Standard Webhooks envelope of a delivery of a generic preset, in the bridge's shape:
    /// `{type, timestamp, data: {provider, event_type, event_type_signed, delivery_id, event_id,
    /// occurred_at, subject, key_id, payload}}` (`raw_base64` too when the body is not JSON).
    pub fn generic_envelope(view: &DeliveryView, now: Timestamp) -> Value {
        let kind = match (&view.delivery.event_type, view.delivery.event_type_signed) {
            (Some(event), true) => format!("{}.{event}", view.delivery.provider),
            _ => view.delivery.provider.to_string(),
        };
        let mut data = json!({
            "provider": view.delivery.provider,
            "event_type": view.delivery.event_type,
            "event_type_signed": view.delivery.event_type.is_some() && view.delivery.event_type_signed,
            "delivery_id": view.delivery.delivery_id,
            "event_id": view.delivery.event_id,
            "occurred_at": view.delivery.occurred_at.map(|t| t.to_string()),
            "subject": view.delivery.subject,
            "key_id": view.delivery.key_id,
            "payload": view.delivery.payload,
        });
        if view.delivery.payload.is_null()
            && let Some(map) = data.as_object_mut()
        {
            map.insert(
                "raw_base64".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(&view.delivery.raw)),
            );
        }
        json!({"type": kind, "timestamp": view.delivery.occurred_at.unwrap_or(now).to_string(), "data": data})
    }

    /// The message id of a delivery: derived from its replay key (signed data), so the same
    /// delivery always gets the same id.
    pub fn message_id(view: &DeliveryView) -> Option<String> {
        let key = view.delivery.replay_key.as_deref()?;
        let digest = Sha256::digest(key.as_bytes());
        Some(format!("msg_{}", hex::encode(&digest[..16])))
    }

    /// The signed request for a delivery received at `received_at`: body and headers.
    pub fn message(&self, view: &DeliveryView, received_at: Timestamp) -> Result<(Vec<u8>, HeaderMap), CliError> {
        let sign_error =
            |e: &dyn std::error::Error| CliError::failed(format!("cannot sign the forwarded delivery: {e}"));
        if view.parsed {
            let delivery = &view.delivery;
            let at = StandardWebhooksBridge::message_timestamp(delivery, received_at);
            let message = self.bridge.to_message(delivery, None, at).map_err(|e| sign_error(&e))?;
            return Ok((message.body.to_vec(), message.headers));
        }
        let at = view.delivery.signed_at.unwrap_or(received_at);
        let body =
            serde_json::to_vec(&Self::generic_envelope(view, at)).map_err(|e| CliError::failed(e.to_string()))?;
        let id = Self::message_id(view).ok_or_else(|| CliError::failed("the delivery has no replay key"))?;
        let mut headers = self.signer.sign(&body, at.as_second(), Some(&id)).map_err(|e| sign_error(&e))?;
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        if let Ok(v) = http::HeaderValue::from_str(view.delivery.provider.as_str()) {
            headers.insert(PROVIDER_HEADER, v);
        }
        if view.delivery.event_type_signed
            && let Some(Ok(v)) = view.delivery.event_type.as_ref().map(|e| http::HeaderValue::from_str(e.as_str()))
        {
            headers.insert(EVENT_TYPE_HEADER, v);
        }
        Ok((body, headers))
    }

    /// Sends one delivery; returns the HTTP status.
    pub async fn forward(&self, view: &DeliveryView, received_at: Timestamp) -> Result<StatusCode, CliError> {
        let (body, headers) = self.message(view, received_at)?;
        let resp = self.http.post(self.url.clone()).headers(headers).body(body).send().await.map_err(|e| {
            CliError::failed(format!("forward to {} failed: {}", redacted_url(&self.url), crate::error_chain(&e)))
        })?;
        Ok(resp.status())
    }
}

/// Forwards the provider's original delivery — body and headers unchanged, hop-by-hop headers
/// dropped — to the application.
#[derive(Clone, Debug)]
pub struct RawForwarder {
    url: reqwest::Url,
    http: reqwest::Client,
}

/// Headers that describe one hop, not the delivery: never forwarded.
const HOP_BY_HOP: [HeaderName; 9] = [
    header::HOST,
    header::CONTENT_LENGTH,
    header::CONNECTION,
    header::TRANSFER_ENCODING,
    header::TE,
    header::TRAILER,
    header::UPGRADE,
    header::PROXY_AUTHORIZATION,
    header::EXPECT,
];

impl RawForwarder {
    /// A forwarder to `url` with a timeout per forward.
    pub fn new(url: &str, timeout: Duration) -> Result<Self, CliError> {
        Ok(Self { url: parse_http_url("--forward-to", url)?, http: http_client(timeout)? })
    }

    /// POSTs `request`'s body and headers; returns the application's status.
    pub async fn forward(&self, request: &Incoming) -> Result<StatusCode, CliError> {
        self.forward_parts(&request.headers, request.body.clone()).await
    }

    /// POSTs `body` with `headers` (hop-by-hop headers dropped); returns the application's status.
    pub async fn forward_parts(&self, headers: &HeaderMap, body: bytes::Bytes) -> Result<StatusCode, CliError> {
        let mut headers = headers.clone();
        for name in &HOP_BY_HOP {
            headers.remove(name);
        }
        headers.remove("keep-alive");
        let resp = self.http.post(self.url.clone()).headers(headers).body(body).send().await.map_err(|e| {
            CliError::failed(format!("forward to {} failed: {}", redacted_url(&self.url), crate::error_chain(&e)))
        })?;
        Ok(resp.status())
    }

    /// The target URL for messages (no credentials or query).
    pub fn shown_url(&self) -> String {
        redacted_url(&self.url)
    }
}

/// What `listen` does with an accepted delivery.
#[derive(Clone, Debug)]
struct Handling {
    forward_to: Option<RawForwarder>,
    resign: Option<Forwarder>,
}

impl Handling {
    /// Hands `view` (of `request`) to the application(s). `Err` with the reason when one did
    /// not answer 2xx.
    async fn handle(&self, request: &Incoming, view: &DeliveryView, received_at: Timestamp) -> Result<(), String> {
        if let Some(raw) = &self.forward_to {
            let started = Instant::now();
            let outcome = raw.forward(request).await;
            let ms = started.elapsed().as_millis();
            match outcome {
                Ok(status) => {
                    eprintln!(
                        "forwarded {} to {}: HTTP {} in {ms} ms",
                        view.summary(),
                        redacted_url(&raw.url),
                        status.as_u16()
                    );
                    if !status.is_success() {
                        return Err(format!("the application answered HTTP {}", status.as_u16()));
                    }
                }
                Err(e) => {
                    eprintln!(
                        "forwarded {} to {}: no answer after {ms} ms ({e})",
                        view.summary(),
                        redacted_url(&raw.url)
                    );
                    return Err("the application did not answer".into());
                }
            }
        }
        if let Some(resign) = &self.resign {
            let started = Instant::now();
            let status = resign.forward(view, received_at).await.map_err(|e| e.to_string())?;
            let ms = started.elapsed().as_millis();
            eprintln!(
                "forwarded {} to {} (Standard Webhooks): HTTP {} in {ms} ms",
                view.summary(),
                redacted_url(&resign.url),
                status.as_u16()
            );
            if !status.is_success() {
                return Err(format!("the Standard Webhooks receiver answered HTTP {}", status.as_u16()));
            }
        }
        if let Ok(line) = serde_json::to_string(view) {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        }
        Ok(())
    }
}

#[derive(Clone)]
struct ListenState {
    pipeline: Arc<dyn Receive<DeliveryView>>,
    handling: Handling,
    inbox: Option<Inbox>,
}

fn refuse(method: &http::Method, uri: &http::Uri, err: &ReceiveError) -> Response {
    if err.is_duplicate() {
        eprintln!("duplicate {method} {}: already handled, acknowledged without handling (HTTP 200)", uri.path());
        return (StatusCode::OK, axum::Json(json!({"status": "duplicate"}))).into_response();
    }
    eprintln!("rejected {method} {}: HTTP {} {}", uri.path(), err.status().as_u16(), err.reason());
    (err.status(), axum::Json(json!({"error": err.reason()}))).into_response()
}

async fn handle(State(state): State<ListenState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let (method, uri) = (parts.method.clone(), parts.uri.clone());
    if method != http::Method::POST {
        return refuse(&method, &uri, &ReceiveError::MethodNotAllowed { method: method.clone() });
    }
    let bytes = match read_body(&parts.headers, body, state.pipeline.max_body_bytes()).await {
        Ok(bytes) => bytes,
        Err(err) => return refuse(&method, &uri, &err),
    };
    let received_at = Timestamp::now();
    let (view, ticket, incoming) =
        match state.pipeline.accept(Incoming::new(parts.method, parts.uri, parts.headers, bytes)).await {
            Ok(accepted) => accepted.into_parts_with_request(),
            Err(err) => return refuse(&method, &uri, &err),
        };
    if let Some(inbox) = &state.inbox {
        return store(inbox, &incoming, &view, ticket).await;
    }
    match state.handling.handle(&incoming, &view, received_at).await {
        Ok(()) => match ticket.complete().await {
            Ok(_) => (StatusCode::OK, axum::Json(json!({"status": "accepted"}))).into_response(),
            Err(err) => refuse(&method, &uri, &ReceiveError::Store(err)),
        },
        Err(reason) => {
            let _released = ticket.release().await;
            eprintln!("not handled {method} {}: HTTP 502 {reason}; the provider will retry", uri.path());
            (StatusCode::BAD_GATEWAY, axum::Json(json!({"error": reason}))).into_response()
        }
    }
}

/// `--inbox`: commits the delivery, then completes its reservation and answers 200; a database
/// failure releases the reservation and answers 503 so the provider retries.
async fn store(inbox: &Inbox, request: &Incoming, view: &DeliveryView, ticket: Ticket) -> Response {
    let described = Described::new(
        view.delivery.event_type.as_ref().map(|e| e.as_str().to_owned()),
        view.delivery.subject.as_ref().map(|s| (s.kind.clone(), s.id.clone())),
    );
    let path = request.uri.path();
    match inbox
        .insert(view.delivery.provider.as_str(), ticket.key().as_str(), &request.headers, &request.body, &described)
        .await
    {
        Ok(inserted) => {
            // The row is durable; an unrecorded reservation only lets a retry find the row again.
            let _completed = ticket.complete().await;
            if inserted.new {
                eprintln!("stored {} as inbox delivery {}", view.summary(), inserted.id);
            } else {
                eprintln!("already stored {} as inbox delivery {} (HTTP 200)", view.summary(), inserted.id);
            }
            (StatusCode::OK, axum::Json(json!({"status": "stored", "id": inserted.id}))).into_response()
        }
        Err(err) => {
            let _released = ticket.release().await;
            eprintln!("not stored POST {path}: HTTP 503 {}; the provider will retry", crate::error_chain(&err));
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({"error": "the inbox is unavailable"}))).into_response()
        }
    }
}

/// The receiver's router (every path).
pub fn router(receiver: &Receiver, forwarder: Option<Forwarder>, forward_to: Option<RawForwarder>) -> Router {
    router_with_inbox(receiver, forwarder, forward_to, None)
}

/// The receiver's router, storing deliveries in `inbox` when given.
pub fn router_with_inbox(
    receiver: &Receiver,
    forwarder: Option<Forwarder>,
    forward_to: Option<RawForwarder>,
    inbox: Option<Inbox>,
) -> Router {
    let state = ListenState {
        pipeline: receiver.pipeline().clone(),
        handling: Handling { forward_to, resign: forwarder },
        inbox,
    };
    Router::new().fallback(handle).with_state(state)
}

/// Opens the inbox at `url` (applying its schema if needed).
pub async fn open_inbox(url: &DatabaseUrl) -> Result<Inbox, CliError> {
    Inbox::connect(url.expose()).await.map_err(|e| {
        let message = format!("inbox {}: {}", url.redacted(), crate::error_chain(&e));
        if matches!(e, hookbridge_inbox::InboxError::InvalidConfig { .. }) {
            CliError::usage(message)
        } else {
            CliError::failed(message)
        }
    })
}

/// Opens the dedupe store named by `--replay-store`.
pub async fn open_store(url: &str) -> Result<Arc<dyn DedupeStore>, CliError> {
    if url == "memory" {
        return Ok(Arc::new(InMemoryDedupeStore::new()));
    }
    hookbridge_verify::receive::connect_store(url)
        .await
        .map_err(|e| CliError::failed(format!("--replay-store: {}", crate::error_chain(&e))))
}

fn read_secret_file(path: &Path) -> Result<Secret, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::usage(format!("cannot read --forward-secret-file {}: {e}", path.display())))?;
    Ok(Secret::new(text.trim_end_matches(['\r', '\n'])))
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Runs `hookbridge listen` until the process is stopped.
pub async fn run(args: &ListenArgs) -> Result<(), CliError> {
    let keys = load_keys(&args.keys)?;
    let secret = match (&args.forward_secret, &args.forward_secret_file) {
        (Some(secret), _) => Some(secret.clone()),
        (None, Some(path)) => Some(read_secret_file(path)?),
        (None, None) => None,
    };
    let timeout = Duration::from_secs(args.forward_timeout.max(1));
    let forwarder = match (&args.forward, secret) {
        (Some(url), Some(secret)) => Some(Forwarder::with_timeout(url, &secret, timeout)?),
        (Some(_), None) => return Err(CliError::usage("--forward needs --forward-secret or --forward-secret-file")),
        (None, _) => None,
    };
    let forward_to = args.forward_to.as_deref().map(|url| RawForwarder::new(url, timeout)).transpose()?;
    let store = open_store(&args.replay_store).await?;
    let inbox = match &args.inbox {
        Some(url) => Some(open_inbox(url).await?),
        None => None,
    };
    let options = ReceiverSettings::new()
        .tolerance(args.tolerance.map(Duration::from_secs))
        .store(store)
        .max_body_bytes(args.max_body_bytes);
    let receiver = Receiver::for_preset(args.provider, &keys, &options)?;
    let listener = tokio::net::TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| CliError::failed(format!("cannot listen on {}:{}: {e}", args.host, args.port)))?;
    let addr = listener.local_addr().map_err(|e| CliError::failed(format!("cannot read the bound address: {e}")))?;
    eprintln!("listening on {addr}");
    eprintln!(
        "verifying `{}` deliveries sent to http://{addr}/ (any path), dedupe in `{}`; stop with Ctrl-C",
        args.provider.name(),
        store_kind(&args.replay_store)
    );
    if let Some(f) = &forward_to {
        eprintln!("forwarding verified deliveries unchanged to {}", redacted_url(&f.url));
    }
    if let Some(f) = &forwarder {
        eprintln!("forwarding verified deliveries as Standard Webhooks to {}", redacted_url(&f.url));
    }
    if let Some(url) = &args.inbox {
        eprintln!("storing verified deliveries in the inbox at {}", url.redacted());
    }
    axum::serve(listener, router_with_inbox(&receiver, forwarder, forward_to, inbox))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| CliError::failed(format!("the receiver stopped: {e}")))
}

/// The store's kind for messages (never the URL: it may hold a password).
fn store_kind(url: &str) -> &str {
    url.split_once("://").map_or(url, |(scheme, _)| scheme)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use bytes::Bytes;
    use hookbridge_core::Delivery;
    use hookbridge_verify::HmacVerifier;

    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn verify(body: &[u8], headers: &HeaderMap) -> Value {
        let verifier = HmacVerifier::with_secret(
            HmacScheme::standard_webhooks(),
            HmacSecret::from_standard_webhooks(SECRET).unwrap(),
        );
        assert!(verifier.verify_at(body, headers, 1_750_000_000).is_ok());
        serde_json::from_slice(body).unwrap()
    }

    #[test]
    fn provider_deliveries_are_forwarded_through_the_bridge() {
        let forwarder = Forwarder::new("http://127.0.0.1:9/hook", &Secret::new(SECRET)).unwrap();
        let mut delivery =
            Delivery::new(hookbridge_miex::PROVIDER, Bytes::from_static(br#"{"event":"order.created"}"#));
        delivery.event_type = Some("order.created".into());
        delivery.event_type_signed = true;
        delivery.delivery_id = Some("job-1".into());
        delivery.replay_key = Some("miex:sha256:00".into());
        let view = DeliveryView::from_delivery("miex", delivery.clone());
        let now = Timestamp::from_second(1_750_000_000).unwrap();
        let (body, headers) = forwarder.message(&view, now).unwrap();
        let envelope = verify(&body, &headers);
        assert_eq!(envelope, hookbridge_adapters::bridge::envelope(&delivery, now));
        assert_eq!(envelope["type"], "miex.order.created");
        assert_eq!(headers[PROVIDER_HEADER], "miex");
        // The id comes from the replay key (signed data): another unsigned job id keeps it.
        let mut resent = delivery.clone();
        resent.delivery_id = Some("job-2".into());
        let resent = DeliveryView::from_delivery("miex", resent);
        assert_eq!(headers["webhook-id"], forwarder.message(&resent, now).unwrap().1["webhook-id"]);
    }

    #[test]
    fn unsigned_event_headers_are_never_resigned() {
        let forwarder = Forwarder::new("http://127.0.0.1:9/hook", &Secret::new(SECRET)).unwrap();
        let mut delivery = Delivery::new(hookbridge_miex::PROVIDER, Bytes::from_static(br#"{"data":{}}"#));
        delivery.event_type = Some("order.cancelled".into());
        delivery.event_type_signed = false;
        delivery.replay_key = Some("miex:sha256:01".into());
        let view = DeliveryView::from_delivery("miex", delivery);
        let now = Timestamp::from_second(1_750_000_000).unwrap();
        let (body, headers) = forwarder.message(&view, now).unwrap();
        let envelope = verify(&body, &headers);
        assert_eq!(envelope["type"], "miex");
        assert_eq!(envelope["data"]["event_type"], "order.cancelled");
        assert_eq!(envelope["data"]["event_type_signed"], false);
        assert!(headers.get(EVENT_TYPE_HEADER).is_none());
    }

    #[test]
    fn forwards_carry_the_signed_timestamp() {
        let forwarder = Forwarder::new("http://127.0.0.1:9/hook", &Secret::new(SECRET)).unwrap();
        let mut delivery = Delivery::new(hookbridge_bitnob::PROVIDER, Bytes::from_static(br#"{"event":"x.y"}"#));
        delivery.event_type = Some("x.y".into());
        delivery.event_type_signed = true;
        delivery.replay_key = Some("bitnob:event:evt_1".into());
        let signed = Timestamp::from_second(1_750_000_000).unwrap();
        delivery.signed_at = Some(signed);
        let view = DeliveryView::from_delivery("bitnob", delivery);
        let later = Timestamp::from_second(1_750_000_100).unwrap();
        let (body, headers) = forwarder.message(&view, later).unwrap();
        assert_eq!(headers["webhook-timestamp"], "1750000000");
        verify(&body, &headers);
    }

    #[test]
    fn generic_deliveries_get_the_same_envelope_shape() {
        let forwarder = Forwarder::new("http://127.0.0.1:9/hook", &Secret::new(SECRET)).unwrap();
        let mut view = DeliveryView::unparsed(
            "stripe",
            hookbridge_core::ProviderId::new("stripe"),
            Bytes::from_static(br#"{"type":"charge.succeeded"}"#),
        );
        view.delivery.event_type = Some("charge.succeeded".into());
        view.delivery.event_type_signed = true;
        view.delivery.replay_key = Some("stripe:event:evt_1".into());
        let now = Timestamp::from_second(1_750_000_000).unwrap();
        let (body, headers) = forwarder.message(&view, now).unwrap();
        let envelope = verify(&body, &headers);
        assert_eq!(envelope["type"], "stripe.charge.succeeded");
        assert_eq!(envelope["timestamp"], "2025-06-15T15:06:40Z");
        assert_eq!(envelope["data"]["payload"]["type"], "charge.succeeded");
        assert!(envelope["data"].get("raw_base64").is_none());
        assert_eq!(headers[EVENT_TYPE_HEADER], "charge.succeeded");
        assert_eq!(headers["webhook-id"].to_str().unwrap(), Forwarder::message_id(&view).unwrap());
        let mut raw = DeliveryView::unparsed(
            "github",
            hookbridge_core::ProviderId::new("github"),
            Bytes::from_static(b"not json"),
        );
        raw.delivery.event_type = Some("release".into());
        raw.delivery.replay_key = Some("github:sha256:02".into());
        let (body, headers) = forwarder.message(&raw, now).unwrap();
        let envelope = verify(&body, &headers);
        assert_eq!(envelope["data"]["raw_base64"], "bm90IGpzb24=");
        // GitHub's event header is unsigned: reported, never the message type.
        assert_eq!(envelope["type"], "github");
    }

    #[test]
    fn logged_urls_hide_credentials_and_queries() {
        let url: reqwest::Url = "https://user:pw@app.example/hook?token=abc".parse().unwrap();
        assert_eq!(redacted_url(&url), "https://app.example/hook");
    }
}
