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
        let Command::Detect(args) = cmd.command;
        assert!(args.json);
        assert_eq!(args.disks.len(), 2);
    }
}
