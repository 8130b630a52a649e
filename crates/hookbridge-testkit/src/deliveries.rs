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
use axum::http::{HeaderMap, HeaderValue};
use hookbridge_verify::sign::{HmacSigner, RsaSigner};
use hookbridge_verify::{HmacScheme, HmacSecret, RsaScheme, UrlToken, UrlTokenVerifier};
use serde_json::Value;

mod github;

pub use crate::abbeycross::template::ABBEYCROSS_EXAMPLE_EVENTS;
pub use crate::chip::template::CHIP_SEND_EVENTS;
use crate::error::{Error, Result};
pub use crate::stripe::template::STRIPE_EVENTS;
pub use crate::template_spec::BuildOptions;
use crate::template_spec::TemplateSpec;
pub use github::{GITHUB_EVENT_HEADER, GITHUB_EVENTS};

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

    /// The provider-specific part: one line per template.
    fn spec(self) -> &'static TemplateSpec {
        match self {
            Template::Miex => &crate::miex::template::MIEX,
            Template::Blaze => &crate::blaze::template::BLAZE,
            Template::Bitnob => &crate::bitnob::template::BITNOB,
            Template::BitnobLegacy => &crate::bitnob::template::BITNOB_LEGACY,
            Template::AbbeyCross => &crate::abbeycross::template::ABBEYCROSS,
            Template::Chip => &crate::chip::template::CHIP,
            Template::ChipSend => &crate::chip::template::CHIP_SEND,
            Template::Stripe => &crate::stripe::template::STRIPE,
            Template::Github => &github::GITHUB,
        }
    }

    /// The name: `miex`, `blaze`, `bitnob`, `bitnob-legacy`, `abbeycross`, `chip`,
    /// `chip-send`, `stripe`, `github`.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The template named `name` (see [`name`](Self::name)).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The events this template builds, in the provider's documented order.
    #[must_use]
    pub fn events(self) -> Vec<&'static str> {
        (self.spec().events)()
    }

    /// Whether the provider's event names are free-form, so that [`events`](Self::events) are
    /// examples rather than a catalogue (AbbeyCross publishes none).
    #[must_use]
    pub fn free_form_events(self) -> bool {
        self.spec().free_form_events
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
        let spec = self.spec();
        match (spec.hmac_scheme, spec.rsa_scheme) {
            (Some(_), _) => KeyKind::HmacSecret,
            (None, Some(_)) => KeyKind::RsaPrivateKey,
            (None, None) => KeyKind::UrlToken,
        }
    }

    /// The HMAC scheme of an HMAC template.
    #[must_use]
    pub fn hmac_scheme(self) -> Option<HmacScheme> {
        self.spec().hmac_scheme.map(|scheme| scheme())
    }

    /// The RSA scheme of an RSA template.
    #[must_use]
    pub fn rsa_scheme(self) -> Option<RsaScheme> {
        self.spec().rsa_scheme.map(|scheme| scheme())
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
        (self.spec().sample_data)(event, options)
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
        let mut body = (self.spec().envelope)(event, data, at, &mut delivery_id)?;
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
        if let Some(name) = &self.spec().event_header {
            let value = HeaderValue::from_str(event)
                .map_err(|_| Error::InvalidPayload("the event is not a valid header value"))?;
            headers.insert(name.clone(), value);
        }
        Ok(headers)
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
            _ => (template.spec().fresh_secret)(),
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
}
