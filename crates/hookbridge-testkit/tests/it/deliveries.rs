//! The delivery builders (`hookbridge_testkit::deliveries`): every event of every template
//! builds, verifies with hookbridge-verify, is accepted by the provider crate's receiver
//! pipeline as the provider's delivery type, and is never a duplicate of another build.

use std::sync::Arc;

use axum::http::{Method, StatusCode, Uri};
use hookbridge_abbeycross::AbbeyCrossSpec;
use hookbridge_bitnob::BitnobSpec;
use hookbridge_blaze::BlazeSpec;
use hookbridge_chip::ChipSpec;
use hookbridge_core::Delivery;
use hookbridge_miex::MiexSpec;
use hookbridge_testkit::deliveries::{
    BuildOptions, DeliveryKey, GITHUB_TEMPLATE, KeyKind, ReceiverKey, SignedDelivery, Template, ThrowawayKey,
};
use hookbridge_testkit::{abbeycross, bitnob, blaze, chip, miex, stripe};
use hookbridge_verify::receive::{Incoming, Pipeline, Receive, ReceiveExt as _, ReceiverSpec};
use hookbridge_verify::{
    HmacSecret, HmacVerifier, RsaPublicKey, RsaVerifier, UrlToken, UrlTokenVerifier, Verifier as _,
};
use jiff::Timestamp;
use serde_json::Value;

/// The receiver pipeline of a provider template, configured with what the key generator said
/// the receiver needs; its deliveries as the unified `Delivery`.
fn receiver(template: Template, key: &ReceiverKey) -> Arc<dyn Receive<Delivery>> {
    fn boxed<S>(spec: S) -> Arc<dyn Receive<Delivery>>
    where
        S: ReceiverSpec,
        S::Delivery: Into<Delivery>,
    {
        Arc::new(Pipeline::new(spec).map(|d: S::Delivery| d.into()))
    }
    let hmac = || {
        let secret = HmacSecret::from_str_bytes(key.expose()).unwrap();
        HmacVerifier::with_secret(template.hmac_scheme().unwrap(), secret)
    };
    match template.name() {
        "miex" => boxed(MiexSpec::with_verifier(hmac())),
        "bitnob" | "bitnob-legacy" => boxed(BitnobSpec::with_verifier(hmac())),
        "abbeycross" => boxed(AbbeyCrossSpec::new(Arc::new(hmac()))),
        "blaze" => boxed(BlazeSpec::new(UrlTokenVerifier::with_token(UrlToken::from_string(key.expose()).unwrap()))),
        "chip" => boxed(ChipSpec::with_key(RsaPublicKey::from_pem(key.expose()).unwrap())),
        other => panic!("{other} has no provider receiver"),
    }
}

fn request(delivery: &SignedDelivery, base: &str) -> Incoming {
    let uri: Uri = delivery.url(base).parse().unwrap();
    Incoming::new(Method::POST, uri, delivery.headers.clone(), delivery.body.clone())
}

fn now() -> i64 {
    Timestamp::now().as_second()
}

/// Builds and signs `event`, then checks the receiver accepts it as `event` and handles it.
async fn accept(
    template: Template,
    event: &str,
    key: &DeliveryKey,
    receiver: &Arc<dyn Receive<Delivery>>,
) -> SignedDelivery {
    let delivery = template.build(event, &BuildOptions::new()).unwrap().sign(key).unwrap();
    assert_eq!(delivery.event, event);
    assert_eq!(delivery.header("content-type"), Some("application/json"));
    let accepted = receiver
        .accept_at(request(&delivery, "/hooks"), now())
        .await
        .unwrap_or_else(|e| panic!("{template} {event}: {e:?}\n{}", String::from_utf8_lossy(&delivery.body)));
    let (got, ticket) = accepted.into_parts();
    assert_eq!(got.event_type.as_ref().map(|e| e.as_str()), Some(event), "{template}");
    assert!(got.event_type_signed || template == blaze::TEMPLATE, "{template} {event}");
    ticket.complete().await.unwrap();
    delivery
}

#[tokio::test]
async fn every_event_of_every_provider_is_accepted_by_its_receiver_and_never_a_duplicate() {
    for template in [
        miex::TEMPLATE,
        blaze::TEMPLATE,
        bitnob::TEMPLATE,
        bitnob::LEGACY_TEMPLATE,
        abbeycross::TEMPLATE,
        chip::TEMPLATE,
    ] {
        let ThrowawayKey { key, receiver: receiver_key, .. } = ThrowawayKey::generate(template).unwrap();
        let receiver = receiver(template, &receiver_key);
        let events = template.events();
        assert!(!events.is_empty(), "{template}");
        for event in &events {
            assert!(template.knows_event(event));
            let first = accept(template, event, &key, &receiver).await;
            // A second build of the same event is a new delivery: handled again.
            let second = accept(template, event, &key, &receiver).await;
            assert_ne!(first.body, second.body, "{template} {event}");
            if template != chip::TEMPLATE {
                assert!(first.delivery_id.is_some() && first.delivery_id != second.delivery_id, "{template}");
            }
            // The same delivery again is a duplicate: the dedupe above is real.
            let again = receiver.accept_at(request(&first, "/hooks"), now()).await.unwrap_err();
            assert!(again.is_duplicate(), "{template} {event}: {again:?}");
        }
        // Another key's delivery, or a tampered body, is refused with 401.
        let other = ThrowawayKey::generate(template).unwrap().key;
        let foreign = template.build(events[0], &BuildOptions::new()).unwrap().sign(&other).unwrap();
        let err = receiver.accept_at(request(&foreign, "/hooks"), now()).await.unwrap_err();
        assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "{template}");
        if template != blaze::TEMPLATE {
            let mut tampered = template.build(events[0], &BuildOptions::new()).unwrap().sign(&key).unwrap();
            tampered.body = [&b" "[..], &tampered.body].concat().into();
            let err = receiver.accept_at(request(&tampered, "/hooks"), now()).await.unwrap_err();
            assert_eq!(err.status(), StatusCode::UNAUTHORIZED, "{template}");
        }
    }
}

#[test]
fn bodies_have_the_providers_envelopes_and_headers() {
    let at = Timestamp::from_second(1_750_000_000).unwrap();
    let options = BuildOptions::new().at(at);
    let json = |d: &hookbridge_testkit::deliveries::Draft| serde_json::from_slice::<Value>(&d.body).unwrap();

    let miex = miex::TEMPLATE.build("order.status_changed", &options).unwrap();
    let body = json(&miex);
    assert_eq!(body["event"], "order.status_changed");
    assert_eq!(body["data"]["status"], "processing");
    assert_eq!(miex.headers["x-webhook-event"], "order.status_changed");
    assert!(miex.delivery_id.as_deref().is_some_and(|id| id.len() == 9 && id.bytes().all(|b| b.is_ascii_digit())));

    let bitnob = bitnob::TEMPLATE.build("transaction.confirmed", &options).unwrap();
    let body = json(&bitnob);
    assert_eq!(body["event_id"].as_str(), bitnob.delivery_id.as_deref());
    assert_eq!(body["created_at"], "2025-06-15T15:06:40.000Z");
    assert_eq!(bitnob.headers["x-bitnob-event"], "transaction.confirmed");
    assert_eq!(bitnob.timestamp, 1_750_000_000);

    let blaze = blaze::TEMPLATE.build("NEW_MEMBER", &options.clone().field("shopId", "shop-1".into())).unwrap();
    let body = json(&blaze);
    assert_eq!(body["webHookType"], "NEW_MEMBER");
    assert_eq!(body["created"], 1_750_000_000_000_i64);
    assert_eq!(body["shopId"], "shop-1");
    assert_eq!(body["data"]["shopId"], "shop-1");

    let chip = chip::TEMPLATE.build("payout.success", &options).unwrap();
    let body = json(&chip);
    assert_eq!((body["event_type"].as_str(), body["type"].as_str()), (Some("payout.success"), Some("payout")));
    assert_eq!(body["updated_on"], 1_750_000_000);
    assert_eq!(chip.delivery_id, None);
    let refund = json(&chip::TEMPLATE.build("payment.refunded", &options).unwrap());
    assert_eq!(refund["type"], "payment");
    let failed = json(&chip::TEMPLATE.build("purchase.payment_failure", &options).unwrap());
    assert_eq!((failed["type"].as_str(), failed["status"].as_str()), (Some("purchase"), Some("error")));

    // Caller data is used as given; CHIP objects must be objects.
    let given = miex::TEMPLATE.build("offer.updated", &options.clone().data(serde_json::json!({"rate": "1"}))).unwrap();
    assert_eq!(json(&given)["data"], serde_json::json!({"rate": "1"}));
    assert!(chip::TEMPLATE.build("purchase.paid", &options.clone().data(serde_json::json!([1]))).is_err());

    // Unknown events build (simulators send anything) but are not known, except where the
    // provider's names are free-form.
    assert!(!miex::TEMPLATE.knows_event("order.nope"));
    assert!(miex::TEMPLATE.build("order.nope", &options).is_ok());
    assert!(abbeycross::TEMPLATE.knows_event("deal.settled") && !abbeycross::TEMPLATE.knows_event(""));
    assert!(miex::TEMPLATE.build("bad\nevent", &options).is_err(), "header-unsafe event names are refused");
}

#[test]
fn counts_match_the_documented_catalogues() {
    assert_eq!(miex::TEMPLATE.events().len(), 4);
    assert_eq!(blaze::TEMPLATE.events().len(), 11);
    assert_eq!(chip::TEMPLATE.events().len(), 27);
    assert_eq!(bitnob::TEMPLATE.events().len(), bitnob::BITNOB_EVENT_TYPES.len());
    for template in Template::all() {
        let events = template.events();
        let unique: std::collections::HashSet<&str> = events.iter().copied().collect();
        assert_eq!(unique.len(), events.len(), "{template}");
    }
}

/// The scheme-only templates: no provider crate, so verified with hookbridge-verify and read
/// as JSON (Stripe `type`, CHIP Send `event_type`, GitHub `X-GitHub-Event`).
#[test]
fn scheme_templates_verify_and_name_their_event() {
    for template in [stripe::TEMPLATE, GITHUB_TEMPLATE, chip::SEND_TEMPLATE] {
        let ThrowawayKey { key, receiver: receiver_key, .. } = ThrowawayKey::generate(template).unwrap();
        let verifier: Box<dyn hookbridge_verify::Verifier> = match &receiver_key {
            ReceiverKey::PublicKeyPem(pem) => {
                assert_eq!(template.key_kind(), KeyKind::RsaPrivateKey);
                Box::new(RsaVerifier::with_key(template.rsa_scheme().unwrap(), RsaPublicKey::from_pem(pem).unwrap()))
            }
            secret => Box::new(HmacVerifier::with_secret(
                template.hmac_scheme().unwrap(),
                HmacSecret::from_str_bytes(secret.expose()).unwrap(),
            )),
        };
        let mut seen = Vec::new();
        for event in template.events() {
            let delivery = template.build(event, &BuildOptions::new()).unwrap().sign(&key).unwrap();
            let verified = verifier
                .verify_request_at(&"/".parse().unwrap(), &delivery.body, &delivery.headers, now())
                .unwrap_or_else(|e| panic!("{template} {event}: {e}"));
            let body: Value = serde_json::from_slice(&delivery.body).unwrap();
            let named = match template.name() {
                "stripe" => body["type"].as_str().map(str::to_owned),
                "chip-send" => body["event_type"].as_str().map(str::to_owned),
                _ => delivery.header("x-github-event").map(str::to_owned),
            };
            assert_eq!(named.as_deref(), Some(event), "{template}");
            if template == GITHUB_TEMPLATE {
                assert_eq!(verified.id(), delivery.delivery_id.as_deref());
            }
            assert!(!seen.contains(&delivery.body), "{template} {event}: a repeated body");
            seen.push(delivery.body.clone());
        }
        if template == stripe::TEMPLATE {
            assert!(receiver_key.expose().starts_with("whsec_"));
        }
    }
}

#[test]
fn blaze_tokens_travel_in_the_url_and_keys_never_show_in_debug() {
    let throwaway = ThrowawayKey::generate(blaze::TEMPLATE).unwrap();
    let (key, receiver_key) = (&throwaway.key, &throwaway.receiver);
    let token = receiver_key.expose().to_owned();
    assert_eq!(throwaway.sender_text(), token);
    let delivery = blaze::TEMPLATE.build("UPDATE_PRODUCT", &BuildOptions::new()).unwrap().sign(key).unwrap();
    assert_eq!(
        delivery.url("http://127.0.0.1:9/hooks?shop=1"),
        format!("http://127.0.0.1:9/hooks?shop=1&hb_token={token}")
    );
    assert!(!delivery.headers.keys().any(|n| n.as_str().contains("signature")));
    for shown in [format!("{throwaway:?}"), format!("{receiver_key:?}"), format!("{delivery:?}")] {
        assert!(!shown.contains(&token), "{shown}");
    }
    let miex = ThrowawayKey::generate(miex::TEMPLATE).unwrap();
    assert_eq!(miex.receiver.expose().len(), 64);
    assert!(!format!("{miex:?}").contains(miex.sender_text()));
    // A kept RSA key reads back with the same public half; its Debug shows no private key.
    let chip = ThrowawayKey::generate(chip::TEMPLATE).unwrap();
    assert!(chip.sender_text().starts_with("-----BEGIN PRIVATE KEY-----"));
    let kept = ThrowawayKey::from_sender_text(chip::TEMPLATE, chip.sender_text()).unwrap();
    assert_eq!(kept.receiver, chip.receiver);
    assert!(kept.receiver.expose().starts_with("-----BEGIN PUBLIC KEY-----"));
    assert!(!format!("{kept:?}").contains("PRIVATE KEY"));
    // The unsigned form (what the BLAZE simulator sends to a registered URL) has no token.
    let unsigned = blaze::TEMPLATE.build("UPDATE_PRODUCT", &BuildOptions::new()).unwrap().unsigned();
    assert_eq!(unsigned.url("http://127.0.0.1:9/hooks"), "http://127.0.0.1:9/hooks");
    // Keys of the wrong kind are refused.
    assert!(DeliveryKey::from_secret(chip::TEMPLATE, "secret").is_err());
    assert!(DeliveryKey::from_secret(blaze::TEMPLATE, "short").is_err());
    assert!(DeliveryKey::from_private_key_pem(miex::TEMPLATE, "-----BEGIN PRIVATE KEY-----").is_err());
}
