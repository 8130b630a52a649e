//! The unified [`Webhook`] trait every provider client implements.

use async_trait::async_trait;

use crate::error::InvalidInput;
use crate::error::{Result, Unsupported};
use crate::model::{Capabilities, Endpoint, EndpointId, EndpointSpec, EndpointUpdate, ListFilter, Operation};
use crate::page::BoxStream;
use crate::provider::ProviderId;
use crate::secret::Secret;

/// Webhook-endpoint management, the same for every provider.
///
/// The trait is object safe: an application can hold `Vec<Box<dyn Webhook>>` (or `Arc<dyn Webhook>`)
/// with all five clients and call them alike. Operations a provider does not document return
/// [`crate::Error::Unsupported`] and are `false` in [`Webhook::capabilities`]; check the capabilities
/// first when a workflow depends on an operation.
///
/// Each method's default returns the unsupported error, so an implementation only writes what its
/// provider documents.
#[async_trait]
pub trait Webhook: Send + Sync + std::fmt::Debug {
    /// Which provider this client talks to.
    fn provider(&self) -> ProviderId;

    /// Which unified operations and features the provider supports.
    fn capabilities(&self) -> Capabilities;

    /// Registers an endpoint. A provider that reveals a signing secret at creation puts it in
    /// [`Endpoint::secret`]: store it, it is not shown again.
    async fn create(&self, spec: &EndpointSpec) -> Result<Endpoint> {
        let _ = spec;
        Err(self.unsupported(Operation::Create))
    }

    /// Fetches one endpoint.
    async fn get(&self, id: &EndpointId) -> Result<Endpoint> {
        let _ = id;
        Err(self.unsupported(Operation::Get))
    }

    /// Every endpoint, as a lazy stream over all pages.
    fn list(&self) -> BoxStream<'_, Endpoint> {
        let err = self.unsupported(Operation::List);
        Box::pin(futures_util::stream::once(async move { Err(err) }))
    }

    /// The endpoints matching `filter`, as a lazy stream over all pages. An empty filter is
    /// [`Webhook::list`]; a filter the provider does not document is refused
    /// ([`crate::Error::InvalidInput`], field `provider_fields`), never ignored. BLAZE filters by
    /// `shopId`.
    fn list_filtered(&self, filter: &ListFilter) -> BoxStream<'_, Endpoint> {
        match filter.provider_fields.keys().next() {
            None => self.list(),
            Some(key) => {
                let err = InvalidInput::new(
                    "provider_fields",
                    format!("{} documents no list filter `{key}`", self.provider().display_name()),
                );
                Box::pin(futures_util::stream::once(async move { Err(err.into()) }))
            }
        }
    }

    /// Changes only the fields set in `update` ([`EndpointUpdate`]); the rest of the endpoint
    /// stays as it is. A provider with a partial update (`PATCH`) sends just those fields; one that
    /// only replaces (`PUT`) reads the endpoint, applies them and sends the whole object back.
    /// An update that changes nothing is refused before sending.
    async fn update(&self, id: &EndpointId, update: &EndpointUpdate) -> Result<Endpoint> {
        let _ = (id, update);
        Err(self.unsupported(Operation::Update))
    }

    /// Deletes an endpoint.
    async fn delete(&self, id: &EndpointId) -> Result<()> {
        let _ = id;
        Err(self.unsupported(Operation::Delete))
    }

    /// Generates a new signing secret and returns it (shown once).
    async fn rotate_secret(&self, id: &EndpointId) -> Result<Secret> {
        let _ = id;
        Err(self.unsupported(Operation::RotateSecret))
    }

    /// The typed "unsupported by this provider" error for `operation`.
    fn unsupported(&self, operation: Operation) -> crate::Error {
        Unsupported { provider: self.provider(), operation }.into()
    }
}
