//! `list`: a lazy stream over every page, on core's paginator, with Stripe's cursors.

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use hookbridge_core::page::PageLimits;
use hookbridge_core::{Error, PagingStop};
use hookbridge_stripe::{
    List, ListWebhookEndpoints, RequestOptions, WebhookEndpoint, WebhookEndpointId, webhook_endpoints,
};

use crate::common::{decode, outgoing};

const PAGE_1_LAST: &str = "we_1PgA0002LkdIwHu7ixBBBB";
const PAGE_2_LAST: &str = "we_1PgA0004LkdIwHu7ixDDDD";

/// Serves the three fixture pages by `starting_after`, recording every request's query.
fn three_pages(
    seen: Arc<Mutex<Vec<Option<String>>>>,
) -> impl FnMut(hookbridge_stripe::StripeRequest) -> std::future::Ready<hookbridge_core::Result<List<WebhookEndpoint>>> + Send
{
    move |request| {
        let out = outgoing(&request);
        out.assert("GET", "/v1/webhook_endpoints", out.url.query());
        seen.lock().unwrap().push(out.url.query().map(str::to_owned));
        let after = request.query().iter().find(|(k, _)| *k == "starting_after").map(|(_, v)| v.clone());
        let page = match after.as_deref() {
            None => "webhook_endpoints_page_1.json",
            Some(PAGE_1_LAST) => "webhook_endpoints_page_2.json",
            Some(PAGE_2_LAST) => "webhook_endpoints_page_3.json",
            Some(other) => panic!("unexpected cursor {other}"),
        };
        std::future::ready(Ok(decode(page)))
    }
}

fn ids(items: &[hookbridge_core::Result<WebhookEndpoint>]) -> Vec<String> {
    items.iter().map(|r| r.as_ref().unwrap().id.to_string()).collect()
}

#[tokio::test]
async fn three_pages_follow_the_last_id_until_has_more_is_false() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let items: Vec<_> = webhook_endpoints::list(
        ListWebhookEndpoints::new().limit(2),
        RequestOptions::new(),
        PageLimits::default(),
        three_pages(Arc::clone(&seen)),
    )
    .collect()
    .await;
    assert_eq!(
        ids(&items),
        [
            "we_1PgA0001LkdIwHu7ixAAAA",
            "we_1PgA0002LkdIwHu7ixBBBB",
            "we_1PgA0003LkdIwHu7ixCCCC",
            "we_1PgA0004LkdIwHu7ixDDDD",
            "we_1PgA0005LkdIwHu7ixEEEE",
        ]
    );
    assert_eq!(
        *seen.lock().unwrap(),
        [
            Some("limit=2".to_owned()),
            Some(format!("limit=2&starting_after={PAGE_1_LAST}")),
            Some(format!("limit=2&starting_after={PAGE_2_LAST}")),
        ]
    );
}

#[tokio::test]
async fn pages_are_fetched_only_when_needed() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut stream = webhook_endpoints::list(
        ListWebhookEndpoints::new(),
        RequestOptions::new(),
        PageLimits::default(),
        three_pages(Arc::clone(&seen)),
    );
    assert!(seen.lock().unwrap().is_empty(), "nothing is fetched before the stream is polled");
    let first_two: Vec<_> = stream.by_ref().take(2).collect().await;
    assert_eq!(ids(&first_two).len(), 2);
    assert_eq!(seen.lock().unwrap().len(), 1, "two items come from the first page");
    assert!(stream.next().await.is_some());
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_caller_cursor_is_the_start_and_one_page_without_more_ends_it() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let start = WebhookEndpointId::new(PAGE_2_LAST).unwrap();
    let items: Vec<_> = webhook_endpoints::list(
        ListWebhookEndpoints::new().starting_after(start),
        RequestOptions::new(),
        PageLimits::default(),
        three_pages(Arc::clone(&seen)),
    )
    .collect()
    .await;
    assert_eq!(ids(&items), ["we_1PgA0005LkdIwHu7ixEEEE"]);
    assert_eq!(*seen.lock().unwrap(), [Some(format!("starting_after={PAGE_2_LAST}"))]);
}

#[tokio::test]
async fn paging_backward_follows_the_first_id_with_ending_before() {
    // Stripe lists newest first; `ending_before` pages toward newer endpoints.
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorded = Arc::clone(&seen);
    let items: Vec<_> = webhook_endpoints::list(
        ListWebhookEndpoints::new()
            .limit(2)
            .ending_before(WebhookEndpointId::new("we_1PgA0005LkdIwHu7ixEEEE").unwrap()),
        RequestOptions::new(),
        PageLimits::default(),
        move |request| {
            let query = request.query().to_vec();
            recorded.lock().unwrap().push(query.clone());
            assert!(query.iter().all(|(k, _)| *k != "starting_after"));
            let before = query.iter().find(|(k, _)| *k == "ending_before").map(|(_, v)| v.clone());
            let page = match before.as_deref() {
                Some("we_1PgA0005LkdIwHu7ixEEEE") => "webhook_endpoints_page_2.json",
                Some("we_1PgA0003LkdIwHu7ixCCCC") => {
                    let mut last: List<WebhookEndpoint> = decode("webhook_endpoints_page_1.json");
                    last.has_more = false;
                    return std::future::ready(Ok(last));
                }
                other => panic!("unexpected cursor {other:?}"),
            };
            std::future::ready(Ok(decode(page)))
        },
    )
    .collect()
    .await;
    assert_eq!(ids(&items).len(), 4);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_repeated_page_ends_the_stream_with_a_paging_error() {
    // A server that answers every cursor with page 1 (`has_more: true`) again.
    let fetches = Arc::new(Mutex::new(0));
    let counter = Arc::clone(&fetches);
    let items: Vec<_> =
        webhook_endpoints::list(ListWebhookEndpoints::new(), RequestOptions::new(), PageLimits::default(), move |_| {
            *counter.lock().unwrap() += 1;
            std::future::ready(Ok(decode::<List<WebhookEndpoint>>("webhook_endpoints_page_1.json")))
        })
        .collect()
        .await;
    assert_eq!(items.len(), 3, "two items, then the error");
    let err = items[2].as_ref().unwrap_err();
    assert!(
        matches!(err.as_paging().map(|p| p.reason), Some(PagingStop::RepeatedPage { page: 2, first_seen: 1 })),
        "{err}"
    );
    assert_eq!(*fetches.lock().unwrap(), 2);
}

#[tokio::test]
async fn the_page_cap_ends_the_stream_with_a_paging_error() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let items: Vec<_> = webhook_endpoints::list(
        ListWebhookEndpoints::new(),
        RequestOptions::new(),
        PageLimits::default().max_pages(2),
        three_pages(Arc::clone(&seen)),
    )
    .collect()
    .await;
    assert_eq!(items.len(), 5, "four items, then the error");
    assert!(matches!(
        items[4].as_ref().unwrap_err().as_paging().map(|p| p.reason),
        Some(PagingStop::PageCap { max_pages: 2 })
    ));
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_failed_page_is_the_last_item() {
    let mut calls = 0;
    let items: Vec<_> =
        webhook_endpoints::list(ListWebhookEndpoints::new(), RequestOptions::new(), PageLimits::default(), move |_| {
            calls += 1;
            std::future::ready(if calls == 1 {
                Ok(decode::<List<WebhookEndpoint>>("webhook_endpoints_page_1.json"))
            } else {
                Err(Error::from(hookbridge_core::InvalidInput::new("test", "the second page failed")))
            })
        })
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert!(items[2].as_ref().is_err_and(|e| e.to_string().contains("the second page failed")));
}

#[tokio::test]
async fn refused_parameters_are_the_only_item_and_nothing_is_fetched() {
    let fetched = Arc::new(Mutex::new(false));
    let flag = Arc::clone(&fetched);
    let items: Vec<_> = webhook_endpoints::list(
        ListWebhookEndpoints::new().limit(0),
        RequestOptions::new(),
        PageLimits::default(),
        move |_| {
            *flag.lock().unwrap() = true;
            std::future::ready(Ok(decode::<List<WebhookEndpoint>>("webhook_endpoints_page_3.json")))
        },
    )
    .collect()
    .await;
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().is_err_and(Error::is_invalid_input));
    assert!(!*fetched.lock().unwrap());
}

#[test]
fn a_page_points_at_its_last_id_only_while_has_more() {
    use hookbridge_core::page::{Page, PageRequest};
    let page: Page<WebhookEndpoint> = decode::<List<WebhookEndpoint>>("webhook_endpoints_page_1.json").into();
    assert_eq!(page.next, Some(PageRequest::After(PAGE_1_LAST.to_owned())));
    assert!(page.content.is_some());
    let last: Page<WebhookEndpoint> = decode::<List<WebhookEndpoint>>("webhook_endpoints_page_3.json").into();
    assert_eq!(last.next, None);
    let mut empty: List<WebhookEndpoint> = decode("webhook_endpoints_page_1.json");
    empty.data.clear();
    assert_eq!(Page::from(empty).next, None, "has_more with no items has no cursor to follow");
}
