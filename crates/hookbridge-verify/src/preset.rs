//! Receiving presets: a named way deliveries are signed, what key verifies them, and how a
//! receiver pipeline for them is built from keys — the receiving half of a provider's
//! descriptor.
//!
//! A provider crate exports its presets (`hookbridge_miex::PRESETS`, …) next to its management
//! descriptor; the provider registry gathers them, and tools (the CLI's `verify`, `listen`,
//! `sign` and `trigger`, the testkit's conformance suite) build receivers from a preset name and
//! keys without naming any provider:
//!
//! ```text
//! name ─► Preset ─► keys (KeyMaterial) ─► PresetVerifier ─► the provider's ReceiverSpec ─► Pipeline ─► Arc<dyn Receive<D>>
//! ```
//!
//! `D` is the delivery type every preset of a registry hands out (the unified
//! `hookbridge_core::Delivery` for the provider crates; this crate does not know it).
//!
//! ```
//! use std::sync::Arc;
//! use hookbridge_verify::preset::{KeyKind, KeyMaterial, Preset, PresetScheme, ReceiverSettings, receiver};
//! use hookbridge_verify::receive::{Incoming, Parsed, ReceiveError, ReceiverSpec, ReplayKey};
//! use hookbridge_verify::{HmacScheme, HmacVerifier, Verified, Verifier as _, sign::HmacSigner, HmacSecret};
//!
//! /// A provider's receiver spec: GitHub-style signatures, the body as the delivery.
//! #[derive(Debug)]
//! struct Spec(HmacVerifier);
//!
//! impl ReceiverSpec for Spec {
//!     type Delivery = String;
//!     fn provider(&self) -> &'static str { "acme" }
//!     async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
//!         Ok(self.0.verify_at(&request.body, &request.headers, now)?)
//!     }
//!     fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<String>, ReceiveError> {
//!         let key = ReplayKey::from_verified("acme", &verified, &request.body)?;
//!         Ok(Parsed::new(String::from_utf8_lossy(&request.body).into_owned(), key))
//!     }
//! }
//!
//! static ACME: Preset<String> = Preset::new(
//!     "acme",
//!     "acme",
//!     "Acme: `X-Hub-Signature-256: sha256=<hex>`",
//!     KeyKind::HmacText,
//!     PresetScheme::Hmac(HmacScheme::github),
//!     |verifier, settings| Ok(receiver(Spec(verifier.into_hmac()?), settings)),
//! );
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let keys = [KeyMaterial::secret("k1", "the secret")];
//! let receiver = ACME.receiver(&keys, &ReceiverSettings::default())?;
//! let body = br#"{"hello":"world"}"#;
//! let headers = HmacSigner::new(HmacScheme::github(), HmacSecret::from_str_bytes("the secret")?).sign(body, 0, None)?;
//! let accepted = receiver.accept(Incoming::post("/hooks/acme".parse()?, headers, &body[..])).await?;
//! let (delivery, ticket) = accepted.into_parts();
//! assert_eq!(delivery, r#"{"hello":"world"}"#);
//! ticket.complete().await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::receive::{
    DEFAULT_MAX_BODY_BYTES, DedupeStore, DeliveryParser, InMemoryDedupeStore, Pipeline, Receive, ReceiveExt as _,
    ReceiverSpec, VerifiedSpec,
};
use crate::{
    HmacScheme, HmacSecret, HmacVerifier, KeyError, KeyRing, RsaPublicKey, RsaScheme, RsaVerifier, UrlToken,
    UrlTokenVerifier, Verifier,
};

/// The kind of key a preset verifies with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// An HMAC secret whose text bytes are the key (MIEX, Bitnob, Stripe, GitHub, …).
    HmacText,
    /// A Standard Webhooks secret: `whsec_` + base64 of the key bytes.
    HmacStandardWebhooks,
    /// An RSA public key (PEM) to verify; the sender signs with the private key.
    Rsa,
    /// A secret token in the callback URL's query (the provider signs nothing).
    UrlToken,
}

impl KeyKind {
    /// Whether keys of this kind are secrets (as opposed to public keys).
    #[must_use]
    pub fn is_secret(self) -> bool {
        !matches!(self, KeyKind::Rsa)
    }
}

/// How a preset's deliveries are signed.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum PresetScheme {
    /// An HMAC scheme.
    Hmac(fn() -> HmacScheme),
    /// An RSA signature scheme.
    Rsa(fn() -> RsaScheme),
    /// No signature: a secret token in this query parameter of the callback URL.
    UrlToken {
        /// The query parameter.
        param: &'static str,
    },
}

impl fmt::Debug for PresetScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PresetScheme::Hmac(_) => f.write_str("Hmac(..)"),
            PresetScheme::Rsa(_) => f.write_str("Rsa(..)"),
            PresetScheme::UrlToken { param } => f.debug_struct("UrlToken").field("param", param).finish(),
        }
    }
}

/// Where the receiver's key of a freshly created endpoint comes from — what a tool that creates
/// an endpoint and then receives its deliveries (the CLI's tour, a setup script) reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EndpointKey {
    /// The signing secret the provider reveals when the endpoint is created.
    Secret,
    /// A provider-specific field of the created endpoint (for example a PEM public key).
    Field(&'static str),
    /// A token the caller generates and appends to the callback URL (query parameter of the
    /// preset's [`PresetScheme::UrlToken`]).
    CallbackUrlToken,
}

/// One verification key with the id reported when it matches. `Debug` never shows a secret.
#[derive(Clone)]
pub struct KeyMaterial {
    id: String,
    value: KeyValue,
}

#[derive(Clone)]
enum KeyValue {
    Secret(zeroize::Zeroizing<String>),
    PublicKeyPem(String),
}

impl KeyMaterial {
    /// A secret (HMAC secret text or URL token) with key id `id`.
    pub fn secret(id: impl Into<String>, text: impl Into<String>) -> Self {
        Self { id: id.into(), value: KeyValue::Secret(zeroize::Zeroizing::new(text.into())) }
    }

    /// A PEM public key with key id `id`.
    pub fn public_key(id: impl Into<String>, pem: impl Into<String>) -> Self {
        Self { id: id.into(), value: KeyValue::PublicKeyPem(pem.into()) }
    }

    /// The key id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether this is a secret (not a public key).
    #[must_use]
    pub fn is_secret(&self) -> bool {
        matches!(self.value, KeyValue::Secret(_))
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.value {
            KeyValue::Secret(_) => "secret <redacted>",
            KeyValue::PublicKeyPem(_) => "public key",
        };
        f.debug_struct("KeyMaterial").field("id", &self.id).field("value", &kind).finish()
    }
}

/// A preset's verifier, built from its keys.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum PresetVerifier {
    /// HMAC.
    Hmac(HmacVerifier),
    /// RSA.
    Rsa(RsaVerifier),
    /// URL token.
    UrlToken(UrlTokenVerifier),
}

impl PresetVerifier {
    /// The HMAC verifier.
    ///
    /// # Errors
    /// [`PresetError::WrongVerifier`] for another kind.
    pub fn into_hmac(self) -> Result<HmacVerifier, PresetError> {
        match self {
            PresetVerifier::Hmac(v) => Ok(v),
            _ => Err(PresetError::WrongVerifier { expected: "HMAC" }),
        }
    }

    /// The RSA verifier.
    ///
    /// # Errors
    /// [`PresetError::WrongVerifier`] for another kind.
    pub fn into_rsa(self) -> Result<RsaVerifier, PresetError> {
        match self {
            PresetVerifier::Rsa(v) => Ok(v),
            _ => Err(PresetError::WrongVerifier { expected: "RSA" }),
        }
    }

    /// The URL-token verifier.
    ///
    /// # Errors
    /// [`PresetError::WrongVerifier`] for another kind.
    pub fn into_url_token(self) -> Result<UrlTokenVerifier, PresetError> {
        match self {
            PresetVerifier::UrlToken(v) => Ok(v),
            _ => Err(PresetError::WrongVerifier { expected: "URL token" }),
        }
    }

    /// The verifier as a trait object (to check a signature alone, without parsing).
    #[must_use]
    pub fn as_verifier(&self) -> Arc<dyn Verifier> {
        match self {
            PresetVerifier::Hmac(v) => Arc::new(v.clone()),
            PresetVerifier::Rsa(v) => Arc::new(v.clone()),
            PresetVerifier::UrlToken(v) => Arc::new(v.clone()),
        }
    }
}

/// Why a receiver could not be built from a preset and keys. Never contains key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PresetError {
    /// No key was given.
    #[error("{preset} needs a verification key")]
    NoKey {
        /// The preset.
        preset: &'static str,
    },
    /// A public key was given where a secret is needed, or the reverse.
    #[error("{preset} verifies with {expected}, not {given} (key `{id}`)")]
    WrongKeyKind {
        /// The preset.
        preset: &'static str,
        /// What the preset takes.
        expected: &'static str,
        /// What was given.
        given: &'static str,
        /// The key's id.
        id: String,
    },
    /// A key is invalid (empty secret, bad encoding, unparsable PEM, weak RSA key, duplicate id).
    #[error("invalid key `{id}` for {preset}")]
    InvalidKey {
        /// The preset.
        preset: &'static str,
        /// The key's id (or the ring, for ring-level errors).
        id: String,
        /// Why.
        #[source]
        source: KeyError,
    },
    /// The preset's build function was handed a verifier of another kind (a defect in the
    /// preset's declaration: its [`KeyKind`] and scheme disagree with what it builds).
    #[error("the preset expected an {expected} verifier")]
    WrongVerifier {
        /// The verifier kind expected.
        expected: &'static str,
    },
}

/// How a preset's pipeline is set up beyond its keys.
#[derive(Clone)]
#[non_exhaustive]
pub struct ReceiverSettings {
    /// Timestamp tolerance for schemes that sign one (`None`: the scheme's own, 5 minutes).
    pub tolerance: Option<Duration>,
    /// The dedupe store.
    pub store: Arc<dyn DedupeStore>,
    /// The largest body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for ReceiverSettings {
    fn default() -> Self {
        Self { tolerance: None, store: Arc::new(InMemoryDedupeStore::new()), max_body_bytes: DEFAULT_MAX_BODY_BYTES }
    }
}

impl fmt::Debug for ReceiverSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverSettings")
            .field("tolerance", &self.tolerance)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

impl ReceiverSettings {
    /// Default settings (fresh in-memory store, 1 MiB bodies, the scheme's tolerance).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Another timestamp tolerance (`None`: the scheme's).
    #[must_use]
    pub fn tolerance(mut self, tolerance: Option<Duration>) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Another dedupe store (shared by every receiver built with these settings).
    #[must_use]
    pub fn store(mut self, store: Arc<dyn DedupeStore>) -> Self {
        self.store = store;
        self
    }

    /// Another body limit.
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }
}

/// The pipeline of `spec` set up by `settings`, its deliveries converted into `D`: what a
/// preset's build function returns.
pub fn receiver<S, D>(spec: S, settings: &ReceiverSettings) -> Arc<dyn Receive<D>>
where
    S: ReceiverSpec,
    S::Delivery: Into<D>,
    D: Send + 'static,
{
    let pipeline = Pipeline::new(spec).with_store(settings.store.clone()).max_body_bytes(settings.max_body_bytes);
    Arc::new(pipeline.map(Into::into))
}

/// The verifier of a [`PresetVerifier`] variant, for [`Preset::verified`]'s build functions.
trait FromPresetVerifier: Verifier + Sized + 'static {
    fn from_preset(verifier: PresetVerifier) -> Result<Self, PresetError>;
}

impl FromPresetVerifier for HmacVerifier {
    fn from_preset(verifier: PresetVerifier) -> Result<Self, PresetError> {
        verifier.into_hmac()
    }
}

impl FromPresetVerifier for RsaVerifier {
    fn from_preset(verifier: PresetVerifier) -> Result<Self, PresetError> {
        verifier.into_rsa()
    }
}

impl FromPresetVerifier for UrlTokenVerifier {
    fn from_preset(verifier: PresetVerifier) -> Result<Self, PresetError> {
        verifier.into_url_token()
    }
}

/// The build function of [`Preset::verified`]: `P`'s default parser over the verifier `V`.
fn build_verified<V, P, D>(
    verifier: PresetVerifier,
    settings: &ReceiverSettings,
) -> Result<Arc<dyn Receive<D>>, PresetError>
where
    V: FromPresetVerifier,
    P: DeliveryParser + Default,
    P::Delivery: Into<D>,
    D: Send + 'static,
{
    Ok(receiver(VerifiedSpec::<V, P>::with_verifier(V::from_preset(verifier)?), settings))
}

/// Builds a preset's receiver from its verifier.
pub type BuildReceiver<D> = fn(PresetVerifier, &ReceiverSettings) -> Result<Arc<dyn Receive<D>>, PresetError>;

/// A named way deliveries are signed, and how to receive them (see the [module docs](self)).
pub struct Preset<D: 'static> {
    name: &'static str,
    provider: &'static str,
    summary: &'static str,
    key_kind: KeyKind,
    scheme: PresetScheme,
    aliases: &'static [&'static str],
    assumed: bool,
    endpoint_key: Option<EndpointKey>,
    signs_id: bool,
    build: BuildReceiver<D>,
}

impl<D: 'static> fmt::Debug for Preset<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Preset")
            .field("name", &self.name)
            .field("provider", &self.provider)
            .field("key_kind", &self.key_kind)
            .field("scheme", &self.scheme)
            .field("assumed", &self.assumed)
            .finish_non_exhaustive()
    }
}

impl<D: Send + 'static> Preset<D> {
    /// A preset: its name (`bitnob-legacy`), the provider id its deliveries come from, a
    /// one-line summary of the scheme, the key it takes, the scheme, and the function building
    /// its receiver from a verifier of that scheme.
    #[must_use]
    pub const fn new(
        name: &'static str,
        provider: &'static str,
        summary: &'static str,
        key_kind: KeyKind,
        scheme: PresetScheme,
        build: BuildReceiver<D>,
    ) -> Self {
        Self {
            name,
            provider,
            summary,
            key_kind,
            scheme,
            aliases: &[],
            assumed: false,
            endpoint_key: None,
            signs_id: false,
            build,
        }
    }

    /// A preset received by a provider's [`DeliveryParser`] `P` (its `Default` value): the
    /// verifier built from the keys and `P` make the [`VerifiedSpec`] (an
    /// [`HmacSpec`](crate::receive::HmacSpec), [`RsaSpec`](crate::receive::RsaSpec) or
    /// [`UrlTokenSpec`](crate::receive::UrlTokenSpec), after `scheme`), whose deliveries are
    /// converted into `D`. What a provider crate declares instead of a build function of its own:
    /// the provider id is [`P::PROVIDER`](DeliveryParser::PROVIDER) and the key kind follows from
    /// the scheme — an HMAC secret's text ([`KeyKind::HmacText`]), an RSA public key
    /// ([`KeyKind::Rsa`]) or a URL token ([`KeyKind::UrlToken`]); a preset taking another kind of
    /// key (Standard Webhooks' `whsec_` base64) is built with [`Preset::new`].
    ///
    /// ```
    /// # use hookbridge_verify::receive::{DeliveryParser, Identified, Incoming, ReceiveError, ReplayKey};
    /// # use hookbridge_verify::Verified;
    /// use hookbridge_verify::HmacScheme;
    /// use hookbridge_verify::preset::{KeyKind, Preset, PresetScheme};
    /// # #[derive(Debug)]
    /// # struct AcmeDelivery { replay_key: ReplayKey }
    /// # impl Identified for AcmeDelivery { fn replay_key(&self) -> &ReplayKey { &self.replay_key } }
    /// # #[derive(Debug, Default)]
    /// # struct AcmeParser;
    /// # impl DeliveryParser for AcmeParser {
    /// #     type Delivery = AcmeDelivery;
    /// #     const PROVIDER: &'static str = "acme";
    /// #     fn parse(&self, verified: Verified, request: &Incoming) -> Result<AcmeDelivery, ReceiveError> {
    /// #         Ok(AcmeDelivery { replay_key: ReplayKey::from_verified("acme", &verified, &request.body)? })
    /// #     }
    /// # }
    ///
    /// static ACME: Preset<AcmeDelivery> =
    ///     Preset::verified::<AcmeParser>("acme", "Acme: `X-Hub-Signature-256: sha256=<hex>`", PresetScheme::Hmac(HmacScheme::github));
    /// assert_eq!((ACME.provider(), ACME.key_kind()), ("acme", KeyKind::HmacText));
    /// ```
    #[must_use]
    pub const fn verified<P>(name: &'static str, summary: &'static str, scheme: PresetScheme) -> Self
    where
        P: DeliveryParser + Default,
        P::Delivery: Into<D>,
    {
        let (key_kind, build): (KeyKind, BuildReceiver<D>) = match scheme {
            PresetScheme::Hmac(_) => (KeyKind::HmacText, build_verified::<HmacVerifier, P, D>),
            PresetScheme::Rsa(_) => (KeyKind::Rsa, build_verified::<RsaVerifier, P, D>),
            PresetScheme::UrlToken { .. } => (KeyKind::UrlToken, build_verified::<UrlTokenVerifier, P, D>),
        };
        Self::new(name, P::PROVIDER, summary, key_kind, scheme, build)
    }

    /// Other names accepted for it.
    #[must_use]
    pub const fn aliases(mut self, aliases: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self
    }

    /// Marks the scheme as an assumption: the provider documents none (demos and tests only).
    #[must_use]
    pub const fn assumed(mut self) -> Self {
        self.assumed = true;
        self
    }

    /// Where the key of a freshly created endpoint comes from.
    #[must_use]
    pub const fn endpoint_key(mut self, key: EndpointKey) -> Self {
        self.endpoint_key = Some(key);
        self
    }

    /// Marks the scheme as one that signs a message id the sender must choose (Standard
    /// Webhooks' `webhook-id`): a signing tool generates one when none is given.
    #[must_use]
    pub const fn signs_id(mut self) -> Self {
        self.signs_id = true;
        self
    }

    /// The name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The provider id its deliveries come from (for an external standard, the standard's
    /// name).
    #[must_use]
    pub fn provider(&self) -> &'static str {
        self.provider
    }

    /// One line describing the scheme.
    #[must_use]
    pub fn summary(&self) -> &'static str {
        self.summary
    }

    /// Other accepted names.
    #[must_use]
    pub fn alias_names(&self) -> &'static [&'static str] {
        self.aliases
    }

    /// Whether `name` is this preset's name or one of its aliases (ASCII case-insensitive).
    #[must_use]
    pub fn answers_to(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name) || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    }

    /// The kind of key it takes.
    #[must_use]
    pub fn key_kind(&self) -> KeyKind {
        self.key_kind
    }

    /// Its scheme.
    #[must_use]
    pub fn scheme(&self) -> PresetScheme {
        self.scheme
    }

    /// The HMAC scheme, for an HMAC preset.
    #[must_use]
    pub fn hmac_scheme(&self) -> Option<HmacScheme> {
        match self.scheme {
            PresetScheme::Hmac(scheme) => Some(scheme()),
            _ => None,
        }
    }

    /// The RSA scheme, for an RSA preset.
    #[must_use]
    pub fn rsa_scheme(&self) -> Option<RsaScheme> {
        match self.scheme {
            PresetScheme::Rsa(scheme) => Some(scheme()),
            _ => None,
        }
    }

    /// The URL query parameter, for a URL-token preset.
    #[must_use]
    pub fn url_token_param(&self) -> Option<&'static str> {
        match self.scheme {
            PresetScheme::UrlToken { param } => Some(param),
            _ => None,
        }
    }

    /// Whether the scheme is an assumption (the provider documents none).
    #[must_use]
    pub fn is_assumed(&self) -> bool {
        self.assumed
    }

    /// Where the key of a freshly created endpoint comes from, where the preset says.
    #[must_use]
    pub fn endpoint_key_source(&self) -> Option<EndpointKey> {
        self.endpoint_key
    }

    /// Whether the scheme signs a sender-chosen message id.
    #[must_use]
    pub fn signs_message_id(&self) -> bool {
        self.signs_id
    }

    /// Parses a secret's text the way this preset uses it (text bytes, or Standard Webhooks'
    /// `whsec_` base64).
    ///
    /// # Errors
    /// The [`KeyError`] of an empty or malformed secret.
    pub fn hmac_secret(&self, text: &str) -> Result<HmacSecret, KeyError> {
        match self.key_kind {
            KeyKind::HmacStandardWebhooks => HmacSecret::from_standard_webhooks(text),
            _ => HmacSecret::from_str_bytes(text),
        }
    }

    /// Builds the verifier of `keys` (one key ring, as during a rotation), with `tolerance`
    /// replacing the scheme's where it signs a timestamp.
    ///
    /// # Errors
    /// [`PresetError`]: no key, a key of the wrong kind, an invalid key.
    pub fn verifier(&self, keys: &[KeyMaterial], tolerance: Option<Duration>) -> Result<PresetVerifier, PresetError> {
        if keys.is_empty() {
            return Err(PresetError::NoKey { preset: self.name });
        }
        let invalid = |id: &str| {
            let id = id.to_owned();
            move |source| PresetError::InvalidKey { preset: self.name, id, source }
        };
        let ring_error = |source| PresetError::InvalidKey { preset: self.name, id: "(key ring)".into(), source };
        match self.scheme {
            PresetScheme::Hmac(scheme) => {
                let mut ring = KeyRing::new();
                for key in keys {
                    ring.push(key.id.as_str(), self.hmac_secret(self.secret_text(key)?).map_err(invalid(&key.id))?);
                }
                let mut scheme = scheme();
                if let Some(t) = tolerance {
                    scheme = scheme.with_tolerance(t);
                }
                Ok(PresetVerifier::Hmac(HmacVerifier::new(scheme, ring).map_err(ring_error)?))
            }
            PresetScheme::Rsa(scheme) => {
                let mut ring = KeyRing::new();
                for key in keys {
                    let KeyValue::PublicKeyPem(pem) = &key.value else {
                        return Err(self.wrong_kind(key, "an RSA public key (PEM)", "a secret"));
                    };
                    ring.push(key.id.as_str(), RsaPublicKey::from_pem(pem).map_err(invalid(&key.id))?);
                }
                Ok(PresetVerifier::Rsa(RsaVerifier::new(scheme(), ring).map_err(ring_error)?))
            }
            PresetScheme::UrlToken { param } => {
                let mut ring = KeyRing::new();
                for key in keys {
                    let token = UrlToken::from_string(self.secret_text(key)?).map_err(invalid(&key.id))?;
                    ring.push(key.id.as_str(), token);
                }
                Ok(PresetVerifier::UrlToken(UrlTokenVerifier::new(param, ring).map_err(ring_error)?))
            }
        }
    }

    /// Builds the verifier of `keys` and the receiver pipeline around it.
    ///
    /// # Errors
    /// [`PresetError`]: no key, a key of the wrong kind, an invalid key.
    pub fn receiver_with_verifier(
        &self,
        keys: &[KeyMaterial],
        settings: &ReceiverSettings,
    ) -> Result<(PresetVerifier, Arc<dyn Receive<D>>), PresetError> {
        let verifier = self.verifier(keys, settings.tolerance)?;
        let receiver = (self.build)(verifier.clone(), settings)?;
        Ok((verifier, receiver))
    }

    /// Builds the receiver pipeline for `keys`.
    ///
    /// # Errors
    /// [`PresetError`]: no key, a key of the wrong kind, an invalid key.
    pub fn receiver(
        &self,
        keys: &[KeyMaterial],
        settings: &ReceiverSettings,
    ) -> Result<Arc<dyn Receive<D>>, PresetError> {
        Ok(self.receiver_with_verifier(keys, settings)?.1)
    }

    fn secret_text<'k>(&self, key: &'k KeyMaterial) -> Result<&'k str, PresetError> {
        match &key.value {
            KeyValue::Secret(text) => Ok(text.as_str()),
            KeyValue::PublicKeyPem(_) => Err(self.wrong_kind(key, "a secret", "a public key")),
        }
    }

    fn wrong_kind(&self, key: &KeyMaterial, expected: &'static str, given: &'static str) -> PresetError {
        PresetError::WrongKeyKind { preset: self.name, expected, given, id: key.id.clone() }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use bytes::Bytes;
    use http::Method;

    use super::*;
    use crate::Verified;
    use crate::receive::{Incoming, Parsed, ReceiveError, ReplayKey};
    use crate::sign::HmacSigner;

    #[derive(Debug)]
    struct BodySpec(PresetVerifier);

    impl ReceiverSpec for BodySpec {
        type Delivery = Bytes;
        fn provider(&self) -> &'static str {
            "acme"
        }
        async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
            Ok(self.0.as_verifier().verify_request_at(&request.uri, &request.body, &request.headers, now)?)
        }
        fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<Bytes>, ReceiveError> {
            let key = ReplayKey::from_verified("acme", &verified, &request.body)?;
            Ok(Parsed::new(request.body.clone(), key))
        }
    }

    static HMAC: Preset<Bytes> = Preset::new(
        "acme",
        "acme",
        "GitHub-style",
        KeyKind::HmacText,
        PresetScheme::Hmac(HmacScheme::github),
        |v, s| Ok(receiver(BodySpec(PresetVerifier::Hmac(v.into_hmac()?)), s)),
    )
    .aliases(&["acme-github"])
    .endpoint_key(EndpointKey::Secret);

    static TOKEN: Preset<Bytes> = Preset::new(
        "acme-token",
        "acme",
        "URL token",
        KeyKind::UrlToken,
        PresetScheme::UrlToken { param: "t" },
        |v, s| Ok(receiver(BodySpec(v), s)),
    );

    /// A provider's typed delivery and parser, received through [`Preset::verified`].
    #[derive(Debug)]
    struct AcmeDelivery {
        key_id: String,
        replay_key: ReplayKey,
    }

    /// The unified model the presets hand out.
    #[derive(Debug, PartialEq)]
    struct Unified {
        key_id: String,
        replay_key: String,
    }

    impl AcmeDelivery {
        fn into_delivery(self) -> Unified {
            Unified { key_id: self.key_id, replay_key: self.replay_key.to_string() }
        }
    }

    crate::typed_delivery!(AcmeDelivery => Unified);

    #[derive(Debug, Default)]
    struct AcmeParser;

    impl DeliveryParser for AcmeParser {
        type Delivery = AcmeDelivery;

        const PROVIDER: &'static str = "acme-parsed";

        fn parse(&self, verified: Verified, request: &Incoming) -> Result<AcmeDelivery, ReceiveError> {
            let replay_key = ReplayKey::signed_digest(Self::PROVIDER, None, &request.body);
            Ok(AcmeDelivery { key_id: verified.key_id().as_str().to_owned(), replay_key })
        }
    }

    static PARSED_HMAC: Preset<Unified> =
        Preset::verified::<AcmeParser>("acme-parsed", "GitHub-style", PresetScheme::Hmac(HmacScheme::github));

    static PARSED_TOKEN: Preset<Unified> =
        Preset::verified::<AcmeParser>("acme-parsed-token", "URL token", PresetScheme::UrlToken { param: "t" });

    #[tokio::test]
    async fn a_parser_preset_takes_the_parsers_provider_and_hands_out_the_unified_delivery() {
        assert_eq!((PARSED_HMAC.provider(), PARSED_HMAC.key_kind()), ("acme-parsed", KeyKind::HmacText));
        assert_eq!((PARSED_TOKEN.provider(), PARSED_TOKEN.key_kind()), ("acme-parsed", KeyKind::UrlToken));
        let rx = PARSED_HMAC.receiver(&[KeyMaterial::secret("k1", "a secret")], &ReceiverSettings::new()).unwrap();
        let signer = HmacSigner::new(HmacScheme::github(), HmacSecret::from_str_bytes("a secret").unwrap());
        let body: &'static [u8] = br#"{"a":1}"#;
        let headers = signer.sign(body, 0, None).unwrap();
        let (delivery, ticket) = rx.accept(request("/", headers.clone(), body)).await.unwrap().into_parts();
        let key = ReplayKey::signed_digest("acme-parsed", None, body);
        assert_eq!(delivery, Unified { key_id: "k1".into(), replay_key: key.to_string() });
        ticket.complete().await.unwrap();
        assert!(rx.accept(request("/", headers.clone(), body)).await.unwrap_err().is_duplicate());
        let forged = rx.accept(request("/", headers, br#"{"a":2}"#)).await.unwrap_err();
        assert_eq!(forged.status(), http::StatusCode::UNAUTHORIZED);

        let token = UrlToken::generate().unwrap();
        let keys = [KeyMaterial::secret("t1", token.expose_secret())];
        let rx = PARSED_TOKEN.receiver(&keys, &ReceiverSettings::new()).unwrap();
        let uri = format!("/hooks?t={}", token.expose_secret());
        let (delivery, _ticket) = rx.accept(request(&uri, http::HeaderMap::new(), b"{}")).await.unwrap().into_parts();
        assert_eq!(delivery.key_id, "t1");
        let err = rx.accept(request("/hooks", http::HeaderMap::new(), b"{}")).await.unwrap_err();
        assert_eq!(err.status(), http::StatusCode::UNAUTHORIZED);
    }

    fn request(uri: &str, headers: http::HeaderMap, body: &'static [u8]) -> Incoming {
        Incoming::new(Method::POST, uri.parse().unwrap(), headers, Bytes::from_static(body))
    }

    #[tokio::test]
    async fn a_receiver_from_keys_verifies_refuses_forgeries_and_dedupes() {
        let keys = [KeyMaterial::secret("old", "first secret"), KeyMaterial::secret("new", "second secret")];
        let rx = HMAC.receiver(&keys, &ReceiverSettings::new()).unwrap();
        let signer = HmacSigner::new(HmacScheme::github(), HmacSecret::from_str_bytes("second secret").unwrap());
        let body: &'static [u8] = br#"{"a":1}"#;
        let headers = signer.sign(body, 0, None).unwrap();
        let (delivery, ticket) = rx.accept(request("/", headers.clone(), body)).await.unwrap().into_parts();
        assert_eq!(&delivery[..], body);
        ticket.complete().await.unwrap();
        let again = rx.accept(request("/", headers.clone(), body)).await.unwrap_err();
        assert!(again.is_duplicate());
        let forged = rx.accept(request("/", headers, br#"{"a":2}"#)).await.unwrap_err();
        assert_eq!(forged.status(), http::StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn keys_of_the_wrong_kind_or_none_are_typed_errors_without_secrets() {
        assert!(matches!(HMAC.verifier(&[], None), Err(PresetError::NoKey { preset: "acme" })));
        let err = HMAC.verifier(&[KeyMaterial::public_key("pem", "-----BEGIN")], None).unwrap_err();
        assert!(matches!(err, PresetError::WrongKeyKind { ref id, .. } if id == "pem"), "{err}");
        let err = HMAC.verifier(&[KeyMaterial::secret("empty", "")], None).unwrap_err();
        assert!(matches!(err, PresetError::InvalidKey { source: KeyError::EmptySecret, .. }), "{err}");
        let err = TOKEN.verifier(&[KeyMaterial::secret("short", "abc")], None).unwrap_err();
        assert!(err.to_string().contains("short") && !err.to_string().contains("abc"), "{err}");
        let key = KeyMaterial::secret("k", "hunter2-secret");
        assert!(!format!("{key:?}").contains("hunter2"));
        let err = HMAC.verifier(&[key.clone(), key], None).unwrap_err();
        assert!(matches!(err, PresetError::InvalidKey { source: KeyError::DuplicateKeyId { .. }, .. }), "{err}");
    }

    #[tokio::test]
    async fn url_token_presets_read_the_token_from_the_query() {
        let token = UrlToken::generate().unwrap();
        let rx = TOKEN.receiver(&[KeyMaterial::secret("t1", token.expose_secret())], &ReceiverSettings::new()).unwrap();
        let uri: &'static str = Box::leak(format!("/hooks?t={}", token.expose_secret()).into_boxed_str());
        let accepted = rx.accept(request(uri, http::HeaderMap::new(), b"{}")).await.unwrap();
        accepted.into_parts().1.complete().await.unwrap();
        let err = rx.accept(request("/hooks", http::HeaderMap::new(), b"{}")).await.unwrap_err();
        assert_eq!(err.status(), http::StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn names_aliases_and_schemes() {
        assert!(HMAC.answers_to("ACME") && HMAC.answers_to("acme-github") && !HMAC.answers_to("acme-token"));
        assert_eq!(HMAC.endpoint_key_source(), Some(EndpointKey::Secret));
        assert!(HMAC.hmac_scheme().is_some() && HMAC.rsa_scheme().is_none());
        assert_eq!(TOKEN.url_token_param(), Some("t"));
        assert!(!HMAC.is_assumed() && !HMAC.signs_message_id());
        assert!(matches!(
            PresetVerifier::Hmac(HMAC.verifier(&[KeyMaterial::secret("k", "s")], None).unwrap().into_hmac().unwrap())
                .into_rsa(),
            Err(PresetError::WrongVerifier { expected: "RSA" })
        ));
    }
}
