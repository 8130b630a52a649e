//! Behaviour shared by every simulator: fault injection, request log, 404/405, shutdown.

use std::time::Duration;

use hookbridge_testkit::{
    AbbeyCrossSim, BitnobSim, BlazeSim, ChipSim, MAX_REQUEST_BODY, MiexSim, RunningSimulator, Simulators, StatusCode,
    chip, miex,
};
use serde_json::{Value, json};

use crate::common::{http, send};

#[tokio::test]
async fn fail_next_answers_in_the_provider_shape_then_recovers() {
    let sim = ChipSim::start().await.unwrap();
    let list = format!("{}webhooks/", sim.base_url());
    sim.fail_next(StatusCode::SERVICE_UNAVAILABLE, 2);
    sim.fail_next_with_retry_after(StatusCode::TOO_MANY_REQUESTS, 1, Duration::from_secs(7));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let resp = http().get(&list).bearer_auth(sim.secret_key()).send().await.unwrap();
        statuses
            .push((resp.status().as_u16(), resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned())));
        let body: Value = resp.json().await.unwrap();
        if statuses.len() <= 2 {
            assert_eq!(body["code"], "service_unavailable");
        }
    }
    assert_eq!(statuses, [(503, None), (503, None), (429, Some("7".to_owned())), (200, None)]);
    let faults: Vec<Option<u16>> = sim.requests().iter().map(|r| r.injected_fault).collect();
    assert_eq!(faults, [Some(503), Some(503), Some(429), None]);

    // Faults come before auth and state changes, and can be cleared.
    sim.fail_next(StatusCode::INTERNAL_SERVER_ERROR, 5);
    let (status, err) = send(http().post(&list).json(&json!({}))).await;
    assert_eq!(status, 500);
    assert_eq!(err["code"], "internal_error");
    sim.clear_faults();
    assert_eq!(send(http().get(&list).bearer_auth(sim.secret_key())).await.0, 200);
    assert!(sim.webhooks().is_empty());
}

/// The five simulators these tests address by path, in registry order.
fn five(sims: &Simulators) -> [&RunningSimulator; 5] {
    [
        hookbridge_miex::PROVIDER,
        hookbridge_blaze::PROVIDER,
        hookbridge_bitnob::PROVIDER,
        hookbridge_abbeycross::PROVIDER,
        hookbridge_chip::PROVIDER,
    ]
    .map(|id| sims.get(id).unwrap_or_else(|| panic!("{id} is started")))
}

#[tokio::test]
async fn start_all_starts_every_registered_simulator_once() {
    let sims = Simulators::start_all().await.unwrap();
    let ids: Vec<_> = sims.iter().map(RunningSimulator::provider).collect();
    let registered: Vec<_> = hookbridge_testkit::registry::SIMULATORS.iter().map(|h| h.provider()).collect();
    assert_eq!(ids, registered);
    assert!(sims.get(hookbridge_stripe::PROVIDER).is_some());
    assert!(sims.get(hookbridge_core::ProviderId::new("nope")).is_none());
    // The base URLs are distinct servers.
    let mut origins: Vec<String> = sims.iter().map(RunningSimulator::origin).collect();
    origins.sort();
    origins.dedup();
    assert_eq!(origins.len(), registered.len());
    // Typed access reaches the same server.
    let chip = sims.get(hookbridge_chip::PROVIDER).unwrap();
    assert_eq!(chip.typed::<chip::ChipApi>().map(|typed| typed.addr()), Some(chip.addr()));
    assert!(chip.typed::<miex::MiexApi>().is_none());
    sims.shutdown().await;
}

#[tokio::test]
async fn every_simulator_injects_faults_in_its_own_error_shape() {
    let sims = Simulators::start_all().await.unwrap();
    let [miex, blaze, bitnob, abbeycross, chip] = five(&sims);
    let urls = [
        format!("{}/partner/webhooks", miex.base_url),
        format!("{}webHooks", blaze.base_url),
        format!("{}webhooks", bitnob.base_url),
        format!("{}v1/webhooks/register", abbeycross.base_url),
        format!("{}webhooks/", chip.base_url),
    ];
    for sim in five(&sims) {
        sim.fail_next(StatusCode::BAD_GATEWAY, 1);
    }
    let mut bodies = Vec::new();
    for url in &urls {
        let (status, body) = send(http().get(url)).await;
        assert_eq!(status, 502, "{url}");
        bodies.push(body);
    }
    assert_eq!(bodies[0]["statusCode"], 502);
    assert!(bodies[1]["errorType"].is_string());
    assert_eq!(bodies[2]["status"], "error");
    assert!(bodies[3]["errorId"].is_string());
    assert_eq!(bodies[4]["code"], "bad_gateway");
    sims.shutdown().await;
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_everywhere() {
    let sims = Simulators::start_all().await.unwrap();
    let known = [
        "/api/v1/partner/webhooks",
        "/api/v1/partner/webHooks",
        "/webhooks/event-types",
        "/v1/webhooks/register",
        "/api/v1/public_key/",
    ];
    for (sim, known) in five(&sims).into_iter().zip(known) {
        let origin = sim.origin();
        let (status, body) = send(http().get(format!("{origin}/no/such/route"))).await;
        assert_eq!(status, 404, "{origin}");
        assert!(body.is_object());
        let (status, body) = send(http().put(format!("{origin}{known}")).json(&json!({}))).await;
        assert_eq!(status, 405, "{origin}{known}");
        assert!(body.is_object());
    }
}

#[tokio::test]
async fn request_log_redacts_credentials_and_keeps_the_rest() {
    let sim = BlazeSim::start().await.unwrap();
    let body = json!({"webHookUrls": ["https://example.com/h"], "shopId": "s-1"});
    http()
        .post(format!("{}webHooks?trace=1", sim.base_url()))
        .header("x-api-key", sim.partner_key())
        .header("authorization", sim.developer_key())
        .header("x-request-id", "req-7")
        .json(&body)
        .send()
        .await
        .unwrap();
    let log = sim.requests();
    assert_eq!(log.len(), 1);
    let req = &log[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/api/v1/partner/webHooks");
    assert_eq!(req.query.as_deref(), Some("trace=1"));
    assert_eq!(req.query_pairs(), [("trace".to_owned(), "1".to_owned())]);
    assert_eq!(req.header("X-API-KEY"), Some("<redacted>"));
    assert_eq!(req.header("authorization"), Some("<redacted>"));
    assert_eq!(req.header("x-request-id"), Some("req-7"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.json(), Some(body));
    assert_eq!(req.injected_fault, None);
    let shown = format!("{req:?}");
    assert!(!shown.contains(sim.partner_key()) && !shown.contains(sim.developer_key()));
    sim.clear_requests();
    assert!(sim.requests().is_empty());

    let bitnob = BitnobSim::start().await.unwrap();
    send(http().get(format!("{}webhooks", bitnob.base_url())).bearer_auth(bitnob.api_key())).await;
    assert_eq!(bitnob.requests()[0].header("authorization"), Some("Bearer <redacted>"));
}

#[tokio::test]
async fn oversized_bodies_are_413_not_a_panic() {
    let sim = MiexSim::start().await.unwrap();
    let huge = "x".repeat(MAX_REQUEST_BODY + 1);
    let (status, err) = send(
        http()
            .post(format!("{}/partner/webhooks", sim.base_url()))
            .bearer_auth(sim.branch_key())
            .header("content-type", "application/json")
            .body(huge),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(err["statusCode"], 413);
    // Still serving afterwards.
    let (status, _) = send(
        http()
            .post(format!("{}/partner/webhooks", sim.base_url()))
            .bearer_auth(sim.branch_key())
            .json(&json!({"url": "https://example.com", "events": ["order.created"]})),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn shutdown_stops_the_server_and_drop_does_too() {
    let sim = AbbeyCrossSim::start().await.unwrap();
    let url = format!("{}v1/webhooks/register", sim.base_url());
    let client = http();
    assert_eq!(client.get(&url).send().await.unwrap().status().as_u16(), 405);
    sim.shutdown().await;
    let fresh = http();
    assert!(fresh.get(&url).send().await.unwrap_err().is_connect());

    let sim = MiexSim::start().await.unwrap();
    let url = format!("{}/partner/webhooks", sim.base_url());
    drop(sim);
    // The accept loop ends as soon as the task runs again.
    let mut refused = false;
    for _ in 0..50 {
        match http().get(&url).send().await {
            Err(e) if e.is_connect() => {
                refused = true;
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
    assert!(refused);
}

#[tokio::test]
async fn undecodable_path_ids_are_400_in_the_provider_shape() {
    let bitnob = BitnobSim::start().await.unwrap();
    let (status, err) =
        send(http().get(format!("{}webhooks/%FF", bitnob.base_url())).bearer_auth(bitnob.api_key())).await;
    assert_eq!(status, 400);
    assert_eq!(err["status"], "error");
    let chip = ChipSim::start().await.unwrap();
    let (status, err) =
        send(http().delete(format!("{}webhooks/%C3%28/", chip.base_url())).bearer_auth(chip.secret_key())).await;
    assert_eq!(status, 400);
    assert_eq!(err["code"], "invalid_request");
    let blaze = BlazeSim::start().await.unwrap();
    let (status, err) = send(http().get(format!("{}webHooks/%FF", blaze.base_url()))).await;
    assert_eq!(status, 400);
    assert!(err["errorType"].is_string());
}

/// Faults one unauthenticated request to `path` (under the base URL) and checks the log,
/// written once against the provider-neutral [`RunningSimulator`]; returns the faulted body.
async fn fault_and_log(sim: &RunningSimulator, path: &str) -> Value {
    assert_eq!(sim.origin(), format!("http://{}", sim.addr()));
    assert!(sim.base_url.starts_with(&sim.origin()), "{}", sim.base_url);
    sim.clear_requests();
    sim.fail_next(StatusCode::IM_A_TEAPOT, 1);
    sim.fail_next(StatusCode::BAD_GATEWAY, 1);
    sim.clear_faults();
    sim.fail_next_with_retry_after(StatusCode::TOO_MANY_REQUESTS, 1, Duration::from_secs(3));
    let url = format!("{}{path}", sim.base_url);
    let resp = http().get(&url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 429, "{url}");
    assert_eq!(resp.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("3"));
    let body: Value = resp.json().await.unwrap();
    // The fault is used up: the next request reaches the routes (and fails auth or the method).
    let (status, _) = send(http().get(&url)).await;
    assert!(matches!(status, 401 | 405), "{url}: {status}");
    let log = sim.requests();
    assert_eq!(sim.request_count(), 2);
    assert_eq!(log.iter().map(|r| r.injected_fault).collect::<Vec<_>>(), [Some(429), None], "{url}");
    assert!(log.iter().all(|r| url.ends_with(&r.path)), "{url}: {log:?}");
    sim.clear_requests();
    assert!(sim.requests().is_empty());
    body
}

#[tokio::test]
async fn one_generic_simulator_serves_every_provider() {
    let sims = Simulators::start_all().await.unwrap();
    let [miex, blaze, bitnob, abbeycross, chip] = five(&sims);
    let bodies = [
        fault_and_log(miex, "/partner/webhooks").await,
        fault_and_log(blaze, "webHooks").await,
        fault_and_log(bitnob, "webhooks").await,
        fault_and_log(abbeycross, "v1/webhooks/register").await,
        fault_and_log(chip, "webhooks/").await,
    ];
    // Each in its own provider's error shape.
    assert_eq!(bodies[0]["statusCode"], 429);
    assert!(bodies[1]["errorType"].is_string());
    assert_eq!(bodies[2]["status"], "error");
    assert!(bodies[3]["errorId"].is_string());
    assert_eq!(bodies[4]["code"], "rate_limited");
    sims.shutdown().await;
}
