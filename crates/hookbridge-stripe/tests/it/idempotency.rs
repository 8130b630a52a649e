//! Idempotency keys: on every `POST` (the caller's or a generated one), fixed for all attempts of
//! that request; without one a `POST` is not safe to repeat; never on `GET` / `DELETE`.

use hookbridge_core::{DeliveryUrl, IdempotencyKey};
use hookbridge_stripe::{
    CreateWebhookEndpoint, Idempotency, ListWebhookEndpoints, RequestOptions, UpdateWebhookEndpoint, WebhookEndpointId,
    webhook_endpoints,
};

use crate::common::{WE_ID, outgoing};

fn create_params() -> CreateWebhookEndpoint {
    CreateWebhookEndpoint::new(DeliveryUrl::new("https://example.com/hooks").unwrap(), ["charge.succeeded"])
}

#[test]
fn a_create_gets_one_key_that_every_attempt_repeats() {
    let request = webhook_endpoints::create(&create_params(), &RequestOptions::new()).unwrap();
    let key = request.idempotency_key().cloned().unwrap();
    assert!(key.as_str().starts_with("hb-") && key.as_str().len() == 35, "{key}");
    assert!(request.retry_safe());
    // A retry re-sends the same request value: the same key and the same body, every time.
    let attempts: Vec<_> = (0..3).map(|_| outgoing(&request.clone())).collect();
    for attempt in &attempts {
        assert_eq!(attempt.header("idempotency-key"), Some(key.as_str()));
        assert_eq!(attempt.body, attempts[0].body);
    }
    // Another create is another operation: another key.
    let other = webhook_endpoints::create(&create_params(), &RequestOptions::new()).unwrap();
    assert_ne!(other.idempotency_key(), Some(&key));
}

#[test]
fn the_callers_key_is_used_as_given_on_both_posts() {
    let key = IdempotencyKey::new("order-6735 webhook").unwrap();
    let options = RequestOptions::new().idempotency_key(key.clone());
    assert_eq!(options.idempotency, Idempotency::Key(key.clone()));
    let create = webhook_endpoints::create(&create_params(), &options).unwrap();
    let id = WebhookEndpointId::new(WE_ID).unwrap();
    let update = webhook_endpoints::update(&id, &UpdateWebhookEndpoint::new().disabled(true), &options).unwrap();
    for request in [create, update] {
        assert_eq!(request.idempotency_key(), Some(&key));
        assert_eq!(outgoing(&request).header("idempotency-key"), Some("order-6735 webhook"));
        assert!(request.retry_safe());
    }
}

#[test]
fn a_post_without_a_key_is_never_safe_to_repeat() {
    let options = RequestOptions::new().without_idempotency_key();
    let create = webhook_endpoints::create(&create_params(), &options).unwrap();
    let id = WebhookEndpointId::new(WE_ID).unwrap();
    let update = webhook_endpoints::update(&id, &UpdateWebhookEndpoint::new().disabled(true), &options).unwrap();
    for request in [create, update] {
        assert_eq!(request.idempotency_key(), None);
        assert_eq!(outgoing(&request).header("idempotency-key"), None);
        assert!(!request.retry_safe(), "{}", request.operation());
    }
}

#[test]
fn reads_and_deletes_are_safe_to_repeat_and_carry_no_key() {
    let options = RequestOptions::new().idempotency_key(IdempotencyKey::new("k-1").unwrap());
    let id = WebhookEndpointId::new(WE_ID).unwrap();
    for request in [
        webhook_endpoints::retrieve(&id, &options).unwrap(),
        webhook_endpoints::list_page(&ListWebhookEndpoints::new(), &options).unwrap(),
        webhook_endpoints::delete(&id, &options).unwrap(),
    ] {
        assert!(request.retry_safe(), "{}", request.operation());
        assert_eq!(request.idempotency_key(), None);
        assert_eq!(outgoing(&request).header("idempotency-key"), None);
    }
}
