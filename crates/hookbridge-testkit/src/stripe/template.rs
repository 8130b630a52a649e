//! The Stripe delivery template ([`TEMPLATE`]): a
//! few common event types as Stripe `event` objects, signed with `Stripe-Signature`.

use hookbridge_verify::HmacScheme;
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::deliveries::Template;
use crate::error::{Error, Result};
use crate::server::{random_alnum, uuid_v4};
use crate::template_spec::{TemplateSpec, fixture_object};

/// The events [`TEMPLATE`] builds (a selection of
/// Stripe's event types).
pub const STRIPE_EVENTS: [&str; 8] = [
    "payment_intent.created",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "charge.succeeded",
    "charge.refunded",
    "checkout.session.completed",
    "customer.created",
    "invoice.paid",
];

const STRIPE_PAYMENT_INTENT: &str = include_str!("../../data/verify/stripe-payment-intent-succeeded.body");

/// The Stripe API version the built events claim (that of the Stripe fixture).
const STRIPE_API_VERSION: &str = "2024-12-18.acacia";

/// The Stripe delivery template, `stripe`: a few common event types ([`STRIPE_EVENTS`]); the
/// body a Stripe `event` object; signed with `Stripe-Signature: t=..,v1=..`, with secrets in
/// Stripe's format (`whsec_...`, see
/// [`ThrowawayKey::generate`](crate::deliveries::ThrowawayKey::generate)).
pub const TEMPLATE: Template = Template::new(&STRIPE);

static STRIPE: TemplateSpec = TemplateSpec {
    name: "stripe",
    events: || STRIPE_EVENTS.to_vec(),
    free_form_events: false,
    hmac_scheme: Some(HmacScheme::stripe),
    rsa_scheme: None,
    event_header: None,
    sample_data: |event, options| stripe_object(event, options.at),
    envelope: |event, data, at, delivery_id| {
        let id = delivery_id.get_or_insert_with(|| format!("evt_{}", random_alnum(24))).clone();
        Ok(json!({
            "id": id,
            "object": "event",
            "api_version": STRIPE_API_VERSION,
            "created": at.as_second(),
            "data": {"object": data},
            "livemode": false,
            "pending_webhooks": 1,
            "request": {"id": format!("req_{}", random_alnum(14)), "idempotency_key": uuid_v4()},
            "type": event,
        }))
    },
    fresh_secret: || format!("whsec_{}", random_alnum(32)),
};

/// `data.object` of a Stripe event.
fn stripe_object(event: &str, at: Timestamp) -> Result<Value> {
    let created = at.as_second();
    let customer = format!("cus_{}", random_alnum(14));
    let intent = || format!("pi_{}", random_alnum(24));
    Ok(match event {
        "payment_intent.created" | "payment_intent.succeeded" | "payment_intent.payment_failed" => {
            let envelope = fixture_object(STRIPE_PAYMENT_INTENT)?;
            let mut object = match envelope.get("data").and_then(|d| d.get("object")) {
                Some(Value::Object(object)) => object.clone(),
                _ => return Err(Error::InvalidPayload("the Stripe fixture has no data.object")),
            };
            let status = match event {
                "payment_intent.succeeded" => "succeeded",
                _ => "requires_payment_method",
            };
            object.insert("id".into(), json!(intent()));
            object.insert("status".into(), json!(status));
            object.insert("created".into(), json!(created));
            object.insert("customer".into(), json!(customer));
            if event == "payment_intent.payment_failed" {
                object.insert(
                    "last_payment_error".into(),
                    json!({"code": "card_declined", "decline_code": "insufficient_funds", "type": "card_error"}),
                );
            }
            Value::Object(object)
        }
        "charge.succeeded" | "charge.refunded" => {
            let refunded = event == "charge.refunded";
            json!({
                "id": format!("ch_{}", random_alnum(24)),
                "object": "charge",
                "amount": 2000,
                "amount_refunded": if refunded { 2000 } else { 0 },
                "currency": "usd",
                "customer": customer,
                "paid": true,
                "payment_intent": intent(),
                "refunded": refunded,
                "status": "succeeded",
                "created": created,
            })
        }
        "checkout.session.completed" => json!({
            "id": format!("cs_test_{}", random_alnum(24)),
            "object": "checkout.session",
            "amount_total": 2000,
            "currency": "usd",
            "customer": customer,
            "mode": "payment",
            "payment_intent": intent(),
            "payment_status": "paid",
            "status": "complete",
            "created": created,
        }),
        "customer.created" => json!({
            "id": customer,
            "object": "customer",
            "email": "jenny.rosen@example.com",
            "name": "Jenny Rosen",
            "created": created,
        }),
        "invoice.paid" => json!({
            "id": format!("in_{}", random_alnum(24)),
            "object": "invoice",
            "amount_due": 2000,
            "amount_paid": 2000,
            "currency": "usd",
            "customer": customer,
            "status": "paid",
            "created": created,
        }),
        _ => json!({"id": format!("obj_{}", random_alnum(24)), "object": "unknown", "created": created}),
    })
}
