//! Provider client options, declared by the descriptors and parsed by clap.
//!
//! Each provider's descriptor lists the options its client takes as
//! [`ClientOption`]s (Bitnob's `signing-scheme`): the flag, the values with their help, the
//! default. [`Options`] implements [`clap::Args`] by hand from the registered providers'
//! declarations ([`specs`]): one flag per option, under the `Connection` heading, taking only the
//! declared values (anything else is clap's usage error, exit 2), with the values and the
//! default shown in `--help`. A value given on the command line goes to the client settings of
//! each provider that declares the option ([`Options::for_provider`]); other providers never see
//! it.
//!
//! Two providers may declare the same flag only with identical declarations: the flag is then
//! shared (one value for both). A different declaration of a flag already taken is left out of
//! the command line and reported by [`conflicts`], which the registry test requires to be empty.
//!
//! ```
//! use clap::Parser as _;
//! use hookbridge_cli::cli::{Cli, Command, EndpointsCommand};
//!
//! let cli = Cli::try_parse_from([
//!     "hookbridge", "endpoints", "list", "--provider", "bitnob", "--signing-scheme", "concatenated-base64",
//! ])?;
//! let Command::Endpoints(endpoints) = cli.command else { unreachable!() };
//! let EndpointsCommand::List(list) = endpoints.command else { unreachable!() };
//! assert_eq!(list.target.connection.options.get("signing-scheme"), Some("concatenated-base64"));
//! # Ok::<(), clap::Error>(())
//! ```

use std::fmt;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::parser::ValueSource;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use hookbridge_core::ProviderId;
use hookbridge_core::descriptor::{ClientOption, Descriptor};

/// The help heading the option flags are listed under.
pub const HEADING: &str = "Connection";

/// One option flag: its declaration and the registered providers that declare it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionSpec {
    /// The declaration (every provider in [`OptionSpec::providers`] declares exactly this).
    pub option: &'static ClientOption,
    /// The providers whose clients take it, in registry order.
    pub providers: Vec<ProviderId>,
}

impl std::ops::Deref for OptionSpec {
    type Target = ClientOption;

    fn deref(&self) -> &ClientOption {
        self.option
    }
}

impl OptionSpec {
    /// The clap argument: `--flag <VALUE>`, taking the declared values (each with its help), with
    /// the declared default.
    pub fn arg(&self) -> Arg {
        let values = self.values.iter().map(|(value, help)| PossibleValue::new(*value).help(*help));
        let arg = Arg::new(self.flag)
            .long(self.flag)
            .value_name(self.value_name)
            .help(self.help)
            .action(ArgAction::Set)
            .value_parser(PossibleValuesParser::new(values))
            .help_heading(HEADING);
        match self.default {
            Some(default) => arg.default_value(default),
            None => arg,
        }
    }
}

/// A flag two providers declare differently: `provider`'s declaration is left out of the command
/// line, the flag being taken by `taken_by`'s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conflict {
    /// The flag, without `--`.
    pub flag: &'static str,
    /// The provider whose declaration is left out.
    pub provider: ProviderId,
    /// The first provider declaring the flag (whose declaration the flag has).
    pub taken_by: ProviderId,
}

/// The option flags of `descriptors`, one per flag in declaration order, and the declarations left
/// out because they reuse a flag differently.
pub fn table<'a>(descriptors: impl IntoIterator<Item = &'a dyn Descriptor>) -> (Vec<OptionSpec>, Vec<Conflict>) {
    let mut specs: Vec<OptionSpec> = Vec::new();
    let mut conflicts = Vec::new();
    for descriptor in descriptors {
        for option in descriptor.options() {
            match specs.iter_mut().find(|s| s.flag == option.flag) {
                None => specs.push(OptionSpec { option, providers: vec![descriptor.id()] }),
                Some(spec) if spec.option == option => spec.providers.push(descriptor.id()),
                Some(spec) => {
                    let taken_by = spec.providers.first().copied().unwrap_or_else(|| descriptor.id());
                    conflicts.push(Conflict { flag: option.flag, provider: descriptor.id(), taken_by });
                }
            }
        }
    }
    (specs, conflicts)
}

/// Every registered provider's client options, one entry per flag, in registry order: the table
/// [`Options`] is built from.
pub fn specs() -> Vec<OptionSpec> {
    table(hookbridge_adapters::registry::providers()).0
}

/// The registered providers' declarations left out of the command line because another provider
/// declares the same flag differently (none, as the registry test requires).
pub fn conflicts() -> Vec<Conflict> {
    table(hookbridge_adapters::registry::providers()).1
}

/// The option values given on the command line (a flag's default is not a given value: the
/// provider applies its own). See the [module documentation](self).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Options {
    values: Vec<(&'static ClientOption, String)>,
}

impl Options {
    /// The value given to `--flag`, if any.
    pub fn get(&self, flag: &str) -> Option<&str> {
        self.values.iter().find(|(option, _)| option.flag == flag).map(|(_, value)| value.as_str())
    }

    /// The options given that `descriptor` declares, as `(name, value)` for its
    /// [`ClientSettings::option`](hookbridge_core::descriptor::ClientSettings::option).
    pub fn for_provider<'a>(&'a self, descriptor: &dyn Descriptor) -> impl Iterator<Item = (&'static str, &'a str)> {
        let declared = descriptor.options();
        self.values
            .iter()
            .filter(move |(option, _)| declared.contains(option))
            .map(|(option, value)| (option.name, value.as_str()))
    }
}

impl fmt::Debug for Options {
    /// The flags given and their values (options are never secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.values.iter().map(|(option, value)| (option.flag, value))).finish()
    }
}

impl FromArgMatches for Options {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut values = Vec::new();
        for spec in specs() {
            let value = matches
                .try_get_one::<String>(spec.flag)
                .map_err(|e| clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("--{}: {e}", spec.flag)))?;
            let given = matches.value_source(spec.flag).is_some_and(|source| source != ValueSource::DefaultValue);
            if let Some(value) = value.filter(|_| given) {
                values.push((spec.option, value.clone()));
            }
        }
        Ok(Self { values })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        let parsed = Self::from_arg_matches(matches)?;
        for (option, value) in parsed.values {
            self.values.retain(|(o, _)| o.flag != option.flag);
            self.values.push((option, value));
        }
        Ok(())
    }
}

impl Args for Options {
    fn augment_args(cmd: Command) -> Command {
        specs().iter().fold(cmd, |cmd, spec| cmd.arg(spec.arg()))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::{CommandFactory as _, Parser as _};
    use hookbridge_core::descriptor::{ClientSettings, ClientSetup, EventNames, ProviderInfo, SetupError};

    use super::*;
    use crate::cli::{Cli, ConnectionArgs, EndpointsCommand};

    fn connection(args: &[&str]) -> Result<ConnectionArgs, clap::Error> {
        let base = ["hookbridge", "endpoints", "list"];
        let cli = Cli::try_parse_from(base.iter().chain(args))?;
        let crate::cli::Command::Endpoints(endpoints) = cli.command else { panic!("{cli:?}") };
        let EndpointsCommand::List(list) = endpoints.command else { panic!("{endpoints:?}") };
        Ok(list.target.connection)
    }

    fn descriptor(id: &str) -> &'static dyn Descriptor {
        hookbridge_adapters::registry::find(id).unwrap()
    }

    #[test]
    fn the_registry_declares_no_conflicting_flags() {
        assert_eq!(conflicts(), [], "two providers declare the same option flag differently");
        let credential_flags: Vec<_> = crate::credentials::specs().map(|s| s.flag).collect();
        for spec in specs() {
            assert!(!credential_flags.contains(&spec.flag), "--{} is also a credential flag", spec.flag);
            assert!(spec.default.is_none_or(|d| spec.allows(d)), "--{}: the default is one of the values", spec.flag);
            assert!(!spec.values.is_empty(), "--{} takes at least one value", spec.flag);
        }
        Options::augment_args(Command::new("t")).debug_assert();
        Cli::command().debug_assert();
    }

    #[derive(Debug)]
    struct Fake(&'static ProviderInfo);

    impl Descriptor for Fake {
        fn info(&self) -> &ProviderInfo {
            self.0
        }
        fn events(&self) -> EventNames {
            EventNames::open([])
        }
        fn client(&self, _: &ClientSettings) -> Result<ClientSetup, SetupError> {
            Err(SetupError::MissingBaseUrl { provider: self.id() })
        }
    }

    const MODE: ClientOption = ClientOption::new("mode", "The mode", &[("a", "first"), ("b", "second")]);
    static ONE: ProviderInfo = ProviderInfo::new(ProviderId::new("one"), "One", "x").options(&[MODE]);
    static TWO: ProviderInfo = ProviderInfo::new(ProviderId::new("two"), "Two", "x").options(&[MODE]);
    static THREE: ProviderInfo = ProviderInfo::new(ProviderId::new("three"), "Three", "x")
        .options(&[ClientOption::new("mode", "Another mode", &[("c", "third")])]);

    #[test]
    fn identical_declarations_share_a_flag_and_different_ones_conflict() {
        let (one, two, three) = (Fake(&ONE), Fake(&TWO), Fake(&THREE));
        let (specs, conflicts) = table([&one as &dyn Descriptor, &two]);
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].providers, [ProviderId::new("one"), ProviderId::new("two")]);
        assert_eq!(conflicts, []);
        let (specs, conflicts) = table([&one as &dyn Descriptor, &three, &two]);
        assert_eq!((specs.len(), specs[0].option), (1, &MODE), "the first declaration keeps the flag");
        assert_eq!(
            conflicts,
            [Conflict { flag: "mode", provider: ProviderId::new("three"), taken_by: ProviderId::new("one") }]
        );
        // The shared flag builds one argument; clap accepts the command.
        specs.iter().fold(Command::new("t"), |cmd, spec| cmd.arg(spec.arg())).debug_assert();
        // A value goes to every provider declaring the option identically, not to the other one.
        let options = Options { values: vec![(&MODE, "b".to_owned())] };
        assert_eq!(options.for_provider(&two).collect::<Vec<_>>(), [("mode", "b")]);
        assert_eq!(options.for_provider(&three).count(), 0);
    }

    #[test]
    fn help_shows_the_values_and_the_default_under_connection() {
        let mut cmd = Cli::command();
        let list = cmd.find_subcommand_mut("endpoints").unwrap().find_subcommand_mut("list").unwrap();
        let long = list.render_long_help().to_string();
        // The Connection section, up to the next heading (a line starting with a letter).
        let connection = long.split("\nConnection:\n").nth(1).unwrap();
        let section: Vec<&str> =
            connection.lines().take_while(|line| line.is_empty() || line.starts_with(' ')).collect();
        let section = section.join("\n");
        let flag = section.find("--signing-scheme <VARIANT>").unwrap();
        let text = &section[flag..];
        assert!(text.contains("Which of Bitnob's two documented signing variants to use"), "{text}");
        assert!(text.contains("[default: colon-separated-hex]"), "{text}");
        assert!(text.contains("- colon-separated-hex: hex HMAC-SHA256"), "{text}");
        assert!(text.contains("- concatenated-base64: base64 HMAC-SHA256"), "{text}");
        let short = list.render_help().to_string();
        assert!(short.contains("[possible values: colon-separated-hex, concatenated-base64]"), "{short}");
    }

    #[test]
    fn a_value_not_declared_is_a_usage_error() {
        let err = connection(&["--provider", "bitnob", "--signing-scheme", "sha1"]).unwrap_err();
        assert_eq!((err.kind(), err.exit_code()), (clap::error::ErrorKind::InvalidValue, 2));
        let text = err.to_string();
        assert!(text.contains("'sha1'") && text.contains("colon-separated-hex, concatenated-base64"), "{text}");
        let err = connection(&["--provider", "bitnob", "--signing-scheme"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn a_given_value_reaches_the_settings_of_the_providers_declaring_it() {
        let limits = hookbridge_core::PageLimits::default();
        let bitnob = descriptor("bitnob");
        let conn = connection(&["--provider", "bitnob", "--signing-scheme", "concatenated-base64"]).unwrap();
        assert_eq!(conn.options.get("signing-scheme"), Some("concatenated-base64"));
        let settings = crate::endpoints::settings(bitnob, &conn, limits).unwrap();
        assert_eq!(settings.get_option("signing-scheme"), Some("concatenated-base64"));
        assert_eq!(settings.option_value(bitnob, "signing-scheme").unwrap(), Some("concatenated-base64"));
        // Another provider's settings never see it.
        let chip = crate::endpoints::settings(descriptor("chip"), &conn, limits).unwrap();
        assert_eq!(chip.get_option("signing-scheme"), None);
        // Not given: nothing is set, and the provider applies its declared default.
        let conn = connection(&["--provider", "bitnob"]).unwrap();
        assert_eq!((conn.options.get("signing-scheme"), format!("{:?}", conn.options)), (None, "{}".to_owned()));
        let settings = crate::endpoints::settings(bitnob, &conn, limits).unwrap();
        assert_eq!(settings.get_option("signing-scheme"), None);
        assert_eq!(settings.option_value(bitnob, "signing-scheme").unwrap(), Some("colon-separated-hex"));
    }
}
