//! The BLAZE delivery template ([`TEMPLATE`]): the
//! `webHookType`s, the (assumed) envelope, and no signature — a token in the callback URL.

use serde_json::json;

use crate::deliveries::Template;
use crate::server::{object_id, uuid_v4};
use crate::template_spec::{TemplateSpec, random_secret};

/// The BLAZE delivery template, `blaze`: the 11 `webHookType`s
/// ([`BLAZE_WEB_HOOK_TYPES`](crate::catalogues::BLAZE_WEB_HOOK_TYPES)); the body
/// `{"id", "webHookType", "webHookId", "companyId", "shopId", "created", "data"}` (assumed: BLAZE
/// documents none), `companyId` / `shopId` taken from the
/// [`BuildOptions::field`](crate::deliveries::BuildOptions::field)s when given; signed with
/// nothing: a token in the URL (`?hb_token=`, see
/// [`SignedDelivery::url`](crate::deliveries::SignedDelivery::url)).
pub const TEMPLATE: Template = Template::new(&BLAZE);

static BLAZE: TemplateSpec = TemplateSpec {
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
