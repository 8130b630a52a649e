//! `StripeClient` against wiremock: every operation's method, path, headers and exact form body,
//! the decoded answers, paging over the three page fixtures, errors, retries, malformed answers,
//! and secrets kept out of `Debug`.

use futures_util::StreamExt;
use hookbridge_core::{ApiErrorKind, DecodeErrorKind, Error, IdempotencyKey, Secret};
use hookbridge_stripe::{
    AccountId, ApiVersion, CreateWebhookEndpoint, ErrorType, EventType, ListWebhookEndpoints, RequestOptions,
    StripeClient, StripeError, UpdateWebhookEndpoint, WebhookEndpointId, WebhookEndpointStatus,
};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{
    API_KEY, WE_ID, answer, assert_sent, client, client_with, fast_retry, fixture, header, received, server, ts,
};

const COLLECTION: &str = "/v1/webhook_endpoints";

fn member() -> String {
    format!("{COLLECTION}/{WE_ID}")
}

fn we_id() -> WebhookEndpointId {
    WebhookEndpointId::new(WE_ID).unwrap()
}

fn create_params() -> CreateWebhookEndpoint {
    CreateWebhookEndpoint::new(
        "https://example.com/my/webhook/endpoint".parse().unwrap(),
        [EventType::ChargeSucceeded, EventType::ChargeFailed],
    )
    .description("orders")
    .metadata("team", "payments")
}

const CREATE_FORM: &str = "enabled_events[]=charge.succeeded&enabled_events[]=charge.failed\
    &url=https%3A%2F%2Fexample.com%2Fmy%2Fwebhook%2Fendpoint&description=orders&metadata[team]=payments";

#[tokio::test]
async fn create_sends_the_exact_form_with_a_generated_key_and_returns_the_secret() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(answer(200, "webhook_endpoint_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let created = client(&server).webhooks().create(&create_params()).await.unwrap();

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_sent(&reqs[0], "POST", COLLECTION, None, Some(CREATE_FORM));
    let key = header(&reqs[0], "idempotency-key").unwrap();
    assert!(key.starts_with("hb-") && key.len() > 20, "generated: {key}");
    assert_eq!(header(&reqs[0], "stripe-version"), None);
    assert_eq!(header(&reqs[0], "stripe-account"), None);
    assert_eq!(header(&reqs[0], "content-length"), Some(CREATE_FORM.len().to_string().as_str()));

    assert_eq!(created.id.as_str(), WE_ID);
    assert_eq!(created.object, "webhook_endpoint");
    assert_eq!(created.enabled_events, [EventType::ChargeSucceeded, EventType::ChargeFailed]);
    assert_eq!(created.status, WebhookEndpointStatus::Enabled);
    assert_eq!(created.created, ts(1_680_122_196));
    assert_eq!(created.url, "https://example.com/my/webhook/endpoint");
    assert_eq!(created.secret.as_ref().unwrap().expose(), "whsec_wRNftLajMZNeslQOP6vEPm4iVx5NlZ6z");
}

#[tokio::test]
async fn two_creates_carry_two_keys_and_a_callers_key_is_sent_as_given() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(answer(200, "webhook_endpoint_created.json"))
        .expect(3)
        .mount(&server)
        .await;
    let client = client(&server);
    client.webhooks().create(&create_params()).await.unwrap();
    client.webhooks().create(&create_params()).await.unwrap();
    let key = IdempotencyKey::new("order-42-create-endpoint").unwrap();
    client.webhooks().idempotency_key(key).create(&create_params()).await.unwrap();

    let keys: Vec<String> =
        received(&server).await.iter().map(|r| header(r, "idempotency-key").unwrap().to_owned()).collect();
    assert_ne!(keys[0], keys[1], "a fresh key per operation");
    assert_eq!(keys[2], "order-42-create-endpoint");
}

#[tokio::test]
async fn stripe_version_and_account_go_on_every_request() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(member()))
        .respond_with(answer(200, "webhook_endpoint.json"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server)
        .stripe_version(ApiVersion::new("2024-12-18.acacia").unwrap())
        .stripe_account(AccountId::new("acct_1032D82eZvKYlo2C").unwrap());
    client.webhooks().get(&we_id()).await.unwrap();
    // Per-request options replace the client's.
    let options = RequestOptions::new().stripe_version(ApiVersion::new("2025-03-31.basil").unwrap());
    client.webhooks().with_options(options).get(&we_id()).await.unwrap();

    let reqs = received(&server).await;
    assert_eq!(header(&reqs[0], "stripe-version"), Some("2024-12-18.acacia"));
    assert_eq!(header(&reqs[0], "stripe-account"), Some("acct_1032D82eZvKYlo2C"));
    assert_eq!(header(&reqs[1], "stripe-version"), Some("2025-03-31.basil"));
    assert_eq!(header(&reqs[1], "stripe-account"), None);
}

#[tokio::test]
async fn retrieve_update_delete_and_one_page() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(member()))
        .respond_with(answer(200, "webhook_endpoint.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(member()))
        .respond_with(answer(200, "webhook_endpoint_updated.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(member()))
        .respond_with(answer(200, "webhook_endpoint_deleted.json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(answer(200, "webhook_endpoints_page_2.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let webhooks = client.webhooks();

    let got = webhooks.get(&we_id()).await.unwrap();
    assert_eq!(got.id.as_str(), WE_ID);
    assert!(got.secret.is_none(), "only create reveals the secret");
    assert_eq!(got.description, None);
    assert_eq!(got.api_version, None);

    let update = UpdateWebhookEndpoint::new()
        .url("https://example.com/new/webhook/endpoint".parse().unwrap())
        .enabled_events([EventType::All])
        .description("Order events")
        .metadata("owner", "ops")
        .unset_metadata("team")
        .disabled(true);
    let updated = webhooks.update(&we_id(), &update).await.unwrap();
    assert!(updated.all_events());
    assert_eq!(updated.status, WebhookEndpointStatus::Disabled);
    assert_eq!(updated.description.as_deref(), Some("Order events"));
    assert_eq!(updated.metadata["owner"], "ops");
    assert!(updated.livemode);
    assert_eq!(updated.api_version.as_ref().map(ApiVersion::as_str), Some("2024-12-18.acacia"));
    assert_eq!(updated.application.as_deref(), Some("ca_OAjBu0BryI5mrgK3dT8wQ2Zp"));

    let deleted = webhooks.delete(&we_id()).await.unwrap();
    assert!(deleted.deleted);
    assert_eq!(deleted.id.as_str(), WE_ID);

    let after = WebhookEndpointId::new("we_1PgA0002LkdIwHu7ixBBBB").unwrap();
    let page = webhooks.list_page(&ListWebhookEndpoints::new().limit(2).starting_after(after)).await.unwrap();
    assert_eq!(page.object, "list");
    assert!(page.has_more);
    assert_eq!(page.url, "/v1/webhook_endpoints");
    let ids: Vec<&str> = page.data.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["we_1PgA0003LkdIwHu7ixCCCC", "we_1PgA0004LkdIwHu7ixDDDD"]);
    assert_eq!(page.data[1].metadata["team"], "billing");

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 4);
    assert_sent(&reqs[0], "GET", &member(), None, None);
    assert_sent(
        &reqs[1],
        "POST",
        &member(),
        None,
        Some(
            "description=Order+events&enabled_events[]=*&metadata[owner]=ops&metadata[team]=\
             &url=https%3A%2F%2Fexample.com%2Fnew%2Fwebhook%2Fendpoint&disabled=true",
        ),
    );
    assert_sent(&reqs[2], "DELETE", &member(), None, None);
    assert_sent(&reqs[3], "GET", COLLECTION, Some("limit=2&starting_after=we_1PgA0002LkdIwHu7ixBBBB"), None);
}

#[tokio::test]
async fn invalid_parameters_are_refused_before_anything_is_sent() {
    let server = server().await;
    let client = client(&server);
    let webhooks = client.webhooks();
    let no_events = CreateWebhookEndpoint::new("https://example.com/h".parse().unwrap(), Vec::<EventType>::new());
    assert!(webhooks.create(&no_events).await.unwrap_err().is_invalid_input());
    assert!(webhooks.update(&we_id(), &UpdateWebhookEndpoint::new()).await.unwrap_err().is_invalid_input());
    assert!(webhooks.list_page(&ListWebhookEndpoints::new().limit(101)).await.unwrap_err().is_invalid_input());
    let sneaky = WebhookEndpointId::from_provider("we_1/../../v1/charges");
    assert!(webhooks.get(&sneaky).await.unwrap_err().is_invalid_input());
    assert!(webhooks.delete(&sneaky).await.unwrap_err().is_invalid_input());
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn list_streams_the_three_pages_by_starting_after() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param_is_missing("starting_after"))
        .respond_with(answer(200, "webhook_endpoints_page_1.json"))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("starting_after", "we_1PgA0002LkdIwHu7ixBBBB"))
        .respond_with(answer(200, "webhook_endpoints_page_2.json"))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .and(query_param("starting_after", "we_1PgA0004LkdIwHu7ixDDDD"))
        .respond_with(answer(200, "webhook_endpoints_page_3.json"))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut stream = client.webhooks().list(&ListWebhookEndpoints::new().limit(2));
    // Lazy: the second page is asked for only once the first is consumed.
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_str(), "we_1PgA0001LkdIwHu7ixAAAA");
    assert_eq!(received(&server).await.len(), 1);
    let mut ids = vec![first.id.to_string()];
    while let Some(item) = stream.next().await {
        ids.push(item.unwrap().id.to_string());
    }
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
    let queries: Vec<Option<String>> =
        received(&server).await.iter().map(|r| r.url.query().map(str::to_owned)).collect();
    assert_eq!(
        queries,
        [
            Some("limit=2".to_owned()),
            Some("limit=2&starting_after=we_1PgA0002LkdIwHu7ixBBBB".to_owned()),
            Some("limit=2&starting_after=we_1PgA0004LkdIwHu7ixDDDD".to_owned()),
        ]
    );
    for r in received(&server).await {
        assert_sent(&r, "GET", COLLECTION, r.url.query(), None);
    }
    // Collected: the same three requests again (each mock answers twice).
    assert_eq!(client.webhooks().list_all(&ListWebhookEndpoints::new().limit(2)).await.unwrap().len(), 5);
}

#[tokio::test]
async fn a_server_repeating_a_page_ends_the_stream_with_a_paging_error_naming_stripe() {
    let server = server().await;
    // `has_more` forever, always the same page.
    Mock::given(method("GET"))
        .and(path(COLLECTION))
        .respond_with(answer(200, "webhook_endpoints_page_1.json"))
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<_> = client.webhooks().list(&ListWebhookEndpoints::new()).collect().await;
    assert_eq!(items.len(), 3, "two endpoints, then the error");
    let err = items[2].as_ref().unwrap_err();
    let paging = err.as_paging().unwrap();
    assert_eq!(paging.provider, Some(hookbridge_stripe::PROVIDER));
    assert_eq!(paging.operation, "list_webhook_endpoints");
}

#[tokio::test]
async fn every_documented_error_status_is_a_typed_api_error() {
    let table = [
        (400, "error_400.json", ApiErrorKind::BadRequest, ErrorType::InvalidRequestError),
        (400, "error_400_idempotency.json", ApiErrorKind::Conflict, ErrorType::IdempotencyError),
        (401, "error_401.json", ApiErrorKind::Unauthorized, ErrorType::InvalidRequestError),
        (402, "error_402.json", ApiErrorKind::Other, ErrorType::CardError),
        (403, "error_403.json", ApiErrorKind::Forbidden, ErrorType::InvalidRequestError),
        (404, "error_404.json", ApiErrorKind::NotFound, ErrorType::InvalidRequestError),
        (409, "error_409.json", ApiErrorKind::Conflict, ErrorType::InvalidRequestError),
        (424, "error_424.json", ApiErrorKind::Other, ErrorType::ApiError),
        (429, "error_429.json", ApiErrorKind::RateLimited, ErrorType::InvalidRequestError),
        (500, "error_500.json", ApiErrorKind::ServerError, ErrorType::ApiError),
        (502, "error_500.json", ApiErrorKind::BadGateway, ErrorType::ApiError),
        (503, "error_503.json", ApiErrorKind::ServiceUnavailable, ErrorType::ApiError),
        (504, "error_500.json", ApiErrorKind::GatewayTimeout, ErrorType::ApiError),
    ];
    for (status, name, kind, error_type) in table {
        let server = server().await;
        Mock::given(method("GET"))
            .and(path(member()))
            .respond_with(answer(status, name).insert_header("request-id", "req_8Xq2LkdIwHu7ix"))
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server).webhooks().get(&we_id()).await.unwrap_err();
        let api = err.as_api().unwrap_or_else(|| panic!("{status} {name}: {err:?}"));
        assert_eq!(api.provider, hookbridge_stripe::PROVIDER);
        assert_eq!(api.operation, "retrieve_webhook_endpoint");
        assert_eq!(api.status.as_u16(), status);
        assert_eq!(api.kind, kind, "{status} {name}");
        assert_eq!(api.request_id.as_deref(), Some("req_8Xq2LkdIwHu7ix"));
        let typed: &StripeError = api.provider_error().unwrap_or_else(|| panic!("{name}: no typed body"));
        assert_eq!(typed.error_type, error_type, "{name}");
        assert_eq!(typed.message.as_deref(), crate::common::fixture_json(name)["error"]["message"].as_str());
        assert_eq!(err.is_not_found(), status == 404);
        assert_eq!(err.is_conflict(), matches!(name, "error_409.json" | "error_400_idempotency.json"));
        assert_eq!(err.is_retryable(), matches!(status, 429 | 502 | 503 | 504), "{status}");
        assert!(!err.to_string().contains(API_KEY));
    }
}

#[tokio::test]
async fn a_create_is_retried_with_the_same_key_and_body() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(answer(503, "error_503.json"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(answer(200, "webhook_endpoint_created.json"))
        .expect(1)
        .mount(&server)
        .await;
    let created = client_with(&server, fast_retry(3)).webhooks().create(&create_params()).await.unwrap();
    assert!(created.secret.is_some());

    let reqs = received(&server).await;
    assert_eq!(reqs.len(), 2, "503, then the retry");
    for r in &reqs {
        assert_sent(r, "POST", COLLECTION, None, Some(CREATE_FORM));
    }
    assert_eq!(header(&reqs[0], "idempotency-key"), header(&reqs[1], "idempotency-key"));
}

#[tokio::test]
async fn what_is_not_retry_safe_is_sent_once() {
    // A create without an idempotency key.
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(answer(503, "error_503.json"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(&server, fast_retry(3));
    let err = client
        .webhooks()
        .with_options(RequestOptions::new().without_idempotency_key())
        .create(&create_params())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(header(&received(&server).await[0], "idempotency-key"), None);

    // A 500 (not a retryable status), and a 409 idempotency_key_in_use, even on a GET.
    for (status, name) in [(500, "error_500.json"), (409, "error_409.json")] {
        let server = crate::common::server().await;
        Mock::given(method("GET"))
            .and(path(member()))
            .respond_with(answer(status, name))
            .expect(1)
            .mount(&server)
            .await;
        let err = client_with(&server, fast_retry(3)).webhooks().get(&we_id()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    }

    // A retryable status on a GET is retried up to the policy's attempts.
    let server = crate::common::server().await;
    Mock::given(method("GET"))
        .and(path(member()))
        .respond_with(answer(429, "error_429.json"))
        .expect(3)
        .mount(&server)
        .await;
    let err = client_with(&server, fast_retry(3)).webhooks().get(&we_id()).await.unwrap_err();
    assert_eq!(err.as_api().map(|a| a.kind), Some(ApiErrorKind::RateLimited));
}

#[tokio::test]
async fn malformed_truncated_and_mistyped_answers_are_decode_errors() {
    let created = fixture("webhook_endpoint_created.json");
    let truncated = &created[..created.find("\"status\"").unwrap()];
    let cases: [(ResponseTemplate, &str); 4] = [
        (ResponseTemplate::new(200).set_body_raw(truncated.to_owned(), "application/json"), "truncated"),
        (
            ResponseTemplate::new(200).set_body_raw(created.replace("1680122196", "\"yesterday\""), "application/json"),
            "mistyped",
        ),
        (ResponseTemplate::new(200).set_body_raw(r#"{"id": "we_1"}"#, "application/json"), "incomplete"),
        (ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"), "html"),
    ];
    for (response, what) in cases {
        let server = server().await;
        Mock::given(method("POST")).and(path(COLLECTION)).respond_with(response).expect(1).mount(&server).await;
        let err = client(&server).webhooks().create(&create_params()).await.unwrap_err();
        let Error::Decode(decode) = &err else { panic!("{what}: {err:?}") };
        assert_eq!(decode.provider, hookbridge_stripe::PROVIDER, "{what}");
        assert_eq!(decode.operation, "create_webhook_endpoint");
        if what == "html" {
            assert!(matches!(decode.kind, DecodeErrorKind::ContentType(_)), "{what}: {:?}", decode.kind);
        } else {
            assert_eq!(decode.kind, DecodeErrorKind::Json, "{what}");
        }
        // The secret in a broken create answer is never quoted.
        for shown in [err.to_string(), format!("{err:?}"), decode.excerpt.clone()] {
            assert!(!shown.contains("wRNftLaj"), "{what}: {shown}");
        }
    }
}

#[tokio::test]
async fn secrets_never_appear_in_debug() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path(COLLECTION))
        .respond_with(answer(200, "webhook_endpoint_created.json"))
        .mount(&server)
        .await;
    let client = client(&server);
    let webhooks = client.webhooks();
    let builder = StripeClient::builder().credentials(Secret::new(API_KEY));
    let created = webhooks.create(&create_params()).await.unwrap();
    for shown in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{webhooks:?}"),
        format!("{builder:?}"),
        format!("{created:?}"),
        format!("{:?}", hookbridge_core::Endpoint::from(&created)),
    ] {
        assert!(!shown.contains(API_KEY) && !shown.contains("wRNftLaj"), "{shown}");
    }
    // A publishable key is refused, and the error does not quote it.
    let err = StripeClient::new(Secret::new("pk_test_TYooMQauvdEDq54NiTphI7jx")).unwrap_err();
    assert!(err.is_invalid_input());
    assert!(!format!("{err} {err:?}").contains("TYooMQauvdEDq54NiTphI7jx"));
    assert!(StripeClient::builder().build().unwrap_err().is_invalid_input(), "no key");
}
