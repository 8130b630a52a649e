//! Provider descriptors: what a provider crate tells the rest of hookbridge about itself.
//!
//! Each provider crate exports one [`Descriptor`] (`hookbridge_miex::DESCRIPTOR`, ...): its id
//! and display name, what its webhook API supports, its default API host, the credentials its
//! client needs (with their environment variables), the options its client takes
//! ([`ClientOption`]: a choice among documented values), how to build its client from
//! [`ClientSettings`], its documented event names (with their descriptions) and its
//! [`Dialect`]: its webhook object and create request as JSON, converted to and from the unified
//! model by its crate's own typed conversions, and the facts a cross-provider conversion needs
//! ([`SpecRules`], [`TimestampFormat`]). The provider registry (`hookbridge-adapters`) lists the
//! descriptors an application was built with; the hubs (the CLI, the adapters) look providers up
//! there instead of naming them, so adding a provider is its crate plus one registry line.
//!
//! ```
//! use hookbridge_core::descriptor::{ClientSettings, Descriptor, SetupError};
//! # use hookbridge_core::descriptor::{ClientSetup, Credential, EventNames, ProviderInfo};
//! # use hookbridge_core::ProviderId;
//! # #[derive(Debug)]
//! # struct Acme;
//! # static INFO: ProviderInfo = ProviderInfo::new(ProviderId::new("acme"), "Acme", "an example")
//! #     .credentials(&[Credential::secret("ACME_API_KEY", "acme-api-key", "Acme API key").overridden_by("api-key")]);
//! # impl Descriptor for Acme {
//! #     fn info(&self) -> &ProviderInfo { &INFO }
//! #     fn events(&self) -> EventNames { EventNames::open([]) }
//! #     fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
//! #         settings.require(self, "ACME_API_KEY")?;
//! #         unreachable!()
//! #     }
//! # }
//! # let descriptor = Acme;
//! // Whatever the provider: settings in, a `dyn Webhook` out (or a typed reason why not).
//! let settings = ClientSettings::new().base_url("https://api.acme.example/");
//! match descriptor.client(&settings) {
//!     Err(SetupError::MissingCredential { env, .. }) => assert_eq!(env, "ACME_API_KEY"),
//!     other => panic!("{other:?}"),
//! }
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::Timestamp;
use crate::capability::Capabilities;
use crate::error::{Error, InvalidInput};
use crate::extension::{DeliveryLog, EventCatalogue, Extensions, PublishedKey};
use crate::model::{Endpoint, EndpointSpec, EventType};
use crate::page::PageLimits;
use crate::provider::ProviderId;
use crate::secret::Secret;
use crate::transport::ClientConfig;
use crate::webhook::Webhook;

/// One credential a provider's client needs, named by its environment variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credential {
    /// The environment variable holding it (also its name in [`ClientSettings`]): `MIEX_API_KEY`.
    pub env: &'static str,
    /// A command-line flag for it, without `--`: `miex-api-key`.
    pub flag: &'static str,
    /// The value's placeholder in help texts: `KEY`, `ID`, `TOKEN`.
    pub value_name: &'static str,
    /// One line of help (no final period).
    pub help: &'static str,
    /// Whether the value is a secret (never shown; help advises the environment variable).
    pub secret: bool,
    /// The generic flag that stands for it when given (`api-key`, `developer-key`, `client-id`,
    /// `secret-key`), shared by every provider's equivalent credential.
    pub overridden_by: Option<&'static str>,
}

impl Credential {
    /// A secret credential.
    #[must_use]
    pub const fn secret(env: &'static str, flag: &'static str, help: &'static str) -> Self {
        Self { env, flag, value_name: "KEY", help, secret: true, overridden_by: None }
    }

    /// A credential that is not a secret (an account or client id).
    #[must_use]
    pub const fn public(env: &'static str, flag: &'static str, help: &'static str) -> Self {
        Self { env, flag, value_name: "ID", help, secret: false, overridden_by: None }
    }

    /// The same with another value placeholder.
    #[must_use]
    pub const fn value_name(mut self, name: &'static str) -> Self {
        self.value_name = name;
        self
    }

    /// The same, standing in for the generic flag `flag` (without `--`).
    #[must_use]
    pub const fn overridden_by(mut self, flag: &'static str) -> Self {
        self.overridden_by = Some(flag);
        self
    }
}

/// One option a provider's client accepts besides its credentials: a choice among documented
/// values (for example Bitnob's request-signing variant), set with [`ClientSettings::option`].
///
/// Declared in `const` context in the provider's [`ProviderInfo`]; the CLI makes one flag of each,
/// with its values and default in `--help`, and [`ClientSettings::option_value`] refuses a value
/// the declaration does not list.
///
/// ```
/// use hookbridge_core::descriptor::ClientOption;
///
/// const MODE: ClientOption = ClientOption::new("mode", "How Acme talks", &[("fast", "one request"), ("safe", "two")])
///     .value_name("MODE")
///     .default_value("safe");
/// assert_eq!(MODE.flag, "mode");
/// assert!(MODE.allows("fast") && !MODE.allows("FAST"));
/// assert_eq!(MODE.value_names().collect::<Vec<_>>(), ["fast", "safe"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientOption {
    /// Its key in [`ClientSettings::option`]: `signing-scheme`.
    pub name: &'static str,
    /// A command-line flag for it, without `--` (default: the name).
    pub flag: &'static str,
    /// The value's placeholder in help texts (default `VALUE`).
    pub value_name: &'static str,
    /// One line of help (no final period).
    pub help: &'static str,
    /// The values it takes, each with one line of help: `(value, help)`.
    pub values: &'static [(&'static str, &'static str)],
    /// The value the client uses when none is set, if there is one.
    pub default: Option<&'static str>,
}

impl ClientOption {
    /// An option named `name` (also its flag) taking one of `values` (`(value, help)` pairs), with
    /// no default.
    #[must_use]
    pub const fn new(name: &'static str, help: &'static str, values: &'static [(&'static str, &'static str)]) -> Self {
        Self { name, flag: name, value_name: "VALUE", help, values, default: None }
    }

    /// The same with another command-line flag (without `--`).
    #[must_use]
    pub const fn flag(mut self, flag: &'static str) -> Self {
        self.flag = flag;
        self
    }

    /// The same with another value placeholder.
    #[must_use]
    pub const fn value_name(mut self, name: &'static str) -> Self {
        self.value_name = name;
        self
    }

    /// The same with `value` as the default (one of the values).
    #[must_use]
    pub const fn default_value(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }

    /// The values it takes, in declaration order.
    pub fn value_names(&self) -> impl Iterator<Item = &'static str> + use<> {
        self.values.iter().map(|(value, _)| *value)
    }

    /// Whether `value` is one of its values (exactly: values are case-sensitive).
    #[must_use]
    pub fn allows(&self, value: &str) -> bool {
        self.value_names().any(|v| v == value)
    }

    /// `value` if it is one of its values, else [`SetupError::InvalidOption`] for `provider`.
    ///
    /// # Errors
    /// A value the option does not list.
    pub fn check<'v>(&self, provider: ProviderId, value: &'v str) -> Result<&'v str, SetupError> {
        if self.allows(value) {
            Ok(value)
        } else {
            Err(SetupError::InvalidOption {
                provider,
                option: self.name,
                value: value.to_owned(),
                allowed: self.value_names().collect(),
            })
        }
    }
}

/// A provider's documented event names, with what the documentation says about them.
///
/// ```
/// use hookbridge_core::descriptor::EventNames;
///
/// let names = EventNames::closed(["purchase.paid", "payout.failed"])
///     .describe([("purchase.paid", "A Purchase was paid for.")]);
/// assert_eq!(names.description("purchase.paid"), Some("A Purchase was paid for."));
/// assert_eq!(names.category("payout.failed"), Some("payout"));
/// let infos = names.infos();
/// assert_eq!(infos[0].description.as_deref(), Some("A Purchase was paid for."));
/// assert_eq!(infos[1].description, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventNames {
    /// The names the documentation lists.
    pub documented: Vec<&'static str>,
    /// Whether the provider may send others (an open catalogue: served at run time, or not
    /// documented as closed).
    pub open: bool,
    /// What triggers an event, where documented: `(name, description)`.
    pub descriptions: Vec<(&'static str, &'static str)>,
    /// Whether a dotted name's first part is the event's group (`purchase.paid` → `purchase`).
    /// `true` unless the provider documents its groups otherwise.
    pub grouped_by_prefix: bool,
}

impl EventNames {
    /// A closed catalogue: exactly these names.
    #[must_use]
    pub fn closed(documented: impl IntoIterator<Item = &'static str>) -> Self {
        Self {
            documented: documented.into_iter().collect(),
            open: false,
            descriptions: Vec::new(),
            grouped_by_prefix: true,
        }
    }

    /// An open catalogue: these names and possibly others.
    #[must_use]
    pub fn open(documented: impl IntoIterator<Item = &'static str>) -> Self {
        Self {
            documented: documented.into_iter().collect(),
            open: true,
            descriptions: Vec::new(),
            grouped_by_prefix: true,
        }
    }

    /// The same with these `(name, description)` pairs added.
    #[must_use]
    pub fn describe(mut self, descriptions: impl IntoIterator<Item = (&'static str, &'static str)>) -> Self {
        self.descriptions.extend(descriptions);
        self
    }

    /// The same, saying whether a dotted name's first part is the event's group.
    #[must_use]
    pub fn grouped_by_prefix(mut self, grouped: bool) -> Self {
        self.grouped_by_prefix = grouped;
        self
    }

    /// The documented description of `name`, if any.
    #[must_use]
    pub fn description(&self, name: &str) -> Option<&'static str> {
        self.descriptions.iter().find(|(n, _)| *n == name).map(|(_, d)| *d)
    }

    /// The group of `name`: its first dotted part when [`EventNames::grouped_by_prefix`], else
    /// `None` (also for undotted names such as `NEW_MEMBER`).
    #[must_use]
    pub fn category<'a>(&self, name: &'a str) -> Option<&'a str> {
        if !self.grouped_by_prefix {
            return None;
        }
        name.split_once('.').map(|(head, _)| head).filter(|h| !h.is_empty())
    }

    /// Every documented name with its group and description, in documentation order.
    #[must_use]
    pub fn infos(&self) -> Vec<EventInfo> {
        self.documented
            .iter()
            .map(|name| EventInfo {
                name: EventType::new(*name),
                category: self.category(name).map(str::to_owned),
                label: None,
                description: self.description(name).map(str::to_owned),
            })
            .collect()
    }
}

/// One event type as a provider describes it: from its documentation ([`EventNames::infos`]) or
/// from its own event-type endpoint at run time (a provider crate converts its typed answer into
/// these, for an event catalogue to load).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventInfo {
    /// The wire name.
    pub name: EventType,
    /// The group the event belongs to, where known (`purchase`, `wallet`).
    pub category: Option<String>,
    /// A human-readable label, where the provider gives one.
    pub label: Option<String>,
    /// What triggers the event, where documented.
    pub description: Option<String>,
}

impl EventInfo {
    /// An event with only its name.
    #[must_use]
    pub fn new(name: impl Into<EventType>) -> Self {
        Self { name: name.into(), category: None, label: None, description: None }
    }

    /// Sets the group.
    #[must_use]
    pub fn category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// Sets the label.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// How to reach a provider's API: base URL, credentials (by environment-variable name), paging
/// limits, provider options, and how the transport is configured beyond that
/// ([`configure`](Self::configure): retries, timeouts, a shared HTTP client, interceptors).
/// Secrets stay [`Secret`]s; `Debug` never shows them.
#[derive(Clone, Debug, Default)]
pub struct ClientSettings {
    base_url: Option<String>,
    credentials: BTreeMap<&'static str, Secret>,
    page_limits: Option<PageLimits>,
    allow_insecure_urls: bool,
    options: BTreeMap<&'static str, String>,
    configure: Option<ConfigureClient>,
}

/// A caller's adjustment of every [`ClientConfig`] built from a [`ClientSettings`].
#[derive(Clone)]
struct ConfigureClient(std::sync::Arc<dyn Fn(ClientConfig) -> ClientConfig + Send + Sync>);

impl fmt::Debug for ConfigureClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConfigureClient(..)")
    }
}

impl ClientSettings {
    /// No base URL (the provider's default), no credentials.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Settings with every credential of `descriptor` read from its environment variable (unset
    /// or empty variables are skipped).
    #[must_use]
    pub fn from_env(descriptor: &dyn Descriptor) -> Self {
        descriptor.credentials().iter().fold(Self::new(), |settings, credential| match std::env::var(credential.env) {
            Ok(value) => settings.credential(credential.env, Secret::new(value)),
            Err(_) => settings,
        })
    }

    /// The API base URL (required for providers that document no host).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the credential named by its environment variable `env` (an empty value unsets it).
    #[must_use]
    pub fn credential(mut self, env: &'static str, value: Secret) -> Self {
        if value.is_empty() {
            self.credentials.remove(env);
        } else {
            self.credentials.insert(env, value);
        }
        self
    }

    /// Limits for listing (default [`PageLimits::default`]).
    #[must_use]
    pub fn page_limits(mut self, limits: PageLimits) -> Self {
        self.page_limits = Some(limits);
        self
    }

    /// Accept `http://` delivery URLs where a client refuses them by default, for local testing.
    #[must_use]
    pub fn allow_insecure_urls(mut self, allow: bool) -> Self {
        self.allow_insecure_urls = allow;
        self
    }

    /// Sets a provider option (for example Bitnob's `signing-scheme`): one of the
    /// [`ClientOption`]s its descriptor declares ([`Descriptor::options`]). The value is checked
    /// when the client is built ([`ClientSettings::option_value`]).
    #[must_use]
    pub fn option(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.options.insert(name, value.into());
        self
    }

    /// Adjusts the transport of the client built from these settings — a retry policy, a
    /// timeout, a shared `reqwest::Client`, an interceptor — applied to the [`ClientConfig`] the
    /// descriptor builds ([`client_config`](Self::client_config)).
    ///
    /// ```
    /// use std::time::Duration;
    /// use hookbridge_core::RetryPolicy;
    /// use hookbridge_core::descriptor::ClientSettings;
    ///
    /// let settings = ClientSettings::new()
    ///     .base_url("https://api.example.com/v1")
    ///     .configure(|config| config.retry(RetryPolicy::none()).timeout(Duration::from_secs(10)));
    /// # let _ = settings;
    /// ```
    #[must_use]
    pub fn configure(mut self, f: impl Fn(ClientConfig) -> ClientConfig + Send + Sync + 'static) -> Self {
        self.configure = Some(ConfigureClient(std::sync::Arc::new(f)));
        self
    }

    /// The transport configuration of `descriptor`'s client: its base URL
    /// ([`base_url_or_default`](Self::base_url_or_default)), adjusted by
    /// [`configure`](Self::configure). What a descriptor's [`client`](Descriptor::client) starts
    /// from.
    ///
    /// # Errors
    /// [`SetupError::MissingBaseUrl`], or an invalid base URL.
    pub fn client_config(&self, descriptor: &dyn Descriptor) -> Result<ClientConfig, SetupError> {
        let config = ClientConfig::new(self.base_url_or_default(descriptor)?)?;
        Ok(match &self.configure {
            Some(ConfigureClient(f)) => f(config),
            None => config,
        })
    }

    /// The credential named `env`, if set.
    #[must_use]
    pub fn get(&self, env: &str) -> Option<&Secret> {
        self.credentials.get(env)
    }

    /// The client `build` makes from [`client_config`](Self::client_config) and the one
    /// credential `env` ([`require`](Self::require)) — what most providers' [`Descriptor::client`]
    /// does, for example `settings.client_with(self, "ACME_API_KEY", AcmeClient::with_config)`.
    ///
    /// # Errors
    /// [`SetupError::MissingBaseUrl`] or [`SetupError::MissingCredential`], or what `build`
    /// refuses.
    pub fn client_with<C>(
        &self,
        descriptor: &dyn Descriptor,
        env: &'static str,
        build: impl FnOnce(ClientConfig, Secret) -> crate::Result<C>,
    ) -> Result<C, SetupError> {
        let config = self.client_config(descriptor)?;
        Ok(build(config, self.require(descriptor, env)?)?)
    }

    /// The credential named `env`, or [`SetupError::MissingCredential`] for `descriptor`.
    ///
    /// # Errors
    /// When it is not set.
    pub fn require(&self, descriptor: &dyn Descriptor, env: &'static str) -> Result<Secret, SetupError> {
        self.get(env).cloned().ok_or(SetupError::MissingCredential { provider: descriptor.id(), env })
    }

    /// The base URL: the one set, else the provider's default, else
    /// [`SetupError::MissingBaseUrl`].
    ///
    /// # Errors
    /// When neither is known.
    pub fn base_url_or_default(&self, descriptor: &dyn Descriptor) -> Result<&str, SetupError> {
        match (&self.base_url, descriptor.default_base_url()) {
            (Some(url), _) => Ok(url),
            (None, Some(default)) => Ok(default),
            (None, None) => Err(SetupError::MissingBaseUrl { provider: descriptor.id() }),
        }
    }

    /// The listing limits.
    #[must_use]
    pub fn limits(&self) -> PageLimits {
        self.page_limits.unwrap_or_default()
    }

    /// Whether insecure delivery URLs are allowed.
    #[must_use]
    pub fn insecure_urls_allowed(&self) -> bool {
        self.allow_insecure_urls
    }

    /// The provider option `name`, if set.
    #[must_use]
    pub fn get_option(&self, name: &str) -> Option<&str> {
        self.options.get(name).map(String::as_str)
    }

    /// The value of `descriptor`'s option `name` ([`Descriptor::options`]): the one set, checked
    /// against the values the option declares, else its declared default (`None` when it has none).
    ///
    /// # Errors
    /// [`SetupError::InvalidOption`] for a value the option does not list;
    /// [`SetupError::Invalid`] when `descriptor` declares no option `name`.
    pub fn option_value(&self, descriptor: &dyn Descriptor, name: &str) -> Result<Option<&str>, SetupError> {
        let Some(option) = descriptor.options().iter().find(|o| o.name == name) else {
            return Err(InvalidInput::new("options", format!("{} declares no option `{name}`", descriptor.id())).into());
        };
        match self.get_option(name) {
            Some(value) => option.check(descriptor.id(), value).map(Some),
            None => Ok(option.default),
        }
    }

    /// Checks every option `descriptor` declares that is set here against its values. Options it
    /// does not declare are ignored: one `ClientSettings` may serve several providers.
    ///
    /// # Errors
    /// [`SetupError::InvalidOption`] for the first value an option does not list.
    pub fn check_options(&self, descriptor: &dyn Descriptor) -> Result<(), SetupError> {
        for option in descriptor.options() {
            if let Some(value) = self.get_option(option.name) {
                option.check(descriptor.id(), value)?;
            }
        }
        Ok(())
    }
}

/// A client built from [`ClientSettings`], with any notes worth telling the user (for example
/// that an older authentication scheme was chosen).
#[derive(Debug)]
#[non_exhaustive]
pub struct ClientSetup {
    /// The client, as the unified trait object.
    pub client: Box<dyn Webhook>,
    /// Notes for the user, one line each.
    pub notes: Vec<String>,
    /// The provider's delivery log, where it has one ([`Extensions::delivery_log`]).
    pub delivery_log: Option<Box<dyn DeliveryLog>>,
    /// The provider's event catalogue, where its API serves one.
    pub event_catalogue: Option<Box<dyn EventCatalogue>>,
    /// The provider's published delivery-verification key, where it publishes one.
    pub published_key: Option<Box<dyn PublishedKey>>,
}

impl ClientSetup {
    /// A client without notes or extensions.
    #[must_use]
    pub fn new(client: Box<dyn Webhook>) -> Self {
        Self { client, notes: Vec::new(), delivery_log: None, event_catalogue: None, published_key: None }
    }

    /// With a delivery log.
    #[must_use]
    pub fn delivery_log(mut self, log: Box<dyn DeliveryLog>) -> Self {
        self.delivery_log = Some(log);
        self
    }

    /// With an event catalogue.
    #[must_use]
    pub fn event_catalogue(mut self, catalogue: Box<dyn EventCatalogue>) -> Self {
        self.event_catalogue = Some(catalogue);
        self
    }

    /// With a published key.
    #[must_use]
    pub fn published_key(mut self, key: Box<dyn PublishedKey>) -> Self {
        self.published_key = Some(key);
        self
    }

    /// The same with a note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// Why a client could not be built from [`ClientSettings`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// A credential the client needs is not set.
    #[error("no {provider} credentials: set {env}")]
    MissingCredential {
        /// The provider.
        provider: ProviderId,
        /// The credential's environment variable.
        env: &'static str,
    },
    /// The provider documents no API host and no base URL was given.
    #[error("{provider} documents no API host: a base URL is required")]
    MissingBaseUrl {
        /// The provider.
        provider: ProviderId,
    },
    /// An option was set to a value it does not take.
    #[error("{provider} option {option}: `{value}` is not one of {}", allowed.join(", "))]
    InvalidOption {
        /// The provider.
        provider: ProviderId,
        /// The option ([`ClientOption::name`]).
        option: &'static str,
        /// The value given.
        value: String,
        /// The values it takes, in declaration order.
        allowed: Vec<&'static str>,
    },
    /// A setting is invalid or incomplete (the message says which and why).
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The client refused its configuration.
    #[error(transparent)]
    Client(#[from] Error),
}

/// The fixed facts of a provider, declared once as a `static` in its crate and read by
/// [`Descriptor`]'s provided methods through [`Descriptor::info`].
///
/// ```
/// use hookbridge_core::descriptor::{ClientOption, Credential, ProviderInfo};
/// use hookbridge_core::{Capabilities, Operation, ProviderId};
///
/// static INFO: ProviderInfo = ProviderInfo::new(ProviderId::new("acme"), "Acme", "an example")
///     .capabilities(Capabilities::NONE.with(Operation::Create))
///     .default_base_url("https://api.acme.example/")
///     .credentials(&[Credential::secret("ACME_API_KEY", "acme-api-key", "Acme API key")])
///     .options(&[ClientOption::new("acme-region", "Acme's region", &[("eu", "Europe"), ("us", "America")])]);
/// assert_eq!(INFO.credentials[0].env, "ACME_API_KEY");
/// assert_eq!(INFO.options[0].default, None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderInfo {
    /// The provider's id ([`Descriptor::id`]).
    pub id: ProviderId,
    /// Its name for people ([`Descriptor::display_name`]).
    pub display_name: &'static str,
    /// One line about it ([`Descriptor::summary`]).
    pub summary: &'static str,
    /// What its webhook API supports ([`Descriptor::capabilities`]); default none.
    pub capabilities: Capabilities,
    /// Its documented API base URL ([`Descriptor::default_base_url`]); default `None` (the
    /// provider documents no host: a base URL is required).
    pub default_base_url: Option<&'static str>,
    /// The credentials its client takes ([`Descriptor::credentials`]); default none.
    pub credentials: &'static [Credential],
    /// The extensions its client setup hands out ([`Descriptor::extensions`]); default none.
    pub extensions: Extensions,
    /// The options its client takes ([`Descriptor::options`]); default none.
    pub options: &'static [ClientOption],
}

impl ProviderInfo {
    /// A provider's id, name and one-line summary; no capabilities, base URL, credentials or
    /// options yet.
    #[must_use]
    pub const fn new(id: ProviderId, display_name: &'static str, summary: &'static str) -> Self {
        Self {
            id,
            display_name,
            summary,
            capabilities: Capabilities::NONE,
            default_base_url: None,
            credentials: &[],
            extensions: Extensions::NONE,
            options: &[],
        }
    }

    /// With these capabilities.
    #[must_use]
    pub const fn capabilities(mut self, capabilities: Capabilities) -> Self {
        self.capabilities = capabilities;
        self
    }

    /// With a documented API base URL.
    #[must_use]
    pub const fn default_base_url(mut self, url: &'static str) -> Self {
        self.default_base_url = Some(url);
        self
    }

    /// With these credentials.
    #[must_use]
    pub const fn credentials(mut self, credentials: &'static [Credential]) -> Self {
        self.credentials = credentials;
        self
    }

    /// With these extensions.
    #[must_use]
    pub const fn extensions(mut self, extensions: Extensions) -> Self {
        self.extensions = extensions;
        self
    }

    /// With these client options.
    #[must_use]
    pub const fn options(mut self, options: &'static [ClientOption]) -> Self {
        self.options = options;
        self
    }
}

/// What a provider crate tells the rest of hookbridge about itself. Object safe: the registry
/// holds `&'static dyn Descriptor`. See the [module documentation](self).
///
/// Its fixed facts are one [`ProviderInfo`] ([`info`](Self::info)); the provided methods read
/// them. A provider implements `info`, [`events`](Self::events), [`client`](Self::client) and,
/// when it has one, [`dialect`](Self::dialect).
pub trait Descriptor: Send + Sync + fmt::Debug {
    /// The provider's fixed facts.
    fn info(&self) -> &ProviderInfo;

    /// The provider's id.
    fn id(&self) -> ProviderId {
        self.info().id
    }

    /// The provider's name for people (`CHIP Collect`).
    fn display_name(&self) -> &'static str {
        self.info().display_name
    }

    /// One line saying what the provider is and which dialect its API speaks.
    fn summary(&self) -> &'static str {
        self.info().summary
    }

    /// What its webhook API supports through the unified [`Webhook`] trait.
    fn capabilities(&self) -> Capabilities {
        self.info().capabilities
    }

    /// The documented API base URL, if the provider documents one.
    fn default_base_url(&self) -> Option<&'static str> {
        self.info().default_base_url
    }

    /// The credentials its client takes (see [`ClientSettings::credential`]).
    fn credentials(&self) -> &'static [Credential] {
        self.info().credentials
    }

    /// The extensions its [`client`](Self::client) setup hands out (known without credentials).
    fn extensions(&self) -> Extensions {
        self.info().extensions
    }

    /// The options its client takes (see [`ClientSettings::option`]); none by default.
    fn options(&self) -> &'static [ClientOption] {
        self.info().options
    }

    /// Its documented event names.
    fn events(&self) -> EventNames;

    /// Builds its client from `settings`.
    ///
    /// # Errors
    /// A missing credential or base URL, or settings the client refuses.
    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError>;

    /// Its [`Dialect`]: how its webhook objects and create requests look, so that conversions
    /// (provider ⇄ unified, one provider's spec to another's) need not name it. `None` (the
    /// default) for a provider whose crate has no such conversions yet: the hubs then refuse to
    /// convert to or from it with a typed error.
    fn dialect(&self) -> Option<&dyn Dialect> {
        None
    }
}

/// Declares a provider crate's descriptor: the `pub static DESCRIPTOR`, its unit type (with the
/// doc comments written before `pub struct`) and the `impl Descriptor` whose
/// [`info`](Descriptor::info) is the given [`ProviderInfo`] (kept in a `static`). With `dialect;`
/// after the facts, [`dialect`](Descriptor::dialect) is the type itself (it then implements
/// [`Dialect`]). The remaining items (`events`, `client`, overrides) go into the
/// `impl Descriptor` as written.
///
/// Written once here, so a provider crate states only what is its own.
///
/// ```
/// use hookbridge_core::descriptor::{
///     ClientSettings, ClientSetup, Credential, Descriptor, EventNames, ProviderInfo, SetupError,
/// };
/// use hookbridge_core::ProviderId;
///
/// hookbridge_core::descriptor! {
///     /// Acme, an example provider.
///     pub struct Acme = ProviderInfo::new(ProviderId::new("acme"), "Acme", "an example")
///         .credentials(&[Credential::secret("ACME_API_KEY", "acme-api-key", "Acme API key")]);
///
///     fn events(&self) -> EventNames {
///         EventNames::open([])
///     }
///
///     fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
///         settings.require(self, "ACME_API_KEY")?;
///         Err(SetupError::MissingBaseUrl { provider: self.id() })
///     }
/// }
///
/// assert_eq!(DESCRIPTOR.id().as_str(), "acme");
/// assert_eq!(DESCRIPTOR.credentials()[0].env, "ACME_API_KEY");
/// assert!(DESCRIPTOR.dialect().is_none());
/// ```
#[macro_export]
macro_rules! descriptor {
    (
        $(#[$meta:meta])*
        pub struct $name:ident = $info:expr;
        dialect;
        $($items:tt)*
    ) => {
        $crate::descriptor! {
            $(#[$meta])*
            pub struct $name = $info;

            fn dialect(&self) -> ::core::option::Option<&dyn $crate::descriptor::Dialect> {
                ::core::option::Option::Some(self)
            }

            $($items)*
        }
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident = $info:expr;
        $($items:tt)*
    ) => {
        /// The provider's descriptor (register it in the provider registry).
        pub static DESCRIPTOR: $name = $name;

        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default)]
        #[non_exhaustive]
        pub struct $name;

        impl $crate::descriptor::Descriptor for $name {
            fn info(&self) -> &$crate::descriptor::ProviderInfo {
                static INFO: $crate::descriptor::ProviderInfo = $info;
                &INFO
            }

            $($items)*
        }
    };
}

/// How a provider's webhook API speaks: its webhook object and create request as JSON (its own
/// field names, through its crate's typed conversions), and the facts a cross-provider
/// conversion needs about its create request. Object safe; reached through
/// [`Descriptor::dialect`].
///
/// Round trips are exact: for a JSON object `wire` of the provider,
/// `endpoint_from_unified(&endpoint_to_unified(wire, secret)?)` gives `wire` and `secret` back,
/// and for a valid create request `request_from_spec(&request_to_spec(wire)?)` gives `wire` back.
///
/// ```
/// use hookbridge_core::descriptor::{NameField, SpecRules};
///
/// // A provider whose create request takes an optional name and needs at least one event.
/// const RULES: SpecRules = SpecRules::new().name(NameField::Optional).requires_event();
/// assert!(RULES.requires_event && RULES.fields.is_empty());
/// ```
pub trait Dialect: Send + Sync + fmt::Debug {
    /// What its create request takes, beyond what [`Descriptor::capabilities`] says (several URLs,
    /// an event selection, "all events").
    fn spec_rules(&self) -> SpecRules;

    /// The wire format of the timestamps in its webhook objects (`None`: it reports none).
    fn timestamp_format(&self) -> Option<TimestampFormat>;

    /// Its webhook object (as JSON, its field names) → the unified [`Endpoint`]. `secret` is the
    /// secret kept next to the object (a [`Secret`] is never part of the JSON); given, it replaces
    /// one the JSON carries.
    ///
    /// # Errors
    /// JSON that is not its webhook object, an object the unified model cannot hold (for
    /// example one without an id), or a secret for a provider whose objects carry none.
    fn endpoint_to_unified(&self, wire: &Value, secret: Option<&Secret>) -> Result<Endpoint, InvalidInput>;

    /// The unified [`Endpoint`] → its webhook object, refusing what the object cannot hold.
    ///
    /// # Errors
    /// An endpoint of another provider, or one the object cannot hold.
    fn endpoint_from_unified(&self, endpoint: &Endpoint) -> Result<WireEndpoint, InvalidInput>;

    /// The create request (the JSON body its client sends) for a unified spec: its crate's
    /// `TryFrom<&EndpointSpec>`, which refuses (never drops) what it cannot take.
    ///
    /// # Errors
    /// What the request cannot take.
    fn request_from_spec(&self, spec: &EndpointSpec) -> Result<Value, InvalidInput>;

    /// The unified spec a create request stands for (the inverse of
    /// [`Dialect::request_from_spec`] for valid requests).
    ///
    /// # Errors
    /// JSON that is not its create request, or one the unified model cannot hold.
    fn request_to_spec(&self, wire: &Value) -> Result<EndpointSpec, InvalidInput>;

    /// The checks its client runs on a create request before sending it. `allow_insecure_urls`
    /// accepts `http` delivery URLs where the client refuses them by default.
    ///
    /// # Errors
    /// JSON that is not its create request, or what the client would refuse.
    fn validate_request(&self, wire: &Value, allow_insecure_urls: bool) -> Result<(), InvalidInput>;
}

/// A [`Dialect`] stated by its types: the provider's webhook object and create request, converted
/// to and from the unified model by its crate's own `From` / `TryFrom` impls. Implementing it
/// implements [`Dialect`]: the JSON glue (decode, encode, the secret kept apart from the JSON)
/// is written once here, so a provider crate states only its types, its rules and its checks.
///
/// The conversions it relies on, which every provider crate has:
/// `Endpoint: TryFrom<Object>` (or `From`), `Written: TryFrom<&Endpoint>`,
/// `Request: TryFrom<&EndpointSpec>`, `EndpointSpec: TryFrom<&Request>` (or `From`), each
/// refusing with an [`InvalidInput`].
///
/// ```
/// use hookbridge_core::descriptor::{Dialect, SpecRules, TimestampFormat, TypedDialect};
/// use hookbridge_core::{DeliveryUrl, Endpoint, EndpointId, EndpointSpec, InvalidInput, ProviderId, Secret};
/// use serde::{Deserialize, Serialize};
/// use serde_json::json;
///
/// const ACME: ProviderId = ProviderId::new("acme");
///
/// #[derive(Serialize, Deserialize)]
/// struct Hook { id: String, url: String, #[serde(skip)] secret: Option<Secret> }
/// #[derive(Serialize, Deserialize)]
/// struct CreateHook { url: DeliveryUrl }
///
/// impl From<Hook> for Endpoint {
///     fn from(h: Hook) -> Self {
///         let mut e = Endpoint::new(ACME, EndpointId::from_provider(h.id));
///         e.urls = vec![h.url];
///         e.set_secret(h.secret);
///         e
///     }
/// }
/// impl TryFrom<&Endpoint> for Hook {
///     type Error = InvalidInput;
///     fn try_from(e: &Endpoint) -> Result<Self, InvalidInput> {
///         Ok(Hook { id: e.id.as_str().to_owned(), url: e.single_url()?.clone(), secret: e.secret.clone() })
///     }
/// }
/// impl TryFrom<&EndpointSpec> for CreateHook {
///     type Error = InvalidInput;
///     fn try_from(spec: &EndpointSpec) -> Result<Self, InvalidInput> {
///         Ok(CreateHook { url: spec.urls.first().cloned().ok_or_else(|| InvalidInput::new("urls", "one URL"))? })
///     }
/// }
/// impl From<&CreateHook> for EndpointSpec {
///     fn from(c: &CreateHook) -> Self {
///         EndpointSpec::new(c.url.clone())
///     }
/// }
///
/// #[derive(Debug)]
/// struct Acme;
///
/// impl TypedDialect for Acme {
///     type Object = Hook;
///     type Written = Hook;
///     type Request = CreateHook;
///
///     fn spec_rules(&self) -> SpecRules {
///         SpecRules::new()
///     }
///     fn timestamp_format(&self) -> Option<TimestampFormat> {
///         None
///     }
///     fn secret_slot(hook: &mut Hook) -> Option<&mut Option<Secret>> {
///         Some(&mut hook.secret)
///     }
///     fn check(&self, request: &CreateHook, allow_insecure_urls: bool) -> Result<(), InvalidInput> {
///         match request.url.url().scheme() {
///             "https" => Ok(()),
///             "http" if allow_insecure_urls => Ok(()),
///             _ => Err(InvalidInput::new("url", "https only")),
///         }
///     }
/// }
///
/// let dialect: &dyn Dialect = &Acme;
/// let wire = json!({"id": "h1", "url": "https://app.example/hook"});
/// let endpoint = dialect.endpoint_to_unified(&wire, Some(&Secret::new("whsec_1")))?;
/// assert_eq!(endpoint.has_secret, Some(true));
/// let back = dialect.endpoint_from_unified(&endpoint)?;
/// assert_eq!(back.json, wire); // the secret is kept apart, never in the JSON
/// assert_eq!(back.secret.map(|s| s.expose().to_owned()).as_deref(), Some("whsec_1"));
/// assert!(dialect.validate_request(&json!({"url": "http://app.example/hook"}), false).is_err());
/// # Ok::<(), InvalidInput>(())
/// ```
pub trait TypedDialect: Send + Sync + fmt::Debug {
    /// The webhook object as it comes in (a create response may carry the secret revealed with
    /// it).
    type Object: serde::de::DeserializeOwned;
    /// The webhook object written back from a unified endpoint (usually [`Self::Object`]).
    type Written: serde::Serialize + for<'a> TryFrom<&'a Endpoint, Error = InvalidInput>;
    /// The create request (the JSON body its client sends).
    type Request: serde::Serialize
        + serde::de::DeserializeOwned
        + for<'a> TryFrom<&'a EndpointSpec, Error = InvalidInput>;

    /// See [`Dialect::spec_rules`].
    fn spec_rules(&self) -> SpecRules;

    /// See [`Dialect::timestamp_format`].
    fn timestamp_format(&self) -> Option<TimestampFormat>;

    /// Where an object keeps the secret the provider revealed with it: a secret kept apart is put
    /// there when the object is read. `None` (the default) for objects that never carry one: a
    /// secret given with such an object is refused (and `Written::try_from` refuses an endpoint
    /// with a secret). A written object's secret is the endpoint's, kept apart from the JSON.
    fn secret_slot(object: &mut Self::Object) -> Option<&mut Option<Secret>> {
        let _ = object;
        None
    }

    /// The checks its client runs on a create request before sending it (see
    /// [`Dialect::validate_request`]).
    ///
    /// # Errors
    /// What the client would refuse.
    fn check(&self, request: &Self::Request, allow_insecure_urls: bool) -> Result<(), InvalidInput>;
}

impl<T> Dialect for T
where
    T: TypedDialect,
    Endpoint: TryFrom<T::Object>,
    <Endpoint as TryFrom<T::Object>>::Error: Into<InvalidInput>,
    for<'a> EndpointSpec: TryFrom<&'a T::Request>,
    for<'a> <EndpointSpec as TryFrom<&'a T::Request>>::Error: Into<InvalidInput>,
{
    fn spec_rules(&self) -> SpecRules {
        TypedDialect::spec_rules(self)
    }

    fn timestamp_format(&self) -> Option<TimestampFormat> {
        TypedDialect::timestamp_format(self)
    }

    fn endpoint_to_unified(&self, wire: &Value, secret: Option<&Secret>) -> Result<Endpoint, InvalidInput> {
        let mut object: T::Object = from_wire("webhook", wire)?;
        if let Some(secret) = secret {
            let slot = T::secret_slot(&mut object)
                .ok_or_else(|| InvalidInput::new("secret", "this provider's webhook objects carry no secret"))?;
            *slot = Some(secret.clone());
        }
        Endpoint::try_from(object).map_err(Into::into)
    }

    fn endpoint_from_unified(&self, endpoint: &Endpoint) -> Result<WireEndpoint, InvalidInput> {
        // `Written::try_from` refuses a secret its objects cannot carry, so the endpoint's
        // secret, when there is one, is the object's.
        let written = T::Written::try_from(endpoint)?;
        Ok(WireEndpoint::new(to_wire("webhook", &written)?).secret(endpoint.secret.clone()))
    }

    fn request_from_spec(&self, spec: &EndpointSpec) -> Result<Value, InvalidInput> {
        to_wire("request", &T::Request::try_from(spec)?)
    }

    fn request_to_spec(&self, wire: &Value) -> Result<EndpointSpec, InvalidInput> {
        EndpointSpec::try_from(&from_wire::<T::Request>("request", wire)?).map_err(Into::into)
    }

    fn validate_request(&self, wire: &Value, allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        self.check(&from_wire::<T::Request>("request", wire)?, allow_insecure_urls)
    }
}

/// A webhook object in a provider's own dialect: its JSON (field names as on the wire) and the
/// secret that came with it, kept apart because secrets are never serialized.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WireEndpoint {
    /// The object, as the provider's JSON (without any secret).
    pub json: Value,
    /// The secret the provider revealed with it, if any.
    pub secret: Option<Secret>,
}

impl WireEndpoint {
    /// An object without a secret.
    #[must_use]
    pub fn new(json: Value) -> Self {
        Self { json, secret: None }
    }

    /// The same with `secret`.
    #[must_use]
    pub fn secret(mut self, secret: Option<Secret>) -> Self {
        self.secret = secret;
        self
    }
}

/// A create request's name or title field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NameField {
    /// No name field: a name cannot be carried.
    Absent,
    /// An optional name.
    Optional,
    /// A required title of at most `max_chars` characters.
    Required {
        /// The longest title, in characters.
        max_chars: usize,
    },
}

/// What a provider's create request takes, for converting a spec written for one provider into
/// one another accepts without naming either. Several URLs, an event selection and "all events"
/// are [`Capabilities`] (`multiple_urls`, `event_selection`, `all_events`); these are the rest.
///
/// Built in `const` context: `SpecRules::new()` (no name, "all events" sent as such, no event
/// required, no provider fields) and the setters below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpecRules {
    /// Its name or title field.
    pub name: NameField,
    /// Whether "all events" is sent as the current documented list (the request has no flag
    /// for it).
    pub all_events_expanded: bool,
    /// Whether a request needs at least one event.
    pub requires_event: bool,
    /// The provider-field keys a spec may set (`EndpointSpec::provider_fields`). They carry only
    /// between endpoints of the same provider.
    pub fields: &'static [&'static str],
    /// A boolean provider field that, `true`, selects every event whatever the event list says.
    pub all_events_field: Option<&'static str>,
    /// A provider field listing events next to [`SpecRules::all_events_field`] `true` (covered by
    /// "all events" for any other provider).
    pub events_field: Option<&'static str>,
    /// A provider field scoping the endpoint to a part of the account (a shop, a sub-account):
    /// no other provider has a counterpart.
    pub scope_field: Option<&'static str>,
}

impl SpecRules {
    /// No name field, "all events" sent as such, no event required, no provider fields.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            name: NameField::Absent,
            all_events_expanded: false,
            requires_event: false,
            fields: &[],
            all_events_field: None,
            events_field: None,
            scope_field: None,
        }
    }

    /// Sets [`SpecRules::name`].
    #[must_use]
    pub const fn name(mut self, name: NameField) -> Self {
        self.name = name;
        self
    }

    /// Sets [`SpecRules::all_events_expanded`].
    #[must_use]
    pub const fn all_events_expanded(mut self) -> Self {
        self.all_events_expanded = true;
        self
    }

    /// Sets [`SpecRules::requires_event`].
    #[must_use]
    pub const fn requires_event(mut self) -> Self {
        self.requires_event = true;
        self
    }

    /// Sets [`SpecRules::fields`].
    #[must_use]
    pub const fn fields(mut self, fields: &'static [&'static str]) -> Self {
        self.fields = fields;
        self
    }

    /// Sets [`SpecRules::all_events_field`] and [`SpecRules::events_field`].
    #[must_use]
    pub const fn all_events_fields(mut self, flag: &'static str, listed: &'static str) -> Self {
        self.all_events_field = Some(flag);
        self.events_field = Some(listed);
        self
    }

    /// Sets [`SpecRules::scope_field`].
    #[must_use]
    pub const fn scope_field(mut self, field: &'static str) -> Self {
        self.scope_field = Some(field);
        self
    }
}

impl Default for SpecRules {
    fn default() -> Self {
        Self::new()
    }
}

/// A timestamp wire format. Every format maps onto the one unified [`Timestamp`] exactly;
/// encoding is exact when [`TimestampFormat::fits`] (a value that came from that format always
/// fits), and carrying a timestamp to a coarser format truncates ([`TimestampFormat::truncate`]).
///
/// ```
/// use hookbridge_core::descriptor::TimestampFormat;
///
/// let ms = TimestampFormat::EpochMillis;
/// let t = ms.decode(&serde_json::json!(1_700_000_000_123_i64))?;
/// assert_eq!(ms.encode(t), serde_json::json!(1_700_000_000_123_i64));
/// assert!(ms.fits(t) && !TimestampFormat::EpochSeconds.fits(t));
/// assert_eq!(TimestampFormat::EpochSeconds.truncate(t).as_second(), 1_700_000_000);
/// # Ok::<(), hookbridge_core::InvalidInput>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// An RFC 3339 string (nanosecond precision).
    Rfc3339,
    /// Integer milliseconds since the Unix epoch.
    EpochMillis,
    /// Integer seconds since the Unix epoch.
    EpochSeconds,
}

impl TimestampFormat {
    /// Whether `ts` is carried exactly (no sub-unit digits).
    #[must_use]
    pub fn fits(self, ts: Timestamp) -> bool {
        self.truncate(ts) == ts
    }

    /// `ts` cut to the format's precision (towards the past).
    #[must_use]
    pub fn truncate(self, ts: Timestamp) -> Timestamp {
        let unit: i128 = match self {
            TimestampFormat::Rfc3339 => return ts,
            TimestampFormat::EpochMillis => 1_000_000,
            TimestampFormat::EpochSeconds => 1_000_000_000,
        };
        let ns = ts.as_nanosecond();
        Timestamp::from_nanosecond(ns - ns.rem_euclid(unit)).unwrap_or(ts)
    }

    /// The wire value (truncated when the format is coarser than `ts`).
    #[must_use]
    pub fn encode(self, ts: Timestamp) -> Value {
        match self {
            TimestampFormat::Rfc3339 => Value::String(ts.to_string()),
            TimestampFormat::EpochMillis => Value::from(self.truncate(ts).as_millisecond()),
            TimestampFormat::EpochSeconds => Value::from(self.truncate(ts).as_second()),
        }
    }

    /// Reads a wire value.
    ///
    /// # Errors
    /// A value of the wrong JSON type, unparseable or out of range.
    pub fn decode(self, value: &Value) -> Result<Timestamp, InvalidInput> {
        let bad = |why: String| InvalidInput::new("timestamp", why);
        match (self, value) {
            (TimestampFormat::Rfc3339, Value::String(s)) => {
                s.parse().map_err(|e| bad(format!("{s:?} is not an RFC 3339 timestamp: {e}")))
            }
            (TimestampFormat::EpochMillis, Value::Number(n)) => n
                .as_i64()
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .ok_or_else(|| bad(format!("{n} is not epoch milliseconds in range"))),
            (TimestampFormat::EpochSeconds, Value::Number(n)) => n
                .as_i64()
                .and_then(|s| Timestamp::from_second(s).ok())
                .ok_or_else(|| bad(format!("{n} is not epoch seconds in range"))),
            (format, other) => Err(bad(format!("{other} is not a {format:?} timestamp"))),
        }
    }
}

/// Decodes a provider's typed value from its wire JSON, as an [`InvalidInput`] on `field` when it
/// does not decode (for [`Dialect`] implementations).
///
/// # Errors
/// JSON that is not a `T`.
pub fn from_wire<T: serde::de::DeserializeOwned>(field: &'static str, wire: &Value) -> Result<T, InvalidInput> {
    T::deserialize(wire).map_err(|e| InvalidInput::new(field, format!("not the expected JSON object: {e}")))
}

/// Encodes a provider's typed value as its wire JSON (for [`Dialect`] implementations).
///
/// # Errors
/// A value that does not serialize (a map with non-string keys, for example).
pub fn to_wire<T: serde::Serialize>(field: &'static str, value: &T) -> Result<Value, InvalidInput> {
    serde_json::to_value(value).map_err(|e| InvalidInput::new(field, format!("cannot be written as JSON: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Acme;

    static ACME: ProviderInfo = ProviderInfo::new(ProviderId::new("acme"), "Acme", "a test provider")
        .credentials(&[Credential::secret("ACME_TEST_KEY_THAT_IS_NEVER_SET", "acme-key", "key")]);

    impl Descriptor for Acme {
        fn info(&self) -> &ProviderInfo {
            &ACME
        }
        fn events(&self) -> EventNames {
            EventNames::closed(["a.b"])
        }
        fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
            settings.base_url_or_default(self)?;
            settings.require(self, "ACME_TEST_KEY_THAT_IS_NEVER_SET")?;
            Err(InvalidInput::new("acme", "no client in this test").into())
        }
    }

    #[test]
    fn settings_report_what_is_missing_and_hide_secrets() {
        let settings = ClientSettings::from_env(&Acme);
        assert!(matches!(Acme.client(&settings), Err(SetupError::MissingBaseUrl { .. })));
        let settings = settings.base_url("https://acme.example/");
        let err = Acme.client(&settings).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("no acme credentials: set ACME_TEST_KEY_THAT_IS_NEVER_SET")
        );
        let settings = settings.credential("ACME_TEST_KEY_THAT_IS_NEVER_SET", Secret::new("s3cret-value"));
        assert!(matches!(Acme.client(&settings), Err(SetupError::Invalid(_))));
        assert!(!format!("{settings:?}").contains("s3cret-value"));
        let settings = settings.credential("ACME_TEST_KEY_THAT_IS_NEVER_SET", Secret::new(""));
        assert!(settings.get("ACME_TEST_KEY_THAT_IS_NEVER_SET").is_none(), "an empty value unsets");
        assert!(Acme.dialect().is_none(), "no dialect unless the provider declares one");
    }

    #[test]
    fn client_config_starts_from_the_base_url_and_applies_the_callers_adjustment() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        let calls = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&calls);
        let settings = ClientSettings::new().configure(move |config| {
            counted.fetch_add(1, Ordering::SeqCst);
            config.retry(crate::RetryPolicy::none())
        });
        assert!(matches!(settings.client_config(&Acme), Err(SetupError::MissingBaseUrl { .. })));
        assert_eq!(calls.load(Ordering::SeqCst), 0, "not applied without a configuration");
        let settings = settings.base_url("https://acme.example/v1/");
        let config = settings.client_config(&Acme).map_err(|e| e.to_string());
        assert_eq!(config.map(|c| c.base_url().as_str().to_owned()), Ok("https://acme.example/v1/".to_owned()));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(format!("{settings:?}").contains("ConfigureClient(..)"));
    }

    #[test]
    fn the_provided_methods_read_the_info() {
        let acme: &dyn Descriptor = &Acme;
        assert_eq!(acme.id(), ProviderId::new("acme"));
        assert_eq!((acme.display_name(), acme.summary()), ("Acme", "a test provider"));
        assert_eq!(acme.capabilities(), Capabilities::NONE);
        assert_eq!(acme.default_base_url(), None);
        assert_eq!(acme.credentials().len(), 1);
        assert_eq!(acme.credentials()[0].env, "ACME_TEST_KEY_THAT_IS_NEVER_SET");
        let full = ProviderInfo::new(ProviderId::new("full"), "Full", "every field")
            .capabilities(Capabilities::NONE.with(crate::Operation::List))
            .default_base_url("https://api.full.example/");
        assert!(full.capabilities.list && !full.capabilities.create);
        assert_eq!(full.default_base_url, Some("https://api.full.example/"));
        assert!(full.credentials.is_empty() && full.options.is_empty());
    }

    #[derive(Debug)]
    struct Optioned;

    static SCHEME: ClientOption =
        ClientOption::new("scheme", "Which scheme", &[("hex", "hex digest"), ("b64", "base64")])
            .value_name("VARIANT")
            .default_value("hex");
    static OPTIONED: ProviderInfo =
        ProviderInfo::new(ProviderId::new("optioned"), "Optioned", "a provider with an option").options(&[SCHEME]);

    impl Descriptor for Optioned {
        fn info(&self) -> &ProviderInfo {
            &OPTIONED
        }
        fn events(&self) -> EventNames {
            EventNames::open([])
        }
        fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
            settings.check_options(self)?;
            Err(InvalidInput::new("optioned", "no client in this test").into())
        }
    }

    #[test]
    fn client_options_are_declared_in_const_context() {
        assert_eq!(
            (SCHEME.name, SCHEME.flag, SCHEME.value_name, SCHEME.help, SCHEME.default),
            ("scheme", "scheme", "VARIANT", "Which scheme", Some("hex"))
        );
        assert_eq!(SCHEME.value_names().collect::<Vec<_>>(), ["hex", "b64"]);
        const PLAIN: ClientOption = ClientOption::new("mode", "m", &[("a", "")]).flag("acme-mode");
        assert_eq!((PLAIN.name, PLAIN.flag, PLAIN.value_name, PLAIN.default), ("mode", "acme-mode", "VALUE", None));
        assert!(Acme.options().is_empty(), "no options unless declared");
        assert_eq!(Optioned.options(), [SCHEME]);
    }

    #[test]
    fn option_values_are_checked_against_the_declaration() {
        let unset = ClientSettings::new();
        assert_eq!(unset.option_value(&Optioned, "scheme").unwrap(), Some("hex"), "the default");
        let set = ClientSettings::new().option("scheme", "b64");
        assert_eq!(set.option_value(&Optioned, "scheme").unwrap(), Some("b64"));
        assert!(set.check_options(&Optioned).is_ok());

        let bad = ClientSettings::new().option("scheme", "HEX");
        let err = bad.option_value(&Optioned, "scheme").unwrap_err();
        let SetupError::InvalidOption { provider, option, value, allowed } = &err else { panic!("{err:?}") };
        assert_eq!((provider.as_str(), *option, value.as_str()), ("optioned", "scheme", "HEX"));
        assert_eq!(allowed, &["hex", "b64"]);
        assert_eq!(err.to_string(), "optioned option scheme: `HEX` is not one of hex, b64");
        assert!(matches!(Optioned.client(&bad), Err(SetupError::InvalidOption { .. })), "client() refuses it");
        assert!(matches!(Optioned.client(&set), Err(SetupError::Invalid(_))), "a good value passes");

        // Options another provider declares are not this one's business...
        let other = ClientSettings::new().option("elsewhere", "anything");
        assert!(other.check_options(&Optioned).is_ok());
        // ...but asking for an option the descriptor does not declare is an error.
        assert!(matches!(other.option_value(&Optioned, "elsewhere"), Err(SetupError::Invalid(_))));
        assert!(matches!(other.option_value(&Acme, "scheme"), Err(SetupError::Invalid(_))));
    }

    #[test]
    fn event_names_describe_and_group_their_events() {
        let names = EventNames::open(["transaction.confirmed", "NEW_MEMBER"])
            .describe([("transaction.confirmed", "an example")])
            .grouped_by_prefix(false);
        assert!(names.open);
        assert_eq!(names.category("transaction.confirmed"), None);
        let infos = names.infos();
        assert_eq!(infos.len(), 2);
        assert_eq!(infos[0].description.as_deref(), Some("an example"));
        assert_eq!((infos[1].category.as_deref(), infos[1].description.as_deref()), (None, None));
        let grouped = EventNames::closed(["order.created", "NEW_MEMBER", ".x"]);
        let categories: Vec<_> = grouped.infos().into_iter().map(|i| i.category).collect();
        assert_eq!(categories, [Some("order".to_owned()), None, None]);
    }

    #[test]
    fn spec_rules_are_built_in_const_context() {
        const RULES: SpecRules = SpecRules::new()
            .name(NameField::Required { max_chars: 100 })
            .requires_event()
            .fields(&["public_key", "all_events", "events"])
            .all_events_fields("all_events", "events");
        assert_eq!(RULES.name, NameField::Required { max_chars: 100 });
        assert_eq!(
            (RULES.all_events_field, RULES.events_field, RULES.scope_field),
            (Some("all_events"), Some("events"), None)
        );
        assert_eq!((RULES.requires_event, RULES.all_events_expanded), (true, false));
        assert_eq!(SpecRules::default(), SpecRules::new());
    }

    #[test]
    fn wire_helpers_report_what_does_not_decode() {
        let err = from_wire::<Vec<u8>>("webhook", &serde_json::json!({"a": 1})).err();
        assert_eq!(err.map(|e| e.field), Some("webhook"));
        assert_eq!(to_wire("x", &vec![1, 2]).ok(), Some(serde_json::json!([1, 2])));
    }
}
