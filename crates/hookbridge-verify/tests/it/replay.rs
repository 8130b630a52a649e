//! Replay protection.

use std::sync::Arc;
use std::time::Duration;

use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{
    HmacScheme, HmacSecret, HmacVerifier, InMemoryReplayStore, MAX_REPLAY_KEY_LEN, ReplayError, ReplayStore,
};

const TTL: Duration = Duration::from_secs(600);

#[test]
fn repeats_are_refused_until_expiry() {
    let store = InMemoryReplayStore::new();
    assert!(store.is_empty());
    assert!(store.check_and_insert("evt_1", 1000, TTL).is_ok());
    assert!(store.check_and_insert("evt_2", 1000, TTL).is_ok());
    match store.check_and_insert("evt_1", 1599, TTL) {
        Err(ReplayError::Replayed { key }) => assert_eq!(key, "evt_1"),
        other => panic!("expected Replayed, got {other:?}"),
    }
    // Expired at 1000 + 600: accepted again, and re-armed.
    assert!(store.check_and_insert("evt_1", 1600, TTL).is_ok());
    assert!(store.check_and_insert("evt_1", 1601, TTL).is_err());
    assert_eq!(store.len(), 2);
    assert_eq!(store.sweep(1600), 1); // evt_2 expired
    assert_eq!(store.len(), 1);
}

#[test]
fn capacity_is_enforced_fail_closed_and_freed_by_expiry() {
    let store = InMemoryReplayStore::with_capacity(3);
    assert_eq!(store.capacity(), Some(3));
    for k in ["a", "b", "c"] {
        store.check_and_insert(k, 0, Duration::from_secs(10)).unwrap();
    }
    assert!(matches!(store.check_and_insert("d", 5, TTL), Err(ReplayError::CapacityExceeded { capacity: 3 })));
    // Live keys were not evicted.
    assert!(matches!(store.check_and_insert("a", 5, TTL), Err(ReplayError::Replayed { .. })));
    // Once they expire, room is made.
    assert!(store.check_and_insert("d", 10, TTL).is_ok());
    assert_eq!(store.len(), 1);
}

#[test]
fn unbounded_store_and_key_limits() {
    let store = InMemoryReplayStore::unbounded();
    assert_eq!(store.capacity(), None);
    for i in 0..5000 {
        store.check_and_insert(&format!("k{i}"), i, Duration::from_secs(1)).unwrap();
    }
    // Periodic sweeps keep only live keys around.
    assert!(store.len() < 5000, "len {}", store.len());
    assert!(matches!(store.check_and_insert("", 0, TTL), Err(ReplayError::EmptyKey)));
    let long = "x".repeat(MAX_REPLAY_KEY_LEN + 1);
    assert!(matches!(store.check_and_insert(&long, 0, TTL), Err(ReplayError::KeyTooLong { .. })));
    assert!(store.check_and_insert(&long[1..], 0, TTL).is_ok());
    // Huge TTLs and times do not overflow.
    assert!(store.check_and_insert("max", i64::MAX - 10, Duration::MAX).is_ok());
    assert!(store.check_and_insert("max", i64::MAX - 1, Duration::MAX).is_err());
}

#[test]
fn concurrent_inserts_of_one_key_admit_exactly_one() {
    let store: Arc<dyn ReplayStore> = Arc::new(InMemoryReplayStore::new());
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || store.check_and_insert("msg_same", 1000, TTL).is_ok())
        })
        .collect();
    let admitted = handles.into_iter().map(|h| h.join().unwrap()).filter(|ok| *ok).count();
    assert_eq!(admitted, 1);
}

#[test]
fn verify_then_deduplicate_by_signed_id() {
    let secret = HmacSecret::from_standard_webhooks("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    let verifier = HmacVerifier::with_secret(HmacScheme::standard_webhooks(), secret.clone());
    let store = InMemoryReplayStore::new();
    let body = br#"{"type":"x"}"#;
    let headers = HmacSigner::new(HmacScheme::standard_webhooks(), secret).sign(body, 1000, Some("msg_once")).unwrap();
    let accept = |now: i64| -> Result<(), String> {
        let verified = verifier.verify_at(body, &headers, now).map_err(|e| e.to_string())?;
        assert!(verified.id_is_signed());
        store.check_and_insert(verified.id().unwrap(), now, TTL).map_err(|e| e.to_string())
    };
    assert!(accept(1000).is_ok());
    let replay = accept(1010).unwrap_err();
    assert!(replay.contains("msg_once"), "{replay}");
    // Outside the tolerance the signature check already refuses it.
    assert!(accept(1000 + 301).unwrap_err().contains("old"));
}
