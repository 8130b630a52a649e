//! One builder shape for every provider client: base URL, timeouts, retry policy, transport
//! options and credentials, then [`ClientBuilder::build`].
//!
//! Each provider crate exposes it as `XClient::builder()`; the credential type is the one its
//! `with_config` constructor takes (a [`Secret`](crate::Secret) for most, a key pair for
//! BLAZE, a `BitnobAuth` for Bitnob). The existing constructors keep working.
//!
//! ```
//! use std::time::Duration;
//! use hookbridge_core::{ClientConfig, HttpClient, ProviderId, RetryPolicy, Secret};
//! use hookbridge_core::builder::ClientBuilder;
//!
//! // What a provider crate writes (here with a stand-in client type):
//! #[derive(Debug)]
//! struct MyClient(ClientConfig);
//! fn with_config(config: ClientConfig, _key: Secret) -> hookbridge_core::Result<MyClient> {
//!     Ok(MyClient(config))
//! }
//! let builder = ClientBuilder::new(hookbridge_core::ProviderId::new("acme"), Some("https://api.example.com/v1/"), with_config);
//!
//! let client = builder
//!     .timeout(Duration::from_secs(5))
//!     .retry(RetryPolicy::none())
//!     .credentials(Secret::new("sk_test"))
//!     .build()?;
//! assert_eq!(client.0.timeout, Duration::from_secs(5));
//! assert_eq!(client.0.base_url().as_str(), "https://api.example.com/v1/");
//! # Ok::<(), hookbridge_core::Error>(())
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{InvalidInput, Result};
use crate::intercept::Interceptor;
use crate::provider::ProviderId;
use crate::retry::RetryPolicy;
use crate::transport::ClientConfig;

/// Builds a provider client of type `T` from credentials of type `K`.
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<T, K> {
    provider: ProviderId,
    default_base_url: Option<&'static str>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    overall_timeout: Option<Option<Duration>>,
    retry: Option<RetryPolicy>,
    max_response_bytes: Option<usize>,
    http_client: Option<reqwest::Client>,
    interceptors: Vec<Arc<dyn Interceptor>>,
    credentials: Option<K>,
    build: fn(ClientConfig, K) -> Result<T>,
}

impl<T, K> fmt::Debug for ClientBuilder<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials are never printed, not even redacted: only whether they are set.
        f.debug_struct("ClientBuilder")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url.as_deref().or(self.default_base_url))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .field("retry", &self.retry)
            .field("interceptors", &self.interceptors.len())
            .field("credentials_set", &self.credentials.is_some())
            .finish_non_exhaustive()
    }
}

impl<T, K> ClientBuilder<T, K> {
    /// A builder for `provider`'s client: `default_base_url` is used unless
    /// [`base_url`](Self::base_url) is called (`None`: the provider has no public default and
    /// the base URL is required); `build` is the client's `with_config` constructor.
    pub fn new(
        provider: ProviderId,
        default_base_url: Option<&'static str>,
        build: fn(ClientConfig, K) -> Result<T>,
    ) -> Self {
        Self {
            provider,
            default_base_url,
            base_url: None,
            timeout: None,
            connect_timeout: None,
            overall_timeout: None,
            retry: None,
            max_response_bytes: None,
            http_client: None,
            interceptors: Vec::new(),
            credentials: None,
            build,
        }
    }

    /// The API base URL (`http` or `https`; a missing trailing `/` is added).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Time limit for one attempt ([`ClientConfig::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time limit for connecting ([`ClientConfig::connect_timeout`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time limit for a whole operation, retries included (`None`: no limit).
    pub fn overall_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.overall_timeout = Some(timeout);
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The largest response body read ([`ClientConfig::max_response_bytes`]).
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = Some(n);
        self
    }

    /// A prebuilt `reqwest::Client` (see [`ClientConfig::http_client`] for what it keeps).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds per-attempt middleware ([`crate::intercept`]).
    pub fn interceptor(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.interceptors.push(interceptor);
        self
    }

    /// The credentials the client authenticates with.
    pub fn credentials(mut self, credentials: K) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Builds the client. Refused ([`crate::Error::InvalidInput`]) without credentials, without
    /// a base URL for a provider that has no default, or with an invalid base URL.
    pub fn build(self) -> Result<T> {
        let base_url = match (self.base_url, self.default_base_url) {
            (Some(url), _) => url,
            (None, Some(default)) => default.to_owned(),
            (None, None) => {
                return Err(InvalidInput::new(
                    "base_url",
                    format!("{} has no default base URL: set one", self.provider),
                )
                .into());
            }
        };
        let credentials = self.credentials.ok_or_else(|| {
            InvalidInput::new("credentials", format!("the {} client needs credentials", self.provider))
        })?;
        let mut config = ClientConfig::new(&base_url)?;
        if let Some(t) = self.timeout {
            config = config.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            config = config.connect_timeout(t);
        }
        if let Some(t) = self.overall_timeout {
            config = config.overall_timeout(t);
        }
        if let Some(retry) = self.retry {
            config = config.retry(retry);
        }
        if let Some(n) = self.max_response_bytes {
            config = config.max_response_bytes(n);
        }
        if let Some(client) = self.http_client {
            config = config.http_client(client);
        }
        config.interceptors.extend(self.interceptors);
        (self.build)(config, credentials)
    }
}

/// Declares a client's `builder()`: the [`ClientBuilder`] every hookbridge client has, for the
/// provider's id, with the provider's default base URL (`None`: it documents no
/// host, so the base URL is required) and the client's `with_config(config, credentials)`.
/// Doc comments written before `builder(provider, credentials type, default base URL)` go on
/// the method. Used inside the client's `impl`
/// block, so the method stays inherent (no trait to import).
///
/// ```
/// use hookbridge_core::{ClientConfig, ProviderId, Result, Secret};
///
/// pub const PROVIDER: ProviderId = ProviderId::new("acme");
///
/// pub struct AcmeClient(ClientConfig);
///
/// impl AcmeClient {
///     pub fn with_config(config: ClientConfig, _key: Secret) -> Result<Self> {
///         Ok(Self(config))
///     }
///
///     hookbridge_core::client_builder! {
///         /// The builder: base URL (required), timeouts, retries, and the API key.
///         builder(PROVIDER, Secret, None)
///     }
/// }
///
/// let client = AcmeClient::builder().base_url("https://api.acme.example/v1").credentials(Secret::new("k")).build();
/// assert!(client.is_ok());
/// ```
#[macro_export]
macro_rules! client_builder {
    ($(#[$meta:meta])* builder($provider:expr, $credentials:ty, $default_base_url:expr $(,)?)) => {
        $(#[$meta])*
        pub fn builder() -> $crate::builder::ClientBuilder<Self, $credentials> {
            $crate::builder::ClientBuilder::new($provider, $default_base_url, Self::with_config)
        }
    };
}
