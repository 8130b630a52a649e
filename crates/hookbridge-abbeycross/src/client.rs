//! [`AbbeyCrossClient`] and its webhook resource.

use std::sync::Arc;

use hookbridge_core::auth::Bearer;
use hookbridge_core::{ClientConfig, HttpClient, InvalidInput, Request, Result, Secret};

use crate::error::decode_error;
use crate::model::{BodyFieldNames, RegisterWebhook, RegisterWebhookResponse};

/// A client for the AbbeyCross webhook endpoint.
///
/// AbbeyCross does not document its API host, so the base URL (everything before
/// `/v1/webhooks/register`) is required. The API token is sent as `Authorization: Bearer <token>`;
/// `Debug` never prints it. Non-2xx responses carry a typed [`crate::AbbeyCrossError`] body.
#[derive(Clone, Debug)]
pub struct AbbeyCrossClient {
    http: HttpClient,
    fields: BodyFieldNames,
}

impl AbbeyCrossClient {
    hookbridge_core::client_handle! {
        provider: crate::PROVIDER, credentials: Secret, base_url: required,
        new: {
            /// AbbeyCross publishes no host: pass everything before `/v1/webhooks/register`. The
            /// API token is refused (field `api_token`) when it is empty or cannot be sent in a
            /// header.
        },
        builder: {
            /// AbbeyCross publishes no host: set everything before `/v1/webhooks/register`.
        },
    }

    /// A client with explicit connection settings (timeouts, retries, a shared `reqwest::Client`).
    pub fn with_config(config: ClientConfig, api_token: Secret) -> Result<Self> {
        let auth = Bearer::new(&api_token).map_err(|e| InvalidInput::new("api_token", e.reason))?;
        let http = HttpClient::new(crate::PROVIDER, config, Arc::new(auth))?.with_error_decoder(decode_error);
        Ok(Self { http, fields: BodyFieldNames::default() })
    }

    /// Uses other JSON names for the register body's two fields (the documentation does not show
    /// them; the default, inferred names are `url` and `events`).
    pub fn with_body_field_names(mut self, names: BodyFieldNames) -> Self {
        self.fields = names;
        self
    }

    /// The register body's field names in use.
    pub fn body_field_names(&self) -> &BodyFieldNames {
        &self.fields
    }

    /// The webhook resource (`/v1/webhooks`).
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks { client: self }
    }
}

/// The `/v1/webhooks` resource of an [`AbbeyCrossClient`].
#[derive(Clone, Copy, Debug)]
pub struct Webhooks<'a> {
    client: &'a AbbeyCrossClient,
}

impl Webhooks<'_> {
    /// `POST {base}/v1/webhooks/register`: registers a webhook endpoint (201 on success).
    ///
    /// Returns `{message, apiSecretKey}`; store the secret. Refused before sending, with
    /// [`hookbridge_core::Error::InvalidInput`]: a non-HTTP(S) URL or an empty event name
    /// (see [`RegisterWebhook::validate`]). Errors carry an [`crate::AbbeyCrossError`] body; a 503
    /// is [`hookbridge_core::ApiErrorKind::Closed`]. Never retried automatically
    /// (AbbeyCross documents no idempotency key). If the response cannot be decoded, the decode
    /// error quotes the body with the `apiSecretKey` value redacted.
    pub async fn register(&self, request: &RegisterWebhook) -> Result<RegisterWebhookResponse> {
        request.validate()?;
        let body = request.to_body(&self.client.fields);
        let req = Request::post("register", ["v1", "webhooks", "register"]).json(&body)?;
        self.client.http.json(req).await
    }
}
