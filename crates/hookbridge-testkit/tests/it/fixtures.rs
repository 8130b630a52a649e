//! The embedded fixtures.

use hookbridge_testkit::fixtures;

#[test]
fn every_fixture_is_json_and_named_by_provider() {
    assert!(fixtures::FIXTURES.len() >= 5);
    for name in fixtures::names() {
        assert!(fixtures::fixture_json(name).is_some(), "{name} is not valid JSON");
        assert!(name.ends_with(".json"));
    }
    for provider in ["miex", "blaze", "bitnob", "abbeycross", "chip"] {
        assert!(fixtures::provider_names(provider).count() > 0, "{provider}");
    }
    assert_eq!(fixtures::fixture("no/such.json"), None);
    assert_eq!(fixtures::fixture_json("no/such.json"), None);
    let mut sorted: Vec<&str> = fixtures::names().collect();
    sorted.sort_unstable();
    assert_eq!(sorted, fixtures::names().collect::<Vec<_>>());
}

#[test]
fn chip_purchase_fixture() {
    let purchase = fixtures::chip_purchase_paid();
    assert_eq!(purchase["type"], "purchase");
    assert_eq!(purchase["status"], "paid");
    assert_eq!(purchase, fixtures::fixture_json("chip/purchase_paid.json").unwrap());
}
