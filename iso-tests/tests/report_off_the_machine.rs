//! Scenario 15: the technician guide's "Taking a report or the log off the
//! machine", typed in the installer's rescue shell after an upgrade booted
//! from a DVD: the log and the reports end up on a FAT stick, which needs
//! the kernel's FAT driver in the installer's initramfs.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use iso_tests::{Firmware, Key, Machine, Vm};

/// A 64 MiB stick as a shop sells it: an MBR with one FAT32 partition
/// (type `c`) from 1 MiB on, made by the host's `sfdisk` and `mformat`.
/// Returns the file system's byte offset in the image.
fn blank_fat_stick(path: &Path) -> u64 {
    std::fs::File::create(path)
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let mut sfdisk = Command::new("sfdisk")
        .args(["-q", &path.display().to_string()])
        .stdin(Stdio::piped())
        .spawn()
        .expect("sfdisk (Debian package fdisk)");
    std::io::Write::write_all(
        sfdisk.stdin.as_mut().unwrap(),
        b"label: dos\nstart=2048, type=c\n",
    )
    .unwrap();
    assert!(sfdisk.wait().unwrap().success(), "sfdisk failed");
    let offset = partition_offset(path, "");
    assert_eq!(offset, 1 << 20);
    let out = Command::new("mformat")
        .args([
            "-F",
            "-v",
            "STICK",
            "-i",
            &format!("{}@@{offset}", path.display()),
            "::",
        ])
        .env("MTOOLS_SKIP_CHECK", "1")
        .output()
        .expect("mformat (Debian package mtools)");
    assert!(
        out.status.success(),
        "mformat: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    offset
}

/// Types one command line in the rescue shell and waits until it has run.
/// The marker the shell prints after it is typed split (`OK""-3`), so the
/// echo of the line itself never matches; a failing command prints
/// `FAILED-N` instead and fails the test with the screen.
fn shell(vm: &mut Vm, n: u32, command: &str) {
    vm.send(&format!(
        "{command} && echo OK\"\"-{n} || echo FAILED\"\"-{n}\r"
    ))
    .unwrap();
    let ok = format!("OK-{n}");
    let failed = format!("FAILED-{n}");
    let i = vm.wait_for_any(&[&ok, &failed], SCREEN).unwrap();
    assert_eq!(i, 0, "{command:?} failed:\n{}", vm.screen());
}

/// Every byte of a file on the FAT file system at `offset` of `image`.
fn fat_bytes(image: &Path, offset: u64, path: &str, scratch: &Path) -> Vec<u8> {
    let out = Command::new("mcopy")
        .args([
            "-n",
            "-i",
            &format!("{}@@{offset}", image.display()),
            &format!("::{path}"),
            &scratch.display().to_string(),
        ])
        .env("MTOOLS_SKIP_CHECK", "1")
        .output()
        .expect("mcopy (Debian package mtools)");
    assert!(
        out.status.success(),
        "mcopy ::{path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read(scratch).unwrap()
}

#[test]
fn report_and_log_are_copied_to_a_fat_stick_from_the_rescue_shell() {
    let mut sc = Scenario::new("s15-report-off-the-machine");
    let disk = installed_disk(&mut sc, "disk.img", "1.0.0");
    let stick = sc.path("stick.img");
    let on_stick = blank_fat_stick(&stick);

    // Booted from the DVD, the Ferry disk on virtio (/dev/vda), the stick
    // on USB (/dev/sda: the only SCSI disk; the DVD is /dev/sr0).
    let m = Machine::new(&sc.name, Firmware::Uefi)
        .memory_mib(768)
        .cdrom(iso("1.1.0"))
        .disk(&disk)
        .usb_stick(&stick);
    let mut vm = sc.boot(&m);
    welcome(&vm);
    press(&mut vm, "i", "Choose the disk");
    vm.wait_for("1-9 pick", SCREEN).unwrap();
    // The stick is a disk too: pick the Ferry disk by its number.
    let s = vm.settled_screen();
    let number = s
        .lines()
        .find_map(|l| {
            let (head, _) = l.split_once(". /dev/vda ")?;
            head.trim_start_matches(|c: char| !c.is_ascii_digit())
                .parse::<u32>()
                .ok()
        })
        .unwrap_or_else(|| panic!("/dev/vda is not listed:\n{s}"));
    press(
        &mut vm,
        &number.to_string(),
        "Upgrade to 1.1.0 (keep configuration)",
    );
    press(&mut vm, "u", "Press Enter to start the upgrade");
    vm.key(Key::Enter).unwrap();
    wait_ok(&vm, "Upgrade complete", WRITE);
    vm.wait_for("Remove the medium and press Enter to reboot", SCREEN)
        .unwrap();
    sc.log("upgraded");

    // The Done screen's `s`, then the guide's commands as typed on a
    // machine whose disk is virtio and whose stick is the first SCSI disk:
    // /dev/vda4 for the guide's /dev/sda4, /dev/sda1 for its /dev/sdb1.
    vm.send("s").unwrap();
    vm.wait_for("Rescue shell requested", SCREEN).unwrap();
    shell(&mut vm, 1, "installer-tui detect");
    // How the guide tells the stick from the machine's disk.
    let log = String::from_utf8_lossy(&vm.log()).into_owned();
    let removable: Vec<&str> = log.lines().filter(|l| l.contains("(removable)")).collect();
    assert!(
        removable.len() == 1 && removable[0].starts_with("/dev/sda "),
        "detect marks the stick: {removable:?}"
    );
    assert!(log.contains("Content: Ferry installation of demo-engine"));
    shell(&mut vm, 2, "mkdir -p /mnt/stick /mnt/config");
    shell(&mut vm, 3, "mount /dev/sda1 /mnt/stick");
    shell(&mut vm, 4, "mount -o ro /dev/vda4 /mnt/config");
    shell(&mut vm, 5, "cp /run/ferry-installer.log /mnt/stick/");
    shell(&mut vm, 6, "cp /mnt/config/reports/*.json /mnt/stick/");
    shell(&mut vm, 7, "umount /mnt/config /mnt/stick");
    sc.log("copied in the rescue shell");
    // `exit` returns to the installer, as the guide says.
    vm.send("exit\r").unwrap();
    welcome(&vm);
    vm.power_cut().unwrap();
    drop(vm);

    let files = fat_list(&stick, on_stick, "/");
    assert!(
        files.iter().any(|f| f == "ferry-installer.log"),
        "on the stick: {files:?}"
    );
    // The run's report, byte for byte as on the config partition.
    let conf = partition_offset(&disk, "ferry-config");
    let reports = fat_list(&disk, conf, "reports");
    let upgrade = reports
        .iter()
        .find(|f| f.contains("upgrade-1.1.0") && f.ends_with(".json"))
        .unwrap_or_else(|| panic!("no upgrade report on the disk: {reports:?}"));
    for r in &reports {
        assert!(files.contains(r), "{r} is not on the stick: {files:?}");
    }
    let scratch = sc.path("copied");
    // The log of this run: it names the report it saved.
    let log = fat_bytes(&stick, on_stick, "/ferry-installer.log", &scratch);
    let log = String::from_utf8_lossy(&log);
    for line in [
        format!("report saved to ferry-config:reports/{upgrade}"),
        "upgrade of demo-engine 1.1.0 finished".to_string(),
    ] {
        assert!(log.contains(&line), "{line:?} is not in the log:\n{log}");
    }
    let copied = fat_bytes(&stick, on_stick, &format!("/{upgrade}"), &scratch);
    let original = fat_bytes(&disk, conf, &format!("reports/{upgrade}"), &scratch);
    assert_eq!(copied, original, "{upgrade} differs on the stick");
    // The fields a reader looks for, as the engine writes them (pretty
    // JSON; iso-tests has no JSON parser among its dependencies).
    let json = String::from_utf8(copied).unwrap();
    for field in [
        "\"disk\": \"/dev/vda\"",
        "\"action\": \"upgrade\"",
        "\"from\": \"1.0.0\"",
        "\"to\": \"1.1.0\"",
        "\"slot\": \"b\"",
        "\"result\": \"success\"",
    ] {
        assert!(
            json.contains(field),
            "{field} missing from {upgrade}:\n{json}"
        );
    }
}
