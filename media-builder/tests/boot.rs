//! Smoke boots under QEMU (TCG): the hybrid ISO as a CD-ROM under SeaBIOS
//! (isolinux) and as a USB stick under OVMF (systemd-boot from the El
//! Torito EFI image), and the USB image under OVMF. The boot loader must
//! load the kernel and initrd with the medium's command line, and the
//! initrd's /init must run. The full matrix belongs to the iso-tests crate.
//!
//! About 30 s of QEMU under TCG on 2 cores (6 s SeaBIOS, 12 s each OVMF).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A newc cpio archive: (path, mode, data); mode 0o020600 is a char device
/// (5, 1): the console.
fn cpio(entries: &[(&str, u32, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut add = |name: &str, mode: u32, data: &[u8], ino: u32| {
        let (rmaj, rmin) = if mode & 0o170000 == 0o020000 {
            (5, 1)
        } else {
            (0, 0)
        };
        let fields = [
            ino,
            mode,
            0,
            0,
            1,
            0,
            data.len() as u32,
            0,
            0,
            rmaj,
            rmin,
            name.len() as u32 + 1,
            0,
        ];
        out.extend_from_slice(b"070701");
        for f in fields {
            out.extend_from_slice(format!("{f:08x}").as_bytes());
        }
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        while out.len() % 4 != 0 {
            out.push(0);
        }
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    };
    for (i, (name, mode, data)) in entries.iter().enumerate() {
        add(name, *mode, data, i as u32 + 1);
    }
    add("TRAILER!!!", 0, &[], 0);
    out
}

fn need(p: &str, package: &str) -> PathBuf {
    let p = PathBuf::from(p);
    assert!(
        p.is_file(),
        "{} is missing: install the Debian package {package}",
        p.display()
    );
    p
}

#[test]
fn media_boot_under_seabios_and_ovmf() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kit = d.join("kit");
    for sub in ["isolinux", "efi", "keys"] {
        std::fs::create_dir_all(kit.join(sub)).unwrap();
    }
    // The Debian kernel of the boot kit (scripts/bootkit builds it before
    // the tests); the smoke boot needs no more of the kit than that.
    let kernel = testkit::target_dir().join("bootkit/vmlinuz");
    assert!(
        kernel.is_file(),
        "{} is missing: run scripts/bootkit first",
        kernel.display()
    );
    std::fs::copy(kernel, kit.join("vmlinuz")).unwrap();
    for (from, pkg, to) in [
        (
            "/usr/lib/ISOLINUX/isolinux.bin",
            "isolinux",
            "isolinux/isolinux.bin",
        ),
        ("/usr/lib/ISOLINUX/isohdpfx.bin", "isolinux", "isohdpfx.bin"),
        (
            "/usr/lib/syslinux/modules/bios/ldlinux.c32",
            "syslinux-common",
            "isolinux/ldlinux.c32",
        ),
        (
            "/usr/lib/systemd/boot/efi/systemd-bootx64.efi",
            "systemd-boot-efi",
            "efi/systemd-bootx64.efi",
        ),
        // Stand-ins for the shim and MokManager: this test boots without
        // Secure Boot, where the shim only starts systemd-boot.
        (
            "/usr/lib/systemd/boot/efi/systemd-bootx64.efi",
            "systemd-boot-efi",
            "efi/shimx64.efi",
        ),
        (
            "/usr/lib/systemd/boot/efi/systemd-bootx64.efi",
            "systemd-boot-efi",
            "efi/mmx64.efi",
        ),
    ] {
        std::fs::copy(need(from, pkg), kit.join(to)).unwrap();
    }
    let busybox = std::fs::read(need("/bin/busybox", "busybox-static")).unwrap();
    let init = b"#!/bin/sh\necho FERRY-SMOKE-OK\n";
    let initrd = cpio(&[
        ("bin", 0o040755, b""),
        ("bin/sh", 0o100755, &busybox),
        ("dev", 0o040755, b""),
        ("dev/console", 0o020600, b""),
        ("init", 0o100755, init),
    ]);
    std::fs::write(kit.join("initrd.img"), initrd).unwrap();
    std::fs::write(kit.join("cmdline"), "console=ttyS0 panic=-1\n").unwrap();

    let mb = env!("CARGO_BIN_EXE_media-builder");
    let run = |args: &[&str]| {
        let out = Command::new(mb).args(args).current_dir(d).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["key", "generate", "--out", "admin"]);
    std::fs::copy(d.join("admin.pub"), kit.join("keys/admin.pub")).unwrap();
    std::fs::write(d.join("rootfs.img"), vec![1u8; 1 << 20]).unwrap();
    std::fs::write(
        d.join("config-engine.toml"),
        "[host]\nname = \"engine-01\"\n",
    )
    .unwrap();
    run(&[
        "payload",
        "build",
        "--product",
        "demo-engine",
        "--version",
        "1.1.0",
        "--kind",
        "release",
        "--component",
        "rootfs.img=rootfs.img",
        "--component",
        "vmlinuz=kit/vmlinuz",
        "--component",
        "initrd.img=kit/initrd.img",
        "--component",
        "config-engine.toml=config-engine.toml",
        "--key",
        "admin.key",
    ]);
    run(&[
        "iso",
        "--bootkit",
        "kit",
        "--payload",
        "demo-engine-1.1.0.upg",
        "--out",
        "a.iso",
    ]);
    let id = medium::iso::Iso::open(std::fs::File::open(d.join("a.iso")).unwrap())
        .unwrap()
        .medium_info()
        .unwrap()
        .id;

    run(&[
        "usb-image",
        "--bootkit",
        "kit",
        "--payload",
        "demo-engine-1.1.0.upg",
        "--out",
        "u.img",
    ]);
    let usb_id = {
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(d.join("u.img"))
            .unwrap();
        let (start, len) = medium::stick::find_partition(&mut f).unwrap();
        let part = detect::io::Slice::new(f, start, len).unwrap();
        medium::stick::Stick::open(part).unwrap().info().unwrap().id
    };

    let ovmf = need("/usr/share/ovmf/OVMF.fd", "ovmf");
    let iso = d.join("a.iso");
    let img = d.join("u.img");
    let usb = |p: &Path| {
        vec![
            "-device".to_string(),
            "qemu-xhci".into(),
            "-drive".into(),
            format!("if=none,id=stick,format=raw,file={}", p.display()),
            "-device".into(),
            "usb-storage,drive=stick".into(),
        ]
    };
    let cases: Vec<(&str, Vec<String>, &str)> = vec![
        (
            "SeaBIOS, ISO as CD-ROM",
            vec![
                "-boot".into(),
                "d".into(),
                "-cdrom".into(),
                iso.display().to_string(),
            ],
            &id,
        ),
        (
            "OVMF, ISO written to a USB stick",
            [
                vec!["-bios".to_string(), ovmf.display().to_string()],
                usb(&iso),
            ]
            .concat(),
            &id,
        ),
        (
            "OVMF, USB image on a USB stick",
            [
                vec!["-bios".to_string(), ovmf.display().to_string()],
                usb(&img),
            ]
            .concat(),
            &usb_id,
        ),
    ];
    for (name, args, want_id) in cases {
        let log = boot(d, &args);
        assert!(
            log.contains(&format!("ferry.medium={want_id}")),
            "{name}: no command line in:\n{log}"
        );
        assert!(
            log.contains("FERRY-SMOKE-OK"),
            "{name}: init did not run:\n{log}"
        );
    }
}

/// Boot QEMU with `args` until /init speaks (or it gives up); the serial log.
fn boot(d: &std::path::Path, args: &[String]) -> String {
    let serial = d.join("serial.log");
    let _ = std::fs::remove_file(&serial);
    let mut qemu = Command::new("qemu-system-x86_64")
        .args(["-m", "512", "-display", "none", "-no-reboot"])
        .args(args)
        .arg("-serial")
        .arg(format!("file:{}", serial.display()))
        .spawn()
        .expect("qemu-system-x86_64 is missing: install the Debian package qemu-system-x86");
    let started = std::time::Instant::now();
    let log = loop {
        let log = String::from_utf8_lossy(&std::fs::read(&serial).unwrap_or_default()).into_owned();
        let exited = qemu.try_wait().unwrap().is_some();
        if log.contains("FERRY-SMOKE-OK") || exited || started.elapsed() > Duration::from_secs(240)
        {
            break log;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    let _ = qemu.kill();
    let _ = qemu.wait();
    eprintln!("{args:?}: {:.0} s", started.elapsed().as_secs_f64());
    log
}
