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
    let cache = testkit::target_dir().join("bootkit-cache");
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

/// The installer initramfs unpacked into `root` (`gzip`, `cpio -id`).
fn unpack_initramfs(d: &Path, root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "gzip -dc {}/kit/initrd.img | cpio -id --quiet",
            d.display()
        ))
        .current_dir(root)
        .output()
        .expect("sh, gzip and cpio (Debian package cpio)");
    assert!(out.status.success(), "cpio -id: {}", stderr(&out));
}

/// What the kit's own busybox `modprobe -D` would load for `name` (a
/// module or a device's modalias) in the unpacked initramfs `root`: the
/// oracle for `modules.dep` and `modules.alias`. busybox looks in
/// `/lib/modules/$(uname -r)`, so the build machine's release is linked
/// to the kit's.
fn modprobe_shows(root: &Path, release: &str, name: &str) -> Vec<String> {
    let host = String::from_utf8(Command::new("uname").arg("-r").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let link = root.join("lib/modules").join(&host);
    if host != release && !link.exists() {
        std::os::unix::fs::symlink(release, &link).unwrap();
    }
    let out = Command::new("chroot")
        .arg(root)
        .args(["/bin/busybox", "modprobe", "-D", name])
        .output()
        .expect("chroot (coreutils; needs root)");
    assert!(out.status.success(), "modprobe -D {name}: {}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("insmod "))
        .map(|p| p.trim().replace(&host, release))
        .collect()
}

/// The disk controllers' drivers are in the initramfs with everything
/// they need, the boot list holds the disk drivers and not the
/// controllers (those load by modalias), `--module` adds a module with its
/// dependencies to the boot list, and a module the kernel lacks is
/// refused before the kit changes.
#[test]
fn disk_controllers_and_added_modules_are_in_the_initramfs() {
    use bootkit::modules::{CONTROLLER_MODULES, DISK_MODULES};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::ok(d, &["key", "generate", "--out", "mine"]);
    let out = bootkit(d, &["--trust", "mine.pub", "--module", "raid1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let root = d.join("root");
    unpack_initramfs(d, &root);
    let mut releases: Vec<String> = std::fs::read_dir(root.join("lib/modules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(releases.len(), 1, "{releases:?}");
    let release = releases.pop().unwrap();
    let boot_list = std::fs::read_to_string(root.join("etc/ferry/modules")).unwrap();
    let file_of = |name: &str| format!("/{}.ko", name.replace('_', "?"));
    let in_list = |name: &str| {
        let pat = file_of(name);
        boot_list.lines().any(|l| {
            let f = &l[l.rfind('/').unwrap_or(0)..];
            f.len() == pat.len()
                && f.chars()
                    .zip(pat.chars())
                    .all(|(a, b)| a == b || (b == '?' && (a == '_' || a == '-')))
        })
    };
    let modules_dir = root.join("lib/modules").join(&release);

    // Every module modprobe would load for each driver, and the driver
    // itself, is a file of the initramfs.
    for name in DISK_MODULES
        .iter()
        .chain(CONTROLLER_MODULES)
        .chain(&["raid1"])
    {
        let paths = modprobe_shows(&root, &release, name);
        assert!(!paths.is_empty(), "modprobe finds no {name}");
        for p in &paths {
            assert!(
                root.join(p.trim_start_matches('/')).is_file(),
                "{name} needs {p}, missing"
            );
        }
        assert_eq!(
            in_list(name),
            !CONTROLLER_MODULES.contains(name),
            "{name} in the boot list:\n{boot_list}"
        );
    }
    // raid1 needs md_mod, loaded first.
    let raid1 = modprobe_shows(&root, &release, "raid1");
    assert!(raid1.first().unwrap().ends_with("/md-mod.ko"), "{raid1:?}");
    let md = boot_list
        .find("md-mod.ko")
        .expect("md-mod in the boot list");
    assert!(md < boot_list.find("raid1.ko").unwrap(), "{boot_list}");

    // Devices as sysfs gives their modalias: QEMU's MegaRAID (LSI 1078),
    // an Intel VMD, QEMU's SD host controller. modprobe finds the driver.
    for (modalias, driver) in [
        (
            "pci:v00001000d00000060sv00001000sd00001013bc01sc04i00",
            "megaraid_sas.ko",
        ),
        (
            "pci:v00008086d0000467Fsv00008086sd00000000bc01sc04i00",
            "vmd.ko",
        ),
        (
            "pci:v00001B36d00000007sv00001AF4sd00001100bc08sc05i01",
            "sdhci-pci.ko",
        ),
        (
            "pci:v00001000d00000097sv00001000sd000030E0bc01sc07i00",
            "mpt3sas.ko",
        ),
    ] {
        let paths = modprobe_shows(&root, &release, modalias);
        assert!(
            paths.last().is_some_and(|p| p.ends_with(driver)),
            "{modalias}: {paths:?}"
        );
    }
    assert!(modules_dir.join("modules.alias").is_file());
    assert!(root.join("bin/ferry-load-modules").is_file());

    // A module the kernel does not have: refused, naming it; the kit is
    // as it was.
    let before = std::fs::read(d.join("kit/initrd.img")).unwrap();
    let out = bootkit(d, &["--trust", "mine.pub", "--module", "no_such_driver"]);
    assert!(!out.status.success());
    let e = stderr(&out);
    assert!(e.contains("the kernel has no module no_such_driver"), "{e}");
    assert_eq!(std::fs::read(d.join("kit/initrd.img")).unwrap(), before);
}
