//! Scenario P: a product with its own install definition. Its releases
//! are built from its own `release.toml` (the Demo Engine's, with an
//! `[install]` table: a layout for 16 GiB disks, where the default one of
//! about 18 GiB does not fit, its kernel command line and boot title),
//! installed unattended on a 16 GiB disk, started, upgraded unattended and
//! started again.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use detect::Slot;
use iso_tests::{Bus, Firmware, Machine};

/// The product's command line: what its systems must start with.
const CMDLINE: &str = "console=ttyS0,115200 console=tty0 acme.site=lab-7";

const INSTALL: &str = "\n[install]\nesp = \"256 MiB\"\nslot = \"3 GiB\"\nconfig = \"128 MiB\"\n\
    data-min = \"2 GiB\"\ndata-filesystem = \"fat32\"\n\
    cmdline = \"console=ttyS0,115200 console=tty0 acme.site=lab-7\"\ntitle = \"Acme Engine\"\n";

/// The Demo Engine's release `version` built by `media-builder payload
/// build` from its description with the product's `[install]` table added
/// (1.0.0 as the product's first release), into the scenario's directory.
fn product_release(sc: &Scenario, version: &str) -> PathBuf {
    let demo = target().join(format!("demo/build/demo-engine-{version}/payload.toml"));
    let mut release = std::fs::read_to_string(need(demo)).unwrap();
    if version == "1.0.0" {
        let start = release.find("upgrades-from = ").unwrap();
        let end = start + release[start..].find('\n').unwrap();
        release.replace_range(start..end, "upgrades-from = \"none\"");
    }
    // Top-level keys first: the table goes before the components.
    let first = release.find("\n[[component]]").unwrap();
    release.insert_str(first, INSTALL);
    let file = sc.path(&format!("release-{version}.toml"));
    std::fs::write(&file, release).unwrap();
    let out = sc.path(&format!("demo-engine-{version}.upg"));
    let status = Command::new(need(target().join("debug/media-builder")))
        .args(["payload", "build", "--from"])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .status()
        .unwrap();
    assert!(status.success(), "payload build of {}", file.display());
    out
}

/// An ISO of `upg` whose answer file does `action` and powers off.
fn product_iso(sc: &Scenario, upg: &Path, action: &str) -> PathBuf {
    let a = sc.path(&format!("{action}.answer.toml"));
    std::fs::write(&a, answer(action)).unwrap();
    let out = sc.path(&format!("{action}.iso"));
    build_iso_with(&bootkit(), upg, Some(a), "ferry.console=ttyS0", &out).unwrap();
    out
}

/// Starts the disk alone, waits until `version` marked its boot good, and
/// returns the kernel's command line as it printed it.
fn boot_product(sc: &mut Scenario, disk: &Path, version: &str) -> String {
    let m = Machine::new(&format!("{}-disk", sc.name), Firmware::Uefi)
        .memory_mib(512)
        .disk_on(disk, Bus::VirtioBlk);
    let mut vm = sc.boot(&m);
    let line = vm
        .wait_for_line(&format!("DEMO-ENGINE version={version} "), BOOT)
        .unwrap();
    vm.wait_for("DEMO-ENGINE boot-marked-good", SCREEN).unwrap();
    let cmdline = line_with(&vm, "Kernel command line:").unwrap_or_default();
    sc.log(&format!("disk booted{}: {line}", work(&vm)));
    vm.power_cut().unwrap();
    cmdline
}

#[test]
fn a_product_with_its_own_layout_installs_on_16_gib_and_upgrades() {
    let mut sc = Scenario::new("sp-product-layout");
    let first = product_release(&sc, "1.0.0");
    let next = product_release(&sc, "1.1.0");
    let disk = sc.path("disk.img");
    std::fs::File::create(&disk)
        .unwrap()
        .set_len(16 << 30)
        .unwrap();

    let iso = product_iso(&sc, &first, "install");
    unattended(&mut sc, &iso, &disk, "Install complete");
    let t = install::inspect(&disk).unwrap();
    let size = |name: &str| t.partitions.iter().find(|p| p.name == name).unwrap().size;
    assert_eq!(size("ferry-esp"), 256 << 20);
    assert_eq!(size("ferry-root-a"), 3 << 30);
    assert_eq!(size("ferry-root-b"), 3 << 30);
    assert_eq!(size("ferry-config"), 128 << 20);
    let cmdline = boot_product(&mut sc, &disk, "1.0.0");
    assert!(cmdline.contains("ferry.slot=a"), "{cmdline}");
    assert!(cmdline.ends_with(CMDLINE), "{cmdline}");

    let iso = product_iso(&sc, &next, "upgrade");
    unattended(&mut sc, &iso, &disk, "Upgrade complete");
    assert_eq!(boot_default(&disk), Some(Slot::B));
    let cmdline = boot_product(&mut sc, &disk, "1.1.0");
    assert!(cmdline.contains("ferry.slot=b"), "{cmdline}");
    assert!(cmdline.ends_with(CMDLINE), "{cmdline}");
}
