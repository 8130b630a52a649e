//! The three timestamp wire formats and the one unified [`Timestamp`].
//!
//! | provider | fields | format |
//! |---|---|---|
//! | MIEX | `createdAt`, `updatedAt` | [`TimestampFormat::Rfc3339`] |
//! | BLAZE | `created`, `modified` | [`TimestampFormat::EpochMillis`] |
//! | Bitnob | `created_at`, `updated_at`, `last_triggered_at` | [`TimestampFormat::Rfc3339`] |
//! | AbbeyCross | — (none reported) | — |
//! | CHIP | `created_on`, `updated_on` | [`TimestampFormat::EpochSeconds`] |
//!
//! Decoding is exact; encoding is exact when [`TimestampFormat::fits`] (a value that came from
//! that format always fits). Carrying a timestamp from a finer format to a coarser one (MIEX →
//! CHIP) truncates: [`TimestampFormat::truncate`] says to what.
//!
//! ```
//! use hookbridge_adapters::time::TimestampFormat;
//! use hookbridge_core::Timestamp;
//!
//! let ms = TimestampFormat::EpochMillis;
//! let t = ms.decode(&serde_json::json!(1_700_000_000_123_i64))?;
//! assert_eq!(ms.encode(t), serde_json::json!(1_700_000_000_123_i64));
//! assert!(ms.fits(t) && !TimestampFormat::EpochSeconds.fits(t));
//! assert_eq!(TimestampFormat::EpochSeconds.truncate(t).as_second(), 1_700_000_000);
//! # Ok::<(), hookbridge_core::InvalidInput>(())
//! ```

use hookbridge_core::{InvalidInput, ProviderId, Timestamp};
use serde_json::Value;

/// A timestamp wire format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampFormat {
    /// An RFC 3339 string (nanosecond precision).
    Rfc3339,
    /// Integer milliseconds since the Unix epoch.
    EpochMillis,
    /// Integer seconds since the Unix epoch.
    EpochSeconds,
}

impl TimestampFormat {
    /// The format a provider's webhook objects use (`None`: AbbeyCross reports no timestamps).
    pub fn of(provider: ProviderId) -> Option<Self> {
        match provider {
            hookbridge_miex::PROVIDER | hookbridge_bitnob::PROVIDER => Some(TimestampFormat::Rfc3339),
            hookbridge_blaze::PROVIDER => Some(TimestampFormat::EpochMillis),
            hookbridge_chip::PROVIDER => Some(TimestampFormat::EpochSeconds),
            _ => None,
        }
    }

    /// Whether `ts` is carried exactly (no sub-unit digits).
    pub fn fits(self, ts: Timestamp) -> bool {
        self.truncate(ts) == ts
    }

    /// `ts` cut to the format's precision (towards the past).
    pub fn truncate(self, ts: Timestamp) -> Timestamp {
        let unit: i128 = match self {
            TimestampFormat::Rfc3339 => return ts,
            TimestampFormat::EpochMillis => 1_000_000,
            TimestampFormat::EpochSeconds => 1_000_000_000,
        };
        let ns = ts.as_nanosecond();
        Timestamp::from_nanosecond(ns - ns.rem_euclid(unit)).unwrap_or(ts)
    }

    /// The wire value (truncated when the format is coarser than `ts`).
    pub fn encode(self, ts: Timestamp) -> Value {
        match self {
            TimestampFormat::Rfc3339 => Value::String(ts.to_string()),
            TimestampFormat::EpochMillis => Value::from(self.truncate(ts).as_millisecond()),
            TimestampFormat::EpochSeconds => Value::from(self.truncate(ts).as_second()),
        }
    }

    /// Reads a wire value.
    pub fn decode(self, value: &Value) -> Result<Timestamp, InvalidInput> {
        let bad = |why: String| InvalidInput::new("timestamp", why);
        match (self, value) {
            (TimestampFormat::Rfc3339, Value::String(s)) => {
                s.parse().map_err(|e| bad(format!("{s:?} is not an RFC 3339 timestamp: {e}")))
            }
            (TimestampFormat::EpochMillis, Value::Number(n)) => n
                .as_i64()
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .ok_or_else(|| bad(format!("{n} is not epoch milliseconds in range"))),
            (TimestampFormat::EpochSeconds, Value::Number(n)) => n
                .as_i64()
                .and_then(|s| Timestamp::from_second(s).ok())
                .ok_or_else(|| bad(format!("{n} is not epoch seconds in range"))),
            (format, other) => Err(bad(format!("{other} is not a {format:?} timestamp"))),
        }
    }
}
