//! The Event object Stripe delivers to endpoints, and the event-type enum.

use std::collections::HashSet;

use hookbridge_core::JsonErrorCategory;
use hookbridge_stripe::{ApiVersion, Event, EventType};

use crate::common::{decode, fixture, fixture_json, ts};

#[test]
fn a_delivery_decodes_with_every_documented_attribute() {
    let event: Event = decode("event_payment_intent_succeeded.json");
    assert_eq!(event.id.as_str(), "evt_3QbT4mLkdIwHu7ix1aBcDeFg");
    assert_eq!(event.object, "event");
    assert_eq!(event.account, None);
    assert_eq!(event.api_version, Some(ApiVersion::new("2024-12-18.acacia").unwrap()));
    assert_eq!(event.context, None);
    assert_eq!(event.created, ts(1735689600));
    assert_eq!(event.data.object_type(), Some("payment_intent"));
    assert_eq!(event.data.object_id(), Some("pi_3QbT4mLkdIwHu7ix1Vq8Zk0a"));
    assert_eq!(event.data.object["amount"], 2000);
    assert_eq!(event.data.previous_attributes, None);
    assert!(!event.livemode);
    assert_eq!(event.pending_webhooks, Some(1));
    let request = event.request.clone().unwrap();
    assert_eq!(request.id.as_deref(), Some("req_8Xq2LkdIwHu7ix"));
    assert_eq!(request.idempotency_key.as_deref(), Some("hb-3f1c9a7e0b2d4c6e8a1f3b5d7c9e0a2b"));
    assert_eq!(event.event_type, EventType::PaymentIntentSucceeded);
    assert!(event.extra.is_empty());
    // Lossless: serializing gives back the delivered JSON.
    assert_eq!(serde_json::to_value(&event).unwrap(), fixture_json("event_payment_intent_succeeded.json"));
}

#[test]
fn an_updated_event_carries_previous_attributes_and_the_account() {
    let event: Event = decode("event_customer_updated.json");
    assert_eq!(event.event_type, EventType::CustomerUpdated);
    assert_eq!(event.account.as_ref().map(|a| a.as_str()), Some("acct_1032D82eZvKYlo2C"));
    let previous = event.data.previous_attributes.as_ref().unwrap();
    assert_eq!(previous["email"], serde_json::Value::Null);
    assert_eq!(previous["metadata"], serde_json::json!({}));
    let request = event.request.as_ref().unwrap();
    assert_eq!((request.id.as_deref(), request.idempotency_key.as_deref()), (None, None), "an automatic event");
    assert_eq!(serde_json::to_value(&event).unwrap(), fixture_json("event_customer_updated.json"));
}

#[test]
fn an_unknown_event_type_and_new_attributes_are_kept() {
    let event: Event = decode("event_unknown_type.json");
    assert_eq!(event.event_type, EventType::Unknown("future_object.materialized".into()));
    assert_eq!(event.event_type.as_str(), "future_object.materialized");
    assert_eq!(event.request, None);
    assert_eq!(event.context.as_deref(), Some("acct_1032D82eZvKYlo2C"));
    assert_eq!(event.pending_webhooks, Some(0));
    assert_eq!(event.extra["delivery_hint"], "new attribute");
    assert_eq!(serde_json::to_value(&event).unwrap(), fixture_json("event_unknown_type.json"));
}

#[test]
fn the_signed_sample_delivery_decodes() {
    // The `Stripe-Signature` sample of hookbridge-verify (no `pending_webhooks` / `request`).
    let sample = hookbridge_testkit::fixtures::SignedSample::load("stripe-payment-intent-succeeded").unwrap();
    let event: Event = serde_json::from_slice(sample.body).unwrap();
    assert_eq!(event.event_type, EventType::PaymentIntentSucceeded);
    assert_eq!((event.pending_webhooks, event.request), (None, None));
}

#[test]
fn malformed_and_truncated_events_are_decode_errors() {
    let full = fixture("event_payment_intent_succeeded.json");
    let truncated = &full[..full.len() / 2];
    let err = serde_json::from_str::<Event>(truncated).unwrap_err();
    assert_eq!(hookbridge_core::JsonError::from(err).category, JsonErrorCategory::Eof);

    let err = serde_json::from_str::<Event>("{\"id\": evt_1}").unwrap_err();
    assert_eq!(hookbridge_core::JsonError::from(err).category, JsonErrorCategory::Syntax);

    let mut missing_type = fixture_json("event_payment_intent_succeeded.json");
    missing_type.as_object_mut().unwrap().remove("type");
    let err = serde_json::from_value::<Event>(missing_type).unwrap_err();
    assert!(err.to_string().contains("missing field `type`"), "{err}");

    let mut wrong_created = fixture_json("event_payment_intent_succeeded.json");
    wrong_created["created"] = "yesterday".into();
    assert!(serde_json::from_value::<Event>(wrong_created).is_err());
}

#[test]
fn every_documented_event_type_round_trips() {
    assert_eq!(EventType::ALL.len(), EventType::COUNT);
    const { assert!(EventType::COUNT >= 250) };
    let mut seen = HashSet::new();
    for event in EventType::ALL {
        let wire = event.as_str();
        assert!(seen.insert(wire.to_owned()), "duplicate {wire}");
        assert_eq!(EventType::from(wire), event);
        assert!(event.is_documented());
        let json = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<EventType>(&json).unwrap(), event);
        assert!(wire == "*" || wire.contains('.'), "{wire}");
    }
    // The ones the create page shows first, and the common ones.
    for wire in [
        "account.application.authorized",
        "account.external_account.created",
        "application_fee.refund.updated",
        "balance.available",
        "charge.succeeded",
        "checkout.session.completed",
        "customer.subscription.updated",
        "invoice.paid",
        "payment_intent.payment_failed",
        "payout.paid",
    ] {
        assert!(EventType::from(wire).is_documented(), "{wire}");
    }
    assert_eq!(EventType::from("*"), EventType::All);
    assert!(EventType::All.is_all());
    let core: hookbridge_core::EventType = EventType::InvoicePaid.into();
    assert_eq!(core.as_str(), "invoice.paid");
    assert_eq!(EventType::from(&core), EventType::InvoicePaid);
}

#[test]
fn event_debug_hides_secret_named_values_of_the_resource() {
    let event: Event = decode("event_payment_intent_succeeded.json");
    for shown in [format!("{event:?}"), format!("{event:#?}")] {
        assert!(!shown.contains("secret_Xk2Lm9Qw4Er7Ty1"), "{shown}");
        assert!(shown.contains("pi_3QbT4mLkdIwHu7ix1Vq8Zk0a") && shown.contains("[REDACTED]"), "{shown}");
    }
}
