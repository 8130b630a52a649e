//! Re-emit any verified delivery as a [Standard Webhooks](https://www.standardwebhooks.com/)
//! message: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
//! id.timestamp.body>`, so one downstream receiver (any Standard Webhooks / Svix library, or
//! [`hookbridge_verify::HmacScheme::standard_webhooks`]) can take deliveries from all five providers.
//!
//! # Body
//!
//! [`BridgeBody::Envelope`] (the default) follows the Standard Webhooks payload convention
//! `{type, timestamp, data}`, with the unified delivery in `data`:
//!
//! ```json
//! {
//!   "type": "chip.purchase.paid",
//!   "timestamp": "2025-06-02T08:15:30Z",
//!   "data": {
//!     "provider": "chip", "event_type": "purchase.paid", "event_type_signed": true,
//!     "delivery_id": null, "event_id": null, "occurred_at": null,
//!     "subject": {"kind": "purchase", "id": "..."}, "key_id": "default",
//!     "payload": { "...": "the provider's JSON body" }
//!   }
//! }
//! ```
//!
//! * `type` is `<provider>.<event type>` (`blaze.NEW_MEMBER`, `miex.order.created`) when the
//!   event type was read from signed data ([`Delivery::event_type_signed`]), else just the
//!   provider: an event named only by an unsigned header is reported in `data.event_type` with
//!   `data.event_type_signed: false`, never re-signed as the message's type;
//! * `timestamp` is when the event happened when the provider says, else the message's timestamp;
//! * `payload` is the provider's parsed JSON. A body that is not JSON is carried as
//!   `raw_base64` instead (and `payload` is `null`), so nothing is lost.
//!
//! The envelope lets one receiver fan deliveries out by provider and type without knowing each
//! dialect. [`BridgeBody::Raw`] forwards the provider's bytes unchanged instead (byte-exact), for
//! receivers that parse the provider's own payload; the provider and event type then travel only
//! in the **unsigned** hint headers [`PROVIDER_HEADER`] and [`EVENT_TYPE_HEADER`] (sent in both
//! modes; trust the signed envelope, not them).
//!
//! # Message ids
//!
//! Receivers deduplicate on `webhook-id`, so it should stay the same when the same delivery is
//! forwarded again. By default ([`MessageIdPolicy::DedupeKeyOrRandom`]) it is derived from the
//! delivery's [`Delivery::dedupe_key`] — the replay key the receiver pipeline derived from
//! **signed** data, never an unsigned delivery-id header: `msg_` + 32 hex digits of SHA-256 over
//! the provider and the key — stable across re-sends and retries, fixed length, and it does not
//! reveal the provider's ids. A delivery built without the pipeline (no key) gets a random id;
//! [`MessageIdPolicy::DedupeKeyOrBodyHash`] hashes the raw body instead.
//!
//! # Timestamps
//!
//! [`StandardWebhooksBridge::message_timestamp`] gives the `webhook-timestamp` to sign: the
//! provider's **signed** timestamp ([`Delivery::signed_at`]) where its scheme has one, else the
//! time the delivery was received — never a fresh "now" for a delivery the provider dated.
//!
//! ```
//! use bytes::Bytes;
//! use hookbridge_adapters::StandardWebhooksBridge;
//! use hookbridge_core::{Delivery, ProviderId, Timestamp};
//! use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier};
//!
//! let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
//! let bridge = StandardWebhooksBridge::from_whsec(secret)?;
//! let mut delivery = Delivery::new(ProviderId::new("miex"), Bytes::from_static(br#"{"event":"order.created","data":{"id":7}}"#));
//! delivery.replay_key = Some("miex:sha256:3f1c".into());
//!
//! let at = Timestamp::from_second(1_750_000_000)?;
//! let request = bridge.to_request(&delivery, None, at)?;
//! assert_eq!(request.headers()["webhook-timestamp"], "1750000000");
//! // The same delivery always gets the same id.
//! assert_eq!(request.headers()["webhook-id"], bridge.message_id(&delivery).as_str());
//!
//! let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), HmacSecret::from_standard_webhooks(secret)?);
//! assert!(verifier.verify_at(request.body(), request.headers(), 1_750_000_000).is_ok());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use hookbridge_core::{Delivery, IdempotencyKey, Timestamp};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret, KeyError, SignError};
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{HeaderMap, HeaderName, Method, Request, Uri};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

/// Unsigned hint header: the provider (`miex`, `blaze`, `bitnob`, `abbeycross`, `chip`).
pub const PROVIDER_HEADER: HeaderName = HeaderName::from_static("x-hookbridge-provider");
/// Unsigned hint header: the provider's event type, when the delivery's signed data names one.
pub const EVENT_TYPE_HEADER: HeaderName = HeaderName::from_static("x-hookbridge-event-type");

/// What the bridged message's body is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BridgeBody {
    /// A Standard Webhooks `{type, timestamp, data}` envelope around the unified delivery
    /// (see the [module docs](self)).
    #[default]
    Envelope,
    /// The provider's raw body bytes, unchanged.
    Raw,
}

/// How a message id is chosen when the caller gives none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageIdPolicy {
    /// From the delivery's dedupe key, else random.
    #[default]
    DedupeKeyOrRandom,
    /// From the delivery's dedupe key, else from the raw body.
    DedupeKeyOrBodyHash,
}

/// Why a delivery could not be bridged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BridgeError {
    /// A message id must be 1–256 visible ASCII characters.
    #[error("invalid message id: must be 1 to 256 visible ASCII characters")]
    InvalidMessageId,
    /// Signing failed (for example a negative timestamp).
    #[error("signing failed")]
    Sign(#[from] SignError),
    /// The envelope could not be encoded.
    #[error("the envelope could not be encoded")]
    Json(#[from] serde_json::Error),
    /// The HTTP request could not be built.
    #[error("the request could not be built")]
    Http(#[from] http::Error),
}

/// A bridged message: its id, timestamp, headers (signature included) and body.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BridgedMessage {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp` (unix seconds).
    pub timestamp: i64,
    /// Every header to send: `webhook-*`, `content-type` and the unsigned hints.
    pub headers: HeaderMap,
    /// The body that was signed.
    pub body: Bytes,
}

/// Signs unified deliveries as Standard Webhooks messages (see the [module docs](self)).
///
/// `Debug` shows no secret.
#[derive(Clone)]
pub struct StandardWebhooksBridge {
    signer: HmacSigner,
    body: BridgeBody,
    ids: MessageIdPolicy,
    uri: Uri,
}

impl fmt::Debug for StandardWebhooksBridge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StandardWebhooksBridge")
            .field("signer", &self.signer)
            .field("body", &self.body)
            .field("ids", &self.ids)
            .field("uri", &self.uri)
            .finish()
    }
}

impl StandardWebhooksBridge {
    /// A bridge signing with `secret` (build it with [`HmacSecret::from_standard_webhooks`] from
    /// the `whsec_...` form). Envelope body, dedupe-key message ids, request URI `/`.
    pub fn new(secret: HmacSecret) -> Self {
        Self {
            signer: HmacSigner::new(HmacScheme::standard_webhooks(), secret),
            body: BridgeBody::default(),
            ids: MessageIdPolicy::default(),
            uri: Uri::from_static("/"),
        }
    }

    /// A bridge from a `whsec_<base64>` secret.
    pub fn from_whsec(secret: &str) -> Result<Self, KeyError> {
        Ok(Self::new(HmacSecret::from_standard_webhooks(secret)?))
    }

    /// Signs with one more secret as well (the header then carries two `v1,` signatures, as
    /// during a secret rotation).
    pub fn with_additional_secret(mut self, secret: HmacSecret) -> Self {
        self.signer = self.signer.with_additional_secret(secret);
        self
    }

    /// Sets the body kind.
    pub fn body(mut self, body: BridgeBody) -> Self {
        self.body = body;
        self
    }

    /// Sets how message ids are chosen.
    pub fn message_ids(mut self, policy: MessageIdPolicy) -> Self {
        self.ids = policy;
        self
    }

    /// Sets the URI of requests built by [`StandardWebhooksBridge::to_request`].
    pub fn uri(mut self, uri: Uri) -> Self {
        self.uri = uri;
        self
    }

    /// The message id this bridge gives `delivery` (see the [module docs](self)).
    pub fn message_id(&self, delivery: &Delivery) -> String {
        match (delivery.dedupe_key(), self.ids) {
            (Some(key), _) => hashed_id(delivery.provider.as_str(), 0, key.as_bytes()),
            (None, MessageIdPolicy::DedupeKeyOrBodyHash) => hashed_id(delivery.provider.as_str(), 1, &delivery.raw),
            (None, _) => {
                let key = IdempotencyKey::generate();
                format!("msg_{}", key.as_str().trim_start_matches("hb-"))
            }
        }
    }

    /// The `webhook-timestamp` to sign for `delivery`: its signed timestamp
    /// ([`Delivery::signed_at`]) when the provider's scheme has one, else `received_at`.
    pub fn message_timestamp(delivery: &Delivery, received_at: Timestamp) -> Timestamp {
        delivery.signed_at.unwrap_or(received_at)
    }

    /// The body this bridge sends for `delivery` at `timestamp`.
    pub fn body_bytes(&self, delivery: &Delivery, timestamp: Timestamp) -> Result<Bytes, BridgeError> {
        Ok(match self.body {
            BridgeBody::Raw => delivery.raw.clone(),
            BridgeBody::Envelope => Bytes::from(serde_json::to_vec(&envelope(delivery, timestamp))?),
        })
    }

    /// Signs `delivery`: id `msg_id` (or [`StandardWebhooksBridge::message_id`]) and `timestamp`.
    pub fn to_message(
        &self,
        delivery: &Delivery,
        msg_id: Option<&str>,
        timestamp: Timestamp,
    ) -> Result<BridgedMessage, BridgeError> {
        let id = match msg_id {
            Some(id) if !id.is_empty() && id.len() <= 256 && id.bytes().all(|b| b.is_ascii_graphic()) => id.to_owned(),
            Some(_) => return Err(BridgeError::InvalidMessageId),
            None => self.message_id(delivery),
        };
        let body = self.body_bytes(delivery, timestamp)?;
        let ts = timestamp.as_second();
        let mut headers = self.signer.sign(&body, ts, Some(&id))?;
        let content_type = match (self.body, delivery.payload.is_null()) {
            (BridgeBody::Raw, true) => "application/octet-stream",
            _ => "application/json",
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(v) = HeaderValue::from_str(delivery.provider.as_str()) {
            headers.insert(PROVIDER_HEADER, v);
        }
        if let Some(v) = signed_event(delivery).and_then(|t| HeaderValue::from_str(t).ok()) {
            headers.insert(EVENT_TYPE_HEADER, v);
        }
        Ok(BridgedMessage { id, timestamp: ts, headers, body })
    }

    /// A `POST` request carrying the signed message (see [`StandardWebhooksBridge::to_message`]).
    pub fn to_request(
        &self,
        delivery: &Delivery,
        msg_id: Option<&str>,
        timestamp: Timestamp,
    ) -> Result<Request<Bytes>, BridgeError> {
        let message = self.to_message(delivery, msg_id, timestamp)?;
        let mut request = Request::builder().method(Method::POST).uri(self.uri.clone()).body(message.body)?;
        *request.headers_mut() = message.headers;
        Ok(request)
    }
}

fn hashed_id(provider: &str, domain: u8, input: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(provider.as_bytes());
    hasher.update([0, domain]);
    hasher.update(input);
    let digest = hasher.finalize();
    format!("msg_{}", hex::encode(&digest[..16]))
}

/// The Standard Webhooks `{type, timestamp, data}` envelope of a delivery.
pub fn envelope(delivery: &Delivery, timestamp: Timestamp) -> Value {
    let provider = delivery.provider.as_str();
    let kind = match signed_event(delivery) {
        Some(t) => format!("{provider}.{t}"),
        None => provider.to_owned(),
    };
    let mut data = Map::new();
    data.insert("provider".into(), Value::String(provider.to_owned()));
    data.insert("event_type".into(), opt_string(delivery.event_type.as_ref().map(|t| t.as_str())));
    data.insert("event_type_signed".into(), Value::Bool(delivery.event_type.is_some() && delivery.event_type_signed));
    data.insert("delivery_id".into(), opt_string(delivery.delivery_id.as_deref()));
    data.insert("event_id".into(), opt_string(delivery.event_id.as_deref()));
    data.insert("occurred_at".into(), delivery.occurred_at.map_or(Value::Null, |t| Value::String(t.to_string())));
    data.insert(
        "subject".into(),
        delivery.subject.as_ref().map_or(Value::Null, |s| json!({"kind": s.kind, "id": s.id})),
    );
    data.insert("key_id".into(), opt_string(delivery.key_id.as_deref()));
    data.insert("payload".into(), delivery.payload.clone());
    if delivery.payload.is_null() && !is_json_null(&delivery.raw) {
        data.insert(
            "raw_base64".into(),
            Value::String(base64::engine::general_purpose::STANDARD.encode(&delivery.raw)),
        );
    }
    json!({
        "type": kind,
        "timestamp": delivery.occurred_at.unwrap_or(timestamp).to_string(),
        "data": Value::Object(data),
    })
}

/// The event type, only when it was read from signed data.
fn signed_event(delivery: &Delivery) -> Option<&str> {
    delivery.event_type.as_ref().filter(|_| delivery.event_type_signed).map(|t| t.as_str())
}

fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// Whether the body is literally JSON `null` (then `payload: null` already says everything).
fn is_json_null(raw: &[u8]) -> bool {
    serde_json::from_slice::<Value>(raw).is_ok_and(|v| v.is_null())
}
