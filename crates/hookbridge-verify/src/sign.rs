//! Sender-side signers for tests, simulators and fixtures: they produce exactly the headers
//! a provider adds to a delivery, so receiver code can be tested end to end.
//!
//! HMAC signing is always available. RSA signing needs a private key and is behind the
//! `rsa-signing` cargo feature (off by default — receivers only ever need public keys).
//!
//! ```
//! use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, sign::HmacSigner};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = HmacSecret::from_standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?;
//! let signer = HmacSigner::new(HmacScheme::standard_webhooks(), secret.clone());
//! let headers = signer.sign(br#"{"test": 2432232314}"#, 1_614_265_330, Some("msg_p5jXN8AQM9LWM0D4loKWxJek"))?;
//! assert_eq!(headers["webhook-signature"], "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
//! assert_eq!(headers["webhook-timestamp"], "1614265330");
//!
//! let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret);
//! assert!(verifier.verify_at(br#"{"test": 2432232314}"#, &headers, 1_614_265_330).is_ok());
//! # Ok(())
//! # }
//! ```

use std::fmt;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::hmac::compute_mac;
use crate::{HmacScheme, HmacSecret, SignError, SignatureFormat, encoding};

#[cfg(feature = "rsa-signing")]
#[cfg_attr(docsrs, doc(cfg(feature = "rsa-signing")))]
pub use self::rsa_signing::{GENERATED_KEY_BITS, RsaSigner, generate_rsa_private_key_pem};

fn header_value(name: &HeaderName, value: &str) -> Result<HeaderValue, SignError> {
    if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(SignError::InvalidHeaderValue { name: name.clone() });
    }
    HeaderValue::from_str(value).map_err(|_| SignError::InvalidHeaderValue { name: name.clone() })
}

/// Signs deliveries for an [`HmacScheme`] with one or more secrets.
///
/// With several secrets, list formats ([`SignatureFormat::Stripe`],
/// [`SignatureFormat::StandardWebhooks`]) carry one signature per secret, in order, the way
/// providers do while a secret is rotated.
#[derive(Clone)]
pub struct HmacSigner {
    scheme: HmacScheme,
    secrets: Vec<HmacSecret>,
}

impl HmacSigner {
    /// A signer with one secret.
    #[must_use]
    pub fn new(scheme: HmacScheme, secret: HmacSecret) -> Self {
        Self { scheme, secrets: vec![secret] }
    }

    /// Adds a secret: the header then carries one more signature.
    #[must_use]
    pub fn with_additional_secret(mut self, secret: HmacSecret) -> Self {
        self.secrets.push(secret);
        self
    }

    /// The scheme.
    #[must_use]
    pub fn scheme(&self) -> &HmacScheme {
        &self.scheme
    }

    /// Produces the signature header value alone.
    ///
    /// `timestamp` (unix seconds) is used when the scheme signs one, `id` when it reads one.
    ///
    /// # Errors
    /// [`SignError::NegativeTimestamp`], [`SignError::MissingId`] (the scheme signs an id and
    /// `id` is `None`), [`SignError::MultipleSignaturesUnsupported`].
    pub fn signature_value(&self, body: &[u8], timestamp: i64, id: Option<&str>) -> Result<String, SignError> {
        let scheme = &self.scheme;
        let ts_text = if scheme.tolerance().is_some() {
            if timestamp < 0 {
                return Err(SignError::NegativeTimestamp);
            }
            Some(timestamp.to_string())
        } else {
            None
        };
        let signed_id = if scheme.id_is_signed() { Some(id.ok_or(SignError::MissingId)?) } else { None };
        let single = matches!(scheme.format(), SignatureFormat::Bare | SignatureFormat::Prefixed(_));
        if single && self.secrets.len() > 1 {
            return Err(SignError::MultipleSignaturesUnsupported);
        }
        let mut signatures = Vec::with_capacity(self.secrets.len());
        for secret in &self.secrets {
            let mac = compute_mac(scheme, secret, signed_id, ts_text.as_deref(), body)
                .map_err(|_| SignError::InvalidSecret)?;
            signatures.push(encoding::encode(scheme.encoding(), &mac));
        }
        let value = match scheme.format() {
            SignatureFormat::Prefixed(prefix) => format!("{prefix}{}", signatures.concat()),
            SignatureFormat::Stripe => {
                let mut value = format!("t={}", ts_text.as_deref().unwrap_or_default());
                for sig in &signatures {
                    value.push_str(",v1=");
                    value.push_str(sig);
                }
                value
            }
            SignatureFormat::StandardWebhooks => {
                signatures.iter().map(|sig| format!("v1,{sig}")).collect::<Vec<_>>().join(" ")
            }
            // Bare, and any future format: the signature alone.
            _ => signatures.concat(),
        };
        Ok(value)
    }

    /// Produces every header the sender adds: the signature, the timestamp header (if the
    /// scheme has one), and the id header (if the scheme reads one and `id` is given).
    ///
    /// # Errors
    /// As [`signature_value`](Self::signature_value), plus
    /// [`SignError::InvalidHeaderValue`] for an id that is not visible ASCII.
    pub fn sign(&self, body: &[u8], timestamp: i64, id: Option<&str>) -> Result<HeaderMap, SignError> {
        let scheme = &self.scheme;
        let mut headers = HeaderMap::new();
        let value = self.signature_value(body, timestamp, id)?;
        let sig_name = scheme.signature_header();
        headers.insert(sig_name.clone(), header_value(sig_name, &value)?);
        if let Some(ts_name) = scheme.timestamp_header() {
            headers.insert(ts_name.clone(), header_value(ts_name, &timestamp.to_string())?);
        }
        if let (Some(id_name), Some(id)) = (scheme.id_header(), id) {
            headers.insert(id_name.clone(), header_value(id_name, id)?);
        }
        Ok(headers)
    }
}

impl fmt::Debug for HmacSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HmacSigner").field("scheme", &self.scheme).field("secrets", &self.secrets.len()).finish()
    }
}

#[cfg(feature = "rsa-signing")]
mod rsa_signing {
    use std::fmt;

    use http::HeaderMap;
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    use rsa::pkcs1v15::SigningKey;
    use rsa::pkcs8::DecodePrivateKey as _;
    use rsa::signature::{SignatureEncoding as _, Signer as _};
    use sha2::{Sha256, Sha512};

    use super::header_value;
    use crate::error::RsaKeyParseInner;
    use crate::rsa_key::pem_label;
    use crate::{KeyError, RsaHash, RsaKeyFormat, RsaKeyParseError, RsaPublicKey, RsaScheme, SignError, encoding};

    enum Key {
        Sha256(SigningKey<Sha256>),
        Sha512(SigningKey<Sha512>),
    }

    /// Modulus size of the keys [`RsaSigner::generate`] makes: the smallest size hookbridge
    /// accepts by default, and the size of CHIP's webhook keys.
    pub const GENERATED_KEY_BITS: usize = 2048;

    /// The operating system's random number generator, for key generation; remembers the
    /// last failure so that it can be reported.
    #[derive(Default)]
    struct OsRandom {
        failure: Option<getrandom::Error>,
    }

    impl OsRandom {
        fn note<T>(&mut self, result: Result<T, getrandom::Error>) -> Result<T, getrandom::Error> {
            if let Err(e) = &result {
                self.failure = Some(*e);
            }
            result
        }
    }

    impl rsa::rand_core::TryRng for OsRandom {
        type Error = getrandom::Error;

        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            let result = getrandom::u32();
            self.note(result)
        }

        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            let result = getrandom::u64();
            self.note(result)
        }

        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            let result = getrandom::fill(dst);
            self.note(result)
        }
    }

    impl rsa::rand_core::TryCryptoRng for OsRandom {}

    fn generate_private_key() -> Result<rsa::PrivateKey, KeyError> {
        let mut rng = OsRandom::default();
        rsa::PrivateKey::new(&mut rng, GENERATED_KEY_BITS)
            .map_err(|_| rng.failure.map_or(KeyError::RsaKeyGeneration, KeyError::Randomness))
    }

    /// Generates a fresh 2048-bit RSA private key ([`GENERATED_KEY_BITS`]) as PKCS#8 PEM
    /// (`-----BEGIN PRIVATE KEY-----`), for a sender that keeps its throwaway key between runs
    /// and reads it back with [`RsaSigner::from_pem`]. The text is a private key: store it like
    /// a password (the caller owns it; it is not zeroized).
    ///
    /// ```
    /// use hookbridge_verify::{RsaHash, RsaScheme, sign::{RsaSigner, generate_rsa_private_key_pem}};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let pem = generate_rsa_private_key_pem()?;
    /// assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    /// let scheme = RsaScheme::new(http::HeaderName::from_static("x-signature"), RsaHash::Sha256);
    /// let signer = RsaSigner::from_pem(scheme, &pem)?;
    /// assert_eq!(signer.public_key().bits(), 2048);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`KeyError::Randomness`] if the system random number generator fails,
    /// [`KeyError::RsaKeyGeneration`] or [`KeyError::InvalidRsaKey`] otherwise.
    pub fn generate_rsa_private_key_pem() -> Result<String, KeyError> {
        use rsa::pkcs8::EncodePrivateKey as _;
        let pem =
            generate_private_key()?.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).map_err(|e| KeyError::InvalidRsaKey {
                format: RsaKeyFormat::Pkcs8PrivatePem,
                source: RsaKeyParseError(RsaKeyParseInner::Pkcs8(e)),
            })?;
        Ok(pem.as_str().to_owned())
    }

    /// Signs bodies with an RSA private key the way CHIP does (PKCS#1 v1.5 over the body's
    /// digest). For tests and simulators; needs the `rsa-signing` feature.
    ///
    /// `Debug` shows only the scheme.
    pub struct RsaSigner {
        scheme: RsaScheme,
        key: Key,
        public: RsaPublicKey,
    }

    impl RsaSigner {
        /// Parses a private key PEM: `PRIVATE KEY` (PKCS#8, what `openssl genpkey` writes)
        /// or `RSA PRIVATE KEY` (PKCS#1).
        ///
        /// # Errors
        /// [`KeyError::NotPem`], [`KeyError::UnsupportedPemLabel`], [`KeyError::InvalidRsaKey`].
        pub fn from_pem(scheme: RsaScheme, pem: &str) -> Result<Self, KeyError> {
            let pem = pem.trim();
            let private = match pem_label(pem).ok_or(KeyError::NotPem)? {
                "PRIVATE KEY" => rsa::PrivateKey::from_pkcs8_pem(pem).map_err(|e| KeyError::InvalidRsaKey {
                    format: RsaKeyFormat::Pkcs8PrivatePem,
                    source: RsaKeyParseError(RsaKeyParseInner::Pkcs8(e)),
                })?,
                "RSA PRIVATE KEY" => rsa::PrivateKey::from_pkcs1_pem(pem).map_err(|e| KeyError::InvalidRsaKey {
                    format: RsaKeyFormat::Pkcs1PrivatePem,
                    source: RsaKeyParseError(RsaKeyParseInner::Pkcs1(e)),
                })?,
                other => {
                    return Err(KeyError::UnsupportedPemLabel { label: other.to_owned() });
                }
            };
            Ok(Self::from_private(scheme, private))
        }

        /// Generates a fresh 2048-bit key pair ([`GENERATED_KEY_BITS`], public exponent 65537)
        /// from the operating system's randomness: a throwaway sender key for demos and
        /// tests, whose public half ([`public_key`](Self::public_key),
        /// [`RsaPublicKey::to_pem`]) configures the receiver. The private key never leaves
        /// the signer.
        ///
        /// ```
        /// use hookbridge_verify::{RsaHash, RsaScheme, RsaVerifier, sign::RsaSigner};
        ///
        /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
        /// let scheme = RsaScheme::new(http::HeaderName::from_static("x-signature"), RsaHash::Sha256);
        /// let signer = RsaSigner::generate(scheme.clone())?;
        /// let headers = signer.sign(b"{}")?;
        /// let verifier = RsaVerifier::with_key(scheme, signer.public_key().clone());
        /// assert!(verifier.verify(b"{}", &headers).is_ok());
        /// # Ok(())
        /// # }
        /// ```
        ///
        /// # Errors
        /// [`KeyError::Randomness`] if the system random number generator fails,
        /// [`KeyError::RsaKeyGeneration`] otherwise.
        pub fn generate(scheme: RsaScheme) -> Result<Self, KeyError> {
            Ok(Self::from_private(scheme, generate_private_key()?))
        }

        fn from_private(scheme: RsaScheme, private: rsa::PrivateKey) -> Self {
            let public = RsaPublicKey::from_inner(rsa::PublicKey::from(&private));
            let key = match scheme.hash() {
                RsaHash::Sha256 => Key::Sha256(SigningKey::new(private)),
                RsaHash::Sha512 => Key::Sha512(SigningKey::new(private)),
            };
            Self { scheme, key, public }
        }

        /// The matching public key, for building an [`RsaVerifier`](crate::RsaVerifier).
        #[must_use]
        pub fn public_key(&self) -> &RsaPublicKey {
            &self.public
        }

        /// The signature header value for `body`.
        ///
        /// # Errors
        /// [`SignError::RsaSigning`] if the private-key operation fails.
        pub fn signature_value(&self, body: &[u8]) -> Result<String, SignError> {
            let bytes = match &self.key {
                Key::Sha256(k) => k.try_sign(body).map_err(|_| SignError::RsaSigning)?.to_vec(),
                Key::Sha512(k) => k.try_sign(body).map_err(|_| SignError::RsaSigning)?.to_vec(),
            };
            Ok(encoding::encode(self.scheme.encoding(), &bytes))
        }

        /// The headers CHIP adds: the signature header.
        ///
        /// # Errors
        /// As [`signature_value`](Self::signature_value).
        pub fn sign(&self, body: &[u8]) -> Result<HeaderMap, SignError> {
            let name = self.scheme.header();
            let mut headers = HeaderMap::new();
            headers.insert(name.clone(), header_value(name, &self.signature_value(body)?)?);
            Ok(headers)
        }
    }

    impl fmt::Debug for RsaSigner {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("RsaSigner")
                .field("scheme", &self.scheme)
                .field("public_key", &self.public)
                .field("private_key", &"<redacted>")
                .finish()
        }
    }
}
