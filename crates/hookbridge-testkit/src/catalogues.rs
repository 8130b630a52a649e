//! The event catalogues the simulators and the delivery templates share: what each simulator
//! accepts in an endpoint's event list, and what `hookbridge trigger` can send.
//!
//! The documented catalogues (MIEX, BLAZE, CHIP) are the provider crates' own lists, by wire
//! name: the simulators accept what the client crates model, and each provider crate's tests
//! check its list against the provider's documentation. Bitnob serves its catalogue at run
//! time; the simulator's is its own (see [`BITNOB_EVENT_TYPES`]).

use std::sync::LazyLock;

use hookbridge_blaze::WebHookType;
use hookbridge_chip::ChipEvent;
use hookbridge_miex::MiexEvent;

static MIEX: [MiexEvent; 4] = MiexEvent::ALL;
static BLAZE: [WebHookType; 11] = WebHookType::DOCUMENTED;
static CHIP: [ChipEvent; ChipEvent::COUNT] = ChipEvent::ALL;

/// The four documented MIEX webhook events ([`MiexEvent::ALL`]), by wire name.
pub static MIEX_EVENTS: LazyLock<Vec<&'static str>> = LazyLock::new(|| MIEX.iter().map(MiexEvent::as_str).collect());

/// The eleven documented `webHookType` values ([`WebHookType::DOCUMENTED`]), by wire name.
pub static BLAZE_WEB_HOOK_TYPES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| BLAZE.iter().map(WebHookType::as_str).collect());

/// The 27 documented CHIP Collect webhook event types ([`ChipEvent::ALL`]), by wire name.
pub static CHIP_EVENT_TYPES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| CHIP.iter().map(ChipEvent::as_str).collect());

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
