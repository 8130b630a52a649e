//! Parsing a CHIP Purchase delivery (`crates/hookbridge-testkit/data/chip/purchase_paid.json`, 4.6 KB, a
//! `purchase.paid` webhook body), in one criterion group:
//!
//! * `chip_delivery` — `ChipDelivery::from_slice`: the delivery entry point (reads
//!   `event_type`, dispatches on `type`, decodes the typed `Purchase`).
//! * `purchase_typed` — `serde_json::from_slice::<Purchase>`: the typed model alone.
//! * `serde_json_value` — `serde_json::from_slice::<serde_json::Value>`: the untyped anchor.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hookbridge_bench::ThreadCpuTime;
use hookbridge_bench::read_fixture;
use hookbridge_chip::{ChipDelivery, ChipEvent, Purchase};

fn bench_delivery(c: &mut Criterion<ThreadCpuTime>) {
    let body = read_fixture("chip/purchase_paid.json").expect("fixture");
    let delivery = ChipDelivery::from_slice(&body).expect("delivery");
    assert_eq!(delivery.event_type, ChipEvent::PurchasePaid);
    assert!(delivery.purchase().is_some());
    let purchase: Purchase = serde_json::from_slice(&body).expect("purchase");
    assert!(purchase.id.is_some());

    let mut group = c.benchmark_group("chip_purchase_parse");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("chip_delivery", |b| b.iter(|| ChipDelivery::from_slice(black_box(&body)).expect("parse")));
    group.bench_function("purchase_typed", |b| {
        b.iter(|| serde_json::from_slice::<Purchase>(black_box(&body)).expect("parse"));
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).expect("parse"));
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = hookbridge_bench::criterion_config();
    targets = bench_delivery
}
criterion_main!(benches);
