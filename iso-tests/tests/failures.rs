//! Scenarios 7, 8, 9 and 12: upgrades that go wrong (a damaged payload, a
//! power cut, a release that never starts properly, a stick pulled out)
//! leave a machine that starts the previous release.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::*;
use detect::Slot;
use iso_tests::{Firmware, Machine};

/// Scenario 7: a payload with one flipped byte in its root image. The
/// signature over the manifest still verifies, so the medium is offered;
/// the unattended upgrade fails while verifying the data and slot a still
/// starts. The answer file asks for French (`language = "fr"`): the
/// serial console shows the failure in French, the report stays English.
#[test]
fn flipped_byte_in_the_root_image_fails_verification_and_the_old_release_boots() {
    let mut sc = Scenario::new("s7-flipped-byte");
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    // A good ISO whose copy of the payload lost a bit in the root image
    // (a bad burn): the manifest and its signature are intact.
    let answer = format!("language = \"fr\"\n{}", answer("upgrade"));
    let iso = iso_with_answer("1.1.0", &answer, &sc.path("flipped.iso"));
    let at = flip_root_image_byte(&iso, &payload("1.1.0"));
    sc.log(&format!("flipped the byte at {at} of the ISO"));

    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .cdrom(&iso)
        .disk(&disk);
    let mut vm = sc.boot(&m);
    vm.wait_for("FERRY-INSTALLER starting on ttyS0", BOOT)
        .unwrap();
    vm.wait_for("Échec de la mise à jour", WRITE).unwrap();
    // The sentence wraps at 80 columns: its first line.
    vm.wait_for(
        "Le système précédent (emplacement a) reste celui par défaut",
        SCREEN,
    )
    .unwrap();
    let s = vm.settled_screen();
    sc.log(&format!("failed as it should, in French:\n{s}"));
    assert!(s.contains("Cause de l'échec :"), "{s}");
    vm.power_cut().unwrap();
    drop(vm);

    assert_eq!(boot_default(&disk), Some(Slot::A));
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.0.0"));
    boot_installed(&mut sc, &disk, "1.0.0", false);
}

/// Waits for the Failed screen of an upgrade that says slot a still
/// starts; returns the screen.
fn upgrade_failed_keeping_slot_a(sc: &mut Scenario, vm: &iso_tests::Vm) -> String {
    vm.wait_for("Upgrade failed", WRITE).unwrap();
    vm.wait_for(
        "The previous system (slot a) is still the default and starts as before.",
        SCREEN,
    )
    .unwrap();
    let s = vm.settled_screen();
    sc.log(&format!("failed as it should:\n{s}"));
    s
}

/// A tiny deterministic generator (xorshift64*), so a seed names a run.
fn delay_ms(seed: u64, max: u64) -> u64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    x.wrapping_mul(0x2545_F491_4F6C_DD1D) % max
}

/// Scenario 8: power cut at a moment chosen by `seed` while the upgrade
/// writes slot b. The old release still starts, detection says what is on
/// the disk, and the upgrade run again succeeds.
fn power_cut_during_the_upgrade_write(seed: u64) {
    let mut sc = Scenario::new(&format!("s8-power-cut-{seed}"));
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    let iso = iso_with_answer("1.1.0", &answer("upgrade"), &sc.path("upgrade.iso"));
    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .cdrom(&iso)
        .disk(&disk);
    let mut vm = sc.boot(&m);
    vm.wait_for("FERRY-INSTALLER starting on ttyS0", BOOT)
        .unwrap();
    // The write step's bar: bytes of the root image going to slot b.
    vm.wait_for("MiB of", WRITE).unwrap();
    // The moment is in the machine's work, not the host's time, so a seed
    // cuts at the same point of the write on an idle and a busy host.
    let delay = delay_ms(seed, 1500);
    vm.run_for(Duration::from_millis(delay));
    vm.power_cut().unwrap();
    sc.log(&format!(
        "seed {seed}: power cut {delay} ms of machine time into the write; last screen:\n{}",
        vm.screen()
    ));
    drop(vm);

    // Detection tells the truth: whatever slot b holds, slot a is intact
    // and the boot default unless the switch had already happened.
    let r = detect(&disk);
    let f = r.ferry().expect("still a Ferry installation");
    let b = f.slot(Slot::B).unwrap();
    sc.log(&format!(
        "detect: default {:?}, slot b {:?} {:?}",
        f.boot_default, b.state, b.release
    ));
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.0.0"));
    let expect = match f.boot_default {
        Some(Slot::A) => "1.0.0",
        Some(Slot::B) => "1.1.0",
        None => panic!("no boot default after the power cut: {r:?}"),
    };
    assert_eq!(
        f.boot_default,
        Some(Slot::A),
        "seed {seed}: the cut came after the switch to slot b; choose a shorter delay"
    );
    boot_installed(&mut sc, &disk, expect, true);

    unattended(&mut sc, &iso, &disk, "Upgrade complete");
    assert_eq!(boot_default(&disk), Some(Slot::B));
    boot_installed(&mut sc, &disk, "1.1.0", false);
}

#[test]
fn power_cut_during_the_upgrade_write_seed_1() {
    power_cut_during_the_upgrade_write(1);
}

#[test]
fn power_cut_during_the_upgrade_write_seed_2() {
    power_cut_during_the_upgrade_write(2);
}

#[test]
fn power_cut_during_the_upgrade_write_seed_3() {
    power_cut_during_the_upgrade_write(3);
}

/// Scenario 9: a release that never marks its boot good (1.2.0-broken) is
/// tried three times by the boot loader, then the machine starts the
/// previous release by itself.
#[test]
fn broken_release_falls_back_to_the_previous_one_after_its_tries() {
    let mut sc = Scenario::new("s9-broken-release");
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    host_apply(&disk, "1.2.0-broken", install::Action::Upgrade).unwrap();
    falls_back_after_three_tries(&mut sc, Firmware::Uefi, &disk);
}

/// Scenario 9 with Secure Boot on, on a system installed before the
/// Secure Boot chain (systemd-boot alone as `BOOTX64.EFI`, booted with
/// Secure Boot off): the upgrade adds the shim, after which the machine
/// boots with Secure Boot on, counts the broken release's tries through
/// the shim and falls back by itself.
#[test]
fn broken_release_falls_back_with_secure_boot_after_an_upgrade_added_the_shim() {
    let mut sc = Scenario::new("s9-broken-release-secureboot");
    let disk = sc.path("disk.img");
    std::fs::File::create(&disk)
        .unwrap()
        .set_len(SMALL_DISK_MIB << 20)
        .unwrap();
    host_apply_with(
        &disk,
        "1.0.0",
        install::Action::Install,
        BootChain::SystemdBootOnly,
    )
    .unwrap();
    boot_installed(&mut sc, &disk, "1.0.0", true);
    host_apply(&disk, "1.2.0-broken", install::Action::Upgrade).unwrap();
    assert_esp_has_the_chain(&disk);
    falls_back_after_three_tries(&mut sc, Firmware::UefiSecureBoot, &disk);
}

/// Boots `disk` (1.0.0 in slot a, 1.2.0-broken the default in slot b)
/// until 1.0.0 starts again: after exactly three tries of 1.2.0. Then
/// detection names the failed release and the next upgrade replaces it.
fn falls_back_after_three_tries(sc: &mut Scenario, firmware: Firmware, disk: &std::path::Path) {
    let disk = disk.to_path_buf();
    assert_eq!(boot_default(&disk), Some(Slot::B));
    let mut broken_boots = 0;
    loop {
        assert!(broken_boots <= 3, "still starting 1.2.0 after 3 tries");
        let m = Machine::new(&sc.name, firmware).memory_mib(512).disk(&disk);
        let mut vm = sc.boot(&m);
        let which = vm
            .wait_for_any(
                &["DEMO-ENGINE version=1.2.0 ", "DEMO-ENGINE version=1.0.0 "],
                BOOT,
            )
            .unwrap();
        if firmware == Firmware::UefiSecureBoot {
            assert_secure_boot(&vm);
        }
        if which == 1 {
            vm.wait_for("DEMO-ENGINE boot-marked-good", SCREEN).unwrap();
            sc.log(&format!("1.0.0 again after {broken_boots} tries of 1.2.0"));
            break;
        }
        vm.wait_for("boot-not-marked reason=broken-release", SCREEN)
            .unwrap();
        // It reboots by itself; QEMU runs with -no-reboot and stops.
        vm.wait_exit(SCREEN).unwrap();
        broken_boots += 1;
        sc.log(&format!("1.2.0 started, try {broken_boots}"));
    }
    assert_eq!(broken_boots, 3);

    // Detection tells the technician what happened, and the next upgrade
    // replaces the failed release.
    let r = detect(&disk);
    let f = r.ferry().expect("a Ferry installation");
    assert_eq!(f.boot_default, Some(Slot::A));
    assert!(
        r.issues
            .iter()
            .any(|i| i.kind == detect::IssueKind::SlotFailedToBoot && i.message().contains("1.2.0")),
        "{:#?}",
        r.issues
    );
    sc.log(&format!("detect: {:?}", r.issues));
    host_apply(&disk, "1.1.0", install::Action::Upgrade).unwrap();
    assert_eq!(boot_default(&disk), Some(Slot::B));
    assert_eq!(release(&disk, Slot::B).as_deref(), Some("1.1.0"));
}

/// Scenario 12: the USB stick the installer runs from is pulled out while
/// the upgrade writes slot b. The installer says the upgrade failed and
/// that slot a still starts; it does, and detection shows slot b was
/// being written. The stick keeps the run's pending report, with the
/// machine's serial number and UUID from its firmware: the summary of
/// `media-builder reports` shows the machine as Pending.
#[test]
fn usb_stick_pulled_during_the_upgrade_leaves_the_old_release() {
    let mut sc = Scenario::new("s12-stick-pulled");
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    let stick = usb_image("1.1.0", Some(&answer("upgrade")), &sc.path("stick.img"));
    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .usb_stick(&stick)
        .disk(&disk)
        .system_id(SERIAL, UUID);
    let mut vm = sc.boot(&m);
    vm.wait_for("FERRY-INSTALLER starting on ttyS0", BOOT)
        .unwrap();
    // The write step's bar: the payload is being read from the stick.
    vm.wait_for("MiB of", WRITE).unwrap();
    vm.pull_usb_stick().unwrap();
    sc.log("stick pulled");
    let s = upgrade_failed_keeping_slot_a(&mut sc, &vm);
    // The sentence wraps on the screen: look for its words.
    assert!(s.contains("removed") && s.contains("answering"), "{s}");
    vm.power_cut().unwrap();
    drop(vm);

    let r = detect(&disk);
    let f = r.ferry().expect("still a Ferry installation");
    assert_eq!(f.boot_default, Some(Slot::A));
    assert_eq!(
        f.slot(Slot::B).and_then(|b| b.state),
        Some(detect::SlotState::Writing)
    );
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("1.0.0"));

    // The pending report reached the stick before the first write.
    let part = partition_offset(&stick, "");
    let names = fat_list(&stick, part, "ferry/reports");
    assert_eq!(names.len(), 1, "{names:?}");
    let json = fat_bytes(&stick, part, &format!("/ferry/reports/{}", names[0]));
    let report = install::Report::parse(&json).unwrap();
    assert_eq!(report.result, install::Outcome::Pending);
    let machine = report.machine.clone().unwrap_or_default();
    assert_eq!(machine.serial.as_deref(), Some(SERIAL));
    assert_eq!(machine.uuid.as_deref(), Some(UUID));
    assert!(report
        .log
        .as_deref()
        .is_some_and(|l| l.contains("answer file")));
    let mut fleet = install::fleet::Fleet::new();
    fleet.add(&names[0], &json);
    let line = &fleet.machines()[0];
    assert_eq!(
        (line.machine.as_str(), line.status),
        (UUID, install::fleet::Status::Pending)
    );
    sc.log(&format!("report on the stick: {}", names[0]));

    boot_installed(&mut sc, &disk, "1.0.0", false);
}

/// The machine of scenario 12, as its firmware names it.
const SERIAL: &str = "FERRY-S12";
const UUID: &str = "6a1d2c3e-0000-4000-8000-000000000012";
