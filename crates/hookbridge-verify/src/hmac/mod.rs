//! The declarative HMAC engine: [`HmacScheme`] describes how a sender signs
//! ([`scheme`]; the published standards in [`standards`]), [`HmacVerifier`] holds a scheme
//! plus pre-keyed MAC states for a key ring ([`verifier`]).

mod scheme;
mod standards;
mod verifier;

pub use scheme::{HmacAlgorithm, HmacScheme, HmacSchemeBuilder, SignatureFormat, SignedContent};
pub use verifier::HmacVerifier;
pub(crate) use verifier::compute_mac;
