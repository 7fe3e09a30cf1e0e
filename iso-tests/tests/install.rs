//! Scenarios 3, 10 and 13: a technician installs through the installer's
//! screens on the machine, wipes and reinstalls, and installs with the
//! clock far in the past or future; the installed system boots from the
//! disk by itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use detect::Slot;
use iso_tests::{Firmware, Key, Machine};

/// Installs `version` on the machine's blank disk through the screens,
/// then reboots into it.
fn install_through_the_screens(sc: &mut Scenario, version: &str, rtc: Option<&str>) {
    let disk = sc.blank_disk("disk.img");
    let mut m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .cdrom(iso(version))
        .disk(&disk);
    if let Some(base) = rtc {
        m = m.rtc_base(base);
    }
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    let s = vm.screen();
    assert!(s.contains("blank"), "{s}");
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

    assert_eq!(release(&disk, Slot::A).as_deref(), Some(version));
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
