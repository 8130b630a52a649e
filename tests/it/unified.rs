//! Lists, creates and deletes through `Box<dyn Webhook>` for every registered provider at once.

use futures_util::StreamExt;
use hookbridge::abbeycross::AbbeyCrossClient;
use hookbridge::bitnob::{BitnobAuth, BitnobClient};
use hookbridge::blaze::{BlazeClient, BlazeKeys};
use hookbridge::chip::ChipClient;
use hookbridge::miex::MiexClient;
use hookbridge::stripe::StripeClient;
use hookbridge::{ClientConfig, EndpointId, EndpointSpec, Error, Operation, ProviderId, RetryPolicy, Secret, Webhook};
use serde_json::json;
use wiremock::matchers::{any, body_json, body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fixture;

const MIEX_KEY: &str = "sk_branch_0123456789abcdef0123456789abcdef";

fn config(server: &MockServer, base_path: &str) -> ClientConfig {
    ClientConfig::new(&format!("{}{base_path}", server.uri())).unwrap().retry(RetryPolicy::none())
}

async fn strict_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(599)).with_priority(u8::MAX).expect(0).mount(&server).await;
    server
}

fn ok(body: serde_json::Value, status: u16) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// One provider under test: its client as a trait object, the spec it accepts, and the id to delete.
struct Case {
    client: Box<dyn Webhook>,
    spec: EndpointSpec,
    delete_id: Option<&'static str>,
    listed: usize,
    _server: MockServer,
}

async fn miex() -> Case {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/partner/webhooks"))
        .and(header("authorization", format!("Bearer {MIEX_KEY}").as_str()))
        .and(body_json(json!({"url": "https://example.com/webhooks/exchange", "events": ["order.created", "order.status_changed"]})))
        .respond_with(ok(fixture("miex/register_response.json"), 201))
        .expect(1)
        .mount(&server)
        .await;
    let client = MiexClient::with_config(config(&server, "/api/v1"), Secret::new(MIEX_KEY)).unwrap();
    let spec = EndpointSpec::new("https://example.com/webhooks/exchange".parse::<url::Url>().unwrap())
        .event("order.created")
        .event("order.status_changed");
    Case { client: Box::new(client), spec, delete_id: None, listed: 0, _server: server }
}

async fn blaze() -> Case {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/partner/webHooks"))
        .and(query_param("start", "0"))
        .and(header("x-api-key", "partner-key"))
        .and(header("authorization", "developer-key"))
        .respond_with(ok(fixture("blaze/list_values_envelope.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/partner/webHooks"))
        .and(body_json(json!({"webHookUrls": ["https://partner.example.com/blaze"]})))
        .respond_with(ok(fixture("blaze/webhook.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/partner/webHooks/65a1f0c2e4b0a1b2c3d4e5f6"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let keys = BlazeKeys::new(Secret::new("partner-key"), Secret::new("developer-key"));
    let client = BlazeClient::with_config(config(&server, "/api/v1/partner/"), keys).unwrap();
    let spec = EndpointSpec::new("https://partner.example.com/blaze".parse::<url::Url>().unwrap());
    Case { client: Box::new(client), spec, delete_id: Some("65a1f0c2e4b0a1b2c3d4e5f6"), listed: 2, _server: server }
}

async fn bitnob() -> Case {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/webhooks"))
        .and(header("authorization", "Bearer bitnob-key"))
        .respond_with(ok(fixture("bitnob/webhooks_page_3.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/webhooks"))
        .and(body_json(json!({"name": "Ledger sync", "url": "https://example.com/bitnob/webhooks", "event_types": ["transaction.confirmed", "wallet.created"]})))
        .respond_with(ok(fixture("bitnob/webhook_created.json"), 201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/webhooks/3f0c7a52-6d1e-4c8e-9b7a-2f4e1d9c0a11"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client =
        BitnobClient::with_config(config(&server, "/"), BitnobAuth::legacy_bearer(Secret::new("bitnob-key"))).unwrap();
    let spec = EndpointSpec::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap())
        .name("Ledger sync")
        .event("transaction.confirmed")
        .event("wallet.created");
    Case {
        client: Box::new(client),
        spec,
        delete_id: Some("3f0c7a52-6d1e-4c8e-9b7a-2f4e1d9c0a11"),
        listed: 1,
        _server: server,
    }
}

async fn abbeycross() -> Case {
    let server = strict_server().await;
    Mock::given(method("POST"))
        .and(path("/v1/webhooks/register"))
        .and(header("authorization", "Bearer abbey-token"))
        .and(body_json(json!({"url": "https://example.com/fx", "events": ["payment.completed"]})))
        .respond_with(ok(fixture("abbeycross/register_response.json"), 201))
        .expect(1)
        .mount(&server)
        .await;
    let client = AbbeyCrossClient::with_config(config(&server, "/"), Secret::new("abbey-token")).unwrap();
    let spec = EndpointSpec::new("https://example.com/fx".parse::<url::Url>().unwrap()).event("payment.completed");
    Case { client: Box::new(client), spec, delete_id: None, listed: 0, _server: server }
}

async fn chip() -> Case {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .and(header("authorization", "Bearer chip-key"))
        .respond_with(ok(fixture("chip/webhooks_page3.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks/"))
        .and(body_json(json!({"title": "Orders", "all_events": false, "events": ["purchase.paid"], "callback": "https://example.com/chip"})))
        .respond_with(ok(fixture("chip/webhook_create_response.json"), 201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/webhooks/3c90c3cc-0d44-4b50-8888-8dd25736052a/"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = ChipClient::with_config(config(&server, "/api/v1/"), Secret::new("chip-key")).unwrap();
    let spec = EndpointSpec::new("https://example.com/chip".parse::<url::Url>().unwrap())
        .name("Orders")
        .event("purchase.paid");
    let listed = fixture("chip/webhooks_page3.json")["results"].as_array().unwrap().len();
    Case {
        client: Box::new(client),
        spec,
        delete_id: Some("3c90c3cc-0d44-4b50-8888-8dd25736052a"),
        listed,
        _server: server,
    }
}

async fn stripe() -> Case {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/v1/webhook_endpoints"))
        .and(query_param("limit", "100"))
        .and(header("authorization", "Bearer sk_test_stripe-key"))
        .respond_with(ok(fixture("stripe/webhook_endpoints_list_docs.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/webhook_endpoints"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("enabled_events[]=charge.succeeded&url=https%3A%2F%2Fexample.com%2Fstripe&description=Orders"))
        .respond_with(ok(fixture("stripe/webhook_endpoint_created.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/webhook_endpoints/we_1Mr5jULkdIwHu7ix1ibLTM0x"))
        .respond_with(ok(fixture("stripe/webhook_endpoint_deleted.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    let client = StripeClient::with_config(config(&server, "/"), Secret::new("sk_test_stripe-key")).unwrap();
    let spec = EndpointSpec::new("https://example.com/stripe".parse::<url::Url>().unwrap())
        .name("Orders")
        .event("charge.succeeded");
    let listed = fixture("stripe/webhook_endpoints_list_docs.json")["data"].as_array().unwrap().len();
    Case { client: Box::new(client), spec, delete_id: Some("we_1Mr5jULkdIwHu7ix1ibLTM0x"), listed, _server: server }
}

#[tokio::test]
async fn all_providers_list_create_and_delete_through_dyn_webhook() {
    let cases = vec![miex().await, blaze().await, bitnob().await, abbeycross().await, chip().await, stripe().await];
    let providers: Vec<ProviderId> = cases.iter().map(|c| c.client.provider()).collect();
    assert_eq!(providers, hookbridge::adapters::registry::ids().collect::<Vec<_>>());

    for case in &cases {
        let client: &dyn Webhook = case.client.as_ref();
        let caps = client.capabilities();

        // List: every page, lazily, or the typed unsupported error.
        let listed: Vec<_> = client.list().collect().await;
        if caps.list {
            let endpoints: Vec<_> = listed.into_iter().map(Result::unwrap).collect();
            assert_eq!(endpoints.len(), case.listed, "{}", client.provider());
            assert!(endpoints.iter().all(|e| e.provider == client.provider()));
        } else {
            assert!(matches!(listed.as_slice(), [Err(Error::Unsupported(u))] if u.operation == Operation::List));
        }

        // Create: every provider documents it.
        assert!(caps.create);
        let created = client.create(&case.spec).await.unwrap_or_else(|e| panic!("{}: {e}", client.provider()));
        assert_eq!(created.provider, client.provider());
        assert!(!created.id.as_str().is_empty());
        if caps.secret_on_create {
            assert!(created.secret.as_ref().is_some_and(|s| !s.is_empty()), "{}", client.provider());
        }

        // Delete, or the typed unsupported error naming the provider and the operation.
        match case.delete_id {
            Some(id) => client.delete(&EndpointId::new(id).unwrap()).await.unwrap(),
            None => {
                let err = client.delete(&created.id).await.unwrap_err();
                assert!(err.is_unsupported());
                assert_eq!(err.to_string(), format!("{} does not support `delete`", client.provider()));
                assert!(!caps.delete);
            }
        }
    }
}

#[tokio::test]
async fn capabilities_match_what_each_provider_documents() {
    let cases = vec![miex().await, blaze().await, bitnob().await, abbeycross().await, chip().await, stripe().await];
    let table: Vec<(ProviderId, [bool; 6])> = cases
        .iter()
        .map(|c| {
            let caps = c.client.capabilities();
            (c.client.provider(), Operation::ALL.map(|op| caps.supports(op)))
        })
        .collect();
    //                      create get   list   update delete rotate
    let expected = vec![
        (hookbridge::miex::PROVIDER, [true, false, false, false, false, false]),
        (hookbridge::blaze::PROVIDER, [true, true, true, true, true, false]),
        (hookbridge::bitnob::PROVIDER, [true, true, true, true, true, true]),
        (hookbridge::abbeycross::PROVIDER, [true, false, false, false, false, false]),
        (hookbridge::chip::PROVIDER, [true, true, true, true, true, false]),
        (hookbridge::stripe::PROVIDER, [true, true, true, true, true, false]),
    ];
    assert_eq!(table, expected);
    // The mocks expected requests that this test does not make; drop them unchecked.
    for c in cases {
        c._server.reset().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owned_list_stream_moves_into_a_spawned_task() {
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .respond_with(ok(fixture("chip/webhooks_page3.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    let client: std::sync::Arc<dyn Webhook> =
        std::sync::Arc::new(ChipClient::with_config(config(&server, "/api/v1/"), Secret::new("chip-key")).unwrap());
    let expected = fixture("chip/webhooks_page3.json")["results"].as_array().unwrap().len();
    assert!(expected > 0);
    // `'static + Send`: the stream goes into the task, and the client is only held by it.
    let stream = hookbridge::core::webhook::list_owned(client);
    let ids = tokio::spawn(async move { stream.map(|e| e.unwrap().id).collect::<Vec<_>>().await }).await.unwrap();
    assert_eq!(ids.len(), expected);

    // A stream dropped early stops the listing.
    let unsupported: std::sync::Arc<dyn Webhook> =
        std::sync::Arc::new(MiexClient::with_config(config(&server, "/api/v1"), Secret::new(MIEX_KEY)).unwrap());
    let first =
        tokio::spawn(async move { hookbridge::core::webhook::list_owned(unsupported).next().await }).await.unwrap();
    assert!(matches!(first, Some(Err(Error::Unsupported(_)))), "{first:?}");
}

#[tokio::test]
async fn every_client_has_the_same_builder() {
    use std::time::Duration;
    let server = strict_server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .and(header("authorization", "Bearer chip-key"))
        .respond_with(ok(fixture("chip/webhooks_page3.json"), 200))
        .expect(1)
        .mount(&server)
        .await;
    let base = format!("{}/api/v1/", server.uri());
    let chip = ChipClient::builder()
        .base_url(&base)
        .timeout(Duration::from_secs(5))
        .connect_timeout(Duration::from_secs(1))
        .overall_timeout(Some(Duration::from_secs(10)))
        .retry(RetryPolicy::none())
        .credentials(Secret::new("chip-key"))
        .build()
        .unwrap();
    let listed: Vec<_> = chip.list().collect().await;
    assert!(!listed.is_empty() && listed.iter().all(Result::is_ok), "{listed:?}");

    // One shape for all: base URL, timeouts, retry policy, credentials.
    let clients: Vec<Box<dyn Webhook>> = vec![
        Box::new(
            MiexClient::builder()
                .base_url(&base)
                .retry(RetryPolicy::none())
                .credentials(Secret::new(MIEX_KEY))
                .build()
                .unwrap(),
        ),
        Box::new(
            BlazeClient::builder()
                .timeout(Duration::from_secs(5))
                .credentials(BlazeKeys::new("partner-key", "developer-key"))
                .build()
                .unwrap(),
        ),
        Box::new(
            BitnobClient::builder()
                .connect_timeout(Duration::from_secs(1))
                .credentials(BitnobAuth::legacy_bearer(Secret::new("bitnob-key")))
                .build()
                .unwrap(),
        ),
        Box::new(AbbeyCrossClient::builder().base_url(&base).credentials(Secret::new("abbey-token")).build().unwrap()),
        Box::new(ChipClient::builder().credentials(Secret::new("chip-key")).build().unwrap()),
        Box::new(StripeClient::builder().credentials(Secret::new("sk_test_stripe-key")).build().unwrap()),
    ];
    let providers: Vec<_> = clients.iter().map(|c| c.provider()).collect();
    assert_eq!(providers, hookbridge::adapters::registry::ids().collect::<Vec<_>>());

    // Refused before anything is sent: no credentials, or no base URL where the provider has no default.
    let err = ChipClient::builder().build().unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    let err = MiexClient::builder().credentials(Secret::new(MIEX_KEY)).build().unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    // Credentials never print.
    let debug = format!("{:?}", ChipClient::builder().credentials(Secret::new("chip-key")));
    assert!(!debug.contains("chip-key"), "{debug}");
}
