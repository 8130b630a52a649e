//! Stripe's descriptor: what the registry and the CLI learn from it, and the client it builds.

use hookbridge_core::Secret;
use hookbridge_core::descriptor::{ClientSettings, Descriptor, SetupError};
use wiremock::Mock;
use wiremock::matchers::{method, path};

use crate::common::{API_KEY, answer, received, server};

#[test]
fn the_descriptor_says_what_stripe_is() {
    let d: &dyn Descriptor = &hookbridge_stripe::DESCRIPTOR;
    assert_eq!(d.id(), hookbridge_stripe::PROVIDER);
    assert_eq!(d.id().as_str(), "stripe");
    assert_eq!(d.display_name(), "Stripe");
    for fact in ["form-encoded", "starting_after", "has_more", "secret only at creation", "Stripe-Signature"] {
        assert!(d.summary().contains(fact), "{fact}: {}", d.summary());
    }
    assert_eq!(d.default_base_url(), Some("https://api.stripe.com/"));
    assert_eq!(d.capabilities(), hookbridge_stripe::unified::CAPABILITIES);
    let [credential] = d.credentials() else { panic!("{:?}", d.credentials()) };
    assert_eq!(credential.env, "STRIPE_API_KEY");
    assert_eq!(credential.flag, "stripe-api-key");
    assert!(credential.secret);
    assert_eq!(credential.overridden_by, Some("api-key"));
    let events = d.events();
    assert!(events.open, "Stripe adds event types continually");
    assert_eq!(events.documented.len(), hookbridge_stripe::EventType::COUNT - 1, "every documented type but `*`");
    assert!(!events.documented.contains(&"*"));
    assert!(events.documented.contains(&"payment_intent.succeeded"));
}

#[tokio::test]
async fn the_client_is_built_from_settings() {
    let d = &hookbridge_stripe::DESCRIPTOR;
    match d.client(&ClientSettings::new()) {
        Err(SetupError::MissingCredential { env, provider }) => {
            assert_eq!(env, "STRIPE_API_KEY");
            assert_eq!(provider, hookbridge_stripe::PROVIDER);
        }
        other => panic!("{other:?}"),
    }
    let publishable =
        ClientSettings::new().credential("STRIPE_API_KEY", Secret::new("pk_test_TYooMQauvdEDq54NiTphI7jx"));
    let err = d.client(&publishable).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("TYooMQauvdEDq54NiTphI7jx"), "{err}");

    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/webhook_endpoints"))
        .respond_with(answer(200, "webhook_endpoints_list_docs.json"))
        .expect(1)
        .mount(&server)
        .await;
    let settings = ClientSettings::new().base_url(server.uri()).credential("STRIPE_API_KEY", Secret::new(API_KEY));
    let setup = d.client(&settings).unwrap();
    assert!(setup.notes.is_empty());
    assert!(!format!("{setup:?}").contains(API_KEY));
    let listed: Vec<_> = futures_util::StreamExt::collect(setup.client.list()).await;
    assert!(listed.iter().all(Result::is_ok));
    let reqs = received(&server).await;
    assert_eq!(reqs[0].headers["authorization"], format!("Bearer {API_KEY}").as_str());
}
