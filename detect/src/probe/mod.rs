//! Recognise what a byte range of a disk holds by the signatures its
//! formats leave at fixed places: file systems, volume managers, RAID
//! members, encrypted volumes, swap and caches. Nothing is mounted.
//!
//! The probes are written here by hand because there is no maintained
//! pure-Rust equivalent of util-linux's libblkid. The crates that offer its
//! probes (`blkid`, `rsblkid`, `libblkid-rs`) bind the C library, which the
//! static installer does not carry and which cannot read through the
//! `Read + Seek` devices (image files, in-memory disks) detection works on.
//! What pure-Rust probing exists is a young first release, not a
//! dependency to trust a safety decision to. The places and magic numbers are those the
//! formats define (and libblkid and `wipefs` look at); the tests check every
//! family against images made by the real tools, with `blkid -p` as the
//! judge.
//!
//! Every probe reads a bounded number of bytes at offsets computed with
//! checked arithmetic. [`probe_all`] returns read errors instead of hiding
//! them, so a disk that cannot be read is never taken for an empty one.

mod fat;
mod magic;
mod placed;

use crate::io::read_at;
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Seek};

/// Bytes read from the start of a range: enough for the btrfs superblock
/// at 64 KiB with its label, and for swap with 64 KiB pages.
pub const HEAD_LEN: u64 = 68 * 1024;

/// A recognised file system (or volume format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filesystem {
    /// Kind, e.g. `FAT32`, `NTFS`, `ext4`, `LUKS2`, `LVM physical volume`,
    /// `Linux RAID member (md 1.2)`.
    pub kind: String,
    /// Volume label, when the format has one in its first sectors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Filesystem {
    fn new(kind: impl Into<String>, label: Option<String>) -> Self {
        Filesystem {
            kind: kind.into(),
            label: label.filter(|l| !l.is_empty()),
        }
    }
}

/// The first format recognised in a byte range of `dev`; read errors mean
/// "not recognised". For naming a partition.
pub fn probe<D: Read + Seek>(dev: &mut D, start: u64, len: u64) -> Option<Filesystem> {
    probe_all(dev, start, len).ok()?.into_iter().next()
}

/// Every format recognised in bytes `[start, start + len)` of `dev`, the
/// containers (RAID, encryption, volume managers) before what they may
/// seem to hold. Looks at the start and at the end of the range, and at
/// the places in between the formats define. An error is a read that
/// failed inside the range.
pub fn probe_all<D: Read + Seek>(dev: &mut D, start: u64, len: u64) -> io::Result<Vec<Filesystem>> {
    let mut area = Area { dev, start, len };
    let head_len = usize::try_from(len.min(HEAD_LEN)).unwrap_or(0);
    let head = area.read(0, head_len)?.unwrap_or_default();
    let mut found = Vec::new();
    // Containers first, as libblkid orders them: a RAID member or an
    // encrypted volume can also show what lies inside it.
    found.extend(placed::md_at_end(&mut area)?);
    found.extend(magic::md_at_start(&head));
    found.extend(magic::luks(&head));
    if !found.iter().any(|f| f.kind.starts_with("LUKS")) {
        found.extend(placed::luks2_secondary(&mut area)?);
    }
    found.extend(magic::lvm2(&head));
    found.extend(magic::bcache(&head));
    found.extend(placed::zfs(&mut area)?);
    found.extend(identify_all(&head));
    if !found.iter().any(|f| f.kind == "NTFS") {
        found.extend(placed::ntfs_backup(&mut area)?);
    }
    if found.is_empty() {
        found.extend(fat::damaged(&head));
    }
    Ok(found)
}

/// The first format recognised in the first bytes `b` of a range.
pub fn identify(b: &[u8]) -> Option<Filesystem> {
    magic::md_at_start(b)
        .or_else(|| magic::luks(b))
        .or_else(|| magic::lvm2(b))
        .or_else(|| magic::bcache(b))
        .or_else(|| identify_all(b).into_iter().next())
        .or_else(|| fat::damaged(b))
}

/// File systems and swap recognised in the first bytes of a range. A FAT
/// with a damaged boot sector ([`fat::damaged`]) is looked for only when
/// nothing else claims the range: its hints are weaker.
fn identify_all(b: &[u8]) -> Vec<Filesystem> {
    [
        magic::swap,
        fat::boot_sector,
        magic::ntfs,
        magic::exfat,
        magic::xfs,
        magic::ext,
        magic::btrfs,
        magic::squashfs,
        magic::erofs,
        magic::f2fs,
        magic::iso9660,
        magic::udf,
        magic::hfs_plus,
        magic::apfs,
        magic::jfs,
    ]
    .iter()
    .filter_map(|p| p(b))
    .collect()
}

/// A byte range of a device, read with bounds checked.
struct Area<'a, D> {
    dev: &'a mut D,
    start: u64,
    len: u64,
}

impl<D: Read + Seek> Area<'_, D> {
    /// `n` bytes at `at` from the start of the range; `None` when they do
    /// not lie inside it.
    fn read(&mut self, at: u64, n: usize) -> io::Result<Option<Vec<u8>>> {
        let Ok(n64) = u64::try_from(n) else {
            return Ok(None);
        };
        let inside = at.checked_add(n64).is_some_and(|end| end <= self.len);
        let Some(offset) = self.start.checked_add(at).filter(|_| inside) else {
            return Ok(None);
        };
        let mut buf = vec![0u8; n];
        read_at(self.dev, offset, &mut buf)?;
        Ok(Some(buf))
    }
}

/// Whether `b` holds `magic` at `o`.
fn at(b: &[u8], o: usize, magic: &[u8]) -> bool {
    o.checked_add(magic.len())
        .and_then(|end| b.get(o..end))
        .is_some_and(|s| s == magic)
}

fn bytes<const N: usize>(b: &[u8], o: usize) -> Option<[u8; N]> {
    b.get(o..o.checked_add(N)?)?.try_into().ok()
}

fn le16(b: &[u8], o: usize) -> Option<u16> {
    bytes(b, o).map(u16::from_le_bytes)
}

fn le32(b: &[u8], o: usize) -> Option<u32> {
    bytes(b, o).map(u32::from_le_bytes)
}

fn le64(b: &[u8], o: usize) -> Option<u64> {
    bytes(b, o).map(u64::from_le_bytes)
}

/// A zero- or space-padded label, lossily decoded.
fn text(b: &[u8], o: usize, len: usize) -> Option<String> {
    let raw = b.get(o..o.checked_add(len)?)?;
    let end = raw.iter().position(|&c| c == 0).unwrap_or(raw.len());
    let s = String::from_utf8_lossy(&raw[..end]).trim_end().to_string();
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests;
