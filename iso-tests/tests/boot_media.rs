//! Scenarios 1, 2 and 11: the media boot on real firmware to the
//! installer's first screen, and "Check this medium" tells a good medium
//! from a damaged one.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use iso_tests::{Firmware, Machine};

/// Boots `machine` and checks the Welcome screen: the release on the
/// medium, its signature, and the choices.
fn reaches_welcome(name: &str, machine: Machine) {
    let mut sc = Scenario::new(name);
    let vm = sc.boot(&machine);
    welcome(&vm);
    let s = vm.screen();
    assert!(s.contains("Ferry installer - demo-engine 1.1.0"), "{s}");
    assert!(
        s.contains("Release on this medium: demo-engine 1.1.0 (release)"),
        "{s}"
    );
    assert!(s.contains("Signature verified"), "{s}");
    assert!(s.contains("[c] Check this medium"), "{s}");
}

/// Scenario 1: the hybrid ISO as a CD-ROM under SeaBIOS (isolinux).
#[test]
fn iso_as_cdrom_boots_under_seabios() {
    reaches_welcome(
        "s1-cdrom-bios",
        Machine::new("s1-cdrom-bios", Firmware::Bios)
            .memory_mib(768)
            .cdrom(iso("1.1.0")),
    );
}

/// Scenario 1: the hybrid ISO as a CD-ROM under OVMF (El Torito EFI image,
/// systemd-boot).
#[test]
fn iso_as_cdrom_boots_under_ovmf() {
    reaches_welcome(
        "s1-cdrom-ovmf",
        Machine::new("s1-cdrom-ovmf", Firmware::Uefi)
            .memory_mib(768)
            .cdrom(iso("1.1.0")),
    );
}
