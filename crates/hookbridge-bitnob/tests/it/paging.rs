//! Cursor paging: lazy all-pages streams, repeated-cursor protection.

use futures_util::{StreamExt, TryStreamExt};
use hookbridge_bitnob::{DeliveryStatus, ListEventsOptions, ListOptions};
use hookbridge_core::{PageLimits, PagingStop};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

async fn mount_three_pages(server: &wiremock::MockServer) {
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(json_response(200, "webhooks_page_1.json"))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .and(query_param("starting_after", "cur_page_2"))
        .respond_with(json_response(200, "webhooks_page_2.json"))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .and(query_param("starting_after", "cur_page_3"))
        .respond_with(json_response(200, "webhooks_page_3.json"))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn webhooks_stream_walks_three_pages_following_next_cursor() {
    let server = server().await;
    mount_three_pages(&server).await;
    let client = client(&server);
    let all: Vec<_> = client.webhooks().list(&ListOptions::new().limit(2)).try_collect().await.unwrap();

    let ids: Vec<&str> = all.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            WEBHOOK_ID,
            "8b1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
            "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
            "c7d8e9f0-1a2b-4c3d-9e4f-5a6b7c8d9e0f"
        ]
    );
    let queries: Vec<Vec<(String, String)>> = requests(&server).await.iter().map(query).collect();
    assert_eq!(
        queries,
        vec![
            vec![("limit".to_owned(), "2".to_owned())],
            vec![("starting_after".to_owned(), "cur_page_2".to_owned()), ("limit".to_owned(), "2".to_owned())],
            vec![("starting_after".to_owned(), "cur_page_3".to_owned()), ("limit".to_owned(), "2".to_owned())],
        ]
    );
}

#[tokio::test]
async fn streams_are_lazy() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(json_response(200, "webhooks_page_1.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream = client.webhooks().list(&ListOptions::default());
    assert!(requests(&server).await.is_empty(), "nothing is fetched before polling");
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_str(), WEBHOOK_ID);
    let _second = stream.next().await.unwrap().unwrap();
    drop(stream);
    assert_eq!(requests(&server).await.len(), 1, "page 2 is fetched only when needed");
}

#[tokio::test]
async fn a_server_repeating_the_same_cursor_cannot_loop_the_stream() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(raw_json(
            200,
            r#"{"data": [{"id": "wh_loop", "url": "https://example.com/x"}], "next_cursor": "stuck", "has_more": true}"#,
        ))
        .expect(2)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).webhooks().list(&ListOptions::default()).collect().await;
    assert_eq!(all.len(), 2, "the first page, then the error for the repeated page");
    let err = all[1].as_ref().unwrap_err();
    assert_eq!(err.as_paging().map(|p| p.reason), Some(PagingStop::RepeatedPage { page: 2, first_seen: 1 }));
    let queries: Vec<_> = requests(&server).await.iter().map(query).collect();
    assert_eq!(queries, vec![vec![], vec![("starting_after".to_owned(), "stuck".to_owned())]]);
}

/// A server that hands out a fresh cursor with the same page every time: the stream ends on
/// the second request with a typed error naming the reason.
#[tokio::test]
async fn a_fresh_cursor_with_the_same_page_ends_with_a_paging_error() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let server = server().await;
    let n = AtomicUsize::new(0);
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(move |_: &wiremock::Request| {
            let i = n.fetch_add(1, Ordering::SeqCst);
            raw_json(
                200,
                &format!(
                    r#"{{"data": [{{"id": "wh_1", "url": "https://example.com/x"}}, {{"id": "wh_2", "url": "https://example.com/y"}}], "next_cursor": "fresh_{i}"}}"#
                ),
            )
        })
        .expect(2)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).webhooks().list(&ListOptions::default()).collect().await;
    assert_eq!(all.len(), 3);
    let err = all[2].as_ref().unwrap_err();
    assert_eq!(
        err.to_string(),
        "bitnob list_webhooks: listing stopped after 2 pages: page 2 repeats the items of page 1"
    );
    assert!(!err.to_string().contains("fresh_"));
}

#[tokio::test]
async fn page_limits_bound_the_stream() {
    let server = server().await;
    for (cursor, file, expected) in [
        (None, "webhooks_page_1.json", 1),
        (Some("cur_page_2"), "webhooks_page_2.json", 1),
        (Some("cur_page_3"), "webhooks_page_3.json", 0),
    ] {
        let mock = Mock::given(method("GET")).and(path("/webhooks"));
        let mock = match cursor {
            None => mock.and(query_param_is_missing("starting_after")),
            Some(c) => mock.and(query_param("starting_after", c)),
        };
        mock.respond_with(json_response(200, file)).expect(expected).mount(&server).await;
    }
    let client = client(&server).page_limits(PageLimits::NONE.max_pages(2));
    let all: Vec<_> = client.webhooks().list(&ListOptions::default()).collect().await;
    assert_eq!(all.len(), 4, "three items, then the page-cap error");
    assert_eq!(all[3].as_ref().unwrap_err().as_paging().map(|p| p.reason), Some(PagingStop::PageCap { max_pages: 2 }));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn has_more_false_or_empty_cursor_ends_the_stream() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(raw_json(
            200,
            r#"{"data": [{"id": "wh_1", "url": "https://example.com/x"}], "next_cursor": "ignored", "has_more": false}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).webhooks().list(&ListOptions::default()).try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
}

#[tokio::test]
async fn delivery_events_stream_keeps_filters_and_stops_on_an_empty_cursor() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/events"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(json_response(200, "delivery_events_page_1.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/webhooks/events"))
        .and(query_param("starting_after", "evt_cur_2"))
        .respond_with(json_response(200, "delivery_events_page_2.json"))
        .expect(1)
        .mount(&server)
        .await;
    let opts = ListEventsOptions::new().ending_before("evt_cur_0").limit(2).status(DeliveryStatus::Failed);
    let all: Vec<_> = client(&server).events().list(&opts).try_collect().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].delivery_status, Some(DeliveryStatus::Unknown("bounced".into())));
    let queries: Vec<_> = requests(&server).await.iter().map(query).collect();
    let q = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<Vec<_>>();
    assert_eq!(
        queries,
        vec![
            q(&[("ending_before", "evt_cur_0"), ("limit", "2"), ("status", "failed")]),
            q(&[("starting_after", "evt_cur_2"), ("limit", "2"), ("status", "failed")]),
        ]
    );
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_and_ends_the_stream() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .and(query_param_is_missing("starting_after"))
        .respond_with(json_response(200, "webhooks_page_1.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .and(query_param("starting_after", "cur_page_2"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server).webhooks().list(&ListOptions::default()).collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].as_ref().unwrap_err().status().map(|s| s.as_u16()), Some(500));
}

/// Only `next_cursor` is confirmed: an envelope without `data` is an empty page, `items` and
/// `results` are read too; none of them is a decode error.
#[test]
fn the_list_envelope_is_read_tolerantly() {
    use hookbridge_bitnob::{CursorPage, WebhookEndpoint};
    let page: CursorPage<WebhookEndpoint> = serde_json::from_str(r#"{"next_cursor": null}"#).unwrap();
    assert!(page.data.is_empty() && page.next_page_cursor().is_none());
    for key in ["data", "items", "results"] {
        let body = format!(r#"{{"{key}": [{{"id": "wh_1", "url": "https://e.com/h"}}], "next_cursor": "c2"}}"#);
        let page: CursorPage<WebhookEndpoint> = serde_json::from_str(&body).unwrap();
        assert_eq!(page.data.len(), 1, "{key}");
        assert_eq!(page.next_page_cursor(), Some("c2"));
    }
}

#[tokio::test]
async fn a_page_without_data_ends_the_stream_without_an_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(raw_json(200, r#"{"next_cursor": "c9", "object": "list"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server).webhooks().list(&ListOptions::default()).try_collect().await.unwrap();
    assert!(all.is_empty());
}

/// The status filter takes only the documented `pending`, `delivered`, `failed`; decoding still
/// accepts every value.
#[tokio::test]
async fn the_status_filter_is_limited_to_the_documented_values() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks/events"))
        .and(query_param("status", "failed"))
        .respond_with(raw_json(200, r#"{"data": [{"id": "ev_1", "delivery_status": "retrying"}]}"#))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let page = client.events().list_page(&ListEventsOptions::new().status(DeliveryStatus::Failed)).await.unwrap();
    assert_eq!(page.data[0].delivery_status, Some(DeliveryStatus::Retrying));
    for refused in [DeliveryStatus::Success, DeliveryStatus::Retrying, DeliveryStatus::Unknown("queued".into())] {
        let err = client.events().list_page(&ListEventsOptions::new().status(refused.clone())).await.unwrap_err();
        assert!(err.is_invalid_input(), "{refused:?}: {err}");
    }
    assert_eq!(requests(&server).await.len(), 1);
}
