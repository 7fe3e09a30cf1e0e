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
    /// Check an install, upgrade or hotfix and print its steps; writes nothing.
    Plan(PlanArgs),
    /// Carry out an install, upgrade or hotfix.
    Apply(ApplyArgs),
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

/// Arguments of `plan` (and the first part of `apply`'s).
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The payload (.upg) to install.
    #[arg(long, value_name = "FILE.upg")]
    pub payload: PathBuf,
    /// A public key (PEM) the installer trusts; repeatable.
    #[arg(long, value_name = "KEY.pub", required = true)]
    pub trust: Vec<PathBuf>,
    /// The disk or image file to install on.
    #[arg(long, value_name = "DISK_OR_IMAGE")]
    pub disk: PathBuf,
    /// What to do; default: upgrade (or hotfix) an installation, install on
    /// a blank disk.
    #[arg(long, value_enum)]
    pub action: Option<ActionArg>,
    /// Answer file: configuration values for a fresh install.
    #[arg(long, value_name = "FILE.toml")]
    pub answers: Option<PathBuf>,
    /// systemd-boot's EFI binary, for install and wipe.
    #[arg(long, value_name = "FILE.efi")]
    pub boot_loader: Option<PathBuf>,
    /// Partition sizes in MiB for a new layout: ESP,ROOT,CONFIG,MIN_DATA
    /// (default from the product layout: 512,8192,256,1024).
    #[arg(long, value_name = "E,R,C,D")]
    pub layout_mib: Option<String>,
    /// Print the plan as JSON.
    #[arg(long)]
    pub json: bool,
}

/// The action, as typed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ActionArg {
    /// Install on a blank disk.
    Install,
    /// Install a newer release, keeping the configuration.
    Upgrade,
    /// Erase the disk and install.
    Wipe,
    /// Apply a hotfix to the running release.
    Hotfix,
}

/// Arguments of `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// What to install, where.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Carry the plan out without asking.
    #[arg(long)]
    pub yes: bool,
    /// Directory for a copy of the report (default: `reports/` next to the
    /// payload, when writable).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,
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
