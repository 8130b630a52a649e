//! [`ProviderId`]: which platform a client, endpoint or delivery belongs to.
//!
//! The set of providers is open: core names none of them. Each provider crate declares its id
//! once (`pub const PROVIDER: ProviderId = ProviderId::new("miex");`), and the provider registry
//! (`hookbridge-adapters`) lists the ones an application was built with. Ids read at run time
//! (a `--provider` value, a stored delivery's JSON) are parsed with [`ProviderId::parse`].

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The longest provider id, in bytes.
pub const MAX_PROVIDER_ID_LEN: usize = 32;

/// How many distinct ids [`ProviderId::parse`] keeps (each is kept for the life of the process,
/// so ids parsed from untrusted input cannot grow memory without bound).
pub const MAX_PARSED_PROVIDER_IDS: usize = 256;

/// A provider's short, stable, lowercase identifier (`miex`, `chip`, `stripe`, …): 1–32 bytes of
/// `a`–`z`, `0`–`9` and `-`, starting with a letter. `Copy`, compared by its text; `Display` and
/// serde use the text.
///
/// ```
/// use hookbridge_core::ProviderId;
///
/// const ACME: ProviderId = ProviderId::new("acme");
/// assert_eq!(ACME.as_str(), "acme");
/// assert_eq!("acme".parse::<ProviderId>(), Ok(ACME));
/// assert!("Acme Pay".parse::<ProviderId>().is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderId(&'static str);

impl ProviderId {
    /// The id `id`, checked at compile time when used in a `const`.
    ///
    /// # Panics
    /// If `id` is not a valid provider id (in a `const` item, that is a compile error). Use
    /// [`ProviderId::parse`] for text from outside the program.
    #[must_use]
    pub const fn new(id: &'static str) -> Self {
        assert!(is_valid(id.as_bytes()), "a provider id is 1-32 bytes of a-z, 0-9 and '-', starting with a letter");
        Self(id)
    }

    /// Parses an id read at run time. Ids equal to one already known (declared or parsed before)
    /// are shared; at most [`MAX_PARSED_PROVIDER_IDS`] distinct new ids are kept per process.
    ///
    /// # Errors
    /// [`InvalidProviderId`] for text that is not a valid id, or when the limit is reached.
    pub fn parse(id: &str) -> Result<Self, InvalidProviderId> {
        if !is_valid(id.as_bytes()) {
            return Err(InvalidProviderId::Malformed(id.chars().take(MAX_PROVIDER_ID_LEN + 8).collect()));
        }
        static PARSED: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
        let mut parsed = PARSED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = parsed.get(id) {
            return Ok(Self(known));
        }
        if parsed.len() >= MAX_PARSED_PROVIDER_IDS {
            return Err(InvalidProviderId::TooMany);
        }
        let kept: &'static str = Box::leak(id.to_owned().into_boxed_str());
        parsed.insert(kept);
        Ok(Self(kept))
    }

    /// The id's text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

const fn is_valid(id: &[u8]) -> bool {
    if id.is_empty() || id.len() > MAX_PROVIDER_ID_LEN || !id[0].is_ascii_lowercase() {
        return false;
    }
    let mut i = 1;
    while i < id.len() {
        let b = id[i];
        if !(b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return false;
        }
        i += 1;
    }
    true
}

impl fmt::Debug for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ProviderId").field(&self.0).finish()
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl AsRef<str> for ProviderId {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl PartialEq<str> for ProviderId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ProviderId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

/// Text that is not a provider id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidProviderId {
    /// Not 1–32 bytes of `a`–`z`, `0`–`9` and `-` starting with a letter (the text, truncated).
    #[error("`{0}` is not a provider id (1-32 characters of a-z, 0-9 and '-', starting with a letter)")]
    Malformed(String),
    /// [`MAX_PARSED_PROVIDER_IDS`] distinct ids were already parsed by this process.
    #[error("too many distinct provider ids (at most {MAX_PARSED_PROVIDER_IDS} per process)")]
    TooMany,
}

impl FromStr for ProviderId {
    type Err = InvalidProviderId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for ProviderId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for ProviderId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        for good in ["a", "miex", "abbeycross", "stripe-connect", "x9", "abcdefghijklmnopqrstuvwxyz012345"] {
            assert_eq!(ProviderId::parse(good).map(ProviderId::as_str), Ok(good), "{good}");
        }
        for bad in ["", "Miex", "9x", "-x", "a b", "a_b", "ä", "abcdefghijklmnopqrstuvwxyz0123456"] {
            assert!(matches!(ProviderId::parse(bad), Err(InvalidProviderId::Malformed(_))), "{bad:?}");
        }
    }

    #[test]
    fn parsed_ids_equal_declared_ones_and_round_trip_through_serde() {
        const CHIP: ProviderId = ProviderId::new("chip");
        assert_eq!(ProviderId::parse("chip"), Ok(CHIP));
        assert_eq!(CHIP.to_string(), "chip");
        let json = serde_json::to_string(&CHIP).unwrap_or_default();
        assert_eq!(json, "\"chip\"");
        assert_eq!(serde_json::from_str::<ProviderId>(&json).ok(), Some(CHIP));
        assert!(serde_json::from_str::<ProviderId>("\"CHIP\"").is_err());
        assert_eq!(format!("{CHIP:?}"), "ProviderId(\"chip\")");
    }
}
