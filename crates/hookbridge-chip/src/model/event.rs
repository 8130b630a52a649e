//! [`ChipEvent`]: the event types a webhook subscribes to and every delivery names in `event_type`.

hookbridge_core::wire_enum! {
    /// A webhook event type (`Webhook.events`, and `event_type` in every delivery).
    ///
    /// The 27 documented values are variants; [`ChipEvent::ALL`] lists them for catalogues.
    /// Anything else — CHIP's schema also lists `purchase.subscription_charge_failure` and
    /// `billing_template_client.subscription_billing_cancelled`, and more appear over time — is kept
    /// verbatim in [`ChipEvent::Unknown`] and round-trips exactly.
    pub enum ChipEvent {
        /// `purchase.created`: a Purchase was created (status `created`).
        PurchaseCreated = "purchase.created",
        /// `purchase.paid`: a Purchase was paid for (status `paid`).
        PurchasePaid = "purchase.paid",
        /// `purchase.payment_failure`: a payment attempt failed (status `error`).
        PurchasePaymentFailure = "purchase.payment_failure",
        /// `purchase.refund_failure`: a pending refund failed.
        PurchaseRefundFailure = "purchase.refund_failure",
        /// `purchase.capture_failure`: a pending capture failed.
        PurchaseCaptureFailure = "purchase.capture_failure",
        /// `purchase.release_failure`: a pending release failed.
        PurchaseReleaseFailure = "purchase.release_failure",
        /// `purchase.pending_execute`: execution is taking longer than expected at the acquirer.
        PurchasePendingExecute = "purchase.pending_execute",
        /// `purchase.pending_charge`: a recurring charge is taking longer than expected.
        PurchasePendingCharge = "purchase.pending_charge",
        /// `purchase.cancelled`: the Purchase was cancelled.
        PurchaseCancelled = "purchase.cancelled",
        /// `purchase.hold`: funds were placed on hold (`skip_capture`).
        PurchaseHold = "purchase.hold",
        /// `purchase.captured`: held funds were captured.
        PurchaseCaptured = "purchase.captured",
        /// `purchase.pending_capture`: a capture is taking longer than expected.
        PurchasePendingCapture = "purchase.pending_capture",
        /// `purchase.released`: held funds were released.
        PurchaseReleased = "purchase.released",
        /// `purchase.pending_release`: a release is taking longer than expected.
        PurchasePendingRelease = "purchase.pending_release",
        /// `purchase.preauthorized`: a card preauthorization succeeded.
        PurchasePreauthorized = "purchase.preauthorized",
        /// `purchase.pending_recurring_token_delete`: a token deletion is taking longer than expected.
        PurchasePendingRecurringTokenDelete = "purchase.pending_recurring_token_delete",
        /// `purchase.recurring_token_deleted`: the recurring token of a Purchase was deleted.
        PurchaseRecurringTokenDeleted = "purchase.recurring_token_deleted",
        /// `purchase.pending_refund`: a refund is taking longer than expected.
        PurchasePendingRefund = "purchase.pending_refund",
        /// `payment.refunded`: a Purchase was refunded; the payload is the refund **Payment**.
        PaymentRefunded = "payment.refunded",
        /// `payout.pending`: a Payout is processing.
        PayoutPending = "payout.pending",
        /// `payout.failed`: a Payout failed.
        PayoutFailed = "payout.failed",
        /// `payout.success`: a Payout succeeded.
        PayoutSuccess = "payout.success",
        /// `payment.charged_back`: a Payment was charged back.
        PaymentChargedBack = "payment.charged_back",
        /// `purchase.viewed`: a Purchase was viewed.
        PurchaseViewed = "purchase.viewed",
        /// `purchase.settled`: a Purchase was settled.
        PurchaseSettled = "purchase.settled",
        /// `payout.created`: a Payout was created.
        PayoutCreated = "payout.created",
        /// `payment.chargeback_reversed`: a chargeback was reversed.
        PaymentChargebackReversed = "payment.chargeback_reversed",
    }
}
