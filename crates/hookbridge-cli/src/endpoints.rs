//! The management commands: `endpoints` (through the unified [`Webhook`] trait), `events` and
//! `event-types` (Bitnob), `public-key` (CHIP).
//!
//! Credentials come from `--api-key` / `--developer-key` or the environment ([`ENV_VARS`]) and are
//! held as [`Secret`]s: never printed, never part of an error message. An operation the provider
//! does not document exits 1 with one line naming the provider and the operation, before any
//! request is sent.

use std::io::{IsTerminal as _, Write};

use futures_util::StreamExt as _;
use hookbridge_abbeycross::AbbeyCrossClient;
use hookbridge_bitnob::{
    BitnobAuth, BitnobClient, BitnobSigner, DeliveryStatus, ListEventsOptions, SigningScheme, WebhookId,
};
use hookbridge_blaze::{BlazeClient, BlazeKeys};
use hookbridge_chip::ChipClient;
use hookbridge_core::PageLimits;
use hookbridge_core::{
    Capabilities, ClientConfig, DeliveryUrl, Endpoint, EndpointId, EndpointSpec, EndpointUpdate, EventSelection,
    EventType, ListFilter, Operation, ProviderId, Secret, Webhook,
};
use hookbridge_miex::MiexClient;
use serde_json::{Value, json};

use crate::CliError;
use crate::cli::{
    BitnobSigning, ConnectionArgs, EndpointAction, EndpointsArgs, EventAction, EventTypesArgs, EventsArgs,
    PublicKeyArgs, TableOrJson,
};
use crate::output::{
    Table, endpoint_pairs, endpoints_table, redact_endpoint_json, write_json, write_json_line, write_json_lines,
    write_pairs,
};

/// The environment variables holding each provider's credentials (Bitnob: the client id and
/// secret key for request signing, or the older bearer key).
pub const ENV_VARS: [(ProviderId, &[&str]); 5] = [
    (ProviderId::Miex, &["MIEX_API_KEY"]),
    (ProviderId::Blaze, &["BLAZE_PARTNER_KEY", "BLAZE_DEVELOPER_KEY"]),
    (ProviderId::Bitnob, &["BITNOB_CLIENT_ID", "BITNOB_SECRET_KEY", "BITNOB_API_KEY"]),
    (ProviderId::AbbeyCross, &["ABBEYCROSS_API_TOKEN"]),
    (ProviderId::Chip, &["CHIP_API_KEY"]),
];

/// The flag's value, else the environment variable's (an empty variable counts as unset).
fn credential(flag: Option<&Secret>, env: &str, provider: ProviderId, flag_name: &str) -> Result<Secret, CliError> {
    if let Some(secret) = flag {
        return Ok(secret.clone());
    }
    match std::env::var(env) {
        Ok(value) if !value.is_empty() => Ok(Secret::new(value)),
        _ => {
            Err(CliError::usage(format!("no {} credentials: set {env} (or pass {flag_name})", provider.display_name())))
        }
    }
}

fn config(conn: &ConnectionArgs, provider: ProviderId, default: Option<&str>) -> Result<ClientConfig, CliError> {
    let base = match (&conn.base_url, default) {
        (Some(url), _) => url.as_str(),
        (None, Some(default)) => default,
        (None, None) => {
            return Err(CliError::usage(format!(
                "{} documents no API host: pass --base-url URL",
                provider.display_name()
            )));
        }
    };
    ClientConfig::new(base).map_err(|e| CliError::usage(e.to_string()))
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The note printed on stderr when a Bitnob bearer key is used.
pub const BITNOB_BEARER_NOTE: &str = "note: BITNOB_API_KEY / --api-key selects Bitnob's older bearer secret-key scheme; \
set BITNOB_CLIENT_ID and BITNOB_SECRET_KEY (or --client-id and --secret-key-file) for the documented HMAC request signing";

/// How the CLI authenticates to Bitnob: request signing when a client id and secret key are
/// given (flags, then `BITNOB_CLIENT_ID` / `BITNOB_SECRET_KEY`); otherwise, explicitly, the older
/// bearer scheme with `--api-key` / `BITNOB_API_KEY` (a note on stderr says so).
pub fn bitnob_auth(conn: &ConnectionArgs) -> Result<BitnobAuth, CliError> {
    let client_id = conn.client_id.clone().or_else(|| env_nonempty("BITNOB_CLIENT_ID"));
    let secret_key = match &conn.secret_key_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| CliError::usage(format!("cannot read --secret-key-file {}: {e}", path.display())))?;
            Some(Secret::new(text.trim_end_matches(['\r', '\n'])))
        }
        None => env_nonempty("BITNOB_SECRET_KEY").map(Secret::new),
    };
    match (client_id, secret_key) {
        (Some(id), Some(secret)) => {
            let scheme = match conn.signing_scheme {
                BitnobSigning::ColonSeparatedHex => SigningScheme::ColonSeparatedHex,
                BitnobSigning::ConcatenatedBase64 => SigningScheme::ConcatenatedBase64,
            };
            let signer = BitnobSigner::new(id, secret, scheme).map_err(|e| CliError::usage(e.to_string()))?;
            Ok(BitnobAuth::Signed(signer))
        }
        (Some(_), None) => Err(CliError::usage(
            "Bitnob request signing needs the secret key too: set BITNOB_SECRET_KEY (or pass --secret-key-file)",
        )),
        (None, Some(_)) => Err(CliError::usage(
            "Bitnob request signing needs the client id too: set BITNOB_CLIENT_ID (or pass --client-id)",
        )),
        (None, None) => {
            let key =
                conn.api_key.clone().or_else(|| env_nonempty("BITNOB_API_KEY").map(Secret::new)).ok_or_else(|| {
                    CliError::usage(
                        "no Bitnob credentials: set BITNOB_CLIENT_ID and BITNOB_SECRET_KEY (or pass --client-id and \
                         --secret-key-file); BITNOB_API_KEY selects the older bearer scheme",
                    )
                })?;
            eprintln!("{BITNOB_BEARER_NOTE}");
            Ok(BitnobAuth::legacy_bearer(key))
        }
    }
}

/// A Bitnob client from the connection flags (see [`bitnob_auth`]).
pub fn bitnob_client(conn: &ConnectionArgs) -> Result<BitnobClient, CliError> {
    let auth = bitnob_auth(conn)?;
    let config = config(conn, ProviderId::Bitnob, Some(hookbridge_bitnob::DEFAULT_BASE_URL))?;
    Ok(BitnobClient::with_config(config, auth)?
        .allow_insecure_urls(conn.allow_insecure_urls)
        .page_limits(page_limits(conn)))
}

/// A CHIP client from the connection flags.
pub fn chip_client(conn: &ConnectionArgs) -> Result<ChipClient, CliError> {
    let key = credential(conn.api_key.as_ref(), "CHIP_API_KEY", ProviderId::Chip, "--api-key")?;
    let config = config(conn, ProviderId::Chip, Some(ChipClient::DEFAULT_BASE_URL))?;
    Ok(ChipClient::with_config(config, key)?.page_limits(page_limits(conn)))
}

/// The page limits of the listing commands: `--max-pages`, else the library default
/// ([`PageLimits::DEFAULT_MAX_PAGES`]).
pub fn page_limits(conn: &ConnectionArgs) -> PageLimits {
    match conn.max_pages {
        Some(n) => PageLimits::default().max_pages(n),
        None => PageLimits::default(),
    }
}

/// The client for `provider`, as the unified trait object.
pub fn client(provider: ProviderId, conn: &ConnectionArgs) -> Result<Box<dyn Webhook>, CliError> {
    Ok(match provider {
        ProviderId::Miex => {
            let key = credential(conn.api_key.as_ref(), "MIEX_API_KEY", provider, "--api-key")?;
            Box::new(MiexClient::with_config(config(conn, provider, None)?, key)?)
        }
        ProviderId::Blaze => {
            let partner = credential(conn.api_key.as_ref(), "BLAZE_PARTNER_KEY", provider, "--api-key")?;
            let developer =
                credential(conn.developer_key.as_ref(), "BLAZE_DEVELOPER_KEY", provider, "--developer-key")?;
            let config = config(conn, provider, Some(hookbridge_blaze::DEFAULT_BASE_URL))?;
            Box::new(
                BlazeClient::with_config(config, BlazeKeys::new(partner, developer))?.page_limits(page_limits(conn)),
            )
        }
        ProviderId::Bitnob => Box::new(bitnob_client(conn)?),
        ProviderId::AbbeyCross => {
            let token = credential(conn.api_key.as_ref(), "ABBEYCROSS_API_TOKEN", provider, "--api-key")?;
            Box::new(AbbeyCrossClient::with_config(config(conn, provider, None)?, token)?)
        }
        ProviderId::Chip => Box::new(chip_client(conn)?),
        other => return Err(CliError::usage(format!("no management client for {other}"))),
    })
}

/// What `provider` supports through the unified trait, known without credentials.
pub fn capabilities(provider: ProviderId) -> Option<Capabilities> {
    match provider {
        ProviderId::Miex => Some(hookbridge_miex::unified::capabilities()),
        ProviderId::Blaze => Some(hookbridge_blaze::unified::capabilities()),
        ProviderId::Bitnob => Some(hookbridge_bitnob::unified::capabilities()),
        ProviderId::AbbeyCross => Some(hookbridge_abbeycross::unified::capabilities()),
        ProviderId::Chip => Some(hookbridge_chip::unified::capabilities()),
        _ => None,
    }
}

fn cli_name(op: Operation) -> &'static str {
    match op {
        Operation::RotateSecret => "rotate-secret",
        other => other.as_str(),
    }
}

/// The one-line "not supported" error: `MIEX does not support `list` (supported: create)`.
pub fn unsupported(provider: ProviderId, operation: &str, supported: &str) -> CliError {
    CliError::failed(format!("{} does not support `{operation}` ({supported})", provider.display_name()))
}

fn check_supported(provider: ProviderId, op: Operation) -> Result<(), CliError> {
    if let Some(caps) = capabilities(provider)
        && !caps.supports(op)
    {
        let list: Vec<&str> = Operation::ALL.into_iter().filter(|o| caps.supports(*o)).map(cli_name).collect();
        let supported =
            if list.is_empty() { "it supports none".to_owned() } else { format!("supported: {}", list.join(", ")) };
        return Err(unsupported(provider, cli_name(op), &supported));
    }
    Ok(())
}

/// Progress on stderr while pages are fetched, only when stderr is a terminal.
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    what: &'static str,
    count: usize,
}

impl Progress {
    /// Progress for items called `what`.
    pub fn new(what: &'static str) -> Self {
        Self { enabled: std::io::stderr().is_terminal(), what, count: 0 }
    }

    /// One more item.
    pub fn tick(&mut self) {
        self.count += 1;
        if self.enabled && (self.count < 10 || self.count.is_multiple_of(10)) {
            eprint!("\rfetching {}… {}", self.what, self.count);
        }
    }

    /// Clears the progress line.
    pub fn done(&self) {
        if self.enabled && self.count > 0 {
            eprint!("\r\x1b[2K");
        }
    }
}

fn spec_from_args(args: &EndpointsArgs) -> Result<EndpointSpec, CliError> {
    let mut spec = EndpointSpec::default();
    for url in &args.urls {
        spec.urls.push(url.parse().map_err(|e| CliError::usage(format!("--url `{url}`: {e}")))?);
    }
    spec.events = if args.all_events {
        EventSelection::All
    } else {
        EventSelection::Only(args.events.iter().map(|e| EventType::new(e.as_str())).collect())
    };
    spec.name = args.name.clone().or_else(|| args.title.clone());
    if let Some(shop) = &args.shop_id {
        spec = spec.provider_field("shopId", shop.as_str());
    }
    Ok(spec)
}

/// The fields `update` changes: only the flags given (`--url`, `--event` / `--all-events`,
/// `--name` / `--title`, `--shop-id`).
fn update_from_args(args: &EndpointsArgs) -> Result<EndpointUpdate, CliError> {
    let mut update = EndpointUpdate::new();
    for url in &args.urls {
        let url: DeliveryUrl = url.parse().map_err(|e| CliError::usage(format!("--url `{url}`: {e}")))?;
        update = update.url(url);
    }
    if args.all_events {
        update = update.all_events();
    } else if !args.events.is_empty() {
        update = update.events(EventSelection::Only(args.events.iter().map(|e| EventType::new(e.as_str())).collect()));
    }
    if let Some(name) = args.name.clone().or_else(|| args.title.clone()) {
        update = update.name(name);
    }
    if let Some(shop) = &args.shop_id {
        update = update.provider_field("shopId", shop.as_str());
    }
    if update.is_empty() {
        return Err(CliError::usage(
            "update needs something to change: --url, --event / --all-events, --name / --title or --shop-id",
        ));
    }
    Ok(update)
}

/// A client error, with the CLI flag named where the message names a client setting.
fn cli_hint(err: hookbridge_core::Error) -> CliError {
    match CliError::from(err) {
        CliError::Usage(m) if m.contains("allow_insecure_urls") => {
            CliError::Usage(format!("{m} (CLI: --allow-insecure-urls)"))
        }
        other => other,
    }
}

fn endpoint_id(id: Option<&str>, what: &str) -> Result<EndpointId, CliError> {
    let id = id.ok_or_else(|| CliError::usage(format!("{what} needs --id ID")))?;
    EndpointId::new(id).map_err(|e| CliError::usage(e.to_string()))
}

fn write_endpoint(out: &mut dyn Write, format: TableOrJson, endpoint: &Endpoint) -> Result<(), CliError> {
    match format {
        TableOrJson::Json | TableOrJson::Jsonl => {
            let mut value = serde_json::to_value(endpoint).map_err(|e| CliError::failed(e.to_string()))?;
            redact_endpoint_json(&mut value);
            if let (Some(map), Some(secret)) = (value.as_object_mut(), &endpoint.secret) {
                map.insert("signing_secret".into(), Value::String(secret.expose().to_owned()));
            }
            if format == TableOrJson::Jsonl {
                write_json_line(out, &value)?;
            } else {
                write_json(out, &value)?;
            }
        }
        TableOrJson::Table => {
            write_pairs(out, &endpoint_pairs(endpoint))?;
            if let Some(secret) = &endpoint.secret {
                write_secret(out, secret)?;
            }
        }
    }
    Ok(())
}

fn write_secret(out: &mut dyn Write, secret: &Secret) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(out, "signing secret (shown only this once: store it now):")?;
    writeln!(out, "  {}", secret.expose())
}

/// Runs `hookbridge endpoints`.
pub async fn run_endpoints(args: &EndpointsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let provider: ProviderId = args.provider.into();
    let format = args.connection.output;
    let op = match args.action {
        EndpointAction::List => Operation::List,
        EndpointAction::Create => Operation::Create,
        EndpointAction::Get => Operation::Get,
        EndpointAction::Update => Operation::Update,
        EndpointAction::Delete => Operation::Delete,
        EndpointAction::RotateSecret => Operation::RotateSecret,
    };
    check_supported(provider, op)?;
    let client = client(provider, &args.connection)?;
    match args.action {
        EndpointAction::List => {
            let mut progress = Progress::new("endpoints");
            let mut endpoints = Vec::new();
            let mut filter = ListFilter::new();
            if let Some(shop) = &args.shop_id {
                filter = filter.provider_field("shopId", shop.as_str());
            }
            let mut stream = client.list_filtered(&filter);
            while let Some(item) = stream.next().await {
                match item {
                    // Streamed: each endpoint is printed as soon as its page arrived.
                    Ok(e) if format == TableOrJson::Jsonl => {
                        let mut value = serde_json::to_value(&e).map_err(|e| CliError::failed(e.to_string()))?;
                        redact_endpoint_json(&mut value);
                        write_json_line(out, &value)?;
                        progress.tick();
                    }
                    Ok(e) => {
                        endpoints.push(e);
                        progress.tick();
                    }
                    Err(e) => {
                        progress.done();
                        return Err(e.into());
                    }
                }
            }
            progress.done();
            match format {
                TableOrJson::Json => {
                    let mut value = serde_json::to_value(&endpoints).map_err(|e| CliError::failed(e.to_string()))?;
                    redact_endpoint_json(&mut value);
                    write_json(out, &value)?;
                }
                TableOrJson::Jsonl => {}
                TableOrJson::Table if endpoints.is_empty() => {
                    writeln!(out, "no {} endpoints", provider.display_name())?;
                }
                TableOrJson::Table => endpoints_table(&endpoints).write(out, "")?,
            }
        }
        EndpointAction::Create => {
            let spec = spec_from_args(args)?;
            let created = client.create(&spec).await.map_err(cli_hint)?;
            write_endpoint(out, format, &created)?;
        }
        EndpointAction::Get => {
            let id = endpoint_id(args.id.as_deref(), "get")?;
            write_endpoint(out, format, &client.get(&id).await?)?;
        }
        EndpointAction::Update => {
            let id = endpoint_id(args.id.as_deref(), "update")?;
            let update = update_from_args(args)?;
            write_endpoint(out, format, &client.update(&id, &update).await.map_err(cli_hint)?)?;
        }
        EndpointAction::Delete => {
            let id = endpoint_id(args.id.as_deref(), "delete")?;
            client.delete(&id).await?;
            match format {
                TableOrJson::Json => {
                    write_json(out, &json!({"provider": provider, "id": id, "deleted": true}))?;
                }
                TableOrJson::Jsonl => {
                    write_json_line(out, &json!({"provider": provider, "id": id, "deleted": true}))?;
                }
                TableOrJson::Table => writeln!(out, "deleted {} endpoint {id}", provider.display_name())?,
            }
        }
        EndpointAction::RotateSecret => {
            let id = endpoint_id(args.id.as_deref(), "rotate-secret")?;
            let secret = client.rotate_secret(&id).await?;
            match format {
                TableOrJson::Json => {
                    write_json(out, &json!({"provider": provider, "id": id, "signing_secret": secret.expose()}))?
                }
                TableOrJson::Jsonl => {
                    write_json_line(out, &json!({"provider": provider, "id": id, "signing_secret": secret.expose()}))?
                }
                TableOrJson::Table => {
                    writeln!(out, "rotated the signing secret of {} endpoint {id}", provider.display_name())?;
                    write_secret(out, &secret)?;
                }
            }
        }
    }
    Ok(())
}

fn require_provider(actual: ProviderId, expected: ProviderId, operation: &str, why: &str) -> Result<(), CliError> {
    if actual == expected { Ok(()) } else { Err(unsupported(actual, operation, why)) }
}

/// Runs `hookbridge events` (Bitnob delivery events).
pub async fn run_events(args: &EventsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let action = match args.action {
        EventAction::List => "events list",
        EventAction::Get => "events get",
        EventAction::Retry => "events retry",
    };
    require_provider(args.provider.into(), ProviderId::Bitnob, action, "only Bitnob documents delivery events")?;
    let client = bitnob_client(&args.connection)?;
    let format = args.connection.output;
    match args.action {
        EventAction::List => {
            let mut options = ListEventsOptions::new();
            if let Some(limit) = args.limit {
                options = options.limit(limit);
            }
            if let Some(status) = &args.status {
                let status: DeliveryStatus =
                    status.parse().map_err(|_| CliError::usage(format!("invalid --status `{status}`")))?;
                options = options.status(status);
            }
            if let Some(id) = &args.webhook_id {
                options = options.webhook_id(WebhookId::new(id.as_str()).map_err(|e| CliError::usage(e.to_string()))?);
            }
            options.validate().map_err(|e| CliError::usage(e.to_string()))?;
            let mut progress = Progress::new("delivery events");
            let mut events = Vec::new();
            let mut stream = client.events().list_all(&options);
            while let Some(item) = stream.next().await {
                match item {
                    Ok(e) => {
                        events.push(e);
                        progress.tick();
                    }
                    Err(e) => {
                        progress.done();
                        return Err(e.into());
                    }
                }
            }
            progress.done();
            match format {
                TableOrJson::Json => write_json(out, &events)?,
                TableOrJson::Jsonl => write_json_lines(out, &events)?,
                TableOrJson::Table if events.is_empty() => writeln!(out, "no delivery events")?,
                TableOrJson::Table => {
                    let mut table = Table::new(["id", "type", "webhook", "status", "attempts", "http", "created"]);
                    for e in &events {
                        let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
                        table.row([
                            e.id.to_string(),
                            opt(e.event_type.as_ref().map(|t| t.as_str().to_owned())),
                            opt(e.webhook_id.as_ref().map(|w| w.to_string())),
                            opt(e.delivery_status.as_ref().map(|s| s.to_string())),
                            match (e.delivery_attempts, e.max_attempts) {
                                (Some(a), Some(m)) => format!("{a}/{m}"),
                                (Some(a), None) => a.to_string(),
                                _ => "-".into(),
                            },
                            opt(e.http_status_code.map(|c| c.to_string())),
                            opt(e.created_at.map(|t| t.to_string())),
                        ]);
                    }
                    table.write(out, "")?;
                }
            }
        }
        EventAction::Get => {
            let id = args.id.as_deref().ok_or_else(|| CliError::usage("events get needs --id ID"))?;
            let event = client.events().get(id).await?;
            match format {
                TableOrJson::Json => write_json(out, &event)?,
                TableOrJson::Jsonl => write_json_line(out, &event)?,
                TableOrJson::Table => {
                    let v = serde_json::to_value(&event).map_err(|e| CliError::failed(e.to_string()))?;
                    write_value_pairs(out, &v)?;
                }
            }
        }
        EventAction::Retry => {
            let id = args.id.as_deref().ok_or_else(|| CliError::usage("events retry needs --id ID"))?;
            let result = client.events().retry(id).await?;
            match format {
                TableOrJson::Json => write_json(out, &result)?,
                TableOrJson::Jsonl => write_json_line(out, &result)?,
                TableOrJson::Table => {
                    let status = result.status.as_ref().map_or_else(|| "-".to_owned(), ToString::to_string);
                    writeln!(out, "retry of delivery event {id}: {status}")?;
                }
            }
        }
    }
    Ok(())
}

/// Writes a JSON object's fields as `key  value` pairs.
fn write_value_pairs(out: &mut dyn Write, value: &Value) -> std::io::Result<()> {
    let pairs: Vec<(&str, String)> = value
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Null => "-".into(),
                        other => other.to_string(),
                    };
                    (k.as_str(), text)
                })
                .collect()
        })
        .unwrap_or_default();
    write_pairs(out, &pairs)
}

/// Runs `hookbridge event-types` (Bitnob's catalogue).
pub async fn run_event_types(args: &EventTypesArgs, out: &mut dyn Write) -> Result<(), CliError> {
    require_provider(
        args.provider.into(),
        ProviderId::Bitnob,
        "event-types",
        "only Bitnob serves its event catalogue",
    )?;
    let client = bitnob_client(&args.connection)?;
    let types = client.webhooks().event_types().await?;
    match args.connection.output {
        TableOrJson::Json => write_json(out, &types)?,
        TableOrJson::Jsonl => write_json_lines(out, &types)?,
        TableOrJson::Table => {
            let mut table = Table::new(["type", "category", "name", "description"]);
            for t in &types {
                table.row([
                    t.event_type.as_str().to_owned(),
                    t.category.as_ref().map_or_else(|| "-".to_owned(), ToString::to_string),
                    t.name.clone().unwrap_or_else(|| "-".into()),
                    t.description.clone().unwrap_or_else(|| "-".into()),
                ]);
            }
            table.write(out, "")?;
        }
    }
    Ok(())
}

/// Runs `hookbridge public-key` (CHIP's company public key).
pub async fn run_public_key(args: &PublicKeyArgs, out: &mut dyn Write) -> Result<(), CliError> {
    require_provider(args.provider.into(), ProviderId::Chip, "public-key", "only CHIP publishes a company public key")?;
    let client = chip_client(&args.connection)?;
    let pem = client.public_key().get().await?;
    match args.connection.output {
        TableOrJson::Json => write_json(out, &json!({"provider": "chip", "public_key": pem.as_str()}))?,
        TableOrJson::Jsonl => write_json_line(out, &json!({"provider": "chip", "public_key": pem.as_str()}))?,
        TableOrJson::Table => writeln!(out, "{}", pem.as_str().trim_end())?,
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_are_known_without_credentials() {
        for p in ProviderId::ALL.iter().copied() {
            assert!(capabilities(p).is_some(), "{p}");
        }
        assert!(capabilities(ProviderId::Bitnob).unwrap().rotate_secret);
        assert!(!capabilities(ProviderId::Miex).unwrap().list);
    }

    #[test]
    fn unsupported_operations_name_provider_and_operation() {
        let err = check_supported(ProviderId::Miex, Operation::List).unwrap_err();
        assert_eq!(err, CliError::failed("MIEX does not support `list` (supported: create)"));
        let err = check_supported(ProviderId::Chip, Operation::RotateSecret).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(err.message().starts_with("CHIP Collect does not support `rotate-secret`"), "{err}");
        assert!(check_supported(ProviderId::Bitnob, Operation::RotateSecret).is_ok());
    }
}
