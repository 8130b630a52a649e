//! AbbeyCross's receiving preset — over an **assumed** scheme: AbbeyCross documents no delivery
//! signing scheme (its webhook documentation describes registration only; see
//! `docs/providers/abbeycross.md`). The registry offers it for demos and tests against the
//! testkit's simulator, marked as assumed; confirm AbbeyCross's real scheme and build an
//! [`AbbeyCrossSpec`](crate::AbbeyCrossSpec) with it before relying on it in production.

use hookbridge_core::Delivery;
use hookbridge_core::reexports::http::HeaderName;
use hookbridge_verify::HmacScheme;
use hookbridge_verify::preset::{EndpointKey, Preset, PresetScheme};

use crate::AbbeyCrossParser;

/// The header of [`assumed_delivery_scheme`] — a deliberately hypothetical name.
pub const ASSUMED_SIGNATURE_HEADER: HeaderName = HeaderName::from_static("x-hookbridge-assumed-signature");

/// The **assumed** delivery scheme (AbbeyCross documents none; not AbbeyCross behaviour):
/// `X-Hookbridge-Assumed-Signature: sha256=<hex HMAC-SHA256(apiSecretKey, raw body)>` — the
/// scheme the testkit's AbbeyCross simulator signs with.
#[must_use]
pub fn assumed_delivery_scheme() -> HmacScheme {
    HmacScheme::hex_of_body(ASSUMED_SIGNATURE_HEADER, Some("sha256="))
}

/// AbbeyCross's presets: `abbeycross-assumed` (also accepted as `abbeycross`), marked as
/// assumed; the key is the `apiSecretKey` sent when registering.
pub static PRESETS: &[Preset<Delivery>] = &[Preset::verified::<AbbeyCrossParser>(
    "abbeycross-assumed",
    "AbbeyCross with an ASSUMED scheme (AbbeyCross documents none): \
     `X-Hookbridge-Assumed-Signature: sha256=<hex HMAC-SHA256(apiSecretKey, body)>`",
    PresetScheme::Hmac(assumed_delivery_scheme),
)
.aliases(&["abbeycross"])
.assumed()
.endpoint_key(EndpointKey::Secret)];
