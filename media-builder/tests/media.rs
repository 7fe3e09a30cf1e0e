//! The media commands checked by tools nobody here wrote: xorriso,
//! isoinfo, fdisk, sgdisk, fsck.fat, mtools, checkisomd5, and the reader
//! in the `medium` crate. A missing tool fails the test, naming its Debian
//! package.
#![allow(clippy::unwrap_used)]

mod common;
use common::kit::{fsck_fat, run, setup, tool, PAYLOAD};
use common::{fails, mb, ok};
use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::process::Command;

fn build_iso(d: &Path, out: &str, extra: &[&str]) {
    let mut args = vec![
        "iso",
        "--bootkit",
        "kit",
        "--payload",
        PAYLOAD,
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    ok(d, &args);
}

fn open_iso(p: &Path) -> medium::iso::Iso<std::fs::File> {
    medium::iso::Iso::open(std::fs::File::open(p).unwrap()).unwrap()
}

#[test]
fn iso_is_read_by_xorriso_isoinfo_fdisk_checkisomd5_and_mtools() {
    let dir = setup();
    let d = dir.path();
    build_iso(d, "a.iso", &["--answer", "answer.toml", "--isomd5"]);
    let iso = d.join("a.iso");
    assert_eq!(std::fs::metadata(&iso).unwrap().len() % (1 << 20), 0);

    let x = run(tool("xorriso", "xorriso").args(["-indev"]).arg(&iso).args([
        "-report_el_torito",
        "plain",
        "-report_system_area",
        "plain",
    ]));
    assert!(
        x.contains("El Torito boot img :   1  BIOS  y   none"),
        "{x}"
    );
    assert!(
        x.contains("El Torito boot img :   2  UEFI  y   none"),
        "{x}"
    );
    assert!(
        x.contains("El Torito img path :   1  /isolinux/isolinux.bin"),
        "{x}"
    );
    assert!(
        x.contains("El Torito img opts :   1  boot-info-table isohybrid-suitable"),
        "{x}"
    );
    assert!(
        x.contains("El Torito img path :   2  /boot/efiboot.img"),
        "{x}"
    );
    assert!(x.contains("System area summary: MBR isohybrid"), "{x}");
    assert!(
        x.contains("MBR partition path :   2  /boot/efiboot.img"),
        "{x}"
    );

    let i = run(tool("isoinfo", "genisoimage").arg("-d").arg("-i").arg(&iso));
    assert!(i.contains("Volume id: FERRY_DEMO_ENGINE_1_1_0"), "{i}");
    assert!(i.contains("Rock Ridge signatures version 1 found"), "{i}");
    assert!(i.contains("El Torito VD version 1 found"), "{i}");
    let l = run(tool("isoinfo", "genisoimage")
        .args(["-R", "-f", "-i"])
        .arg(&iso));
    assert!(l.contains(&format!("/ferry/{PAYLOAD}")), "{l}");

    let f = run(tool("fdisk", "fdisk").arg("-l").arg(&iso));
    assert!(f.contains(" 17 Hidden HPFS/NTFS"), "{f}");
    assert!(f.contains(" ef EFI (FAT-12/16/32)"), "{f}");

    let c = tool("checkisomd5", "isomd5sum").arg(&iso).output().unwrap();
    assert!(c.status.success(), "checkisomd5 failed");

    // The reader crate: label, medium.toml, answer, payload bytes.
    let mut r = open_iso(&iso);
    assert!(r.has_rock_ridge());
    assert_eq!(r.label(), "FERRY_DEMO_ENGINE_1_1_0");
    let info = r.medium_info().unwrap();
    assert_eq!(info.payload, PAYLOAD);
    assert!(info.cmdline.contains(&format!("ferry.medium={}", info.id)));
    let answer = r.read("ferry/answer.toml", 1 << 20).unwrap();
    assert_eq!(answer, b"mode = \"upgrade\"\n");
    let mut got = Vec::new();
    r.open_file(&format!("ferry/{PAYLOAD}"))
        .unwrap()
        .read_to_end(&mut got)
        .unwrap();
    assert!(got == std::fs::read(d.join(PAYLOAD)).unwrap());
    let cfg = String::from_utf8(r.read("isolinux/isolinux.cfg", 4096).unwrap()).unwrap();
    assert!(cfg.contains(&format!("ferry.medium={}", info.id)), "{cfg}");
    // English (the default), then French; this kit has no menu module,
    // so no menu (the real kit's is checked under QEMU, scenario 19).
    assert!(cfg.starts_with("DEFAULT ferry\n"), "{cfg}");
    assert!(
        cfg.contains("LABEL ferry-fr\n  KERNEL /boot/vmlinuz\n  APPEND initrd=/boot/initrd.img "),
        "{cfg}"
    );
    assert!(
        cfg.contains(&format!("ferry.medium={} ferry.lang=fr\n", info.id)),
        "{cfg}"
    );

    // The EFI image: fsck-clean, with systemd-boot and an entry.
    let efi = d.join("efiboot.img");
    let mut img = Vec::new();
    r.open_file("boot/efiboot.img")
        .unwrap()
        .read_to_end(&mut img)
        .unwrap();
    std::fs::write(&efi, img).unwrap();
    fsck_fat(&efi);
    let entry = run(tool("mtype", "mtools")
        .env("MTOOLS_SKIP_CHECK", "1")
        .arg("-i")
        .arg(&efi)
        .arg("::/loader/entries/ferry.conf"));
    assert!(
        entry.contains(&format!("ferry.medium={}", info.id)),
        "{entry}"
    );
    assert!(!entry.contains("ferry.lang="), "{entry}");
    let french = run(tool("mtype", "mtools")
        .env("MTOOLS_SKIP_CHECK", "1")
        .arg("-i")
        .arg(&efi)
        .arg("::/loader/entries/ferry-fr.conf"));
    assert!(
        french.contains(&format!("ferry.medium={} ferry.lang=fr", info.id)),
        "{french}"
    );
    for f in ["BOOTX64.EFI", "grubx64.efi", "mmx64.efi"] {
        run(tool("mdir", "mtools")
            .env("MTOOLS_SKIP_CHECK", "1")
            .arg("-i")
            .arg(&efi)
            .arg(format!("::/EFI/BOOT/{f}")));
    }

    // Ferry's own check, and a damaged copy failing both checks.
    let out = ok(d, &["iso", "check", "a.iso"]);
    assert!(out.contains("the medium is good"), "{out}");
    assert!(
        medium::checksum::check(std::fs::File::open(&iso).unwrap(), |_, _| {})
            .unwrap()
            .ok()
    );
    std::fs::copy(&iso, d.join("bad.iso")).unwrap();
    let mut f = OpenOptions::new()
        .write(true)
        .open(d.join("bad.iso"))
        .unwrap();
    f.seek(SeekFrom::Start(3 << 20)).unwrap();
    f.write_all(b"scratch").unwrap();
    drop(f);
    let e = fails(d, &["iso", "check", "bad.iso"]);
    assert!(e.contains("damaged"), "{e}");
    let c = tool("checkisomd5", "isomd5sum")
        .arg(d.join("bad.iso"))
        .output()
        .unwrap();
    assert!(!c.status.success(), "checkisomd5 passed a damaged image");
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let dir = setup();
    let d = dir.path();
    build_iso(d, "a.iso", &[]);
    build_iso(d, "b.iso", &[]);
    assert!(std::fs::read(d.join("a.iso")).unwrap() == std::fs::read(d.join("b.iso")).unwrap());
    ok(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "a.img",
            "--size",
            "300M",
        ],
    );
    ok(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "b.img",
            "--size",
            "300M",
        ],
    );
    assert!(std::fs::read(d.join("a.img")).unwrap() == std::fs::read(d.join("b.img")).unwrap());
}

#[test]
fn customize_replaces_answer_and_command_line() {
    let dir = setup();
    let d = dir.path();
    build_iso(d, "a.iso", &["--answer", "answer.toml"]);
    std::fs::write(d.join("new.toml"), "mode = \"wipe\"\n").unwrap();
    let e = fails(
        d,
        &[
            "iso",
            "customize",
            "a.iso",
            "--answer",
            "new.toml",
            "--out",
            "a.iso",
        ],
    );
    assert!(e.contains("choose a new file"), "{e}");
    ok(
        d,
        &[
            "iso",
            "customize",
            "a.iso",
            "--answer",
            "new.toml",
            "--cmdline",
            "ferry.debug",
            "--isomd5",
            "--out",
            "b.iso",
        ],
    );
    let mut old = open_iso(&d.join("a.iso"));
    let mut new = open_iso(&d.join("b.iso"));
    let (oi, ni) = (old.medium_info().unwrap(), new.medium_info().unwrap());
    assert_ne!(oi.id, ni.id);
    assert!(
        ni.cmdline
            .ends_with(&format!("ferry.medium={} ferry.debug", ni.id)),
        "{}",
        ni.cmdline
    );
    assert_eq!(
        new.read("ferry/answer.toml", 4096).unwrap(),
        b"mode = \"wipe\"\n"
    );
    let p = format!("ferry/{PAYLOAD}");
    assert_eq!(
        old.read(&p, 64 << 20).unwrap(),
        new.read(&p, 64 << 20).unwrap()
    );
    assert!(
        medium::checksum::check(std::fs::File::open(d.join("b.iso")).unwrap(), |_, _| {})
            .unwrap()
            .ok()
    );
    let c = tool("checkisomd5", "isomd5sum")
        .arg(d.join("b.iso"))
        .output()
        .unwrap();
    assert!(c.status.success());
    let x = run(tool("xorriso", "xorriso")
        .arg("-indev")
        .arg(d.join("b.iso"))
        .args(["-report_el_torito", "plain"]));
    assert!(x.contains("El Torito boot img :   2  UEFI"), "{x}");
}

#[test]
fn usb_image_passes_sgdisk_and_fsck_and_the_stick_reader() {
    let dir = setup();
    let d = dir.path();
    ok(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--answer",
            "answer.toml",
            "--out",
            "u.img",
        ],
    );
    let img = d.join("u.img");
    let s = run(tool("sgdisk", "gdisk").arg("-v").arg(&img));
    assert!(s.contains("No problems found"), "{s}");
    let f = run(tool("fdisk", "fdisk").arg("-l").arg(&img));
    assert!(f.contains("EFI System"), "{f}");

    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&img)
        .unwrap();
    let (start, len) = medium::stick::find_partition(&mut file).unwrap();
    // fsck.fat sees the partition as a file of its own.
    let part = d.join("part.img");
    {
        let mut src = std::fs::File::open(&img).unwrap();
        src.seek(SeekFrom::Start(start)).unwrap();
        std::io::copy(
            &mut src.take(len),
            &mut std::fs::File::create(&part).unwrap(),
        )
        .unwrap();
    }
    fsck_fat(&part);

    let slice = detect::io::Slice::new(file, start, len).unwrap();
    let stick = medium::stick::Stick::open(slice).unwrap();
    let info = stick.info().unwrap();
    assert_eq!(info.kind, "usb");
    assert_eq!(
        stick.answer().unwrap().as_deref(),
        Some("mode = \"upgrade\"\n")
    );
    let (mut stream, size) = stick.payload().unwrap();
    let mut got = Vec::new();
    stream.read_to_end(&mut got).unwrap();
    assert_eq!(size, got.len() as u64);
    assert!(got == std::fs::read(d.join(PAYLOAD)).unwrap());
    drop(stream);
    stick
        .write_report("2026-01-01-upgrade.toml", b"result = \"ok\"\n")
        .unwrap();
    stick.close().unwrap();
    let mut src = std::fs::File::open(&img).unwrap();
    src.seek(SeekFrom::Start(start)).unwrap();
    std::io::copy(
        &mut src.take(len),
        &mut std::fs::File::create(&part).unwrap(),
    )
    .unwrap();
    fsck_fat(&part);
    let r = run(tool("mtype", "mtools")
        .env("MTOOLS_SKIP_CHECK", "1")
        .arg("-i")
        .arg(&part)
        .arg("::/ferry/reports/2026-01-01-upgrade.toml"));
    assert!(r.contains("result = \"ok\""), "{r}");
    // The boot menu: English (the default), then French.
    let entry = |name: &str| {
        run(tool("mtype", "mtools")
            .env("MTOOLS_SKIP_CHECK", "1")
            .arg("-i")
            .arg(&part)
            .arg(format!("::/loader/{name}")))
    };
    assert!(entry("loader.conf").contains("default ferry.conf\n"));
    let en = entry("entries/ferry.conf");
    let fr = entry("entries/ferry-fr.conf");
    assert!(
        en.contains("ferry.medium=") && !en.contains("ferry.lang="),
        "{en}"
    );
    assert!(
        fr.contains("(français)") && fr.contains(" ferry.lang=fr\n"),
        "{fr}"
    );
}

#[test]
fn split_payload_parts_reassemble() {
    let dir = setup();
    let d = dir.path();
    let spec = media::usb::image::UsbSpec {
        bootkit: d.join("kit"),
        payloads: vec![d.join(PAYLOAD)],
        answer: None,
        extra_cmdline: String::new(),
        size: None,
        unsigned_ok: false,
        out: d.join("split.img"),
        part_size: 1 << 20,
        sector_size: 512,
    };
    let built = media::usb::image::build(&spec, |_, _| {}).unwrap();
    assert!(built.payload_parts.len() >= 6, "{:?}", built.payload_parts);
    assert_eq!(built.payload_parts[0], format!("{PAYLOAD}.000"));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(d.join("split.img"))
        .unwrap();
    let (start, len) = medium::stick::find_partition(&mut file).unwrap();
    let stick =
        medium::stick::Stick::open(detect::io::Slice::new(file, start, len).unwrap()).unwrap();
    let (mut stream, _) = stick.payload().unwrap();
    let mut got = Vec::new();
    stream.read_to_end(&mut got).unwrap();
    assert!(got == std::fs::read(d.join(PAYLOAD)).unwrap());
}

fn no_leftovers(d: &Path) {
    let left: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n == "x.iso" || n == "x.img")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn bad_input_is_refused_and_leaves_nothing() {
    let dir = setup();
    let d = dir.path();
    // Missing boot kit file.
    std::fs::rename(d.join("kit/isohdpfx.bin"), d.join("isohdpfx.bak")).unwrap();
    let e = fails(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "x.iso",
        ],
    );
    assert!(e.contains("has no isohdpfx.bin"), "{e}");
    std::fs::write(d.join("kit/isohdpfx.bin"), b"short").unwrap();
    let e = fails(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "x.iso",
        ],
    );
    assert!(e.contains("is 5 bytes"), "{e}");
    std::fs::rename(d.join("isohdpfx.bak"), d.join("kit/isohdpfx.bin")).unwrap();
    // Output on the input.
    let e = fails(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            PAYLOAD,
        ],
    );
    assert!(e.contains("is an input"), "{e}");
    // A payload signed by a key the boot kit does not trust.
    ok(d, &["key", "generate", "--out", "other"]);
    ok(
        d,
        &[
            &[
                "payload",
                "build",
                "--product",
                "demo-engine",
                "--version",
                "1.2.0",
                "--kind",
                "release",
                "--component",
                "rootfs.img=rootfs.img",
                "--key",
                "other.key",
            ][..],
            &common::BOOT_PARTS,
        ]
        .concat(),
    );
    let e = fails(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            "demo-engine-1.2.0.upg",
            "--out",
            "x.iso",
        ],
    );
    assert!(e.contains("does not verify"), "{e}");
    let e = fails(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            "demo-engine-1.2.0.upg",
            "--out",
            "x.img",
        ],
    );
    assert!(e.contains("does not verify"), "{e}");
    no_leftovers(d);
    // Corrupted component data: found while copying, output removed.
    let mut bytes = std::fs::read(d.join(PAYLOAD)).unwrap();
    let n = bytes.len();
    bytes[n - 100_000] ^= 0xFF;
    std::fs::write(d.join("bad.upg"), bytes).unwrap();
    let e = fails(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            "bad.upg",
            "--out",
            "x.iso",
        ],
    );
    assert!(e.contains("verifying"), "{e}");
    let e = fails(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            "bad.upg",
            "--out",
            "x.img",
        ],
    );
    assert!(e.contains("verifying"), "{e}");
    no_leftovers(d);
    // --unsigned-ok builds from the foreign payload, for development.
    ok(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            "demo-engine-1.2.0.upg",
            "--unsigned-ok",
            "--out",
            "dev.iso",
        ],
    );
    // A USB image that cannot hold the payload.
    let e = fails(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--size",
            "10M",
            "--out",
            "x.img",
        ],
    );
    assert!(e.contains("too small"), "{e}");
}

#[test]
fn usb_write_to_image_files() {
    let dir = setup();
    let d = dir.path();
    build_iso(d, "a.iso", &[]);
    let size = std::fs::metadata(d.join("a.iso")).unwrap().len();
    for t in ["t1.img", "t2.img"] {
        std::fs::write(d.join(t), vec![0xEEu8; size as usize]).unwrap();
    }
    let out = ok(
        d,
        &[
            "usb",
            "write",
            "a.iso",
            "t1.img",
            "t2.img",
            "--file-ok",
            "--yes",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    for r in v.as_array().unwrap() {
        assert_eq!(r["verified"], true, "{out}");
    }
    let a = std::fs::read(d.join("a.iso")).unwrap();
    assert!(std::fs::read(d.join("t1.img")).unwrap() == a);
    assert!(std::fs::read(d.join("t2.img")).unwrap() == a);
    // Refusals: the image itself; no confirmation without a terminal.
    let o = mb(d, &["usb", "write", "a.iso", "a.iso", "--file-ok", "--yes"]);
    assert_eq!(o.status.code(), Some(2));
    let o = mb(d, &["usb", "write", "a.iso", "t1.img", "--file-ok"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--yes"));
    let o = mb(
        d,
        &[
            "usb",
            "write",
            "a.iso",
            "t1.img",
            "--file-ok",
            "--yes",
            "--no-verify",
        ],
    );
    assert!(o.status.success());
}

/// Where the kernel has the drivers and we may mount (root, loop devices),
/// the Linux iso9660 and vfat drivers read the media back too. Elsewhere
/// (containers without those modules) the reader crate above is the check.
#[test]
fn linux_drivers_read_the_media_where_mounting_is_allowed() {
    let fs = std::fs::read_to_string("/proc/filesystems").unwrap_or_default();
    let root = nix::unistd::Uid::effective().is_root();
    if !root || !fs.contains("iso9660") || !fs.contains("vfat") {
        eprintln!("no loop mount here (root: {root}, iso9660/vfat drivers missing)");
        return;
    }
    let dir = setup();
    let d = dir.path();
    build_iso(d, "a.iso", &["--answer", "answer.toml"]);
    let mnt = d.join("mnt");
    std::fs::create_dir(&mnt).unwrap();
    run(Command::new("mount")
        .args(["-o", "loop,ro"])
        .arg(d.join("a.iso"))
        .arg(&mnt));
    let payload = std::fs::read(mnt.join("ferry").join(PAYLOAD));
    let answer = std::fs::read(mnt.join("ferry/answer.toml"));
    run(Command::new("umount").arg(&mnt));
    assert!(payload.unwrap() == std::fs::read(d.join(PAYLOAD)).unwrap());
    assert_eq!(answer.unwrap(), b"mode = \"upgrade\"\n");
    ok(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "u.img",
        ],
    );
    run(Command::new("mount")
        .args(["-o", "loop,ro,offset=1048576"])
        .arg(d.join("u.img"))
        .arg(&mnt));
    let payload = std::fs::read(mnt.join("ferry").join(PAYLOAD));
    let entry = std::fs::read_to_string(mnt.join("loader/entries/ferry.conf"));
    let french = std::fs::read_to_string(mnt.join("loader/entries/ferry-fr.conf"));
    run(Command::new("umount").arg(&mnt));
    assert!(payload.unwrap() == std::fs::read(d.join(PAYLOAD)).unwrap());
    let entry = entry.unwrap();
    assert!(entry.contains("ferry.medium=") && !entry.contains("ferry.lang="));
    let french = french.unwrap();
    assert!(french.contains("ferry.medium=") && french.contains(" ferry.lang=fr\n"));
}

#[test]
fn an_image_larger_than_iso_9660_allows_is_refused_before_writing() {
    let dir = setup();
    let d = dir.path();
    // The real payload head, then 9 TiB of holes: the size check comes
    // before any byte of the payload body is read.
    std::fs::copy(d.join(PAYLOAD), d.join("huge.upg")).unwrap();
    let f = OpenOptions::new()
        .write(true)
        .open(d.join("huge.upg"))
        .unwrap();
    if f.set_len(9 << 40).is_err() {
        eprintln!("this file system cannot hold a 9 TiB sparse file");
        return;
    }
    drop(f);
    let e = fails(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            "huge.upg",
            "--out",
            "x.iso",
        ],
    );
    assert!(e.contains("ISO 9660 can address"), "{e}");
    std::fs::remove_file(d.join("huge.upg")).unwrap();
    no_leftovers(d);
}

/// A full disk: where a small tmpfs can be mounted (root), the build fails
/// with a sentence saying so and leaves nothing behind.
#[test]
fn a_full_disk_leaves_nothing_under_the_final_name() {
    if !nix::unistd::Uid::effective().is_root() {
        eprintln!("not root: cannot mount a small tmpfs");
        return;
    }
    let dir = setup();
    let d = dir.path();
    let small = d.join("small");
    std::fs::create_dir(&small).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&small)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !mounted {
        eprintln!("cannot mount a tmpfs here");
        return;
    }
    let iso = fails(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "small/x.iso",
        ],
    );
    let usb = fails(
        d,
        &[
            "usb-image",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "small/x.img",
        ],
    );
    let left: Vec<_> = std::fs::read_dir(&small).unwrap().collect();
    run(Command::new("umount").arg(&small));
    assert!(iso.contains("is full; nothing was left"), "{iso}");
    assert!(usb.contains("is full; nothing was left"), "{usb}");
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn media_from_a_kit_that_trusts_the_demo_key_say_so() {
    let dir = setup();
    let d = dir.path();
    // `iso` or `usb-image` writing `out`: its JSON result and its stderr.
    let build = |command: &str, out: &str, json: bool| -> (serde_json::Value, String) {
        let mut args = vec![
            command,
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            out,
        ];
        if json {
            args.push("--json");
        }
        let o = mb(d, &args);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{args:?}: {stderr}");
        let value = if json {
            serde_json::from_slice(&o.stdout).unwrap()
        } else {
            serde_json::Value::Null
        };
        (value, stderr)
    };

    // The admin's key only: nothing to say.
    for (command, out) in [("iso", "a.iso"), ("usb-image", "a.img")] {
        let (json, e) = build(command, out, true);
        assert!(!e.contains("demo key"), "{e}");
        assert_eq!(json["demo_keys"], serde_json::json!([]), "{json}");
    }

    // The demo key under a name that hides it is still the demo key.
    let demo =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-engine/keys/demo-DO-NOT-USE.pub");
    std::fs::copy(demo, d.join("kit/keys/vendor-2026.pub")).unwrap();
    let fingerprint = "b0a267021f24e7bf0df7626399b78318d70a8ea9a56a344ad18efadb69c36de2";
    for (command, out, json) in [
        ("iso", "b.iso", true),
        ("usb-image", "b.img", true),
        ("iso", "c.iso", false),
    ] {
        let (value, e) = build(command, out, json);
        assert!(e.contains("WARNING"), "{e}");
        assert!(e.contains(out), "{e}");
        assert!(e.contains("public demo key"), "{e}");
        assert!(e.contains("anyone can sign"), "{e}");
        assert!(e.contains(&fingerprint[..16]), "{e}");
        if json {
            assert_eq!(
                value["demo_keys"],
                serde_json::json!([fingerprint]),
                "{value}"
            );
        }
    }
}

#[test]
fn iso_says_which_disc_it_fits() {
    let dir = setup();
    let d = dir.path();
    let o = mb(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "a.iso",
            "--json",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["fits"], "cd", "{json}");
    assert_eq!(
        json["bytes"].as_u64(),
        Some(std::fs::metadata(d.join("a.iso")).unwrap().len())
    );
    let o = mb(
        d,
        &[
            "iso",
            "--bootkit",
            "kit",
            "--payload",
            PAYLOAD,
            "--out",
            "b.iso",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("fits a CD (700 MiB) or a DVD"), "{out}");
}
