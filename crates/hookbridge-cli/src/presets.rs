//! Verification presets: which scheme a delivery is signed with, how its keys are read, and which
//! receiver pipeline ([`hookbridge_verify::receive`]) verifies, parses and dedupes it ([`Receiver`]).
//!
//! | preset | keys | provider contribution | replay key (signed data only) |
//! |---|---|---|---|
//! | `miex` | `--secret` (text) | `hookbridge_miex::MiexSpec` | digest of the body |
//! | `bitnob` / `bitnob-legacy` | `--secret` (text) | `hookbridge_bitnob::BitnobSpec` | body `event_id`, else digest of timestamp + body |
//! | `chip` | `--public-key` (PEM) | `hookbridge_chip::ChipSpec` | signed object state, else digest of the body |
//! | `chip-send` | `--public-key` (PEM) | generic (`hookbridge_chip::send_delivery_scheme`, `event_type` field) | digest of the body |
//! | `blaze` | `--secret` (the URL token) | `hookbridge_blaze::BlazeSpec` (token in the request URL) | digest of the body |
//! | `abbeycross-assumed` | `--secret` (the `apiSecretKey`) | `hookbridge_abbeycross::AbbeyCrossSpec` over the testkit's assumed scheme | digest of the body |
//! | `standard-webhooks` | `--secret` (`whsec_` base64) | generic (`type`) | the signed `webhook-id` |
//! | `stripe` | `--secret` (text) | generic (`type`, `id`, `data.object`) | the body's event `id`, else digest of timestamp + body |
//! | `github` | `--secret` (text) | generic (`X-GitHub-Event`, **unsigned**) | digest of the body (`X-GitHub-Delivery` is unsigned) |
//!
//! AbbeyCross documents no delivery signing scheme. `abbeycross-assumed` is the scheme the
//! testkit simulator *assumes* (`X-Hookbridge-Assumed-Signature: sha256=<hex HMAC-SHA256(apiSecretKey,
//! raw body)>`, see `hookbridge_testkit::abbeycross::assumed_delivery_scheme`), for demos and tests
//! only: confirm AbbeyCross's real scheme before relying on it.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::{Args, ValueEnum};
use hookbridge_abbeycross::AbbeyCrossSpec;
use hookbridge_bitnob::BitnobSpec;
use hookbridge_blaze::BlazeSpec;
use hookbridge_chip::ChipSpec;
use hookbridge_core::{Delivery, ProviderId, Secret, Subject, Timestamp};
use hookbridge_miex::MiexSpec;
use hookbridge_verify::receive::{
    DEFAULT_MAX_BODY_BYTES, DedupeStore, InMemoryDedupeStore, Incoming, Parsed, Pipeline, Receive, ReceiveError,
    ReceiveExt as _, ReceiverSpec, ReplayKey,
};
use hookbridge_verify::{
    DEFAULT_TOKEN_PARAM, HmacScheme, HmacSecret, HmacVerifier, KeyError, KeyRing, RsaPublicKey, RsaScheme, RsaVerifier,
    UrlToken, UrlTokenVerifier, Verified, Verifier,
};
use http::{HeaderMap, Method, StatusCode, Uri};
use serde_json::Value;

use crate::CliError;
use crate::output::DeliveryView;

/// The verification keys of `verify` and `listen`. Each flag may repeat: all keys form one key
/// ring (as during a secret rotation), and the output names the key that matched.
#[derive(Clone, Debug, Default, Args)]
pub struct KeyArgs {
    /// A signing secret (as text; for standard-webhooks the `whsec_...` base64 form; for blaze
    /// the URL token). Key id `secret-1`, `secret-2`, ... Prefer --secret-file: command lines
    /// are visible to other local users.
    #[arg(long = "secret", value_name = "S")]
    pub secrets: Vec<Secret>,
    /// A file holding a signing secret (trailing newline ignored). Key id: the path.
    #[arg(long = "secret-file", value_name = "F")]
    pub secret_files: Vec<std::path::PathBuf>,
    /// A PEM RSA public key (chip, chip-send). Key id: the path.
    #[arg(long = "public-key", value_name = "PEM_FILE")]
    pub public_keys: Vec<std::path::PathBuf>,
}

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
    /// AbbeyCross with the testkit's ASSUMED scheme (AbbeyCross documents none). Also
    /// accepted as `abbeycross`; the scheme stays an assumption.
    #[value(alias = "abbeycross")]
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
            Preset::Miex => Some(hookbridge_miex::PROVIDER),
            Preset::Bitnob | Preset::BitnobLegacy => Some(hookbridge_bitnob::PROVIDER),
            Preset::Chip | Preset::ChipSend => Some(hookbridge_chip::PROVIDER),
            Preset::Blaze => Some(hookbridge_blaze::PROVIDER),
            Preset::AbbeycrossAssumed => Some(hookbridge_abbeycross::PROVIDER),
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
            Preset::Miex => Some(hookbridge_miex::delivery_scheme()),
            Preset::Bitnob => Some(hookbridge_bitnob::delivery_scheme()),
            Preset::BitnobLegacy => Some(hookbridge_bitnob::legacy_delivery_scheme()),
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
            Preset::Chip => Some(hookbridge_chip::delivery_scheme()),
            Preset::ChipSend => Some(hookbridge_chip::send_delivery_scheme()),
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
/// none): the testkit's own definition, never a copy.
pub fn abbeycross_assumed_scheme() -> HmacScheme {
    hookbridge_testkit::abbeycross::assumed_delivery_scheme()
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

impl From<&ReceiveError> for Rejection {
    fn from(err: &ReceiveError) -> Self {
        Self { status: err.status(), reason: err.reason() }
    }
}

impl From<ReceiveError> for Rejection {
    fn from(err: ReceiveError) -> Self {
        Self::from(&err)
    }
}

/// How a [`Receiver`]'s pipeline is set up beyond its keys.
#[derive(Clone, Debug)]
pub struct ReceiverOptions {
    /// Timestamp tolerance for schemes that sign one (default: the scheme's, 5 minutes).
    pub tolerance: Option<Duration>,
    /// The dedupe store (default: a fresh in-memory store).
    pub store: Arc<dyn DedupeStore>,
    /// The largest body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for ReceiverOptions {
    fn default() -> Self {
        Self { tolerance: None, store: Arc::new(InMemoryDedupeStore::new()), max_body_bytes: DEFAULT_MAX_BODY_BYTES }
    }
}

impl ReceiverOptions {
    /// Default options with another tolerance.
    pub fn with_tolerance(tolerance: Option<Duration>) -> Self {
        Self { tolerance, ..Self::default() }
    }
}

/// One preset's receiver pipeline with a key ring, handing out [`DeliveryView`]s. Provider
/// presets use the provider crate's contribution (so a delivery is checked exactly as an
/// application would check it) and its conversion into the unified `Delivery`; the generic
/// presets use [`GenericSpec`].
pub struct Receiver {
    preset: Preset,
    verifier: Arc<dyn Verifier>,
    pipeline: Arc<dyn Receive<DeliveryView>>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").field("preset", &self.preset).finish_non_exhaustive()
    }
}

fn key_error(err: KeyError) -> CliError {
    CliError::usage(format!("invalid key: {}", crate::error_chain(&err)))
}

/// A provider spec's pipeline, its deliveries shown as [`DeliveryView`]s.
fn provider_pipeline<S>(preset: Preset, spec: S, options: &ReceiverOptions) -> Arc<dyn Receive<DeliveryView>>
where
    S: ReceiverSpec,
    S::Delivery: Into<Delivery>,
{
    let name = preset.name();
    let pipeline = Pipeline::new(spec).with_store(options.store.clone()).max_body_bytes(options.max_body_bytes);
    Arc::new(pipeline.map(move |d: S::Delivery| DeliveryView::from_delivery(name, d.into())))
}

impl Receiver {
    /// A receiver for `preset` with `keys` (one key ring), set up by `options`.
    pub fn for_preset(preset: Preset, keys: &[KeyMaterial], options: &ReceiverOptions) -> Result<Self, CliError> {
        if keys.is_empty() {
            let flags = match preset.key_kind() {
                KeyKind::Rsa => "--public-key PEM_FILE",
                _ => "--secret S or --secret-file F",
            };
            return Err(CliError::usage(format!("{} needs a verification key: pass {flags}", preset.name())));
        }
        let generic = |verifier: Arc<dyn Verifier>| -> Arc<dyn Receive<DeliveryView>> {
            let spec = GenericSpec { preset, verifier };
            Arc::new(Pipeline::new(spec).with_store(options.store.clone()).max_body_bytes(options.max_body_bytes))
        };
        let (verifier, pipeline): (Arc<dyn Verifier>, _) = match preset.key_kind() {
            KeyKind::HmacText | KeyKind::HmacStandardWebhooks => {
                let ring = hmac_ring(preset, keys)?;
                let mut scheme = match preset.hmac_scheme() {
                    Some(scheme) => scheme,
                    None => return Err(CliError::failed(format!("{} has no HMAC scheme", preset.name()))),
                };
                if let Some(t) = options.tolerance {
                    scheme = scheme.with_tolerance(t);
                }
                let verifier = HmacVerifier::new(scheme, ring).map_err(key_error)?;
                let pipeline = match preset {
                    Preset::Miex => provider_pipeline(preset, MiexSpec::with_verifier(verifier.clone()), options),
                    Preset::Bitnob | Preset::BitnobLegacy => {
                        provider_pipeline(preset, BitnobSpec::with_verifier(verifier.clone()), options)
                    }
                    Preset::AbbeycrossAssumed => {
                        provider_pipeline(preset, AbbeyCrossSpec::new(Arc::new(verifier.clone())), options)
                    }
                    _ => generic(Arc::new(verifier.clone())),
                };
                (Arc::new(verifier), pipeline)
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
                let scheme = match preset.rsa_scheme() {
                    Some(scheme) => scheme,
                    None => return Err(CliError::failed(format!("{} has no RSA scheme", preset.name()))),
                };
                let verifier = RsaVerifier::new(scheme, ring).map_err(key_error)?;
                let pipeline = match preset {
                    Preset::Chip => provider_pipeline(preset, ChipSpec::with_verifier(verifier.clone()), options),
                    _ => generic(Arc::new(verifier.clone())),
                };
                (Arc::new(verifier), pipeline)
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
                let pipeline = provider_pipeline(preset, BlazeSpec::new(verifier.clone()), options);
                (Arc::new(verifier), pipeline)
            }
        };
        Ok(Self { preset, verifier, pipeline })
    }

    /// The preset.
    pub fn preset(&self) -> Preset {
        self.preset
    }

    /// The pipeline (shared by `listen` with its application).
    pub fn pipeline(&self) -> &Arc<dyn Receive<DeliveryView>> {
        &self.pipeline
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
            .verifier
            .verify_request_at(uri, body, headers, now)
            .map_err(|e| Rejection::from(ReceiveError::Verification(e)))?;
        let mut view = DeliveryView::new(self.preset.name(), self.preset.provider_name(), Bytes::copy_from_slice(body));
        view.key_id = Some(verified.key_id().as_str().to_owned());
        view.delivery_id = verified.id().map(str::to_owned);
        view.occurred_at = verified.timestamp().and_then(|t| Timestamp::from_second(t).ok());
        view.signed_at = view.occurred_at;
        Ok(view)
    }

    /// Verifies, parses and reserves a delivery at `now` (unix seconds) through the pipeline,
    /// and marks it handled: the one-shot check of `hookbridge verify` (a fresh receiver has an
    /// empty store, so nothing is a duplicate).
    pub async fn check(
        &self,
        uri: &Uri,
        body: &[u8],
        headers: &HeaderMap,
        now: i64,
    ) -> Result<DeliveryView, Rejection> {
        let request = Incoming::new(Method::POST, uri.clone(), headers.clone(), Bytes::copy_from_slice(body));
        let (view, ticket) = self.pipeline.accept_at(request, now).await?.into_parts();
        ticket.complete().await.map_err(|e| Rejection::from(ReceiveError::Store(e)))?;
        Ok(view)
    }
}

/// The pipeline contribution of the presets without a hookbridge provider (`standard-webhooks`,
/// `stripe`, `github`, `chip-send`): the preset's verifier, a generic parser into a
/// [`DeliveryView`], and a replay key from signed data only.
#[derive(Debug)]
pub struct GenericSpec {
    preset: Preset,
    verifier: Arc<dyn Verifier>,
}

impl ReceiverSpec for GenericSpec {
    type Delivery = DeliveryView;

    fn provider(&self) -> &'static str {
        self.preset.name()
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        Ok(self.verifier.verify_request_at(&request.uri, &request.body, &request.headers, now)?)
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<DeliveryView>, ReceiveError> {
        let name = self.preset.name();
        let mut view = DeliveryView::new(name, self.preset.provider_name(), request.body.clone());
        view.key_id = Some(verified.key_id().as_str().to_owned());
        view.delivery_id = verified.id().map(str::to_owned);
        view.occurred_at = verified.timestamp().and_then(|t| Timestamp::from_second(t).ok());
        view.signed_at = view.occurred_at;
        let payload = &view.payload;
        let text = |v: &Value, field: &str| v.get(field).and_then(Value::as_str).map(str::to_owned);
        let mut key = ReplayKey::from_verified(name, &verified, &request.body)?;
        match self.preset {
            Preset::StandardWebhooks => {
                view.event_type = text(payload, "type");
                view.event_type_signed = view.event_type.is_some();
                if let Some(at) = text(payload, "timestamp").and_then(|t| t.parse::<Timestamp>().ok()) {
                    view.occurred_at = Some(at);
                }
            }
            Preset::Stripe => {
                view.event_type = text(payload, "type");
                view.event_type_signed = view.event_type.is_some();
                view.event_id = text(payload, "id");
                if let Some(id) = &view.event_id {
                    // Stripe's event id is in the signed body; retries re-sign it with a new timestamp.
                    key = ReplayKey::signed_id(name, "event", id)?;
                }
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
                // Not signed: GitHub sends the event name only in this header. Reported, marked
                // unsigned, never re-signed as if it were signed.
                view.event_type =
                    request.headers.get("x-github-event").and_then(|v| v.to_str().ok()).map(str::to_owned);
                view.event_type_signed = false;
            }
            _ => {
                view.event_type = text(payload, "event_type").or_else(|| text(payload, "type"));
                view.event_type_signed = view.event_type.is_some();
                view.event_id = text(payload, "id");
            }
        }
        view.replay_key = Some(key.to_string());
        Ok(Parsed::new(view, key))
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
    fn names_round_trip_through_clap() {
        for preset in Preset::ALL {
            assert_eq!(Preset::from_str(preset.name(), false).unwrap(), preset);
        }
    }

    #[test]
    fn a_missing_key_is_a_usage_error() {
        let err = Receiver::for_preset(Preset::Chip, &[], &ReceiverOptions::default()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("--public-key"));
        let err = Receiver::for_preset(
            Preset::Chip,
            &[KeyMaterial::secret("s", Secret::new("x"))],
            &ReceiverOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[tokio::test]
    async fn stripe_deliveries_are_normalised() {
        let secret = Secret::new("whsec_test");
        let receiver =
            Receiver::for_preset(Preset::Stripe, &[KeyMaterial::secret("k1", secret)], &ReceiverOptions::default())
                .unwrap();
        let body = br#"{"id":"evt_1","type":"charge.succeeded","created":1700000000,"data":{"object":{"object":"charge","id":"ch_1"}}}"#;
        let signer = HmacSigner::new(HmacScheme::stripe(), HmacSecret::from_str_bytes("whsec_test").unwrap());
        let headers = signer.sign(body, 1_700_000_010, None).unwrap();
        let view = receiver.check(&Uri::from_static("/"), body, &headers, 1_700_000_020).await.unwrap();
        assert_eq!(view.provider, "stripe");
        assert_eq!(view.event_type.as_deref(), Some("charge.succeeded"));
        assert_eq!(view.event_id.as_deref(), Some("evt_1"));
        assert_eq!(view.subject, Some(Subject::new("charge", "ch_1")));
        assert_eq!(view.key_id.as_deref(), Some("k1"));
        assert_eq!(view.replay_key.as_deref(), Some("stripe:event:evt_1"));
        // The same event again (Stripe re-signs retries with a new timestamp): a duplicate.
        let resigned = signer.sign(body, 1_700_000_015, None).unwrap();
        let err = receiver.check(&Uri::from_static("/"), body, &resigned, 1_700_000_020).await.unwrap_err();
        assert_eq!(err.status, StatusCode::OK);
        // Outside the tolerance.
        let err = receiver.check(&Uri::from_static("/"), body, &headers, 1_700_001_000).await.unwrap_err();
        assert_eq!(err.status, StatusCode::UNAUTHORIZED);
    }
}
