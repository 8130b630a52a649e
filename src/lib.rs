//! # hookbridge
//!
//! Manage and receive the webhooks of several payment and exchange platforms through one typed API.
//!
//! This facade re-exports the workspace crates, one cargo feature per provider (all on by default):
//!
//! | feature | provider | dialect | crate |
//! |---|---|---|---|
//! | `miex` | MIEX (currency exchange) | camelCase partner | [`miex`] |
//! | `blaze` | BLAZE (retail POS) | webHooks shop-scoped | [`blaze`] |
//! | `bitnob` | Bitnob (wallets) | snake_case cursor-paged | [`bitnob`] |
//! | `abbeycross` | AbbeyCross (FX) | register-with-apiSecretKey | [`abbeycross`] |
//! | `chip` | CHIP Collect (payments) | RSA public-key callbacks | [`chip`] |
//! | `stripe` | Stripe (payments) | form-encoded, cursor-paged | [`stripe`] |
//! | `verify` | receiver-side verification | HMAC, RSA, key rings, replay protection | [`verify`] |
//! | `axum` (off by default) | axum extractors and router running the receiver pipeline | — | `verify::receive::axum` |
//! | `tower` (off by default) | a framework-neutral tower `Layer` running the receiver pipeline | — | `verify::receive::tower` |
//! | `adapters` | dialect conversions, event catalogue, unified deliveries, Standard Webhooks bridge | all | [`adapters`] |
//!
//! HTTPS goes through rustls by default (feature `rustls`); `default-features = false` plus
//! `native-tls` and the providers you need uses the platform's TLS library instead (OpenSSL on
//! Linux, whose development headers — e.g. `libssl-dev` — the build then needs).
//!
//! The unified model and the [`Webhook`] trait come from [`hookbridge_core`] and are re-exported at
//! the root, so an application can hold every client as `Box<dyn Webhook>`:
//!
//! ```
//! use hookbridge::{Capabilities, Operation, ProviderId, Webhook};
//!
//! fn describe(clients: &[Box<dyn Webhook>]) -> Vec<(ProviderId, bool)> {
//!     clients.iter().map(|c| (c.provider(), c.capabilities().supports(Operation::List))).collect()
//! }
//! assert!(describe(&[]).is_empty());
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

pub use hookbridge_core as core;
pub use hookbridge_core::{
    ApiError, ApiErrorKind, Capabilities, ClientConfig, DecodeError, Delivery, DeliveryUrl, Endpoint, EndpointId,
    EndpointSpec, EndpointStatus, EndpointUpdate, Error, EventSelection, EventType, IdempotencyKey, InvalidInput,
    ListFilter, Operation, ProviderId, Result, RetryPolicy, Secret, Timestamp, Unsupported, Webhook,
};

#[cfg(feature = "abbeycross")]
#[cfg_attr(docsrs, doc(cfg(feature = "abbeycross")))]
pub use hookbridge_abbeycross as abbeycross;
#[cfg(feature = "adapters")]
#[cfg_attr(docsrs, doc(cfg(feature = "adapters")))]
pub use hookbridge_adapters as adapters;
#[cfg(feature = "bitnob")]
#[cfg_attr(docsrs, doc(cfg(feature = "bitnob")))]
pub use hookbridge_bitnob as bitnob;
#[cfg(feature = "blaze")]
#[cfg_attr(docsrs, doc(cfg(feature = "blaze")))]
pub use hookbridge_blaze as blaze;
#[cfg(feature = "chip")]
#[cfg_attr(docsrs, doc(cfg(feature = "chip")))]
pub use hookbridge_chip as chip;
#[cfg(feature = "miex")]
#[cfg_attr(docsrs, doc(cfg(feature = "miex")))]
pub use hookbridge_miex as miex;
#[cfg(feature = "stripe")]
#[cfg_attr(docsrs, doc(cfg(feature = "stripe")))]
pub use hookbridge_stripe as stripe;
#[cfg(feature = "verify")]
#[cfg_attr(docsrs, doc(cfg(feature = "verify")))]
pub use hookbridge_verify as verify;

/// The README's Rust examples, compiled as doctests so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// `docs/verifying-deliveries.md`: its Rust blocks are compiled and run as doctests.
#[cfg(all(doctest, feature = "adapters"))]
#[doc = include_str!("../docs/verifying-deliveries.md")]
mod verifying_deliveries_guide {}

/// The other guides under `docs/`: any Rust block they hold is compiled as a doctest, like the
/// guide above (command lines and output are fenced as `sh` / `text`).
#[cfg(doctest)]
mod docs_doctests {
    #[doc = include_str!("../docs/ARCHITECTURE.md")]
    mod architecture {}
    #[doc = include_str!("../docs/cli.md")]
    mod cli {}
    #[doc = include_str!("../docs/PERFORMANCE.md")]
    mod performance {}
    #[doc = include_str!("../docs/inbox.md")]
    mod inbox {}
    #[doc = include_str!("../docs/providers/abbeycross.md")]
    mod abbeycross {}
    #[doc = include_str!("../docs/providers/bitnob.md")]
    mod bitnob {}
    #[doc = include_str!("../docs/providers/blaze.md")]
    mod blaze {}
    #[doc = include_str!("../docs/providers/chip.md")]
    mod chip {}
    #[doc = include_str!("../docs/providers/miex.md")]
    mod miex {}
}
