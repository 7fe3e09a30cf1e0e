//! Scenarios 4, 5 and 6: upgrades through the screens and from an answer
//! file keep and migrate the configuration; refused upgrades say why and
//! change nothing. Scenario 4K: install, boot and upgrade on an NVMe disk
//! of 4096-byte sectors.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use detect::PartitionTable;
use detect::Slot;
use iso_tests::{Bus, Firmware, Key, Machine};

/// Scenario 4: 1.0 → 1.1 through the screens, booted from the USB image,
/// keeping a configuration changed before the upgrade; the report lands
/// on the disk and on the stick.
#[test]
fn interactive_upgrade_keeps_the_configuration_and_reports_on_disk_and_stick() {
    let mut sc = Scenario::new("s4-upgrade-interactive");
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    // The technician's site settings, changed before the upgrade.
    let conf = partition_offset(&disk, "ferry-config");
    let engine = fat_read(&disk, conf, "config/a/engine.toml")
        .replace("name = \"engine-01\"", "name = \"engine-site-a\"")
        .replace(
            "server = \"manager.example.com\"",
            "server = \"mgmt.site-a.example\"",
        );
    assert!(engine.contains("engine-site-a") && engine.contains("mgmt.site-a.example"));
    fat_write(&disk, conf, "config/a/engine.toml", &engine);

    let stick = usb_image("1.1.0", None, &sc.path("stick.img"));
    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .usb_stick(&stick)
        .disk(&disk);
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    vm.wait_for("demo-engine: slot a 1.0.0 (active, boots fine)", SCREEN)
        .unwrap();
    press(&mut vm, "1", "Upgrade to 1.1.0 (keep configuration)");
    press(&mut vm, "u", "Press Enter to start the upgrade");
    vm.key(Key::Enter).unwrap();
    wait_ok(&vm, "Upgrade complete", WRITE);
    vm.wait_for("demo-engine 1.1.0 is installed in slot b", SCREEN)
        .unwrap();
    vm.wait_for("Remove the medium and press Enter to reboot", SCREEN)
        .unwrap();
    let s = vm.settled_screen();
    assert!(s.contains("ferry-config:reports/"), "{s}");
    sc.log("upgraded");
    vm.key(Key::Enter).unwrap();
    vm.wait_exit(SCREEN).unwrap();
    drop(vm);

    assert_eq!(boot_default(&disk), Some(Slot::B));
    assert_eq!(release(&disk, Slot::B).as_deref(), Some("1.1.0"));
    let on_disk = fat_list(&disk, conf, "reports");
    assert!(
        on_disk.iter().any(|f| f.contains("upgrade-1.1.0")),
        "reports on the disk: {on_disk:?}"
    );
    let on_stick = fat_list(&stick, partition_offset(&stick, ""), "ferry/reports");
    assert!(
        on_stick.iter().any(|f| f.contains("upgrade-1.1.0")),
        "reports on the stick: {on_stick:?}"
    );

    let line = boot_installed(&mut sc, &disk, "1.1.0", true);
    for kept in [
        "slot=b",
        "config-schema=2",
        "hostname=engine-site-a",
        "management=mgmt.site-a.example:8443",
        "mtu=1500",
    ] {
        assert!(line.contains(kept), "{kept} missing: {line}");
    }
}

/// Scenario 5: 1.1 → 2.0 from an answer file embedded in the ISO; the
/// configuration is migrated (renamed and split keys) and the VM flags are
/// kept.
#[test]
fn unattended_upgrade_migrates_the_configuration() {
    let mut sc = Scenario::new("s5-upgrade-unattended");
    let disk = installed_disk(&mut sc, "disk.img", "1.1.0");
    let conf = partition_offset(&disk, "ferry-config");
    // A site value that must survive the renames.
    let engine = fat_read(&disk, conf, "config/a/engine.toml")
        .replace("name = \"engine-01\"", "name = \"engine-site-b\"")
        .replace("10.0.0.5/24", "192.168.7.9/23");
    fat_write(&disk, conf, "config/a/engine.toml", &engine);
    let iso = iso_with_answer("2.0.0", &answer("upgrade"), &sc.path("upgrade.iso"));
    unattended(&mut sc, &iso, &disk, "Upgrade complete");

    assert_eq!(boot_default(&disk), Some(Slot::B));
    let migrated = fat_read(&disk, conf, "config/b/engine.toml");
    for want in [
        "hostname = \"engine-site-b\"",
        "address = \"192.168.7.9\"",
        "prefix-length = 23",
        "timezone = \"UTC\"",
    ] {
        assert!(migrated.contains(want), "{want} missing:\n{migrated}");
    }
    assert!(
        !migrated.contains("name = \"engine-site-b\"\ntimezone"),
        "{migrated}"
    );
    let line = boot_installed(&mut sc, &disk, "2.0.0", true);
    for kept in [
        "slot=b",
        "config-schema=3",
        "hostname=engine-site-b",
        "vm-flags=web:pv_drivers_not_upgradable=false,legacy-db:pv_drivers_not_upgradable=true",
    ] {
        assert!(line.contains(kept), "{kept} missing: {line}");
    }
}

/// Scenario 6: goes to the disk's choices with a medium whose release the
/// installed one cannot take, and checks the reason on screen and that the
/// disk did not change.
fn refused(name: &str, installed: &str, medium: &str, offered: &str, reason: &str) {
    let mut sc = Scenario::new(name);
    let disk = installed_disk(&mut sc, "disk.img", installed);
    let before = digest(&disk);
    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .cdrom(iso(medium))
        .disk(&disk);
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    press(
        &mut vm,
        "1",
        &format!("[u] Upgrade to {offered} (keep configuration) (not possible)"),
    );
    vm.wait_for(reason, SCREEN).unwrap();
    sc.log(&format!("refused:\n{}", vm.screen()));
    // Choosing it anyway does nothing: once the machine has dealt with
    // the key, the screen is the same.
    vm.send("u").unwrap();
    let s = vm.settled_screen();
    assert!(!s.contains("Press Enter to start"), "{s}");
    assert!(s.contains(reason), "{s}");
    vm.power_cut().unwrap();
    drop(vm);
    assert_eq!(digest(&disk), before, "the disk changed");
}

#[test]
fn unsupported_upgrade_path_is_refused_and_the_disk_is_unchanged() {
    refused(
        "s6-refused-path",
        "1.0.0",
        "2.0.0",
        "2.0.0",
        "is not supported",
    );
}

#[test]
fn downgrade_is_refused_and_the_disk_is_unchanged() {
    refused(
        "s6-refused-downgrade",
        "1.1.0",
        "1.0.0",
        "1.0.0",
        "downgrades are refused",
    );
}

/// Scenario 4K: an NVMe disk of 4096-byte logical sectors. An unattended
/// install from the ISO, the installed system started from the disk (the
/// firmware and the kernel find the GPT and mount the FAT volumes in the
/// disk's sectors), an unattended upgrade, and the new slot started. One
/// machine per step.
#[test]
fn a_4k_nvme_disk_installs_boots_and_upgrades() {
    const NVME_4K: Bus = Bus::Nvme { sector_size: 4096 };
    let mut sc = Scenario::new("s4k-nvme-4k");
    let disk = sc.blank_disk("nvme.img");
    let install_iso = iso_with_answer("1.0.0", &answer("install"), &sc.path("install.iso"));
    unattended_on(
        &mut sc,
        Firmware::Uefi,
        &install_iso,
        &disk,
        NVME_4K,
        "Install complete",
    );
    // Read on the host, as an image file: the table is in 4 KiB sectors.
    let report = detect(&disk);
    assert!(
        matches!(
            report.table,
            PartitionTable::Gpt {
                sector_size: 4096,
                ..
            }
        ),
        "{:?}",
        report.table
    );
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.0.0"));
    let line = boot_installed_on(&mut sc, Firmware::Uefi, &disk, NVME_4K, "1.0.0", true);
    assert!(line.contains("slot=a"), "{line}");

    let upgrade_iso = iso_with_answer("1.1.0", &answer("upgrade"), &sc.path("upgrade.iso"));
    unattended_on(
        &mut sc,
        Firmware::Uefi,
        &upgrade_iso,
        &disk,
        NVME_4K,
        "Upgrade complete",
    );
    assert_eq!(boot_default(&disk), Some(Slot::B));
    assert_eq!(release(&disk, Slot::B).as_deref(), Some("1.1.0"));
    let line = boot_installed_on(&mut sc, Firmware::Uefi, &disk, NVME_4K, "1.1.0", true);
    assert!(line.contains("slot=b"), "{line}");
}
