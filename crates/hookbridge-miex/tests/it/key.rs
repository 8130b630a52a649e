//! API keys: parsed and classified at construction; a public key cannot register; bad input sends nothing.

use hookbridge_core::{ClientConfig, Error, Secret};
use hookbridge_miex::{KeyKind, MiexApiKey, MiexClient, MiexEvent, PUBLIC_KEY_READ_ONLY, RegisterWebhook};

use crate::common::*;

fn invalid(err: Error) -> hookbridge_core::InvalidInput {
    match err {
        Error::InvalidInput(i) => i,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn each_documented_key_kind_builds_a_client() {
    let server = server().await;
    for (key, kind) in [(BRANCH_KEY, KeyKind::Branch), (PERSONAL_KEY, KeyKind::Personal), (PUBLIC_KEY, KeyKind::Public)]
    {
        assert_eq!(client_with(&server, key).key_kind(), kind);
        assert_eq!(MiexApiKey::parse(Secret::new(key)).unwrap().kind(), kind);
        assert_eq!(kind.can_write(), kind != KeyKind::Public);
        assert!(key.starts_with(kind.prefix()));
    }
    let parsed = MiexApiKey::try_from(Secret::new(BRANCH_KEY)).unwrap();
    let c = MiexClient::with_key(ClientConfig::new(&base_url(&server)).unwrap(), parsed).unwrap();
    assert_eq!(c.key_kind(), KeyKind::Branch);
    assert_eq!(c.http().base_url().as_str(), format!("{}/api/v1/", server.uri()));
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn malformed_keys_are_refused_at_construction_without_echo() {
    let server = server().await;
    let bad = [
        "",
        "Bearer sk_branch_Br4nchK3y0123456789abcdefghijklm",
        "sk_branch_short",
        "sk_branch_Br4nchK3y0123456789abcdefghijklmX",
        "sk_personal_Personal Key_0123456789abcdefghi",
        "sk_live_0123456789abcdef0123456789abcdef",
        "pk_PublicKey-0123456789abcdefghijk\n",
    ];
    for key in bad {
        let err = invalid(MiexClient::new(&base_url(&server), Secret::new(key)).unwrap_err());
        assert_eq!(err.field, "api_key", "{key:?}");
        assert!(err.reason.contains("sk_branch_<32 chars>, sk_personal_<32 chars> or pk_<32 chars>"), "{}", err.reason);
        if !key.is_empty() {
            assert!(!err.to_string().contains(key), "{err}");
        }
    }
    assert_nothing_sent(&server).await;
}

#[test]
fn a_bad_base_url_is_refused() {
    for base in ["", "not a url", "ftp://api.example.com/api/v1", "https://api.example.com/api/v1?x=1"] {
        let err = invalid(MiexClient::new(base, Secret::new(BRANCH_KEY)).unwrap_err());
        assert_eq!(err.field, "base_url", "{base:?}");
    }
}

#[tokio::test]
async fn a_public_key_cannot_register_and_nothing_is_sent() {
    let server = server().await;
    let client = client_with(&server, PUBLIC_KEY);
    let req = RegisterWebhook::new(
        "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap(),
        [MiexEvent::OrderCreated],
    );

    let err = invalid(client.webhooks().register(&req).await.unwrap_err());

    assert_eq!(err.field, "api_key");
    assert_eq!(
        err.reason,
        "a public pk_ key is read-only and cannot register webhooks; use an sk_branch_ or sk_personal_ key"
    );
    assert_eq!(err.reason, PUBLIC_KEY_READ_ONLY);
    assert!(!err.to_string().contains(PUBLIC_KEY));
    assert_nothing_sent(&server).await;
}

#[tokio::test]
async fn invalid_register_bodies_are_refused_before_sending() {
    let server = server().await;
    let client = client(&server);
    let url = || "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap();
    let cases = [
        (RegisterWebhook::new(url(), []), "events", "at least one event"),
        (
            RegisterWebhook::new(url(), [MiexEvent::OrderCreated, MiexEvent::Unknown("order.refunded".into())]),
            "events",
            "`order.refunded` is not a MIEX event",
        ),
        (
            RegisterWebhook::new("ftp://example.com/x".parse::<url::Url>().unwrap(), [MiexEvent::OrderCreated]),
            "url",
            "http or https",
        ),
        (
            RegisterWebhook::new("mailto:ops@example.com".parse::<url::Url>().unwrap(), [MiexEvent::OrderCreated]),
            "url",
            "http",
        ),
    ];
    for (req, field, reason) in cases {
        let err = invalid(client.webhooks().register(&req).await.unwrap_err());
        assert_eq!(err.field, field);
        assert!(err.reason.contains(reason), "{}", err.reason);
    }
    assert_nothing_sent(&server).await;
}
