//! Types shared by every verifier: key ids, key rings, the success value and the
//! object-safe [`Verifier`] trait.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use http::{HeaderMap, Uri};

use crate::{KeyError, VerifyError};

/// The name of one key in a [`KeyRing`], reported back in [`Verified`] so the application
/// knows which secret or public key matched (for example `"2024-06"` and `"2025-01"` while
/// a secret is being rotated).
///
/// Cloning is cheap (a reference-count increment), so a successful verification does not
/// copy the string.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(Arc<str>);

impl KeyId {
    /// Creates a key id.
    pub fn new(id: impl Into<Arc<str>>) -> Self {
        Self(id.into())
    }

    /// The id as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("KeyId").field(&&*self.0).finish()
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for KeyId {
    fn from(id: &str) -> Self {
        Self(id.into())
    }
}

impl From<String> for KeyId {
    fn from(id: String) -> Self {
        Self(id.into())
    }
}

impl AsRef<str> for KeyId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The key id used by single-key constructors such as
/// [`HmacVerifier::with_secret`](crate::HmacVerifier::with_secret).
pub const DEFAULT_KEY_ID: &str = "default";

/// Several keys at once, each with a [`KeyId`]: the way to rotate a secret or a public key
/// without dropping deliveries. Every signature in a request is tried against every key.
///
/// `K` is [`HmacSecret`](crate::HmacSecret), [`RsaPublicKey`](crate::RsaPublicKey) or
/// [`UrlToken`](crate::UrlToken). Verifiers refuse an empty ring and duplicate ids when
/// they are constructed.
///
/// ```
/// use hookbridge_verify::{HmacSecret, KeyRing};
///
/// # fn main() -> Result<(), hookbridge_verify::KeyError> {
/// let ring = KeyRing::new()
///     .with("2024-old", HmacSecret::from_str_bytes("previous secret")?)
///     .with("2025-new", HmacSecret::from_str_bytes("current secret")?);
/// assert_eq!(ring.len(), 2);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct KeyRing<K> {
    entries: Vec<(KeyId, K)>,
}

impl<K> KeyRing<K> {
    /// An empty ring (add keys with [`with`](Self::with) or [`push`](Self::push)).
    #[must_use]
    pub fn new() -> Self {
        Self { entries: Vec::new() }
    }

    /// A ring holding one key.
    pub fn single(id: impl Into<KeyId>, key: K) -> Self {
        Self { entries: vec![(id.into(), key)] }
    }

    /// Adds a key, builder style.
    #[must_use]
    pub fn with(mut self, id: impl Into<KeyId>, key: K) -> Self {
        self.push(id, key);
        self
    }

    /// Adds a key.
    pub fn push(&mut self, id: impl Into<KeyId>, key: K) {
        self.entries.push((id.into(), key));
    }

    /// Number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the ring holds no key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The key ids, in insertion order.
    pub fn ids(&self) -> impl Iterator<Item = &KeyId> {
        self.entries.iter().map(|(id, _)| id)
    }

    /// Checks the ring is non-empty and its ids are unique, and hands out the entries.
    pub(crate) fn into_checked_entries(self) -> Result<Vec<(KeyId, K)>, KeyError> {
        if self.entries.is_empty() {
            return Err(KeyError::EmptyKeyRing);
        }
        for (i, (id, _)) in self.entries.iter().enumerate() {
            if self.entries.iter().skip(i + 1).any(|(other, _)| other == id) {
                return Err(KeyError::DuplicateKeyId { id: id.clone() });
            }
        }
        Ok(self.entries)
    }
}

impl<K> Default for KeyRing<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: fmt::Debug> fmt::Debug for KeyRing<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter().map(|(id, k)| (id, k))).finish()
    }
}

impl<I: Into<KeyId>, K> FromIterator<(I, K)> for KeyRing<K> {
    fn from_iter<T: IntoIterator<Item = (I, K)>>(iter: T) -> Self {
        Self { entries: iter.into_iter().map(|(id, k)| (id.into(), k)).collect() }
    }
}

impl<I: Into<KeyId>, K> Extend<(I, K)> for KeyRing<K> {
    fn extend<T: IntoIterator<Item = (I, K)>>(&mut self, iter: T) {
        self.entries.extend(iter.into_iter().map(|(id, k)| (id.into(), k)));
    }
}

/// What a successful verification established.
///
/// Only ever produced after a signature (or URL token) check succeeded.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    key_id: KeyId,
    timestamp: Option<i64>,
    id: Option<String>,
    id_signed: bool,
}

impl Verified {
    pub(crate) fn new(key_id: KeyId, timestamp: Option<i64>, id: Option<&str>, id_signed: bool) -> Self {
        Self { key_id, timestamp, id: id.map(str::to_owned), id_signed: id_signed && id.is_some() }
    }

    /// Which key of the ring matched.
    #[must_use]
    pub fn key_id(&self) -> &KeyId {
        &self.key_id
    }

    /// The signed delivery timestamp (unix seconds), for schemes that sign one.
    #[must_use]
    pub fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    /// The delivery / message id read from the scheme's id header, if it has one and the
    /// request carried it. A replay key uses it only when it is signed
    /// ([`ReplayKey::from_verified`](crate::receive::ReplayKey::from_verified)).
    ///
    /// See [`id_is_signed`](Self::id_is_signed): an id that is not covered by the signature
    /// (MIEX's `X-Webhook-Delivery`, GitHub's `X-GitHub-Delivery`) deduplicates honest
    /// retries, but an attacker replaying a captured delivery can change it.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// Whether [`id`](Self::id) is covered by the signature (Standard Webhooks' `webhook-id`).
    #[must_use]
    pub fn id_is_signed(&self) -> bool {
        self.id_signed
    }
}

/// Current time as unix seconds from the system clock (negative before 1970, saturating).
#[must_use]
pub fn unix_now() -> i64 {
    unix_seconds(SystemTime::now())
}

/// Converts a [`SystemTime`] to unix seconds (negative before 1970, saturating), for
/// [`Verifier::verify_at`].
#[must_use]
pub fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// Anything that can check an incoming delivery: [`HmacVerifier`](crate::HmacVerifier),
/// [`RsaVerifier`](crate::RsaVerifier), [`UrlTokenVerifier`](crate::UrlTokenVerifier), or an
/// application's own. Object safe, so a receiver can hold `Box<dyn Verifier>` per route.
///
/// Implementations must fail closed: return `Ok` only after a cryptographic check of
/// the request succeeded.
///
/// ```
/// use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, RsaPublicKey, RsaScheme, RsaVerifier, Verifier};
///
/// # fn main() -> Result<(), hookbridge_verify::KeyError> {
/// let routes: Vec<(&str, Box<dyn Verifier>)> = vec![
///     ("/hooks/github", Box::new(HmacVerifier::with_secret(
///         HmacScheme::github(),
///         HmacSecret::from_str_bytes("github secret")?,
///     ))),
///     ("/hooks/stripe", Box::new(HmacVerifier::with_secret(
///         HmacScheme::stripe(),
///         HmacSecret::from_str_bytes("whsec_stripe secret")?,
///     ))),
/// ];
/// let headers = http::HeaderMap::new();
/// for (_route, verifier) in &routes {
///     // An unsigned request fails everywhere.
///     assert!(verifier.verify_at(b"{}", &headers, 1_700_000_000).is_err());
/// }
/// # Ok(())
/// # }
/// ```
pub trait Verifier: fmt::Debug + Send + Sync {
    /// Verifies a delivery from its raw body bytes and headers at time `now` (unix seconds).
    ///
    /// # Errors
    /// A [`VerifyError`] saying why the delivery must be rejected.
    fn verify_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<Verified, VerifyError>;

    /// Like [`verify_at`](Self::verify_at), with the request URI available to verifiers that
    /// need it ([`UrlTokenVerifier`](crate::UrlTokenVerifier)). The default ignores the URI.
    ///
    /// # Errors
    /// A [`VerifyError`] saying why the delivery must be rejected.
    fn verify_request_at(
        &self,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<Verified, VerifyError> {
        let _ = uri;
        self.verify_at(body, headers, now)
    }

    /// [`verify_at`](Self::verify_at) with the system clock.
    ///
    /// # Errors
    /// A [`VerifyError`] saying why the delivery must be rejected.
    fn verify(&self, body: &[u8], headers: &HeaderMap) -> Result<Verified, VerifyError> {
        self.verify_at(body, headers, unix_now())
    }

    /// [`verify_request_at`](Self::verify_request_at) with the system clock.
    ///
    /// # Errors
    /// A [`VerifyError`] saying why the delivery must be rejected.
    fn verify_request(&self, uri: &Uri, body: &[u8], headers: &HeaderMap) -> Result<Verified, VerifyError> {
        self.verify_request_at(uri, body, headers, unix_now())
    }
}

impl<V: Verifier + ?Sized> Verifier for Box<V> {
    fn verify_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<Verified, VerifyError> {
        (**self).verify_at(body, headers, now)
    }

    fn verify_request_at(
        &self,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<Verified, VerifyError> {
        (**self).verify_request_at(uri, body, headers, now)
    }
}

impl<V: Verifier + ?Sized> Verifier for Arc<V> {
    fn verify_at(&self, body: &[u8], headers: &HeaderMap, now: i64) -> Result<Verified, VerifyError> {
        (**self).verify_at(body, headers, now)
    }

    fn verify_request_at(
        &self,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<Verified, VerifyError> {
        (**self).verify_request_at(uri, body, headers, now)
    }
}
