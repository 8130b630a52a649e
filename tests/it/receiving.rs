//! The receiver contract for every registered receiving preset, on each dedupe store: the
//! testkit's `conformance::receiver_contract` (sign → receive → unified, replays under fresh
//! unsigned headers deduped, forgeries, wrong keys, unsigned, stale and future deliveries refused
//! without consuming the replay key, method and size checked first, in-flight copies, an
//! application failure retried, a rotation key ring, no key material in `Debug` or errors),
//! through the registry alone — nothing here names a provider. The shared Redis / Postgres stores run it too (fresh deliveries every run, so a
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
        let timestamp_header = timestamped && preset.hmac_scheme().is_some_and(|s| s.timestamp_header().is_some());
        let signed = preset.url_token_param().is_none();
        let every_preset = [
            "no key → refused",
            "sign → receive → unified",
            "replay → deduped",
            "forged → refused",
            "wrong key → refused",
            "rejected → key not consumed",
            "not POST → 405",
            "oversized → 413",
            "application failure → retried",
            "in flight → 409, released → handled",
            "key ring during a rotation",
            "no signature → refused",
            "no key material in Debug or errors",
        ];
        for check in every_preset {
            assert!(passed.contains(&check), "{}: {check} not checked: {passed:?}", preset.name());
        }
        for (check, applies) in [
            ("each signature header is required", signed),
            ("stale → refused", timestamped),
            ("future → refused", timestamped),
            ("timestamp moved → refused", timestamp_header),
            ("a changed event header → refused or unsigned", template.event_header().is_some()),
        ] {
            assert_eq!(passed.contains(&check), applies, "{}: {check}: {passed:?}", preset.name());
        }
        let optional = usize::from(signed)
            + 2 * usize::from(timestamped)
            + usize::from(timestamp_header)
            + usize::from(template.event_header().is_some());
        assert_eq!(passed.len(), every_preset.len() + optional, "{}: {passed:?}", preset.name());
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
