//! Provider pages → unified [`Page`]s, with the next page expressed as a core [`PageRequest`]
//! (BLAZE offsets, Bitnob cursors, CHIP next URLs), exactly as the provider clients' own streams
//! compute it.
//!
//! ```
//! use hookbridge_adapters::page::bitnob_page;
//! use hookbridge_bitnob::{CursorPage, WebhookEndpoint};
//! use hookbridge_core::PageRequest;
//!
//! let page: CursorPage<WebhookEndpoint> = serde_json::from_str(
//!     r#"{"data": [{"id": "wh_1", "url": "https://example.com/a"}], "next_cursor": "c2"}"#,
//! )?;
//! let unified = bitnob_page(page);
//! assert_eq!(unified.items[0].urls, ["https://example.com/a"]);
//! assert_eq!(unified.next, Some(PageRequest::After("c2".into())));
//! # Ok::<(), serde_json::Error>(())
//! ```

use hookbridge_bitnob::{CursorPage, DeliveryEvent, WebhookEndpoint};
use hookbridge_blaze::SearchResult;
use hookbridge_chip::WebhookPage;
use hookbridge_core::{Endpoint, InvalidInput, Page, PageRequest};

use crate::delivery_log::DeliveryRecord;
use crate::endpoint::ProviderEndpoint;

/// Converts every item of a page of provider objects; the next-page request is kept.
pub fn endpoint_page<T: Into<ProviderEndpoint>>(page: Page<T>) -> Result<Page<Endpoint>, InvalidInput> {
    let items = page.items.into_iter().map(|w| w.into().to_unified()).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(items, page.next))
}

/// Converts a page of unified endpoints back to provider objects (each by its own provider).
pub fn provider_page(page: &Page<Endpoint>) -> Result<Page<ProviderEndpoint>, InvalidInput> {
    let items = page.items.iter().map(ProviderEndpoint::from_unified).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(items, page.next.clone()))
}

/// A BLAZE `SearchResult` (either envelope) fetched with `start` / `limit`: the next offset while
/// the page was full or `total` is not reached. Fails for a webhook without an `id`.
pub fn blaze_page(result: SearchResult, start: u64, limit: u64) -> Result<Page<Endpoint>, InvalidInput> {
    let total = result.total;
    let items = result.into_items();
    let next = Page::<Endpoint>::next_offset(start, items.len(), limit, total);
    endpoint_page(Page::new(items, next))
}

/// A Bitnob webhook page: the next page is `starting_after = next_cursor` while there is one.
pub fn bitnob_page(page: CursorPage<WebhookEndpoint>) -> Page<Endpoint> {
    let next = page.next_page_cursor().map(|c| PageRequest::After(c.to_owned()));
    Page::new(page.data.iter().map(Endpoint::from).collect(), next)
}

/// A Bitnob delivery-event page, as unified [`DeliveryRecord`]s.
pub fn bitnob_events_page(page: CursorPage<DeliveryEvent>) -> Page<DeliveryRecord> {
    let next = page.next_page_cursor().map(|c| PageRequest::After(c.to_owned()));
    Page::new(page.data.iter().map(DeliveryRecord::from).collect(), next)
}

/// A CHIP webhook page: the next page is the `next` URL. Fails when `next` is not a URL.
pub fn chip_page(page: WebhookPage) -> Result<Page<Endpoint>, InvalidInput> {
    let next = page
        .next_url()
        .map_err(|e| InvalidInput::new("next", format!("CHIP's next-page link is not a URL: {e}")))?
        .map(PageRequest::Url);
    Ok(Page::new(page.results.iter().map(Endpoint::from).collect(), next))
}
