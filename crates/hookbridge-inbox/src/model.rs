//! The inbox's data: [`State`], [`Described`], [`DeliveryRecord`], [`StoredDelivery`], and the
//! faithful encoding of headers.

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use jiff::Timestamp;

use crate::error::InboxError;

/// Where a delivery is in its life cycle (column `state`).
///
/// ```text
/// pending ──claim──► processing ──handler Ok──► done
///    ▲                  │  │
///    │                  │  └──handler Err──► failed ──(due)──► processing …
///    │                  │                      └── attempts exhausted ──► dead
///    └── release (shutdown) / lease expired: reclaimed
/// dead / failed / done ──`inbox retry`──► pending
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum State {
    /// Stored, never attempted (or released before its first attempt finished).
    Pending,
    /// Claimed by a worker whose lease has not expired.
    Processing,
    /// Handled: the handler returned `Ok`.
    Done,
    /// The last attempt failed; due again at `next_attempt_at`.
    Failed,
    /// Every attempt failed; only `retry` brings it back.
    Dead,
}

impl State {
    /// Every state, in life-cycle order.
    pub const ALL: [State; 5] = [State::Pending, State::Processing, State::Done, State::Failed, State::Dead];

    /// The name stored in the database and shown by the CLI.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Dead => "dead",
        }
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for State {
    type Err = InboxError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|state| state.as_str() == s).ok_or_else(|| InboxError::InvalidInput {
            detail: "unknown state (expected pending, processing, done, failed or dead)".to_owned(),
        })
    }
}

/// The unified fields stored beside the raw delivery, for listing and filtering: the event type
/// and the subject. Build it from the unified [`hookbridge_core::Delivery`] with `From`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Described {
    /// The event type, where the delivery states one.
    pub event_type: Option<String>,
    /// What the delivery is about: kind and id.
    pub subject: Option<(String, String)>,
}

impl Described {
    /// The fields, from parts.
    #[must_use]
    pub fn new(event_type: Option<String>, subject: Option<(String, String)>) -> Self {
        Self { event_type, subject }
    }
}

impl From<&hookbridge_core::Delivery> for Described {
    fn from(delivery: &hookbridge_core::Delivery) -> Self {
        Self {
            event_type: delivery.event_type.as_ref().map(|e| e.as_str().to_owned()),
            subject: delivery.subject.as_ref().map(|s| (s.kind.clone(), s.id.clone())),
        }
    }
}

/// One inbox row without its body and headers: what `list` returns.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// The row's id.
    pub id: i64,
    /// The provider (`miex`, `stripe`, ...).
    pub provider: String,
    /// The pipeline's replay key (unique per provider).
    pub replay_key: String,
    /// The event type.
    pub event_type: Option<String>,
    /// The subject: kind and id.
    pub subject: Option<(String, String)>,
    /// When the row was committed.
    pub received_at: Timestamp,
    /// Life-cycle state.
    pub state: State,
    /// Attempts started so far (a claim counts as an attempt, so a crashed worker's does too).
    pub attempts: u32,
    /// When the delivery is due: its next attempt, or while processing, its lease expiry.
    pub next_attempt_at: Timestamp,
    /// The claiming worker's lease token, while processing.
    pub lease_owner: Option<String>,
    /// When the lease expires, while processing.
    pub lease_expires_at: Option<Timestamp>,
    /// Why the last attempt failed (bounded; the handler's message).
    pub last_error: Option<String>,
    /// When it was handled (`done`).
    pub completed_at: Option<Timestamp>,
}

/// A stored delivery: its [`DeliveryRecord`] plus the raw body and headers exactly as received.
/// What a worker's [`Handler`](crate::Handler) gets.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredDelivery {
    /// The row's fields.
    pub record: DeliveryRecord,
    /// The request headers as received (repeated headers and non-UTF-8 values kept).
    pub headers: HeaderMap,
    /// The raw body, byte for byte.
    pub body: Bytes,
}

impl StoredDelivery {
    /// The row's id.
    #[must_use]
    pub fn id(&self) -> i64 {
        self.record.id
    }

    /// The provider.
    #[must_use]
    pub fn provider(&self) -> &str {
        &self.record.provider
    }

    /// The replay key: the delivery's identity, the natural idempotency key of a handler.
    #[must_use]
    pub fn replay_key(&self) -> &str {
        &self.record.replay_key
    }

    /// This attempt's number, from 1.
    #[must_use]
    pub fn attempt(&self) -> u32 {
        self.record.attempts
    }
}

impl fmt::Debug for StoredDelivery {
    /// The record, the header names and the body's length: never header values or the body
    /// (they may carry personal data; signatures are not secrets, but stay out of logs too).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredDelivery")
            .field("record", &self.record)
            .field("header_names", &self.headers.keys().map(HeaderName::as_str).collect::<Vec<_>>())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Headers as two parallel columns, in [`HeaderMap`] iteration order (every value of a name,
/// repeated names kept): names as text (always ASCII), values as bytes (non-UTF-8 kept).
pub(crate) fn encode_headers(headers: &HeaderMap) -> (Vec<String>, Vec<Vec<u8>>) {
    headers.iter().map(|(name, value)| (name.as_str().to_owned(), value.as_bytes().to_vec())).unzip()
}

/// The inverse of [`encode_headers`].
pub(crate) fn decode_headers(names: Vec<String>, values: Vec<Vec<u8>>) -> Result<HeaderMap, InboxError> {
    if names.len() != values.len() {
        return Err(InboxError::Corrupt { detail: "header names and values differ in number".to_owned() });
    }
    let mut headers = HeaderMap::with_capacity(names.len());
    for (name, value) in names.into_iter().zip(values) {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| InboxError::Corrupt { detail: "a stored header name is invalid".to_owned() })?;
        let value = HeaderValue::from_bytes(&value)
            .map_err(|_| InboxError::Corrupt { detail: "a stored header value is invalid".to_owned() })?;
        headers.append(name, value);
    }
    Ok(headers)
}

/// Unix milliseconds (as stored) to a timestamp.
pub(crate) fn timestamp(ms: i64) -> Result<Timestamp, InboxError> {
    Timestamp::from_millisecond(ms)
        .map_err(|_| InboxError::Corrupt { detail: "a stored time is out of range".to_owned() })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip_with_repeats_and_opaque_bytes() {
        let mut headers = HeaderMap::new();
        headers.append("x-sig", HeaderValue::from_static("v1,a"));
        headers.append("x-sig", HeaderValue::from_static("v1,b"));
        headers.append("x-raw", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        headers.append("content-type", HeaderValue::from_static("application/json"));
        let (names, values) = encode_headers(&headers);
        assert_eq!(names, ["x-sig", "x-sig", "x-raw", "content-type"]);
        let back = decode_headers(names, values).unwrap();
        assert_eq!(back, headers);
        assert_eq!(back.get_all("x-sig").iter().count(), 2);
        assert_eq!(back["x-raw"].as_bytes(), b"caf\xe9");
    }

    #[test]
    fn states_parse_and_print() {
        for state in State::ALL {
            assert_eq!(state.as_str().parse::<State>().unwrap(), state);
        }
        assert!("running".parse::<State>().is_err());
    }
}
