//! `media-builder bootkit` and the keys it puts in the kit: the admin's
//! own, the public demo key only when asked for with `--demo-key`, and
//! never none. The builds use the packages `scripts/bootkit` fetched
//! (`target/bootkit-cache`) and busybox, a static program, as the
//! installer, so no installer is compiled.
#![allow(clippy::unwrap_used)]

mod common;
use common::{fails, mb};
use std::path::{Path, PathBuf};
use std::process::Command;

const DEMO_PUB: &str = "demo-engine/keys/demo-DO-NOT-USE.pub";
const DEMO_FINGERPRINT: &str = "b0a267021f24e7bf0df7626399b78318d70a8ea9a56a344ad18efadb69c36de2";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The package cache `scripts/bootkit` filled.
fn cache() -> PathBuf {
    let cache = workspace().join("target/bootkit-cache");
    assert!(
        cache.join("unpacked").is_dir(),
        "{} is missing: run scripts/bootkit first",
        cache.display()
    );
    cache
}

/// busybox from the cache: a static x86-64 program to stand in for the
/// installer.
fn busybox() -> PathBuf {
    let unpacked = cache().join("unpacked");
    std::fs::read_dir(&unpacked)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("busybox-static_")
        })
        .flat_map(|e| ["bin/busybox", "usr/bin/busybox"].map(|p| e.path().join(p)))
        .find(|p| p.is_file())
        .expect("busybox-static in the cache: run scripts/bootkit first")
}

/// `media-builder bootkit --out kit ARGS` in `d`, with the shared cache
/// and busybox as the installer.
fn bootkit(d: &Path, args: &[&str]) -> std::process::Output {
    let cache = cache();
    let installer = busybox();
    let mut all = vec![
        "bootkit",
        "--out",
        "kit",
        "--cache",
        cache.to_str().unwrap(),
        "--installer",
        installer.to_str().unwrap(),
    ];
    all.extend_from_slice(args);
    mb(d, &all)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The files of the kit's `keys/`, sorted.
fn kit_keys(d: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(d.join("kit/keys"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The keys in the initramfs (`/etc/ferry/keys/`), as gzip and cpio list
/// them.
fn initramfs_keys(d: &Path) -> Vec<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("gzip -dc kit/initrd.img | cpio -t --quiet")
        .current_dir(d)
        .output()
        .expect("sh, gzip and cpio (Debian package cpio)");
    assert!(out.status.success(), "cpio -t: {}", stderr(&out));
    let mut keys: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("etc/ferry/keys/"))
        .map(str::to_string)
        .collect();
    keys.sort();
    keys
}

/// A file where the package cache would go: a build that got as far as
/// fetching would fail on it, for another reason than the one tested.
fn no_cache(d: &Path) {
    std::fs::write(d.join("cache"), "not a directory").unwrap();
}

#[test]
fn a_kit_that_would_trust_no_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    no_cache(d);
    let e = fails(d, &["bootkit", "--out", "kit", "--cache", "cache"]);
    assert!(e.contains("would trust no key"), "{e}");
    assert!(e.contains("--trust"), "{e}");
    assert!(e.contains("--demo-key"), "{e}");
    // Refused before anything was fetched or written.
    assert!(!d.join("kit").exists());
}

#[test]
fn the_demo_key_under_another_name_is_refused_without_demo_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    no_cache(d);
    std::fs::copy(workspace().join(DEMO_PUB), d.join("vendor.pub")).unwrap();
    let e = fails(
        d,
        &[
            "bootkit",
            "--out",
            "kit",
            "--cache",
            "cache",
            "--trust",
            "vendor.pub",
        ],
    );
    assert!(e.contains("vendor.pub is the public demo key"), "{e}");
    assert!(e.contains(DEMO_FINGERPRINT), "{e}");
    assert!(e.contains("--demo-key"), "{e}");
    assert!(!d.join("kit").exists());
}

#[test]
fn the_demo_key_is_in_the_kit_only_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::ok(d, &["key", "generate", "--out", "mine"]);

    // For a demo: both keys, and a warning.
    let out = bootkit(d, &["--demo-key", "--trust", "mine.pub"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(e.contains("WARNING"), "{e}");
    assert!(e.contains("public demo key"), "{e}");
    assert!(e.contains(&DEMO_FINGERPRINT[..16]), "{e}");
    let both = vec!["demo-DO-NOT-USE.pub".to_string(), "mine.pub".to_string()];
    assert_eq!(kit_keys(d), both);
    assert_eq!(initramfs_keys(d), both);

    // The same kit built again for real: the demo key is gone from both,
    // and nothing warns.
    let out = bootkit(d, &["--trust", "mine.pub"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(!e.contains("WARNING"), "{e}");
    assert!(!e.contains("demo key"), "{e}");
    assert_eq!(kit_keys(d), vec!["mine.pub".to_string()]);
    assert_eq!(initramfs_keys(d), vec!["mine.pub".to_string()]);
}
