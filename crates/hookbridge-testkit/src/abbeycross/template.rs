//! The AbbeyCross delivery template ([`TEMPLATE`]):
//! free-form events, an assumed envelope and illustrative `data`, signed with the testkit's
//! **assumed** scheme (AbbeyCross documents none).

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::deliveries::Template;
use crate::server::{random_alnum, rfc3339_seconds, uuid_v4};
use crate::template_spec::{TemplateSpec, random_secret};

/// The events [`TEMPLATE`] lists.
/// AbbeyCross publishes no event catalogue; these are the names this repository's fixtures use,
/// and any other name builds as well.
pub const ABBEYCROSS_EXAMPLE_EVENTS: [&str; 3] = ["payment.completed", "payment.settled", "trade.settled"];

/// The AbbeyCross delivery template, `abbeycross`: examples only
/// ([`ABBEYCROSS_EXAMPLE_EVENTS`]; AbbeyCross publishes no catalogue, so any name builds); the
/// body `{"id", "event", "created_at", "data"}` (assumed); signed with the testkit's **assumed**
/// scheme ([`assumed_delivery_scheme`](crate::schemes::assumed_delivery_scheme)).
pub const TEMPLATE: Template = Template::new(&ABBEYCROSS);

static ABBEYCROSS: TemplateSpec = TemplateSpec {
    name: "abbeycross",
    events: || ABBEYCROSS_EXAMPLE_EVENTS.to_vec(),
    free_form_events: true,
    hmac_scheme: Some(crate::schemes::assumed_delivery_scheme),
    rsa_scheme: None,
    event_header: None,
    sample_data: |event, options| Ok(abbeycross_data(event, options.at)),
    envelope: |event, data, at, delivery_id| {
        let id = delivery_id.get_or_insert_with(uuid_v4).clone();
        Ok(json!({"id": id, "event": event, "created_at": rfc3339_seconds(at), "data": data}))
    },
    fresh_secret: random_secret,
};

/// Illustrative AbbeyCross `data` objects (AbbeyCross documents none), after the fixture
/// `verify/abbeycross-custom.body`.
fn abbeycross_data(event: &str, at: Timestamp) -> Value {
    let now = rfc3339_seconds(at);
    if event.starts_with("trade.") {
        json!({
            "tradeId": format!("trd_{}", random_alnum(10)),
            "sellCurrency": "EUR",
            "buyCurrency": "USD",
            "sellAmount": "10000.00",
            "buyAmount": "10842.00",
            "rate": "1.0842",
            "status": event.rsplit('.').next().unwrap_or("created").to_ascii_uppercase(),
            "updatedAt": now,
        })
    } else {
        json!({
            "paymentId": format!("pay_{}", random_alnum(10)),
            "amount": "10000.00",
            "currency": "EUR",
            "status": event.rsplit('.').next().unwrap_or("created").to_ascii_uppercase(),
            "updatedAt": now,
        })
    }
}
