//! Delivery emitters' shared parts: the report type and the HTTP poster.

use std::fmt;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::header::{CONTENT_TYPE, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue};

use crate::error::{Error, Result};

/// Default timeout of one delivery attempt (connect + response). Short, because receivers
/// in tests live on loopback.
pub const DEFAULT_DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// `User-Agent` of the simulators' deliveries.
pub const DELIVERY_USER_AGENT: &str = concat!("hookbridge-testkit/", env!("CARGO_PKG_VERSION"));

/// What happened to one delivery attempt to one callback URL.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryReport {
    /// Id of the webhook registration the delivery went to (for AbbeyCross, which returns no
    /// id, the simulator's own registration id).
    pub webhook_id: String,
    /// The callback URL posted to.
    pub url: String,
    /// The event type delivered.
    pub event_type: String,
    /// The provider's delivery id, where it has one: MIEX's `X-Webhook-Delivery` job id,
    /// Bitnob's delivery-event id, the simulator's delivery id for BLAZE and AbbeyCross;
    /// `None` for CHIP (no delivery id).
    pub delivery_id: Option<String>,
    /// Every header sent (names in lower case), including the signature headers.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes sent (and signed).
    pub body: Bytes,
    /// The receiver's HTTP status, or `None` when no response arrived (connection refused,
    /// timeout, ...).
    pub status: Option<u16>,
    /// Why the attempt produced no response, when it did not.
    pub error: Option<String>,
}

impl DeliveryReport {
    /// Whether the receiver answered with a 2xx status.
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// The first value of a sent header (name matched case-insensitively).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The sent headers as an [`http::HeaderMap`](axum::http::HeaderMap), e.g. to feed a
    /// `hookbridge-verify` verifier.
    #[must_use]
    pub fn header_map(&self) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) =
                (axum::http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value))
            {
                map.append(name, value);
            }
        }
        map
    }
}

impl fmt::Debug for DeliveryReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryReport")
            .field("webhook_id", &self.webhook_id)
            .field("url", &self.url)
            .field("event_type", &self.event_type)
            .field("delivery_id", &self.delivery_id)
            .field("status", &self.status)
            .field("error", &self.error)
            .field("headers", &self.headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

/// One HTTP client per simulator, posting JSON deliveries.
#[derive(Clone, Debug)]
pub(crate) struct Poster {
    client: reqwest::Client,
}

impl Poster {
    pub(crate) fn new(timeout: Duration) -> Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // Loopback receivers must not be sent through an environment proxy.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(DELIVERY_USER_AGENT)
            .build()
            .map_err(Error::HttpClient)?;
        Ok(Self { client })
    }

    /// POSTs `body` with `headers` (plus `Content-Type: application/json`) and reports the
    /// outcome; never fails.
    pub(crate) async fn post(
        &self,
        webhook_id: &str,
        url: &str,
        event_type: &str,
        delivery_id: Option<String>,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> DeliveryReport {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, HeaderValue::from_static(DELIVERY_USER_AGENT));
        let sent: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let (status, error) = match self.client.post(url).headers(headers).body(body.clone()).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                // Drain the body so the connection can be reused; its content is irrelevant.
                let _ = response.bytes().await;
                (Some(status), None)
            }
            Err(e) => (None, Some(describe(&e))),
        };
        DeliveryReport {
            webhook_id: webhook_id.to_owned(),
            url: url.to_owned(),
            event_type: event_type.to_owned(),
            delivery_id,
            headers: sent,
            body,
            status,
            error,
        }
    }
}

fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_builder() {
        "invalid callback URL"
    } else {
        "request failed"
    };
    let mut text = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
