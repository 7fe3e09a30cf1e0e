//! Disks on the buses technicians' machines have: the installer installs
//! on SATA (AHCI), virtio-scsi and USB disks and the installed system
//! boots from each; an upgrade finds its installation on the second of
//! two disks; the Disks screen names each disk's bus.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use detect::Slot;
use iso_tests::{Bus, Firmware, Key, Machine};
use std::path::Path;

/// Boots the installed `disk` on `bus` (after `first`, a disk holding no
/// system, when given) under OVMF until the Demo Engine says `version`
/// and marks its boot good; returns its version line.
fn boot_from(
    sc: &mut Scenario,
    first: Option<(&Path, Bus)>,
    disk: &Path,
    bus: Bus,
    version: &str,
) -> String {
    let mut m = Machine::new(&format!("{}-disk", sc.name), Firmware::Uefi).memory_mib(512);
    if let Some((p, b)) = first {
        m = m.disk_on(p, b);
    }
    let mut vm = sc.boot(&m.disk_on(disk, bus));
    let line = vm
        .wait_for_line(&format!("DEMO-ENGINE version={version} "), BOOT)
        .unwrap();
    vm.wait_for("DEMO-ENGINE boot-marked-good", SCREEN).unwrap();
    sc.log(&format!("disk booted{}: {line}", work(&vm)));
    vm.power_cut().unwrap();
    line
}

/// An unattended install of 1.1.0 (answer file, `disk = "only"`) on a
/// blank disk on `bus`, then the machine starts from that disk.
fn install_and_boot_on(name: &str, bus: Bus) {
    let mut sc = Scenario::new(name);
    let disk = sc.blank_qcow2("disk.qcow2");
    let iso = iso_with_answer("1.1.0", &answer("install"), &sc.path("install.iso"));
    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .cdrom(&iso)
        .disk_on(&disk, bus);
    let mut vm = sc.boot(&m);
    wait_ok(&vm, "Install complete", WRITE);
    let done = work(&vm);
    vm.wait_exit(SCREEN).unwrap();
    sc.log(&format!("installed{done}"));
    assert_eq!(release(&raw_copy(&disk), Slot::A).as_deref(), Some("1.1.0"));
    let line = boot_from(&mut sc, None, &disk, bus, "1.1.0");
    assert!(line.contains("slot=a"), "{line}");
}

/// A disk on virtio-scsi (`/dev/sda` behind a virtio SCSI controller).
#[test]
fn installs_and_boots_on_virtio_scsi() {
    install_and_boot_on("bus-virtio-scsi", Bus::VirtioScsi);
}

/// A USB disk (usb-storage on xHCI): installed, and OVMF starts it.
#[test]
fn installs_and_boots_on_a_usb_disk() {
    install_and_boot_on("bus-usb", Bus::Usb);
}

/// The number the Disks screen gives the disk whose line names `bus`.
fn number_of(screen: &str, bus: &str) -> char {
    let line = screen
        .lines()
        .find(|l| l.contains("/dev/") && l.contains(&format!("  {bus}  ")))
        .unwrap_or_else(|| panic!("no disk on {bus}:\n{screen}"));
    let at = line.find(". /dev/").unwrap();
    line[..at].chars().last().unwrap()
}

/// Two disks: a blank one on virtio-scsi first, a SATA disk second. The
/// Disks screen names both buses; 1.0.0 is installed on the SATA disk
/// through the screens and starts from it, the first disk staying blank;
/// then 1.1.0 upgrades it, found again on the second disk.
#[test]
fn installs_on_sata_and_upgrades_it_as_the_second_of_two_disks() {
    let mut sc = Scenario::new("bus-sata-second-disk");
    let first = sc.blank_qcow2("first.qcow2");
    let disk = sc.blank_qcow2("sata.qcow2");
    let name = sc.name.clone();
    let machine = |version: &str| {
        Machine::new(&format!("{name}-{version}"), Firmware::Uefi)
            .memory_mib(768)
            .cdrom(iso(version))
            .disk_on(&first, Bus::VirtioScsi)
            .disk_on(&disk, Bus::Ahci)
    };

    let m = machine("1.0.0");
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    vm.wait_for("1-9 pick", SCREEN).unwrap();
    let s = vm.settled_screen();
    assert_eq!(s.matches("blank").count(), 2, "two blank disks:\n{s}");
    let n = number_of(&s, "SATA");
    assert_ne!(n, number_of(&s, "virtio SCSI"), "{s}");
    press(&mut vm, &n.to_string(), "Install 1.0.0");
    press(&mut vm, "i", "Press Enter to start the install");
    vm.key(Key::Enter).unwrap();
    wait_ok(&vm, "Install complete", WRITE);
    vm.wait_for("Remove the medium and press Enter to reboot", SCREEN)
        .unwrap();
    sc.log("installed on the SATA disk");
    vm.key(Key::Enter).unwrap();
    vm.wait_exit(SCREEN).unwrap();
    drop(vm);
    assert!(never_written(&first), "the first disk was written");
    boot_from(
        &mut sc,
        Some((&first, Bus::VirtioScsi)),
        &disk,
        Bus::Ahci,
        "1.0.0",
    );

    let m = machine("1.1.0");
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    vm.wait_for("demo-engine: slot a 1.0.0 (active, boots fine)", SCREEN)
        .unwrap();
    vm.wait_for("1-9 pick", SCREEN).unwrap();
    let s = vm.settled_screen();
    let n = number_of(&s, "SATA");
    press(
        &mut vm,
        &n.to_string(),
        "Upgrade to 1.1.0 (keep configuration)",
    );
    press(&mut vm, "u", "Press Enter to start the upgrade");
    vm.key(Key::Enter).unwrap();
    wait_ok(&vm, "Upgrade complete", WRITE);
    sc.log("upgraded on the SATA disk");
    vm.power_cut().unwrap();
    drop(vm);
    assert!(never_written(&first), "the first disk was written");
    let raw = raw_copy(&disk);
    assert_eq!(boot_default(&raw), Some(Slot::B));
    assert_eq!(release(&raw, Slot::B).as_deref(), Some("1.1.0"));
}
