#![allow(clippy::unwrap_used)]
//! Check volumes with tools nobody here wrote: `fsck.fat -n` (dosfstools)
//! and `mdir`/`mcopy` (mtools). A missing tool fails the test.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::process::Command;

use fat::{format, FatKind, FixedTime, FormatOptions, Volume};

fn tool(name: &str, package: &str) -> Command {
    let found = std::env::var_os("PATH")
        .map(|p| {
            std::env::split_paths(&p)
                .chain(["/usr/sbin".into(), "/sbin".into()])
                .any(|d| d.join(name).is_file())
        })
        .unwrap_or(false);
    assert!(
        found,
        "{name} is missing: install the Debian package {package}"
    );
    let path = ["/usr/sbin", "/sbin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
        .map(|p| p.into_os_string())
        .unwrap_or_else(|| name.into());
    Command::new(path)
}

/// `fsck.fat -n` on a whole file or at a byte offset; returns its output
/// and asserts it found nothing.
fn fsck_clean(image: &Path, offset: u64) -> String {
    let target = if offset == 0 {
        image.to_path_buf()
    } else {
        // fsck.fat has no offset option: check a copy of the partition.
        let part = image.with_extension("part");
        let mut src = File::open(image).unwrap();
        src.seek(SeekFrom::Start(offset)).unwrap();
        std::io::copy(&mut src, &mut File::create(&part).unwrap()).unwrap();
        part
    };
    let out = tool("fsck.fat", "dosfstools")
        .arg("-n")
        .arg(&target)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "fsck.fat -n failed:\n{text}");
    let complaints: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("fsck.fat ") && !l.contains("files, ") && !l.trim().is_empty())
        .collect();
    assert!(
        complaints.is_empty(),
        "fsck.fat -n complained: {complaints:?}\n{text}"
    );
    text
}

fn mtools(cmd: &str, image: &Path, args: &[&str]) -> Vec<u8> {
    let out = tool(cmd, "mtools")
        .env("MTOOLS_SKIP_CHECK", "1")
        .arg("-i")
        .arg(image)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn image(dir: &Path, name: &str, size: u64) -> (std::path::PathBuf, File) {
    let path = dir.join(name);
    let f = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    f.set_len(size).unwrap();
    (path, f)
}

fn opts(label: &str, kind: Option<FatKind>) -> FormatOptions {
    FormatOptions {
        label: label.into(),
        volume_id: None,
        kind,
        cluster_size: None,
        sector_size: 512,
        time: FixedTime::from_unix(1_700_000_000),
    }
}

fn populate<D: Read + Write + Seek>(v: &Volume<D>) {
    v.create_dir("EFI/BOOT").unwrap();
    v.create_dir("loader/entries").unwrap();
    v.write("EFI/BOOT/BOOTX64.EFI", &[0x4d; 70_000]).unwrap();
    v.write("loader/entries/ferry.conf", b"title Ferry\n")
        .unwrap();
    v.write("loader/loader.conf", b"default ferry.conf\n")
        .unwrap();
    v.write("a long file name.txt", b"hello").unwrap();
    v.create_dir("ferry/reports").unwrap();
}

#[test]
fn each_fat_type_is_fsck_clean_and_readable_by_mtools() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, size) in [
        (FatKind::Fat12, 2u64 << 20),
        (FatKind::Fat16, 32 << 20),
        (FatKind::Fat32, 300 << 20),
    ] {
        let (path, f) = image(dir.path(), &format!("{kind:?}.img"), size);
        let v = format(f, &opts("FERRY-EFI", Some(kind))).unwrap();
        assert_eq!(v.kind(), kind);
        populate(&v);
        v.close().unwrap();
        fsck_clean(&path, 0);
        let listing = String::from_utf8(mtools("mdir", &path, &["-/", "-b", "::"])).unwrap();
        assert!(listing.contains("a long file name.txt"), "{listing}");
        assert!(
            listing.contains("::/loader/entries/ferry.conf"),
            "{listing}"
        );
        let got = mtools("mtype", &path, &["::/loader/loader.conf"]);
        assert_eq!(got, b"default ferry.conf\n");
    }
}

#[test]
fn plain_fatfs_directories_are_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let (path, f) = image(dir.path(), "esp.img", 300 << 20);
    let v = format(f, &opts("FERRY-ESP", Some(FatKind::Fat32))).unwrap();
    let f = v.close().unwrap();

    // What fatfs alone does: fsck.fat flags the directory.
    {
        let fs = fatfs::FileSystem::new(&f, fatfs::FsOptions::new()).unwrap();
        fs.root_dir().create_dir("slot-a").unwrap();
        fs.unmount().unwrap();
    }
    let out = tool("fsck.fat", "dosfstools")
        .arg("-n")
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("slot-a"),
        "expected upstream issue 117:\n{text}"
    );

    // repair() fixes it, and a second run changes nothing.
    let mut f = f;
    let r = fat::repair(&mut f).unwrap();
    assert_eq!((r.directories, r.repaired), (1, 1));
    assert_eq!(fat::repair(&mut f).unwrap().repaired, 0);
    fsck_clean(&path, 0);

    // Later writes through fatfs via Volume::fs, then close: still clean.
    let v = Volume::open(f, FixedTime::from_unix(1_700_000_000)).unwrap();
    let d = v.fs().root_dir().create_dir("slot-b").unwrap();
    d.create_dir("etc").unwrap();
    let mut file = d.create_file("state.toml").unwrap();
    file.write_all(b"active = \"b\"\n").unwrap();
    drop(file);
    v.root_dir()
        .open_dir("slot-a")
        .unwrap()
        .create_file("x")
        .unwrap();
    drop(d);
    v.close().unwrap();
    fsck_clean(&path, 0);
    let got = mtools("mtype", &path, &["::/slot-b/state.toml"]);
    assert_eq!(got, b"active = \"b\"\n");
}

#[test]
fn directories_with_files_before_repair_keep_them() {
    let dir = tempfile::tempdir().unwrap();
    let (path, f) = image(dir.path(), "cfg.img", 40 << 20);
    let v = format(f, &opts("FERRY-CFG", None)).unwrap();
    let f = v.close().unwrap();
    {
        let fs = fatfs::FileSystem::new(&f, fatfs::FsOptions::new()).unwrap();
        let d = fs.root_dir().create_dir("reports").unwrap();
        d.create_file("one.toml").unwrap().write_all(b"1").unwrap();
        d.create_dir("old").unwrap().create_file("two").unwrap();
        drop(d);
        fs.unmount().unwrap();
    }
    let mut f = f;
    fat::repair(&mut f).unwrap();
    fsck_clean(&path, 0);
    assert_eq!(mtools("mtype", &path, &["::/reports/one.toml"]), b"1");
    let v = Volume::open(f, FixedTime::from_unix(0)).unwrap();
    let names: Vec<String> = v
        .list("reports")
        .unwrap()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(names, ["one.toml", "old"]);
}

#[test]
fn a_volume_inside_a_partition_slice() {
    let dir = tempfile::tempdir().unwrap();
    let (path, f) = image(dir.path(), "disk.img", 1 + (50 << 20));
    let start = 1 << 20;
    let slice = detect::io::Slice::new(f, start, 48 << 20).unwrap();
    let v = format(slice, &opts("FERRY", None)).unwrap();
    populate(&v);
    let big: Vec<u8> = (0..5_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    assert_eq!(
        v.write_file("ferry/big.bin", &big[..]).unwrap(),
        big.len() as u64
    );
    let slice = v.close().unwrap();
    let f = slice.into_inner();
    drop(f);
    fsck_clean(&path, start);
    let part = path.with_extension("part");
    assert_eq!(mtools("mtype", &part, &["::/ferry/big.bin"]), big);
}

#[test]
fn formatting_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let mut images = Vec::new();
    for n in 0..2 {
        let (path, f) = image(dir.path(), &format!("{n}.img"), 40 << 20);
        let v = format(f, &opts("SAME", None)).unwrap();
        populate(&v);
        v.close().unwrap();
        images.push(std::fs::read(path).unwrap());
    }
    assert!(images[0] == images[1]);
}

#[test]
fn bad_labels_and_paths_are_refused() {
    let f = std::io::Cursor::new(vec![0u8; 2 << 20]);
    assert!(matches!(
        format(f, &opts("much too long label", None)),
        Err(fat::Error::BadLabel(_))
    ));
    let f = std::io::Cursor::new(vec![0u8; 2 << 20]);
    let v = format(f, &opts("ok", None)).unwrap();
    assert!(matches!(
        v.create_dir("a/../b"),
        Err(fat::Error::BadPath(_))
    ));
    assert_eq!(v.label(), "OK");
}

#[test]
fn plain_fatfs_file_writes_after_format_stay_clean_without_repair() {
    let dir = tempfile::tempdir().unwrap();
    let (path, f) = image(dir.path(), "cfg.img", 300 << 20);
    let v = format(f, &opts("FERRY-CFG", Some(FatKind::Fat32))).unwrap();
    v.create_dir("reports").unwrap();
    let f = v.close().unwrap();
    {
        let fs = fatfs::FileSystem::new(&f, fatfs::FsOptions::new()).unwrap();
        let root = fs.root_dir();
        root.create_file("state.toml")
            .unwrap()
            .write_all(&vec![b'x'; 100_000])
            .unwrap();
        let reports = root.open_dir("reports").unwrap();
        reports
            .create_file("one.toml")
            .unwrap()
            .write_all(b"ok")
            .unwrap();
        drop(reports);
        drop(root);
        fs.unmount().unwrap();
    }
    fsck_clean(&path, 0);
}

/// A volume of 4096-byte sectors, the disk's own on a 4Kn disk: FAT32
/// where it has room for FAT32's clusters, FAT16 below. `fsck.fat` and
/// mtools read it, and the kernel mounts it from a loop device of
/// 4096-byte sectors (it refuses a FAT volume of smaller sectors there).
#[test]
fn volumes_of_4096_byte_sectors_are_clean_and_mount_on_a_4k_device() {
    let dir = tempfile::tempdir().unwrap();
    for (size, kind) in [(512u64 << 20, FatKind::Fat32), (256 << 20, FatKind::Fat16)] {
        let (path, f) = image(dir.path(), &format!("{kind:?}-4k.img"), size);
        let (k, cluster) = fat::kind_and_cluster(size, 4096, 4096);
        assert_eq!(k, kind);
        let mut o = opts("FERRY-4K", Some(k));
        o.cluster_size = Some(cluster);
        o.sector_size = 4096;
        let v = format(f, &o).unwrap();
        assert_eq!(v.kind(), kind);
        populate(&v);
        v.close().unwrap();
        let mut bs = [0u8; 13];
        File::open(&path).unwrap().read_exact(&mut bs).unwrap();
        assert_eq!(u16::from_le_bytes([bs[11], bs[12]]), 4096);
        fsck_clean(&path, 0);
        let got = mtools("mtype", &path, &["::/loader/loader.conf"]);
        assert_eq!(got, b"default ferry.conf\n");
        mount_on_4k_loop(&path, dir.path());
    }
}

/// Mount `image` read-only from a loop device of 4096-byte sectors and
/// read a file; says so and returns where loop devices are missing.
fn mount_on_4k_loop(image: &Path, dir: &Path) {
    if !testkit::loopdev::kernel_has_vfat() {
        eprintln!("skipped mounting: the kernel here has no vfat");
        return;
    }
    let out = Command::new("losetup")
        .args(["-b", "4096", "-r", "-f", "--show"])
        .arg(image)
        .output();
    let Some(out) = out.ok().filter(|o| o.status.success()) else {
        eprintln!("skipped mounting: no loop device here (needs root)");
        return;
    };
    let dev = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let mnt = dir.join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "vfat", "-o", "ro"])
        .arg(&dev)
        .arg(&mnt)
        .output()
        .unwrap();
    let read = mounted
        .status
        .success()
        .then(|| std::fs::read(mnt.join("loader/loader.conf")));
    if mounted.status.success() {
        let _ = Command::new("umount").arg(&mnt).status();
    }
    let _ = Command::new("losetup").args(["-d", &dev]).status();
    assert!(
        mounted.status.success(),
        "mount: {}",
        String::from_utf8_lossy(&mounted.stderr)
    );
    assert_eq!(read.unwrap().unwrap(), b"default ferry.conf\n");
}

/// `swap_files` trades two files' contents with one write of a directory
/// block: afterwards each name reads the other's bytes, `fsck.fat` finds
/// nothing (no cross-link, no lost cluster), and mtools reads both; the
/// other name can then be removed. On each FAT type.
#[test]
fn swap_files_trades_contents_with_one_write() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, size) in [
        (FatKind::Fat12, 4 << 20),
        (FatKind::Fat16, 40 << 20),
        (FatKind::Fat32, 300 << 20),
    ] {
        let (path, f) = image(dir.path(), &format!("{kind:?}.img"), size);
        let v = format(f, &opts("SWAP", Some(kind))).unwrap();
        populate(&v);
        v.write("EFI/BOOT/grubx64.efi", &[0x47; 9_000]).unwrap();
        v.write("EFI/BOOT/BOOTX64.NEW", &[0x53; 123_457]).unwrap();
        let mut f = v.close().unwrap();
        assert!(fat::swap_files(&mut f, "EFI/BOOT", "BOOTX64.EFI", "BOOTX64.NEW").unwrap());
        drop(f);
        fsck_clean(&path, 0);
        let efi = mtools("mtype", &path, &["::EFI/BOOT/BOOTX64.EFI"]);
        assert!(efi == vec![0x53; 123_457], "{kind:?}");
        let new = mtools("mtype", &path, &["::EFI/BOOT/BOOTX64.NEW"]);
        assert!(new == vec![0x4d; 70_000], "{kind:?}");

        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        let v = Volume::open(f, FixedTime::from_unix(0)).unwrap();
        v.remove("EFI/BOOT/BOOTX64.NEW").unwrap();
        let mut f = v.close().unwrap();
        fsck_clean(&path, 0);
        // Names that are not there, or not 8.3, are errors; nothing written.
        for (d, a, b, why) in [
            ("EFI/BOOT", "BOOTX64.EFI", "BOOTX64.NEW", "no such file"),
            (
                "EFI/NONE",
                "BOOTX64.EFI",
                "GRUBX64.EFI",
                "no directory NONE",
            ),
            (
                "EFI/BOOT/BOOTX64.EFI",
                "A.EFI",
                "B.EFI",
                "BOOTX64.EFI is a file",
            ),
            ("EFI/BOOT", "BOOTX64.EFI", "grubx64.efi", "not a valid path"),
        ] {
            let e = fat::swap_files(&mut f, d, a, b).expect_err(d);
            assert!(e.to_string().contains(why), "{d}/{a} {b}: {e}");
        }
        drop(f);
        fsck_clean(&path, 0);
    }
}
