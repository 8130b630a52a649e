//! [`BitnobClient`] and its resource handlers: [`Webhooks`] (`/webhooks`, including the
//! event-type catalogue) and [`DeliveryEvents`] (`/webhooks/events`).

use std::borrow::Cow;
use std::sync::Arc;

use hookbridge_core::auth::{Auth, Bearer};
use hookbridge_core::error::DecodeErrorKind;
use hookbridge_core::model::validate_path_id;
use hookbridge_core::page::{Page, PageLimits, PageRequest, paginate_for};
use hookbridge_core::{BoxStream, ClientConfig, HttpClient, IdempotencyKey, InvalidInput, Request, Result, Secret};
use serde::de::DeserializeOwned;

use crate::model::{
    CreateOptions, CreateWebhook, CreatedWebhook, CursorPage, DeliveryEvent, EventTypeInfo, ListEventsOptions,
    ListOptions, RetryResult, RotatedSecret, UpdateWebhook, WebhookEndpoint,
};
use crate::signer::{BitnobSigner, SigningScheme};

/// Bitnob's documented API base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.bitnob.com";

/// Path segments under `/webhooks` that name sub-resources, never a webhook id.
const RESERVED_WEBHOOK_IDS: [&str; 2] = ["events", "event-types"];

/// How a [`BitnobClient`] authenticates.
///
/// | scheme | what is sent | status |
/// |---|---|---|
/// | [`BitnobAuth::Signed`] | `X-Auth-Client`, `X-Auth-Timestamp`, `X-Auth-Nonce`, `X-Auth-Signature` (HMAC-SHA256, either documented variant, see [`crate::signer`]) | **what Bitnob documents for the current API**; the default: build it with [`BitnobAuth::signed`] or pass a [`BitnobSigner`] |
/// | [`BitnobAuth::Bearer`] | `Authorization: Bearer <secret key>` | the **older** secret-key scheme of Bitnob's earlier SDKs; only when asked for explicitly with [`BitnobAuth::legacy_bearer`] |
/// | [`BitnobAuth::Custom`] | whatever the [`Auth`] adds | anything else |
///
/// There is deliberately no conversion from a bare [`Secret`]: a secret key alone does not say
/// which scheme is meant, and silently choosing the older one is what this type avoids.
///
/// ```compile_fail
/// // A bare secret no longer picks the bearer scheme.
/// let _ = hookbridge_bitnob::BitnobClient::new(hookbridge_core::Secret::new("sk_live_..."));
/// ```
///
/// ```
/// use hookbridge_bitnob::{BitnobAuth, BitnobClient};
/// use hookbridge_core::Secret;
///
/// let signed = BitnobClient::new(BitnobAuth::signed("client_abc", Secret::new("secret-key"))?)?;
/// let older = BitnobClient::new(BitnobAuth::legacy_bearer(Secret::new("sk_live_key")))?;
/// # let _ = (signed, older);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum BitnobAuth {
    /// The older scheme: `Authorization: Bearer <key>` (see [`BitnobAuth::legacy_bearer`]).
    Bearer(Secret),
    /// HMAC request signing (`X-Auth-*` headers), either documented variant: the documented scheme.
    Signed(BitnobSigner),
    /// Any other [`Auth`] implementation.
    Custom(Arc<dyn Auth>),
}

impl BitnobAuth {
    /// HMAC request signing with the client id and secret key, in the variant of Bitnob's current
    /// authentication reference ([`SigningScheme::ColonSeparatedHex`], bitnob.dev). For the other
    /// documented variant build a [`BitnobSigner`] with [`SigningScheme::ConcatenatedBase64`].
    pub fn signed(client_id: impl Into<String>, secret_key: Secret) -> Result<Self, InvalidInput> {
        Ok(BitnobAuth::Signed(BitnobSigner::new(client_id, secret_key, SigningScheme::ColonSeparatedHex)?))
    }

    /// The older secret-key scheme, `Authorization: Bearer <key>`, which Bitnob's earlier SDKs use
    /// but the current reference does not document. Use it only for accounts that still take it.
    pub fn legacy_bearer(secret_key: Secret) -> Self {
        BitnobAuth::Bearer(secret_key)
    }

    /// Whether this is the older bearer scheme.
    pub fn is_legacy_bearer(&self) -> bool {
        matches!(self, BitnobAuth::Bearer(_))
    }
}

impl From<BitnobSigner> for BitnobAuth {
    fn from(signer: BitnobSigner) -> Self {
        BitnobAuth::Signed(signer)
    }
}

impl BitnobAuth {
    fn into_auth(self) -> Result<Arc<dyn Auth>, InvalidInput> {
        Ok(match self {
            BitnobAuth::Bearer(key) => Arc::new(Bearer::new(&key)?),
            BitnobAuth::Signed(signer) => Arc::new(signer),
            BitnobAuth::Custom(auth) => auth,
        })
    }
}

/// Client for Bitnob's wallet-infrastructure webhook API.
///
/// Cheap to clone (the connection pool is shared). `Debug` never prints credentials.
#[derive(Clone, Debug)]
pub struct BitnobClient {
    http: HttpClient,
    allow_insecure_urls: bool,
    page_limits: PageLimits,
}

impl BitnobClient {
    /// Bitnob's documented API host ([`crate::DEFAULT_BASE_URL`]).
    pub const DEFAULT_BASE_URL: &str = crate::DEFAULT_BASE_URL;

    hookbridge_core::client_handle! {
        provider: crate::PROVIDER, credentials: BitnobAuth, base_url: default,
        new: {
            /// The credentials are a [`BitnobSigner`] (HMAC request signing, the documented scheme)
            /// or any [`BitnobAuth`] — the older bearer scheme only via
            /// [`BitnobAuth::legacy_bearer`].
        },
    }

    /// A client with explicit connection settings (base URL, timeouts, retry policy).
    pub fn with_config(config: ClientConfig, auth: impl Into<BitnobAuth>) -> Result<Self> {
        let auth = auth.into().into_auth()?;
        Ok(Self {
            http: HttpClient::new(crate::PROVIDER, config, auth)?,
            allow_insecure_urls: false,
            page_limits: PageLimits::default(),
        })
    }

    /// Accepts `http://` delivery URLs in create and update (default `false`: Bitnob requires
    /// HTTPS). Meant for local testing only.
    pub fn allow_insecure_urls(mut self, allow: bool) -> Self {
        self.allow_insecure_urls = allow;
        self
    }

    /// Safety limits for the all-pages streams (default [`PageLimits::default`]: at most
    /// [`PageLimits::DEFAULT_MAX_PAGES`] pages). Whatever the limits, a stream ends with
    /// [`hookbridge_core::Error::Paging`] when Bitnob repeats a cursor or a page.
    pub fn page_limits(mut self, limits: PageLimits) -> Self {
        self.page_limits = limits;
        self
    }

    /// Whether `http://` delivery URLs are accepted.
    pub fn allows_insecure_urls(&self) -> bool {
        self.allow_insecure_urls
    }

    /// Webhook endpoints: `/webhooks`, `/webhooks/:id`, rotate-secret, event types.
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }

    /// Delivery events: `/webhooks/events`.
    pub fn events(&self) -> DeliveryEvents<'_> {
        DeliveryEvents { client: self }
    }
}

fn webhook_path(id: &str) -> Result<Vec<Cow<'static, str>>, InvalidInput> {
    validate_path_id("id", id)?;
    if RESERVED_WEBHOOK_IDS.contains(&id) {
        return Err(InvalidInput::new("id", format!("`{id}` names a sub-resource of /webhooks, not a webhook")));
    }
    Ok(vec![Cow::Borrowed("webhooks"), Cow::Owned(id.to_owned())])
}

fn event_path(id: &str) -> Result<Vec<Cow<'static, str>>, InvalidInput> {
    validate_path_id("id", id)?;
    Ok(vec![Cow::Borrowed("webhooks"), Cow::Borrowed("events"), Cow::Owned(id.to_owned())])
}

fn paging_query(req: Request, page: &ListOptions) -> Request {
    req.query_opt("starting_after", page.starting_after.as_deref())
        .query_opt("ending_before", page.ending_before.as_deref())
        .query_opt("limit", page.limit)
}

fn webhook_key(w: &WebhookEndpoint) -> &str {
    w.id.as_str()
}

fn event_key(e: &DeliveryEvent) -> &str {
    e.id.as_str()
}

/// Drives a cursor-paged listing: the first page with `first`, then `starting_after = next_cursor`.
/// Pages are keyed by item id, so a fresh cursor that returns the same page again ends the stream.
fn cursor_stream<'a, T, F, Fut>(
    operation: &'static str,
    limits: PageLimits,
    first: ListOptions,
    key: fn(&T) -> &str,
    fetch: F,
) -> BoxStream<'a, T>
where
    T: Send + 'a,
    F: Fn(ListOptions) -> Fut + Send + Sync + 'a,
    Fut: Future<Output = Result<CursorPage<T>>> + Send + 'a,
{
    let fetch = Arc::new(fetch);
    paginate_for(crate::PROVIDER, operation, limits, move |req| {
        let mut page = first.clone();
        if let PageRequest::After(cursor) = req {
            page.starting_after = Some(cursor);
            page.ending_before = None;
        }
        let fetch = Arc::clone(&fetch);
        async move {
            let result = fetch(page).await?;
            let next = result.next_page_cursor().map(|c| PageRequest::After(c.to_owned()));
            Ok(Page::keyed(result.data, next, key))
        }
    })
}

/// Webhook-endpoint operations. Get one with [`BitnobClient::webhooks`].
#[derive(Clone, Copy, Debug)]
pub struct Webhooks<'a> {
    client: &'a BitnobClient,
}

impl<'a> Webhooks<'a> {
    /// `GET /webhooks`: one page of webhook endpoints.
    pub async fn list_page(&self, options: &ListOptions) -> Result<CursorPage<WebhookEndpoint>> {
        options.validate()?;
        let req = paging_query(Request::get("list_webhooks", ["webhooks"]), options);
        self.client.http.json(req).await
    }

    /// Every webhook endpoint from `options` on, as a lazy stream (one `GET /webhooks` per page,
    /// following `next_cursor`; ends on a missing/empty cursor or an empty page). A repeated
    /// cursor, a page repeating an earlier page's ids, or the page cap ends it with
    /// [`hookbridge_core::Error::Paging`].
    pub fn list(&self, options: &ListOptions) -> BoxStream<'a, WebhookEndpoint> {
        let client = self.client;
        cursor_stream("list_webhooks", client.page_limits, options.clone(), webhook_key, move |page| async move {
            client.webhooks().list_page(&page).await
        })
    }

    /// `POST /webhooks`: registers an endpoint; the response carries the signing secret once.
    ///
    /// An `Idempotency-Key` is always sent — the caller's from `options`, or a generated one — and
    /// kept identical across retries, so the create is retried like an idempotent request. Reusing
    /// a key with a different body makes Bitnob answer 409 ([`hookbridge_core::Error::is_conflict`]).
    pub async fn create(&self, body: &CreateWebhook, options: &CreateOptions) -> Result<CreatedWebhook> {
        body.validate(self.client.allow_insecure_urls)?;
        let key = options.idempotency_key.clone().unwrap_or_else(IdempotencyKey::generate);
        let req = Request::post("create_webhook", ["webhooks"]).json(body)?.idempotency_key(&key);
        self.client.http.json(req).await
    }

    /// `GET /webhooks/:id`.
    pub async fn get(&self, id: impl AsRef<str>) -> Result<WebhookEndpoint> {
        let req = Request::get("get_webhook", webhook_path(id.as_ref())?);
        self.client.http.json(req).await
    }

    /// `PATCH /webhooks/:id`: changes only the fields set in `patch` (at least one).
    ///
    /// Retried like an idempotent request: the patch sets absolute values (no increments or
    /// appends), so applying it twice leaves the endpoint as applying it once.
    pub async fn update(&self, id: impl AsRef<str>, patch: &UpdateWebhook) -> Result<WebhookEndpoint> {
        let path = webhook_path(id.as_ref())?;
        patch.validate(self.client.allow_insecure_urls)?;
        let req = Request::patch("update_webhook", path).json(patch)?.retry_safe(true);
        self.client.http.json(req).await
    }

    /// `DELETE /webhooks/:id` (soft delete; `204 No Content`).
    pub async fn delete(&self, id: impl AsRef<str>) -> Result<()> {
        let req = Request::delete("delete_webhook", webhook_path(id.as_ref())?);
        self.client.http.empty(req).await
    }

    /// `POST /webhooks/:id/rotate-secret`: a new signing secret, returned once.
    ///
    /// Never retried automatically: a repeated rotation would replace the secret this call's lost
    /// response carried.
    pub async fn rotate_secret(&self, id: impl AsRef<str>) -> Result<RotatedSecret> {
        let mut path = webhook_path(id.as_ref())?;
        path.push(Cow::Borrowed("rotate-secret"));
        let req = Request::post("rotate_webhook_secret", path).retry_safe(false);
        self.client.http.json(req).await
    }

    /// `GET /webhooks/event-types`: the catalogue of event types.
    ///
    /// The list envelope is not documented: a `{"data": [...]}` object and a bare array are both read.
    pub async fn event_types(&self) -> Result<Vec<EventTypeInfo>> {
        const OP: &str = "list_event_types";
        let http = &self.client.http;
        let resp = http.send(Request::get(OP, ["webhooks", "event-types"])).await?;
        let value: serde_json::Value = http.decode(OP, &resp)?;
        let items = match value {
            serde_json::Value::Array(_) => value,
            serde_json::Value::Object(mut map) => match map.remove("data") {
                Some(data) => data,
                None => {
                    return Err(http.decode_error(
                        OP,
                        Some(resp.status),
                        DecodeErrorKind::Invalid("no `data` array".into()),
                        "expected an array or an object with a `data` array".into(),
                        &resp.body,
                        None,
                    ));
                }
            },
            _ => {
                return Err(http.decode_error(
                    OP,
                    Some(resp.status),
                    DecodeErrorKind::Invalid("not a list".into()),
                    "expected an array or an object with a `data` array".into(),
                    &resp.body,
                    None,
                ));
            }
        };
        from_value(http, OP, resp.status, &resp.body, items)
    }
}

fn from_value<T: DeserializeOwned>(
    http: &HttpClient,
    op: &'static str,
    status: hookbridge_core::reexports::http::StatusCode,
    body: &[u8],
    value: serde_json::Value,
) -> Result<T> {
    serde_json::from_value(value)
        .map_err(|e| http.decode_error(op, Some(status), DecodeErrorKind::Json, e.to_string(), body, Some(e)))
}

/// Delivery-event operations. Get one with [`BitnobClient::events`].
#[derive(Clone, Copy, Debug)]
pub struct DeliveryEvents<'a> {
    client: &'a BitnobClient,
}

impl<'a> DeliveryEvents<'a> {
    /// `GET /webhooks/events`: one page of deliveries, newest first.
    pub async fn list_page(&self, options: &ListEventsOptions) -> Result<CursorPage<DeliveryEvent>> {
        options.validate()?;
        let req = paging_query(Request::get("list_delivery_events", ["webhooks", "events"]), &options.page)
            .query_opt("status", options.status.as_ref())
            .query_opt("webhook_id", options.webhook_id.as_ref());
        self.client.http.json(req).await
    }

    /// Every delivery matching `options`, as a lazy stream following `next_cursor`.
    pub fn list(&self, options: &ListEventsOptions) -> BoxStream<'a, DeliveryEvent> {
        let client = self.client;
        let filters = options.clone();
        cursor_stream("list_delivery_events", client.page_limits, options.page.clone(), event_key, move |page| {
            let mut opts = filters.clone();
            opts.page = page;
            async move { client.events().list_page(&opts).await }
        })
    }

    /// `GET /webhooks/events/:id`.
    pub async fn get(&self, id: impl AsRef<str>) -> Result<DeliveryEvent> {
        let req = Request::get("get_delivery_event", event_path(id.as_ref())?);
        self.client.http.json(req).await
    }

    /// `POST /webhooks/events/:id/retry`: re-queues the delivery (e.g. `status: "queued"`).
    ///
    /// Never retried automatically: each call queues one more delivery attempt.
    pub async fn retry(&self, id: impl AsRef<str>) -> Result<RetryResult> {
        let mut path = event_path(id.as_ref())?;
        path.push(Cow::Borrowed("retry"));
        let req = Request::post("retry_delivery_event", path).retry_safe(false);
        self.client.http.json(req).await
    }
}
