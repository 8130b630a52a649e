//! The timestamp wire formats and the one unified [`Timestamp`](hookbridge_core::Timestamp).
//!
//! Each provider's dialect names the format of the timestamps in its webhook objects
//! ([`Dialect::timestamp_format`](hookbridge_core::descriptor::Dialect::timestamp_format));
//! [`format_of`] looks it up in the [registry](crate::registry). For the six providers:
//!
//! | provider | fields | format |
//! |---|---|---|
//! | MIEX | `createdAt`, `updatedAt` | [`TimestampFormat::Rfc3339`] |
//! | BLAZE | `created`, `modified` | [`TimestampFormat::EpochMillis`] |
//! | Bitnob | `created_at`, `updated_at`, `last_triggered_at` | [`TimestampFormat::Rfc3339`] |
//! | AbbeyCross | — (none reported) | — |
//! | CHIP | `created_on`, `updated_on` | [`TimestampFormat::EpochSeconds`] |
//! | Stripe | `created` | [`TimestampFormat::EpochSeconds`] |
//!
//! Decoding is exact; encoding is exact when [`TimestampFormat::fits`] (a value that came from
//! that format always fits). Carrying a timestamp from a finer format to a coarser one (MIEX →
//! CHIP) truncates: [`TimestampFormat::truncate`] says to what.
//!
//! ```
//! use hookbridge_adapters::time::{TimestampFormat, format_of};
//! use hookbridge_core::ProviderId;
//!
//! let blaze = format_of(ProviderId::new("blaze")).expect("BLAZE reports timestamps");
//! assert_eq!(blaze, TimestampFormat::EpochMillis);
//! let t = blaze.decode(&serde_json::json!(1_700_000_000_123_i64))?;
//! assert!(blaze.fits(t) && !TimestampFormat::EpochSeconds.fits(t));
//! assert_eq!(TimestampFormat::EpochSeconds.truncate(t).as_second(), 1_700_000_000);
//! # Ok::<(), hookbridge_core::InvalidInput>(())
//! ```

use hookbridge_core::ProviderId;
pub use hookbridge_core::descriptor::TimestampFormat;

/// The format a registered provider's webhook objects use (`None`: it reports no timestamps, is
/// not registered, or has no dialect).
pub fn format_of(provider: ProviderId) -> Option<TimestampFormat> {
    crate::registry::get(provider)?.dialect()?.timestamp_format()
}
