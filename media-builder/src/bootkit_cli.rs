//! `media-builder bootkit` and `media-builder demo build`: arguments and
//! the summary printed; the work is in the `bootkit` crate (`bootkit::build`,
//! `bootkit::demo`).

use std::path::PathBuf;

use anyhow::{Context, Result};
use bootkit::demo;
use clap::{Args, Subcommand};

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
    /// A public key the installer trusts (repeat for several)
    #[arg(long = "trust", value_name = "NAME.pub")]
    pub trust: Vec<PathBuf>,
    /// Do not trust the Demo Engine key (whose private half is public)
    #[arg(long)]
    pub no_demo_key: bool,
    /// Default kernel command line of the media
    #[arg(long, value_name = "ARGS", default_value = bootkit::DEFAULT_CMDLINE)]
    pub cmdline: String,
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
        demo_key: !a.no_demo_key,
        cmdline: a.cmdline,
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
    Ok(())
}

pub fn demo_build(a: DemoBuildArgs) -> Result<()> {
    let built = demo::build(&demo::DemoSpec {
        out: a.out,
        cache: a.cache,
        broken: a.broken,
        key: a.key,
        media_builder: std::env::current_exe().context("finding media-builder itself")?,
    })?;
    for p in built {
        println!("{}", p.display());
    }
    Ok(())
}
