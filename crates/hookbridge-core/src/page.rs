//! One lazy pagination stream for every paging dialect: offsets (BLAZE `start`/`limit`), cursors
//! (Bitnob `starting_after`/`ending_before`/`next_cursor`) and next-page URLs (CHIP `next`).
//!
//! The stream fetches a page only when the previous one is consumed. It ends normally on an empty
//! page, on a page without a next page, or after [`PageLimits::max_items`] items. It **always
//! ends**, even against a server that pages forever:
//!
//! * **a default page cap**: [`PageLimits::default`] allows [`PageLimits::DEFAULT_MAX_PAGES`]
//!   (1 000) pages; every provider client uses it unless the caller sets other limits
//!   ([`PageLimits::max_pages`], or [`PageLimits::NONE`] for no cap);
//! * **loop detection by request**: a cursor, offset or next URL that was already followed;
//! * **loop detection by content**: a page whose item ids ([`Page::keyed`]) are those of an
//!   earlier page — a server handing out a fresh cursor (Bitnob), `?page=N+1` (CHIP) or the next
//!   offset (BLAZE) with the same page again.
//!
//! Each of these ends the stream with one [`Error::Paging`] naming the reason
//! ([`PagingStop`]), after the items already yielded; nothing is silently truncated.
//!
//! Memory is bounded: one page, plus at most [`REMEMBERED_PAGES`] 64-bit fingerprints of requests
//! and as many of page contents (the most recent ones; older ones are forgotten). Nothing about a
//! request is logged beyond its kind: cursors and next URLs may carry tokens.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use url::Url;

use crate::error::{Error, PagingError, PagingStop, Result};
use crate::provider::ProviderId;

/// How many recent request and page fingerprints a stream remembers for loop detection.
pub const REMEMBERED_PAGES: usize = 4096;

/// A boxed stream of results, usable behind `dyn` traits.
pub type BoxStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'a>>;

/// Which page to fetch.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageRequest {
    /// The first page.
    First,
    /// Offset paging: skip `start` records.
    Offset {
        /// Records to skip.
        start: u64,
    },
    /// Cursor paging forward: records after this cursor.
    After(String),
    /// Cursor paging backward: records before this cursor.
    Before(String),
    /// A next-page URL returned by the provider.
    Url(Url),
}

impl PageRequest {
    /// The kind of request, for logs and errors (`first`, `offset`, `cursor`, `url`): never the
    /// cursor or URL itself, which may carry a token.
    pub fn kind(&self) -> &'static str {
        match self {
            PageRequest::First => "first",
            PageRequest::Offset { .. } => "offset",
            PageRequest::After(_) | PageRequest::Before(_) => "cursor",
            PageRequest::Url(_) => "url",
        }
    }
}

/// One fetched page: its items and where the next page is, if anywhere.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// The next page; `None` ends the stream.
    pub next: Option<PageRequest>,
    /// A fingerprint of the page's content (its item ids), set by [`Page::keyed`]; used to stop
    /// a stream whose server repeats a page under a new cursor, offset or URL.
    pub content: Option<u64>,
}

impl<T> Page<T> {
    /// A page without a content fingerprint (only repeated requests are detected).
    pub fn new(items: Vec<T>, next: Option<PageRequest>) -> Self {
        Self { items, next, content: None }
    }

    /// A page whose content is identified by each item's `key` (its id): a later page with the
    /// same keys in the same order ends the stream with [`PagingStop::RepeatedPage`].
    pub fn keyed<K: Hash + ?Sized>(items: Vec<T>, next: Option<PageRequest>, key: impl Fn(&T) -> &K) -> Self {
        let mut h = DefaultHasher::new();
        items.len().hash(&mut h);
        for item in &items {
            key(item).hash(&mut h);
        }
        Self { content: Some(h.finish()), items, next }
    }

    /// Maps the items (the content fingerprint is kept).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next, content: self.content }
    }

    /// The next page for offset paging: `start + len` while the page was full, else `None`.
    pub fn next_offset(start: u64, len: usize, limit: u64, total: Option<u64>) -> Option<PageRequest> {
        let next = start.saturating_add(len as u64);
        let more = match total {
            Some(total) => next < total,
            None => len as u64 >= limit,
        };
        (len > 0 && more).then_some(PageRequest::Offset { start: next })
    }
}

/// Safety limits for a pagination stream.
///
/// The default caps a listing at [`PageLimits::DEFAULT_MAX_PAGES`] pages: reaching the cap while
/// the server still offers a next page ends the stream with [`PagingStop::PageCap`] (an error,
/// not a silent truncation). [`PageLimits::max_items`] is the caller's own bound and ends the
/// stream normally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageLimits {
    /// Fail with [`PagingStop::PageCap`] rather than fetch more than this many pages.
    pub max_pages: Option<u64>,
    /// End the stream (normally) after this many items.
    pub max_items: Option<u64>,
}

impl Default for PageLimits {
    /// At most [`PageLimits::DEFAULT_MAX_PAGES`] pages, no item limit.
    fn default() -> Self {
        Self { max_pages: Some(Self::DEFAULT_MAX_PAGES), max_items: None }
    }
}

impl PageLimits {
    /// The default page cap of every listing (1 000 pages: 100 000 items at a page size of 100).
    pub const DEFAULT_MAX_PAGES: u64 = 1_000;

    /// No page or item cap; loop detection (repeated requests and pages) still applies.
    pub const NONE: PageLimits = PageLimits { max_pages: None, max_items: None };

    /// Sets the page limit.
    pub fn max_pages(mut self, n: u64) -> Self {
        self.max_pages = Some(n);
        self
    }

    /// Sets the item limit.
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }
}

/// The stream behind [`paginate`]. Every field is `Unpin` whatever `T`, `F` and `Fut` are (the
/// closure and the buffer are boxed, the in-flight fetch is pinned in a box), so `poll_next`
/// works on plain `&mut self`; an item already on a page is handed out without any async
/// machinery, which keeps the per-item cost close to a plain iterator.
struct Paginator<T, F, Fut> {
    fetch: Box<F>,
    in_flight: Option<Pin<Box<Fut>>>,
    next: Option<PageRequest>,
    buffer: Box<std::vec::IntoIter<T>>,
    seen_requests: Box<Window>,
    seen_pages: Box<Window>,
    pages: u64,
    items: u64,
    limits: PageLimits,
    done: bool,
    provider: Option<ProviderId>,
    operation: &'static str,
}

/// The most recent [`REMEMBERED_PAGES`] fingerprints, with the page number each was seen at.
#[derive(Default)]
struct Window {
    order: VecDeque<u64>,
    at: HashMap<u64, u64>,
}

impl Window {
    /// Records `fp` seen at page `page`; returns the page it was seen at before, if remembered.
    fn check_insert(&mut self, fp: u64, page: u64) -> Option<u64> {
        if let Some(first) = self.at.get(&fp) {
            return Some(*first);
        }
        if self.order.len() >= REMEMBERED_PAGES
            && let Some(old) = self.order.pop_front()
        {
            self.at.remove(&old);
        }
        self.order.push_back(fp);
        self.at.insert(fp, page);
        None
    }
}

impl<T, F, Fut> Paginator<T, F, Fut> {
    fn stop(&mut self, reason: PagingStop) -> Poll<Option<Result<T>>> {
        self.done = true;
        tracing::warn!(pages = self.pages, %reason, "pagination stopped");
        Poll::Ready(Some(Err(Error::Paging(Box::new(PagingError {
            provider: self.provider,
            operation: self.operation,
            pages: self.pages,
            reason,
        })))))
    }
}

impl<T, F, Fut> Stream for Paginator<T, F, Fut>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done || this.limits.max_items.is_some_and(|max| this.items >= max) {
                this.done = true;
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffer.next() {
                this.items += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(fut) = this.in_flight.as_mut() {
                let result = std::task::ready!(fut.as_mut().poll(cx));
                this.in_flight = None;
                match result {
                    Ok(page) if page.items.is_empty() => this.done = true,
                    Ok(page) => {
                        if let Some(content) = page.content
                            && let Some(first_seen) = this.seen_pages.check_insert(content, this.pages)
                        {
                            return this.stop(PagingStop::RepeatedPage { page: this.pages, first_seen });
                        }
                        this.next = page.next;
                        *this.buffer = page.items.into_iter();
                    }
                    Err(e) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                continue;
            }
            let Some(req) = this.next.take() else {
                this.done = true;
                return Poll::Ready(None);
            };
            if let Some(max) = this.limits.max_pages.filter(|max| this.pages >= *max) {
                return this.stop(PagingStop::PageCap { max_pages: max });
            }
            if this.seen_requests.check_insert(fingerprint(&req), this.pages + 1).is_some() {
                return this.stop(PagingStop::RepeatedRequest { kind: req.kind() });
            }
            this.pages += 1;
            this.in_flight = Some(Box::pin((this.fetch)(req)));
        }
    }
}

fn fingerprint(req: &PageRequest) -> u64 {
    let mut h = DefaultHasher::new();
    req.hash(&mut h);
    h.finish()
}

/// Turns a page-fetching function into a lazy stream of items (see the [module docs](self) for
/// when it ends). Errors it raises itself name no provider; see [`paginate_for`].
///
/// ```
/// use futures_util::StreamExt;
/// use hookbridge_core::page::{paginate, Page, PageLimits, PageRequest};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// // A server with 5 items, 2 per page, offset-paged.
/// let items: Vec<u32> = paginate(PageLimits::NONE, |req| async move {
///     let start = match req { PageRequest::Offset { start } => start, _ => 0 };
///     let page: Vec<u32> = (start as u32..5).take(2).collect();
///     let next = Page::<u32>::next_offset(start, page.len(), 2, Some(5));
///     Ok(Page::new(page, next))
/// })
/// .map(|r| r.unwrap())
/// .collect()
/// .await;
/// assert_eq!(items, vec![0, 1, 2, 3, 4]);
/// # });
/// ```
pub fn paginate<'a, T, F, Fut>(limits: PageLimits, fetch: F) -> BoxStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    paginator(None, "list", limits, fetch)
}

/// [`paginate`] for a provider's `operation`: a [`PagingError`] it raises names them.
pub fn paginate_for<'a, T, F, Fut>(
    provider: ProviderId,
    operation: &'static str,
    limits: PageLimits,
    fetch: F,
) -> BoxStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    paginator(Some(provider), operation, limits, fetch)
}

fn paginator<'a, T, F, Fut>(
    provider: Option<ProviderId>,
    operation: &'static str,
    limits: PageLimits,
    fetch: F,
) -> BoxStream<'a, T>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    Box::pin(Paginator {
        fetch: Box::new(fetch),
        in_flight: None,
        next: Some(PageRequest::First),
        buffer: Box::new(Vec::new().into_iter()),
        seen_requests: Box::default(),
        seen_pages: Box::default(),
        pages: 0,
        items: 0,
        limits,
        done: false,
        provider,
        operation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loop_window_is_bounded_and_forgets_the_oldest() {
        let mut w = Window::default();
        for fp in 0..(REMEMBERED_PAGES as u64 + 10) {
            assert_eq!(w.check_insert(fp, fp + 1), None);
        }
        assert_eq!(w.order.len(), REMEMBERED_PAGES);
        assert_eq!(w.at.len(), REMEMBERED_PAGES);
        assert_eq!(w.check_insert(0, 99_999), None, "the oldest was forgotten");
        assert_eq!(w.check_insert(REMEMBERED_PAGES as u64 + 9, 100_000), Some(REMEMBERED_PAGES as u64 + 10));
    }
}
