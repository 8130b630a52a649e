//! Stateful simulators of the six providers' webhook-management APIs, signed delivery
//! emitters and embedded fixtures — for hookbridge users' tests and for `hookbridge tour`.
//!
//! Like Stripe's `stripe-mock`, but stateful: each simulator is a real HTTP server on
//! `127.0.0.1:<ephemeral port>` that speaks the provider's **wire format** (field names,
//! casing, status codes, envelopes, timestamps, auth headers) as documented, keeps webhooks
//! across create / list / get / update / delete, pages like the provider, and can POST
//! correctly signed deliveries to the callbacks registered with it. It is an independent
//! implementation of the documentation (it does not use the hookbridge client crates' wire
//! code, only their documented event lists, see [`catalogues`]), so testing a client against it
//! means something.
//!
//! | simulator | base URL ([`base_url`](Simulator::base_url)) | credentials | operations | deliveries |
//! |---|---|---|---|---|
//! | [`MiexSim`] | `http://127.0.0.1:<port>/api/v1` | `Bearer` `sk_branch_` / `sk_personal_` (`pk_` → 403) | register | `X-Webhook-Signature: sha256=<hex>` |
//! | [`BlazeSim`] | `…/api/v1/partner/` | `x-api-key` + `Authorization` (no `Bearer`) | create, get, list (offset), update (PUT), delete | unsigned (BLAZE documents none) |
//! | [`BitnobSim`] | `…/` | `Bearer`, or the `X-Auth-*` headers | the ten documented endpoints, cursor paging, `Idempotency-Key` | `X-Bitnob-Signature` over `ts.body` |
//! | [`AbbeyCrossSim`] | `…/` | `Bearer` | register; working-hours 503 switch | an **assumed** HMAC scheme (undocumented) |
//! | [`ChipSim`] | `…/api/v1/` | `Bearer` | create, get, list (next URLs), PUT, PATCH, delete, `public_key/` | `X-Signature` RSA-SHA256 |
//! | [`StripeSim`] | `…/` | `Bearer sk_test_…` | create, retrieve, update (partial `POST`), list (cursors), delete — form-encoded | `Stripe-Signature: t=..,v1=..` |
//!
//! Each provider module documents exactly what is modelled and every assumption made where
//! the provider documents nothing (error bodies, delivery envelopes, ...).
//!
//! Common to every simulator — each is a [`Simulator`] of its provider's API, so these are
//! written once:
//! * `start()` / `start_with(config)`; stopped on drop or with `shutdown().await`; state in
//!   `Arc<Mutex<..>>`, safe to use from several tasks;
//! * unknown route → 404, wrong method → 405, malformed JSON → 400, non-JSON
//!   `Content-Type` → 415, bodies over [`MAX_REQUEST_BODY`] → 413 — always in the provider's
//!   error shape, never a panic;
//! * fault injection: `fail_next(status, n)` / `fail_next_with_retry_after(..)` answer the
//!   next `n` requests with an error, to test retries;
//! * a request log: `requests()` returns every [`RecordedRequest`] (method, path, query,
//!   headers with credential values redacted, body);
//! * `deliver(event, payload)` POSTs a delivery to every subscribed callback and returns a
//!   [`DeliveryReport`] per attempt; receivers verify them with `hookbridge-verify`.
//!
//! # One registry of simulators
//!
//! Each simulator module implements [`SimulatedApi`](hook::SimulatedApi) — the whole simulator
//! contract: provider id, routes, error shape, the credentials its client needs, an example
//! event, `deliver` — and [`registry::SIMULATORS`] lists them, one line per provider. Nothing
//! else in the testkit names a provider: [`Simulators::start_all`] starts every registered
//! simulator (reached by provider id with [`Simulators::get`]),
//! [`conformance::start_simulator`] starts one by id, and either gives a provider-neutral
//! [`RunningSimulator`] (base URL, credentials by environment-variable name, request log,
//! faults, [`deliver`](RunningSimulator::deliver), [`example_event`](RunningSimulator::example_event))
//! with [typed access](RunningSimulator::typed) to the provider's simulator. The typed
//! simulators (`MiexSim::start()`, ...) are there for tests that want one provider's API.
//!
//! The deliveries themselves are built by [`deliveries`]: a [`Template`](deliveries::Template)
//! per provider (and for the GitHub scheme) knows the events it can build, a realistic body
//! with fresh ids and times, and the signature — usable without a simulator, e.g. to send one
//! delivery to an application (what `hookbridge trigger` does). The templates come with the
//! simulators too: each module exports its own (`miex::TEMPLATE`, `bitnob::LEGACY_TEMPLATE`, ...)
//! and lists them in its [`SimulatedApi::TEMPLATES`](hook::SimulatedApi::TEMPLATES), so
//! [`Template::all`](deliveries::Template::all) reads them from the registry.
//!
//! # Using a simulator in a test
//!
//! ```
//! use hookbridge_testkit::{ChipSim, StatusCode};
//! use serde_json::{Value, json};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(async {
//! let sim = ChipSim::start().await?;
//! // Point the code under test at `sim.base_url()` with `sim.secret_key()`; here, plain reqwest.
//! let http = reqwest::Client::builder().no_proxy().build()?;
//! let created: Value = http
//!     .post(format!("{}webhooks/", sim.base_url()))
//!     .bearer_auth(sim.secret_key())
//!     .json(&json!({
//!         "title": "orders",
//!         "events": ["purchase.paid"],
//!         "callback": "https://example.com/chip",
//!     }))
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! assert_eq!(created["type"], "webhook");
//! assert!(created["public_key"].as_str().is_some_and(|k| k.starts_with("-----BEGIN PUBLIC KEY-----")));
//!
//! // Retries: the next request fails with 503, the one after succeeds.
//! sim.fail_next(StatusCode::SERVICE_UNAVAILABLE, 1);
//! let url = format!("{}webhooks/", sim.base_url());
//! let first = http.get(&url).bearer_auth(sim.secret_key()).send().await?;
//! let second = http.get(&url).bearer_auth(sim.secret_key()).send().await?;
//! assert_eq!((first.status().as_u16(), second.status().as_u16()), (503, 200));
//!
//! // What the code under test sent, with credentials redacted.
//! let log = sim.requests();
//! assert_eq!(log[0].json().unwrap()["title"], "orders");
//! assert_eq!(log[0].header("authorization"), Some("Bearer <redacted>"));
//! assert_eq!(log[1].injected_fault, Some(503));
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! Deliveries go to real callback URLs, so start your receiver (an axum route on
//! `127.0.0.1:0`, say), register its URL, then call `deliver`; see the integration tests of
//! this crate for complete receivers verifying with `hookbridge-verify`.

#![forbid(unsafe_code)]

pub mod catalogues;
pub mod conformance;
pub mod deliveries;
mod delivery;
mod error;
pub mod fixtures;
pub mod hook;
pub mod proxy;
mod receiver_contract;
pub mod receiving;
pub mod registry;
mod server;
pub mod services;
mod simulator;
mod template_spec;
pub mod wait;

pub mod abbeycross;
pub mod bitnob;
pub mod blaze;
pub mod chip;
pub mod miex;
pub mod schemes;
pub mod stripe;

pub use abbeycross::{AbbeyCrossConfig, AbbeyCrossSim};
pub use axum::http::StatusCode;
pub use bitnob::{BitnobConfig, BitnobSim};
pub use blaze::{BlazeConfig, BlazeSim, SearchResultShape};
pub use chip::{ChipConfig, ChipSim};
pub use delivery::{DEFAULT_DELIVERY_TIMEOUT, DELIVERY_USER_AGENT, DeliveryReport};
pub use error::{Error, Result};
pub use hook::{RunningSimulator, SimulatorHook};
use hookbridge_core::ProviderId;
pub use miex::{MiexConfig, MiexSim};
pub use server::{MAX_REQUEST_BODY, REDACTED, RecordedRequest};
pub use simulator::Simulator;
pub use stripe::{StripeConfig, StripeSim};

/// Every simulator of the [registry](registry::SIMULATORS), started together (for demos such as
/// `hookbridge tour`, or tests that exercise several providers), each reached by its provider's
/// id.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use hookbridge_core::ProviderId;
/// use hookbridge_testkit::{Simulators, miex};
///
/// let sims = Simulators::start_all().await?;
/// assert_eq!(sims.iter().count(), hookbridge_testkit::registry::SIMULATORS.len());
/// let miex = sims.get(ProviderId::new("miex")).expect("started");
/// assert!(miex.credential("MIEX_API_KEY").is_some_and(|key| key.starts_with("sk_personal_")));
/// // Typed access, for what only the MIEX simulator has.
/// assert!(miex.typed::<miex::MiexApi>().is_some_and(|sim| sim.webhooks().is_empty()));
/// sims.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Simulators {
    running: Vec<RunningSimulator>,
}

impl Simulators {
    /// Starts every registered simulator with its default configuration, each on its own
    /// ephemeral loopback port, in registry order.
    ///
    /// # Errors
    /// The first start failure ([`Error::Bind`] or [`Error::HttpClient`]); simulators
    /// already started are stopped.
    pub async fn start_all() -> Result<Self> {
        let mut running = Vec::with_capacity(registry::SIMULATORS.len());
        for hook in registry::SIMULATORS {
            running.push(hook.start().await?);
        }
        Ok(Self { running })
    }

    /// The simulator of the provider `id`, if the registry has one.
    #[must_use]
    pub fn get(&self, id: ProviderId) -> Option<&RunningSimulator> {
        self.running.iter().find(|sim| sim.provider() == id)
    }

    /// Every simulator, in registry order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &RunningSimulator> {
        self.running.iter()
    }

    /// Stops them all, waiting for in-flight requests (see [`Simulator::shutdown`]).
    pub async fn shutdown(self) {
        for sim in self.running {
            sim.shutdown().await;
        }
    }
}

impl<'a> IntoIterator for &'a Simulators {
    type Item = &'a RunningSimulator;
    type IntoIter = std::slice::Iter<'a, RunningSimulator>;

    fn into_iter(self) -> Self::IntoIter {
        self.running.iter()
    }
}
