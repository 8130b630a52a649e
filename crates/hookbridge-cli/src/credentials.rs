//! Provider credentials, declared as a table and parsed by clap.
//!
//! Each provider lists the credentials its client needs as [`CredentialSpec`]s: the flag, the
//! environment variable, the help line, and whether the value is a secret. [`Credentials`]
//! implements [`clap::Args`] by hand from the table ([`specs`], which the registered providers' descriptors declare): one flag per entry, each reading
//! its environment variable through clap's `env` with the value hidden
//! (`hide_env_values`), so `--help` shows `[env: MIEX_API_KEY]` and never what it holds. The
//! values are parsed straight into [`Secret`]s.
//!
//! The generic flags of the management commands (`--api-key`, `--developer-key`, `--client-id`,
//! `--secret-key-file`, in [`crate::cli::ConnectionArgs`]) override these, as they always have:
//! generic flag, then the provider's own flag, then its environment variable. An empty value
//! (flag or variable) counts as unset.
//!
//! ```
//! use clap::Parser as _;
//! use hookbridge_cli::cli::{Cli, Command, EndpointsCommand};
//!
//! let cli = Cli::try_parse_from([
//!     "hookbridge", "endpoints", "list", "--provider", "chip", "--chip-api-key", "chip-key-123",
//! ])?;
//! let Command::Endpoints(endpoints) = cli.command else { unreachable!() };
//! let EndpointsCommand::List(list) = endpoints.command else { unreachable!() };
//! let key = list.target.connection.credentials.get("CHIP_API_KEY").expect("given as a flag");
//! assert_eq!(key.expose(), "chip-key-123");
//! assert!(!format!("{:?}", list.target).contains("chip-key-123"));
//! # Ok::<(), clap::Error>(())
//! ```

use std::convert::Infallible;
use std::fmt;

use clap::builder::ValueParser;
use clap::{Arg, ArgAction, ArgMatches, Args, Command, FromArgMatches};
use hookbridge_core::descriptor::Credential;
use hookbridge_core::{ProviderId, Secret};

use crate::CliError;

/// The help heading the credential flags are listed under.
pub const HEADING: &str = "Credentials";

/// One credential a registered provider's client needs: the provider and its declaration
/// ([`Credential`], from the provider's descriptor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CredentialSpec {
    /// The provider whose client uses it.
    pub provider: ProviderId,
    /// The declaration: flag, environment variable, help, whether it is a secret.
    pub credential: &'static Credential,
}

impl std::ops::Deref for CredentialSpec {
    type Target = Credential;

    fn deref(&self) -> &Credential {
        self.credential
    }
}

impl CredentialSpec {
    /// The clap argument: `--flag <VALUE>`, defaulting to the environment variable, whose value
    /// `--help` and the man page never show.
    pub fn arg(&self) -> Arg {
        let help = if self.secret {
            format!("{}; prefer the environment variable: command lines are visible to other local users", self.help)
        } else {
            self.help.to_owned()
        };
        Arg::new(self.flag)
            .long(self.flag)
            .value_name(self.value_name)
            .help(help)
            .env(self.env)
            .hide_env_values(true)
            .action(ArgAction::Set)
            .value_parser(ValueParser::new(|s: &str| Ok::<_, Infallible>(Secret::new(s))))
            .help_heading(HEADING)
    }
}

/// Every registered provider's credentials, in registry order: the table [`Credentials`] is
/// built from. A provider declares them in its descriptor.
pub fn specs() -> impl Iterator<Item = CredentialSpec> {
    hookbridge_adapters::registry::providers()
        .flat_map(|d| d.credentials().iter().map(move |credential| CredentialSpec { provider: d.id(), credential }))
}

/// The entry for an environment variable.
pub fn spec(env: &str) -> Option<CredentialSpec> {
    specs().find(|s| s.env == env)
}

/// The credentials given on the command line or in the environment, one per [`SPECS`] entry
/// that has a non-empty value. See the [module documentation](self).
#[derive(Clone, Default)]
pub struct Credentials {
    values: Vec<(CredentialSpec, Secret)>,
}

impl Credentials {
    /// The value of the credential read from `env` (its flag, else the variable), if given.
    pub fn get(&self, env: &str) -> Option<&Secret> {
        self.values.iter().find(|(spec, _)| spec.env == env).map(|(_, value)| value)
    }

    /// These credentials with the one read from `env` set to `value` (as if its flag were
    /// given); for programs that build a command without parsing one. An unknown variable or an
    /// empty value changes nothing.
    pub fn with(mut self, env: &str, value: Secret) -> Self {
        if let Some(spec) = spec(env)
            && !value.is_empty()
        {
            self.values.retain(|(s, _)| s.env != env);
            self.values.push((spec, value));
        }
        self
    }

    /// The credential read from `env`, unless a generic flag (`--api-key`, ...) overrides it:
    /// `overridden` is that flag's name and value (given, it is used as it is, even empty, and
    /// the client judges it). Missing: a usage error naming the environment variable and both
    /// flags.
    pub fn require(&self, env: &str, overridden: (&str, Option<&Secret>)) -> Result<Secret, CliError> {
        let (generic_flag, generic) = overridden;
        if let Some(value) = generic {
            return Ok(value.clone());
        }
        if let Some(value) = self.get(env) {
            return Ok(value.clone());
        }
        Err(match spec(env) {
            Some(spec) => CliError::usage(format!(
                "no {} credentials: set {env} (or pass --{} or {generic_flag})",
                hookbridge_adapters::registry::display_name(spec.provider),
                spec.flag
            )),
            None => CliError::usage(format!("no credentials: set {env} (or pass {generic_flag})")),
        })
    }
}

impl fmt::Debug for Credentials {
    /// The variables given; the values of secrets are `[REDACTED]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (spec, value) in &self.values {
            if spec.secret {
                map.entry(&spec.env, value);
            } else {
                map.entry(&spec.env, &value.expose());
            }
        }
        map.finish()
    }
}

impl FromArgMatches for Credentials {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut values = Vec::new();
        for spec in specs() {
            let value = matches
                .try_get_one::<Secret>(spec.flag)
                .map_err(|e| clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("--{}: {e}", spec.flag)))?;
            if let Some(value) = value.filter(|v| !v.is_empty()) {
                values.push((spec, value.clone()));
            }
        }
        Ok(Self { values })
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        let parsed = Self::from_arg_matches(matches)?;
        for (spec, value) in parsed.values {
            self.values.retain(|(s, _)| s.env != spec.env);
            self.values.push((spec, value));
        }
        Ok(())
    }
}

impl Args for Credentials {
    fn augment_args(cmd: Command) -> Command {
        specs().fold(cmd, |cmd, spec| cmd.arg(spec.arg()))
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        Self::augment_args(cmd)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Credentials {
        let cmd = Credentials::augment_args(Command::new("t").no_binary_name(true));
        Credentials::from_arg_matches(&cmd.try_get_matches_from(args).unwrap()).unwrap()
    }

    #[test]
    fn the_table_is_consistent() {
        let flags: std::collections::BTreeSet<_> = specs().map(|s| s.flag).collect();
        let vars: std::collections::BTreeSet<_> = specs().map(|s| s.env).collect();
        assert_eq!(flags.len(), specs().count(), "flags are unique");
        assert_eq!(vars.len(), specs().count(), "variables are unique");
        for p in hookbridge_adapters::registry::ids() {
            assert!(specs().any(|s| s.provider == p), "{p} has a credential");
        }
        Credentials::augment_args(Command::new("t")).debug_assert();
    }

    #[test]
    fn flags_parse_into_secrets_and_debug_hides_them() {
        let creds = parse(&["--chip-api-key", "chip-key-123", "--bitnob-client-id", "client-7"]);
        assert_eq!(creds.get("CHIP_API_KEY").unwrap().expose(), "chip-key-123");
        assert_eq!(creds.get("BITNOB_CLIENT_ID").unwrap().expose(), "client-7");
        let debug = format!("{creds:?}");
        assert!(!debug.contains("chip-key-123"), "{debug}");
        assert!(debug.contains("CHIP_API_KEY") && debug.contains("client-7"), "{debug}");
    }

    #[test]
    fn an_environment_variable_is_read_through_clap() {
        // A variable every test process has: the mechanism, not the table's names.
        let Ok(path) = std::env::var("PATH") else { return };
        static PATH_KEY: Credential = Credential::secret("PATH", "path-key", "a test key");
        let spec = CredentialSpec { provider: ProviderId::new("acme"), credential: &PATH_KEY };
        let matches = Command::new("t").arg(spec.arg()).try_get_matches_from(["t"]).unwrap();
        assert_eq!(matches.get_one::<Secret>("path-key").unwrap().expose(), path);
        let matches = Command::new("t").arg(spec.arg()).try_get_matches_from(["t", "--path-key", "flag"]).unwrap();
        assert_eq!(matches.get_one::<Secret>("path-key").unwrap().expose(), "flag", "the flag beats the variable");
        let mut help = Command::new("t").arg(spec.arg()).render_help().to_string();
        help.retain(|c| c != '\n');
        assert!(help.contains("[env: PATH]"), "{help}");
        assert!(!help.contains(&path), "{help}");
    }

    #[test]
    fn generic_flags_override_and_missing_credentials_name_the_variable() {
        let creds = parse(&["--miex-api-key", "from-flag"]);
        let generic = Secret::new("generic");
        assert_eq!(creds.require("MIEX_API_KEY", ("--api-key", Some(&generic))).unwrap().expose(), "generic");
        assert_eq!(creds.require("MIEX_API_KEY", ("--api-key", None)).unwrap().expose(), "from-flag");
        let err = creds.require("CHIP_API_KEY", ("--api-key", None)).unwrap_err();
        assert_eq!(
            err,
            CliError::usage("no CHIP Collect credentials: set CHIP_API_KEY (or pass --chip-api-key or --api-key)")
        );
        // Empty counts as unset.
        assert!(parse(&["--chip-api-key", ""]).get("CHIP_API_KEY").is_none());
        assert!(Credentials::default().with("CHIP_API_KEY", Secret::new("")).get("CHIP_API_KEY").is_none());
        assert!(Credentials::default().with("CHIP_API_KEY", Secret::new("k")).get("CHIP_API_KEY").is_some());
    }
}
