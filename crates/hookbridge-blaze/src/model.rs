//! BLAZE wire types: [`PartnerWebHook`], [`CreateWebHook`], [`SearchResult`], [`WebHookType`].
//!
//! Field names are the provider's camelCase spelling; every response field is optional on the
//! wire, as the documentation says, and unknown fields are kept in `extra` rather than rejected.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use hookbridge_core::DeliveryUrl;
use hookbridge_core::{EventType, Timestamp};
use serde::{Deserialize, Serialize};
use serde_with::{DeserializeFromStr, SerializeDisplay};

/// The event a BLAZE webhook is registered for (`webHookType`).
///
/// The eleven documented values, plus [`WebHookType::Unknown`] for anything else the API sends
/// (the documentation's own examples show `TRANSACTION_UPDATE`, which is not in the list).
/// Unknown values keep their exact spelling and serialize back unchanged.
///
/// ```
/// use hookbridge_blaze::WebHookType;
///
/// assert_eq!("NEW_MEMBER".parse::<WebHookType>().unwrap(), WebHookType::NewMember);
/// let odd: WebHookType = "TRANSACTION_UPDATE".parse().unwrap();
/// assert_eq!(odd, WebHookType::Unknown("TRANSACTION_UPDATE".into()));
/// assert_eq!(odd.to_string(), "TRANSACTION_UPDATE");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, SerializeDisplay, DeserializeFromStr)]
#[non_exhaustive]
pub enum WebHookType {
    /// `NEW_CONSUMER_ORDER`
    NewConsumerOrder,
    /// `NEW_CONSUMER_SIGNUP`
    NewConsumerSignup,
    /// `UPDATE_CONSUMER_ORDER`
    UpdateConsumerOrder,
    /// `UPDATE_CONSUMER_USER`
    UpdateConsumerUser,
    /// `NEW_MEMBER`
    NewMember,
    /// `UPDATE_MEMBER`
    UpdateMember,
    /// `CREATE_TRANSACTION`
    CreateTransaction,
    /// `UPDATE_TRANSACTION`
    UpdateTransaction,
    /// `CANCEL_TRANSACTION`
    CancelTransaction,
    /// `COMPLETE_TRANSACTION`
    CompleteTransaction,
    /// `UPDATE_PRODUCT`
    UpdateProduct,
    /// A value the documentation does not list, as spelled on the wire.
    Unknown(String),
}

impl WebHookType {
    /// The documented values, in the documentation's order.
    pub const DOCUMENTED: [WebHookType; 11] = [
        WebHookType::NewConsumerOrder,
        WebHookType::NewConsumerSignup,
        WebHookType::UpdateConsumerOrder,
        WebHookType::UpdateConsumerUser,
        WebHookType::NewMember,
        WebHookType::UpdateMember,
        WebHookType::CreateTransaction,
        WebHookType::UpdateTransaction,
        WebHookType::CancelTransaction,
        WebHookType::CompleteTransaction,
        WebHookType::UpdateProduct,
    ];

    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            WebHookType::Unknown(s) => s,
            documented => documented.documented_name().unwrap_or(""),
        }
    }

    /// The wire spelling of a documented value (`None` for [`WebHookType::Unknown`]).
    fn documented_name(&self) -> Option<&'static str> {
        Some(match self {
            WebHookType::NewConsumerOrder => "NEW_CONSUMER_ORDER",
            WebHookType::NewConsumerSignup => "NEW_CONSUMER_SIGNUP",
            WebHookType::UpdateConsumerOrder => "UPDATE_CONSUMER_ORDER",
            WebHookType::UpdateConsumerUser => "UPDATE_CONSUMER_USER",
            WebHookType::NewMember => "NEW_MEMBER",
            WebHookType::UpdateMember => "UPDATE_MEMBER",
            WebHookType::CreateTransaction => "CREATE_TRANSACTION",
            WebHookType::UpdateTransaction => "UPDATE_TRANSACTION",
            WebHookType::CancelTransaction => "CANCEL_TRANSACTION",
            WebHookType::CompleteTransaction => "COMPLETE_TRANSACTION",
            WebHookType::UpdateProduct => "UPDATE_PRODUCT",
            WebHookType::Unknown(_) => return None,
        })
    }

    /// Whether this is one of the documented values.
    pub fn is_documented(&self) -> bool {
        !matches!(self, WebHookType::Unknown(_))
    }
}

impl fmt::Display for WebHookType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WebHookType {
    type Err = Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(WebHookType::DOCUMENTED
            .into_iter()
            .find(|t| t.as_str() == s)
            .unwrap_or_else(|| WebHookType::Unknown(s.to_owned())))
    }
}

impl From<&WebHookType> for EventType {
    fn from(t: &WebHookType) -> Self {
        // Documented names are static: no allocation per converted webhook.
        match t.documented_name() {
            Some(name) => EventType::from_static(name),
            None => EventType::new(t.as_str()),
        }
    }
}

impl From<WebHookType> for EventType {
    fn from(t: WebHookType) -> Self {
        EventType::from(&t)
    }
}

impl From<&EventType> for WebHookType {
    fn from(e: &EventType) -> Self {
        match e.as_str().parse() {
            Ok(t) => t,
            Err(never) => match never {},
        }
    }
}

/// A webhook registration as BLAZE returns it (`PartnerWebHook`), and the full object sent by
/// [`update`](crate::WebHooks::update) (`PUT webHooks/{webHookId}`).
///
/// Every field is optional on the wire. `created` and `modified` are epoch **milliseconds**.
/// Fields the documentation does not name are kept in [`PartnerWebHook::extra`] and sent back
/// unchanged on update, so a get → modify → put cycle loses nothing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartnerWebHook {
    /// Unique identifier (`id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Company identifier (`companyId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// Shop identifier (`shopId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<String>,
    /// Created timestamp (`created`, epoch milliseconds on the wire).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "jiff::fmt::serde::timestamp::millisecond::optional"
    )]
    pub created: Option<Timestamp>,
    /// Last-modified timestamp (`modified`, epoch milliseconds on the wire).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "jiff::fmt::serde::timestamp::millisecond::optional"
    )]
    pub modified: Option<Timestamp>,
    /// Whether the record is deleted (`deleted`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    /// Whether the record has been updated (`updated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<bool>,
    /// `url` (documented only as "Url").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The event this webhook is for (`webHookType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_hook_type: Option<WebHookType>,
    /// Delivery URLs (`webHookUrls`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_hook_urls: Option<Vec<String>>,
    /// Response fields the documentation does not name, by wire name.
    #[serde(flatten)]
    pub extra: hookbridge_core::redact::ExtraFields,
}

/// Body of `POST webHooks` (create).
///
/// ```
/// use hookbridge_blaze::CreateWebHook;
///
/// let body = CreateWebHook::new(vec!["https://example.com/blaze".parse::<url::Url>()?]).shop_id("shop-1");
/// assert_eq!(
///     serde_json::to_value(&body)?,
///     serde_json::json!({"shopId": "shop-1", "webHookUrls": ["https://example.com/blaze"]})
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateWebHook {
    /// `url` (optional; documented only as "Url").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<DeliveryUrl>,
    /// Shop identifier (`shopId`, optional).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<String>,
    /// Delivery URLs (`webHookUrls`, required, at least one, `http` or `https`), sent as given.
    pub web_hook_urls: Vec<DeliveryUrl>,
}

impl CreateWebHook {
    /// A create body delivering to `web_hook_urls` (checked non-empty when sent).
    pub fn new<U: Into<DeliveryUrl>>(web_hook_urls: impl IntoIterator<Item = U>) -> Self {
        Self { url: None, shop_id: None, web_hook_urls: web_hook_urls.into_iter().map(Into::into).collect() }
    }

    /// Sets `url`.
    pub fn url(mut self, url: impl Into<DeliveryUrl>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Sets `shopId`.
    pub fn shop_id(mut self, shop_id: impl Into<String>) -> Self {
        self.shop_id = Some(shop_id.into());
        self
    }
}

/// One page of `GET webHooks` (BLAZE's `SearchResult`).
///
/// BLAZE's documentation and its real client code disagree about the envelope, so this one type
/// accepts both and remembers which one arrived (it serializes back the same way):
///
/// * documentation: `{"count": .., "total": .., "searchResult": [..]}`;
/// * client code: `{"values": [..], "skip": .., "limit": .., "total": ..}`.
///
/// Read the items with [`SearchResult::items`] / [`SearchResult::into_items`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    /// Items, in the client-code envelope (`values`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<PartnerWebHook>>,
    /// Items, in the documented envelope (`searchResult`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_result: Option<Vec<PartnerWebHook>>,
    /// Records skipped (`skip`, client-code envelope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip: Option<u64>,
    /// Page size the server applied (`limit`, client-code envelope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
    /// Total matching records (`total`, both envelopes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// `count` (documented envelope; the documentation does not say whether it counts this page or all records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

impl SearchResult {
    /// The page's items: `values` when it is present and non-empty, otherwise `searchResult`.
    pub fn items(&self) -> &[PartnerWebHook] {
        match (&self.values, &self.search_result) {
            (Some(v), _) if !v.is_empty() => v,
            (_, Some(s)) => s,
            (Some(v), None) => v,
            (None, None) => &[],
        }
    }

    /// The page's items, by value (same choice as [`SearchResult::items`]).
    pub fn into_items(self) -> Vec<PartnerWebHook> {
        match (self.values, self.search_result) {
            (Some(v), _) if !v.is_empty() => v,
            (_, Some(s)) => s,
            (Some(v), None) => v,
            (None, None) => Vec::new(),
        }
    }
}
