//! MIEX `POST /partner/webhooks` response decoding and the MIEX ⇄ unified conversion:
//! no panic, and provider → unified → provider keeps everything `Serialize` writes plus the
//! secret.

#![no_main]

use hookbridge_core::Endpoint;
use hookbridge_miex::{MiexEvent, MiexWebhook};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(webhook) = serde_json::from_slice::<MiexWebhook>(data) {
        let _ = format!("{webhook:?}");
        let written = serde_json::to_value(&webhook).expect("a decoded webhook serializes");
        let endpoint = Endpoint::from(webhook.clone());
        let _ = format!("{endpoint:?}");
        let back = MiexWebhook::try_from(&endpoint)
            .unwrap_or_else(|e| panic!("unified endpoint from {webhook:?} does not convert back: {e}"));
        assert_eq!(serde_json::to_value(&back).expect("serializes"), written, "round trip changed the webhook");
        assert_eq!(
            back.secret_key.as_ref().map(|s| s.expose().to_owned()),
            webhook.secret_key.as_ref().map(|s| s.expose().to_owned()),
            "round trip changed the secret"
        );
    }
    if let Ok(events) = serde_json::from_slice::<Vec<MiexEvent>>(data) {
        for event in events {
            // Unknown names round-trip exactly.
            assert_eq!(event.as_str().parse::<MiexEvent>().ok().as_ref(), Some(&event));
        }
    }
});
