//! Command line of the installer.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Ferry installer: upgrade or reinstall this machine from the boot medium.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cmd {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what is installed on the machine's disks (or on disk images).
    Detect(DetectArgs),
    /// Show how an upgrade would migrate a configuration (with --dry-run).
    Migrate(MigrateArgs),
}

/// Arguments of `detect`.
#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Print the reports as JSON.
    #[arg(long)]
    pub json: bool,
    /// Leave out this device (the installer's own boot medium); repeatable.
    #[arg(long, value_name = "DEVICE")]
    pub exclude: Vec<PathBuf>,
    /// Disks or image files to look at; default: every disk of the machine.
    #[arg(value_name = "DISK_OR_IMAGE")]
    pub disks: Vec<PathBuf>,
}

/// Arguments of `migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Show the changes and the diff of every document; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The configuration directory of the installed slot (holds ferry.toml).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// The payload whose migrations to run.
    #[arg(long, value_name = "FILE.upg")]
    pub payload: PathBuf,
    /// A public key to trust (repeatable); the payload must verify.
    #[arg(long = "trust", value_name = "KEY.pub", required = true)]
    pub trust: Vec<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cmd::command().debug_assert();
    }

    #[test]
    fn parses_detect() {
        let cmd = Cmd::try_parse_from(["installer-tui", "detect", "--json", "a.img", "b.img"])
            .expect("parse");
        let Command::Detect(args) = cmd.command else {
            panic!("not detect");
        };
        assert!(args.json);
        assert_eq!(args.disks.len(), 2);
    }
}
