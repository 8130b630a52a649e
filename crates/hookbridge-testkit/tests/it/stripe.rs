//! Stripe: form-encoded Webhook Endpoints CRUD, cursor paging, Stripe's error object, and
//! `Stripe-Signature` deliveries accepted by hookbridge-stripe's receiver.

use std::time::Duration;

use hookbridge_core::{DeliveryUrl, IdempotencyKey, RetryPolicy, Secret};
use hookbridge_stripe::{CreateWebhookEndpoint, EventType, StripeClient, StripeReceiver, StripeSpec};
use hookbridge_testkit::{StatusCode, StripeSim};
use hookbridge_verify::receive::{Incoming, Receive as _};
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier};
use serde_json::{Value, json};

use crate::common::{Receiver, http, send};

const FORM: &str = "application/x-www-form-urlencoded";

fn endpoints_url(sim: &StripeSim) -> String {
    format!("{}v1/webhook_endpoints", sim.base_url())
}

fn one_url(sim: &StripeSim, id: &str) -> String {
    format!("{}v1/webhook_endpoints/{id}", sim.base_url())
}

async fn post_form(sim: &StripeSim, url: &str, form: &str) -> (u16, Value) {
    send(http().post(url).bearer_auth(sim.secret_key()).header("content-type", FORM).body(form.to_owned())).await
}

async fn get(sim: &StripeSim, url: &str) -> (u16, Value) {
    send(http().get(url).bearer_auth(sim.secret_key())).await
}

async fn create(sim: &StripeSim, form: &str) -> Value {
    let (status, created) = post_form(sim, &endpoints_url(sim), form).await;
    assert_eq!(status, 200, "{created}");
    created
}

/// POSTs `form` with `Idempotency-Key: key`: the status, the `Idempotent-Replayed` header and
/// the JSON body.
async fn post_keyed(sim: &StripeSim, url: &str, key: &str, form: &str) -> (u16, Option<String>, Value) {
    let resp = http()
        .post(url)
        .bearer_auth(sim.secret_key())
        .header("content-type", FORM)
        .header("idempotency-key", key)
        .body(form.to_owned())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let replayed = resp.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap().to_owned());
    (status, replayed, resp.json().await.unwrap())
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[tokio::test]
async fn create_retrieve_update_delete_in_stripes_wire_format() {
    let sim = StripeSim::start().await.unwrap();
    assert!(sim.base_url().ends_with('/'));
    assert!(sim.secret_key().starts_with("sk_test_"));

    let created = create(
        &sim,
        "url=https%3A%2F%2Fexample.com%2Fhooks&enabled_events[]=charge.succeeded&enabled_events%5B%5D=charge.failed\
         &description=orders&metadata[team]=billing&api_version=2024-12-18.acacia&connect=false",
    )
    .await;
    // The documented object with `secret` (data/stripe/webhook_endpoint_created.json) has these attributes.
    let fixture: Value = serde_json::from_str(include_str!("../../data/stripe/webhook_endpoint_created.json")).unwrap();
    assert_eq!(keys(&created), keys(&fixture));
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("we_") && id.len() > 10, "{id}");
    assert_eq!(created["object"], "webhook_endpoint");
    assert_eq!(created["api_version"], "2024-12-18.acacia");
    assert_eq!(created["application"], Value::Null);
    let created_at = created["created"].as_i64().unwrap();
    assert!((1_600_000_000..4_000_000_000).contains(&created_at), "unix seconds");
    assert_eq!(created["description"], "orders");
    assert_eq!(created["enabled_events"], json!(["charge.succeeded", "charge.failed"]));
    assert_eq!(created["livemode"], false);
    assert_eq!(created["metadata"], json!({"team": "billing"}));
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(created["status"], "enabled");
    assert_eq!(created["url"], "https://example.com/hooks");

    // Defaults: api_version and description null, metadata {}.
    let plain = create(&sim, "url=https://example.com/plain&enabled_events[]=*").await;
    assert_eq!(plain["api_version"], Value::Null);
    assert_eq!(plain["description"], Value::Null);
    assert_eq!(plain["metadata"], json!({}));
    assert_eq!(plain["enabled_events"], json!(["*"]));
    assert_ne!(plain["secret"], created["secret"]);

    // The secret is revealed by create only: not by retrieve, list, update or the accessor.
    let (status, got) = get(&sim, &one_url(&sim, &id)).await;
    assert_eq!(status, 200);
    let fixture: Value = serde_json::from_str(include_str!("../../data/stripe/webhook_endpoint.json")).unwrap();
    assert_eq!(keys(&got), keys(&fixture));
    let mut without_secret = created.clone();
    without_secret.as_object_mut().unwrap().remove("secret");
    assert_eq!(got, without_secret);
    let (_, page) = get(&sim, &endpoints_url(&sim)).await;
    assert!(page["data"].as_array().unwrap().iter().all(|e| e.get("secret").is_none()));
    assert!(sim.endpoints().iter().all(|e| e.get("secret").is_none()));

    // Partial update: only the parameters given change.
    let (status, updated) = post_form(
        &sim,
        &one_url(&sim, &id),
        "url=https://example.com/moved&enabled_events[]=invoice.paid&disabled=true&metadata[team]=&metadata[owner]=ops",
    )
    .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["url"], "https://example.com/moved");
    assert_eq!(updated["enabled_events"], json!(["invoice.paid"]));
    assert_eq!(updated["status"], "disabled");
    assert_eq!(updated["metadata"], json!({"owner": "ops"}));
    assert_eq!(updated["description"], "orders");
    assert_eq!(updated["api_version"], "2024-12-18.acacia");
    assert_eq!(updated["created"], created["created"]);
    assert!(updated.get("secret").is_none());
    let (_, updated) = post_form(&sim, &one_url(&sim, &id), "description=&metadata=&disabled=false").await;
    assert_eq!(updated["description"], Value::Null);
    assert_eq!(updated["metadata"], json!({}));
    assert_eq!(updated["status"], "enabled");
    assert_eq!(get(&sim, &one_url(&sim, &id)).await.1, updated);
    // Create-only parameters are unknown to an update.
    let (status, err) = post_form(&sim, &one_url(&sim, &id), "api_version=2024-12-18.acacia").await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], "parameter_unknown");
    assert_eq!(err["error"]["param"], "api_version");

    // Delete: the documented deleted object; then the endpoint is gone.
    let (status, deleted) = send(http().delete(one_url(&sim, &id)).bearer_auth(sim.secret_key())).await;
    assert_eq!(status, 200);
    assert_eq!(deleted, json!({"id": id, "object": "webhook_endpoint", "deleted": true}));
    let (status, err) = get(&sim, &one_url(&sim, &id)).await;
    assert_eq!(status, 404);
    assert_eq!(err["error"]["code"], "resource_missing");
    let (status, _) = send(http().delete(one_url(&sim, &id)).bearer_auth(sim.secret_key())).await;
    assert_eq!(status, 404, "deleting twice is an error");
    assert_eq!(sim.endpoints().len(), 1);
}

#[tokio::test]
async fn errors_use_stripes_error_object() {
    let sim = StripeSim::start().await.unwrap();
    let list = endpoints_url(&sim);

    // Authentication: no key, a wrong key, a key in another scheme.
    for req in [
        http().get(&list),
        http().get(&list).bearer_auth("sk_test_wrong"),
        http().get(&list).basic_auth(sim.secret_key(), Some("")),
    ] {
        let (status, err) = send(req).await;
        assert_eq!(status, 401);
        assert_eq!(err["error"]["type"], "invalid_request_error");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(!message.is_empty() && !message.contains("sk_test_wrong"), "{message}");
    }
    let (status, _) =
        send(http().post(&list).header("content-type", FORM).body("url=https://example.com/x&enabled_events[]=*"))
            .await;
    assert_eq!(status, 401);
    assert!(sim.endpoints().is_empty(), "an unauthenticated create changes nothing");

    // Unknown id: 404 resource_missing, on every method.
    let missing = one_url(&sim, "we_doesnotexist");
    let (status, err) = get(&sim, &missing).await;
    assert_eq!(status, 404);
    assert_eq!(
        err,
        json!({"error": {
            "code": "resource_missing",
            "doc_url": "https://stripe.com/docs/error-codes/resource-missing",
            "message": "No such webhook endpoint: 'we_doesnotexist'",
            "param": "id",
            "type": "invalid_request_error",
        }})
    );
    assert_eq!(post_form(&sim, &missing, "description=x").await.0, 404);

    // Missing parameters: url first, then enabled_events.
    let (status, err) = post_form(&sim, &list, "enabled_events[]=*").await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["code"], "parameter_missing");
    assert_eq!(err["error"]["param"], "url");
    assert_eq!(err["error"]["message"], "Missing required param: url.");
    let (status, err) = post_form(&sim, &list, "url=https://example.com/x").await;
    assert_eq!((status, err["error"]["param"].as_str()), (400, Some("enabled_events")));

    // Other refused input.
    for (form, param) in [
        ("url=not-a-url&enabled_events[]=*", "url"),
        ("url=ftp://example.com/x&enabled_events[]=*", "url"),
        ("url=https://example.com/x&enabled_events[]=*&connect=yes", "connect"),
        ("url=https://example.com/x&enabled_events[]=*&disabled=true", "disabled"),
        ("url=https://example.com/x&enabled_events[]=*&colour=red", "colour"),
    ] {
        let (status, err) = post_form(&sim, &list, form).await;
        assert_eq!(status, 400, "{form}");
        assert_eq!(err["error"]["param"], param, "{form}");
        assert_eq!(err["error"]["type"], "invalid_request_error");
    }

    // A JSON body is not a form: 400.
    let (status, err) = send(
        http()
            .post(&list)
            .bearer_auth(sim.secret_key())
            .json(&json!({"url": "https://example.com/x", "enabled_events": ["*"]})),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["type"], "invalid_request_error");
    assert!(sim.endpoints().is_empty());

    // Unknown route and injected faults in the same shape.
    let (status, err) = get(&sim, &format!("{}v1/nothing", sim.base_url())).await;
    assert_eq!(status, 404);
    assert!(err["error"]["message"].as_str().unwrap().starts_with("Unrecognized request URL (GET: /v1/nothing)"));
    sim.fail_next(StatusCode::SERVICE_UNAVAILABLE, 1);
    sim.fail_next(StatusCode::TOO_MANY_REQUESTS, 1);
    let (status, err) = get(&sim, &list).await;
    assert_eq!((status, err["error"]["type"].as_str()), (503, Some("api_error")));
    let (status, err) = get(&sim, &list).await;
    assert_eq!((status, err["error"]["code"].as_str()), (429, Some("rate_limit")));
    assert_eq!(sim.requests().iter().filter(|r| r.injected_fault.is_some()).count(), 2);
    assert_eq!(sim.requests()[0].header("authorization"), None);
    assert!(sim.requests().iter().any(|r| r.header("authorization") == Some("Bearer <redacted>")));
}

#[tokio::test]
async fn lists_newest_first_with_cursors_over_three_pages() {
    let sim = StripeSim::start().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let created = create(&sim, &format!("url=https://example.com/{i}&enabled_events[]=charge.succeeded")).await;
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    let list = endpoints_url(&sim);

    // The default limit (10) returns everything.
    let (status, all) = get(&sim, &list).await;
    assert_eq!(status, 200);
    let fixture: Value = serde_json::from_str(include_str!("../../data/stripe/webhook_endpoints_page_1.json")).unwrap();
    assert_eq!(keys(&all), keys(&fixture));
    assert_eq!(all["object"], "list");
    assert_eq!(all["url"], "/v1/webhook_endpoints");
    assert_eq!(all["has_more"], false);
    let page_ids = |page: &Value| -> Vec<String> {
        page["data"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(page_ids(&all), newest_first);

    // Forward: 2 + 2 + 1, has_more true, true, false.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut has_more_flags = Vec::new();
    loop {
        let url = match &cursor {
            None => format!("{list}?limit=2"),
            Some(c) => format!("{list}?limit=2&starting_after={c}"),
        };
        let (status, page) = get(&sim, &url).await;
        assert_eq!(status, 200, "{page}");
        let batch = page_ids(&page);
        has_more_flags.push(page["has_more"].as_bool().unwrap());
        cursor = batch.last().cloned();
        seen.extend(batch);
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(has_more_flags, [true, true, false]);
    assert_eq!(seen, newest_first);

    // Backward from the oldest: the two just before it, then the two before those, then one.
    let (_, page) = get(&sim, &format!("{list}?limit=2&ending_before={}", newest_first[4])).await;
    assert_eq!(page_ids(&page), newest_first[2..4]);
    assert_eq!(page["has_more"], true);
    let (_, page) = get(&sim, &format!("{list}?limit=2&ending_before={}", newest_first[2])).await;
    assert_eq!(page_ids(&page), newest_first[0..2]);
    assert_eq!(page["has_more"], false);

    // Refused: both cursors, an unknown cursor, a limit outside 1..=100.
    for query in [
        format!("starting_after={}&ending_before={}", ids[0], ids[1]),
        "starting_after=we_unknown".to_owned(),
        "limit=0".to_owned(),
        "limit=101".to_owned(),
        "limit=ten".to_owned(),
    ] {
        let (status, err) = get(&sim, &format!("{list}?{query}")).await;
        assert_eq!(status, 400, "{query}");
        assert_eq!(err["error"]["type"], "invalid_request_error", "{query}");
    }
}

#[tokio::test]
async fn deliveries_are_signed_events_accepted_by_the_stripe_receiver() {
    let sim = StripeSim::start().await.unwrap();
    let rx = Receiver::start().await;
    let list = endpoints_url(&sim);
    let subscribed = create(
        &sim,
        &format!("url={}&enabled_events[]=payment_intent.succeeded&enabled_events[]=charge.succeeded", rx.url("/one")),
    )
    .await;
    let all = create(&sim, &format!("url={}&enabled_events[]=*&api_version=2025-01-27.acacia", rx.url("/all"))).await;
    let other = create(&sim, &format!("url={}&enabled_events[]=invoice.paid", rx.url("/other"))).await;
    let disabled = create(&sim, &format!("url={}&enabled_events[]=*", rx.url("/disabled"))).await;
    let (status, _) = post_form(&sim, &format!("{list}/{}", disabled["id"].as_str().unwrap()), "disabled=true").await;
    assert_eq!(status, 200);

    let reports = sim.deliver("payment_intent.succeeded", None).await.unwrap();
    assert_eq!(reports.len(), 2, "{reports:?}");
    assert!(reports.iter().all(|r| r.is_success()), "{reports:?}");
    assert_eq!(rx.received().len(), 2);
    let _ = other;

    let mut event_ids = Vec::new();
    for created in [&subscribed, &all] {
        let path = if created["id"] == subscribed["id"] { "/one" } else { "/all" };
        let got = rx.received().into_iter().find(|r| r.uri.path() == path).unwrap();
        let secret = created["secret"].as_str().unwrap();

        // The raw scheme: t=..,v1=<hex HMAC-SHA256(secret, "t.body")>.
        let header = got.headers.get("stripe-signature").unwrap().to_str().unwrap().to_owned();
        assert!(header.starts_with("t=") && header.contains(",v1="), "{header}");
        let verifier = HmacVerifier::with_secret(HmacScheme::stripe(), HmacSecret::from_str_bytes(secret).unwrap());
        assert!(verifier.verify(&got.body, &got.headers).is_ok());
        let wrong = HmacVerifier::with_secret(
            HmacScheme::stripe(),
            HmacSecret::from_str_bytes(other["secret"].as_str().unwrap()).unwrap(),
        );
        assert!(wrong.verify(&got.body, &got.headers).is_err(), "each endpoint signs with its own secret");

        let body: Value = serde_json::from_slice(&got.body).unwrap();
        assert!(body["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(body["object"], "event");
        assert_eq!(body["type"], "payment_intent.succeeded");
        assert_eq!(body["livemode"], false);
        assert_eq!(body["pending_webhooks"], 2);
        assert_eq!(body["request"], json!({"id": null, "idempotency_key": null}));
        assert_eq!(body["data"]["object"]["object"], "payment_intent");
        assert!(body["created"].as_i64().unwrap() > 1_600_000_000);
        if path == "/all" {
            assert_eq!(body["api_version"], "2025-01-27.acacia", "the endpoint's version");
        } else {
            assert!(body["api_version"].is_string());
        }
        event_ids.push(body["id"].clone());

        // hookbridge-stripe's receiver accepts and parses it.
        let receiver = StripeReceiver::new(
            StripeSpec::new(hookbridge_stripe::endpoint_key_ring(&Secret::new(secret)).unwrap()).unwrap(),
        );
        let incoming = Incoming::post(path.parse().unwrap(), got.headers.clone(), got.body.clone());
        let (delivery, ticket) = receiver.accept(incoming).await.unwrap().into_parts();
        assert_eq!(delivery.event.event_type, EventType::PaymentIntentSucceeded);
        assert_eq!(delivery.replay_key.as_str(), format!("stripe:event:{}", body["id"].as_str().unwrap()));
        ticket.complete().await.unwrap();
    }
    assert_eq!(event_ids[0], event_ids[1], "one event, delivered to two endpoints");

    // A given data.object; an event nobody subscribes to goes nowhere.
    let reports = sim.deliver("charge.succeeded", Some(json!({"id": "ch_1", "object": "charge"}))).await.unwrap();
    assert_eq!(reports.len(), 2);
    let last: Value = serde_json::from_slice(&rx.received().last().unwrap().body).unwrap();
    assert_eq!(last["data"]["object"], json!({"id": "ch_1", "object": "charge"}));
    assert!(sim.deliver("customer.created", None).await.unwrap().len() == 1, "only `*` of the enabled endpoints");
    let nobody = StripeSim::start().await.unwrap();
    assert!(nobody.deliver("charge.succeeded", None).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_answer_and_refuses_other_requests() {
    let sim = StripeSim::start().await.unwrap();
    let list = endpoints_url(&sim);
    let form = "url=https://example.com/hooks&enabled_events[]=charge.succeeded";

    // The same create twice: one endpoint, the first answer (secret included) replayed.
    let (status, replayed, first) = post_keyed(&sim, &list, "order-6735", form).await;
    assert_eq!((status, replayed), (200, None), "{first}");
    let (status, replayed, again) = post_keyed(&sim, &list, "order-6735", form).await;
    assert_eq!((status, replayed.as_deref()), (200, Some("true")));
    assert_eq!(again, first);
    assert!(first["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(sim.endpoints().len(), 1);
    // Another key is another create.
    let (status, replayed, other) = post_keyed(&sim, &list, "order-6736", form).await;
    assert_eq!((status, replayed), (200, None));
    assert_ne!(other["id"], first["id"]);
    assert_eq!(sim.endpoints().len(), 2);

    // The key with other parameters, or on another endpoint: idempotency_error, nothing done.
    let (status, replayed, err) =
        post_keyed(&sim, &list, "order-6735", "url=https://example.com/other&enabled_events[]=charge.succeeded").await;
    assert_eq!((status, replayed), (400, None));
    assert_eq!(err["error"]["type"], "idempotency_error");
    assert!(err["error"]["message"].as_str().unwrap().contains("same parameters"), "{err}");
    let id = first["id"].as_str().unwrap();
    let (status, _, err) = post_keyed(&sim, &one_url(&sim, id), "order-6735", "description=x").await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["type"], "idempotency_error");
    assert!(err["error"]["message"].as_str().unwrap().contains("same endpoint"), "{err}");
    assert_eq!(sim.endpoints().len(), 2);
    assert_eq!(sim.endpoints()[0]["description"], Value::Null);

    // An update's answer is replayed too, without executing it again.
    let (status, _, updated) = post_keyed(&sim, &one_url(&sim, id), "rename-1", "description=first").await;
    assert_eq!((status, updated["description"].as_str()), (200, Some("first")));
    assert_eq!(post_form(&sim, &one_url(&sim, id), "description=second").await.0, 200);
    let (status, replayed, replay) = post_keyed(&sim, &one_url(&sim, id), "rename-1", "description=first").await;
    assert_eq!((status, replayed.as_deref()), (200, Some("true")));
    assert_eq!(replay, updated);
    assert_eq!(get(&sim, &one_url(&sim, id)).await.1["description"], "second");

    // Errors of an executed request are saved: a 404 is replayed even once the id would exist.
    let (status, replayed, missing) =
        post_keyed(&sim, &one_url(&sim, "we_doesnotexist"), "missing-1", "description=x").await;
    assert_eq!((status, replayed), (404, None));
    let (status, replayed, again) =
        post_keyed(&sim, &one_url(&sim, "we_doesnotexist"), "missing-1", "description=x").await;
    assert_eq!((status, replayed.as_deref()), (404, Some("true")));
    assert_eq!(again, missing);

    // A request refused before executing saves nothing: the key is still free.
    let (status, _, err) = post_keyed(&sim, &list, "fix-1", "url=https://example.com/fixed").await;
    assert_eq!((status, err["error"]["code"].as_str()), (400, Some("parameter_missing")));
    let (status, replayed, fixed) =
        post_keyed(&sim, &list, "fix-1", "url=https://example.com/fixed&enabled_events[]=*").await;
    assert_eq!((status, replayed), (200, None), "{fixed}");
    assert_eq!(sim.endpoints().len(), 3);

    // Keys are up to 255 characters.
    let (status, _, err) = post_keyed(&sim, &list, &"k".repeat(256), form).await;
    assert_eq!(status, 400);
    assert_eq!(err["error"]["type"], "invalid_request_error");
    assert_eq!(sim.endpoints().len(), 3);
    let (status, replayed, _) = post_keyed(&sim, &list, &"k".repeat(255), form).await;
    assert_eq!((status, replayed), (200, None));
    assert_eq!(sim.endpoints().len(), 4);

    // GET and DELETE ignore the header.
    for _ in 0..2 {
        let resp = http()
            .get(&list)
            .bearer_auth(sim.secret_key())
            .header("idempotency-key", "order-6735")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers().get("idempotent-replayed"), None);
    }
    let delete =
        || http().delete(one_url(&sim, id)).bearer_auth(sim.secret_key()).header("idempotency-key", "order-6735");
    assert_eq!(send(delete()).await.0, 200);
    assert_eq!(send(delete()).await.0, 404);
}

#[tokio::test]
async fn the_stripe_client_keeps_its_key_across_retries_and_gets_one_endpoint() {
    let sim = StripeSim::start().await.unwrap();
    let client = StripeClient::builder()
        .base_url(sim.base_url())
        .credentials(Secret::new(sim.secret_key()))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(1)))
        .build()
        .unwrap();
    let params =
        CreateWebhookEndpoint::new(DeliveryUrl::new("https://example.com/hooks").unwrap(), ["charge.succeeded"]);

    // A 503 before the create executes: the retry, with the same key, creates the endpoint.
    sim.fail_next(StatusCode::SERVICE_UNAVAILABLE, 1);
    let created = client.webhooks().create(&params).await.unwrap();
    let posts = sim.requests();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].injected_fault, Some(503));
    let key = posts[0].header("idempotency-key").unwrap();
    assert!(key.starts_with("hb-"), "{key}");
    assert_eq!(posts[1].header("idempotency-key"), Some(key));
    assert_eq!(sim.endpoints().len(), 1);

    // The answer lost after the create executed: repeating the request with its key returns the
    // endpoint the first attempt created, secret included, and creates nothing.
    let replay = http()
        .post(endpoints_url(&sim))
        .bearer_auth(sim.secret_key())
        .header("content-type", posts[1].header("content-type").unwrap())
        .header("idempotency-key", key)
        .body(posts[1].body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(replay.headers().get("idempotent-replayed").unwrap(), "true");
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["id"], created.id.as_str());
    assert_eq!(replay["secret"].as_str(), created.secret.as_ref().map(Secret::expose));
    assert_eq!(sim.endpoints().len(), 1);

    // The caller's key: a second create with it is the first one's endpoint; with other
    // parameters it is a conflict.
    let key = IdempotencyKey::new("order-6735 webhook").unwrap();
    let first = client.webhooks().idempotency_key(key.clone()).create(&params).await.unwrap();
    let second = client.webhooks().idempotency_key(key.clone()).create(&params).await.unwrap();
    assert_eq!(second.id, first.id);
    assert_eq!(second.secret.as_ref().map(Secret::expose), first.secret.as_ref().map(Secret::expose));
    assert_ne!(first.id, created.id);
    assert_eq!(sim.endpoints().len(), 2);
    let other =
        CreateWebhookEndpoint::new(DeliveryUrl::new("https://example.com/other").unwrap(), ["charge.succeeded"]);
    let err = client.webhooks().idempotency_key(key).create(&other).await.unwrap_err();
    assert!(err.is_conflict(), "{err}");
    assert_eq!(sim.endpoints().len(), 2);
}
