//! Running `media-builder` as an admin does, for the CLI tests.
#![allow(clippy::unwrap_used, dead_code)]

pub mod kit;

use std::path::Path;
use std::process::{Command, Output};

/// The components a release carries besides its root image (`payload
/// build` refuses a release without them), as `--component` arguments
/// naming the stand-ins [`write_boot_parts`] writes.
pub const BOOT_PARTS: [&str; 6] = [
    "--component",
    "vmlinuz=vmlinuz",
    "--component",
    "initrd.img=initrd.img",
    "--component",
    "config-engine.toml=config-engine.toml",
];

/// Small stand-ins for a release's kernel, initrd and default
/// configuration in `dir`: these tests check payloads and media, not
/// booting.
pub fn write_boot_parts(dir: &Path) {
    std::fs::write(dir.join("vmlinuz"), vec![0x5a; 4096]).unwrap();
    std::fs::write(dir.join("initrd.img"), vec![0x17; 4096]).unwrap();
    std::fs::write(
        dir.join("config-engine.toml"),
        "[host]\nname = \"engine-01\"\n",
    )
    .unwrap();
}

/// `media-builder ARGS` in `dir`, with a fixed `SOURCE_DATE_EPOCH`.
pub fn mb(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_media-builder"))
        .args(args)
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap()
}

/// Runs it, expecting success; returns its output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = mb(dir, args);
    assert!(
        out.status.success(),
        "media-builder {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs it, expecting failure; returns its error output.
pub fn fails(dir: &Path, args: &[&str]) -> String {
    let out = mb(dir, args);
    assert!(!out.status.success(), "media-builder {args:?} succeeded");
    String::from_utf8(out.stderr).unwrap()
}
