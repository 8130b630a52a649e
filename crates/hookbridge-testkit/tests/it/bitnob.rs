//! Bitnob: the ten endpoints, cursor paging, idempotency, auth, signed deliveries and retry.

use hookbridge_testkit::bitnob::{BITNOB_EVENT_TYPES, BITNOB_HAS_SECRET_FIELD};
use hookbridge_testkit::{BitnobConfig, BitnobSim};
use hookbridge_verify::{HmacSecret, HmacVerifier};
use serde_json::{Value, json};

use crate::common::{Receiver, dead_url, http, is_uuid, send};

fn url(sim: &BitnobSim, path: &str) -> String {
    format!("{}{path}", sim.base_url())
}

fn get(sim: &BitnobSim, path: &str) -> reqwest::RequestBuilder {
    http().get(url(sim, path)).bearer_auth(sim.api_key())
}

async fn create(sim: &BitnobSim, body: Value) -> Value {
    let (status, created) = send(http().post(url(sim, "webhooks")).bearer_auth(sim.api_key()).json(&body)).await;
    assert_eq!(status, 201, "{created}");
    created
}

/// Follows `next_cursor` from the first page to the end.
async fn collect_ids(sim: &BitnobSim, path: &str, extra: &[(&str, &str)], limit: usize) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut query: Vec<(String, String)> = extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        query.push(("limit".into(), limit.to_string()));
        if let Some(c) = &cursor {
            query.push(("starting_after".into(), c.clone()));
        }
        let (status, page) = send(get(sim, path).query(&query)).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= limit);
        ids.extend(data.iter().map(|w| w["id"].as_str().unwrap().to_owned()));
        assert_eq!(page["has_more"].as_bool().unwrap(), !page["next_cursor"].is_null());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
        assert!(pages < 20, "runaway paging");
    }
    (ids, pages)
}

#[tokio::test]
async fn webhook_crud_with_cursor_paging() {
    let sim = BitnobSim::start().await.unwrap();
    let mut created_ids = Vec::new();
    for i in 0..5 {
        let created = create(
            &sim,
            json!({"name": format!("hook {i}"), "url": format!("https://example.com/{i}"), "event_types": ["transaction.confirmed"]}),
        )
        .await;
        assert!(is_uuid(created["id"].as_str().unwrap()));
        assert_eq!(created["object"], "webhook");
        assert_eq!(created["status"], "active");
        assert_eq!(created[BITNOB_HAS_SECRET_FIELD], true);
        assert_eq!(created["signing_secret"].as_str().unwrap().len(), 64);
        assert!(created.get("last_triggered_at").is_none());
        created["created_at"].as_str().unwrap().parse::<jiff::Timestamp>().unwrap();
        created_ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let newest_first: Vec<String> = created_ids.iter().rev().cloned().collect();

    let (ids, pages) = collect_ids(&sim, "webhooks", &[], 2).await;
    assert_eq!(ids, newest_first);
    assert_eq!(pages, 3);
    let (ids, pages) = collect_ids(&sim, "webhooks", &[], 5).await;
    assert_eq!((ids.len(), pages), (5, 1));

    // Reverse paging: the two items just before the third one.
    let (_, page) =
        send(get(&sim, "webhooks").query(&[("limit", "2"), ("ending_before", newest_first[2].as_str())])).await;
    let data: Vec<&str> = page["data"].as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(data, [newest_first[0].as_str(), newest_first[1].as_str()]);
    assert_eq!(page["has_more"], false);
    assert_eq!(page["next_cursor"], newest_first[1].as_str());
    let (_, page) =
        send(get(&sim, "webhooks").query(&[("limit", "1"), ("ending_before", newest_first[2].as_str())])).await;
    assert_eq!(page["data"][0]["id"], newest_first[1].as_str());
    assert_eq!(page["has_more"], true);

    // Get, secrets never on reads.
    let id = &created_ids[0];
    let (status, one) = send(get(&sim, &format!("webhooks/{id}"))).await;
    assert_eq!(status, 200);
    assert!(one.get("signing_secret").is_none());
    assert_eq!(one["name"], "hook 0");

    // PATCH changes only what is given; updated_at advances.
    let (status, patched) = send(
        http()
            .patch(url(&sim, &format!("webhooks/{id}")))
            .bearer_auth(sim.api_key())
            .json(&json!({"name": "renamed", "event_types": ["wallet.created", "transaction.failed"]})),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["name"], "renamed");
    assert_eq!(patched["url"], one["url"]);
    assert_eq!(patched["event_types"], json!(["wallet.created", "transaction.failed"]));
    assert_eq!(patched["created_at"], one["created_at"]);
    let before: jiff::Timestamp = one["updated_at"].as_str().unwrap().parse().unwrap();
    let after: jiff::Timestamp = patched["updated_at"].as_str().unwrap().parse().unwrap();
    assert!(after > before);
    assert!(patched.get("signing_secret").is_none());

    // Rotate: a new secret, once.
    let (status, rotated) =
        send(http().post(url(&sim, &format!("webhooks/{id}/rotate-secret"))).bearer_auth(sim.api_key())).await;
    assert_eq!(status, 200);
    assert_eq!(rotated["object"], "signing_secret");
    let secret = rotated["secret"].as_str().unwrap();
    assert_eq!(sim.signing_secret(id).as_deref(), Some(secret));

    // Soft delete: 204, then 404 everywhere; a cursor naming it still pages.
    let resp = http().delete(url(&sim, &format!("webhooks/{id}"))).bearer_auth(sim.api_key()).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert!(resp.bytes().await.unwrap().is_empty());
    assert_eq!(send(get(&sim, &format!("webhooks/{id}"))).await.0, 404);
    assert_eq!(send(http().delete(url(&sim, &format!("webhooks/{id}"))).bearer_auth(sim.api_key())).await.0, 404);
    assert_eq!(
        send(http().patch(url(&sim, &format!("webhooks/{id}"))).bearer_auth(sim.api_key()).json(&json!({}))).await.0,
        404
    );
    let (ids, _) = collect_ids(&sim, "webhooks", &[], 10).await;
    assert_eq!(ids.len(), 4);
    assert!(!ids.contains(id));
    let (status, page) = send(get(&sim, "webhooks").query(&[("starting_after", created_ids[1].as_str())])).await;
    assert_eq!(status, 200);
    assert_eq!(page["data"], json!([]));
    assert_eq!(page["next_cursor"], Value::Null);
    assert_eq!(sim.webhooks().iter().filter(|w| w["status"] == "deleted").count(), 1);
}

#[tokio::test]
async fn paging_and_body_errors() {
    let sim = BitnobSim::start().await.unwrap();
    for q in [
        vec![("limit", "0")],
        vec![("limit", "101")],
        vec![("limit", "x")],
        vec![("starting_after", "nope")],
        vec![("starting_after", "a"), ("ending_before", "b")],
    ] {
        let (status, err) = send(get(&sim, "webhooks").query(&q)).await;
        assert_eq!(status, 400, "{q:?}");
        assert_eq!(err["status"], "error");
        assert!(err["message"].is_string());
    }
    assert_eq!(send(get(&sim, "webhooks/events").query(&[("status", "bounced")])).await.0, 400);
    for body in [
        json!({"url": "https://example.com"}),
        json!({"name": "", "url": "https://example.com"}),
        json!({"name": "x"}),
        json!({"name": "x", "url": "nope"}),
        json!({"name": "x", "url": "https://example.com", "event_types": ["no.such.event"]}),
        json!({"name": "x", "url": "https://example.com", "event_types": "transaction.confirmed"}),
    ] {
        let (status, _) = send(http().post(url(&sim, "webhooks")).bearer_auth(sim.api_key()).json(&body)).await;
        assert_eq!(status, 400, "{body}");
    }
    let (status, _) = send(
        http()
            .post(url(&sim, "webhooks"))
            .bearer_auth(sim.api_key())
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(sim.webhooks().is_empty());

    let strict = BitnobSim::start_with(BitnobConfig::default().require_https(true)).await.unwrap();
    let body = json!({"name": "x", "url": "http://example.com"});
    assert_eq!(send(http().post(url(&strict, "webhooks")).bearer_auth(strict.api_key()).json(&body)).await.0, 400);
}

#[tokio::test]
async fn idempotency_key_replays_and_conflicts() {
    let sim = BitnobSim::start().await.unwrap();
    let body = json!({"name": "ledger", "url": "https://example.com/h"});
    let post = |key: &str, body: &Value| {
        http().post(url(&sim, "webhooks")).bearer_auth(sim.api_key()).header("Idempotency-Key", key).json(body)
    };
    let (s1, first) = send(post("create-ledger-1", &body)).await;
    let (s2, replay) = send(post("create-ledger-1", &body)).await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(first, replay, "same key + same body = the cached response (same id and secret)");
    assert_eq!(sim.webhooks().len(), 1);

    let (status, err) = send(post("create-ledger-1", &json!({"name": "other", "url": "https://example.com/h"}))).await;
    assert_eq!(status, 409);
    assert_eq!(err["status"], "error");
    assert!(err["message"].as_str().unwrap().contains("Idempotency-Key"));
    assert_eq!(sim.webhooks().len(), 1);

    // Another key creates another webhook; invalid keys are refused.
    let (status, second) = send(post("create-ledger-2", &body)).await;
    assert_eq!(status, 201);
    assert_ne!(second["id"], first["id"]);
    assert_eq!(send(post(&"k".repeat(255), &body)).await.0, 201);
    assert_eq!(send(post(&"k".repeat(256), &body)).await.0, 400);
    assert_eq!(send(post("", &body)).await.0, 400);
    assert_eq!(sim.webhooks().len(), 3);

    // A failed create is not cached: the key can be used once the body is fixed.
    assert_eq!(send(post("fix-me", &json!({"name": "x"}))).await.0, 400);
    assert_eq!(send(post("fix-me", &body)).await.0, 201);
}

fn hmac_sha256(secret: &str, msg: &[u8]) -> Vec<u8> {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

/// Bitnob's request signing, checked for real: both documented variants pass with the right
/// secret; a wrong secret, a wrong client id, a changed body or a missing header is 401.
#[tokio::test]
async fn bearer_or_request_signing_headers() {
    use base64::Engine as _;
    let sim = BitnobSim::start().await.unwrap();
    let list = url(&sim, "webhooks?limit=2");
    let (status, err) = send(http().get(&list)).await;
    assert_eq!(status, 401);
    assert_eq!(err["status"], "error");
    assert_eq!(send(http().get(&list).bearer_auth("sk_test_wrong")).await.0, 401);
    assert_eq!(send(http().get(&list).bearer_auth(sim.api_key())).await.0, 200, "the older bearer scheme");

    let (ts, nonce) = ("1718000000", "n-42");
    let hex_sig = |client: &str, secret: &str, body: &[u8]| {
        let mut msg = format!("{client}:{ts}:{nonce}:").into_bytes();
        msg.extend_from_slice(body);
        hex::encode(hmac_sha256(secret, &msg))
    };
    let b64_sig = |client: &str, secret: &str, method: &str, path: &str, body: &[u8]| {
        let mut msg = format!("{client}{method}{path}{ts}").into_bytes();
        msg.extend_from_slice(body);
        base64::engine::general_purpose::STANDARD.encode(hmac_sha256(secret, &msg))
    };
    let signed = |req: reqwest::RequestBuilder, client: &str, sig: &str, skip: Option<&str>| {
        let mut req = req;
        for (name, value) in
            [("X-Auth-Client", client), ("X-Auth-Timestamp", ts), ("X-Auth-Nonce", nonce), ("X-Auth-Signature", sig)]
        {
            if Some(name) != skip {
                req = req.header(name, value);
            }
        }
        req
    };
    let (id, secret) = (sim.client_id().to_owned(), sim.client_secret().to_owned());
    let good_hex = hex_sig(&id, &secret, b"");
    assert_eq!(send(signed(http().get(&list), &id, &good_hex, None)).await.0, 200);
    let good_b64 = b64_sig(&id, &secret, "GET", "/webhooks?limit=2", b"");
    assert_eq!(send(signed(http().get(&list), &id, &good_b64, None)).await.0, 200);
    let no_query = b64_sig(&id, &secret, "GET", "/webhooks", b"");
    assert_eq!(send(signed(http().get(&list), &id, &no_query, None)).await.0, 200);

    let wrong_secret = hex_sig(&id, "not-the-secret", b"");
    assert_eq!(send(signed(http().get(&list), &id, &wrong_secret, None)).await.0, 401);
    let other_client = hex_sig("client_other", &secret, b"");
    assert_eq!(send(signed(http().get(&list), "client_other", &other_client, None)).await.0, 401);
    assert_eq!(send(signed(http().get(&list), &id, "3f2a9c", None)).await.0, 401);
    // The signature covers the exact body.
    let body = br#"{"name":"a","url":"https://example.com/h"}"#;
    let sig = hex_sig(&id, &secret, body);
    let post = || http().post(url(&sim, "webhooks")).header("content-type", "application/json");
    assert_eq!(send(signed(post().body(&body[..]), &id, &sig, None)).await.0, 201);
    let tampered = br#"{"name":"b","url":"https://example.com/h"}"#;
    assert_eq!(send(signed(post().body(&tampered[..]), &id, &sig, None)).await.0, 401);

    assert_eq!(send(signed(http().get(&list), &id, &good_hex, Some("X-Auth-Nonce"))).await.0, 401);
    assert_eq!(send(signed(http().get(&list), &id, &good_hex, Some("X-Auth-Signature"))).await.0, 401);
    let logged =
        sim.requests().into_iter().find(|r| r.injected_fault.is_none() && r.header("x-auth-client").is_some()).unwrap();
    assert_eq!(logged.header("x-auth-signature"), Some("<redacted>"));
    assert_eq!(logged.header("x-auth-client"), Some(id.as_str()));
}

#[tokio::test]
async fn event_type_catalogue() {
    let sim = BitnobSim::start().await.unwrap();
    let (status, page) = send(get(&sim, "webhooks/event-types")).await;
    assert_eq!(status, 200);
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), BITNOB_EVENT_TYPES.len());
    assert!(data.iter().any(|t| t["type"] == "transaction.confirmed"));
    for category in ["wallet", "security", "compliance"] {
        assert!(data.iter().any(|t| t["category"] == category), "{category}");
    }
    assert!(data.iter().all(|t| t["name"].is_string() && t["description"].is_string()));
    assert_eq!(page["next_cursor"], Value::Null);
}

#[tokio::test]
async fn deliveries_events_and_retry() {
    let sim = BitnobSim::start().await.unwrap();
    let rx = Receiver::start().await;
    let hook =
        create(&sim, json!({"name": "rx", "url": rx.url("/bitnob"), "event_types": ["transaction.confirmed"]})).await;
    let all = create(&sim, json!({"name": "everything", "url": rx.url("/all")})).await;
    assert_eq!(all["event_types"], json!([]));
    let dead = create(&sim, json!({"name": "dead", "url": dead_url().await, "event_types": ["wallet.created"]})).await;
    let hook_id = hook["id"].as_str().unwrap();

    // First attempt fails with 500 at both live receivers.
    rx.respond_with(500);
    let reports = sim.deliver("transaction.confirmed", None).await.unwrap();
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.status == Some(500)));
    let event_id = reports.iter().find(|r| r.webhook_id == hook_id).unwrap().delivery_id.clone().unwrap();

    let (status, event) = send(get(&sim, &format!("webhooks/events/{event_id}"))).await;
    assert_eq!(status, 200);
    assert_eq!(event["object"], "event");
    assert_eq!(event["webhook_id"], hook_id);
    assert_eq!(event["type"], "transaction.confirmed");
    assert_eq!(event["delivery_status"], "failed");
    assert_eq!(event["delivery_attempts"], 1);
    assert_eq!(event["max_attempts"], 5);
    assert_eq!(event["http_status_code"], 500);
    assert!(event["error_message"].is_string());
    let (_, webhook) = send(get(&sim, &format!("webhooks/{hook_id}"))).await;
    assert!(webhook["last_triggered_at"].is_string());

    // Retry re-delivers (now answered 200) before answering.
    rx.respond_with(200);
    let (status, queued) =
        send(http().post(url(&sim, &format!("webhooks/events/{event_id}/retry"))).bearer_auth(sim.api_key())).await;
    assert_eq!(status, 200);
    assert_eq!(queued, json!({"object": "event", "status": "queued"}));
    let (_, event) = send(get(&sim, &format!("webhooks/events/{event_id}"))).await;
    assert_eq!(event["delivery_status"], "delivered");
    assert_eq!(event["delivery_attempts"], 2);
    assert_eq!(event["http_status_code"], 200);
    assert_eq!(event["error_message"], Value::Null);

    // Every delivery the receiver got verifies with the Bitnob preset and its webhook's secret.
    let secret = |id: &str| HmacSecret::from_str_bytes(&sim.signing_secret(id).unwrap()).unwrap();
    let hook_verifier = HmacVerifier::with_secret(hookbridge_testkit::schemes::bitnob(), secret(hook_id));
    let all_verifier =
        HmacVerifier::with_secret(hookbridge_testkit::schemes::bitnob(), secret(all["id"].as_str().unwrap()));
    let received = rx.received();
    assert_eq!(received.len(), 3);
    for got in &received {
        let verifier = if got.uri.path() == "/bitnob" { &hook_verifier } else { &all_verifier };
        let verified = verifier.verify(&got.body, &got.headers).unwrap();
        assert!(verified.timestamp().is_some());
        assert_eq!(got.headers["x-bitnob-event"], "transaction.confirmed");
        let body: Value = serde_json::from_slice(&got.body).unwrap();
        assert_eq!(body["event"], "transaction.confirmed");
        assert!(reports.iter().any(|r| r.delivery_id.as_deref() == body["event_id"].as_str()));
        assert!(body["data"]["amount"].is_string());
    }
    let paths: Vec<&str> = received.iter().map(|r| r.uri.path()).collect();
    assert_eq!(paths, ["/bitnob", "/all", "/bitnob"]);
    assert!(all_verifier.verify(&received[0].body, &received[0].headers).is_err(), "secrets are per webhook");
    assert_eq!(received[0].body, received[2].body, "a retry re-sends the same body");

    // After a rotation, retries are signed with the new secret.
    let (_, rotated) =
        send(http().post(url(&sim, &format!("webhooks/{hook_id}/rotate-secret"))).bearer_auth(sim.api_key())).await;
    send(http().post(url(&sim, &format!("webhooks/events/{event_id}/retry"))).bearer_auth(sim.api_key())).await;
    let last = rx.received().pop().unwrap();
    let rotated_verifier = HmacVerifier::with_secret(
        hookbridge_testkit::schemes::bitnob(),
        HmacSecret::from_str_bytes(rotated["secret"].as_str().unwrap()).unwrap(),
    );
    rotated_verifier.verify(&last.body, &last.headers).unwrap();
    assert!(hook_verifier.verify(&last.body, &last.headers).is_err());

    // No response at all: http_status_code 0.
    let reports = sim.deliver("wallet.created", None).await.unwrap();
    let dead_report = reports.iter().find(|r| r.webhook_id == dead["id"].as_str().unwrap()).unwrap();
    assert_eq!(dead_report.status, None);
    assert!(dead_report.error.is_some());
    let (_, dead_event) =
        send(get(&sim, &format!("webhooks/events/{}", dead_report.delivery_id.as_deref().unwrap()))).await;
    assert_eq!(dead_event["http_status_code"], 0);
    assert_eq!(dead_event["delivery_status"], "failed");

    // Event listing: filters and cursor paging over everything.
    let (failed, _) = collect_ids(&sim, "webhooks/events", &[("status", "failed")], 1).await;
    assert_eq!(failed.len(), 2, "the /all 500 and the dead endpoint");
    let (for_hook, _) = collect_ids(&sim, "webhooks/events", &[("webhook_id", hook_id)], 1).await;
    assert_eq!(for_hook, std::slice::from_ref(&event_id));
    let (every, pages) = collect_ids(&sim, "webhooks/events", &[], 2).await;
    assert_eq!(every.len(), 4);
    assert_eq!(pages, 2);
    assert_eq!(sim.events().len(), 4);

    // Unknown ids; a deleted webhook's events cannot be retried.
    assert_eq!(send(get(&sim, "webhooks/events/nope")).await.0, 404);
    assert_eq!(send(http().post(url(&sim, "webhooks/events/nope/retry")).bearer_auth(sim.api_key())).await.0, 404);
    http().delete(url(&sim, &format!("webhooks/{hook_id}"))).bearer_auth(sim.api_key()).send().await.unwrap();
    assert_eq!(
        send(http().post(url(&sim, &format!("webhooks/events/{event_id}/retry"))).bearer_auth(sim.api_key())).await.0,
        404
    );
    assert_eq!(sim.deliver("transaction.confirmed", None).await.unwrap().len(), 1, "only /all is left");
}
