//! The `Webhook` contract for every registered provider, through the registry alone (the
//! receiver contract of every registered preset is in `receiving.rs`, on each dedupe store): each
//! provider's descriptor builds its client from settings pointing at its simulator (the testkit's
//! simulator hook), and `hookbridge_testkit::conformance::webhook_contract` checks it. Nothing here
//! names a provider: a provider added to the registry with a simulator is checked too.

use hookbridge::adapters::registry;
use hookbridge::core::Secret;
use hookbridge::core::descriptor::ClientSettings;
use std::sync::Arc;

use hookbridge_testkit::conformance::{ContractOptions, RequestCounter, start_simulator, webhook_contract};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_registered_provider_keeps_the_webhook_contract() {
    let mut checked = Vec::new();
    for descriptor in registry::providers() {
        let id = descriptor.id();
        let Some(sim) = start_simulator(id.as_str()).await.unwrap() else {
            panic!("{id}: registered without a simulator (add its line to hookbridge_testkit::registry::SIMULATORS)");
        };
        let mut settings =
            ClientSettings::new().base_url(sim.base_url.clone()).allow_insecure_urls(sim.allow_insecure_urls);
        for (env, value) in &sim.credentials {
            assert!(
                descriptor.credentials().iter().any(|c| c.env == *env),
                "{id}: the simulator's credential {env} is not one the descriptor declares"
            );
            settings = settings.credential(env, Secret::new(value.clone()));
        }
        let setup = descriptor.client(&settings).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(setup.client.provider(), id);
        assert_eq!(
            setup.client.capabilities(),
            descriptor.capabilities(),
            "{id}: the client declares what the descriptor does"
        );
        let event = descriptor.events().documented.first().copied().unwrap_or("conformance.event");
        let sim = Arc::new(sim);
        let counted = Arc::clone(&sim);
        let options = ContractOptions::new(event).request_counter(RequestCounter::new(move || counted.request_count()));
        let passed =
            webhook_contract(setup.client.as_ref(), &options).await.unwrap_or_else(|failure| panic!("{failure}"));
        drop(options);
        let caps = descriptor.capabilities();
        for (supported, check) in [
            (caps.create, "create"),
            (caps.get, "get"),
            (caps.list, "list"),
            (caps.update, "update"),
            (caps.delete, "delete"),
            (caps.rotate_secret, "rotate secret"),
        ] {
            assert_eq!(
                passed.contains(&check),
                supported,
                "{id}: `{check}` checked exactly when supported: {passed:?}"
            );
        }
        let unsupported = hookbridge::core::Operation::ALL.iter().any(|op| !caps.supports(*op));
        assert_eq!(passed.contains(&"unsupported operations are typed"), unsupported, "{id}: {passed:?}");
        assert_eq!(passed.contains(&"unsupported operations send nothing"), unsupported, "{id}: {passed:?}");
        checked.push((id, passed));
        Arc::into_inner(sim).expect("the counter is dropped").shutdown().await;
    }
    assert_eq!(checked.len(), registry::PROVIDERS.len());
}
