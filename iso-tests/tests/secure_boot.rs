//! Install and upgrade with Secure Boot on (OVMF with Microsoft's keys):
//! the installer, started through the shim from the ISO as a CD, writes the same chain to the
//! disk (shim, Debian-signed systemd-boot, MokManager), and the installed
//! system boots with Secure Boot on before and after the upgrade. One
//! disk goes through install, boot, upgrade, boot. The media themselves:
//! `boot_media.rs`; fallback of a broken release: `failures.rs`.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;

use detect::Slot;
use iso_tests::{Bus, Firmware};

#[test]
fn install_and_upgrade_with_secure_boot_boot_with_secure_boot() {
    let mut sc = Scenario::new("s13-secureboot-install-upgrade");
    let disk = sc.blank_disk("disk.img");
    let install = iso_with_answer("1.0.0", &answer("install"), &sc.path("install.iso"));
    unattended_on(
        &mut sc,
        Firmware::UefiSecureBoot,
        &install,
        &disk,
        Bus::VirtioBlk,
        "Install complete",
    );
    assert_esp_has_the_chain(&disk);
    boot_installed_on(
        &mut sc,
        Firmware::UefiSecureBoot,
        &disk,
        Bus::VirtioBlk,
        "1.0.0",
        true,
    );

    let upgrade = iso_with_answer("1.1.0", &answer("upgrade"), &sc.path("upgrade.iso"));
    unattended_on(
        &mut sc,
        Firmware::UefiSecureBoot,
        &upgrade,
        &disk,
        Bus::VirtioBlk,
        "Upgrade complete",
    );
    assert_eq!(boot_default(&disk), Some(Slot::B));
    assert_esp_has_the_chain(&disk);
    let line = boot_installed_on(
        &mut sc,
        Firmware::UefiSecureBoot,
        &disk,
        Bus::VirtioBlk,
        "1.1.0",
        true,
    );
    assert!(line.contains("slot=b"), "{line}");
}

/// What `sbverify --list` says about the signatures of `file`.
fn signers(file: &std::path::Path) -> String {
    let out = std::process::Command::new("sbverify")
        .arg("--list")
        .arg(file)
        .output()
        .expect("sbverify (Debian package sbsigntool; scripts/install-deps)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The section names `objdump -h` lists for `file`.
fn sections(file: &std::path::Path) -> String {
    let out = std::process::Command::new("objdump")
        .arg("-h")
        .arg(file)
        .output()
        .expect("objdump (Debian package binutils)");
    assert!(out.status.success(), "objdump -h {}", file.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The kit's chain is what the firmware and the shim accept: the shim
/// signed by Microsoft's UEFI CA, systemd-boot, MokManager and the kernel
/// by Debian's Secure Boot CA (which the shim carries), shim and
/// systemd-boot with SBAT data; and every medium carries exactly these
/// files at the places the firmware and the shim look. No machine boots.
#[test]
fn kit_and_media_carry_the_signed_chain() {
    let sc = Scenario::new("secureboot-files");
    let kit = bootkit();
    let shim = signers(&kit.join("efi/shimx64.efi"));
    assert!(
        shim.contains("Microsoft Corporation UEFI CA 2011"),
        "{shim}"
    );
    for f in ["efi/systemd-bootx64.efi", "efi/mmx64.efi", "vmlinuz"] {
        let s = signers(&kit.join(f));
        assert!(s.contains("CN=Debian Secure Boot CA"), "{f}: {s}");
    }
    for f in ["efi/shimx64.efi", "efi/systemd-bootx64.efi"] {
        assert!(
            sections(&kit.join(f)).contains(" .sbat "),
            "{f} has no .sbat"
        );
    }
    let lock = std::fs::read_to_string(kit.join("bootkit.lock")).unwrap();
    for p in [
        "shim-signed",
        "shim-helpers-amd64-signed",
        "systemd-boot-efi-amd64-signed",
    ] {
        assert!(
            lock.contains(&format!("[packages.{p}]")),
            "{p} not locked:\n{lock}"
        );
    }

    // The ISO's El Torito EFI image, and the USB image's partition.
    let efi = sc.path("efiboot.img");
    let out = std::process::Command::new("xorriso")
        .args(["-osirrox", "on", "-indev"])
        .arg(iso("1.1.0"))
        .args(["-extract", "/boot/efiboot.img"])
        .arg(&efi)
        .output()
        .expect("xorriso");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let usb = usb_image("1.1.0", None, &sc.path("stick.img"));
    for (image, offset) in [(&efi, 0), (&usb, partition_offset(&usb, ""))] {
        assert_holds_the_chain(image, offset);
        assert!(
            fat_bytes(image, offset, "vmlinuz") == std::fs::read(kit.join("vmlinuz")).unwrap(),
            "the kernel of {} is not the kit's signed one",
            image.display()
        );
    }
}
