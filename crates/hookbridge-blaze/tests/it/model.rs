//! Wire types: every fixture round-trips exactly; enums tolerate drift.

use hookbridge_blaze::{PartnerWebHook, SearchResult, WebHookType};
use hookbridge_core::Timestamp;
use serde_json::{Value, json};

use crate::common::*;

const WEBHOOK_FIXTURES: [&str; 5] = [
    "webhook.json",
    "webhook_unknown_type.json",
    "webhook_minimal.json",
    "webhook_empty_urls.json",
    "webhook_no_id.json",
];

const LIST_FIXTURES: [&str; 10] = [
    "list_docs_envelope.json",
    "list_values_envelope.json",
    "list_page_1.json",
    "list_page_2.json",
    "list_page_3.json",
    "list_docs_page_1.json",
    "list_docs_page_2.json",
    "list_docs_page_3.json",
    "list_ignores_start.json",
    "list_ignores_start_total.json",
];

#[test]
fn every_webhook_fixture_round_trips_exactly() {
    for name in WEBHOOK_FIXTURES {
        let original = fixture_json(name);
        let typed: PartnerWebHook = serde_json::from_value(original.clone()).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), original, "{name}");
    }
}

#[test]
fn every_list_fixture_round_trips_exactly() {
    for name in LIST_FIXTURES {
        let original = fixture_json(name);
        let typed: SearchResult = serde_json::from_value(original.clone()).unwrap();
        assert_eq!(serde_json::to_value(&typed).unwrap(), original, "{name}");
    }
}

#[test]
fn both_list_envelopes_give_the_same_items() {
    let docs: SearchResult = serde_json::from_str(&fixture("list_docs_envelope.json")).unwrap();
    let code: SearchResult = serde_json::from_str(&fixture("list_values_envelope.json")).unwrap();
    assert!(docs.values.is_none() && docs.search_result.is_some());
    assert!(code.values.is_some() && code.search_result.is_none());
    assert_eq!(docs.items(), code.items());
    assert_eq!(docs.items().len(), 2);
    assert_eq!((docs.count, docs.total), (Some(2), Some(2)));
    assert_eq!((code.skip, code.limit, code.total), (Some(0), Some(100), Some(2)));

    let empty: SearchResult = serde_json::from_str("{}").unwrap();
    assert!(empty.items().is_empty());
    assert!(empty.into_items().is_empty());
    let both: SearchResult = serde_json::from_value(json!({"values": [], "searchResult": [{"id": "x"}]})).unwrap();
    assert_eq!(both.items().len(), 1);
    assert_eq!(both.into_items()[0].id.as_deref(), Some("x"));
}

#[test]
fn documented_webhook_types_round_trip() {
    let wire = [
        "NEW_CONSUMER_ORDER",
        "NEW_CONSUMER_SIGNUP",
        "UPDATE_CONSUMER_ORDER",
        "UPDATE_CONSUMER_USER",
        "NEW_MEMBER",
        "UPDATE_MEMBER",
        "CREATE_TRANSACTION",
        "UPDATE_TRANSACTION",
        "CANCEL_TRANSACTION",
        "COMPLETE_TRANSACTION",
        "UPDATE_PRODUCT",
    ];
    assert_eq!(WebHookType::DOCUMENTED.len(), wire.len());
    for (t, s) in WebHookType::DOCUMENTED.iter().zip(wire) {
        assert_eq!(t.as_str(), s);
        assert!(t.is_documented());
        let parsed: WebHookType = serde_json::from_value(json!(s)).unwrap();
        assert_eq!(&parsed, t);
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json!(s));
    }
}

#[test]
fn unknown_webhook_types_round_trip_verbatim() {
    for s in ["TRANSACTION_UPDATE", "new_member", "", "FUTURE TYPE"] {
        let parsed: WebHookType = serde_json::from_value(json!(s)).unwrap();
        assert_eq!(parsed, WebHookType::Unknown(s.to_owned()));
        assert!(!parsed.is_documented());
        assert_eq!(serde_json::to_value(&parsed).unwrap(), json!(s));
    }
    let w: PartnerWebHook = serde_json::from_str(&fixture("webhook_unknown_type.json")).unwrap();
    assert_eq!(w.web_hook_type, Some(WebHookType::Unknown("TRANSACTION_UPDATE".into())));
    assert_eq!(w.extra.get("version"), Some(&json!(3)));
    assert_eq!(w.extra.get("apiVersion"), Some(&json!("v1")));
}

#[test]
fn timestamps_are_epoch_milliseconds_and_nulls_are_absent() {
    let w: PartnerWebHook =
        serde_json::from_value(json!({"created": 0, "modified": 1705087682999_i64, "url": null})).unwrap();
    assert_eq!(w.created, Some(Timestamp::UNIX_EPOCH));
    assert_eq!(w.modified.unwrap().as_millisecond(), 1_705_087_682_999);
    assert_eq!(w.url, None);
    assert_eq!(serde_json::to_value(&w).unwrap(), json!({"created": 0, "modified": 1705087682999_i64}));
    let empty = serde_json::to_value(PartnerWebHook::default()).unwrap();
    assert_eq!(empty, Value::Object(Default::default()));
}
