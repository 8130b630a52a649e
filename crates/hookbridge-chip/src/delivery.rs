//! Receiving CHIP deliveries: verify `X-Signature` over the raw body, then parse it, in one call.
//!
//! CHIP (docs.chip-in.asia, webhook signatures) signs every delivery with RSA: `X-Signature` is
//! the base64 RSA PKCS#1 v1.5 signature of the SHA-256 digest of the **raw body** (CHIP Send,
//! a sibling product, uses SHA-512 — [`ChipParser::with_hash`]). There is no timestamp and no
//! delivery id; CHIP retries failed deliveries for 36 h 26 min (attempt *n* waits
//! `3^(n-1) - 1` minutes) and says duplicates happen.
//!
//! Which key signs what:
//!
//! * **webhook deliveries** — that webhook's own `public_key`
//!   ([`ChipWebhook::public_key`](crate::ChipWebhook::public_key)): [`webhook_keys`]
//!   builds a ring keyed by webhook id for [`ChipSpec`];
//! * **Purchase `success_callback` deliveries** — the company key from `GET /public_key/`:
//!   [`ChipKeySource`] fetches it once, caches it, and refetches on rotation (rate-limited).
//!
//! Both are CHIP's contribution to the receiver pipeline ([`hookbridge_verify::receive`]):
//! [`ChipSpec`] for a fixed ring, [`ChipKeySource`] for the fetched company key; [`ChipReceiver`]
//! is the pipeline over [`ChipSpec`], and `Pipeline::new(key_source)` the one over the key source.
//!
//! The body is the related object (a [`Purchase`](crate::Purchase) for `purchase.*`, a
//! [`Payment`](crate::Payment) for `payment.*`, other objects as JSON) plus a top-level
//! `event_type`, which is required. CHIP signs no id or timestamp: the replay key is derived
//! from the signed body ([`VerifiedChipDelivery::replay_key`]). Unknown event names decode as [`ChipEvent::Unknown`](crate::ChipEvent::Unknown).

mod key_source;
mod receiver;

pub use key_source::{
    COMPANY_KEY_ID, ChipKeySource, ChipKeySourceStats, DEFAULT_KEY_TTL, DEFAULT_MIN_REFETCH_INTERVAL, KeyFetchError,
};
pub use receiver::{CHIP_RETENTION, ChipParser, ChipReceiver, ChipSpec, VerifiedChipDelivery, webhook_keys};
