//! [`PublicKeyPem`]: the company-wide public key of `GET public_key/`.

use std::fmt;

use hookbridge_core::InvalidInput;
use serde::{Deserialize, Serialize};

/// The company-wide public key from `GET public_key/`: a PEM (`-----BEGIN PUBLIC KEY----- ...`).
///
/// It verifies Purchase `success_callback` deliveries; webhook deliveries use the webhook's own
/// [`ChipWebhook::public_key`](crate::ChipWebhook::public_key). Built only through
/// [`PublicKeyPem::new`], which checks the PEM armour (not the key material: parse it with an RSA
/// library to use it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PublicKeyPem(String);

impl PublicKeyPem {
    /// Checks that `pem` is PEM-armoured key text (`-----BEGIN ...KEY-----` ... `-----END ...KEY-----`).
    pub fn new(pem: impl Into<String>) -> Result<Self, InvalidInput> {
        let pem = pem.into();
        if !looks_like_pem_key(&pem) {
            return Err(InvalidInput::new(
                "public_key",
                "expected a PEM key (`-----BEGIN ... KEY-----` ... `-----END ... KEY-----`)",
            ));
        }
        Ok(Self(pem))
    }

    /// The PEM text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PEM text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

fn looks_like_pem_key(pem: &str) -> bool {
    let text = pem.trim();
    let Some(rest) = text.strip_prefix("-----BEGIN ") else { return false };
    let Some((label, body)) = rest.split_once("-----") else { return false };
    if !label.ends_with("KEY") {
        return false;
    }
    let end = format!("-----END {label}-----");
    match body.strip_suffix(end.as_str()) {
        Some(inner) => !inner.trim().is_empty(),
        None => false,
    }
}

impl TryFrom<String> for PublicKeyPem {
    type Error = InvalidInput;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<PublicKeyPem> for String {
    fn from(value: PublicKeyPem) -> Self {
        value.0
    }
}

impl fmt::Display for PublicKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PublicKeyPem {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
