//! The unified [`Webhook`] trait every provider client implements.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use async_trait::async_trait;
use futures_util::future::poll_fn;
use futures_util::{Stream, StreamExt};

use crate::capability::{Capabilities, Operation};
use crate::error::InvalidInput;
use crate::error::{Result, Unsupported};
use crate::model::{Endpoint, EndpointId, EndpointSpec, EndpointUpdate, ListFilter};
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
                    format!("{} documents no list filter `{key}`", self.provider()),
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

/// An owned stream over every endpoint of `client` ([`Webhook::list`]): `'static` and `Send`, so
/// it can be moved into a spawned task or stored beside the client it came from.
///
/// ```
/// # use std::sync::Arc;
/// # use hookbridge_core::{Webhook, webhook::list_owned};
/// fn spawnable(client: Arc<dyn Webhook>) -> impl std::future::Future<Output = usize> + Send + 'static {
///     use hookbridge_core::reexports::futures_util::StreamExt;
///     async move { list_owned(client).count().await }
/// }
/// ```
///
/// The stream holds the `Arc` and drives `client.list()` one page at a time, as `list` does; it
/// yields exactly what `list` yields.
pub fn list_owned(client: Arc<dyn Webhook>) -> BoxStream<'static, Endpoint> {
    list_filtered_owned(client, ListFilter::new())
}

/// [`list_owned`] for [`Webhook::list_filtered`].
pub fn list_filtered_owned(client: Arc<dyn Webhook>, filter: ListFilter) -> BoxStream<'static, Endpoint> {
    // The list stream borrows the client; an async block may hold both (it is pinned), so it
    // drives the borrowed stream and hands each item over a one-slot channel to the owned
    // stream, which polls that block itself: no task is spawned, and the listing runs at most one item ahead of the reader.
    let (mut tx, rx) = futures_channel::mpsc::channel::<Result<Endpoint>>(0);
    let driver = async move {
        let mut items = client.list_filtered(&filter);
        while let Some(item) = items.next().await {
            if poll_fn(|cx| tx.poll_ready(cx)).await.is_err() || tx.start_send(item).is_err() {
                return; // the owned stream was dropped
            }
        }
    };
    Box::pin(Owned { driver: Some(Box::pin(driver)), items: rx })
}

/// The owned stream: the driver future and the receiving end of its channel.
struct Owned {
    driver: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    items: futures_channel::mpsc::Receiver<Result<Endpoint>>,
}

impl Stream for Owned {
    type Item = Result<Endpoint>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(Some(item)) = self.items.poll_next_unpin(cx) {
            return Poll::Ready(Some(item));
        }
        if let Some(driver) = self.driver.as_mut()
            && driver.as_mut().poll(cx).is_ready()
        {
            self.driver = None;
        }
        match self.items.poll_next_unpin(cx) {
            Poll::Ready(item) => Poll::Ready(item),
            Poll::Pending if self.driver.is_none() => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The two fact methods of a provider's [`Webhook`] implementation, `provider()` and
/// `capabilities()`, from the crate's provider id and capabilities constant — written once
/// instead of in every provider crate. Used inside the `impl Webhook for …` block.
///
/// ```
/// use async_trait::async_trait;
/// use hookbridge_core::{Capabilities, ProviderId, Webhook};
///
/// #[derive(Debug)]
/// struct Acme;
///
/// #[async_trait]
/// impl Webhook for Acme {
///     hookbridge_core::webhook_facts!(ProviderId::new("acme"), Capabilities::NONE);
/// }
///
/// assert_eq!(Acme.provider().as_str(), "acme");
/// ```
#[macro_export]
macro_rules! webhook_facts {
    ($provider:expr, $capabilities:expr) => {
        fn provider(&self) -> $crate::ProviderId {
            $provider
        }

        fn capabilities(&self) -> $crate::Capabilities {
            $capabilities
        }
    };
}
