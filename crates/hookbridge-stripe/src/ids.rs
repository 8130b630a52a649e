//! Stripe object ids as validated newtypes: [`WebhookEndpointId`] (`we_…`), [`EventId`]
//! (`evt_…`) and [`AccountId`] (`acct_…`, for the `Stripe-Account` header).
//!
//! Stripe's ids are opaque strings of ASCII letters, digits and `_` with a type prefix. The
//! prefix is not enforced (Stripe does not document the id alphabet as a contract), but an id
//! that would change the meaning of a request path or header is refused before anything is sent:
//! empty, longer than [`MAX_ID_LEN`](hookbridge_core::model::MAX_ID_LEN) bytes, `.` or `..`, containing `/`, or anything other than
//! visible ASCII (whitespace, control characters, non-ASCII text). Characters such as `?`, `#`
//! or `%` are accepted and percent-encoded as part of the single path segment.
//!
//! ```
//! use hookbridge_stripe::WebhookEndpointId;
//!
//! let id = WebhookEndpointId::new("we_1Mr5jULkdIwHu7ix1ibLTM0x")?;
//! assert_eq!(id.as_str(), "we_1Mr5jULkdIwHu7ix1ibLTM0x");
//! assert!(WebhookEndpointId::new("we_1/../acct").is_err());
//! assert!(WebhookEndpointId::new("").is_err());
//! # Ok::<(), hookbridge_core::InvalidInput>(())
//! ```

use hookbridge_core::InvalidInput;
use hookbridge_core::model::validate_path_id;

hookbridge_core::id_type! {
    /// A webhook endpoint id (`we_…`): the `{id}` of `/v1/webhook_endpoints/{id}`.
    pub struct WebhookEndpointId("id", validate);
}

hookbridge_core::id_type! {
    /// An event id (`evt_…`): [`Event::id`](crate::Event::id).
    pub struct EventId("event_id", validate);
}

hookbridge_core::id_type! {
    /// A connected account id (`acct_…`), sent as the `Stripe-Account` header to act as that
    /// account (Stripe Connect).
    pub struct AccountId("stripe_account", validate);
}

/// The checks every id passes before it reaches a path segment or a header.
pub(crate) fn validate(field: &'static str, id: &str) -> Result<(), InvalidInput> {
    validate_path_id(field, id)?;
    if id.contains('/') {
        return Err(InvalidInput::new(field, "must not contain `/` (an id is one path segment)"));
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(InvalidInput::new(field, "must be visible ASCII (Stripe ids are letters, digits and `_`)"));
    }
    Ok(())
}
