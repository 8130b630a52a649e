//! Offset paging over `GET webHooks`: the requests each page sends and every stop condition.

use futures_util::{StreamExt, TryStreamExt};
use hookbridge_blaze::{DEFAULT_LIMIT, ListWebHooksOptions, SKIP_PARAM};
use hookbridge_core::{PageLimits, PagingStop};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

async fn mount_page(server: &MockServer, start: &str, fixture_name: &str) {
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .and(query_param("start", start))
        .respond_with(json_response(200, fixture_name))
        .expect(1)
        .mount(server)
        .await;
}

fn ids(items: &[hookbridge_blaze::PartnerWebHook]) -> Vec<String> {
    items.iter().map(|w| w.id.clone().unwrap()).collect()
}

#[tokio::test]
async fn three_pages_by_total_with_start_limit_and_shop_id() {
    let server = server().await;
    mount_page(&server, "0", "list_page_1.json").await;
    mount_page(&server, "2", "list_page_2.json").await;
    mount_page(&server, "4", "list_page_3.json").await;

    let client = client(&server);
    let opts = ListWebHooksOptions::new().limit(2).shop_id("shop-7");
    let mut stream = client.webhooks().list(&opts);
    // Lazy: nothing is fetched before the stream is polled, then one page at a time.
    assert!(received(&server).await.is_empty());
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("wh-01"));
    assert_eq!(received(&server).await.len(), 1);
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(ids(&rest), ["wh-02", "wh-03", "wh-04", "wh-05"]);

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3, "stops once start + len reaches total (5)");
    for (req, start) in reqs.iter().zip(["0", "2", "4"]) {
        assert_eq!(req.method.as_str(), "GET");
        assert_eq!(req.url.path(), WEBHOOKS);
        assert_eq!(query(req), pairs(&[("start", start), ("limit", "2"), ("shopId", "shop-7")]));
        assert_auth(req);
    }
}

#[tokio::test]
async fn documented_envelope_without_total_stops_on_the_empty_page() {
    let server = server().await;
    mount_page(&server, "0", "list_docs_page_1.json").await;
    mount_page(&server, "2", "list_docs_page_2.json").await;
    mount_page(&server, "4", "list_docs_page_3.json").await;

    let items: Vec<_> =
        client(&server).webhooks().list(&ListWebHooksOptions::new().limit(2)).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["wh-01", "wh-02", "wh-03", "wh-04"]);
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    for (req, start) in reqs.iter().zip(["0", "2", "4"]) {
        assert_eq!(query(req), pairs(&[("start", start), ("limit", "2")]));
    }
}

#[tokio::test]
async fn short_page_without_total_ends_the_stream() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "values": [{"id": "a"}, {"id": "b"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server).webhooks().list(&ListWebHooksOptions::default()).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["a", "b"]);
    let req = &received(&server).await[0];
    assert_eq!(query(req), pairs(&[("start", "0"), ("limit", &DEFAULT_LIMIT.to_string())]));
}

#[tokio::test]
async fn a_server_ignoring_start_cannot_loop_the_stream() {
    for fixture_name in ["list_ignores_start.json", "list_ignores_start_total.json"] {
        let server = server().await;
        Mock::given(method("GET"))
            .and(path(WEBHOOKS))
            .respond_with(json_response(200, fixture_name))
            .up_to_n_times(50)
            .mount(&server)
            .await;
        let results: Vec<_> =
            client(&server).webhooks().list(&ListWebHooksOptions::new().limit(2)).take(1000).collect().await;
        assert_eq!(results.len(), 3, "{fixture_name}: two items, then the error");
        let items: Vec<_> = results[..2].iter().map(|r| r.as_ref().unwrap().clone()).collect();
        assert_eq!(ids(&items), ["wh-01", "wh-02"], "{fixture_name}: the repeated page is not yielded again");
        let err = results[2].as_ref().unwrap_err();
        assert_eq!(err.as_paging().map(|p| p.reason), Some(PagingStop::RepeatedPage { page: 2, first_seen: 1 }));
        assert!(err.to_string().starts_with("blaze list: listing stopped after 2 pages"), "{err}");
        let reqs = received(&server).await;
        assert_eq!(reqs.len(), 2, "{fixture_name}: stopped after the first repeat");
        assert_eq!(query(&reqs[1]), pairs(&[("start", "2"), ("limit", "2")]));
    }
}

#[tokio::test]
async fn offset_parameter_name_is_configurable_and_start_option_is_the_first_offset() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .and(query_param("skip", "4"))
        .respond_with(json_response(200, "list_page_3.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).with_offset_param(SKIP_PARAM).unwrap();
    assert_eq!(client.offset_param(), "skip");
    let items: Vec<_> =
        client.webhooks().list(&ListWebHooksOptions::new().start(4).limit(2)).try_collect().await.unwrap();
    assert_eq!(ids(&items), ["wh-05"]);
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(query(&reqs[0]), pairs(&[("skip", "4"), ("limit", "2")]));
}

#[tokio::test]
async fn server_side_page_size_is_used_for_the_next_offset() {
    // Asked for 100, the server caps pages at 2 and reports `limit: 2` and `total: 5`.
    let server = server().await;
    mount_page(&server, "0", "list_page_1.json").await;
    mount_page(&server, "2", "list_page_2.json").await;
    mount_page(&server, "4", "list_page_3.json").await;
    let items: Vec<_> = client(&server).webhooks().list(&ListWebHooksOptions::default()).try_collect().await.unwrap();
    assert_eq!(items.len(), 5);
    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 3);
    assert_eq!(query(&reqs[2]), pairs(&[("start", "4"), ("limit", "100")]));
}

#[tokio::test]
async fn page_limits_bound_the_stream() {
    let server = server().await;
    mount_page(&server, "0", "list_page_1.json").await;
    let items: Vec<_> = client(&server)
        .webhooks()
        .list_with(&ListWebHooksOptions::new().limit(2), PageLimits::NONE.max_pages(1))
        .collect::<Vec<_>>()
        .await;
    assert_eq!(items.len(), 3, "two items, then the page-cap error");
    assert_eq!(
        items[2].as_ref().unwrap_err().as_paging().map(|p| p.reason),
        Some(PagingStop::PageCap { max_pages: 1 })
    );
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_once_and_ends_the_stream() {
    let server = server().await;
    mount_page(&server, "0", "list_page_1.json").await;
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .and(query_param("start", "2"))
        .respond_with(json_response(500, "error_500.json"))
        .expect(1)
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server).webhooks().list(&ListWebHooksOptions::new().limit(2)).collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].as_ref().unwrap_err().status().map(|s| s.as_u16()), Some(500));
    assert_eq!(received(&server).await.len(), 2);
}
