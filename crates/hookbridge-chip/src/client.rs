//! [`ChipClient`] and its resource handlers: [`Webhooks`] (`webhooks/`) and [`PublicKey`] (`public_key/`).

use std::borrow::Cow;
use std::sync::Arc;

use futures_util::StreamExt;
use hookbridge_core::auth::Bearer;
use hookbridge_core::page::{Page, PageLimits, PageRequest, paginate_for};
use hookbridge_core::reexports::http::Method;
use hookbridge_core::{
    BoxStream, ClientConfig, DecodeErrorKind, Error, HttpClient, InvalidInput, Request, Result, Secret,
};
use url::Url;

use crate::error::decode_error;
use crate::model::{ChipWebhook, PublicKeyPem, WebhookId, WebhookPage, WebhookPatch, WebhookRequest};

/// A CHIP Collect client (webhook management and the company public key).
///
/// Authenticates every request with `Authorization: Bearer <secret key>`. Cheap to clone: clones
/// share one connection pool. `Debug` never prints the key.
///
/// ```
/// use hookbridge_chip::ChipClient;
/// use hookbridge_core::Secret;
///
/// let client = ChipClient::new(Secret::new("my-secret-key"))?;
/// assert_eq!(client.base_url().as_str(), "https://gate.chip-in.asia/api/v1/");
/// assert!(!format!("{client:?}").contains("my-secret-key"));
/// # Ok::<(), hookbridge_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ChipClient {
    http: HttpClient,
    page_limits: PageLimits,
}

impl ChipClient {
    /// CHIP Collect's documented API root (test and live keys share it).
    pub const DEFAULT_BASE_URL: &str = "https://gate.chip-in.asia/api/v1/";

    hookbridge_core::client_handle! {
        provider: crate::PROVIDER, credentials: Secret, base_url: default,
    }

    /// A client with explicit settings (base URL, timeouts, retries). Refuses an empty secret key
    /// or one that cannot be sent in a header.
    pub fn with_config(config: ClientConfig, secret_key: Secret) -> Result<Self> {
        let auth = Bearer::new(&secret_key)?;
        let http = HttpClient::new(crate::PROVIDER, config, Arc::new(auth))?.with_error_decoder(decode_error);
        Ok(Self { http, page_limits: PageLimits::default() })
    }

    /// Limits for [`Webhooks::list`] and the unified list. Default [`PageLimits::default`]: at
    /// most [`PageLimits::DEFAULT_MAX_PAGES`] pages.
    pub fn page_limits(mut self, limits: PageLimits) -> Self {
        self.page_limits = limits;
        self
    }

    /// The webhook resource (`webhooks/`).
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }

    /// The company public key resource (`public_key/`).
    pub fn public_key(&self) -> PublicKey<'_> {
        PublicKey { client: self }
    }
}

fn webhook_path(id: &WebhookId) -> Vec<Cow<'static, str>> {
    vec![Cow::Borrowed("webhooks"), Cow::Owned(id.as_str().to_owned())]
}

/// `webhooks/`: create, list, get, update (PUT), patch (PATCH) and delete.
#[derive(Clone, Copy, Debug)]
pub struct Webhooks<'a> {
    client: &'a ChipClient,
}

impl<'a> Webhooks<'a> {
    /// `POST webhooks/`: creates a webhook. The body is validated first
    /// ([`WebhookRequest::validate`]); nothing is sent when it is refused.
    ///
    /// Not retried automatically (CHIP documents no idempotency key for it).
    pub async fn create(&self, body: &WebhookRequest) -> Result<ChipWebhook> {
        body.validate()?;
        let req = Request::post("create", ["webhooks"]).trailing_slash().json(body)?;
        self.client.http.json(req).await
    }

    /// `GET webhooks/{id}/`.
    pub async fn get(&self, id: &WebhookId) -> Result<ChipWebhook> {
        let req = Request::get("get", webhook_path(id)).trailing_slash();
        self.client.http.json(req).await
    }

    /// `PUT webhooks/{id}/`: replaces the webhook with `body` (validated first).
    pub async fn update(&self, id: &WebhookId, body: &WebhookRequest) -> Result<ChipWebhook> {
        body.validate()?;
        let req = Request::put("update", webhook_path(id)).trailing_slash().json(body)?;
        self.client.http.json(req).await
    }

    /// `PATCH webhooks/{id}/`: changes only the fields set in `patch` (validated first).
    pub async fn patch(&self, id: &WebhookId, patch: &WebhookPatch) -> Result<ChipWebhook> {
        patch.validate()?;
        let req = Request::patch("patch", webhook_path(id)).trailing_slash().json(patch)?;
        self.client.http.json(req).await
    }

    /// `DELETE webhooks/{id}/`.
    pub async fn delete(&self, id: &WebhookId) -> Result<()> {
        let req = Request::delete("delete", webhook_path(id)).trailing_slash();
        self.client.http.empty(req).await
    }

    /// One page of `GET webhooks/`: the first page for `None`, else the page at a `next` URL that
    /// CHIP returned. A URL on another origin than the base URL is refused (a decode error) and
    /// not requested, so the secret key never leaves for another host.
    pub async fn list_page(&self, next: Option<&Url>) -> Result<WebhookPage> {
        let req = match next {
            None => Request::get("list", ["webhooks"]).trailing_slash(),
            Some(url) => Request::absolute(Method::GET, "list", url.clone()),
        };
        self.client.http.json(req).await
    }

    /// Every webhook, as a lazy stream: each page is fetched when the previous one is consumed,
    /// following `next` until it is `null` or a page is empty. A `next` URL already followed, a
    /// page repeating an earlier page's ids (`?page=N+1` with the same results), or the client's
    /// page cap ([`ChipClient::page_limits`]) ends it with [`Error::Paging`].
    pub fn list(&self) -> BoxStream<'static, ChipWebhook> {
        self.list_with(self.client.page_limits)
    }

    /// [`Webhooks::list`] with page/item limits.
    pub fn list_with(&self, limits: PageLimits) -> BoxStream<'static, ChipWebhook> {
        let client = self.client.clone();
        paginate_for(crate::PROVIDER, "list", limits, move |req| {
            let client = client.clone();
            async move { fetch_page(&client, req).await }
        })
    }

    /// Every webhook, collected (convenience over [`Webhooks::list`]).
    pub async fn list_all(&self) -> Result<Vec<ChipWebhook>> {
        let mut out = Vec::new();
        let mut stream = self.list();
        while let Some(item) = stream.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

async fn fetch_page(client: &ChipClient, req: PageRequest) -> Result<Page<ChipWebhook>> {
    let next = match req {
        PageRequest::First => None,
        PageRequest::Url(url) => Some(url),
        other => {
            return Err(InvalidInput::new("page", format!("CHIP pages by next URL, not {other:?}")).into());
        }
    };
    let page = client.webhooks().list_page(next.as_ref()).await?;
    let next = page.next_url().map_err(|e| {
        client.http.decode_error(
            "list",
            None,
            DecodeErrorKind::Invalid(format!("`next` is not an absolute URL: {e}")),
            // The value itself is not quoted: a next link's query may carry a token.
            format!("`next` is not an absolute URL: {e}"),
            b"",
            None,
        )
    })?;
    Ok(Page::keyed(page.results, next.map(PageRequest::Url), page_key))
}

fn page_key(w: &ChipWebhook) -> &str {
    w.id.as_str()
}

/// `public_key/`: the company-wide key that signs Purchase `success_callback` deliveries.
#[derive(Clone, Copy, Debug)]
pub struct PublicKey<'a> {
    client: &'a ChipClient,
}

impl PublicKey<'_> {
    /// `GET public_key/`. CHIP answers with a bare JSON string holding a PEM; anything that does
    /// not look like a PEM key is a decode error.
    pub async fn get(&self) -> Result<PublicKeyPem> {
        let http = &self.client.http;
        let resp = http.send(Request::get("public_key", ["public_key"]).trailing_slash()).await?;
        let pem: String = http.decode("public_key", &resp)?;
        PublicKeyPem::new(pem).map_err(|e| -> Error {
            http.decode_error(
                "public_key",
                Some(resp.status),
                DecodeErrorKind::Invalid(e.reason.clone()),
                e.reason,
                &resp.body,
                None,
            )
        })
    }
}
