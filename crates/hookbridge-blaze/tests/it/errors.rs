//! Non-2xx answers become typed API errors with the raw body; undecodable 2xx answers become
//! decode errors, never panics.

use hookbridge_blaze::{CreateWebHook, ListWebHooksOptions, PartnerWebHook};
use hookbridge_core::{ApiErrorKind, DecodeErrorKind, Error};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::common::*;

const ID: &str = "65a1f0c2e4b0a1b2c3d4e5f6";

#[tokio::test]
async fn documented_statuses_map_to_typed_api_errors_for_every_operation() {
    let cases = [
        (400, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Unauthorized),
        (403, ApiErrorKind::Forbidden),
        (404, ApiErrorKind::NotFound),
        (500, ApiErrorKind::ServerError),
    ];
    for (status, kind) in cases {
        let server = server().await;
        let fixture_name = format!("error_{status}.json");
        Mock::given(any()).respond_with(json_response(status, &fixture_name)).expect(5).mount(&server).await;
        let c = client(&server);
        let hooks = c.webhooks();
        let body = CreateWebHook::new(vec!["https://partner.example.com/hook".parse::<url::Url>().unwrap()]);
        let results: Vec<Error> = vec![
            hooks.create(&body).await.unwrap_err(),
            hooks.get(ID).await.unwrap_err(),
            hooks.update(ID, &PartnerWebHook::default()).await.unwrap_err(),
            hooks.delete(ID).await.unwrap_err(),
            hooks.list_page(&ListWebHooksOptions::default()).await.unwrap_err(),
        ];
        let ops = ["create", "get", "update", "delete", "list"];
        for (err, op) in results.iter().zip(ops) {
            let api = err.as_api().unwrap_or_else(|| panic!("{status} {op}: {err:?}"));
            assert_eq!(api.status.as_u16(), status);
            assert_eq!(api.kind, kind);
            assert_eq!(api.operation, op);
            assert_eq!(api.provider, hookbridge_blaze::PROVIDER);
            assert!(api.body.is_none(), "BLAZE documents no error body");
            assert_eq!(&api.raw[..], fixture(&fixture_name).as_bytes());
            assert!(!err.is_retryable());
            assert_eq!(err.is_not_found(), status == 404);
            assert_eq!(err.is_auth(), status == 401 || status == 403);
            assert!(err.to_string().contains(&status.to_string()));
        }
    }
}

#[tokio::test]
async fn empty_error_bodies_are_kept_empty() {
    let server = server().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).expect(1).mount(&server).await;
    let err = client(&server).webhooks().get(ID).await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::Unauthorized);
    assert!(api.raw.is_empty());
}

#[tokio::test]
async fn a_server_error_on_get_is_not_retried_when_retries_are_off() {
    let server = server().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    let err = client(&server).webhooks().get(ID).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().kind, ApiErrorKind::ServiceUnavailable);
    assert!(err.is_retryable());
}

async fn decode_error_for(body: &'static str, content_type: &'static str) -> Error {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("{WEBHOOKS}/{ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, content_type))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).webhooks().get(ID).await.unwrap_err()
}

#[tokio::test]
async fn malformed_truncated_and_mistyped_json_are_decode_errors() {
    let truncated = &fixture("webhook.json")[..60];
    let truncated: &'static str = Box::leak(truncated.to_owned().into_boxed_str());
    for body in [
        truncated,
        "{\"id\": ",
        "not json",
        "",
        "[]",
        "{\"created\": \"yesterday\"}",
        "{\"deleted\": \"no\"}",
        "{\"webHookUrls\": \"https://x.example.com\"}",
        "{\"webHookType\": 7}",
        "{\"modified\": 99999999999999999999}",
    ] {
        match decode_error_for(body, "application/json").await {
            Error::Decode(d) => {
                assert_eq!(d.kind, DecodeErrorKind::Json, "{body:?}");
                assert_eq!(d.operation, "get");
                assert_eq!(d.status.map(|s| s.as_u16()), Some(200));
            }
            other => panic!("{body:?}: expected a decode error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn non_json_content_type_is_a_decode_error() {
    match decode_error_for("<html>maintenance</html>", "text/html").await {
        Error::Decode(d) => assert!(matches!(d.kind, DecodeErrorKind::ContentType(ref ct) if ct == "text/html")),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_list_pages_are_decode_errors() {
    use futures_util::StreamExt;
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(WEBHOOKS))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"values\": [{\"id\": \"a\"}, {\"id\"", "application/json"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    assert!(matches!(c.webhooks().list_page(&ListWebHooksOptions::default()).await, Err(Error::Decode(_))));
    let all: Vec<_> = c.webhooks().list(&ListWebHooksOptions::default()).collect().await;
    assert_eq!(all.len(), 1);
    assert!(matches!(all[0], Err(Error::Decode(_))));
}
