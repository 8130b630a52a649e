#![allow(clippy::unwrap_used, missing_docs)]

mod common;
mod deliveries;
mod errors;
mod events;
mod paging;
mod redirects;
mod secrets;
mod signing;
mod unified;
mod webhooks;
