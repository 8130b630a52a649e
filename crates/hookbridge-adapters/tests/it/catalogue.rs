//! The event catalogue: counts, queries, drift against the provider enums, live loading.

use hookbridge_adapters::catalogue::{CatalogueEntry, CatalogueStatus, EntryOrigin, EventCatalogue, Membership};
use hookbridge_blaze::WebHookType;
use hookbridge_chip::ChipEvent;
use hookbridge_miex::MiexEvent;

#[test]
fn documented_counts_and_status() {
    let c = EventCatalogue::default();
    let expect = [
        (hookbridge_miex::PROVIDER, 4, CatalogueStatus::Closed),
        (hookbridge_blaze::PROVIDER, 11, CatalogueStatus::Closed),
        (hookbridge_bitnob::PROVIDER, 1, CatalogueStatus::Open),
        (hookbridge_abbeycross::PROVIDER, 0, CatalogueStatus::Open),
        (hookbridge_chip::PROVIDER, 27, CatalogueStatus::Closed),
    ];
    for (p, n, status) in expect {
        assert_eq!(c.events(p).len(), n, "{p:?}");
        assert_eq!(c.status(p), status, "{p:?}");
        assert_eq!(c.is_open(p), status == CatalogueStatus::Open);
        assert!(c.events(p).iter().all(|e| e.provider == p && e.origin == EntryOrigin::Documented));
    }
    let stripe = c.events(hookbridge_stripe::PROVIDER).len();
    assert!(stripe > 200, "Stripe's documented event types: {stripe}");
    assert_eq!(c.status(hookbridge_stripe::PROVIDER), CatalogueStatus::Open);
    assert_eq!(c.iter().count(), 43 + stripe);
}

#[test]
fn every_enum_variant_is_in_the_catalogue_and_vice_versa() {
    let c = EventCatalogue::documented();
    for e in MiexEvent::ALL {
        assert!(c.is_known(hookbridge_miex::PROVIDER, e.as_str()), "{e}");
    }
    for e in WebHookType::DOCUMENTED {
        assert!(c.is_known(hookbridge_blaze::PROVIDER, e.as_str()), "{e}");
    }
    for e in ChipEvent::ALL {
        assert!(c.is_known(hookbridge_chip::PROVIDER, e.as_str()), "{e}");
    }
    for entry in c.events(hookbridge_miex::PROVIDER) {
        assert!(MiexEvent::ALL.iter().any(|e| e.as_str() == entry.name.as_str()));
    }
    for entry in c.events(hookbridge_blaze::PROVIDER) {
        assert!(WebHookType::DOCUMENTED.iter().any(|e| e.as_str() == entry.name.as_str()));
    }
    for entry in c.events(hookbridge_chip::PROVIDER) {
        assert!(ChipEvent::ALL.iter().any(|e| e.as_str() == entry.name.as_str()));
        assert!(entry.description.is_some(), "{} has no description", entry.name);
    }
    // Only CHIP documents descriptions for all its events; Bitnob describes its one example.
    assert!(c.events(hookbridge_miex::PROVIDER).iter().all(|e| e.description.is_none()));
    let example = c.get(hookbridge_bitnob::PROVIDER, "transaction.confirmed").unwrap();
    assert!(example.description.as_deref().unwrap().contains("GET /webhooks/event-types"));
    assert_eq!(example.category, None, "Bitnob's groups are stated by its live list, not name prefixes");
}

#[test]
fn the_catalogue_covers_exactly_the_registered_providers() {
    let c = EventCatalogue::documented();
    for d in hookbridge_adapters::registry::providers() {
        let names = d.events();
        assert_eq!(c.events(d.id()).len(), names.documented.len(), "{}", d.id());
        assert_eq!(c.is_open(d.id()), names.open, "{}", d.id());
    }
    let providers: std::collections::BTreeSet<_> = c.iter().map(|e| e.provider).collect();
    assert!(providers.iter().all(|p| hookbridge_adapters::registry::get(*p).is_some()));
    let unknown = hookbridge_core::ProviderId::new("unregistered");
    assert!(c.events(unknown).is_empty() && c.is_open(unknown));
}

#[test]
fn queries() {
    let c = EventCatalogue::documented();
    let paid = c.get(hookbridge_chip::PROVIDER, "purchase.paid").unwrap();
    assert_eq!(paid.category.as_deref(), Some("purchase"));
    assert!(paid.description.as_deref().unwrap().contains("paid"));
    assert_eq!(c.get(hookbridge_miex::PROVIDER, "offer.updated").unwrap().category.as_deref(), Some("offer"));
    assert_eq!(c.get(hookbridge_blaze::PROVIDER, "NEW_MEMBER").unwrap().category, None);
    assert!(c.get(hookbridge_chip::PROVIDER, "PURCHASE.PAID").is_none(), "names are exact");
    assert_eq!(c.membership(hookbridge_chip::PROVIDER, "purchase.subscription_charge_failure"), Membership::Unknown);
    assert_eq!(c.membership(hookbridge_bitnob::PROVIDER, "transaction.confirmed"), Membership::Known);
    assert_eq!(c.membership(hookbridge_abbeycross::PROVIDER, "trade.settled"), Membership::Unverifiable);
    assert_eq!(
        c.find("order.created").map(|e| e.provider).collect::<Vec<_>>(),
        vec![hookbridge_miex::PROVIDER, hookbridge_stripe::PROVIDER],
        "MIEX and Stripe (Stripe's Orders API) both name an event order.created"
    );
    assert_eq!(CatalogueStatus::Live.to_string(), "live");
    assert!(CatalogueStatus::Closed.is_checkable() && !CatalogueStatus::Open.is_checkable());
}

#[test]
fn insert_and_live_loading() {
    let mut c = EventCatalogue::documented();
    c.insert(
        CatalogueEntry::new(hookbridge_blaze::PROVIDER, "TRANSACTION_UPDATE").description("seen in the docs' examples"),
    );
    assert!(c.is_known(hookbridge_blaze::PROVIDER, "TRANSACTION_UPDATE"));
    assert_eq!(c.events(hookbridge_blaze::PROVIDER).len(), 12);
    assert_eq!(c.get(hookbridge_blaze::PROVIDER, "TRANSACTION_UPDATE").unwrap().origin, EntryOrigin::User);
    // Replacing keeps one entry.
    c.insert(CatalogueEntry::new(hookbridge_blaze::PROVIDER, "TRANSACTION_UPDATE").label("Transaction update"));
    assert_eq!(c.events(hookbridge_blaze::PROVIDER).len(), 12);
    assert_eq!(c.status(hookbridge_blaze::PROVIDER), CatalogueStatus::Closed);

    // AbbeyCross stays open after an insert; a live load closes it.
    c.insert(CatalogueEntry::new(hookbridge_abbeycross::PROVIDER, "trade.settled"));
    assert!(c.is_open(hookbridge_abbeycross::PROVIDER));
    c.load_live(
        hookbridge_abbeycross::PROVIDER,
        [CatalogueEntry::new(hookbridge_miex::PROVIDER, "a.b"), CatalogueEntry::new(hookbridge_miex::PROVIDER, "a.b")],
    );
    assert_eq!(c.status(hookbridge_abbeycross::PROVIDER), CatalogueStatus::Live);
    assert_eq!(c.events(hookbridge_abbeycross::PROVIDER).len(), 1, "duplicates collapse");
    assert_eq!(c.events(hookbridge_abbeycross::PROVIDER)[0].provider, hookbridge_abbeycross::PROVIDER, "re-tagged");
    assert_eq!(c.membership(hookbridge_abbeycross::PROVIDER, "trade.settled"), Membership::Unknown);

    // Bitnob's live list, from the fixture the Bitnob crate decodes.
    let body: serde_json::Value =
        serde_json::from_str(include_str!("../../../hookbridge-testkit/data/bitnob/event_types.json")).unwrap();
    let infos: Vec<hookbridge_bitnob::EventTypeInfo> = serde_json::from_value(body["data"].clone()).unwrap();
    c.load_live(hookbridge_bitnob::PROVIDER, &infos);
    assert_eq!(c.events(hookbridge_bitnob::PROVIDER).len(), 5);
    let rotated = c.get(hookbridge_bitnob::PROVIDER, "security.api_key.rotated").unwrap();
    assert_eq!(rotated.category.as_deref(), Some("security"));
    assert_eq!(rotated.label.as_deref(), Some("API key rotated"));
    assert_eq!(rotated.origin, EntryOrigin::Live);
    assert_eq!(
        c.get(hookbridge_bitnob::PROVIDER, "treasury.sweep.completed").unwrap().category.as_deref(),
        Some("treasury")
    );
    assert!(!c.is_open(hookbridge_bitnob::PROVIDER));
}
