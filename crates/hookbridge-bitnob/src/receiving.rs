//! Bitnob's receiving presets: how its deliveries are verified and received, for the provider
//! registry (the receiving half of [`DESCRIPTOR`](crate::DESCRIPTOR)).

use hookbridge_core::Delivery;
use hookbridge_verify::preset::{EndpointKey, Preset, PresetScheme};

use crate::BitnobParser;

/// Bitnob's presets: `bitnob` (the documented timestamped scheme; the key is the webhook's
/// `signing_secret`, revealed at creation and rotation) and `bitnob-legacy` (HMAC-SHA512 of the
/// body, keyed with the account's secret key).
pub static PRESETS: &[Preset<Delivery>] = &[
    Preset::verified::<BitnobParser>(
        "bitnob",
        "Bitnob: `X-Bitnob-Signature` = hex HMAC-SHA256 of `timestamp.body`, `X-Bitnob-Timestamp`",
        PresetScheme::Hmac(crate::delivery_scheme),
    )
    .endpoint_key(EndpointKey::Secret),
    Preset::verified::<BitnobParser>(
        "bitnob-legacy",
        "Bitnob legacy: `x-bitnob-signature` = hex HMAC-SHA512 of the body",
        PresetScheme::Hmac(crate::legacy_delivery_scheme),
    ),
];
