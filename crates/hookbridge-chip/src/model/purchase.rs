//! The CHIP `Purchase` delivered with `purchase.*` events and success callbacks, with its
//! invoice details ([`PurchaseDetails`], [`Product`]), status ([`PurchaseStatus`],
//! [`StatusHistoryEntry`]) and the enums only a Purchase carries.

use hookbridge_core::Timestamp;
use hookbridge_core::redact::ExtraFields;
use jiff::fmt::serde::timestamp::second;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client_details::ClientDetails;
use super::issuer_details::IssuerDetails;
use super::payment::{PaymentDetails, RelatedObject};
use super::transaction_data::TransactionData;
use crate::wire::{opt_decimal, ser_opt_decimal};

/// A CHIP `Purchase`: the payload of `purchase.*` deliveries and of `success_callback`s.
///
/// Every field is optional so a delivery never fails to decode because CHIP left a field out or
/// sent `null`, and re-encodes without inventing fields; fields not modelled are kept in `extra`.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Purchase {
    /// Object type (`"purchase"`).
    #[serde(rename = "type")]
    pub object_type: Option<String>,
    /// Purchase id (UUID).
    pub id: Option<String>,
    /// Creation time.
    #[serde(with = "second::optional")]
    pub created_on: Option<Timestamp>,
    /// Last modification time.
    #[serde(with = "second::optional")]
    pub updated_on: Option<Timestamp>,
    /// The payer.
    pub client: Option<ClientDetails>,
    /// Products, total and invoice fields.
    pub purchase: Option<PurchaseDetails>,
    /// The executed transaction; `null` while unpaid.
    pub payment: Option<PaymentDetails>,
    /// The merchant, as shown on the invoice.
    pub issuer_details: Option<IssuerDetails>,
    /// Attempts and method-specific data.
    pub transaction_data: Option<TransactionData>,
    /// Current status.
    pub status: Option<PurchaseStatus>,
    /// Status changes, latest last.
    pub status_history: Option<Vec<StatusHistoryEntry>>,
    /// When the payform or invoice was first viewed.
    #[serde(with = "second::optional")]
    pub viewed_on: Option<Timestamp>,
    /// Company id.
    pub company_id: Option<String>,
    /// Whether this is a test object.
    pub is_test: Option<bool>,
    /// Id of the Billing UI user who created it.
    pub user_id: Option<String>,
    /// Brand id.
    pub brand_id: Option<String>,
    /// BillingTemplate that spawned it.
    pub billing_template_id: Option<String>,
    /// Client object the `client` details came from.
    pub client_id: Option<String>,
    /// Whether a receipt email is sent when paid.
    pub send_receipt: Option<bool>,
    /// Whether a recurring token was saved with this Purchase.
    pub is_recurring_token: Option<bool>,
    /// The recurring token (a Purchase id) used to pay this Purchase.
    pub recurring_token: Option<String>,
    /// Authorize only (hold funds).
    pub skip_capture: Option<bool>,
    /// Force saving the payment credentials.
    pub force_recurring: Option<bool>,
    /// Generated reference when `reference` is blank.
    pub reference_generated: Option<String>,
    /// Invoice reference (your order reference).
    pub reference: Option<String>,
    /// "Invoice issued" date, `YYYY-MM-DD` (display only).
    pub issued: Option<String>,
    /// When payment is due.
    #[serde(with = "second::optional")]
    pub due: Option<Timestamp>,
    /// Which refunds are possible.
    pub refund_availability: Option<RefundAvailability>,
    /// Amount still refundable, in minor units.
    pub refundable_amount: Option<i64>,
    /// Automatic currency conversion details, when one happened.
    pub currency_conversion: Option<Value>,
    /// Payment methods the payer may use.
    pub payment_method_whitelist: Option<Vec<String>>,
    /// Redirect after a successful payment.
    pub success_redirect: Option<String>,
    /// Redirect after a failed payment.
    pub failure_redirect: Option<String>,
    /// "Return to seller" link.
    pub cancel_redirect: Option<String>,
    /// URL that receives the success callback.
    pub success_callback: Option<String>,
    /// Software that created the Purchase.
    pub creator_agent: Option<String>,
    /// Platform it was created on.
    pub platform: Option<Platform>,
    /// Gateway product that created it.
    pub product: Option<PurchaseProduct>,
    /// IP it was created from.
    pub created_from_ip: Option<String>,
    /// Checkout page.
    pub checkout_url: Option<String>,
    /// Invoice page.
    pub invoice_url: Option<String>,
    /// Direct Post URL.
    pub direct_post_url: Option<String>,
    /// Whether it was manually marked as paid.
    pub marked_as_paid: Option<bool>,
    /// Id of the corresponding order.
    pub order_id: Option<String>,
    /// Fields this version does not model (`upsell_campaigns`, `referral_*`, ...).
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// `PurchaseDetails`: the `purchase` object of a Purchase (products, total, invoice fields).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PurchaseDetails {
    /// Currency (ISO 4217).
    pub currency: Option<String>,
    /// Line items.
    pub products: Option<Vec<Product>>,
    /// Total in minor units.
    pub total: Option<i64>,
    /// Invoice/payform language (ISO 639-1).
    pub language: Option<String>,
    /// Invoice notes.
    pub notes: Option<String>,
    /// Amount added to (or subtracted from) the total, in minor units.
    pub debt: Option<i64>,
    /// Visual override of the subtotal.
    pub subtotal_override: Option<i64>,
    /// Visual override of the total tax.
    pub total_tax_override: Option<i64>,
    /// Visual override of the total discount.
    pub total_discount_override: Option<i64>,
    /// Override of the total.
    pub total_override: Option<i64>,
    /// ClientDetails fields requested from the client before payment.
    pub request_client_details: Option<Vec<String>>,
    /// Timezone for invoice timestamps (TZ database name).
    pub timezone: Option<String>,
    /// Whether payment is refused after `due`.
    pub due_strict: Option<bool>,
    /// Message shown in the invoice email.
    pub email_message: Option<String>,
    /// Merchant metadata.
    pub metadata: Option<Value>,
    /// Fields this version does not model (`shipping_options`, `payment_method_details`, ...).
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// One line item of `purchase.products`.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Product {
    /// Product name.
    pub name: Option<String>,
    /// Unit price in minor units.
    pub price: Option<i64>,
    /// Quantity: a decimal string on the wire (`"1.0000"`); numbers are accepted and kept as text.
    #[serde(deserialize_with = "opt_decimal", serialize_with = "ser_opt_decimal")]
    pub quantity: Option<String>,
    /// Total discount for this line, in minor units.
    pub discount: Option<i64>,
    /// Tax percent: a decimal string on the wire (`"0.00"`).
    #[serde(deserialize_with = "opt_decimal", serialize_with = "ser_opt_decimal")]
    pub tax_percent: Option<String>,
    /// Product category.
    pub category: Option<String>,
    /// Overrides the line total, in minor units.
    pub total_price_override: Option<i64>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

hookbridge_core::wire_enum! {
    /// `Purchase.status`.
    pub enum PurchaseStatus {
        /// Created with `POST /purchases/` or the Billing API.
        Created = "created",
        /// The invoice was emailed.
        Sent = "sent",
        /// The client viewed the payform or invoice.
        Viewed = "viewed",
        /// A payment attempt failed.
        Error = "error",
        /// Cancelled; payment is no longer possible.
        Cancelled = "cancelled",
        /// Past `due`, still payable.
        Overdue = "overdue",
        /// Past `due` with `due_strict`; no longer payable.
        Expired = "expired",
        /// A payment attempt was blocked (fraud scoring, security checks).
        Blocked = "blocked",
        /// Funds are on hold (`skip_capture`).
        Hold = "hold",
        /// Held funds were released.
        Released = "released",
        /// A release is processing.
        PendingRelease = "pending_release",
        /// A capture is processing.
        PendingCapture = "pending_capture",
        /// A card preauthorization succeeded.
        Preauthorized = "preauthorized",
        /// Paid.
        Paid = "paid",
        /// Payment (or hold) is processing.
        PendingExecute = "pending_execute",
        /// A recurring charge is processing.
        PendingCharge = "pending_charge",
        /// Funds were sent for clearing.
        Cleared = "cleared",
        /// Funds were settled.
        Settled = "settled",
        /// A chargeback was registered.
        Chargeback = "chargeback",
        /// A refund is processing.
        PendingRefund = "pending_refund",
        /// Refunded, fully or partially.
        Refunded = "refunded",
    }
}

hookbridge_core::wire_enum! {
    /// `Purchase.refund_availability`.
    pub enum RefundAvailability {
        /// Full and partial refunds.
        All = "all",
        /// Full refunds only.
        FullOnly = "full_only",
        /// Partial refunds only.
        PartialOnly = "partial_only",
        /// `pis_all` (documented without description).
        PisAll = "pis_all",
        /// `pis_partial` (documented without description).
        PisPartial = "pis_partial",
        /// No refunds.
        None = "none",
    }
}

hookbridge_core::wire_enum! {
    /// `Purchase.platform`: where the Purchase was created.
    pub enum Platform {
        /// Web.
        Web = "web",
        /// API.
        Api = "api",
        /// iOS.
        Ios = "ios",
        /// Android.
        Android = "android",
        /// macOS.
        Macos = "macos",
        /// Windows.
        Windows = "windows",
    }
}

hookbridge_core::wire_enum! {
    /// `Purchase.product`: which gateway product created the Purchase.
    pub enum PurchaseProduct {
        /// Purchases API.
        Purchases = "purchases",
        /// Billing invoices.
        BillingInvoices = "billing_invoices",
        /// Billing subscriptions.
        BillingSubscriptions = "billing_subscriptions",
        /// Invoices of billing subscriptions.
        BillingSubscriptionsInvoice = "billing_subscriptions_invoice",
    }
}

/// One `status_history` entry.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StatusHistoryEntry {
    /// The status entered.
    pub status: Option<PurchaseStatus>,
    /// When.
    #[serde(with = "second::optional")]
    pub timestamp: Option<Timestamp>,
    /// A related object (e.g. the refund Payment for `refunded`).
    pub related_object: Option<RelatedObject>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}
