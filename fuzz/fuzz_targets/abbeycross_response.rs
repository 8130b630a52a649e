//! AbbeyCross register response and error body decoding, the error decoder installed on the
//! transport, and the AbbeyCross ⇄ unified conversion: no panic; a registration converts to
//! unified and back unchanged.

#![no_main]

use std::sync::OnceLock;

use hookbridge_abbeycross::{
    AbbeyCrossError, RegisterWebhook, RegisterWebhookResponse, RegisteredWebhook, decode_error,
};
use hookbridge_core::{Endpoint, EventType};
use http::StatusCode;
use libfuzzer_sys::fuzz_target;

fn request() -> &'static RegisterWebhook {
    static CELL: OnceLock<RegisterWebhook> = OnceLock::new();
    CELL.get_or_init(|| {
        let url = hookbridge_core::DeliveryUrl::new("https://app.example/hooks/abbeycross").expect("valid URL");
        RegisterWebhook::new(url, [EventType::new("payment.completed"), EventType::new("payment.failed")])
    })
}

fuzz_target!(|data: &[u8]| {
    if let Ok(response) = serde_json::from_slice::<RegisterWebhookResponse>(data) {
        let _ = format!("{response:?}");
        let _ = serde_json::to_vec(&response).expect("a decoded response serializes");
        let registered = RegisteredWebhook::new(request(), response);
        let written = serde_json::to_value(&registered).expect("serializes");
        let endpoint = Endpoint::from(registered.clone());
        let back = RegisteredWebhook::try_from(&endpoint)
            .unwrap_or_else(|e| panic!("unified endpoint from {registered:?} does not convert back: {e}"));
        assert_eq!(serde_json::to_value(&back).expect("serializes"), written, "round trip changed the registration");
        assert_eq!(
            back.api_secret_key.as_ref().map(|s| s.expose().to_owned()),
            registered.api_secret_key.as_ref().map(|s| s.expose().to_owned()),
            "round trip changed the secret"
        );
    }
    if let Ok(error) = serde_json::from_slice::<AbbeyCrossError>(data) {
        let _ = error.to_string();
        let _ = error.is_empty();
    }
    for status in [StatusCode::BAD_REQUEST, StatusCode::UNAUTHORIZED, StatusCode::SERVICE_UNAVAILABLE] {
        let decoded = decode_error(status, data);
        let _ = format!("{decoded:?}");
    }
});
