//! The event catalogues the simulators and the delivery templates share: what each simulator
//! accepts in an endpoint's event list, and what `hookbridge trigger` can send.

/// The four documented MIEX webhook events.
pub const MIEX_EVENTS: [&str; 4] = ["order.created", "order.status_changed", "order.cancelled", "offer.updated"];

/// The eleven documented `webHookType` values.
pub const BLAZE_WEB_HOOK_TYPES: [&str; 11] = [
    "NEW_CONSUMER_ORDER",
    "NEW_CONSUMER_SIGNUP",
    "UPDATE_CONSUMER_ORDER",
    "UPDATE_CONSUMER_USER",
    "NEW_MEMBER",
    "UPDATE_MEMBER",
    "CREATE_TRANSACTION",
    "UPDATE_TRANSACTION",
    "CANCEL_TRANSACTION",
    "COMPLETE_TRANSACTION",
    "UPDATE_PRODUCT",
];

/// The 27 documented CHIP Collect webhook event types.
pub const CHIP_EVENT_TYPES: [&str; 27] = [
    "purchase.created",
    "purchase.paid",
    "purchase.payment_failure",
    "purchase.refund_failure",
    "purchase.capture_failure",
    "purchase.release_failure",
    "purchase.pending_execute",
    "purchase.pending_charge",
    "purchase.cancelled",
    "purchase.hold",
    "purchase.captured",
    "purchase.pending_capture",
    "purchase.released",
    "purchase.pending_release",
    "purchase.preauthorized",
    "purchase.pending_recurring_token_delete",
    "purchase.recurring_token_deleted",
    "purchase.pending_refund",
    "payment.refunded",
    "payout.pending",
    "payout.failed",
    "payout.success",
    "payment.charged_back",
    "purchase.viewed",
    "purchase.settled",
    "payout.created",
    "payment.chargeback_reversed",
];

/// One entry of the event-type catalogue served by `GET /webhooks/event-types` as
/// `{"type", "category", "name", "description"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BitnobEventType {
    /// The identifier used in `event_types` filters, e.g. `transaction.confirmed`.
    pub event_type: &'static str,
    /// `wallet`, `security` or `compliance`.
    pub category: &'static str,
    /// Human-readable name.
    pub name: &'static str,
    /// What triggers the event.
    pub description: &'static str,
}

const fn et(
    event_type: &'static str,
    category: &'static str,
    name: &'static str,
    description: &'static str,
) -> BitnobEventType {
    BitnobEventType { event_type, category, name, description }
}

/// The simulator's event-type catalogue. Bitnob documents the catalogue's shape and
/// categories and names `transaction.confirmed` as an example; the other entries are
/// illustrative of a wallet-infrastructure platform, not a copy of Bitnob's list.
pub const BITNOB_EVENT_TYPES: [BitnobEventType; 12] = [
    et(
        "transaction.created",
        "wallet",
        "Transaction created",
        "A deposit or withdrawal was detected or initiated on a wallet.",
    ),
    et(
        "transaction.confirmed",
        "wallet",
        "Transaction confirmed",
        "A transaction reached the required number of on-chain confirmations.",
    ),
    et("transaction.failed", "wallet", "Transaction failed", "A transaction was rejected or dropped by the network."),
    et("wallet.created", "wallet", "Wallet created", "A new wallet was provisioned."),
    et("address.created", "wallet", "Address created", "A new deposit address was generated for a wallet."),
    et(
        "stablecoin.deposit.confirmed",
        "wallet",
        "Stablecoin deposit confirmed",
        "A stablecoin deposit was credited to a wallet.",
    ),
    et("api_key.created", "security", "API key created", "A new API key was created for the organization."),
    et("api_key.revoked", "security", "API key revoked", "An API key was revoked."),
    et(
        "webhook.secret_rotated",
        "security",
        "Webhook secret rotated",
        "The signing secret of a webhook endpoint was rotated.",
    ),
    et(
        "compliance.screening.flagged",
        "compliance",
        "Screening flagged",
        "A counterparty address or transaction was flagged by screening.",
    ),
    et(
        "compliance.transaction.held",
        "compliance",
        "Transaction held for review",
        "A transaction was held pending compliance review.",
    ),
    et(
        "compliance.transaction.released",
        "compliance",
        "Transaction released",
        "A held transaction was released after review.",
    ),
];
