//! Realistic, freshly signed deliveries, built without a running simulator: what the
//! simulators' `deliver()` send, and what `hookbridge trigger` sends to an application.
//!
//! A [`Template`] knows one provider's (or scheme's) delivery: the events it can build
//! ([`Template::events`]), the body of each ([`Template::build`]: fresh ids and times, so two
//! builds are never duplicates for a receiver's replay protection) and the unsigned headers
//! that go with it. A [`DeliveryKey`] (an HMAC secret, an RSA private key, or a URL token —
//! parsed once, reused for every delivery) signs the built [`Draft`] into a
//! [`SignedDelivery`]: body, headers, and the URL to POST to.
//!
//! The templates come with the simulators: each provider's simulator module declares its own
//! (`hookbridge_testkit::<provider>::TEMPLATE`, documented there: events, body, signature) and
//! its [`SimulatedApi::TEMPLATES`](crate::hook::SimulatedApi::TEMPLATES);
//! [`Template::all`] lists those of every simulator in the [registry](crate::registry::SIMULATORS),
//! then [`GITHUB_TEMPLATE`] (a signing scheme with no provider behind it), and
//! [`Template::from_name`] finds one by name. This module names no provider.
//!
//! Fresh per build: every id the receiver keys on (the delivery or event id, the payload's
//! object ids) and the timestamps (the build time, or [`BuildOptions::at`]).
//!
//! ```
//! use hookbridge_testkit::deliveries::{BuildOptions, Template, ThrowawayKey};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! for template in Template::all() {
//!     let event = template.events()[0];
//!     let key = ThrowawayKey::generate(template)?.key;
//!     let first = template.build(event, &BuildOptions::new())?.sign(&key)?;
//!     let second = template.build(event, &BuildOptions::new())?.sign(&key)?;
//!     assert_ne!(first.body, second.body, "{template}: fresh ids, not a replay of the first");
//!     assert_eq!(first.header("content-type"), Some("application/json"));
//! }
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use hookbridge_verify::sign::{HmacSigner, RsaSigner};
use hookbridge_verify::{HmacScheme, HmacSecret, RsaScheme, UrlToken, UrlTokenVerifier};
use serde_json::Value;

mod github;

use crate::error::{Error, Result};
pub use crate::template_spec::BuildOptions;
use crate::template_spec::TemplateSpec;
pub use github::{GITHUB_EVENT_HEADER, GITHUB_EVENTS};

/// A provider's (or a signing scheme's) delivery: which events it can build, how a body
/// looks, how it is signed. A copyable handle, equal by [`name`](Self::name) (which `Debug`
/// and `Display` show); see the [module docs](self) for where templates come from.
#[derive(Clone, Copy)]
pub struct Template {
    spec: &'static TemplateSpec,
}

/// The GitHub template: `ping`, `push`, `issues`, `pull_request`, `release` ([`GITHUB_EVENTS`])
/// with abridged payloads, signed with `X-Hub-Signature-256` and sent with `X-GitHub-Delivery`
/// and `X-GitHub-Event`. A signing scheme rather than a provider of this project (there is no
/// GitHub simulator), so it is listed last by [`Template::all`].
pub const GITHUB_TEMPLATE: Template = Template::new(&github::GITHUB);

/// What kind of key a template's deliveries are signed with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyKind {
    /// An HMAC secret, used as text (its bytes).
    HmacSecret,
    /// An RSA private key (PEM).
    RsaPrivateKey,
    /// A URL token (the provider signs nothing).
    UrlToken,
}

impl Template {
    /// The template declared by `spec` (a provider module's `TEMPLATE`).
    pub(crate) const fn new(spec: &'static TemplateSpec) -> Self {
        Self { spec }
    }

    /// The name: the provider's id (`miex`, `chip`, ...), a variant of it (`bitnob-legacy`,
    /// `chip-send`) or the scheme's (`github`). Unique among [`Template::all`].
    #[must_use]
    pub fn name(self) -> &'static str {
        self.spec.name
    }

    /// The events this template builds, in the provider's documented order.
    #[must_use]
    pub fn events(self) -> Vec<&'static str> {
        (self.spec.events)()
    }

    /// Whether the provider's event names are free-form, so that [`events`](Self::events) are
    /// examples rather than a catalogue (for a provider that publishes none).
    #[must_use]
    pub fn free_form_events(self) -> bool {
        self.spec.free_form_events
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
        match (self.spec.hmac_scheme, self.spec.rsa_scheme) {
            (Some(_), _) => KeyKind::HmacSecret,
            (None, Some(_)) => KeyKind::RsaPrivateKey,
            (None, None) => KeyKind::UrlToken,
        }
    }

    /// The HMAC scheme of an HMAC template.
    #[must_use]
    pub fn hmac_scheme(self) -> Option<HmacScheme> {
        self.spec.hmac_scheme.map(|scheme| scheme())
    }

    /// The RSA scheme of an RSA template.
    #[must_use]
    pub fn rsa_scheme(self) -> Option<RsaScheme> {
        self.spec.rsa_scheme.map(|scheme| scheme())
    }

    /// The payload part of a body — the envelope's `data`, the related object, or the whole
    /// payload, as the template's documentation says — that [`build`](Self::build) uses when
    /// [`BuildOptions::data`] is not given. Fresh ids, times from [`BuildOptions::at`]; some
    /// templates read values from [`BuildOptions::field`]s.
    ///
    /// # Errors
    /// [`Error::InvalidPayload`] if an embedded fixture does not parse (a build defect).
    pub fn sample_data(self, event: &str, options: &BuildOptions) -> Result<Value> {
        (self.spec.sample_data)(event, options)
    }

    /// Builds a delivery of `event`: the body (fresh ids and times, see the
    /// [module docs](self)), the delivery id and the unsigned headers the provider adds.
    /// Events outside [`events`](Self::events) build too, with a generic payload (the
    /// simulators deliver whatever they are asked to); check [`knows_event`](Self::knows_event)
    /// first to refuse them.
    ///
    /// # Errors
    /// [`Error::InvalidPayload`] when [`BuildOptions::data`] has the wrong shape for the
    /// template (e.g. not a JSON object where the body is the object itself) or `event` is not
    /// a valid header value where it travels in a header; [`Error::Json`] if the body cannot be
    /// serialized.
    pub fn build(self, event: &str, options: &BuildOptions) -> Result<Draft> {
        let at = options.at;
        let data = match &options.data {
            Some(data) => data.clone(),
            None => self.sample_data(event, options)?,
        };
        let mut delivery_id = options.delivery_id.clone();
        let mut body = (self.spec.envelope)(event, data, at, &mut delivery_id)?;
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
    /// `Content-Type: application/json`, plus the event-name header where the provider sends
    /// one (e.g. [`GITHUB_EVENT_HEADER`]).
    ///
    /// # Errors
    /// [`Error::InvalidPayload`] when `event` is not a valid header value.
    pub fn event_headers(self, event: &str) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(name) = &self.spec.event_header {
            let value = HeaderValue::from_str(event)
                .map_err(|_| Error::InvalidPayload("the event is not a valid header value"))?;
            headers.insert(name.clone(), value);
        }
        Ok(headers)
    }

    /// The unsigned header naming the event, where the provider sends one (MIEX's
    /// `X-Webhook-Event`, Bitnob's `X-Bitnob-Event`, [`GITHUB_EVENT_HEADER`]).
    #[must_use]
    pub fn event_header(self) -> Option<&'static HeaderName> {
        self.spec.event_header.as_ref()
    }

    /// A fresh HMAC secret in the provider's format (for [`ThrowawayKey::generate`]).
    fn fresh_secret(self) -> String {
        (self.spec.fresh_secret)()
    }
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Template {}

impl Hash for Template {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
    /// The delivery id, where the provider has one (`None` otherwise).
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

    /// The draft as it is sent without any key: URL-token deliveries (their token is already
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

/// A delivery ready to POST: body, every header, and the URL token where the provider uses one.
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
    /// appended to its query when the delivery was "signed" with a URL token.
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
    /// A URL token (the provider signs nothing: the token travels in the URL's query).
    UrlToken(UrlToken),
}

impl DeliveryKey {
    /// The key of `template` from a secret's text: the HMAC secret (its bytes) for HMAC
    /// templates, the URL token for URL-token templates.
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
/// let bitnob = Template::from_name("bitnob").expect("a registered template");
/// let fresh = ThrowawayKey::generate(bitnob)?;
/// assert!(matches!(fresh.receiver, ReceiverKey::Secret(_)));
/// // Kept, then read back: the same key.
/// let kept = ThrowawayKey::from_sender_text(bitnob, fresh.sender_text())?;
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
    /// A fresh key for `template`: a random HMAC secret in the provider's format (64 hex
    /// digits, unless the template says otherwise: Stripe's `whsec_...`), a URL token, or a
    /// 2048-bit RSA key pair (the receiver gets the public half as PEM).
    ///
    /// # Errors
    /// [`Error::Key`] if the system random number generator fails.
    pub fn generate(template: Template) -> Result<Self> {
        let sender = match template.key_kind() {
            KeyKind::UrlToken => UrlToken::generate().map_err(Error::Key)?.expose_secret().to_owned(),
            KeyKind::RsaPrivateKey => hookbridge_verify::sign::generate_rsa_private_key_pem().map_err(Error::Key)?,
            KeyKind::HmacSecret => template.fresh_secret(),
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
    /// The URL token (the receiver's `--secret`, the sender's `?hb_token=`).
    UrlToken(String),
    /// The public key PEM (the receiver's `--public-key`).
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
