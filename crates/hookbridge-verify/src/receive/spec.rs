//! The [`ReceiverSpec`] every verifier-based provider uses: [`VerifiedSpec`], a [`Verifier`]
//! (its scheme and keys) plus a [`DeliveryParser`] (its body and replay key), written once.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::error::ReceiveError;
use super::incoming::Incoming;
use super::pipeline::{DEFAULT_RETENTION, Identified, Parsed, ReceiverSpec};
use crate::{
    HmacScheme, HmacSecret, HmacVerifier, KeyError, KeyRing, RsaPublicKey, RsaScheme, RsaVerifier, UrlTokenVerifier,
    Verified, Verifier,
};

/// A provider's reading of an authenticated request: the typed delivery, which carries its
/// replay key ([`Identified`]). The part of a [`VerifiedSpec`] that differs between providers.
pub trait DeliveryParser: fmt::Debug + Send + Sync + 'static {
    /// The typed delivery, with its replay key.
    type Delivery: Identified + Send + 'static;

    /// The provider's name, used in replay keys and errors (see [`ReceiverSpec::provider`]):
    /// declared once per parser (`const PROVIDER: &'static str = crate::PROVIDER.as_str();`), and
    /// the provider of every preset built with [`Preset::verified`](crate::preset::Preset::verified).
    const PROVIDER: &'static str;

    /// Parses an authenticated request into the typed delivery, deriving its replay key from
    /// **signed** data only (see [`ReceiverSpec::parse`]).
    ///
    /// # Errors
    /// [`ReceiveError::Delivery`] (unusable body or headers) or [`ReceiveError::ReplayKey`].
    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Self::Delivery, ReceiveError>;

    /// How long a handled key is remembered (see [`ReceiverSpec::default_retention`]). Default
    /// [`DEFAULT_RETENTION`].
    fn default_retention(&self) -> Duration {
        DEFAULT_RETENTION
    }
}

/// The scheme `S` ([`HmacScheme`], [`RsaScheme`]) a parser's provider signs its deliveries with:
/// what the constructors that take only keys (`new`, `with_secret`, `with_key`,
/// `with_parser`) verify with. A parser value may choose among several documented schemes.
pub trait DefaultScheme<S> {
    /// The scheme for this parser's deliveries.
    fn scheme(&self) -> S;
}

/// A [`ReceiverSpec`] from a [`Verifier`] and a [`DeliveryParser`]: `authenticate` is the
/// verifier's check of the request (fail closed: only a successful check returns `Ok`),
/// `parse` (the typed delivery and its replay key), the provider name and the retention are
/// the parser's.
///
/// A provider crate writes only its parser and names the spec with a type alias:
///
/// | alias | verifier | constructors |
/// |---|---|---|
/// | [`HmacSpec<P>`] | [`HmacVerifier`] | `new(keys)`, `with_secret(secret)`, `with_parser(parser, keys)` (scheme from [`DefaultScheme`]) |
/// | [`RsaSpec<P>`] | [`RsaVerifier`] | `new(keys)`, `with_key(key)`, `with_parser(parser, keys)` (scheme from [`DefaultScheme`]) |
/// | [`UrlTokenSpec<P>`] | [`UrlTokenVerifier`] | `new(verifier)` |
/// | [`DynSpec<P>`] | `Arc<dyn Verifier>` | `new(verifier)` (a scheme the caller configures) |
///
/// and, for every verifier, `with_verifier(verifier)` / `From<verifier>` (with the parser's
/// `Default`) and [`from_parts`](VerifiedSpec::from_parts).
///
/// ```
/// use hookbridge_verify::receive::{DefaultScheme, DeliveryParser, HmacSpec, Identified, Incoming, Pipeline};
/// use hookbridge_verify::receive::{Receive as _, ReceiveError, ReplayKey};
/// use hookbridge_verify::{HmacScheme, HmacSecret, Verified, sign::HmacSigner};
///
/// /// A GitHub-style delivery: the body, and its identity (a digest of the signed body).
/// #[derive(Debug)]
/// struct GithubDelivery { body: bytes::Bytes, key: ReplayKey }
///
/// impl Identified for GithubDelivery {
///     fn replay_key(&self) -> &ReplayKey { &self.key }
/// }
///
/// #[derive(Clone, Copy, Debug, Default)]
/// struct GithubParser;
///
/// impl DeliveryParser for GithubParser {
///     type Delivery = GithubDelivery;
///     const PROVIDER: &'static str = "github";
///     fn parse(&self, verified: Verified, request: &Incoming) -> Result<GithubDelivery, ReceiveError> {
///         let key = ReplayKey::from_verified("github", &verified, &request.body)?;
///         Ok(GithubDelivery { body: request.body.clone(), key })
///     }
/// }
///
/// impl DefaultScheme<HmacScheme> for GithubParser {
///     fn scheme(&self) -> HmacScheme { HmacScheme::github() }
/// }
///
/// type GithubSpec = HmacSpec<GithubParser>;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let secret = HmacSecret::from_str_bytes("github secret")?;
/// let pipeline = Pipeline::new(GithubSpec::with_secret(secret.clone()));
/// let body = b"{\"zen\":\"Design for failure.\"}";
/// let headers = HmacSigner::new(HmacScheme::github(), secret).sign(body, 0, None)?;
/// let accepted = pipeline.accept(Incoming::post("/hooks/github".parse()?, headers, &body[..])).await?;
/// assert_eq!(accepted.delivery().body.as_ref(), body);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct VerifiedSpec<V, P> {
    verifier: V,
    parser: P,
}

/// A spec over an HMAC scheme ([`HmacVerifier`]).
pub type HmacSpec<P> = VerifiedSpec<HmacVerifier, P>;
/// A spec over an RSA signature scheme ([`RsaVerifier`]).
pub type RsaSpec<P> = VerifiedSpec<RsaVerifier, P>;
/// A spec over a token in the callback URL ([`UrlTokenVerifier`]).
pub type UrlTokenSpec<P> = VerifiedSpec<UrlTokenVerifier, P>;
/// A spec over any verifier chosen at run time (a scheme the caller configures).
pub type DynSpec<P> = VerifiedSpec<Arc<dyn Verifier>, P>;

impl<V, P> VerifiedSpec<V, P> {
    /// A verifier and a parser.
    #[must_use]
    pub fn from_parts(verifier: V, parser: P) -> Self {
        Self { verifier, parser }
    }

    /// The verifier.
    #[must_use]
    pub fn verifier(&self) -> &V {
        &self.verifier
    }

    /// The parser.
    #[must_use]
    pub fn parser(&self) -> &P {
        &self.parser
    }
}

impl<V, P: Default> VerifiedSpec<V, P> {
    /// A verifier you built (another tolerance, for example), with the default parser.
    #[must_use]
    pub fn with_verifier(verifier: V) -> Self {
        Self::from_parts(verifier, P::default())
    }
}

impl<V, P: Default> From<V> for VerifiedSpec<V, P> {
    fn from(verifier: V) -> Self {
        Self::with_verifier(verifier)
    }
}

impl<P: DefaultScheme<HmacScheme>> VerifiedSpec<HmacVerifier, P> {
    /// `parser`'s scheme ([`DefaultScheme::scheme`]) with a ring of secrets.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn with_parser(parser: P, keys: KeyRing<HmacSecret>) -> Result<Self, KeyError> {
        Ok(Self::from_parts(HmacVerifier::new(parser.scheme(), keys)?, parser))
    }
}

impl<P: DefaultScheme<HmacScheme> + Default> VerifiedSpec<HmacVerifier, P> {
    /// The default parser's scheme with a ring of secrets (as text: [`HmacSecret::from_str_bytes`]).
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn new(keys: KeyRing<HmacSecret>) -> Result<Self, KeyError> {
        Self::with_parser(P::default(), keys)
    }

    /// The default parser's scheme with one secret (key id [`DEFAULT_KEY_ID`](crate::DEFAULT_KEY_ID)).
    #[must_use]
    pub fn with_secret(secret: HmacSecret) -> Self {
        let parser = P::default();
        Self::from_parts(HmacVerifier::with_secret(parser.scheme(), secret), parser)
    }
}

impl<P: DefaultScheme<RsaScheme>> VerifiedSpec<RsaVerifier, P> {
    /// `parser`'s scheme ([`DefaultScheme::scheme`]) with a ring of public keys.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn with_parser(parser: P, keys: KeyRing<RsaPublicKey>) -> Result<Self, KeyError> {
        Ok(Self::from_parts(RsaVerifier::new(parser.scheme(), keys)?, parser))
    }
}

impl<P: DefaultScheme<RsaScheme> + Default> VerifiedSpec<RsaVerifier, P> {
    /// The default parser's scheme with a ring of public keys.
    ///
    /// # Errors
    /// [`KeyError::EmptyKeyRing`] or [`KeyError::DuplicateKeyId`].
    pub fn new(keys: KeyRing<RsaPublicKey>) -> Result<Self, KeyError> {
        Self::with_parser(P::default(), keys)
    }

    /// The default parser's scheme with one public key (key id
    /// [`DEFAULT_KEY_ID`](crate::DEFAULT_KEY_ID)).
    #[must_use]
    pub fn with_key(key: RsaPublicKey) -> Self {
        let parser = P::default();
        Self::from_parts(RsaVerifier::with_key(parser.scheme(), key), parser)
    }
}

impl<P: Default> VerifiedSpec<UrlTokenVerifier, P> {
    /// Checks the request URI with `verifier`.
    #[must_use]
    pub fn new(verifier: UrlTokenVerifier) -> Self {
        Self::with_verifier(verifier)
    }
}

impl<P: Default> VerifiedSpec<Arc<dyn Verifier>, P> {
    /// Verifies with `verifier`, a scheme configured by the caller.
    #[must_use]
    pub fn new(verifier: Arc<dyn Verifier>) -> Self {
        Self::with_verifier(verifier)
    }
}

impl<V, P> ReceiverSpec for VerifiedSpec<V, P>
where
    V: Verifier + 'static,
    P: DeliveryParser,
{
    type Delivery = P::Delivery;

    fn provider(&self) -> &'static str {
        P::PROVIDER
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        request.verify_with(&self.verifier, now)
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<P::Delivery>, ReceiveError> {
        self.parser.parse(verified, request).map(Parsed::from)
    }

    fn default_retention(&self) -> Duration {
        self.parser.default_retention()
    }
}

/// The two trait implementations of a provider's typed delivery, written once instead of in every
/// provider crate: [`Identified`] (the delivery's `replay_key` field, which its parser derived
/// from signed data) and `From<typed> for unified` (its inherent `into_delivery()`), so that
/// [`ReceiveExt::map`](super::ReceiveExt::map)`(Into::into)` and the receiving presets hand out
/// the unified delivery. The typed delivery needs a `replay_key: ReplayKey` field and an
/// `into_delivery(self) -> unified` method; the unified type (`hookbridge_core::Delivery` for
/// the provider crates) is named by the caller, so this crate stays unaware of it.
///
/// ```
/// use hookbridge_verify::receive::{Identified, ReplayKey};
///
/// /// The unified model of the application (the provider crates use `hookbridge_core::Delivery`).
/// #[derive(Debug, PartialEq)]
/// struct Unified { replay_key: String }
///
/// #[derive(Debug)]
/// struct AcmeDelivery { replay_key: ReplayKey }
///
/// impl AcmeDelivery {
///     fn into_delivery(self) -> Unified {
///         Unified { replay_key: self.replay_key.to_string() }
///     }
/// }
///
/// hookbridge_verify::typed_delivery!(AcmeDelivery => Unified);
///
/// let delivery = AcmeDelivery { replay_key: ReplayKey::signed_digest("acme", None, b"{}") };
/// assert!(delivery.replay_key().as_str().starts_with("acme:"));
/// let unified = Unified::from(delivery);
/// assert!(unified.replay_key.starts_with("acme:"));
/// ```
#[macro_export]
macro_rules! typed_delivery {
    ($delivery:ty => $unified:ty) => {
        impl $crate::receive::Identified for $delivery {
            fn replay_key(&self) -> &$crate::receive::ReplayKey {
                &self.replay_key
            }
        }

        impl ::core::convert::From<$delivery> for $unified {
            fn from(delivery: $delivery) -> Self {
                delivery.into_delivery()
            }
        }
    };
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use bytes::Bytes;
    use http::{HeaderMap, HeaderName};

    use super::*;
    use crate::receive::{Pipeline, Receive as _, ReplayKey};
    use crate::sign::HmacSigner;
    use crate::{HmacAlgorithm, RsaHash, UrlToken, VerifyError};

    /// A provider-neutral parser: the body's digest is the key; the scheme is chosen by the value.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    struct BodyParser {
        sha512: bool,
    }

    #[derive(Debug)]
    struct BodyDelivery {
        body: Bytes,
        key_id: String,
        key: ReplayKey,
    }

    impl Identified for BodyDelivery {
        fn replay_key(&self) -> &ReplayKey {
            &self.key
        }
    }

    impl DeliveryParser for BodyParser {
        type Delivery = BodyDelivery;

        const PROVIDER: &'static str = "acme";

        fn parse(&self, verified: Verified, request: &Incoming) -> Result<BodyDelivery, ReceiveError> {
            let key = ReplayKey::signed_digest("acme", verified.timestamp(), &request.body);
            Ok(BodyDelivery { body: request.body.clone(), key_id: verified.key_id().as_str().to_owned(), key })
        }

        fn default_retention(&self) -> Duration {
            Duration::from_secs(7)
        }
    }

    impl DefaultScheme<HmacScheme> for BodyParser {
        fn scheme(&self) -> HmacScheme {
            let algorithm = if self.sha512 { HmacAlgorithm::Sha512 } else { HmacAlgorithm::Sha256 };
            HmacScheme::builder(HeaderName::from_static("x-acme-signature")).algorithm(algorithm).build().unwrap()
        }
    }

    impl DefaultScheme<RsaScheme> for BodyParser {
        fn scheme(&self) -> RsaScheme {
            RsaScheme::new(HeaderName::from_static("x-acme-signature"), RsaHash::Sha256)
        }
    }

    const BODY: &[u8] = br#"{"event":"paid"}"#;

    fn secret() -> HmacSecret {
        HmacSecret::from_str_bytes("a shared secret").unwrap()
    }

    fn signed(parser: BodyParser, body: &[u8]) -> HeaderMap {
        HmacSigner::new(DefaultScheme::<HmacScheme>::scheme(&parser), secret()).sign(body, 0, None).unwrap()
    }

    fn request(headers: HeaderMap, body: &'static [u8]) -> Incoming {
        Incoming::post("/hooks/acme".parse().unwrap(), headers, body)
    }

    #[tokio::test]
    async fn accepts_a_signed_body_and_takes_the_parsers_key_and_retention() {
        let spec = HmacSpec::<BodyParser>::with_secret(secret());
        assert_eq!(spec.provider(), "acme");
        assert_eq!(spec.default_retention(), Duration::from_secs(7));
        let incoming = request(signed(BodyParser::default(), BODY), BODY);
        let verified = spec.authenticate(&incoming, 0).await.unwrap();
        let parsed = spec.parse(verified, &incoming).unwrap();
        assert_eq!(parsed.key, ReplayKey::signed_digest("acme", None, BODY));
        assert_eq!(parsed.delivery.key, parsed.key);
        assert_eq!(parsed.delivery.body.as_ref(), BODY);
        assert_eq!(parsed.delivery.key_id, crate::DEFAULT_KEY_ID);
    }

    #[tokio::test]
    async fn refuses_a_forged_body_and_an_unsigned_request() {
        let spec = HmacSpec::<BodyParser>::new(KeyRing::single("k1", secret())).unwrap();
        let forged = request(signed(BodyParser::default(), BODY), br#"{"event":"refunded"}"#);
        let err = spec.authenticate(&forged, 0).await.unwrap_err();
        assert!(matches!(err, ReceiveError::Verification(VerifyError::NoMatch { .. })), "{err:?}");
        assert_eq!(err.status(), 401);
        let unsigned = spec.authenticate(&request(HeaderMap::new(), BODY), 0).await.unwrap_err();
        assert_eq!(unsigned.status(), 401);
        // Through the pipeline: refused before parsing, nothing reserved.
        let pipeline = Pipeline::new(spec);
        assert_eq!(pipeline.accept(forged).await.unwrap_err().status(), 401);
    }

    #[tokio::test]
    async fn the_parser_value_chooses_the_scheme() {
        let sha512 = BodyParser { sha512: true };
        let spec = HmacSpec::with_parser(sha512, KeyRing::single("legacy", secret())).unwrap();
        assert_eq!(spec.parser(), &sha512);
        assert!(spec.authenticate(&request(signed(sha512, BODY), BODY), 0).await.is_ok());
        // A SHA-256 signature is not even well-formed for the SHA-512 scheme.
        let err = spec.authenticate(&request(signed(BodyParser::default(), BODY), BODY), 0).await.unwrap_err();
        assert!(err.is_verification(), "{err:?}");
        // `with_verifier` / `From` keep the verifier as given and the default parser.
        let given = HmacVerifier::with_secret(sha512.scheme(), secret());
        let spec = HmacSpec::<BodyParser>::from(given);
        assert_eq!(spec.parser(), &BodyParser::default());
        assert!(spec.authenticate(&request(signed(sha512, BODY), BODY), 0).await.is_ok());
    }

    #[test]
    fn key_ring_errors_are_the_verifiers() {
        let empty = HmacSpec::<BodyParser>::new(KeyRing::new()).unwrap_err();
        assert!(matches!(empty, KeyError::EmptyKeyRing), "{empty:?}");
        let duplicate = KeyRing::new().with("k", secret()).with("k", secret());
        assert!(matches!(HmacSpec::<BodyParser>::new(duplicate).unwrap_err(), KeyError::DuplicateKeyId { .. }));
        assert!(matches!(RsaSpec::<BodyParser>::new(KeyRing::new()).unwrap_err(), KeyError::EmptyKeyRing));
    }

    #[tokio::test]
    async fn url_token_and_dyn_specs_check_the_uri_and_the_configured_verifier() {
        let token = UrlToken::generate().unwrap();
        let param = format!("/hooks/acme?hb_token={}", token.expose_secret());
        let spec = UrlTokenSpec::<BodyParser>::new(UrlTokenVerifier::with_token(token));
        let good = Incoming::post(param.parse().unwrap(), HeaderMap::new(), BODY);
        assert!(spec.authenticate(&good, 0).await.is_ok());
        let bad = Incoming::post("/hooks/acme?hb_token=wrong".parse().unwrap(), HeaderMap::new(), BODY);
        assert_eq!(spec.authenticate(&bad, 0).await.unwrap_err().status(), 401);

        let hmac: Arc<dyn Verifier> = Arc::new(HmacVerifier::with_secret(BodyParser::default().scheme(), secret()));
        let spec = DynSpec::<BodyParser>::new(hmac);
        assert!(spec.authenticate(&request(signed(BodyParser::default(), BODY), BODY), 0).await.is_ok());
        assert_eq!(spec.authenticate(&request(HeaderMap::new(), BODY), 0).await.unwrap_err().status(), 401);
    }
}
