//! The event catalogue: counts, queries, drift against the provider enums, live loading.

use hookbridge_adapters::catalogue::{CatalogueEntry, CatalogueStatus, EntryOrigin, EventCatalogue, Membership};
use hookbridge_blaze::WebHookType;
use hookbridge_chip::ChipEvent;
use hookbridge_core::ProviderId;
use hookbridge_miex::MiexEvent;

#[test]
fn documented_counts_and_status() {
    let c = EventCatalogue::default();
    let expect = [
        (ProviderId::Miex, 4, CatalogueStatus::Closed),
        (ProviderId::Blaze, 11, CatalogueStatus::Closed),
        (ProviderId::Bitnob, 1, CatalogueStatus::Open),
        (ProviderId::AbbeyCross, 0, CatalogueStatus::Open),
        (ProviderId::Chip, 27, CatalogueStatus::Closed),
    ];
    for (p, n, status) in expect {
        assert_eq!(c.events(p).len(), n, "{p:?}");
        assert_eq!(c.status(p), status, "{p:?}");
        assert_eq!(c.is_open(p), status == CatalogueStatus::Open);
        assert!(c.events(p).iter().all(|e| e.provider == p && e.origin == EntryOrigin::Documented));
    }
    assert_eq!(c.iter().count(), 43);
}

#[test]
fn every_enum_variant_is_in_the_catalogue_and_vice_versa() {
    let c = EventCatalogue::documented();
    for e in MiexEvent::ALL {
        assert!(c.is_known(ProviderId::Miex, e.as_str()), "{e}");
    }
    for e in WebHookType::DOCUMENTED {
        assert!(c.is_known(ProviderId::Blaze, e.as_str()), "{e}");
    }
    for e in ChipEvent::ALL {
        assert!(c.is_known(ProviderId::Chip, e.as_str()), "{e}");
    }
    for entry in c.events(ProviderId::Miex) {
        assert!(MiexEvent::ALL.iter().any(|e| e.as_str() == entry.name.as_str()));
    }
    for entry in c.events(ProviderId::Blaze) {
        assert!(WebHookType::DOCUMENTED.iter().any(|e| e.as_str() == entry.name.as_str()));
    }
    for entry in c.events(ProviderId::Chip) {
        assert!(ChipEvent::ALL.iter().any(|e| e.as_str() == entry.name.as_str()));
    }
}

#[test]
fn queries() {
    let c = EventCatalogue::documented();
    let paid = c.get(ProviderId::Chip, "purchase.paid").unwrap();
    assert_eq!(paid.category.as_deref(), Some("purchase"));
    assert!(paid.description.as_deref().unwrap().contains("paid"));
    assert_eq!(c.get(ProviderId::Miex, "offer.updated").unwrap().category.as_deref(), Some("offer"));
    assert_eq!(c.get(ProviderId::Blaze, "NEW_MEMBER").unwrap().category, None);
    assert!(c.get(ProviderId::Chip, "PURCHASE.PAID").is_none(), "names are exact");
    assert_eq!(c.membership(ProviderId::Chip, "purchase.subscription_charge_failure"), Membership::Unknown);
    assert_eq!(c.membership(ProviderId::Bitnob, "transaction.confirmed"), Membership::Known);
    assert_eq!(c.membership(ProviderId::AbbeyCross, "trade.settled"), Membership::Unverifiable);
    assert_eq!(c.find("order.created").map(|e| e.provider).collect::<Vec<_>>(), vec![ProviderId::Miex]);
    assert_eq!(CatalogueStatus::Live.to_string(), "live");
    assert!(CatalogueStatus::Closed.is_checkable() && !CatalogueStatus::Open.is_checkable());
}

#[test]
fn insert_and_live_loading() {
    let mut c = EventCatalogue::documented();
    c.insert(CatalogueEntry::new(ProviderId::Blaze, "TRANSACTION_UPDATE").description("seen in the docs' examples"));
    assert!(c.is_known(ProviderId::Blaze, "TRANSACTION_UPDATE"));
    assert_eq!(c.events(ProviderId::Blaze).len(), 12);
    assert_eq!(c.get(ProviderId::Blaze, "TRANSACTION_UPDATE").unwrap().origin, EntryOrigin::User);
    // Replacing keeps one entry.
    c.insert(CatalogueEntry::new(ProviderId::Blaze, "TRANSACTION_UPDATE").label("Transaction update"));
    assert_eq!(c.events(ProviderId::Blaze).len(), 12);
    assert_eq!(c.status(ProviderId::Blaze), CatalogueStatus::Closed);

    // AbbeyCross stays open after an insert; a live load closes it.
    c.insert(CatalogueEntry::new(ProviderId::AbbeyCross, "trade.settled"));
    assert!(c.is_open(ProviderId::AbbeyCross));
    c.load_live(
        ProviderId::AbbeyCross,
        [CatalogueEntry::new(ProviderId::Miex, "a.b"), CatalogueEntry::new(ProviderId::Miex, "a.b")],
    );
    assert_eq!(c.status(ProviderId::AbbeyCross), CatalogueStatus::Live);
    assert_eq!(c.events(ProviderId::AbbeyCross).len(), 1, "duplicates collapse");
    assert_eq!(c.events(ProviderId::AbbeyCross)[0].provider, ProviderId::AbbeyCross, "re-tagged");
    assert_eq!(c.membership(ProviderId::AbbeyCross, "trade.settled"), Membership::Unknown);

    // Bitnob's live list, from the fixture the Bitnob crate decodes.
    let body: serde_json::Value =
        serde_json::from_str(include_str!("../../../hookbridge-testkit/data/bitnob/event_types.json")).unwrap();
    let infos: Vec<hookbridge_bitnob::EventTypeInfo> = serde_json::from_value(body["data"].clone()).unwrap();
    c.load_bitnob(&infos);
    assert_eq!(c.events(ProviderId::Bitnob).len(), 5);
    let rotated = c.get(ProviderId::Bitnob, "security.api_key.rotated").unwrap();
    assert_eq!(rotated.category.as_deref(), Some("security"));
    assert_eq!(rotated.label.as_deref(), Some("API key rotated"));
    assert_eq!(rotated.origin, EntryOrigin::Live);
    assert_eq!(c.get(ProviderId::Bitnob, "treasury.sweep.completed").unwrap().category.as_deref(), Some("treasury"));
    assert!(!c.is_open(ProviderId::Bitnob));
}
