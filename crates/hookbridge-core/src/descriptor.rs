//! Provider descriptors: what a provider crate tells the rest of hookbridge about itself.
//!
//! Each provider crate exports one [`Descriptor`] (`hookbridge_miex::DESCRIPTOR`, ...): its id
//! and display name, what its webhook API supports, its default API host, the credentials its
//! client needs (with their environment variables), how to build its client from
//! [`ClientSettings`], and its documented event names. The provider registry
//! (`hookbridge-adapters`) lists the descriptors an application was built with; the hubs (the
//! CLI, the adapters) look providers up there instead of naming them, so adding a provider is its
//! crate plus one registry line.
//!
//! ```
//! use hookbridge_core::descriptor::{ClientSettings, Descriptor, SetupError};
//! # use hookbridge_core::descriptor::{ClientSetup, Credential, EventNames};
//! # use hookbridge_core::{Capabilities, ProviderId};
//! # #[derive(Debug)]
//! # struct Acme;
//! # impl Descriptor for Acme {
//! #     fn id(&self) -> ProviderId { ProviderId::new("acme") }
//! #     fn display_name(&self) -> &'static str { "Acme" }
//! #     fn summary(&self) -> &'static str { "an example" }
//! #     fn capabilities(&self) -> Capabilities { Capabilities::NONE }
//! #     fn default_base_url(&self) -> Option<&'static str> { None }
//! #     fn credentials(&self) -> &'static [Credential] {
//! #         const CREDENTIALS: &[Credential] =
//! #             &[Credential::secret("ACME_API_KEY", "acme-api-key", "Acme API key").overridden_by("api-key")];
//! #         CREDENTIALS
//! #     }
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

use crate::capability::Capabilities;
use crate::error::{Error, InvalidInput};
use crate::page::PageLimits;
use crate::provider::ProviderId;
use crate::secret::Secret;
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

/// A provider's documented event names.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventNames {
    /// The names the documentation lists.
    pub documented: Vec<&'static str>,
    /// Whether the provider may send others (an open catalogue: served at run time, or not
    /// documented as closed).
    pub open: bool,
}

impl EventNames {
    /// A closed catalogue: exactly these names.
    #[must_use]
    pub fn closed(documented: impl IntoIterator<Item = &'static str>) -> Self {
        Self { documented: documented.into_iter().collect(), open: false }
    }

    /// An open catalogue: these names and possibly others.
    #[must_use]
    pub fn open(documented: impl IntoIterator<Item = &'static str>) -> Self {
        Self { documented: documented.into_iter().collect(), open: true }
    }
}

/// How to reach a provider's API: base URL, credentials (by environment-variable name), paging
/// limits and provider options. Secrets stay [`Secret`]s; `Debug` never shows them.
#[derive(Clone, Debug, Default)]
pub struct ClientSettings {
    base_url: Option<String>,
    credentials: BTreeMap<&'static str, Secret>,
    page_limits: Option<PageLimits>,
    allow_insecure_urls: bool,
    options: BTreeMap<&'static str, String>,
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

    /// A provider option (for example Bitnob's `signing-scheme`); see the provider's crate.
    #[must_use]
    pub fn option(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.options.insert(name, value.into());
        self
    }

    /// The credential named `env`, if set.
    #[must_use]
    pub fn get(&self, env: &str) -> Option<&Secret> {
        self.credentials.get(env)
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
}

impl ClientSetup {
    /// A client without notes.
    #[must_use]
    pub fn new(client: Box<dyn Webhook>) -> Self {
        Self { client, notes: Vec::new() }
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
    /// A setting is invalid or incomplete (the message says which and why).
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The client refused its configuration.
    #[error(transparent)]
    Client(#[from] Error),
}

/// What a provider crate tells the rest of hookbridge about itself. Object safe: the registry
/// holds `&'static dyn Descriptor`. See the [module documentation](self).
pub trait Descriptor: Send + Sync + fmt::Debug {
    /// The provider's id.
    fn id(&self) -> ProviderId;

    /// The provider's name for people (`CHIP Collect`).
    fn display_name(&self) -> &'static str;

    /// One line saying what the provider is and which dialect its API speaks.
    fn summary(&self) -> &'static str;

    /// What its webhook API supports through the unified [`Webhook`] trait.
    fn capabilities(&self) -> Capabilities;

    /// The documented API base URL, if the provider documents one.
    fn default_base_url(&self) -> Option<&'static str>;

    /// The credentials its client takes (see [`ClientSettings::credential`]).
    fn credentials(&self) -> &'static [Credential];

    /// Its documented event names.
    fn events(&self) -> EventNames;

    /// Builds its client from `settings`.
    ///
    /// # Errors
    /// A missing credential or base URL, or settings the client refuses.
    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Acme;

    impl Descriptor for Acme {
        fn id(&self) -> ProviderId {
            ProviderId::new("acme")
        }
        fn display_name(&self) -> &'static str {
            "Acme"
        }
        fn summary(&self) -> &'static str {
            "a test provider"
        }
        fn capabilities(&self) -> Capabilities {
            Capabilities::NONE
        }
        fn default_base_url(&self) -> Option<&'static str> {
            None
        }
        fn credentials(&self) -> &'static [Credential] {
            const CREDENTIALS: &[Credential] =
                &[Credential::secret("ACME_TEST_KEY_THAT_IS_NEVER_SET", "acme-key", "key")];
            CREDENTIALS
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
    }
}
