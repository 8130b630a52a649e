//! MIEX: register, auth, validation, deliveries.

use hookbridge_testkit::miex::{MIEX_EVENTS, MIEX_SECRET_NOTE};
use hookbridge_testkit::{MiexConfig, MiexSim};
use hookbridge_verify::receive::ReplayKey;
use hookbridge_verify::{HmacSecret, HmacVerifier, VerifyError};
use serde_json::{Value, json};

use crate::common::{Receiver, http, is_uuid, send};

fn register(sim: &MiexSim, key: &str, body: &Value) -> reqwest::RequestBuilder {
    http().post(format!("{}/partner/webhooks", sim.base_url())).bearer_auth(key).json(body)
}

#[tokio::test]
async fn register_returns_the_documented_object_once() {
    let sim = MiexSim::start().await.unwrap();
    assert!(sim.base_url().ends_with("/api/v1"));
    let body = json!({"url": "https://example.com/webhooks/exchange", "events": ["order.created", "order.status_changed", "order.created"]});
    let (status, created) = send(register(&sim, sim.branch_key(), &body)).await;
    assert_eq!(status, 201);
    let id = created["id"].as_str().unwrap();
    assert!(is_uuid(id));
    assert_eq!(created["url"], "https://example.com/webhooks/exchange");
    assert_eq!(created["events"], json!(["order.created", "order.status_changed"]));
    assert_eq!(created["isActive"], true);
    assert_eq!(created["failCount"], 0);
    let created_at = created["createdAt"].as_str().unwrap();
    assert!(created_at.ends_with('Z') && !created_at.contains('.'), "{created_at}");
    created_at.parse::<jiff::Timestamp>().unwrap();
    assert_eq!(created["updatedAt"], created["createdAt"]);
    let secret = created["secretKey"].as_str().unwrap();
    assert_eq!(secret.len(), 64);
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(created["note"], MIEX_SECRET_NOTE);
    assert_eq!(created.as_object().unwrap().len(), 9);

    // The personal key may register too; the state keeps both, without secrets.
    let (status, second) =
        send(register(&sim, sim.personal_key(), &json!({"url": "http://127.0.0.1:9/x", "events": &*MIEX_EVENTS})))
            .await;
    assert_eq!(status, 201);
    assert_ne!(second["secretKey"], created["secretKey"]);
    let stored = sim.webhooks();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["id"], id);
    assert!(stored[0].get("secretKey").is_none());
    assert_eq!(sim.secret_key(id).as_deref(), Some(secret));
    assert_eq!(sim.secret_key("nope"), None);
}

#[tokio::test]
async fn auth_failures_and_read_only_public_key() {
    let sim = MiexSim::start().await.unwrap();
    let body = json!({"url": "https://example.com/h", "events": ["order.created"]});
    let url = format!("{}/partner/webhooks", sim.base_url());

    let (status, err) = send(http().post(&url).json(&body)).await;
    assert_eq!(status, 401);
    assert_eq!(err["statusCode"], 401);
    assert_eq!(err["error"], "Unauthorized");
    assert!(err["message"].is_string());

    // Malformed key, well-formed but unknown key, wrong scheme.
    for key in ["sk_branch_short", &format!("sk_branch_{}", "A".repeat(32)), &format!("sk_live_{}", "A".repeat(32))] {
        let (status, _) = send(register(&sim, key, &body)).await;
        assert_eq!(status, 401, "{key}");
    }
    let (status, _) = send(http().post(&url).basic_auth("u", Some(sim.branch_key())).json(&body)).await;
    assert_eq!(status, 401);

    let (status, err) = send(register(&sim, sim.public_key(), &body)).await;
    assert_eq!(status, 403);
    assert_eq!(err["statusCode"], 403);
    assert_eq!(err["error"], "Forbidden");
    assert!(sim.webhooks().is_empty());
}

#[tokio::test]
async fn invalid_bodies_are_400_in_nest_shape() {
    let sim = MiexSim::start().await.unwrap();
    let cases = [
        (json!({"url": "https://example.com/h", "events": []}), "events must contain at least 1 elements"),
        (json!({"url": "https://example.com/h"}), "events must be an array"),
        (json!({"url": "https://example.com/h", "events": ["order.refunded"]}), "each value in events must be one of"),
        (json!({"url": "not a url", "events": ["order.created"]}), "url must be a URL address"),
        (json!({"events": ["order.created"]}), "url must be a URL address"),
        (json!({"url": "ftp://example.com/h", "events": ["order.created"]}), "url must be a URL address"),
    ];
    for (body, expected) in cases {
        let (status, err) = send(register(&sim, sim.branch_key(), &body)).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(err["error"], "Bad Request");
        let messages = err["message"].as_array().unwrap();
        assert!(messages.iter().any(|m| m.as_str().unwrap().starts_with(expected)), "{err}");
    }
    let url = format!("{}/partner/webhooks", sim.base_url());
    let raw = |body: &'static str| {
        http().post(&url).bearer_auth(sim.branch_key()).header("content-type", "application/json").body(body)
    };
    assert_eq!(send(raw("{\"url\": ")).await.0, 400);
    assert_eq!(send(raw("[1, 2]")).await.0, 400);
    assert_eq!(send(raw("")).await.0, 400);
    let (status, _) =
        send(http().post(&url).bearer_auth(sim.branch_key()).header("content-type", "text/plain").body("{}")).await;
    assert_eq!(status, 415);
    assert!(sim.webhooks().is_empty());
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let sim = MiexSim::start().await.unwrap();
    let (status, err) = send(http().get(format!("{}/partner/nope", sim.base_url()))).await;
    assert_eq!(status, 404);
    assert_eq!(err["message"], "Cannot GET /api/v1/partner/nope");
    assert_eq!(err["statusCode"], 404);
    let (status, err) =
        send(http().get(format!("{}/partner/webhooks", sim.base_url())).bearer_auth(sim.branch_key())).await;
    assert_eq!(status, 405);
    assert_eq!(err["statusCode"], 405);
}

#[tokio::test]
async fn deliveries_are_signed_for_the_miex_preset() {
    let sim = MiexSim::start().await.unwrap();
    let rx = Receiver::start().await;
    let (_, orders) =
        send(register(&sim, sim.branch_key(), &json!({"url": rx.url("/orders"), "events": ["order.created"]}))).await;
    let (_, offers) =
        send(register(&sim, sim.branch_key(), &json!({"url": rx.url("/offers"), "events": ["offer.updated"]}))).await;

    let reports = sim.deliver("order.created", None).await.unwrap();
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert!(report.is_success(), "{report:?}");
    assert_eq!(report.webhook_id, orders["id"].as_str().unwrap());
    let received = rx.received();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.uri.path(), "/orders");
    assert_eq!(got.body, report.body);
    let body: Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["event"], "order.created");
    assert_eq!(body["data"]["status"], "new");
    assert_eq!(got.headers["x-webhook-event"], "order.created");
    assert_eq!(got.headers["content-type"], "application/json");
    assert!(got.headers["x-webhook-signature"].to_str().unwrap().starts_with("sha256="));

    let secret = orders["secretKey"].as_str().unwrap();
    let verifier =
        HmacVerifier::with_secret(hookbridge_testkit::schemes::miex(), HmacSecret::from_str_bytes(secret).unwrap());
    let verified = verifier.verify(&got.body, &got.headers).unwrap();
    assert_eq!(verified.id(), report.delivery_id.as_deref());
    assert_eq!(verified.id(), got.headers["x-webhook-delivery"].to_str().ok());
    // The job id is read but not signed: a receiver keys the delivery on the signed body.
    assert!(!verified.id_is_signed());
    let key = ReplayKey::from_verified("miex", &verified, &got.body).unwrap();
    assert_eq!(key, ReplayKey::signed_digest("miex", None, &got.body));
    // The other webhook's secret does not verify it; a tampered body does not either.
    let other = HmacVerifier::with_secret(
        hookbridge_testkit::schemes::miex(),
        HmacSecret::from_str_bytes(offers["secretKey"].as_str().unwrap()).unwrap(),
    );
    assert!(matches!(other.verify(&got.body, &got.headers), Err(VerifyError::NoMatch { .. })));
    assert!(verifier.verify(b"{}", &got.headers).is_err());

    // A caller-supplied payload goes out verbatim under `data`; job ids increase.
    let reports = sim.deliver("offer.updated", Some(json!({"rate": "1.5"}))).await.unwrap();
    assert_eq!(reports.len(), 1);
    let body: Value = serde_json::from_slice(&reports[0].body).unwrap();
    assert_eq!(body, json!({"event": "offer.updated", "data": {"rate": "1.5"}}));
    let first: u64 = report.delivery_id.as_ref().unwrap().parse().unwrap();
    let second: u64 = reports[0].delivery_id.as_ref().unwrap().parse().unwrap();
    assert!(second > first);
    // Distinct deliveries have distinct bodies, so a receiver keying on the body never takes
    // one for a replay of another (the default payloads carry a fresh order id).
    let again = sim.deliver("order.created", None).await.unwrap();
    assert_ne!(again[0].body, report.body);
    assert_ne!(ReplayKey::signed_digest("miex", None, &again[0].body), key);
    assert!(sim.deliver("order.cancelled", None).await.unwrap().is_empty());
}

#[tokio::test]
async fn failing_receivers_raise_fail_count_and_can_be_disabled() {
    let sim = MiexSim::start_with(MiexConfig::default().disable_after_failures(Some(2))).await.unwrap();
    let rx = Receiver::start().await;
    send(register(&sim, sim.branch_key(), &json!({"url": rx.url("/h"), "events": ["order.created"]}))).await;
    rx.respond_with(500);
    let reports = sim.deliver("order.created", None).await.unwrap();
    assert_eq!(reports[0].status, Some(500));
    assert!(!reports[0].is_success());
    assert_eq!(sim.webhooks()[0]["failCount"], 1);
    rx.respond_with(200);
    sim.deliver("order.created", None).await.unwrap();
    assert_eq!(sim.webhooks()[0]["failCount"], 0);
    rx.respond_with(503);
    sim.deliver("order.created", None).await.unwrap();
    sim.deliver("order.created", None).await.unwrap();
    assert_eq!(sim.webhooks()[0]["failCount"], 2);
    assert_eq!(sim.webhooks()[0]["isActive"], false);
    assert!(sim.deliver("order.created", None).await.unwrap().is_empty());
    assert_eq!(rx.received().len(), 4);
}
