//! Verification presets: which scheme a delivery is signed with, how its keys are read, and which
//! receiver pipeline ([`hookbridge_verify::receive`]) verifies, parses and dedupes it ([`Receiver`]).
//!
//! The presets come from the provider registry ([`hookbridge_adapters::registry::presets`]): each
//! provider crate registers its own (`hookbridge_miex::PRESETS`, …) and the external standards
//! (`standard-webhooks`, `github`) come from [`hookbridge_adapters::standards`]. `hookbridge
//! verify --help` lists them with their schemes; nothing here names a provider.
//!
//! A preset marked *assumed* (AbbeyCross's: AbbeyCross documents no delivery signing scheme)
//! verifies the scheme the testkit's simulator assumes — for demos and tests only.

use std::sync::Arc;

use bytes::Bytes;
use clap::Args;
use hookbridge_core::{Delivery, ProviderId, Secret, Timestamp};
use hookbridge_verify::Verifier;
pub use hookbridge_verify::preset::{KeyKind, KeyMaterial, ReceiverSettings};
use hookbridge_verify::preset::{PresetError, PresetVerifier};
use hookbridge_verify::receive::{Incoming, Receive, ReceiveError, ReceiveExt as _};
use http::{HeaderMap, Method, StatusCode, Uri};

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

/// A registered receiving preset, as chosen on the command line (`--provider miex`).
/// Dereferences to the registry's [`hookbridge_verify::preset::Preset`].
#[derive(Clone, Copy)]
pub struct Preset(&'static hookbridge_verify::preset::Preset<Delivery>);

impl std::fmt::Debug for Preset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name())
    }
}

impl PartialEq for Preset {
    fn eq(&self, other: &Self) -> bool {
        self.0.name() == other.0.name()
    }
}

impl Eq for Preset {}

impl std::ops::Deref for Preset {
    type Target = hookbridge_verify::preset::Preset<Delivery>;

    fn deref(&self) -> &Self::Target {
        self.0
    }
}

impl From<&'static hookbridge_verify::preset::Preset<Delivery>> for Preset {
    fn from(preset: &'static hookbridge_verify::preset::Preset<Delivery>) -> Self {
        Self(preset)
    }
}

impl Preset {
    /// The registered preset named `name` (or one of its aliases).
    pub fn find(name: &str) -> Option<Self> {
        hookbridge_adapters::registry::preset(name).map(Self)
    }

    /// Every registered preset, in registry order.
    pub fn all() -> impl Iterator<Item = Self> {
        hookbridge_adapters::registry::presets().map(Self)
    }

    /// The registry's preset.
    pub fn get(self) -> &'static hookbridge_verify::preset::Preset<Delivery> {
        self.0
    }
}

/// The `--provider` values of `verify`, `listen`, `sign` and `trigger`: every registered
/// preset (and its aliases), each with its scheme in `--help`.
pub fn preset_parser() -> impl clap::builder::TypedValueParser<Value = Preset> {
    use clap::builder::TypedValueParser as _;
    let values = Preset::all().map(|p| {
        let help = if p.is_assumed() { format!("{} (assumed scheme)", p.summary()) } else { p.summary().to_owned() };
        clap::builder::PossibleValue::new(p.name()).aliases(p.alias_names().iter().copied()).help(help)
    });
    clap::builder::PossibleValuesParser::new(values)
        .try_map(|name: String| Preset::find(&name).ok_or_else(|| CliError::usage(format!("unknown preset `{name}`"))))
}

/// Reads `--secret` (ids `secret-1`, ...), `--secret-file` and `--public-key` (id: the path).
pub fn load_keys(args: &KeyArgs) -> Result<Vec<KeyMaterial>, CliError> {
    let mut keys = Vec::new();
    for (i, s) in args.secrets.iter().enumerate() {
        keys.push(KeyMaterial::secret(format!("secret-{}", i + 1), s.expose()));
    }
    for path in &args.secret_files {
        let text = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read --secret-file {}: {e}", path.display())))?;
        keys.push(KeyMaterial::secret(path.display().to_string(), text.trim_end_matches(['\r', '\n'])));
    }
    for path in &args.public_keys {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read --public-key {}: {e}", path.display())))?;
        keys.push(KeyMaterial::public_key(path.display().to_string(), pem));
    }
    Ok(keys)
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

/// One preset's receiver pipeline with a key ring, handing out [`DeliveryView`]s: the
/// provider crate's own receiver (so a delivery is checked exactly as an application would check
/// it) and its unified `Delivery`.
pub struct Receiver {
    preset: Preset,
    provider: ProviderId,
    verifier: Arc<dyn Verifier>,
    pipeline: Arc<dyn Receive<DeliveryView>>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").field("preset", &self.preset).finish_non_exhaustive()
    }
}

fn preset_error(preset: Preset, err: &PresetError) -> CliError {
    match err {
        PresetError::NoKey { .. } => {
            let flags =
                if preset.key_kind().is_secret() { "--secret S or --secret-file F" } else { "--public-key PEM_FILE" };
            CliError::usage(format!("{} needs a verification key: pass {flags}", preset.name()))
        }
        PresetError::WrongKeyKind { .. } if preset.key_kind().is_secret() => CliError::usage(format!(
            "{} verifies with a secret (--secret / --secret-file), not --public-key",
            preset.name()
        )),
        PresetError::WrongKeyKind { .. } => CliError::usage(format!(
            "{} verifies with an RSA public key: pass --public-key PEM_FILE, not a secret",
            preset.name()
        )),
        PresetError::InvalidKey { .. } => CliError::usage(format!("invalid key: {}", crate::error_chain(err))),
        _ => CliError::failed(crate::error_chain(err)),
    }
}

impl Receiver {
    /// A receiver for `preset` with `keys` (one key ring), set up by `settings`.
    pub fn for_preset(preset: Preset, keys: &[KeyMaterial], settings: &ReceiverSettings) -> Result<Self, CliError> {
        let (verifier, pipeline) =
            preset.receiver_with_verifier(keys, settings).map_err(|e| preset_error(preset, &e))?;
        let provider = ProviderId::parse(preset.provider())
            .map_err(|e| CliError::failed(format!("preset {}: {}", preset.name(), crate::error_chain(&e))))?;
        let name = preset.name();
        let pipeline: Arc<dyn Receive<DeliveryView>> =
            Arc::new(pipeline.map(move |d: Delivery| DeliveryView::from_delivery(name, d)));
        Ok(Self { preset, provider, verifier: PresetVerifier::as_verifier(&verifier), pipeline })
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
        let mut view = DeliveryView::unparsed(self.preset.name(), self.provider, Bytes::copy_from_slice(body));
        view.delivery.key_id = Some(verified.key_id().as_str().to_owned());
        view.delivery.delivery_id = verified.id().map(str::to_owned);
        view.delivery.occurred_at = verified.timestamp().and_then(|t| Timestamp::from_second(t).ok());
        view.delivery.signed_at = view.delivery.occurred_at;
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use hookbridge_core::Subject;
    use hookbridge_verify::sign::HmacSigner;
    use hookbridge_verify::{HmacScheme, HmacSecret};

    use super::*;

    fn preset(name: &str) -> Preset {
        Preset::find(name).unwrap()
    }

    #[test]
    fn every_registered_preset_and_alias_parses_through_clap() {
        use clap::builder::TypedValueParser as _;
        let cmd = clap::Command::new("t");
        let parser = preset_parser();
        for p in Preset::all() {
            for name in std::iter::once(p.name()).chain(p.alias_names().iter().copied()) {
                let parsed = parser.parse_ref(&cmd, None, std::ffi::OsStr::new(name)).unwrap();
                assert_eq!(parsed, p, "{name}");
            }
        }
        assert!(parser.parse_ref(&cmd, None, std::ffi::OsStr::new("nope")).is_err());
    }

    #[test]
    fn a_missing_or_wrong_key_is_a_usage_error() {
        let rsa = Preset::all().find(|p| p.key_kind() == KeyKind::Rsa).unwrap();
        let err = Receiver::for_preset(rsa, &[], &ReceiverSettings::default()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("--public-key"), "{}", err.message());
        let err =
            Receiver::for_preset(rsa, &[KeyMaterial::secret("s", "x")], &ReceiverSettings::default()).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.message().contains("not a secret"), "{}", err.message());
        let hmac = Preset::all().find(|p| p.key_kind() == KeyKind::HmacText).unwrap();
        let err = Receiver::for_preset(hmac, &[], &ReceiverSettings::default()).unwrap_err();
        assert!(err.message().contains("--secret"), "{}", err.message());
        let err = Receiver::for_preset(hmac, &[KeyMaterial::public_key("pem", "x")], &ReceiverSettings::default())
            .unwrap_err();
        assert!(err.message().contains("not --public-key"), "{}", err.message());
    }

    #[tokio::test]
    async fn stripe_deliveries_are_normalised() {
        let keys = [KeyMaterial::secret("k1", "whsec_test")];
        let receiver = Receiver::for_preset(preset("stripe"), &keys, &ReceiverSettings::default()).unwrap();
        let body = br#"{"id":"evt_1","object":"event","api_version":"2024-06-20","type":"charge.succeeded","created":1700000000,"livemode":false,"data":{"object":{"object":"charge","id":"ch_1"}}}"#;
        let signer = HmacSigner::new(HmacScheme::stripe(), HmacSecret::from_str_bytes("whsec_test").unwrap());
        let headers = signer.sign(body, 1_700_000_010, None).unwrap();
        let view = receiver.check(&Uri::from_static("/"), body, &headers, 1_700_000_020).await.unwrap();
        assert_eq!(view.delivery.provider, "stripe");
        assert_eq!(view.delivery.event_type.as_ref().map(|e| e.as_str()), Some("charge.succeeded"));
        assert_eq!(view.delivery.event_id.as_deref(), Some("evt_1"));
        assert_eq!(view.delivery.subject, Some(Subject::new("charge", "ch_1")));
        assert_eq!(view.delivery.key_id.as_deref(), Some("k1"));
        assert_eq!(view.delivery.replay_key.as_deref(), Some("stripe:event:evt_1"));
        // The same event again (Stripe re-signs retries with a new timestamp): a duplicate.
        let resigned = signer.sign(body, 1_700_000_015, None).unwrap();
        let err = receiver.check(&Uri::from_static("/"), body, &resigned, 1_700_000_020).await.unwrap_err();
        assert_eq!(err.status, StatusCode::OK);
        // Outside the tolerance.
        let err = receiver.check(&Uri::from_static("/"), body, &headers, 1_700_001_000).await.unwrap_err();
        assert_eq!(err.status, StatusCode::UNAUTHORIZED);
    }
}
