//! CHIP Collect: CRUD with next-URL paging, public key, auth, RSA-signed deliveries.

use hookbridge_testkit::chip::CHIP_EVENT_TYPES;
use hookbridge_testkit::{ChipConfig, ChipSim, Error};
use hookbridge_verify::{MIN_RSA_BITS, RsaPublicKey, RsaVerifier, VerifyError};
use serde_json::{Value, json};

use crate::common::{Receiver, http, is_uuid, send};

fn url(sim: &ChipSim, path: &str) -> String {
    format!("{}{path}", sim.base_url())
}

async fn create(sim: &ChipSim, body: Value) -> Value {
    let (status, created) = send(http().post(url(sim, "webhooks/")).bearer_auth(sim.secret_key()).json(&body)).await;
    assert_eq!(status, 201, "{created}");
    created
}

#[tokio::test]
async fn crud_with_next_url_paging() {
    let sim = ChipSim::start().await.unwrap();
    assert!(sim.base_url().ends_with("/api/v1/"));
    let mut ids = Vec::new();
    for i in 0..5 {
        let created = create(
            &sim,
            json!({"title": format!("hook {i}"), "all_events": false, "events": ["purchase.paid"], "callback": format!("https://example.com/{i}"), "public_key": "ignored"}),
        )
        .await;
        assert_eq!(created["type"], "webhook");
        assert!(is_uuid(created["id"].as_str().unwrap()));
        let created_on = created["created_on"].as_i64().unwrap();
        assert!((1_600_000_000..4_000_000_000).contains(&created_on), "epoch seconds");
        assert_eq!(created["updated_on"], created["created_on"]);
        assert_eq!(created["title"], format!("hook {i}"));
        assert_eq!(created["all_events"], false);
        assert_eq!(created["events"], json!(["purchase.paid"]));
        assert_eq!(created["callback"], format!("https://example.com/{i}"));
        assert_eq!(created["public_key"], sim.webhook_public_key_pem());
        ids.push(created["id"].as_str().unwrap().to_owned());
    }

    // Follow `next` (absolute URLs on the simulator's origin) to the end.
    let mut next = Some(url(&sim, "webhooks/"));
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    while let Some(page_url) = next {
        assert!(page_url.starts_with(&sim.origin()), "{page_url}");
        let (status, page) = send(http().get(&page_url).bearer_auth(sim.secret_key())).await;
        assert_eq!(status, 200);
        seen.extend(page["results"].as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap().to_owned()));
        next = page["next"].as_str().map(str::to_owned);
        pages.push(page);
        assert!(pages.len() < 10);
    }
    assert_eq!(seen, ids);
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0]["previous"], Value::Null);
    assert_eq!(pages[1]["previous"], url(&sim, "webhooks/"));
    assert_eq!(pages[2]["previous"], url(&sim, "webhooks/?page=2"));
    assert_eq!(pages[2]["results"].as_array().unwrap().len(), 1);
    for page in ["0", "4", "x"] {
        let (status, err) =
            send(http().get(url(&sim, "webhooks/")).query(&[("page", page)]).bearer_auth(sim.secret_key())).await;
        assert_eq!(status, 404, "page {page}");
        assert_eq!(err["code"], "not_found");
    }

    // Get; PUT replaces; PATCH changes only what is given.
    let item = url(&sim, &format!("webhooks/{}/", ids[0]));
    let (status, one) = send(http().get(&item).bearer_auth(sim.secret_key())).await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], ids[0].as_str());
    let (status, put) =
        send(http().put(&item).bearer_auth(sim.secret_key()).json(
            &json!({"title": "replaced", "all_events": true, "events": [], "callback": "https://example.com/put"}),
        ))
        .await;
    assert_eq!(status, 200, "{put}");
    assert_eq!(put["title"], "replaced");
    assert_eq!(put["all_events"], true);
    assert_eq!(put["events"], json!([]));
    assert_eq!(put["created_on"], one["created_on"]);
    let (status, err) =
        send(http().put(&item).bearer_auth(sim.secret_key()).json(&json!({"title": "only a title"}))).await;
    assert_eq!(status, 400);
    assert_eq!(err["code"], "invalid_request");
    let (status, patched) =
        send(http().patch(&item).bearer_auth(sim.secret_key()).json(&json!({"title": "patched"}))).await;
    assert_eq!(status, 200);
    assert_eq!(patched["title"], "patched");
    assert_eq!(patched["callback"], "https://example.com/put");
    assert_eq!(patched["all_events"], true);
    let (status, _) = send(http().patch(&item).bearer_auth(sim.secret_key()).json(&json!({"all_events": false}))).await;
    assert_eq!(status, 400, "no events left");
    let (_, again) = send(http().get(&item).bearer_auth(sim.secret_key())).await;
    assert_eq!(again, patched);

    // Delete: 204, then 404.
    let resp = http().delete(&item).bearer_auth(sim.secret_key()).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(send(http().get(&item).bearer_auth(sim.secret_key())).await.0, 404);
    assert_eq!(send(http().delete(&item).bearer_auth(sim.secret_key())).await.0, 404);
    assert_eq!(sim.webhooks().len(), 4);

    // Trailing slashes are part of the documented paths.
    let (status, _) = send(http().get(url(&sim, &format!("webhooks/{}", ids[1]))).bearer_auth(sim.secret_key())).await;
    assert_eq!(status, 404);
    assert_eq!(send(http().get(url(&sim, "webhooks")).bearer_auth(sim.secret_key())).await.0, 404);
}

#[tokio::test]
async fn validation_auth_and_page_size() {
    let sim = ChipSim::start_with(ChipConfig::default().page_size(10)).await.unwrap();
    let (status, err) = send(http().get(url(&sim, "webhooks/"))).await;
    assert_eq!(status, 401);
    assert_eq!(err["code"], "unauthorized");
    assert!(err["message"].is_string());
    assert_eq!(send(http().get(url(&sim, "webhooks/")).bearer_auth("nope")).await.0, 401);
    for body in [
        json!({"events": ["purchase.paid"], "callback": "https://example.com"}),
        json!({"title": "t", "events": ["purchase.paid"]}),
        json!({"title": "t", "events": ["purchase.unknown"], "callback": "https://example.com"}),
        json!({"title": "t", "events": [], "callback": "https://example.com"}),
        json!({"title": "t", "all_events": "yes", "events": ["purchase.paid"], "callback": "https://example.com"}),
        json!({"title": "t", "events": ["purchase.paid"], "callback": "example.com"}),
    ] {
        let (status, err) = send(http().post(url(&sim, "webhooks/")).bearer_auth(sim.secret_key()).json(&body)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(err["code"], "invalid_request");
    }
    for (content_type, body, expected) in [
        ("application/json", "{\"title\": ", 400),
        ("application/json", "\"a string\"", 400),
        ("text/plain", "{}", 415),
    ] {
        let req =
            http().post(url(&sim, "webhooks/")).bearer_auth(sim.secret_key()).header("content-type", content_type);
        let (status, err) = send(req.body(body)).await;
        assert_eq!(status, expected, "{body}");
        assert!(err["code"].is_string() && err["message"].is_string());
    }
    let all = create(&sim, json!({"title": "all", "all_events": true, "callback": "https://example.com"})).await;
    assert_eq!(all["events"], json!([]));
    create(&sim, json!({"title": "every type", "events": &*CHIP_EVENT_TYPES, "callback": "https://example.com"})).await;
    let (_, page) = send(http().get(url(&sim, "webhooks/")).bearer_auth(sim.secret_key())).await;
    assert_eq!(page["results"].as_array().unwrap().len(), 2);
    assert_eq!(page["next"], Value::Null);
}

#[tokio::test]
async fn public_key_is_a_bare_json_string_holding_a_pem() {
    let sim = ChipSim::start().await.unwrap();
    let resp = http().get(url(&sim, "public_key/")).bearer_auth(sim.secret_key()).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let text = resp.text().await.unwrap();
    assert!(text.starts_with("\"-----BEGIN PUBLIC KEY-----\\n"), "{text}");
    let pem: String = serde_json::from_str(&text).unwrap();
    assert_eq!(pem, sim.company_public_key_pem());
    let key = RsaPublicKey::from_pem(&pem).unwrap();
    assert_eq!(key.bits(), 4096);
    assert_eq!(send(http().get(url(&sim, "public_key/"))).await.0, 401);
}

#[tokio::test]
async fn deliveries_are_rsa_signed_with_the_webhook_key() {
    let sim = ChipSim::start().await.unwrap();
    let rx = Receiver::start().await;
    let paid = create(&sim, json!({"title": "paid", "events": ["purchase.paid"], "callback": rx.url("/paid")})).await;
    create(&sim, json!({"title": "all", "all_events": true, "callback": rx.url("/all")})).await;
    create(&sim, json!({"title": "payouts", "events": ["payout.success"], "callback": rx.url("/payouts")})).await;

    let reports = sim.deliver("purchase.paid", None).await.unwrap();
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.is_success() && r.delivery_id.is_none()));
    let received = rx.received();
    let paths: Vec<&str> = received.iter().map(|r| r.uri.path()).collect();
    assert_eq!(paths, ["/paid", "/all"]);

    // Verify with the public key the API returned for the webhook.
    // Receivers refuse RSA keys under 2048 bits: the simulator's keys are usable.
    let key = RsaPublicKey::from_pem(paid["public_key"].as_str().unwrap()).unwrap();
    assert!(key.bits() >= MIN_RSA_BITS);
    assert!(RsaPublicKey::from_pem(sim.company_public_key_pem()).unwrap().bits() >= MIN_RSA_BITS);
    let verifier = RsaVerifier::with_key(hookbridge_testkit::schemes::chip(), key);
    for got in &received {
        verifier.verify(&got.body, &got.headers).unwrap();
        assert!(got.headers.get("x-webhook-delivery").is_none());
    }
    let body: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(body["event_type"], "purchase.paid");
    assert_eq!(body["type"], "purchase");
    assert_eq!(body["status"], "paid");
    assert_eq!(body["brand_id"], sim.brand_id());
    assert!(body["purchase"]["total"].is_i64());
    // A tampered body, or the company key, does not verify.
    let mut tampered = received[0].body.to_vec();
    tampered.push(b' ');
    assert!(matches!(verifier.verify(&tampered, &received[0].headers), Err(VerifyError::NoMatch { .. })));
    let company = RsaVerifier::with_key(
        hookbridge_testkit::schemes::chip(),
        RsaPublicKey::from_pem(sim.company_public_key_pem()).unwrap(),
    );
    assert!(company.verify(&received[0].body, &received[0].headers).is_err());

    // A caller-supplied object gets `event_type` added; non-objects are refused.
    let reports = sim.deliver("payout.success", Some(json!({"id": "p-1", "type": "payout"}))).await.unwrap();
    assert_eq!(reports.len(), 2);
    let body: Value = serde_json::from_slice(&reports[0].body).unwrap();
    assert_eq!(body, json!({"id": "p-1", "type": "payout", "event_type": "payout.success"}));
    verifier.verify(&reports[0].body, &reports[0].header_map()).unwrap();
    assert!(matches!(sim.deliver("payout.success", Some(json!([1]))).await, Err(Error::InvalidPayload(_))));
    assert!(sim.deliver("payout.failed", Some(json!({}))).await.unwrap().len() == 1);
}
