//! The parameters of the Webhook Endpoints operations, validated before anything is sent and
//! written as form pairs in a fixed order (the order of Stripe's reference).
//!
//! | operation | type | pairs, in order |
//! |---|---|---|
//! | create | [`CreateWebhookEndpoint`] | `enabled_events[]` (required, ≥ 1), `url` (required), `api_version`, `connect`, `description`, `metadata[k]` |
//! | update | [`UpdateWebhookEndpoint`] | `description`, `enabled_events[]`, `metadata[k]` / `metadata`, `url`, `disabled` |
//! | list | [`ListWebhookEndpoints`] | query: `limit` (1–100), `starting_after`, `ending_before` (not both) |
//!
//! `expand[]`, accepted by every Stripe request, is not modelled: the Webhook Endpoint object has
//! no expandable attribute.

use std::collections::BTreeMap;

use hookbridge_core::{DeliveryUrl, InvalidInput};
use serde::{Deserialize, Serialize};

use crate::event_type::EventType;
use crate::form::Form;
use crate::ids::WebhookEndpointId;
use crate::model::{ApiVersion, Metadata};

/// Most metadata keys an object may have (docs.stripe.com/metadata).
pub const MAX_METADATA_KEYS: usize = 50;
/// Longest metadata key, in characters.
pub const MAX_METADATA_KEY_LEN: usize = 40;
/// Longest metadata value, in characters.
pub const MAX_METADATA_VALUE_LEN: usize = 500;
/// Largest `limit` of a list request ("ranging between 1 and 100"; Stripe's default is 10).
pub const MAX_LIMIT: u32 = 100;

fn check_metadata_key(key: &str) -> Result<(), InvalidInput> {
    if key.is_empty() {
        return Err(InvalidInput::new("metadata", "keys must not be empty"));
    }
    if key.chars().count() > MAX_METADATA_KEY_LEN {
        return Err(InvalidInput::new(
            "metadata",
            format!("key `{key}` is longer than {MAX_METADATA_KEY_LEN} characters"),
        ));
    }
    if key.contains(['[', ']']) {
        return Err(InvalidInput::new(
            "metadata",
            format!("key `{key}` contains `[` or `]`, which Stripe does not allow"),
        ));
    }
    Ok(())
}

fn check_metadata_value(key: &str, value: &str) -> Result<(), InvalidInput> {
    if value.chars().count() > MAX_METADATA_VALUE_LEN {
        return Err(InvalidInput::new(
            "metadata",
            format!("the value of `{key}` is longer than {MAX_METADATA_VALUE_LEN} characters"),
        ));
    }
    Ok(())
}

fn check_metadata_count(count: usize) -> Result<(), InvalidInput> {
    if count > MAX_METADATA_KEYS {
        return Err(InvalidInput::new("metadata", format!("{count} keys; Stripe allows at most {MAX_METADATA_KEYS}")));
    }
    Ok(())
}

fn check_events(events: &[EventType]) -> Result<(), InvalidInput> {
    if events.is_empty() {
        return Err(InvalidInput::new("enabled_events", "must name at least one event type (or `*` for all)"));
    }
    if let Some(bad) = events.iter().find(|e| e.as_str().is_empty() || e.as_str().chars().any(char::is_whitespace)) {
        return Err(InvalidInput::new("enabled_events", format!("`{bad}` is not an event type name")));
    }
    Ok(())
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// Parameters of `POST /v1/webhook_endpoints` (create a webhook endpoint).
///
/// ```
/// use hookbridge_stripe::{CreateWebhookEndpoint, EventType};
///
/// let create = CreateWebhookEndpoint::new(
///     "https://example.com/my/webhook/endpoint".parse()?,
///     [EventType::ChargeSucceeded, EventType::ChargeFailed],
/// )
/// .description("orders")
/// .metadata("team", "payments");
/// let form = create.to_form()?;
/// let pairs: Vec<(&str, &str)> = form.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
/// assert_eq!(pairs, [
///     ("enabled_events[]", "charge.succeeded"),
///     ("enabled_events[]", "charge.failed"),
///     ("url", "https://example.com/my/webhook/endpoint"),
///     ("description", "orders"),
///     ("metadata[team]", "payments"),
/// ]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// What is sent is always the form ([`CreateWebhookEndpoint::to_form`]). The type also reads and
/// writes JSON with the same wire field names (`url`, `enabled_events`, `api_version`,
/// `connect`, `description`, `metadata`; unset ones omitted, unknown ones refused): that JSON is
/// the request as the provider-neutral conversions hold it (the Stripe dialect of
/// `hookbridge_core::descriptor::Dialect`).
///
/// ```
/// use hookbridge_stripe::{CreateWebhookEndpoint, EventType};
///
/// let create = CreateWebhookEndpoint::all_events("https://example.com/hooks".parse()?).description("all");
/// let json = serde_json::to_value(&create)?;
/// assert_eq!(json, serde_json::json!({
///     "url": "https://example.com/hooks", "enabled_events": ["*"], "description": "all"
/// }));
/// assert_eq!(serde_json::from_value::<CreateWebhookEndpoint>(json)?, create);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CreateWebhookEndpoint {
    /// The URL of the webhook endpoint (required), sent exactly as given.
    pub url: DeliveryUrl,
    /// The events to enable (required, at least one); [`EventType::All`] (`*`) enables all
    /// events except those that require explicit selection.
    pub enabled_events: Vec<EventType>,
    /// Events sent to this endpoint are generated with this API version instead of the
    /// account's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<ApiVersion>,
    /// Whether the endpoint receives events from connected accounts (`true`) or from the
    /// account itself (`false`, Stripe's default). Create only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect: Option<bool>,
    /// An optional description of what the webhook is used for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Key-value pairs to attach.
    #[serde(default, skip_serializing_if = "Metadata::is_empty")]
    pub metadata: Metadata,
}

impl CreateWebhookEndpoint {
    /// An endpoint at `url` receiving `events`.
    pub fn new<I, E>(url: DeliveryUrl, events: I) -> Self
    where
        I: IntoIterator<Item = E>,
        E: Into<EventType>,
    {
        Self {
            url,
            enabled_events: events.into_iter().map(Into::into).collect(),
            api_version: None,
            connect: None,
            description: None,
            metadata: Metadata::new(),
        }
    }

    /// An endpoint at `url` receiving every event (`enabled_events[]=*`).
    pub fn all_events(url: DeliveryUrl) -> Self {
        Self::new(url, [EventType::All])
    }

    /// Sets `api_version`.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = Some(version);
        self
    }

    /// Sets `connect`.
    pub fn connect(mut self, connect: bool) -> Self {
        self.connect = Some(connect);
        self
    }

    /// Sets `description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a metadata pair.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Checks the parameters against what Stripe documents (at least one event; metadata limits).
    pub fn validate(&self) -> Result<(), InvalidInput> {
        check_events(&self.enabled_events)?;
        check_metadata_count(self.metadata.len())?;
        for (key, value) in &self.metadata {
            check_metadata_key(key)?;
            check_metadata_value(key, value)?;
        }
        Ok(())
    }

    /// The validated form pairs.
    pub fn to_form(&self) -> Result<Form, InvalidInput> {
        self.validate()?;
        let mut form = Form::new();
        form.push_list("enabled_events", self.enabled_events.iter().map(EventType::as_str));
        form.push("url", self.url.as_str());
        if let Some(version) = &self.api_version {
            form.push("api_version", version.as_str());
        }
        if let Some(connect) = self.connect {
            form.push("connect", bool_str(connect));
        }
        if let Some(description) = &self.description {
            form.push("description", description.as_str());
        }
        form.push_map("metadata", &self.metadata);
        Ok(form)
    }
}

/// Parameters of `POST /v1/webhook_endpoints/{id}` (update a webhook endpoint): only the fields
/// set are sent; Stripe leaves the others unchanged.
///
/// Emptying follows Stripe's reference: an empty `description` unsets it
/// ([`clear_description`](Self::clear_description)); `metadata[key]=` unsets one key
/// ([`unset_metadata`](Self::unset_metadata)); `metadata=` unsets all
/// ([`clear_metadata`](Self::clear_metadata), which cannot be combined with per-key changes in
/// the same request).
///
/// ```
/// use hookbridge_stripe::UpdateWebhookEndpoint;
///
/// let update = UpdateWebhookEndpoint::new().disabled(true).unset_metadata("team").metadata("owner", "ops");
/// let form = update.to_form()?;
/// let pairs: Vec<(&str, &str)> = form.pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
/// assert_eq!(pairs, [("metadata[owner]", "ops"), ("metadata[team]", ""), ("disabled", "true")]);
/// assert!(UpdateWebhookEndpoint::new().to_form().is_err(), "nothing to update");
/// # Ok::<(), hookbridge_core::InvalidInput>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateWebhookEndpoint {
    /// A new description; `Some("")` unsets it.
    pub description: Option<String>,
    /// A new list of enabled events (replaces the old list; at least one).
    pub enabled_events: Option<Vec<EventType>>,
    /// Metadata changes by key: `Some(value)` sets, `None` unsets (`metadata[key]=`).
    pub metadata: BTreeMap<String, Option<String>>,
    /// Unset every metadata key (`metadata=`).
    pub clear_metadata: bool,
    /// A new URL.
    pub url: Option<DeliveryUrl>,
    /// `true` disables the endpoint, `false` enables it again.
    pub disabled: Option<bool>,
}

impl UpdateWebhookEndpoint {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Unsets the description (`description=`).
    pub fn clear_description(mut self) -> Self {
        self.description = Some(String::new());
        self
    }

    /// Replaces the enabled events.
    pub fn enabled_events<I, E>(mut self, events: I) -> Self
    where
        I: IntoIterator<Item = E>,
        E: Into<EventType>,
    {
        self.enabled_events = Some(events.into_iter().map(Into::into).collect());
        self
    }

    /// Sets one metadata key.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), Some(value.into()));
        self
    }

    /// Unsets one metadata key (`metadata[key]=`).
    pub fn unset_metadata(mut self, key: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), None);
        self
    }

    /// Unsets every metadata key (`metadata=`).
    pub fn clear_metadata(mut self) -> Self {
        self.clear_metadata = true;
        self
    }

    /// Sets `url`.
    pub fn url(mut self, url: DeliveryUrl) -> Self {
        self.url = Some(url);
        self
    }

    /// Sets `disabled`.
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Some(disabled);
        self
    }

    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.description.is_none()
            && self.enabled_events.is_none()
            && self.metadata.is_empty()
            && !self.clear_metadata
            && self.url.is_none()
            && self.disabled.is_none()
    }

    /// Checks the parameters: something to change, a non-empty event list, metadata limits,
    /// and `clear_metadata` not combined with per-key changes.
    ///
    /// An update without changes is refused although Stripe would answer it (with the endpoint
    /// unchanged): it is almost always a caller's mistake, and refusing it costs no request.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        if self.is_empty() {
            return Err(InvalidInput::new("update", "nothing to update: set at least one field"));
        }
        if let Some(events) = &self.enabled_events {
            check_events(events)?;
        }
        if self.clear_metadata && !self.metadata.is_empty() {
            return Err(InvalidInput::new(
                "metadata",
                "clearing all metadata (`metadata=`) cannot be combined with per-key changes in one request",
            ));
        }
        check_metadata_count(self.metadata.len())?;
        for (key, value) in &self.metadata {
            check_metadata_key(key)?;
            if let Some(value) = value {
                check_metadata_value(key, value)?;
            }
        }
        Ok(())
    }

    /// The validated form pairs.
    pub fn to_form(&self) -> Result<Form, InvalidInput> {
        self.validate()?;
        let mut form = Form::new();
        if let Some(description) = &self.description {
            form.push("description", description.as_str());
        }
        if let Some(events) = &self.enabled_events {
            form.push_list("enabled_events", events.iter().map(EventType::as_str));
        }
        if self.clear_metadata {
            form.push("metadata", "");
        }
        form.push_map("metadata", self.metadata.iter().map(|(k, v)| (k.as_str(), v.as_deref().unwrap_or(""))));
        if let Some(url) = &self.url {
            form.push("url", url.as_str());
        }
        if let Some(disabled) = self.disabled {
            form.push("disabled", bool_str(disabled));
        }
        Ok(form)
    }
}

/// Parameters of `GET /v1/webhook_endpoints` (list webhook endpoints): Stripe's cursor paging.
///
/// `starting_after` (an endpoint id) returns the endpoints after it, `ending_before` those
/// before it; the two are mutually exclusive. `limit` is 1–100 (Stripe's default: 10).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListWebhookEndpoints {
    /// How many endpoints per page (1–100).
    pub limit: Option<u32>,
    /// Return the endpoints after this one (next page).
    pub starting_after: Option<WebhookEndpointId>,
    /// Return the endpoints before this one (previous page).
    pub ending_before: Option<WebhookEndpointId>,
}

impl ListWebhookEndpoints {
    /// The first page, Stripe's default size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `limit`.
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Sets `starting_after`.
    pub fn starting_after(mut self, id: WebhookEndpointId) -> Self {
        self.starting_after = Some(id);
        self
    }

    /// Sets `ending_before`.
    pub fn ending_before(mut self, id: WebhookEndpointId) -> Self {
        self.ending_before = Some(id);
        self
    }

    /// Checks `limit` (1–100), the cursors, and that at most one cursor is set.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        if let Some(limit) = self.limit
            && !(1..=MAX_LIMIT).contains(&limit)
        {
            return Err(InvalidInput::new("limit", format!("must be between 1 and {MAX_LIMIT}, got {limit}")));
        }
        if self.starting_after.is_some() && self.ending_before.is_some() {
            return Err(InvalidInput::new(
                "starting_after",
                "`starting_after` and `ending_before` are mutually exclusive",
            ));
        }
        for (field, id) in [("starting_after", &self.starting_after), ("ending_before", &self.ending_before)] {
            if let Some(id) = id {
                crate::ids::validate(field, id.as_str())?;
            }
        }
        Ok(())
    }

    /// The validated query pairs: `limit`, `starting_after`, `ending_before` (those set).
    pub fn to_query(&self) -> Result<Vec<(&'static str, String)>, InvalidInput> {
        self.validate()?;
        let mut query = Vec::new();
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(id) = &self.starting_after {
            query.push(("starting_after", id.as_str().to_owned()));
        }
        if let Some(id) = &self.ending_before {
            query.push(("ending_before", id.as_str().to_owned()));
        }
        Ok(query)
    }
}
