//! Receiver-side verification of webhook deliveries for hookbridge.
//!
//! Everything here works on the **raw request body bytes** (`&[u8]`, no UTF-8 requirement)
//! and an [`http::HeaderMap`] — verify before any JSON parsing, never re-serialised JSON.
//! No HTTP client or async runtime is involved.
//!
//! * [`HmacScheme`] — one declarative HMAC engine: header, value layout
//!   ([`SignatureFormat`]), encoding, signed bytes ([`SignedContent`]), SHA-256/512,
//!   timestamp tolerance. Presets for the published standards below; each provider crate
//!   describes its own scheme with the builder (`hookbridge_miex::delivery_scheme()`, ...).
//! * [`HmacVerifier`] / [`RsaVerifier`] / [`UrlTokenVerifier`] — a scheme plus a
//!   [`KeyRing`] of secrets, RSA public keys or URL tokens; all implement the object-safe
//!   [`Verifier`] trait and return [`Verified`] (which key matched, the signed timestamp,
//!   the delivery id).
//! * [`receive`] — the receiver pipeline every provider crate plugs into: one input type
//!   ([`receive::Incoming`]), one algorithm (bounded body → verify → parse → replay key from
//!   signed data → dedupe reservation → application → complete or release), one object-safe
//!   trait ([`receive::Receive`]), at-least-once dedupe stores ([`receive::DedupeStore`]),
//!   and tower / axum integrations.
//! * [`sign`] — test signers producing exactly the headers a provider sends.
//!
//! # Presets
//!
//! This crate knows no provider: it ships the published, provider-independent schemes, and each
//! provider crate builds its own from the same parts.
//!
//! | provider / scheme | constructor | header(s) | signed bytes | MAC / encoding | timestamp |
//! |---|---|---|---|---|---|
//! | MIEX, Bitnob, CHIP, … | the provider crate's `delivery_scheme()` | see the provider crate | | | |
//! | BLAZE | [`UrlTokenVerifier`] | — (BLAZE signs nothing) | — | secret token in the callback URL | none |
//! | Standard Webhooks / Svix | [`HmacScheme::standard_webhooks`] | `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64> ...` | `id.ts.body` | HMAC-SHA256, base64 | ±5 min |
//! | Stripe | [`HmacScheme::stripe`] | `Stripe-Signature: t=..,v1=..[,v1=..]` | `t.body` | HMAC-SHA256, hex | ±5 min |
//! | GitHub | [`HmacScheme::github`] | `X-Hub-Signature-256: sha256=<hex>` | body | HMAC-SHA256, hex | none |
//!
//! ```
//! use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, VerifyError};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // At startup: parse the secret and pre-key the MAC once.
//! let scheme = HmacScheme::hex_of_body(http::HeaderName::from_static("x-webhook-signature"), Some("sha256="));
//! let verifier = HmacVerifier::with_secret(scheme, HmacSecret::from_str_bytes("the secretKey")?);
//!
//! // Per delivery: raw body bytes + headers.
//! let body = br#"{"event":"order.created","data":{"id":42}}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert(
//!     "x-webhook-signature",
//!     "sha256=3db0e1e3b7c1e8a4bd2d1b1fbc33ed2bc8b41a3f6f1a3fe4bdfbe0c0d6c1a001".parse()?,
//! );
//! let status = match verifier.verify(body, &headers) {
//!     Ok(_verified) => 200, // process the delivery
//!     Err(VerifyError::NoMatch { .. }) => 401,
//!     Err(_other) => 400,
//! };
//! assert_eq!(status, 401); // this made-up signature does not match the secret
//! # Ok(())
//! # }
//! ```
//!
//! # AbbeyCross: build the scheme yourself
//!
//! AbbeyCross returns an `apiSecretKey` when a webhook is registered, but **does not
//! document how deliveries use it** — no header name, no signed bytes, no algorithm. This
//! crate therefore ships **no AbbeyCross preset**: guessing would either reject every real
//! delivery or, worse, teach users to trust a scheme nobody specified. Find out the scheme
//! (ask AbbeyCross, or inspect a real delivery) and describe it with
//! [`HmacScheme::builder`]. For example, if deliveries turned out to carry
//! `X-AbbeyCross-Signature: <base64 HMAC-SHA256 of timestamp.body>` and
//! `X-AbbeyCross-Timestamp` (hypothetical names — confirm them):
//!
//! ```
//! use std::time::Duration;
//! use hookbridge_verify::{
//!     HmacAlgorithm, HmacScheme, HmacSecret, HmacVerifier, KeyRing, SignatureEncoding, SignatureFormat, SignedContent,
//! };
//! use http::HeaderName;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let scheme = HmacScheme::builder(HeaderName::from_static("x-abbeycross-signature"))
//!     .format(SignatureFormat::Bare)
//!     .encoding(SignatureEncoding::Base64)
//!     .algorithm(HmacAlgorithm::Sha256)
//!     .signed_content(SignedContent::TimestampDotBody)
//!     .timestamp_header(HeaderName::from_static("x-abbeycross-timestamp"))
//!     .tolerance(Duration::from_secs(300))
//!     .build()?;
//! // `apiSecretKey` from `POST /v1/webhooks/register`, used as text:
//! let api_secret_key = HmacSecret::from_str_bytes("the apiSecretKey value")?;
//! let verifier = HmacVerifier::new(scheme, KeyRing::single("registered-2025-01", api_secret_key))?;
//! # let _ = verifier;
//! # Ok(())
//! # }
//! ```
//!
//! `crates/hookbridge-testkit/data/verify/abbeycross-custom.*` holds a delivery signed this way, to show the
//! mechanics; it is not evidence of AbbeyCross's real scheme.
//!
//! # Guarantees
//!
//! * **Fail closed.** Every `Ok` follows a successful MAC / RSA / token comparison.
//!   Verifiers refuse an empty key ring at construction ([`KeyError::EmptyKeyRing`]) and,
//!   defensively, at verification ([`VerifyError::NoKeys`]). There is no "no algorithm"
//!   mode.
//! * **Constant-time comparisons** ([`subtle`]) of MACs and URL tokens; every signature of a
//!   multi-signature header is tried against every key (rotation works on both sides).
//! * **Allocation-light hot path.** Keys are parsed and HMAC pads pre-computed once; per
//!   delivery, the MAC is fed the pieces (`id`, `.`, `timestamp`, `.`, `body`) without
//!   concatenation, signatures are decoded into stack buffers, and the only allocation is
//!   the [`Verified`] id string.
//! * **Bounded parsing.** Header values over [`MAX_HEADER_LEN`] bytes and headers with more
//!   than [`MAX_SIGNATURES`] signatures are rejected before any cryptography.
//! * **No secrets in output.** [`HmacSecret`] and [`UrlToken`] print as `<redacted>` and are
//!   zeroized on drop; errors carry header names, counts and lengths, never a secret, a
//!   computed signature or a header value.
//! * **Injectable clock.** `verify` reads the system clock; `verify_at(.., now)` takes unix
//!   seconds ([`unix_seconds`] converts a [`SystemTime`](std::time::SystemTime)).
//!
//! # Header policy
//!
//! * Each header used must appear **at most once** — a repeated signature, timestamp or id
//!   header is [`MalformedReason::Repeated`] (ambiguity is refused, not resolved).
//! * Values must be visible ASCII or space (`0x20..=0x7E`); tabs, control characters and
//!   non-ASCII bytes are [`MalformedReason::NotVisibleAscii`].
//! * Leading and trailing **spaces are trimmed** from the whole value (HTTP treats them as
//!   optional whitespace, and proxies add or remove them), and around Stripe's `,`-separated
//!   elements; Standard Webhooks entries are split on (runs of) spaces as the reference
//!   libraries do. A space *inside* one signature is not trimmed and fails decoding.
//! * Timestamps are unix seconds written as plain ASCII digits; signs, fractions and
//!   exponents are [`MalformedReason::InvalidTimestamp`]. The tolerance is two-sided:
//!   [`VerifyError::TimestampTooOld`] and [`VerifyError::TimestampInFuture`].
//! * The timestamp and id are signed as the exact header text received.
//!
//! # Cargo features
//!
//! * `rsa-signing` (off by default): `sign::RsaSigner`, signing with an RSA
//!   private key (read from PEM, or a throwaway 2048-bit pair made by `RsaSigner::generate`),
//!   for tests and simulators that emit CHIP-style deliveries. Verification never needs it.
//! * `aws-lc` (off by default): [`RsaVerifier`] verifies through `aws-lc-rs` (already built
//!   by reqwest's rustls) instead of the pure-Rust `rsa` crate — about 3× faster for
//!   RSA-2048 (see `docs/PERFORMANCE.md`). Same API, same errors, same accepted deliveries:
//!   keys are still parsed by the `rsa` crate, and a key aws-lc refuses (outside 2048–8192
//!   bits) keeps the `rsa` crate.
//! * `tower` (off by default): [`receive::tower`], a framework-neutral `Layer` / `Service`
//!   running the pipeline in front of any `http` service (implies `tokio`).
//! * `axum` (off by default, implies `tower`): [`receive::axum`], typed extractors, rejections
//!   with the pipeline's status table and a `/hooks/{provider}` router.
//! * `tokio` (off by default): a dropped, unresolved reservation ([`receive::Ticket`]) is
//!   released in the background on the running tokio runtime.
//! * `redis` (off by default): `receive::RedisDedupeStore`, dedupe shared by a fleet through
//!   Redis (`redis` crate, async connection manager; implies `tokio`).
//! * `postgres` (off by default): `receive::PostgresDedupeStore`, dedupe shared by a fleet
//!   through PostgreSQL (`sqlx`, no macros); it creates its table itself (implies `tokio`).
//! * `rustls` (off by default): TLS for the two stores above — `rediss://` URLs and Postgres
//!   `sslmode=require` / `verify-full` — with rustls on aws-lc-rs.
//!
//! [`receive::connect_store`] opens any store from a URL and reports a scheme whose feature
//! is off as [`receive::StoreError::FeatureDisabled`]. Without these features this crate
//! depends on neither axum, tower, tokio, redis nor sqlx.

#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod delivery;
mod encoding;
mod error;
mod header;
mod hmac;
pub mod preset;
pub mod receive;
#[cfg(feature = "aws-lc")]
mod rsa_aws_lc;
mod rsa_key;
mod secret;
pub mod sign;
mod token;
mod types;

pub use delivery::DeliveryError;
pub use error::{
    EncodingProblem, KeyError, MalformedReason, RsaKeyFormat, RsaKeyParseError, SchemeError, SignError,
    SignatureEncoding, VerifyError,
};
pub use hmac::{HmacAlgorithm, HmacScheme, HmacSchemeBuilder, HmacVerifier, SignatureFormat, SignedContent};
pub use rsa_key::{LEGACY_MIN_RSA_BITS, MIN_RSA_BITS, RsaHash, RsaPublicKey, RsaScheme, RsaVerifier};
pub use secret::{HmacSecret, WHSEC_PREFIX};
pub use token::{DEFAULT_TOKEN_PARAM, MIN_TOKEN_LEN, TOKEN_BYTES, UrlToken, UrlTokenVerifier};
pub use types::{DEFAULT_KEY_ID, KeyId, KeyRing, Verified, Verifier, unix_now, unix_seconds};

use std::time::Duration;

/// Longest header value (and URL-token query string) accepted, in bytes.
pub const MAX_HEADER_LEN: usize = 8 * 1024;

/// Most signatures tried from one header (Stripe `v1=` elements, Standard Webhooks entries).
pub const MAX_SIGNATURES: usize = 16;

/// Default two-sided timestamp tolerance: 5 minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// Header names of the published schemes (lower case, as [`http::HeaderName`] stores them;
/// lookups are case-insensitive).
pub mod headers {
    use http::HeaderName;

    /// Standard Webhooks: `webhook-id`.
    pub const WEBHOOK_ID: HeaderName = HeaderName::from_static("webhook-id");
    /// Standard Webhooks: `webhook-timestamp`.
    pub const WEBHOOK_TIMESTAMP: HeaderName = HeaderName::from_static("webhook-timestamp");
    /// Standard Webhooks: `webhook-signature`.
    pub const WEBHOOK_SIGNATURE: HeaderName = HeaderName::from_static("webhook-signature");

    /// Stripe: `Stripe-Signature`.
    pub const STRIPE_SIGNATURE: HeaderName = HeaderName::from_static("stripe-signature");

    /// GitHub: `X-Hub-Signature-256`.
    pub const GITHUB_SIGNATURE_256: HeaderName = HeaderName::from_static("x-hub-signature-256");
    /// GitHub: `X-GitHub-Delivery` (GUID, not signed).
    pub const GITHUB_DELIVERY: HeaderName = HeaderName::from_static("x-github-delivery");
}
