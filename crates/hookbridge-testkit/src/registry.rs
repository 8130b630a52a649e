//! The testkit's simulators, one line per provider: what [`Simulators::start_all`](crate::Simulators::start_all)
//! starts and what the conformance suite's
//! [`start_simulator`](crate::conformance::start_simulator) looks providers up in. A provider's
//! simulator is its module (routes, wire format, deliveries, its [`SimulatedApi`](crate::hook::SimulatedApi)
//! implementation) plus its line here. This is the only file of the testkit's shared machinery that names providers.
//!
//! ```
//! use hookbridge_testkit::registry;
//!
//! let chip = registry::find("chip").expect("CHIP has a simulator");
//! assert_eq!(chip.example_event(), "purchase.paid");
//! assert!(registry::find("nope").is_none());
//! ```

use hookbridge_core::ProviderId;

use crate::hook::{Hook, SimulatorHook};

/// Every simulator of the testkit, in a stable order (that of the provider registry).
pub static SIMULATORS: &[&dyn SimulatorHook] = &[
    &Hook::<crate::miex::MiexApi>::new(),
    &Hook::<crate::blaze::BlazeApi>::new(),
    &Hook::<crate::bitnob::BitnobApi>::new(),
    &Hook::<crate::abbeycross::AbbeyCrossApi>::new(),
    &Hook::<crate::chip::ChipApi>::new(),
    &Hook::<crate::stripe::StripeApi>::new(),
];

/// The simulator of the provider `id`, if the testkit has one.
#[must_use]
pub fn get(id: ProviderId) -> Option<&'static dyn SimulatorHook> {
    SIMULATORS.iter().copied().find(|hook| hook.provider() == id)
}

/// The simulator of the provider named `name` (its id), if the testkit has one.
#[must_use]
pub fn find(name: &str) -> Option<&'static dyn SimulatorHook> {
    SIMULATORS.iter().copied().find(|hook| hook.provider().as_str() == name)
}
