//! Verify and normalise one signed delivery from each of the five providers with one
//! `Normalizer`, then re-sign them for a single Standard Webhooks receiver.
//!
//! ```text
//! cargo run --example normalize
//! ```
//!
//! Runs offline. Each delivery is signed in-process exactly as its provider signs it: MIEX and
//! Bitnob with their HMAC schemes (hookbridge-verify's test signers), CHIP with RSA (the throwaway
//! key in `crates/hookbridge-testkit/data/keys/`), BLAZE — which signs nothing — through a secret token in the callback
//! URL, and AbbeyCross — which documents no scheme — with a scheme configured for the example.

#![allow(clippy::print_stdout)]

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use hookbridge::abbeycross::{AbbeyCrossReceiver, AbbeyCrossSpec};
use hookbridge::adapters::StandardWebhooksBridge;
use hookbridge::adapters::normalize::Normalizer;
use hookbridge::bitnob::{BitnobReceiver, BitnobSpec};
use hookbridge::blaze::{BlazeReceiver, BlazeSpec};
use hookbridge::chip::{ChipReceiver, ChipSpec};
use hookbridge::core::reexports::http::{HeaderMap, HeaderName, HeaderValue, Uri};
use hookbridge::miex::{MiexReceiver, MiexSpec};
use hookbridge::verify::receive::Incoming;
use hookbridge::verify::sign::{HmacSigner, RsaSigner};
use hookbridge::verify::{
    HmacAlgorithm, HmacScheme, HmacSecret, HmacVerifier, KeyRing, SignatureEncoding, SignatureFormat, SignedContent,
    UrlToken, UrlTokenVerifier, unix_now,
};
use hookbridge::{ProviderId, Timestamp};

/// The throwaway RSA test key (never use it for anything real).
const CHIP_PRIVATE_KEY: &str = include_str!("../crates/hookbridge-testkit/data/keys/rsa2048-private.pem");

fn abbeycross_scheme() -> Result<HmacScheme, Box<dyn Error>> {
    // AbbeyCross documents no delivery scheme: this one is an assumption for the example.
    Ok(HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
        .format(SignatureFormat::Bare)
        .encoding(SignatureEncoding::Base64)
        .algorithm(HmacAlgorithm::Sha256)
        .signed_content(SignedContent::TimestampDotBody)
        .timestamp_header(HeaderName::from_static("x-abbeycross-timestamp"))
        .tolerance(Duration::from_secs(300))
        .build()?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let now = unix_now();
    let miex_secret = HmacSecret::from_str_bytes("miex secretKey from the register response")?;
    let bitnob_secret = HmacSecret::from_str_bytes("bitnob webhook signing secret")?;
    let abbeycross_secret = HmacSecret::from_str_bytes("abbeycross apiSecretKey")?;
    let blaze_token = UrlToken::generate()?;
    let chip_signer = RsaSigner::from_pem(hookbridge::chip::delivery_scheme(), CHIP_PRIVATE_KEY)?;

    // The receiving side: one receiver pipeline per provider.
    let blaze_verifier = UrlTokenVerifier::with_token(blaze_token.clone());
    let blaze_callback: Uri = blaze_verifier.callback_url("/hooks/blaze", &blaze_token).parse()?;
    let normalizer = Normalizer::new()
        .receiver(MiexReceiver::new(MiexSpec::with_secret(miex_secret.clone())))
        .receiver(BlazeReceiver::new(BlazeSpec::new(blaze_verifier)))
        .receiver(BitnobReceiver::new(BitnobSpec::new(KeyRing::single("2025-06", bitnob_secret.clone()))?))
        .receiver(AbbeyCrossReceiver::new(AbbeyCrossSpec::new(Arc::new(HmacVerifier::with_secret(
            abbeycross_scheme()?,
            abbeycross_secret.clone(),
        )))))
        .receiver(ChipReceiver::new(ChipSpec::with_key(chip_signer.public_key().clone())));

    // The sending side: what each provider would POST.
    let mut incoming: Vec<(ProviderId, Uri, Vec<u8>, HeaderMap)> = Vec::new();

    let body = br#"{"event":"order.created","data":{"id":"ord_8812","status":"new","amount":"150.00"}}"#.to_vec();
    let mut headers = HmacSigner::new(hookbridge::miex::delivery_scheme(), miex_secret).sign(&body, now, None)?;
    headers.insert("x-webhook-event", HeaderValue::from_static("order.created"));
    headers.insert("x-webhook-delivery", HeaderValue::from_static("1284"));
    incoming.push((hookbridge::miex::PROVIDER, "/hooks/miex".parse()?, body, headers));

    let body = br#"{"webHookType":"NEW_CONSUMER_ORDER","id":"co_551","shopId":"shop-42"}"#.to_vec();
    incoming.push((hookbridge::blaze::PROVIDER, blaze_callback, body, HeaderMap::new()));

    let body = br#"{"event":"transfer.success","event_id":"evt_77f1","data":{"id":"trf_01","amount":250000,"currency":"NGN"}}"#
        .to_vec();
    let mut headers = HmacSigner::new(hookbridge::bitnob::delivery_scheme(), bitnob_secret).sign(&body, now, None)?;
    headers.insert("x-bitnob-event", HeaderValue::from_static("transfer.success"));
    incoming.push((hookbridge::bitnob::PROVIDER, "/hooks/bitnob".parse()?, body, headers));

    let body = br#"{"event":"trade.settled","tradeId":"T-1001","amount":"10000.00","currency":"EUR"}"#.to_vec();
    let headers = HmacSigner::new(abbeycross_scheme()?, abbeycross_secret).sign(&body, now, None)?;
    incoming.push((hookbridge::abbeycross::PROVIDER, "/hooks/abbeycross".parse()?, body, headers));

    let body = br#"{"id":"d6c3f1a0-2b5e-4c8d-9f71-3e6a4b2c8d10","type":"purchase","event_type":"purchase.paid","status":"paid","created_on":1735689000,"updated_on":1735689540,"purchase":{"currency":"MYR","total":15000}}"#
        .to_vec();
    let headers = chip_signer.sign(&body)?;
    incoming.push((hookbridge::chip::PROVIDER, "/hooks/chip".parse()?, body, headers));

    // One door in, one shape out, one Standard Webhooks stream onward.
    let bridge = StandardWebhooksBridge::from_whsec("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
    let received_at = Timestamp::from_second(now)?;
    for (provider, uri, body, headers) in &incoming {
        let request = Incoming::post(uri.clone(), headers.clone(), body.clone());
        let (delivery, ticket) = normalizer.accept_at(provider.as_str(), request, now).await?.into_parts();
        println!("=== {provider}");
        println!("{}", serde_json::to_string_pretty(&delivery)?);
        let at = StandardWebhooksBridge::message_timestamp(&delivery, received_at);
        let message = bridge.to_message(&delivery, None, at)?;
        println!("bridged as webhook-id {} ({} bytes)\n", message.id, message.body.len());
        // Handled: the same delivery again is now a duplicate.
        ticket.complete().await?;
    }

    // The same MIEX delivery again, even under a fresh delivery id: a duplicate, not handled twice.
    let (provider, uri, body, headers) = &incoming[0];
    let mut resent = headers.clone();
    resent.insert("x-webhook-delivery", HeaderValue::from_static("9999"));
    let request = Incoming::post(uri.clone(), resent, body.clone());
    let err = normalizer.accept_at(provider.as_str(), request, now).await.err().ok_or("replay went unnoticed")?;
    println!("resent {provider} delivery acknowledged without handling ({}): {err}", err.http_status());

    // A tampered delivery is refused before anything is parsed.
    let mut tampered = body.clone();
    tampered[12] ^= 1;
    let request = Incoming::post(uri.clone(), headers.clone(), tampered);
    let err = normalizer.accept_at(provider.as_str(), request, now).await.err().ok_or("tampering went unnoticed")?;
    println!("tampered {provider} delivery refused ({}): {err}", err.http_status());
    Ok(())
}
