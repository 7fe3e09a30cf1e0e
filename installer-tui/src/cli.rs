//! Command line of the installer.

use clap::{Args, Parser, Subcommand};
use install::PartitionSizes;
use std::path::PathBuf;

use crate::l10n::{t, Lang};

/// Ferry installer: upgrade or reinstall this machine from the boot medium.
///
/// Without a subcommand it runs the interactive installer: at boot on the
/// boot medium and the machine's disks, or, with --medium and --disk, on a
/// medium directory or ISO and disk image files (simulation).
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cmd {
    /// What to do; none: the interactive installer.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of the interactive installer.
    #[command(flatten)]
    pub tui: TuiArgs,
}

/// Options of the interactive installer (no subcommand).
#[derive(Debug, Args)]
pub struct TuiArgs {
    /// The medium: a directory holding ferry/*.upg, a Ferry ISO or USB
    /// image; default at boot: the medium the machine booted from.
    #[arg(long, value_name = "DIR|FILE.iso")]
    pub medium: Option<PathBuf>,
    /// A disk or image file to offer (repeatable); default at boot: every
    /// disk of the machine but the medium.
    #[arg(long = "disk", value_name = "IMAGE")]
    pub disks: Vec<PathBuf>,
    /// A public key (PEM) to trust (repeatable); default at boot:
    /// /etc/ferry/keys/*.pub.
    #[arg(long, value_name = "KEY.pub")]
    pub trust: Vec<PathBuf>,
    /// Answer file for an unattended run.
    #[arg(long, value_name = "FILE.toml")]
    pub answer: Option<PathBuf>,
    /// systemd-boot's EFI binary, for install and wipe.
    #[arg(long, value_name = "FILE.efi")]
    pub boot_loader: Option<PathBuf>,
    /// The shim signed by Microsoft that starts systemd-boot with Secure
    /// Boot on (needs --mok-manager) [default at boot: Debian's, in the
    /// initramfs]
    #[arg(long, value_name = "FILE.efi", requires = "mok_manager")]
    pub shim: Option<PathBuf>,
    /// MokManager, written beside the shim
    #[arg(long, value_name = "FILE.efi", requires = "shim")]
    pub mok_manager: Option<PathBuf>,
    /// Partition sizes in MiB for a new layout: ESP,ROOT,CONFIG,MIN_DATA,
    /// instead of the release's install definition (for tests on small
    /// images).
    #[arg(long, value_name = "E,R,C,D", value_parser = parse_layout)]
    pub layout_mib: Option<PartitionSizes>,
    /// Write lock shared with other installer instances (default at boot:
    /// /run/ferry.lock).
    #[arg(long, value_name = "FILE")]
    pub lock: Option<PathBuf>,
    /// Append the log to this file (default at boot:
    /// /run/ferry-installer.log).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Language of the screens: en or fr (at boot: ferry.lang=; an answer
    /// file's language comes first).
    #[arg(long, value_name = "CODE", value_parser = parse_lang)]
    pub lang: Option<Lang>,
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
    /// Print one of the boot medium's messages in the language of
    /// ferry.lang= (for the medium's init).
    Say(SayArgs),
}

/// Arguments of `say`.
#[derive(Debug, Args)]
pub struct SayArgs {
    /// The language (en, fr); default: ferry.lang= of /proc/cmdline, else
    /// English.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// The message's identifier in the catalog (boot-starting, ...).
    pub id: String,
    /// The message's arguments.
    #[arg(value_name = "NAME=VALUE")]
    pub args: Vec<String>,
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
    /// Answer file (the unattended installer's format): its disk selector
    /// must pick --disk, its action applies without --action, its [config]
    /// values set the configuration of a fresh install.
    #[arg(long = "answer", alias = "answers", value_name = "FILE.toml")]
    pub answers: Option<PathBuf>,
    /// systemd-boot's EFI binary, for install and wipe.
    #[arg(long, value_name = "FILE.efi")]
    pub boot_loader: Option<PathBuf>,
    /// The shim signed by Microsoft that starts systemd-boot with Secure
    /// Boot on (needs --mok-manager)
    #[arg(long, value_name = "FILE.efi", requires = "mok_manager")]
    pub shim: Option<PathBuf>,
    /// MokManager, written beside the shim
    #[arg(long, value_name = "FILE.efi", requires = "shim")]
    pub mok_manager: Option<PathBuf>,
    /// Partition sizes in MiB for a new layout: ESP,ROOT,CONFIG,MIN_DATA,
    /// instead of the release's install definition (for tests on small
    /// images).
    #[arg(long, value_name = "E,R,C,D", value_parser = parse_layout)]
    pub layout_mib: Option<PartitionSizes>,
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
    /// Install the running release again in the other slot, keeping
    /// configuration and data.
    Repair,
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

/// `--lang CODE`: a language the installer speaks. The refusal is in the
/// language of `ferry.lang=` (set before the command line is read).
fn parse_lang(code: &str) -> Result<Lang, String> {
    Lang::from_code(code).ok_or_else(|| {
        let known: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
        t!("cli-lang-unknown", code = code, known = known.join(", "))
    })
}

/// `--layout-mib ESP,ROOT,CONFIG,MIN_DATA`: four sizes in MiB.
fn parse_layout(l: &str) -> Result<PartitionSizes, String> {
    let expected = || t!("cli-layout-expected", layout = l);
    let mib: Vec<u64> = l
        .split(',')
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_mul(1 << 20))
        })
        .collect::<Option<_>>()
        .ok_or_else(expected)?;
    let [esp, root, config, min_data] = mib[..] else {
        return Err(expected());
    };
    Ok(PartitionSizes {
        esp,
        root,
        config,
        min_data,
    })
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
        let Some(Command::Detect(args)) = cmd.command else {
            panic!("not detect");
        };
        assert!(args.json);
        assert_eq!(args.disks.len(), 2);
    }

    #[test]
    fn layout_sizes_are_four_numbers_of_mib() {
        let s = parse_layout("40, 8,36,4").expect("four sizes");
        assert_eq!(
            (s.esp, s.root, s.config, s.min_data),
            (40 << 20, 8 << 20, 36 << 20, 4 << 20)
        );
        for bad in [
            "40,8,36",
            "40,8,36,4,1",
            "40,8,x,4",
            "",
            "18446744073709551615,1,1,1",
        ] {
            let e = parse_layout(bad).expect_err(bad);
            assert!(e.contains("four sizes in MiB"), "{e}");
        }
    }
}
