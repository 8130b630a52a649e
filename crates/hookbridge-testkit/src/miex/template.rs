//! The MIEX delivery template ([`TEMPLATE`]): the
//! documented events, the `{"event", "data"}` envelope with a job id, and illustrative `data`
//! (MIEX documents no payload schema).

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::deliveries::Template;
use crate::server::{random_bytes, rfc3339_seconds, uuid_v4};
use crate::template_spec::{TemplateSpec, random_secret};

/// The MIEX delivery template, `miex`: the 4 documented events
/// ([`MIEX_EVENTS`](crate::catalogues::MIEX_EVENTS)); the body `{"event", "data"}` with
/// illustrative `data` (MIEX documents none); signed with `X-Webhook-Signature` (HMAC-SHA256),
/// sent with the job id in `X-Webhook-Delivery` and the event in `X-Webhook-Event`.
///
/// ```
/// use hookbridge_testkit::deliveries::{BuildOptions, DeliveryKey};
/// use hookbridge_testkit::miex::TEMPLATE;
/// use hookbridge_verify::{HmacSecret, HmacVerifier};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// assert!(TEMPLATE.events().contains(&"order.created"));
/// let key = DeliveryKey::from_secret(TEMPLATE, "the MIEX secretKey")?;
/// let delivery = TEMPLATE.build("order.created", &BuildOptions::new())?.sign(&key)?;
/// assert_eq!(delivery.header("x-webhook-event"), Some("order.created"));
///
/// let secret = HmacSecret::from_str_bytes("the MIEX secretKey")?;
/// let verifier = HmacVerifier::with_secret(hookbridge_testkit::schemes::miex(), secret);
/// assert!(verifier.verify(&delivery.body, &delivery.headers).is_ok());
/// # Ok(())
/// # }
/// ```
pub const TEMPLATE: Template = Template::new(&MIEX);

static MIEX: TemplateSpec = TemplateSpec {
    name: "miex",
    events: || crate::catalogues::MIEX_EVENTS.to_vec(),
    free_form_events: false,
    hmac_scheme: Some(crate::schemes::miex),
    rsa_scheme: None,
    event_header: Some(crate::schemes::MIEX_EVENT),
    sample_data: |event, options| Ok(miex_data(event, options.at)),
    envelope: |event, data, _, delivery_id| {
        delivery_id.get_or_insert_with(miex_job_id);
        Ok(json!({"event": event, "data": data}))
    },
    fresh_secret: random_secret,
};

/// A MIEX job id (MIEX numbers its delivery jobs): fresh, 9 digits.
fn miex_job_id() -> String {
    let n = u32::from_le_bytes(random_bytes::<4>()) % 900_000_000 + 100_000_000;
    n.to_string()
}

/// Illustrative MIEX `data` objects (MIEX documents none), after the fixture
/// `verify/miex-order-created.body`.
fn miex_data(event: &str, at: Timestamp) -> Value {
    let now = rfc3339_seconds(at);
    match event {
        "order.created" | "order.status_changed" | "order.cancelled" => {
            let (status, previous) = match event {
                "order.created" => ("new", None),
                "order.status_changed" => ("processing", Some("new")),
                _ => ("cancelled", Some("new")),
            };
            let mut order = json!({
                "id": uuid_v4(),
                "status": status,
                "exchangeId": 17,
                "fromCurrency": "USDT",
                "toCurrency": "RUB",
                "fromAmount": "1000.00",
                "toAmount": "92350.00",
                "rate": "92.35",
                "createdAt": now,
                "updatedAt": now,
            });
            if let (Some(prev), Some(map)) = (previous, order.as_object_mut()) {
                map.insert("previousStatus".to_owned(), json!(prev));
            }
            order
        }
        "offer.updated" => json!({
            "id": uuid_v4(),
            "exchangeId": 17,
            "fromCurrency": "USDT",
            "toCurrency": "RUB",
            "rate": "92.41",
            "minAmount": "100.00",
            "maxAmount": "50000.00",
            "updatedAt": now,
        }),
        _ => json!({"id": uuid_v4(), "updatedAt": now}),
    }
}
