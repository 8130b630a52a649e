//! [`BlazeClient`], its credentials ([`BlazeKeys`]) and the `webHooks` resource ([`WebHooks`]).

use std::fmt;
use std::sync::Arc;

use hookbridge_core::auth::HeaderAuth;
use hookbridge_core::model::validate_path_id;
use hookbridge_core::page::{self, BoxStream, Page, PageLimits, PageRequest};
use hookbridge_core::{ClientConfig, HttpClient, InvalidInput, Request, Result, Secret};
use url::Url;

use crate::model::{CreateWebHook, PartnerWebHook, SearchResult};

/// BLAZE's documented production base URL for the partner API.
pub const DEFAULT_BASE_URL: &str = "https://api.partners.blaze.me/api/v1/partner/";

/// The resource path under the base URL (exact casing).
pub const WEBHOOKS_PATH: &str = "webHooks";

/// Default header for the partner key (`x-api-key`).
pub const PARTNER_KEY_HEADER: &str = "x-api-key";

/// Header some public BLAZE client code uses for the partner key instead (`partner_key`).
pub const ALT_PARTNER_KEY_HEADER: &str = "partner_key";

/// Header for the developer (dispensary) key: `Authorization`, sent **without** a `Bearer` prefix.
pub const DEVELOPER_KEY_HEADER: &str = "Authorization";

/// Default offset query parameter of the list endpoint (`start`).
pub const START_PARAM: &str = "start";

/// Offset parameter name some client code uses instead of `start` (`skip`).
pub const SKIP_PARAM: &str = "skip";

/// Page size used when none is given (BLAZE's documented default, 100).
pub const DEFAULT_LIMIT: u64 = 100;

/// BLAZE's two API keys and the headers they travel in.
///
/// By default the partner key goes in `x-api-key` and the developer key in `Authorization`
/// (verbatim, no `Bearer`). Both header names can be changed, for example to the `partner_key`
/// header some client code uses. `Debug` never prints the keys.
///
/// ```
/// use hookbridge_blaze::{BlazeKeys, ALT_PARTNER_KEY_HEADER};
///
/// let keys = BlazeKeys::new("partner-123", "developer-456").partner_key_header(ALT_PARTNER_KEY_HEADER);
/// let shown = format!("{keys:?}");
/// assert!(shown.contains("partner_key") && !shown.contains("partner-123") && !shown.contains("developer-456"));
/// ```
#[derive(Clone)]
pub struct BlazeKeys {
    partner_key: Secret,
    developer_key: Secret,
    partner_key_header: String,
    developer_key_header: String,
}

impl BlazeKeys {
    /// The partner key and the developer key, in the default headers.
    pub fn new(partner_key: impl Into<Secret>, developer_key: impl Into<Secret>) -> Self {
        Self {
            partner_key: partner_key.into(),
            developer_key: developer_key.into(),
            partner_key_header: PARTNER_KEY_HEADER.to_owned(),
            developer_key_header: DEVELOPER_KEY_HEADER.to_owned(),
        }
    }

    /// Sends the partner key in `name` instead of `x-api-key`.
    pub fn partner_key_header(mut self, name: impl Into<String>) -> Self {
        self.partner_key_header = name.into();
        self
    }

    /// Sends the developer key in `name` instead of `Authorization`.
    pub fn developer_key_header(mut self, name: impl Into<String>) -> Self {
        self.developer_key_header = name.into();
        self
    }

    /// The header carrying the partner key.
    pub fn partner_header_name(&self) -> &str {
        &self.partner_key_header
    }

    /// The header carrying the developer key.
    pub fn developer_header_name(&self) -> &str {
        &self.developer_key_header
    }

    /// Builds the header authentication; refuses empty or non-header-safe keys, invalid header
    /// names, and both keys in the same header.
    fn auth(&self) -> Result<HeaderAuth, InvalidInput> {
        if self.partner_key_header.eq_ignore_ascii_case(&self.developer_key_header) {
            return Err(InvalidInput::new(
                "developer_key_header",
                format!("the partner and developer keys cannot share the header `{}`", self.developer_key_header),
            ));
        }
        HeaderAuth::new().with("partner_key", &self.partner_key_header, &self.partner_key)?.with(
            "developer_key",
            &self.developer_key_header,
            &self.developer_key,
        )
    }
}

impl fmt::Debug for BlazeKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlazeKeys")
            .field("partner_key", &self.partner_key)
            .field("developer_key", &self.developer_key)
            .field("partner_key_header", &self.partner_key_header)
            .field("developer_key_header", &self.developer_key_header)
            .finish()
    }
}

/// Client for BLAZE's partner webhook API (`/api/v1/partner/webHooks`).
///
/// Cheap to clone (one shared connection pool). `Debug` shows the base URL and header names,
/// never the keys.
#[derive(Clone, Debug)]
pub struct BlazeClient {
    pub(crate) http: HttpClient,
    offset_param: &'static str,
    page_limits: PageLimits,
}

impl BlazeClient {
    /// BLAZE's production partner API ([`crate::DEFAULT_BASE_URL`]).
    pub const DEFAULT_BASE_URL: &str = crate::DEFAULT_BASE_URL;

    hookbridge_core::client_handle! {
        provider: crate::PROVIDER, credentials: BlazeKeys, base_url: default,
    }

    /// A client with custom connection settings (base URL, timeouts, retries). The base URL is
    /// the partner API root, `webHooks` is appended to it.
    pub fn with_config(config: ClientConfig, keys: BlazeKeys) -> Result<Self> {
        let auth = keys.auth()?;
        let http = HttpClient::new(crate::PROVIDER, config, Arc::new(auth))?;
        Ok(Self { http, offset_param: START_PARAM, page_limits: PageLimits::default() })
    }

    /// Uses `name` as the list endpoint's offset query parameter instead of `start` (some client
    /// code sends [`SKIP_PARAM`]). Refuses names that are empty or not `[A-Za-z0-9_-]`.
    pub fn with_offset_param(mut self, name: &'static str) -> Result<Self> {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return Err(
                InvalidInput::new("offset_param", format!("`{name}` is not a usable query parameter name")).into()
            );
        }
        self.offset_param = name;
        Ok(self)
    }

    /// Limits for the all-pages streams ([`WebHooks::list`] and the unified list). Default
    /// [`PageLimits::default`]: at most [`PageLimits::DEFAULT_MAX_PAGES`] pages.
    pub fn page_limits(mut self, limits: PageLimits) -> Self {
        self.page_limits = limits;
        self
    }

    /// The offset query parameter name in use (`start` unless changed).
    pub fn offset_param(&self) -> &'static str {
        self.offset_param
    }

    /// The `webHooks` resource.
    pub fn webhooks(&self) -> WebHooks<'_> {
        WebHooks { client: self }
    }
}

/// Query parameters of `GET webHooks` (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListWebHooksOptions {
    /// Records to skip (`start`, or the client's configured offset parameter).
    pub start: Option<u64>,
    /// Records per page (`limit`, at least 1; BLAZE's default is [`DEFAULT_LIMIT`]).
    pub limit: Option<u64>,
    /// Only this shop's webhooks (`shopId`).
    pub shop_id: Option<String>,
}

impl ListWebHooksOptions {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the offset.
    pub fn start(mut self, start: u64) -> Self {
        self.start = Some(start);
        self
    }

    /// Sets the page size.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Filters by shop.
    pub fn shop_id(mut self, shop_id: impl Into<String>) -> Self {
        self.shop_id = Some(shop_id.into());
        self
    }

    fn validate(&self) -> Result<(), InvalidInput> {
        if self.limit == Some(0) {
            return Err(InvalidInput::new("limit", "must be at least 1"));
        }
        if let Some(shop) = &self.shop_id {
            validate_text("shopId", shop)?;
        }
        Ok(())
    }
}

/// The `webHooks` resource: `client.webhooks().create(..)`, `.get(..)`, `.list(..)` (every page),
/// `.list_page(..)` (one page), `.update(..)`, `.delete(..)`.
#[derive(Clone, Copy, Debug)]
pub struct WebHooks<'a> {
    client: &'a BlazeClient,
}

impl<'a> WebHooks<'a> {
    /// `POST webHooks` — registers a webhook. `webHookUrls` must be non-empty `http`/`https` URLs.
    pub async fn create(&self, body: &CreateWebHook) -> Result<PartnerWebHook> {
        validate_create(body)?;
        let req = Request::post("create", [WEBHOOKS_PATH]).json(body)?;
        self.client.http.json(req).await
    }

    /// `GET webHooks/{webHookId}` — one webhook.
    pub async fn get(&self, web_hook_id: &str) -> Result<PartnerWebHook> {
        validate_path_id("webHookId", web_hook_id)?;
        let req = Request::get("get", [WEBHOOKS_PATH.to_owned(), web_hook_id.to_owned()]);
        self.client.http.json(req).await
    }

    /// `PUT webHooks/{webHookId}` — replaces a webhook with the **full** object `webhook`
    /// (fetch it with [`WebHooks::get`], change it, send it back).
    ///
    /// Refused before sending: an invalid id, a body `id` that differs from `web_hook_id`, and
    /// `webHookUrls` entries that are not `http`/`https` URLs. `url` is sent as it is (the
    /// documentation only calls it "Url", so a value BLAZE returned is never second-guessed).
    pub async fn update(&self, web_hook_id: &str, webhook: &PartnerWebHook) -> Result<PartnerWebHook> {
        validate_path_id("webHookId", web_hook_id)?;
        validate_update(web_hook_id, webhook)?;
        let req = Request::put("update", [WEBHOOKS_PATH.to_owned(), web_hook_id.to_owned()]).json(webhook)?;
        self.client.http.json(req).await
    }

    /// `DELETE webHooks/{id}` — deletes a webhook. The response body is undocumented and ignored.
    pub async fn delete(&self, id: &str) -> Result<()> {
        validate_path_id("id", id)?;
        let req = Request::delete("delete", [WEBHOOKS_PATH.to_owned(), id.to_owned()]);
        self.client.http.empty(req).await
    }

    /// `GET webHooks` — one page, exactly as asked (parameters left `None` are not sent).
    pub async fn list_page(&self, options: &ListWebHooksOptions) -> Result<SearchResult> {
        options.validate()?;
        self.client.request_page(options.start, options.limit, options.shop_id.as_deref()).await
    }

    /// Every webhook from `options.start` on, as a lazy stream over all pages (each page is
    /// fetched when the previous one is consumed). Each request sends the offset, `limit`
    /// (`options.limit` or [`DEFAULT_LIMIT`]) and `shopId` when set.
    ///
    /// The stream ends on an empty page, when `total` is reached, or on a short page when the
    /// server reports no `total`. So that a server ignoring the offset cannot loop it forever, a
    /// page repeating the ids of an earlier page, or reaching the client's page cap
    /// ([`BlazeClient::page_limits`]), ends it with [`hookbridge_core::Error::Paging`].
    pub fn list(&self, options: &ListWebHooksOptions) -> BoxStream<'a, PartnerWebHook> {
        self.list_with(options, self.client.page_limits)
    }

    /// [`WebHooks::list`] with extra limits on pages or items.
    pub fn list_with(&self, options: &ListWebHooksOptions, limits: PageLimits) -> BoxStream<'a, PartnerWebHook> {
        if let Err(e) = options.validate() {
            let err = hookbridge_core::Error::from(e);
            return Box::pin(futures_util::stream::once(async move { Err(err) }));
        }
        let client = self.client;
        let first = options.start.unwrap_or(0);
        let limit = options.limit.unwrap_or(DEFAULT_LIMIT);
        let shop_id = options.shop_id.clone();
        page::paginate_for(crate::PROVIDER, "list", limits, move |req| {
            let shop_id = shop_id.clone();
            async move {
                let start = match req {
                    PageRequest::Offset { start } => start,
                    _ => first,
                };
                let result = client.request_page(Some(start), Some(limit), shop_id.as_deref()).await?;
                Ok(next_page(start, limit, result))
            }
        })
    }
}

impl BlazeClient {
    pub(crate) async fn request_page(
        &self,
        start: Option<u64>,
        limit: Option<u64>,
        shop_id: Option<&str>,
    ) -> Result<SearchResult> {
        let req = Request::get("list", [WEBHOOKS_PATH])
            .query_opt(self.offset_param, start)
            .query_opt("limit", limit)
            .query_opt("shopId", shop_id);
        self.http.json(req).await
    }
}

/// Turns a fetched page into a [`Page`] keyed by webhook id (offset paging by `total` or, without
/// it, by full pages).
fn next_page(start: u64, requested_limit: u64, result: SearchResult) -> Page<PartnerWebHook> {
    let limit = result.limit.filter(|l| *l > 0).unwrap_or(requested_limit);
    let total = result.total;
    let items = result.into_items();
    let next = Page::<PartnerWebHook>::next_offset(start, items.len(), limit, total);
    if items.iter().all(|w| w.id.is_some()) {
        Page::keyed(items, next, page_key)
    } else {
        // Without ids a page cannot be told from another; the repeated-offset check and the
        // page cap still apply.
        Page::new(items, next)
    }
}

fn page_key(w: &PartnerWebHook) -> &Option<String> {
    &w.id
}

fn validate_text(field: &'static str, value: &str) -> Result<(), InvalidInput> {
    if value.trim().is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(InvalidInput::new(field, "must not contain control characters"));
    }
    Ok(())
}

pub(crate) fn validate_http_url(field: &'static str, url: &Url) -> Result<(), InvalidInput> {
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(InvalidInput::new(field, format!("`{url}` is not an http(s) URL")));
    }
    Ok(())
}

pub(crate) fn parse_http_url(field: &'static str, raw: &str) -> Result<Url, InvalidInput> {
    let url = Url::parse(raw).map_err(|e| InvalidInput::new(field, format!("`{raw}` is not a URL: {e}")))?;
    validate_http_url(field, &url)?;
    Ok(url)
}

pub(crate) fn validate_create(body: &CreateWebHook) -> Result<(), InvalidInput> {
    if body.web_hook_urls.is_empty() {
        return Err(InvalidInput::new("webHookUrls", "at least one delivery URL is required"));
    }
    for url in &body.web_hook_urls {
        validate_http_url("webHookUrls", url)?;
    }
    if let Some(url) = &body.url {
        validate_http_url("url", url)?;
    }
    if let Some(shop) = &body.shop_id {
        validate_text("shopId", shop)?;
    }
    Ok(())
}

fn validate_update(web_hook_id: &str, webhook: &PartnerWebHook) -> Result<(), InvalidInput> {
    if let Some(id) = &webhook.id
        && id != web_hook_id
    {
        return Err(InvalidInput::new("id", format!("body id `{id}` differs from the path id `{web_hook_id}`")));
    }
    for url in webhook.web_hook_urls.iter().flatten() {
        parse_http_url("webHookUrls", url)?;
    }
    Ok(())
}
