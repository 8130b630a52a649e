//! BLAZE `PartnerWebHook` and `SearchResult` (both list envelopes) decoding and the
//! BLAZE ⇄ unified conversion: no panic; a webhook that converts converts back unchanged.

#![no_main]

use hookbridge_blaze::{PartnerWebHook, SearchResult};
use libfuzzer_sys::fuzz_target;

fn round_trip(webhook: &PartnerWebHook) {
    let _ = format!("{webhook:?}");
    let _ = serde_json::to_vec(webhook).expect("a decoded webhook serializes");
    // `Endpoint::try_from` refuses webhooks without an id; that is not a bug.
    if let Ok(endpoint) = hookbridge_core::Endpoint::try_from(webhook) {
        let back = PartnerWebHook::try_from(&endpoint)
            .unwrap_or_else(|e| panic!("unified endpoint from {webhook:?} does not convert back: {e}"));
        assert_eq!(&back, webhook, "round trip changed the webhook");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(webhook) = serde_json::from_slice::<PartnerWebHook>(data) {
        round_trip(&webhook);
    }
    if let Ok(page) = serde_json::from_slice::<SearchResult>(data) {
        let items = page.items().to_vec();
        assert_eq!(page.clone().into_items(), items, "items() and into_items() disagree");
        for webhook in &items {
            round_trip(webhook);
        }
        let _ = serde_json::to_vec(&page).expect("a decoded page serializes");
    }
});
