//! The Webhook Endpoints resource (docs.stripe.com/api/webhook_endpoints): each operation builds
//! its [`StripeRequest`] (validated before anything is sent); [`list`] drives the cursor paging
//! over any page-fetching function.
//!
//! | operation | request | response |
//! |---|---|---|
//! | [`create`] | `POST /v1/webhook_endpoints` (form, `Idempotency-Key`) | [`WebhookEndpoint`] with `secret` |
//! | [`retrieve`] | `GET /v1/webhook_endpoints/{id}` | [`WebhookEndpoint`] |
//! | [`update`] | `POST /v1/webhook_endpoints/{id}` (form, `Idempotency-Key`) | [`WebhookEndpoint`] |
//! | [`list_page`] | `GET /v1/webhook_endpoints?limit&starting_after&ending_before` | [`List`]`<`[`WebhookEndpoint`]`>` |
//! | [`list`] | one [`list_page`] per page, lazily | a stream of [`WebhookEndpoint`] |
//! | [`delete`] | `DELETE /v1/webhook_endpoints/{id}` | [`DeletedWebhookEndpoint`] |
//!
//! [`WebhookEndpoint`]: crate::WebhookEndpoint
//! [`DeletedWebhookEndpoint`]: crate::DeletedWebhookEndpoint

use std::future::Future;

use hookbridge_core::page::{Page, PageLimits, PageRequest, paginate_for};
use hookbridge_core::reexports::http::Method;
use hookbridge_core::{BoxStream, InvalidInput};

use crate::ids::WebhookEndpointId;
use crate::model::{List, WebhookEndpoint};
use crate::params::{CreateWebhookEndpoint, ListWebhookEndpoints, UpdateWebhookEndpoint};
use crate::request::{RequestOptions, StripeRequest};

const RESOURCE: &str = "webhook_endpoints";

fn collection() -> Vec<String> {
    vec!["v1".to_owned(), RESOURCE.to_owned()]
}

fn member(id: &WebhookEndpointId) -> Vec<String> {
    vec!["v1".to_owned(), RESOURCE.to_owned(), id.as_str().to_owned()]
}

/// `POST /v1/webhook_endpoints`: create a webhook endpoint. The response ([`WebhookEndpoint`])
/// is the only one that carries the endpoint's signing `secret`.
///
/// The request carries an `Idempotency-Key` (generated unless `options` give one or omit it), so
/// a retry after a lost response returns the endpoint created by the first attempt.
pub fn create(params: &CreateWebhookEndpoint, options: &RequestOptions) -> Result<StripeRequest, InvalidInput> {
    let form = params.to_form()?;
    Ok(StripeRequest::new(Method::POST, "create_webhook_endpoint", collection(), options)?.with_form(form))
}

/// `GET /v1/webhook_endpoints/{id}`: retrieve a webhook endpoint.
pub fn retrieve(id: &WebhookEndpointId, options: &RequestOptions) -> Result<StripeRequest, InvalidInput> {
    StripeRequest::new(Method::GET, "retrieve_webhook_endpoint", member(id), options)
}

/// `POST /v1/webhook_endpoints/{id}`: update a webhook endpoint (only the fields `params` set).
pub fn update(
    id: &WebhookEndpointId,
    params: &UpdateWebhookEndpoint,
    options: &RequestOptions,
) -> Result<StripeRequest, InvalidInput> {
    let request = StripeRequest::new(Method::POST, "update_webhook_endpoint", member(id), options)?;
    Ok(request.with_form(params.to_form()?))
}

/// `GET /v1/webhook_endpoints`: one page of webhook endpoints ([`List`]), newest first.
pub fn list_page(params: &ListWebhookEndpoints, options: &RequestOptions) -> Result<StripeRequest, InvalidInput> {
    let query = params.to_query()?;
    Ok(StripeRequest::new(Method::GET, "list_webhook_endpoints", collection(), options)?.with_query(query))
}

/// `DELETE /v1/webhook_endpoints/{id}`: delete a webhook endpoint
/// ([`DeletedWebhookEndpoint`](crate::DeletedWebhookEndpoint)). Deleting one already deleted is
/// an error (404).
pub fn delete(id: &WebhookEndpointId, options: &RequestOptions) -> Result<StripeRequest, InvalidInput> {
    StripeRequest::new(Method::DELETE, "delete_webhook_endpoint", member(id), options)
}

/// Every webhook endpoint from `params` on, as a lazy stream: one [`list_page`] request per page,
/// handed to `fetch` only when the previous page has been consumed.
///
/// Paging forward (no `ending_before` in `params`): each next page starts after the last
/// endpoint of the page before (`starting_after = <last id>`) while `has_more` is `true`.
/// Paging backward (`ending_before` set): each next page ends before the first endpoint of the
/// page before. The stream ends when `has_more` is `false` or a page is empty; it ends with
/// [`hookbridge_core::Error::Paging`] when Stripe repeats a cursor or a page, or at the page cap
/// of `limits` (use [`PageLimits::default`]). A refused parameter or a failed fetch is yielded
/// as the stream's last item.
///
/// `fetch` sends the request and decodes the page: [`StripeClient`](crate::StripeClient)'s
/// [`Webhooks::list`](crate::Webhooks::list) passes one that sends it with `hookbridge-core`'s
/// transport. A paging error names Stripe and the operation `list_webhook_endpoints`.
///
/// ```
/// use futures_util::StreamExt;
/// use hookbridge_core::page::PageLimits;
/// use hookbridge_stripe::{List, ListWebhookEndpoints, RequestOptions, WebhookEndpoint, webhook_endpoints};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// // Two pages served from memory: the second is asked for after `we_2`.
/// let page = |ids: &[&str], has_more: bool| -> List<WebhookEndpoint> {
///     let data: Vec<serde_json::Value> = ids.iter().map(|id| serde_json::json!({
///         "id": id, "object": "webhook_endpoint", "api_version": null, "application": null,
///         "created": 1680122196, "description": null, "enabled_events": ["*"], "livemode": false,
///         "metadata": {}, "status": "enabled", "url": "https://example.com/hook"
///     })).collect();
///     serde_json::from_value(serde_json::json!({
///         "object": "list", "data": data, "has_more": has_more, "url": "/v1/webhook_endpoints"
///     })).unwrap()
/// };
/// let ids: Vec<String> = webhook_endpoints::list(
///     ListWebhookEndpoints::new().limit(2),
///     RequestOptions::new(),
///     PageLimits::default(),
///     |request| {
///         let after = request.query().iter().find(|(k, _)| *k == "starting_after").map(|(_, v)| v.clone());
///         let list = match after.as_deref() {
///             None => page(&["we_1", "we_2"], true),
///             _ => page(&["we_3"], false),
///         };
///         async move { Ok(list) }
///     },
/// )
/// .map(|endpoint| endpoint.unwrap().id.to_string())
/// .collect()
/// .await;
/// assert_eq!(ids, ["we_1", "we_2", "we_3"]);
/// # });
/// ```
pub fn list<'a, F, Fut>(
    params: ListWebhookEndpoints,
    options: RequestOptions,
    limits: PageLimits,
    mut fetch: F,
) -> BoxStream<'a, WebhookEndpoint>
where
    F: FnMut(StripeRequest) -> Fut + Send + 'a,
    Fut: Future<Output = hookbridge_core::Result<List<WebhookEndpoint>>> + Send + 'a,
{
    let backward = params.ending_before.is_some();
    paginate_for(crate::PROVIDER, "list_webhook_endpoints", limits, move |page| {
        let mut page_params = params.clone();
        match page {
            PageRequest::After(cursor) => {
                page_params.starting_after = Some(WebhookEndpointId::from_provider(cursor));
                page_params.ending_before = None;
            }
            PageRequest::Before(cursor) => {
                page_params.ending_before = Some(WebhookEndpointId::from_provider(cursor));
                page_params.starting_after = None;
            }
            _ => {}
        }
        let sent = list_page(&page_params, &options).map(&mut fetch);
        async move {
            let list = sent?.await?;
            Ok(if backward { backward_page(list) } else { Page::from(list) })
        }
    })
}

/// A page when paging backward: while `has_more`, the next page ends before this page's first
/// (newest) endpoint.
fn backward_page(list: List<WebhookEndpoint>) -> Page<WebhookEndpoint> {
    let next = match (list.has_more, list.data.first()) {
        (true, Some(first)) => Some(PageRequest::Before(first.id.as_str().to_owned())),
        _ => None,
    };
    Page::keyed(list.data, next, |endpoint| endpoint.id.as_str())
}
