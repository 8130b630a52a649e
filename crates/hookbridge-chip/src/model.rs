//! CHIP Collect wire types, one concern per file: the webhook-management API ([`ChipWebhook`],
//! its requests and list page, [`PublicKeyPem`]), the event types ([`ChipEvent`]), and the
//! payloads deliveries carry ([`ChipDelivery`]: a [`Purchase`], a [`Payment`] or another object).
//!
//! Field names are CHIP's exact snake_case wire names. Response types never fail on an extra
//! field and read `null` wherever CHIP may send it. Each keeps unknown fields in `extra`, an
//! [`ExtraFields`](hookbridge_core::redact::ExtraFields) whose `Debug` redacts secret-named keys;
//! [`TransactionData`] and [`TransactionAttempt`] document a field named `extra` themselves, so
//! there the bag is `extra_fields`.
//! Timestamps named `*_on`, `due`, `timestamp` and `processing_time` are epoch **seconds**.
//! Money amounts are integers in the currency's minor unit (`100` = RM 1.00).

mod client_details;
mod delivery_payload;
mod event;
mod issuer_details;
mod payment;
mod public_key;
mod purchase;
mod transaction_data;
mod webhook;

pub use client_details::ClientDetails;
pub use delivery_payload::{ChipDelivery, DeliveryObject};
pub use event::ChipEvent;
pub use issuer_details::{BankAccount, IssuerDetails};
pub use payment::{Payment, PaymentDetails, PaymentType, RelatedObject};
pub use public_key::PublicKeyPem;
pub use purchase::{
    Platform, Product, Purchase, PurchaseDetails, PurchaseProduct, PurchaseStatus, RefundAvailability,
    StatusHistoryEntry,
};
pub use transaction_data::{AttemptError, AttemptType, TransactionAttempt, TransactionData};
pub use webhook::{ChipWebhook, TITLE_MAX_LEN, URL_MAX_LEN, WebhookId, WebhookPage, WebhookPatch, WebhookRequest};
