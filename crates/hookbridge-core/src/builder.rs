//! One builder shape for every provider client: base URL, timeouts, retry policy, transport
//! options and credentials, then [`ClientBuilder::build`].
//!
//! Each provider crate exposes it as `XClient::builder()`; the credential type is the one its
//! `with_config` constructor takes (a [`Secret`](crate::Secret) for most, a key pair for
//! BLAZE, a `BitnobAuth` for Bitnob). [`client_handle!`](crate::client_handle) declares it,
//! together with the client's `new`, `http()` and `base_url()`, in one invocation per client.
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

/// Declares, inside a client's `impl` block, the constructors and accessors every hookbridge client
/// has (inherent methods: there is no trait to import):
///
/// | method | what it is |
/// |---|---|
/// | `new(base_url: &str, credentials)` with `base_url: required`, `new(credentials)` with `base_url: default` | the client with default settings: `with_config(ClientConfig::new(base URL)?, credentials.into())` |
/// | `builder()` | the [`ClientBuilder`] for the provider's id, its default base URL (if any) and `with_config` |
/// | `http()` | the client's [`HttpClient`](crate::HttpClient) (base URL, provider, retries, timeouts) |
/// | `base_url()` | the base URL requests are resolved against |
///
/// The macro takes the provider's id, the credentials type `K` and the base-URL policy:
/// `default` for a provider that documents its host (the client declares it as an associated
/// constant `DEFAULT_BASE_URL: &str`), `required` for one that documents none. It needs from the
/// client a field `http: HttpClient` and the constructor
/// `with_config(config: ClientConfig, credentials: K) -> Result<Self>`, where the provider's own
/// checks and authentication live. `new` accepts anything `Into<K>`.
///
/// Every method gets its doc comment; doc comments written in `new: { … }` or `builder: { … }` are
/// appended to those of `new` / `builder` as a paragraph of their own, for what a provider has to
/// add (why its host is required, an example).
///
/// ```
/// use std::sync::Arc;
/// use hookbridge_core::auth::Bearer;
/// use hookbridge_core::builder::ClientBuilder;
/// use hookbridge_core::reexports::url::Url;
/// use hookbridge_core::{ClientConfig, HttpClient, ProviderId, Result, Secret};
///
/// pub const ACME: ProviderId = ProviderId::new("acme");
/// pub const ZENITH: ProviderId = ProviderId::new("zenith");
///
/// /// A provider that documents its host.
/// #[derive(Debug)]
/// pub struct AcmeClient {
///     http: HttpClient,
/// }
///
/// impl AcmeClient {
///     /// Acme's documented API root.
///     pub const DEFAULT_BASE_URL: &str = "https://api.acme.example/v1/";
///
///     hookbridge_core::client_handle! {
///         provider: ACME, credentials: Secret, base_url: default,
///         builder: {
///             /// Test and live keys share the host.
///         },
///     }
///
///     /// A client with explicit settings; refuses an empty key.
///     pub fn with_config(config: ClientConfig, key: Secret) -> Result<Self> {
///         Ok(Self { http: HttpClient::new(ACME, config, Arc::new(Bearer::new(&key)?))? })
///     }
/// }
///
/// /// A provider that documents no host.
/// #[derive(Debug)]
/// pub struct ZenithClient {
///     http: HttpClient,
/// }
///
/// impl ZenithClient {
///     hookbridge_core::client_handle! {
///         provider: ZENITH, credentials: Secret, base_url: required,
///         new: {
///             /// Zenith publishes no host: pass the one your account shows.
///         },
///     }
///
///     /// A client with explicit settings; refuses an empty key.
///     pub fn with_config(config: ClientConfig, key: Secret) -> Result<Self> {
///         Ok(Self { http: HttpClient::new(ZENITH, config, Arc::new(Bearer::new(&key)?))? })
///     }
/// }
///
/// // The declared signatures…
/// let _: fn(Secret) -> Result<AcmeClient> = AcmeClient::new;
/// let _: fn(&str, Secret) -> Result<ZenithClient> = ZenithClient::new;
/// let _: fn() -> ClientBuilder<AcmeClient, Secret> = AcmeClient::builder;
/// let _: fn() -> ClientBuilder<ZenithClient, Secret> = ZenithClient::builder;
/// let _: fn(&AcmeClient) -> &HttpClient = AcmeClient::http;
/// let _: fn(&ZenithClient) -> &Url = ZenithClient::base_url;
///
/// // …and what they do.
/// let acme = AcmeClient::new(Secret::new("k"))?;
/// assert_eq!(acme.base_url().as_str(), AcmeClient::DEFAULT_BASE_URL);
/// assert_eq!(acme.http().provider(), ACME);
/// let built = AcmeClient::builder().base_url("https://eu.acme.example/v1").credentials(Secret::new("k")).build()?;
/// assert_eq!(built.base_url().as_str(), "https://eu.acme.example/v1/");
/// assert!(AcmeClient::new(Secret::new("")).unwrap_err().is_invalid_input()); // refused by `with_config`
///
/// let zenith = ZenithClient::new("https://api.zenith.example", "k")?; // anything `Into<Secret>`
/// assert_eq!(zenith.base_url().as_str(), "https://api.zenith.example/");
/// assert_eq!(zenith.http().provider(), ZENITH);
/// assert!(ZenithClient::new("ftp://api.zenith.example", Secret::new("k")).unwrap_err().is_invalid_input());
/// assert!(ZenithClient::builder().credentials(Secret::new("k")).build().unwrap_err().is_invalid_input());
/// # Ok::<(), hookbridge_core::Error>(())
/// ```
#[macro_export]
macro_rules! client_handle {
    (
        provider: $provider:expr,
        credentials: $credentials:ty,
        base_url: $policy:ident
        $(, new: { $(#[$new_meta:meta])* })?
        $(, builder: { $(#[$builder_meta:meta])* })?
        $(,)?
    ) => {
        $crate::client_handle!(@new $policy, $credentials, [$($(#[$new_meta])*)?]);
        $crate::client_handle!(@builder $policy, $provider, $credentials, [$($(#[$builder_meta])*)?]);

        /// The transport requests go through: base URL, provider, retry policy and timeouts.
        pub fn http(&self) -> &$crate::HttpClient {
            &self.http
        }

        /// The base URL requests are resolved against.
        pub fn base_url(&self) -> &$crate::reexports::url::Url {
            self.http.base_url()
        }
    };

    (@new required, $credentials:ty, [$($meta:tt)*]) => {
        /// A client for `base_url` (everything before the API's paths; `http` or `https`, a missing
        /// trailing `/` is added) with default settings: [`with_config`](Self::with_config) with
        /// `ClientConfig::new(base_url)`. [`builder`](Self::builder) sets timeouts, retries and
        /// transport options.
        ///
        /// Fails with [`InvalidInput`](hookbridge_core::Error::InvalidInput) for a malformed base
        /// URL or credentials the client refuses; the error never quotes the credentials.
        #[doc = ""]
        $($meta)*
        pub fn new(base_url: &str, credentials: impl ::core::convert::Into<$credentials>) -> $crate::Result<Self> {
            Self::with_config($crate::ClientConfig::new(base_url)?, credentials.into())
        }
    };
    (@new default, $credentials:ty, [$($meta:tt)*]) => {
        /// A client for [`DEFAULT_BASE_URL`](Self::DEFAULT_BASE_URL) with default settings:
        /// [`with_config`](Self::with_config) with `ClientConfig::new(Self::DEFAULT_BASE_URL)`.
        /// [`builder`](Self::builder) sets another base URL, timeouts, retries and transport
        /// options.
        ///
        /// Fails with [`InvalidInput`](hookbridge_core::Error::InvalidInput) for credentials the
        /// client refuses; the error never quotes them.
        #[doc = ""]
        $($meta)*
        pub fn new(credentials: impl ::core::convert::Into<$credentials>) -> $crate::Result<Self> {
            Self::with_config($crate::ClientConfig::new(Self::DEFAULT_BASE_URL)?, credentials.into())
        }
    };

    (@builder required, $provider:expr, $credentials:ty, [$($meta:tt)*]) => {
        #[doc = concat!(
            "The builder every hookbridge client has: the base URL (required: the provider documents ",
            "no host), timeouts, retry policy, transport options, and the credentials ([`",
            stringify!($credentials),
            "`]). [`build`](hookbridge_core::builder::ClientBuilder::build) refuses a missing base URL ",
            "or missing credentials with `InvalidInput`.",
        )]
        #[doc = ""]
        $($meta)*
        pub fn builder() -> $crate::builder::ClientBuilder<Self, $credentials> {
            $crate::builder::ClientBuilder::new($provider, ::core::option::Option::None, Self::with_config)
        }
    };
    (@builder default, $provider:expr, $credentials:ty, [$($meta:tt)*]) => {
        #[doc = concat!(
            "The builder every hookbridge client has: the base URL ([`DEFAULT_BASE_URL`](Self::DEFAULT_BASE_URL) ",
            "unless set), timeouts, retry policy, transport options, and the credentials ([`",
            stringify!($credentials),
            "`]). [`build`](hookbridge_core::builder::ClientBuilder::build) refuses missing credentials ",
            "with `InvalidInput`.",
        )]
        #[doc = ""]
        $($meta)*
        pub fn builder() -> $crate::builder::ClientBuilder<Self, $credentials> {
            $crate::builder::ClientBuilder::new(
                $provider,
                ::core::option::Option::Some(Self::DEFAULT_BASE_URL),
                Self::with_config,
            )
        }
    };
    (@new $policy:ident, $($rest:tt)*) => {
        compile_error!(concat!("`base_url: ", stringify!($policy), "`: expected `base_url: required` or `base_url: default`"));
    };
    (@builder $($rest:tt)*) => {};
}
