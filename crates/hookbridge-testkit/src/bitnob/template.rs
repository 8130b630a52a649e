//! The Bitnob delivery templates ([`TEMPLATE`] and [`LEGACY_TEMPLATE`]: the same events and
//! bodies, two schemes): the simulator's event catalogue, the card-issuing documentation's
//! envelope and illustrative `data`.

use hookbridge_verify::HmacScheme;
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::deliveries::Template;
use crate::server::{random_alnum, random_hex, rfc3339_millis, uuid_v4};
use crate::template_spec::{TemplateSpec, random_secret};

/// The Bitnob delivery template, `bitnob`: the simulator's catalogue
/// ([`BITNOB_EVENT_TYPES`](crate::catalogues::BITNOB_EVENT_TYPES)); the body
/// `{"event", "event_id", "created_at", "data"}`; signed with the documented scheme,
/// `X-Bitnob-Signature` (HMAC-SHA256 over `timestamp.body`), sent with `X-Bitnob-Event`.
pub const TEMPLATE: Template = Template::new(&BITNOB);

/// Bitnob's legacy scheme, `bitnob-legacy`: the same events and bodies as [`TEMPLATE`],
/// `X-Bitnob-Signature` an HMAC-SHA512 of the body.
pub const LEGACY_TEMPLATE: Template = Template::new(&BITNOB_LEGACY);

static BITNOB: TemplateSpec = template("bitnob", crate::schemes::bitnob);

static BITNOB_LEGACY: TemplateSpec = template("bitnob-legacy", crate::schemes::bitnob_legacy);

/// Bitnob's events and bodies, signed with `scheme`.
const fn template(name: &'static str, scheme: fn() -> HmacScheme) -> TemplateSpec {
    TemplateSpec {
        name,
        events: || crate::catalogues::BITNOB_EVENT_TYPES.iter().map(|t| t.event_type).collect(),
        free_form_events: false,
        hmac_scheme: Some(scheme),
        rsa_scheme: None,
        event_header: Some(crate::schemes::BITNOB_EVENT),
        sample_data: |event, options| Ok(bitnob_data(event, options.at)),
        envelope: |event, data, at, delivery_id| {
            let id = delivery_id.get_or_insert_with(uuid_v4).clone();
            Ok(json!({"event": event, "event_id": id, "created_at": rfc3339_millis(at), "data": data}))
        },
        fresh_secret: random_secret,
    }
}

/// Illustrative Bitnob `data` objects (Bitnob documents no delivery payload here).
fn bitnob_data(event_type: &str, at: Timestamp) -> Value {
    let now = rfc3339_millis(at);
    if event_type.starts_with("transaction.") || event_type.contains("deposit") {
        let status = event_type.rsplit('.').next().unwrap_or("created");
        json!({
            "id": uuid_v4(),
            "reference": format!("ref_{}", random_alnum(16)),
            "wallet_id": uuid_v4(),
            "type": "deposit",
            "status": status,
            "amount": "150.00",
            "currency": "USDT",
            "chain": "tron",
            "tx_hash": random_hex::<32>(),
            "confirmations": 20,
            "created_at": now,
        })
    } else {
        json!({"id": uuid_v4(), "created_at": now})
    }
}
