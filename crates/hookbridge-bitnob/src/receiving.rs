//! Bitnob's receiving presets: how its deliveries are verified and received, for the provider
//! registry (the receiving half of [`DESCRIPTOR`](crate::DESCRIPTOR)).

use hookbridge_core::Delivery;
use hookbridge_verify::preset::{EndpointKey, KeyKind, Preset, PresetScheme, receiver};

use crate::BitnobSpec;

/// Bitnob's presets: `bitnob` (the documented timestamped scheme; the key is the webhook's
/// `signing_secret`, revealed at creation and rotation) and `bitnob-legacy` (HMAC-SHA512 of the
/// body, keyed with the account's secret key).
pub static PRESETS: &[Preset<Delivery>] = &[
    Preset::new(
        "bitnob",
        crate::PROVIDER.as_str(),
        "Bitnob: `X-Bitnob-Signature` = hex HMAC-SHA256 of `timestamp.body`, `X-Bitnob-Timestamp`",
        KeyKind::HmacText,
        PresetScheme::Hmac(crate::delivery_scheme),
        |verifier, settings| Ok(receiver(BitnobSpec::with_verifier(verifier.into_hmac()?), settings)),
    )
    .endpoint_key(EndpointKey::Secret),
    Preset::new(
        "bitnob-legacy",
        crate::PROVIDER.as_str(),
        "Bitnob legacy: `x-bitnob-signature` = hex HMAC-SHA512 of the body",
        KeyKind::HmacText,
        PresetScheme::Hmac(crate::legacy_delivery_scheme),
        |verifier, settings| Ok(receiver(BitnobSpec::with_verifier(verifier.into_hmac()?), settings)),
    ),
];
