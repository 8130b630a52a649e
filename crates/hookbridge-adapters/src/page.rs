//! Provider pages ⇄ unified [`Page`]s, for every registered provider. The next-page request is
//! kept as it is.
//!
//! Pages as each provider's API returns them (BLAZE offsets, Bitnob cursors, CHIP next URLs)
//! become unified pages in the provider crates, which know their envelopes (each listing
//! provider crate's `unified::endpoint_page`).
//!
//! ```
//! use hookbridge_adapters::ProviderEndpoint;
//! use hookbridge_adapters::page::{endpoint_page, provider_page};
//! use hookbridge_core::{Page, PageRequest, ProviderId};
//!
//! let bitnob = ProviderId::new("bitnob");
//! let item = ProviderEndpoint::new(bitnob, serde_json::json!({"id": "wh_1", "url": "https://example.com/a"}))?;
//! let page = Page::new(vec![item], Some(PageRequest::After("c2".into())));
//! let unified = endpoint_page(page)?;
//! assert_eq!(unified.items[0].urls, ["https://example.com/a"]);
//! let back = provider_page(&unified)?;
//! assert_eq!(back.next, Some(PageRequest::After("c2".into())));
//! # Ok::<(), hookbridge_core::InvalidInput>(())
//! ```

use hookbridge_core::{Endpoint, InvalidInput, Page};

use crate::endpoint::ProviderEndpoint;

/// Converts every item of a page of provider objects to the unified model.
///
/// # Errors
/// The first item the unified model cannot hold.
pub fn endpoint_page(page: Page<ProviderEndpoint>) -> Result<Page<Endpoint>, InvalidInput> {
    let items = page.items.iter().map(ProviderEndpoint::to_unified).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(items, page.next))
}

/// Converts a page of unified endpoints back to provider objects (each by its own provider).
///
/// # Errors
/// The first endpoint its provider's object cannot hold.
pub fn provider_page(page: &Page<Endpoint>) -> Result<Page<ProviderEndpoint>, InvalidInput> {
    let items = page.items.iter().map(ProviderEndpoint::from_unified).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::new(items, page.next.clone()))
}
