//! Scenario 17: one stick carrying two releases and a hotfix takes a
//! machine two releases behind to the newest by itself, with one answer
//! file, across restarts.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use detect::Slot;
use iso_tests::{Bus, Firmware, Machine};

/// 1.0 installed; a USB stick with 1.1, its hotfix and 2.0 (2.0 upgrades
/// only 1.1) and an answer file that reboots. The machine keeps its
/// firmware variables and starts from the stick first, as a technician's
/// would: the first run installs 1.1 and sets BootNext to the disk; 1.1
/// starts once from the disk, confirms itself and restarts; the stick's
/// second run installs 2.0, which starts with the configuration migrated
/// across both steps.
#[test]
fn a_machine_two_releases_behind_reaches_the_newest_from_one_medium() {
    let mut sc = Scenario::new("s17-several-releases");
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    let stick = sc.path("three-payloads.img");
    let answer_toml = sc.path("answer.toml");
    std::fs::write(
        &answer_toml,
        answer("upgrade").replace("poweroff", "reboot"),
    )
    .unwrap();
    media::usb::image::build(
        &media::usb::image::UsbSpec {
            bootkit: bootkit(),
            // Given oldest first: the installer picks by the manifests.
            // 1.1's hotfix is offered to a 1.1 disk, never taken by an
            // answer file's upgrade.
            payloads: vec![
                payload("1.1.0"),
                payload("1.1.0-hotfix-hf1"),
                payload("2.0.0"),
            ],
            answer: Some(answer_toml),
            extra_cmdline: "ferry.console=ttyS0".into(),
            size: None,
            unsigned_ok: false,
            out: stick.clone(),
            part_size: media::usb::image::PART_SIZE,
            sector_size: 512,
        },
        |_, _| {},
    )
    .unwrap();
    let machine = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(INSTALL_MEMORY_MIB)
        .firmware_variables(sc.path("OVMF_VARS.fd"))
        .usb_stick(&stick)
        .disk_on(&disk, Bus::VirtioBlk);

    // Step 1, from the stick: 1.1 written, the machine restarts.
    let mut vm = sc.boot(&machine);
    vm.wait_for("FERRY-INSTALLER starting on ttyS0", BOOT)
        .unwrap();
    wait_ok(&vm, "Upgrade complete", WRITE);
    let done = work(&vm);
    vm.wait_exit(SCREEN).unwrap();
    sc.log(&format!("step 1: 1.1.0 written{done}"));
    assert_eq!(release(&disk, Slot::B).as_deref(), Some("1.1.0"));
    assert_eq!(boot_default(&disk), Some(Slot::B));
    assert_eq!(continue_marker(&disk).as_deref(), Some("1.1.0"));

    // The same machine, the stick still first: BootNext starts the disk
    // once; 1.1 confirms itself and restarts.
    let mut vm = sc.boot(&machine);
    let line = vm
        .wait_for_line("DEMO-ENGINE version=1.1.0 ", BOOT)
        .unwrap();
    assert!(line.contains("slot=b"), "{line}");
    vm.wait_for("DEMO-ENGINE boot-marked-good", SCREEN).unwrap();
    vm.wait_for(
        "DEMO-ENGINE continuing-with-the-medium release=1.1.0",
        SCREEN,
    )
    .unwrap();
    let done = work(&vm);
    vm.wait_exit(SCREEN).unwrap();
    sc.log(&format!("1.1.0 started once from the disk{done}"));
    assert_eq!(continue_marker(&disk), None);

    // Step 2, from the stick again: BootNext was used once.
    let mut vm = sc.boot(&machine);
    vm.wait_for("FERRY-INSTALLER starting on ttyS0", BOOT)
        .unwrap();
    wait_ok(&vm, "Upgrade complete", WRITE);
    let done = work(&vm);
    vm.wait_exit(SCREEN).unwrap();
    sc.log(&format!("step 2: 2.0.0 written{done}"));
    assert_eq!(release(&disk, Slot::A).as_deref(), Some("2.0.0"));
    assert_eq!(boot_default(&disk), Some(Slot::A));
    // The last step leaves no marker and sets no BootNext.
    assert_eq!(continue_marker(&disk), None);
    let line = boot_installed(&mut sc, &disk, "2.0.0", true);
    assert!(line.contains("slot=a"), "{line}");
    assert!(line.contains("config-schema=3"), "{line}");
}

/// The release named by `ferry/continue` on the disk's ESP, if any.
fn continue_marker(disk: &std::path::Path) -> Option<String> {
    let esp = partition_offset(disk, "ferry-esp");
    let out = std::process::Command::new("mtype")
        .arg("-i")
        .arg(format!("{}@@{esp}", disk.display()))
        .arg(format!("::{}", install::continuation::MARKER))
        .env("MTOOLS_SKIP_CHECK", "1")
        .output()
        .expect("mtype (Debian package mtools)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}
