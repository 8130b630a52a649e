//! MIEX's receiving preset: how its deliveries are verified and received, for the provider
//! registry (the receiving half of [`DESCRIPTOR`](crate::DESCRIPTOR)).

use hookbridge_core::Delivery;
use hookbridge_verify::preset::{EndpointKey, Preset, PresetScheme};

use crate::MiexParser;

/// MIEX's presets: `miex` (`X-Webhook-Signature: sha256=<hex HMAC-SHA256(secretKey, body)>`;
/// the key is the `secretKey` revealed when the webhook is registered).
pub static PRESETS: &[Preset<Delivery>] = &[Preset::verified::<MiexParser>(
    "miex",
    "MIEX: `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secretKey, body)>`",
    PresetScheme::Hmac(crate::delivery_scheme),
)
.endpoint_key(EndpointKey::Secret)];
