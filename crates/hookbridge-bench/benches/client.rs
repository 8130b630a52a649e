//! Client-side costs against a local axum server on 127.0.0.1, started once per bench as a task
//! on the client's current-thread tokio runtime (`InRuntimeServer`): client and server share the
//! bench thread and talk over a keep-alive HTTP/1.1 loopback connection, so the measured CPU
//! time (`ThreadCpuTime`) is the whole work of a request on both sides and in the kernel.
//!
//! Group `client_get` — one webhook, `crates/hookbridge-testkit/data/blaze/webhook.json`:
//! * `unified_get` — `<BlazeClient as Webhook>::get(&id)` through `&dyn Webhook`: request
//!   building, auth headers, the core transport (retry policy, tracing span, body limit),
//!   JSON decoding into `PartnerWebHook`, conversion to the unified `Endpoint`.
//! * `typed_get` — `client.webhooks().get(id)`: the same without the unified conversion.
//! * `reqwest_get` — a hand-written `reqwest` GET to the same URL with the same two headers,
//!   `error_for_status()`, `.json::<PartnerWebHook>()`.
//!
//! Group `paginate_100k` — streaming 100 000 webhooks:
//! * `unified_list_http` — `<BlazeClient as Webhook>::list()` against the local server
//!   (1 000 pages of BLAZE's default 100 items, generated per request): the real path — HTTP,
//!   decoding, the BLAZE repeated-page guard, conversion to `Endpoint`, the core paginator.
//! * `reqwest_loop_http` — a hand-written loop over the same pages: reqwest GET, decode
//!   `SearchResult`, iterate the items, stop at `total`.
//! * `paginate_in_process` / `loop_in_process` — `hookbridge_core::page::paginate` over an
//!   in-process page source (pages of 100 `u64`s) versus a plain loop over the same source:
//!   the paginator's own overhead, without HTTP or JSON.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use futures_util::StreamExt as _;
use hookbridge_bench::ThreadCpuTime;
use hookbridge_bench::{InRuntimeServer, read_fixture};
use hookbridge_blaze::{BlazeClient, BlazeKeys, PartnerWebHook, SearchResult};
use hookbridge_core::page::{Page, PageLimits, PageRequest, paginate};
use hookbridge_core::{ClientConfig, EndpointId, Webhook};

const WEBHOOK_ID: &str = "65a1f0c2e4b0a1b2c3d4e5f6";
const PARTNER_KEY: &str = "bench-partner-key";
const DEVELOPER_KEY: &str = "bench-developer-key";
const TOTAL: u64 = 100_000;
const PAGE: u64 = 100;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

fn client(server: &InRuntimeServer) -> BlazeClient {
    let config = ClientConfig::new(&server.base_url()).expect("base url");
    BlazeClient::with_config(config, BlazeKeys::new(PARTNER_KEY, DEVELOPER_KEY)).expect("client")
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

fn bench_get(c: &mut Criterion<ThreadCpuTime>) {
    let rt = runtime();
    let server =
        InRuntimeServer::start(&rt, read_fixture("blaze/webhook.json").expect("fixture"), TOTAL).expect("server");
    let client = client(&server);
    let unified: &dyn Webhook = &client;
    let id = EndpointId::from_provider(WEBHOOK_ID);
    let http = reqwest::Client::new();
    let url = format!("{}webHooks/{WEBHOOK_ID}", server.base_url());

    // Both sides decode the same object before anything is timed.
    let endpoint = rt.block_on(unified.get(&id)).expect("unified get");
    let typed = rt.block_on(client.webhooks().get(WEBHOOK_ID)).expect("typed get");
    let hand = rt.block_on(reqwest_get(&http, &url)).expect("reqwest get");
    assert_eq!(typed, hand);
    assert_eq!(endpoint.id.as_str(), WEBHOOK_ID);

    let mut group = c.benchmark_group("client_get");
    group.bench_function("unified_get", |b| b.iter(|| rt.block_on(unified.get(black_box(&id))).expect("get")));
    group.bench_function("typed_get", |b| {
        b.iter(|| rt.block_on(client.webhooks().get(black_box(WEBHOOK_ID))).expect("get"));
    });
    group.bench_function("reqwest_get", |b| b.iter(|| rt.block_on(reqwest_get(&http, black_box(&url))).expect("get")));
    group.finish();
}

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

/// In-process page source: pages of `PAGE` consecutive numbers up to `TOTAL`, offset-paged.
async fn page_source(req: PageRequest) -> hookbridge_core::Result<Page<u64>> {
    let start = match req {
        PageRequest::Offset { start } => start,
        _ => 0,
    };
    let items: Vec<u64> = (start..(start + PAGE).min(TOTAL)).collect();
    let next = Page::<u64>::next_offset(start, items.len(), PAGE, Some(TOTAL));
    Ok(Page::new(items, next))
}

async fn paginate_in_process() -> u64 {
    let mut stream = paginate(PageLimits::NONE, page_source);
    let mut n = 0;
    while let Some(item) = stream.next().await {
        black_box(item.expect("item"));
        n += 1;
    }
    n
}

async fn loop_in_process() -> u64 {
    let mut req = PageRequest::First;
    let mut n = 0;
    loop {
        let page = page_source(req).await.expect("page");
        for item in page.items {
            black_box(item);
            n += 1;
        }
        match page.next {
            Some(next) => req = next,
            None => return n,
        }
    }
}

fn bench_paginate(c: &mut Criterion<ThreadCpuTime>) {
    let rt = runtime();
    let server =
        InRuntimeServer::start(&rt, read_fixture("blaze/webhook.json").expect("fixture"), TOTAL).expect("server");
    let client = client(&server);
    let unified: &dyn Webhook = &client;
    let http = reqwest::Client::new();
    let base = server.base_url();

    for n in [
        rt.block_on(unified_list(unified)),
        rt.block_on(reqwest_loop(&http, &base)),
        rt.block_on(paginate_in_process()),
        rt.block_on(loop_in_process()),
    ] {
        assert_eq!(n, TOTAL);
    }

    let mut group = c.benchmark_group("paginate_100k");
    group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(5));
    group.bench_function("unified_list_http", |b| b.iter(|| rt.block_on(unified_list(unified))));
    group.bench_function("reqwest_loop_http", |b| b.iter(|| rt.block_on(reqwest_loop(&http, &base))));
    group.bench_function("paginate_in_process", |b| b.iter(|| rt.block_on(paginate_in_process())));
    group.bench_function("loop_in_process", |b| b.iter(|| rt.block_on(loop_in_process())));
    group.finish();
}

criterion_group! {
    name = benches;
    config = hookbridge_bench::criterion_config();
    targets = bench_get, bench_paginate
}
criterion_main!(benches);
