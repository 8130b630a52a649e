//! [`ReplayKey`]: the identity of a delivery, derived from signed data only.

use std::fmt;

use sha2::{Digest as _, Sha256};

use crate::Verified;

/// Longest replay key accepted, in bytes.
pub const MAX_REPLAY_KEY_LEN: usize = 512;

/// Why a replay key could not be built: the delivery is authentic but carries an id that
/// cannot serve as a key (answered 400, never 503: retrying will not help).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayKeyError {
    /// The id the key is built from is empty.
    #[error("the delivery's id is empty")]
    Empty,
    /// The key would be longer than [`MAX_REPLAY_KEY_LEN`].
    #[error("the delivery's id makes a {len}-byte replay key, over the {max}-byte limit")]
    TooLong {
        /// Length the key would have.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The id holds characters outside visible ASCII.
    #[error("the delivery's id holds characters outside visible ASCII")]
    NotVisibleAscii,
}

/// The identity of one delivery, shared by every instance that receives it: two deliveries
/// with the same key are the same delivery (a provider retry, or a replay).
///
/// A key is always `<provider>:<kind>:<value>`, built from data the signature covers:
///
/// * [`signed_id`](Self::signed_id) — an id the provider signs (Standard Webhooks
///   `webhook-id`, an `event_id` in a signed body);
/// * [`signed_digest`](Self::signed_digest) — the hex SHA-256 of the signed bytes (the signed
///   timestamp, when the scheme has one, and the raw body), for schemes that sign no id;
/// * [`from_verified`](Self::from_verified) — the first when the verifier read a signed id,
///   else the second.
///
/// An unsigned header (MIEX `X-Webhook-Delivery`, GitHub `X-GitHub-Delivery`) never decides
/// identity: whoever replays a captured delivery can change it.
///
/// ```
/// use hookbridge_verify::receive::ReplayKey;
///
/// let key = ReplayKey::signed_id("bitnob", "event", "evt_7f3a")?;
/// assert_eq!(key.as_str(), "bitnob:event:evt_7f3a");
/// let digest = ReplayKey::signed_digest("miex", None, br#"{"event":"order.created"}"#);
/// assert!(digest.as_str().starts_with("miex:sha256:"));
/// # Ok::<(), hookbridge_verify::receive::ReplayKeyError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReplayKey(Box<str>);

impl ReplayKey {
    /// `<provider>:<kind>:<id>` for an id covered by the signature.
    ///
    /// # Errors
    /// [`ReplayKeyError`] when `id` is empty, not visible ASCII, or makes the key longer than
    /// [`MAX_REPLAY_KEY_LEN`].
    pub fn signed_id(provider: &str, kind: &str, id: &str) -> Result<Self, ReplayKeyError> {
        if id.is_empty() {
            return Err(ReplayKeyError::Empty);
        }
        if !id.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ReplayKeyError::NotVisibleAscii);
        }
        let len = provider.len() + kind.len() + id.len() + 2;
        if len > MAX_REPLAY_KEY_LEN {
            return Err(ReplayKeyError::TooLong { len, max: MAX_REPLAY_KEY_LEN });
        }
        let mut key = String::with_capacity(len);
        key.push_str(provider);
        key.push(':');
        key.push_str(kind);
        key.push(':');
        key.push_str(id);
        Ok(Self(key.into_boxed_str()))
    }

    /// `<provider>:sha256:<hex SHA-256 of the signed bytes>`: the signed timestamp (as the
    /// decimal text of the unix seconds, then `.`) when there is one, then the raw body.
    /// Byte-identical deliveries get the same key; a delivery re-signed with another timestamp
    /// gets another one.
    #[must_use]
    pub fn signed_digest(provider: &str, signed_timestamp: Option<i64>, body: &[u8]) -> Self {
        let mut hasher = Sha256::new();
        if let Some(ts) = signed_timestamp {
            hasher.update(ts.to_string().as_bytes());
            hasher.update(b".");
        }
        hasher.update(body);
        let digest = hasher.finalize();
        let mut key = String::with_capacity(provider.len() + 8 + 64);
        key.push_str(provider);
        key.push_str(":sha256:");
        // Hex into a stack buffer (one allocation per key: the key itself); the allocating
        // encoder only if that ever failed.
        let mut buf = [0u8; 64];
        match hex::encode_to_slice(digest, &mut buf).ok().and_then(|()| std::str::from_utf8(&buf).ok()) {
            Some(text) => key.push_str(text),
            None => key.push_str(&hex::encode(digest)),
        }
        Self(key.into_boxed_str())
    }

    /// The signed id read by the verifier ([`Verified::id`] when [`Verified::id_is_signed`]),
    /// as `<provider>:id:<id>`; otherwise [`signed_digest`](Self::signed_digest) over the
    /// signed timestamp and the body.
    ///
    /// # Errors
    /// [`ReplayKeyError`] when the signed id cannot be a key.
    pub fn from_verified(provider: &str, verified: &Verified, body: &[u8]) -> Result<Self, ReplayKeyError> {
        match verified.id() {
            Some(id) if verified.id_is_signed() => Self::signed_id(provider, "id", id),
            _ => Ok(Self::signed_digest(provider, verified.timestamp(), body)),
        }
    }

    /// The key as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReplayKey").field(&&*self.0).finish()
    }
}

impl fmt::Display for ReplayKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ReplayKey {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_validated() {
        assert_eq!(ReplayKey::signed_id("p", "id", ""), Err(ReplayKeyError::Empty));
        assert_eq!(ReplayKey::signed_id("p", "id", "a b"), Err(ReplayKeyError::NotVisibleAscii));
        assert_eq!(ReplayKey::signed_id("p", "id", "é"), Err(ReplayKeyError::NotVisibleAscii));
        let long = "x".repeat(MAX_REPLAY_KEY_LEN);
        assert!(matches!(ReplayKey::signed_id("p", "id", &long), Err(ReplayKeyError::TooLong { .. })));
        assert_eq!(ReplayKey::signed_id("p", "id", "a").map(|k| k.to_string()), Ok("p:id:a".to_owned()));
    }

    #[test]
    fn digests_cover_the_timestamp() {
        let a = ReplayKey::signed_digest("p", Some(1), b"body");
        let b = ReplayKey::signed_digest("p", Some(2), b"body");
        let c = ReplayKey::signed_digest("p", None, b"body");
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, ReplayKey::signed_digest("p", Some(1), b"body"));
        assert_eq!(c.as_str().len(), "p:sha256:".len() + 64);
    }
}
