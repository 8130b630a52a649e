//! One lazy pagination stream for every paging dialect: offsets (BLAZE `start`/`limit`), cursors
//! (Bitnob `starting_after`/`ending_before`/`next_cursor`) and next-page URLs (CHIP `next`).
//!
//! The stream fetches a page only when the previous one is consumed, and stops on an empty page,
//! on a cursor it has already followed (so a misbehaving server cannot loop it forever), after
//! [`PageLimits::max_pages`] pages or [`PageLimits::max_items`] items. Memory held is one page
//! plus one 64-bit fingerprint per page followed.

use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use url::Url;

use crate::error::Result;

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

/// One fetched page: its items and where the next page is, if anywhere.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// Items on this page.
    pub items: Vec<T>,
    /// The next page; `None` ends the stream.
    pub next: Option<PageRequest>,
}

impl<T> Page<T> {
    /// A page.
    pub fn new(items: Vec<T>, next: Option<PageRequest>) -> Self {
        Self { items, next }
    }

    /// Maps the items.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageLimits {
    /// Stop after this many pages.
    pub max_pages: Option<u64>,
    /// Stop after this many items.
    pub max_items: Option<u64>,
}

impl PageLimits {
    /// No limits beyond the built-in loop protection.
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
    seen: HashSet<u64>,
    pages: u64,
    items: u64,
    limits: PageLimits,
    done: bool,
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
            if this.limits.max_pages.is_some_and(|max| this.pages >= max) {
                this.done = true;
                return Poll::Ready(None);
            }
            if !this.seen.insert(fingerprint(&req)) {
                tracing::warn!(?req, "pagination stopped: the provider repeated a cursor");
                this.done = true;
                return Poll::Ready(None);
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

/// Turns a page-fetching function into a lazy stream of items.
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
    Box::pin(Paginator {
        fetch: Box::new(fetch),
        in_flight: None,
        next: Some(PageRequest::First),
        buffer: Box::new(Vec::new().into_iter()),
        seen: HashSet::new(),
        pages: 0,
        items: 0,
        limits,
        done: false,
    })
}
