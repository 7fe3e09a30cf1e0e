//! Command-line definitions of the media commands: iso, usb-image, usb.

use std::path::PathBuf;

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct IsoArgs {
    #[command(subcommand)]
    pub command: Option<IsoCommand>,
    #[command(flatten)]
    pub build: IsoBuildArgs,
}

#[derive(Debug, Args)]
pub struct IsoBuildArgs {
    /// Boot kit directory (from `media-builder bootkit`)
    #[arg(long, value_name = "DIR", default_value = "target/bootkit")]
    pub bootkit: PathBuf,
    /// A signed payload to carry; repeat for several releases and
    /// hotfixes of one product
    #[arg(long, value_name = "FILE.upg")]
    pub payload: Vec<PathBuf>,
    /// An answer file for unattended installs, put at /ferry/answer.toml
    #[arg(long, value_name = "FILE")]
    pub answer: Option<PathBuf>,
    /// More kernel command line for the installer, e.g. "console=ttyS0"
    #[arg(long, value_name = "ARGS", default_value = "")]
    pub cmdline: String,
    /// Build from a payload that does not verify (development only)
    #[arg(long)]
    pub unsigned_ok: bool,
    /// Also implant an MD5 that checkisomd5 (isomd5sum) can check
    #[arg(long)]
    pub isomd5: bool,
    /// The ISO to write
    #[arg(long, value_name = "FILE.iso")]
    pub out: Option<PathBuf>,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum IsoCommand {
    /// Put an answer file and boot parameters into an existing ISO,
    /// writing a new one
    Customize(IsoCustomizeArgs),
    /// Check an ISO's embedded checksum, as the installer's "check this
    /// medium" does
    Check(IsoCheckArgs),
}

#[derive(Debug, Args)]
pub struct IsoCustomizeArgs {
    /// The ISO to start from
    pub iso: PathBuf,
    /// Answer file to embed (replaces one already there)
    #[arg(long, value_name = "FILE")]
    pub answer: Option<PathBuf>,
    /// Kernel command line to add (replaces earlier additions)
    #[arg(long, value_name = "ARGS")]
    pub cmdline: Option<String>,
    /// Also implant an MD5 that checkisomd5 can check
    #[arg(long)]
    pub isomd5: bool,
    /// The new ISO
    #[arg(long, value_name = "NEW.iso")]
    pub out: PathBuf,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IsoCheckArgs {
    /// An ISO file or a DVD/stick device
    pub iso: PathBuf,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UsbImageArgs {
    /// Boot kit directory (from `media-builder bootkit`)
    #[arg(long, value_name = "DIR", default_value = "target/bootkit")]
    pub bootkit: PathBuf,
    /// A signed payload to carry; repeat for several releases and
    /// hotfixes of one product
    #[arg(long, value_name = "FILE.upg", required = true)]
    pub payload: Vec<PathBuf>,
    /// An answer file, put at ferry/answer.toml
    #[arg(long, value_name = "FILE")]
    pub answer: Option<PathBuf>,
    /// More kernel command line for the installer
    #[arg(long, value_name = "ARGS", default_value = "")]
    pub cmdline: String,
    /// Image size, e.g. 8G or 4000M [default: what the files need + 256 MiB]
    #[arg(long, value_name = "N", value_parser = units::parse_size)]
    pub size: Option<u64>,
    /// Build from a payload that does not verify (development only)
    #[arg(long)]
    pub unsigned_ok: bool,
    /// Logical sector size of the sticks it is for: 512, or 4096 for the
    /// few (USB-NVMe enclosures) whose disks have 4 KiB sectors; an image
    /// boots only from sticks of its sector size
    #[arg(long, value_name = "BYTES", default_value_t = 512, value_parser = sector_size)]
    pub sector_size: u64,
    /// The image to write
    #[arg(long, value_name = "FILE.img")]
    pub out: PathBuf,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum UsbCommand {
    /// Write an image to one or more USB sticks (or image files)
    Write(UsbWriteArgs),
}

#[derive(Debug, Args)]
pub struct UsbWriteArgs {
    /// The ISO or USB image to write
    pub image: PathBuf,
    /// Sticks (/dev/sdX) to write it to (image files with --file-ok)
    #[arg(required = true)]
    pub devices: Vec<PathBuf>,
    /// Write to a disk even if it is not removable (never to a mounted
    /// disk or the running system's)
    #[arg(long)]
    pub force: bool,
    /// Also write to existing regular files (image files), not only to
    /// disks
    #[arg(long)]
    pub file_ok: bool,
    /// Do not ask for confirmation
    #[arg(long)]
    pub yes: bool,
    /// Skip reading the devices back
    #[arg(long)]
    pub no_verify: bool,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

/// `--sector-size`: 512 or 4096.
fn sector_size(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(n) if media::usb::image::SECTOR_SIZES.contains(&n) => Ok(n),
        _ => Err(format!("{s}: a stick has sectors of 512 or 4096 bytes")),
    }
}
