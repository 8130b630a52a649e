//! The database going away while deliveries arrive: receivers answer 503 meanwhile, recover
//! when it is back, and nothing committed is lost.
//!
//! The outage is simulated with a TCP proxy between the inbox and the real PostgreSQL
//! (`hookbridge_testkit::proxy::TcpProxy`): stopping the proxy drops every connection and
//! refuses new ones, which is what a client sees when the server stops or its host leaves the
//! network; the server keeps its data, as a restarted server does.

use std::collections::HashSet;
use std::time::Duration;

use bytes::Bytes;
use hookbridge_inbox::{Inbox, ListFilter};
use hookbridge_verify::receive::ReceiveError;

use crate::common::{TestDb, describe, pipeline, signed, with_schema};
use hookbridge_testkit::proxy::TcpProxy;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_loses_nothing_committed() {
    let Some(db) = TestDb::new("db_outage").await else { return };
    let direct = db.inbox().await;
    let proxy = TcpProxy::start_for_url(&db.base).await.unwrap();
    let through = with_schema(&proxy.url_through(&db.base).unwrap(), &db.schema);
    let inbox = Inbox::builder(&through).timeout(Duration::from_millis(700)).connect().await.unwrap();
    let receiver = pipeline();

    let mut acknowledged = HashSet::new();
    let mut refused = 0;
    let mut n = 0;
    let send = async |n: usize, inbox: &Inbox| -> Result<i64, ReceiveError> {
        let body = Bytes::from(format!("{{\"event\":\"order.paid\",\"n\":{n}}}"));
        inbox.receive(&receiver, signed(&body), describe).await.map(|(_, inserted)| inserted.id)
    };
    for _ in 0..20 {
        acknowledged.insert(send(n, &inbox).await.unwrap());
        n += 1;
    }

    proxy.stop().await;
    for _ in 0..5 {
        let err = send(n, &inbox).await.unwrap_err();
        assert_eq!(err.status(), 503, "{err}");
        assert!(err.provider_should_retry());
        refused += 1;
        n += 1;
    }

    proxy.resume().await.unwrap();
    // The pool replaces its broken connections: soon every delivery is stored again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match send(n, &inbox).await {
            Ok(id) => {
                acknowledged.insert(id);
                break;
            }
            Err(err) => {
                assert_eq!(err.status(), 503);
                assert!(tokio::time::Instant::now() < deadline, "the inbox did not recover: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    n += 1;
    for _ in 0..10 {
        acknowledged.insert(send(n, &inbox).await.unwrap());
        n += 1;
    }
    // The refused deliveries, retried by the provider after the outage, are stored once each.
    for retry in 20..20 + refused {
        acknowledged.insert(send(retry, &inbox).await.unwrap());
    }

    let stored: HashSet<i64> =
        direct.list(&ListFilter::new().limit(1000)).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(stored, acknowledged, "every acknowledged delivery is stored, and nothing else");
    assert_eq!(stored.len(), 20 + refused + 11);
}
