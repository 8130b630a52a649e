//! The loss report for all 30 ordered provider pairs, each with its exact expected outcome,
//! from one fixed, feature-rich source spec per provider.

use hookbridge_adapters::{
    ConvertError, ConvertOptions, Loss, LossReport, ProviderSpec, Severity, TitleSource, convert,
};
use hookbridge_core::{EndpointSpec, EventSelection, EventType, ProviderId};
use serde_json::{Value, json};
use url::Url;

// Short names for the six providers, as constants (usable in patterns).
const MIEX: ProviderId = hookbridge_miex::PROVIDER;
const BLAZE: ProviderId = hookbridge_blaze::PROVIDER;
const BITNOB: ProviderId = hookbridge_bitnob::PROVIDER;
const ABBEYCROSS: ProviderId = hookbridge_abbeycross::PROVIDER;
const CHIP: ProviderId = hookbridge_chip::PROVIDER;
const STRIPE: ProviderId = hookbridge_stripe::PROVIDER;

pub(crate) const PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----";

fn url(s: &str) -> Url {
    s.parse().unwrap()
}

fn ev(s: &str) -> EventType {
    EventType::new(s)
}

/// The fixed source spec of each provider, using what its dialect can say.
pub(crate) fn source(p: ProviderId) -> EndpointSpec {
    match p {
        MIEX => {
            EndpointSpec::new(url("https://miex.example.com/hooks")).event("order.created").event("order.cancelled")
        }
        // Two URLs, shop scope, the undocumented `url`, and no event field (BLAZE's create).
        BLAZE => EndpointSpec::new(url("https://pos.example.com/a"))
            .url(url("https://pos.example.com/b"))
            .all_events()
            .provider_field("shopId", "shop-42")
            .provider_field("url", "https://pos.example.com/legacy"),
        BITNOB => EndpointSpec::new(url("https://ledger.example.com/bitnob"))
            .name("ledger")
            .event("transaction.confirmed")
            .event("wallet.created"),
        ABBEYCROSS => {
            EndpointSpec::new(url("https://fx.example.com/hooks")).event("trade.settled").event("payment.completed")
        }
        CHIP => EndpointSpec::new(url("https://shop.example.com/chip"))
            .name("payments")
            .event("purchase.paid")
            .event("payment.refunded")
            .provider_field("public_key", PEM),
        // A description, two documented events, and two of the create-only fields.
        STRIPE => EndpointSpec::new(url("https://billing.example.com/stripe"))
            .name("billing")
            .event("charge.succeeded")
            .event("invoice.paid")
            .provider_field("api_version", "2024-06-20")
            .provider_field("metadata", json!({"team": "billing"})),
        _ => unreachable!(),
    }
}

#[derive(Debug)]
enum Outcome {
    /// Converted: the target spec's events and the report.
    Ok { events: EventSelection, losses: Vec<Loss> },
    /// No event left for a target that needs one.
    NoEvents(Vec<Loss>),
}

fn unverifiable(names: &[&str]) -> Vec<Loss> {
    names.iter().map(|n| Loss::EventUnverifiable { event: ev(n) }).collect()
}

fn not_in_catalogue(names: &[&str]) -> Vec<Loss> {
    names.iter().map(|n| Loss::EventNotInCatalogue { event: ev(n), mapped_from: None }).collect()
}

fn only(names: &[&str]) -> EventSelection {
    EventSelection::Only(names.iter().map(|n| ev(n)).collect())
}

fn cat(parts: Vec<Vec<Loss>>) -> Vec<Loss> {
    parts.into_iter().flatten().collect()
}

fn urls_dropped() -> Loss {
    Loss::UrlsDropped {
        kept: url("https://pos.example.com/a").into(),
        dropped: vec![url("https://pos.example.com/b").into()],
    }
}

fn shop() -> Loss {
    Loss::Scope { field: "shopId".into(), value: "shop-42".into() }
}

fn blaze_url() -> Loss {
    Loss::ProviderField { name: "url".into(), value: json!("https://pos.example.com/legacy") }
}

fn public_key() -> Loss {
    Loss::ProviderField { name: "public_key".into(), value: Value::String(PEM.into()) }
}

/// Stripe's create-only fields, which no other provider has.
fn stripe_fields() -> Vec<Loss> {
    vec![
        Loss::ProviderField { name: "api_version".into(), value: json!("2024-06-20") },
        Loss::ProviderField { name: "metadata".into(), value: json!({"team": "billing"}) },
    ]
}

fn derived_title(t: &str) -> Loss {
    Loss::TitleSynthesized { title: t.into(), source: TitleSource::Derived }
}

fn miex_all() -> Vec<EventType> {
    ["order.created", "order.status_changed", "order.cancelled", "offer.updated"].map(ev).to_vec()
}

fn expected(from: ProviderId, to: ProviderId) -> Outcome {
    use Outcome::{NoEvents, Ok};
    let miex_events = ["order.created", "order.cancelled"];
    let bitnob_events = ["transaction.confirmed", "wallet.created"];
    let abbey_events = ["trade.settled", "payment.completed"];
    let chip_events = ["purchase.paid", "payment.refunded"];
    let stripe_events = ["charge.succeeded", "invoice.paid"];
    let name = |n: &str| Loss::NameDropped { name: n.into() };
    match (from, to) {
        (MIEX, BLAZE) => {
            Ok { events: only(&[]), losses: vec![Loss::EventSelectionDropped { selection: only(&miex_events) }] }
        }
        (MIEX, BITNOB) => Ok { events: only(&miex_events), losses: unverifiable(&miex_events) },
        (MIEX, ABBEYCROSS) => Ok { events: only(&miex_events), losses: unverifiable(&miex_events) },
        // Stripe's catalogue is open: what it does not document is kept, unverified. Names match
        // exactly, so MIEX's `order.created` is Stripe's documented `order.created` (Orders API).
        (MIEX, STRIPE) => Ok { events: only(&miex_events), losses: unverifiable(&["order.cancelled"]) },
        (MIEX, CHIP) => NoEvents(cat(vec![
            vec![derived_title("MIEX webhook for miex.example.com")],
            not_in_catalogue(&miex_events),
        ])),

        (BLAZE, MIEX) => Ok {
            events: EventSelection::Only(miex_all()),
            losses: vec![urls_dropped(), Loss::AllEventsExpanded { events: miex_all() }, shop(), blaze_url()],
        },
        (BLAZE, BITNOB) => Ok { events: EventSelection::All, losses: vec![urls_dropped(), shop(), blaze_url()] },
        (BLAZE, ABBEYCROSS) => {
            Ok { events: only(&[]), losses: vec![urls_dropped(), Loss::AllEventsUnsupported, shop(), blaze_url()] }
        }
        (BLAZE, STRIPE) => Ok { events: EventSelection::All, losses: vec![urls_dropped(), shop(), blaze_url()] },
        (BLAZE, CHIP) => Ok {
            events: EventSelection::All,
            losses: vec![urls_dropped(), derived_title("BLAZE webhook for pos.example.com"), shop(), blaze_url()],
        },

        (BITNOB, MIEX) => NoEvents(cat(vec![vec![name("ledger")], not_in_catalogue(&bitnob_events)])),
        (BITNOB, BLAZE) => Ok {
            events: only(&[]),
            losses: vec![name("ledger"), Loss::EventSelectionDropped { selection: only(&bitnob_events) }],
        },
        (BITNOB, ABBEYCROSS) => {
            Ok { events: only(&bitnob_events), losses: cat(vec![vec![name("ledger")], unverifiable(&bitnob_events)]) }
        }
        (BITNOB, CHIP) => NoEvents(not_in_catalogue(&bitnob_events)),
        (BITNOB, STRIPE) => Ok { events: only(&bitnob_events), losses: unverifiable(&bitnob_events) },

        (ABBEYCROSS, MIEX) => NoEvents(not_in_catalogue(&abbey_events)),
        (ABBEYCROSS, BLAZE) => {
            Ok { events: only(&[]), losses: vec![Loss::EventSelectionDropped { selection: only(&abbey_events) }] }
        }
        (ABBEYCROSS, BITNOB) => Ok { events: only(&abbey_events), losses: unverifiable(&abbey_events) },
        (ABBEYCROSS, STRIPE) => Ok { events: only(&abbey_events), losses: unverifiable(&abbey_events) },
        (ABBEYCROSS, CHIP) => NoEvents(cat(vec![
            vec![derived_title("AbbeyCross webhook for fx.example.com")],
            not_in_catalogue(&abbey_events),
        ])),

        (CHIP, MIEX) => NoEvents(cat(vec![vec![name("payments")], not_in_catalogue(&chip_events), vec![public_key()]])),
        (CHIP, BLAZE) => Ok {
            events: only(&[]),
            losses: vec![name("payments"), Loss::EventSelectionDropped { selection: only(&chip_events) }, public_key()],
        },
        (CHIP, BITNOB) => {
            Ok { events: only(&chip_events), losses: cat(vec![unverifiable(&chip_events), vec![public_key()]]) }
        }
        (CHIP, ABBEYCROSS) => Ok {
            events: only(&chip_events),
            losses: cat(vec![vec![name("payments")], unverifiable(&chip_events), vec![public_key()]]),
        },
        (CHIP, STRIPE) => {
            Ok { events: only(&chip_events), losses: cat(vec![unverifiable(&chip_events), vec![public_key()]]) }
        }

        (STRIPE, MIEX) => NoEvents(cat(vec![vec![name("billing")], not_in_catalogue(&stripe_events), stripe_fields()])),
        (STRIPE, BLAZE) => Ok {
            events: only(&[]),
            losses: cat(vec![
                vec![name("billing"), Loss::EventSelectionDropped { selection: only(&stripe_events) }],
                stripe_fields(),
            ]),
        },
        (STRIPE, BITNOB) => {
            Ok { events: only(&stripe_events), losses: cat(vec![unverifiable(&stripe_events), stripe_fields()]) }
        }
        (STRIPE, ABBEYCROSS) => Ok {
            events: only(&stripe_events),
            losses: cat(vec![vec![name("billing")], unverifiable(&stripe_events), stripe_fields()]),
        },
        // The description becomes CHIP's title; no Stripe event is in CHIP's closed catalogue.
        (STRIPE, CHIP) => NoEvents(cat(vec![not_in_catalogue(&stripe_events), stripe_fields()])),
        _ => unreachable!("{from:?} → {to:?}"),
    }
}

/// The request the registry's dialect built is the target crate's own typed request for the spec.
fn assert_typed_request(to: ProviderId, spec: &EndpointSpec, request: &ProviderSpec) {
    match to {
        MIEX => assert_eq!(
            request.typed::<hookbridge_miex::RegisterWebhook>().unwrap(),
            hookbridge_miex::RegisterWebhook::try_from(spec).unwrap()
        ),
        BLAZE => assert_eq!(
            request.typed::<hookbridge_blaze::CreateWebHook>().unwrap(),
            hookbridge_blaze::CreateWebHook::try_from(spec).unwrap()
        ),
        BITNOB => assert_eq!(
            request.typed::<hookbridge_bitnob::CreateWebhook>().unwrap(),
            hookbridge_bitnob::CreateWebhook::try_from(spec).unwrap()
        ),
        ABBEYCROSS => assert_eq!(
            request.typed::<hookbridge_abbeycross::RegisterWebhook>().unwrap(),
            hookbridge_abbeycross::RegisterWebhook::try_from(spec).unwrap()
        ),
        CHIP => assert_eq!(
            request.typed::<hookbridge_chip::WebhookRequest>().unwrap(),
            hookbridge_chip::WebhookRequest::try_from(spec).unwrap()
        ),
        STRIPE => assert_eq!(
            request.typed::<hookbridge_stripe::CreateWebhookEndpoint>().unwrap(),
            hookbridge_stripe::CreateWebhookEndpoint::try_from(spec).unwrap()
        ),
        _ => unreachable!("{to:?}"),
    }
}

fn pairs() -> impl Iterator<Item = (ProviderId, ProviderId)> {
    crate::converted_ids().flat_map(|a| crate::converted_ids().filter(move |b| *b != a).map(move |b| (a, b)))
}

#[test]
fn all_thirty_pairs_report_exactly() {
    assert_eq!(pairs().count(), 30);
    let options = ConvertOptions::default();
    for (from, to) in pairs() {
        let spec = source(from);
        let result = convert(&spec, from, to, &options);
        match (expected(from, to), result) {
            (Outcome::Ok { events, losses }, Ok(out)) => {
                assert_eq!(out.report.losses, losses, "{from:?} → {to:?}");
                assert_eq!(out.report.from, Some(from));
                assert_eq!(out.report.to, Some(to));
                assert_eq!(out.spec.events, events, "{from:?} → {to:?}");
                // The target's own create conversion accepts the spec, and gives the same request.
                let request = ProviderSpec::from_unified(to, &out.spec).unwrap();
                request.validate(false).unwrap();
                assert_eq!(request, out.request);
                assert_eq!(request.provider(), to);
                assert_typed_request(to, &out.spec, &out.request);
                // Single-URL targets got one URL.
                if to != BLAZE {
                    assert_eq!(out.spec.urls.len(), 1);
                }
            }
            (Outcome::NoEvents(losses), Err(ConvertError::NoEvents { to: t, report })) => {
                assert_eq!(t, to);
                assert_eq!(report.losses, losses, "{from:?} → {to:?}");
            }
            (want, got) => panic!("{from:?} → {to:?}: expected {want:?}, got {got:?}"),
        }
    }
}

#[test]
fn all_thirty_pairs_in_strict_mode() {
    let strict = ConvertOptions::default().strict(true);
    for (from, to) in pairs() {
        let lenient = convert(&source(from), from, to, &ConvertOptions::default());
        let lenient_report = match &lenient {
            Ok(out) => out.report.clone(),
            Err(e) => e.report().unwrap().clone(),
        };
        match convert(&source(from), from, to, &strict) {
            Err(ConvertError::Lossy(report)) => {
                assert!(report.is_lossy(), "{from:?} → {to:?}");
                assert_eq!(report, lenient_report, "strict reports what lenient would drop");
            }
            Ok(out) => {
                // Only notes (unverifiable events): nothing dropped or altered.
                assert!(!out.report.is_lossy(), "{from:?} → {to:?}");
                assert_eq!(out.report.max_severity(), Some(Severity::Note));
                assert_eq!(Ok(out), lenient);
            }
            Err(other) => panic!("{from:?} → {to:?}: {other:?}"),
        }
    }
    // Exactly these pairs pass strict mode with the fixed specs.
    let passing: Vec<_> = pairs().filter(|(f, t)| convert(&source(*f), *f, *t, &strict).is_ok()).collect();
    assert_eq!(
        passing,
        vec![
            (MIEX, BITNOB),
            (MIEX, ABBEYCROSS),
            (MIEX, STRIPE),
            (BITNOB, STRIPE),
            (ABBEYCROSS, BITNOB),
            (ABBEYCROSS, STRIPE)
        ]
    );
}

#[test]
fn every_source_spec_is_valid_for_its_own_provider_or_reported() {
    // The fixed sources are realistic: converting to their own provider loses nothing except
    // what the provider itself cannot create (BLAZE: no event field and no "all events" on
    // create, so `All` is dropped and reported).
    for p in crate::converted_ids() {
        let out = convert(&source(p), p, p, &ConvertOptions::default()).unwrap();
        let expected: LossReport = match p {
            BITNOB | ABBEYCROSS => {
                let mut r = LossReport::new(p, p);
                for e in source(p).events.events() {
                    if p == BITNOB && e.as_str() == "transaction.confirmed" {
                        continue; // the documented example
                    }
                    r.push(Loss::EventUnverifiable { event: e.clone() });
                }
                r
            }
            BLAZE => {
                let mut r = LossReport::new(p, p);
                r.push(Loss::EventSelectionDropped { selection: EventSelection::All });
                r
            }
            _ => LossReport::new(p, p),
        };
        assert_eq!(out.report, expected, "{p:?}");
        let mut identity = source(p);
        if p == BLAZE {
            identity.events = EventSelection::Only(Vec::new());
        }
        assert_eq!(out.spec, identity, "{p:?} → itself is the identity");
    }
}
