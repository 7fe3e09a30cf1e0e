//! Signatures in the first bytes of a range (at most [`super::HEAD_LEN`]):
//! each function looks at the buffer only and names what it finds.

use super::{at, le16, le32, text, Filesystem};

/// md (Linux software RAID) superblock magic, little endian.
pub(super) const MD_MAGIC: u32 = 0xa92b_4efc;

/// A version 1 md superblock at `o`: magic, major version 1.
pub(super) fn md1(b: &[u8], o: usize, minor: &str) -> Option<Filesystem> {
    if le32(b, o)? != MD_MAGIC || le32(b, o.checked_add(4)?)? != 1 {
        return None;
    }
    Some(Filesystem::new(
        format!("Linux RAID member (md 1.{minor})"),
        text(b, o.checked_add(32)?, 32),
    ))
}

/// md metadata 1.1 (at the start) and 1.2 (4 KiB in).
pub(super) fn md_at_start(b: &[u8]) -> Option<Filesystem> {
    md1(b, 0, "1").or_else(|| md1(b, 4096, "2"))
}

/// LUKS1 or LUKS2, primary header.
pub(super) fn luks(b: &[u8]) -> Option<Filesystem> {
    if !at(b, 0, b"LUKS\xBA\xBE") {
        return None;
    }
    Some(match u16::from_be_bytes(super::bytes(b, 6)?) {
        1 => Filesystem::new("LUKS1", None),
        2 => Filesystem::new("LUKS2", text(b, 24, 48)),
        _ => Filesystem::new("LUKS", None),
    })
}

/// An LVM2 physical volume label, in one of the first four sectors.
pub(super) fn lvm2(b: &[u8]) -> Option<Filesystem> {
    (0..4usize)
        .map(|s| s * 512)
        .any(|o| at(b, o, b"LABELONE") && at(b, o + 24, b"LVM2 001"))
        .then(|| Filesystem::new("LVM physical volume", None))
}

/// A bcache backing or cache device: superblock at 4 KiB.
pub(super) fn bcache(b: &[u8]) -> Option<Filesystem> {
    const MAGIC: [u8; 16] = [
        0xc6, 0x85, 0x73, 0xf6, 0x4e, 0x1a, 0x45, 0xca, 0x82, 0x65, 0xf5, 0x7f, 0x48, 0xba, 0x6d,
        0x81,
    ];
    at(b, 4096 + 24, &MAGIC).then(|| Filesystem::new("bcache", text(b, 4096 + 72, 32)))
}

/// Linux swap (any page size from 4 to 64 KiB) or a hibernation image.
pub(super) fn swap(b: &[u8]) -> Option<Filesystem> {
    for page in [4096usize, 8192, 16384, 32768, 65536] {
        let o = page - 10;
        if at(b, o, b"SWAPSPACE2") {
            return Some(Filesystem::new("Linux swap", text(b, 1024 + 28, 16)));
        }
        if at(b, o, b"SWAP-SPACE") {
            return Some(Filesystem::new("Linux swap", None));
        }
        if [&b"S1SUSPEND"[..], b"S2SUSPEND", b"ULSUSPEND", b"LINHIB0001"]
            .iter()
            .any(|m| at(b, o, m))
        {
            return Some(Filesystem::new("Linux swap (hibernation image)", None));
        }
    }
    None
}

/// NTFS boot sector.
pub(super) fn ntfs(b: &[u8]) -> Option<Filesystem> {
    at(b, 3, b"NTFS    ").then(|| Filesystem::new("NTFS", None))
}

/// exFAT boot sector, or its backup in sector 12 when the first is gone.
pub(super) fn exfat(b: &[u8]) -> Option<Filesystem> {
    if at(b, 3, b"EXFAT   ") {
        Some(Filesystem::new("exFAT", None))
    } else if at(b, 12 * 512 + 3, b"EXFAT   ") {
        Some(Filesystem::new("exFAT (damaged boot sector)", None))
    } else {
        None
    }
}

/// XFS superblock.
pub(super) fn xfs(b: &[u8]) -> Option<Filesystem> {
    at(b, 0, b"XFSB").then(|| Filesystem::new("XFS", text(b, 108, 12)))
}

/// ext2, ext3 or ext4 superblock at 1 KiB, told apart by feature flags.
pub(super) fn ext(b: &[u8]) -> Option<Filesystem> {
    const SB: usize = 1024;
    if le16(b, SB + 56)? != 0xEF53 {
        return None;
    }
    let compat = le32(b, SB + 92)?;
    let incompat = le32(b, SB + 96)?;
    let ro_compat = le32(b, SB + 100)?;
    // extents, 64bit, flex_bg, and the ro_compat features ext3 lacks.
    let kind =
        if incompat & (0x40 | 0x80 | 0x200) != 0 || ro_compat & (0x8 | 0x10 | 0x40 | 0x400) != 0 {
            "ext4"
        } else if compat & 0x4 != 0 {
            "ext3"
        } else {
            "ext2"
        };
    Some(Filesystem::new(kind, text(b, SB + 120, 16)))
}

/// btrfs superblock at 64 KiB.
pub(super) fn btrfs(b: &[u8]) -> Option<Filesystem> {
    at(b, 65536 + 64, b"_BHRfS_M").then(|| Filesystem::new("btrfs", text(b, 65536 + 299, 256)))
}

/// squashfs, either byte order.
pub(super) fn squashfs(b: &[u8]) -> Option<Filesystem> {
    (at(b, 0, b"hsqs") || at(b, 0, b"sqsh")).then(|| Filesystem::new("squashfs", None))
}

/// EROFS superblock at 1 KiB.
pub(super) fn erofs(b: &[u8]) -> Option<Filesystem> {
    at(b, 1024, &[0xE2, 0xE1, 0xF5, 0xE0]).then(|| Filesystem::new("EROFS", None))
}

/// F2FS superblock at 1 KiB.
pub(super) fn f2fs(b: &[u8]) -> Option<Filesystem> {
    at(b, 1024, &[0x10, 0x20, 0xF5, 0xF2]).then(|| Filesystem::new("F2FS", None))
}

/// ISO 9660 primary volume descriptor at 32 KiB, with the volume id.
pub(super) fn iso9660(b: &[u8]) -> Option<Filesystem> {
    at(b, 32769, b"CD001").then(|| Filesystem::new("ISO 9660", text(b, 32768 + 40, 32)))
}

/// UDF: a volume recognition sequence (`BEA01`, then `NSR02`/`NSR03`) in
/// the 2 KiB sectors from 32 KiB on.
pub(super) fn udf(b: &[u8]) -> Option<Filesystem> {
    let ids = (16usize..33).map(|s| s * 2048 + 1);
    let mut bea = false;
    for o in ids {
        if at(b, o, b"BEA01") {
            bea = true;
        } else if bea && (at(b, o, b"NSR02") || at(b, o, b"NSR03")) {
            return Some(Filesystem::new("UDF", None));
        }
    }
    None
}

/// HFS+ or HFSX volume header at 1 KiB.
pub(super) fn hfs_plus(b: &[u8]) -> Option<Filesystem> {
    (at(b, 1024, b"H+\x00\x04") || at(b, 1024, b"HX\x00\x05"))
        .then(|| Filesystem::new("HFS+", None))
}

/// APFS container superblock.
pub(super) fn apfs(b: &[u8]) -> Option<Filesystem> {
    at(b, 32, b"NXSB").then(|| Filesystem::new("APFS", None))
}

/// JFS superblock at 32 KiB.
pub(super) fn jfs(b: &[u8]) -> Option<Filesystem> {
    at(b, 32768, b"JFS1").then(|| Filesystem::new("JFS", text(b, 32768 + 101, 11)))
}
