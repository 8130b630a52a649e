//! Bitnob's [`Descriptor`] and [`Dialect`]: what the registry, the CLI and the adapters know about
//! this provider.
//!
//! Credentials: `BITNOB_CLIENT_ID` + `BITNOB_SECRET_KEY` select the documented HMAC request
//! signing (option `signing-scheme`, declared in [`OPTIONS`]: `colon-separated-hex`, the default, or
//! `concatenated-base64`); `BITNOB_API_KEY` alone selects the older bearer scheme, with a note
//! in the [`ClientSetup`].
//!
//! Its dialect: the webhook object is [`WebhookEndpoint`] (RFC 3339 timestamps; a create
//! response's one-time `signing_secret` is kept apart as the secret), the create request is
//! [`CreateWebhook`] (one `https` URL, an optional name, `event_types` omitted for every event).

use hookbridge_core::descriptor::{
    ClientOption, ClientSettings, ClientSetup, Credential, EventNames, NameField, ProviderInfo, SetupError, SpecRules,
    TimestampFormat, TypedDialect,
};
use hookbridge_core::extension::Extensions;
use hookbridge_core::{InvalidInput, Secret};

use crate::extensions::{BitnobDeliveryLog, BitnobEventCatalogue};
use crate::{BitnobAuth, BitnobClient, BitnobSigner, CreateWebhook, CreatedWebhook, SigningScheme, WebhookEndpoint};

/// The one event-type identifier Bitnob's reference shows (as the example of an event-type
/// object); the full list is served at run time by `GET /webhooks/event-types`.
pub const DOCUMENTED_EVENT_EXAMPLE: &str = "transaction.confirmed";

/// The option naming the request-signing variant.
pub const SIGNING_SCHEME_OPTION: &str = "signing-scheme";

/// The client options: the request-signing variant ([`SIGNING_SCHEME_OPTION`], the CLI's
/// `--signing-scheme`), `colon-separated-hex` unless set.
pub const OPTIONS: &[ClientOption] = &[ClientOption::new(
    SIGNING_SCHEME_OPTION,
    "Which of Bitnob's two documented signing variants to use",
    &[
        ("colon-separated-hex", "hex HMAC-SHA256 of `CLIENT_ID:TIMESTAMP:NONCE:BODY` (bitnob.dev)"),
        ("concatenated-base64", "base64 HMAC-SHA256 of `clientId + METHOD + path + timestamp + body`"),
    ],
)
.value_name("VARIANT")
.default_value("colon-separated-hex")];

/// The signing scheme an [`OPTIONS`] value names.
fn signing_scheme(value: &str) -> Option<SigningScheme> {
    match value {
        "colon-separated-hex" => Some(SigningScheme::ColonSeparatedHex),
        "concatenated-base64" => Some(SigningScheme::ConcatenatedBase64),
        _ => None,
    }
}

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

hookbridge_core::descriptor! {
    /// Bitnob, the wallet-infrastructure API (see [`DESCRIPTOR`]).
    pub struct Bitnob = ProviderInfo::new(crate::PROVIDER, "Bitnob", "wallets; snake_case, cursor-paged API")
        .capabilities(crate::unified::CAPABILITIES)
        .default_base_url(crate::DEFAULT_BASE_URL)
        .credentials(CREDENTIALS)
        .extensions(Extensions::NONE.delivery_log().event_catalogue())
        .options(OPTIONS);
    dialect;

    /// Bitnob serves its catalogue at run time (`GET /webhooks/event-types`, see
    /// [`crate::Webhooks::event_types`]); the reference documents one example. Its groups are the
    /// categories that list states (`wallet`, `security`, `compliance`), not name prefixes.
    fn events(&self) -> EventNames {
        EventNames::open([DOCUMENTED_EVENT_EXAMPLE])
            .describe([(
                DOCUMENTED_EVENT_EXAMPLE,
                "The reference's example of an event-type identifier; the full list is served by GET /webhooks/event-types.",
            )])
            .grouped_by_prefix(false)
    }

    fn client(&self, settings: &ClientSettings) -> Result<ClientSetup, SetupError> {
        let (client, notes) = client_from_settings(settings)?;
        let mut setup = ClientSetup::new(Box::new(client.clone()))
            .delivery_log(Box::new(BitnobDeliveryLog::new(client.clone())))
            .event_catalogue(Box::new(BitnobEventCatalogue::new(client)));
        setup.notes = notes;
        Ok(setup)
    }
}

impl TypedDialect for Bitnob {
    /// A [`WebhookEndpoint`], or a create response (a [`CreatedWebhook`]: the webhook plus its
    /// `signing_secret`, the secret kept apart).
    type Object = CreatedWebhook;
    /// The webhook object (the signing secret is never part of it).
    type Written = WebhookEndpoint;
    type Request = CreateWebhook;

    /// An optional name; "all events" is native (`event_types` omitted); at least one event in a list.
    fn spec_rules(&self) -> SpecRules {
        SpecRules::new().name(NameField::Optional).requires_event()
    }

    fn timestamp_format(&self) -> Option<TimestampFormat> {
        Some(TimestampFormat::Rfc3339)
    }

    fn secret_slot(created: &mut CreatedWebhook) -> Option<&mut Option<Secret>> {
        Some(&mut created.signing_secret)
    }

    /// The client's checks: an `https` URL (unless `allow_insecure_urls`), a non-empty event list
    /// when one is given, well-formed event names.
    fn check(&self, request: &CreateWebhook, allow_insecure_urls: bool) -> Result<(), InvalidInput> {
        request.validate(allow_insecure_urls)
    }
}

/// The typed Bitnob client from `settings` (what [`Descriptor::client`] boxes), with the notes
/// for the user (the bearer-scheme note). For Bitnob-only operations such as delivery events.
///
/// # Errors
/// See [`Descriptor::client`]: incomplete signing credentials, no credentials, a bad option.
pub fn client_from_settings(settings: &ClientSettings) -> Result<(BitnobClient, Vec<String>), SetupError> {
    let descriptor = &DESCRIPTOR;
    // A bad option value is refused whichever credentials are set.
    settings.check_options(descriptor)?;
    let config = settings.client_config(descriptor)?;
    let mut notes = Vec::new();
    let auth = match (settings.get("BITNOB_CLIENT_ID"), settings.get("BITNOB_SECRET_KEY")) {
        (Some(id), Some(secret)) => {
            let value = settings.option_value(descriptor, SIGNING_SCHEME_OPTION)?.unwrap_or("colon-separated-hex");
            let scheme = signing_scheme(value).ok_or_else(|| {
                InvalidInput::new(SIGNING_SCHEME_OPTION, format!("`{value}` names no Bitnob signing scheme"))
            })?;
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use hookbridge_core::descriptor::Descriptor;

    use super::*;

    fn signed() -> ClientSettings {
        ClientSettings::new()
            .credential("BITNOB_CLIENT_ID", Secret::new("client-1"))
            .credential("BITNOB_SECRET_KEY", Secret::new("secret-1"))
    }

    #[test]
    fn the_signing_scheme_option_is_declared_with_every_variant() {
        assert_eq!(DESCRIPTOR.options(), OPTIONS);
        let option = &OPTIONS[0];
        assert_eq!((option.name, option.flag, option.value_name), ("signing-scheme", "signing-scheme", "VARIANT"));
        assert_eq!(option.value_names().collect::<Vec<_>>(), ["colon-separated-hex", "concatenated-base64"]);
        assert_eq!(option.default, Some("colon-separated-hex"));
        for value in option.value_names() {
            assert!(signing_scheme(value).is_some(), "{value} names a scheme");
            assert!(DESCRIPTOR.client(&signed().option(SIGNING_SCHEME_OPTION, value)).is_ok(), "{value}");
        }
        assert!(DESCRIPTOR.client(&signed()).is_ok(), "the default");
    }

    #[test]
    fn an_unknown_signing_scheme_is_refused_whatever_the_credentials() {
        let bearer = ClientSettings::new().credential("BITNOB_API_KEY", Secret::new("key"));
        for settings in [signed(), bearer] {
            let err = DESCRIPTOR.client(&settings.option(SIGNING_SCHEME_OPTION, "sha1")).err().unwrap();
            let SetupError::InvalidOption { option, value, allowed, .. } = &err else { panic!("{err:?}") };
            assert_eq!((*option, value.as_str()), ("signing-scheme", "sha1"));
            assert_eq!(allowed, &["colon-separated-hex", "concatenated-base64"]);
            assert_eq!(
                err.to_string(),
                "bitnob option signing-scheme: `sha1` is not one of colon-separated-hex, concatenated-base64"
            );
        }
    }
}
