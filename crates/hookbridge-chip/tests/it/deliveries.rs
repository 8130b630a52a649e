//! Delivery payloads: `Purchase`, `Payment` and other objects behind a top-level `event_type`.

use hookbridge_chip::{
    AttemptType, ChipDelivery, ChipEvent, DeliveryObject, PaymentType, Platform, PurchaseProduct, PurchaseStatus,
    RefundAvailability,
};
use serde_json::json;

use crate::common::*;

fn delivery(name: &str) -> ChipDelivery {
    ChipDelivery::from_slice(fixture(name).as_bytes()).unwrap()
}

#[test]
fn purchase_paid_decodes_every_documented_field() {
    let d = delivery("purchase_paid.json");
    assert_eq!(d.event_type, ChipEvent::PurchasePaid);
    let p = d.purchase().unwrap();
    assert!(d.payment().is_none());

    assert_eq!(p.object_type.as_deref(), Some("purchase"));
    assert_eq!(p.id.as_deref(), Some("c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46"));
    assert_eq!(p.created_on, Some(ts(1_718_000_000)));
    assert_eq!(p.updated_on, Some(ts(1_718_000_460)));

    let client = p.client.as_ref().unwrap();
    assert_eq!(client.email.as_deref(), Some("aisyah@example.my"));
    assert_eq!(client.phone.as_deref(), Some("+60 123456789"));
    assert_eq!(client.full_name.as_deref(), Some("Nur Aisyah binti Ahmad"));
    assert_eq!(client.street_address.as_deref(), Some("12 Jalan Ampang"));
    assert_eq!(client.city.as_deref(), Some("Kuala Lumpur"));
    assert_eq!(client.zip_code.as_deref(), Some("50450"));
    assert_eq!(client.country.as_deref(), Some("MY"));
    assert_eq!(client.state.as_deref(), Some("WP"));
    assert_eq!(client.personal_code.as_deref(), Some(""));
    assert_eq!(client.cc, Some(vec![]));
    assert_eq!(client.bcc, Some(vec![]));
    assert_eq!(client.extra["delivery_methods"][0]["method"], json!("email"));
    assert_eq!(client.extra["client_type"], serde_json::Value::Null);

    let details = p.purchase.as_ref().unwrap();
    assert_eq!(details.currency.as_deref(), Some("MYR"));
    let products = details.products.as_deref().unwrap();
    assert_eq!(products.len(), 2);
    let shirt = &products[0];
    assert_eq!(shirt.name.as_deref(), Some("Batik shirt"));
    assert_eq!(shirt.price, Some(8900));
    assert_eq!(shirt.quantity.as_deref(), Some("2.0000"));
    assert_eq!(shirt.discount, Some(500));
    assert_eq!(shirt.tax_percent.as_deref(), Some("6.00"));
    assert_eq!(shirt.category.as_deref(), Some("apparel"));
    assert_eq!(products[1].category.as_deref(), Some(""));
    assert_eq!(details.total, Some(18770));
    assert_eq!(details.language.as_deref(), Some("en"));
    assert_eq!(details.notes.as_deref(), Some("Order #10023"));
    assert_eq!(details.debt, Some(0));
    assert_eq!(details.total_override, None);
    assert_eq!(details.timezone.as_deref(), Some("Asia/Kuala_Lumpur"));
    assert_eq!(details.due_strict, Some(false));
    assert_eq!(details.email_message.as_deref(), Some(""));
    assert_eq!(details.request_client_details, Some(vec![]));
    assert_eq!(details.extra["has_upsell_products"], json!(false));

    let payment = p.payment.as_ref().unwrap();
    assert_eq!(payment.is_outgoing, Some(false));
    assert_eq!(payment.payment_type, Some(PaymentType::Purchase));
    assert_eq!(payment.amount, Some(18770));
    assert_eq!(payment.currency.as_deref(), Some("MYR"));
    assert_eq!(payment.net_amount, Some(18470));
    assert_eq!(payment.fee_amount, Some(300));
    assert_eq!(payment.pending_amount, Some(0));
    assert_eq!(payment.pending_unfreeze_on, None);
    assert_eq!(payment.paid_on, Some(ts(1_718_000_455)));
    assert_eq!(payment.remote_paid_on, Some(ts(1_718_000_450)));
    assert_eq!(
        payment.amount,
        Some(payment.net_amount.unwrap() + payment.fee_amount.unwrap() + payment.pending_amount.unwrap())
    );

    let issuer = p.issuer_details.as_ref().unwrap();
    assert_eq!(issuer.legal_name.as_deref(), Some("Kedai Batik Sdn. Bhd."));
    assert_eq!(issuer.bank_accounts.as_deref().unwrap()[0].bank_code.as_deref(), Some("MBBEMYKL"));

    let tx = p.transaction_data.as_ref().unwrap();
    assert_eq!(tx.payment_method.as_deref(), Some("fpx"));
    assert_eq!(tx.flow.as_deref(), Some("payform"));
    assert_eq!(tx.extra, Some(json!({"fpx_buyer_bank": "MB2U0227"})));
    let attempts = tx.attempts.as_deref().unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].attempt_type, Some(AttemptType::Execute));
    assert_eq!(attempts[0].successful, Some(true));
    assert_eq!(attempts[0].processing_time, Some(ts(1_718_000_450)));
    assert_eq!(attempts[0].error, None);
    assert_eq!(attempts[0].extra_fields["fee_amount"], json!(300));

    assert_eq!(p.status, Some(PurchaseStatus::Paid));
    let history: Vec<_> = p
        .status_history
        .as_deref()
        .unwrap()
        .iter()
        .map(|h| (h.status.clone().unwrap(), h.timestamp.unwrap()))
        .collect();
    assert_eq!(
        history,
        vec![
            (PurchaseStatus::Created, ts(1_718_000_000)),
            (PurchaseStatus::Viewed, ts(1_718_000_120)),
            (PurchaseStatus::Paid, ts(1_718_000_455)),
        ]
    );
    assert_eq!(p.viewed_on, Some(ts(1_718_000_120)));
    assert_eq!(p.company_id.as_deref(), Some("e2b7c9d1-3f5a-4b6c-8d7e-9f0a1b2c3d4e"));
    assert_eq!(p.is_test, Some(true));
    assert_eq!(p.brand_id.as_deref(), Some("a9c8b7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d"));
    assert_eq!(p.client_id, None);
    assert_eq!(p.send_receipt, Some(true));
    assert_eq!(p.is_recurring_token, Some(false));
    assert_eq!(p.recurring_token, None);
    assert_eq!(p.skip_capture, Some(false));
    assert_eq!(p.force_recurring, Some(false));
    assert_eq!(p.reference.as_deref(), Some("ORDER-10023"));
    assert_eq!(p.reference_generated.as_deref(), Some("CH10023"));
    assert_eq!(p.issued.as_deref(), Some("2024-06-10"));
    assert_eq!(p.due, Some(ts(1_718_003_600)));
    assert_eq!(p.refund_availability, Some(RefundAvailability::All));
    assert_eq!(p.refundable_amount, Some(18770));
    assert_eq!(p.success_redirect.as_deref(), Some("https://kedaibatik.example.my/checkout/success"));
    assert_eq!(p.failure_redirect.as_deref(), Some("https://kedaibatik.example.my/checkout/failure"));
    assert_eq!(p.cancel_redirect.as_deref(), Some("https://kedaibatik.example.my/cart"));
    assert_eq!(p.success_callback.as_deref(), Some("https://kedaibatik.example.my/chip/callback"));
    assert_eq!(p.platform, Some(Platform::Api));
    assert_eq!(p.product, Some(PurchaseProduct::Purchases));
    assert_eq!(p.checkout_url.as_deref(), Some("https://gate.chip-in.asia/p/c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46/"));
    assert_eq!(p.invoice_url, None);
    assert!(p.direct_post_url.is_some());
    assert_eq!(p.marked_as_paid, Some(false));
    assert_eq!(p.order_id, None);
    assert_eq!(p.extra["upsell_campaigns"], json!([]));
    assert_eq!(p.extra["can_chargeback"], json!(false));
}

#[test]
fn deliveries_round_trip_to_the_same_json() {
    for name in ["purchase_paid.json", "payment_refunded.json", "payout_success.json"] {
        let d = delivery(name);
        assert_eq!(strip_nulls(serde_json::to_value(&d).unwrap()), strip_nulls(fixture_json(name)), "{name}");
    }
}

#[test]
fn payment_failure_tolerates_nulls_numbers_and_extra_fields() {
    let d = delivery("purchase_payment_failure.json");
    assert_eq!(d.event_type, ChipEvent::PurchasePaymentFailure);
    let p = d.purchase().unwrap();
    assert_eq!(p.status, Some(PurchaseStatus::Error));
    assert!(p.payment.is_none());
    assert!(p.issuer_details.is_none());
    let client = p.client.as_ref().unwrap();
    assert_eq!(client.phone, None);
    assert_eq!(client.cc, None);
    let product = &p.purchase.as_ref().unwrap().products.as_deref().unwrap()[0];
    assert_eq!(product.quantity.as_deref(), Some("1"));
    assert_eq!(product.tax_percent.as_deref(), Some("0"));
    assert_eq!(product.discount, None);
    assert_eq!(product.category, None);
    assert_eq!(p.purchase.as_ref().unwrap().request_client_details, None);
    let attempt = &p.transaction_data.as_ref().unwrap().attempts.as_deref().unwrap()[0];
    assert_eq!(attempt.successful, Some(false));
    let error = attempt.error.as_ref().unwrap();
    assert_eq!(error.code.as_deref(), Some("insufficient_funds"));
    assert_eq!(error.message.as_deref(), Some("Insufficient funds"));
    assert_eq!(attempt.extra.as_ref().unwrap()["masked_pan"], json!("444433******1111"));
    assert_eq!(p.status_history.as_deref().unwrap()[1].related_object, None);
    assert_eq!(p.due, None);
    assert_eq!(p.issued, None);
    assert_eq!(p.refund_availability, Some(RefundAvailability::None));
    assert_eq!(p.extra["some_future_field"], json!({"nested": [1, 2, 3]}));
}

#[test]
fn payment_refunded_carries_a_payment() {
    let d = delivery("payment_refunded.json");
    assert_eq!(d.event_type, ChipEvent::PaymentRefunded);
    let pay = d.payment().unwrap();
    assert!(d.purchase().is_none());
    assert_eq!(pay.object_type.as_deref(), Some("payment"));
    assert_eq!(pay.id.as_deref(), Some("8a6b4c2d-0e1f-4a3b-9c5d-7e9f1a3b5c7d"));
    let related = pay.related_to.as_ref().unwrap();
    assert_eq!(related.object_type.as_deref(), Some("purchase"));
    assert_eq!(related.id.as_deref(), Some("c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46"));
    let details = pay.payment.as_ref().unwrap();
    assert_eq!(details.payment_type, Some(PaymentType::Refund));
    assert_eq!(details.is_outgoing, Some(true));
    assert_eq!(details.amount, Some(8400));
    assert_eq!(details.description.as_deref(), Some("Refund for ORDER-10023"));
    assert_eq!(pay.transaction_data, Some(json!({"payment_method": "fpx", "attempts": []})));
    assert_eq!(pay.reference.as_deref(), Some("ORDER-10023"));
    assert_eq!(pay.account_id.as_deref(), Some("3d5f7a9b-1c2e-4f4a-8b6c-8d0e2f4a6b8c"));
    assert_eq!(pay.is_test, Some(true));
    assert_eq!(pay.client.as_ref().unwrap().email.as_deref(), Some("aisyah@example.my"));
}

#[test]
fn other_objects_are_kept_as_json() {
    let d = delivery("payout_success.json");
    assert_eq!(d.event_type, ChipEvent::PayoutSuccess);
    match &d.object {
        DeliveryObject::Other(map) => {
            assert_eq!(map["type"], json!("payout"));
            assert_eq!(map["status"], json!("success"));
            assert!(!map.contains_key("event_type"));
        }
        other => panic!("expected Other, got {other:?}"),
    }
}

#[test]
fn unknown_event_and_enum_values_round_trip() {
    let raw = fixture_json("purchase_subscription_charge_failure.json");
    let d: ChipDelivery = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(d.event_type, ChipEvent::Unknown("purchase.subscription_charge_failure".into()));
    let p = d.purchase().unwrap();
    assert_eq!(p.status, Some(PurchaseStatus::Unknown("awaiting_retry".into())));
    assert_eq!(p.refund_availability, Some(RefundAvailability::Unknown("pis_everything".into())));
    assert_eq!(p.platform, Some(Platform::Unknown("watchos".into())));
    assert_eq!(p.product, Some(PurchaseProduct::BillingSubscriptions));
    assert_eq!(p.purchase.as_ref().unwrap().products.as_deref().unwrap()[0].quantity, None);
    assert_eq!(serde_json::to_value(&d).unwrap(), raw);
}

#[test]
fn without_a_type_the_event_prefix_picks_the_object() {
    let d = ChipDelivery::from_slice(br#"{"event_type": "payment.refunded", "id": "p1"}"#).unwrap();
    assert_eq!(d.payment().unwrap().id.as_deref(), Some("p1"));
    let d = ChipDelivery::from_slice(br#"{"event_type": "purchase.cancelled", "status": "cancelled"}"#).unwrap();
    assert_eq!(d.purchase().unwrap().status, Some(PurchaseStatus::Cancelled));
    let d = ChipDelivery::from_slice(br#"{"event_type": "payout.failed"}"#).unwrap();
    assert!(matches!(d.object, DeliveryObject::Other(_)));
}

#[test]
fn broken_deliveries_are_errors_not_panics() {
    let full = fixture("purchase_paid.json");
    let bodies: Vec<&[u8]> = vec![
        br#"{"type": "purchase", "id": "x"}"#,
        br#"{"event_type": 5}"#,
        br#"{"event_type": "purchase.paid", "created_on": "yesterday"}"#,
        br#"{"event_type": "purchase.paid", "purchase": {"products": [{"name": "x", "quantity": true}]}}"#,
        b"[]",
        b"",
        &full.as_bytes()[..full.len() / 3],
    ];
    for body in bodies {
        assert!(ChipDelivery::from_slice(body).is_err(), "{}", String::from_utf8_lossy(body));
    }
}

#[test]
fn the_fast_decoder_gives_exactly_what_the_serde_impl_gives() {
    let fixtures = [
        "purchase_paid.json",
        "purchase_payment_failure.json",
        "purchase_subscription_charge_failure.json",
        "payment_refunded.json",
        "payout_success.json",
    ];
    for name in fixtures {
        let body = fixture(name);
        let via_serde: ChipDelivery = serde_json::from_str(&body).unwrap();
        assert_eq!(ChipDelivery::from_slice(body.as_bytes()).unwrap(), via_serde, "{name}");
    }
    for body in [
        &br#"{"event_type": "payment.refunded", "id": "p1"}"#[..],
        br#"{"event_type": "purchase.cancelled", "type": "purchase", "status": "cancelled"}"#,
        br#"{"event_type": "payout.failed", "type": "payout"}"#,
    ] {
        let via_serde: ChipDelivery = serde_json::from_slice(body).unwrap();
        assert_eq!(ChipDelivery::from_slice(body).unwrap(), via_serde);
    }
    // Errors still come out as errors, on both paths.
    for bad in [&b"{}"[..], br#"{"event_type": 5}"#, b"{\"event_type\": \"purchase.paid\", \"total\": ", b"[]"] {
        assert!(ChipDelivery::from_slice(bad).is_err());
        assert!(serde_json::from_slice::<ChipDelivery>(bad).is_err());
    }
}
