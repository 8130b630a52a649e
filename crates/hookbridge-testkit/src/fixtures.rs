//! The provider fixtures (this crate's `data/<provider>/*.json`), embedded.
//!
//! Realistic provider JSON (requests, responses, list pages, error bodies, delivery
//! payloads) that the provider crates' tests use, available to users' tests without file
//! access. Names are paths relative to `data/`, e.g. `"chip/purchase_paid.json"`.
//!
//! ```
//! use hookbridge_testkit::fixtures;
//!
//! let purchase = fixtures::chip_purchase_paid();
//! assert_eq!(purchase["type"], "purchase");
//! assert!(fixtures::fixture("miex/register_response.json").is_some());
//! assert!(fixtures::names().all(|n| fixtures::fixture_json(n).is_some()));
//! ```

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;

/// `(name, description, body)` of the signed sample `name` in `data/verify/`.
macro_rules! sample {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../data/verify/", $name, ".json")),
            include_bytes!(concat!("../data/verify/", $name, ".body")),
        )
    };
}

/// Every embedded fixture: `(name relative to `data/`, content)`, sorted by name.
pub const FIXTURES: &[(&str, &str)] = &[
    ("abbeycross/error_400.json", include_str!("../data/abbeycross/error_400.json")),
    ("abbeycross/error_401.json", include_str!("../data/abbeycross/error_401.json")),
    ("abbeycross/error_404.json", include_str!("../data/abbeycross/error_404.json")),
    ("abbeycross/error_500.json", include_str!("../data/abbeycross/error_500.json")),
    ("abbeycross/error_503.json", include_str!("../data/abbeycross/error_503.json")),
    ("abbeycross/error_schema_example.json", include_str!("../data/abbeycross/error_schema_example.json")),
    ("abbeycross/register_request.json", include_str!("../data/abbeycross/register_request.json")),
    ("abbeycross/register_response.json", include_str!("../data/abbeycross/register_response.json")),
    ("abbeycross/register_response_drift.json", include_str!("../data/abbeycross/register_response_drift.json")),
    (
        "abbeycross/register_response_schema_example.json",
        include_str!("../data/abbeycross/register_response_schema_example.json"),
    ),
    ("bitnob/delivery_event.json", include_str!("../data/bitnob/delivery_event.json")),
    ("bitnob/delivery_events_page_1.json", include_str!("../data/bitnob/delivery_events_page_1.json")),
    ("bitnob/delivery_events_page_2.json", include_str!("../data/bitnob/delivery_events_page_2.json")),
    ("bitnob/error_409_idempotency.json", include_str!("../data/bitnob/error_409_idempotency.json")),
    ("bitnob/event_types.json", include_str!("../data/bitnob/event_types.json")),
    ("bitnob/retry_event.json", include_str!("../data/bitnob/retry_event.json")),
    ("bitnob/rotate_secret.json", include_str!("../data/bitnob/rotate_secret.json")),
    ("bitnob/webhook.json", include_str!("../data/bitnob/webhook.json")),
    ("bitnob/webhook_created.json", include_str!("../data/bitnob/webhook_created.json")),
    ("bitnob/webhook_created_all_events.json", include_str!("../data/bitnob/webhook_created_all_events.json")),
    ("bitnob/webhook_legacy.json", include_str!("../data/bitnob/webhook_legacy.json")),
    ("bitnob/webhook_unknown_status.json", include_str!("../data/bitnob/webhook_unknown_status.json")),
    ("bitnob/webhook_updated.json", include_str!("../data/bitnob/webhook_updated.json")),
    ("bitnob/webhooks_page_1.json", include_str!("../data/bitnob/webhooks_page_1.json")),
    ("bitnob/webhooks_page_2.json", include_str!("../data/bitnob/webhooks_page_2.json")),
    ("bitnob/webhooks_page_3.json", include_str!("../data/bitnob/webhooks_page_3.json")),
    ("blaze/create_request.json", include_str!("../data/blaze/create_request.json")),
    ("blaze/error_400.json", include_str!("../data/blaze/error_400.json")),
    ("blaze/error_401.json", include_str!("../data/blaze/error_401.json")),
    ("blaze/error_403.json", include_str!("../data/blaze/error_403.json")),
    ("blaze/error_404.json", include_str!("../data/blaze/error_404.json")),
    ("blaze/error_500.json", include_str!("../data/blaze/error_500.json")),
    ("blaze/list_docs_envelope.json", include_str!("../data/blaze/list_docs_envelope.json")),
    ("blaze/list_docs_page_1.json", include_str!("../data/blaze/list_docs_page_1.json")),
    ("blaze/list_docs_page_2.json", include_str!("../data/blaze/list_docs_page_2.json")),
    ("blaze/list_docs_page_3.json", include_str!("../data/blaze/list_docs_page_3.json")),
    ("blaze/list_ignores_start.json", include_str!("../data/blaze/list_ignores_start.json")),
    ("blaze/list_ignores_start_total.json", include_str!("../data/blaze/list_ignores_start_total.json")),
    ("blaze/list_page_1.json", include_str!("../data/blaze/list_page_1.json")),
    ("blaze/list_page_2.json", include_str!("../data/blaze/list_page_2.json")),
    ("blaze/list_page_3.json", include_str!("../data/blaze/list_page_3.json")),
    ("blaze/list_values_envelope.json", include_str!("../data/blaze/list_values_envelope.json")),
    ("blaze/webhook.json", include_str!("../data/blaze/webhook.json")),
    ("blaze/webhook_empty_urls.json", include_str!("../data/blaze/webhook_empty_urls.json")),
    ("blaze/webhook_minimal.json", include_str!("../data/blaze/webhook_minimal.json")),
    ("blaze/webhook_no_id.json", include_str!("../data/blaze/webhook_no_id.json")),
    ("blaze/webhook_unknown_type.json", include_str!("../data/blaze/webhook_unknown_type.json")),
    ("chip/error_400_all.json", include_str!("../data/chip/error_400_all.json")),
    ("chip/error_400_fields.json", include_str!("../data/chip/error_400_fields.json")),
    ("chip/error_401.json", include_str!("../data/chip/error_401.json")),
    ("chip/error_404.json", include_str!("../data/chip/error_404.json")),
    ("chip/payment_refunded.json", include_str!("../data/chip/payment_refunded.json")),
    ("chip/payout_success.json", include_str!("../data/chip/payout_success.json")),
    ("chip/public_key.json", include_str!("../data/chip/public_key.json")),
    ("chip/purchase_paid.json", include_str!("../data/chip/purchase_paid.json")),
    ("chip/purchase_payment_failure.json", include_str!("../data/chip/purchase_payment_failure.json")),
    (
        "chip/purchase_subscription_charge_failure.json",
        include_str!("../data/chip/purchase_subscription_charge_failure.json"),
    ),
    ("chip/webhook.json", include_str!("../data/chip/webhook.json")),
    ("chip/webhook_all_events.json", include_str!("../data/chip/webhook_all_events.json")),
    ("chip/webhook_create_request.json", include_str!("../data/chip/webhook_create_request.json")),
    ("chip/webhook_create_response.json", include_str!("../data/chip/webhook_create_response.json")),
    ("chip/webhook_unknown_events.json", include_str!("../data/chip/webhook_unknown_events.json")),
    ("chip/webhooks_list_docs.json", include_str!("../data/chip/webhooks_list_docs.json")),
    ("chip/webhooks_page1.json", include_str!("../data/chip/webhooks_page1.json")),
    ("chip/webhooks_page2.json", include_str!("../data/chip/webhooks_page2.json")),
    ("chip/webhooks_page3.json", include_str!("../data/chip/webhooks_page3.json")),
    ("miex/error_422.json", include_str!("../data/miex/error_422.json")),
    ("miex/register_request.json", include_str!("../data/miex/register_request.json")),
    ("miex/register_response.json", include_str!("../data/miex/register_response.json")),
    ("miex/register_response_all_events.json", include_str!("../data/miex/register_response_all_events.json")),
    ("miex/register_response_drift.json", include_str!("../data/miex/register_response_drift.json")),
    ("miex/register_response_minimal.json", include_str!("../data/miex/register_response_minimal.json")),
    ("stripe/error_400.json", include_str!("../data/stripe/error_400.json")),
    ("stripe/error_400_idempotency.json", include_str!("../data/stripe/error_400_idempotency.json")),
    ("stripe/error_401.json", include_str!("../data/stripe/error_401.json")),
    ("stripe/error_402.json", include_str!("../data/stripe/error_402.json")),
    ("stripe/error_403.json", include_str!("../data/stripe/error_403.json")),
    ("stripe/error_404.json", include_str!("../data/stripe/error_404.json")),
    ("stripe/error_409.json", include_str!("../data/stripe/error_409.json")),
    ("stripe/error_424.json", include_str!("../data/stripe/error_424.json")),
    ("stripe/error_429.json", include_str!("../data/stripe/error_429.json")),
    ("stripe/error_500.json", include_str!("../data/stripe/error_500.json")),
    ("stripe/error_503.json", include_str!("../data/stripe/error_503.json")),
    ("stripe/error_unknown_type.json", include_str!("../data/stripe/error_unknown_type.json")),
    ("stripe/event_customer_updated.json", include_str!("../data/stripe/event_customer_updated.json")),
    ("stripe/event_payment_intent_succeeded.json", include_str!("../data/stripe/event_payment_intent_succeeded.json")),
    ("stripe/event_unknown_type.json", include_str!("../data/stripe/event_unknown_type.json")),
    ("stripe/webhook_endpoint.json", include_str!("../data/stripe/webhook_endpoint.json")),
    ("stripe/webhook_endpoint_created.json", include_str!("../data/stripe/webhook_endpoint_created.json")),
    ("stripe/webhook_endpoint_deleted.json", include_str!("../data/stripe/webhook_endpoint_deleted.json")),
    ("stripe/webhook_endpoint_unknown_enums.json", include_str!("../data/stripe/webhook_endpoint_unknown_enums.json")),
    ("stripe/webhook_endpoint_updated.json", include_str!("../data/stripe/webhook_endpoint_updated.json")),
    ("stripe/webhook_endpoints_list_docs.json", include_str!("../data/stripe/webhook_endpoints_list_docs.json")),
    ("stripe/webhook_endpoints_page_1.json", include_str!("../data/stripe/webhook_endpoints_page_1.json")),
    ("stripe/webhook_endpoints_page_2.json", include_str!("../data/stripe/webhook_endpoints_page_2.json")),
    ("stripe/webhook_endpoints_page_3.json", include_str!("../data/stripe/webhook_endpoints_page_3.json")),
];

/// The raw text of a fixture, e.g. `fixture("bitnob/webhook.json")`.
#[must_use]
pub fn fixture(name: &str) -> Option<&'static str> {
    FIXTURES.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

/// A fixture parsed as JSON; `None` if there is no such fixture (every embedded fixture is
/// valid JSON — a test checks it).
#[must_use]
pub fn fixture_json(name: &str) -> Option<Value> {
    fixture(name).and_then(|text| serde_json::from_str(text).ok())
}

/// The names of all embedded fixtures.
pub fn names() -> impl Iterator<Item = &'static str> {
    FIXTURES.iter().map(|(n, _)| *n)
}

/// The names of one provider's fixtures (`"miex"`, `"blaze"`, `"bitnob"`, `"abbeycross"`, `"chip"`,
/// `"stripe"`).
pub fn provider_names(provider: &str) -> impl Iterator<Item = &'static str> + '_ {
    names().filter(move |n| n.split_once('/').is_some_and(|(p, _)| p == provider))
}

/// CHIP Collect's realistic paid Purchase delivery (`chip/purchase_paid.json`, with its
/// `event_type`): the default body of [`ChipSim::deliver`](crate::ChipSim::deliver).
#[must_use]
pub fn chip_purchase_paid() -> Value {
    serde_json::from_str(CHIP_PURCHASE_PAID).unwrap_or(Value::Null)
}

const CHIP_PURCHASE_PAID: &str = include_str!("../data/chip/purchase_paid.json");

/// One of the signed sample deliveries of `data/verify/`, embedded: one per provider and scheme,
/// signed with the `openssl` command line (not with hookbridge: see that directory's README), so
/// a receiver that verifies them agrees with an independent implementation.
///
/// ```
/// use hookbridge_testkit::fixtures::SignedSample;
///
/// let sample = SignedSample::load("miex-order-created").expect("an embedded sample");
/// assert_eq!(sample.meta["scheme"], "miex");
/// assert!(sample.headers.contains_key("x-webhook-signature"));
/// assert!(sample.secret_text().is_some() && sample.public_key_pem().is_none());
/// assert!(SignedSample::names().all(|name| SignedSample::load(name).is_some()));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SignedSample {
    /// The sample's name: `miex-order-created`, `chip-purchase-paid`, ...
    pub name: &'static str,
    /// Its description (`scheme`, `custom_scheme`, `secret`, `public_key`, `verify_at`,
    /// `headers`, ...), as in its `.json` file.
    pub meta: Value,
    /// The body, byte for byte as signed.
    pub body: &'static [u8],
    /// The headers, exactly as sent.
    pub headers: HeaderMap,
    /// The time (unix seconds) the signature verifies at.
    pub verify_at: i64,
}

impl SignedSample {
    /// The sample `name`; `None` when there is no such sample.
    #[must_use]
    pub fn load(name: &str) -> Option<Self> {
        let (name, meta, body) = SIGNED_SAMPLES.iter().find(|(n, _, _)| *n == name)?;
        let meta: Value = serde_json::from_str(meta).ok()?;
        let mut headers = HeaderMap::new();
        for (header, value) in meta["headers"].as_object()? {
            let value = HeaderValue::from_str(value.as_str()?).ok()?;
            headers.append(HeaderName::from_bytes(header.as_bytes()).ok()?, value);
        }
        let verify_at = meta["verify_at"].as_i64()?;
        Some(Self { name, meta, body, headers, verify_at })
    }

    /// The names of every sample, sorted.
    pub fn names() -> impl Iterator<Item = &'static str> {
        SIGNED_SAMPLES.iter().map(|(name, _, _)| *name)
    }

    /// The text of the HMAC secret it is signed with (its `secret.name` in `secrets.json`; read
    /// it as `secret.form` says: the text's bytes, or Standard Webhooks' `whsec_` base64).
    /// `None` for RSA samples.
    #[must_use]
    pub fn secret_text(&self) -> Option<&'static str> {
        SAMPLE_SECRETS.get(self.meta["secret"]["name"].as_str()?)?.as_str()
    }

    /// The PEM of the RSA public key that verifies it. `None` for HMAC samples.
    #[must_use]
    pub fn public_key_pem(&self) -> Option<&'static str> {
        let path = self.meta["public_key"].as_str()?;
        SAMPLE_KEYS.iter().find(|(p, _)| *p == path).map(|(_, pem)| *pem)
    }
}

/// `(name, description, body)` of every signed sample, sorted by name.
const SIGNED_SAMPLES: &[(&str, &str, &[u8])] = &[
    sample!("abbeycross-custom"),
    sample!("bitnob-legacy-deposit"),
    sample!("bitnob-transfer-success"),
    sample!("chip-purchase-paid"),
    sample!("chip-send-instruction-completed"),
    sample!("github-reference"),
    sample!("miex-order-created"),
    sample!("standard-webhooks-reference"),
    sample!("stripe-payment-intent-succeeded"),
];

/// `data/verify/secrets.json`: the samples' HMAC secrets by name.
static SAMPLE_SECRETS: LazyLock<Value> =
    LazyLock::new(|| serde_json::from_str(include_str!("../data/verify/secrets.json")).unwrap_or(Value::Null));

/// The public keys the RSA samples name (`public_key`, relative to `data/`).
const SAMPLE_KEYS: &[(&str, &str)] = &[
    ("keys/rsa2048-public-spki.pem", include_str!("../data/keys/rsa2048-public-spki.pem")),
    ("keys/rsa4096-public-pkcs1.pem", include_str!("../data/keys/rsa4096-public-pkcs1.pem")),
];
