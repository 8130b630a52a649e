//! `hookbridge listen`: a local receiver (axum on `127.0.0.1`) that verifies every delivery with a
//! preset, prints each accepted one as one JSON line on stdout ([`DeliveryView`]), and can forward
//! it re-signed as a Standard Webhooks message.
//!
//! * Any path is accepted, with `POST`; other methods get 405.
//! * A delivery that fails verification gets the receiver's status (401; 400 for an authentic
//!   but unusable body) and one line on stderr.
//! * The bound address is printed on stderr at start: `listening on 127.0.0.1:PORT`.
//! * `--forward URL --forward-secret whsec_...`: each accepted delivery is POSTed to `URL` as a
//!   Standard Webhooks message (`webhook-id`, `webhook-timestamp`, `webhook-signature`) by
//!   `hookbridge_adapters::StandardWebhooksBridge`; the body is the envelope
//!   `{"type": "<provider>.<event type>", "timestamp": .., "data": <the unified delivery>}`.
//!   The forward runs in the background; its outcome is logged on stderr.

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use hookbridge_adapters::StandardWebhooksBridge;
use hookbridge_adapters::bridge::{EVENT_TYPE_HEADER, PROVIDER_HEADER};
use hookbridge_core::{Secret, Timestamp};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret};
use serde_json::{Value, json};

use crate::CliError;
use crate::cli::ListenArgs;
use crate::output::DeliveryView;
use crate::presets::{KeyMaterial, Receiver};
use crate::sign_cmd::random_message_id;

/// Re-signs verified deliveries as Standard Webhooks messages and POSTs them.
///
/// Deliveries of the provider presets go through `hookbridge_adapters::StandardWebhooksBridge`
/// (envelope body, message ids derived from the delivery's dedupe key, so a re-sent delivery
/// keeps its `webhook-id`). Deliveries of the generic presets (`stripe`, `github`, ...) have no
/// hookbridge provider: they get the same envelope shape, signed with the same secret, and a
/// random message id.
#[derive(Clone)]
pub struct Forwarder {
    url: reqwest::Url,
    bridge: StandardWebhooksBridge,
    signer: HmacSigner,
    http: reqwest::Client,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarder").field("url", &self.url.as_str()).finish_non_exhaustive()
    }
}

impl Forwarder {
    /// A forwarder to `url`, signing with the Standard Webhooks secret `secret` (`whsec_` + base64).
    pub fn new(url: &str, secret: &Secret) -> Result<Self, CliError> {
        let url: reqwest::Url = url.parse().map_err(|e| CliError::usage(format!("--forward: invalid URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(CliError::usage("--forward must be an http or https URL"));
        }
        let secret = HmacSecret::from_standard_webhooks(secret.expose())
            .map_err(|e| CliError::usage(format!("--forward-secret: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| CliError::failed(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self {
            url,
            bridge: StandardWebhooksBridge::new(secret.clone()),
            signer: HmacSigner::new(HmacScheme::standard_webhooks(), secret),
            http,
        })
    }

    /// The Standard Webhooks envelope of a delivery of a generic preset, in the bridge's shape:
    /// `{type, timestamp, data: {provider, event_type, delivery_id, event_id, occurred_at,
    /// subject, key_id, payload}}` (`raw_base64` too when the body is not JSON).
    pub fn generic_envelope(view: &DeliveryView, now: Timestamp) -> Value {
        let kind = match &view.event_type {
            Some(event) => format!("{}.{event}", view.provider),
            None => view.provider.clone(),
        };
        let mut data = json!({
            "provider": view.provider,
            "event_type": view.event_type,
            "delivery_id": view.delivery_id,
            "event_id": view.event_id,
            "occurred_at": view.occurred_at.map(|t| t.to_string()),
            "subject": view.subject,
            "key_id": view.key_id,
            "payload": view.payload,
        });
        if view.payload.is_null()
            && let Some(map) = data.as_object_mut()
        {
            map.insert("raw_base64".into(), Value::String(base64::engine::general_purpose::STANDARD.encode(&view.raw)));
        }
        json!({"type": kind, "timestamp": view.occurred_at.unwrap_or(now).to_string(), "data": data})
    }

    /// The signed request for a delivery: body and headers.
    pub fn message(&self, view: &DeliveryView, now: Timestamp) -> Result<(Vec<u8>, HeaderMap), CliError> {
        if let Some(delivery) = &view.unified {
            let message = self
                .bridge
                .to_message(delivery, None, now)
                .map_err(|e| CliError::failed(format!("cannot sign the forwarded delivery: {e}")))?;
            return Ok((message.body.to_vec(), message.headers));
        }
        let body =
            serde_json::to_vec(&Self::generic_envelope(view, now)).map_err(|e| CliError::failed(e.to_string()))?;
        let mut headers = self
            .signer
            .sign(&body, now.as_second(), Some(&random_message_id()))
            .map_err(|e| CliError::failed(format!("cannot sign the forwarded delivery: {e}")))?;
        headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        if let Ok(v) = http::HeaderValue::from_str(&view.provider) {
            headers.insert(PROVIDER_HEADER, v);
        }
        if let Some(Ok(v)) = view.event_type.as_deref().map(http::HeaderValue::from_str) {
            headers.insert(EVENT_TYPE_HEADER, v);
        }
        Ok((body, headers))
    }

    /// Sends one delivery; returns the HTTP status.
    pub async fn forward(&self, view: &DeliveryView) -> Result<u16, CliError> {
        let (body, headers) = self.message(view, Timestamp::now())?;
        let resp = self
            .http
            .post(self.url.clone())
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|e| CliError::failed(format!("forward to {} failed: {}", self.url, crate::error_chain(&e))))?;
        Ok(resp.status().as_u16())
    }
}

#[derive(Clone)]
struct ListenState {
    receiver: Arc<Receiver>,
    forwarder: Option<Forwarder>,
}

async fn handle(
    State(state): State<ListenState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, "deliveries are POSTed\n").into_response();
    }
    let now = hookbridge_verify::unix_now();
    match state.receiver.receive(&uri, &body, &headers, now) {
        Ok(view) => {
            if let Ok(line) = serde_json::to_string(&view) {
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            if let Some(forwarder) = state.forwarder.clone() {
                tokio::spawn(async move {
                    match forwarder.forward(&view).await {
                        Ok(status) => eprintln!("forwarded {} to {}: HTTP {status}", view.summary(), forwarder.url),
                        Err(e) => eprintln!("{e}"),
                    }
                });
            }
            (StatusCode::OK, axum::Json(json!({"status": "accepted"}))).into_response()
        }
        Err(rejection) => {
            eprintln!("rejected {method} {}: HTTP {} {}", uri.path(), rejection.status.as_u16(), rejection.reason);
            (rejection.status, axum::Json(json!({"error": rejection.reason}))).into_response()
        }
    }
}

/// The receiver's router (every path).
pub fn router(receiver: Receiver, forwarder: Option<Forwarder>) -> Router {
    Router::new().fallback(handle).with_state(ListenState { receiver: Arc::new(receiver), forwarder })
}

/// Runs `hookbridge listen` until the process is stopped.
pub async fn run(args: &ListenArgs) -> Result<(), CliError> {
    let keys = KeyMaterial::load(&args.keys)?;
    let receiver = Receiver::for_preset(args.provider, &keys, args.tolerance.map(Duration::from_secs))?;
    let forwarder = match (&args.forward, &args.forward_secret) {
        (Some(url), Some(secret)) => Some(Forwarder::new(url, secret)?),
        _ => None,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .map_err(|e| CliError::failed(format!("cannot listen on 127.0.0.1:{}: {e}", args.port)))?;
    let addr = listener.local_addr().map_err(|e| CliError::failed(format!("cannot read the bound address: {e}")))?;
    eprintln!("listening on {addr}");
    eprintln!("verifying `{}` deliveries sent to http://{addr}/ (any path); stop with Ctrl-C", args.provider.name());
    if let Some(f) = &forwarder {
        eprintln!("forwarding verified deliveries as Standard Webhooks to {}", f.url);
    }
    axum::serve(listener, router(receiver, forwarder))
        .await
        .map_err(|e| CliError::failed(format!("the receiver stopped: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use hookbridge_core::{Delivery, ProviderId};
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
        let mut delivery = Delivery::new(ProviderId::Miex, Bytes::from_static(br#"{"event":"order.created"}"#));
        delivery.event_type = Some("order.created".into());
        delivery.delivery_id = Some("job-1".into());
        let view = DeliveryView::from_delivery("miex", delivery.clone());
        let now = Timestamp::from_second(1_750_000_000).unwrap();
        let (body, headers) = forwarder.message(&view, now).unwrap();
        let envelope = verify(&body, &headers);
        assert_eq!(envelope, hookbridge_adapters::bridge::envelope(&delivery, now));
        assert_eq!(envelope["type"], "miex.order.created");
        // The id comes from the dedupe key: the same delivery forwarded again keeps it.
        assert_eq!(headers["webhook-id"], forwarder.message(&view, now).unwrap().1["webhook-id"]);
        assert_eq!(headers[PROVIDER_HEADER], "miex");
    }

    #[test]
    fn generic_deliveries_get_the_same_envelope_shape() {
        let forwarder = Forwarder::new("http://127.0.0.1:9/hook", &Secret::new(SECRET)).unwrap();
        let mut view = DeliveryView::new("stripe", "stripe", Bytes::from_static(br#"{"type":"charge.succeeded"}"#));
        view.event_type = Some("charge.succeeded".into());
        let now = Timestamp::from_second(1_750_000_000).unwrap();
        let (body, headers) = forwarder.message(&view, now).unwrap();
        let envelope = verify(&body, &headers);
        assert_eq!(envelope["type"], "stripe.charge.succeeded");
        assert_eq!(envelope["timestamp"], "2025-06-15T15:06:40Z");
        assert_eq!(envelope["data"]["payload"]["type"], "charge.succeeded");
        assert!(envelope["data"].get("raw_base64").is_none());
        assert_eq!(headers[EVENT_TYPE_HEADER], "charge.succeeded");
        let raw = DeliveryView::new("github", "github", Bytes::from_static(b"not json"));
        let (body, headers) = forwarder.message(&raw, now).unwrap();
        assert_eq!(verify(&body, &headers)["data"]["raw_base64"], "bm90IGpzb24=");
    }
}
