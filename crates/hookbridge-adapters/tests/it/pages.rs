//! Provider pages → unified pages (the provider crates' envelopes, and pages of provider objects
//! through the registry), Bitnob delivery events → delivery records.

use hookbridge_adapters::ProviderEndpoint;
use hookbridge_adapters::page::{endpoint_page, provider_page};
use hookbridge_bitnob::delivery_log::{DeliveryRecord, DeliveryState, records_page};
use hookbridge_bitnob::unified::endpoint_page as bitnob_page;
use hookbridge_bitnob::{CursorPage, DeliveryEvent, WebhookEndpoint};
use hookbridge_blaze::SearchResult;
use hookbridge_blaze::unified::endpoint_page as blaze_page;
use hookbridge_chip::WebhookPage;
use hookbridge_chip::unified::endpoint_page as chip_page;
use hookbridge_core::{EndpointStatus, Page, PageRequest};

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../hookbridge-testkit/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn blaze_pages_both_envelopes() {
    let page: SearchResult = serde_json::from_str(&fixture("blaze/list_page_1.json")).unwrap();
    let n = page.items().len() as u64;
    let total = page.total;
    let unified = blaze_page(page, 0, n).unwrap();
    assert!(unified.items.iter().all(|e| e.provider == hookbridge_blaze::PROVIDER));
    assert_eq!(unified.next, Page::<()>::next_offset(0, n as usize, n, total));
    let docs: SearchResult = serde_json::from_str(&fixture("blaze/list_docs_envelope.json")).unwrap();
    let count = docs.items().len();
    assert_eq!(blaze_page(docs, 0, 100).unwrap().items.len(), count);
    // A webhook without an id cannot become an endpoint.
    let bad: SearchResult =
        serde_json::from_value(serde_json::json!({"values": [{"shopId": "s"}], "total": 1})).unwrap();
    assert!(blaze_page(bad, 0, 100).is_err());
}

#[test]
fn bitnob_and_chip_pages() {
    let page: CursorPage<WebhookEndpoint> = serde_json::from_str(&fixture("bitnob/webhooks_page_1.json")).unwrap();
    let cursor = page.next_page_cursor().map(str::to_owned);
    let unified = bitnob_page(page.clone());
    assert_eq!(unified.next, cursor.map(PageRequest::After));
    assert_eq!(unified.items.len(), page.data.len());
    let last: CursorPage<WebhookEndpoint> = serde_json::from_str(&fixture("bitnob/webhooks_page_3.json")).unwrap();
    assert_eq!(bitnob_page(last).next, None);

    let chip: WebhookPage = serde_json::from_value(serde_json::json!({
        "results": [serde_json::from_str::<serde_json::Value>(&fixture("chip/webhook.json")).unwrap()],
        "next": "https://gate.chip-in.asia/api/v1/webhooks/?page=2",
        "previous": null
    }))
    .unwrap();
    let unified = chip_page(chip).unwrap();
    assert_eq!(unified.items[0].status, EndpointStatus::Unknown);
    assert_eq!(
        unified.next,
        Some(PageRequest::Url("https://gate.chip-in.asia/api/v1/webhooks/?page=2".parse().unwrap()))
    );
    let broken: WebhookPage = serde_json::from_value(serde_json::json!({"results": [], "next": "not a url"})).unwrap();
    assert!(chip_page(broken).is_err());
}

#[test]
fn generic_pages_round_trip() {
    let webhooks: Vec<WebhookEndpoint> =
        serde_json::from_str::<CursorPage<WebhookEndpoint>>(&fixture("bitnob/webhooks_page_1.json")).unwrap().data;
    let items = webhooks
        .iter()
        .map(|w| ProviderEndpoint::from_typed(hookbridge_bitnob::PROVIDER, w).unwrap())
        .collect::<Vec<_>>();
    let page = Page::new(items, Some(PageRequest::After("c".into())));
    let unified = endpoint_page(page).unwrap();
    assert!(unified.items.iter().all(|e| e.provider == hookbridge_bitnob::PROVIDER));
    let back = provider_page(&unified).unwrap();
    assert_eq!(back.next, Some(PageRequest::After("c".into())));
    assert_eq!(back.items.len(), webhooks.len());
    for (orig, b) in webhooks.into_iter().zip(back.items) {
        assert_eq!(b.to_json(), serde_json::to_value(&orig).unwrap());
        assert_eq!(b.typed::<WebhookEndpoint>().unwrap(), orig);
    }
}

#[test]
fn bitnob_delivery_events_as_records() {
    let event: DeliveryEvent = serde_json::from_str(&fixture("bitnob/delivery_event.json")).unwrap();
    let record = DeliveryRecord::from(&event);
    assert_eq!(record.state, DeliveryState::Failed);
    assert_eq!(record.http_status, Some(0));
    assert_eq!(record.response_status(), None);
    assert_eq!(record.endpoint_id.as_ref().unwrap().as_str(), "3f0c7a52-6d1e-4c8e-9b7a-2f4e1d9c0a11");
    assert_eq!(DeliveryEvent::try_from(&record).unwrap(), event);

    let page: CursorPage<DeliveryEvent> = serde_json::from_str(&fixture("bitnob/delivery_events_page_1.json")).unwrap();
    let unified = records_page(page.clone());
    assert_eq!(unified.items.len(), page.data.len());
    for (r, e) in unified.items.iter().zip(&page.data) {
        assert_eq!(&DeliveryEvent::try_from(r).unwrap(), e);
    }
    // Every status spelling survives.
    for status in ["pending", "delivered", "failed", "success", "retrying", "bounced"] {
        let e: DeliveryEvent =
            serde_json::from_value(serde_json::json!({"id": "e", "delivery_status": status})).unwrap();
        let r = DeliveryRecord::from(&e);
        assert_eq!(DeliveryEvent::try_from(&r).unwrap(), e, "{status}");
    }
    let mut other = record.clone();
    other.provider = hookbridge_chip::PROVIDER;
    assert!(DeliveryEvent::try_from(&other).is_err());
}
