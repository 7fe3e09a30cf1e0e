//! Scenario 16: the machine's firmware and memory. An answer file's
//! install on a machine that started the medium in legacy BIOS mode is
//! refused and the disk left as it was; a machine with too little memory
//! is told so instead of the installer being killed half-way.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

use iso_tests::{Firmware, Machine};

/// Memory the machine of the too-little-memory scenario gets: above what
/// the kernel needs to unpack the initramfs, below the installer's
/// figure (`docs/bootkit.md`, "Memory").
const TOO_LITTLE_MIB: u32 = 128;

/// The ISO with an unattended install, booted under SeaBIOS on a blank
/// disk: the answer file is refused with what to do, the installer stays
/// on Welcome for the technician, and the disk is never written.
#[test]
fn unattended_install_is_refused_in_bios_mode() {
    let mut sc = Scenario::new("s16-unattended-bios");
    let media = iso_with_answer("1.1.0", &answer("install"), &sc.path("answer.iso"));
    let disk = sc.blank_qcow2("disk.qcow2");
    let m = Machine::new(&sc.name, Firmware::Bios)
        .memory_mib(768)
        .cdrom(&media)
        .disk(&disk);
    let vm = sc.boot(&m);
    vm.wait_for("FERRY-INSTALLER starting on ttyS0", BOOT)
        .unwrap();
    vm.wait_for("Continuing", SCREEN).unwrap();
    vm.wait_for("[p] Power off", SCREEN).unwrap();
    let s = vm.settled_screen();
    assert!(s.contains("LEGACY BIOS MODE"), "{s}");
    assert!(s.contains("install and wipe are refused"), "{s}");
    assert!(
        s.contains("its install is refused in legacy BIOS mode (see above)"),
        "{s}"
    );
    sc.log(&format!("refused{}", work(&vm)));
    drop(vm);
    assert!(never_written(&disk), "the disk was written");
}

/// Below the installer's memory figure, init says how much the machine
/// has and needs, and starts no installer.
#[test]
fn too_little_memory_is_said() {
    let mut sc = Scenario::new("s16-too-little-memory");
    let m = Machine::new(&sc.name, Firmware::Bios)
        .memory_mib(TOO_LITTLE_MIB)
        .cdrom(iso("1.1.0"));
    let vm = sc.boot(&m);
    let line = vm.wait_for_line("FERRY: TOO LITTLE MEMORY", BOOT).unwrap();
    assert!(line.contains("This machine has"), "{line}");
    vm.wait_for(
        &format!(
            "the installer needs at least {} MiB",
            bootkit::INSTALLER_MIN_MEMORY_MIB
        ),
        SCREEN,
    )
    .unwrap();
    sc.log(&format!("{line}{}", work(&vm)));
    assert!(
        !String::from_utf8_lossy(&vm.log()).contains("FERRY-INSTALLER starting"),
        "the installer started"
    );
}
