//! `hookbridge tour`: the five providers end to end, in seconds, without credentials or network.
//!
//! 1. starts the five `hookbridge-testkit` simulators and a local axum receiver, all on
//!    `127.0.0.1:0`;
//! 2. registers an endpoint on each provider **through the unified trait** (`Box<dyn Webhook>`),
//!    pointing at the receiver (`/hooks/<provider>`; BLAZE's URL carries a secret token);
//! 3. lists the endpoints of every provider that can list them, in one unified table;
//! 4. has each simulator send a signed delivery; the receiver verifies it with the provider's
//!    receiver (MIEX, Bitnob: HMAC; CHIP: RSA with the webhook's public key; BLAZE: the URL token;
//!    AbbeyCross: a custom HMAC scheme matching the testkit's *assumed* one) and normalises it into
//!    the unified `Delivery`;
//! 5. replays each delivery with a forged body (BLAZE: without the token) and expects 401;
//! 6. rotates a signing secret where the provider supports it (Bitnob) and shows that a delivery
//!    signed with the new secret verifies against a key ring holding the old and the new one;
//! 7. deletes the endpoints where the provider supports it.
//!
//! Each step prints a table (provider | result | detail); the command exits 0 only if every step
//! succeeded. Results: `ok`, `n/a` (the provider does not document the operation — not a
//! failure), `FAILED`, `skipped` (an earlier step failed for that provider — a failure).

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
use hookbridge_abbeycross::AbbeyCrossClient;
use hookbridge_bitnob::{BitnobClient, BitnobSigner, SigningScheme};
use hookbridge_blaze::{BlazeClient, BlazeKeys};
use hookbridge_chip::ChipClient;
use hookbridge_core::{ClientConfig, Endpoint, EndpointSpec, ProviderId, RetryPolicy, Secret, Webhook};
use hookbridge_miex::MiexClient;
use hookbridge_testkit::{DeliveryReport, RunningSimulator, Simulators};
use hookbridge_verify::{DEFAULT_TOKEN_PARAM, UrlToken};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::CliError;
use crate::cli::TourArgs;
use crate::output::{DeliveryView, Table, endpoints_table};
use crate::presets::{KeyMaterial, Preset, Receiver, ReceiverOptions, Rejection};

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

fn config(base: &str, http: &reqwest::Client) -> Result<ClientConfig, CliError> {
    Ok(ClientConfig::new(base)
        .map_err(|e| CliError::failed(e.to_string()))?
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .http_client(http.clone()))
}

/// The started simulator of `provider`.
fn sim(sims: &Simulators, provider: ProviderId) -> Result<&RunningSimulator, CliError> {
    sims.get(provider).ok_or_else(|| CliError::failed(format!("the testkit has no simulator for {provider}")))
}

/// The simulator's value of the credential `env`.
fn credential<'a>(sim: &'a RunningSimulator, env: &str) -> Result<&'a str, CliError> {
    sim.credential(env).ok_or_else(|| CliError::failed(format!("the {} simulator has no {env}", sim.provider())))
}

/// The five clients, as trait objects, pointed at the simulators with their credentials.
fn clients(sims: &Simulators, http: &reqwest::Client) -> Result<Vec<Box<dyn Webhook>>, CliError> {
    let (miex_sim, blaze_sim, bitnob_sim, abbeycross_sim, chip_sim) = (
        sim(sims, hookbridge_miex::PROVIDER)?,
        sim(sims, hookbridge_blaze::PROVIDER)?,
        sim(sims, hookbridge_bitnob::PROVIDER)?,
        sim(sims, hookbridge_abbeycross::PROVIDER)?,
        sim(sims, hookbridge_chip::PROVIDER)?,
    );
    let miex =
        MiexClient::with_config(config(&miex_sim.base_url, http)?, Secret::new(credential(miex_sim, "MIEX_API_KEY")?))?;
    let blaze = BlazeClient::with_config(
        config(&blaze_sim.base_url, http)?,
        BlazeKeys::new(credential(blaze_sim, "BLAZE_PARTNER_KEY")?, credential(blaze_sim, "BLAZE_DEVELOPER_KEY")?),
    )?;
    // The receiver is on http://127.0.0.1: allow it for this local demo (Bitnob requires HTTPS).
    let signer = BitnobSigner::new(
        credential(bitnob_sim, "BITNOB_CLIENT_ID")?,
        Secret::new(credential(bitnob_sim, "BITNOB_SECRET_KEY")?),
        SigningScheme::ColonSeparatedHex,
    )
    .map_err(hookbridge_core::Error::from)?;
    let bitnob = BitnobClient::with_config(config(&bitnob_sim.base_url, http)?, signer)?.allow_insecure_urls(true);
    let abbeycross = AbbeyCrossClient::with_config(
        config(&abbeycross_sim.base_url, http)?,
        Secret::new(credential(abbeycross_sim, "ABBEYCROSS_API_TOKEN")?),
    )?;
    let chip =
        ChipClient::with_config(config(&chip_sim.base_url, http)?, Secret::new(credential(chip_sim, "CHIP_API_KEY")?))?;
    Ok(vec![Box::new(miex), Box::new(blaze), Box::new(bitnob), Box::new(abbeycross), Box::new(chip)])
}

/// The event each simulator delivers in the tour.
fn tour_event(provider: ProviderId) -> &'static str {
    match provider {
        hookbridge_miex::PROVIDER => "order.created",
        hookbridge_blaze::PROVIDER => "NEW_MEMBER",
        hookbridge_bitnob::PROVIDER => "transaction.confirmed",
        hookbridge_abbeycross::PROVIDER => "deal.settled",
        _ => "purchase.paid",
    }
}

/// The unified spec registered at `provider`.
fn tour_spec(provider: ProviderId, callback: &str) -> Result<EndpointSpec, CliError> {
    let url: hookbridge_core::DeliveryUrl =
        callback.parse().map_err(|e| CliError::failed(format!("receiver URL: {e}")))?;
    let spec = EndpointSpec::new(url);
    Ok(match provider {
        // BLAZE's create takes no event list: it delivers every type.
        hookbridge_blaze::PROVIDER => spec,
        hookbridge_bitnob::PROVIDER | hookbridge_chip::PROVIDER => {
            spec.name("hookbridge tour").event(tour_event(provider))
        }
        _ => spec.event(tour_event(provider)),
    })
}

async fn deliver(sims: &Simulators, provider: ProviderId) -> Result<Vec<DeliveryReport>, String> {
    let sim = sims.get(provider).ok_or_else(|| format!("the testkit has no simulator for {provider}"))?;
    sim.deliver(tour_event(provider), None).await.map_err(|e| crate::error_chain(&e))
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
    let mut parts = vec![view.event_type.clone().unwrap_or_else(|| "(no event type)".into())];
    if let Some(s) = &view.subject {
        parts.push(format!("{} {}", s.kind, id(&s.id)));
    }
    if let Some(d) = &view.delivery_id {
        parts.push(format!("delivery {}", id(d)));
    }
    if let Some(e) = &view.event_id {
        parts.push(format!("event {}", id(e)));
    }
    if let Some(k) = &view.key_id {
        parts.push(format!("key {}", id(k)));
    }
    parts.join(" · ")
}

/// The receiver keys for an endpoint just created, and a note on where they came from.
fn keys_for(
    provider: ProviderId,
    endpoint: &Endpoint,
    blaze_token: &UrlToken,
) -> Result<(Preset, Vec<KeyMaterial>, String), String> {
    let secret = || endpoint.secret.clone().ok_or_else(|| "the provider revealed no secret".to_owned());
    Ok(match provider {
        hookbridge_miex::PROVIDER => {
            let s = secret()?;
            let note = format!("secretKey revealed once ({} chars)", s.len());
            (Preset::Miex, vec![KeyMaterial::secret("secretKey", s)], note)
        }
        hookbridge_blaze::PROVIDER => (
            Preset::Blaze,
            vec![KeyMaterial::secret("url-token", Secret::new(blaze_token.expose_secret()))],
            "BLAZE signs nothing: the callback URL carries a secret token".into(),
        ),
        hookbridge_bitnob::PROVIDER => {
            let s = secret()?;
            let note = format!("signing_secret revealed once ({} chars)", s.len());
            (Preset::Bitnob, vec![KeyMaterial::secret("initial", s)], note)
        }
        hookbridge_abbeycross::PROVIDER => {
            let s = secret()?;
            let note = format!("apiSecretKey revealed once ({} chars); no id returned, the URL is the id", s.len());
            (Preset::AbbeycrossAssumed, vec![KeyMaterial::secret("apiSecretKey", s)], note)
        }
        _ => {
            let pem = endpoint
                .provider_fields
                .get("public_key")
                .and_then(Value::as_str)
                .ok_or_else(|| "CHIP returned no public_key".to_owned())?;
            (
                Preset::Chip,
                vec![KeyMaterial::public_key(endpoint.id.as_str(), pem)],
                "the webhook's RSA public_key verifies its deliveries".into(),
            )
        }
    })
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
    writeln!(out, "hookbridge tour: five webhook providers through one trait, all on 127.0.0.1")?;
    writeln!(out, "(in-process simulators from hookbridge-testkit: no credentials, no network)")?;
    writeln!(out, "Results: ok | n/a = the provider does not document the operation (not a failure) | FAILED")?;
    writeln!(out)?;
    let mut report = Report { out, done: 0, failed: 0 };

    // 1. Simulators and the receiver.
    let mut step = Step::new("Start the five provider simulators and a local receiver");
    let sims = Simulators::start_all()
        .await
        .map_err(|e| CliError::failed(format!("cannot start the simulators: {}", crate::error_chain(&e))))?;
    let rx = LocalReceiver::start().await?;
    for p in [
        hookbridge_miex::PROVIDER,
        hookbridge_blaze::PROVIDER,
        hookbridge_bitnob::PROVIDER,
        hookbridge_abbeycross::PROVIDER,
        hookbridge_chip::PROVIDER,
    ] {
        step.row(crate::display_name(p), Outcome::Ok, format!("simulator at {}", sim(&sims, p)?.base_url));
    }
    step.row("receiver", Outcome::Ok, format!("axum at {}/hooks/<provider>", rx.base));
    report.step(step)?;

    let http = loopback_http()?;
    let clients = clients(&sims, &http)?;

    // 2. Register through the unified trait.
    let mut step = Step::new("Register an endpoint on each provider through Box<dyn Webhook>::create");
    let blaze_token = UrlToken::generate().map_err(|e| CliError::failed(e.to_string()))?;
    let mut created: HashMap<ProviderId, Endpoint> = HashMap::new();
    for client in &clients {
        let p = client.provider();
        let mut callback = rx.url(p);
        if p == hookbridge_blaze::PROVIDER {
            callback = format!("{callback}?{DEFAULT_TOKEN_PARAM}={}", blaze_token.expose_secret());
        }
        let result = match tour_spec(p, &callback) {
            Ok(spec) => client.create(&spec).await.map_err(|e| crate::error_chain(&e)),
            Err(e) => Err(e.to_string()),
        };
        let outcome = result.and_then(|endpoint| {
            let (preset, keys, note) = keys_for(p, &endpoint, &blaze_token)?;
            let receiver =
                Receiver::for_preset(preset, &keys, &ReceiverOptions::default()).map_err(|e| e.to_string())?;
            rx.state.set(p, receiver);
            Ok((endpoint, note))
        });
        match outcome {
            Ok((endpoint, note)) => {
                let detail = format!("id {}; {note}", short_id(endpoint.id.as_str()));
                step.row(crate::display_name(p), Outcome::Ok, detail);
                created.insert(p, endpoint);
            }
            Err(e) => step.row(crate::display_name(p), Outcome::Failed, e),
        }
    }
    report.step(step)?;

    // 3. List across providers.
    let mut step = Step::new("List endpoints across all providers (Webhook::list, every page)");
    let mut all = Vec::new();
    for client in &clients {
        let p = client.provider();
        if !client.capabilities().list {
            step.row(
                crate::display_name(p),
                Outcome::NotApplicable,
                format!("{} documents no list operation", crate::display_name(p)),
            );
            continue;
        }
        let mut stream = client.list();
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
            Some(e) => step.row(crate::display_name(p), Outcome::Failed, e),
            None => {
                let ours = created.get(&p).is_some_and(|c| found.iter().any(|e| e.id == c.id));
                let n = found.len();
                let detail = format!(
                    "{n} endpoint{}{}",
                    if n == 1 { "" } else { "s" },
                    if ours { ", including ours" } else { "" }
                );
                step.row(crate::display_name(p), if ours { Outcome::Ok } else { Outcome::Failed }, detail);
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
    // The providers the tour has simulators (and so clients) for, not every registered one.
    let toured: Vec<ProviderId> = clients.iter().map(|c| c.provider()).collect();
    for &p in &toured {
        if !created.contains_key(&p) {
            step.row(crate::display_name(p), Outcome::Skipped, "no endpoint registered");
            continue;
        }
        match deliver(&sims, p).await {
            Err(e) => step.row(crate::display_name(p), Outcome::Failed, e),
            Ok(reports) => {
                let Some(first) = reports.into_iter().next() else {
                    step.row(crate::display_name(p), Outcome::Failed, "the simulator sent nothing");
                    continue;
                };
                let http_status = first.status.map_or_else(|| "no response".to_owned(), |s| format!("HTTP {s}"));
                match rx.state.take_last(p) {
                    Some(Ok(view)) if first.is_success() => {
                        let how = match p {
                            hookbridge_blaze::PROVIDER => " (URL token)",
                            hookbridge_abbeycross::PROVIDER => " (assumed scheme)",
                            _ => "",
                        };
                        step.row(
                            crate::display_name(p),
                            Outcome::Ok,
                            format!("{http_status}{how}: {}", compact(&view)),
                        );
                        delivered.insert(p, first);
                    }
                    Some(Err(r)) => {
                        step.row(crate::display_name(p), Outcome::Failed, format!("{http_status}: {}", r.reason))
                    }
                    _ => step.row(
                        crate::display_name(p),
                        Outcome::Failed,
                        format!("{http_status}: {}", first.error.unwrap_or_else(|| "not received".into())),
                    ),
                }
            }
        }
    }
    report.step(step)?;

    // 5. Forgeries are refused.
    let mut step = Step::new("Forged deliveries are refused (body altered after signing; BLAZE: URL without token)");
    for &p in &toured {
        let Some(original) = delivered.get(&p) else {
            step.row(crate::display_name(p), Outcome::Skipped, "no genuine delivery to forge");
            continue;
        };
        let (url, body, what) = if p == hookbridge_blaze::PROVIDER {
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
                step.row(crate::display_name(p), Outcome::Ok, format!("{what} → HTTP 401: {}", shorten(reason, 100)));
            }
            (Ok(resp), _) => {
                step.row(crate::display_name(p), Outcome::Failed, format!("{what} → HTTP {}", resp.status()))
            }
            (Err(e), _) => step.row(crate::display_name(p), Outcome::Failed, crate::error_chain(&e)),
        }
    }
    report.step(step)?;

    // 6. Rotation with a key ring.
    let mut step =
        Step::new("Rotate a signing secret (Webhook::rotate_secret); old + new keys verify during the switch");
    for client in &clients {
        let p = client.provider();
        if !client.capabilities().rotate_secret {
            step.row(
                crate::display_name(p),
                Outcome::NotApplicable,
                format!("{} documents no secret rotation", crate::display_name(p)),
            );
            continue;
        }
        let Some(endpoint) = created.get(&p) else {
            step.row(crate::display_name(p), Outcome::Skipped, "no endpoint registered");
            continue;
        };
        let Some(old) = endpoint.secret.clone() else {
            step.row(crate::display_name(p), Outcome::Failed, "no initial secret to rotate from");
            continue;
        };
        let rotated = match client.rotate_secret(&endpoint.id).await {
            Ok(new) => new,
            Err(e) => {
                step.row(crate::display_name(p), Outcome::Failed, crate::error_chain(&e));
                continue;
            }
        };
        let keys = vec![KeyMaterial::secret("previous", old), KeyMaterial::secret("current", rotated)];
        match Receiver::for_preset(Preset::Bitnob, &keys, &ReceiverOptions::default()) {
            Ok(r) => rx.state.set(p, r),
            Err(e) => {
                step.row(crate::display_name(p), Outcome::Failed, e.to_string());
                continue;
            }
        }
        let result = deliver(&sims, p).await;
        match (result, rx.state.take_last(p)) {
            (Ok(reports), Some(Ok(view))) if reports.iter().all(DeliveryReport::is_success) => {
                let key = view.key_id.clone().unwrap_or_default();
                let outcome = if key == "current" { Outcome::Ok } else { Outcome::Failed };
                step.row(
                    crate::display_name(p),
                    outcome,
                    format!("new secret issued; next delivery verified with key `{key}` (ring: previous, current)"),
                );
            }
            (_, Some(Err(r))) => step.row(crate::display_name(p), Outcome::Failed, r.reason),
            (Err(e), _) => step.row(crate::display_name(p), Outcome::Failed, e),
            _ => step.row(crate::display_name(p), Outcome::Failed, "the delivery was not received"),
        }
    }
    report.step(step)?;

    // 7. Clean up.
    let mut step = Step::new("Clean up (Webhook::delete)");
    for client in &clients {
        let p = client.provider();
        if !client.capabilities().delete {
            step.row(
                crate::display_name(p),
                Outcome::NotApplicable,
                format!("{} documents no delete", crate::display_name(p)),
            );
            continue;
        }
        let Some(endpoint) = created.get(&p) else {
            step.row(crate::display_name(p), Outcome::Skipped, "no endpoint registered");
            continue;
        };
        match client.delete(&endpoint.id).await {
            Ok(()) => {
                step.row(crate::display_name(p), Outcome::Ok, format!("deleted {}", short_id(endpoint.id.as_str())))
            }
            Err(e) => step.row(crate::display_name(p), Outcome::Failed, crate::error_chain(&e)),
        }
    }
    report.step(step)?;

    sims.shutdown().await;
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

    #[test]
    fn specs_fit_each_provider() {
        for p in hookbridge_adapters::registry::ids() {
            let spec = tour_spec(p, "http://127.0.0.1:1/hooks/x").unwrap();
            assert_eq!(spec.urls.len(), 1);
        }
    }
}
