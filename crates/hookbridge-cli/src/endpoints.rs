//! The management commands: `endpoints` (through the unified [`Webhook`] trait), `events` and
//! `event-types` (Bitnob), `public-key` (CHIP).
//!
//! Credentials come from `--api-key` / `--developer-key` / `--client-id` / `--secret-key-file`, else
//! the provider's own flag or environment variable ([`crate::credentials`]), and are held as
//! [`Secret`]s: never printed, never part of an error message. An operation the provider
//! does not document exits 1 with one line naming the provider and the operation, before any
//! request is sent.

use std::io::{IsTerminal as _, Write};

use futures_util::StreamExt as _;
use hookbridge_core::PageLimits;
use hookbridge_core::descriptor::{ClientSettings, ClientSetup, Credential, Descriptor, SetupError};
use hookbridge_core::extension::{DeliveryLogFilter, Extensions};
use hookbridge_core::{
    Capabilities, DeliveryUrl, Endpoint, EndpointId, EndpointSpec, EndpointUpdate, EventSelection, EventType,
    ListFilter, Operation, ProviderId, Secret, Webhook,
};
use serde_json::{Value, json};

use crate::CliError;
use crate::cli::{
    ConnectionArgs, EndpointFields, EndpointsArgs, EndpointsCommand, EventTypesArgs, EventsArgs, EventsCommand,
    PublicKeyArgs, TableOrJson,
};
use crate::output::{
    Table, endpoint_pairs, endpoints_table, redact_endpoint_json, write_json, write_json_line, write_json_lines,
    write_pairs,
};

/// The registered provider `provider` (the `--provider` value parser accepts only these).
fn descriptor(provider: ProviderId) -> Result<&'static dyn Descriptor, CliError> {
    hookbridge_adapters::registry::get(provider)
        .ok_or_else(|| CliError::usage(format!("no provider `{provider}` in this build of hookbridge")))
}

/// The generic flag standing in for a credential (`--api-key`, ...), with its value if given.
fn generic_override(
    conn: &ConnectionArgs,
    credential: &Credential,
) -> Result<Option<(&'static str, Secret)>, CliError> {
    Ok(match credential.overridden_by {
        Some("api-key") => conn.api_key.clone().map(|v| ("--api-key", v)),
        Some("developer-key") => conn.developer_key.clone().map(|v| ("--developer-key", v)),
        Some("client-id") => conn.client_id.clone().map(|v| ("--client-id", Secret::new(v))),
        Some("secret-key") => match &conn.secret_key_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| CliError::usage(format!("cannot read --secret-key-file {}: {e}", path.display())))?;
                Some(("--secret-key-file", Secret::new(text.trim_end_matches(['\r', '\n']))))
            }
            None => None,
        },
        _ => None,
    })
}

/// The generic flag's name for a credential, for messages.
fn generic_flag(credential: &Credential) -> Option<&'static str> {
    match credential.overridden_by {
        Some("api-key") => Some("--api-key"),
        Some("developer-key") => Some("--developer-key"),
        Some("client-id") => Some("--client-id"),
        Some("secret-key") => Some("--secret-key-file"),
        _ => None,
    }
}

/// The client settings for `descriptor` from the connection flags: each credential from its
/// generic flag (`--api-key`, ...) if given, else its own flag or environment variable; each
/// option flag given that `descriptor` declares ([`crate::options`]).
pub fn settings(
    descriptor: &dyn Descriptor,
    conn: &ConnectionArgs,
    limits: PageLimits,
) -> Result<ClientSettings, CliError> {
    let mut settings = ClientSettings::new().page_limits(limits).allow_insecure_urls(conn.allow_insecure_urls);
    for (name, value) in conn.options.for_provider(descriptor) {
        settings = settings.option(name, value);
    }
    if let Some(url) = &conn.base_url {
        settings = settings.base_url(url.as_str());
    }
    for credential in descriptor.credentials() {
        let value = match generic_override(conn, credential)? {
            Some((_, value)) => Some(value),
            None => conn.credentials.get(credential.env).cloned(),
        };
        if let Some(value) = value {
            settings = settings.credential(credential.env, value);
        }
    }
    Ok(settings)
}

/// A setup error as the CLI reports it: usage errors name the flags and variables to set.
pub fn setup_error(descriptor: &dyn Descriptor, err: SetupError) -> CliError {
    let name = descriptor.display_name();
    match err {
        SetupError::MissingCredential { env, .. } => {
            let credential = descriptor.credentials().iter().find(|c| c.env == env);
            let flags: Vec<String> = credential
                .into_iter()
                .flat_map(|c| [Some(format!("--{}", c.flag)), generic_flag(c).map(str::to_owned)])
                .flatten()
                .collect();
            if flags.is_empty() {
                CliError::usage(format!("no {name} credentials: set {env}"))
            } else {
                CliError::usage(format!("no {name} credentials: set {env} (or pass {})", flags.join(" or ")))
            }
        }
        SetupError::MissingBaseUrl { .. } => {
            CliError::usage(format!("{name} documents no API host: pass --base-url URL"))
        }
        SetupError::Invalid(e)
            if descriptor.credentials().iter().any(|c| c.env == e.field) || e.field == "credentials" =>
        {
            CliError::usage(e.reason)
        }
        SetupError::Invalid(e) => CliError::usage(e.to_string()),
        SetupError::Client(e) => e.into(),
        other => CliError::usage(other.to_string()),
    }
}

/// Prints a client setup's notes on stderr.
fn print_notes(notes: &[String]) {
    for note in notes {
        eprintln!("{note}");
    }
}

/// The client for `provider`, as the unified trait object, built by its descriptor.
pub fn client(provider: ProviderId, conn: &ConnectionArgs, limits: PageLimits) -> Result<Box<dyn Webhook>, CliError> {
    let descriptor = descriptor(provider)?;
    let settings = settings(descriptor, conn, limits)?;
    let setup = descriptor.client(&settings).map_err(|e| setup_error(descriptor, e))?;
    print_notes(&setup.notes);
    Ok(setup.client)
}

/// The client setup of `provider` for a provider extension the command needs: refused (exit 1)
/// before any credential is read when the provider's descriptor does not offer it.
fn extension_setup(
    provider: ProviderId,
    conn: &ConnectionArgs,
    limits: PageLimits,
    operation: &str,
    offered: fn(Extensions) -> bool,
    missing: &str,
) -> Result<ClientSetup, CliError> {
    let descriptor = descriptor(provider)?;
    if !offered(descriptor.extensions()) {
        return Err(unsupported(provider, operation, missing));
    }
    let settings = settings(descriptor, conn, limits)?;
    let setup = descriptor.client(&settings).map_err(|e| setup_error(descriptor, e))?;
    print_notes(&setup.notes);
    Ok(setup)
}

/// What `provider` supports through the unified trait, known without credentials.
pub fn capabilities(provider: ProviderId) -> Option<Capabilities> {
    hookbridge_adapters::registry::get(provider).map(|d| d.capabilities())
}

fn cli_name(op: Operation) -> &'static str {
    match op {
        Operation::RotateSecret => "rotate-secret",
        other => other.as_str(),
    }
}

/// The one-line "not supported" error: `MIEX does not support `list` (supported: create)`.
pub fn unsupported(provider: ProviderId, operation: &str, supported: &str) -> CliError {
    CliError::failed(format!("{} does not support `{operation}` ({supported})", crate::display_name(provider)))
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

fn parse_urls(urls: &[String]) -> Result<Vec<DeliveryUrl>, CliError> {
    urls.iter().map(|url| url.parse().map_err(|e| CliError::usage(format!("--url `{url}`: {e}")))).collect()
}

fn spec_from_args(urls: &[String], fields: &EndpointFields) -> Result<EndpointSpec, CliError> {
    let mut spec = EndpointSpec::default();
    spec.urls = parse_urls(urls)?;
    spec.events = if fields.all_events {
        EventSelection::All
    } else {
        EventSelection::Only(fields.events.iter().map(|e| EventType::new(e.as_str())).collect())
    };
    spec.name = fields.name.clone().or_else(|| fields.title.clone());
    if let Some(shop) = &fields.shop_id {
        spec = spec.provider_field("shopId", shop.as_str());
    }
    Ok(spec)
}

/// The fields `update` changes: only the flags given (`--url`, `--event` / `--all-events`,
/// `--name` / `--title`, `--shop-id`).
fn update_from_args(urls: &[String], fields: &EndpointFields) -> Result<EndpointUpdate, CliError> {
    let mut update = EndpointUpdate::new();
    for url in parse_urls(urls)? {
        update = update.url(url);
    }
    if fields.all_events {
        update = update.all_events();
    } else if !fields.events.is_empty() {
        update =
            update.events(EventSelection::Only(fields.events.iter().map(|e| EventType::new(e.as_str())).collect()));
    }
    if let Some(name) = fields.name.clone().or_else(|| fields.title.clone()) {
        update = update.name(name);
    }
    if let Some(shop) = &fields.shop_id {
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

fn endpoint_id(id: &str) -> Result<EndpointId, CliError> {
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
    let target = args.command.target();
    let provider: ProviderId = target.provider;
    let format = target.connection.output;
    check_supported(provider, args.command.operation())?;
    let limits = match &args.command {
        EndpointsCommand::List(list) => list.paging.limits(),
        _ => PageLimits::default(),
    };
    let client = client(provider, &target.connection, limits)?;
    match &args.command {
        EndpointsCommand::List(list) => {
            let mut progress = Progress::new("endpoints");
            let mut endpoints = Vec::new();
            let mut filter = ListFilter::new();
            if let Some(shop) = &list.shop_id {
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
                    writeln!(out, "no {} endpoints", crate::display_name(provider))?;
                }
                TableOrJson::Table => endpoints_table(&endpoints).write(out, "")?,
            }
        }
        EndpointsCommand::Create(create) => {
            let spec = spec_from_args(&create.urls, &create.fields)?;
            let created = client.create(&spec).await.map_err(cli_hint)?;
            write_endpoint(out, format, &created)?;
        }
        EndpointsCommand::Get(get) => {
            let id = endpoint_id(&get.id)?;
            write_endpoint(out, format, &client.get(&id).await?)?;
        }
        EndpointsCommand::Update(update) => {
            let id = endpoint_id(&update.id)?;
            let changes = update_from_args(&update.urls, &update.fields)?;
            write_endpoint(out, format, &client.update(&id, &changes).await.map_err(cli_hint)?)?;
        }
        EndpointsCommand::Delete(delete) => {
            let id = endpoint_id(&delete.id)?;
            client.delete(&id).await?;
            match format {
                TableOrJson::Json => {
                    write_json(out, &json!({"provider": provider, "id": id, "deleted": true}))?;
                }
                TableOrJson::Jsonl => {
                    write_json_line(out, &json!({"provider": provider, "id": id, "deleted": true}))?;
                }
                TableOrJson::Table => writeln!(out, "deleted {} endpoint {id}", crate::display_name(provider))?,
            }
        }
        EndpointsCommand::RotateSecret(rotate) => {
            let id = endpoint_id(&rotate.id)?;
            let secret = client.rotate_secret(&id).await?;
            match format {
                TableOrJson::Json => {
                    write_json(out, &json!({"provider": provider, "id": id, "signing_secret": secret.expose()}))?
                }
                TableOrJson::Jsonl => {
                    write_json_line(out, &json!({"provider": provider, "id": id, "signing_secret": secret.expose()}))?
                }
                TableOrJson::Table => {
                    writeln!(out, "rotated the signing secret of {} endpoint {id}", crate::display_name(provider))?;
                    write_secret(out, &secret)?;
                }
            }
        }
    }
    Ok(())
}

/// Runs `hookbridge events` (a provider's delivery log).
pub async fn run_events(args: &EventsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let target = args.command.target();
    let name = args.command.name();
    let limits = match &args.command {
        EventsCommand::List(list) => list.paging.limits(),
        _ => PageLimits::default(),
    };
    let setup = extension_setup(
        target.provider,
        &target.connection,
        limits,
        name,
        |e| e.delivery_log,
        "it documents no delivery log",
    )?;
    let log = setup.delivery_log.ok_or_else(|| CliError::failed("the provider's client setup has no delivery log"))?;
    let format = target.connection.output;
    match &args.command {
        EventsCommand::List(list) => {
            let mut filter = DeliveryLogFilter::new();
            if let Some(limit) = list.limit {
                filter = filter.page_size(limit);
            }
            if let Some(status) = &list.status {
                filter = filter.status(status.as_str());
            }
            if let Some(id) = &list.webhook_id {
                filter = filter.endpoint_id(id.as_str());
            }
            let mut stream = log.list(&filter).map_err(|e| match e {
                hookbridge_core::Error::InvalidInput(e) => CliError::usage(e.to_string()),
                other => other.into(),
            })?;
            let mut progress = Progress::new("delivery events");
            let mut events = Vec::new();
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
            let wires: Vec<&Value> = events.iter().map(|e| &e.wire).collect();
            match format {
                TableOrJson::Json => write_json(out, &wires)?,
                TableOrJson::Jsonl => write_json_lines(out, &wires)?,
                TableOrJson::Table if events.is_empty() => writeln!(out, "no delivery events")?,
                TableOrJson::Table => {
                    let mut table = Table::new(["id", "type", "webhook", "status", "attempts", "http", "created"]);
                    table.status_column("status");
                    for e in &events {
                        let r = &e.record;
                        let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
                        table.row([
                            r.id.clone(),
                            opt(r.event_type.as_ref().map(|t| t.as_str().to_owned())),
                            opt(r.endpoint_id.as_ref().map(|w| w.as_str().to_owned())),
                            r.state.as_str().to_owned(),
                            match (r.attempts, r.max_attempts) {
                                (Some(a), Some(m)) => format!("{a}/{m}"),
                                (Some(a), None) => a.to_string(),
                                _ => "-".into(),
                            },
                            opt(r.http_status.map(|c| c.to_string())),
                            opt(r.created_at.map(|t| t.to_string())),
                        ]);
                    }
                    table.write(out, "")?;
                }
            }
        }
        EventsCommand::Get(get) => {
            let event = log.get(get.id.as_str()).await?;
            match format {
                TableOrJson::Json => write_json(out, &event.wire)?,
                TableOrJson::Jsonl => write_json_line(out, &event.wire)?,
                TableOrJson::Table => write_value_pairs(out, &event.wire)?,
            }
        }
        EventsCommand::Retry(retry) => {
            let id = retry.id.as_str();
            let result = log.retry(id).await?;
            match format {
                TableOrJson::Json => write_json(out, &result.wire)?,
                TableOrJson::Jsonl => write_json_line(out, &result.wire)?,
                TableOrJson::Table => {
                    let status = result.status.as_deref().unwrap_or("-");
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

/// Runs `hookbridge event-types` (a provider's event catalogue served by its API).
pub async fn run_event_types(args: &EventTypesArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let setup = extension_setup(
        args.provider,
        &args.connection,
        PageLimits::default(),
        "event-types",
        |e| e.event_catalogue,
        "its API serves no event catalogue",
    )?;
    let catalogue =
        setup.event_catalogue.ok_or_else(|| CliError::failed("the provider's client setup has no event catalogue"))?;
    let types = catalogue.event_types().await?;
    let wires: Vec<&Value> = types.iter().map(|t| &t.wire).collect();
    match args.connection.output {
        TableOrJson::Json => write_json(out, &wires)?,
        TableOrJson::Jsonl => write_json_lines(out, &wires)?,
        TableOrJson::Table => {
            let mut table = Table::new(["type", "category", "name", "description"]);
            for t in &types {
                let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                table.row([t.event_type.as_str().to_owned(), opt(&t.category), opt(&t.name), opt(&t.description)]);
            }
            table.write(out, "")?;
        }
    }
    Ok(())
}

/// Runs `hookbridge public-key` (the key a provider publishes to verify its deliveries).
pub async fn run_public_key(args: &PublicKeyArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let setup = extension_setup(
        args.provider,
        &args.connection,
        PageLimits::default(),
        "public-key",
        |e| e.published_key,
        "it publishes no public key",
    )?;
    let key = setup.published_key.ok_or_else(|| CliError::failed("the provider's client setup has no public key"))?;
    let pem = key.public_key_pem().await?;
    let provider = args.provider.as_str();
    match args.connection.output {
        TableOrJson::Json => write_json(out, &json!({"provider": provider, "public_key": pem}))?,
        TableOrJson::Jsonl => write_json_line(out, &json!({"provider": provider, "public_key": pem}))?,
        TableOrJson::Table => writeln!(out, "{}", pem.trim_end())?,
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_are_known_without_credentials() {
        for p in hookbridge_adapters::registry::ids() {
            assert!(capabilities(p).is_some(), "{p}");
        }
        assert!(capabilities(hookbridge_bitnob::PROVIDER).unwrap().rotate_secret);
        assert!(!capabilities(hookbridge_miex::PROVIDER).unwrap().list);
    }

    #[test]
    fn extension_commands_default_to_a_provider_offering_the_extension() {
        let offered: [fn(Extensions) -> bool; 3] = [|e| e.delivery_log, |e| e.event_catalogue, |e| e.published_key];
        for offered in offered {
            let id = crate::cli::default_provider(offered);
            let d = hookbridge_adapters::registry::get(id).unwrap();
            assert!(offered(d.extensions()), "{id}");
        }
    }

    #[test]
    fn unsupported_operations_name_provider_and_operation() {
        let err = check_supported(hookbridge_miex::PROVIDER, Operation::List).unwrap_err();
        assert_eq!(err, CliError::failed("MIEX does not support `list` (supported: create)"));
        let err = check_supported(hookbridge_chip::PROVIDER, Operation::RotateSecret).unwrap_err();
        assert_eq!(err.exit_code(), 1);
        assert!(err.message().starts_with("CHIP Collect does not support `rotate-secret`"), "{err}");
        assert!(check_supported(hookbridge_bitnob::PROVIDER, Operation::RotateSecret).is_ok());
    }
}
