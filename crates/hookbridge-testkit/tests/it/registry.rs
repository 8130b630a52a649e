//! The simulator registry against the provider registry: every registered provider has a
//! simulator, its credentials are the ones the descriptor declares, and the provider-neutral
//! `RunningSimulator::deliver` sends a delivery the provider crate's receiver accepts; the
//! delivery templates come with the simulators, each provider's found by its presets' names.

use std::sync::Arc;

use axum::http::{Method, Uri};
use hookbridge_adapters::registry as providers;
use hookbridge_core::descriptor::ClientSettings;
use hookbridge_core::{Delivery, DeliveryUrl, Endpoint, EndpointSpec, Error, EventSelection, Secret, Webhook};
use hookbridge_testkit::deliveries::{GITHUB_TEMPLATE, Template};
use hookbridge_testkit::{RunningSimulator, registry};
use hookbridge_verify::preset::{EndpointKey, KeyKind, KeyMaterial, Preset, ReceiverSettings};
use hookbridge_verify::receive::{Incoming, Receive};
use hookbridge_verify::{DEFAULT_TOKEN_PARAM, UrlToken};

use crate::common::Receiver;

#[test]
fn every_registered_provider_has_a_simulator_and_every_simulator_a_provider() {
    for descriptor in providers::providers() {
        let id = descriptor.id();
        let hook = registry::get(id).unwrap_or_else(|| {
            panic!("{id} is registered without a simulator: add its line to hookbridge_testkit::registry")
        });
        assert_eq!(hook.provider(), id);
        assert_eq!(registry::find(id.as_str()).map(|h| h.provider()), Some(id));
        let events = descriptor.events();
        assert!(
            events.open || events.documented.contains(&hook.example_event()),
            "{id}: the example event {} is not one the provider documents",
            hook.example_event()
        );
    }
    for hook in registry::SIMULATORS {
        assert!(
            providers::get(hook.provider()).is_some(),
            "{}: a simulator of no registered provider",
            hook.provider()
        );
    }
    let ids: Vec<_> = registry::SIMULATORS.iter().map(|h| h.provider()).collect();
    assert_eq!(ids, providers::ids().collect::<Vec<_>>(), "one simulator per provider, in registry order");
}

#[test]
fn templates_come_from_the_simulators_with_unique_names() {
    let all: Vec<Template> = Template::all().collect();
    let mut from_hooks: Vec<Template> =
        registry::SIMULATORS.iter().flat_map(|hook| hook.templates().iter().copied()).collect();
    from_hooks.push(GITHUB_TEMPLATE);
    assert_eq!(all, from_hooks, "the simulators' templates in registry order, then GitHub's");
    let names: std::collections::HashSet<&str> = all.iter().map(|t| t.name()).collect();
    assert_eq!(names.len(), all.len(), "template names are unique: {all:?}");
    for template in &all {
        assert_eq!(Template::from_name(template.name()), Some(*template));
        assert_eq!(format!("{template}"), template.name());
        assert_eq!(format!("{template:?}"), template.name());
    }
    assert_eq!(Template::from_name("nope"), None);
    assert_eq!(Template::from_name(""), None);
    assert_eq!(Template::from_name("bitnob-legacy"), Some(hookbridge_testkit::bitnob::LEGACY_TEMPLATE));
    assert_ne!(hookbridge_testkit::chip::TEMPLATE, hookbridge_testkit::chip::SEND_TEMPLATE);
}

/// What `hookbridge trigger` relies on: a provider's delivery template is found by the name (or
/// an alias) of one of its receiving presets, and it is one of the provider's own simulator's.
#[test]
fn every_registered_provider_has_a_template_named_after_one_of_its_presets() {
    for descriptor in providers::providers() {
        let id = descriptor.id();
        let own = registry::get(id).unwrap().templates();
        assert!(!own.is_empty(), "{id}: its simulator declares no delivery template");
        let preset_names: Vec<&str> = providers::presets_of(id)
            .flat_map(|p| std::iter::once(p.name()).chain(p.alias_names().iter().copied()))
            .collect();
        let found: Vec<Template> = preset_names.iter().copied().filter_map(Template::from_name).collect();
        assert!(
            !found.is_empty(),
            "{id}: no template is named after its presets {preset_names:?} (templates: {own:?})"
        );
        for template in found {
            assert!(own.contains(&template), "{id}: preset name {template} finds another provider's template");
        }
    }
}

/// The client the provider's descriptor builds for the simulator, from the simulator's
/// credentials (each one the descriptor declares).
fn client(sim: &RunningSimulator) -> Box<dyn Webhook> {
    let descriptor = providers::get(sim.provider()).unwrap();
    let mut settings = ClientSettings::new().base_url(sim.base_url.clone()).allow_insecure_urls(true);
    for (env, value) in &sim.credentials {
        assert!(descriptor.credentials().iter().any(|c| c.env == *env), "{}: {env} is not declared", sim.provider());
        assert_eq!(sim.credential(env), Some(value.as_str()));
        settings = settings.credential(env, Secret::new(value.clone()));
    }
    descriptor.client(&settings).unwrap().client
}

/// Creates `spec`, dropping the parts a provider's create refuses before sending (BLAZE takes
/// no events, MIEX and AbbeyCross no name).
async fn create(client: &dyn Webhook, mut spec: EndpointSpec) -> Endpoint {
    loop {
        match client.create(&spec).await {
            Err(Error::InvalidInput(e)) if e.field == "events" => spec.events = EventSelection::default(),
            Err(Error::InvalidInput(e)) if e.field == "name" => spec.name = None,
            other => return other.unwrap_or_else(|e| panic!("{}: {e}", client.provider())),
        }
    }
}

/// The provider's first receiving preset (from the registry) and its receiver for the endpoint
/// just created, keyed from where the preset says (AbbeyCross documents no signing scheme: its
/// preset is the assumed one, the simulator's).
fn receiver(
    sim: &RunningSimulator,
    endpoint: &Endpoint,
    token: &UrlToken,
) -> (&'static Preset<Delivery>, Arc<dyn Receive<Delivery>>) {
    let preset = providers::presets_of(sim.provider()).next().unwrap();
    let key = match preset.endpoint_key_source().unwrap() {
        EndpointKey::Secret => KeyMaterial::secret("initial", endpoint.secret.as_ref().unwrap().expose()),
        EndpointKey::Field(field) => {
            let value = endpoint.provider_fields.get(field).and_then(|v| v.as_str()).unwrap();
            KeyMaterial::public_key("field", value)
        }
        EndpointKey::CallbackUrlToken => KeyMaterial::secret("token", token.expose_secret()),
        other => panic!("{other:?}"),
    };
    (preset, preset.receiver(&[key], &ReceiverSettings::new()).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliver_through_the_neutral_handle_reaches_the_callback_signed() {
    for hook in registry::SIMULATORS {
        let sim = hook.start().await.unwrap();
        let event = sim.example_event();
        let rx = Receiver::start().await;
        let token = UrlToken::generate().unwrap();
        // URL-token presets (BLAZE signs nothing): the callback carries a secret token (ignored by
        // the others).
        let callback = format!("{}?{DEFAULT_TOKEN_PARAM}={}", rx.url("/hooks"), token.expose_secret());
        let client = client(&sim);
        let spec = EndpointSpec::new(DeliveryUrl::new(callback).unwrap()).name("registry test").event(event);
        let endpoint = create(client.as_ref(), spec).await;

        let reports = sim.deliver(event, None).await.unwrap();
        let id = sim.provider();
        assert_eq!(reports.len(), 1, "{id}: {reports:?}");
        assert!(reports[0].is_success(), "{id}: {reports:?}");
        assert_eq!(reports[0].event_type, event);
        let received = rx.received();
        assert_eq!(received.len(), 1, "{id}");
        assert_eq!(received[0].body, reports[0].body, "{id}");

        let (preset, receiver) = receiver(&sim, &endpoint, &token);
        let uri: Uri = received[0].uri.to_string().parse().unwrap();
        let incoming = Incoming::new(Method::POST, uri.clone(), received[0].headers.clone(), received[0].body.clone());
        let accepted = receiver.accept(incoming).await.unwrap_or_else(|e| panic!("{id}: {e:?}"));
        let (delivery, ticket) = accepted.into_parts();
        assert_eq!(delivery.provider, id);
        assert_eq!(delivery.event_type.as_ref().map(|e| e.as_str()), Some(event), "{id}");
        ticket.complete().await.unwrap();

        // A tampered body is refused by the same receiver: the delivery was really signed
        // (a URL token authenticates the URL, so check the URL without it instead).
        let forged = if preset.key_kind() == KeyKind::UrlToken {
            Incoming::new(
                Method::POST,
                "/hooks".parse().unwrap(),
                received[0].headers.clone(),
                received[0].body.clone(),
            )
        } else {
            let mut body = received[0].body.to_vec();
            body.extend_from_slice(b" ");
            Incoming::new(Method::POST, uri, received[0].headers.clone(), body)
        };
        assert!(receiver.accept(forged).await.is_err(), "{id}: a forged delivery was accepted");
        sim.shutdown().await;
    }
}
