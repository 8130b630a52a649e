//! The conformance suite: the [`Webhook`] contract, checked the same way for every provider, and
//! the receiver contract of every receiving preset ([`receiver_contract`]: sign → receive →
//! unified, replays deduped, forged / wrong-key / unsigned / stale deliveries refused, oversized
//! bodies, an application failure retried, a rotation key ring — on a dedupe store you give).
//!
//! [`webhook_contract`] drives any `dyn Webhook` client (built by a provider's descriptor, pointed at its
//! simulator) through the unified contract: the capabilities it declares match what it does, operations
//! it does not support fail with the typed [`Unsupported`](hookbridge_core::Unsupported) error before
//! anything is sent, create → get → list → update → delete round-trip, a secret revealed at creation is
//! not revealed again, a listing yields every endpoint exactly once, and a missing endpoint is a typed
//! "not found". [`start_simulator`] is the simulator hook: it starts a provider's simulator by id and
//! says which credentials (by environment-variable name) its client needs.
//!
//! ```no_run
//! # async fn demo(client: &dyn hookbridge_core::Webhook) -> Result<(), Box<dyn std::error::Error>> {
//! use hookbridge_testkit::conformance::{ContractOptions, webhook_contract};
//!
//! let passed = webhook_contract(client, &ContractOptions::new("order.created")).await?;
//! assert!(passed.contains(&"create"));
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeSet;
use std::fmt;

use futures_util::StreamExt as _;
use hookbridge_core::{EndpointId, EndpointSpec, EndpointUpdate, Operation, Webhook};

use crate::Result;
pub use crate::hook::RunningSimulator;
pub use crate::receiver_contract::receiver_contract;

/// Starts the simulator of the provider `id` (`miex`, `blaze`, `bitnob`, `abbeycross`, `chip`,
/// `stripe`: whatever the [registry](crate::registry::SIMULATORS) lists); `None` when the testkit
/// has no simulator for it.
///
/// # Errors
/// When the simulator cannot start.
pub async fn start_simulator(id: &str) -> Result<Option<RunningSimulator>> {
    match crate::registry::find(id) {
        Some(hook) => Ok(Some(hook.start().await?)),
        None => Ok(None),
    }
}

/// Counts the requests a server received (for example [`RunningSimulator::request_count`] of a shared simulator).
#[derive(Clone)]
pub struct RequestCounter(std::sync::Arc<dyn Fn() -> usize + Send + Sync>);

impl RequestCounter {
    /// A counter from any function.
    pub fn new(count: impl Fn() -> usize + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(count))
    }

    fn count(&self) -> usize {
        (self.0)()
    }
}

impl fmt::Debug for RequestCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RequestCounter").field(&self.count()).finish()
    }
}

/// What [`webhook_contract`] needs to know beyond the client.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ContractOptions {
    /// An event the provider accepts in an endpoint's event list.
    pub event: String,
    /// Provider-specific fields a create needs (by wire name), e.g. a shop id.
    pub create_fields: Vec<(String, serde_json::Value)>,
    /// Counts the requests the provider's server received: with it, the contract also checks that
    /// unsupported operations and refused input send nothing.
    pub requests: Option<RequestCounter>,
}

impl ContractOptions {
    /// Options with the event `event` and no extra fields.
    #[must_use]
    pub fn new(event: impl Into<String>) -> Self {
        Self { event: event.into(), create_fields: Vec::new(), requests: None }
    }

    /// The same, checking with `counter` that refused calls send nothing.
    #[must_use]
    pub fn request_counter(mut self, counter: RequestCounter) -> Self {
        self.requests = Some(counter);
        self
    }

    /// The same with a provider field on creates.
    #[must_use]
    pub fn create_field(mut self, key: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.create_fields.push((key.into(), value.into()));
        self
    }
}

/// A broken promise of the [`Webhook`] contract: which check, and what happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractFailure {
    /// The provider.
    pub provider: String,
    /// The check that failed (`create`, `unsupported get`, ...).
    pub check: &'static str,
    /// What happened instead.
    pub detail: String,
}

impl fmt::Display for ContractFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.provider, self.check, self.detail)
    }
}

impl std::error::Error for ContractFailure {}

/// Runs the [`Webhook`] contract against `client` (see the [module documentation](self)) and returns
/// the names of the checks that ran and passed.
///
/// # Errors
/// The first [`ContractFailure`].
pub async fn webhook_contract(
    client: &dyn Webhook,
    options: &ContractOptions,
) -> std::result::Result<Vec<&'static str>, ContractFailure> {
    let provider = client.provider().to_string();
    let fail = |check: &'static str, detail: String| ContractFailure { provider: provider.clone(), check, detail };
    let caps = client.capabilities();
    let mut passed = Vec::new();

    // Unsupported operations: the typed error, whatever the arguments.
    let probe_id = EndpointId::new("conformance-probe").map_err(|e| fail("probe id", e.to_string()))?;
    let url = |n: u32| format!("https://hooks.example.com/conformance/{n}");
    let mut spec =
        EndpointSpec::new(hookbridge_core::DeliveryUrl::new(url(1)).map_err(|e| fail("spec", e.to_string()))?)
            .event(options.event.as_str());
    for (key, value) in &options.create_fields {
        spec = spec.provider_field(key.clone(), value.clone());
    }
    let sent_before = options.requests.as_ref().map(RequestCounter::count);
    for op in Operation::ALL {
        if caps.supports(op) {
            continue;
        }
        let result = match op {
            Operation::Create => client.create(&spec).await.map(drop),
            Operation::Get => client.get(&probe_id).await.map(drop),
            Operation::List => client.list().next().await.map_or(Ok(()), |r| r.map(drop)),
            Operation::Update => {
                let moved = hookbridge_core::DeliveryUrl::new(url(9)).map_err(|e| fail("spec", e.to_string()))?;
                client.update(&probe_id, &EndpointUpdate::new().url(moved)).await.map(drop)
            }
            Operation::Delete => client.delete(&probe_id).await,
            Operation::RotateSecret => client.rotate_secret(&probe_id).await.map(drop),
            _ => continue,
        };
        match result {
            Err(e) if e.is_unsupported() => passed.push("unsupported operations are typed"),
            Err(e) => return Err(fail("unsupported operation", format!("{op}: {e}"))),
            Ok(()) => return Err(fail("unsupported operation", format!("{op} is not declared but succeeded"))),
        }
    }
    // Only when an unsupported operation was probed: a provider that supports everything has
    // nothing to check here, and must not be reported as having passed it.
    let probed = passed.contains(&"unsupported operations are typed");
    if let (true, Some(before), Some(counter)) = (probed, sent_before, &options.requests) {
        let sent = counter.count() - before;
        if sent != 0 {
            return Err(fail("unsupported operations send nothing", format!("{sent} request(s) sent")));
        }
        passed.push("unsupported operations send nothing");
    }

    if !caps.create {
        passed.dedup();
        return Ok(passed);
    }
    // Optional parts a provider's create does not take (BLAZE sets events with an update, MIEX
    // and AbbeyCross have no name) are refused before sending with a typed error naming the
    // field: the contract drops that part and creates again.
    let mut spec = spec.name("conformance");
    let created = loop {
        let sent_before = options.requests.as_ref().map(RequestCounter::count);
        let result = client.create(&spec).await;
        if let (Some(before), Some(counter), Err(hookbridge_core::Error::InvalidInput(_))) =
            (sent_before, &options.requests, &result)
            && counter.count() != before
        {
            return Err(fail("refused input sends nothing", "a request was sent".into()));
        }
        match result {
            Err(hookbridge_core::Error::InvalidInput(e))
                if e.field == "events" && spec.events != hookbridge_core::EventSelection::default() =>
            {
                spec.events = hookbridge_core::EventSelection::default();
            }
            Err(hookbridge_core::Error::InvalidInput(e)) if e.field == "name" && spec.name.is_some() => {
                spec.name = None;
            }
            other => break other.map_err(|e| fail("create", e.to_string()))?,
        }
        if !passed.contains(&"input refused before sending is typed") {
            passed.push("input refused before sending is typed");
        }
    };
    if created.provider != client.provider() {
        return Err(fail("create", format!("the endpoint names provider {}", created.provider)));
    }
    if created.urls.first().map(String::as_str) != Some(url(1).as_str()) {
        return Err(fail("create", format!("urls {:?}", created.urls)));
    }
    if caps.secret_on_create && created.secret.is_none() {
        return Err(fail("secret at creation", "declared, but the created endpoint carries none".into()));
    }
    passed.push("create");

    if caps.get {
        let got = client.get(&created.id).await.map_err(|e| fail("get", e.to_string()))?;
        if got.id != created.id || got.urls != created.urls {
            return Err(fail("get", format!("{got:?} is not the created endpoint")));
        }
        if got.secret.is_some() {
            return Err(fail("secret revealed once", "get returned the secret again".into()));
        }
        passed.push("get");
        let missing =
            EndpointId::new("00000000-0000-4000-8000-00000000c0de").map_err(|e| fail("probe id", e.to_string()))?;
        match client.get(&missing).await {
            Err(e) if e.is_not_found() => passed.push("not found is typed"),
            other => return Err(fail("not found is typed", format!("{other:?}"))),
        }
    }

    if caps.list {
        let mut second_spec = spec.clone();
        second_spec.urls = vec![hookbridge_core::DeliveryUrl::new(url(2)).map_err(|e| fail("spec", e.to_string()))?];
        let second = client.create(&second_spec).await.map_err(|e| fail("create", e.to_string()))?;
        let mut seen = BTreeSet::new();
        let mut items = client.list();
        while let Some(item) = items.next().await {
            let endpoint = item.map_err(|e| fail("list", e.to_string()))?;
            if !seen.insert(endpoint.id.clone()) {
                return Err(fail("list", format!("{} listed twice", endpoint.id)));
            }
        }
        drop(items);
        if !seen.contains(&created.id) || !seen.contains(&second.id) {
            return Err(fail("list", format!("created endpoints missing from {seen:?}")));
        }
        passed.push("list");
    }

    if caps.update {
        let moved = hookbridge_core::DeliveryUrl::new(url(3)).map_err(|e| fail("spec", e.to_string()))?;
        let updated = client
            .update(&created.id, &EndpointUpdate::new().url(moved.clone()))
            .await
            .map_err(|e| fail("update", e.to_string()))?;
        if updated.urls.first().map(String::as_str) != Some(moved.as_str()) {
            return Err(fail("update", format!("urls {:?}", updated.urls)));
        }
        if caps.get {
            let got = client.get(&created.id).await.map_err(|e| fail("update", e.to_string()))?;
            if got.urls.first().map(String::as_str) != Some(moved.as_str()) {
                return Err(fail("update", format!("get after update: urls {:?}", got.urls)));
            }
        }
        passed.push("update");
    }

    if caps.rotate_secret {
        let secret = client.rotate_secret(&created.id).await.map_err(|e| fail("rotate secret", e.to_string()))?;
        if secret.is_empty() {
            return Err(fail("rotate secret", "an empty secret".into()));
        }
        passed.push("rotate secret");
    }

    if caps.delete {
        client.delete(&created.id).await.map_err(|e| fail("delete", e.to_string()))?;
        if caps.get {
            match client.get(&created.id).await {
                Err(e) if e.is_not_found() => {}
                Ok(endpoint) if !matches!(endpoint.status, hookbridge_core::EndpointStatus::Active) => {}
                other => return Err(fail("delete", format!("get after delete: {other:?}"))),
            }
        }
        passed.push("delete");
    }
    passed.dedup();
    Ok(passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn debug_names_the_credentials_but_never_shows_them() {
        let sim = start_simulator("chip").await.ok().flatten().unwrap_or_else(|| unreachable!("chip has a simulator"));
        let (env, value) = sim.credentials[0].clone();
        let debug = format!("{sim:?}");
        assert!(debug.contains(env), "{debug}");
        assert!(!debug.contains(&value), "{debug}");
        sim.shutdown().await;
    }
}
