//! The CHIP `Payment` delivered with `payment.*` events, the executed transaction both a Payment
//! and a Purchase carry ([`PaymentDetails`], [`PaymentType`]), and object references
//! ([`RelatedObject`]).

use hookbridge_core::Timestamp;
use hookbridge_core::redact::ExtraFields;
use jiff::fmt::serde::timestamp::second;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client_details::ClientDetails;

/// A CHIP `Payment`: a performed transaction, e.g. the refund delivered with `payment.refunded`.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Payment {
    /// Object type (`"payment"`).
    #[serde(rename = "type")]
    pub object_type: Option<String>,
    /// Payment id.
    pub id: Option<String>,
    /// Creation time.
    #[serde(with = "second::optional")]
    pub created_on: Option<Timestamp>,
    /// Last modification time.
    #[serde(with = "second::optional")]
    pub updated_on: Option<Timestamp>,
    /// The counterparty.
    pub client: Option<ClientDetails>,
    /// The transaction.
    pub payment: Option<PaymentDetails>,
    /// Internal transaction data (undocumented shape).
    pub transaction_data: Option<Value>,
    /// The object this Payment belongs to (the refunded Purchase: `{type: "purchase", id}`).
    pub related_to: Option<RelatedObject>,
    /// Generated reference.
    pub reference_generated: Option<String>,
    /// Reference.
    pub reference: Option<String>,
    /// Account id.
    pub account_id: Option<String>,
    /// Company id.
    pub company_id: Option<String>,
    /// Whether this is a test object.
    pub is_test: Option<bool>,
    /// Id of the Billing UI user who created it.
    pub user_id: Option<String>,
    /// Brand id.
    pub brand_id: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// `PaymentDetails`: an executed transaction (`Purchase.payment`, `Payment.payment`).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaymentDetails {
    /// Direction: `false` for incoming (a paid Purchase), `true` for payouts and refunds.
    pub is_outgoing: Option<bool>,
    /// Payment type.
    pub payment_type: Option<PaymentType>,
    /// Amount in minor units.
    pub amount: Option<i64>,
    /// Currency (ISO 4217).
    pub currency: Option<String>,
    /// Net amount (`amount` = `net_amount` + `fee_amount` + `pending_amount`).
    pub net_amount: Option<i64>,
    /// Fees.
    pub fee_amount: Option<i64>,
    /// Amount frozen until `pending_unfreeze_on`.
    pub pending_amount: Option<i64>,
    /// When `pending_amount` is released.
    #[serde(with = "second::optional")]
    pub pending_unfreeze_on: Option<Timestamp>,
    /// Description.
    pub description: Option<String>,
    /// When the payment was accepted or sent.
    #[serde(with = "second::optional")]
    pub paid_on: Option<Timestamp>,
    /// When the remote side sent or received the funds, if known.
    #[serde(with = "second::optional")]
    pub remote_paid_on: Option<Timestamp>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

hookbridge_core::wire_enum! {
    /// `PaymentDetails.payment_type`.
    pub enum PaymentType {
        /// A Purchase payment.
        Purchase = "purchase",
        /// A recurring charge of a Purchase.
        PurchaseCharge = "purchase_charge",
        /// A payout.
        Payout = "payout",
        /// A bank payment.
        BankPayment = "bank_payment",
        /// A refund.
        Refund = "refund",
        /// A custom payment.
        Custom = "custom",
    }
}

/// An object reference (`status_history[].related_object`, `Payment.related_to`).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RelatedObject {
    /// Object type (`purchase`, `payment`, ...).
    #[serde(rename = "type")]
    pub object_type: Option<String>,
    /// Object id.
    pub id: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}
