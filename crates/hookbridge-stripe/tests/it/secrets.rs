//! Secrets (the API key, the endpoint's `whsec_` signing secret, payment objects' client
//! secrets) never appear in `Debug`, `Display`, errors or serialized output.

use hookbridge_core::Secret;
use hookbridge_stripe::auth::api_key;
use hookbridge_stripe::error::decode_error;
use hookbridge_stripe::{CreateWebhookEndpoint, RequestOptions, StripeError, WebhookEndpoint, webhook_endpoints};

use crate::common::{API_KEY, decode, fixture};

const WHSEC: &str = "whsec_wRNftLajMZNeslQOP6vEPm4iVx5NlZ6z";

#[test]
fn the_signing_secret_is_never_printed_or_serialized() {
    let created: WebhookEndpoint = decode("webhook_endpoint_created.json");
    assert_eq!(created.secret.as_ref().unwrap().expose(), WHSEC);
    for shown in [format!("{created:?}"), format!("{created:#?}"), serde_json::to_string(&created).unwrap()] {
        assert!(!shown.contains("wRNftLaj"), "{shown}");
    }
    assert!(format!("{created:?}").contains("[REDACTED]"));
}

#[test]
fn the_api_key_is_never_printed_and_errors_do_not_quote_it() {
    let auth = api_key(&Secret::new(API_KEY)).unwrap();
    assert!(!format!("{auth:?}").contains(API_KEY));
    for bad in [format!("{API_KEY}\n"), format!("{API_KEY} x"), "pk_test_TYooMQauvdEDq54NiTphI7jx".to_owned()] {
        let err = api_key(&Secret::new(bad.clone())).unwrap_err();
        assert_eq!(err.field, "api_key");
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(bad.trim()), "{shown}");
        }
    }
    assert!(api_key(&Secret::new("")).is_err());
    assert!(api_key(&Secret::new("rk_test_51HbridgeRestricted")).is_ok());
    // A request never holds the key: the transport's auth adds it per attempt.
    let params = CreateWebhookEndpoint::all_events("https://example.com/h".parse().unwrap());
    let request = webhook_endpoints::create(&params, &RequestOptions::new()).unwrap();
    assert!(!format!("{request:?}").contains("sk_test"));
}

#[test]
fn payment_objects_in_error_bodies_are_redacted_when_printed() {
    let body = fixture("error_402.json");
    let decoded = decode_error(hookbridge_core::reexports::http::StatusCode::PAYMENT_REQUIRED, body.as_bytes());
    let typed = decoded.body.unwrap();
    let error = typed.as_any().downcast_ref::<StripeError>().unwrap();
    for shown in
        [format!("{error:?}"), format!("{error:#?}"), error.to_string(), format!("{typed:?}"), typed.to_string()]
    {
        assert!(!shown.contains("secret_Xk2Lm9Qw4Er7Ty1"), "{shown}");
    }
    assert!(format!("{error:?}").contains("pi_3QbT4mLkdIwHu7ix1Vq8Zk0a"));
}
