//! MIEX's receiving preset: how its deliveries are verified and received, for the provider
//! registry (the receiving half of [`DESCRIPTOR`](crate::DESCRIPTOR)).

use hookbridge_core::Delivery;
use hookbridge_verify::preset::{EndpointKey, KeyKind, Preset, PresetScheme, receiver};

use crate::MiexSpec;

/// MIEX's presets: `miex` (`X-Webhook-Signature: sha256=<hex HMAC-SHA256(secretKey, body)>`;
/// the key is the `secretKey` revealed when the webhook is registered).
pub static PRESETS: &[Preset<Delivery>] = &[Preset::new(
    "miex",
    crate::PROVIDER.as_str(),
    "MIEX: `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secretKey, body)>`",
    KeyKind::HmacText,
    PresetScheme::Hmac(crate::delivery_scheme),
    |verifier, settings| Ok(receiver(MiexSpec::with_verifier(verifier.into_hmac()?), settings)),
)
.endpoint_key(EndpointKey::Secret)];
