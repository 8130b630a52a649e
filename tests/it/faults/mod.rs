//! Fault injection for the five provider clients, through the real transport.
//!
//! One table ([`cases`]) describes each provider: how to build its client for a base URL, the
//! route of a read operation (when the provider documents one) and of its create operation, and a
//! valid response fixture for each. The scenarios in the submodules run every fault against every
//! row, and each asserts three things:
//!
//! * the **number of attempts** the server saw (`received_requests()`, or the raw listener's log);
//! * that **no create is duplicated without an idempotency key**: MIEX, BLAZE, AbbeyCross and CHIP
//!   create with a keyless POST, which is sent exactly once whatever happens; Bitnob's create
//!   carries a generated `Idempotency-Key` and is retried with the same key ([`assert_create_discipline`]);
//! * the **typed final error** (`Error::Timeout`, `Error::Transport`, `Error::Api` + `ApiErrorKind`,
//!   `Error::Decode` + `DecodeErrorKind`).
//!
//! Retries are kept fast (1–5 ms backoff, no jitter); the few timeouts are 250 ms per attempt.

mod body;
mod network;
mod observability;
mod paging;
pub(crate) mod raw;
mod status;

use std::time::Duration;

use hookbridge::abbeycross::AbbeyCrossClient;
use hookbridge::bitnob::{BitnobAuth, BitnobClient, CreateOptions, CreateWebhook};
use hookbridge::blaze::{BlazeClient, BlazeKeys, CreateWebHook};
use hookbridge::chip::{ChipClient, ChipEvent, WebhookRequest};
use hookbridge::core::reexports::reqwest;
use hookbridge::miex::{MiexClient, MiexEvent};
use hookbridge::{
    ApiErrorKind, ClientConfig, EndpointId, EndpointSpec, Error, ProviderId, RetryPolicy, Secret, Webhook,
};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::fixture;

pub(crate) const MIEX_KEY: &str = "sk_branch_Zq8rT3vLm0Xw5Yp2Kd7Hs9Jf4Gb1Nc6A";
pub(crate) const BLAZE_PARTNER_KEY: &str = "blaze-partner-key-5b1c9e77d2";
pub(crate) const BLAZE_DEVELOPER_KEY: &str = "blaze-developer-key-a04f3e81c6";
pub(crate) const BITNOB_KEY: &str = "sk.bitnob.live.7Qw2Er9Ty4Ui1Op";
pub(crate) const ABBEY_TOKEN: &str = "abbey-token-Fx3Kq9Lw2Mz8";
pub(crate) const CHIP_KEY: &str = "chip-secret-key-Rt6Yh1Uj8Ik3";

pub(crate) const BLAZE_ID: &str = "65a1f0c2e4b0a1b2c3d4e5f6";
pub(crate) const BITNOB_ID: &str = "3f0c7a52-6d1e-4c8e-9b7a-2f4e1d9c0a11";
pub(crate) const CHIP_ID: &str = "7f1c2a9e-5b3d-4c8e-9a21-0d6b4e8f3c15";

/// Which operation of a provider a scenario drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// A GET of one webhook (retry-safe).
    Read,
    /// The provider's create/register POST.
    Create,
}

/// Method and full path (from the server root) of one operation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Route {
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    /// Fixture answered on success (under `crates/hookbridge-testkit/data/`).
    pub(crate) fixture: &'static str,
    /// Success status.
    pub(crate) status: u16,
}

/// One provider under test.
#[derive(Clone)]
pub(crate) struct ProviderCase {
    pub(crate) provider: ProviderId,
    /// The base URL's path under the server root (for example `/api/v1/partner/`).
    pub(crate) base_path: &'static str,
    /// A retry-safe read (`None` for MIEX and AbbeyCross, which document only a create).
    pub(crate) read: Option<Route>,
    pub(crate) create: Route,
    /// Whether the create carries an idempotency key (and so is retried): Bitnob only.
    pub(crate) create_keyed: bool,
    /// The credentials the client sends (must never be printed or logged).
    pub(crate) credentials: &'static [&'static str],
    build: fn(ClientConfig) -> hookbridge::Result<Client>,
}

/// The five rows of the table, in [`ProviderId::ALL`] order.
pub(crate) fn cases() -> Vec<ProviderCase> {
    vec![
        ProviderCase {
            provider: hookbridge::miex::PROVIDER,
            base_path: "/api/v1",
            read: None,
            create: Route {
                method: "POST",
                path: "/api/v1/partner/webhooks",
                fixture: "miex/register_response.json",
                status: 201,
            },
            create_keyed: false,
            credentials: &[MIEX_KEY],
            build: |c| Ok(Client::Miex(MiexClient::with_config(c, Secret::new(MIEX_KEY))?)),
        },
        ProviderCase {
            provider: hookbridge::blaze::PROVIDER,
            base_path: "/api/v1/partner/",
            read: Some(Route {
                method: "GET",
                path: "/api/v1/partner/webHooks/65a1f0c2e4b0a1b2c3d4e5f6",
                fixture: "blaze/webhook.json",
                status: 200,
            }),
            create: Route {
                method: "POST",
                path: "/api/v1/partner/webHooks",
                fixture: "blaze/webhook.json",
                status: 200,
            },
            create_keyed: false,
            credentials: &[BLAZE_PARTNER_KEY, BLAZE_DEVELOPER_KEY],
            build: |c| {
                let keys = BlazeKeys::new(Secret::new(BLAZE_PARTNER_KEY), Secret::new(BLAZE_DEVELOPER_KEY));
                Ok(Client::Blaze(BlazeClient::with_config(c, keys)?))
            },
        },
        ProviderCase {
            provider: hookbridge::bitnob::PROVIDER,
            base_path: "/",
            read: Some(Route {
                method: "GET",
                path: "/webhooks/3f0c7a52-6d1e-4c8e-9b7a-2f4e1d9c0a11",
                fixture: "bitnob/webhook.json",
                status: 200,
            }),
            create: Route { method: "POST", path: "/webhooks", fixture: "bitnob/webhook_created.json", status: 201 },
            create_keyed: true,
            credentials: &[BITNOB_KEY],
            build: |c| {
                Ok(Client::Bitnob(BitnobClient::with_config(c, BitnobAuth::legacy_bearer(Secret::new(BITNOB_KEY)))?))
            },
        },
        ProviderCase {
            provider: hookbridge::abbeycross::PROVIDER,
            base_path: "/",
            read: None,
            create: Route {
                method: "POST",
                path: "/v1/webhooks/register",
                fixture: "abbeycross/register_response.json",
                status: 201,
            },
            create_keyed: false,
            credentials: &[ABBEY_TOKEN],
            build: |c| Ok(Client::AbbeyCross(AbbeyCrossClient::with_config(c, Secret::new(ABBEY_TOKEN))?)),
        },
        ProviderCase {
            provider: hookbridge::chip::PROVIDER,
            base_path: "/api/v1/",
            read: Some(Route {
                method: "GET",
                path: "/api/v1/webhooks/7f1c2a9e-5b3d-4c8e-9a21-0d6b4e8f3c15/",
                fixture: "chip/webhook.json",
                status: 200,
            }),
            create: Route {
                method: "POST",
                path: "/api/v1/webhooks/",
                fixture: "chip/webhook_create_response.json",
                status: 201,
            },
            create_keyed: false,
            credentials: &[CHIP_KEY],
            build: |c| Ok(Client::Chip(ChipClient::with_config(c, Secret::new(CHIP_KEY))?)),
        },
    ]
}

/// Retries as the client would do them, minus the waiting: 3 attempts, 1–5 ms apart.
pub(crate) fn fast_retry() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)).jitter(false)
}

/// One `reqwest::Client` per test thread (building one loads the TLS roots, which dominates a
/// scenario's cost), without idle connections so every attempt opens its own connection.
pub(crate) fn shared_http() -> reqwest::Client {
    thread_local! {
        static HTTP: reqwest::Client = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
    }
    HTTP.with(Clone::clone)
}

/// A mock server that answers 599 (and fails the test on drop) for any request no scenario mounted.
pub(crate) async fn strict_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(599)).with_priority(u8::MAX).expect(0).mount(&server).await;
    server
}

impl ProviderCase {
    /// The operations this provider documents among [`Op`].
    pub(crate) fn ops(&self) -> Vec<Op> {
        match self.read {
            Some(_) => vec![Op::Read, Op::Create],
            None => vec![Op::Create],
        }
    }

    /// The route of `op`.
    pub(crate) fn route(&self, op: Op) -> Route {
        match op {
            Op::Read => self.read.unwrap_or_else(|| panic!("{} documents no read", self.provider)),
            Op::Create => self.create,
        }
    }

    /// Whether the transport may repeat `op` (reads; Bitnob's keyed create).
    pub(crate) fn retry_safe(&self, op: Op) -> bool {
        op == Op::Read || self.create_keyed
    }

    /// The valid answer to `op`.
    pub(crate) fn ok(&self, op: Op) -> ResponseTemplate {
        let route = self.route(op);
        ResponseTemplate::new(route.status).set_body_json(fixture(route.fixture))
    }

    /// The classification a status gets for this provider (AbbeyCross: every 503 is "outside working hours").
    pub(crate) fn kind_for(&self, status: u16) -> ApiErrorKind {
        match (self.provider, status) {
            (hookbridge::abbeycross::PROVIDER, 503) => ApiErrorKind::Closed,
            _ => ApiErrorKind::from_status(status.try_into().unwrap()),
        }
    }

    /// Builds the client for a server root (`http://127.0.0.1:port`), with fast retries and a 5 s
    /// per-attempt timeout, then `tweak`.
    pub(crate) fn client(&self, root: &str, tweak: impl FnOnce(ClientConfig) -> ClientConfig) -> Client {
        let config = ClientConfig::new(&format!("{root}{}", self.base_path))
            .unwrap()
            .retry(fast_retry())
            .timeout(Duration::from_secs(5))
            .http_client(shared_http());
        (self.build)(tweak(config)).unwrap_or_else(|e| panic!("{}: {e}", self.provider))
    }

    /// Mounts `template` on `op`'s route, answering at most `times` requests (`None`: all).
    pub(crate) async fn mount(&self, server: &MockServer, op: Op, template: ResponseTemplate, times: Option<u64>) {
        let route = self.route(op);
        let mock = Mock::given(method(route.method)).and(path(route.path)).respond_with(template);
        match times {
            Some(n) => mock.up_to_n_times(n).mount(server).await,
            None => mock.mount(server).await,
        }
    }

    /// Mounts `failures` in order (one request each), then — if `then_ok` — the valid answer.
    pub(crate) async fn mount_sequence(
        &self,
        server: &MockServer,
        op: Op,
        failures: Vec<ResponseTemplate>,
        then_ok: bool,
    ) {
        for failure in failures {
            self.mount(server, op, failure, Some(1)).await;
        }
        if then_ok {
            self.mount(server, op, self.ok(op), None).await;
        }
    }

    /// The requests the server received on `op`'s route (one per attempt), after checking that a
    /// create was not duplicated without an idempotency key.
    pub(crate) async fn attempts(&self, server: &MockServer, op: Op) -> usize {
        let route = self.route(op);
        let received: Vec<_> = server
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.method.as_str() == route.method && r.url.path() == route.path)
            .collect();
        let keys: Vec<Option<String>> =
            received.iter().map(|r| r.headers.get("idempotency-key").map(|v| v.to_str().unwrap().to_owned())).collect();
        assert_create_discipline(self, op, &keys);
        received.len()
    }

    /// A unified spec this provider's create accepts (the fixtures' own values).
    pub(crate) fn spec(&self) -> EndpointSpec {
        match self.provider {
            hookbridge::miex::PROVIDER => {
                EndpointSpec::new("https://example.com/webhooks/exchange".parse::<url::Url>().unwrap())
                    .event("order.created")
                    .event("order.status_changed")
            }
            hookbridge::blaze::PROVIDER => {
                EndpointSpec::new("https://partner.example.com/blaze".parse::<url::Url>().unwrap())
            }
            hookbridge::bitnob::PROVIDER => {
                EndpointSpec::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap())
                    .name("Ledger sync")
                    .event("transaction.confirmed")
            }
            hookbridge::abbeycross::PROVIDER => {
                EndpointSpec::new("https://example.com/fx".parse::<url::Url>().unwrap()).event("payment.completed")
            }
            _ => EndpointSpec::new("https://example.com/chip".parse::<url::Url>().unwrap())
                .name("Orders")
                .event("purchase.paid"),
        }
    }

    /// The id the read operation fetches.
    pub(crate) fn read_id(&self) -> EndpointId {
        EndpointId::new(match self.provider {
            hookbridge::blaze::PROVIDER => BLAZE_ID,
            hookbridge::bitnob::PROVIDER => BITNOB_ID,
            _ => CHIP_ID,
        })
        .unwrap()
    }

    /// How many attempts a request of `op` makes when every attempt fails retryably, with the
    /// default 3-attempt policy.
    pub(crate) fn attempts_when_failing(&self, op: Op) -> usize {
        if self.retry_safe(op) { 3 } else { 1 }
    }
}

/// The rule this suite exists for: a create without an idempotency key is sent exactly once; a
/// keyed create (Bitnob) carries the same non-empty key on every attempt. `keys` holds the
/// `Idempotency-Key` header of each attempt on one route.
pub(crate) fn assert_create_discipline(case: &ProviderCase, op: Op, keys: &[Option<String>]) {
    if op != Op::Create {
        return;
    }
    if case.create_keyed {
        let first = keys.first().cloned().flatten();
        let first = first.unwrap_or_else(|| panic!("{}: keyed create sent without a key", case.provider));
        assert!(!first.is_empty());
        assert!(
            keys.iter().all(|k| k.as_deref() == Some(first.as_str())),
            "{}: keys changed across attempts: {keys:?}",
            case.provider
        );
    } else {
        assert!(keys.len() <= 1, "{}: keyless create sent {} times", case.provider, keys.len());
        assert!(keys.iter().all(Option::is_none), "{}: unexpected idempotency key", case.provider);
    }
}

/// A provider client, so scenarios can drive each one through its own API.
#[derive(Debug)]
pub(crate) enum Client {
    Miex(MiexClient),
    Blaze(BlazeClient),
    Bitnob(BitnobClient),
    AbbeyCross(AbbeyCrossClient),
    Chip(ChipClient),
}

impl Client {
    /// The client through the unified trait.
    pub(crate) fn unified(&self) -> &dyn Webhook {
        match self {
            Client::Miex(c) => c,
            Client::Blaze(c) => c,
            Client::Bitnob(c) => c,
            Client::AbbeyCross(c) => c,
            Client::Chip(c) => c,
        }
    }

    /// Runs `op` through the provider's own client API; returns what identifies the decoded
    /// result (an id, or AbbeyCross's message).
    pub(crate) async fn run(&self, op: Op) -> hookbridge::Result<String> {
        match (self, op) {
            (Client::Miex(c), Op::Create) => {
                let req = hookbridge::miex::RegisterWebhook::new(
                    "https://example.com/webhooks/exchange".parse::<url::Url>().unwrap(),
                    [MiexEvent::OrderCreated, MiexEvent::OrderStatusChanged],
                );
                c.webhooks().register(&req).await.map(|w| w.id.to_string())
            }
            (Client::Blaze(c), Op::Read) => c.webhooks().get(BLAZE_ID).await.map(|w| w.id.unwrap_or_default()),
            (Client::Blaze(c), Op::Create) => {
                let body = CreateWebHook::new(vec!["https://partner.example.com/blaze".parse::<url::Url>().unwrap()]);
                c.webhooks().create(&body).await.map(|w| w.id.unwrap_or_default())
            }
            (Client::Bitnob(c), Op::Read) => c.webhooks().get(BITNOB_ID).await.map(|w| w.id.to_string()),
            (Client::Bitnob(c), Op::Create) => {
                let body = CreateWebhook::new("https://example.com/bitnob/webhooks".parse::<url::Url>().unwrap())
                    .name("Ledger sync")
                    .event_types(["transaction.confirmed", "wallet.created"]);
                c.webhooks().create(&body, &CreateOptions::new()).await.map(|w| w.webhook.id.to_string())
            }
            (Client::AbbeyCross(c), Op::Create) => {
                let req = hookbridge::abbeycross::RegisterWebhook::new(
                    "https://example.com/fx".parse::<url::Url>().unwrap(),
                    ["payment.completed"],
                );
                c.webhooks().register(&req).await.map(|r| r.message.unwrap_or_default())
            }
            (Client::Chip(c), Op::Read) => {
                let id = hookbridge::chip::WebhookId::new(CHIP_ID).unwrap();
                c.webhooks().get(&id).await.map(|w| w.id.to_string())
            }
            (Client::Chip(c), Op::Create) => {
                let body = WebhookRequest::new("Orders", "https://example.com/chip".parse::<url::Url>().unwrap())
                    .events([ChipEvent::PurchasePaid]);
                c.webhooks().create(&body).await.map(|w| w.id.to_string())
            }
            (client, Op::Read) => panic!("{} documents no read", client.unified().provider()),
        }
    }

    /// Runs `op` through the unified trait (`get` for reads).
    pub(crate) async fn run_unified(&self, case: &ProviderCase, op: Op) -> hookbridge::Result<String> {
        let client = self.unified();
        match op {
            Op::Read => client.get(&case.read_id()).await.map(|e| e.id.as_str().to_owned()),
            Op::Create => client.create(&case.spec()).await.map(|e| e.id.as_str().to_owned()),
        }
    }
}

/// The id (or message) each fixture decodes to, to check a success really decoded.
pub(crate) fn expected_result(case: &ProviderCase, op: Op) -> &'static str {
    match (case.provider, op) {
        (hookbridge::miex::PROVIDER, _) => "550e8400-e29b-41d4-a716-446655440000",
        (hookbridge::blaze::PROVIDER, _) => BLAZE_ID,
        (hookbridge::bitnob::PROVIDER, _) => BITNOB_ID,
        (hookbridge::abbeycross::PROVIDER, _) => "Webhook registered successfully.",
        (_, Op::Read) => CHIP_ID,
        (_, Op::Create) => "3c90c3cc-0d44-4b50-8888-8dd25736052a",
    }
}

/// The API error of `result`, or a panic naming what came instead.
pub(crate) fn api_kind(ctx: &str, result: &hookbridge::Result<String>) -> ApiErrorKind {
    match result {
        Err(Error::Api(api)) => api.kind,
        other => panic!("{ctx}: expected an API error, got {other:?}"),
    }
}
