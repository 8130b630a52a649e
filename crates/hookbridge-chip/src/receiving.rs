//! CHIP's receiving presets: how its deliveries are verified and received, for the provider
//! registry (the receiving half of [`DESCRIPTOR`](crate::DESCRIPTOR)).

use hookbridge_core::Delivery;
use hookbridge_verify::preset::{EndpointKey, Preset, PresetScheme};

use crate::ChipParser;

/// CHIP's presets: `chip` (CHIP Collect: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-256 of the
/// body; the key is the webhook's `public_key`, or the company key of `GET /public_key/`) and
/// `chip-send` (CHIP Send callbacks: the same with SHA-512).
pub static PRESETS: &[Preset<Delivery>] = &[
    Preset::verified::<ChipParser>(
        "chip",
        "CHIP Collect: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-256 of the body",
        PresetScheme::Rsa(crate::delivery_scheme),
    )
    .endpoint_key(EndpointKey::Field("public_key")),
    Preset::verified::<ChipParser>(
        "chip-send",
        "CHIP Send: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-512 of the body",
        PresetScheme::Rsa(crate::send_delivery_scheme),
    ),
];
