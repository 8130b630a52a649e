//! Bitnob's [`Descriptor`]: what the registry and the CLI know about this provider.
//!
//! Credentials: `BITNOB_CLIENT_ID` + `BITNOB_SECRET_KEY` select the documented HMAC request
//! signing (option `signing-scheme`: `colon-separated-hex`, the default, or
//! `concatenated-base64`); `BITNOB_API_KEY` alone selects the older bearer scheme, with a note
//! in the [`ClientSetup`].

use hookbridge_core::descriptor::{ClientSettings, ClientSetup, Credential, Descriptor, EventNames, SetupError};
use hookbridge_core::{Capabilities, ClientConfig, InvalidInput, ProviderId};

use crate::{BitnobAuth, BitnobClient, BitnobSigner, SigningScheme};

/// Bitnob's descriptor (register it in the provider registry).
pub static DESCRIPTOR: Bitnob = Bitnob;

/// Bitnob, the wallet-infrastructure API (see [`DESCRIPTOR`]).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct Bitnob;

/// The option naming the request-signing variant.
pub const SIGNING_SCHEME_OPTION: &str = "signing-scheme";

/// The note in the [`ClientSetup`] when the older bearer scheme is used.
pub const BEARER_NOTE: &str = "note: BITNOB_API_KEY / --api-key selects Bitnob's older bearer secret-key scheme; \
set BITNOB_CLIENT_ID and BITNOB_SECRET_KEY (or --client-id and --secret-key-file) for the documented HMAC request signing";

const CREDENTIALS: &[Credential] = &[
    Credential::public(
        "BITNOB_CLIENT_ID",
        "bitnob-client-id",
        "Bitnob client id for request signing (with the secret key)",
    )
    .overridden_by("client-id"),
    Credential::secret(
        "BITNOB_SECRET_KEY",
        "bitnob-secret-key",
        "Bitnob secret key for request signing (with the client id)",
    )
    .overridden_by("secret-key"),
    Credential::secret(
        "BITNOB_API_KEY",
        "bitnob-api-key",
        "Bitnob bearer key: the older scheme, used only without a client id and secret key",
    )
    .overridden_by("api-key"),
];

impl Descriptor for Bitnob {
    fn id(&self) -> ProviderId {
        crate::PROVIDER
    }

    fn display_name(&self) -> &'static str {
        "Bitnob"
    }

    fn summary(&self) -> &'static str {
        "wallets; snake_case, cursor-paged API"
    }

    fn capabilities(&self) -> Capabilities {
        crate::unified::capabilities()
    }

    fn default_base_url(&self) -> Option<&'static str> {
        Some(crate::DEFAULT_BASE_URL)
    }

    fn credentials(&self) -> &'static [Credential] {
        CREDENTIALS
    }

    /// Bitnob serves its catalogue at run time (`GET /webhooks/event-types`); the reference
    /// documents one example.
    fn events(&self) -> EventNames {
        EventNames::open(["transaction.confirmed"])
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let (client, notes) = client_from_settings(settings)?;
        let mut setup = ClientSetup::new(Box::new(client));
        setup.notes = notes;
        Ok(setup)
    }
}

/// The typed Bitnob client from `settings` (what [`Descriptor::client`] boxes), with the notes
/// for the user (the bearer-scheme note). For Bitnob-only operations such as delivery events.
///
/// # Errors
/// See [`Descriptor::client`]: incomplete signing credentials, no credentials, a bad option.
pub fn client_from_settings(settings: &ClientSettings) -> Result<(BitnobClient, Vec<String>), SetupError> {
    let descriptor = &DESCRIPTOR;
    let config = ClientConfig::new(settings.base_url_or_default(descriptor)?)?;
    let mut notes = Vec::new();
    let auth = match (settings.get("BITNOB_CLIENT_ID"), settings.get("BITNOB_SECRET_KEY")) {
        (Some(id), Some(secret)) => {
            let scheme = match settings.get_option(SIGNING_SCHEME_OPTION) {
                None | Some("colon-separated-hex") => SigningScheme::ColonSeparatedHex,
                Some("concatenated-base64") => SigningScheme::ConcatenatedBase64,
                Some(other) => {
                    return Err(InvalidInput::new(
                        SIGNING_SCHEME_OPTION,
                        format!("`{other}` is not a Bitnob signing scheme (colon-separated-hex, concatenated-base64)"),
                    )
                    .into());
                }
            };
            BitnobAuth::Signed(BitnobSigner::new(id.expose(), secret.clone(), scheme)?)
        }
        (Some(_), None) => {
            return Err(InvalidInput::new(
                "BITNOB_SECRET_KEY",
                "Bitnob request signing needs the secret key too: set BITNOB_SECRET_KEY (or pass --secret-key-file)",
            )
            .into());
        }
        (None, Some(_)) => {
            return Err(InvalidInput::new(
                "BITNOB_CLIENT_ID",
                "Bitnob request signing needs the client id too: set BITNOB_CLIENT_ID (or pass --client-id)",
            )
            .into());
        }
        (None, None) => {
            let key = settings.get("BITNOB_API_KEY").cloned().ok_or_else(|| {
                InvalidInput::new(
                    "credentials",
                    "no Bitnob credentials: set BITNOB_CLIENT_ID and BITNOB_SECRET_KEY (or pass --client-id and \
                     --secret-key-file); BITNOB_API_KEY selects the older bearer scheme",
                )
            })?;
            notes.push(BEARER_NOTE.to_owned());
            BitnobAuth::legacy_bearer(key)
        }
    };
    let client = BitnobClient::with_config(config, auth)?
        .allow_insecure_urls(settings.insecure_urls_allowed())
        .page_limits(settings.limits());
    Ok((client, notes))
}
