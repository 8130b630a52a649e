//! Targeted conversion cases: mapping table, titles, CHIP's all-events fields, live catalogues,
//! validation failures, and agreement with the clients' capabilities.

use hookbridge_adapters::catalogue::{CatalogueEntry, EventCatalogue};
use hookbridge_adapters::{
    ConvertError, ConvertOptions, EventMapping, Loss, ProviderSpec, Severity, TitleSource, convert, convert_endpoint,
    validate,
};
use hookbridge_blaze::PartnerWebHook;
use hookbridge_core::{EndpointSpec, EventSelection, EventType, ProviderId, Secret, Webhook};
use url::Url;

// Short names for the five providers, as constants (usable in patterns).
const MIEX: ProviderId = hookbridge_miex::PROVIDER;
const BLAZE: ProviderId = hookbridge_blaze::PROVIDER;
const BITNOB: ProviderId = hookbridge_bitnob::PROVIDER;
const ABBEYCROSS: ProviderId = hookbridge_abbeycross::PROVIDER;
const CHIP: ProviderId = hookbridge_chip::PROVIDER;

fn url(s: &str) -> Url {
    s.parse().unwrap()
}

fn ev(s: &str) -> EventType {
    EventType::new(s)
}

fn chip_spec() -> EndpointSpec {
    EndpointSpec::new(url("https://shop.example.com/chip"))
        .name("payments")
        .event("purchase.paid")
        .event("payment.refunded")
        .event("purchase.cancelled")
}

#[test]
fn mapping_table_translates_drops_and_is_checked() {
    let mapping = EventMapping::new()
        .map("purchase.paid", ["order.status_changed", "order.created"])
        .map("payment.refunded", Vec::<EventType>::new())
        .map("purchase.cancelled", ["order.voided"]);
    let options = ConvertOptions::new().mapping(mapping);
    let out = convert(&chip_spec(), CHIP, MIEX, &options).unwrap();
    assert_eq!(out.spec.events, EventSelection::Only(vec![ev("order.status_changed"), ev("order.created")]));
    assert_eq!(
        out.report.losses,
        vec![
            Loss::NameDropped { name: "payments".into() },
            Loss::EventMappedToNothing { event: ev("payment.refunded") },
            Loss::EventNotInCatalogue { event: ev("order.voided"), mapped_from: Some(ev("purchase.cancelled")) },
        ]
    );
    assert_eq!(Loss::EventMappedToNothing { event: ev("x") }.severity(), Severity::Note);
}

#[test]
fn pair_rules_win_over_general_rules_and_later_rules_replace_earlier() {
    let mapping = EventMapping::new()
        .map("purchase.paid", ["order.created"])
        .map_between(CHIP, MIEX, "purchase.paid", ["order.status_changed"])
        .map("purchase.paid", ["offer.updated"]); // replaces the first general rule
    assert_eq!(mapping.lookup(CHIP, MIEX, &ev("purchase.paid")), Some(&[ev("order.status_changed")][..]));
    assert_eq!(mapping.lookup(CHIP, BITNOB, &ev("purchase.paid")), Some(&[ev("offer.updated")][..]));
    assert_eq!(mapping.lookup(CHIP, MIEX, &ev("purchase.hold")), None);
    assert!(!mapping.is_empty());
}

#[test]
fn duplicates_are_carried_once() {
    let spec = EndpointSpec::new(url("https://a.example.com/")).name("t").event("purchase.paid").event("purchase.paid");
    let out = convert(&spec, MIEX, CHIP, &ConvertOptions::default()).unwrap();
    assert_eq!(out.spec.events, EventSelection::Only(vec![ev("purchase.paid")]));
    let mapped =
        ConvertOptions::new().mapping(EventMapping::new().map("a", ["order.created"]).map("b", ["order.created"]));
    let spec = EndpointSpec::new(url("https://a.example.com/")).event("a").event("b");
    let out = convert(&spec, ABBEYCROSS, MIEX, &mapped).unwrap();
    assert_eq!(out.spec.events, EventSelection::Only(vec![ev("order.created")]));
    assert!(out.report.is_empty());
}

#[test]
fn chip_titles_from_options_derived_and_truncated() {
    let spec = EndpointSpec::new(url("https://hooks.example.com/x")).all_events();
    // From the options: a note, so strict mode accepts it.
    let opts = ConvertOptions::new().default_title("Mirrored").strict(true);
    let out = convert(&spec, BITNOB, CHIP, &opts).unwrap();
    assert_eq!(out.spec.name.as_deref(), Some("Mirrored"));
    assert_eq!(
        out.report.losses,
        vec![Loss::TitleSynthesized { title: "Mirrored".into(), source: TitleSource::Options }]
    );
    // Derived: altered, refused in strict mode.
    let out = convert(&spec, BITNOB, CHIP, &ConvertOptions::default()).unwrap();
    assert_eq!(out.spec.name.as_deref(), Some("Bitnob webhook for hooks.example.com"));
    assert!(matches!(convert(&spec, BITNOB, CHIP, &ConvertOptions::new().strict(true)), Err(ConvertError::Lossy(_))));
    // A blank name counts as none.
    let blank = spec.clone().name("   ");
    assert_eq!(convert(&blank, BITNOB, CHIP, &opts).unwrap().spec.name.as_deref(), Some("Mirrored"));
    // Too long: cut to CHIP's 100 characters.
    let long = "é".repeat(130);
    let out = convert(&spec.clone().name(long.clone()), BITNOB, CHIP, &ConvertOptions::default()).unwrap();
    let cut = "é".repeat(100);
    assert_eq!(out.spec.name.as_deref(), Some(cut.as_str()));
    assert_eq!(out.report.losses, vec![Loss::NameTruncated { original: long, truncated: cut }]);
    assert_eq!(out.report.losses[0].severity(), Severity::Altered);
}

#[test]
fn chip_all_events_fields_become_the_selection_elsewhere() {
    // A CHIP spec that lists events *and* sets all_events: it receives everything.
    let spec = EndpointSpec::new(url("https://shop.example.com/chip"))
        .name("all")
        .event("purchase.paid")
        .provider_field("all_events", true);
    assert!(ProviderSpec::from_unified(CHIP, &spec).is_ok());
    let out = convert(&spec, CHIP, BITNOB, &ConvertOptions::default()).unwrap();
    assert_eq!(out.spec.events, EventSelection::All);
    assert!(out.report.is_empty());
    // With `All` and a list in provider_fields.
    let spec = EndpointSpec::new(url("https://shop.example.com/chip"))
        .name("all")
        .all_events()
        .provider_field("events", serde_json::json!(["purchase.paid"]));
    let out = convert(&spec, CHIP, MIEX, &ConvertOptions::default()).unwrap();
    assert_eq!(out.spec.events.events().len(), 4);
    assert!(matches!(out.report.losses[1], Loss::AllEventsExpanded { .. }));
    // CHIP → CHIP keeps them as they are.
    let out = convert(&spec, CHIP, CHIP, &ConvertOptions::default()).unwrap();
    assert_eq!(out.spec, spec);
    // `all_events: false` next to a list is simply redundant.
    let spec = chip_spec().provider_field("all_events", false);
    let out = convert(&spec, CHIP, ABBEYCROSS, &ConvertOptions::default()).unwrap();
    assert!(out.report.iter().all(|l| matches!(l, Loss::NameDropped { .. } | Loss::EventUnverifiable { .. })));
}

#[test]
fn a_live_bitnob_catalogue_makes_bitnob_checkable() {
    let live: Vec<hookbridge_bitnob::EventTypeInfo> =
        serde_json::from_str(include_str!("../../../hookbridge-testkit/data/bitnob/event_types.json"))
            .map(|v: serde_json::Value| serde_json::from_value(v["data"].clone()).unwrap())
            .unwrap();
    let mut catalogue = EventCatalogue::documented();
    catalogue.load_live(BITNOB, &live);
    let spec = EndpointSpec::new(url("https://a.example.com/")).event("wallet.created").event("order.created");
    let out = convert(&spec, MIEX, BITNOB, &ConvertOptions::new().catalogue(catalogue)).unwrap();
    assert_eq!(out.spec.events, EventSelection::Only(vec![ev("wallet.created")]));
    assert_eq!(out.report.losses, vec![Loss::EventNotInCatalogue { event: ev("order.created"), mapped_from: None }]);
}

#[test]
fn user_entries_extend_a_closed_catalogue() {
    let mut catalogue = EventCatalogue::documented();
    catalogue.insert(CatalogueEntry::new(CHIP, "purchase.subscription_charge_failure").category("purchase"));
    let spec =
        EndpointSpec::new(url("https://a.example.com/")).name("subs").event("purchase.subscription_charge_failure");
    assert!(matches!(convert(&spec, CHIP, CHIP, &ConvertOptions::default()), Err(ConvertError::NoEvents { .. })));
    let out = validate(&spec, CHIP, &ConvertOptions::new().catalogue(catalogue)).unwrap();
    assert!(out.report.is_empty());
}

#[test]
fn what_no_conversion_can_fix_is_a_target_error() {
    // BITNOB requires https (unless allowed, for local testing).
    let spec = EndpointSpec::new(url("http://localhost:8080/hooks")).event("x.y");
    match convert(&spec, ABBEYCROSS, BITNOB, &ConvertOptions::default()) {
        Err(ConvertError::Target { provider: BITNOB, error, report }) => {
            assert_eq!(error.field, "url");
            assert_eq!(report.losses, vec![Loss::EventUnverifiable { event: ev("x.y") }]);
        }
        other => panic!("{other:?}"),
    }
    assert!(convert(&spec, ABBEYCROSS, BITNOB, &ConvertOptions::new().allow_insecure_urls(true)).is_ok());
    // No URL at all.
    let mut none = spec.clone();
    none.urls.clear();
    for to in crate::converted_ids() {
        let err = convert(&none, ABBEYCROSS, to, &ConvertOptions::default().default_title("t")).unwrap_err();
        assert!(matches!(err, ConvertError::Target { .. } | ConvertError::NoEvents { .. }), "{to:?}: {err:?}");
    }
    // A non-HTTP URL.
    let ftp = EndpointSpec::new(url("ftp://files.example.com/x")).event("order.created");
    assert!(matches!(convert(&ftp, MIEX, MIEX, &ConvertOptions::default()), Err(ConvertError::Target { .. })));
    // A malformed event name for BITNOB.
    let spaced = EndpointSpec::new(url("https://a.example.com/")).event("has space");
    assert!(matches!(
        convert(&spaced, ABBEYCROSS, BITNOB, &ConvertOptions::default()),
        Err(ConvertError::Target { .. })
    ));
}

#[test]
fn blaze_single_type_migrates_with_a_mapping() {
    let webhook: PartnerWebHook = serde_json::from_value(serde_json::json!({
        "id": "wh-1", "companyId": "c-1", "shopId": "shop-9", "created": 1_700_000_000_123_i64,
        "deleted": false, "webHookType": "NEW_CONSUMER_ORDER",
        "webHookUrls": ["https://pos.example.com/orders"]
    }))
    .unwrap();
    let endpoint = hookbridge_core::Endpoint::try_from(&webhook).unwrap();
    // Without a mapping nothing MIEX knows is left.
    match convert_endpoint(&endpoint, MIEX, &ConvertOptions::default()) {
        Err(ConvertError::NoEvents { report, .. }) => assert_eq!(
            report.losses,
            vec![
                Loss::EventNotInCatalogue { event: ev("NEW_CONSUMER_ORDER"), mapped_from: None },
                Loss::Scope { field: "shopId".into(), value: "shop-9".into() },
            ]
        ),
        other => panic!("{other:?}"),
    }
    let options = ConvertOptions::new().mapping(EventMapping::new().map("NEW_CONSUMER_ORDER", ["order.created"]));
    let out = convert_endpoint(&endpoint, MIEX, &options).unwrap();
    assert_eq!(out.spec.events, EventSelection::Only(vec![ev("order.created")]));
    assert_eq!(out.report.losses, vec![Loss::Scope { field: "shopId".into(), value: "shop-9".into() }]);
    // Server-assigned state (companyId, created, deleted) is not part of a spec, so not a loss.
}

#[test]
fn conversion_agrees_with_the_clients_capabilities() {
    let clients: Vec<Box<dyn Webhook>> = vec![
        Box::new(
            hookbridge_miex::MiexClient::new(
                "https://api.example.com/api/v1",
                Secret::new("sk_personal_0123456789abcdef0123456789abcdef"),
            )
            .unwrap(),
        ),
        Box::new(hookbridge_blaze::BlazeClient::new(hookbridge_blaze::BlazeKeys::new("p", "d")).unwrap()),
        Box::new(
            hookbridge_bitnob::BitnobClient::new(hookbridge_bitnob::BitnobAuth::legacy_bearer(Secret::new("k")))
                .unwrap(),
        ),
        Box::new(hookbridge_abbeycross::AbbeyCrossClient::new("https://fx.example.com", Secret::new("t")).unwrap()),
        Box::new(hookbridge_chip::ChipClient::new(Secret::new("k")).unwrap()),
    ];
    let options = ConvertOptions::new().default_title("t");
    for client in &clients {
        let to = client.provider();
        let caps = client.capabilities();
        let from = if to == ABBEYCROSS { MIEX } else { ABBEYCROSS };
        // Several URLs.
        let two = EndpointSpec::new(url("https://a.example.com/1")).url(url("https://a.example.com/2")).all_events();
        let dropped = match convert(&two, from, to, &options) {
            Ok(out) => out.report.iter().any(|l| matches!(l, Loss::UrlsDropped { .. })),
            Err(e) => e.report().unwrap().iter().any(|l| matches!(l, Loss::UrlsDropped { .. })),
        };
        assert_eq!(dropped, !caps.multiple_urls, "{to:?} multiple_urls");
        // All events: carried (natively or expanded) exactly when the capability says so.
        let all = EndpointSpec::new(url("https://a.example.com/1")).all_events();
        let report = convert(&all, from, to, &options).unwrap().report;
        let not_carried =
            report.iter().any(|l| matches!(l, Loss::AllEventsUnsupported | Loss::EventSelectionDropped { .. }));
        assert_eq!(not_carried, !caps.all_events, "{to:?} all_events");
        // An event list: dropped wholesale exactly when there is no event selection.
        let one = EndpointSpec::new(url("https://a.example.com/1")).event("order.created");
        let report = match convert(&one, MIEX, to, &options) {
            Ok(out) => out.report,
            Err(e) => e.report().unwrap().clone(),
        };
        let wholesale = report.iter().any(|l| matches!(l, Loss::EventSelectionDropped { .. }));
        assert_eq!(wholesale, !caps.event_selection, "{to:?} event_selection");
    }
}

#[test]
fn reports_display_every_loss() {
    let out = convert(&crate::convert_table::source(BLAZE), BLAZE, CHIP, &ConvertOptions::default()).unwrap();
    let text = out.report.to_string();
    assert!(text.starts_with("BLAZE → CHIP Collect: 4 items"), "{text}");
    assert!(text.contains("https://pos.example.com/b") && text.contains("shop-42"), "{text}");
    let err = convert(&chip_spec(), CHIP, MIEX, &ConvertOptions::new().strict(true)).unwrap_err();
    assert!(err.to_string().starts_with("strict conversion refused"), "{err}");
    let json = serde_json::to_value(&out.report).unwrap();
    assert_eq!(json["losses"][0]["kind"], "urls_dropped");
}
