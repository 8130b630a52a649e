//! [`StripeRequest`]: one Stripe API request as data, and the per-request [`RequestOptions`]
//! (idempotency key, `Stripe-Version`, `Stripe-Account`).
//!
//! A `StripeRequest` carries everything the transport needs and nothing it decides itself: the
//! method, the path segments under the base URL (`v1`, `webhook_endpoints`, an id), the query,
//! the form body, the Stripe headers, and whether repeating it is safe. Authentication
//! (`Authorization: Bearer sk_…`, see [`crate::auth`]), retries, timeouts and decoding belong to
//! `hookbridge-core`'s `HttpClient`, which executes requests built this way.
//!
//! # Idempotency
//!
//! Stripe: "All `POST` requests accept idempotency keys. Don't send idempotency keys in `GET` and
//! `DELETE` requests because it has no effect." A `POST` built here therefore carries an
//! `Idempotency-Key` — the caller's ([`RequestOptions::idempotency_key`]) or one generated when
//! the request is built — which stays the same for every attempt of that request, so a retry
//! after a lost response returns the first result instead of creating a second endpoint. A `POST`
//! built with [`RequestOptions::without_idempotency_key`] carries none and is **not** safe to
//! repeat ([`StripeRequest::retry_safe`] is `false`). `GET` and `DELETE` are safe to repeat and
//! never carry a key.

use hookbridge_core::reexports::http::Method;
use hookbridge_core::reexports::http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use hookbridge_core::transport::IDEMPOTENCY_KEY;
use hookbridge_core::{IdempotencyKey, InvalidInput};
use url::Url;

use crate::form::{FORM_CONTENT_TYPE, Form};
use crate::ids::AccountId;
use crate::model::ApiVersion;

/// The `Stripe-Version` header: the API version a request is made with.
pub const STRIPE_VERSION: HeaderName = HeaderName::from_static("stripe-version");
/// The `Stripe-Account` header: the connected account a request is made on behalf of (Connect).
pub const STRIPE_ACCOUNT: HeaderName = HeaderName::from_static("stripe-account");

/// Where a `POST`'s idempotency key comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Idempotency {
    /// A fresh random key, generated once when the request is built (the default).
    #[default]
    Generate,
    /// The caller's key (to retry an operation across process restarts, for example).
    Key(IdempotencyKey),
    /// No key: the `POST` is sent once and never repeated automatically.
    Omit,
}

/// Per-request options, as Stripe's libraries have them: idempotency, `Stripe-Version`,
/// `Stripe-Account`.
///
/// ```
/// use hookbridge_stripe::{AccountId, ApiVersion, RequestOptions};
///
/// let options = RequestOptions::new()
///     .stripe_version(ApiVersion::new("2024-12-18.acacia")?)
///     .stripe_account(AccountId::new("acct_1032D82eZvKYlo2C")?);
/// # let _ = options;
/// # Ok::<(), hookbridge_core::InvalidInput>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// The idempotency key of a `POST` (ignored for `GET` and `DELETE`).
    pub idempotency: Idempotency,
    /// Sent as `Stripe-Version`; without it Stripe uses the account's default version.
    pub stripe_version: Option<ApiVersion>,
    /// Sent as `Stripe-Account`, to act as that connected account.
    pub stripe_account: Option<AccountId>,
}

impl RequestOptions {
    /// Default options: a generated idempotency key on `POST`, no `Stripe-Version`, no `Stripe-Account`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `key` as the `POST`'s `Idempotency-Key`.
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.idempotency = Idempotency::Key(key);
        self
    }

    /// Sends no `Idempotency-Key`: the `POST` is then never repeated automatically.
    pub fn without_idempotency_key(mut self) -> Self {
        self.idempotency = Idempotency::Omit;
        self
    }

    /// Sends `Stripe-Version: <version>`.
    pub fn stripe_version(mut self, version: ApiVersion) -> Self {
        self.stripe_version = Some(version);
        self
    }

    /// Sends `Stripe-Account: <account>`.
    pub fn stripe_account(mut self, account: AccountId) -> Self {
        self.stripe_account = Some(account);
        self
    }
}

/// One Stripe API request, as data. Built by the operations in [`crate::webhook_endpoints`];
/// executed by the transport.
///
/// `Debug` shows the method, path, query, form pairs and headers: none of them is a credential
/// (the API key is added by the transport's authentication, never stored here).
#[derive(Clone, Debug)]
pub struct StripeRequest {
    method: Method,
    operation: &'static str,
    segments: Vec<String>,
    query: Vec<(&'static str, String)>,
    form: Option<Form>,
    headers: HeaderMap,
    idempotency_key: Option<IdempotencyKey>,
}

impl StripeRequest {
    /// A request for `segments` under the base URL, with the headers `options` ask for. Every
    /// segment after the first two (`v1`, the resource) is an id and is validated again here.
    pub(crate) fn new(
        method: Method,
        operation: &'static str,
        segments: Vec<String>,
        options: &RequestOptions,
    ) -> Result<Self, InvalidInput> {
        for segment in segments.iter().skip(2) {
            crate::ids::validate("id", segment)?;
        }
        let mut headers = HeaderMap::new();
        let idempotency_key = if method == Method::POST {
            match &options.idempotency {
                Idempotency::Generate => Some(IdempotencyKey::generate()),
                Idempotency::Key(key) => Some(key.clone()),
                Idempotency::Omit => None,
            }
        } else {
            None
        };
        if let Some(key) = &idempotency_key {
            headers.insert(IDEMPOTENCY_KEY, header_value("idempotency_key", key.as_str())?);
        }
        if let Some(version) = &options.stripe_version {
            headers.insert(STRIPE_VERSION, header_value("stripe_version", version.as_str())?);
        }
        if let Some(account) = &options.stripe_account {
            crate::ids::validate("stripe_account", account.as_str())?;
            headers.insert(STRIPE_ACCOUNT, header_value("stripe_account", account.as_str())?);
        }
        Ok(Self { method, operation, segments, query: Vec::new(), form: None, headers, idempotency_key })
    }

    pub(crate) fn with_query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }

    pub(crate) fn with_form(mut self, form: Form) -> Self {
        self.headers.insert(CONTENT_TYPE, HeaderValue::from_static(FORM_CONTENT_TYPE));
        self.form = Some(form);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The operation name (`create_webhook_endpoint`, …), for logs and errors.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The path segments under the base URL, unencoded (`["v1", "webhook_endpoints", "we_…"]`).
    pub fn path_segments(&self) -> &[String] {
        &self.segments
    }

    /// The query pairs, in order.
    pub fn query(&self) -> &[(&'static str, String)] {
        &self.query
    }

    /// The form body, if the request has one.
    pub fn form(&self) -> Option<&Form> {
        self.form.as_ref()
    }

    /// The encoded body bytes, if the request has a body.
    pub fn body(&self) -> Option<Vec<u8>> {
        self.form.as_ref().map(Form::to_bytes)
    }

    /// The headers this request adds to the transport's own (`Accept`, `User-Agent`,
    /// `Authorization`): `Content-Type` for a body, `Idempotency-Key`, `Stripe-Version`,
    /// `Stripe-Account`.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The idempotency key this request is sent with (the same on every attempt).
    pub fn idempotency_key(&self) -> Option<&IdempotencyKey> {
        self.idempotency_key.as_ref()
    }

    /// Whether sending this request again is safe: `GET` and `DELETE` always, a `POST` only
    /// with an idempotency key.
    pub fn retry_safe(&self) -> bool {
        match self.method {
            Method::GET | Method::HEAD | Method::DELETE => true,
            _ => self.idempotency_key.is_some(),
        }
    }

    /// The URL this request goes to under `base` (Stripe's is [`crate::DEFAULT_BASE_URL`]): each
    /// segment appended as one percent-encoded path segment, then the query — the resolution the
    /// transport performs.
    ///
    /// ```
    /// use hookbridge_stripe::{RequestOptions, WebhookEndpointId, webhook_endpoints};
    ///
    /// let id = WebhookEndpointId::new("we_1Mr5jULkdIwHu7ix1ibLTM0x")?;
    /// let request = webhook_endpoints::retrieve(&id, &RequestOptions::new())?;
    /// let url = request.url(&hookbridge_stripe::DEFAULT_BASE_URL.parse()?)?;
    /// assert_eq!(url.as_str(), "https://api.stripe.com/v1/webhook_endpoints/we_1Mr5jULkdIwHu7ix1ibLTM0x");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn url(&self, base: &Url) -> Result<Url, InvalidInput> {
        let mut url = base.clone();
        {
            let mut path = url.path_segments_mut().map_err(|()| InvalidInput::new("base_url", "cannot be a base"))?;
            path.pop_if_empty();
            for segment in &self.segments {
                path.push(segment);
            }
        }
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in &self.query {
                pairs.append_pair(key, value);
            }
        }
        Ok(url)
    }
}

fn header_value(field: &'static str, value: &str) -> Result<HeaderValue, InvalidInput> {
    HeaderValue::from_str(value).map_err(|_| InvalidInput::new(field, "cannot be sent in an HTTP header"))
}
