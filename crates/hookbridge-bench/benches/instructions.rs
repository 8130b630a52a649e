//! Instruction counts (valgrind's callgrind, through the gungraun harness) of the hot paths
//! whose criterion numbers the shared machine blurs: each hookbridge path and its hand-written
//! anchor run as separate benchmarks of **one** `cargo bench` run, and everything that is not
//! the measured call (runtime, local server, client, keys, fixtures, the first request that
//! opens the connection) is built in a setup function that callgrind does not count.
//!
//! Run: `cargo bench -p hookbridge-bench --bench instructions` (needs `valgrind` and the
//! `gungraun-runner` binary of the same version as the `gungraun` dev-dependency; see
//! docs/PERFORMANCE.md).
//!
//! Group `client_get` — `GETS` calls each, against a [`LocalServer`] on its own thread (so
//! only the client's instructions are counted: the server thread never enters the benchmark
//! function, where callgrind's collection is switched on):
//! * `unified` — `<BlazeClient as Webhook>::get(&id)` through `&dyn Webhook`;
//! * `typed` — `client.webhooks().get(id)`;
//! * `reqwest` — a hand-written reqwest GET with the same two headers, `error_for_status()`,
//!   `.json::<PartnerWebHook>()`, on a `reqwest::Client` built once.
//!
//! Group `hmac_verify` — `VERIFIES` verifications each of a deterministic JSON body:
//! * `hookbridge` — `HmacVerifier::verify(body, &headers)` with the MIEX or GitHub preset
//!   (hex `sha256=` signature header plus the delivery id header both providers send);
//! * `bare_mac` — the hmac crate alone: clone the pre-keyed `Hmac<Sha256>`, `update(body)`,
//!   `finalize()`, and a constant-time comparison (`subtle`) with the already decoded tag.
//!
//! Group `list` — every endpoint of a listing of `LIST_TOTAL` (1 000 pages of 100):
//! * `unified` — `<BlazeClient as Webhook>::list()` through `&dyn Webhook`;
//! * `reqwest_loop` — a hand-written loop: reqwest GET per page, decode `SearchResult`,
//!   iterate the items, stop at `total`.

// gungraun's macros generate public modules, functions and constants without docs.
#![allow(missing_docs)]

use std::hint::black_box;

use futures_util::StreamExt as _;
use gungraun::{LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main};
use hmac::{Hmac, KeyInit, Mac};
use hookbridge_bench::{LocalServer, json_body, read_fixture};
use hookbridge_blaze::{BlazeClient, BlazeKeys, PartnerWebHook, SearchResult};
use hookbridge_core::{ClientConfig, EndpointId, Webhook};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, unix_now};
use http::{HeaderMap, HeaderValue};
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

const WEBHOOK_ID: &str = "65a1f0c2e4b0a1b2c3d4e5f6";
const PARTNER_KEY: &str = "bench-partner-key";
const DEVELOPER_KEY: &str = "bench-developer-key";
/// Calls per `client_get` benchmark.
const GETS: usize = 20;
/// Verifications per `hmac_verify` benchmark.
const VERIFIES: usize = 20;
/// Endpoints listed per `list` benchmark.
const LIST_TOTAL: u64 = 100_000;
const PAGE: u64 = 100;
const SECRET: &str = "bench-secret-0123456789abcdef";
const DELIVERY_ID: &str = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

/// Everything a client benchmark needs, built (and its connections opened) outside the
/// measurement; handed back by the benchmark so that dropping it is not measured either.
struct ClientCtx {
    rt: tokio::runtime::Runtime,
    client: BlazeClient,
    http: reqwest::Client,
    base: String,
    url: String,
    id: EndpointId,
    // Declared last: dropped after the clients.
    _server: LocalServer,
}

fn client_ctx(total: u64) -> ClientCtx {
    let server = LocalServer::start(read_fixture("blaze/webhook.json").expect("fixture"), total).expect("server");
    let base = server.base_url();
    let config = ClientConfig::new(&base).expect("base url");
    let client = BlazeClient::with_config(config, BlazeKeys::new(PARTNER_KEY, DEVELOPER_KEY)).expect("client");
    let ctx = ClientCtx {
        rt: runtime(),
        client,
        http: reqwest::Client::new(),
        url: format!("{base}webHooks/{WEBHOOK_ID}"),
        base,
        id: EndpointId::from_provider(WEBHOOK_ID),
        _server: server,
    };
    // Warm up every path (connection pools, lazily initialised statics) and check that both
    // sides decode the same object.
    for _ in 0..2 {
        let unified: &dyn Webhook = &ctx.client;
        let endpoint = ctx.rt.block_on(unified.get(&ctx.id)).expect("unified get");
        assert_eq!(endpoint.id.as_str(), WEBHOOK_ID);
        let typed = ctx.rt.block_on(ctx.client.webhooks().get(WEBHOOK_ID)).expect("typed get");
        let hand = ctx.rt.block_on(reqwest_get(&ctx.http, &ctx.url)).expect("reqwest get");
        assert_eq!(typed, hand);
    }
    ctx
}

async fn reqwest_get(http: &reqwest::Client, url: &str) -> reqwest::Result<PartnerWebHook> {
    http.get(url)
        .header("x-api-key", PARTNER_KEY)
        .header("authorization", DEVELOPER_KEY)
        .send()
        .await?
        .error_for_status()?
        .json::<PartnerWebHook>()
        .await
}

#[library_benchmark]
#[bench::calls(client_ctx(PAGE))]
fn get_unified(ctx: ClientCtx) -> ClientCtx {
    let unified: &dyn Webhook = &ctx.client;
    for _ in 0..GETS {
        black_box(ctx.rt.block_on(unified.get(black_box(&ctx.id))).expect("get"));
    }
    ctx
}

#[library_benchmark]
#[bench::calls(client_ctx(PAGE))]
fn get_typed(ctx: ClientCtx) -> ClientCtx {
    for _ in 0..GETS {
        black_box(ctx.rt.block_on(ctx.client.webhooks().get(black_box(WEBHOOK_ID))).expect("get"));
    }
    ctx
}

#[library_benchmark]
#[bench::calls(client_ctx(PAGE))]
fn get_reqwest(ctx: ClientCtx) -> ClientCtx {
    for _ in 0..GETS {
        black_box(ctx.rt.block_on(reqwest_get(&ctx.http, black_box(&ctx.url))).expect("get"));
    }
    ctx
}

library_benchmark_group!(name = client_get; benchmarks = get_unified, get_typed, get_reqwest);

/// A delivery signed "now" for one preset, the verifier, and the bare MAC's inputs.
struct HmacCtx {
    verifier: HmacVerifier,
    body: Vec<u8>,
    headers: HeaderMap,
    bare_key: Hmac<Sha256>,
    tag: [u8; 32],
}

fn hmac_ctx(scheme: HmacScheme, size: usize) -> HmacCtx {
    let secret = HmacSecret::from_str_bytes(SECRET).expect("secret");
    let verifier = HmacVerifier::with_secret(scheme.clone(), secret.clone());
    let signer = HmacSigner::new(scheme.clone(), secret);
    let body = json_body(size);
    let mut headers = signer.sign(&body, unix_now(), None).expect("sign");
    // Both providers send a delivery id next to the signature.
    if let Some(id_header) = scheme.id_header() {
        headers.insert(id_header.clone(), HeaderValue::from_static(DELIVERY_ID));
    }
    let bare_key = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).expect("hmac key");
    let mut mac = bare_key.clone();
    mac.update(&body);
    let tag: [u8; 32] = mac.finalize().into_bytes().into();
    // Both contenders accept the input before anything is counted.
    verifier.verify(&body, &headers).expect("hookbridge verifies");
    let value = headers.get(scheme.signature_header()).and_then(|v| v.to_str().ok()).expect("signature header");
    assert_eq!(value.strip_prefix("sha256="), Some(hex::encode(tag).as_str()), "bare MAC matches the header");
    HmacCtx { verifier, body, headers, bare_key, tag }
}

#[library_benchmark]
#[bench::miex_1kib(hmac_ctx(hookbridge_miex::delivery_scheme(), 1024))]
#[bench::github_1kib(hmac_ctx(HmacScheme::github(), 1024))]
#[bench::miex_64kib(hmac_ctx(hookbridge_miex::delivery_scheme(), 64 * 1024))]
#[bench::github_64kib(hmac_ctx(HmacScheme::github(), 64 * 1024))]
fn verify_hookbridge(ctx: HmacCtx) -> HmacCtx {
    for _ in 0..VERIFIES {
        black_box(ctx.verifier.verify(black_box(&ctx.body), black_box(&ctx.headers)).expect("verifies"));
    }
    ctx
}

#[library_benchmark]
#[bench::kib1(hmac_ctx(hookbridge_miex::delivery_scheme(), 1024))]
#[bench::kib64(hmac_ctx(hookbridge_miex::delivery_scheme(), 64 * 1024))]
fn verify_bare_mac(ctx: HmacCtx) -> HmacCtx {
    for _ in 0..VERIFIES {
        let mut mac = black_box(&ctx.bare_key).clone();
        mac.update(black_box(&ctx.body));
        let tag = mac.finalize().into_bytes();
        assert!(bool::from(tag.as_slice().ct_eq(black_box(&ctx.tag))), "bare MAC matches");
    }
    ctx
}

library_benchmark_group!(name = hmac_verify; benchmarks = verify_hookbridge, verify_bare_mac);

async fn unified_list(unified: &dyn Webhook) -> u64 {
    let mut stream = unified.list();
    let mut n = 0;
    while let Some(item) = stream.next().await {
        black_box(item.expect("item"));
        n += 1;
    }
    n
}

async fn reqwest_loop(http: &reqwest::Client, base: &str) -> u64 {
    let mut start = 0;
    let mut n = 0;
    loop {
        let page: SearchResult = http
            .get(format!("{base}webHooks"))
            .query(&[("start", start), ("limit", PAGE)])
            .header("x-api-key", PARTNER_KEY)
            .header("authorization", DEVELOPER_KEY)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("page")
            .json()
            .await
            .expect("decode");
        let total = page.total.unwrap_or(0);
        let items = page.into_items();
        if items.is_empty() {
            return n;
        }
        start += items.len() as u64;
        for item in items {
            black_box(item);
            n += 1;
        }
        if start >= total {
            return n;
        }
    }
}

#[library_benchmark]
#[bench::endpoints(client_ctx(LIST_TOTAL))]
fn list_unified(ctx: ClientCtx) -> ClientCtx {
    assert_eq!(ctx.rt.block_on(unified_list(&ctx.client)), LIST_TOTAL);
    ctx
}

#[library_benchmark]
#[bench::endpoints(client_ctx(LIST_TOTAL))]
fn list_reqwest_loop(ctx: ClientCtx) -> ClientCtx {
    assert_eq!(ctx.rt.block_on(reqwest_loop(&ctx.http, &ctx.base)), LIST_TOTAL);
    ctx
}

library_benchmark_group!(name = list; benchmarks = list_unified, list_reqwest_loop);

main!(
    config = LibraryBenchmarkConfig::default();
    library_benchmark_groups = client_get, hmac_verify, list
);
