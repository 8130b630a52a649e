//! A redirect to another host never carries Bitnob's `X-Auth-*` signature headers (either
//! documented variant) nor the legacy bearer key.

use std::net::TcpListener;

use hookbridge_bitnob::{BitnobAuth, BitnobSigner, SigningScheme};
use hookbridge_core::{RedirectReason, Secret, Webhook};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn redirect_to_another_host_sends_no_credentials_for_any_auth_style() {
    let api = server().await;
    let port = api.address().port();
    let other = MockServer::builder().listener(TcpListener::bind(("127.0.0.2", port)).unwrap()).start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).expect(0).mount(&other).await;
    Mock::given(method("GET"))
        .and(path(format!("/webhooks/{WEBHOOK_ID}")))
        .respond_with(ResponseTemplate::new(302).insert_header("location", format!("http://127.0.0.2:{port}/collect")))
        .expect(3)
        .mount(&api)
        .await;
    let auths: [BitnobAuth; 3] = [
        BitnobSigner::new("client_abc", Secret::new("sec_0123"), SigningScheme::ColonSeparatedHex).unwrap().into(),
        BitnobSigner::new("client_abc", Secret::new("sec_0123"), SigningScheme::ConcatenatedBase64).unwrap().into(),
        BitnobAuth::Bearer(Secret::new(API_KEY)),
    ];
    for auth in auths {
        let err = client_with(config(&api), auth).get(&WEBHOOK_ID.parse().unwrap()).await.unwrap_err();
        assert_eq!(err.as_redirect().map(|r| r.reason), Some(RedirectReason::CrossOrigin), "{err}");
        assert!(!format!("{err:?}").contains("sec_0123") && !format!("{err:?}").contains(API_KEY));
    }
    assert!(other.received_requests().await.unwrap().is_empty());
}
