//! The unified model every provider client speaks: [`Endpoint`], [`EndpointSpec`],
//! [`EndpointUpdate`], [`EventType`], ids and delivery URLs.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::Timestamp;
use crate::error::InvalidInput;
use crate::provider::ProviderId;
use crate::provider_fields::FieldReader;
use crate::secret::Secret;

/// Longest id hookbridge accepts in a path.
pub const MAX_ID_LEN: usize = 256;

/// The id of a webhook endpoint at its provider (a UUID for MIEX and CHIP, an opaque string elsewhere).
///
/// Built with [`EndpointId::new`], which refuses empty ids, ids longer than [`MAX_ID_LEN`],
/// `.`/`..`, and ids containing whitespace or control characters, so a bad id never reaches a URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EndpointId(String);

impl EndpointId {
    /// Validates and wraps an id.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidInput> {
        let id = id.into();
        validate_path_id("id", &id)?;
        Ok(Self(id))
    }

    /// The id as received from the provider, without validation. Use for ids that come from
    /// the provider itself; path building validates again before use.
    pub fn from_provider(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for EndpointId {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// Checks an id that will be placed in a URL path segment.
pub fn validate_path_id(field: &'static str, id: &str) -> Result<(), InvalidInput> {
    if id.is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if id.len() > MAX_ID_LEN {
        return Err(InvalidInput::new(field, format!("longer than {MAX_ID_LEN} bytes")));
    }
    if id == "." || id == ".." {
        return Err(InvalidInput::new(field, "must not be `.` or `..`"));
    }
    // Visible ASCII (the usual id) has neither; only other text needs the Unicode check.
    if !id.bytes().all(|b| b.is_ascii_graphic()) && id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(InvalidInput::new(field, "must not contain whitespace or control characters"));
    }
    Ok(())
}

/// A delivery URL exactly as the caller wrote it: validated as an absolute URL, but sent
/// unchanged (`https://x.com` stays `https://x.com`; `url::Url` would send `https://x.com/`).
///
/// [`DeliveryUrl::new`] refuses what `url::Url` cannot parse, a URL without a host, and a string
/// that parsing would change silently (surrounding whitespace, control characters). It derefs
/// to the parsed [`Url`] for inspection (`scheme()`, `host_str()`), while [`DeliveryUrl::as_str`],
/// `Display` and serialization give the caller's string. Converting from a [`Url`] takes its
/// serialization (already normalised).
///
/// ```
/// use hookbridge_core::DeliveryUrl;
///
/// let url = DeliveryUrl::new("https://x.com")?;
/// assert_eq!(url.as_str(), "https://x.com");
/// assert_eq!(serde_json::to_string(&url)?, r#""https://x.com""#);
/// assert_eq!(url.host_str(), Some("x.com"));
/// assert!(DeliveryUrl::new(" https://x.com").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DeliveryUrl {
    raw: String,
    parsed: Url,
}

impl DeliveryUrl {
    /// Validates `raw` and keeps it as given.
    pub fn new(raw: impl Into<String>) -> Result<Self, InvalidInput> {
        let raw = raw.into();
        if raw.trim() != raw || raw.chars().any(char::is_control) {
            return Err(InvalidInput::new("url", "must not contain surrounding whitespace or control characters"));
        }
        let parsed = Url::parse(&raw).map_err(|e| InvalidInput::new("url", format!("`{raw}` is not a URL: {e}")))?;
        if parsed.cannot_be_a_base() || parsed.host().is_none() {
            return Err(InvalidInput::new("url", format!("`{raw}` is not an absolute URL with a host")));
        }
        Ok(Self { raw, parsed })
    }

    /// The URL exactly as given (what is sent).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The parsed URL (for inspection; its serialization may differ from [`DeliveryUrl::as_str`]).
    pub fn url(&self) -> &Url {
        &self.parsed
    }
}

impl std::ops::Deref for DeliveryUrl {
    type Target = Url;
    fn deref(&self) -> &Url {
        &self.parsed
    }
}

impl AsRef<str> for DeliveryUrl {
    fn as_ref(&self) -> &str {
        &self.raw
    }
}

impl fmt::Display for DeliveryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for DeliveryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.raw, f)
    }
}

impl std::str::FromStr for DeliveryUrl {
    type Err = InvalidInput;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for DeliveryUrl {
    type Error = InvalidInput;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for DeliveryUrl {
    type Error = InvalidInput;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<Url> for DeliveryUrl {
    fn from(parsed: Url) -> Self {
        Self { raw: parsed.as_str().to_owned(), parsed }
    }
}

impl From<DeliveryUrl> for String {
    fn from(url: DeliveryUrl) -> Self {
        url.raw
    }
}

impl PartialEq<str> for DeliveryUrl {
    fn eq(&self, other: &str) -> bool {
        self.raw == other
    }
}

impl PartialEq<&str> for DeliveryUrl {
    fn eq(&self, other: &&str) -> bool {
        self.raw == *other
    }
}

impl Serialize for DeliveryUrl {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for DeliveryUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::new(raw).map_err(serde::de::Error::custom)
    }
}

/// An event type name as the provider spells it on the wire (`order.created`, `NEW_MEMBER`,
/// `purchase.paid`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventType(Cow<'static, str>);

impl EventType {
    /// An event type from a static name.
    pub const fn from_static(name: &'static str) -> Self {
        Self(Cow::Borrowed(name))
    }

    /// An event type from any name.
    pub fn new(name: impl Into<String>) -> Self {
        Self(Cow::Owned(name.into()))
    }

    /// The wire name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for EventType {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for EventType {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

/// Which events an endpoint receives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", content = "events", rename_all = "snake_case")]
pub enum EventSelection {
    /// Every event the provider emits (CHIP `all_events: true`, Bitnob with `event_types` omitted).
    All,
    /// Only these events.
    Only(Vec<EventType>),
}

impl EventSelection {
    /// The listed events (empty for [`EventSelection::All`]).
    pub fn events(&self) -> &[EventType] {
        match self {
            EventSelection::All => &[],
            EventSelection::Only(v) => v,
        }
    }
}

impl Default for EventSelection {
    fn default() -> Self {
        EventSelection::Only(Vec::new())
    }
}

/// An endpoint's lifecycle state, unified across `isActive`, `status` and `deleted`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EndpointStatus {
    /// Deliveries are sent.
    Active,
    /// Deliveries are not sent (disabled, paused, failing).
    Inactive,
    /// The provider reports the record as deleted.
    Deleted,
    /// The provider does not report a state.
    Unknown,
    /// A provider state hookbridge does not know, as spelled on the wire.
    Other(String),
}

/// A webhook endpoint as one provider reports it, in the unified shape.
///
/// Provider-specific fields that have no unified counterpart are kept in
/// [`Endpoint::provider_fields`] under their wire names, so nothing the provider sent is lost.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct Endpoint {
    /// Provider the endpoint lives at.
    pub provider: ProviderId,
    /// Provider's id for the endpoint.
    pub id: EndpointId,
    /// Delivery URLs (one for most providers; BLAZE keeps a list).
    pub urls: Vec<String>,
    /// Events the endpoint receives.
    pub events: EventSelection,
    /// Lifecycle state.
    pub status: EndpointStatus,
    /// Display name or title, where the provider has one.
    pub name: Option<String>,
    /// When the endpoint was created.
    pub created_at: Option<Timestamp>,
    /// When the endpoint was last changed.
    pub updated_at: Option<Timestamp>,
    /// Whether a signing secret (or public key) is configured; `None` when the provider does not say.
    pub has_secret: Option<bool>,
    /// The signing secret, present only on the response that reveals it (create, rotate).
    #[serde(skip)]
    pub secret: Option<Secret>,
    /// Provider-specific fields, by wire name.
    pub provider_fields: Map<String, Value>,
}

impl Endpoint {
    /// An endpoint with only its provider and id set.
    pub fn new(provider: ProviderId, id: EndpointId) -> Self {
        Self {
            provider,
            id,
            urls: Vec::new(),
            events: EventSelection::default(),
            status: EndpointStatus::Unknown,
            name: None,
            created_at: None,
            updated_at: None,
            has_secret: None,
            secret: None,
            provider_fields: Map::new(),
        }
    }

    /// Refuses an endpoint of another provider (field `provider`): the first check of every
    /// conversion from the unified endpoint back to a provider's object.
    ///
    /// ```
    /// use hookbridge_core::{Endpoint, EndpointId, ProviderId};
    ///
    /// let endpoint = Endpoint::new(ProviderId::new("acme"), EndpointId::from_provider("e1"));
    /// assert!(endpoint.expect_provider(ProviderId::new("acme")).is_ok());
    /// assert_eq!(endpoint.expect_provider(ProviderId::new("other")).unwrap_err().field, "provider");
    /// ```
    ///
    /// # Errors
    /// An [`InvalidInput`] naming both providers.
    pub fn expect_provider(&self, provider: ProviderId) -> Result<(), InvalidInput> {
        if self.provider == provider {
            Ok(())
        } else {
            Err(InvalidInput::new("provider", format!("expected a {provider} endpoint, got {}", self.provider)))
        }
    }

    /// The single URL of a single-URL provider's endpoint (field `url`); an error when there is
    /// none or several. As [`EndpointSpec::single_url`].
    ///
    /// # Errors
    /// An [`InvalidInput`] saying whether no URL or several were given.
    pub fn single_url(&self) -> Result<&String, InvalidInput> {
        single_url(&self.urls)
    }

    /// A reader over a copy of [`Endpoint::provider_fields`], after refusing an endpoint of another
    /// provider ([`Endpoint::expect_provider`]): the start of every conversion from the unified
    /// endpoint back to a provider's object.
    ///
    /// ```
    /// use hookbridge_core::{Endpoint, EndpointId, ProviderId};
    ///
    /// const ACME: ProviderId = ProviderId::new("acme");
    /// let mut endpoint = Endpoint::new(ACME, EndpointId::from_provider("e1"));
    /// endpoint.provider_fields.insert("note".into(), "VIP".into());
    /// let mut fields = endpoint.fields_for(ACME)?;
    /// assert_eq!(fields.take::<String>("note")?.as_deref(), Some("VIP"));
    /// assert_eq!(endpoint.fields_for(ProviderId::new("other")).unwrap_err().field, "provider");
    /// # Ok::<(), hookbridge_core::InvalidInput>(())
    /// ```
    ///
    /// # Errors
    /// An [`InvalidInput`] for the field `provider` when the endpoint is another provider's.
    pub fn fields_for(&self, provider: ProviderId) -> Result<FieldReader, InvalidInput> {
        self.expect_provider(provider)?;
        Ok(FieldReader::new(provider, &self.provider_fields))
    }

    /// Keeps the signing secret a response revealed: [`Endpoint::secret`], and
    /// [`Endpoint::has_secret`] `Some(true)`. `None` (a response that reveals none) changes neither:
    /// it says nothing about whether the endpoint has a secret.
    ///
    /// ```
    /// use hookbridge_core::{Endpoint, EndpointId, ProviderId, Secret};
    ///
    /// let mut endpoint = Endpoint::new(ProviderId::new("acme"), EndpointId::from_provider("e1"));
    /// endpoint.set_secret(None);
    /// assert_eq!((endpoint.has_secret, endpoint.secret.is_some()), (None, false));
    /// endpoint.set_secret(Some(Secret::new("whsec_1")));
    /// assert_eq!((endpoint.has_secret, endpoint.secret.is_some()), (Some(true), true));
    /// ```
    pub fn set_secret(&mut self, secret: Option<Secret>) {
        if let Some(secret) = secret {
            self.has_secret = Some(true);
            self.secret = Some(secret);
        }
    }
}

/// The one URL of `urls` (field `url`).
fn single_url<T>(urls: &[T]) -> Result<&T, InvalidInput> {
    match urls {
        [one] => Ok(one),
        [] => Err(InvalidInput::new("url", "a delivery URL is required")),
        _ => Err(InvalidInput::new("url", "this provider takes exactly one delivery URL")),
    }
}

/// What to create.
///
/// ```
/// use hookbridge_core::{DeliveryUrl, EndpointSpec, EventSelection};
///
/// let spec = EndpointSpec::new(DeliveryUrl::new("https://example.com/hooks")?)
///     .event("order.created")
///     .name("orders");
/// assert_eq!(spec.events.events().len(), 1);
/// assert_eq!(spec.urls[0].as_str(), "https://example.com/hooks");
/// # Ok::<(), hookbridge_core::InvalidInput>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EndpointSpec {
    /// Delivery URLs, sent exactly as given. Most providers take exactly one.
    pub urls: Vec<DeliveryUrl>,
    /// Events to receive.
    pub events: EventSelection,
    /// Display name or title, where the provider has one.
    pub name: Option<String>,
    /// Provider-specific fields, by wire name (for example BLAZE `shopId`, CHIP `public_key`).
    pub provider_fields: Map<String, Value>,
}

impl EndpointSpec {
    /// A spec delivering to `url`, with no events selected yet.
    pub fn new(url: impl Into<DeliveryUrl>) -> Self {
        Self { urls: vec![url.into()], ..Self::default() }
    }

    /// Adds a delivery URL.
    pub fn url(mut self, url: impl Into<DeliveryUrl>) -> Self {
        self.urls.push(url.into());
        self
    }

    /// Adds one event.
    pub fn event(mut self, event: impl Into<EventType>) -> Self {
        match &mut self.events {
            EventSelection::Only(v) => v.push(event.into()),
            EventSelection::All => self.events = EventSelection::Only(vec![event.into()]),
        }
        self
    }

    /// Selects every event.
    pub fn all_events(mut self) -> Self {
        self.events = EventSelection::All;
        self
    }

    /// Sets the display name or title.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets a provider-specific field by wire name.
    pub fn provider_field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.provider_fields.insert(key.into(), value.into());
        self
    }

    /// The single URL of a single-URL provider; an error when there is none or several.
    pub fn single_url(&self) -> Result<&DeliveryUrl, InvalidInput> {
        single_url(&self.urls)
    }
}

/// What to change on an existing endpoint: only the fields that are set (`Some`, or present in
/// `provider_fields`) change; everything else stays as it is at the provider.
///
/// Providers that document a partial update (Bitnob `PATCH`) send exactly these fields. Providers
/// that only replace a whole object (BLAZE `PUT`, CHIP `PUT`) read the endpoint, apply these fields
/// and send the result back, so fields not named here keep their current values.
///
/// ```
/// use hookbridge_core::EndpointUpdate;
///
/// let rename = EndpointUpdate::new().name("orders (EU)");
/// assert!(rename.urls.is_none() && rename.events.is_none());
/// assert!(!rename.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EndpointUpdate {
    /// New delivery URLs (replace the current ones), sent exactly as given.
    pub urls: Option<Vec<DeliveryUrl>>,
    /// New event selection (replaces the current one).
    pub events: Option<EventSelection>,
    /// New display name or title.
    pub name: Option<String>,
    /// Provider-specific fields to set, by wire name (for example BLAZE `shopId`).
    pub provider_fields: Map<String, Value>,
}

impl EndpointUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the delivery URLs with `url` (call again to add more).
    pub fn url(mut self, url: impl Into<DeliveryUrl>) -> Self {
        self.urls.get_or_insert_with(Vec::new).push(url.into());
        self
    }

    /// Replaces the event selection with `events`.
    pub fn events(mut self, events: EventSelection) -> Self {
        self.events = Some(events);
        self
    }

    /// Adds one event to the new event list.
    pub fn event(mut self, event: impl Into<EventType>) -> Self {
        match &mut self.events {
            Some(EventSelection::Only(v)) => v.push(event.into()),
            _ => self.events = Some(EventSelection::Only(vec![event.into()])),
        }
        self
    }

    /// Selects every event.
    pub fn all_events(mut self) -> Self {
        self.events = Some(EventSelection::All);
        self
    }

    /// Changes the display name or title.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets a provider-specific field by wire name.
    pub fn provider_field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.provider_fields.insert(key.into(), value.into());
        self
    }

    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.urls.is_none() && self.events.is_none() && self.name.is_none() && self.provider_fields.is_empty()
    }

    /// The single new URL of a single-URL provider: `None` when the URLs do not change, an error
    /// when the update names none or several.
    pub fn single_url(&self) -> Result<Option<&DeliveryUrl>, InvalidInput> {
        match self.urls.as_deref() {
            None => Ok(None),
            Some([one]) => Ok(Some(one)),
            Some([]) => Err(InvalidInput::new("url", "an update that changes the URL needs one URL")),
            Some(_) => Err(InvalidInput::new("url", "this provider takes exactly one delivery URL")),
        }
    }

    /// Refuses an update that changes nothing (nothing to send).
    pub fn require_change(&self) -> Result<(), InvalidInput> {
        if self.is_empty() {
            return Err(InvalidInput::new(
                "update",
                "nothing to change: set a URL, events, a name or a provider field",
            ));
        }
        Ok(())
    }
}

impl From<&EndpointSpec> for EndpointUpdate {
    /// Every field of the spec: URLs, events, and the name and provider fields when set.
    fn from(spec: &EndpointSpec) -> Self {
        Self {
            urls: Some(spec.urls.clone()),
            events: Some(spec.events.clone()),
            name: spec.name.clone(),
            provider_fields: spec.provider_fields.clone(),
        }
    }
}

impl From<EndpointSpec> for EndpointUpdate {
    fn from(spec: EndpointSpec) -> Self {
        Self::from(&spec)
    }
}

/// Narrows a unified listing ([`crate::Webhook::list_filtered`]) by provider-specific filters,
/// under their wire names (BLAZE: `shopId`). A provider refuses a filter it does not document
/// rather than ignore it.
///
/// ```
/// use hookbridge_core::ListFilter;
///
/// let by_shop = ListFilter::new().provider_field("shopId", "5c8f9e2ab1d4e70012ab34ce");
/// assert!(!by_shop.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListFilter {
    /// Provider-specific filters, by wire name.
    pub provider_fields: Map<String, Value>,
}

impl ListFilter {
    /// No filter: every endpoint.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a provider-specific filter by wire name.
    pub fn provider_field(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.provider_fields.insert(key.into(), value.into());
        self
    }

    /// Whether the filter is empty (lists everything).
    pub fn is_empty(&self) -> bool {
        self.provider_fields.is_empty()
    }
}

/// An idempotency key: 1–255 printable ASCII characters (`0x20`–`0x7e`), as Bitnob documents —
/// spaces included, also leading and trailing ones. The key is sent as given; note that HTTP
/// parsers drop whitespace around a header value, so a server sees ` k ` and `k` as the same key.
///
/// A create that carries one may be retried safely: the provider returns the cached response.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Longest accepted key.
    pub const MAX_LEN: usize = 255;

    /// Validates a caller's key.
    pub fn new(key: impl Into<String>) -> Result<Self, InvalidInput> {
        let key = key.into();
        if key.is_empty() || key.len() > Self::MAX_LEN {
            return Err(InvalidInput::new(
                "idempotency_key",
                format!("must be 1 to {} characters, got {}", Self::MAX_LEN, key.len()),
            ));
        }
        if let Some(pos) = key.bytes().position(|b| !(0x20..=0x7e).contains(&b)) {
            return Err(InvalidInput::new("idempotency_key", format!("must be printable ASCII (byte {pos} is not)")));
        }
        Ok(Self(key))
    }

    /// A fresh random key (`hb-` + 32 hex digits from the OS random source).
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        // The OS random source failing is not recoverable in any useful way; fall back to time
        // and a counter so a key is still unique per process.
        if getrandom::fill(&mut bytes).is_err() {
            use std::sync::atomic::{AtomicU64, Ordering};
            static COUNTER: AtomicU64 = AtomicU64::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or_default();
            bytes[..8].copy_from_slice(&nanos.to_le_bytes());
            bytes[8..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
        }
        Self(format!("hb-{}", hex::encode(bytes)))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_validated() {
        assert!(EndpointId::new("abc-123").is_ok());
        assert!(EndpointId::new("").is_err());
        assert!(EndpointId::new("..").is_err());
        assert!(EndpointId::new("a b").is_err());
        assert!(EndpointId::new("a\nb").is_err());
        assert!(EndpointId::new("x".repeat(MAX_ID_LEN + 1)).is_err());
    }

    #[test]
    fn an_endpoint_checks_its_provider_and_its_single_url() {
        let acme = ProviderId::new("acme");
        let mut endpoint = Endpoint::new(acme, EndpointId::from_provider("e1"));
        assert_eq!(endpoint.expect_provider(acme), Ok(()));
        let other = endpoint.expect_provider(ProviderId::new("other")).err();
        assert_eq!(other.as_ref().map(|e| e.field), Some("provider"));
        assert_eq!(other.map(|e| e.reason), Some("expected a other endpoint, got acme".to_owned()));
        assert_eq!(endpoint.single_url().err().map(|e| e.field), Some("url"), "no URL");
        endpoint.urls.push("https://example.com/a".to_owned());
        assert_eq!(endpoint.single_url().map(String::as_str), Ok("https://example.com/a"));
        endpoint.urls.push("https://example.com/b".to_owned());
        assert_eq!(endpoint.single_url().err().map(|e| e.field), Some("url"), "two URLs");
    }

    #[test]
    fn idempotency_keys_are_validated() {
        assert!(IdempotencyKey::new("k").is_ok());
        assert!(IdempotencyKey::new("a".repeat(255)).is_ok());
        assert!(IdempotencyKey::new("a".repeat(256)).is_err());
        assert!(IdempotencyKey::new("").is_err());
        assert!(IdempotencyKey::new("caf\u{e9}").is_err());
        assert!(IdempotencyKey::new("a\tb").is_err());
        for spaced in [" a", "a ", " a b ", " "] {
            assert_eq!(IdempotencyKey::new(spaced).map(|k| k.as_str().to_owned()), Ok(spaced.to_owned()));
        }
        assert!(IdempotencyKey::new("a\u{7f}").is_err());
        let g = IdempotencyKey::generate();
        assert_eq!(g.as_str().len(), 35);
        assert_ne!(g, IdempotencyKey::generate());
        assert!(IdempotencyKey::new(g.as_str()).is_ok());
    }

    #[test]
    fn delivery_urls_keep_the_callers_string() {
        for raw in ["https://x.com", "HTTPS://X.COM:443/a/../b?q=1", "http://127.0.0.1:8080"] {
            let url = DeliveryUrl::new(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(url.as_str(), raw);
            assert_eq!(url.to_string(), raw);
            assert_eq!(serde_json::to_value(&url).ok(), Some(Value::String(raw.to_owned())));
        }
        for bad in ["", "x.com", " https://x.com", "https://x.com\n", "mailto:a@b.c", "https://"] {
            assert!(DeliveryUrl::new(bad).is_err(), "{bad:?}");
        }
        let from_url = DeliveryUrl::from(Url::parse("https://x.com").unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(from_url.as_str(), "https://x.com/", "a Url is taken as serialised");
    }
}
