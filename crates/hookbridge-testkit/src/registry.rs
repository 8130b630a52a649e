//! The testkit's simulators, one line per provider: what [`Simulators::start_all`](crate::Simulators::start_all)
//! starts and what the conformance suite's
//! [`start_simulator`](crate::conformance::start_simulator) looks providers up in. A provider's
//! simulator is its module (routes, wire format, deliveries, its [`SimulatedApi`](crate::hook::SimulatedApi)
//! implementation) plus its line here. This is the only file of the testkit's shared machinery that names providers.
//!
//! The delivery templates come with the simulators ([`SimulatorHook::templates`]), so this is
//! also where [`Template::all`] and [`Template::from_name`] find them.
//!
//! ```
//! use hookbridge_testkit::registry;
//!
//! let chip = registry::find("chip").expect("CHIP has a simulator");
//! assert_eq!(chip.example_event(), "purchase.paid");
//! assert!(registry::find("nope").is_none());
//! ```

use hookbridge_core::ProviderId;

use crate::deliveries::{GITHUB_TEMPLATE, Template};
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

/// Where the templates are found: in the simulators of the registry (here, because the provider
/// modules that declare them build their deliveries with [`deliveries`](crate::deliveries)).
impl Template {
    /// Every template: those of each [registered simulator](SIMULATORS), in registry order
    /// ([`SimulatorHook::templates`]: e.g. `bitnob` then `bitnob-legacy`), then
    /// [`GITHUB_TEMPLATE`].
    ///
    /// ```
    /// use hookbridge_testkit::deliveries::Template;
    ///
    /// let names: Vec<&str> = Template::all().map(Template::name).collect();
    /// assert_eq!(names.first(), Some(&"miex"));
    /// assert_eq!(names.last(), Some(&"github"));
    /// ```
    pub fn all() -> impl Iterator<Item = Template> + Clone {
        SIMULATORS.iter().flat_map(|hook| hook.templates().iter().copied()).chain(std::iter::once(GITHUB_TEMPLATE))
    }

    /// The template named `name` (see [`name`](Template::name)) among [`all`](Template::all).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Template> {
        Template::all().find(|template| template.name() == name)
    }

    /// The template of a receiving preset: the one named after the preset or one of its aliases
    /// (`abbeycross` for `abbeycross-assumed`); `None` when the testkit builds none for it.
    #[must_use]
    pub fn for_preset<D: Send + 'static>(preset: &hookbridge_verify::preset::Preset<D>) -> Option<Template> {
        std::iter::once(preset.name()).chain(preset.alias_names().iter().copied()).find_map(Template::from_name)
    }
}
