//! Realistic, freshly signed deliveries, built without a running simulator: what the
//! simulators' `deliver()` send, and what `hookbridge trigger` sends to an application.
//!
//! A [`Template`] knows one provider's (or scheme's) delivery: the events it can build
//! ([`Template::events`]), the body of each ([`Template::build`]: fresh ids and times, so two
//! builds are never duplicates for a receiver's replay protection) and the unsigned headers
//! that go with it. A [`DeliveryKey`] (an HMAC secret, an RSA private key, or BLAZE's URL
//! token — parsed once, reused for every delivery) signs the built [`Draft`] into a
//! [`SignedDelivery`]: body, headers, and the URL to POST to.
//!
//! | template | events | body | signed with |
//! |---|---|---|---|
//! | `miex` | the 4 documented events ([`MIEX_EVENTS`](crate::catalogues::MIEX_EVENTS)) | `{"event", "data"}`, illustrative `data` (MIEX documents none) | `X-Webhook-Signature` HMAC-SHA256, `X-Webhook-Delivery` job id, `X-Webhook-Event` |
//! | `blaze` | the 11 `webHookType`s ([`BLAZE_WEB_HOOK_TYPES`](crate::catalogues::BLAZE_WEB_HOOK_TYPES)) | `{"id", "webHookType", "webHookId", "companyId", "shopId", "created", "data"}` (assumed: BLAZE documents none) | nothing: a token in the URL (`?hb_token=`) |
//! | `bitnob`, `bitnob-legacy` | the simulator's catalogue ([`BITNOB_EVENT_TYPES`](crate::catalogues::BITNOB_EVENT_TYPES)) | `{"event", "event_id", "created_at", "data"}` | `X-Bitnob-Signature` over `timestamp.body` (legacy: HMAC-SHA512 of the body), `X-Bitnob-Event` |
//! | `abbeycross` | examples only (AbbeyCross publishes no catalogue: any name builds) | `{"id", "event", "created_at", "data"}` (assumed) | the testkit's **assumed** scheme ([`assumed_delivery_scheme`](crate::schemes::assumed_delivery_scheme)) |
//! | `chip` | the 27 documented event types ([`CHIP_EVENT_TYPES`](crate::catalogues::CHIP_EVENT_TYPES)) | the related object from the fixtures (Purchase, Payment, payout) + `event_type` | `X-Signature` RSA PKCS#1 v1.5 SHA-256 |
//! | `chip-send` | `send_instruction.completed` (the fixture's) | the send instruction + `event_type` | `X-Signature` RSA PKCS#1 v1.5 SHA-512 |
//! | `stripe` | a few common event types | a Stripe `event` object | `Stripe-Signature: t=..,v1=..` |
//! | `github` | `ping`, `push`, `issues`, `pull_request`, `release` | the event's payload (abridged) | `X-Hub-Signature-256`, `X-GitHub-Delivery`, `X-GitHub-Event` |
//!
//! Fresh per build: every id the receiver keys on (MIEX and BLAZE bodies' object ids, Bitnob's
//! `event_id`, CHIP's object id and times, Stripe's event id, GitHub's payload ids) and the
//! timestamps (the build time, or [`BuildOptions::at`]).
//!
//! ```
//! use hookbridge_testkit::deliveries::{BuildOptions, DeliveryKey, Template};
//! use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! assert!(Template::Miex.events().contains(&"order.created"));
//! let key = DeliveryKey::from_secret(Template::Miex, "the MIEX secretKey")?;
//!
//! let first = Template::Miex.build("order.created", &BuildOptions::new())?.sign(&key)?;
//! let second = Template::Miex.build("order.created", &BuildOptions::new())?.sign(&key)?;
//! assert_ne!(first.body, second.body); // fresh ids: not a replay of the first
//! assert_eq!(first.header("x-webhook-event"), Some("order.created"));
//!
//! let verifier = HmacVerifier::with_secret(hookbridge_testkit::schemes::miex(), HmacSecret::from_str_bytes("the MIEX secretKey")?);
//! assert!(verifier.verify(&first.body, &first.headers).is_ok());
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use hookbridge_verify::sign::{HmacSigner, RsaSigner};
use hookbridge_verify::{HmacScheme, HmacSecret, RsaScheme, UrlToken, UrlTokenVerifier};
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::error::{Error, Result};
use crate::server::{object_id, random_alnum, random_bytes, random_hex, rfc3339_millis, rfc3339_seconds, uuid_v4};

/// `X-GitHub-Event`: the event name GitHub sends (unsigned) with each delivery.
pub const GITHUB_EVENT_HEADER: HeaderName = HeaderName::from_static("x-github-event");

/// The events [`Template::AbbeyCross`] lists. AbbeyCross publishes no event catalogue; these
/// are the names this repository's fixtures use, and any other name builds as well.
pub const ABBEYCROSS_EXAMPLE_EVENTS: [&str; 3] = ["payment.completed", "payment.settled", "trade.settled"];

/// The events [`Template::Stripe`] builds (a selection of Stripe's event types).
pub const STRIPE_EVENTS: [&str; 8] = [
    "payment_intent.created",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.succeeded",
    "charge.refunded",
    "checkout.session.completed",
    "customer.created",
    "invoice.paid",
];

/// The events [`Template::Github`] builds (a selection of GitHub's webhook events).
pub const GITHUB_EVENTS: [&str; 5] = ["ping", "push", "issues", "pull_request", "release"];

/// The events [`Template::ChipSend`] builds: the one the CHIP Send fixture shows.
pub const CHIP_SEND_EVENTS: [&str; 1] = ["send_instruction.completed"];

const CHIP_PURCHASE_PAID: &str = include_str!("../data/chip/purchase_paid.json");
const CHIP_PURCHASE_PAYMENT_FAILURE: &str = include_str!("../data/chip/purchase_payment_failure.json");
const CHIP_PAYMENT_REFUNDED: &str = include_str!("../data/chip/payment_refunded.json");
const CHIP_PAYOUT_SUCCESS: &str = include_str!("../data/chip/payout_success.json");
const CHIP_SEND_INSTRUCTION: &str = include_str!("../data/verify/chip-send-instruction-completed.body");
const STRIPE_PAYMENT_INTENT: &str = include_str!("../data/verify/stripe-payment-intent-succeeded.body");

/// A provider's (or a signing scheme's) delivery: which events it can build, how a body
/// looks, how it is signed. See the [module docs](self).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Template {
    /// MIEX.
    Miex,
    /// BLAZE (unsigned; a URL token).
    Blaze,
    /// Bitnob, the documented scheme (timestamped HMAC-SHA256).
    Bitnob,
    /// Bitnob's legacy scheme (HMAC-SHA512 of the body), same bodies.
    BitnobLegacy,
    /// AbbeyCross, signed with the testkit's **assumed** scheme (AbbeyCross documents none).
    AbbeyCross,
    /// CHIP Collect.
    Chip,
    /// CHIP Send.
    ChipSend,
    /// Stripe.
    Stripe,
    /// GitHub.
    Github,
}

/// What kind of key a template's deliveries are signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyKind {
    /// An HMAC secret, used as text (its bytes).
    HmacSecret,
    /// An RSA private key (PEM).
    RsaPrivateKey,
    /// A URL token (BLAZE signs nothing).
    UrlToken,
}

impl Template {
    /// Every template.
    pub const ALL: [Template; 9] = [
        Template::Miex,
        Template::Blaze,
        Template::Bitnob,
        Template::BitnobLegacy,
        Template::AbbeyCross,
        Template::Chip,
        Template::ChipSend,
        Template::Stripe,
        Template::Github,
    ];

    /// The name: `miex`, `blaze`, `bitnob`, `bitnob-legacy`, `abbeycross`, `chip`,
    /// `chip-send`, `stripe`, `github`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Template::Miex => "miex",
            Template::Blaze => "blaze",
            Template::Bitnob => "bitnob",
            Template::BitnobLegacy => "bitnob-legacy",
            Template::AbbeyCross => "abbeycross",
            Template::Chip => "chip",
            Template::ChipSend => "chip-send",
            Template::Stripe => "stripe",
            Template::Github => "github",
        }
    }

    /// The template named `name` (see [`name`](Self::name)).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The events this template builds, in the provider's documented order.
    #[must_use]
    pub fn events(self) -> Vec<&'static str> {
        match self {
            Template::Miex => crate::catalogues::MIEX_EVENTS.to_vec(),
            Template::Blaze => crate::catalogues::BLAZE_WEB_HOOK_TYPES.to_vec(),
            Template::Bitnob | Template::BitnobLegacy => {
                crate::catalogues::BITNOB_EVENT_TYPES.iter().map(|t| t.event_type).collect()
            }
            Template::AbbeyCross => ABBEYCROSS_EXAMPLE_EVENTS.to_vec(),
            Template::Chip => crate::catalogues::CHIP_EVENT_TYPES.to_vec(),
            Template::ChipSend => CHIP_SEND_EVENTS.to_vec(),
            Template::Stripe => STRIPE_EVENTS.to_vec(),
            Template::Github => GITHUB_EVENTS.to_vec(),
        }
    }

    /// Whether the provider's event names are free-form, so that [`events`](Self::events) are
    /// examples rather than a catalogue (AbbeyCross publishes none).
    #[must_use]
    pub fn free_form_events(self) -> bool {
        matches!(self, Template::AbbeyCross)
    }

    /// Whether `event` is one this template lists (or, for free-form providers, any
    /// non-empty name).
    #[must_use]
    pub fn knows_event(self, event: &str) -> bool {
        if self.free_form_events() {
            return !event.is_empty();
        }
        self.events().contains(&event)
    }

    /// The kind of key the deliveries are signed with.
    #[must_use]
    pub fn key_kind(self) -> KeyKind {
        match self {
            Template::Chip | Template::ChipSend => KeyKind::RsaPrivateKey,
            Template::Blaze => KeyKind::UrlToken,
            _ => KeyKind::HmacSecret,
        }
    }

    /// The HMAC scheme of an HMAC template.
    #[must_use]
    pub fn hmac_scheme(self) -> Option<HmacScheme> {
        match self {
            Template::Miex => Some(crate::schemes::miex()),
            Template::Bitnob => Some(crate::schemes::bitnob()),
            Template::BitnobLegacy => Some(crate::schemes::bitnob_legacy()),
            Template::AbbeyCross => Some(crate::schemes::assumed_delivery_scheme()),
            Template::Stripe => Some(HmacScheme::stripe()),
            Template::Github => Some(HmacScheme::github()),
            Template::Blaze | Template::Chip | Template::ChipSend => None,
        }
    }

    /// The RSA scheme of an RSA template.
    #[must_use]
    pub fn rsa_scheme(self) -> Option<RsaScheme> {
        match self {
            Template::Chip => Some(crate::schemes::chip()),
            Template::ChipSend => Some(crate::schemes::chip_send()),
            _ => None,
        }
    }

    /// The payload part of a body: the `data` (MIEX, BLAZE, Bitnob, AbbeyCross), the related
    /// object (CHIP: without `event_type`), `data.object` (Stripe) or the whole payload
    /// (GitHub) that [`build`](Self::build) uses when [`BuildOptions::data`] is not given.
    /// Fresh ids, times from [`BuildOptions::at`]; BLAZE's reads `companyId` / `shopId` from
    /// [`BuildOptions::field`].
    ///
    /// # Errors
    /// [`Error::InvalidPayload`] if an embedded fixture does not parse (a build defect).
    pub fn sample_data(self, event: &str, options: &BuildOptions) -> Result<Value> {
        let at = options.at;
        Ok(match self {
            Template::Miex => miex_data(event, at),
            Template::Blaze => json!({
                "id": object_id(),
                "companyId": options.fields.get("companyId").cloned().unwrap_or_else(|| json!(object_id())),
                "shopId": options.fields.get("shopId").cloned().unwrap_or_else(|| json!(object_id())),
                "modified": at.as_millisecond(),
            }),
            Template::Bitnob | Template::BitnobLegacy => bitnob_data(event, at),
            Template::AbbeyCross => abbeycross_data(event, at),
            Template::Chip => chip_object(event, at)?,
            Template::ChipSend => chip_send_object(at)?,
            Template::Stripe => stripe_object(event, at)?,
            Template::Github => github_payload(event, at),
        })
    }

    /// Builds a delivery of `event`: the body (fresh ids and times, see the
    /// [module docs](self)), the delivery id and the unsigned headers the provider adds.
    /// Events outside [`events`](Self::events) build too, with a generic payload (the
    /// simulators deliver whatever they are asked to); check [`knows_event`](Self::knows_event)
    /// first to refuse them.
    ///
    /// # Errors
    /// [`Error::InvalidPayload`] when [`BuildOptions::data`] has the wrong shape (CHIP: not a
    /// JSON object) or `event` is not a valid header value where it travels in a header;
    /// [`Error::Json`] if the body cannot be serialized.
    pub fn build(self, event: &str, options: &BuildOptions) -> Result<Draft> {
        let at = options.at;
        let data = match &options.data {
            Some(data) => data.clone(),
            None => self.sample_data(event, options)?,
        };
        let mut delivery_id = options.delivery_id.clone();
        let mut body = match self {
            Template::Miex => {
                delivery_id.get_or_insert_with(miex_job_id);
                json!({"event": event, "data": data})
            }
            Template::Blaze => {
                let id = delivery_id.get_or_insert_with(uuid_v4).clone();
                json!({
                    "id": id,
                    "webHookType": event,
                    "webHookId": object_id(),
                    "companyId": data.get("companyId").cloned().unwrap_or_else(|| json!(object_id())),
                    "shopId": data.get("shopId").cloned().unwrap_or_else(|| json!(object_id())),
                    "created": at.as_millisecond(),
                    "data": data,
                })
            }
            Template::Bitnob | Template::BitnobLegacy => {
                let id = delivery_id.get_or_insert_with(uuid_v4).clone();
                json!({"event": event, "event_id": id, "created_at": rfc3339_millis(at), "data": data})
            }
            Template::AbbeyCross => {
                let id = delivery_id.get_or_insert_with(uuid_v4).clone();
                json!({"id": id, "event": event, "created_at": rfc3339_seconds(at), "data": data})
            }
            Template::Chip | Template::ChipSend => {
                let Value::Object(mut object) = data else {
                    return Err(Error::InvalidPayload("a CHIP delivery body must be a JSON object"));
                };
                object.insert("event_type".into(), json!(event));
                Value::Object(object)
            }
            Template::Stripe => {
                let id = delivery_id.get_or_insert_with(|| format!("evt_{}", random_alnum(24))).clone();
                json!({
                    "id": id,
                    "object": "event",
                    "api_version": STRIPE_API_VERSION,
                    "created": at.as_second(),
                    "data": {"object": data},
                    "livemode": false,
                    "pending_webhooks": 1,
                    "request": {"id": format!("req_{}", random_alnum(14)), "idempotency_key": uuid_v4()},
                    "type": event,
                })
            }
            Template::Github => {
                delivery_id.get_or_insert_with(uuid_v4);
                data
            }
        };
        if let Value::Object(map) = &mut body {
            for (name, value) in &options.fields {
                map.insert(name.clone(), value.clone());
            }
        }
        let body = Bytes::from(serde_json::to_vec(&body).map_err(Error::Json)?);
        let headers = self.event_headers(event)?;
        Ok(Draft { template: self, event: event.to_owned(), delivery_id, timestamp: at.as_second(), body, headers })
    }

    /// The unsigned headers the provider sends with a delivery of `event`:
    /// `Content-Type: application/json`, plus `X-Webhook-Event` (MIEX), `X-Bitnob-Event`
    /// (Bitnob) or `X-GitHub-Event` (GitHub).
    ///
    /// # Errors
    /// [`Error::InvalidPayload`] when `event` is not a valid header value.
    pub fn event_headers(self, event: &str) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let name = match self {
            Template::Miex => Some(crate::schemes::MIEX_EVENT),
            Template::Bitnob | Template::BitnobLegacy => Some(crate::schemes::BITNOB_EVENT),
            Template::Github => Some(GITHUB_EVENT_HEADER),
            _ => None,
        };
        if let Some(name) = name {
            let value = HeaderValue::from_str(event)
                .map_err(|_| Error::InvalidPayload("the event is not a valid header value"))?;
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a [`Template::build`] is varied: the time, the delivery id, the payload, extra body
/// fields. The default is "now, everything fresh".
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BuildOptions {
    /// The delivery's time: body timestamps and the signed timestamp. Default: now.
    pub at: Timestamp,
    /// The delivery id (MIEX job id, BLAZE / AbbeyCross body `id`, Bitnob `event_id`, Stripe
    /// event `id`, GitHub `X-GitHub-Delivery`); CHIP has none. Default: a fresh one.
    pub delivery_id: Option<String>,
    /// The payload, used as given instead of [`Template::sample_data`].
    pub data: Option<Value>,
    /// Top-level body fields set after building (BLAZE `webHookId` / `companyId` / `shopId`,
    /// CHIP `brand_id`, ...), replacing the built values.
    pub fields: Map<String, Value>,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl BuildOptions {
    /// Now, with fresh ids and the template's sample payload.
    #[must_use]
    pub fn new() -> Self {
        Self { at: Timestamp::now(), delivery_id: None, data: None, fields: Map::new() }
    }

    /// Sets [`at`](Self::at).
    #[must_use]
    pub fn at(mut self, at: Timestamp) -> Self {
        self.at = at;
        self
    }

    /// Sets [`delivery_id`](Self::delivery_id).
    #[must_use]
    pub fn delivery_id(mut self, id: impl Into<String>) -> Self {
        self.delivery_id = Some(id.into());
        self
    }

    /// Sets [`data`](Self::data).
    #[must_use]
    pub fn data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Adds a top-level body field (see [`fields`](Self::fields)).
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: Value) -> Self {
        self.fields.insert(name.into(), value);
        self
    }
}

/// A built, not yet signed delivery.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Draft {
    /// The template it was built with.
    pub template: Template,
    /// The event.
    pub event: String,
    /// The delivery id, where the provider has one (`None` for CHIP).
    pub delivery_id: Option<String>,
    /// The signed timestamp (unix seconds) for schemes that sign one.
    pub timestamp: i64,
    /// The exact body bytes.
    pub body: Bytes,
    /// The unsigned headers ([`Template::event_headers`]).
    pub headers: HeaderMap,
}

impl Draft {
    /// Signs the draft with `key`: the unsigned headers plus the signature headers (the
    /// delivery id goes into the scheme's id header where it has one; a URL token adds no
    /// header but goes into [`SignedDelivery::url`]).
    ///
    /// # Errors
    /// [`Error::Sign`] if signing fails.
    pub fn sign(&self, key: &DeliveryKey) -> Result<SignedDelivery> {
        let mut headers = self.headers.clone();
        for (name, value) in &key.sign(&self.body, self.timestamp, self.delivery_id.as_deref())? {
            headers.insert(name.clone(), value.clone());
        }
        let url_token = match key {
            DeliveryKey::UrlToken(token) => Some(token.clone()),
            _ => None,
        };
        Ok(self.finish(headers, url_token))
    }

    /// The draft as it is sent without any key: BLAZE's deliveries (their token is already
    /// in the registered URL).
    #[must_use]
    pub fn unsigned(&self) -> SignedDelivery {
        self.finish(self.headers.clone(), None)
    }

    fn finish(&self, headers: HeaderMap, url_token: Option<UrlToken>) -> SignedDelivery {
        SignedDelivery {
            template: self.template,
            event: self.event.clone(),
            delivery_id: self.delivery_id.clone(),
            body: self.body.clone(),
            headers,
            url_token,
        }
    }
}

/// A delivery ready to POST: body, every header, and the URL token for BLAZE.
#[derive(Clone)]
#[non_exhaustive]
pub struct SignedDelivery {
    /// The template it was built with.
    pub template: Template,
    /// The event.
    pub event: String,
    /// The delivery id, where the provider has one.
    pub delivery_id: Option<String>,
    /// The exact body bytes (signed as they are).
    pub body: Bytes,
    /// Every header to send: `Content-Type`, the event header, the signature headers.
    pub headers: HeaderMap,
    url_token: Option<UrlToken>,
}

impl SignedDelivery {
    /// The URL to POST to for a receiver at `url`: `url` itself, or with `hb_token=<token>`
    /// appended to its query when the delivery was "signed" with a URL token (BLAZE).
    #[must_use]
    pub fn url(&self, url: &str) -> String {
        match &self.url_token {
            Some(token) => UrlTokenVerifier::with_token(token.clone()).callback_url(url, token),
            None => url.to_owned(),
        }
    }

    /// The first value of a header (name matched case-insensitively), if it is text.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for SignedDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedDelivery")
            .field("template", &self.template)
            .field("event", &self.event)
            .field("delivery_id", &self.delivery_id)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("url_token", &self.url_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The key a delivery is signed with, parsed once and reused. `Debug` never shows it.
#[derive(Clone)]
#[non_exhaustive]
pub enum DeliveryKey {
    /// An HMAC signer (scheme and secret).
    Hmac(HmacSigner),
    /// An RSA signer (scheme and private key).
    Rsa(Arc<RsaSigner>),
    /// A URL token (BLAZE signs nothing: the token travels in the URL's query).
    UrlToken(UrlToken),
}

impl DeliveryKey {
    /// The key of `template` from a secret's text: the HMAC secret (its bytes) for HMAC
    /// templates, the URL token for BLAZE.
    ///
    /// # Errors
    /// [`Error::Key`] for an unusable secret or token (empty, too short, bad characters);
    /// [`Error::InvalidPayload`] for an RSA template (use
    /// [`from_private_key_pem`](Self::from_private_key_pem)).
    pub fn from_secret(template: Template, secret: &str) -> Result<Self> {
        match template.key_kind() {
            KeyKind::UrlToken => Ok(Self::UrlToken(UrlToken::from_string(secret).map_err(Error::Key)?)),
            KeyKind::RsaPrivateKey => Err(Error::InvalidPayload("this template signs with an RSA private key")),
            KeyKind::HmacSecret => {
                let scheme = template.hmac_scheme().ok_or(Error::InvalidPayload("no HMAC scheme"))?;
                let secret = HmacSecret::from_str_bytes(secret).map_err(Error::Key)?;
                Ok(Self::Hmac(HmacSigner::new(scheme, secret)))
            }
        }
    }

    /// The key of an RSA template from a private key PEM (`PRIVATE KEY` PKCS#8 or
    /// `RSA PRIVATE KEY` PKCS#1).
    ///
    /// # Errors
    /// [`Error::Key`] for a PEM that is not an RSA private key; [`Error::InvalidPayload`] for
    /// a template that does not sign with RSA.
    pub fn from_private_key_pem(template: Template, pem: &str) -> Result<Self> {
        let scheme = template.rsa_scheme().ok_or(Error::InvalidPayload("this template does not sign with RSA"))?;
        Ok(Self::Rsa(Arc::new(RsaSigner::from_pem(scheme, pem).map_err(Error::Key)?)))
    }

    /// The key of `template` from its text: the secret or URL token
    /// ([`from_secret`](Self::from_secret)), or the private key PEM for RSA templates
    /// ([`from_private_key_pem`](Self::from_private_key_pem)).
    ///
    /// # Errors
    /// As those two.
    pub fn from_text(template: Template, text: &str) -> Result<Self> {
        match template.key_kind() {
            KeyKind::RsaPrivateKey => Self::from_private_key_pem(template, text),
            _ => Self::from_secret(template, text),
        }
    }

    /// The signature headers for `body` at `timestamp` (unix seconds, for schemes that sign
    /// one) with delivery id `id` (for schemes with an id header); none for a URL token.
    ///
    /// # Errors
    /// [`Error::Sign`] if signing fails.
    pub fn sign(&self, body: &[u8], timestamp: i64, id: Option<&str>) -> Result<HeaderMap> {
        match self {
            Self::Hmac(signer) => signer.sign(body, timestamp, id).map_err(Error::Sign),
            Self::Rsa(signer) => signer.sign(body).map_err(Error::Sign),
            Self::UrlToken(_) => Ok(HeaderMap::new()),
        }
    }
}

impl fmt::Debug for DeliveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hmac(signer) => f.debug_tuple("Hmac").field(signer).finish(),
            Self::Rsa(signer) => f.debug_tuple("Rsa").field(signer).finish(),
            Self::UrlToken(token) => f.debug_tuple("UrlToken").field(token).finish(),
        }
    }
}

/// A throwaway sender key for demos and tests: the [`DeliveryKey`], its text (what a sender
/// keeps to sign again later: the HMAC secret, the URL token, the RSA private key PEM) and what
/// the receiver is configured with ([`ReceiverKey`]). `Debug` never shows the secret parts.
///
/// ```
/// use hookbridge_testkit::deliveries::{ReceiverKey, Template, ThrowawayKey};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let fresh = ThrowawayKey::generate(Template::Bitnob)?;
/// assert!(matches!(fresh.receiver, ReceiverKey::Secret(_)));
/// // Kept, then read back: the same key.
/// let kept = ThrowawayKey::from_sender_text(Template::Bitnob, fresh.sender_text())?;
/// assert_eq!(kept.receiver, fresh.receiver);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ThrowawayKey {
    /// The key that signs.
    pub key: DeliveryKey,
    /// What the receiver needs.
    pub receiver: ReceiverKey,
    sender: String,
}

impl ThrowawayKey {
    /// A fresh key for `template`: a random HMAC secret (64 hex digits; Stripe: `whsec_...`),
    /// a URL token (BLAZE) or a 2048-bit RSA key pair (CHIP; the receiver gets the public half
    /// as PEM).
    ///
    /// # Errors
    /// [`Error::Key`] if the system random number generator fails.
    pub fn generate(template: Template) -> Result<Self> {
        let sender = match template.key_kind() {
            KeyKind::UrlToken => UrlToken::generate().map_err(Error::Key)?.expose_secret().to_owned(),
            KeyKind::RsaPrivateKey => hookbridge_verify::sign::generate_rsa_private_key_pem().map_err(Error::Key)?,
            _ => match template {
                Template::Stripe => format!("whsec_{}", random_alnum(32)),
                _ => random_hex::<32>(),
            },
        };
        Self::from_sender_text(template, &sender)
    }

    /// A key kept earlier as its [`sender_text`](Self::sender_text).
    ///
    /// # Errors
    /// [`Error::Key`] when the text is not a usable key of the template's kind.
    pub fn from_sender_text(template: Template, text: &str) -> Result<Self> {
        let key = DeliveryKey::from_text(template, text)?;
        let receiver = match &key {
            DeliveryKey::Rsa(signer) => ReceiverKey::PublicKeyPem(signer.public_key().to_pem().map_err(Error::Key)?),
            DeliveryKey::UrlToken(_) => ReceiverKey::UrlToken(text.to_owned()),
            DeliveryKey::Hmac(_) => ReceiverKey::Secret(text.to_owned()),
        };
        Ok(Self { key, receiver, sender: text.to_owned() })
    }

    /// The text a sender keeps: the HMAC secret, the URL token or the private key PEM.
    #[must_use]
    pub fn sender_text(&self) -> &str {
        &self.sender
    }
}

impl fmt::Debug for ThrowawayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThrowawayKey").field("key", &self.key).field("receiver", &self.receiver).finish_non_exhaustive()
    }
}

/// What a receiver is configured with for a [`ThrowawayKey`]. `Debug` hides secrets; the text
/// is there to be handed to the receiver.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReceiverKey {
    /// The HMAC secret (the receiver's `--secret`).
    Secret(String),
    /// The URL token (BLAZE: the receiver's `--secret`, the sender's `?hb_token=`).
    UrlToken(String),
    /// The public key PEM (CHIP: the receiver's `--public-key`).
    PublicKeyPem(String),
}

impl ReceiverKey {
    /// The text: the secret, the token or the PEM.
    #[must_use]
    pub fn expose(&self) -> &str {
        match self {
            Self::Secret(s) | Self::UrlToken(s) | Self::PublicKeyPem(s) => s,
        }
    }
}

impl fmt::Debug for ReceiverKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Secret(_) => f.write_str("Secret(<redacted>)"),
            Self::UrlToken(_) => f.write_str("UrlToken(<redacted>)"),
            Self::PublicKeyPem(pem) => f.debug_tuple("PublicKeyPem").field(pem).finish(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------

/// The Stripe API version the built events claim (that of the Stripe fixture).
const STRIPE_API_VERSION: &str = "2024-12-18.acacia";

/// A MIEX job id (MIEX numbers its delivery jobs): fresh, 9 digits.
fn miex_job_id() -> String {
    let n = u32::from_le_bytes(random_bytes::<4>()) % 900_000_000 + 100_000_000;
    n.to_string()
}

/// Illustrative MIEX `data` objects (MIEX documents none), after the fixture
/// `verify/miex-order-created.body`.
fn miex_data(event: &str, at: Timestamp) -> Value {
    let now = rfc3339_seconds(at);
    match event {
        "order.created" | "order.status_changed" | "order.cancelled" => {
            let (status, previous) = match event {
                "order.created" => ("new", None),
                "order.status_changed" => ("processing", Some("new")),
                _ => ("cancelled", Some("new")),
            };
            let mut order = json!({
                "id": uuid_v4(),
                "status": status,
                "exchangeId": 17,
                "fromCurrency": "USDT",
                "toCurrency": "RUB",
                "fromAmount": "1000.00",
                "toAmount": "92350.00",
                "rate": "92.35",
                "createdAt": now,
                "updatedAt": now,
            });
            if let (Some(prev), Some(map)) = (previous, order.as_object_mut()) {
                map.insert("previousStatus".to_owned(), json!(prev));
            }
            order
        }
        "offer.updated" => json!({
            "id": uuid_v4(),
            "exchangeId": 17,
            "fromCurrency": "USDT",
            "toCurrency": "RUB",
            "rate": "92.41",
            "minAmount": "100.00",
            "maxAmount": "50000.00",
            "updatedAt": now,
        }),
        _ => json!({"id": uuid_v4(), "updatedAt": now}),
    }
}

/// Illustrative Bitnob `data` objects (Bitnob documents no delivery payload here).
fn bitnob_data(event_type: &str, at: Timestamp) -> Value {
    let now = rfc3339_millis(at);
    if event_type.starts_with("transaction.") || event_type.contains("deposit") {
        let status = event_type.rsplit('.').next().unwrap_or("created");
        json!({
            "id": uuid_v4(),
            "reference": format!("ref_{}", random_alnum(16)),
            "wallet_id": uuid_v4(),
            "type": "deposit",
            "status": status,
            "amount": "150.00",
            "currency": "USDT",
            "chain": "tron",
            "tx_hash": random_hex::<32>(),
            "confirmations": 20,
            "created_at": now,
        })
    } else {
        json!({"id": uuid_v4(), "created_at": now})
    }
}

/// Illustrative AbbeyCross `data` objects (AbbeyCross documents none), after the fixture
/// `verify/abbeycross-custom.body`.
fn abbeycross_data(event: &str, at: Timestamp) -> Value {
    let now = rfc3339_seconds(at);
    if event.starts_with("trade.") {
        json!({
            "tradeId": format!("trd_{}", random_alnum(10)),
            "sellCurrency": "EUR",
            "buyCurrency": "USD",
            "sellAmount": "10000.00",
            "buyAmount": "10842.00",
            "rate": "1.0842",
            "status": event.rsplit('.').next().unwrap_or("created").to_ascii_uppercase(),
            "updatedAt": now,
        })
    } else {
        json!({
            "paymentId": format!("pay_{}", random_alnum(10)),
            "amount": "10000.00",
            "currency": "EUR",
            "status": event.rsplit('.').next().unwrap_or("created").to_ascii_uppercase(),
            "updatedAt": now,
        })
    }
}

fn fixture_object(text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::InvalidPayload("an embedded delivery fixture is not a JSON object")),
    }
}

/// Epoch-second fields of the CHIP fixtures, moved together to the delivery's time.
const CHIP_TIME_FIELDS: [&str; 9] = [
    "created_on",
    "updated_on",
    "viewed_on",
    "due",
    "paid_on",
    "remote_paid_on",
    "timestamp",
    "processing_time",
    "pending_unfreeze_on",
];

/// Adds `delta` seconds to every integer time field of `value`, recursively.
fn shift_times(value: &mut Value, delta: i64) {
    match value {
        Value::Object(map) => {
            for (name, field) in map.iter_mut() {
                match field {
                    Value::Number(n) if CHIP_TIME_FIELDS.contains(&name.as_str()) => {
                        if let Some(secs) = n.as_i64() {
                            *field = json!(secs.saturating_add(delta));
                        }
                    }
                    _ => shift_times(field, delta),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| shift_times(item, delta)),
        _ => {}
    }
}

/// A CHIP fixture object with a fresh id (everywhere it appears, URLs included) and its times
/// moved so that `updated_on` is `at`.
fn fresh_chip_object(fixture: &str, at: Timestamp) -> Result<Map<String, Value>> {
    let old_id = fixture_object(fixture)?.get("id").and_then(Value::as_str).map(str::to_owned);
    let text = match old_id {
        Some(old) => fixture.replace(&old, &uuid_v4()),
        None => fixture.to_owned(),
    };
    let mut object = Value::Object(fixture_object(&text)?);
    let updated = object.get("updated_on").and_then(Value::as_i64).unwrap_or_else(|| at.as_second());
    shift_times(&mut object, at.as_second() - updated);
    match object {
        Value::Object(mut map) => {
            map.remove("event_type");
            Ok(map)
        }
        _ => Err(Error::InvalidPayload("an embedded delivery fixture is not a JSON object")),
    }
}

/// The Purchase status after a `purchase.*` event.
fn purchase_status(event: &str) -> &str {
    match event {
        "purchase.created" => "created",
        "purchase.paid" | "purchase.captured" | "purchase.refund_failure" => "paid",
        "purchase.payment_failure" => "error",
        "purchase.capture_failure" | "purchase.release_failure" | "purchase.hold" => "hold",
        other => other.strip_prefix("purchase.").unwrap_or(other),
    }
}

/// The related object of a CHIP event, from the fixtures: a Purchase for `purchase.*`
/// (the failed one for `purchase.payment_failure`), a Payment for `payment.*`, a payout for
/// `payout.*`.
fn chip_object(event: &str, at: Timestamp) -> Result<Value> {
    let (prefix, suffix) = event.split_once('.').unwrap_or((event, ""));
    let object = match prefix {
        "payment" => fresh_chip_object(CHIP_PAYMENT_REFUNDED, at)?,
        "payout" => {
            let mut payout = fresh_chip_object(CHIP_PAYOUT_SUCCESS, at)?;
            payout.insert("status".into(), json!(suffix));
            payout
        }
        _ if event == "purchase.payment_failure" => fresh_chip_object(CHIP_PURCHASE_PAYMENT_FAILURE, at)?,
        _ => {
            let mut purchase = fresh_chip_object(CHIP_PURCHASE_PAID, at)?;
            let status = purchase_status(event);
            purchase.insert("status".into(), json!(status));
            if let Some(Value::Array(history)) = purchase.get_mut("status_history")
                && let Some(Value::Object(last)) = history.last_mut()
            {
                last.insert("status".into(), json!(status));
            }
            purchase
        }
    };
    Ok(Value::Object(object))
}

/// The CHIP Send instruction of the fixture, with a fresh id and times.
fn chip_send_object(at: Timestamp) -> Result<Value> {
    let mut object = fixture_object(CHIP_SEND_INSTRUCTION)?;
    object.remove("event_type");
    object.insert("id".into(), json!(u32::from_le_bytes(random_bytes::<4>()) % 9_000_000 + 1_000_000));
    object.insert("reference".into(), json!(format!("PAYOUT-{}", random_alnum(8).to_ascii_uppercase())));
    let time = format!("{}.000000+00:00", at.strftime("%Y-%m-%dT%H:%M:%S"));
    object.insert("created_at".into(), json!(time));
    object.insert("updated_at".into(), json!(time));
    Ok(Value::Object(object))
}

/// `data.object` of a Stripe event.
fn stripe_object(event: &str, at: Timestamp) -> Result<Value> {
    let created = at.as_second();
    let customer = format!("cus_{}", random_alnum(14));
    let intent = || format!("pi_{}", random_alnum(24));
    Ok(match event {
        "payment_intent.created" | "payment_intent.succeeded" | "payment_intent.payment_failed" => {
            let envelope = fixture_object(STRIPE_PAYMENT_INTENT)?;
            let mut object = match envelope.get("data").and_then(|d| d.get("object")) {
                Some(Value::Object(object)) => object.clone(),
                _ => return Err(Error::InvalidPayload("the Stripe fixture has no data.object")),
            };
            let status = match event {
                "payment_intent.succeeded" => "succeeded",
                _ => "requires_payment_method",
            };
            object.insert("id".into(), json!(intent()));
            object.insert("status".into(), json!(status));
            object.insert("created".into(), json!(created));
            object.insert("customer".into(), json!(customer));
            if event == "payment_intent.payment_failed" {
                object.insert(
                    "last_payment_error".into(),
                    json!({"code": "card_declined", "decline_code": "insufficient_funds", "type": "card_error"}),
                );
            }
            Value::Object(object)
        }
        "charge.succeeded" | "charge.refunded" => {
            let refunded = event == "charge.refunded";
            json!({
                "id": format!("ch_{}", random_alnum(24)),
                "object": "charge",
                "amount": 2000,
                "amount_refunded": if refunded { 2000 } else { 0 },
                "currency": "usd",
                "customer": customer,
                "paid": true,
                "payment_intent": intent(),
                "refunded": refunded,
                "status": "succeeded",
                "created": created,
            })
        }
        "checkout.session.completed" => json!({
            "id": format!("cs_test_{}", random_alnum(24)),
            "object": "checkout.session",
            "amount_total": 2000,
            "currency": "usd",
            "customer": customer,
            "mode": "payment",
            "payment_intent": intent(),
            "payment_status": "paid",
            "status": "complete",
            "created": created,
        }),
        "customer.created" => json!({
            "id": customer,
            "object": "customer",
            "email": "jenny.rosen@example.com",
            "name": "Jenny Rosen",
            "created": created,
        }),
        "invoice.paid" => json!({
            "id": format!("in_{}", random_alnum(24)),
            "object": "invoice",
            "amount_due": 2000,
            "amount_paid": 2000,
            "currency": "usd",
            "customer": customer,
            "status": "paid",
            "created": created,
        }),
        _ => json!({"id": format!("obj_{}", random_alnum(24)), "object": "unknown", "created": created}),
    })
}

/// A GitHub payload (abridged to the fields receivers commonly read), with fresh ids.
fn github_payload(event: &str, at: Timestamp) -> Value {
    let now = rfc3339_seconds(at);
    let id = || u64::from(u32::from_le_bytes(random_bytes::<4>()));
    let repository = json!({
        "id": 1_296_269,
        "name": "Hello-World",
        "full_name": "octocat/Hello-World",
        "private": false,
        "html_url": "https://github.com/octocat/Hello-World",
        "default_branch": "main",
    });
    let sender = json!({"login": "octocat", "id": 1, "type": "User"});
    match event {
        "ping" => {
            let hook_id = id();
            json!({
                "zen": "Keep it logically awesome.",
                "hook_id": hook_id,
                "hook": {
                    "type": "Repository",
                    "id": hook_id,
                    "name": "web",
                    "active": true,
                    "events": ["push", "pull_request"],
                    "config": {"content_type": "json", "insecure_ssl": "0"},
                    "created_at": now,
                    "updated_at": now,
                },
                "repository": repository,
                "sender": sender,
            })
        }
        "push" => {
            let (before, after) = (random_hex::<20>(), random_hex::<20>());
            let commit = json!({
                "id": after,
                "message": "Update README.md",
                "timestamp": now,
                "author": {"name": "Monalisa Octocat", "email": "octocat@github.com", "username": "octocat"},
                "added": [],
                "removed": [],
                "modified": ["README.md"],
            });
            json!({
                "ref": "refs/heads/main",
                "before": before,
                "after": after,
                "created": false,
                "deleted": false,
                "forced": false,
                "commits": [commit.clone()],
                "head_commit": commit,
                "pusher": {"name": "octocat", "email": "octocat@github.com"},
                "repository": repository,
                "sender": sender,
            })
        }
        "issues" => {
            let number = id() % 10_000 + 1;
            json!({
                "action": "opened",
                "issue": {
                    "id": id(),
                    "number": number,
                    "title": "Found a bug",
                    "state": "open",
                    "user": sender,
                    "created_at": now,
                    "updated_at": now,
                },
                "repository": repository,
                "sender": sender,
            })
        }
        "pull_request" => {
            let number = id() % 10_000 + 1;
            json!({
                "action": "opened",
                "number": number,
                "pull_request": {
                    "id": id(),
                    "number": number,
                    "state": "open",
                    "title": "Amazing new feature",
                    "user": sender,
                    "head": {"ref": "new-topic", "sha": random_hex::<20>()},
                    "base": {"ref": "main", "sha": random_hex::<20>()},
                    "created_at": now,
                    "updated_at": now,
                },
                "repository": repository,
                "sender": sender,
            })
        }
        "release" => {
            let release_id = id();
            json!({
                "action": "published",
                "release": {
                    "id": release_id,
                    "tag_name": format!("v1.{}.0", release_id % 100),
                    "name": format!("v1.{}.0", release_id % 100),
                    "draft": false,
                    "prerelease": false,
                    "created_at": now,
                    "published_at": now,
                },
                "repository": repository,
                "sender": sender,
            })
        }
        _ => json!({"action": event, "id": id(), "repository": repository, "sender": sender}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for template in Template::ALL {
            assert_eq!(Template::from_name(template.name()), Some(template));
        }
        assert_eq!(Template::from_name("nope"), None);
    }

    #[test]
    fn chip_fixture_times_move_to_the_delivery_time() -> Result<()> {
        let at = Timestamp::from_second(1_800_000_000).map_err(|_| Error::InvalidPayload("time"))?;
        let object = chip_object("purchase.paid", at)?;
        assert_eq!(object["updated_on"], 1_800_000_000);
        // created 460 s before the update in the fixture, and still.
        assert_eq!(object["created_on"], 1_800_000_000 - 460);
        assert_eq!(object["status_history"][0]["timestamp"], 1_800_000_000 - 460);
        let id = object["id"].as_str().unwrap_or_default();
        assert_ne!(id, "c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46");
        assert_eq!(object["checkout_url"], format!("https://gate.chip-in.asia/p/{id}/"));
        assert_eq!(chip_object("purchase.cancelled", at)?["status"], "cancelled");
        assert_eq!(chip_object("payout.failed", at)?["status"], "failed");
        assert_eq!(chip_object("payment.refunded", at)?["type"], "payment");
        Ok(())
    }
}
