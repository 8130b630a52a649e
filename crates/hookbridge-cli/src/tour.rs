//! `hookbridge tour`: every registered provider end to end, in seconds, without credentials or
//! network.
//!
//! 1. starts each registered provider's `hookbridge-testkit` simulator (the testkit's simulator
//!    hook) and a local axum receiver, all on `127.0.0.1:0`, and builds each provider's client
//!    through its descriptor (`Box<dyn Webhook>`);
//! 2. registers an endpoint on each provider **through the unified trait**, pointing at the
//!    receiver (`/hooks/<provider>`); the receiver's key comes from where the provider's first
//!    receiving preset says: the secret revealed at creation, a field of the created endpoint
//!    (CHIP's `public_key`), or a token the tour appends to the callback URL (BLAZE signs
//!    nothing);
//! 3. lists the endpoints of every provider that can list them, in one unified table;
//! 4. has each simulator send a signed delivery; the receiver verifies it with the provider's
//!    preset (its own receiver spec) and normalises it into the unified `Delivery`;
//! 5. replays each delivery with a forged body (URL-token presets: without the token) and
//!    expects 401;
//! 6. rotates the signing secret where the provider supports it and shows that a delivery
//!    signed with the new secret verifies against a key ring holding the old and the new one;
//! 7. deletes the endpoints where the provider supports it.
//!
//! Nothing here names a provider: a provider added to the registry, with a simulator in the
//! testkit, is toured too. Each step prints a table (provider | result | detail); the command
//! exits 0 only if every step succeeded. Results: `ok`, `n/a` (the provider does not document
//! the operation — not a failure), `FAILED`, `skipped` (an earlier step failed for that
//! provider — a failure).

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use futures_util::StreamExt as _;
use hookbridge_adapters::registry;
use hookbridge_core::descriptor::{ClientSettings, NameField};
use hookbridge_core::{Descriptor, Endpoint, EndpointSpec, ProviderId, RetryPolicy, Secret, Webhook};
use hookbridge_testkit::DeliveryReport;
use hookbridge_testkit::conformance::{RunningSimulator, start_simulator};
use hookbridge_verify::UrlToken;
use hookbridge_verify::preset::{EndpointKey, KeyKind, KeyMaterial};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::CliError;
use crate::cli::TourArgs;
use crate::output::{DeliveryView, Table, endpoints_table};
use crate::presets::{Preset, Receiver, ReceiverSettings, Rejection};

/// Number of steps in the tour.
pub const STEPS: usize = 7;

/// How one provider fared in one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It worked.
    Ok,
    /// The provider does not document the operation (not a failure).
    NotApplicable,
    /// It failed.
    Failed,
    /// Not attempted because an earlier step failed for this provider (a failure).
    Skipped,
}

impl Outcome {
    fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::NotApplicable => "n/a",
            Outcome::Failed => "FAILED",
            Outcome::Skipped => "skipped",
        }
    }

    fn is_success(self) -> bool {
        matches!(self, Outcome::Ok | Outcome::NotApplicable)
    }
}

/// One step's rows, printed as a table.
#[derive(Debug)]
struct Step {
    title: String,
    rows: Vec<(String, Outcome, String)>,
    extra: Vec<String>,
}

impl Step {
    fn new(title: impl Into<String>) -> Self {
        Self { title: title.into(), rows: Vec::new(), extra: Vec::new() }
    }

    fn row(&mut self, who: impl Into<String>, outcome: Outcome, detail: impl Into<String>) {
        self.rows.push((who.into(), outcome, detail.into()));
    }

    fn ok(&self) -> bool {
        self.rows.iter().all(|(_, o, _)| o.is_success())
    }
}

/// Writes steps as they complete and counts failures.
struct Report<'a> {
    out: &'a mut dyn Write,
    done: usize,
    failed: usize,
}

impl Report<'_> {
    fn step(&mut self, step: Step) -> std::io::Result<()> {
        self.done += 1;
        if !step.ok() {
            self.failed += 1;
        }
        writeln!(self.out, "[{}/{STEPS}] {}", self.done, step.title)?;
        let mut table = Table::new(["provider", "result", "detail"]);
        table.status_column("result");
        for (who, outcome, detail) in &step.rows {
            table.row([who.clone(), outcome.label().to_owned(), detail.clone()]);
        }
        table.write(self.out, "  ")?;
        for line in &step.extra {
            writeln!(self.out, "{line}")?;
        }
        writeln!(self.out)?;
        self.out.flush()
    }
}

/// The tour's receiver: `/hooks/{provider}` verified by that provider's [`Receiver`].
#[derive(Default)]
struct RxState {
    receivers: RwLock<HashMap<ProviderId, Arc<Receiver>>>,
    log: Mutex<Vec<(ProviderId, Result<DeliveryView, Rejection>)>>,
}

impl RxState {
    fn set(&self, provider: ProviderId, receiver: Receiver) {
        self.receivers.write().unwrap_or_else(PoisonError::into_inner).insert(provider, Arc::new(receiver));
    }

    fn take_last(&self, provider: ProviderId) -> Option<Result<DeliveryView, Rejection>> {
        let mut log = self.log.lock().unwrap_or_else(PoisonError::into_inner);
        let pos = log.iter().rposition(|(p, _)| *p == provider)?;
        Some(log.remove(pos).1)
    }
}

async fn receive(
    State(state): State<Arc<RxState>>,
    Path(provider): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Ok(provider) = provider.parse::<ProviderId>() else {
        return StatusCode::NOT_FOUND;
    };
    let receiver = state.receivers.read().unwrap_or_else(PoisonError::into_inner).get(&provider).cloned();
    let result = match receiver {
        Some(r) => r.check(&uri, &body, &headers, hookbridge_verify::unix_now()).await,
        None => Err(Rejection { status: StatusCode::UNAUTHORIZED, reason: "no key configured yet".into() }),
    };
    let status = match &result {
        Ok(_) => StatusCode::OK,
        Err(r) => r.status,
    };
    state.log.lock().unwrap_or_else(PoisonError::into_inner).push((provider, result));
    status
}

struct LocalReceiver {
    base: String,
    state: Arc<RxState>,
    _stop: oneshot::Sender<()>,
}

impl LocalReceiver {
    async fn start() -> Result<Self, CliError> {
        let state = Arc::new(RxState::default());
        let app = Router::new().route("/hooks/{provider}", post(receive)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| CliError::failed(format!("cannot start the local receiver: {e}")))?;
        let addr = listener.local_addr().map_err(|e| CliError::failed(format!("local receiver: {e}")))?;
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self { base: format!("http://{addr}"), state, _stop: tx })
    }

    fn url(&self, provider: ProviderId) -> String {
        format!("{}/hooks/{}", self.base, provider.as_str())
    }
}

/// A shared HTTP client that ignores proxy settings: everything in the tour is on loopback.
fn loopback_http() -> Result<reqwest::Client, CliError> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| CliError::failed(format!("cannot build an HTTP client: {e}")))
}

/// One provider on tour: its descriptor, simulator, client (built by the descriptor from the
/// simulator's credentials) and receiving preset.
struct Toured {
    descriptor: &'static dyn Descriptor,
    sim: RunningSimulator,
    client: Box<dyn Webhook>,
    preset: Preset,
}

impl Toured {
    fn id(&self) -> ProviderId {
        self.descriptor.id()
    }

    fn name(&self) -> &'static str {
        self.descriptor.display_name()
    }

    async fn deliver(&self) -> Result<Vec<DeliveryReport>, String> {
        self.sim.deliver(self.sim.example_event(), None).await.map_err(|e| crate::error_chain(&e))
    }
}

/// Starts `descriptor`'s simulator and builds its client (no retries, a 10 s timeout, the shared
/// loopback HTTP client) and preset.
async fn tour_provider(descriptor: &'static dyn Descriptor, http: &reqwest::Client) -> Result<Toured, String> {
    let id = descriptor.id();
    let sim = start_simulator(id.as_str())
        .await
        .map_err(|e| format!("cannot start the simulator: {}", crate::error_chain(&e)))?
        .ok_or_else(|| "the testkit has no simulator for it".to_owned())?;
    let preset = registry::presets_of(id)
        .next()
        .map(Preset::from)
        .ok_or_else(|| "no receiving preset is registered".to_owned())?;
    // The receiver is on http://127.0.0.1: allow it for this local demo.
    let http = http.clone();
    let mut settings =
        ClientSettings::new().base_url(sim.base_url.clone()).allow_insecure_urls(true).configure(move |config| {
            config.retry(RetryPolicy::none()).timeout(Duration::from_secs(10)).http_client(http.clone())
        });
    for (env, value) in &sim.credentials {
        settings = settings.credential(env, Secret::new(value.clone()));
    }
    let client = descriptor.client(&settings).map_err(|e| crate::error_chain(&e))?.client;
    Ok(Toured { descriptor, sim, client, preset })
}

/// The unified spec registered for `t`: a name where the provider has one, the simulator's
/// example event where events can be chosen (otherwise the provider sends every event).
fn tour_spec(t: &Toured, callback: &str) -> Result<EndpointSpec, CliError> {
    let url: hookbridge_core::DeliveryUrl =
        callback.parse().map_err(|e| CliError::failed(format!("receiver URL: {e}")))?;
    let mut spec = EndpointSpec::new(url);
    let named = t.descriptor.dialect().is_some_and(|d| d.spec_rules().name != NameField::Absent);
    if named {
        spec = spec.name("hookbridge tour");
    }
    if t.descriptor.capabilities().event_selection {
        spec = spec.event(t.sim.example_event());
    }
    Ok(spec)
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max { format!("{}…", s.chars().take(max - 1).collect::<String>()) } else { s.to_owned() }
}

fn short_id(id: &str) -> String {
    shorten(id, 24)
}

/// A one-line description of a delivery with ids shortened: `order.created · order 22bbdc7c… · key k`.
fn compact(view: &DeliveryView) -> String {
    let id = |s: &str| shorten(s, 13);
    let mut parts =
        vec![view.delivery.event_type.as_ref().map_or_else(|| "(no event type)".to_owned(), ToString::to_string)];
    if let Some(s) = &view.delivery.subject {
        parts.push(format!("{} {}", s.kind, id(&s.id)));
    }
    if let Some(d) = &view.delivery.delivery_id {
        parts.push(format!("delivery {}", id(d)));
    }
    if let Some(e) = &view.delivery.event_id {
        parts.push(format!("event {}", id(e)));
    }
    if let Some(k) = &view.delivery.key_id {
        parts.push(format!("key {}", id(k)));
    }
    parts.join(" · ")
}

/// The receiver keys for an endpoint just created, from where the preset says, and a note on
/// where they came from.
fn keys_for(
    t: &Toured,
    endpoint: &Endpoint,
    url_token: Option<&UrlToken>,
) -> Result<(Vec<KeyMaterial>, String), String> {
    let preset = t.preset;
    match preset.endpoint_key_source() {
        Some(EndpointKey::Secret) => {
            let s = endpoint.secret.as_ref().ok_or_else(|| "the provider revealed no secret".to_owned())?;
            let note = format!("signing secret revealed once ({} chars)", s.len());
            Ok((vec![KeyMaterial::secret("initial", s.expose())], note))
        }
        Some(EndpointKey::Field(field)) => {
            let value = endpoint
                .provider_fields
                .get(field)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("the created endpoint has no `{field}`"))?;
            let key = match preset.key_kind() {
                KeyKind::Rsa => KeyMaterial::public_key(endpoint.id.as_str(), value),
                _ => KeyMaterial::secret(endpoint.id.as_str(), value),
            };
            Ok((vec![key], format!("the endpoint's `{field}` verifies its deliveries")))
        }
        Some(EndpointKey::CallbackUrlToken) => {
            let token = url_token.ok_or_else(|| "no URL token was generated".to_owned())?;
            let note = format!("{} signs nothing: the callback URL carries a secret token", t.name());
            Ok((vec![KeyMaterial::secret("url-token", token.expose_secret())], note))
        }
        _ => Err(format!("the `{}` preset says nowhere where its key comes from", preset.name())),
    }
}

/// Inserts `"tampered":true,` after the body's first `{` (or appends a byte): a forged body.
fn forge(body: &[u8]) -> Vec<u8> {
    match body.iter().position(|b| *b == b'{') {
        Some(pos) => {
            let mut forged = body[..=pos].to_vec();
            forged.extend_from_slice(br#""tampered":true,"#);
            forged.extend_from_slice(&body[pos + 1..]);
            forged
        }
        None => [body, b" "].concat(),
    }
}

/// Runs the tour; `Ok(true)` when every step succeeded.
pub async fn run(_args: &TourArgs, out: &mut dyn Write) -> Result<bool, CliError> {
    let started = Instant::now();
    let count = registry::PROVIDERS.len();
    writeln!(out, "hookbridge tour: {count} webhook providers through one trait, all on 127.0.0.1")?;
    writeln!(out, "(in-process simulators from hookbridge-testkit: no credentials, no network)")?;
    writeln!(out, "Results: ok | n/a = the provider does not document the operation (not a failure) | FAILED")?;
    writeln!(out)?;
    let mut report = Report { out, done: 0, failed: 0 };

    // 1. Simulators, clients and the receiver.
    let mut step = Step::new("Start every provider's simulator, its client (from its descriptor) and a local receiver");
    let http = loopback_http()?;
    let mut toured = Vec::new();
    for descriptor in registry::providers() {
        match tour_provider(descriptor, &http).await {
            Ok(t) => {
                step.row(
                    t.name(),
                    Outcome::Ok,
                    format!("simulator at {}; preset `{}`", t.sim.base_url, t.preset.name()),
                );
                toured.push(t);
            }
            Err(e) => step.row(descriptor.display_name(), Outcome::Failed, e),
        }
    }
    let rx = LocalReceiver::start().await?;
    step.row("receiver", Outcome::Ok, format!("axum at {}/hooks/<provider>", rx.base));
    report.step(step)?;

    // 2. Register through the unified trait.
    let mut step = Step::new("Register an endpoint on each provider through Box<dyn Webhook>::create");
    let mut created: HashMap<ProviderId, Endpoint> = HashMap::new();
    for t in &toured {
        let p = t.id();
        let mut callback = rx.url(p);
        let mut url_token = None;
        if let (Some(EndpointKey::CallbackUrlToken), Some(param)) =
            (t.preset.endpoint_key_source(), t.preset.url_token_param())
        {
            let token = UrlToken::generate().map_err(|e| CliError::failed(e.to_string()))?;
            callback = format!("{callback}?{param}={}", token.expose_secret());
            url_token = Some(token);
        }
        let result = match tour_spec(t, &callback) {
            Ok(spec) => t.client.create(&spec).await.map_err(|e| crate::error_chain(&e)),
            Err(e) => Err(e.to_string()),
        };
        let outcome = result.and_then(|endpoint| {
            let (keys, note) = keys_for(t, &endpoint, url_token.as_ref())?;
            let receiver =
                Receiver::for_preset(t.preset, &keys, &ReceiverSettings::default()).map_err(|e| e.to_string())?;
            rx.state.set(p, receiver);
            Ok((endpoint, note))
        });
        match outcome {
            Ok((endpoint, note)) => {
                let detail = format!("id {}; {note}", short_id(endpoint.id.as_str()));
                step.row(t.name(), Outcome::Ok, detail);
                created.insert(p, endpoint);
            }
            Err(e) => step.row(t.name(), Outcome::Failed, e),
        }
    }
    report.step(step)?;

    // 3. List across providers.
    let mut step = Step::new("List endpoints across all providers (Webhook::list, every page)");
    let mut all = Vec::new();
    for t in &toured {
        let p = t.id();
        if !t.client.capabilities().list {
            step.row(t.name(), Outcome::NotApplicable, format!("{} documents no list operation", t.name()));
            continue;
        }
        let mut stream = t.client.list();
        let mut found = Vec::new();
        let mut error = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(e) => found.push(e),
                Err(e) => {
                    error = Some(crate::error_chain(&e));
                    break;
                }
            }
        }
        match error {
            Some(e) => step.row(t.name(), Outcome::Failed, e),
            None => {
                let ours = created.get(&p).is_some_and(|c| found.iter().any(|e| e.id == c.id));
                let n = found.len();
                let detail = format!(
                    "{n} endpoint{}{}",
                    if n == 1 { "" } else { "s" },
                    if ours { ", including ours" } else { "" }
                );
                step.row(t.name(), if ours { Outcome::Ok } else { Outcome::Failed }, detail);
                all.extend(found);
            }
        }
    }
    if !all.is_empty() {
        step.extra.push("  The same endpoints in the unified model:".into());
        step.extra.extend(endpoints_table(&all).render_styled("    "));
    }
    report.step(step)?;

    // 4. Signed deliveries, verified and normalised.
    let mut step = Step::new("Each simulator sends a signed delivery; the receiver verifies and normalises it");
    let mut delivered: HashMap<ProviderId, DeliveryReport> = HashMap::new();
    for t in &toured {
        let p = t.id();
        if !created.contains_key(&p) {
            step.row(t.name(), Outcome::Skipped, "no endpoint registered");
            continue;
        }
        match t.deliver().await {
            Err(e) => step.row(t.name(), Outcome::Failed, e),
            Ok(reports) => {
                let Some(first) = reports.into_iter().next() else {
                    step.row(t.name(), Outcome::Failed, "the simulator sent nothing");
                    continue;
                };
                let http_status = first.status.map_or_else(|| "no response".to_owned(), |s| format!("HTTP {s}"));
                match rx.state.take_last(p) {
                    Some(Ok(view)) if first.is_success() => {
                        let how = match (t.preset.key_kind(), t.preset.is_assumed()) {
                            (KeyKind::UrlToken, _) => " (URL token)",
                            (_, true) => " (assumed scheme)",
                            _ => "",
                        };
                        step.row(t.name(), Outcome::Ok, format!("{http_status}{how}: {}", compact(&view)));
                        delivered.insert(p, first);
                    }
                    Some(Err(r)) => step.row(t.name(), Outcome::Failed, format!("{http_status}: {}", r.reason)),
                    _ => step.row(
                        t.name(),
                        Outcome::Failed,
                        format!("{http_status}: {}", first.error.unwrap_or_else(|| "not received".into())),
                    ),
                }
            }
        }
    }
    report.step(step)?;

    // 5. Forgeries are refused.
    let mut step = Step::new("Forged deliveries are refused (body altered after signing; URL tokens: URL without it)");
    for t in &toured {
        let p = t.id();
        let Some(original) = delivered.get(&p) else {
            step.row(t.name(), Outcome::Skipped, "no genuine delivery to forge");
            continue;
        };
        let (url, body, what) = if t.preset.key_kind() == KeyKind::UrlToken {
            (rx.url(p), original.body.to_vec(), "token removed")
        } else {
            (original.url.clone(), forge(&original.body), "body altered")
        };
        let sent = http.post(&url).headers(original.header_map()).body(body).send().await;
        match (sent, rx.state.take_last(p)) {
            (Ok(resp), Some(Err(r))) if resp.status() == StatusCode::UNAUTHORIZED => {
                // The first clause is the reason; the rest is advice for a misconfigured key.
                let reason = r.reason.trim_start_matches("delivery verification failed: ");
                let reason = reason.split("; ").next().unwrap_or(reason);
                step.row(t.name(), Outcome::Ok, format!("{what} → HTTP 401: {}", shorten(reason, 100)));
            }
            (Ok(resp), _) => step.row(t.name(), Outcome::Failed, format!("{what} → HTTP {}", resp.status())),
            (Err(e), _) => step.row(t.name(), Outcome::Failed, crate::error_chain(&e)),
        }
    }
    report.step(step)?;

    // 6. Rotation with a key ring.
    let mut step =
        Step::new("Rotate a signing secret (Webhook::rotate_secret); old + new keys verify during the switch");
    for t in &toured {
        let p = t.id();
        if !t.client.capabilities().rotate_secret {
            step.row(t.name(), Outcome::NotApplicable, format!("{} documents no secret rotation", t.name()));
            continue;
        }
        let Some(endpoint) = created.get(&p) else {
            step.row(t.name(), Outcome::Skipped, "no endpoint registered");
            continue;
        };
        let Some(old) = endpoint.secret.clone() else {
            step.row(t.name(), Outcome::Failed, "no initial secret to rotate from");
            continue;
        };
        let rotated = match t.client.rotate_secret(&endpoint.id).await {
            Ok(new) => new,
            Err(e) => {
                step.row(t.name(), Outcome::Failed, crate::error_chain(&e));
                continue;
            }
        };
        let keys =
            vec![KeyMaterial::secret("previous", old.expose()), KeyMaterial::secret("current", rotated.expose())];
        match Receiver::for_preset(t.preset, &keys, &ReceiverSettings::default()) {
            Ok(r) => rx.state.set(p, r),
            Err(e) => {
                step.row(t.name(), Outcome::Failed, e.to_string());
                continue;
            }
        }
        match (t.deliver().await, rx.state.take_last(p)) {
            (Ok(reports), Some(Ok(view))) if reports.iter().all(DeliveryReport::is_success) => {
                let key = view.delivery.key_id.clone().unwrap_or_default();
                let outcome = if key == "current" { Outcome::Ok } else { Outcome::Failed };
                step.row(
                    t.name(),
                    outcome,
                    format!("new secret issued; next delivery verified with key `{key}` (ring: previous, current)"),
                );
            }
            (_, Some(Err(r))) => step.row(t.name(), Outcome::Failed, r.reason),
            (Err(e), _) => step.row(t.name(), Outcome::Failed, e),
            _ => step.row(t.name(), Outcome::Failed, "the delivery was not received"),
        }
    }
    report.step(step)?;

    // 7. Clean up.
    let mut step = Step::new("Clean up (Webhook::delete)");
    for t in &toured {
        if !t.client.capabilities().delete {
            step.row(t.name(), Outcome::NotApplicable, format!("{} documents no delete", t.name()));
            continue;
        }
        let Some(endpoint) = created.get(&t.id()) else {
            step.row(t.name(), Outcome::Skipped, "no endpoint registered");
            continue;
        };
        match t.client.delete(&endpoint.id).await {
            Ok(()) => step.row(t.name(), Outcome::Ok, format!("deleted {}", short_id(endpoint.id.as_str()))),
            Err(e) => step.row(t.name(), Outcome::Failed, crate::error_chain(&e)),
        }
    }
    report.step(step)?;

    for t in toured {
        t.sim.shutdown().await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let ok = report.failed == 0;
    if ok {
        writeln!(report.out, "All {STEPS} steps succeeded in {elapsed:.1} s.")?;
        writeln!(report.out, "Next: the other commands (`--help`, docs/cli.md), and `cargo test --workspace`.")?;
    } else {
        writeln!(report.out, "{} of {STEPS} steps failed ({elapsed:.1} s).", report.failed)?;
    }
    Ok(ok)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn forged_bodies_differ_and_stay_json() {
        let forged = forge(br#"{"event":"x"}"#);
        assert_eq!(forged, br#"{"tampered":true,"event":"x"}"#);
        assert_eq!(forge(b"abc"), b"abc ");
    }
}
