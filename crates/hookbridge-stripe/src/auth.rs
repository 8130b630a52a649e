//! Authentication: Stripe's API key as `Authorization: Bearer <key>`, through core's [`Bearer`].
//!
//! Stripe authenticates with the account's API key (docs.stripe.com/api/authentication): secret
//! keys `sk_test_…` / `sk_live_…`, or restricted keys `rk_…` with granular permissions, sent as
//! HTTP Basic user name or, equivalently, as a bearer token. hookbridge sends the bearer form.
//! Publishable keys (`pk_…`) are meant for browsers and apps and cannot manage webhook
//! endpoints, so they are refused here rather than by a 401 later.
//!
//! ```
//! use hookbridge_core::Secret;
//! use hookbridge_stripe::auth::api_key;
//!
//! let auth = api_key(&Secret::new("sk_test_4eC39HqLyjWDarjtT1zdp7dc"))?;
//! assert_eq!(format!("{auth:?}"), "Bearer([REDACTED])");
//! assert!(api_key(&Secret::new("pk_test_TYooMQauvdEDq54NiTphI7jx")).is_err());
//! # Ok::<(), hookbridge_core::InvalidInput>(())
//! ```

pub use hookbridge_core::auth::Bearer;
use hookbridge_core::{InvalidInput, Secret};

/// Bearer authentication with a Stripe secret or restricted API key. Refuses an empty key, one
/// that cannot be sent in a header, and a publishable key (`pk_…`). The error never contains
/// the key.
pub fn api_key(key: &Secret) -> Result<Bearer, InvalidInput> {
    if key.expose().starts_with("pk_") {
        return Err(InvalidInput::new(
            "api_key",
            "a publishable key (`pk_…`) cannot manage webhook endpoints: use a secret (`sk_…`) or restricted (`rk_…`) key",
        ));
    }
    Bearer::new(key)
}
