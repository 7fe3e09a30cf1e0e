//! Command-line definitions, kept apart from what the commands do.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "media-builder",
    version,
    about = "Build signed Ferry payloads and the media that install them",
    max_term_width = 80
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create and show signing keys
    #[command(subcommand)]
    Key(KeyCommand),
    /// Build, verify and inspect payloads (.upg)
    #[command(subcommand)]
    Payload(PayloadCommand),
    /// Build a hybrid ISO (DVD, or written raw to a stick; BIOS and UEFI)
    Iso(crate::media_cli::IsoArgs),
    /// Build a USB disk image with a writable FAT partition (UEFI)
    UsbImage(crate::media_cli::UsbImageArgs),
    /// Write images to USB sticks
    #[command(subcommand)]
    Usb(crate::media_cli::UsbCommand),
    /// Build the boot kit: kernel, installer initramfs, boot loaders, keys
    Bootkit(crate::bootkit_cli::BootkitArgs),
    /// The Demo Engine product: build its signed releases
    #[command(subcommand)]
    Demo(crate::bootkit_cli::DemoCommand),
    /// Summarise the installers' reports: one line per machine with the
    /// status of its latest run
    Reports(ReportsArgs),
}

#[derive(Debug, Args)]
pub struct ReportsArgs {
    /// Where the reports are: Ferry sticks (device or image file),
    /// directories (searched, e.g. a mounted stick or copies gathered from
    /// several) or report files (.json)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print JSON, for a management server
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print CSV (RFC 4180), for a spreadsheet
    #[arg(long)]
    pub csv: bool,
}

/// How `reports` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportsFormat {
    Text,
    Json,
    Csv,
}

impl ReportsArgs {
    pub fn format(&self) -> ReportsFormat {
        match (self.json, self.csv) {
            (true, _) => ReportsFormat::Json,
            (_, true) => ReportsFormat::Csv,
            _ => ReportsFormat::Text,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Generate an ed25519 key pair: NAME.key (private, mode 0600) and
    /// NAME.pub (public, to give to installers)
    Generate(KeyGenerateArgs),
    /// Print the fingerprint of a public or private key file
    Show(KeyShowArgs),
}

#[derive(Debug, Args)]
pub struct KeyGenerateArgs {
    /// Path and base name of the key files, without extension:
    /// keys/release-2026 writes keys/release-2026.key and
    /// keys/release-2026.pub. Its directory must exist; a directory alone,
    /// a hidden name (.NAME) or a .key or .pub extension is refused
    #[arg(long, value_name = "NAME")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct KeyShowArgs {
    /// A NAME.key or NAME.pub file
    pub file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum PayloadCommand {
    /// Hash and sign a release or hotfix into one payload file
    Build(Box<PayloadBuildArgs>),
    /// Check a payload's signature and every byte of its components
    Verify(PayloadVerifyArgs),
    /// Show what a payload contains, without checking its signature
    Inspect(PayloadInspectArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Release,
    Hotfix,
}

#[derive(Debug, Args)]
pub struct PayloadBuildArgs {
    /// A TOML description of the payload; options given as well override it
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Product id, e.g. demo-engine
    #[arg(long, value_name = "ID")]
    pub product: Option<String>,
    /// Release version (semver), e.g. 1.1.0; for a hotfix, the release it fixes
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// What the payload is
    #[arg(long, value_enum)]
    pub kind: Option<KindArg>,
    /// Release: installed versions it may upgrade, e.g. ">=1.0.0, <1.1.0",
    /// or "none" for the product's first release [default: one release
    /// back]
    #[arg(long, value_name = "REQ")]
    pub upgrades_from: Option<String>,
    /// Hotfix: its id, e.g. hf1
    #[arg(long, value_name = "ID")]
    pub hotfix_id: Option<String>,
    /// Oldest installer version that can install this payload [default: 0.1.0]
    #[arg(long, value_name = "VERSION")]
    pub min_installer: Option<String>,
    /// Configuration schema version the release expects
    #[arg(long, value_name = "N")]
    pub config_schema: Option<u32>,
    /// A component: its name in the payload and the file it comes from;
    /// repeat in the order they should be written
    #[arg(long = "component", value_name = "NAME=FILE")]
    pub components: Vec<String>,
    /// Private key to sign with (repeat to sign with several, e.g. while
    /// moving to a new key)
    #[arg(long = "key", value_name = "NAME.key")]
    pub keys: Vec<PathBuf>,
    /// Ask installed systems to trust this public key from now on
    #[arg(long = "trust-add", value_name = "NAME.pub")]
    pub trust_add: Vec<PathBuf>,
    /// Ask installed systems to stop trusting the key with this fingerprint
    #[arg(long = "revoke", value_name = "FINGERPRINT")]
    pub revoke: Vec<String>,
    /// Bytes per verified chunk, a power of two from 64 KiB to 16 MiB
    #[arg(long, value_name = "BYTES")]
    pub chunk_size: Option<u64>,
    /// How image components (NAME.img) are stored: zstd[:LEVEL] compresses
    /// each chunk on every core (format 2); none stores them as they are
    /// (format 1, which older installers read) [default: zstd:3]
    #[arg(long, value_name = "zstd[:LEVEL]|none")]
    pub compress: Option<String>,
    /// Output file, or a directory to write PRODUCT-VERSION.upg into
    /// [default: PRODUCT-VERSION.upg in the current directory]
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PayloadVerifyArgs {
    /// A public key to trust (repeat for several)
    #[arg(long = "trust", value_name = "NAME.pub", required = true)]
    pub trust: Vec<PathBuf>,
    /// Fingerprint of a revoked key, refused even if trusted
    #[arg(long = "revoked", value_name = "FINGERPRINT")]
    pub revoked: Vec<String>,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
    /// The payload file
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct PayloadInspectArgs {
    /// Print the manifest and signatures as JSON
    #[arg(long)]
    pub json: bool,
    /// The payload file
    pub file: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn usb_image_size_reads_the_size_grammar() {
        let size = |s: &str| {
            let args = [
                "media-builder",
                "usb-image",
                "--bootkit",
                "k",
                "--payload",
                "p.upg",
            ];
            Cli::try_parse_from(args.into_iter().chain(["--size", s, "--out", "x.img"]))
                .map(|cli| match cli.command {
                    Command::UsbImage(a) => a.size,
                    _ => None,
                })
                .map_err(|e| e.to_string())
        };
        assert_eq!(size("8G"), Ok(Some(8 << 30)));
        assert_eq!(size("4000 MiB"), Ok(Some(4000 << 20)));
        let e = size("99999999999999999999T").expect_err("overflow");
        assert!(e.contains("too large a size"), "{e}");
        let e = size("8X").expect_err("unit");
        assert!(e.contains("is not a unit"), "{e}");
    }
}
