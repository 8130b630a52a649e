//! CHIP's receiving presets: how its deliveries are verified and received, for the provider
//! registry (the receiving half of [`DESCRIPTOR`](crate::DESCRIPTOR)).

use hookbridge_core::Delivery;
use hookbridge_verify::preset::{EndpointKey, KeyKind, Preset, PresetScheme, receiver};

use crate::ChipSpec;

/// CHIP's presets: `chip` (CHIP Collect: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-256 of the
/// body; the key is the webhook's `public_key`, or the company key of `GET /public_key/`) and
/// `chip-send` (CHIP Send callbacks: the same with SHA-512).
pub static PRESETS: &[Preset<Delivery>] = &[
    Preset::new(
        "chip",
        crate::PROVIDER.as_str(),
        "CHIP Collect: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-256 of the body",
        KeyKind::Rsa,
        PresetScheme::Rsa(crate::delivery_scheme),
        |verifier, settings| Ok(receiver(ChipSpec::with_verifier(verifier.into_rsa()?), settings)),
    )
    .endpoint_key(EndpointKey::Field("public_key")),
    Preset::new(
        "chip-send",
        crate::PROVIDER.as_str(),
        "CHIP Send: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-512 of the body",
        KeyKind::Rsa,
        PresetScheme::Rsa(crate::send_delivery_scheme),
        |verifier, settings| Ok(receiver(ChipSpec::with_verifier(verifier.into_rsa()?), settings)),
    ),
];
