//! Decoding Stripe's objects: exact wire names, open enums, required vs nullable attributes,
//! malformed and truncated bodies.

use hookbridge_core::JsonErrorCategory;
use hookbridge_stripe::{EventType, List, WebhookEndpoint, WebhookEndpointStatus};

use crate::common::{decode, fixture, fixture_json};

#[test]
fn endpoints_round_trip_losslessly_except_the_secret() {
    for name in ["webhook_endpoint.json", "webhook_endpoint_updated.json", "webhook_endpoint_unknown_enums.json"] {
        let endpoint: WebhookEndpoint = decode(name);
        assert_eq!(serde_json::to_value(&endpoint).unwrap(), fixture_json(name), "{name}");
    }
    let created: WebhookEndpoint = decode("webhook_endpoint_created.json");
    let mut expected = fixture_json("webhook_endpoint_created.json");
    expected.as_object_mut().unwrap().remove("secret");
    assert_eq!(serde_json::to_value(&created).unwrap(), expected, "the secret is never serialized back out");
    for page in ["webhook_endpoints_page_1.json", "webhook_endpoints_page_2.json", "webhook_endpoints_page_3.json"] {
        let list: List<WebhookEndpoint> = decode(page);
        assert_eq!(serde_json::to_value(&list).unwrap(), fixture_json(page), "{page}");
    }
}

#[test]
fn unknown_status_event_types_and_attributes_are_kept() {
    let endpoint: WebhookEndpoint = decode("webhook_endpoint_unknown_enums.json");
    assert_eq!(endpoint.status, WebhookEndpointStatus::Unknown("paused".into()));
    assert!(!endpoint.status.is_documented());
    assert_eq!(
        endpoint.enabled_events,
        [EventType::InvoicePaid, EventType::Unknown("billing.future_event.created".into())]
    );
    assert_eq!(endpoint.extra["event_destination"], "ed_61QbT4nLkdIwHu7ix");
    assert_eq!(endpoint.api_version.as_ref().map(|v| v.as_str()), Some("2025-12-15.clover"));
}

#[test]
fn the_documented_statuses_are_exactly_enabled_and_disabled() {
    assert_eq!(WebhookEndpointStatus::ALL, [WebhookEndpointStatus::Enabled, WebhookEndpointStatus::Disabled]);
    assert_eq!(WebhookEndpointStatus::from("enabled"), WebhookEndpointStatus::Enabled);
    assert_eq!(WebhookEndpointStatus::from("disabled").as_str(), "disabled");
    assert_eq!(
        WebhookEndpointStatus::from("Enabled"),
        WebhookEndpointStatus::Unknown("Enabled".into()),
        "case matters"
    );
}

#[test]
fn missing_required_attributes_are_errors_and_nullable_ones_are_not() {
    for required in ["id", "object", "created", "enabled_events", "livemode", "metadata", "status", "url"] {
        let mut value = fixture_json("webhook_endpoint.json");
        value.as_object_mut().unwrap().remove(required);
        let err = serde_json::from_value::<WebhookEndpoint>(value).unwrap_err();
        assert!(err.to_string().contains(&format!("missing field `{required}`")), "{required}: {err}");
    }
    // `api_version`, `application` and `description` are nullable, and present as `null`.
    let endpoint: WebhookEndpoint = decode("webhook_endpoint.json");
    assert_eq!((endpoint.api_version, endpoint.application, endpoint.description), (None, None, None));
}

#[test]
fn malformed_and_truncated_bodies_are_decode_errors() {
    let body = fixture("webhook_endpoint_created.json");
    for cut in [1, body.len() / 3, body.len() - 2] {
        let err = serde_json::from_str::<WebhookEndpoint>(&body[..cut]).unwrap_err();
        let json = hookbridge_core::JsonError::from(err);
        assert_eq!(json.category, JsonErrorCategory::Eof, "cut at {cut}");
        assert!(!json.message.contains("whsec_"), "{}", json.message);
    }
    for (bad, category) in [
        ("<html>502</html>", JsonErrorCategory::Syntax),
        ("{\"id\": }", JsonErrorCategory::Syntax),
        ("[]", JsonErrorCategory::Data),
        ("null", JsonErrorCategory::Data),
    ] {
        let err = serde_json::from_str::<WebhookEndpoint>(bad).unwrap_err();
        assert_eq!(hookbridge_core::JsonError::from(err).category, category, "{bad}");
    }
    let mut wrong = fixture_json("webhook_endpoint_created.json");
    wrong["livemode"] = "no".into();
    let err = serde_json::from_value::<WebhookEndpoint>(wrong).unwrap_err();
    // The message core keeps never quotes a body value.
    let kept = hookbridge_core::JsonError::from(err).message;
    assert!(!kept.contains("\"no\""), "{kept}");
}

#[test]
fn a_list_envelope_needs_its_attributes() {
    let mut page = fixture_json("webhook_endpoints_page_1.json");
    page.as_object_mut().unwrap().remove("has_more");
    assert!(serde_json::from_value::<List<WebhookEndpoint>>(page).is_err());
    let mut page = fixture_json("webhook_endpoints_page_1.json");
    page["data"][0]["status"] = 7.into();
    assert!(serde_json::from_value::<List<WebhookEndpoint>>(page).is_err(), "a status must be a string");
}
