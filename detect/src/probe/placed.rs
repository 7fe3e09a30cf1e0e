//! Signatures away from the start of a range: md superblocks at its end,
//! ZFS labels at both ends, LUKS2 secondary headers up to 4 MiB in, the
//! NTFS backup boot sector in the last sector. Each reads a few bytes (at
//! most a ZFS uberblock ring, 128 KiB) at offsets computed from the
//! range's length with checked arithmetic.

use super::magic::{md1, MD_MAGIC};
use super::{at, le64, Area, Filesystem};
use std::io::{self, Read, Seek};

const KIB: u64 = 1024;
/// A ZFS vdev label; four of them, two at each end of the device.
const ZFS_LABEL: u64 = 256 * KIB;
/// Where a label's uberblock ring starts, and its length.
const ZFS_RING: u64 = 128 * KIB;
/// Uberblocks are at least 1 KiB apart (more with larger `ashift`).
const ZFS_UBERBLOCK: usize = 1024;
const ZFS_MAGIC: u64 = 0x00ba_b10c;
/// Where LUKS2 may keep its secondary header (the offsets it allows).
const LUKS2_SECONDARY: [u64; 9] = [
    0x4000, 0x8000, 0x10000, 0x20000, 0x40000, 0x80000, 0x100000, 0x200000, 0x400000,
];

/// md metadata 0.90 (64 KiB-aligned, in the last 128 KiB) and 1.0 (8 to
/// 12 KiB before the end, 4 KiB-aligned).
pub(super) fn md_at_end<D: Read + Seek>(a: &mut Area<'_, D>) -> io::Result<Option<Filesystem>> {
    if a.len >= 128 * KIB {
        let o = (a.len & !(64 * KIB - 1)) - 64 * KIB;
        if let Some(b) = a.read(o, 8)? {
            let le = at(&b, 0, &MD_MAGIC.to_le_bytes()) && at(&b, 4, &[0; 4]);
            let be = at(&b, 0, &MD_MAGIC.to_be_bytes()) && at(&b, 4, &[0; 4]);
            if le || be {
                return Ok(Some(Filesystem::new("Linux RAID member (md 0.90)", None)));
            }
        }
    }
    let Some(sector) = (a.len / 512).checked_sub(16).map(|s| s & !7) else {
        return Ok(None);
    };
    let Some(o) = sector.checked_mul(512) else {
        return Ok(None);
    };
    Ok(a.read(o, 256)?.and_then(|b| md1(&b, 0, "0")))
}

/// A LUKS2 secondary header whose primary is gone.
pub(super) fn luks2_secondary<D: Read + Seek>(
    a: &mut Area<'_, D>,
) -> io::Result<Option<Filesystem>> {
    for o in LUKS2_SECONDARY {
        if let Some(b) = a.read(o, 8)? {
            if at(&b, 0, b"SKUL\xBA\xBE") {
                return Ok(Some(Filesystem::new(
                    "LUKS2 (secondary header; the primary is damaged)",
                    None,
                )));
            }
        }
    }
    Ok(None)
}

/// A ZFS pool member: an uberblock magic in the ring of any of the four
/// labels (at 0 and 256 KiB, and 512 and 256 KiB before the 256 KiB-aligned
/// end).
pub(super) fn zfs<D: Read + Seek>(a: &mut Area<'_, D>) -> io::Result<Option<Filesystem>> {
    let end = a.len & !(ZFS_LABEL - 1);
    let labels = [
        Some(0),
        Some(ZFS_LABEL),
        end.checked_sub(2 * ZFS_LABEL),
        end.checked_sub(ZFS_LABEL),
    ];
    for label in labels.into_iter().flatten() {
        let Some(ring) = label.checked_add(ZFS_RING) else {
            continue;
        };
        let Some(b) = a.read(ring, ZFS_RING as usize)? else {
            continue;
        };
        let found = b
            .chunks_exact(ZFS_UBERBLOCK)
            .any(|u| le64(u, 0).is_some_and(|m| m == ZFS_MAGIC || m.swap_bytes() == ZFS_MAGIC));
        if found {
            return Ok(Some(Filesystem::new("ZFS pool member", None)));
        }
    }
    Ok(None)
}

/// The NTFS backup boot sector, in the last sector of the volume.
pub(super) fn ntfs_backup<D: Read + Seek>(a: &mut Area<'_, D>) -> io::Result<Option<Filesystem>> {
    let Some(o) = (a.len / 512)
        .checked_sub(1)
        .and_then(|s| s.checked_mul(512))
    else {
        return Ok(None);
    };
    let found = a.read(o, 512)?.is_some_and(|b| at(&b, 3, b"NTFS    "));
    Ok(found.then(|| Filesystem::new("NTFS (backup boot sector)", None)))
}
