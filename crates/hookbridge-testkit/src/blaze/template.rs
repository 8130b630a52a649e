//! The BLAZE delivery template ([`Template::Blaze`](crate::deliveries::Template::Blaze)): the
//! `webHookType`s, the (assumed) envelope, and no signature — a token in the callback URL.

use serde_json::json;

use crate::server::{object_id, uuid_v4};
use crate::template_spec::{TemplateSpec, random_secret};

pub(crate) static BLAZE: TemplateSpec = TemplateSpec {
    name: "blaze",
    events: || crate::catalogues::BLAZE_WEB_HOOK_TYPES.to_vec(),
    free_form_events: false,
    hmac_scheme: None,
    rsa_scheme: None,
    event_header: None,
    sample_data: |_, options| {
        Ok(json!({
            "id": object_id(),
            "companyId": options.fields.get("companyId").cloned().unwrap_or_else(|| json!(object_id())),
            "shopId": options.fields.get("shopId").cloned().unwrap_or_else(|| json!(object_id())),
            "modified": options.at.as_millisecond(),
        }))
    },
    envelope: |event, data, at, delivery_id| {
        let id = delivery_id.get_or_insert_with(uuid_v4).clone();
        Ok(json!({
            "id": id,
            "webHookType": event,
            "webHookId": object_id(),
            "companyId": data.get("companyId").cloned().unwrap_or_else(|| json!(object_id())),
            "shopId": data.get("shopId").cloned().unwrap_or_else(|| json!(object_id())),
            "created": at.as_millisecond(),
            "data": data,
        }))
    },
    fresh_secret: random_secret,
};
