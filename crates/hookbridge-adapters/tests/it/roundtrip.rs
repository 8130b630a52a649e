//! Property tests: provider → unified → provider is lossless for all five dialects (objects,
//! create requests, event types, delivery events), including unknown enum values, absent and
//! present optional fields, and timestamps at each format's precision; and the wire JSON
//! survives decode → unified → encode.

use hookbridge_abbeycross::{RegisterWebhookResponse, RegisteredWebhook};
use hookbridge_adapters::delivery_log::DeliveryRecord;
use hookbridge_adapters::time::TimestampFormat;
use hookbridge_adapters::{ProviderEndpoint, ProviderEvent, ProviderSpec};
use hookbridge_bitnob::{DeliveryEvent, WebhookEndpoint, WebhookId, WebhookStatus};
use hookbridge_blaze::{CreateWebHook, PartnerWebHook, WebHookType};
use hookbridge_chip::{ChipEvent, ChipWebhook, WebhookRequest};
use hookbridge_core::{EventType, Secret, Timestamp};
use hookbridge_miex::{MiexEvent, MiexWebhook};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};
use url::Url;

const CASES: u32 = 128;

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const SECONDS: std::ops::Range<i64> = -2_000_000_000..4_102_444_800;

fn ts_seconds() -> impl Strategy<Value = Timestamp> {
    SECONDS.prop_map(|s| Timestamp::from_second(s).unwrap())
}

fn ts_millis() -> impl Strategy<Value = Timestamp> {
    (SECONDS, 0i64..1000).prop_map(|(s, ms)| Timestamp::from_millisecond(s * 1000 + ms).unwrap())
}

fn ts_nanos() -> impl Strategy<Value = Timestamp> {
    (SECONDS, 0i32..1_000_000_000).prop_map(|(s, ns)| Timestamp::new(s, ns).unwrap())
}

fn text() -> impl Strategy<Value = String> {
    "[ -~]{0,24}|[\\PC]{0,12}"
}

fn word() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,10}"
}

fn http_url() -> impl Strategy<Value = Url> {
    ("(http|https)", "[a-z]{1,10}", "[a-z0-9/]{0,12}")
        .prop_map(|(scheme, host, path)| format!("{scheme}://{host}.example.com/{path}").parse().unwrap())
}

fn https_url() -> impl Strategy<Value = Url> {
    ("[a-z]{1,10}", "[a-z0-9/]{0,12}")
        .prop_map(|(host, path)| format!("https://{host}.example.com/{path}").parse().unwrap())
}

/// Any URL string a provider might return, normalised or not.
fn url_string() -> impl Strategy<Value = String> {
    prop_oneof![http_url().prop_map(|u| u.to_string()), text()]
}

fn json_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        text().prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_scalar().prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..3).prop_map(Value::Array),
            btree_map(word(), inner, 0..3).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Undocumented fields, under names no provider type models (`x_...`).
fn extra() -> impl Strategy<Value = Map<String, Value>> {
    btree_map(word().prop_map(|w| format!("x_{w}")), json_value(), 0..3).prop_map(|m| m.into_iter().collect())
}

fn event_name() -> impl Strategy<Value = String> {
    "[a-z]{1,8}\\.[a-z_]{1,12}"
}

fn miex_event() -> impl Strategy<Value = MiexEvent> {
    prop_oneof![
        proptest::sample::select(MiexEvent::ALL.to_vec()),
        event_name().prop_map(|s| s.parse::<MiexEvent>().unwrap()),
    ]
}

fn blaze_type() -> impl Strategy<Value = WebHookType> {
    prop_oneof![
        proptest::sample::select(WebHookType::DOCUMENTED.to_vec()),
        "[A-Z_]{1,20}".prop_map(|s| s.parse::<WebHookType>().unwrap()),
    ]
}

fn chip_event() -> impl Strategy<Value = ChipEvent> {
    prop_oneof![
        proptest::sample::select(ChipEvent::ALL.to_vec()),
        event_name().prop_map(|s| ChipEvent::from(s.as_str()))
    ]
}

fn bitnob_status() -> impl Strategy<Value = WebhookStatus> {
    prop_oneof![Just("active".to_owned()), Just("inactive".to_owned()), "[a-z]{0,10}"]
        .prop_map(|s| s.parse::<WebhookStatus>().unwrap())
}

fn miex_webhook() -> impl Strategy<Value = MiexWebhook> {
    (
        ("[a-f0-9-]{1,36}", url_string(), vec(miex_event(), 0..4)),
        (option::of(any::<bool>()), option::of(any::<u64>()), option::of(ts_nanos()), option::of(ts_nanos())),
        (option::of("[a-f0-9]{8,64}"), option::of(text()), extra()),
    )
        .prop_map(|((id, url, events), (active, fails, created, updated), (secret, note, extra))| {
            let mut w = MiexWebhook::new(hookbridge_miex::WebhookId::new(id), url);
            w.events = events;
            w.is_active = active;
            w.fail_count = fails;
            w.created_at = created;
            w.updated_at = updated;
            w.secret_key = secret.map(Secret::new);
            w.note = note;
            w.extra = extra.into();
            w
        })
}

fn blaze_webhook() -> impl Strategy<Value = PartnerWebHook> {
    (
        ("[A-Za-z0-9]{1,24}", option::of(text()), option::of(text())),
        (option::of(ts_millis()), option::of(ts_millis()), option::of(any::<bool>()), option::of(any::<bool>())),
        (option::of(url_string()), option::of(blaze_type()), option::of(vec(url_string(), 0..3)), extra()),
    )
        .prop_map(|((id, company, shop), (created, modified, deleted, updated), (url, kind, urls, extra))| {
            PartnerWebHook {
                id: Some(id),
                company_id: company,
                shop_id: shop,
                created,
                modified,
                deleted,
                updated,
                url,
                web_hook_type: kind,
                web_hook_urls: urls,
                extra: extra.into(),
            }
        })
}

fn bitnob_webhook() -> impl Strategy<Value = WebhookEndpoint> {
    (
        ("[A-Za-z0-9_-]{1,36}", url_string(), option::of(text()), option::of(text())),
        (option::of(bitnob_status()), option::of(vec(event_name().prop_map(EventType::new), 0..4))),
        (option::of(any::<bool>()), option::of("[a-f0-9]{4}"), option::of(ts_nanos())),
        (option::of(ts_nanos()), option::of(ts_nanos())),
    )
        .prop_map(|((id, url, object, name), (status, events), (has, last4, triggered), (created, updated))| {
            let mut w = WebhookEndpoint::new(WebhookId::new(id).unwrap(), url);
            w.object = object;
            w.name = name;
            w.status = status;
            w.event_types = events;
            w.has_signing_secret = has;
            w.signing_secret_last4 = last4;
            w.last_triggered_at = triggered;
            w.created_at = created;
            w.updated_at = updated;
            w
        })
}

fn abbeycross_webhook() -> impl Strategy<Value = RegisteredWebhook> {
    (http_url(), vec(event_name(), 0..4), option::of(text()), option::of("[A-Za-z0-9]{8,40}"), extra()).prop_map(
        |(url, events, message, secret, extra)| {
            let request = hookbridge_abbeycross::RegisterWebhook::new(url, events);
            let mut response = RegisterWebhookResponse::default();
            response.message = message;
            response.api_secret_key = secret.map(Secret::new);
            response.extra = extra.into();
            RegisteredWebhook::new(&request, response)
        },
    )
}

fn chip_webhook() -> impl Strategy<Value = ChipWebhook> {
    (
        (option::of(Just("webhook".to_owned())), "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"),
        (option::of(ts_seconds()), option::of(ts_seconds()), text(), any::<bool>()),
        (option::of(prop_oneof![Just(String::new()), text()]), vec(chip_event(), 0..4), url_string(), extra()),
    )
        .prop_map(|((kind, id), (created, updated, title, all), (key, events, callback, other))| ChipWebhook {
            object_type: kind,
            id: hookbridge_chip::WebhookId::from_provider(id),
            created_on: created,
            updated_on: updated,
            title,
            all_events: all,
            public_key: key,
            events,
            callback,
            other,
        })
}

fn any_endpoint() -> impl Strategy<Value = ProviderEndpoint> {
    prop_oneof![
        miex_webhook().prop_map(ProviderEndpoint::from),
        blaze_webhook().prop_map(ProviderEndpoint::from),
        bitnob_webhook().prop_map(ProviderEndpoint::from),
        abbeycross_webhook().prop_map(ProviderEndpoint::from),
        chip_webhook().prop_map(ProviderEndpoint::from),
    ]
}

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

fn secret_of(p: &ProviderEndpoint) -> Option<String> {
    p.secret().map(|s| s.expose().to_owned())
}

fn assert_lossless(original: &ProviderEndpoint) -> Result<(), TestCaseError> {
    let unified = original.to_unified().map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(unified.provider, original.provider());
    let back = ProviderEndpoint::from_unified(&unified).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(back.to_json(), original.to_json());
    prop_assert_eq!(secret_of(&back), secret_of(original));
    // Typed equality where the provider type has it.
    match (original, &back) {
        (ProviderEndpoint::Blaze(a), ProviderEndpoint::Blaze(b)) => prop_assert_eq!(a, b),
        (ProviderEndpoint::Bitnob(a), ProviderEndpoint::Bitnob(b)) => prop_assert_eq!(a, b),
        (ProviderEndpoint::Chip(a), ProviderEndpoint::Chip(b)) => prop_assert_eq!(a, b),
        _ => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn endpoints_round_trip(original in any_endpoint()) {
        assert_lossless(&original)?;
    }

    /// Wire JSON → typed → unified → typed → wire JSON is the identity (timestamps at each
    /// format's precision: RFC 3339 ns for MIEX/Bitnob, epoch ms for BLAZE, epoch s for CHIP).
    #[test]
    fn wire_json_round_trips(original in any_endpoint()) {
        let json = original.to_json();
        let decoded: ProviderEndpoint = match &original {
            ProviderEndpoint::Miex(_) => ProviderEndpoint::Miex(serde_json::from_value(json.clone()).unwrap()),
            ProviderEndpoint::Blaze(_) => ProviderEndpoint::Blaze(serde_json::from_value(json.clone()).unwrap()),
            ProviderEndpoint::Bitnob(_) => ProviderEndpoint::Bitnob(serde_json::from_value(json.clone()).unwrap()),
            ProviderEndpoint::Chip(_) => ProviderEndpoint::Chip(serde_json::from_value(json.clone()).unwrap()),
            // AbbeyCross has no webhook object on the wire (request + response only).
            other => other.clone(),
        };
        let back = ProviderEndpoint::from_unified(&decoded.to_unified().unwrap()).unwrap();
        prop_assert_eq!(back.to_json(), json);
    }

    #[test]
    fn timestamps_survive_their_formats(s in ts_seconds(), ms in ts_millis(), ns in ts_nanos()) {
        for (format, t) in [(TimestampFormat::EpochSeconds, s), (TimestampFormat::EpochMillis, ms), (TimestampFormat::Rfc3339, ns)] {
            prop_assert!(format.fits(t));
            prop_assert_eq!(format.decode(&format.encode(t)).unwrap(), t);
        }
        // A finer timestamp is truncated towards the past by a coarser format.
        let cut = TimestampFormat::EpochSeconds.truncate(ns);
        prop_assert!(cut <= ns && TimestampFormat::EpochSeconds.fits(cut));
        prop_assert_eq!(TimestampFormat::EpochSeconds.decode(&TimestampFormat::EpochSeconds.encode(ns)).unwrap(), cut);
    }
}

#[test]
fn a_blaze_webhook_without_an_id_is_refused_not_invented() {
    let p = ProviderEndpoint::from(PartnerWebHook::default());
    assert!(p.to_unified().is_err());
}

#[test]
fn timestamp_formats_per_provider() {
    assert_eq!(TimestampFormat::of(hookbridge_blaze::PROVIDER), Some(TimestampFormat::EpochMillis));
    assert_eq!(TimestampFormat::of(hookbridge_chip::PROVIDER), Some(TimestampFormat::EpochSeconds));
    assert_eq!(TimestampFormat::of(hookbridge_miex::PROVIDER), Some(TimestampFormat::Rfc3339));
    assert_eq!(TimestampFormat::of(hookbridge_abbeycross::PROVIDER), None);
    assert!(TimestampFormat::EpochMillis.decode(&Value::String("1".into())).is_err());
    assert!(TimestampFormat::Rfc3339.decode(&Value::String("yesterday".into())).is_err());
    let before_epoch = Timestamp::from_millisecond(-1_500).unwrap();
    assert_eq!(TimestampFormat::EpochSeconds.truncate(before_epoch).as_second(), -2);
}

// ---------------------------------------------------------------------------------------------
// Create requests
// ---------------------------------------------------------------------------------------------

fn nonblank() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][ -~]{0,20}"
}

fn any_request() -> impl Strategy<Value = ProviderSpec> {
    prop_oneof![
        (http_url(), vec(proptest::sample::select(MiexEvent::ALL.to_vec()), 1..4))
            .prop_map(|(u, e)| ProviderSpec::Miex(hookbridge_miex::RegisterWebhook::new(u, e))),
        (vec(http_url(), 1..3), option::of(nonblank()), option::of(http_url())).prop_map(|(urls, shop, url)| {
            let mut body = CreateWebHook::new(urls);
            body.shop_id = shop;
            body.url = url.map(Into::into);
            ProviderSpec::Blaze(body)
        }),
        (https_url(), option::of(nonblank()), option::of(vec(event_name().prop_map(EventType::new), 1..4))).prop_map(
            |(u, name, events)| {
                let mut body = hookbridge_bitnob::CreateWebhook::new(u);
                body.name = name;
                body.event_types = events;
                ProviderSpec::Bitnob(body)
            }
        ),
        (http_url(), vec(event_name(), 0..4))
            .prop_map(|(u, e)| ProviderSpec::AbbeyCross(hookbridge_abbeycross::RegisterWebhook::new(u, e))),
        (
            nonblank(),
            http_url(),
            any::<bool>(),
            proptest::sample::subsequence(ChipEvent::ALL.to_vec(), 0..5),
            option::of(nonblank())
        )
            .prop_filter("CHIP needs events or all_events", |(_, _, all, events, _)| *all || !events.is_empty())
            .prop_map(|(title, url, all, events, key)| {
                let mut body = WebhookRequest::new(title, url).events(events).all_events(all);
                body.public_key = key;
                ProviderSpec::Chip(body)
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// A valid create request → unified spec → the provider crate's create conversion gives the
    /// same request back.
    #[test]
    fn create_requests_round_trip(request in any_request()) {
        request.validate(false).unwrap();
        let spec = request.to_unified().unwrap();
        let back = ProviderSpec::from_unified(request.provider(), &spec).unwrap();
        prop_assert_eq!(&back, &request);
        prop_assert_eq!(back.to_json(), request.to_json());
    }

    /// Event names, documented or not, survive every dialect.
    #[test]
    fn event_types_round_trip(name in prop_oneof![event_name(), "[A-Z_]{1,16}", text()], p in proptest::sample::select(crate::converted_ids().collect::<Vec<_>>())) {
        let event = EventType::new(name);
        let typed = ProviderEvent::from_unified(p, &event).unwrap();
        prop_assert_eq!(typed.provider(), p);
        prop_assert_eq!(typed.to_unified(), event.clone());
        prop_assert_eq!(EventType::from(&typed), event);
    }

    /// Bitnob delivery events → unified records → delivery events.
    #[test]
    fn delivery_events_round_trip(
        id in "[A-Za-z0-9_-]{1,20}",
        object in option::of(text()),
        webhook in option::of("[A-Za-z0-9_-]{1,20}"),
        kind in option::of(event_name()),
        status in option::of(prop_oneof![Just("pending".to_owned()), Just("delivered".to_owned()), Just("failed".to_owned()), Just("success".to_owned()), Just("retrying".to_owned()), "[a-z]{0,8}"]),
        attempts in option::of(any::<u32>()),
        max in option::of(any::<u32>()),
        code in option::of(prop_oneof![Just(0u16), 100u16..600]),
        error in option::of(text()),
        created in option::of(ts_nanos()),
    ) {
        let mut wire = Map::new();
        wire.insert("id".into(), id.into());
        let mut put = |k: &str, v: Option<Value>| { if let Some(v) = v { wire.insert(k.into(), v); } };
        put("object", object.map(Value::from));
        put("webhook_id", webhook.map(Value::from));
        put("type", kind.map(Value::from));
        put("delivery_status", status.map(Value::from));
        put("delivery_attempts", attempts.map(Value::from));
        put("max_attempts", max.map(Value::from));
        put("http_status_code", code.map(Value::from));
        put("error_message", error.map(Value::from));
        put("created_at", created.map(|t| Value::from(t.to_string())));
        let event: DeliveryEvent = serde_json::from_value(Value::Object(wire)).unwrap();
        let record = DeliveryRecord::from(&event);
        prop_assert_eq!(DeliveryEvent::try_from(&record).unwrap(), event);
    }
}

#[test]
fn documented_events_are_recognised() {
    for e in MiexEvent::ALL {
        assert!(
            ProviderEvent::from_unified(hookbridge_miex::PROVIDER, &EventType::new(e.as_str()))
                .unwrap()
                .is_documented()
        );
    }
    for e in ChipEvent::ALL {
        assert!(ProviderEvent::from(e).is_documented());
    }
    let bitnob =
        ProviderEvent::from_unified(hookbridge_bitnob::PROVIDER, &EventType::new("transaction.confirmed")).unwrap();
    assert!(bitnob.is_documented());
    assert!(
        !ProviderEvent::from_unified(hookbridge_abbeycross::PROVIDER, &EventType::new("x.y")).unwrap().is_documented()
    );
    assert!(!ProviderEvent::from(WebHookType::Unknown("TRANSACTION_UPDATE".into())).is_documented());
}
