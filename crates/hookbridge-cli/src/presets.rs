//! Verification presets: which scheme a delivery is signed with, how its keys are read, and how a
//! verified delivery is normalised ([`Receiver`]).
//!
//! | preset | keys | verified and parsed by | normalised to |
//! |---|---|---|---|
//! | `miex` | `--secret` (text) | `hookbridge_miex::MiexReceiver` | unified `Delivery` |
//! | `bitnob` / `bitnob-legacy` | `--secret` (text) | `hookbridge_bitnob::BitnobReceiver` | unified `Delivery` |
//! | `chip` | `--public-key` (PEM) | `hookbridge_chip::ChipReceiver` | unified `Delivery` |
//! | `chip-send` | `--public-key` (PEM) | `RsaVerifier` (`RsaScheme::chip_send`) | generic (`event_type` field) |
//! | `blaze` | `--secret` (the URL token) | `hookbridge_blaze::BlazeReceiver` (token in the request URL) | unified `Delivery` |
//! | `abbeycross-assumed` | `--secret` (the `apiSecretKey`) | `hookbridge_abbeycross::AbbeyCrossReceiver` over [`abbeycross_assumed_scheme`] | unified `Delivery` |
//! | `standard-webhooks` | `--secret` (`whsec_` base64) | `HmacVerifier` | generic (`type`, `webhook-id`) |
//! | `stripe` | `--secret` (text) | `HmacVerifier` | generic (`type`, `id`, `data.object`) |
//! | `github` | `--secret` (text) | `HmacVerifier` | generic (`X-GitHub-Event`, `X-GitHub-Delivery`) |
//!
//! AbbeyCross documents no delivery signing scheme. `abbeycross-assumed` is the scheme the
//! testkit simulator *assumes* (`X-Signature: sha256=<hex HMAC-SHA256(apiSecretKey, raw body)>`),
//! for demos and tests only: confirm AbbeyCross's real scheme before relying on it.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::ValueEnum;
use hookbridge_abbeycross::AbbeyCrossReceiver;
use hookbridge_bitnob::BitnobReceiver;
use hookbridge_blaze::BlazeReceiver;
use hookbridge_chip::ChipReceiver;
use hookbridge_core::{Delivery, ProviderId, Secret, Subject, Timestamp};
use hookbridge_miex::MiexReceiver;
use hookbridge_verify::{
    DEFAULT_TOKEN_PARAM, DeliveryError, HmacScheme, HmacSecret, HmacVerifier, KeyError, KeyRing, RsaPublicKey,
    RsaScheme, RsaVerifier, SignatureFormat, UrlToken, UrlTokenVerifier, Verified, Verifier,
};
use http::{HeaderMap, HeaderName, StatusCode, Uri};
use serde_json::Value;

use crate::CliError;
use crate::cli::KeyArgs;
use crate::output::DeliveryView;

/// A signing scheme the CLI can verify (and, except `blaze`, sign).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ValueEnum)]
pub enum Preset {
    /// MIEX: `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secretKey, body)>`.
    Miex,
    /// Bitnob: `X-Bitnob-Signature` = hex HMAC-SHA256 of `timestamp.body`, `X-Bitnob-Timestamp`.
    Bitnob,
    /// Bitnob legacy: `x-bitnob-signature` = hex HMAC-SHA512 of the body.
    BitnobLegacy,
    /// CHIP Collect: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-256 of the body.
    Chip,
    /// CHIP Send: `X-Signature` = base64 RSA PKCS#1 v1.5 SHA-512 of the body.
    ChipSend,
    /// Standard Webhooks / Svix: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64>`.
    StandardWebhooks,
    /// Stripe: `Stripe-Signature: t=<ts>,v1=<hex>`.
    Stripe,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`.
    Github,
    /// BLAZE (signs nothing): a secret token in the callback URL's `hb_token` parameter.
    Blaze,
    /// AbbeyCross with the testkit's ASSUMED scheme (AbbeyCross documents none).
    AbbeycrossAssumed,
}

/// What kind of key a preset takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// An HMAC secret used as text.
    HmacText,
    /// A Standard Webhooks secret (`whsec_` + base64).
    HmacStandardWebhooks,
    /// An RSA key (public to verify, private to sign).
    Rsa,
    /// A URL token.
    UrlToken,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 10] = [
        Preset::Miex,
        Preset::Bitnob,
        Preset::BitnobLegacy,
        Preset::Chip,
        Preset::ChipSend,
        Preset::StandardWebhooks,
        Preset::Stripe,
        Preset::Github,
        Preset::Blaze,
        Preset::AbbeycrossAssumed,
    ];

    /// The name used on the command line (`bitnob-legacy`, `standard-webhooks`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Preset::Miex => "miex",
            Preset::Bitnob => "bitnob",
            Preset::BitnobLegacy => "bitnob-legacy",
            Preset::Chip => "chip",
            Preset::ChipSend => "chip-send",
            Preset::StandardWebhooks => "standard-webhooks",
            Preset::Stripe => "stripe",
            Preset::Github => "github",
            Preset::Blaze => "blaze",
            Preset::AbbeycrossAssumed => "abbeycross-assumed",
        }
    }

    /// The hookbridge provider the preset belongs to, if any.
    pub fn provider(self) -> Option<ProviderId> {
        match self {
            Preset::Miex => Some(ProviderId::Miex),
            Preset::Bitnob | Preset::BitnobLegacy => Some(ProviderId::Bitnob),
            Preset::Chip | Preset::ChipSend => Some(ProviderId::Chip),
            Preset::Blaze => Some(ProviderId::Blaze),
            Preset::AbbeycrossAssumed => Some(ProviderId::AbbeyCross),
            Preset::StandardWebhooks | Preset::Stripe | Preset::Github => None,
        }
    }

    /// The name shown as the delivery's provider: the hookbridge provider id, else the preset.
    pub fn provider_name(self) -> &'static str {
        self.provider().map_or(self.name(), ProviderId::as_str)
    }

    /// The kind of key the preset takes.
    pub fn key_kind(self) -> KeyKind {
        match self {
            Preset::Chip | Preset::ChipSend => KeyKind::Rsa,
            Preset::StandardWebhooks => KeyKind::HmacStandardWebhooks,
            Preset::Blaze => KeyKind::UrlToken,
            _ => KeyKind::HmacText,
        }
    }

    /// The HMAC scheme of an HMAC preset.
    pub fn hmac_scheme(self) -> Option<HmacScheme> {
        match self {
            Preset::Miex => Some(HmacScheme::miex()),
            Preset::Bitnob => Some(HmacScheme::bitnob()),
            Preset::BitnobLegacy => Some(HmacScheme::bitnob_legacy()),
            Preset::StandardWebhooks => Some(HmacScheme::standard_webhooks()),
            Preset::Stripe => Some(HmacScheme::stripe()),
            Preset::Github => Some(HmacScheme::github()),
            Preset::AbbeycrossAssumed => Some(abbeycross_assumed_scheme()),
            Preset::Chip | Preset::ChipSend | Preset::Blaze => None,
        }
    }

    /// The RSA scheme of an RSA preset.
    pub fn rsa_scheme(self) -> Option<RsaScheme> {
        match self {
            Preset::Chip => Some(RsaScheme::chip()),
            Preset::ChipSend => Some(RsaScheme::chip_send()),
            _ => None,
        }
    }

    /// Parses an HMAC secret the way this preset's provider uses it.
    pub fn hmac_secret(self, secret: &Secret) -> Result<HmacSecret, KeyError> {
        match self.key_kind() {
            KeyKind::HmacStandardWebhooks => HmacSecret::from_standard_webhooks(secret.expose()),
            _ => HmacSecret::from_str_bytes(secret.expose()),
        }
    }
}

/// The scheme the AbbeyCross simulator of `hookbridge-testkit` ASSUMES (AbbeyCross documents
/// none): `X-Signature: sha256=<hex HMAC-SHA256(apiSecretKey, raw body)>`, no timestamp, no id.
pub fn abbeycross_assumed_scheme() -> HmacScheme {
    HmacScheme::builder(HeaderName::from_static("x-signature"))
        .format(SignatureFormat::Prefixed("sha256=".into()))
        .build()
        // The description is consistent, so the builder accepts it; GitHub's preset has the same
        // layout under another header name.
        .unwrap_or_else(|_| HmacScheme::github())
}

/// One verification key, with the id reported when it matches.
#[derive(Clone, Debug)]
pub enum KeyMaterial {
    /// A secret (HMAC secret or URL token).
    Secret {
        /// Key id.
        id: String,
        /// The secret.
        value: Secret,
    },
    /// A PEM public key.
    PublicKey {
        /// Key id.
        id: String,
        /// The PEM text.
        pem: String,
    },
}

impl KeyMaterial {
    /// A secret with key id `id`.
    pub fn secret(id: impl Into<String>, value: Secret) -> Self {
        Self::Secret { id: id.into(), value }
    }

    /// A PEM public key with key id `id`.
    pub fn public_key(id: impl Into<String>, pem: impl Into<String>) -> Self {
        Self::PublicKey { id: id.into(), pem: pem.into() }
    }

    /// Reads `--secret` (ids `secret-1`, ...), `--secret-file` and `--public-key` (id: the path).
    pub fn load(args: &KeyArgs) -> Result<Vec<Self>, CliError> {
        let mut keys = Vec::new();
        for (i, s) in args.secrets.iter().enumerate() {
            keys.push(Self::secret(format!("secret-{}", i + 1), s.clone()));
        }
        for path in &args.secret_files {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("cannot read --secret-file {}: {e}", path.display())))?;
            let value = text.trim_end_matches(['\r', '\n']);
            keys.push(Self::secret(path.display().to_string(), Secret::new(value)));
        }
        for path in &args.public_keys {
            let pem = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("cannot read --public-key {}: {e}", path.display())))?;
            keys.push(Self::public_key(path.display().to_string(), pem));
        }
        Ok(keys)
    }

    fn id(&self) -> &str {
        match self {
            Self::Secret { id, .. } | Self::PublicKey { id, .. } => id,
        }
    }
}

/// Why a delivery was refused, and what to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The HTTP status a receiver answers (401 when verification failed).
    pub status: StatusCode,
    /// One line, without any secret or body content.
    pub reason: String,
}

impl From<DeliveryError> for Rejection {
    fn from(err: DeliveryError) -> Self {
        Self { status: err.http_status(), reason: crate::error_chain(&err) }
    }
}

enum Kind {
    Miex(MiexReceiver),
    Blaze(BlazeReceiver),
    Bitnob(BitnobReceiver),
    AbbeyCross(AbbeyCrossReceiver),
    Chip(ChipReceiver),
    /// Verified by a bare verifier; normalised generically.
    Generic(Arc<dyn Verifier>),
}

/// Verifies deliveries of one preset with a key ring, and normalises them into [`DeliveryView`]s.
/// Provider presets use the provider crate's typed receiver (so a delivery is checked exactly as
/// an application would check it) and its conversion into the unified `Delivery`.
pub struct Receiver {
    preset: Preset,
    kind: Kind,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").field("preset", &self.preset).finish_non_exhaustive()
    }
}

fn key_error(err: KeyError) -> CliError {
    CliError::usage(format!("invalid key: {}", crate::error_chain(&err)))
}

impl Receiver {
    /// A receiver for `preset` with `keys` (one key ring) and, for schemes that sign a timestamp,
    /// another tolerance than the default 5 minutes.
    pub fn for_preset(preset: Preset, keys: &[KeyMaterial], tolerance: Option<Duration>) -> Result<Self, CliError> {
        if keys.is_empty() {
            let flags = match preset.key_kind() {
                KeyKind::Rsa => "--public-key PEM_FILE",
                _ => "--secret S or --secret-file F",
            };
            return Err(CliError::usage(format!("{} needs a verification key: pass {flags}", preset.name())));
        }
        let kind = match preset.key_kind() {
            KeyKind::HmacText | KeyKind::HmacStandardWebhooks => {
                let ring = hmac_ring(preset, keys)?;
                let mut scheme = preset.hmac_scheme().unwrap_or_else(HmacScheme::github);
                if let Some(t) = tolerance {
                    scheme = scheme.with_tolerance(t);
                }
                let verifier = HmacVerifier::new(scheme, ring).map_err(key_error)?;
                match preset {
                    Preset::Miex => Kind::Miex(MiexReceiver::with_verifier(verifier)),
                    Preset::Bitnob | Preset::BitnobLegacy => Kind::Bitnob(BitnobReceiver::with_verifier(verifier)),
                    Preset::AbbeycrossAssumed => Kind::AbbeyCross(AbbeyCrossReceiver::new(Arc::new(verifier))),
                    _ => Kind::Generic(Arc::new(verifier)),
                }
            }
            KeyKind::Rsa => {
                let mut ring = KeyRing::new();
                for key in keys {
                    match key {
                        KeyMaterial::PublicKey { id, pem } => {
                            ring.push(id.as_str(), RsaPublicKey::from_pem(pem).map_err(key_error)?)
                        }
                        KeyMaterial::Secret { .. } => {
                            return Err(CliError::usage(format!(
                                "{} verifies with an RSA public key: pass --public-key PEM_FILE, not a secret",
                                preset.name()
                            )));
                        }
                    }
                }
                let scheme = preset.rsa_scheme().unwrap_or_else(RsaScheme::chip);
                let verifier = RsaVerifier::new(scheme, ring).map_err(key_error)?;
                match preset {
                    Preset::Chip => Kind::Chip(ChipReceiver::with_verifier(verifier)),
                    _ => Kind::Generic(Arc::new(verifier)),
                }
            }
            KeyKind::UrlToken => {
                let mut ring = KeyRing::new();
                for key in keys {
                    match key {
                        KeyMaterial::Secret { id, value } => {
                            ring.push(id.as_str(), UrlToken::from_string(value.expose()).map_err(key_error)?);
                        }
                        KeyMaterial::PublicKey { .. } => return Err(not_a_public_key(preset)),
                    }
                }
                let verifier = UrlTokenVerifier::new(DEFAULT_TOKEN_PARAM, ring).map_err(key_error)?;
                Kind::Blaze(BlazeReceiver::new(verifier))
            }
        };
        Ok(Self { preset, kind })
    }

    /// The preset.
    pub fn preset(&self) -> Preset {
        self.preset
    }

    fn verifier(&self) -> &dyn Verifier {
        match &self.kind {
            Kind::Miex(r) => r.verifier(),
            Kind::Blaze(r) => r.verifier(),
            Kind::Bitnob(r) => r.verifier(),
            Kind::AbbeyCross(r) => r.verifier(),
            Kind::Chip(r) => r.verifier(),
            Kind::Generic(v) => v,
        }
    }

    /// Checks only the signature (or URL token) at `now` (unix seconds), without parsing the
    /// body as the provider's delivery.
    pub fn verify_signature(
        &self,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<DeliveryView, Rejection> {
        let verified = self
            .verifier()
            .verify_request_at(uri, body, headers, now)
            .map_err(|e| Rejection::from(DeliveryError::Verification(e)))?;
        Ok(self.bare_view(&verified, body))
    }

    /// Verifies and parses a delivery at `now` (unix seconds), as the provider's receiver does,
    /// and normalises it.
    pub fn receive(&self, uri: &Uri, body: &[u8], headers: &HeaderMap, now: i64) -> Result<DeliveryView, Rejection> {
        let name = self.preset.name();
        let delivery: Delivery = match &self.kind {
            Kind::Miex(r) => r.receive_at(body, headers, now)?.into(),
            Kind::Blaze(r) => r.receive_at(uri, body, headers, now)?.into(),
            Kind::Bitnob(r) => r.receive_at(body, headers, now)?.into(),
            Kind::AbbeyCross(r) => r.receive_request_at(uri, body, headers, now)?.into(),
            Kind::Chip(r) => r.receive_at(body, headers, now)?.into(),
            Kind::Generic(v) => {
                let verified = v
                    .verify_request_at(uri, body, headers, now)
                    .map_err(|e| Rejection::from(DeliveryError::Verification(e)))?;
                return Ok(self.generic_view(&verified, body, headers));
            }
        };
        Ok(DeliveryView::from_delivery(name, delivery))
    }

    fn bare_view(&self, verified: &Verified, body: &[u8]) -> DeliveryView {
        let mut view = DeliveryView::new(self.preset.name(), self.preset.provider_name(), Bytes::copy_from_slice(body));
        view.key_id = Some(verified.key_id().as_str().to_owned());
        view.delivery_id = verified.id().map(str::to_owned);
        view.occurred_at = verified.timestamp().and_then(|t| Timestamp::from_second(t).ok());
        view
    }

    /// Normalises a delivery of a preset without a provider receiver.
    fn generic_view(&self, verified: &Verified, body: &[u8], headers: &HeaderMap) -> DeliveryView {
        let mut view = self.bare_view(verified, body);
        let payload = &view.payload;
        let text = |v: &Value, field: &str| v.get(field).and_then(Value::as_str).map(str::to_owned);
        match self.preset {
            Preset::StandardWebhooks => {
                view.event_type = text(payload, "type");
                if let Some(at) = text(payload, "timestamp").and_then(|t| t.parse::<Timestamp>().ok()) {
                    view.occurred_at = Some(at);
                }
            }
            Preset::Stripe => {
                view.event_type = text(payload, "type");
                view.event_id = text(payload, "id");
                if let Some(at) =
                    payload.get("created").and_then(Value::as_i64).and_then(|s| Timestamp::from_second(s).ok())
                {
                    view.occurred_at = Some(at);
                }
                let object = payload.get("data").and_then(|d| d.get("object"));
                if let Some((kind, id)) = object.and_then(|o| Some((text(o, "object")?, text(o, "id")?))) {
                    view.subject = Some(Subject::new(kind, id));
                }
            }
            Preset::Github => {
                // Not signed: GitHub sends the event name only in this header.
                view.event_type = headers.get("x-github-event").and_then(|v| v.to_str().ok()).map(str::to_owned);
            }
            _ => {
                view.event_type = text(payload, "event_type").or_else(|| text(payload, "type"));
                view.event_id = text(payload, "id");
            }
        }
        view
    }
}

fn not_a_public_key(preset: Preset) -> CliError {
    CliError::usage(format!("{} verifies with a secret (--secret / --secret-file), not --public-key", preset.name()))
}

fn hmac_ring(preset: Preset, keys: &[KeyMaterial]) -> Result<KeyRing<HmacSecret>, CliError> {
    let mut ring = KeyRing::new();
    for key in keys {
        match key {
            KeyMaterial::Secret { id, value } => {
                let secret = preset.hmac_secret(value).map_err(|e| {
                    CliError::usage(format!("invalid secret `{}` for {}: {}", key.id(), preset.name(), e))
                })?;
                ring.push(id.as_str(), secret);
            }
            KeyMaterial::PublicKey { .. } => return Err(not_a_public_key(preset)),
        }
    }
    Ok(ring)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use hookbridge_verify::sign::HmacSigner;

    use super::*;

    #[test]
    fn the_abbeycross_scheme_matches_the_testkit_assumption() {
        assert_eq!(abbeycross_assumed_scheme(), hookbridge_testkit::abbeycross::assumed_delivery_scheme());
    }

    #[test]
    fn names_round_trip_through_clap() {
        for preset in Preset::ALL {
            assert_eq!(Preset::from_str(preset.name(), false).unwrap(), preset);
        }
    }

    #[test]
    fn a_missing_key_is_a_usage_error() {
        let err = Receiver::for_preset(Preset::Chip, &[], None).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("--public-key"));
        let err = Receiver::for_preset(Preset::Chip, &[KeyMaterial::secret("s", Secret::new("x"))], None).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn stripe_deliveries_are_normalised() {
        let secret = Secret::new("whsec_test");
        let receiver = Receiver::for_preset(Preset::Stripe, &[KeyMaterial::secret("k1", secret)], None).unwrap();
        let body = br#"{"id":"evt_1","type":"charge.succeeded","created":1700000000,"data":{"object":{"object":"charge","id":"ch_1"}}}"#;
        let signer = HmacSigner::new(HmacScheme::stripe(), HmacSecret::from_str_bytes("whsec_test").unwrap());
        let headers = signer.sign(body, 1_700_000_010, None).unwrap();
        let view = receiver.receive(&Uri::from_static("/"), body, &headers, 1_700_000_020).unwrap();
        assert_eq!(view.provider, "stripe");
        assert_eq!(view.event_type.as_deref(), Some("charge.succeeded"));
        assert_eq!(view.event_id.as_deref(), Some("evt_1"));
        assert_eq!(view.subject, Some(Subject::new("charge", "ch_1")));
        assert_eq!(view.key_id.as_deref(), Some("k1"));
        // Outside the tolerance.
        let err = receiver.receive(&Uri::from_static("/"), body, &headers, 1_700_001_000).unwrap_err();
        assert_eq!(err.status, StatusCode::UNAUTHORIZED);
    }
}
