//! Workers: many at once never claim the same delivery, nothing is lost, a crashed worker's
//! deliveries are reclaimed after the lease, shutdown releases in-flight work.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hookbridge_inbox::{
    Backoff, Described, HandlerError, Inbox, ListFilter, State, StoredDelivery, Worker, WorkerOptions, handler_fn,
};
use http::HeaderMap;
use tokio::sync::oneshot;

use hookbridge_testkit::wait::eventually;

use crate::common::{TestDb, WAIT};

const DELIVERIES: usize = 2_000;

fn fast(name: &str) -> WorkerOptions {
    WorkerOptions::default()
        .name(name)
        .backoff(Backoff::new(Duration::from_millis(1), Duration::from_millis(20)))
        .poll_interval(Duration::from_millis(10))
        .lease(Duration::from_secs(30))
        .handler_timeout(Duration::from_secs(20))
}

async fn fill(inbox: &Inbox, provider: &str, n: usize) {
    let mut inserts = tokio::task::JoinSet::new();
    for chunk in 0..16 {
        let inbox = inbox.clone();
        let provider = provider.to_owned();
        inserts.spawn(async move {
            for i in (chunk..n).step_by(16) {
                let body = format!("{{\"n\":{i}}}");
                inbox
                    .insert(&provider, &format!("key-{i}"), &HeaderMap::new(), body.as_bytes(), &Described::default())
                    .await
                    .unwrap();
            }
        });
    }
    while let Some(done) = inserts.join_next().await {
        done.unwrap();
    }
}

async fn unfinished(inbox: &Inbox) -> u64 {
    inbox
        .counts()
        .await
        .unwrap()
        .iter()
        .filter(|(state, _)| matches!(state, State::Pending | State::Failed | State::Processing))
        .map(|(_, n)| n)
        .sum()
}

/// Every delivery's handler calls, and a check that no delivery is ever handled by two
/// workers at once.
#[derive(Default)]
struct Tracker {
    in_flight: Mutex<HashSet<i64>>,
    calls: Mutex<HashMap<i64, u32>>,
    overlaps: Mutex<Vec<i64>>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_workers_over_2000_deliveries_with_random_failures_lose_none() {
    let Some(db) = TestDb::new("four_workers").await else { return };
    let inbox = db.inbox().await;
    fill(&inbox, "miex", DELIVERIES).await;

    let tracker = Arc::new(Tracker::default());
    let mut stops = Vec::new();
    let mut runs = Vec::new();
    for w in 0..4 {
        // Each worker has its own pool, as a worker on another machine would.
        let inbox = db.inbox().await;
        let tracker = tracker.clone();
        let handler = handler_fn(move |delivery: StoredDelivery| {
            let tracker = tracker.clone();
            async move {
                let id = delivery.id();
                if !tracker.in_flight.lock().unwrap().insert(id) {
                    tracker.overlaps.lock().unwrap().push(id);
                }
                *tracker.calls.lock().unwrap().entry(id).or_default() += 1;
                tokio::task::yield_now().await;
                let mut coin = [0_u8; 1];
                getrandom::fill(&mut coin).unwrap();
                tracker.in_flight.lock().unwrap().remove(&id);
                // About 40 % of attempts fail.
                if coin[0] < 102 { Err(HandlerError::new("random failure")) } else { Ok(()) }
            }
        });
        let (stop, stopped) = oneshot::channel::<()>();
        stops.push(stop);
        let worker = Worker::new(inbox, handler, fast(&format!("w{w}")).concurrency(2).max_attempts(3));
        runs.push(tokio::spawn(worker.run(async move {
            let _ = stopped.await;
        })));
    }

    eventually("every delivery done or dead", WAIT, || {
        let inbox = inbox.clone();
        async move { (unfinished(&inbox).await == 0).then_some(()) }
    })
    .await
    .unwrap();
    for stop in stops {
        let _ = stop.send(());
    }
    let mut done = 0;
    let mut dead = 0;
    for run in runs {
        let report = run.await.unwrap();
        done += report.done;
        dead += report.dead;
        assert_eq!(report.lease_lost, 0);
    }

    assert!(tracker.overlaps.lock().unwrap().is_empty(), "handled concurrently: {:?}", tracker.overlaps);
    let rows = inbox.list(&ListFilter::new().limit(10_000)).await.unwrap();
    assert_eq!(rows.len(), DELIVERIES, "none lost");
    let calls = tracker.calls.lock().unwrap();
    for row in &rows {
        assert!(matches!(row.state, State::Done | State::Dead), "{row:?}");
        // Every attempt recorded is a handler call, and a dead delivery had all three.
        assert_eq!(calls.get(&row.id).copied().unwrap_or(0), row.attempts, "{row:?}");
        if row.state == State::Dead {
            assert_eq!(row.attempts, 3);
            assert_eq!(row.last_error.as_deref(), Some("random failure"));
        }
    }
    let (done_rows, dead_rows) = rows.iter().fold((0, 0), |(d, x), r| match r.state {
        State::Done => (d + 1, x),
        _ => (d, x + 1),
    });
    assert_eq!((done, dead), (done_rows, dead_rows));
    assert!(done > 0 && dead > 0, "done {done}, dead {dead}");
}

#[tokio::test]
async fn a_killed_worker_s_deliveries_are_reclaimed_after_the_lease() {
    let Some(db) = TestDb::new("killed_worker").await else { return };
    let inbox = db.inbox().await;
    fill(&inbox, "bitnob", 5).await;

    // Worker A claims everything, with a short lease, and never finishes: then it is killed.
    let claimed = Arc::new(Mutex::new(HashSet::new()));
    let seen = claimed.clone();
    let hang = handler_fn(move |delivery: StoredDelivery| {
        seen.lock().unwrap().insert(delivery.id());
        std::future::pending::<Result<(), HandlerError>>()
    });
    let options = fast("a").concurrency(5).lease(Duration::from_millis(800)).handler_timeout(Duration::from_secs(60));
    let a = tokio::spawn(Worker::new(db.inbox().await, hang, options).run(std::future::pending()));
    eventually("worker A to claim all five", WAIT, || {
        let claimed = claimed.clone();
        async move { (claimed.lock().unwrap().len() == 5).then_some(()) }
    })
    .await
    .unwrap();
    a.abort();
    let _ = a.await;
    let held = inbox.list(&ListFilter::new().state(State::Processing)).await.unwrap();
    assert_eq!(held.len(), 5, "the killed worker's claims are still held");

    // Worker B takes them over once the lease has expired.
    let handled = Arc::new(Mutex::new(Vec::new()));
    let record = handled.clone();
    let ok = handler_fn(move |delivery: StoredDelivery| {
        record.lock().unwrap().push((delivery.id(), delivery.attempt()));
        async { Ok(()) }
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let b = tokio::spawn(Worker::new(db.inbox().await, ok, fast("b")).run(async move {
        let _ = stopped.await;
    }));
    eventually("worker B to finish the reclaimed deliveries", WAIT, || {
        let inbox = inbox.clone();
        async move { (unfinished(&inbox).await == 0).then_some(()) }
    })
    .await
    .unwrap();
    let _ = stop.send(());
    assert_eq!(b.await.unwrap().done, 5);
    let mut handled = handled.lock().unwrap().clone();
    handled.sort_unstable();
    assert_eq!(handled.len(), 5);
    // The crashed attempt counted: B's was the second.
    assert!(handled.iter().all(|(_, attempt)| *attempt == 2), "{handled:?}");
}

#[tokio::test]
async fn shutdown_lets_handlers_finish_then_releases_the_rest() {
    let Some(db) = TestDb::new("graceful_shutdown").await else { return };
    let inbox = db.inbox().await;
    fill(&inbox, "chip", 2).await;

    // One handler finishes when allowed to, the other never does.
    let (finish, finished) = tokio::sync::watch::channel(false);
    let started = Arc::new(Mutex::new(Vec::new()));
    let seen = started.clone();
    let handler = handler_fn(move |delivery: StoredDelivery| {
        seen.lock().unwrap().push(delivery.id());
        let mut finished = finished.clone();
        let hangs = delivery.body.as_ref() == b"{\"n\":1}";
        async move {
            if hangs {
                std::future::pending::<()>().await;
            }
            let _ = finished.wait_for(|f| *f).await;
            Ok(())
        }
    });
    let (stop, stopped) = oneshot::channel::<()>();
    let options = fast("g").concurrency(2).shutdown_grace(Duration::from_millis(300));
    let run = tokio::spawn(Worker::new(db.inbox().await, handler, options).run(async move {
        let _ = stopped.await;
    }));
    eventually("both claimed", WAIT, || {
        let started = started.clone();
        async move { (started.lock().unwrap().len() == 2).then_some(()) }
    })
    .await
    .unwrap();
    let _ = stop.send(());
    let _ = finish.send(true);
    let report = run.await.unwrap();
    assert_eq!((report.done, report.released), (1, 1), "{report:?}");
    let rows = inbox.list(&ListFilter::new()).await.unwrap();
    let states: HashMap<_, _> = rows.iter().map(|r| (r.state, r.attempts)).collect();
    assert_eq!(states.get(&State::Done), Some(&1));
    // Released: due again at once, the interrupted attempt not counted.
    assert_eq!(states.get(&State::Pending), Some(&0));
}
