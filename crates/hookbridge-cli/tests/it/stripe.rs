//! Stripe through the binary (wiremock): `endpoints create|list|get|update|delete --provider
//! stripe` with `STRIPE_API_KEY` from the environment — exit codes, output, and exactly what was
//! sent. Stripe reaches the CLI only through its descriptor in the provider registry.

use serde_json::Value;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::{Run, fixture, run, run_with};

const KEY: &str = "sk_test_51HbridgeCliStripeKeyZx9Wv";
const WE_ID: &str = "we_1Mr5jULkdIwHu7ix1ibLTM0x";
const WHSEC: &str = "whsec_wRNftLajMZNeslQOP6vEPm4iVx5NlZ6z";
const FORM: &str = "application/x-www-form-urlencoded";

fn stripe_fixture(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("stripe/{name}"))).unwrap()
}

fn answer(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(stripe_fixture(name), "application/json")
}

async fn hb(args: &[&str], env: &[(&str, &str)]) -> Run {
    run_with(args, env, None).await
}

fn header<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).map(|v| v.to_str().unwrap())
}

fn body(r: &Request) -> &str {
    std::str::from_utf8(&r.body).unwrap()
}

/// A Stripe API on wiremock: create, retrieve, update, delete, and three pages of endpoints.
async fn stripe_api() -> MockServer {
    let server = MockServer::start().await;
    let collection = "/v1/webhook_endpoints";
    let member = format!("{collection}/{WE_ID}");
    Mock::given(method("POST"))
        .and(path(collection))
        .respond_with(answer("webhook_endpoint_created.json"))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(&member)).respond_with(answer("webhook_endpoint.json")).mount(&server).await;
    Mock::given(method("POST"))
        .and(path(&member))
        .respond_with(answer("webhook_endpoint_updated.json"))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(&member))
        .respond_with(answer("webhook_endpoint_deleted.json"))
        .mount(&server)
        .await;
    for (after, page) in [
        (None, "webhook_endpoints_page_1.json"),
        (Some("we_1PgA0002LkdIwHu7ixBBBB"), "webhook_endpoints_page_2.json"),
        (Some("we_1PgA0004LkdIwHu7ixDDDD"), "webhook_endpoints_page_3.json"),
    ] {
        let mock = Mock::given(method("GET")).and(path(collection));
        let mock = match after {
            None => mock.and(query_param_is_missing("starting_after")),
            Some(id) => mock.and(query_param("starting_after", id)),
        };
        mock.respond_with(answer(page)).mount(&server).await;
    }
    server
}

#[tokio::test]
async fn stripe_endpoints_create_list_get_update_delete_through_the_descriptor() {
    let server = stripe_api().await;
    let base = server.uri();
    let env = [("STRIPE_API_KEY", KEY)];
    let with = |args: &[&'static str]| {
        let mut all: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        all.extend(["--provider".to_owned(), "stripe".to_owned(), "--base-url".to_owned(), base.clone()]);
        all
    };
    let call = |args: Vec<String>| async move {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        hb(&args, &env).await
    };

    // create: the secret is shown once, on stdout.
    let create = ["endpoints", "create", "--url", "https://example.com/my/webhook/endpoint"];
    let mut args = with(&create);
    args.extend(["--event", "charge.succeeded", "--event", "charge.failed", "--name", "orders"].map(str::to_owned));
    let out = call(args.clone()).await.expect(0);
    assert!(out.stdout.contains("signing secret (shown only this once"), "{}", out.stdout);
    assert_eq!(out.stdout.matches(WHSEC).count(), 1, "{}", out.stdout);
    assert!(out.stdout.lines().any(|l| l.starts_with("provider") && l.ends_with("Stripe")), "{}", out.stdout);
    assert!(out.stdout.lines().any(|l| l.starts_with("id") && l.ends_with(WE_ID)), "{}", out.stdout);
    assert!(out.stdout.contains("charge.succeeded, charge.failed"), "{}", out.stdout);
    assert!(!out.stdout.contains(KEY) && !out.stderr.contains(KEY));
    // ... and as JSON.
    args.extend(["--output", "json"].map(str::to_owned));
    let v = call(args).await.expect(0).json();
    assert_eq!(v["provider"], "stripe");
    assert_eq!(v["id"], WE_ID);
    assert_eq!(v["signing_secret"], WHSEC);
    assert_eq!(v["status"], "active");
    assert_eq!(v["has_secret"], true);
    assert_eq!(v["provider_fields"]["object"], "webhook_endpoint");

    // list: every page, as JSON.
    let mut args = with(&["endpoints", "list"]);
    args.extend(["--output", "json"].map(str::to_owned));
    let v = call(args).await.expect(0).json();
    let ids: Vec<&str> = v.as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "we_1PgA0001LkdIwHu7ixAAAA",
            "we_1PgA0002LkdIwHu7ixBBBB",
            "we_1PgA0003LkdIwHu7ixCCCC",
            "we_1PgA0004LkdIwHu7ixDDDD",
            "we_1PgA0005LkdIwHu7ixEEEE",
        ]
    );
    assert_eq!(v[1]["events"], serde_json::json!({"mode": "all"}));
    assert_eq!(v[2]["status"], "inactive");
    // ... and as a table.
    let out = call(with(&["endpoints", "list"])).await.expect(0);
    assert!(out.stdout.contains("we_1PgA0005LkdIwHu7ixEEEE") && out.stdout.contains("Stripe"), "{}", out.stdout);

    // get.
    let mut args = with(&["endpoints", "get", "--id", WE_ID]);
    args.extend(["--output", "json"].map(str::to_owned));
    let v = call(args).await.expect(0).json();
    assert_eq!(v["id"], WE_ID);
    assert_eq!(v["urls"][0], "https://example.com/my/webhook/endpoint");
    assert!(v.get("signing_secret").is_none(), "only create reveals the secret");

    // update: a partial POST of exactly the flags given.
    let out =
        call(with(&["endpoints", "update", "--id", WE_ID, "--name", "Order events", "--all-events"])).await.expect(0);
    assert!(out.stdout.contains("Order events"), "{}", out.stdout);

    // delete.
    let out = call(with(&["endpoints", "delete", "--id", WE_ID])).await.expect(0);
    assert_eq!(out.stdout.trim(), format!("deleted Stripe endpoint {WE_ID}"));

    // rotate-secret: Stripe's API has none; refused before any request.
    let before = server.received_requests().await.unwrap().len();
    let out = call(with(&["endpoints", "rotate-secret", "--id", WE_ID])).await.expect(1);
    assert!(out.error_line().starts_with("error: Stripe does not support `rotate-secret`"), "{}", out.stderr);
    assert_eq!(server.received_requests().await.unwrap().len(), before);

    // What went on the wire.
    let reqs = server.received_requests().await.unwrap();
    let summary: Vec<(String, String, Option<String>)> = reqs
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned(), r.url.query().map(str::to_owned)))
        .collect();
    let member = format!("/v1/webhook_endpoints/{WE_ID}");
    let list = |after: Option<&str>| {
        let q = match after {
            None => "limit=100".to_owned(),
            Some(id) => format!("limit=100&starting_after={id}"),
        };
        ("GET".to_owned(), "/v1/webhook_endpoints".to_owned(), Some(q))
    };
    let mut expected = vec![
        ("POST".to_owned(), "/v1/webhook_endpoints".to_owned(), None),
        ("POST".to_owned(), "/v1/webhook_endpoints".to_owned(), None),
    ];
    for _ in 0..2 {
        expected.extend([list(None), list(Some("we_1PgA0002LkdIwHu7ixBBBB")), list(Some("we_1PgA0004LkdIwHu7ixDDDD"))]);
    }
    expected.extend([
        ("GET".to_owned(), member.clone(), None),
        ("POST".to_owned(), member.clone(), None),
        ("DELETE".to_owned(), member.clone(), None),
    ]);
    assert_eq!(summary, expected);
    for r in &reqs {
        assert_eq!(header(r, "authorization"), Some(format!("Bearer {KEY}").as_str()));
        if r.method.as_str() == "POST" {
            assert_eq!(header(r, "content-type"), Some(FORM));
            assert!(header(r, "idempotency-key").is_some_and(|k| k.starts_with("hb-")), "{r:?}");
        } else {
            assert!(r.body.is_empty() && header(r, "content-type").is_none() && header(r, "idempotency-key").is_none());
        }
    }
    let create_form = "enabled_events[]=charge.succeeded&enabled_events[]=charge.failed\
                       &url=https%3A%2F%2Fexample.com%2Fmy%2Fwebhook%2Fendpoint&description=orders";
    assert_eq!(body(&reqs[0]), create_form);
    assert_eq!(body(&reqs[1]), create_form);
    assert_ne!(header(&reqs[0], "idempotency-key"), header(&reqs[1], "idempotency-key"), "one key per create");
    assert_eq!(body(&reqs[reqs.len() - 2]), "description=Order+events&enabled_events[]=*");
}

#[tokio::test]
async fn stripe_credentials_come_from_the_descriptor() {
    // `--help` lists the variable (never its value) and the provider.
    let help = run_with(&["endpoints", "list", "--help"], &[("STRIPE_API_KEY", KEY)], None).await.expect(0).stdout;
    assert!(help.contains("[env: STRIPE_API_KEY]"), "{help}");
    assert!(help.contains("--stripe-api-key <KEY>"), "{help}");
    assert!(help.contains("stripe") && help.contains("Stripe — payments; form-encoded API"), "{help}");
    assert!(!help.contains(KEY));
    let help = run(&["endpoints", "create", "--help"]).await.expect(0).stdout;
    assert!(help.contains("[env: STRIPE_API_KEY]"), "{help}");

    let server = stripe_api().await;
    let base = server.uri();
    let get = ["endpoints", "get", "--provider", "stripe", "--base-url", &base, "--id", WE_ID, "--output", "json"];
    // No key: a usage error naming the variable and the flags; nothing sent.
    let out = hb(&get, &[]).await.expect(2);
    let line = out.error_line();
    assert!(
        line.contains("STRIPE_API_KEY") && line.contains("--stripe-api-key") && line.contains("--api-key"),
        "{line}"
    );
    // A publishable key: refused before sending, without quoting it.
    let out = hb(&get, &[("STRIPE_API_KEY", "pk_test_TYooMQauvdEDq54NiTphI7jx")]).await.expect(2);
    assert!(out.error_line().contains("publishable"), "{}", out.stderr);
    assert!(!out.stderr.contains("TYooMQauvdEDq54NiTphI7jx"));
    assert!(server.received_requests().await.unwrap().is_empty());
    // The provider's flag beats the variable; the generic --api-key beats both.
    let mut args = get.to_vec();
    args.extend(["--stripe-api-key", KEY]);
    hb(&args, &[("STRIPE_API_KEY", "sk_test_wrong")]).await.expect(0);
    let mut args = get.to_vec();
    args.extend(["--stripe-api-key", "sk_test_wrong", "--api-key", KEY]);
    let v: Value = hb(&args, &[]).await.expect(0).json();
    assert_eq!(v["provider"], "stripe");
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert!(reqs.iter().all(|r| header(r, "authorization") == Some(format!("Bearer {KEY}").as_str())));
}
