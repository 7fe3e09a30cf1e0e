//! A boot kit and a payload for the media commands, and the tools that
//! judge what they write.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ok;

/// The payload [`setup`] builds.
pub const PAYLOAD: &str = "demo-engine-1.1.0.upg";

pub fn tool(name: &str, package: &str) -> Command {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    let Some(found) = found else {
        panic!("{name} is missing: install the Debian package {package}");
    };
    Command::new(found)
}

pub fn need_file(p: &str, package: &str) -> PathBuf {
    let p = PathBuf::from(p);
    assert!(
        p.is_file(),
        "{} is missing: install the Debian package {package}",
        p.display()
    );
    p
}

/// Runs `cmd`, which must succeed; returns its output.
pub fn run(cmd: &mut Command) -> String {
    testkit::loopdev::run(cmd)
}

/// A boot kit from the installed Debian packages, a small stand-in initrd,
/// a signing key, and a payload with a 6 MB component.
pub fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let kit = d.join("kit");
    for sub in ["isolinux", "efi", "keys"] {
        std::fs::create_dir_all(kit.join(sub)).unwrap();
    }
    let copy = |from: PathBuf, to: &str| std::fs::copy(from, kit.join(to)).unwrap();
    copy(
        need_file("/usr/lib/ISOLINUX/isolinux.bin", "isolinux"),
        "isolinux/isolinux.bin",
    );
    copy(
        need_file("/usr/lib/ISOLINUX/isohdpfx.bin", "isolinux"),
        "isohdpfx.bin",
    );
    copy(
        need_file(
            "/usr/lib/syslinux/modules/bios/ldlinux.c32",
            "syslinux-common",
        ),
        "isolinux/ldlinux.c32",
    );
    // The real systemd-boot stands in for the shim and MokManager too:
    // these tests check where each goes (iso-tests check the signed ones).
    for to in [
        "efi/systemd-bootx64.efi",
        "efi/shimx64.efi",
        "efi/mmx64.efi",
    ] {
        copy(
            need_file(
                "/usr/lib/systemd/boot/efi/systemd-bootx64.efi",
                "systemd-boot-efi",
            ),
            to,
        );
    }
    // Stand-ins: the tests check layout, not booting.
    std::fs::write(kit.join("vmlinuz"), vec![0x5a; 700_000]).unwrap();
    std::fs::write(kit.join("initrd.img"), vec![0x17; 300_000]).unwrap();
    std::fs::write(kit.join("cmdline"), "console=ttyS0 quiet\n").unwrap();
    ok(d, &["key", "generate", "--out", "admin"]);
    std::fs::copy(d.join("admin.pub"), kit.join("keys/admin.pub")).unwrap();
    let root: Vec<u8> = (0..6_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(d.join("rootfs.img"), root).unwrap();
    super::write_boot_parts(d);
    ok(
        d,
        &[
            &[
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
                "--key",
                "admin.key",
                // The media tests want a payload of the image's full size.
                "--compress",
                "none",
            ][..],
            &super::BOOT_PARTS,
        ]
        .concat(),
    );
    std::fs::write(d.join("answer.toml"), "mode = \"upgrade\"\n").unwrap();
    dir
}

/// `fsck.fat -n` finds nothing to repair in a FAT image or device.
pub fn fsck_fat(image: &Path) {
    testkit::loopdev::fsck_fat_clean(image);
}

/// The FERRY partition of the USB image `img`, judged by `fsck.fat -n`
/// (as a file of its own, `part`) and opened read-write.
pub fn checked_stick(
    img: &Path,
    part: &Path,
) -> medium::stick::Stick<detect::io::Slice<std::fs::File>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(img)
        .unwrap();
    let (start, len) = medium::stick::find_partition(&mut file).unwrap();
    {
        let mut src = std::fs::File::open(img).unwrap();
        src.seek(SeekFrom::Start(start)).unwrap();
        std::io::copy(
            &mut src.take(len),
            &mut std::fs::File::create(part).unwrap(),
        )
        .unwrap();
    }
    fsck_fat(part);
    medium::stick::Stick::open(detect::io::Slice::new(file, start, len).unwrap()).unwrap()
}
