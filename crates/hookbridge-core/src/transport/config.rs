//! [`ClientConfig`], the connection settings of a client, and the redirect policy.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::DEFAULT_MAX_RESPONSE_BYTES;
use crate::error::{InvalidInput, RedirectReason, Result};
use crate::intercept::Interceptor;
use crate::retry::RetryPolicy;

/// Connection settings shared by every provider client.
///
/// ```
/// use std::time::Duration;
/// use hookbridge_core::{ClientConfig, RetryPolicy};
///
/// let config = ClientConfig::new("https://api.example.com/api/v1/")?
///     .timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::default().max_attempts(5));
/// assert_eq!(config.base_url().as_str(), "https://api.example.com/api/v1/");
/// # Ok::<(), hookbridge_core::InvalidInput>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ClientConfig {
    pub(super) base_url: Url,
    /// Time limit for one attempt (connect, send, and read the whole body).
    pub timeout: Duration,
    /// Time limit for establishing a connection.
    pub connect_timeout: Duration,
    /// Time limit for a whole operation, retries and waits included.
    pub overall_timeout: Option<Duration>,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Largest response body read; larger success bodies are a decode error.
    pub max_response_bytes: usize,
    /// A prebuilt `reqwest::Client` to share connection pools with the rest of an application.
    /// Build it with `.redirect(`[`redirect_policy`]`())`: hookbridge never follows redirects.
    /// See [`ClientConfig::http_client`] for what such a client does not get from this config.
    pub http_client: Option<reqwest::Client>,
    /// Per-attempt middleware, run in this order (see [`crate::intercept`]).
    pub interceptors: Vec<Arc<dyn Interceptor>>,
}

impl ClientConfig {
    /// Settings for a base URL (`http` or `https`, no query or fragment).
    pub fn new(base_url: &str) -> Result<Self, InvalidInput> {
        let url = Url::parse(base_url)
            .map_err(|e| InvalidInput::new("base_url", format!("`{base_url}` is not a URL: {e}")))?;
        Self::from_url(url)
    }

    /// Settings for an already parsed base URL.
    pub fn from_url(mut base_url: Url) -> Result<Self, InvalidInput> {
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(InvalidInput::new(
                "base_url",
                format!("scheme must be http or https, got `{}`", base_url.scheme()),
            ));
        }
        if base_url.cannot_be_a_base() || base_url.host().is_none() {
            return Err(InvalidInput::new("base_url", "must be an absolute URL with a host"));
        }
        if base_url.query().is_some() || base_url.fragment().is_some() {
            return Err(InvalidInput::new("base_url", "must not have a query or fragment"));
        }
        if !base_url.username().is_empty() || base_url.password().is_some() {
            return Err(InvalidInput::new("base_url", "must not embed credentials"));
        }
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        Ok(Self {
            base_url,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            overall_timeout: Some(Duration::from_secs(120)),
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            http_client: None,
            interceptors: Vec::new(),
        })
    }

    /// The base URL (always ending in `/`).
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, t: Duration) -> Self {
        self.connect_timeout = t;
        self
    }

    /// Sets the overall timeout (`None`: no overall limit).
    pub fn overall_timeout(mut self, t: Option<Duration>) -> Self {
        self.overall_timeout = t;
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the response-size cap.
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = n;
        self
    }

    /// Uses a prebuilt `reqwest::Client`, to share its connection pool.
    ///
    /// Still applied to every request: [`timeout`](Self::timeout) (per attempt),
    /// [`overall_timeout`](Self::overall_timeout), the retry policy, the response-size cap, the
    /// `User-Agent` header and the interceptors. **Not** applied, because they are fixed when a
    /// `reqwest::Client` is built: [`connect_timeout`](Self::connect_timeout) (set
    /// `.connect_timeout(..)` on your builder, or a dead host waits for the per-attempt timeout),
    /// the redirect policy (build with `.redirect(`[`redirect_policy`]`())`; a redirect it
    /// follows anyway is refused) and the TLS backend chosen by this crate's features. The
    /// client's own timeouts apply in addition to these.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Adds per-attempt middleware (see [`crate::intercept`]); interceptors run in the order
    /// they were added.
    pub fn interceptor(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.interceptors.push(interceptor);
        self
    }
}

/// The redirect policy of every `reqwest::Client` hookbridge builds: follow nothing. A 3xx answer
/// becomes [`Error::Redirect`] (see the [module docs](self)).
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::none()
}

/// Why a redirect from `from` to the `Location` value `location` is not followed.
///
/// ```
/// use hookbridge_core::RedirectReason;
/// use hookbridge_core::transport::classify_redirect;
///
/// let from = "https://api.example.com/v1/webhooks".parse()?;
/// assert_eq!(classify_redirect(&from, Some("https://evil.example/")).0, RedirectReason::CrossOrigin);
/// assert_eq!(classify_redirect(&from, Some("http://api.example.com/v1/")).0, RedirectReason::InsecureDowngrade);
/// assert_eq!(classify_redirect(&from, Some("/v2/webhooks?token=x")).0, RedirectReason::SameOrigin);
/// // The location is reported without its query.
/// assert_eq!(classify_redirect(&from, Some("/v2/webhooks?token=x")).1.as_deref(), Some("https://api.example.com/v2/webhooks"));
/// # Ok::<(), url::ParseError>(())
/// ```
pub fn classify_redirect(from: &Url, location: Option<&str>) -> (RedirectReason, Option<String>) {
    let Some(target) = location.and_then(|l| from.join(l).ok()) else {
        return (RedirectReason::NoLocation, None);
    };
    let reason = if from.scheme() == "https" && target.scheme() == "http" {
        RedirectReason::InsecureDowngrade
    } else if target.origin() != from.origin() {
        RedirectReason::CrossOrigin
    } else {
        RedirectReason::SameOrigin
    };
    (reason, Some(location_for_display(&target)))
}

/// `scheme://host[:port]/path` of a URL: no user info, query or fragment (they may hold tokens).
fn location_for_display(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}
