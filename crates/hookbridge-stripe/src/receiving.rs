//! Stripe's receiving preset: how its deliveries are verified and received, for the provider
//! registry (the receiving half of [`DESCRIPTOR`](crate::DESCRIPTOR)).

use hookbridge_core::Delivery;
use hookbridge_verify::HmacScheme;
use hookbridge_verify::preset::{EndpointKey, Preset, PresetScheme};

use crate::StripeParser;

/// Stripe's presets: `stripe` (`Stripe-Signature: t=<ts>,v1=<hex>`; the key is the endpoint's
/// `whsec_…` secret, used as text, returned only when the endpoint is created).
pub static PRESETS: &[Preset<Delivery>] = &[Preset::verified::<StripeParser>(
    "stripe",
    "Stripe: `Stripe-Signature: t=<ts>,v1=<hex HMAC-SHA256(secret, ts.body)>`",
    PresetScheme::Hmac(HmacScheme::stripe),
)
.endpoint_key(EndpointKey::Secret)];
