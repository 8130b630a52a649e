//! CHIP responses: webhook, list page (+ its `next` URL), `public_key/` (a JSON string holding
//! a PEM, parsed on with hookbridge-verify as a receiver would), error bodies and the error
//! decoder; plus the CHIP ⇄ unified conversion: no panic, lossless round trip.

#![no_main]

use hookbridge_chip::{ChipError, ChipWebhook, PublicKeyPem, WebhookPage};
use hookbridge_core::Endpoint;
use hookbridge_verify::RsaPublicKey;
use http::StatusCode;
use libfuzzer_sys::fuzz_target;

fn round_trip(webhook: &ChipWebhook) {
    let _ = serde_json::to_vec(webhook).expect("a decoded webhook serializes");
    let _ = webhook.to_request();
    let endpoint = Endpoint::from(webhook);
    let back = ChipWebhook::try_from(&endpoint)
        .unwrap_or_else(|e| panic!("unified endpoint from {webhook:?} does not convert back: {e}"));
    assert_eq!(&back, webhook, "round trip changed the webhook");
}

fuzz_target!(|data: &[u8]| {
    if let Ok(webhook) = serde_json::from_slice::<ChipWebhook>(data) {
        round_trip(&webhook);
    }
    if let Ok(page) = serde_json::from_slice::<WebhookPage>(data) {
        let _ = page.next_url();
        page.results.iter().for_each(round_trip);
    }
    if let Ok(pem) = serde_json::from_slice::<String>(data)
        && let Ok(pem) = PublicKeyPem::new(pem)
    {
        let _ = RsaPublicKey::from_pem(pem.as_str());
    }
    if let Ok(pem) = serde_json::from_slice::<PublicKeyPem>(data) {
        let _ = RsaPublicKey::from_pem(pem.as_str());
    }
    if let Some(error) = ChipError::from_slice(data) {
        let _ = error.first_message();
        let _ = error.non_field_errors();
        let _ = format!("{error:?}");
    }
    for status in [StatusCode::BAD_REQUEST, StatusCode::UNAUTHORIZED, StatusCode::NOT_FOUND] {
        let _ = format!("{:?}", hookbridge_chip::error::decode_error(status, data));
    }
});
