//! [`ProviderId`]: which platform a client, endpoint or delivery belongs to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The providers hookbridge models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ProviderId {
    /// MIEX currency-exchange partner API (camelCase dialect).
    Miex,
    /// BLAZE retail-POS partner API (shop-scoped `webHooks` dialect).
    Blaze,
    /// Bitnob wallet infrastructure (snake_case, cursor-paged dialect).
    Bitnob,
    /// AbbeyCross FX API (register-with-`apiSecretKey` dialect).
    #[serde(rename = "abbeycross")]
    AbbeyCross,
    /// CHIP Collect payment gateway (RSA public-key callbacks dialect).
    Chip,
}

impl ProviderId {
    /// Every provider, in a stable order (a slice: adding a provider changes no type).
    pub const ALL: &'static [ProviderId] =
        &[ProviderId::Miex, ProviderId::Blaze, ProviderId::Bitnob, ProviderId::AbbeyCross, ProviderId::Chip];

    /// The short lowercase identifier (`miex`, `blaze`, `bitnob`, `abbeycross`, `chip`).
    pub const fn as_str(self) -> &'static str {
        match self {
            ProviderId::Miex => "miex",
            ProviderId::Blaze => "blaze",
            ProviderId::Bitnob => "bitnob",
            ProviderId::AbbeyCross => "abbeycross",
            ProviderId::Chip => "chip",
        }
    }

    /// The provider's display name.
    pub const fn display_name(self) -> &'static str {
        match self {
            ProviderId::Miex => "MIEX",
            ProviderId::Blaze => "BLAZE",
            ProviderId::Bitnob => "Bitnob",
            ProviderId::AbbeyCross => "AbbeyCross",
            ProviderId::Chip => "CHIP Collect",
        }
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// Error returned when parsing an unknown provider name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider `{0}` (expected one of miex, blaze, bitnob, abbeycross, chip)")]
pub struct UnknownProvider(pub String);

impl FromStr for ProviderId {
    type Err = UnknownProvider;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProviderId::ALL
            .iter()
            .copied()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownProvider(s.to_owned()))
    }
}
