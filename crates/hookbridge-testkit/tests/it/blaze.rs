//! BLAZE: CRUD with offset paging, both SearchResult shapes, two-key auth, deliveries.

use axum::http::HeaderName;
use hookbridge_testkit::{BlazeConfig, BlazeSim, SearchResultShape};
use hookbridge_verify::{UrlToken, UrlTokenVerifier};
use serde_json::{Value, json};

use crate::common::{Receiver, http, send};

fn authed(sim: &BlazeSim, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    req.header(sim.partner_key_header().as_str(), sim.partner_key())
        .header(sim.developer_key_header().as_str(), sim.developer_key())
}

fn url(sim: &BlazeSim, path: &str) -> String {
    format!("{}{path}", sim.base_url())
}

async fn create(sim: &BlazeSim, body: Value) -> Value {
    let (status, created) = send(authed(sim, http().post(url(sim, "webHooks"))).json(&body)).await;
    assert_eq!(status, 200, "{created}");
    created
}

#[tokio::test]
async fn crud_with_offset_paging() {
    let sim = BlazeSim::start().await.unwrap();
    assert!(sim.base_url().ends_with("/api/v1/partner/"));
    let mut ids = Vec::new();
    for i in 0..5 {
        let shop = if i % 2 == 0 { "shop-a" } else { "shop-b" };
        let created = create(
            &sim,
            json!({"url": format!("https://example.com/{i}"), "shopId": shop, "webHookUrls": [format!("https://example.com/hook/{i}")]}),
        )
        .await;
        assert_eq!(created["id"].as_str().unwrap().len(), 24);
        assert_eq!(created["companyId"], sim.company_id());
        assert_eq!(created["shopId"], shop);
        assert!(created["created"].as_i64().unwrap() > 1_600_000_000_000, "epoch ms");
        assert_eq!(created["modified"], created["created"]);
        assert_eq!(created["deleted"], false);
        assert_eq!(created["updated"], false);
        assert_eq!(created["webHookType"], Value::Null);
        assert_eq!(created["webHookUrls"], json!([format!("https://example.com/hook/{i}")]));
        ids.push(created["id"].as_str().unwrap().to_owned());
    }

    // Follow `start` to the end, two at a time (documented envelope).
    let mut seen = Vec::new();
    let mut start = 0;
    loop {
        let (status, page) =
            send(authed(&sim, http().get(url(&sim, "webHooks"))).query(&[("start", start), ("limit", 2)])).await;
        assert_eq!(status, 200);
        assert_eq!(page["total"], 5);
        let items = page["searchResult"].as_array().unwrap();
        assert_eq!(page["count"], items.len());
        if items.is_empty() {
            break;
        }
        seen.extend(items.iter().map(|w| w["id"].as_str().unwrap().to_owned()));
        start += items.len();
    }
    assert_eq!(seen, ids);

    // Default limit (100) and the shopId filter.
    let (_, all) = send(authed(&sim, http().get(url(&sim, "webHooks")))).await;
    assert_eq!(all["searchResult"].as_array().unwrap().len(), 5);
    let (_, shop_b) = send(authed(&sim, http().get(url(&sim, "webHooks"))).query(&[("shopId", "shop-b")])).await;
    assert_eq!(shop_b["total"], 2);
    assert!(shop_b["searchResult"].as_array().unwrap().iter().all(|w| w["shopId"] == "shop-b"));

    // Get, full-object PUT, get again.
    let (status, one) = send(authed(&sim, http().get(url(&sim, &format!("webHooks/{}", ids[1]))))).await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], ids[1].as_str());
    let mut replacement = one.clone();
    replacement["webHookType"] = json!("UPDATE_PRODUCT");
    replacement["webHookUrls"] = json!(["https://example.com/new-a", "https://example.com/new-b"]);
    replacement["url"] = Value::Null;
    let (status, updated) =
        send(authed(&sim, http().put(url(&sim, &format!("webHooks/{}", ids[1])))).json(&replacement)).await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["updated"], true);
    assert_eq!(updated["webHookType"], "UPDATE_PRODUCT");
    assert_eq!(updated["url"], Value::Null);
    assert_eq!(updated["created"], one["created"]);
    assert!(updated["modified"].as_i64().unwrap() > one["modified"].as_i64().unwrap());
    let (_, again) = send(authed(&sim, http().get(url(&sim, &format!("webHooks/{}", ids[1]))))).await;
    assert_eq!(again, updated);

    // Delete: gone from get and list; a second delete is 404.
    let resp = authed(&sim, http().delete(url(&sim, &format!("webHooks/{}", ids[0])))).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.bytes().await.unwrap().is_empty());
    let (status, err) = send(authed(&sim, http().get(url(&sim, &format!("webHooks/{}", ids[0]))))).await;
    assert_eq!(status, 404);
    assert!(err["message"].is_string() && err["errorType"].is_string());
    assert_eq!(send(authed(&sim, http().delete(url(&sim, &format!("webHooks/{}", ids[0]))))).await.0, 404);
    let (_, after) = send(authed(&sim, http().get(url(&sim, "webHooks")))).await;
    assert_eq!(after["total"], 4);
    assert_eq!(sim.webhooks().iter().filter(|w| w["deleted"] == true).count(), 1);
    let put_deleted = json!({"id": ids[0], "webHookUrls": ["https://example.com/z"]});
    assert_eq!(
        send(authed(&sim, http().put(url(&sim, &format!("webHooks/{}", ids[0])))).json(&put_deleted)).await.0,
        404
    );
}

#[tokio::test]
async fn client_code_envelope_and_skip_alias() {
    let sim =
        BlazeSim::start_with(BlazeConfig::default().search_result_shape(SearchResultShape::ClientCode)).await.unwrap();
    for i in 0..3 {
        create(&sim, json!({"webHookUrls": [format!("https://example.com/{i}")]})).await;
    }
    let (_, page) = send(authed(&sim, http().get(url(&sim, "webHooks"))).query(&[("skip", 1), ("limit", 1)])).await;
    assert_eq!(page["skip"], 1);
    assert_eq!(page["limit"], 1);
    assert_eq!(page["total"], 3);
    assert_eq!(page["values"].as_array().unwrap().len(), 1);
    assert_eq!(page["values"][0]["webHookUrls"], json!(["https://example.com/1"]));
    assert!(page.get("searchResult").is_none());
    sim.set_search_result_shape(SearchResultShape::Docs);
    let (_, page) = send(authed(&sim, http().get(url(&sim, "webHooks"))).query(&[("start", 2)])).await;
    assert_eq!(page["count"], 1);
    assert!(page.get("values").is_none());
}

#[tokio::test]
async fn two_key_auth() {
    let sim = BlazeSim::start().await.unwrap();
    let list = url(&sim, "webHooks");
    assert_eq!(send(http().get(&list)).await.0, 401);
    assert_eq!(send(http().get(&list).header("x-api-key", sim.partner_key())).await.0, 401);
    assert_eq!(send(http().get(&list).header("authorization", sim.developer_key())).await.0, 401);
    let (status, err) = send(
        http()
            .get(&list)
            .header("x-api-key", sim.partner_key())
            .header("authorization", format!("Bearer {}", sim.developer_key())),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(err["errorType"], "BlazeAuthException");
    assert_eq!(
        send(http().get(&list).header("x-api-key", "wrong").header("authorization", sim.developer_key())).await.0,
        401
    );
    assert_eq!(send(authed(&sim, http().get(&list))).await.0, 200);

    // The partner key header is configurable (some client code sends `partner_key`).
    let alt = BlazeSim::start_with(BlazeConfig::default().partner_key_header(HeaderName::from_static("partner_key")))
        .await
        .unwrap();
    let list = url(&alt, "webHooks");
    assert_eq!(
        send(http().get(&list).header("x-api-key", alt.partner_key()).header("authorization", alt.developer_key()))
            .await
            .0,
        401
    );
    assert_eq!(
        send(http().get(&list).header("partner_key", alt.partner_key()).header("authorization", alt.developer_key()))
            .await
            .0,
        200
    );
    let logged = &alt.requests()[1];
    assert_eq!(logged.header("partner_key"), Some("<redacted>"));
    assert_eq!(logged.header("authorization"), Some("<redacted>"));
}

#[tokio::test]
async fn invalid_requests_are_400() {
    let sim = BlazeSim::start().await.unwrap();
    for body in [
        json!({"url": "https://example.com"}),
        json!({"webHookUrls": []}),
        json!({"webHookUrls": ["not a url"]}),
        json!({"webHookUrls": "https://example.com"}),
        json!({"webHookUrls": ["https://example.com"], "shopId": 7}),
    ] {
        let (status, err) = send(authed(&sim, http().post(url(&sim, "webHooks"))).json(&body)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(err["errorType"], "BlazeInvalidArgException");
    }
    let created = create(&sim, json!({"webHookUrls": ["https://example.com/x"]})).await;
    let id = created["id"].as_str().unwrap();
    let mut other = created.clone();
    other["id"] = json!("0123456789abcdef01234567");
    assert_eq!(send(authed(&sim, http().put(url(&sim, &format!("webHooks/{id}")))).json(&other)).await.0, 400);
    for q in [("limit", "abc"), ("limit", "0"), ("start", "-1"), ("limit", "1001")] {
        assert_eq!(send(authed(&sim, http().get(url(&sim, "webHooks"))).query(&[q])).await.0, 400, "{q:?}");
    }
    let (status, _) = send(
        authed(&sim, http().post(url(&sim, "webHooks")))
            .header("content-type", "application/json")
            .body("{\"webHookUrls\": [\"https://x\""),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(sim.webhooks().len(), 1);
}

#[tokio::test]
async fn deliveries_are_unsigned_and_reach_every_url_of_matching_webhooks() {
    let sim = BlazeSim::start().await.unwrap();
    let rx = Receiver::start().await;
    let token = UrlToken::generate().unwrap();
    let verifier = UrlTokenVerifier::with_token(token.clone());
    let typed = create(
        &sim,
        json!({"shopId": "shop-a", "webHookType": "COMPLETE_TRANSACTION", "webHookUrls": [verifier.callback_url(&rx.url("/a"), &token), rx.url("/b")]}),
    )
    .await;
    let untyped = create(&sim, json!({"webHookUrls": [rx.url("/all")]})).await;
    create(&sim, json!({"webHookType": "NEW_MEMBER", "webHookUrls": [rx.url("/members")]})).await;

    let reports = sim.deliver("COMPLETE_TRANSACTION", Some(json!({"transNo": "1042"}))).await.unwrap();
    assert_eq!(reports.len(), 3);
    assert!(reports.iter().all(|r| r.is_success()));
    assert_eq!(reports[0].webhook_id, typed["id"].as_str().unwrap());
    assert_eq!(reports[2].webhook_id, untyped["id"].as_str().unwrap());
    let received = rx.received();
    let paths: Vec<&str> = received.iter().map(|r| r.uri.path()).collect();
    assert_eq!(paths, ["/a", "/b", "/all"]);
    // The token registered in the callback URL arrives and verifies; the other URLs carry none.
    verifier.verify_uri(&received[0].uri).unwrap();
    assert!(verifier.verify_uri(&received[1].uri).is_err());
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["webHookType"], "COMPLETE_TRANSACTION");
    assert_eq!(body["webHookId"], typed["id"]);
    assert_eq!(body["companyId"], sim.company_id());
    assert_eq!(body["shopId"], "shop-a");
    assert_eq!(body["data"], json!({"transNo": "1042"}));
    assert!(received[0].headers.get("x-signature").is_none());

    let reports = sim.deliver("NEW_MEMBER", None).await.unwrap();
    assert_eq!(reports.len(), 2, "the NEW_MEMBER webhook and the untyped one");
}
