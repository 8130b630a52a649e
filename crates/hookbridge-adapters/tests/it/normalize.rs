//! Unified deliveries: one signed delivery per provider (the OpenSSL-signed samples in
//! `crates/hookbridge-testkit/data/verify/`, a URL token for BLAZE) through one `Normalizer`, then through the bridge.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_abbeycross::{AbbeyCrossReceiver, AbbeyCrossSpec};
use hookbridge_adapters::normalize::{NormalizeError, Normalizer};
use hookbridge_adapters::{BridgeBody, StandardWebhooksBridge};
use hookbridge_bitnob::{BitnobReceiver, BitnobSpec};
use hookbridge_blaze::{BlazeReceiver, BlazeSpec};
use hookbridge_chip::{ChipReceiver, ChipSpec};
use hookbridge_core::{Delivery, ProviderId, Timestamp};
use hookbridge_miex::{MiexReceiver, MiexSpec};
use hookbridge_verify::receive::{Incoming, Receive as _};
use hookbridge_verify::{
    HmacAlgorithm, HmacScheme, HmacSecret, HmacVerifier, KeyRing, RsaPublicKey, SignatureEncoding, SignatureFormat,
    SignedContent, UrlToken, UrlTokenVerifier, Verifier,
};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use serde_json::Value;

const BLAZE_TOKEN: &str = "blaze-callback-token-0123456789abcdef0123456789";

fn fixture_bytes(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../hookbridge-testkit/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn secret(name: &str) -> HmacSecret {
    let secrets: Value = serde_json::from_slice(&fixture_bytes("verify/secrets.json")).unwrap();
    HmacSecret::from_str_bytes(secrets[name].as_str().unwrap()).unwrap()
}

/// A signed sample: its body, its headers, and the time it verifies at.
fn sample(name: &str) -> (Vec<u8>, HeaderMap, i64) {
    let meta: Value = serde_json::from_slice(&fixture_bytes(&format!("verify/{name}.json"))).unwrap();
    let body = fixture_bytes(&format!("verify/{}", meta["body_file"].as_str().unwrap()));
    let mut headers = HeaderMap::new();
    for (k, v) in meta["headers"].as_object().unwrap() {
        headers
            .insert(HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v.as_str().unwrap()).unwrap());
    }
    (body, headers, meta["verify_at"].as_i64().unwrap())
}

fn abbeycross_verifier() -> Arc<dyn Verifier> {
    let scheme = HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
        .format(SignatureFormat::Bare)
        .encoding(SignatureEncoding::Base64)
        .algorithm(HmacAlgorithm::Sha256)
        .signed_content(SignedContent::TimestampDotBody)
        .timestamp_header(HeaderName::from_static("x-abbeycross-timestamp"))
        .tolerance(Duration::from_secs(300))
        .build()
        .unwrap();
    Arc::new(HmacVerifier::with_secret(scheme, secret("abbeycross")))
}

fn normalizer() -> Normalizer {
    let chip_key =
        RsaPublicKey::from_pem(&String::from_utf8(fixture_bytes("keys/rsa2048-public-spki.pem")).unwrap()).unwrap();
    Normalizer::new()
        .receiver(MiexReceiver::new(MiexSpec::with_secret(secret("miex"))))
        .receiver(BlazeReceiver::new(BlazeSpec::new(UrlTokenVerifier::with_token(
            UrlToken::from_string(BLAZE_TOKEN).unwrap(),
        ))))
        .receiver(BitnobReceiver::new(BitnobSpec::new(KeyRing::single("current", secret("bitnob"))).unwrap()))
        .receiver(AbbeyCrossReceiver::new(AbbeyCrossSpec::new(abbeycross_verifier())))
        .receiver(ChipReceiver::new(ChipSpec::with_key(chip_key)))
}

/// Accepts through `n` at `at` and marks the delivery handled.
async fn receive_at(
    n: &Normalizer,
    provider: ProviderId,
    uri: &Uri,
    body: &[u8],
    headers: &HeaderMap,
    at: i64,
) -> Result<Delivery, NormalizeError> {
    let request = Incoming::post(uri.clone(), headers.clone(), body.to_vec());
    let (delivery, ticket) = n.accept_at(provider.as_str(), request, at).await?.into_parts();
    ticket.complete().await.unwrap();
    Ok(delivery)
}

fn blaze_sample() -> (Uri, Vec<u8>) {
    let uri = format!("/hooks/blaze?hb_token={BLAZE_TOKEN}").parse().unwrap();
    (uri, br#"{"webHookType":"NEW_MEMBER","member":{"id":"m-1"}}"#.to_vec())
}

#[tokio::test]
async fn one_normalizer_receives_all_five() {
    let n = normalizer();
    // The five receivers `normalizer()` registers (Stripe's deliveries are tested in its crate).
    assert_eq!(n.providers(), ["abbeycross", "bitnob", "blaze", "chip", "miex"]);
    let any_uri: Uri = "/hooks".parse().unwrap();

    let (body, headers, at) = sample("miex-order-created");
    let d = receive_at(&n, hookbridge_miex::PROVIDER, &any_uri, &body, &headers, at).await.unwrap();
    assert_eq!(d.provider, hookbridge_miex::PROVIDER);
    assert_eq!(d.event_type.as_ref().unwrap().as_str(), "order.created");
    assert_eq!(d.delivery_id.as_deref(), Some("1284"));
    assert_eq!(&d.raw[..], &body[..]);

    let (uri, body) = blaze_sample();
    let d = receive_at(&n, hookbridge_blaze::PROVIDER, &uri, &body, &HeaderMap::new(), 0).await.unwrap();
    assert_eq!(d.event_type.as_ref().unwrap().as_str(), "NEW_MEMBER");
    assert_eq!(d.payload["member"]["id"], "m-1");

    let (body, headers, at) = sample("bitnob-transfer-success");
    let d = receive_at(&n, hookbridge_bitnob::PROVIDER, &any_uri, &body, &headers, at).await.unwrap();
    assert_eq!(d.event_type.as_ref().unwrap().as_str(), "transfer.success");
    assert_eq!(d.key_id.as_deref(), Some("current"));

    let (body, headers, at) = sample("abbeycross-custom");
    let d = receive_at(&n, hookbridge_abbeycross::PROVIDER, &any_uri, &body, &headers, at).await.unwrap();
    assert_eq!(d.provider, hookbridge_abbeycross::PROVIDER);
    assert_eq!(&d.raw[..], &body[..]);

    let (body, headers, at) = sample("chip-purchase-paid");
    let chip_key =
        RsaPublicKey::from_pem(&String::from_utf8(fixture_bytes("keys/rsa2048-public-spki.pem")).unwrap()).unwrap();
    let chip = ChipReceiver::new(ChipSpec::with_key(chip_key));
    let request = Incoming::post(any_uri.clone(), headers.clone(), body.clone());
    let (typed, _ticket) = chip.accept_at(request, at).await.unwrap().into_parts();
    // The typed delivery's own conversion, and the normalizer's: the same unified delivery.
    let direct = Delivery::from(typed);
    let d = receive_at(&n, hookbridge_chip::PROVIDER, &any_uri, &body, &headers, at).await.unwrap();
    assert_eq!(d.provider, hookbridge_chip::PROVIDER);
    assert_eq!(serde_json::to_value(&d).unwrap(), serde_json::to_value(&direct).unwrap());
    assert_eq!(d.event_type.as_ref().unwrap().as_str(), "purchase.paid");
    assert!(d.event_type_signed);
    assert_eq!(d.subject.as_ref().map(|s| s.kind.as_str()), Some("purchase"));
    assert!(d.occurred_at.is_some());
    assert!(d.replay_key.as_deref().is_some_and(|k| k.starts_with("chip:object:purchase.paid:purchase:")));
}

#[tokio::test]
async fn refusals_are_typed() {
    let n = normalizer();
    let any_uri: Uri = "/hooks".parse().unwrap();
    // A tampered body fails verification: 401.
    let (mut body, headers, at) = sample("miex-order-created");
    body[5] ^= 1;
    let err = receive_at(&n, hookbridge_miex::PROVIDER, &any_uri, &body, &headers, at).await.unwrap_err();
    assert!(matches!(&err, NormalizeError::Receive { provider: "miex", .. }));
    assert!(err.as_receive_error().unwrap().is_verification());
    assert_eq!(err.http_status(), StatusCode::UNAUTHORIZED);
    // The BLAZE token is required.
    let (_, body) = blaze_sample();
    let err = receive_at(&n, hookbridge_blaze::PROVIDER, &any_uri, &body, &HeaderMap::new(), 0).await.unwrap_err();
    assert_eq!(err.http_status(), StatusCode::UNAUTHORIZED);
    // A Bitnob delivery outside the 5-minute window.
    let (body, headers, at) = sample("bitnob-transfer-success");
    assert!(receive_at(&n, hookbridge_bitnob::PROVIDER, &any_uri, &body, &headers, at + 3600).await.is_err());
    // A delivery for a provider this endpoint does not receive: 404.
    let only_miex = Normalizer::new().receiver(MiexReceiver::new(MiexSpec::with_secret(secret("miex"))));
    let (body, headers, at) = sample("chip-purchase-paid");
    let err = receive_at(&only_miex, hookbridge_chip::PROVIDER, &any_uri, &body, &headers, at).await.unwrap_err();
    assert!(matches!(&err, NormalizeError::NotConfigured(p) if p == "chip"));
    assert_eq!(err.http_status(), StatusCode::NOT_FOUND);
    assert!(!err.is_duplicate());
    // A handled delivery sent again is a duplicate (200, not handled again) — also under a
    // fresh, unsigned delivery id.
    let n = Normalizer::new().receiver(MiexReceiver::new(MiexSpec::with_secret(secret("miex"))));
    let (body, mut headers, at) = sample("miex-order-created");
    assert!(receive_at(&n, hookbridge_miex::PROVIDER, &any_uri, &body, &headers, at).await.is_ok());
    headers.insert("x-webhook-delivery", HeaderValue::from_static("a-fresh-job-id"));
    let err = receive_at(&n, hookbridge_miex::PROVIDER, &any_uri, &body, &headers, at).await.unwrap_err();
    assert!(err.is_duplicate());
    assert_eq!(err.http_status(), StatusCode::OK);
    assert!(format!("{n:?}").contains("Normalizer"));
}

#[tokio::test]
async fn normalized_deliveries_bridge_to_standard_webhooks() {
    let n = normalizer();
    let whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let bridge = StandardWebhooksBridge::from_whsec(whsec).unwrap();
    let verifier =
        HmacVerifier::with_secret(HmacScheme::standard_webhooks(), HmacSecret::from_standard_webhooks(whsec).unwrap());
    let any_uri: Uri = "/hooks".parse().unwrap();
    let mut received = Vec::new();
    for (provider, name) in [
        (hookbridge_miex::PROVIDER, "miex-order-created"),
        (hookbridge_bitnob::PROVIDER, "bitnob-transfer-success"),
        (hookbridge_abbeycross::PROVIDER, "abbeycross-custom"),
        (hookbridge_chip::PROVIDER, "chip-purchase-paid"),
    ] {
        let (body, headers, at) = sample(name);
        received.push((receive_at(&n, provider, &any_uri, &body, &headers, at).await.unwrap(), at));
    }
    let (uri, body) = blaze_sample();
    received.push((
        receive_at(&n, hookbridge_blaze::PROVIDER, &uri, &body, &HeaderMap::new(), 0).await.unwrap(),
        NOW_FOR_BLAZE,
    ));
    for (delivery, at) in &received {
        let ts = Timestamp::from_second(*at).unwrap();
        for mode in [BridgeBody::Envelope, BridgeBody::Raw] {
            let request = bridge.clone().body(mode).to_request(delivery, None, ts).unwrap();
            verifier.verify_at(request.body(), request.headers(), *at).unwrap();
            if mode == BridgeBody::Raw {
                assert_eq!(request.body(), &delivery.raw);
            } else {
                let env: Value = serde_json::from_slice(request.body()).unwrap();
                assert_eq!(env["data"]["provider"], delivery.provider.as_str());
                assert_eq!(env["data"]["payload"], delivery.payload);
            }
        }
    }
    // Message ids come from the replay key (signed data): stable across re-sends, and not
    // changed by an unsigned delivery id.
    let miex = &received[0].0;
    let mut relabelled = miex.clone();
    relabelled.delivery_id = Some("another-job".into());
    assert_eq!(bridge.message_id(miex), bridge.message_id(&relabelled));
}

const NOW_FOR_BLAZE: i64 = 1_735_689_600;
