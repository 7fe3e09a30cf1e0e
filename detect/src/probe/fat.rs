//! FAT12/16/32: the boot sector, and what a FAT whose boot sector was
//! damaged still shows further in.

use super::{at, le16, le32, text, Filesystem};

/// Clusters below which a FAT is FAT12, and FAT16 (Microsoft's FAT spec).
const FAT12_CLUSTERS: u64 = 4085;

/// Sectors after the boot sector searched for the start of the first
/// allocation table (mkfs.fat reserves 1 to 32, more when it aligns).
const FAT_SEARCH_SECTORS: usize = 128;

/// A FAT boot sector at the start of `b`: kind (FAT12, FAT16, FAT32) and
/// the label from the BPB.
pub(super) fn boot_sector(b: &[u8]) -> Option<Filesystem> {
    kind_and_label(b).map(|(kind, label)| Filesystem::new(kind, label))
}

fn kind_and_label(b: &[u8]) -> Option<(&'static str, Option<String>)> {
    if !at(b, 510, &[0x55, 0xAA]) || !matches!(b.first(), Some(0xEB | 0xE9)) {
        return None;
    }
    let bytes_per_sector = u64::from(le16(b, 11)?);
    let sectors_per_cluster = *b.get(13)?;
    let reserved = u64::from(le16(b, 14)?);
    let fats = u64::from(*b.get(16)?);
    let media = *b.get(21)?;
    if !matches!(bytes_per_sector, 512 | 1024 | 2048 | 4096)
        || !sectors_per_cluster.is_power_of_two()
        || fats == 0
        || reserved == 0
        || !is_media(media)
    {
        return None;
    }
    let fat16_size = u64::from(le16(b, 22)?);
    if fat16_size == 0 {
        let label = (b.get(66) == Some(&0x29))
            .then(|| text(b, 71, 11))
            .flatten();
        return Some(("FAT32", label.filter(|l| l != "NO NAME")));
    }
    let root_entries = u64::from(le16(b, 17)?);
    let total = match le16(b, 19)? {
        0 => u64::from(le32(b, 32)?),
        n => u64::from(n),
    };
    let root_sectors = root_entries.checked_mul(32)?.div_ceil(bytes_per_sector);
    let meta = fats
        .checked_mul(fat16_size)?
        .checked_add(reserved)?
        .checked_add(root_sectors)?;
    let clusters = total.saturating_sub(meta) / u64::from(sectors_per_cluster);
    let kind = if clusters < FAT12_CLUSTERS {
        "FAT12"
    } else {
        "FAT16"
    };
    let label = (b.get(38) == Some(&0x29))
        .then(|| text(b, 43, 11))
        .flatten();
    Some((kind, label.filter(|l| l != "NO NAME")))
}

/// The media descriptor byte: 0xF0 or 0xF8 to 0xFF.
fn is_media(m: u8) -> bool {
    m == 0xF0 || m >= 0xF8
}

/// A FAT whose boot sector is damaged, recognised by the FAT32 FSInfo
/// sector, the FAT32 backup boot sector (sector 6), or the first bytes of
/// an allocation table (media byte, then all ones) at the start of one of
/// the first sectors.
pub(super) fn damaged(b: &[u8]) -> Option<Filesystem> {
    let named = |kind: &str| Filesystem::new(format!("{kind} (damaged boot sector)"), None);
    if at(b, 512, b"RRaA") && at(b, 512 + 484, b"rrAa") {
        return Some(named("FAT32"));
    }
    if let Some((kind, _)) = b.get(6 * 512..).and_then(kind_and_label) {
        return Some(named(kind));
    }
    (1..=FAT_SEARCH_SECTORS).find_map(|s| {
        let t = b.get(s * 512..s * 512 + 8)?;
        if !is_media(t[0]) || t[1] != 0xFF || t[2] != 0xFF {
            return None;
        }
        Some(named(if t[3] == 0x0F && t[4..7] == [0xFF; 3] {
            "FAT32"
        } else if t[3] == 0xFF {
            "FAT16"
        } else {
            "FAT12"
        }))
    })
}
