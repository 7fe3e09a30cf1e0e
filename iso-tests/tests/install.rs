//! Scenarios 3, 10 and 13: a technician installs through the installer's
//! screens on the machine, wipes and reinstalls, and installs with the
//! clock far in the past or future; the installed system boots from the
//! disk by itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use detect::Slot;
use iso_tests::{Firmware, Key, Machine};

/// Installs `version` through the screens on the first of two blank
/// qcow2 disks, then reboots into it; the second disk is never written.
fn install_through_the_screens(sc: &mut Scenario, version: &str, rtc: Option<&str>) {
    let disk = sc.blank_qcow2("disk.qcow2");
    let other = sc.blank_qcow2("other.qcow2");
    let mut m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .cdrom(iso(version))
        .disk(&disk)
        .disk(&other);
    if let Some(base) = rtc {
        m = m.rtc_base(base);
    }
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    // The list is drawn over a slow serial line: wait for its end.
    vm.wait_for("1-9 pick", SCREEN).unwrap();
    let s = vm.settled_screen();
    assert_eq!(s.matches("blank").count(), 2, "two blank disks:\n{s}");
    press(&mut vm, "1", &format!("Install {version}"));
    press(&mut vm, "i", "Press Enter to start the install");
    vm.key(Key::Enter).unwrap();
    wait_ok(&vm, "Install complete", WRITE);
    vm.wait_for(
        &format!("demo-engine {version} is installed in slot a"),
        SCREEN,
    )
    .unwrap();
    vm.wait_for("Remove the medium and press Enter to reboot", SCREEN)
        .unwrap();
    sc.log("installed");
    vm.key(Key::Enter).unwrap();
    vm.wait_exit(SCREEN).unwrap();
    drop(vm);

    assert!(never_written(&other), "the other disk was written");
    assert!(!never_written(&disk), "the chosen disk holds nothing");
    assert_eq!(release(&raw_copy(&disk), Slot::A).as_deref(), Some(version));
    let line = boot_installed(sc, &disk, version, true);
    assert!(line.contains("slot=a"), "{line}");
}

/// Scenario 3: a fresh install of Demo Engine 1.0 on a blank disk through
/// the screens (OVMF), then the machine starts from the disk.
#[test]
fn fresh_install_through_the_screens_boots_from_the_disk() {
    let mut sc = Scenario::new("s3-fresh-install");
    install_through_the_screens(&mut sc, "1.0.0", None);
}

/// Scenario 13: the clock at the start of 1970 and in 2100; the good
/// payload still installs (signatures carry no expiry the clock could
/// break) and the system starts.
#[test]
fn installs_with_the_clock_in_1970() {
    let mut sc = Scenario::new("s13-clock-1970");
    install_through_the_screens(&mut sc, "1.1.0", Some("1970-01-01T00:00:10"));
}

#[test]
fn installs_with_the_clock_in_2100() {
    let mut sc = Scenario::new("s13-clock-2100");
    install_through_the_screens(&mut sc, "1.1.0", Some("2100-06-01"));
}

/// Scenario 10: wipe and reinstall over an existing installation needs the
/// typed confirmation; the old configuration is gone and the fresh system
/// starts with the release's defaults.
#[test]
fn wipe_and_reinstall_needs_the_typed_confirmation() {
    let mut sc = Scenario::new("s10-wipe");
    let disk = sc.blank_disk("disk.img");
    host_apply(&disk, "1.0.0", install::Action::Install).unwrap();
    let conf = partition_offset(&disk, "ferry-config");
    let engine = fat_read(&disk, conf, "config/a/engine.toml")
        .replace("name = \"engine-01\"", "name = \"engine-old\"");
    fat_write(&disk, conf, "config/a/engine.toml", &engine);
    fat_write(&disk, conf, "config/a/site-notes.txt", "old site data\n");

    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .cdrom(iso("1.1.0"))
        .disk(&disk);
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    press(&mut vm, "1", "Wipe and reinstall 1.1.0");
    press(&mut vm, "w", "Type ERASE to confirm");
    vm.send("nope").unwrap();
    press(&mut vm, "\r", "That is not ERASE: nothing was written.");
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.0.0"));
    vm.send("ERASE").unwrap();
    vm.key(Key::Enter).unwrap();
    wait_ok(&vm, "Wipe and reinstall complete", WRITE);
    vm.wait_for("Remove the medium and press Enter to reboot", SCREEN)
        .unwrap();
    vm.key(Key::Enter).unwrap();
    vm.wait_exit(SCREEN).unwrap();
    drop(vm);

    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.1.0"));
    assert_eq!(release(&disk, Slot::B), None);
    let conf = partition_offset(&disk, "ferry-config");
    let files = fat_list(&disk, conf, "config/a");
    assert!(!files.iter().any(|f| f.contains("site-notes")), "{files:?}");
    let line = boot_installed(&mut sc, &disk, "1.1.0", true);
    assert!(line.contains("hostname=engine-01"), "{line}");
}
