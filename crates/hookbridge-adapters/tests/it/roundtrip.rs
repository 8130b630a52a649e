//! Property tests: provider → unified → provider is lossless for all six dialects (objects,
//! create requests, event types, delivery events) through the registry's dialects, including
//! unknown enum values, absent and present optional fields, and timestamps at each format's
//! precision; and the wire JSON survives decode → unified → encode.

use hookbridge_abbeycross::{RegisterWebhookResponse, RegisteredWebhook};
use hookbridge_adapters::catalogue::{EventCatalogue, Membership};
use hookbridge_adapters::time::{TimestampFormat, format_of};
use hookbridge_adapters::{ProviderEndpoint, ProviderSpec};
use hookbridge_bitnob::delivery_log::DeliveryRecord;
use hookbridge_bitnob::{DeliveryEvent, WebhookEndpoint, WebhookId, WebhookStatus};
use hookbridge_blaze::{CreateWebHook, PartnerWebHook, WebHookType};
use hookbridge_chip::{ChipEvent, ChipWebhook, WebhookRequest};
use hookbridge_core::{Endpoint, EventType, ProviderId, Secret, Timestamp};
use hookbridge_miex::{MiexEvent, MiexWebhook};
use hookbridge_stripe::{CreateWebhookEndpoint, WebhookEndpointStatus};
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
            extra: other.into(),
        })
}

fn stripe_event() -> impl Strategy<Value = hookbridge_stripe::EventType> {
    prop_oneof![
        proptest::sample::select(hookbridge_stripe::EventType::ALL.to_vec()),
        event_name().prop_map(|s| hookbridge_stripe::EventType::from(s.as_str())),
    ]
}

fn stripe_metadata() -> impl Strategy<Value = std::collections::BTreeMap<String, String>> {
    btree_map("[a-z][a-z0-9_]{0,12}", text(), 0..3)
}

fn stripe_webhook() -> impl Strategy<Value = hookbridge_stripe::WebhookEndpoint> {
    (
        (
            "we_[A-Za-z0-9]{8,24}",
            option::of(Just("webhook_endpoint".to_owned())),
            option::of("20[0-9]{2}-[0-9]{2}-[0-9]{2}"),
        ),
        (option::of("ca_[A-Za-z0-9]{8}"), ts_seconds(), option::of(text())),
        (
            prop_oneof![Just(vec![hookbridge_stripe::EventType::All]), vec(stripe_event(), 0..4)],
            any::<bool>(),
            stripe_metadata(),
        ),
        (
            option::of("whsec_[A-Za-z0-9]{16}"),
            prop_oneof![Just("enabled".to_owned()), Just("disabled".to_owned()), "[a-z]{1,10}"],
            url_string(),
            extra(),
        ),
    )
        .prop_map(
            |(
                (id, object, version),
                (application, created, description),
                (events, livemode, metadata),
                (secret, status, url, extra),
            )| {
                let json = serde_json::json!({
                    "id": id, "object": object.unwrap_or_else(|| "webhook_endpoint".to_owned()),
                    "api_version": version, "application": application, "created": created.as_second(),
                    "description": description, "enabled_events": events, "livemode": livemode,
                    "metadata": metadata, "status": WebhookEndpointStatus::from(status.as_str()), "url": url,
                });
                let mut json = json.as_object().unwrap().clone();
                json.extend(extra);
                let mut w: hookbridge_stripe::WebhookEndpoint = serde_json::from_value(Value::Object(json)).unwrap();
                w.secret = secret.map(Secret::new);
                w
            },
        )
}

/// A webhook object of one provider, typed by its own crate.
#[derive(Clone, Debug)]
enum Typed {
    Miex(MiexWebhook),
    Blaze(PartnerWebHook),
    Bitnob(WebhookEndpoint),
    AbbeyCross(RegisteredWebhook),
    Chip(ChipWebhook),
    Stripe(hookbridge_stripe::WebhookEndpoint),
}

impl Typed {
    fn provider(&self) -> ProviderId {
        match self {
            Typed::Miex(_) => hookbridge_miex::PROVIDER,
            Typed::Blaze(_) => hookbridge_blaze::PROVIDER,
            Typed::Bitnob(_) => hookbridge_bitnob::PROVIDER,
            Typed::AbbeyCross(_) => hookbridge_abbeycross::PROVIDER,
            Typed::Chip(_) => hookbridge_chip::PROVIDER,
            Typed::Stripe(_) => hookbridge_stripe::PROVIDER,
        }
    }

    /// The provider's JSON, as its crate writes it (never with the secret).
    fn json(&self) -> Value {
        match self {
            Typed::Miex(w) => serde_json::to_value(w),
            Typed::Blaze(w) => serde_json::to_value(w),
            Typed::Bitnob(w) => serde_json::to_value(w),
            Typed::AbbeyCross(w) => serde_json::to_value(w),
            Typed::Chip(w) => serde_json::to_value(w),
            Typed::Stripe(w) => serde_json::to_value(w),
        }
        .unwrap()
    }

    fn secret(&self) -> Option<Secret> {
        match self {
            Typed::Miex(w) => w.secret_key.clone(),
            Typed::AbbeyCross(w) => w.api_secret_key.clone(),
            Typed::Stripe(w) => w.secret.clone(),
            _ => None,
        }
    }

    /// The unified endpoint through the provider crate's own conversion.
    fn to_unified(&self) -> Endpoint {
        match self {
            Typed::Miex(w) => Endpoint::from(w.clone()),
            Typed::Blaze(w) => hookbridge_core::Endpoint::try_from(w).unwrap(),
            Typed::Bitnob(w) => Endpoint::from(w),
            Typed::AbbeyCross(w) => Endpoint::from(w.clone()),
            Typed::Chip(w) => Endpoint::from(w),
            Typed::Stripe(w) => Endpoint::from(w),
        }
    }

    /// The same object as the adapters hold it: its JSON, plus its secret.
    fn provider_endpoint(&self) -> Result<ProviderEndpoint, TestCaseError> {
        let fail = |e: hookbridge_core::InvalidInput| TestCaseError::fail(e.to_string());
        let p = ProviderEndpoint::new(self.provider(), self.json()).map_err(fail)?;
        match self.secret() {
            Some(secret) => p.with_secret(secret).map_err(fail),
            None => Ok(p),
        }
    }

    /// Typed equality where the provider type has it.
    fn assert_same_typed(&self, back: &ProviderEndpoint) -> Result<(), TestCaseError> {
        match self {
            Typed::Blaze(a) => prop_assert_eq!(&back.typed::<PartnerWebHook>().unwrap(), a),
            Typed::Bitnob(a) => prop_assert_eq!(&back.typed::<WebhookEndpoint>().unwrap(), a),
            Typed::Chip(a) => prop_assert_eq!(&back.typed::<ChipWebhook>().unwrap(), a),
            _ => {}
        }
        Ok(())
    }
}

fn any_endpoint() -> impl Strategy<Value = Typed> {
    prop_oneof![
        miex_webhook().prop_map(Typed::Miex),
        blaze_webhook().prop_map(Typed::Blaze),
        bitnob_webhook().prop_map(Typed::Bitnob),
        abbeycross_webhook().prop_map(Typed::AbbeyCross),
        chip_webhook().prop_map(Typed::Chip),
        stripe_webhook().prop_map(Typed::Stripe),
    ]
}

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

fn exposed(secret: Option<&Secret>) -> Option<String> {
    secret.map(|s| s.expose().to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// Typed → unified (the provider crate's conversion) → provider object (through the
    /// registry's dialect) gives back the same object and secret.
    #[test]
    fn endpoints_round_trip(original in any_endpoint()) {
        let unified = original.to_unified();
        prop_assert_eq!(unified.provider, original.provider());
        let back = ProviderEndpoint::from_unified(&unified).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back.provider(), original.provider());
        prop_assert_eq!(back.json(), &original.json());
        prop_assert_eq!(exposed(back.secret()), exposed(original.secret().as_ref()));
        original.assert_same_typed(&back)?;
    }

    /// Wire JSON (+ secret) → unified → wire JSON (+ secret) is the identity (timestamps at each
    /// format's precision: RFC 3339 ns for MIEX/Bitnob, epoch ms for BLAZE, epoch s for CHIP).
    #[test]
    fn wire_json_round_trips(original in any_endpoint()) {
        let json = original.json();
        let decoded = original.provider_endpoint()?;
        prop_assert_eq!(decoded.json(), &json);
        let unified = decoded.to_unified().unwrap();
        prop_assert_eq!(exposed(unified.secret.as_ref()), exposed(original.secret().as_ref()));
        let back = ProviderEndpoint::from_unified(&unified).unwrap();
        prop_assert_eq!(back.to_json(), json);
        prop_assert_eq!(exposed(back.secret()), exposed(original.secret().as_ref()));
        original.assert_same_typed(&back)?;
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
    assert!(ProviderEndpoint::from_typed(hookbridge_blaze::PROVIDER, &PartnerWebHook::default()).is_err());
}

#[test]
fn secrets_stay_out_of_the_json_and_only_go_where_objects_carry_them() {
    // A MIEX register response as stored, secret included: the secret moves out of the JSON.
    let response = serde_json::json!({
        "id": "550e8400-e29b-41d4-a716-446655440000", "url": "https://example.com/hooks",
        "events": ["order.created"], "secretKey": "miex-secret-0123"
    });
    let p = ProviderEndpoint::new(hookbridge_miex::PROVIDER, response).unwrap();
    assert_eq!(exposed(p.secret()).as_deref(), Some("miex-secret-0123"));
    assert!(p.json().get("secretKey").is_none());
    assert!(!format!("{p:?}").contains("miex-secret-0123"));
    assert_eq!(p.to_unified().unwrap().has_secret, Some(true));
    // A Bitnob create response: its one-time signing secret is kept next to the object.
    let created = serde_json::json!({
        "id": "wh_1", "url": "https://example.com/b", "has_signing_secret": true, "signing_secret": "bitnob-once"
    });
    let p = ProviderEndpoint::new(hookbridge_bitnob::PROVIDER, created).unwrap();
    assert_eq!(exposed(p.secret()).as_deref(), Some("bitnob-once"));
    assert!(p.json().get("signing_secret").is_none());
    assert_eq!(exposed(p.to_unified().unwrap().secret.as_ref()).as_deref(), Some("bitnob-once"));
    // BLAZE and CHIP webhooks have no secret to hold.
    let chip: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../hookbridge-testkit/data/chip/webhook.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let p = ProviderEndpoint::new(hookbridge_chip::PROVIDER, chip).unwrap();
    assert!(p.with_secret(Secret::new("x")).is_err());
    // JSON that is not the provider's object, and providers this build does not know.
    assert!(ProviderEndpoint::new(hookbridge_chip::PROVIDER, serde_json::json!({"id": 7})).is_err());
    let unknown = ProviderId::new("unregistered");
    assert!(ProviderEndpoint::new(unknown, serde_json::json!({})).is_err());
    assert!(ProviderSpec::new(unknown, serde_json::json!({})).is_err());
}

#[test]
fn timestamp_formats_per_provider() {
    assert_eq!(format_of(hookbridge_blaze::PROVIDER), Some(TimestampFormat::EpochMillis));
    assert_eq!(format_of(hookbridge_chip::PROVIDER), Some(TimestampFormat::EpochSeconds));
    assert_eq!(format_of(hookbridge_miex::PROVIDER), Some(TimestampFormat::Rfc3339));
    assert_eq!(format_of(hookbridge_bitnob::PROVIDER), Some(TimestampFormat::Rfc3339));
    assert_eq!(format_of(hookbridge_stripe::PROVIDER), Some(TimestampFormat::EpochSeconds));
    assert_eq!(format_of(hookbridge_abbeycross::PROVIDER), None);
    assert_eq!(format_of(ProviderId::new("unregistered")), None);
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

/// A create request of one provider, typed by its own crate.
#[derive(Clone, Debug)]
enum Request {
    Miex(hookbridge_miex::RegisterWebhook),
    Blaze(CreateWebHook),
    Bitnob(hookbridge_bitnob::CreateWebhook),
    AbbeyCross(hookbridge_abbeycross::RegisterWebhook),
    Chip(WebhookRequest),
    Stripe(CreateWebhookEndpoint),
}

impl Request {
    fn spec(&self) -> ProviderSpec {
        match self {
            Request::Miex(r) => ProviderSpec::from_typed(hookbridge_miex::PROVIDER, r),
            Request::Blaze(r) => ProviderSpec::from_typed(hookbridge_blaze::PROVIDER, r),
            Request::Bitnob(r) => ProviderSpec::from_typed(hookbridge_bitnob::PROVIDER, r),
            Request::AbbeyCross(r) => ProviderSpec::from_typed(hookbridge_abbeycross::PROVIDER, r),
            Request::Chip(r) => ProviderSpec::from_typed(hookbridge_chip::PROVIDER, r),
            Request::Stripe(r) => ProviderSpec::from_typed(hookbridge_stripe::PROVIDER, r),
        }
        .unwrap()
    }

    fn assert_same_typed(&self, back: &ProviderSpec) -> Result<(), TestCaseError> {
        match self {
            Request::Miex(r) => prop_assert_eq!(&back.typed::<hookbridge_miex::RegisterWebhook>().unwrap(), r),
            Request::Blaze(r) => prop_assert_eq!(&back.typed::<CreateWebHook>().unwrap(), r),
            Request::Bitnob(r) => prop_assert_eq!(&back.typed::<hookbridge_bitnob::CreateWebhook>().unwrap(), r),
            Request::AbbeyCross(r) => {
                prop_assert_eq!(&back.typed::<hookbridge_abbeycross::RegisterWebhook>().unwrap(), r)
            }
            Request::Chip(r) => prop_assert_eq!(&back.typed::<WebhookRequest>().unwrap(), r),
            Request::Stripe(r) => prop_assert_eq!(&back.typed::<CreateWebhookEndpoint>().unwrap(), r),
        }
        Ok(())
    }
}

fn any_request() -> impl Strategy<Value = Request> {
    prop_oneof![
        (http_url(), vec(proptest::sample::select(MiexEvent::ALL.to_vec()), 1..4))
            .prop_map(|(u, e)| Request::Miex(hookbridge_miex::RegisterWebhook::new(u, e))),
        (vec(http_url(), 1..3), option::of(nonblank()), option::of(http_url())).prop_map(|(urls, shop, url)| {
            let mut body = CreateWebHook::new(urls);
            body.shop_id = shop;
            body.url = url.map(Into::into);
            Request::Blaze(body)
        }),
        (https_url(), option::of(nonblank()), option::of(vec(event_name().prop_map(EventType::new), 1..4))).prop_map(
            |(u, name, events)| {
                let mut body = hookbridge_bitnob::CreateWebhook::new(u);
                body.name = name;
                body.event_types = events;
                Request::Bitnob(body)
            }
        ),
        (http_url(), vec(event_name(), 0..4))
            .prop_map(|(u, e)| Request::AbbeyCross(hookbridge_abbeycross::RegisterWebhook::new(u, e))),
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
                Request::Chip(body)
            }),
        (
            http_url(),
            prop_oneof![Just(vec![hookbridge_stripe::EventType::All]), vec(stripe_event(), 1..4)],
            (option::of(text()), option::of("20[0-9]{2}-[0-9]{2}-[0-9]{2}"), option::of(any::<bool>())),
            stripe_metadata(),
        )
            .prop_map(|(u, events, (description, version, connect), metadata)| {
                let mut body = CreateWebhookEndpoint::new(u.into(), events);
                body.description = description;
                body.api_version = version.map(|v| hookbridge_stripe::ApiVersion::new(v).unwrap());
                body.connect = connect;
                body.metadata = metadata;
                Request::Stripe(body)
            }),
    ]
}

fn documented(p: ProviderId) -> Vec<&'static str> {
    hookbridge_adapters::registry::get(p).unwrap().events().documented
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// A valid create request → unified spec → the provider crate's create conversion (through
    /// the registry's dialect) gives the same request back.
    #[test]
    fn create_requests_round_trip(typed in any_request()) {
        let request = typed.spec();
        request.validate(false).unwrap();
        let spec = request.to_unified().unwrap();
        let back = ProviderSpec::from_unified(request.provider(), &spec).unwrap();
        prop_assert_eq!(&back, &request);
        prop_assert_eq!(back.to_json(), request.to_json());
        typed.assert_same_typed(&back)?;
    }

    /// Event names, documented or not, survive every typed event vocabulary, and a name is
    /// documented by a provider's enum exactly when its descriptor lists it (and so the catalogue
    /// knows it).
    #[test]
    fn event_types_round_trip(name in prop_oneof![event_name(), "[A-Z_]{1,16}", text()], p in proptest::sample::select(hookbridge_adapters::registry::ids().collect::<Vec<_>>())) {
        let event = EventType::new(name.clone());
        let (spelled, documented_by_enum) = match p {
            hookbridge_miex::PROVIDER => {
                let e = name.parse::<MiexEvent>().unwrap();
                (e.as_str().to_owned(), e.is_documented())
            }
            hookbridge_blaze::PROVIDER => {
                let e = WebHookType::from(&event);
                (e.as_str().to_owned(), e.is_documented())
            }
            hookbridge_chip::PROVIDER => {
                let e = ChipEvent::from(name.as_str());
                (e.as_str().to_owned(), e.is_documented())
            }
            // Open vocabularies: the name itself.
            _ => (event.as_str().to_owned(), documented(p).contains(&name.as_str())),
        };
        prop_assert_eq!(spelled.as_str(), name.as_str());
        prop_assert_eq!(documented_by_enum, documented(p).contains(&name.as_str()));
        let catalogue = EventCatalogue::documented();
        prop_assert_eq!(catalogue.is_known(p, &name), documented_by_enum);
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
    let catalogue = EventCatalogue::documented();
    let miex: Vec<&str> = MiexEvent::ALL.iter().map(MiexEvent::as_str).collect();
    assert_eq!(documented(hookbridge_miex::PROVIDER), miex);
    let chip: Vec<&str> = ChipEvent::ALL.iter().map(ChipEvent::as_str).collect();
    assert_eq!(documented(hookbridge_chip::PROVIDER), chip);
    let blaze: Vec<&str> = WebHookType::DOCUMENTED.iter().map(WebHookType::as_str).collect();
    assert_eq!(documented(hookbridge_blaze::PROVIDER), blaze);
    assert_eq!(documented(hookbridge_bitnob::PROVIDER), [hookbridge_bitnob::descriptor::DOCUMENTED_EVENT_EXAMPLE]);
    assert!(catalogue.is_known(hookbridge_bitnob::PROVIDER, "transaction.confirmed"));
    assert!(documented(hookbridge_abbeycross::PROVIDER).is_empty());
    assert_eq!(catalogue.membership(hookbridge_abbeycross::PROVIDER, "x.y"), Membership::Unverifiable);
    assert!(!WebHookType::Unknown("TRANSACTION_UPDATE".into()).is_documented());
    assert!(!catalogue.is_known(hookbridge_blaze::PROVIDER, "TRANSACTION_UPDATE"));
}
