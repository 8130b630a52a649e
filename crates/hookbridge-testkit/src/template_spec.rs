//! What a provider's delivery template declares ([`TemplateSpec`], written next to its
//! simulator) and what building one takes ([`BuildOptions`]): the part of
//! [`deliveries`](crate::deliveries) the provider modules use, kept apart so that they do not
//! import the module that dispatches to them.

use axum::http::HeaderName;
use hookbridge_verify::{HmacScheme, RsaScheme};
use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::server::random_hex;
use crate::{Error, Result};

/// How a [`Template::build`](crate::deliveries::Template::build) is varied: the time, the delivery id, the payload, extra body
/// fields. The default is "now, everything fresh".
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BuildOptions {
    /// The delivery's time: body timestamps and the signed timestamp. Default: now.
    pub at: Timestamp,
    /// The delivery id (MIEX job id, BLAZE / AbbeyCross body `id`, Bitnob `event_id`, Stripe
    /// event `id`, GitHub `X-GitHub-Delivery`); CHIP has none. Default: a fresh one.
    pub delivery_id: Option<String>,
    /// The payload, used as given instead of [`Template::sample_data`](crate::deliveries::Template::sample_data).
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

/// One template's provider-specific part, written next to the provider's simulator (or, for
/// GitHub, in `deliveries/github.rs`) and handed out as a [`Template`](crate::deliveries::Template)
/// (the module's `TEMPLATE`): what its methods read.
pub(crate) struct TemplateSpec {
    /// [`Template::name`](crate::deliveries::Template::name).
    pub(crate) name: &'static str,
    /// [`Template::events`](crate::deliveries::Template::events).
    pub(crate) events: fn() -> Vec<&'static str>,
    /// [`Template::free_form_events`](crate::deliveries::Template::free_form_events).
    pub(crate) free_form_events: bool,
    /// [`Template::hmac_scheme`](crate::deliveries::Template::hmac_scheme), for HMAC templates.
    pub(crate) hmac_scheme: Option<fn() -> HmacScheme>,
    /// [`Template::rsa_scheme`](crate::deliveries::Template::rsa_scheme), for RSA templates (neither: a URL token).
    pub(crate) rsa_scheme: Option<fn() -> RsaScheme>,
    /// The unsigned header carrying the event name, if the provider sends one.
    pub(crate) event_header: Option<HeaderName>,
    /// [`Template::sample_data`](crate::deliveries::Template::sample_data).
    pub(crate) sample_data: fn(&str, &BuildOptions) -> Result<Value>,
    /// The body around the payload `data` of `event` at a time, filling in the delivery id
    /// where the provider has one.
    pub(crate) envelope: fn(&str, Value, Timestamp, &mut Option<String>) -> Result<Value>,
    /// A fresh HMAC secret in the provider's format ([`ThrowawayKey::generate`](crate::deliveries::ThrowawayKey::generate)).
    pub(crate) fresh_secret: fn() -> String,
}

/// A fresh HMAC secret: 64 hex digits.
pub(crate) fn random_secret() -> String {
    random_hex::<32>()
}

/// An embedded fixture's JSON object.
pub(crate) fn fixture_object(text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::InvalidPayload("an embedded delivery fixture is not a JSON object")),
    }
}
