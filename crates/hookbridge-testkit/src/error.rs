//! The testkit's error type.

/// Why a simulator could not start or a delivery could not be produced.
///
/// A delivery that reaches the receiver and fails there (a non-2xx answer, a refused
/// connection, a timeout) is **not** an error: it is recorded in the
/// [`DeliveryReport`](crate::DeliveryReport), as the provider would record it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The loopback listener could not be bound or its address read.
    #[error("could not bind the simulator's loopback listener")]
    Bind(#[source] std::io::Error),
    /// The delivery HTTP client could not be built.
    #[error("could not build the simulator's delivery HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// A delivery could not be signed.
    #[error("could not sign the delivery")]
    Sign(#[source] hookbridge_verify::SignError),
    /// A key or secret could not be loaded (an embedded fixture key or a stored secret).
    #[error("could not load a signing key")]
    Key(#[source] hookbridge_verify::KeyError),
    /// A payload could not be serialized.
    #[error("could not serialize the delivery payload")]
    Json(#[source] serde_json::Error),
    /// The payload given to a delivery emitter has the wrong shape.
    #[error("invalid delivery payload: {0}")]
    InvalidPayload(&'static str),
}

/// `Result` with the testkit's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
