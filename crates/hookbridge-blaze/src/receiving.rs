//! BLAZE's receiving preset: how its deliveries are authenticated and received, for the provider
//! registry (the receiving half of [`DESCRIPTOR`](crate::DESCRIPTOR)).

use hookbridge_core::Delivery;
use hookbridge_verify::DEFAULT_TOKEN_PARAM;
use hookbridge_verify::preset::{EndpointKey, Preset, PresetScheme};

use crate::BlazeParser;

/// BLAZE's presets: `blaze` — BLAZE signs nothing, so the callback URL carries a secret token
/// (query parameter `hb_token`) that the receiver checks in constant time.
pub static PRESETS: &[Preset<Delivery>] = &[Preset::verified::<BlazeParser>(
    "blaze",
    "BLAZE (signs nothing): a secret token in the callback URL's `hb_token` parameter",
    PresetScheme::UrlToken { param: DEFAULT_TOKEN_PARAM },
)
.endpoint_key(EndpointKey::CallbackUrlToken)];
