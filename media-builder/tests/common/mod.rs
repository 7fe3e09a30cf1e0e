//! Running `media-builder` as an admin does, for the CLI tests.
#![allow(clippy::unwrap_used, dead_code)]

pub mod kit;

use std::path::Path;
use std::process::{Command, Output};

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
