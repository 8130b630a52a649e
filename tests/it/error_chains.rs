//! Errors name each cause once: a `Display` says what happened at its own level and never
//! repeats what `source()` returns, so `{:#}` (anyhow, eyre, ...) prints every cause once.

use std::error::Error as StdError;

use hookbridge::adapters::{BridgeError, ConvertError, ConvertOptions, convert};
use hookbridge::verify::{KeyError, RsaPublicKey};
use hookbridge::{EndpointSpec, InvalidInput};

/// Every level of `e`'s chain appears exactly once in `format!("{:#}", anyhow::Error::from(e))`,
/// and no level's message contains its source's.
fn assert_each_cause_once<E: StdError + Send + Sync + 'static>(e: E) {
    let mut chain = Vec::new();
    let mut level: Option<&dyn StdError> = Some(&e);
    while let Some(current) = level {
        chain.push(current.to_string());
        level = current.source();
    }
    assert!(chain.len() >= 2, "the error has no source to repeat: {chain:?}");
    for pair in chain.windows(2) {
        assert!(!pair[0].contains(pair[1].as_str()), "`{}` repeats its source `{}`", pair[0], pair[1]);
    }
    let full = format!("{:#}", anyhow::Error::from(e));
    for message in &chain {
        assert_eq!(full.matches(message.as_str()).count(), 1, "`{full}` names `{message}` more than once");
    }
}

#[test]
fn key_errors_name_the_decoder_error_once() {
    let err = RsaPublicKey::from_der(b"\x30\x03\x02\x01\x01").unwrap_err();
    assert!(matches!(err, KeyError::InvalidRsaKey { .. }), "{err:?}");
    assert_each_cause_once(err);
}

#[test]
fn conversion_errors_name_the_target_refusal_once() {
    let spec = EndpointSpec::new(url::Url::parse("http://localhost:8080/hooks").unwrap()).event("x.y");
    let err =
        convert(&spec, hookbridge::abbeycross::PROVIDER, hookbridge::bitnob::PROVIDER, &ConvertOptions::default())
            .unwrap_err();
    assert!(matches!(err, ConvertError::Target { .. }), "{err:?}");
    assert_each_cause_once(err);
    assert_each_cause_once(ConvertError::Source(InvalidInput::new("url", "not a URL")));
}

#[test]
fn bridge_errors_name_their_cause_once() {
    let json = serde_json::from_str::<u8>("not json").unwrap_err();
    assert_each_cause_once(BridgeError::from(json));
    let http = http::Request::builder().uri("http://a b/").body(()).unwrap_err();
    assert_each_cause_once(BridgeError::from(http));
}

#[tokio::test]
async fn transport_errors_name_the_connection_failure_once() {
    use hookbridge::Webhook;
    // Nothing listens on port 1 of the loopback interface: every attempt fails to connect.
    let config = hookbridge::ClientConfig::new("http://127.0.0.1:1/").unwrap().retry(hookbridge::RetryPolicy::none());
    let client = hookbridge::miex::MiexClient::with_config(config, hookbridge::Secret::new(MIEX_KEY)).unwrap();
    let spec = EndpointSpec::new(url::Url::parse("https://example.com/hooks").unwrap()).event("order.created");
    let err = client.create(&spec).await.unwrap_err();
    assert!(matches!(err, hookbridge::Error::Transport { .. }), "{err:?}");
    assert_each_cause_once(err);
}

const MIEX_KEY: &str = "sk_personal_0123456789abcdef0123456789abcdef";
