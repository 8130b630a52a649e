use std::time::Duration;

use hookbridge_core::{ApiErrorKind, DecodeErrorKind, Error, IdempotencyKey, Request, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{client, fast_retry};

async fn server() -> MockServer {
    let server = MockServer::start().await;
    // Anything a test did not mount fails the test when the server drops.
    Mock::given(any()).respond_with(ResponseTemplate::new(599)).with_priority(u8::MAX).expect(0).mount(&server).await;
    server
}

#[tokio::test]
async fn sends_method_path_query_headers_and_exact_json() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/webhooks/"))
        .and(query_param("limit", "10"))
        .and(header("authorization", "Bearer tok_test_123"))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header("user-agent", concat!("hookbridge/", env!("CARGO_PKG_VERSION"))))
        .and(body_json(json!({"a": 1})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server, RetryPolicy::none());
    let req = Request::post("create", ["webhooks"]).trailing_slash().query("limit", 10).json(&json!({"a": 1})).unwrap();
    let got: Value = c.json(req).await.unwrap();
    assert_eq!(got, json!({"ok": true}));
}

#[tokio::test]
async fn a_non_json_body_is_sent_byte_for_byte_with_its_own_content_type() {
    use hookbridge_core::reexports::http::HeaderValue;

    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/v1/things"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server, RetryPolicy::none());
    let form = &b"url=https%3A%2F%2Fexample.com%2Fh&enabled_events[]=a.b&metadata[k]=v+w"[..];
    let content_type = HeaderValue::from_static("application/x-www-form-urlencoded");
    let req = Request::post("create", ["v1", "things"]).body_bytes(content_type.clone(), form);
    let _: Value = c.json(req).await.unwrap();
    // A JSON body set afterwards replaces the bytes and goes back to the JSON content type.
    let req = Request::post("create", ["v1", "things"]).body_bytes(content_type, form).json(&json!({"a": 1})).unwrap();
    let _: Value = c.json(req).await.unwrap();

    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, form);
    let types: Vec<_> = reqs[0].headers.get_all("content-type").iter().collect();
    assert_eq!(types, ["application/x-www-form-urlencoded"], "exactly one content type: the request's");
    assert_eq!(reqs[0].headers["content-length"], form.len().to_string().as_str());
    assert_eq!(reqs[0].headers["authorization"], "Bearer tok_test_123");
    assert_eq!(reqs[1].body, br#"{"a":1}"#);
    assert_eq!(reqs[1].headers["content-type"], "application/json");
}

#[tokio::test]
async fn path_segments_are_encoded_and_validated_before_sending() {
    let server = server().await;
    let c = client(&server, RetryPolicy::none());
    let url = c.url_for(&Request::get("get", ["webhooks", "a/b?c#d"])).unwrap();
    assert_eq!(url.path(), "/api/v1/webhooks/a%2Fb%3Fc%23d");
    assert_eq!(url.query(), None);
    for bad in ["", "..", ".", "a b", "a\nb"] {
        let err = c.send(Request::get("get", ["webhooks", bad])).await.unwrap_err();
        assert!(err.is_invalid_input(), "{bad:?}: {err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn base_url_is_validated() {
    use hookbridge_core::ClientConfig;
    assert!(ClientConfig::new("ftp://x.test/").is_err());
    assert!(ClientConfig::new("not a url").is_err());
    assert!(ClientConfig::new("https://x.test/?q=1").is_err());
    assert!(ClientConfig::new("https://user:pw@x.test/").is_err());
    assert_eq!(ClientConfig::new("https://x.test/api").unwrap().base_url().as_str(), "https://x.test/api/");
}

#[tokio::test]
async fn retries_gateway_errors_on_idempotent_requests_then_succeeds() {
    let server = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([1])))
        .expect(1)
        .with_priority(3)
        .mount(&server)
        .await;
    let c = client(&server, fast_retry(3));
    let v: Value = c.json(Request::get("list", ["webhooks"])).await.unwrap();
    assert_eq!(v, json!([1]));
}

#[tokio::test]
async fn stops_after_max_attempts_with_the_last_error() {
    let server = server().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(504)).expect(4).mount(&server).await;
    let err = client(&server, fast_retry(4)).empty(Request::delete("delete", ["webhooks", "x"])).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().kind, ApiErrorKind::GatewayTimeout);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn never_retries_500_or_other_4xx() {
    for status in [400u16, 401, 403, 404, 409, 422, 500] {
        let server = server().await;
        Mock::given(method("GET")).respond_with(ResponseTemplate::new(status)).expect(1).mount(&server).await;
        let err = client(&server, fast_retry(5)).empty(Request::get("get", ["x"])).await.unwrap_err();
        assert_eq!(err.status().unwrap().as_u16(), status);
        assert!(!err.is_retryable(), "{status}");
    }
}

#[tokio::test]
async fn post_without_idempotency_key_is_never_retried() {
    let server = server().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    let req = Request::post("create", ["webhooks"]).json(&json!({"url": "https://a.test"})).unwrap();
    let err = client(&server, fast_retry(5)).empty(req).await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
}

#[tokio::test]
async fn post_with_idempotency_key_is_retried_with_the_same_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "w1"})))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let key = IdempotencyKey::new("order-42").unwrap();
    let req =
        Request::post("create", ["webhooks"]).json(&json!({"url": "https://a.test"})).unwrap().idempotency_key(&key);
    let v: Value = client(&server, fast_retry(3)).json(req).await.unwrap();
    assert_eq!(v["id"], "w1");
    let keys: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers.get("idempotency-key").unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(keys, vec!["order-42"; 3]);
}

#[tokio::test]
async fn honours_retry_after_seconds_and_refuses_excessive_waits() {
    let server = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let v: Value = client(&server, fast_retry(2)).json(Request::get("get", ["a"])).await.unwrap();
    assert_eq!(v, json!({}));

    // A provider asking for longer than max_retry_after gets its error back at once.
    let server = self::server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let policy = fast_retry(5).max_retry_after(Duration::from_secs(5));
    let err = client(&server, policy).empty(Request::get("get", ["a"])).await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.kind, ApiErrorKind::RateLimited);
    assert_eq!(api.retry_after, Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn per_attempt_timeout_is_a_typed_timeout() {
    let server = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .expect(2)
        .mount(&server)
        .await;
    let err = client(&server, fast_retry(2)).empty(Request::get("get", ["slow"])).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(std::error::Error::source(&err).is_some(), "source chain kept");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    // Bind and drop a listener so the port is (almost certainly) closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = hookbridge_core::ClientConfig::new(&format!("http://127.0.0.1:{port}/")).unwrap().retry(fast_retry(2));
    let c = hookbridge_core::HttpClient::new(
        hookbridge_core::ProviderId::new("acme"),
        config,
        std::sync::Arc::new(hookbridge_core::auth::NoAuth),
    )
    .unwrap();
    let err = c.empty(Request::post("create", ["x"])).await.unwrap_err();
    assert!(matches!(err, Error::Transport { connect: true, .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn malformed_truncated_and_wrong_type_bodies_are_decode_errors() {
    type Check = fn(&DecodeErrorKind) -> bool;
    let cases: [(&str, &str, Check); 3] = [
        ("{\"id\": \"w1\", \"url\": ", "application/json", |k| *k == DecodeErrorKind::Json),
        ("not json at all", "application/json", |k| *k == DecodeErrorKind::Json),
        ("<html><body>502 Bad Gateway</body></html>", "text/html; charset=utf-8", |k| {
            matches!(k, DecodeErrorKind::ContentType(_))
        }),
    ];
    for (body, ct, check) in cases {
        let server = server().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), ct))
            .expect(1)
            .mount(&server)
            .await;
        let err = client(&server, RetryPolicy::none()).json::<Value>(Request::get("get", ["a"])).await.unwrap_err();
        let Error::Decode(d) = &err else { panic!("{err:?}") };
        assert!(check(&d.kind), "{:?}", d.kind);
        assert_eq!(d.excerpt, body);
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn oversized_success_bodies_are_refused_and_error_bodies_truncated() {
    let server = server().await;
    let big = vec![b'x'; 10_000];
    Mock::given(method("GET"))
        .and(path("/api/v1/ok"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big.clone(), "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/err"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(big, "text/plain"))
        .mount(&server)
        .await;
    let config = hookbridge_core::ClientConfig::new(&format!("{}/api/v1", server.uri()))
        .unwrap()
        .max_response_bytes(1024)
        .retry(RetryPolicy::none());
    let c = hookbridge_core::HttpClient::new(
        hookbridge_core::ProviderId::new("charlie"),
        config,
        std::sync::Arc::new(hookbridge_core::auth::NoAuth),
    )
    .unwrap();
    let err = c.json::<Value>(Request::get("get", ["ok"])).await.unwrap_err();
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!(d.kind, DecodeErrorKind::TooLarge { limit: 1024 });
    let err = c.json::<Value>(Request::get("get", ["err"])).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().raw.len(), 1024);
}

#[tokio::test]
async fn absolute_urls_must_stay_on_the_configured_origin() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks/"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server, RetryPolicy::none());
    let same = format!("{}/api/v1/webhooks/?page=2", server.uri()).parse().unwrap();
    let _: Value = c.json(Request::absolute(http::Method::GET, "list", same)).await.unwrap();
    let foreign = "https://evil.example/api/v1/webhooks/?page=2".parse().unwrap();
    let err = c.json::<Value>(Request::absolute(http::Method::GET, "list", foreign)).await.unwrap_err();
    assert!(err.to_string().contains("origin"), "{err}");
}

#[tokio::test]
async fn errors_never_contain_the_token() {
    let server = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"detail": "bad token"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server, RetryPolicy::none());
    let err = c.empty(Request::get("get", ["a"])).await.unwrap_err();
    assert!(err.is_auth());
    for text in [format!("{err}"), format!("{err:?}"), format!("{c:?}")] {
        assert!(!text.contains("tok_test_123"), "{text}");
    }
}

#[tokio::test]
async fn the_overall_timeout_bounds_attempts_and_waits() {
    // A slow server: every attempt would take 2 s; the per-attempt limit is 500 ms, the overall
    // limit 300 ms, so the first attempt is cut at the overall deadline and nothing else is sent.
    let server = server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .expect(1)
        .mount(&server)
        .await;
    let config = hookbridge_core::ClientConfig::new(&format!("{}/api/v1", server.uri()))
        .unwrap()
        .timeout(Duration::from_millis(500))
        .overall_timeout(Some(Duration::from_millis(300)))
        .retry(fast_retry(5));
    let c = hookbridge_core::HttpClient::new(
        hookbridge_core::ProviderId::new("bravo"),
        config,
        std::sync::Arc::new(hookbridge_core::auth::NoAuth),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let err = c.empty(Request::get("get", ["slow"])).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1500), "cut at the overall deadline, not after 5 attempts");

    // Retryable failures with waits longer than the time left: the last error comes back at once.
    let server = self::server().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).expect(1).mount(&server).await;
    let config = hookbridge_core::ClientConfig::new(&format!("{}/api/v1", server.uri()))
        .unwrap()
        .overall_timeout(Some(Duration::from_millis(200)))
        .retry(
            RetryPolicy::default()
                .max_attempts(5)
                .backoff(Duration::from_secs(1), Duration::from_secs(1))
                .jitter(false),
        );
    let c = hookbridge_core::HttpClient::new(
        hookbridge_core::ProviderId::new("bravo"),
        config,
        std::sync::Arc::new(hookbridge_core::auth::NoAuth),
    )
    .unwrap();
    let err = c.empty(Request::get("get", ["busy"])).await.unwrap_err();
    assert_eq!(err.as_api().unwrap().kind, ApiErrorKind::ServiceUnavailable);
}

/// A decode error never quotes a body value: not in the serde detail, not in its source, not in
/// `Debug` (the excerpt redacts secret-named keys, the detail redacts serde's quoted value).
#[tokio::test]
async fn decode_errors_do_not_quote_body_values() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Rotated {
        signing_secret: u32,
    }
    let server = server().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"signing_secret":"whsec_abc123"}"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server, RetryPolicy::none());
    let err = c.json::<Rotated>(Request::get("rotate", ["x"])).await.unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert!(decode.detail.contains("invalid type: string \"[REDACTED]\", expected u32"), "{}", decode.detail);
    let mut shown = vec![err.to_string(), format!("{err:?}"), format!("{err:#?}")];
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        shown.push(s.to_string());
        shown.push(format!("{s:?}"));
        source = s.source();
    }
    for text in shown {
        assert!(!text.contains("whsec_abc123"), "{text}");
    }
    assert_eq!(decode.source.as_ref().map(|s| s.category), Some(hookbridge_core::JsonErrorCategory::Data));
}
