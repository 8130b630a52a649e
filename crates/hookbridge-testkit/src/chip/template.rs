//! The CHIP delivery templates ([`TEMPLATE`], CHIP Collect, and [`SEND_TEMPLATE`]): the related
//! object from the fixtures (fresh id, moved times) with its `event_type`, signed with RSA.

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use crate::deliveries::Template;
use crate::error::{Error, Result};
use crate::server::{random_alnum, random_bytes, uuid_v4};
use crate::template_spec::{TemplateSpec, fixture_object, random_secret};

/// The events [`SEND_TEMPLATE`] builds: the one the
/// CHIP Send fixture shows.
pub const CHIP_SEND_EVENTS: [&str; 1] = ["send_instruction.completed"];

const CHIP_PURCHASE_PAID: &str = include_str!("../../data/chip/purchase_paid.json");
const CHIP_PURCHASE_PAYMENT_FAILURE: &str = include_str!("../../data/chip/purchase_payment_failure.json");
const CHIP_PAYMENT_REFUNDED: &str = include_str!("../../data/chip/payment_refunded.json");
const CHIP_PAYOUT_SUCCESS: &str = include_str!("../../data/chip/payout_success.json");
const CHIP_SEND_INSTRUCTION: &str = include_str!("../../data/verify/chip-send-instruction-completed.body");

/// A CHIP body: the related object with the event's `event_type`.
fn with_event_type(event: &str, data: Value) -> Result<Value> {
    let Value::Object(mut object) = data else {
        return Err(Error::InvalidPayload("a CHIP delivery body must be a JSON object"));
    };
    object.insert("event_type".into(), json!(event));
    Ok(Value::Object(object))
}

/// The CHIP Collect delivery template, `chip`: the 27 documented event types
/// ([`CHIP_EVENT_TYPES`](crate::catalogues::CHIP_EVENT_TYPES)); the body is the related object
/// from the fixtures (Purchase, Payment, payout: fresh id, moved times) with its `event_type`;
/// signed with `X-Signature` (RSA PKCS#1 v1.5, SHA-256).
pub const TEMPLATE: Template = Template::new(&CHIP);

/// The CHIP Send delivery template, `chip-send`: `send_instruction.completed`
/// ([`CHIP_SEND_EVENTS`], the fixture's); the send instruction with its `event_type`; signed
/// with `X-Signature` (RSA PKCS#1 v1.5, SHA-512).
pub const SEND_TEMPLATE: Template = Template::new(&CHIP_SEND);

static CHIP: TemplateSpec = TemplateSpec {
    name: "chip",
    events: || crate::catalogues::CHIP_EVENT_TYPES.to_vec(),
    free_form_events: false,
    hmac_scheme: None,
    rsa_scheme: Some(crate::schemes::chip),
    event_header: None,
    sample_data: |event, options| chip_object(event, options.at),
    envelope: |event, data, _, _| with_event_type(event, data),
    fresh_secret: random_secret,
};

static CHIP_SEND: TemplateSpec = TemplateSpec {
    name: "chip-send",
    events: || CHIP_SEND_EVENTS.to_vec(),
    free_form_events: false,
    hmac_scheme: None,
    rsa_scheme: Some(crate::schemes::chip_send),
    event_header: None,
    sample_data: |_, options| chip_send_object(options.at),
    envelope: |event, data, _, _| with_event_type(event, data),
    fresh_secret: random_secret,
};

/// Epoch-second fields of the CHIP fixtures, moved together to the delivery's time.
const CHIP_TIME_FIELDS: [&str; 9] = [
    "created_on",
    "updated_on",
    "viewed_on",
    "due",
    "paid_on",
    "remote_paid_on",
    "timestamp",
    "processing_time",
    "pending_unfreeze_on",
];

/// Adds `delta` seconds to every integer time field of `value`, recursively.
fn shift_times(value: &mut Value, delta: i64) {
    match value {
        Value::Object(map) => {
            for (name, field) in map.iter_mut() {
                match field {
                    Value::Number(n) if CHIP_TIME_FIELDS.contains(&name.as_str()) => {
                        if let Some(secs) = n.as_i64() {
                            *field = json!(secs.saturating_add(delta));
                        }
                    }
                    _ => shift_times(field, delta),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| shift_times(item, delta)),
        _ => {}
    }
}

/// A CHIP fixture object with a fresh id (everywhere it appears, URLs included) and its times
/// moved so that `updated_on` is `at`.
fn fresh_chip_object(fixture: &str, at: Timestamp) -> Result<Map<String, Value>> {
    let old_id = fixture_object(fixture)?.get("id").and_then(Value::as_str).map(str::to_owned);
    let text = match old_id {
        Some(old) => fixture.replace(&old, &uuid_v4()),
        None => fixture.to_owned(),
    };
    let mut object = Value::Object(fixture_object(&text)?);
    let updated = object.get("updated_on").and_then(Value::as_i64).unwrap_or_else(|| at.as_second());
    shift_times(&mut object, at.as_second() - updated);
    match object {
        Value::Object(mut map) => {
            map.remove("event_type");
            Ok(map)
        }
        _ => Err(Error::InvalidPayload("an embedded delivery fixture is not a JSON object")),
    }
}

/// The Purchase status after a `purchase.*` event.
fn purchase_status(event: &str) -> &str {
    match event {
        "purchase.created" => "created",
        "purchase.paid" | "purchase.captured" | "purchase.refund_failure" => "paid",
        "purchase.payment_failure" => "error",
        "purchase.capture_failure" | "purchase.release_failure" | "purchase.hold" => "hold",
        other => other.strip_prefix("purchase.").unwrap_or(other),
    }
}

/// The related object of a CHIP event, from the fixtures: a Purchase for `purchase.*`
/// (the failed one for `purchase.payment_failure`), a Payment for `payment.*`, a payout for
/// `payout.*`.
fn chip_object(event: &str, at: Timestamp) -> Result<Value> {
    let (prefix, suffix) = event.split_once('.').unwrap_or((event, ""));
    let object = match prefix {
        "payment" => fresh_chip_object(CHIP_PAYMENT_REFUNDED, at)?,
        "payout" => {
            let mut payout = fresh_chip_object(CHIP_PAYOUT_SUCCESS, at)?;
            payout.insert("status".into(), json!(suffix));
            payout
        }
        _ if event == "purchase.payment_failure" => fresh_chip_object(CHIP_PURCHASE_PAYMENT_FAILURE, at)?,
        _ => {
            let mut purchase = fresh_chip_object(CHIP_PURCHASE_PAID, at)?;
            let status = purchase_status(event);
            purchase.insert("status".into(), json!(status));
            if let Some(Value::Array(history)) = purchase.get_mut("status_history")
                && let Some(Value::Object(last)) = history.last_mut()
            {
                last.insert("status".into(), json!(status));
            }
            purchase
        }
    };
    Ok(Value::Object(object))
}

/// The CHIP Send instruction of the fixture, with a fresh id and times.
fn chip_send_object(at: Timestamp) -> Result<Value> {
    let mut object = fixture_object(CHIP_SEND_INSTRUCTION)?;
    object.remove("event_type");
    object.insert("id".into(), json!(u32::from_le_bytes(random_bytes::<4>()) % 9_000_000 + 1_000_000));
    object.insert("reference".into(), json!(format!("PAYOUT-{}", random_alnum(8).to_ascii_uppercase())));
    let time = format!("{}.000000+00:00", at.strftime("%Y-%m-%dT%H:%M:%S"));
    object.insert("created_at".into(), json!(time));
    object.insert("updated_at".into(), json!(time));
    Ok(Value::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chip_fixture_times_move_to_the_delivery_time() -> Result<()> {
        let at = Timestamp::from_second(1_800_000_000).map_err(|_| Error::InvalidPayload("time"))?;
        let object = chip_object("purchase.paid", at)?;
        assert_eq!(object["updated_on"], 1_800_000_000);
        // created 460 s before the update in the fixture, and still.
        assert_eq!(object["created_on"], 1_800_000_000 - 460);
        assert_eq!(object["status_history"][0]["timestamp"], 1_800_000_000 - 460);
        let id = object["id"].as_str().unwrap_or_default();
        assert_ne!(id, "c4a1e8b2-6d3f-4a7e-9b5c-2f8d0e1a3b46");
        assert_eq!(object["checkout_url"], format!("https://gate.chip-in.asia/p/{id}/"));
        assert_eq!(chip_object("purchase.cancelled", at)?["status"], "cancelled");
        assert_eq!(chip_object("payout.failed", at)?["status"], "failed");
        assert_eq!(chip_object("payment.refunded", at)?["type"], "payment");
        Ok(())
    }
}
