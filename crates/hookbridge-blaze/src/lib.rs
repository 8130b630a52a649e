//! # hookbridge-blaze
//!
//! A typed client for BLAZE's partner webhook API (`/api/v1/partner/webHooks`), and its
//! [`Webhook`](hookbridge_core::Webhook) implementation for hookbridge's unified model.
//!
//! ## What is modelled
//!
//! | operation | request | method |
//! |---|---|---|
//! | create | `POST webHooks` with [`CreateWebHook`] (`url`, `shopId`, `webHookUrls`) | [`WebHooks::create`] |
//! | update | `PUT webHooks/{webHookId}` with the **full** [`PartnerWebHook`] | [`WebHooks::update`] |
//! | get | `GET webHooks/{webHookId}` | [`WebHooks::get`] |
//! | list | `GET webHooks?start=&limit=&shopId=` → [`SearchResult`] | [`WebHooks::list`] (lazy stream), [`WebHooks::list_page`] (one page) |
//! | delete | `DELETE webHooks/{id}` | [`WebHooks::delete`] |
//!
//! * Base URL [`DEFAULT_BASE_URL`] (`https://api.partners.blaze.me/api/v1/partner/`); any other
//!   through [`BlazeClient::with_config`].
//! * Authentication: two keys ([`BlazeKeys`]) — the partner key in `x-api-key`, the developer key
//!   in `Authorization` **without** a `Bearer` prefix. Both header names are configurable (some
//!   client code sends the partner key as [`ALT_PARTNER_KEY_HEADER`] `partner_key`).
//! * `created` / `modified` are epoch milliseconds, decoded to [`Timestamp`](hookbridge_core::Timestamp).
//! * [`WebHookType`] has the eleven documented values plus `Unknown(String)` (the docs' own
//!   examples use `TRANSACTION_UPDATE`), which round-trips exactly.
//! * Errors: any non-2xx answer is [`hookbridge_core::Error::Api`] with the status, its
//!   classification and the raw body (BLAZE documents no error body).
//!
//! ## What BLAZE leaves undocumented, and what this crate does about it
//!
//! * **The list envelope**: the documentation says `{count, total, searchResult}`, real client
//!   code reads `{values, skip, limit, total}`. [`SearchResult`] accepts both.
//! * **The offset parameter**: documented as `start`, some client code sends `skip`; see
//!   [`BlazeClient::with_offset_param`]. The list description also mentions filtering "by type",
//!   but no such parameter is documented, so none is sent.
//! * **Paging end**: the stream stops on an empty page, at `total`, on a short page when no
//!   `total` is given, and when a page repeats the previous one (a server ignoring the offset).
//! * **Deliveries are unsigned**: BLAZE documents no signing scheme and issues no secret, so there is
//!   no signature to verify and no secret to rotate (unified `rotate_secret` is unsupported, and
//!   [`Endpoint::has_secret`](hookbridge_core::Endpoint::has_secret) is `Some(false)`); see
//!   [Receiving deliveries](#receiving-deliveries) for the URL-token check that replaces it. BLAZE also
//!   warns that a delivery may arrive more than once: de-duplicate on your side.
//! * **Delete's response body** is undocumented and ignored.
//! * **No event list on create**: a unified spec selecting events is refused on create; update can
//!   set the single `webHookType` (see [`unified`]).
//!
//! ## Example
//!
//! ```
//! use hookbridge_blaze::{BlazeClient, BlazeKeys, CreateWebHook, ListWebHooksOptions, DEFAULT_BASE_URL};
//! use hookbridge_core::Webhook;
//!
//! let client = BlazeClient::new(BlazeKeys::new("partner-key", "developer-key"))?;
//! assert_eq!(client.base_url().as_str(), DEFAULT_BASE_URL);
//! assert!(client.capabilities().update && !client.capabilities().rotate_secret);
//! assert!(!format!("{client:?}").contains("developer-key"));
//!
//! // Request bodies are plain data; `client.webhooks().create(&body).await` would send this one.
//! let body = CreateWebHook::new(vec!["https://example.com/hooks/blaze".parse::<url::Url>()?]).shop_id("shop-42");
//! assert_eq!(
//!     serde_json::to_value(&body)?,
//!     serde_json::json!({"shopId": "shop-42", "webHookUrls": ["https://example.com/hooks/blaze"]}),
//! );
//! let _page = ListWebHooksOptions::new().shop_id("shop-42").limit(50);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Receiving deliveries
//!
//! BLAZE signs nothing and documents no delivery payload. [`BlazeSpec`], BLAZE's part of the
//! receiver pipeline, checks the one thing you control — a secret token in the callback URL you
//! registered ([`UrlTokenVerifier`](hookbridge_verify::UrlTokenVerifier), constant time,
//! rotatable) — then parses the body as JSON into a [`BlazeDelivery`], reading the event type from
//! the first of [`delivery::EVENT_TYPE_FIELDS`] present. The token keeps out anyone who does not
//! know the URL; it does **not** authenticate the body, so re-read objects through the API before
//! acting on them. [`BlazeReceiver`] runs the pipeline; byte-identical repeats are duplicates.
//! See [`delivery`] and `docs/verifying-deliveries.md`.
//!
//! ```
//! use hookbridge_blaze::{BlazeReceiver, BlazeSpec, WebHookType};
//! use hookbridge_core::reexports::http::HeaderMap;
//! use hookbridge_verify::receive::{Incoming, Receive as _};
//! use hookbridge_verify::{UrlToken, UrlTokenVerifier};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let token = UrlToken::from_string("Zt3sX8w0fQm2Lk9PqR7vYb1NcJ4hGd6E")?;
//! // Registered callback: https://app.example/hooks/blaze?hb_token=Zt3sX8w0fQm2Lk9PqR7vYb1NcJ4hGd6E
//! let receiver = BlazeReceiver::new(BlazeSpec::new(UrlTokenVerifier::with_token(token)));
//!
//! let body = br#"{"webHookType":"NEW_MEMBER","payload":{"memberId":"m-1"}}"#;
//! let uri = "/hooks/blaze?hb_token=Zt3sX8w0fQm2Lk9PqR7vYb1NcJ4hGd6E".parse()?;
//! let accepted = receiver.accept(Incoming::post(uri, HeaderMap::new(), &body[..])).await?;
//! assert_eq!(accepted.delivery().event_type, Some(WebHookType::NewMember));
//!
//! // Without the token (or with another one) the request is refused.
//! let guessed = Incoming::post("/hooks/blaze".parse()?, HeaderMap::new(), &body[..]);
//! assert!(receiver.accept(guessed).await.unwrap_err().is_verification());
//! # Ok(())
//! # }
//! ```

mod client;
pub mod delivery;
pub mod descriptor;
mod model;
pub mod receiving;
pub mod unified;

/// This provider's id (`blaze`).
pub const PROVIDER: hookbridge_core::ProviderId = hookbridge_core::ProviderId::new("blaze");

pub use client::{
    ALT_PARTNER_KEY_HEADER, BlazeClient, BlazeKeys, DEFAULT_BASE_URL, DEFAULT_LIMIT, DEVELOPER_KEY_HEADER,
    ListWebHooksOptions, PARTNER_KEY_HEADER, SKIP_PARAM, START_PARAM, WEBHOOKS_PATH, WebHooks,
};
pub use delivery::{BlazeDelivery, BlazeParser, BlazeReceiver, BlazeSpec};
pub use descriptor::{Blaze, DESCRIPTOR};
pub use model::{CreateWebHook, PartnerWebHook, SearchResult, WebHookType};
pub use receiving::PRESETS;
