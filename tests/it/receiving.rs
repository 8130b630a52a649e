//! The receiver contract for every registered receiving preset, on each dedupe store: the
//! testkit's `conformance::receiver_contract` (sign → receive → unified, replays deduped,
//! forgeries, wrong keys, unsigned and stale deliveries refused, oversized bodies, an application
//! failure retried, a rotation key ring), through the registry alone — nothing here names a
//! provider. The shared Redis / Postgres stores run it too (fresh deliveries every run, so a
//! store shared by runs works).

use std::sync::Arc;

use hookbridge::Delivery;
use hookbridge::adapters::registry;
use hookbridge::verify::receive::{DedupeStore, InMemoryDedupeStore, Receive};
use hookbridge_testkit::conformance::receiver_contract;
use hookbridge_testkit::deliveries::Template;

/// Runs the receiver contract for every registered preset the testkit can build deliveries for
/// (every provider's; of the standards, `github`), all on `store`.
pub(crate) async fn conformance(store: Arc<dyn DedupeStore>) {
    let mut checked = Vec::new();
    for preset in registry::presets() {
        let Some(template) = Template::for_preset(preset) else {
            let provider = registry::ids().any(|id| id.as_str() == preset.provider());
            assert!(!provider, "{}: a provider's preset without a delivery template in the testkit", preset.name());
            continue;
        };
        let events = template.events();
        let event =
            events.first().copied().unwrap_or_else(|| panic!("{}: the template builds no event", preset.name()));
        let passed = receiver_contract(preset, template, event, store.clone())
            .await
            .unwrap_or_else(|failure| panic!("{failure}"));
        let timestamped = preset.hmac_scheme().and_then(|s| s.tolerance()).is_some();
        assert_eq!(passed.len(), if timestamped { 9 } else { 8 }, "{}: {passed:?}", preset.name());
        assert_eq!(passed.contains(&"stale → refused"), timestamped, "{}: {passed:?}", preset.name());
        checked.push(preset.name());
    }
    for id in registry::ids() {
        assert!(
            registry::presets_of(id).any(|p| checked.contains(&p.name())),
            "{id}: no receiving preset of this provider was checked"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_registered_preset_keeps_the_receiver_contract_with_the_memory_store() {
    conformance(Arc::new(InMemoryDedupeStore::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_registered_preset_keeps_the_receiver_contract_with_the_redis_store() {
    let Some(url) = hookbridge_testkit::services::redis_url("receiving::redis") else { return };
    conformance(hookbridge::verify::receive::connect_store(&url).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_registered_preset_keeps_the_receiver_contract_with_the_postgres_store() {
    let Some(url) = hookbridge_testkit::services::database_url("receiving::postgres") else { return };
    conformance(hookbridge::verify::receive::connect_store(&url).await.unwrap()).await;
}

#[test]
fn every_preset_builds_an_interchangeable_receiver_behind_one_trait() {
    use hookbridge::verify::preset::{KeyKind, KeyMaterial, ReceiverSettings};

    let pem = include_str!("../../crates/hookbridge-testkit/data/keys/rsa2048-public-spki.pem");
    let settings = ReceiverSettings::new();
    let mut receivers: Vec<(&str, Arc<dyn Receive<Delivery>>)> = Vec::new();
    for preset in registry::presets() {
        let key = match preset.key_kind() {
            KeyKind::Rsa => KeyMaterial::public_key("k", pem),
            KeyKind::HmacStandardWebhooks => KeyMaterial::secret("k", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            _ => KeyMaterial::secret("k", "a-secret-long-enough-for-a-url-token-0123"),
        };
        let receiver = preset.receiver(&[key], &settings).unwrap_or_else(|e| panic!("{}: {e}", preset.name()));
        assert_eq!(receiver.provider(), preset.provider(), "{}", preset.name());
        receivers.push((preset.name(), receiver));
    }
    assert_eq!(receivers.len(), registry::presets().count());
}
