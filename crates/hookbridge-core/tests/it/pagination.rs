use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use hookbridge_core::page::{paginate, paginate_for};
use hookbridge_core::{Error, InvalidInput, Page, PageLimits, PageRequest, PagingStop};

fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

#[tokio::test]
async fn is_lazy_and_walks_cursor_pages_in_order() {
    let calls = counter();
    let c = calls.clone();
    let mut stream = paginate(PageLimits::NONE, move |req| {
        c.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok(match req {
                PageRequest::First => Page::new(vec![1, 2], Some(PageRequest::After("c1".into()))),
                PageRequest::After(c) if c == "c1" => Page::new(vec![3], Some(PageRequest::After("c2".into()))),
                PageRequest::After(c) if c == "c2" => Page::new(vec![4], None),
                other => panic!("unexpected {other:?}"),
            })
        }
    });
    assert_eq!(calls.load(Ordering::SeqCst), 0, "nothing fetched before the first poll");
    assert_eq!(stream.next().await.unwrap().unwrap(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let rest: Vec<i32> = stream.map(Result::unwrap).collect().await;
    assert_eq!(rest, vec![2, 3, 4]);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn stops_on_a_repeated_cursor() {
    let calls = counter();
    let c = calls.clone();
    let items: Vec<_> = paginate(PageLimits::NONE, move |_req| {
        c.fetch_add(1, Ordering::SeqCst);
        // A broken server: always the same page and cursor.
        async move { Ok(Page::new(vec!["x"], Some(PageRequest::After("same".into())))) }
    })
    .collect()
    .await;
    assert_eq!(items.len(), 3, "first page + the page the cursor pointed to once + the error");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(err.as_paging().map(|p| p.reason), Some(PagingStop::RepeatedRequest { kind: "cursor" }));
    assert!(!err.to_string().contains("same"), "the cursor value is never shown: {err}");
}

/// Fresh cursor, same page (Bitnob-style): detected by content on the second page.
#[tokio::test]
async fn a_fresh_cursor_with_the_same_page_ends_with_a_typed_error() {
    let calls = counter();
    let c = calls.clone();
    let items: Vec<_> =
        paginate_for(hookbridge_core::ProviderId::new("bravo"), "list_webhooks", PageLimits::NONE, move |_req| {
            let n = c.fetch_add(1, Ordering::SeqCst);
            async move {
                let ids = vec!["wh_1".to_owned(), "wh_2".to_owned()];
                Ok(Page::keyed(ids, Some(PageRequest::After(format!("fresh-{n}"))), |id| id.as_str()))
            }
        })
        .collect()
        .await;
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(items.len(), 3);
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(err.as_paging().map(|p| p.reason), Some(PagingStop::RepeatedPage { page: 2, first_seen: 1 }));
    assert_eq!(
        err.to_string(),
        "bravo list_webhooks: listing stopped after 2 pages: page 2 repeats the items of page 1"
    );
}

/// Next URL with `page=N+1` and the same results (CHIP-style), and offset + same page (BLAZE-style).
#[tokio::test]
async fn new_urls_or_offsets_with_the_same_page_end_with_a_typed_error() {
    let items: Vec<_> = paginate(PageLimits::NONE, |req| async move {
        let n = match req {
            PageRequest::Url(u) => u.query().unwrap_or_default().trim_start_matches("page=").parse::<u32>().unwrap(),
            _ => 1,
        };
        let next = format!("https://gate.example/webhooks/?page={}", n + 1).parse().unwrap();
        Ok(Page::keyed(vec![10u32, 11], Some(PageRequest::Url(next)), |x| x))
    })
    .collect()
    .await;
    assert_eq!(items.len(), 3);
    assert!(matches!(items[2].as_ref().unwrap_err().as_paging().unwrap().reason, PagingStop::RepeatedPage { .. }));

    let items: Vec<_> = paginate(PageLimits::NONE, |req| async move {
        let start = match req {
            PageRequest::Offset { start } => start,
            _ => 0,
        };
        Ok(Page::keyed(vec![1u8, 2], Some(PageRequest::Offset { start: start + 2 }), |x| x))
    })
    .collect()
    .await;
    assert_eq!(items.len(), 3);
    assert!(items[2].as_ref().unwrap_err().as_paging().is_some());
}

/// A server that pages forever with new content ends at the default cap, with an error.
#[tokio::test]
async fn the_default_page_cap_ends_an_endless_listing() {
    assert_eq!(PageLimits::default().max_pages, Some(PageLimits::DEFAULT_MAX_PAGES));
    let calls = counter();
    let c = calls.clone();
    let items: Vec<_> = paginate(PageLimits::default(), move |_req| {
        let n = c.fetch_add(1, Ordering::SeqCst) as u64;
        async move { Ok(Page::keyed(vec![n], Some(PageRequest::Offset { start: n + 1 }), |x| x)) }
    })
    .collect()
    .await;
    assert_eq!(calls.load(Ordering::SeqCst) as u64, PageLimits::DEFAULT_MAX_PAGES);
    let err = items.last().unwrap().as_ref().unwrap_err();
    assert_eq!(
        err.as_paging().map(|p| p.reason),
        Some(PagingStop::PageCap { max_pages: PageLimits::DEFAULT_MAX_PAGES })
    );
}

#[tokio::test]
async fn stops_on_an_empty_page_even_with_a_next_cursor() {
    let calls = counter();
    let c = calls.clone();
    let items: Vec<_> = paginate(PageLimits::NONE, move |req| {
        c.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok(match req {
                PageRequest::First => Page::new(vec![1u8], Some(PageRequest::Offset { start: 1 })),
                _ => Page::new(vec![], Some(PageRequest::Offset { start: 2 })),
            })
        }
    })
    .collect()
    .await;
    assert_eq!(items.len(), 1);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn honours_max_pages_and_max_items() {
    let fetch = |req: PageRequest| async move {
        let start = match req {
            PageRequest::Offset { start } => start,
            _ => 0,
        };
        let items: Vec<u64> = (start..start + 10).collect();
        Ok(Page::new(items, Some(PageRequest::Offset { start: start + 10 })))
    };
    let by_pages: Vec<_> = paginate(PageLimits::default().max_pages(3), fetch).collect().await;
    assert_eq!(by_pages.len(), 31, "30 items, then the page-cap error");
    assert!(by_pages[..30].iter().all(Result::is_ok));
    assert_eq!(by_pages[30].as_ref().unwrap_err().as_paging().map(|p| p.pages), Some(3));
    let by_items: Vec<u64> = paginate(PageLimits::default().max_items(25), fetch).map(Result::unwrap).collect().await;
    assert_eq!(by_items, (0..25).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_error_is_yielded_once_and_ends_the_stream() {
    let items: Vec<Result<u8, Error>> = paginate(PageLimits::NONE, |req| async move {
        match req {
            PageRequest::First => Ok(Page::new(vec![1u8], Some(PageRequest::After("c".into())))),
            _ => Err(InvalidInput::new("cursor", "boom").into()),
        }
    })
    .collect()
    .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert!(items[1].as_ref().unwrap_err().is_invalid_input());
}

#[test]
fn next_offset_rules() {
    assert_eq!(Page::<u8>::next_offset(0, 100, 100, None), Some(PageRequest::Offset { start: 100 }));
    assert_eq!(Page::<u8>::next_offset(0, 40, 100, None), None);
    assert_eq!(Page::<u8>::next_offset(100, 100, 100, Some(200)), None);
    assert_eq!(Page::<u8>::next_offset(100, 50, 50, Some(200)), Some(PageRequest::Offset { start: 150 }));
    assert_eq!(Page::<u8>::next_offset(0, 0, 100, Some(10)), None);
}
