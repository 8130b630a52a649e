//! CHIP delivery bodies (Purchase `success_callback`s and webhook deliveries: Purchase,
//! Payment, other objects): decoding must not panic, and a decoded delivery serializes.

#![no_main]

use hookbridge_chip::{ChipDelivery, DeliveryObject};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(delivery) = ChipDelivery::from_slice(data) {
        let _ = format!("{delivery:?}");
        let _ = delivery.event_type.as_str();
        match &delivery.object {
            DeliveryObject::Purchase(p) => {
                assert!(delivery.purchase().is_some());
                let _ = serde_json::to_vec(p).expect("a decoded purchase serializes");
            }
            DeliveryObject::Payment(p) => {
                assert!(delivery.payment().is_some());
                let _ = serde_json::to_vec(p).expect("a decoded payment serializes");
            }
            _ => {}
        }
    }
});
