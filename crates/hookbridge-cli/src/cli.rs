//! The command line, as clap derive types. `docs/cli.md` describes every command and flag.
//!
//! Secrets taken on the command line (`--secret`, `--api-key`, ...) are parsed straight into
//! [`Secret`], whose `Debug` prints `[REDACTED]`, so not even a debug dump of [`Cli`] shows them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hookbridge_core::{Operation, PageLimits, ProviderId, Secret};

use crate::credentials::{self, Credentials};
use crate::options::{self, Options};
use crate::presets::{KeyArgs, Preset};

/// Manage and receive the webhooks of MIEX, BLAZE, Bitnob, AbbeyCross and CHIP.
#[derive(Debug, Parser)]
#[command(name = "hookbridge", version, about, propagate_version = true)]
pub struct Cli {
    /// Log to stderr: `-v` the request spans of every API call (provider, operation, attempts,
    /// status, latency — never a credential) and receiver outcomes; `-vv` more detail. Colour on
    /// a terminal, none with `NO_COLOR` or when piped.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tour every registered provider against in-process simulators (no credentials, loopback only).
    Tour(TourArgs),
    /// Verify one delivery (body + headers) and print what was verified.
    Verify(VerifyArgs),
    /// Print the headers a sender adds to a body (`Name: value` per line).
    Sign(SignArgs),
    /// Run a local receiver that verifies every delivery and prints it as one JSON line.
    Listen(ListenArgs),
    /// Send one realistic, freshly signed delivery of an event to a receiver, as the provider would.
    Trigger(TriggerArgs),
    /// The durable inbox (PostgreSQL): process stored deliveries, list, show, retry, purge.
    Inbox(InboxArgs),
    /// Manage webhook endpoints through the unified trait.
    Endpoints(EndpointsArgs),
    /// Bitnob delivery events: list, get, retry.
    Events(EventsArgs),
    /// Bitnob's event-type catalogue.
    EventTypes(EventTypesArgs),
    /// CHIP's company public key (verifies `success_callback` deliveries).
    PublicKey(PublicKeyArgs),
    /// Print a shell completion script (`hookbridge completions bash > /etc/bash_completion.d/hookbridge`).
    Completions(CompletionsArgs),
    /// Print the man page (roff): `hookbridge man > hookbridge.1`.
    Man,
}

/// `hookbridge completions`.
#[derive(Clone, Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `hookbridge tour`.
#[derive(Clone, Debug, Default, Args)]
pub struct TourArgs {}

/// Output of `verify`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// Aligned `field  value` lines.
    #[default]
    Text,
    /// One JSON object.
    Json,
}

/// `hookbridge verify`.
#[derive(Clone, Debug, Args)]
pub struct VerifyArgs {
    /// The signing scheme.
    #[arg(long, value_parser = crate::presets::preset_parser(), value_name = "PRESET")]
    pub provider: Preset,
    /// Verification keys.
    #[command(flatten)]
    pub keys: KeyArgs,
    /// A request header, `Name: value` (repeatable; names are case-insensitive).
    #[arg(long = "header", short = 'H', value_name = "'Name: value'")]
    pub headers: Vec<String>,
    /// A file of `Name: value` lines (what `hookbridge sign` prints), added to --header.
    #[arg(long = "headers-file", value_name = "F")]
    pub headers_file: Option<PathBuf>,
    /// The raw body: a file, or `-` for stdin (the default).
    #[arg(long, value_name = "FILE|-")]
    pub body: Option<String>,
    /// The request URL or path with its query (blaze: carries the URL token).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Verify as if the time were this (unix seconds) instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<i64>,
    /// Timestamp tolerance in seconds, for schemes that sign a timestamp (default 300).
    #[arg(long, value_name = "SECONDS")]
    pub tolerance: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub output: TextOrJson,
    /// Check only the signature; do not parse the body as the provider's delivery.
    #[arg(long)]
    pub signature_only: bool,
}

/// `hookbridge sign`.
#[derive(Clone, Debug, Args)]
pub struct SignArgs {
    /// The signing scheme.
    #[arg(long, value_parser = crate::presets::preset_parser(), value_name = "PRESET")]
    pub provider: Preset,
    /// The signing secret (repeat for schemes that carry several signatures: stripe,
    /// standard-webhooks).
    #[arg(long = "secret", value_name = "S", conflicts_with = "private_key")]
    pub secrets: Vec<Secret>,
    /// A file holding a signing secret (trailing newline ignored); repeatable, after --secret.
    #[arg(long = "secret-file", value_name = "F", conflicts_with = "private_key")]
    pub secret_files: Vec<PathBuf>,
    /// A PEM RSA private key (chip, chip-send).
    #[arg(long = "private-key", value_name = "PEM_FILE")]
    pub private_key: Option<PathBuf>,
    /// The raw body: a file, or `-` for stdin (the default).
    #[arg(long, value_name = "FILE|-")]
    pub body: Option<String>,
    /// The signed timestamp (unix seconds; default now), for schemes that sign one.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub timestamp: Option<i64>,
    /// The delivery id, for schemes that carry one (standard-webhooks: default a random `msg_...`).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
}

/// `hookbridge listen`.
#[derive(Clone, Debug, Args)]
pub struct ListenArgs {
    /// The signing scheme of the incoming deliveries.
    #[arg(long, value_parser = crate::presets::preset_parser(), value_name = "PRESET")]
    pub provider: Preset,
    /// Verification keys.
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: String,
    /// Port (0: any free port; the address is printed on stderr).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub port: u16,
    /// Timestamp tolerance in seconds, for schemes that sign a timestamp (default 300).
    #[arg(long, value_name = "SECONDS")]
    pub tolerance: Option<u64>,
    /// Where handled deliveries are remembered, so a resent or replayed delivery is not handled
    /// twice: `memory` (this process only), `redis://…` or `postgres://…` (shared by every
    /// `listen` given the same URL).
    #[arg(long, default_value = "memory", value_name = "URL")]
    pub replay_store: String,
    /// The largest delivery body accepted, in bytes (larger: 413).
    #[arg(long, default_value_t = hookbridge_verify::receive::DEFAULT_MAX_BODY_BYTES, value_name = "BYTES")]
    pub max_body_bytes: usize,
    /// Forward each verified delivery, body and headers unchanged, to this URL and answer the
    /// provider with the application's outcome (2xx: 200; anything else or no answer: 502, and
    /// the provider retries).
    #[arg(long, value_name = "URL")]
    pub forward_to: Option<String>,
    /// Forward every verified delivery, re-signed as Standard Webhooks, to this URL.
    #[arg(long, value_name = "URL")]
    pub forward: Option<String>,
    /// The Standard Webhooks secret (`whsec_...`) the forwarded deliveries are signed with.
    #[arg(long, value_name = "S", requires = "forward", conflicts_with = "forward_secret_file")]
    pub forward_secret: Option<Secret>,
    /// A file holding the Standard Webhooks secret (trailing newline ignored).
    #[arg(long, value_name = "F", requires = "forward")]
    pub forward_secret_file: Option<PathBuf>,
    /// Timeout of one forward, in seconds.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub forward_timeout: u64,
    /// Store each verified delivery in this durable inbox (`postgres://…`) instead of printing
    /// or forwarding it, and answer the provider 200 once it is committed (503 while the
    /// database is unavailable, so the provider retries). Process the inbox with
    /// `hookbridge inbox work`.
    #[arg(long, value_name = "URL", conflicts_with_all = ["forward_to", "forward"])]
    pub inbox: Option<DatabaseUrl>,
}

/// A PostgreSQL URL. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL for messages: password and query hidden.
    pub fn redacted(&self) -> String {
        hookbridge_inbox::redact_url(&self.0)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.redacted()).finish()
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    /// Any text: the URL is checked when the inbox is opened, so that a malformed one is never
    /// echoed back in a usage error (it may hold a password).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

/// A duration written like `100ms`, `30s`, `5m`, `7d` (or combined: `1h30m`); days are 24 hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationArg(pub std::time::Duration);

impl std::str::FromStr for DurationArg {
    type Err = String;

    /// Parsed with jiff's friendly span format (jiff is already a dependency of the workspace,
    /// which makes another duration crate unnecessary).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || format!("`{s}` is not a duration (write it like 100ms, 30s, 5m, 2h or 7d)");
        let span: jiff::Span = s.trim().parse().map_err(|_| invalid())?;
        let signed = span.to_duration(jiff::SpanRelativeTo::days_are_24_hours()).map_err(|_| invalid())?;
        let duration = std::time::Duration::try_from(signed).map_err(|_| "a duration cannot be negative".to_owned())?;
        Ok(Self(duration))
    }
}

/// `hookbridge inbox`.
#[derive(Clone, Debug, Args)]
pub struct InboxArgs {
    /// The operation.
    #[command(subcommand)]
    pub command: InboxCommand,
}

/// The inbox's database: `--database`, or `HOOKBRIDGE_DATABASE_URL`.
#[derive(Clone, Debug, Args)]
pub struct DatabaseArgs {
    /// The inbox's PostgreSQL URL (the schema is created on first use). Prefer the environment
    /// variable: command lines are visible to other local users.
    #[arg(long, env = "HOOKBRIDGE_DATABASE_URL", hide_env_values = true, value_name = "URL")]
    pub database: DatabaseUrl,
}

/// What `inbox` does.
#[derive(Clone, Debug, Subcommand)]
pub enum InboxCommand {
    /// Process stored deliveries: POST each one's original body and headers to the application,
    /// retrying with backoff until it answers 2xx; stop with Ctrl-C or SIGTERM.
    Work(InboxWorkArgs),
    /// List stored deliveries, newest first.
    List(InboxListArgs),
    /// One stored delivery with its headers and body.
    Show(InboxShowArgs),
    /// Make a delivery (--id) or every dead delivery (--dead) due again with fresh attempts.
    Retry(InboxRetryArgs),
    /// Delete the deliveries handled (`done`) longer ago than --done-older-than.
    Purge(InboxPurgeArgs),
}

/// `hookbridge inbox work`.
#[derive(Clone, Debug, Args)]
pub struct InboxWorkArgs {
    /// The database.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The application: each delivery's original body and headers are POSTed here
    /// (hop-by-hop headers dropped); any 2xx answer marks it done.
    #[arg(long, value_name = "URL")]
    pub forward_to: String,
    /// Deliveries forwarded at once.
    #[arg(long, default_value_t = hookbridge_inbox::DEFAULT_CONCURRENCY, value_name = "N")]
    pub concurrency: usize,
    /// Attempts before a delivery is `dead`.
    #[arg(long, default_value_t = hookbridge_inbox::DEFAULT_MAX_ATTEMPTS, value_name = "N")]
    pub max_attempts: u32,
    /// Delay before the first retry; doubles with each failed attempt (jittered).
    #[arg(long, default_value = "1s", value_name = "DURATION")]
    pub min_backoff: DurationArg,
    /// The longest delay between attempts.
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub max_backoff: DurationArg,
    /// How long a claimed delivery is held; a stopped worker's deliveries are taken over after it.
    #[arg(long, default_value = "5m", value_name = "DURATION")]
    pub lease: DurationArg,
    /// Timeout of one forward (kept below the lease).
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    pub timeout: DurationArg,
    /// Pause between polls of an empty inbox.
    #[arg(long, default_value = "500ms", value_name = "DURATION")]
    pub poll_interval: DurationArg,
    /// After Ctrl-C / SIGTERM, how long forwards in flight may still finish before their
    /// deliveries are released.
    #[arg(long, default_value = "10s", value_name = "DURATION")]
    pub shutdown_grace: DurationArg,
}

/// `hookbridge inbox list`.
#[derive(Clone, Debug, Args)]
pub struct InboxListArgs {
    /// The database.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Only deliveries in this state: pending, processing, done, failed, dead.
    #[arg(long, value_name = "S", value_parser = parse_state)]
    pub state: Option<hookbridge_inbox::State>,
    /// Only deliveries of this provider.
    #[arg(long, value_name = "P")]
    pub provider: Option<String>,
    /// At most this many (newest first).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub limit: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub output: TableOrJson,
}

fn parse_state(s: &str) -> Result<hookbridge_inbox::State, String> {
    s.parse().map_err(|_| "expected pending, processing, done, failed or dead".to_owned())
}

/// `hookbridge inbox show`.
#[derive(Clone, Debug, Args)]
pub struct InboxShowArgs {
    /// The database.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The delivery's id (first column of `inbox list`).
    #[arg(long)]
    pub id: i64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub output: TableOrJson,
}

/// `hookbridge inbox retry`.
#[derive(Clone, Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "dead"])))]
pub struct InboxRetryArgs {
    /// The database.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// One delivery (dead, failed, or done: delivered again).
    #[arg(long)]
    pub id: Option<i64>,
    /// Every dead delivery.
    #[arg(long)]
    pub dead: bool,
}

/// `hookbridge inbox purge`.
#[derive(Clone, Debug, Args)]
pub struct InboxPurgeArgs {
    /// The database.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Delete `done` deliveries handled longer ago than this (`7d`, `12h`, ...). Other states
    /// are never purged.
    #[arg(long, value_name = "DURATION")]
    pub done_older_than: DurationArg,
}

/// The `--provider` values of the management commands: the ids of the providers in the
/// registry ([`hookbridge_adapters::registry`]), each with its display name and summary as help.
pub fn provider_parser() -> impl clap::builder::TypedValueParser<Value = ProviderId> {
    use clap::builder::TypedValueParser as _;
    let values = hookbridge_adapters::registry::providers().map(|d| {
        let help = match d.default_base_url() {
            Some(_) => format!("{} — {}", d.display_name(), d.summary()),
            None => format!("{} — {} (base URL required)", d.display_name(), d.summary()),
        };
        clap::builder::PossibleValue::new(d.id().as_str()).help(help)
    });
    clap::builder::PossibleValuesParser::new(values).try_map(|name: String| ProviderId::parse(&name))
}

/// The default `--provider` of a command that needs an extension: the first registered provider
/// offering it (else the first registered provider, which the command then refuses).
pub fn default_provider(offered: fn(hookbridge_core::extension::Extensions) -> bool) -> ProviderId {
    let mut providers = hookbridge_adapters::registry::providers();
    let first = hookbridge_adapters::registry::ids().next().unwrap_or(ProviderId::new("none"));
    providers.find(|d| offered(d.extensions())).map_or(first, |d| d.id())
}

/// Output of the management commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum TableOrJson {
    /// Aligned tables.
    #[default]
    Table,
    /// JSON: an array for lists, one object otherwise.
    Json,
    /// JSON Lines: one compact JSON object per line; lists are streamed item by item as the
    /// pages arrive (nothing is buffered).
    Jsonl,
}

/// Where and how to reach a provider's API: every management command (`endpoints`, `events`,
/// `event-types`, `public-key`) takes these.
///
/// Credentials come from the provider's own flag or its environment variable (the table in
/// [`crate::credentials`]): `MIEX_API_KEY`, `BLAZE_PARTNER_KEY` + `BLAZE_DEVELOPER_KEY`,
/// `ABBEYCROSS_API_TOKEN`, `CHIP_API_KEY`; Bitnob signs requests (its documented scheme) with
/// `BITNOB_CLIENT_ID` + `BITNOB_SECRET_KEY`, and `BITNOB_API_KEY` alone selects its older bearer
/// scheme. The generic flags `--api-key`, `--developer-key`, `--client-id` and
/// `--secret-key-file` override them.
///
/// The providers' client options (Bitnob's `--signing-scheme`) are flags built from their
/// descriptors ([`crate::options`]); each reaches only the providers that declare it.
#[derive(Clone, Debug, Default, Args)]
pub struct ConnectionArgs {
    /// The API base URL (required for MIEX and AbbeyCross, which document no host).
    #[arg(long, value_name = "URL", help_heading = options::HEADING)]
    pub base_url: Option<String>,
    /// The API key (BLAZE: the partner key) of whichever provider is chosen; overrides the
    /// provider's own flag and variable. Prefer the provider's environment variable.
    #[arg(long, value_name = "KEY", help_heading = credentials::HEADING)]
    pub api_key: Option<Secret>,
    /// BLAZE's developer key; overrides --blaze-developer-key / BLAZE_DEVELOPER_KEY.
    #[arg(long, value_name = "KEY", help_heading = credentials::HEADING)]
    pub developer_key: Option<Secret>,
    /// Bitnob's client id for request signing; overrides --bitnob-client-id / BITNOB_CLIENT_ID.
    #[arg(long, value_name = "ID", help_heading = credentials::HEADING)]
    pub client_id: Option<String>,
    /// A file holding Bitnob's secret key for request signing (trailing newline ignored);
    /// overrides --bitnob-secret-key / BITNOB_SECRET_KEY.
    #[arg(long, value_name = "FILE", help_heading = credentials::HEADING)]
    pub secret_key_file: Option<PathBuf>,
    /// Each provider's credentials, from its flag or environment variable.
    #[command(flatten)]
    pub credentials: Credentials,
    /// Each provider's client options (`--signing-scheme`, ...), as its descriptor declares them.
    #[command(flatten)]
    pub options: Options,
    /// Accept `http://` delivery URLs where the client refuses them by default (Bitnob), for
    /// local testing.
    #[arg(long, help_heading = "Connection")]
    pub allow_insecure_urls: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableOrJson::Table, help_heading = "Output")]
    pub output: TableOrJson,
}

/// The page cap of the listing commands.
#[derive(Clone, Copy, Debug, Default, Args)]
pub struct PagingArgs {
    /// Fail rather than fetch more than N pages (default 1000).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pages: Option<u64>,
}

impl PagingArgs {
    /// `--max-pages`, else the library default ([`PageLimits::DEFAULT_MAX_PAGES`]).
    pub fn limits(&self) -> PageLimits {
        match self.max_pages {
            Some(n) => PageLimits::default().max_pages(n),
            None => PageLimits::default(),
        }
    }
}

/// The provider and connection every `endpoints` subcommand takes.
#[derive(Clone, Debug, Args)]
pub struct EndpointTarget {
    /// The provider.
    #[arg(long, value_parser = provider_parser())]
    pub provider: ProviderId,
    /// Connection, credentials and output.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `hookbridge endpoints`.
#[derive(Clone, Debug, Args)]
pub struct EndpointsArgs {
    /// The operation.
    #[command(subcommand)]
    pub command: EndpointsCommand,
}

/// What `endpoints` does.
#[derive(Clone, Debug, Subcommand)]
pub enum EndpointsCommand {
    /// Every endpoint (all pages).
    List(EndpointsListArgs),
    /// Register an endpoint.
    Create(EndpointsCreateArgs),
    /// One endpoint.
    Get(EndpointIdArgs),
    /// Change only the given fields of an endpoint (at least one); the rest stays as it is.
    Update(EndpointsUpdateArgs),
    /// Delete an endpoint.
    Delete(EndpointIdArgs),
    /// Generate a new signing secret; printed once.
    RotateSecret(EndpointIdArgs),
}

impl EndpointsCommand {
    /// The provider and connection.
    pub fn target(&self) -> &EndpointTarget {
        match self {
            Self::List(a) => &a.target,
            Self::Create(a) => &a.target,
            Self::Update(a) => &a.target,
            Self::Get(a) | Self::Delete(a) | Self::RotateSecret(a) => &a.target,
        }
    }

    /// The operation of the unified `Webhook` trait it performs.
    pub fn operation(&self) -> Operation {
        match self {
            Self::List(_) => Operation::List,
            Self::Create(_) => Operation::Create,
            Self::Get(_) => Operation::Get,
            Self::Update(_) => Operation::Update,
            Self::Delete(_) => Operation::Delete,
            Self::RotateSecret(_) => Operation::RotateSecret,
        }
    }
}

/// `hookbridge endpoints list`.
#[derive(Clone, Debug, Args)]
pub struct EndpointsListArgs {
    /// Provider and connection.
    #[command(flatten)]
    pub target: EndpointTarget,
    /// Only this shop's webhooks (BLAZE `shopId`; other providers refuse the filter).
    #[arg(long, value_name = "ID")]
    pub shop_id: Option<String>,
    /// Page cap.
    #[command(flatten)]
    pub paging: PagingArgs,
}

/// The endpoint fields `create` and `update` set besides the URLs.
#[derive(Clone, Debug, Default, Args)]
pub struct EndpointFields {
    /// An event to receive (repeatable).
    #[arg(long = "event", value_name = "NAME")]
    pub events: Vec<String>,
    /// Receive every event.
    #[arg(long, conflicts_with = "events")]
    pub all_events: bool,
    /// The endpoint's name (Bitnob `name`, CHIP `title`).
    #[arg(long, conflicts_with = "title")]
    pub name: Option<String>,
    /// Same as --name (CHIP calls it `title`).
    #[arg(long)]
    pub title: Option<String>,
    /// BLAZE's `shopId`.
    #[arg(long, value_name = "ID")]
    pub shop_id: Option<String>,
}

/// `hookbridge endpoints create`.
#[derive(Clone, Debug, Args)]
pub struct EndpointsCreateArgs {
    /// Provider and connection.
    #[command(flatten)]
    pub target: EndpointTarget,
    /// A delivery URL (repeatable: BLAZE takes several).
    #[arg(long = "url", value_name = "URL", required = true)]
    pub urls: Vec<String>,
    /// Events, name, shop.
    #[command(flatten)]
    pub fields: EndpointFields,
}

/// `hookbridge endpoints update`.
#[derive(Clone, Debug, Args)]
pub struct EndpointsUpdateArgs {
    /// Provider and connection.
    #[command(flatten)]
    pub target: EndpointTarget,
    /// The endpoint id.
    #[arg(long)]
    pub id: String,
    /// The new delivery URL (repeatable: BLAZE takes several).
    #[arg(long = "url", value_name = "URL")]
    pub urls: Vec<String>,
    /// Events, name, shop.
    #[command(flatten)]
    pub fields: EndpointFields,
}

/// `hookbridge endpoints get`, `delete`, `rotate-secret`.
#[derive(Clone, Debug, Args)]
pub struct EndpointIdArgs {
    /// Provider and connection.
    #[command(flatten)]
    pub target: EndpointTarget,
    /// The endpoint id.
    #[arg(long)]
    pub id: String,
}

/// The provider and connection every `events` subcommand takes.
#[derive(Clone, Debug, Args)]
pub struct EventsTarget {
    /// The provider (default: the first registered provider with a delivery log).
    #[arg(long, value_parser = provider_parser(), default_value_t = default_provider(|e| e.delivery_log))]
    pub provider: ProviderId,
    /// Connection, credentials and output.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `hookbridge events`.
#[derive(Clone, Debug, Args)]
pub struct EventsArgs {
    /// The operation.
    #[command(subcommand)]
    pub command: EventsCommand,
}

/// What `events` does.
#[derive(Clone, Debug, Subcommand)]
pub enum EventsCommand {
    /// Every delivery event (all pages).
    List(EventsListArgs),
    /// One delivery event.
    Get(EventIdArgs),
    /// Re-deliver an event.
    Retry(EventIdArgs),
}

impl EventsCommand {
    /// The provider and connection.
    pub fn target(&self) -> &EventsTarget {
        match self {
            Self::List(a) => &a.target,
            Self::Get(a) | Self::Retry(a) => &a.target,
        }
    }

    /// The command's name in messages: `events list`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::List(_) => "events list",
            Self::Get(_) => "events get",
            Self::Retry(_) => "events retry",
        }
    }
}

/// `hookbridge events list`.
#[derive(Clone, Debug, Args)]
pub struct EventsListArgs {
    /// Provider and connection.
    #[command(flatten)]
    pub target: EventsTarget,
    /// List only the events of this webhook.
    #[arg(long, value_name = "ID")]
    pub webhook_id: Option<String>,
    /// List only events with this delivery status: `pending`, `delivered` or `failed` (the
    /// values Bitnob documents for the filter).
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Page size of the requests (all pages are listed).
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Page cap.
    #[command(flatten)]
    pub paging: PagingArgs,
}

/// `hookbridge events get`, `retry`.
#[derive(Clone, Debug, Args)]
pub struct EventIdArgs {
    /// Provider and connection.
    #[command(flatten)]
    pub target: EventsTarget,
    /// The delivery event id.
    #[arg(long)]
    pub id: String,
}

/// `hookbridge event-types`.
#[derive(Clone, Debug, Args)]
pub struct EventTypesArgs {
    /// The provider (default: the first registered provider whose API serves its catalogue).
    #[arg(long, value_parser = provider_parser(), default_value_t = default_provider(|e| e.event_catalogue))]
    pub provider: ProviderId,
    /// Connection and output.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `hookbridge public-key`.
#[derive(Clone, Debug, Args)]
pub struct PublicKeyArgs {
    /// The provider (default: the first registered provider publishing a public key).
    #[arg(long, value_parser = provider_parser(), default_value_t = default_provider(|e| e.published_key))]
    pub provider: ProviderId,
    /// Connection and output.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `hookbridge trigger`.
#[derive(Clone, Debug, Args)]
pub struct TriggerArgs {
    /// The provider whose delivery is sent (the presets of `listen` and `verify`).
    #[arg(long, value_parser = crate::presets::preset_parser(), value_name = "PRESET")]
    pub provider: Preset,
    /// The event to send (`--list` shows the provider's).
    #[arg(long, value_name = "EVENT", required_unless_present = "list")]
    pub event: Option<String>,
    /// The receiver's URL (`http` or `https`), e.g. where `hookbridge listen` listens.
    #[arg(long, value_name = "URL", required_unless_present = "list")]
    pub to: Option<String>,
    /// List the events the provider's deliveries can carry, one per line, and exit.
    #[arg(long, conflicts_with_all = ["event", "to"])]
    pub list: bool,
    /// The signing secret (blaze: the URL token). Prefer --secret-file: command lines are
    /// visible to other local users. Without a key, a throwaway one is generated and printed.
    #[arg(long, value_name = "S", conflicts_with_all = ["secret_file", "private_key"])]
    pub secret: Option<Secret>,
    /// A file holding the signing secret (blaze: the URL token); trailing newline ignored.
    #[arg(long, value_name = "F", conflicts_with = "private_key")]
    pub secret_file: Option<std::path::PathBuf>,
    /// A PEM RSA private key (chip, chip-send: `PRIVATE KEY` or `RSA PRIVATE KEY`).
    #[arg(long, value_name = "PEM_FILE")]
    pub private_key: Option<std::path::PathBuf>,
    /// How long to wait for the answer: seconds (`10`) or a duration (`500ms`, `1m`).
    #[arg(long, default_value = "10", value_name = "DURATION")]
    pub timeout: Timeout,
}

/// `--timeout`: whole seconds, or a duration with a unit (`500ms`, `30s`, `1m`); not zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout(pub std::time::Duration);

impl std::str::FromStr for Timeout {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let duration = match s.trim().parse::<u64>() {
            Ok(secs) => std::time::Duration::from_secs(secs),
            Err(_) => s.parse::<DurationArg>()?.0,
        };
        if duration.is_zero() {
            return Err("the timeout must be longer than zero".to_owned());
        }
        Ok(Self(duration))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let cli = Cli::try_parse_from(["hookbridge", "verify", "--provider", "miex", "--secret", "super-secret-value"])
            .unwrap();
        assert!(!format!("{cli:?}").contains("super-secret-value"));
        let cli =
            Cli::try_parse_from(["hookbridge", "endpoints", "list", "--provider", "chip", "--api-key", "chip-key-123"])
                .unwrap();
        assert!(!format!("{cli:#?}").contains("chip-key-123"));
        let cli = Cli::try_parse_from([
            "hookbridge",
            "endpoints",
            "get",
            "--provider",
            "blaze",
            "--id",
            "x",
            "--blaze-partner-key",
            "partner-key-123",
            "--bitnob-secret-key",
            "bitnob-key-123",
        ])
        .unwrap();
        let debug = format!("{cli:#?}");
        assert!(!debug.contains("partner-key-123") && !debug.contains("bitnob-key-123"), "{debug}");
    }

    #[test]
    fn the_documented_invocations_parse_into_their_subcommands() {
        let parse = |args: &str| Cli::try_parse_from(std::iter::once("hookbridge").chain(args.split(' ')));
        let endpoints = |args: &str| match parse(args).unwrap().command {
            Command::Endpoints(e) => e.command,
            other => panic!("{other:?}"),
        };
        let create = endpoints(
            "endpoints create --provider miex --url https://x --event order.created --base-url https://api.example/v1",
        );
        let EndpointsCommand::Create(create) = create else { panic!("{create:?}") };
        assert_eq!(create.target.provider, "miex");
        assert_eq!(create.urls, ["https://x"]);
        assert_eq!(create.fields.events, ["order.created"]);
        assert_eq!(create.target.connection.base_url.as_deref(), Some("https://api.example/v1"));
        let list = endpoints("endpoints list --provider chip --output jsonl --shop-id s --max-pages 3");
        let EndpointsCommand::List(list) = list else { panic!("{list:?}") };
        assert_eq!((list.target.connection.output, list.paging.max_pages), (TableOrJson::Jsonl, Some(3)));
        let cli = parse("-v endpoints list --provider bitnob").unwrap();
        assert_eq!(cli.verbose, 1);
        let update = endpoints("endpoints update --provider chip --id 7 --title t --all-events");
        assert!(matches!(update, EndpointsCommand::Update(u) if u.id == "7" && u.fields.all_events));
        let rotate = endpoints("endpoints rotate-secret --provider bitnob --id 7");
        assert_eq!(rotate.operation(), Operation::RotateSecret);
        match parse("events list --status failed --webhook-id w --limit 5").unwrap().command {
            Command::Events(EventsArgs { command: EventsCommand::List(list) }) => {
                assert_eq!(list.target.provider, "bitnob", "the default provider");
                assert_eq!((list.status.as_deref(), list.limit), (Some("failed"), Some(5)));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse("events retry --id e1").unwrap().command,
            Command::Events(EventsArgs { command: EventsCommand::Retry(EventIdArgs { ref id, .. }) }) if id == "e1"
        ));
        for refused in
            ["endpoints get --provider chip", "endpoints create --provider chip", "events get", "endpoints list"]
        {
            let err = parse(refused).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument, "{refused}");
        }
    }

    #[test]
    fn database_urls_never_show_their_password() {
        let cli =
            Cli::try_parse_from(["hookbridge", "inbox", "list", "--database", "postgres://app:db-pass-123@db/pay"])
                .unwrap();
        assert!(!format!("{cli:?}").contains("db-pass-123"));
        let cli = Cli::try_parse_from([
            "hookbridge",
            "listen",
            "--provider",
            "miex",
            "--inbox",
            "postgres://app:db-pass-123@db/pay",
        ])
        .unwrap();
        assert!(!format!("{cli:#?}").contains("db-pass-123"));
    }

    #[test]
    fn durations_are_written_with_units() {
        let d = |s: &str| s.parse::<DurationArg>().map(|d| d.0);
        assert_eq!(d("100ms"), Ok(std::time::Duration::from_millis(100)));
        assert_eq!(d("30s"), Ok(std::time::Duration::from_secs(30)));
        assert_eq!(d("7d"), Ok(std::time::Duration::from_secs(7 * 86_400)));
        assert_eq!(d("1h30m"), Ok(std::time::Duration::from_secs(5_400)));
        assert!(d("soon").is_err());
        assert!(d("-5s").is_err());
    }

    #[test]
    fn presets_have_the_documented_names() {
        // The documented `--provider` values of verify / listen / sign / trigger (a CLI contract).
        let documented = [
            "miex",
            "bitnob",
            "bitnob-legacy",
            "chip",
            "chip-send",
            "standard-webhooks",
            "stripe",
            "github",
            "blaze",
            "abbeycross-assumed",
            "abbeycross",
        ];
        for name in documented {
            let cli = Cli::try_parse_from(["hookbridge", "verify", "--provider", name, "--secret", "s"]);
            assert!(cli.is_ok(), "{name}");
            assert!(Preset::find(name).is_some(), "{name}");
        }
    }
}
