//! Scenarios 1, 2 and 11: the media boot on real firmware to the
//! installer's first screen, and "Check this medium" tells a good medium
//! from a damaged one.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

use iso_tests::{Firmware, Machine};

/// Boots a machine with `firmware` and the medium `attach` gives it (in the
/// scenario's directory, removed with it), and checks the Welcome screen:
/// the release on the medium, its signature, and the choices.
/// Returns the scenario and the machine, still at Welcome, for more checks.
fn reaches_welcome(
    name: &str,
    firmware: Firmware,
    attach: impl FnOnce(&Scenario, Machine) -> Machine,
) -> (Scenario, iso_tests::Vm) {
    let mut sc = Scenario::new(name);
    let machine = attach(&sc, Machine::new(name, firmware).memory_mib(768));
    let vm = sc.boot(&machine);
    welcome(&vm);
    if firmware == Firmware::UefiSecureBoot {
        assert_secure_boot(&vm);
    }
    let s = vm.settled_screen();
    assert!(s.contains("Ferry installer - demo-engine 1.1.0"), "{s}");
    assert!(
        s.contains("Release on this medium: demo-engine 1.1.0 (release)"),
        "{s}"
    );
    assert!(s.contains("Signature verified"), "{s}");
    assert!(s.contains("[c] Check this medium"), "{s}");
    let bios = s.contains("LEGACY BIOS MODE");
    assert_eq!(bios, firmware == Firmware::Bios, "{s}");
    let said = match firmware {
        Firmware::Bios => None,
        Firmware::Uefi => Some("Machine started with: UEFI, Secure Boot off"),
        Firmware::UefiSecureBoot => Some("Machine started with: UEFI, Secure Boot on"),
    };
    if let Some(said) = said {
        assert!(s.contains(said), "{s}");
    }
    (sc, vm)
}

/// A writable copy of the ISO, as `dd` would put it on a stick.
fn stick_copy(sc: &Scenario) -> std::path::PathBuf {
    let p = sc.path("stick.img");
    std::fs::copy(iso("1.1.0"), &p).unwrap();
    p
}

/// Scenario 1: the hybrid ISO as a CD-ROM under SeaBIOS (isolinux). The
/// installer knows it started in legacy BIOS mode: Welcome says so, and
/// installing on the blank disk is refused with what to do; the disk is
/// never written.
#[test]
fn iso_as_cdrom_boots_under_seabios() {
    let mut disk = None;
    let (sc, mut vm) = reaches_welcome("s1-cdrom-bios", Firmware::Bios, |sc, m| {
        let d = sc.blank_qcow2("disk.qcow2");
        disk = Some(d.clone());
        m.cdrom(iso("1.1.0")).disk(d)
    });
    let disk = disk.unwrap();
    let s = vm.settled_screen();
    assert!(s.contains("install and wipe are refused"), "{s}");
    press(&mut vm, "i", "Choose the disk");
    vm.wait_for("1-9 pick", SCREEN).unwrap();
    press(&mut vm, "1", "Nothing can be done on this disk");
    let s = vm.settled_screen();
    assert!(s.contains("Install 1.1.0 (not possible)"), "{s}");
    assert!(s.contains("legacy BIOS mode"), "{s}");
    assert!(s.contains("UEFI entry"), "{s}");
    sc.log("install refused in BIOS mode");
    drop(vm);
    assert!(never_written(&disk), "the disk was written");
}

/// Scenario 1: the hybrid ISO as a CD-ROM under OVMF (El Torito EFI image,
/// systemd-boot).
#[test]
fn iso_as_cdrom_boots_under_ovmf() {
    let _ = reaches_welcome("s1-cdrom-ovmf", Firmware::Uefi, |_, m| {
        m.cdrom(iso("1.1.0"))
    });
}

/// The keyboard layout a technician picks on the Welcome screen is loaded
/// into the console: keys typed on the machine's own keyboard (QEMU's
/// `sendkey`) choose `de` in the installer on the screen, and the kernel's
/// keymap, read from the rescue shell on the serial port, then has Z where
/// a US keyboard has Y.
#[test]
fn keyboard_layout_is_loaded_into_the_console() {
    let mut sc = Scenario::new("s1-keyboard-layout");
    let m = Machine::new("s1-keyboard-layout", Firmware::Bios)
        .memory_mib(768)
        .cdrom(iso("1.1.0"));
    let mut vm = sc.boot(&m);
    welcome(&vm);
    // The screen's installer started with the serial one: let the machine
    // finish drawing its Welcome screen too before typing.
    vm.wait_idle();
    let choose_de = |vm: &iso_tests::Vm| {
        for key in ["k", "down", "down", "ret"] {
            vm.monitor(&format!("sendkey {key}")).unwrap();
            // The screen's installer redraws after each key.
            vm.wait_idle();
        }
    };
    choose_de(&vm);
    vm.send("s").unwrap();
    vm.wait_for("Rescue shell requested", SCREEN).unwrap();
    // Key code 21 in the plain table (offset 7 + 256 + 2 * 21 of the
    // binary keymap busybox dumps): KT_LETTER 'z' (0x0b7a), not 'y'.
    let mut tries = 0;
    loop {
        tries += 1;
        if tries == 4 {
            // A busy host may have given the keys to the screen's installer
            // before its Welcome screen was up: type them once more.
            sc.log("still the US layout: choosing de again");
            choose_de(&vm);
        }
        vm.mark();
        vm.send("busybox dumpkmap | busybox od -An -tx1 -j305 -N2\r")
            .unwrap();
        match vm.wait_for_any(&["7a 0b", "79 0b"], SCREEN).unwrap() {
            0 => break,
            // The screen's installer loads the layout after the choice:
            // look again once the machine has done what it was doing.
            _ if tries < 15 => vm.wait_idle(),
            _ => panic!("the console keymap is still US:\n{}", vm.screen()),
        }
    }
    sc.log("layout de loaded: key code 21 is z");
}

/// Scenario 2: the same ISO written raw to a USB stick, under OVMF.
#[test]
fn iso_as_usb_stick_boots_under_ovmf() {
    let _ = reaches_welcome("s2-iso-stick-ovmf", Firmware::Uefi, |sc, m| {
        m.usb_stick(stick_copy(sc))
    });
}

/// Scenario 2: the same ISO written raw to a USB stick, under SeaBIOS
/// (isohybrid MBR).
#[test]
fn iso_as_usb_stick_boots_under_seabios() {
    let _ = reaches_welcome("s2-iso-stick-bios", Firmware::Bios, |sc, m| {
        m.usb_stick(stick_copy(sc))
    });
}

/// Scenario 2: the USB disk image (GPT, FAT32) under OVMF.
#[test]
fn usb_image_boots_under_ovmf() {
    let _ = reaches_welcome("s2-usb-image-ovmf", Firmware::Uefi, |sc, m| {
        m.usb_stick(usb_image("1.1.0", None, &sc.path("stick.img")))
    });
}

/// Scenario 2 with Secure Boot on (OVMF with Microsoft's keys): the ISO
/// written raw to a stick; the Microsoft-signed shim starts Debian's
/// signed systemd-boot, which starts Debian's signed kernel. (The ISO as a
/// CD boots with Secure Boot on in `secure_boot.rs`, which installs from
/// it.)
#[test]
fn iso_as_usb_stick_boots_with_secure_boot() {
    reaches_welcome(
        "s2-iso-stick-secureboot",
        Firmware::UefiSecureBoot,
        |sc, m| m.usb_stick(stick_copy(sc)),
    );
}

/// Scenario 2 with Secure Boot on: the USB disk image.
#[test]
fn usb_image_boots_with_secure_boot() {
    reaches_welcome(
        "s2-usb-image-secureboot",
        Firmware::UefiSecureBoot,
        |sc, m| m.usb_stick(usb_image("1.1.0", None, &sc.path("stick.img"))),
    );
}

/// Scenario 11: "Check this medium" reads the whole ISO and passes; on a
/// copy with one corrupted sector it fails.
#[test]
fn check_this_medium_passes_on_the_good_iso() {
    let mut sc = Scenario::new("s11-check-good");
    let m = Machine::new(&sc.name, Firmware::Bios)
        .memory_mib(768)
        .cdrom(iso("1.1.0"));
    let mut vm = sc.boot(&m);
    welcome(&vm);
    vm.send("c").unwrap();
    let i = vm
        .wait_for_any(&["Medium check passed", "MEDIUM CHECK FAILED"], WRITE)
        .unwrap();
    assert_eq!(i, 0, "{}", vm.screen());
}

#[test]
fn check_this_medium_fails_on_a_corrupted_sector() {
    let mut sc = Scenario::new("s11-check-corrupted");
    let bad = sc.path("corrupted.iso");
    let mut bytes = std::fs::read(iso("1.1.0")).unwrap();
    // One 2048-byte sector in the middle of the payload, overwritten.
    let at = (bytes.len() / 2) & !2047;
    for b in &mut bytes[at..at + 2048] {
        *b = 0xA5;
    }
    std::fs::write(&bad, bytes).unwrap();
    let m = Machine::new(&sc.name, Firmware::Bios)
        .memory_mib(768)
        .cdrom(&bad);
    let mut vm = sc.boot(&m);
    welcome(&vm);
    vm.send("c").unwrap();
    let i = vm
        .wait_for_any(&["Medium check passed", "MEDIUM CHECK FAILED"], WRITE)
        .unwrap();
    assert_eq!(i, 1, "{}", vm.screen());
}
