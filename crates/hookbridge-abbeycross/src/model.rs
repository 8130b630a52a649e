//! AbbeyCross wire types: the register body, its `{message, apiSecretKey}` response, and the
//! registration as a whole ([`RegisteredWebhook`]).

use std::borrow::Cow;

use hookbridge_core::DeliveryUrl;
use hookbridge_core::{EventType, InvalidInput, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The JSON names of the two register-body fields.
///
/// The AbbeyCross reference describes the two fields ("The URL of the webhook endpoint to
/// register.", "The list of events to subscribe to.") without showing their names; hookbridge
/// **infers** `url` and `events` ([`BodyFieldNames::default`]). If AbbeyCross expects other names,
/// set them with [`crate::AbbeyCrossClient::with_body_field_names`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BodyFieldNames {
    url: Cow<'static, str>,
    events: Cow<'static, str>,
}

impl BodyFieldNames {
    /// The inferred default names.
    pub const INFERRED: BodyFieldNames = BodyFieldNames { url: Cow::Borrowed("url"), events: Cow::Borrowed("events") };

    /// Custom names; refuses empty names and two equal names.
    pub fn new(url: impl Into<Cow<'static, str>>, events: impl Into<Cow<'static, str>>) -> Result<Self, InvalidInput> {
        let (url, events) = (url.into(), events.into());
        if url.trim().is_empty() || events.trim().is_empty() {
            return Err(InvalidInput::new("body_field_names", "field names must not be empty"));
        }
        if url == events {
            return Err(InvalidInput::new("body_field_names", "the URL and events fields need different names"));
        }
        Ok(Self { url, events })
    }

    /// The name of the URL field (`url` by default).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The name of the events field (`events` by default).
    pub fn events(&self) -> &str {
        &self.events
    }
}

impl Default for BodyFieldNames {
    fn default() -> Self {
        Self::INFERRED
    }
}

/// Body of `POST /v1/webhooks/register`: the endpoint URL and the events to subscribe to.
///
/// AbbeyCross publishes no event catalogue, so events are free-form [`EventType`] names, and it
/// does not say that the list must be non-empty, so an empty list is allowed (and sent as `[]`).
/// Its `Serialize` impl uses the inferred field names `url` and `events`; the client serializes
/// with its configured [`BodyFieldNames`] through [`RegisterWebhook::to_body`].
///
/// ```
/// use hookbridge_abbeycross::{BodyFieldNames, RegisterWebhook};
/// use serde_json::json;
///
/// let req = RegisterWebhook::new("https://example.com/hooks/fx".parse::<url::Url>()?, ["payment.completed"]);
/// assert!(req.validate().is_ok());
/// assert_eq!(
///     req.to_body(&BodyFieldNames::default()),
///     json!({"url": "https://example.com/hooks/fx", "events": ["payment.completed"]})
/// );
/// # Ok::<(), url::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterWebhook {
    /// The URL of the webhook endpoint to register, sent as given.
    pub url: DeliveryUrl,
    /// The list of events to subscribe to.
    pub events: Vec<EventType>,
}

impl RegisterWebhook {
    /// A registration of `url` for `events`.
    pub fn new<E: Into<EventType>>(url: impl Into<DeliveryUrl>, events: impl IntoIterator<Item = E>) -> Self {
        Self { url: url.into(), events: events.into_iter().map(Into::into).collect() }
    }

    /// Checks what can be checked without a catalogue: an `http`/`https` URL with a host, and no
    /// empty or blank event name. [`crate::Webhooks::register`] calls it before sending.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        if !matches!(self.url.scheme(), "http" | "https") {
            return Err(InvalidInput::new("url", format!("scheme must be http or https, got `{}`", self.url.scheme())));
        }
        if self.url.host().is_none() {
            return Err(InvalidInput::new("url", "must have a host"));
        }
        if let Some(i) = self.events.iter().position(|e| e.as_str().trim().is_empty()) {
            return Err(InvalidInput::new("events", format!("event name at index {i} is empty")));
        }
        Ok(())
    }

    /// The JSON body with the given field names.
    pub fn to_body(&self, names: &BodyFieldNames) -> Value {
        let mut body = Map::new();
        body.insert(names.url().to_owned(), Value::String(self.url.as_str().to_owned()));
        body.insert(
            names.events().to_owned(),
            Value::Array(self.events.iter().map(|e| Value::String(e.as_str().to_owned())).collect()),
        );
        Value::Object(body)
    }
}

/// The 201 response of `POST /v1/webhooks/register`: `{message, apiSecretKey}`.
///
/// Neither field is marked required, so both are optional here; fields AbbeyCross adds later are
/// kept in [`RegisterWebhookResponse::extra`]. `Serialize` writes everything back **except
/// `apiSecretKey`**, which is only reachable as a [`Secret`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RegisterWebhookResponse {
    /// AbbeyCross's confirmation message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The secret key issued for this webhook (`apiSecretKey`). How deliveries use it is not
    /// documented. Store it: the documentation shows no way to read it again.
    #[serde(default, skip_serializing)]
    pub api_secret_key: Option<Secret>,
    /// Undocumented response fields, by wire name.
    #[serde(flatten)]
    pub extra: hookbridge_core::redact::ExtraFields,
}

/// A registration as a whole: what was registered (URL, events) and what AbbeyCross answered.
///
/// AbbeyCross returns no webhook id or object, so this is the provider-side record that the unified
/// [`hookbridge_core::Endpoint`] converts to and from. `Serialize` writes `url`, `events`, `message`
/// and the extra response fields, never `apiSecretKey`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RegisteredWebhook {
    /// The registered URL, as sent.
    pub url: String,
    /// The subscribed events, as sent.
    pub events: Vec<EventType>,
    /// AbbeyCross's confirmation message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The secret key issued for the webhook (read from `apiSecretKey`, never written).
    #[serde(default, skip_serializing)]
    pub api_secret_key: Option<Secret>,
    /// Undocumented response fields, by wire name.
    #[serde(flatten)]
    pub extra: hookbridge_core::redact::ExtraFields,
}

impl RegisteredWebhook {
    /// Combines a register request with its response.
    pub fn new(request: &RegisterWebhook, response: RegisterWebhookResponse) -> Self {
        Self {
            url: request.url.as_str().to_owned(),
            events: request.events.clone(),
            message: response.message,
            api_secret_key: response.api_secret_key,
            extra: response.extra,
        }
    }

    /// The response part (message, secret, extra fields).
    pub fn response(&self) -> RegisterWebhookResponse {
        RegisterWebhookResponse {
            message: self.message.clone(),
            api_secret_key: self.api_secret_key.clone(),
            extra: self.extra.clone(),
        }
    }
}
