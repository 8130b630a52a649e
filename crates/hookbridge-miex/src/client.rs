//! [`MiexClient`] and its webhook resource.

use std::sync::Arc;

use hookbridge_core::auth::Bearer;
use hookbridge_core::{ClientConfig, HttpClient, InvalidInput, Request, Result, Secret};

use crate::key::{KeyKind, MiexApiKey};
use crate::model::{MiexWebhook, RegisterWebhook};

/// Why a public key cannot register webhooks (the reason of the [`InvalidInput`] returned).
pub const PUBLIC_KEY_READ_ONLY: &str =
    "a public pk_ key is read-only and cannot register webhooks; use an sk_branch_ or sk_personal_ key";

/// A client for the MIEX partner API's webhook endpoint.
///
/// MIEX documents no production host (its examples use the placeholder
/// `https://api.example.com/api/v1`), so the base URL — everything before `/partner/webhooks` — is
/// required. The API key is parsed into a [`MiexApiKey`] at construction, before any request;
/// it is sent as `Authorization: Bearer <key>`. `Debug` never prints the key.
#[derive(Clone, Debug)]
pub struct MiexClient {
    http: HttpClient,
    key_kind: KeyKind,
}

impl MiexClient {
    hookbridge_core::client_handle! {
        provider: crate::PROVIDER, credentials: Secret, base_url: required,
        new: {
            /// MIEX publishes no host: pass everything before `/partner/webhooks` (its examples use
            /// the placeholder `https://api.example.com/api/v1`). The API key is parsed into a
            /// [`MiexApiKey`] at construction, so a malformed key is refused before any request.
        },
        builder: {
            /// MIEX publishes no host: set everything before `/partner/webhooks`.
        },
    }

    /// A client with explicit connection settings (timeouts, retries, a shared `reqwest::Client`).
    pub fn with_config(config: ClientConfig, api_key: Secret) -> Result<Self> {
        Self::with_key(config, MiexApiKey::parse(api_key)?)
    }

    /// A client for an already parsed key.
    pub fn with_key(config: ClientConfig, api_key: MiexApiKey) -> Result<Self> {
        let auth = Bearer::new(api_key.secret())?;
        let http = HttpClient::new(crate::PROVIDER, config, Arc::new(auth))?;
        Ok(Self { http, key_kind: api_key.kind() })
    }

    /// The kind of key this client authenticates with.
    pub fn key_kind(&self) -> KeyKind {
        self.key_kind
    }

    /// The webhook resource (`/partner/webhooks`).
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }
}

/// The `/partner/webhooks` resource of a [`MiexClient`].
#[derive(Clone, Copy, Debug)]
pub struct Webhooks<'a> {
    client: &'a MiexClient,
}

impl Webhooks<'_> {
    /// `POST {base}/partner/webhooks`: registers a webhook endpoint.
    ///
    /// The response carries the signing secret ([`MiexWebhook::secret_key`]) — **the only time MIEX
    /// shows it**. Refused before sending, with [`hookbridge_core::Error::InvalidInput`]: a client
    /// built with a public `pk_` key (field `api_key`), a non-HTTP(S) URL, an empty event list or an
    /// undocumented event (see [`RegisterWebhook::validate`]).
    ///
    /// Not retried automatically: MIEX documents no idempotency key, so a repeated POST could
    /// register twice. If the response cannot be decoded, the decode error quotes the body with
    /// the `secretKey` value redacted.
    pub async fn register(&self, request: &RegisterWebhook) -> Result<MiexWebhook> {
        if !self.client.key_kind.can_write() {
            return Err(InvalidInput::new("api_key", PUBLIC_KEY_READ_ONLY).into());
        }
        request.validate()?;
        let req = Request::post("register", ["partner", "webhooks"]).json(request)?;
        self.client.http.json(req).await
    }
}
