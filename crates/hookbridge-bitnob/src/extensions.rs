//! Bitnob's extensions beyond the unified trait, behind core's provider-neutral traits: its
//! delivery log (`/webhooks/events`, [`DeliveryLog`]) and its event catalogue
//! (`/webhooks/event-types`, [`EventCatalogue`]). The registry's tools (the CLI's `events` and
//! `event-types`) reach them through the [`ClientSetup`](hookbridge_core::descriptor::ClientSetup)
//! of Bitnob's descriptor.

use futures_util::StreamExt as _;
use hookbridge_core::extension::{
    BoxFuture, CatalogueEntry, DeliveryLog, DeliveryLogFilter, DeliveryRecord, EventCatalogue, LoggedDelivery,
    RetryOutcome,
};
use hookbridge_core::{BoxStream, Error, InvalidInput, Result};
use serde::Serialize;
use serde_json::Value;

use crate::{BitnobClient, DeliveryEvent, DeliveryStatus, ListEventsOptions, WebhookId};

fn wire<T: Serialize>(what: &'static str, value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| InvalidInput::new(what, format!("cannot serialize: {e}")).into())
}

fn logged(event: &DeliveryEvent) -> Result<LoggedDelivery> {
    Ok(LoggedDelivery::new(DeliveryRecord::from(event), wire("delivery_event", event)?))
}

/// Bitnob's delivery events as a [`DeliveryLog`].
#[derive(Clone, Debug)]
pub struct BitnobDeliveryLog {
    client: BitnobClient,
}

impl BitnobDeliveryLog {
    /// The delivery log of `client`'s account.
    #[must_use]
    pub fn new(client: BitnobClient) -> Self {
        Self { client }
    }
}

impl DeliveryLog for BitnobDeliveryLog {
    /// Filters: `status` is one of the values Bitnob documents for the filter (`pending`,
    /// `delivered`, `failed`), `endpoint_id` a webhook id, `page_size` the `limit`.
    fn list(&self, filter: &DeliveryLogFilter) -> Result<BoxStream<'_, LoggedDelivery>> {
        let mut options = ListEventsOptions::new();
        if let Some(size) = filter.page_size {
            options = options.limit(size);
        }
        if let Some(status) = &filter.status {
            let status: DeliveryStatus =
                status.parse().map_err(|_| InvalidInput::new("status", format!("invalid status `{status}`")))?;
            options = options.status(status);
        }
        if let Some(id) = &filter.endpoint_id {
            options = options.webhook_id(WebhookId::new(id.as_str())?);
        }
        options.validate()?;
        let stream = self.client.events().list(&options);
        Ok(Box::pin(stream.map(|item| item.and_then(|event| logged(&event)))))
    }

    fn get<'a>(&'a self, id: &'a str) -> BoxFuture<'a, LoggedDelivery> {
        Box::pin(async move { logged(&self.client.events().get(id).await?) })
    }

    fn retry<'a>(&'a self, id: &'a str) -> BoxFuture<'a, RetryOutcome> {
        Box::pin(async move {
            let result = self.client.events().retry(id).await?;
            let status = result.status.as_ref().map(ToString::to_string);
            Ok(RetryOutcome::new(status, wire("retry", &result)?))
        })
    }
}

/// Bitnob's event-type catalogue as an [`EventCatalogue`].
#[derive(Clone, Debug)]
pub struct BitnobEventCatalogue {
    client: BitnobClient,
}

impl BitnobEventCatalogue {
    /// The catalogue `client` reads.
    #[must_use]
    pub fn new(client: BitnobClient) -> Self {
        Self { client }
    }
}

impl EventCatalogue for BitnobEventCatalogue {
    fn event_types(&self) -> BoxFuture<'_, Vec<CatalogueEntry>> {
        Box::pin(async move {
            let types = self.client.webhooks().event_types().await?;
            types
                .iter()
                .map(|t| {
                    let mut entry = CatalogueEntry::new(t.event_type.clone(), wire("event_type", t)?);
                    entry.category = t.category.as_ref().map(ToString::to_string);
                    entry.name.clone_from(&t.name);
                    entry.description.clone_from(&t.description);
                    Ok::<_, Error>(entry)
                })
                .collect()
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use hookbridge_core::{ClientConfig, Secret};

    use super::*;
    use crate::BitnobAuth;

    fn log() -> BitnobDeliveryLog {
        // Nothing listens there: a filter refused before any request never reaches it.
        let config = ClientConfig::new("http://127.0.0.1:9/").unwrap();
        BitnobDeliveryLog::new(BitnobClient::with_config(config, BitnobAuth::legacy_bearer(Secret::new("k"))).unwrap())
    }

    #[test]
    fn undocumented_filters_are_refused_before_any_request() {
        let err = log().list(&DeliveryLogFilter::new().status("retrying")).err().unwrap();
        assert!(
            matches!(&err, Error::InvalidInput(e) if e.to_string().contains("not a documented filter value")),
            "{err}"
        );
        let err = log().list(&DeliveryLogFilter::new().endpoint_id("")).err().unwrap();
        assert!(matches!(err, Error::InvalidInput(_)), "{err}");
        assert!(log().list(&DeliveryLogFilter::new().status("failed").page_size(5)).is_ok());
    }

    #[test]
    fn records_keep_the_wire_object() {
        let event: DeliveryEvent = serde_json::from_str(
            r#"{"object":"event","id":"evt_1","webhook_id":"wh_1","type":"transaction.confirmed","delivery_status":"success"}"#,
        )
        .unwrap();
        let logged = logged(&event).unwrap();
        assert_eq!(logged.record.id, "evt_1");
        assert_eq!(logged.wire["delivery_status"], "success");
        assert_eq!(logged.wire, serde_json::to_value(&event).unwrap());
    }
}
