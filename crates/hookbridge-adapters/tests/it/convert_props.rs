//! Property tests of `convert`: arbitrary specs × all ordered provider pairs never panic; every
//! successful conversion is accepted by the target's create conversion; strict and lenient agree.

use hookbridge_adapters::catalogue::EventCatalogue;
use hookbridge_adapters::{ConvertError, ConvertOptions, EventMapping, Loss, ProviderSpec, Severity, convert};
use hookbridge_core::{EndpointSpec, EventSelection, EventType, ProviderId};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::Value;
use url::Url;

fn known_events() -> Vec<String> {
    let c = EventCatalogue::documented();
    c.iter().map(|e| e.name.as_str().to_owned()).collect()
}

fn event() -> impl Strategy<Value = EventType> {
    prop_oneof![
        3 => proptest::sample::select(known_events()),
        1 => "[a-z]{1,6}\\.[a-z_]{1,8}",
        1 => "[ -~]{0,10}",
    ]
    .prop_map(EventType::new)
}

fn url() -> impl Strategy<Value = Url> {
    prop_oneof![
        4 => ("[a-z]{1,8}", "[a-z0-9/]{0,10}").prop_map(|(h, p)| format!("https://{h}.example.com/{p}")),
        1 => "[a-z]{1,8}".prop_map(|h| format!("http://{h}.example.com/")),
        1 => Just("ftp://files.example.com/x".to_owned()),
        1 => "[a-z0-9]{400,520}".prop_map(|p| format!("https://long.example.com/{p}")),
    ]
    .prop_map(|s| s.parse().unwrap())
}

fn field_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "[ -~]{0,12}".prop_map(Value::String),
        vec(event(), 0..3)
            .prop_map(|v| Value::Array(v.into_iter().map(|e| Value::String(e.as_str().into())).collect())),
    ]
}

fn spec() -> impl Strategy<Value = EndpointSpec> {
    let key = prop_oneof![
        Just("shopId"),
        Just("url"),
        Just("public_key"),
        Just("all_events"),
        Just("events"),
        Just("failCount"),
        Just("foo"),
    ];
    (
        vec(url(), 0..4),
        prop_oneof![1 => Just(EventSelection::All), 3 => vec(event(), 0..5).prop_map(EventSelection::Only)],
        option::of(prop_oneof!["[ -~]{0,20}", "[a-z]{101,120}", Just("tab\there".to_owned())]),
        btree_map(key, field_value(), 0..4),
    )
        .prop_map(|(urls, events, name, fields)| {
            let mut spec = EndpointSpec::default();
            spec.urls = urls.into_iter().map(Into::into).collect();
            spec.events = events;
            spec.name = name;
            spec.provider_fields = fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            spec
        })
}

fn options() -> impl Strategy<Value = ConvertOptions> {
    (any::<bool>(), any::<bool>(), option::of("[ -~]{0,12}"), any::<bool>()).prop_map(
        |(strict, map, title, insecure)| {
            let mut o = ConvertOptions::new().strict(strict).allow_insecure_urls(insecure);
            if map {
                o = o.mapping(
                    EventMapping::new()
                        .map("purchase.paid", ["order.status_changed", "purchase.paid", "NEW_CONSUMER_ORDER"])
                        .map("order.created", Vec::<EventType>::new())
                        .map_between(
                            hookbridge_blaze::PROVIDER,
                            hookbridge_chip::PROVIDER,
                            "NEW_MEMBER",
                            ["purchase.created"],
                        ),
                );
            }
            if let Some(t) = title {
                o = o.default_title(t);
            }
            o
        },
    )
}

fn provider() -> impl Strategy<Value = ProviderId> {
    proptest::sample::select(crate::converted_ids().collect::<Vec<_>>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn conversion_never_panics_and_its_output_is_valid_for_the_target(
        spec in spec(), from in provider(), to in provider(), options in options()
    ) {
        match convert(&spec, from, to, &options) {
            Ok(out) => {
                // Valid at the target: its own create conversion and pre-send checks accept it.
                let request = ProviderSpec::from_unified(to, &out.spec).unwrap();
                request.validate(options.allow_insecure_urls).unwrap();
                prop_assert_eq!(&request, &out.request);
                prop_assert_eq!(out.report.from, Some(from));
                prop_assert_eq!(out.report.to, Some(to));
                if options.strict {
                    prop_assert!(!out.report.is_lossy());
                }
                // Every event at the target is known to its catalogue or reported unverifiable.
                for e in out.spec.events.events() {
                    let known = options.catalogue.is_known(to, e.as_str());
                    let noted = out.report.iter().any(|l| l == &Loss::EventUnverifiable { event: e.clone() });
                    prop_assert!(known || noted, "{} unaccounted", e);
                }
                // Dropped URLs are reported, and only for single-URL targets.
                let dropped: usize = out.report.iter().map(|l| match l { Loss::UrlsDropped { dropped, .. } => dropped.len(), _ => 0 }).sum();
                prop_assert_eq!(out.spec.urls.len() + dropped, spec.urls.len());
            }
            Err(ConvertError::Lossy(report)) => {
                prop_assert!(options.strict);
                prop_assert!(report.is_lossy());
                prop_assert!(report.at_least(Severity::Altered).count() > 0);
            }
            Err(ConvertError::NoEvents { to: t, report }) => {
                prop_assert_eq!(t, to);
                if options.strict {
                    prop_assert!(!report.is_lossy());
                }
            }
            Err(ConvertError::Target { provider, report, .. }) => {
                prop_assert_eq!(provider, to);
                if options.strict {
                    prop_assert!(!report.is_lossy());
                }
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
    }

    /// Strict mode succeeds exactly when lenient mode succeeds without dropping or altering anything.
    #[test]
    fn strict_agrees_with_lenient(spec in spec(), from in provider(), to in provider(), options in options()) {
        let lenient = convert(&spec, from, to, &options.clone().strict(false));
        let strict = convert(&spec, from, to, &options.strict(true));
        match (&lenient, &strict) {
            (Ok(l), Ok(s)) => { prop_assert!(!l.report.is_lossy()); prop_assert_eq!(l, s); }
            (Ok(l), Err(ConvertError::Lossy(r))) => prop_assert_eq!(&l.report, r),
            (Err(e), Err(ConvertError::Lossy(r))) => prop_assert_eq!(e.report(), Some(r)),
            (Err(l), Err(s)) => prop_assert_eq!(l, s),
            (Err(l), Ok(s)) => prop_assert!(false, "lenient failed ({:?}) but strict succeeded ({:?})", l, s),
            (Ok(l), Err(s)) => prop_assert!(false, "lenient succeeded ({:?}) but strict failed otherwise ({:?})", l, s),
        }
    }
}
