//! The embedded fixtures.

use hookbridge_testkit::fixtures;

#[test]
fn every_fixture_is_json_and_named_by_provider() {
    assert!(fixtures::FIXTURES.len() >= 5);
    for name in fixtures::names() {
        assert!(fixtures::fixture_json(name).is_some(), "{name} is not valid JSON");
        assert!(name.ends_with(".json"));
    }
    for provider in ["miex", "blaze", "bitnob", "abbeycross", "chip", "stripe"] {
        // Every JSON file of the provider's data directory, and nothing else.
        let dir = format!("{}/data/{provider}", env!("CARGO_MANIFEST_DIR"));
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|f| f.ends_with(".json"))
            .map(|f| format!("{provider}/{f}"))
            .collect();
        on_disk.sort_unstable();
        assert!(!on_disk.is_empty(), "{provider}");
        assert_eq!(fixtures::provider_names(provider).collect::<Vec<_>>(), on_disk);
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

#[test]
fn every_signed_sample_is_embedded_and_loads() {
    let dir = format!("{}/data/verify", env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|f| f.strip_suffix(".json").map(str::to_owned))
        .filter(|f| f != "secrets")
        .collect();
    on_disk.sort_unstable();
    assert_eq!(fixtures::SignedSample::names().collect::<Vec<_>>(), on_disk);
    for name in fixtures::SignedSample::names() {
        let sample = fixtures::SignedSample::load(name).unwrap();
        assert_eq!(sample.body, std::fs::read(format!("{dir}/{name}.body")).unwrap(), "{name}");
        assert!(!sample.headers.is_empty(), "{name}");
        // HMAC samples name their secret, RSA samples their public key.
        assert!(sample.secret_text().is_some() != sample.public_key_pem().is_some(), "{name}");
    }
    assert!(fixtures::SignedSample::load("no-such-sample").is_none());
}
