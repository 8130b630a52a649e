//! Pagination safety for the three paging providers — BLAZE (offset), Bitnob (cursor), CHIP (next
//! URL): page and item limits stop the stream (a page cap with `Error::Paging`), a server that
//! repeats itself — the same cursor/URL, or a fresh one with the same page — cannot loop it (it
//! ends with `Error::Paging` naming the reason), and a CHIP `next` link to another origin is
//! refused before anything is sent there.
//!
//! Every server here pages forever unless the client stops, so each assertion on the number of
//! requests is the proof that the client stopped on its own.

use futures_util::StreamExt;
use hookbridge::bitnob::{BitnobAuth, BitnobClient};
use hookbridge::blaze::{BlazeClient, BlazeKeys, ListWebHooksOptions};
use hookbridge::chip::ChipClient;
use hookbridge::core::{DecodeErrorKind, PageLimits, PagingStop};
use hookbridge::{ClientConfig, Error, Secret, Webhook};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::{BITNOB_KEY, BLAZE_DEVELOPER_KEY, BLAZE_PARTNER_KEY, CHIP_KEY, fast_retry, shared_http, strict_server};
use crate::fixture;

fn config(server: &MockServer, base_path: &str) -> ClientConfig {
    ClientConfig::new(&format!("{}{base_path}", server.uri())).unwrap().retry(fast_retry()).http_client(shared_http())
}

fn query(req: &Request, key: &str) -> Option<String> {
    req.url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
}

async fn count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

async fn collect<T>(stream: hookbridge::core::BoxStream<'_, T>) -> (usize, Option<Error>) {
    let results: Vec<_> = stream.collect().await;
    let items = results.iter().filter(|r| r.is_ok()).count();
    (items, results.into_iter().find_map(Result::err))
}

#[track_caller]
fn paging_stop(err: Option<Error>) -> PagingStop {
    let err = err.expect("the stream ends with an error");
    err.as_paging().unwrap_or_else(|| panic!("{err:?}")).reason
}

// ----- BLAZE: offset paging -------------------------------------------------------------------

/// A BLAZE server with 1000 webhooks: full pages forever (or, `ignore_offset`, always the first one).
async fn blaze_server(ignore_offset: bool) -> MockServer {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/partner/webHooks"))
        .respond_with(move |req: &Request| {
            let start: u64 = if ignore_offset { 0 } else { query(req, "start").unwrap().parse().unwrap() };
            let limit: u64 = query(req, "limit").unwrap().parse().unwrap();
            let values: Vec<Value> = (start..start + limit)
                .map(|i| json!({"id": format!("wh-{i:04}"), "webHookUrls": [format!("https://p.example.com/{i}")]}))
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"values": values, "skip": start, "limit": limit, "total": 1000}))
        })
        .mount(&server)
        .await;
    server
}

fn blaze(server: &MockServer) -> BlazeClient {
    let keys = BlazeKeys::new(Secret::new(BLAZE_PARTNER_KEY), Secret::new(BLAZE_DEVELOPER_KEY));
    BlazeClient::with_config(config(server, "/api/v1/partner/"), keys).unwrap()
}

#[tokio::test]
async fn blaze_offset_paging_stops_at_the_limits_and_on_a_server_ignoring_the_offset() {
    let options = ListWebHooksOptions::new().limit(2);
    for (limits, items, requests, capped) in [
        (PageLimits::default().max_pages(3), 6, 3, true),
        (PageLimits::default().max_items(3), 3, 2, false),
        (PageLimits::default().max_items(4), 4, 2, false),
    ] {
        let server = blaze_server(false).await;
        let client = blaze(&server);
        let (got, err) = collect(client.webhooks().list_with(&options, limits)).await;
        assert_eq!(err.is_some(), capped, "{err:?}");
        if capped {
            assert_eq!(paging_stop(err), PagingStop::PageCap { max_pages: 3 });
        }
        assert_eq!((got, count(&server).await), (items, requests), "{limits:?}");
    }
    // The same page whatever the offset: the stream stops on the repeat, once, with an error.
    let server = blaze_server(true).await;
    let client = blaze(&server);
    let (got, err) = collect(client.webhooks().list(&options)).await;
    assert_eq!(paging_stop(err), PagingStop::RepeatedPage { page: 2, first_seen: 1 });
    assert_eq!((got, count(&server).await), (2, 2));
    // And through the unified trait (default page size).
    let server = blaze_server(true).await;
    let client = blaze(&server);
    let (got, err) = collect(client.list()).await;
    assert_eq!(paging_stop(err), PagingStop::RepeatedPage { page: 2, first_seen: 1 });
    assert_eq!((got, count(&server).await), (100, 2));
}

// ----- Bitnob: cursor paging ------------------------------------------------------------------

/// A Bitnob server whose pages always continue: with `cur_<n+1>` after `cur_<n>` and new ids on
/// each page, or, when `repeat`, with the same cursor and page every time.
async fn bitnob_server(repeat: bool) -> MockServer {
    let server = strict_server().await;
    let data = fixture("bitnob/webhooks_page_1.json")["data"].clone();
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .respond_with(move |req: &Request| {
            let n: u32 = query(req, "starting_after").map_or(0, |c| c.trim_start_matches("cur_").parse().unwrap());
            let next = if repeat { "cur_7".to_owned() } else { format!("cur_{}", n + 1) };
            let mut data = data.clone();
            if !repeat {
                for (i, item) in data.as_array_mut().unwrap().iter_mut().enumerate() {
                    item["id"] = json!(format!("wh_{n}_{i}"));
                }
            }
            ResponseTemplate::new(200).set_body_json(json!({"data": data, "has_more": true, "next_cursor": next}))
        })
        .mount(&server)
        .await;
    server
}

fn bitnob(server: &MockServer, limits: PageLimits) -> BitnobClient {
    BitnobClient::with_config(config(server, "/"), BitnobAuth::legacy_bearer(Secret::new(BITNOB_KEY)))
        .unwrap()
        .page_limits(limits)
}

#[tokio::test]
async fn bitnob_cursor_paging_stops_at_the_limits_and_on_a_repeated_cursor() {
    for (limits, items, requests, capped) in
        [(PageLimits::default().max_pages(2), 4, 2, true), (PageLimits::default().max_items(3), 3, 2, false)]
    {
        for unified in [false, true] {
            let server = bitnob_server(false).await;
            let client = bitnob(&server, limits);
            let (got, err) = if unified {
                collect(Webhook::list(&client)).await
            } else {
                collect(client.webhooks().list(&Default::default())).await
            };
            assert_eq!(err.is_some(), capped, "{err:?}");
            assert_eq!((got, count(&server).await), (items, requests), "{limits:?} unified={unified}");
        }
    }
    // `cur_7` and the same page again and again: the first page, the page after `cur_7`
    // (a repeat of the first), then an error.
    for unified in [false, true] {
        let server = bitnob_server(true).await;
        let client = bitnob(&server, PageLimits::NONE);
        let (got, err) = if unified {
            collect(Webhook::list(&client)).await
        } else {
            collect(client.webhooks().list(&Default::default())).await
        };
        assert_eq!(paging_stop(err), PagingStop::RepeatedPage { page: 2, first_seen: 1 });
        assert_eq!((got, count(&server).await), (2, 2), "unified={unified}");
        let cursors: Vec<_> =
            server.received_requests().await.unwrap().iter().map(|r| query(r, "starting_after")).collect();
        assert_eq!(cursors, [None, Some("cur_7".to_owned())]);
    }
}

// ----- CHIP: next-URL paging ------------------------------------------------------------------

/// A CHIP server whose pages link to `next(server_uri, this_page)`.
async fn chip_server(next: impl Fn(&str, u32) -> String + Send + Sync + 'static) -> MockServer {
    let server = strict_server().await;
    let base = server.uri();
    let results = fixture("chip/webhooks_page1.json")["results"].clone();
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(move |req: &Request| {
            let page: u32 = query(req, "page").map_or(1, |p| p.parse().unwrap());
            let mut results = results.clone();
            for (i, item) in results.as_array_mut().unwrap().iter_mut().enumerate() {
                item["id"] = json!(format!("00000000-0000-4000-8000-{page:06}{i:06}"));
            }
            let body = json!({"results": results, "next": next(&base, page), "previous": null});
            ResponseTemplate::new(200).set_body_json(body)
        })
        .mount(&server)
        .await;
    server
}

fn chip(server: &MockServer) -> ChipClient {
    ChipClient::with_config(config(server, "/api/v1/"), Secret::new(CHIP_KEY)).unwrap()
}

fn forever(base: &str, page: u32) -> String {
    format!("{base}/api/v1/webhooks/?page={}", page + 1)
}

#[tokio::test]
async fn chip_next_url_paging_stops_at_the_limits_and_on_a_repeated_link() {
    for (limits, items, requests, capped) in
        [(PageLimits::default().max_pages(3), 6, 3, true), (PageLimits::default().max_items(3), 3, 2, false)]
    {
        let server = chip_server(forever).await;
        let (got, err) = collect(chip(&server).webhooks().list_with(limits)).await;
        assert_eq!(err.is_some(), capped, "{err:?}");
        assert_eq!((got, count(&server).await), (items, requests), "{limits:?}");
    }
    // Always `?page=2`: the first page, page 2, then stop (own API and unified trait).
    for unified in [false, true] {
        let server = chip_server(|base, _| format!("{base}/api/v1/webhooks/?page=2")).await;
        let client = chip(&server);
        let (got, err) =
            if unified { collect(Webhook::list(&client)).await } else { collect(client.webhooks().list()).await };
        assert_eq!(paging_stop(err), PagingStop::RepeatedRequest { kind: "url" });
        assert_eq!((got, count(&server).await), (4, 2), "unified={unified}");
    }
}

#[tokio::test]
async fn chip_next_link_to_another_origin_is_refused_and_the_other_host_receives_nothing() {
    let other = strict_server().await;
    let elsewhere = [
        format!("{}/api/v1/webhooks/?page=2", other.uri()),
        // The same port under another host name is another origin too.
        format!("{}/api/v1/webhooks/?page=2", other.uri().replace("127.0.0.1", "localhost")),
    ];
    for link in elsewhere {
        for unified in [false, true] {
            let ctx = format!("{link} unified={unified}");
            let target = link.clone();
            let server = chip_server(move |_, _| target.clone()).await;
            let client = chip(&server);
            let (got, err) =
                if unified { collect(Webhook::list(&client)).await } else { collect(client.webhooks().list()).await };
            // The first page's items arrive, then the refusal, as a decode error naming the problem.
            assert_eq!(got, 2, "{ctx}");
            match err {
                Some(Error::Decode(d)) => {
                    assert!(matches!(&d.kind, DecodeErrorKind::Invalid(why) if why.contains("origin")), "{ctx}: {d:?}")
                }
                other => panic!("{ctx}: expected a refusal, got {other:?}"),
            }
            assert_eq!(count(&server).await, 1, "{ctx}");
        }
    }
    // `other` (a strict server) also fails on drop if anything reached it.
    assert_eq!(count(&other).await, 0);
}
