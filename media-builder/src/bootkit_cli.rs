//! `media-builder bootkit` and `media-builder demo build`: arguments and
//! the summary printed; the work is in the `bootkit` crate (`bootkit::build`,
//! `bootkit::demo`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use bootkit::demo;
use clap::{Args, Subcommand};
use payload::Fingerprint;

#[derive(Debug, Args)]
pub struct BootkitArgs {
    /// Where to write the boot kit
    #[arg(long, value_name = "DIR", default_value = "target/bootkit")]
    pub out: PathBuf,
    /// Downloaded and unpacked Debian packages
    #[arg(long, value_name = "DIR", default_value = "target/bootkit-cache")]
    pub cache: PathBuf,
    /// A static installer-tui to use [default: build one with cargo]
    #[arg(long, value_name = "PATH")]
    pub installer: Option<PathBuf>,
    /// A public key the installer trusts (repeat for several); at least
    /// one, unless --demo-key
    #[arg(long = "trust", value_name = "NAME.pub")]
    pub trust: Vec<PathBuf>,
    /// Also trust the Demo Engine key, whose private half is published:
    /// anyone can sign software for such media. For demos and tests only
    #[arg(long)]
    pub demo_key: bool,
    /// The default since the demo key is trusted only with --demo-key;
    /// still accepted
    #[arg(long, hide = true, conflicts_with = "demo_key")]
    pub no_demo_key: bool,
    /// Default kernel command line of the media
    #[arg(long, value_name = "ARGS", default_value = bootkit::DEFAULT_CMDLINE)]
    pub cmdline: String,
    /// A kernel module the installer loads at boot, with its dependencies
    /// (repeat for several; e.g. a disk controller's driver the kit lacks)
    #[arg(long = "module", value_name = "NAME")]
    pub modules: Vec<String>,
    /// The product's own shim (signed by Microsoft, carrying the product's
    /// certificate) instead of Debian's, as \EFI\BOOT\BOOTX64.EFI
    #[arg(long, value_name = "FILE.efi")]
    pub shim: Option<PathBuf>,
    /// The MokManager that goes with --shim (mmx64.efi)
    #[arg(long, value_name = "FILE.efi")]
    pub mok_manager: Option<PathBuf>,
    /// systemd-boot signed with the product's key, which the shim starts
    /// (as grubx64.efi) [default: Debian's signed systemd-boot]
    #[arg(long, value_name = "FILE.efi")]
    pub boot_loader: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Build the signed Demo Engine releases 1.0.0, 1.1.0 (and hotfix
    /// hf1) and 2.0.0
    Build(DemoBuildArgs),
}

#[derive(Debug, Args)]
pub struct DemoBuildArgs {
    /// Where to write the payloads
    #[arg(long, value_name = "DIR", default_value = "target/demo")]
    pub out: PathBuf,
    /// Downloaded and unpacked Debian packages (shared with the boot kit)
    #[arg(long, value_name = "DIR", default_value = "target/bootkit-cache")]
    pub cache: PathBuf,
    /// Also build 1.2.0, a release that never marks its boot good
    #[arg(long)]
    pub broken: bool,
    /// Sign with this key [default: demo-engine/keys/demo-DO-NOT-USE.key]
    #[arg(long, value_name = "NAME.key")]
    pub key: Option<PathBuf>,
}

pub fn bootkit(a: BootkitArgs) -> Result<()> {
    let built = bootkit::build(&bootkit::BootkitSpec {
        out: a.out,
        cache: a.cache,
        installer: a.installer,
        trust: a.trust,
        demo_key: a.demo_key,
        cmdline: a.cmdline,
        modules: a.modules,
        secure_boot: bootkit::secureboot::Overrides {
            shim: a.shim,
            mok_manager: a.mok_manager,
            boot_loader: a.boot_loader,
        },
    })?;
    println!(
        "boot kit {}: {}; initrd.img {:.1} MiB with {} modules, kit {:.1} MiB",
        built.out.display(),
        if built.changed {
            "written"
        } else {
            "up to date"
        },
        built.initrd_size as f64 / 1048576.0,
        built.modules,
        built.kit_size as f64 / 1048576.0
    );
    warn_demo_keys(
        &format!("the boot kit {}", built.out.display()),
        &built.demo_keys,
    );
    Ok(())
}

/// Says, on stderr, that `what` (a boot kit, or media made from one)
/// trusts the published demo keys `keys`.
pub fn warn_demo_keys(what: &str, keys: &[Fingerprint]) {
    for fp in keys {
        eprintln!(
            "WARNING: {what} trusts the public demo key {} (its private half is \
             published): anyone can sign software its installer accepts, and the \
             machines it installs will trust that key too. For demos and tests only; \
             for real media build the boot kit with --trust YOUR.pub and without \
             --demo-key.",
            fp.short()
        );
    }
}

pub fn demo_build(a: DemoBuildArgs) -> Result<()> {
    let built = demo::build(&demo::DemoSpec {
        out: a.out,
        cache: a.cache,
        broken: a.broken,
        key: a.key,
        media_builder: std::env::current_exe().context("finding media-builder itself")?,
    })?;
    for b in built {
        println!("{}: {}", b.path.display(), b.root_saving());
    }
    Ok(())
}
