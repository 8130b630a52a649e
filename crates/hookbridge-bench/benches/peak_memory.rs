//! Peak heap memory while streaming 10 000 and 100 000 endpoints, measured apart from any
//! timing with a counting global allocator (`peak_alloc`, a thin atomic-counter wrapper
//! around the system allocator; the workspace forbids `unsafe`, which a hand-written
//! `GlobalAlloc` needs).
//!
//! For each total it reports the peak of live heap bytes above the level just before the
//! stream started (so the runtime, the client and its warm connection are not counted):
//!
//! * `stream unified list (HTTP)` — `<BlazeClient as Webhook>::list()` against the in-process
//!   local server (pages of 100, generated per request); the server's allocations count too.
//! * `stream core paginate (in-process)` — `hookbridge_core::page::paginate` over in-process
//!   pages of 100 `Endpoint`s.
//! * `collect unified list (HTTP)` — the same HTTP stream collected into a `Vec` — the contrast
//!   that shows the measurement sees memory that grows with the total (10 000 and 100 000 only).
//!
//! The streams also run over 1 000 000 items, which shows that what little still grows is
//! per page (the paginator keeps one 64-bit fingerprint per page it followed, in a `HashSet`,
//! to stop a server that repeats a cursor), not per item.
//!
//! Run: `cargo bench -p hookbridge-bench --bench peak_memory`.

#![allow(clippy::print_stdout)]

use futures_util::StreamExt as _;
use hookbridge_bench::{LocalServer, read_fixture};
use hookbridge_blaze::{BlazeClient, BlazeKeys};
use hookbridge_core::page::{Page, PageLimits, PageRequest, paginate};
use hookbridge_core::{ClientConfig, Endpoint, EndpointId, Webhook};
use peak_alloc::PeakAlloc;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

const PAGE: u64 = 100;

/// Runs `f` and returns its result and the peak of live heap bytes above the level at the start.
fn peak_above_start<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = PEAK.current_usage();
    PEAK.reset_peak_usage();
    let out = f();
    (out, PEAK.peak_usage().saturating_sub(start))
}

fn in_process_page(total: u64, req: PageRequest) -> hookbridge_core::Result<Page<Endpoint>> {
    let start = match req {
        PageRequest::Offset { start } => start,
        _ => 0,
    };
    let items: Vec<Endpoint> = (start..(start + PAGE).min(total))
        .map(|i| {
            let mut ep = Endpoint::new(hookbridge_blaze::PROVIDER, EndpointId::from_provider(format!("{i:024x}")));
            ep.urls = vec![format!("https://partner.example.com/blaze/{i}")];
            ep
        })
        .collect();
    let next = Page::<Endpoint>::next_offset(start, items.len(), PAGE, Some(total));
    Ok(Page::new(items, next))
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let webhook = read_fixture("blaze/webhook.json").expect("fixture");
    println!("peak heap above the level before streaming (bytes), pages of {PAGE}");
    println!("{:<36} {:>10} {:>14}", "what", "items", "peak bytes");
    // 1 000 000 only for the streams (collecting it would hold about 1.2 GB): it shows what
    // remains of the growth is per page (the paginator's loop guard), not per item.
    for total in [10_000_u64, 100_000, 1_000_000] {
        let server = LocalServer::start(webhook.clone(), total).expect("server");
        let config = ClientConfig::new(&server.base_url()).expect("base url");
        let client = BlazeClient::with_config(config, BlazeKeys::new("partner", "developer")).expect("client");
        let unified: &dyn Webhook = &client;
        // Warm the connection pool and lazy statics outside the measurement.
        rt.block_on(unified.get(&EndpointId::from_provider("65a1f0c2e4b0a1b2c3d4e5f6"))).expect("warm-up get");

        let (n, peak) = peak_above_start(|| {
            rt.block_on(async {
                let mut stream = unified.list();
                let mut n = 0_u64;
                while let Some(item) = stream.next().await {
                    std::hint::black_box(item.expect("item"));
                    n += 1;
                }
                n
            })
        });
        assert_eq!(n, total);
        println!("{:<36} {:>10} {:>14}", "stream unified list (HTTP)", n, peak);

        let (n, peak) = peak_above_start(|| {
            rt.block_on(async {
                let mut stream = paginate(PageLimits::NONE, |req| async move { in_process_page(total, req) });
                let mut n = 0_u64;
                while let Some(item) = stream.next().await {
                    std::hint::black_box(item.expect("item"));
                    n += 1;
                }
                n
            })
        });
        assert_eq!(n, total);
        println!("{:<36} {:>10} {:>14}", "stream core paginate (in-process)", n, peak);

        if total > 100_000 {
            continue;
        }
        let (all, peak) = peak_above_start(|| {
            let all = rt.block_on(unified.list().collect::<Vec<_>>());
            assert!(all.iter().all(Result::is_ok));
            all.len() as u64
        });
        assert_eq!(all, total);
        println!("{:<36} {:>10} {:>14}", "collect unified list (HTTP)", all, peak);
    }
}
