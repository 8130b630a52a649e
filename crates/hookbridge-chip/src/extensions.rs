//! CHIP's extension beyond the unified trait, behind core's provider-neutral trait: the company
//! public key it publishes at `GET /public_key/` ([`PublishedKey`]), which verifies deliveries
//! not made through a webhook. The registry's tools (the CLI's `public-key`) reach it through the
//! [`ClientSetup`](hookbridge_core::descriptor::ClientSetup) of CHIP's descriptor.

use hookbridge_core::extension::{BoxFuture, PublishedKey};

use crate::ChipClient;

/// CHIP's company public key as a [`PublishedKey`].
#[derive(Clone, Debug)]
pub struct ChipPublishedKey {
    client: ChipClient,
}

impl ChipPublishedKey {
    /// The key `client`'s account publishes.
    #[must_use]
    pub fn new(client: ChipClient) -> Self {
        Self { client }
    }
}

impl PublishedKey for ChipPublishedKey {
    fn public_key_pem(&self) -> BoxFuture<'_, String> {
        Box::pin(async move { Ok(self.client.public_key().get().await?.as_str().to_owned()) })
    }
}
