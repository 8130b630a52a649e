use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use hookbridge_core::page::paginate;
use hookbridge_core::{Error, InvalidInput, Page, PageLimits, PageRequest};

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
    assert_eq!(items.len(), 2, "first page + the page the cursor pointed to once");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
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
    assert_eq!(by_pages.len(), 30);
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
