//! [`Secret`]: API keys and signing secrets that never print.

use std::fmt;

use serde::{Deserialize, Deserializer};
use zeroize::Zeroize;

/// A credential or signing secret: an API key, a webhook signing secret, a token.
///
/// * `Debug` and `Display` print `[REDACTED]`, never the value;
/// * the value is only reachable through [`Secret::expose`], so every use is visible in review;
/// * the memory holding it is zeroed when the `Secret` is dropped.
///
/// `Secret` deserializes from a JSON string (providers return signing secrets in responses) but
/// deliberately does not implement `Serialize`: writing a secret out must be an explicit act.
///
/// ```
/// use hookbridge_core::Secret;
///
/// let key = Secret::new("sk_personal_0123456789abcdef0123456789abcdef");
/// assert_eq!(format!("{key:?}"), "Secret([REDACTED])");
/// assert_eq!(key.to_string(), "[REDACTED]");
/// assert!(key.expose().starts_with("sk_personal_"));
/// ```
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the secret value. Call it only where the value is actually needed.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length of the secret in bytes (safe to log: it reveals no content).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Compares with another secret in time independent of where they differ.
    pub fn ct_eq(&self, other: &Secret) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_value() {
        let s = Secret::new("hunter2-very-secret");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{s}").contains("hunter2"));
        assert!(!format!("{s:#?}").contains("hunter2"));
    }

    #[test]
    fn ct_eq_compares_content() {
        assert!(Secret::new("abc").ct_eq(&Secret::new("abc")));
        assert!(!Secret::new("abc").ct_eq(&Secret::new("abd")));
        assert!(!Secret::new("abc").ct_eq(&Secret::new("abcd")));
    }

    #[test]
    fn deserializes_from_json_string() {
        let s: Secret = serde_json::from_str("\"whsec_x\"").unwrap_or_default();
        assert_eq!(s.expose(), "whsec_x");
        assert!(serde_json::from_str::<Secret>("12").is_err());
    }
}
