//! [`StripeClient`] and its resource handle [`Webhooks`] (`/v1/webhook_endpoints`).
//!
//! The client turns each [`StripeRequest`] of [`crate::webhook_endpoints`] into one
//! `hookbridge-core` request — method, path segments, query, the Stripe headers, the form body
//! with its own `Content-Type`, and the request's retry safety — and sends it with core's
//! [`HttpClient`]: `Authorization: Bearer <key>` ([`crate::auth::api_key`]), retries, timeouts,
//! the size cap, redirects refused, and Stripe's error object decoded ([`crate::error::decode_error`]).

use std::sync::Arc;

use futures_util::StreamExt;
use hookbridge_core::page::PageLimits;
use hookbridge_core::reexports::http::HeaderValue;
use hookbridge_core::reexports::http::header::CONTENT_TYPE;
use hookbridge_core::{BoxStream, ClientConfig, HttpClient, IdempotencyKey, Request, Result, Secret};
use serde::de::DeserializeOwned;

use crate::form::FORM_CONTENT_TYPE;
use crate::ids::{AccountId, WebhookEndpointId};
use crate::model::{ApiVersion, DeletedWebhookEndpoint, List, WebhookEndpoint};
use crate::params::{CreateWebhookEndpoint, ListWebhookEndpoints, UpdateWebhookEndpoint};
use crate::request::{Idempotency, RequestOptions, StripeRequest};
use crate::webhook_endpoints;

/// A Stripe client for the Webhook Endpoints API.
///
/// Authenticates every request with `Authorization: Bearer <secret or restricted key>`;
/// publishable keys (`pk_…`) are refused when the client is built. Cheap to clone: clones share
/// one connection pool. `Debug` never prints the key.
///
/// ```
/// use hookbridge_core::Secret;
/// use hookbridge_stripe::{ApiVersion, StripeClient};
///
/// let client = StripeClient::new(Secret::new("sk_test_4eC39HqLyjWDarjtT1zdp7dc"))?
///     .stripe_version(ApiVersion::new("2024-12-18.acacia")?);
/// assert_eq!(client.base_url().as_str(), "https://api.stripe.com/");
/// assert!(!format!("{client:?}").contains("4eC39HqLyjWDarjtT1zdp7dc"));
/// assert!(StripeClient::new(Secret::new("pk_test_TYooMQauvdEDq54NiTphI7jx")).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct StripeClient {
    http: HttpClient,
    page_limits: PageLimits,
    stripe_version: Option<ApiVersion>,
    stripe_account: Option<AccountId>,
}

impl StripeClient {
    /// Stripe's API root ([`crate::DEFAULT_BASE_URL`]); paths start with `v1/`.
    pub const DEFAULT_BASE_URL: &str = crate::DEFAULT_BASE_URL;

    hookbridge_core::client_handle! {
        provider: crate::PROVIDER, credentials: Secret, base_url: default,
        new: {
            /// Refuses a publishable key (`pk_…`), as [`with_config`](Self::with_config) does.
        },
        builder: {
            /// ```
            /// use std::time::Duration;
            /// use hookbridge_core::Secret;
            /// use hookbridge_stripe::StripeClient;
            ///
            /// let client = StripeClient::builder()
            ///     .timeout(Duration::from_secs(20))
            ///     .credentials(Secret::new("rk_test_51Hexample"))
            ///     .build()?;
            /// assert_eq!(client.base_url().as_str(), StripeClient::DEFAULT_BASE_URL);
            /// # Ok::<(), hookbridge_core::Error>(())
            /// ```
        },
    }

    /// A client with explicit settings (base URL, timeouts, retries). Refuses an empty key, one
    /// that cannot be sent in a header, and a publishable key (`pk_…`); the error never contains
    /// the key.
    pub fn with_config(config: ClientConfig, api_key: Secret) -> Result<Self> {
        let auth = crate::auth::api_key(&api_key)?;
        let http =
            HttpClient::new(crate::PROVIDER, config, Arc::new(auth))?.with_error_decoder(crate::error::decode_error);
        Ok(Self { http, page_limits: PageLimits::default(), stripe_version: None, stripe_account: None })
    }

    /// Limits for [`Webhooks::list`] and the unified list. Default [`PageLimits::default`]: at
    /// most [`PageLimits::DEFAULT_MAX_PAGES`] pages.
    pub fn page_limits(mut self, limits: PageLimits) -> Self {
        self.page_limits = limits;
        self
    }

    /// Sends `Stripe-Version: <version>` on every request (unless a request's options name
    /// another): the API version responses are rendered in. Without it Stripe uses the
    /// account's default version.
    pub fn stripe_version(mut self, version: ApiVersion) -> Self {
        self.stripe_version = Some(version);
        self
    }

    /// Sends `Stripe-Account: <account>` on every request (unless a request's options name
    /// another): act as that connected account (Stripe Connect).
    pub fn stripe_account(mut self, account: AccountId) -> Self {
        self.stripe_account = Some(account);
        self
    }

    /// The options every request starts from: a generated idempotency key on `POST`, and the
    /// client's `Stripe-Version` / `Stripe-Account`.
    pub fn request_options(&self) -> RequestOptions {
        let mut options = RequestOptions::new();
        options.stripe_version = self.stripe_version.clone();
        options.stripe_account = self.stripe_account.clone();
        options
    }

    /// The webhook endpoint resource (`/v1/webhook_endpoints`), with [`Self::request_options`].
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self, options: self.request_options() }
    }

    /// Sends a request built by [`crate::webhook_endpoints`] and decodes the JSON answer.
    ///
    /// The request is converted once, so its idempotency key is the same on every attempt; it
    /// is retried (on 429, 502, 503, 504, timeouts and connection failures, per the client's
    /// retry policy) only when [`StripeRequest::retry_safe`].
    pub async fn send<T: DeserializeOwned>(&self, request: &StripeRequest) -> Result<T> {
        self.http.json(to_core(request)).await
    }
}

/// The core request for a [`StripeRequest`]: the same method, path segments, query, headers,
/// form body (with its own `Content-Type`) and retry safety.
fn to_core(request: &StripeRequest) -> Request {
    let mut req = Request::new(request.method().clone(), request.operation(), request.path_segments().to_vec());
    for (key, value) in request.query() {
        req = req.query(key, value);
    }
    for (name, value) in request.headers() {
        if name != CONTENT_TYPE {
            req = req.header(name.clone(), value.clone());
        }
    }
    if let Some(body) = request.body() {
        let content_type =
            request.headers().get(CONTENT_TYPE).cloned().unwrap_or_else(|| HeaderValue::from_static(FORM_CONTENT_TYPE));
        req = req.body_bytes(content_type, body);
    }
    req.retry_safe(request.retry_safe())
}

/// `/v1/webhook_endpoints`: create, retrieve ([`get`](Self::get)), update, delete, list. Get
/// one with [`StripeClient::webhooks`].
///
/// The handle carries the [`RequestOptions`] its requests are built with (the client's by
/// default); [`with_options`](Self::with_options) and [`idempotency_key`](Self::idempotency_key)
/// change them for the requests made through this handle.
#[derive(Clone, Debug)]
pub struct Webhooks<'a> {
    client: &'a StripeClient,
    options: RequestOptions,
}

impl<'a> Webhooks<'a> {
    /// These requests with `options` instead of the client's (idempotency, `Stripe-Version`,
    /// `Stripe-Account`).
    #[must_use]
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// `POST` requests through this handle carry `key` as their `Idempotency-Key` (to repeat
    /// an operation across process restarts, say). Use one key per operation: Stripe answers a
    /// key reused with other parameters with an `idempotency_error`.
    #[must_use]
    pub fn idempotency_key(mut self, key: IdempotencyKey) -> Self {
        self.options.idempotency = Idempotency::Key(key);
        self
    }

    /// The options requests through this handle are built with.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    /// `POST /v1/webhook_endpoints`: creates an endpoint. The answer is the only one that
    /// carries the endpoint's signing `secret` (`whsec_…`): store it.
    ///
    /// The parameters are validated first (nothing is sent when they are refused). The request
    /// carries an `Idempotency-Key` — generated unless the options give one — that every attempt
    /// repeats, so a retry after a lost answer returns the endpoint the first attempt created.
    pub async fn create(&self, params: &CreateWebhookEndpoint) -> Result<WebhookEndpoint> {
        let request = webhook_endpoints::create(params, &self.options)?;
        self.client.send(&request).await
    }

    /// `GET /v1/webhook_endpoints/{id}`: retrieves an endpoint (without its secret).
    pub async fn get(&self, id: &WebhookEndpointId) -> Result<WebhookEndpoint> {
        let request = webhook_endpoints::retrieve(id, &self.options)?;
        self.client.send(&request).await
    }

    /// `POST /v1/webhook_endpoints/{id}`: changes only the fields `params` set (Stripe's updates
    /// are partial), with an `Idempotency-Key` like [`create`](Self::create).
    pub async fn update(&self, id: &WebhookEndpointId, params: &UpdateWebhookEndpoint) -> Result<WebhookEndpoint> {
        let request = webhook_endpoints::update(id, params, &self.options)?;
        self.client.send(&request).await
    }

    /// `DELETE /v1/webhook_endpoints/{id}`: deletes an endpoint. Deleting one already deleted is
    /// a `404` ([`hookbridge_core::Error::is_not_found`]).
    pub async fn delete(&self, id: &WebhookEndpointId) -> Result<DeletedWebhookEndpoint> {
        let request = webhook_endpoints::delete(id, &self.options)?;
        self.client.send(&request).await
    }

    /// `GET /v1/webhook_endpoints`: one page (`limit`, `starting_after` / `ending_before`),
    /// newest first.
    pub async fn list_page(&self, params: &ListWebhookEndpoints) -> Result<List<WebhookEndpoint>> {
        let request = webhook_endpoints::list_page(params, &self.options)?;
        self.client.send(&request).await
    }

    /// Every endpoint from `params` on, as a lazy stream: one [`list_page`](Self::list_page)
    /// request per page, sent when the previous page has been consumed, with
    /// `starting_after = <last id>` while `has_more` (`ending_before = <first id>` when
    /// `params` page backward). A repeated cursor or page, or the client's page cap
    /// ([`StripeClient::page_limits`]), ends it with [`hookbridge_core::Error::Paging`].
    pub fn list(&self, params: &ListWebhookEndpoints) -> BoxStream<'static, WebhookEndpoint> {
        let client = self.client.clone();
        webhook_endpoints::list(params.clone(), self.options.clone(), self.client.page_limits, move |request| {
            let client = client.clone();
            async move { client.send(&request).await }
        })
    }

    /// Every endpoint, collected (convenience over [`list`](Self::list)).
    pub async fn list_all(&self, params: &ListWebhookEndpoints) -> Result<Vec<WebhookEndpoint>> {
        let mut out = Vec::new();
        let mut stream = self.list(params);
        while let Some(item) = stream.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}
