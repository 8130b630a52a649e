//! Next-URL paging: a lazy stream over every page, bounded against loops and foreign hosts.

use futures_util::StreamExt;
use hookbridge_core::page::PageLimits;
use hookbridge_core::{DecodeErrorKind, Endpoint, Error, EventSelection, PagingStop, Webhook};
use serde_json::json;
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn page(name: &str, server: &MockServer) -> String {
    fixture(name).replace("{{BASE}}", &base(server))
}

async fn mount_three_pages(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, page("webhooks_page1.json", server)))
        .expect(1)
        .mount(server)
        .await;
    for n in ["2", "3"] {
        Mock::given(method("GET"))
            .and(path("/api/v1/webhooks/"))
            .and(query_param("page", n))
            .respond_with(json(200, page(&format!("webhooks_page{n}.json"), server)))
            .expect(1)
            .mount(server)
            .await;
    }
}

const IDS: [&str; 4] = [
    "11111111-aaaa-4bbb-8ccc-000000000001",
    "11111112-aaaa-4bbb-8ccc-000000000002",
    "11111113-aaaa-4bbb-8ccc-000000000003",
    "11111114-aaaa-4bbb-8ccc-000000000004",
];

#[tokio::test]
async fn walks_three_pages_following_next() {
    let (server, client) = setup().await;
    mount_three_pages(&server).await;

    let all = client.webhooks().list_all().await.unwrap();

    let ids: Vec<_> = all.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, IDS);
    assert_eq!(all[2].title, "Everything");
    assert!(all[2].all_events);
    assert_eq!(all[3].events.len(), 3);

    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 3);
    assert_request(&reqs[0], "GET", "/api/v1/webhooks/", None);
    assert_request(&reqs[1], "GET", "/api/v1/webhooks/", Some("page=2"));
    assert_request(&reqs[2], "GET", "/api/v1/webhooks/", Some("page=3"));
}

#[tokio::test]
async fn pages_are_fetched_only_when_consumed() {
    let (server, client) = setup().await;
    mount_three_pages(&server).await;

    let mut stream = client.webhooks().list();
    assert_eq!(requests(&server).await.len(), 0, "nothing is fetched before the first poll");
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), IDS[0]);
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), IDS[1]);
    assert_eq!(requests(&server).await.len(), 1);
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), IDS[2]);
    assert_eq!(requests(&server).await.len(), 2);
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), IDS[3]);
    assert!(stream.next().await.is_none());
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn page_limits_bound_the_walk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, page("webhooks_page1.json", &server)))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let items: Vec<_> = client.webhooks().list_with(PageLimits::NONE.max_pages(1)).collect().await;
    assert_eq!(items.len(), 3, "two items, then the page-cap error");
    assert_eq!(
        items[2].as_ref().unwrap_err().as_paging().map(|p| p.reason),
        Some(PagingStop::PageCap { max_pages: 1 })
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_next_url_that_repeats_itself_stops_the_walk() {
    let (server, client) = setup().await;
    let mut page2 = fixture_json("webhooks_page2.json");
    page2["next"] = json!(format!("{}webhooks/?page=2", base(&server)));
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, page("webhooks_page1.json", &server)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .and(query_param("page", "2"))
        .respond_with(json(200, page2.to_string()))
        .expect(1)
        .mount(&server)
        .await;

    let items: Vec<_> = client.webhooks().list().collect().await;

    assert_eq!(items.len(), 4, "three items, then the error");
    assert!(items[..3].iter().all(Result::is_ok));
    let err = items[3].as_ref().unwrap_err();
    assert_eq!(err.as_paging().map(|p| p.reason), Some(PagingStop::RepeatedRequest { kind: "url" }));
    assert_eq!(requests(&server).await.len(), 2, "the repeated next URL is not requested again");
}

/// `?page=N+1` every time, with the same results: ends on the second request.
#[tokio::test]
async fn page_n_plus_one_with_the_same_results_ends_with_a_paging_error() {
    let (server, client) = setup().await;
    let base = base(&server);
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(move |req: &wiremock::Request| {
            let n: u32 =
                req.url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(1);
            let mut body = fixture_json("webhooks_page1.json");
            body["next"] = json!(format!("{base}webhooks/?page={}&token=tok_secret_in_query", n + 1));
            json(200, body.to_string())
        })
        .expect(2)
        .mount(&server)
        .await;
    let items: Vec<_> = client.webhooks().list().collect().await;
    assert_eq!(items.len(), 3);
    let err = items[2].as_ref().unwrap_err();
    assert_eq!(err.as_paging().map(|p| p.reason), Some(PagingStop::RepeatedPage { page: 2, first_seen: 1 }));
    assert!(!err.to_string().contains("tok_secret_in_query"), "{err}");
}

#[tokio::test]
async fn a_next_url_on_another_origin_is_an_error_and_is_not_requested() {
    let (server, client) = setup().await;
    let foreign = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&foreign).await;

    let mut page1 = fixture_json("webhooks_page1.json");
    page1["next"] = json!(format!("{}/api/v1/webhooks/?page=2", foreign.uri()));
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(200, page1.to_string()))
        .expect(1)
        .mount(&server)
        .await;

    let mut stream = client.webhooks().list();
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), IDS[0]);
    assert_eq!(stream.next().await.unwrap().unwrap().id.as_str(), IDS[1]);
    match stream.next().await.unwrap().unwrap_err() {
        Error::Decode(d) => {
            assert!(matches!(d.kind, DecodeErrorKind::Invalid(_)), "{d:?}");
            assert!(d.detail.contains("refusing to follow"), "{}", d.detail);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(stream.next().await.is_none(), "the stream ends after the refusal");
    assert!(foreign.received_requests().await.unwrap().is_empty(), "nothing was sent to the foreign host");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn list_page_refuses_a_foreign_url_without_sending() {
    let (server, client) = setup().await;
    let url = "https://evil.example.com/api/v1/webhooks/?page=2".parse().unwrap();
    let err = client.webhooks().list_page(Some(&url)).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_no_requests(&server).await;
}

#[tokio::test]
async fn a_next_that_is_not_a_url_is_a_decode_error() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(200, fixture("webhooks_list_docs.json")))
        .expect(1)
        .mount(&server)
        .await;
    let items: Vec<_> = client.webhooks().list().collect().await;
    assert_eq!(items.len(), 1);
    match &items[0] {
        Err(Error::Decode(d)) => assert!(matches!(d.kind, DecodeErrorKind::Invalid(_))),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_empty_results_page_ends_the_stream() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(json(200, r#"{"results": [], "next": null, "previous": null}"#))
        .expect(1)
        .mount(&server)
        .await;
    let items: Vec<_> = client.webhooks().list().collect().await;
    assert!(items.is_empty());
}

#[tokio::test]
async fn unified_list_walks_all_pages_through_dyn_webhook() {
    let (server, client) = setup().await;
    mount_three_pages(&server).await;
    let dynamic: Box<dyn Webhook> = Box::new(client);

    let endpoints: Vec<Endpoint> = dynamic.list().map(Result::unwrap).collect().await;

    assert_eq!(endpoints.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), IDS);
    assert_eq!(endpoints[0].urls, vec!["https://hooks1.example.com/chip".to_owned()]);
    assert_eq!(endpoints[0].name.as_deref(), Some("Orders"));
    assert_eq!(endpoints[2].events, EventSelection::All);
    assert_eq!(endpoints[3].events.events().len(), 3);
    assert_eq!(requests(&server).await.len(), 3);
}
