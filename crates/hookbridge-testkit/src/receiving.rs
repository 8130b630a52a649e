//! Helpers for tests of receivers: run a receiver's pipeline up to the application and mark the
//! delivery handled, as an application that handled it would.
//!
//! ```
//! use hookbridge_testkit::receiving::receive_at;
//! use hookbridge_verify::receive::{Incoming, ReceiveError};
//! # use hookbridge_verify::{HmacScheme, HmacSecret, HmacVerifier, sign::HmacSigner};
//! # use hookbridge_verify::receive::{Parsed, Pipeline, ReceiverSpec, ReplayKey};
//! # #[derive(Debug)] struct Spec(HmacVerifier);
//! # impl ReceiverSpec for Spec {
//! #     type Delivery = bytes::Bytes;
//! #     fn provider(&self) -> &'static str { "mine" }
//! #     async fn authenticate(&self, r: &Incoming, now: i64) -> Result<hookbridge_verify::Verified, ReceiveError> {
//! #         Ok(self.0.verify_at(&r.body, &r.headers, now)?)
//! #     }
//! #     fn parse(&self, v: hookbridge_verify::Verified, r: &Incoming) -> Result<Parsed<bytes::Bytes>, ReceiveError> {
//! #         Ok(Parsed::new(r.body.clone(), ReplayKey::from_verified("mine", &v, &r.body)?))
//! #     }
//! # }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let secret = || HmacSecret::from_str_bytes("a test secret").unwrap();
//! let receiver = Pipeline::new(Spec(HmacVerifier::with_secret(HmacScheme::github(), secret())));
//! let headers = HmacSigner::new(HmacScheme::github(), secret()).sign(b"{}", 0, None)?;
//! let request = || Incoming::post("/hooks".parse().unwrap(), headers.clone(), &b"{}"[..]);
//! let body = receive_at(&receiver, request(), 1_750_000_000).await?;
//! assert_eq!(&body[..], b"{}");
//! // Handled: the same delivery again is a duplicate.
//! assert!(receive_at(&receiver, request(), 1_750_000_000).await.unwrap_err().is_duplicate());
//! # Ok(())
//! # }
//! ```

use hookbridge_verify::receive::{Incoming, Receive, ReceiveError};

/// Runs `receiver`'s pipeline on `request` at `now` (unix seconds) up to the application
/// ([`Receive::accept_at`]) and completes the ticket: the delivery is then handled, and the same
/// delivery again is a duplicate.
///
/// # Errors
/// The [`ReceiveError`] refusing the request, or the store's failure to complete the ticket.
pub async fn receive_at<D, R>(receiver: &R, request: Incoming, now: i64) -> Result<D, ReceiveError>
where
    D: Send + 'static,
    R: Receive<D> + ?Sized,
{
    let (delivery, ticket) = receiver.accept_at(request, now).await?.into_parts();
    ticket.complete().await?;
    Ok(delivery)
}
