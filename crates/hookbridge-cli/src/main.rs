//! The `hookbridge` binary: parses the command line and hands it to [`hookbridge_cli::run`].

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    // Usage errors exit with clap's code 2; `--help` / `--version` with 0.
    let cli = hookbridge_cli::cli::Cli::parse();
    hookbridge_cli::run(cli)
}
