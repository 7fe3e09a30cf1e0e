//! Recognise common file systems by their magic numbers, so a foreign
//! partition can be shown as "NTFS" or "ext4, label home" without mounting.

use crate::io::read_at;
use serde::Serialize;
use std::io::{Read, Seek};

/// Bytes read from the start of a partition: enough for the btrfs
/// superblock at 64 KiB.
const PROBE_LEN: u64 = 64 * 1024 + 4096;

/// A recognised file system (or volume format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filesystem {
    /// Kind, e.g. `FAT32`, `NTFS`, `ext2/3/4`, `LUKS`.
    pub kind: String,
    /// Volume label, when the format has one in its first sectors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Look at the start of a byte range of `dev` and name what is there.
/// Read errors mean "not recognised".
pub fn probe<D: Read + Seek>(dev: &mut D, start: u64, len: u64) -> Option<Filesystem> {
    let want = len.min(PROBE_LEN) as usize;
    let mut buf = vec![0u8; want];
    read_at(dev, start, &mut buf).ok()?;
    identify(&buf)
}

/// Name the file system whose first bytes are `b`.
pub fn identify(b: &[u8]) -> Option<Filesystem> {
    let at = |o: usize, magic: &[u8]| b.get(o..o + magic.len()) == Some(magic);
    let found = |kind: &str, label: Option<String>| {
        Some(Filesystem {
            kind: kind.to_string(),
            label: label.filter(|l| !l.is_empty()),
        })
    };
    if let Some(fat) = fat_boot_sector(b) {
        return Some(fat);
    }
    if at(3, b"NTFS    ") {
        return found("NTFS", None);
    }
    if at(3, b"EXFAT   ") {
        return found("exFAT", None);
    }
    if at(0, b"LUKS\xBA\xBE") {
        return found("LUKS", None);
    }
    if at(512, b"LABELONE") && at(536, b"LVM2") {
        return found("LVM physical volume", None);
    }
    if at(0, b"XFSB") {
        return found("XFS", text(b, 108, 12));
    }
    if at(0, b"hsqs") {
        return found("squashfs", None);
    }
    if at(1024, &[0xE2, 0xE1, 0xF5, 0xE0]) {
        return found("EROFS", None);
    }
    if at(1024 + 56, &[0x53, 0xEF]) {
        return found("ext2/3/4", text(b, 1024 + 120, 16));
    }
    if at(65536 + 64, b"_BHRfS_M") {
        return found("btrfs", text(b, 65536 + 299, 256));
    }
    if at(4086, b"SWAPSPACE2") || at(4086, b"SWAP-SPACE") {
        return found("Linux swap", text(b, 1024 + 28, 16));
    }
    if at(32769, b"CD001") {
        return found("ISO 9660", None);
    }
    None
}

/// A FAT boot sector: kind (FAT12/16 or FAT32) and the label from the BPB.
fn fat_boot_sector(b: &[u8]) -> Option<Filesystem> {
    if b.len() < 512 || b[510..512] != [0x55, 0xAA] || !(b[0] == 0xEB || b[0] == 0xE9) {
        return None;
    }
    let bytes_per_sector = u16::from_le_bytes([b[11], b[12]]);
    let sectors_per_cluster = b[13];
    if !matches!(bytes_per_sector, 512 | 1024 | 2048 | 4096)
        || !sectors_per_cluster.is_power_of_two()
        || b[16] == 0
    {
        return None;
    }
    let fat16_size = u16::from_le_bytes([b[22], b[23]]);
    let (kind, sig_at, label_at) = if fat16_size == 0 {
        ("FAT32", 66, 71)
    } else {
        ("FAT", 38, 43)
    };
    let label = (b[sig_at] == 0x29)
        .then(|| text(b, label_at, 11))
        .flatten()
        .filter(|l| l != "NO NAME");
    Some(Filesystem {
        kind: kind.to_string(),
        label,
    })
}

/// A zero- or space-padded label, lossily decoded.
fn text(b: &[u8], at: usize, len: usize) -> Option<String> {
    let raw = b.get(at..at + len)?;
    let end = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
    let s = String::from_utf8_lossy(&raw[..end]).trim_end().to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_ext_and_ntfs() {
        let mut b = vec![0u8; 4096];
        b[1024 + 56] = 0x53;
        b[1024 + 57] = 0xEF;
        b[1024 + 120..1024 + 124].copy_from_slice(b"home");
        let fs = identify(&b).expect("ext");
        assert_eq!(
            (fs.kind.as_str(), fs.label.as_deref()),
            ("ext2/3/4", Some("home"))
        );
        let mut n = vec![0u8; 512];
        n[3..11].copy_from_slice(b"NTFS    ");
        assert_eq!(identify(&n).map(|f| f.kind), Some("NTFS".to_string()));
        assert_eq!(identify(&[0u8; 100]), None);
    }
}
