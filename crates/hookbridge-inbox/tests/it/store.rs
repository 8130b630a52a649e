//! The store: schema on first use, the receive path, one row per delivery, administration.

use std::time::Duration;

use bytes::Bytes;
use hookbridge_inbox::{Described, Inbox, InboxError, ListFilter, State};
use hookbridge_verify::receive::Receive as _;
use http::{HeaderMap, HeaderValue};

use crate::common::{TestDb, describe, pipeline, signed};

#[tokio::test]
async fn concurrent_first_uses_of_an_empty_schema_apply_it_once() {
    let Some(db) = TestDb::new("concurrent_migrate").await else { return };
    let url = db.url();
    let mut opens = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let url = url.clone();
        opens.spawn(async move { Inbox::connect(&url).await.map(|_| ()) });
    }
    while let Some(opened) = opens.join_next().await {
        opened.unwrap().unwrap();
    }
    // Opening again changes nothing and the table works.
    let inbox = db.inbox().await;
    inbox.migrate().await.unwrap();
    let stored = inbox.insert("p", "k", &HeaderMap::new(), b"", &Described::default()).await.unwrap();
    assert!(stored.new);
}

#[tokio::test]
async fn a_delivery_is_stored_exactly_as_received() {
    let Some(db) = TestDb::new("stored_as_received").await else { return };
    let inbox = db.inbox().await;
    let body = br#"{"event":"order.paid","n":1}"#;
    let mut request = signed(body);
    request.headers.append("x-repeated", HeaderValue::from_static("one"));
    request.headers.append("x-repeated", HeaderValue::from_static("two"));
    request.headers.append("x-opaque", HeaderValue::from_bytes(b"\xff\xfe latin\xe9").unwrap());
    let headers = request.headers.clone();
    let (_key, inserted) = inbox.receive(&pipeline(), request, describe).await.unwrap();
    assert!(inserted.new);

    let stored = inbox.get(inserted.id).await.unwrap();
    assert_eq!(stored.body, Bytes::from_static(body));
    assert_eq!(stored.headers, headers);
    assert_eq!(stored.headers.get_all("x-repeated").iter().collect::<Vec<_>>(), ["one", "two"]);
    assert_eq!(stored.headers["x-opaque"].as_bytes(), b"\xff\xfe latin\xe9");
    assert_eq!(stored.record.provider, "github");
    assert!(stored.record.replay_key.starts_with("github:"));
    assert_eq!(stored.record.event_type.as_deref(), Some("order.paid"));
    assert_eq!(stored.record.state, State::Pending);
    assert_eq!(stored.record.attempts, 0);
    // Debug shows neither header values nor the body.
    let debug = format!("{stored:?}");
    assert!(!debug.contains("\"n\":1") && !debug.contains("latin") && !debug.contains("\"one\""), "{debug}");
}

#[tokio::test]
async fn a_retry_of_a_stored_delivery_writes_no_second_row() {
    let Some(db) = TestDb::new("no_second_row").await else { return };
    let inbox = db.inbox().await;
    let body = br#"{"event":"order.paid","n":2}"#;
    let first_receiver = pipeline();
    let (_, first) = inbox.receive(&first_receiver, signed(body), describe).await.unwrap();
    // The same receiver knows it handled it: a duplicate, answered 200.
    let again = inbox.receive(&first_receiver, signed(body), describe).await.unwrap_err();
    assert!(again.is_duplicate());
    assert_eq!(again.status(), 200);
    // Another receiver (another process, or this one restarted with an in-memory dedupe
    // store) stores nothing new and answers with the stored row.
    let (_, second) = inbox.receive(&pipeline(), signed(body), describe).await.unwrap();
    assert_eq!(second.id, first.id);
    assert!(!second.new);
    assert_eq!(inbox.list(&ListFilter::new()).await.unwrap().len(), 1);
    // Unauthentic requests never reach the table.
    let mut forged = signed(body);
    forged.body = Bytes::from_static(br#"{"event":"order.refunded"}"#);
    assert_eq!(pipeline().accept(forged).await.unwrap_err().status(), 401);
    assert_eq!(inbox.list(&ListFilter::new()).await.unwrap().len(), 1);
}

#[tokio::test]
async fn list_retry_and_purge() {
    let Some(db) = TestDb::new("list_retry_purge").await else { return };
    let inbox = db.inbox().await;
    for key in ["a", "b", "c"] {
        inbox.insert("miex", key, &HeaderMap::new(), b"{}", &Described::default()).await.unwrap();
    }
    inbox.insert("chip", "d", &HeaderMap::new(), b"{}", &Described::default()).await.unwrap();
    // One done, one dead (a single attempt allowed), the others pending.
    let lease = Duration::from_secs(30);
    let claimed = inbox.claim("t:1", lease, 1, 2).await.unwrap();
    assert_eq!(claimed.len(), 2);
    assert!(claimed.iter().all(|d| d.record.state == State::Processing && d.attempt() == 1));
    assert!(inbox.complete(claimed[0].id(), "t:1").await.unwrap());
    let outcome = inbox.fail(claimed[1].id(), "t:1", 1, Duration::from_millis(1), "HTTP 500").await.unwrap();
    assert_eq!(outcome, hookbridge_inbox::FailOutcome::Dead);
    // Only the lease holder records outcomes.
    assert!(!inbox.complete(claimed[1].id(), "t:1").await.unwrap());

    let dead = inbox.list(&ListFilter::new().state(State::Dead)).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("HTTP 500"));
    assert_eq!(inbox.list(&ListFilter::new().provider("chip")).await.unwrap().len(), 1);
    assert_eq!(inbox.list(&ListFilter::new().state(State::Pending).provider("miex")).await.unwrap().len(), 1);
    let counts = inbox.counts().await.unwrap();
    assert!(counts.contains(&(State::Dead, 1)) && counts.contains(&(State::Done, 1)), "{counts:?}");

    // Retry: dead → pending with a fresh attempt budget.
    assert_eq!(inbox.retry_dead().await.unwrap(), 1);
    let revived = inbox.get(dead[0].id).await.unwrap();
    assert_eq!((revived.record.state, revived.record.attempts), (State::Pending, 0));
    // A claimed delivery cannot be retried by hand; an unknown one is not found.
    let busy = inbox.claim("t:2", lease, 5, 1).await.unwrap();
    assert!(matches!(inbox.retry(busy[0].id()).await, Err(InboxError::Busy { .. })));
    assert!(matches!(inbox.retry(i64::MAX).await, Err(InboxError::NotFound { .. })));
    assert!(matches!(inbox.get(i64::MAX).await, Err(InboxError::NotFound { .. })));

    // Purge removes only done deliveries older than the bound.
    assert_eq!(inbox.purge_done(Duration::from_secs(3600)).await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(inbox.purge_done(Duration::from_millis(1)).await.unwrap(), 1);
    assert_eq!(inbox.list(&ListFilter::new()).await.unwrap().len(), 3);
}

#[tokio::test]
async fn errors_never_show_the_password() {
    let err = Inbox::builder("postgres://app:pw-s3cret@127.0.0.1:1/nowhere")
        .timeout(Duration::from_millis(300))
        .connect()
        .await
        .unwrap_err();
    assert!(err.is_transient());
    let shown = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
    assert!(!shown.contains("pw-s3cret"), "{shown}");
    let err = Inbox::connect("mysql://app:pw@host/db").await.unwrap_err();
    assert!(matches!(err, InboxError::InvalidConfig { .. }));
}

#[tokio::test]
async fn a_last_attempt_whose_lease_expired_ends_dead_instead_of_running_again() {
    let Some(db) = TestDb::new("expired_last_attempt").await else { return };
    let inbox = db.inbox().await;
    inbox.insert("miex", "k", &HeaderMap::new(), b"{}", &Described::default()).await.unwrap();
    // Attempt 1 of at most 1: the worker dies holding a 1 ms lease.
    let claimed = inbox.claim("crashed:1", Duration::from_millis(1), 1, 1).await.unwrap();
    assert_eq!(claimed.len(), 1);
    tokio::time::sleep(Duration::from_millis(20)).await;
    // The next claim buries it rather than handing it out a second time.
    assert!(inbox.claim("next:1", Duration::from_secs(30), 1, 1).await.unwrap().is_empty());
    let row = inbox.get(claimed[0].id()).await.unwrap().record;
    assert_eq!((row.state, row.attempts), (State::Dead, 1));
    assert!(row.last_error.unwrap().contains("lease"));
    // With a larger budget an expired lease is simply claimed again.
    inbox.retry(row.id).await.unwrap();
    inbox.claim("crashed:2", Duration::from_millis(1), 3, 1).await.unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let again = inbox.claim("next:2", Duration::from_secs(30), 3, 1).await.unwrap();
    assert_eq!(again[0].attempt(), 2);
}
