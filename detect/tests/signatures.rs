//! Disks that hold something without partitions, made by the real tools,
//! judged by `blkid -p` and `wipefs -n`: detection must say "holds
//! something" exactly when they see a signature, also with `55 AA` written
//! at byte 510 and with an empty GPT written over the start and end. Only a
//! disk of zeros is blank.
//!
//! A missing tool fails the test naming its Debian package
//! (`scripts/install-deps` installs them all). `pvcreate` needs a loop
//! device (root). md superblocks are written here by hand, as md(4)
//! lays them out, because `mdadm --create` needs the kernel's md driver to
//! start the array before it writes anything; `blkid` and
//! `mdadm --examine` check what is written. ZFS labels are written by hand
//! too (no ZFS tools in Debian main); `blkid` checks them.
//! `cargo test -p detect --test signatures -- --nocapture` prints the table.

mod common;

use common::*;
use detect::{detect_path, Content, DiskReport};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `blkid -p` and `wipefs -n` say about an image.
struct Oracle {
    blkid: String,
    wipefs: String,
}

impl Oracle {
    fn of(img: &Path) -> Oracle {
        let p = img.to_str().expect("utf-8 path");
        let out = Command::new(tool("blkid", "util-linux"))
            .args(["-p", "-o", "export", p])
            .output()
            .expect("run blkid");
        let text = String::from_utf8_lossy(&out.stdout);
        let blkid = match out.status.code() {
            // 2: nothing found.
            Some(2) => String::new(),
            Some(0) => text
                .lines()
                .filter(|l| l.starts_with("TYPE=") || l.starts_with("PTTYPE="))
                .collect::<Vec<_>>()
                .join(" "),
            // 8: "ambivalent", more than one signature.
            _ => format!(
                "({})",
                String::from_utf8_lossy(&out.stderr)
                    .trim()
                    .replace('\n', " ")
            ),
        };
        let out = Command::new(tool("wipefs", "util-linux"))
            .args(["-n", "--noheadings", "-O", "TYPE", p])
            .output()
            .expect("run wipefs");
        assert!(out.status.success(), "wipefs -n {p} failed");
        let wipefs = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(",");
        Oracle { blkid, wipefs }
    }

    fn sees(&self) -> bool {
        !self.blkid.is_empty() || !self.wipefs.is_empty()
    }
}

/// Detection's verdict in a few words.
fn verdict(r: &DiskReport) -> String {
    match &r.content {
        Content::Blank => "blank".into(),
        Content::Foreign { found, .. } => format!("holds something: {found}"),
        Content::Ferry(_) => "holds something: Ferry".into(),
        Content::Unreadable { why } => format!("holds something (unreadable): {why}"),
    }
}

/// One row of the table, checked.
struct Row {
    image: String,
    oracle: Oracle,
    detect: String,
}

/// Detect `img`, compare with the oracle, and return the row. `named` is
/// part of the kind detection must name on the disk (empty: no name is
/// required, as when an empty GPT was written over the signature).
fn check(img: &Path, named: &str, exact: bool) -> Row {
    let oracle = Oracle::of(img);
    let r = detect_path(img);
    let holds = !matches!(r.content, Content::Blank);
    let image = img
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if exact {
        assert_eq!(
            holds,
            oracle.sees(),
            "{image}: blkid says {:?}, wipefs {:?}, detection {:?}",
            oracle.blkid,
            oracle.wipefs,
            r.content
        );
    } else {
        assert!(holds, "{image} must hold something: {:?}", r.content);
    }
    if !named.is_empty() {
        assert!(
            r.signatures.iter().any(|s| s.kind.contains(named)),
            "{image}: expected {named:?} among {:?}",
            r.signatures
        );
    }
    Row {
        image,
        oracle,
        detect: verdict(&r),
    }
}

fn print(rows: &[Row]) {
    println!("| image | blkid -p | wipefs -n | detect |");
    println!("| --- | --- | --- | --- |");
    for r in rows {
        let or = |s: &str| {
            if s.is_empty() {
                "nothing".to_string()
            } else {
                s.to_string()
            }
        };
        println!(
            "| {} | {} | {} | {} |",
            r.image,
            or(&r.oracle.blkid),
            or(&r.oracle.wipefs),
            r.detect
        );
    }
}

/// A copy of `img` next to it, named `<stem>.<what>.img`.
fn variant(img: &Path, what: &str) -> PathBuf {
    let stem = img.file_stem().expect("stem").to_string_lossy();
    let out = img.with_file_name(format!("{stem}.{what}.img"));
    std::fs::copy(img, &out).expect("copy image");
    out
}

/// The image as made, with `55 AA` at byte 510, and with an empty GPT
/// (sfdisk, keeping the other signatures) over it: all three checked.
fn check_variants(rows: &mut Vec<Row>, img: &Path, named: &str) {
    rows.push(check(img, named, true));
    let aa = variant(img, "55aa");
    poke(&aa, 510, &[0x55, 0xAA]);
    rows.push(check(&aa, named, true));
    let gpt = variant(img, "empty-gpt");
    let out = Command::new(tool("sfdisk", "fdisk"))
        .args(["-q", "--wipe", "never", "--no-reread"])
        .arg(&gpt)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(b"label: gpt\n")?;
            c.wait_with_output()
        })
        .expect("run sfdisk");
    assert!(
        out.status.success(),
        "sfdisk: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    rows.push(check(&gpt, "", true));
}

fn image(dir: &Path, name: &str, mib: u64) -> PathBuf {
    let p = dir.join(format!("{name}.img"));
    drop(create_sparse(&p, mib * MIB));
    p
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn file_systems_made_by_tools_agree_with_blkid() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut rows = Vec::new();

    let zero = image(d, "zero", 64);
    check_variants(&mut rows, &zero, "");
    assert!(matches!(detect_path(&zero).content, Content::Blank));

    for (mkfs, kind) in [
        ("mkfs.ext2", "ext2"),
        ("mkfs.ext3", "ext3"),
        ("mkfs.ext4", "ext4"),
    ] {
        let img = image(d, kind, 64);
        run(mkfs, "e2fsprogs", &["-q", "-F", "-L", "home", s(&img)]);
        check_variants(&mut rows, &img, kind);
    }
    let img = image(d, "xfs", 320);
    run("mkfs.xfs", "xfsprogs", &["-q", "-f", "-L", "data", s(&img)]);
    check_variants(&mut rows, &img, "XFS");
    let img = image(d, "btrfs", 128);
    run(
        "mkfs.btrfs",
        "btrfs-progs",
        &["-q", "-f", "-L", "data", s(&img)],
    );
    check_variants(&mut rows, &img, "btrfs");
    for (bits, mib) in [("12", 4), ("16", 32), ("32", 64)] {
        let img = image(d, &format!("fat{bits}"), mib);
        run(
            "mkfs.fat",
            "dosfstools",
            &["-F", bits, "-n", "STICK", s(&img)],
        );
        check_variants(&mut rows, &img, &format!("FAT{bits}"));
    }
    let img = image(d, "ntfs", 64);
    run(
        "mkntfs",
        "ntfs-3g",
        &["-q", "-F", "-Q", "-L", "Windows", s(&img)],
    );
    check_variants(&mut rows, &img, "NTFS");
    let img = image(d, "exfat", 64);
    run("mkfs.exfat", "exfatprogs", &["-L", "CARD", s(&img)]);
    check_variants(&mut rows, &img, "exFAT");

    let files = d.join("files");
    std::fs::create_dir(&files).expect("mkdir");
    std::fs::write(files.join("readme.txt"), "hello\n").expect("write");
    let img = d.join("iso9660.img");
    run(
        "xorriso",
        "xorriso",
        &[
            "-as",
            "mkisofs",
            "-quiet",
            "-V",
            "MEDIA",
            "-o",
            s(&img),
            s(&files),
        ],
    );
    check_variants(&mut rows, &img, "ISO 9660");
    let img = d.join("genisoimage.img");
    run(
        "genisoimage",
        "genisoimage",
        &["-quiet", "-V", "MEDIA", "-o", s(&img), s(&files)],
    );
    check_variants(&mut rows, &img, "ISO 9660");
    let img = d.join("squashfs.img");
    run(
        "mksquashfs",
        "squashfs-tools",
        &[s(&files), s(&img), "-quiet", "-noappend"],
    );
    check_variants(&mut rows, &img, "squashfs");
    print(&rows);
}

/// A loop device over an image, detached when dropped.
struct Loop(String);

impl Loop {
    fn attach(img: &Path) -> Loop {
        let out = Command::new(tool("losetup", "mount"))
            .args(["--show", "-f", s(img)])
            .output()
            .expect("run losetup");
        assert!(
            out.status.success(),
            "losetup (needs root and loop devices): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Loop(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        let _ = Command::new(tool("losetup", "mount"))
            .args(["-d", &self.0])
            .status();
    }
}

#[test]
fn volumes_made_by_tools_agree_with_blkid() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut rows = Vec::new();

    let img = image(d, "lvm2-pv", 64);
    {
        let dev = Loop::attach(&img);
        let out = Command::new(tool("pvcreate", "lvm2"))
            .env("LVM_SUPPRESS_FD_WARNINGS", "1")
            .args([
                "-qq",
                "-ff",
                "-y",
                "--config",
                "devices { use_devicesfile = 0 } activation { udev_sync = 0 udev_rules = 0 }",
                &dev.0,
            ])
            .output()
            .expect("run pvcreate");
        assert!(
            out.status.success(),
            "pvcreate: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    check_variants(&mut rows, &img, "LVM physical volume");

    let key = d.join("key");
    std::fs::write(&key, "not a secret").expect("key");
    for (kind, extra) in [
        ("luks1", &["--pbkdf-force-iterations", "1000"][..]),
        (
            "luks2",
            &[
                "--pbkdf",
                "pbkdf2",
                "--pbkdf-force-iterations",
                "1000",
                "--label",
                "vault",
            ][..],
        ),
    ] {
        let img = image(d, kind, 32);
        let mut args = vec!["luksFormat", "-q", "--type", kind, "--key-file", s(&key)];
        args.extend(extra);
        args.push(s(&img));
        run("cryptsetup", "cryptsetup-bin", &args);
        check_variants(&mut rows, &img, &kind.to_uppercase());
    }

    let img = image(d, "swap-4k-pages", 64);
    run("mkswap", "util-linux", &["-q", "-L", "swap", s(&img)]);
    check_variants(&mut rows, &img, "Linux swap");
    let img = image(d, "swap-64k-pages", 64);
    run("mkswap", "util-linux", &["-q", "-p", "65536", s(&img)]);
    check_variants(&mut rows, &img, "Linux swap");

    let img = image(d, "bcache-backing", 64);
    run("make-bcache", "bcache-tools", &["-B", s(&img)]);
    check_variants(&mut rows, &img, "bcache");
    let img = image(d, "bcache-cache", 64);
    run("make-bcache", "bcache-tools", &["-C", s(&img)]);
    check_variants(&mut rows, &img, "bcache");
    print(&rows);
}

const MD_MAGIC: u32 = 0xa92b_4efc;

/// A version 1 md superblock (RAID 1 of two disks, this one first) at
/// sector `at`, with its checksum, as md(4) and mdadm lay it out.
fn md1_superblock(at: u64, data_offset: u64, data_size: u64) -> Vec<u8> {
    let max_dev: u32 = 2;
    let mut sb = vec![0u8; 256 + 2 * max_dev as usize];
    let put32 = |sb: &mut Vec<u8>, o: usize, v: u32| sb[o..o + 4].copy_from_slice(&v.to_le_bytes());
    let put64 = |sb: &mut Vec<u8>, o: usize, v: u64| sb[o..o + 8].copy_from_slice(&v.to_le_bytes());
    put32(&mut sb, 0, MD_MAGIC);
    put32(&mut sb, 4, 1); // major version
    sb[16..32].copy_from_slice(&[0x5e; 16]); // array uuid
    sb[32..43].copy_from_slice(b"ferry-md:0\0");
    put64(&mut sb, 64, 1_700_000_000); // ctime
    put32(&mut sb, 72, 1); // level
    put64(&mut sb, 80, data_size);
    put32(&mut sb, 92, 2); // raid disks
    put64(&mut sb, 128, data_offset);
    put64(&mut sb, 136, data_size);
    put64(&mut sb, 144, at); // super_offset
    sb[168..184].copy_from_slice(&[0xd7; 16]); // device uuid
    put64(&mut sb, 192, 1_700_000_000); // utime
    put64(&mut sb, 200, 1); // events
    put64(&mut sb, 208, u64::MAX); // resync offset: in sync
    put32(&mut sb, 220, max_dev);
    sb[256..260].copy_from_slice(&[0, 0, 1, 0]); // roles of devices 0 and 1
    let sum: u64 = sb
        .chunks_exact(4)
        .map(|w| u64::from(u32::from_le_bytes([w[0], w[1], w[2], w[3]])))
        .sum();
    put32(&mut sb, 216, ((sum & 0xffff_ffff) + (sum >> 32)) as u32);
    sb
}

/// A version 0.90 md superblock (RAID 1 of two disks).
fn md090_superblock(size_kib: u32) -> Vec<u8> {
    let mut sb = vec![0u8; 4096];
    let words: [(usize, u32); 9] = [
        (0, MD_MAGIC),
        (4, 0),  // major
        (8, 90), // minor
        (20, 0x1234_5678),
        (24, 1_700_000_000),
        (28, 1), // level
        (32, size_kib),
        (36, 2), // nr_disks
        (40, 2), // raid_disks
    ];
    for (o, v) in words {
        sb[o..o + 4].copy_from_slice(&v.to_le_bytes());
    }
    sb
}

#[test]
fn md_superblocks_agree_with_blkid() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut rows = Vec::new();
    let size = 32 * MIB;
    let sectors = size / 512;

    let img = image(d, "md-0.90", 32);
    let at = (size & !(64 * 1024 - 1)) - 64 * 1024;
    poke(&img, at, &md090_superblock((at / 1024) as u32));
    check_variants(&mut rows, &img, "md 0.90");

    let end = (sectors - 16) & !7;
    for (version, at, data_offset, data_size) in [
        ("1.0", end, 0, end),
        ("1.1", 0, 2048, sectors - 2048),
        ("1.2", 8, 2048, sectors - 2048),
    ] {
        let img = image(d, &format!("md-{version}"), 32);
        poke(&img, at * 512, &md1_superblock(at, data_offset, data_size));
        let out = Command::new(tool("mdadm", "mdadm"))
            .args(["--examine", s(&img)])
            .output()
            .expect("run mdadm");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(&format!("Version : {version}")) && text.contains("correct"),
            "mdadm --examine refuses the superblock:\n{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        check_variants(&mut rows, &img, &format!("md {version}"));
    }
    print(&rows);
}

/// Uberblocks (magic, version, txg) in the ring of the ZFS labels at
/// `labels`, as a pool writes them.
fn zfs_labels(img: &Path, labels: &[u64]) {
    for &label in labels {
        for i in 0..4u64 {
            let mut ub = Vec::new();
            for v in [0x00ba_b10c_u64, 5000, 10 + i] {
                ub.extend(v.to_le_bytes());
            }
            poke(img, label + 128 * 1024 + i * 1024, &ub);
        }
    }
}

#[test]
fn zfs_labels_agree_with_blkid() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut rows = Vec::new();
    let label = 256 * 1024;
    let img = image(d, "zfs", 64);
    zfs_labels(&img, &[0, label]);
    check_variants(&mut rows, &img, "ZFS");
    // Only the labels at the end (the first two were wiped).
    let img = image(d, "zfs-end-labels", 64);
    zfs_labels(&img, &[64 * MIB - 2 * label, 64 * MIB - label]);
    check_variants(&mut rows, &img, "ZFS");
    print(&rows);
}

/// Damage that libblkid does not see through: detection still says the
/// disk holds something, and names what it finds further in.
#[test]
fn damaged_boot_sectors_still_hold_something() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    let mut rows = Vec::new();
    for (bits, mib) in [("12", 4), ("16", 32), ("32", 64)] {
        // The jump and the BPB gone, the `55 AA` left: libblkid calls this
        // an (empty) DOS partition table.
        let img = image(d, &format!("fat{bits}-bpb-zeroed"), mib);
        run("mkfs.fat", "dosfstools", &["-F", bits, s(&img)]);
        poke(&img, 0, &[0u8; 36]);
        rows.push(check(&img, "damaged boot sector", true));
    }
    // The whole boot sector gone: only detection sees the FSInfo sector
    // and the backup boot sector.
    let img = image(d, "fat32-sector0-zeroed", 64);
    run("mkfs.fat", "dosfstools", &["-F", "32", s(&img)]);
    poke(&img, 0, &[0u8; 512]);
    rows.push(check(&img, "FAT32 (damaged boot sector)", false));
    // NTFS keeps a copy of its boot sector in its last sector.
    let img = image(d, "ntfs-sector0-zeroed", 64);
    run("mkntfs", "ntfs-3g", &["-q", "-F", "-Q", s(&img)]);
    poke(&img, 0, &[0u8; 512]);
    rows.push(check(&img, "NTFS (backup boot sector)", false));
    // LUKS2 keeps a second header 16 KiB in.
    let key = d.join("key");
    std::fs::write(&key, "not a secret").expect("key");
    let img = image(d, "luks2-primary-zeroed", 32);
    run(
        "cryptsetup",
        "cryptsetup-bin",
        &[
            "luksFormat",
            "-q",
            "--type",
            "luks2",
            "--pbkdf",
            "pbkdf2",
            "--pbkdf-force-iterations",
            "1000",
            "--key-file",
            s(&key),
            s(&img),
        ],
    );
    poke(&img, 0, &[0u8; 16 * 1024]);
    rows.push(check(&img, "LUKS2 (secondary header", false));
    print(&rows);
}
