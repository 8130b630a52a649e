//! `Purchase.transaction_data`: [`TransactionData`] and its payment attempts
//! ([`TransactionAttempt`], [`AttemptType`], [`AttemptError`]).

use hookbridge_core::Timestamp;
use hookbridge_core::redact::ExtraFields;
use jiff::fmt::serde::timestamp::second;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `Purchase.transaction_data`: payment-method-specific, read-only transaction data.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TransactionData {
    /// Payment method used (blank if unpaid).
    pub payment_method: Option<String>,
    /// Transaction flow (`api`, `payform`, `direct_post`, `woocommerce`, ...).
    pub flow: Option<String>,
    /// Id of the transaction in the processing system.
    pub processing_tx_id: Option<String>,
    /// Method-specific data.
    pub extra: Option<Value>,
    /// Country the payment tool originates from.
    pub country: Option<String>,
    /// Every payment attempt, with errors.
    pub attempts: Option<Vec<TransactionAttempt>>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra_fields: ExtraFields,
}

/// One payment attempt (`transaction_data.attempts[]`).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TransactionAttempt {
    /// Action attempted.
    #[serde(rename = "type")]
    pub attempt_type: Option<AttemptType>,
    /// Whether it succeeded (`false` means `error` is set).
    pub successful: Option<bool>,
    /// Payment method.
    pub payment_method: Option<String>,
    /// Flow used (`payform`, `api`, `direct_post`, ...).
    pub flow: Option<String>,
    /// Method-specific data (for cards: `masked_pan`, `three_d_secure`, ...).
    pub extra: Option<Value>,
    /// Country the payment tool originates from.
    pub country: Option<String>,
    /// Payer's IP.
    pub client_ip: Option<String>,
    /// When the attempt happened.
    #[serde(with = "second::optional")]
    pub processing_time: Option<Timestamp>,
    /// The error, when `successful` is `false`.
    pub error: Option<AttemptError>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra_fields: ExtraFields,
}

hookbridge_core::wire_enum! {
    /// `transaction_data.attempts[].type`: the action attempted.
    pub enum AttemptType {
        /// Payment execution.
        Execute = "execute",
        /// Authorization (hold).
        Authorize = "authorize",
        /// Release of held funds.
        Release = "release",
        /// Capture of held funds.
        Capture = "capture",
        /// Recurring execution with a token.
        RecurringExecute = "recurring_execute",
        /// Recurring token deletion.
        DeleteRecurringToken = "delete_recurring_token",
        /// Refund.
        Refund = "refund",
    }
}

/// The error of a failed payment attempt (`transaction_data.attempts[].error`).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AttemptError {
    /// Error code (`insufficient_funds`, `expired_card`, ... about 60 documented; kept as text).
    pub code: Option<String>,
    /// Explanation.
    pub message: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra_fields: ExtraFields,
}
