//! A schema per test, a receiver pipeline to receive with, helpers.

use std::time::Duration;

use bytes::Bytes;
use hookbridge_inbox::{Described, Inbox};
use hookbridge_verify::receive::{Incoming, Parsed, Pipeline, ReceiveError, ReceiverSpec, ReplayKey};
use hookbridge_verify::sign::HmacSigner;
use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, Verified};
use http::HeaderMap;
use sqlx::Connection as _;

pub(crate) const SECRET: &str = "inbox test secret";

/// How long a test waits for the workers (a hang guard, not a timing assertion).
pub(crate) const WAIT: Duration = Duration::from_secs(60);

/// A fresh, empty schema (dropped when the value is dropped, best effort) and a URL whose
/// connections use it.
pub(crate) struct TestDb {
    pub(crate) base: String,
    pub(crate) schema: String,
}

impl TestDb {
    /// `None` (skipped, with a notice) when no test database is configured outside CI.
    pub(crate) async fn new(test: &str) -> Option<Self> {
        let base = hookbridge_testkit::services::database_url(test)?;
        let label = format!("hb_inbox_{}", test.chars().take(20).collect::<String>());
        let schema = hookbridge_testkit::services::unique(&label).replace('-', "_");
        let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
        sqlx::raw_sql(&format!("CREATE SCHEMA \"{schema}\"")).execute(&mut conn).await.unwrap();
        Some(Self { base, schema })
    }

    /// The database URL with this schema as the search path.
    pub(crate) fn url(&self) -> String {
        with_schema(&self.base, &self.schema)
    }

    pub(crate) async fn inbox(&self) -> Inbox {
        Inbox::builder(&self.url()).timeout(Duration::from_secs(10)).connect().await.unwrap()
    }
}

pub(crate) fn with_schema(base: &str, schema: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema}")
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (base, schema) = (self.base.clone(), self.schema.clone());
        // Best effort, on a thread of its own: the test's runtime may be shutting down.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&base).await {
                    let _ = sqlx::raw_sql(&format!("DROP SCHEMA \"{schema}\" CASCADE")).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// GitHub-style signing; the delivery is the body, identity a digest of the signed body.
#[derive(Debug)]
pub(crate) struct TestSpec(HmacVerifier);

impl ReceiverSpec for TestSpec {
    type Delivery = Bytes;

    fn provider(&self) -> &'static str {
        "github"
    }

    async fn authenticate(&self, request: &Incoming, now: i64) -> Result<Verified, ReceiveError> {
        Ok(self.0.verify_at(&request.body, &request.headers, now)?)
    }

    fn parse(&self, verified: Verified, request: &Incoming) -> Result<Parsed<Bytes>, ReceiveError> {
        let key = ReplayKey::from_verified("github", &verified, &request.body)?;
        Ok(Parsed::new(request.body.clone(), key))
    }
}

pub(crate) fn pipeline() -> Pipeline<TestSpec> {
    let secret = HmacSecret::from_str_bytes(SECRET).unwrap();
    Pipeline::new(TestSpec(HmacVerifier::with_secret(HmacScheme::github(), secret)))
}

/// A signed request for `body`.
pub(crate) fn signed(body: &[u8]) -> Incoming {
    let secret = HmacSecret::from_str_bytes(SECRET).unwrap();
    let mut headers: HeaderMap = HmacSigner::new(HmacScheme::github(), secret).sign(body, 0, Some("guid")).unwrap();
    headers.insert("content-type", http::HeaderValue::from_static("application/json"));
    Incoming::post("/hooks/github".parse().unwrap(), headers, Bytes::copy_from_slice(body))
}

pub(crate) fn describe(body: &Bytes) -> Described {
    let event = serde_like_event(body);
    Described::new(event, None)
}

/// The `"event"` of a `{"event":"…",…}` test body, without a JSON parser.
fn serde_like_event(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let rest = text.split("\"event\":\"").nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}
